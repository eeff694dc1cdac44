"""The batch's default papermill engine (itanb/batch/engine.py): a report's cells in a process forked from
the zygote, in IPython's shell. It must give what a kernel gives: the same outputs, counts and failures,
and the same report; and a forked process that dies or hangs fails its report at its cell and leaves
nothing behind."""

from __future__ import annotations

import time

import nbformat
import papermill
import pytest
from conftest import REPORT_MADE, SHIPPED_RAW, gone, without_build_times
from papermill.exceptions import PapermillExecutionError

from itanb import render
from itanb.batch.engine import ENGINE, register
from itanb.batch.kernels import KernelPool, ShellPool
from itanb.render import KERNEL_NAME

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


def _run(pool, source, out, **extra):
    engine, kwargs, done = pool.papermill(more=False)
    try:
        return papermill.execute_notebook(str(source), str(out), parameters={"x": 40}, engine_name=engine,
                                          kernel_name=KERNEL_NAME, progress_bar=False, **kwargs, **extra)
    finally:
        done()


@pytest.fixture(scope="module")
def shells():
    with ShellPool(KERNEL_NAME) as pool:
        yield pool


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


def test_a_notebook_gives_the_same_outputs_and_failure_as_in_a_kernel(shells, tmp_path):
    source = _notebook(tmp_path / "nb.ipynb")
    failures, executed = {}, {}
    with KernelPool(KERNEL_NAME) as kernels:
        for name, pool in (("shell", shells), ("kernel", kernels)):
            with pytest.raises(PapermillExecutionError) as info:
                _run(pool, source, tmp_path / f"{name}.ipynb")
            failures[name] = (info.value.cell_index, info.value.ename, info.value.evalue)
            executed[name] = nbformat.read(tmp_path / f"{name}.ipynb", as_version=4)
    assert failures["shell"] == failures["kernel"]
    assert failures["shell"][1:] == ("ZeroDivisionError", "division by zero")  # papermill names the last
    shell, kernel = _outputs(executed["shell"]), _outputs(executed["kernel"])
    assert shell == kernel
    texts = str(shell)
    assert "'a\\nc\\n'" in texts and "to stderr" in texts and "ผลการประเมิน" in texts and "74.83" in texts
    assert "second" in texts and "'first'" not in texts  # the display update reached the earlier cell
    assert "after clear" in texts and "gone" not in texts and "never" not in texts
    assert any(o.get("data", {}).get("image/png") == PNG for _, outs in shell for o in outs)
    results = [o.get("data", {}).get("text/plain") for _, outs in shell for o in outs]
    assert "42" in results  # x + 2 with the injected x = 40
    errors = [o["ename"] for _, outs in shell for o in outs if o["output_type"] == "error"]
    assert errors == ["ValueError", "ZeroDivisionError"]  # the run went on after the cell that may fail
    assert executed["shell"].metadata.papermill["exception"] is True


def test_a_report_is_the_same_from_a_forked_shell_as_from_a_kernel(shipped_processed, memo_agency_id,
                                                                   tmp_path):
    params = {"agency": memo_agency_id, "fiscal_year": 2565}
    pages = {}
    with ShellPool(KERNEL_NAME, processed_dir=str(shipped_processed)) as shell_pool, \
            KernelPool(KERNEL_NAME, processed_dir=str(shipped_processed)) as kernel_pool:
        for name, pool in (("shell", shell_pool), ("kernel", kernel_pool)):
            engine, kwargs, done = pool.papermill(more=False)
            try:
                result = render.render_report("fiscal-year", params, reports_dir=tmp_path / name,
                                              raw_dir=SHIPPED_RAW, processed_dir=shipped_processed,
                                              engine=engine, engine_kwargs=kwargs)
            finally:
                done()
            assert result.ok, result.summary()
            pages[name] = result.html.read_text(encoding="utf-8")
    assert engine is None and kwargs.get("km") is not None  # the second was a kernel indeed
    # the time the report was made (to the minute) is the one thing that may differ
    assert all(len(REPORT_MADE.findall(page)) == 1 for page in pages.values())
    assert without_build_times(pages["shell"]) == without_build_times(pages["kernel"])
    assert "74.83" in pages["shell"]


