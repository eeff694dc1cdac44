"""The project's kernel (``python -m itanb.kernel``, run by ``make setup``): an analyst's own pandas chart
with a Thai title shows inline in the bundled Sarabun, with no setup line and no missing-glyph warning, even
when the server was started with ``MPLBACKEND=Agg`` (as ``make`` exports to its other targets)."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from itanb import kernel

pytestmark = pytest.mark.slow

CHART = """\
import warnings
warnings.simplefilter("always")
import pandas as pd
import matplotlib.pyplot as plt
ax = pd.Series([74.83, 100.0], index=["2564", "2565"]).plot(title="คะแนน ITA อบต.โคกสะอาด ๒๕๖๕")
from matplotlib import font_manager
print("FONT", font_manager.findfont(ax.title.get_fontproperties()))
"""


@pytest.fixture(scope="module")
def kernel_spec(tmp_path_factory) -> Path:
    """The kernel spec installed, as ``make setup`` does, into a prefix of its own."""
    prefix = tmp_path_factory.mktemp("prefix")
    return kernel.install(prefix)


def test_the_spec_is_ipykernels_with_the_extension_and_the_inline_backend(kernel_spec):
    spec = json.loads((kernel_spec / "kernel.json").read_text(encoding="utf-8"))
    assert spec["argv"][:3] == [sys.executable, "-m", "ipykernel_launcher"]
    assert "--ext=itanb.kernel" in spec["argv"]
    assert spec["env"]["MPLBACKEND"] == kernel.INLINE_BACKEND


def _run(kernel_spec: Path, *cells: str, env: dict | None = None) -> list[list[dict]]:
    """Each cell run in turn in a kernel of ``kernel_spec``, started as JupyterLab under make would start it
    (``MPLBACKEND=Agg`` in its environment: the spec's backend must win); the outputs of each cell."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    specs = KernelSpecManager(kernel_dirs=[str(kernel_spec.parent)])
    km = KernelManager(kernel_name=kernel.NAME, kernel_spec_manager=specs)
    km.start_kernel(env={**os.environ, "MPLBACKEND": "Agg", **(env or {})})
    kc = km.client()
    try:
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        return [_outputs(kc, code) for code in cells]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def _outputs(kc, code: str) -> list[dict]:
    outputs = []
    msg_id = kc.execute(code)
    while True:
        msg = kc.get_iopub_msg(timeout=120)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return outputs
        if msg["msg_type"] in ("stream", "display_data", "execute_result", "error"):
            outputs.append({"type": msg["msg_type"], **msg["content"]})


def _stream(outputs: list[dict], name: str) -> str:
    return "".join(o["text"] for o in outputs if o["type"] == "stream" and o["name"] == name)


def _check_chart(outputs: list[dict]) -> None:
    """No error, no missing-glyph warning, one chart shown inline."""
    errors = [o for o in outputs if o["type"] == "error"]
    assert not errors, errors
    stderr = _stream(outputs, "stderr")
    assert "missing from font" not in stderr and "Glyph" not in stderr, stderr
    images = [o for o in outputs if o["type"] == "display_data" and "image/png" in o["data"]]
    assert len(images) == 1  # shown inline at the end of the cell, with no plt.show()


def test_a_thai_chart_shows_inline_in_sarabun_without_a_warning(kernel_spec):
    (outputs,) = _run(kernel_spec, CHART)
    _check_chart(outputs)
    assert "Sarabun" in _stream(outputs, "stdout").split("FONT", 1)[1]


def _readme_section() -> str:
    """The Python code of the README's "Explore in a notebook" section, as written."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Explore in a notebook\n", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_explore_section_runs_as_written(kernel_spec, shipped_processed):
    code = _readme_section()
    assert "itanb.load_tables()" in code and ".plot(" in code
    check = ("print(sorted(itanb.find_agencies('โคกสะอาด', tables)['agency_id']), "
             "list(years['fiscal_year']), list(ranking['agency_id']))")
    outputs, printed = _run(kernel_spec, "import warnings\nwarnings.simplefilter('always')\n" + code, check,
                            env={"ITANB_PROCESSED": str(shipped_processed)})
    _check_chart(outputs)
    assert _stream(printed, "stdout").strip() == "['sao-khok-sa-at'] [2564, 2565] ['sao-khok-sa-at']"
