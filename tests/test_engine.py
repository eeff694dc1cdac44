"""The papermill engine ``itanb`` (itanb/render/engine.py): a notebook's cells in this process's IPython
shell. It must give what a kernel gives (papermill's own engine): the same outputs, counts and failures, and
the same report; every notebook starts afresh, whatever ran before it in the process."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import papermill
import pytest
from conftest import REPORT_MADE, SHIPPED_RAW, without_build_times
from papermill.exceptions import PapermillExecutionError

from itanb import render
from itanb.render import KERNEL_NAME
from itanb.render.engine import ENGINE_NAME

pytestmark = pytest.mark.slow  # kernels and reports

# a 1x1 PNG
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
CELLS = [
    "x = 1",  # the parameters cell
    f"PNG = {PNG!r}\nprint('a')\nprint('c')",
    "import sys\nprint('to stderr', file=sys.stderr)",
    "from IPython.display import HTML, clear_output, display\ndisplay(HTML('<b>ผลการประเมิน</b>'))\n"
    "handle = display('first', display_id='d1')",
    "handle.update('second')  # changes the output of the cell above",
    "import pandas as pd\npd.DataFrame({'คะแนน': [74.83, 80.0]})",
    "",  # an empty cell is not run
    "raise ValueError('allowed to fail')",  # tagged raises-exception: the run goes on
    "print('gone')\nclear_output(wait=True)\nprint('after clear')",
    "x + 1; x + 2",
    "import base64\ndisplay({'image/png': base64.b64decode(PNG), 'text/plain': 'a dot'}, raw=True)  # bytes",
    "1 / 0",
    "print('never')",
]


def _notebook(path, cells=CELLS):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.cells[0].metadata["tags"] = ["parameters"]
    for cell in nb.cells:
        if cell.source.startswith("raise ValueError"):
            cell.metadata["tags"] = ["raises-exception"]
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def _run(engine, source, out, **extra):
    return papermill.execute_notebook(str(source), str(out), parameters={"x": 40}, engine_name=engine,
                                      kernel_name=KERNEL_NAME, progress_bar=False, **extra)


def _outputs(nb) -> list:
    """Every code cell's execution count and outputs (an error by its name and value: tracebacks are
    coloured by each front end)."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            outputs = [{k: v for k, v in o.items() if not (o.output_type == "error" and k == "traceback")}
                       for o in cell.outputs]
            cells.append((cell.execution_count, outputs))
    return cells


def test_a_notebook_gives_the_same_outputs_and_failure_as_in_a_kernel(tmp_path):
    source = _notebook(tmp_path / "nb.ipynb")
    failures, executed = {}, {}
    for name in (ENGINE_NAME, "nbclient"):
        with pytest.raises(PapermillExecutionError) as info:
            _run(name, source, tmp_path / f"{name}.ipynb")
        failures[name] = (info.value.cell_index, info.value.ename, info.value.evalue)
        executed[name] = nbformat.read(tmp_path / f"{name}.ipynb", as_version=4)
    assert failures[ENGINE_NAME] == failures["nbclient"]
    assert failures[ENGINE_NAME][1:] == ("ZeroDivisionError", "division by zero")  # papermill names the last
    ours, kernel = _outputs(executed[ENGINE_NAME]), _outputs(executed["nbclient"])
    assert ours == kernel
    texts = str(ours)
    assert "'a\\nc\\n'" in texts and "to stderr" in texts and "ผลการประเมิน" in texts and "74.83" in texts
    assert "second" in texts and "'first'" not in texts  # the display update reached the earlier cell
    assert "after clear" in texts and "gone" not in texts and "never" not in texts
    assert any(o.get("data", {}).get("image/png") == PNG for _, outs in ours for o in outs)
    results = [o.get("data", {}).get("text/plain") for _, outs in ours for o in outs]
    assert "42" in results  # x + 2 with the injected x = 40
    errors = [o["ename"] for _, outs in ours for o in outs if o["output_type"] == "error"]
    assert errors == ["ValueError", "ZeroDivisionError"]  # the run went on after the cell that may fail
    assert executed[ENGINE_NAME].metadata.papermill["exception"] is True