def test_a_forked_process_that_dies_fails_the_report_at_its_cell(shells, tmp_path):
    source = _notebook(tmp_path / "dies.ipynb", ["x = 1", "print('alive')",
                                                 "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
                                                 "print('never')"])
    with pytest.raises(RuntimeError, match=r"ended while running cell 3 \(import os, signal\)"):
        _run(shells, source, tmp_path / "out.ipynb")
    kept = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert kept.cells[2].outputs[0]["text"] == "alive\n"  # what ran before is kept
    assert shells.zygote.alive()  # the next report can fork


def test_a_cell_that_does_not_finish_in_time_fails_and_its_process_is_stopped(shells, tmp_path):
    source = _notebook(tmp_path / "hangs.ipynb", ["x = 1", "import os\nprint(os.getpid())",
                                                  "import time\ntime.sleep(60)"])
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="cell 3 did not finish in time"):
        _run(shells, source, tmp_path / "out.ipynb", execution_timeout=1)
    assert time.monotonic() - started < 30
    kept = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert gone(int(kept.cells[2].outputs[0]["text"]))


def test_without_its_zygote_a_pool_falls_back_to_papermills_own_kernels(tmp_path):
    register()
    with ShellPool(KERNEL_NAME) as pool:
        assert pool.papermill()[0] == ENGINE
        pool.zygote.proc.kill()
        pool.zygote.proc.wait(timeout=10)
        engine, kwargs, _done = pool.papermill()
        assert (engine, kwargs) == (None, {})
        nb = _run(pool, _notebook(tmp_path / "nb.ipynb", ["x = 1", "x * 2"]), tmp_path / "out.ipynb")
    assert nb.cells[-1].outputs[0]["data"]["text/plain"] == "80"


def test_the_engine_needs_a_zygote(tmp_path):
    register()
    with pytest.raises(ValueError, match="needs a zygote"):
        papermill.execute_notebook(str(_notebook(tmp_path / "nb.ipynb", ["x = 1"])), None, engine_name=ENGINE,
                                   kernel_name=KERNEL_NAME, progress_bar=False)


def test_each_report_starts_in_a_fresh_shell(shells, tmp_path):
    """The zygote makes the shell once, before it forks: what one report defines never reaches the next."""
    first = _run(shells, _notebook(tmp_path / "a.ipynb", ["x = 1", "leak = 'from the first report'", "x"]),
                 tmp_path / "a-out.ipynb")
    second = _run(shells, _notebook(tmp_path / "b.ipynb", ["x = 1", "'leak' in dir()"]),
                  tmp_path / "b-out.ipynb")
    assert first.cells[-1].outputs[0]["data"]["text/plain"] == "40"
    assert second.cells[-1].outputs[0]["data"]["text/plain"] == "False"
    assert [c.execution_count for c in second.cells] == [1, 2, 3]  # counted from 1 again


def test_outputs_go_to_papermills_stdout_and_stderr_files_as_with_its_own_engine(shells, tmp_path):
    source = _notebook(tmp_path / "nb.ipynb",
                       ["x = 1", "import sys\nprint('ผลลัพธ์')\nprint('oops', file=sys.stderr)"])
    with (tmp_path / "out.txt").open("w", encoding="utf-8") as out, \
            (tmp_path / "err.txt").open("w", encoding="utf-8") as err:
        _run(shells, source, tmp_path / "out.ipynb", stdout_file=out, stderr_file=err)
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "ผลลัพธ์\n"
    assert (tmp_path / "err.txt").read_text(encoding="utf-8") == "oops\n"
