"""The benchmark runs end to end on a tiny synthetic set and ends with its one summary line.

Only the shape of the output is asserted: timings belong to the benchmark itself, not to tests.
"""

from __future__ import annotations

import re

import pytest

from itanb.bench import run_bench

pytestmark = pytest.mark.slow


def test_bench_prints_every_method_and_the_summary_line(tmp_path, capsys):
    assert run_bench(reports=2, national=40, workdir=tmp_path / "bench") == 0
    out = capsys.readouterr().out
    for method in ("serial loop: papermill CLI + jupyter nbconvert CLI", "itanb batch --force --workers 1",
                   "itanb batch --force --workers 2", "floor: empty notebook, papermill in-process"):
        assert method in out
    assert "national data path: 40 synthetic agencies" in out
    last = out.strip().splitlines()[-1]
    match = re.fullmatch(r"speedup_vs_loop=(\d+\.\d\d) per_report_s=(\d+\.\d\d) floor_s=(\d+\.\d\d) "
                         r"cells_s=(\d+\.\d{3}) marginal_s=(-?\d+\.\d{3}) startup_s=(-?\d+\.\d\d)", last)
    assert match and all(float(x) > 0 for x in match.groups()[:4])
    # marginal and start-up are derived from the two one-worker batches of the table (each may be noise at
    # this size, so their sign is not asserted, their arithmetic is)
    total = {m: float(re.search(re.escape(m) + r"\s+\d+\s+(\d+\.\d\d)", out).group(1))
             for m in ("itanb batch --force --workers 1 ", "itanb batch --force --workers 1 (the first 1)")}
    full, small = total.values()
    assert float(match.group(5)) == pytest.approx(full - small, abs=0.011)
    assert float(match.group(6)) == pytest.approx(small - (full - small), abs=0.011)
    assert "cells: the notebook's code in one in-process IPython shell" in out
    assert "itanb report: one report, the command" in out
    # the benchmark works on synthetic data in its own folder, never in the project's data folders
    assert any((tmp_path / "bench").rglob("*.html"))


def test_bench_times_memos_in_each_format(tmp_path):
    from itanb.bench_data import memo_formats

    rows = memo_formats(tmp_path, 9)
    assert [r[0] for r in rows] == ["md", "docx", "pdf"]
    assert len({r[2] for r in rows}) == 1  # the same memos found the same measures in every format
    assert all(int(r[1]) == 9 and float(r[4]) > 0 for r in rows)