def test_a_report_is_the_same_from_the_engine_as_from_a_kernel(shipped_processed, memo_agency_id, tmp_path):
    params = {"agency": memo_agency_id, "fiscal_year": 2565}
    pages = {}
    for name in (ENGINE_NAME, "nbclient"):
        result = render.render_report("fiscal-year", params, reports_dir=tmp_path / name, raw_dir=SHIPPED_RAW,
                                      processed_dir=shipped_processed, engine=name)
        assert result.ok, result.summary()
        pages[name] = result.html.read_text(encoding="utf-8")
    # the time the report was made (to the minute) is the one thing that may differ
    assert all(len(REPORT_MADE.findall(page)) == 1 for page in pages.values())
    assert without_build_times(pages[ENGINE_NAME]) == without_build_times(pages["nbclient"])
    assert "74.83" in pages[ENGINE_NAME]


def test_a_report_after_others_in_one_process_is_the_report_alone(shipped_processed, memo_agency_id,
                                                                  tmp_path):
    """Report B alone, and B after report A and after a report that failed in a cell, in one process (a
    worker's life, with an analyst's matplotlib setting made before): the same page."""
    pages = []
    for i, order in enumerate((["b"], ["a", "bad", "b"])):
        env = _env(shipped_processed, memo_agency_id, tmp_path / str(i))
        done = subprocess.run([sys.executable, "-c", _PAGE.format(order=order)], capture_output=True,
                              text=True, env=env, check=False)
        assert done.returncode == 0, done.stderr
        pages.append((tmp_path / str(i) / "b.html").read_text(encoding="utf-8"))
    assert pages[0] == pages[1]
    assert "74.83" in pages[0]


_PAGE = """
import os, pathlib, re
from itanb.render import render_report
out = pathlib.Path(os.environ["OUT"])
args = dict(raw_dir=os.environ["RAW"], processed_dir=os.environ["PROCESSED"])
reports = dict(a=("year-over-year", dict(agency=os.environ["AGENCY"])),
               bad=("fiscal-year", dict(agency=os.environ["AGENCY"], fiscal_year=2568)),
               b=("fiscal-year", dict(agency=os.environ["AGENCY"], fiscal_year=2565)))
import matplotlib
matplotlib.rcParams["lines.linewidth"] = 9  # an analyst's setting before: not the report's business
for name in {order}:
    kind, params = reports[name]
    result = render_report(kind, params, reports_dir=out / name, **args)
    if name == "b":
        page = result.html.read_text(encoding="utf-8")
        page = re.sub(r"สร้างรายงานเมื่อ [^<]*? น\\.", "", page)
        (out / "b.html").write_text(page, encoding="utf-8")
    elif name == "bad":
        assert not result.ok
"""


def _env(processed, agency, out):
    import os

    out.mkdir(parents=True, exist_ok=True)
    return {**os.environ, "OUT": str(out), "RAW": str(SHIPPED_RAW), "PROCESSED": str(processed),
            "AGENCY": agency, "PYTHAINLP_READ_ONLY": "1", "MPLBACKEND": "Agg"}


def test_each_notebook_starts_afresh(tmp_path):
    """What one notebook defines, its matplotlib settings, folder and environment never reach the next."""
    first = _run(ENGINE_NAME, _notebook(tmp_path / "a.ipynb", [
        "x = 1", "leak = 'from the first report'",
        "import os, matplotlib\nmatplotlib.rcParams['lines.linewidth'] = 7\n"
        "os.environ['ITANB_TEST_LEAK'] = '1'\nos.chdir('/')", "x"]), tmp_path / "a-out.ipynb")
    second = _run(ENGINE_NAME, _notebook(tmp_path / "b.ipynb", [
        "x = 1", "'leak' in dir()", "import os, matplotlib\n(matplotlib.rcParams['lines.linewidth'], "
        "'ITANB_TEST_LEAK' in os.environ, os.getcwd() == '/')"]), tmp_path / "b-out.ipynb")
    assert first.cells[-1].outputs[0]["data"]["text/plain"] == "40"
    assert second.cells[-2].outputs[0]["data"]["text/plain"] == "False"
    assert second.cells[-1].outputs[0]["data"]["text/plain"].endswith("False, False)")
    assert [c.execution_count for c in second.cells] == [1, 2, 3, 4]  # counted from 1 again


def test_the_process_keeps_its_main_module_and_can_spawn_workers(tmp_path):
    """Running notebooks in-process leaves ``sys.modules['__main__']`` alone: a spawn worker still starts."""
    import multiprocessing

    main = sys.modules["__main__"]
    _run(ENGINE_NAME, _notebook(tmp_path / "nb.ipynb", ["x = 1", "x"]), tmp_path / "out.ipynb")
    assert sys.modules["__main__"] is main
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.apply(abs, (-3,)) == 3


def test_shell_commands_and_figures_are_outputs(tmp_path):
    """``!cmd`` output is the cell's (IPython pipes it through sys.stdout); a figure shows inline."""
    nb = _run(ENGINE_NAME, _notebook(tmp_path / "nb.ipynb", [
        "x = 1", "!echo ผ่าน", "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()"]),
        tmp_path / "out.ipynb")
    assert "ผ่าน" in nb.cells[-2].outputs[0]["text"]
    assert any("image/png" in o.get("data", {}) for o in nb.cells[-1].outputs)


def test_outputs_go_to_papermills_stdout_and_stderr_files_as_with_its_own_engine(tmp_path):
    source = _notebook(tmp_path / "nb.ipynb",
                       ["x = 1", "import sys\nprint('ผลลัพธ์')\nprint('oops', file=sys.stderr)"])
    for name in (ENGINE_NAME, "nbclient"):
        with (tmp_path / f"{name}.txt").open("w", encoding="utf-8") as out, \
                (tmp_path / f"{name}.err").open("w", encoding="utf-8") as err:
            _run(name, source, tmp_path / f"{name}.ipynb", stdout_file=out, stderr_file=err)
        assert (tmp_path / f"{name}.txt").read_text(encoding="utf-8") == "ผลลัพธ์\n"
        assert (tmp_path / f"{name}.err").read_text(encoding="utf-8") == "oops\n"


def test_papermill_command_line_takes_the_engine_by_name(tmp_path):
    """Registered through the papermill.engine entry point: ``papermill --engine itanb`` runs the cells."""
    source = _notebook(tmp_path / "nb.ipynb", ["x = 1", "import os\nos.getpid()"])
    papermill_cli = [sys.executable, "-m", "papermill"]
    done = subprocess.run([*papermill_cli, str(source), str(tmp_path / "out.ipynb"), "--engine", ENGINE_NAME,
                           "-p", "x", "5", "--no-progress-bar"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    pid = int(nb.cells[-1].outputs[0]["data"]["text/plain"])
    assert pid != 0  # the cells ran in the papermill process itself, not a kernel: no kernel log either
    assert "kernel" not in done.stderr.lower()


def test_inside_another_ipython_shell_the_engine_hands_over_to_a_kernel(tmp_path):
    """A notebook (a kernel's shell) calling papermill with the engine: its namespace is left alone, one
    warning says so, and the notebook runs in a kernel of its own."""
    source = _notebook(tmp_path / "nb.ipynb", ["x = 1", "import os\nos.getpid()"])
    code = ("import os, warnings, papermill\nfrom IPython.core.interactiveshell import InteractiveShell\n"
            "shell = InteractiveShell.instance()\nshell.user_ns['mine'] = 1\n"
            "with warnings.catch_warnings(record=True) as caught:\n"
            "    warnings.simplefilter('always')\n"
            f"    nb = papermill.execute_notebook({str(source)!r}, None, engine_name='itanb',\n"
            "                                    progress_bar=False)\n"
            "print(len(caught), int(nb.cells[-1].outputs[0]['data']['text/plain']) != os.getpid(), "
            "shell.user_ns.get('mine'))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split()[-3:] == ["1", "True", "1"]
