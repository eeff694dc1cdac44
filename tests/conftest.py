"""Shared fixtures: the shipped raw data ingested once per test session into a temporary folder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_RAW = ROOT / "data" / "raw"
MEMO_AGENCY_NAME = "องค์การบริหารส่วนตำบลโคกสะอาด"
# when a page was built, to the minute: the one thing two builds of the same report or index may differ in
REPORT_MADE = re.compile(r"สร้างรายงานเมื่อ [^<]*? น\.")
INDEX_UPDATED = re.compile(r"ปรับปรุงเมื่อ [^<]*<")
# pandas' default dtype for a column of text: "object" under pandas 2, "str" under pandas 3
TEXT = str(pd.Series(["x"]).dtype)


def nones(values) -> list:
    """``values`` as a list, every missing value as None (a text column holds None under pandas 2, NaN
    under pandas 3)."""
    return [None if not isinstance(v, list | tuple) and pd.isna(v) else v for v in values]


def run_cli(*args: str | Path, cwd: Path | None = None, env: dict | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess:
    """``python -m itanb.cli ARGS`` in a process of its own, as a user runs it (text output captured);
    ``env``: variables added to this process's environment."""
    env = {**os.environ, "PYTHAINLP_READ_ONLY": "1", "MPLBACKEND": "Agg", **(env or {})}
    return subprocess.run([sys.executable, "-m", "itanb.cli", *map(str, args)], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=timeout, check=False)


@pytest.fixture(scope="session")
def shipped_processed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/raw ingested into a temporary processed folder (data/processed is never touched)."""
    from itanb.ingest import ingest

    out = tmp_path_factory.mktemp("processed")
    ingest(raw_dir=SHIPPED_RAW, processed_dir=out)
    return out


@pytest.fixture(scope="session")
def shipped_tables(shipped_processed: Path):
    from itanb.store import load_tables

    return load_tables(shipped_processed)


@pytest.fixture(scope="session")
def memo_agency_id(shipped_tables) -> str:
    """The agency_id ingest gives the agency of the real memo (องค์การบริหารส่วนตำบลโคกสะอาด)."""
    agencies = shipped_tables.agencies
    return str(agencies.loc[agencies["name"] == MEMO_AGENCY_NAME, "agency_id"].item())


@pytest.fixture(scope="module")
def synthetic_example():
    """The SYNTHETIC multi-year example agency of tests/fixtures/synthetic_agency.py, as processed tables."""
    from fixtures.synthetic_agency import synthetic_tables

    return synthetic_tables()


@pytest.fixture(scope="module")
def synthetic_yoy(synthetic_example):
    from fixtures.synthetic_agency import AGENCY_ID

    from itanb import compare

    return compare.year_over_year(synthetic_example, AGENCY_ID)


@pytest.fixture(scope="session")
def free_port():
    """A function that returns a TCP port free on 127.0.0.1 (servers started by tests bind there only)."""
    import socket

    def pick() -> int:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    return pick


def cut_off_texts(fig, margin_px: float = 2.0) -> list[str]:
    """The texts of a drawn figure that reach within ``margin_px`` of its edge or beyond (cut off in the PNG);
    tick labels of ticks outside the axis' view (matplotlib does not draw them) are left out."""
    from matplotlib.text import Text

    hidden = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not low - 1e-9 <= tick.get_loc() <= high + 1e-9:
                    hidden |= {id(tick.label1), id(tick.label2)}
    renderer, frame = fig.canvas.get_renderer(), fig.bbox
    cut = []
    for text in fig.findobj(Text):
        if id(text) in hidden or not text.get_visible() or not text.get_text().strip():
            continue
        box = text.get_window_extent(renderer)
        if min(box.x0 - frame.x0, box.y0 - frame.y0, frame.x1 - box.x1, frame.y1 - box.y1) < margin_px:
            cut.append(text.get_text())
    return cut


def without_build_times(page: str) -> str:
    """``page`` with the minute it was built masked (a report's :data:`REPORT_MADE`, an index's
    :data:`INDEX_UPDATED`): two builds may straddle a minute."""
    page = REPORT_MADE.sub("สร้างรายงานเมื่อ <time>", page)
    return INDEX_UPDATED.sub("ปรับปรุงเมื่อ <time><", page)


def gone(pid: int, wait: float = 10.0) -> bool:
    """Whether process ``pid`` has ended within ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def synthetic_ingested(base: Path, *, agencies: int, seed: int) -> Path:
    """SYNTHETIC raw data for FY2565-2566 in ``base/raw``, ingested into ``base/processed``; ``base``."""
    from itanb.ingest import ingest
    from itanb.synth import write_synthetic

    write_synthetic(base / "raw", agencies=agencies, years=(2565, 2566), seed=seed)
    ingest(raw_dir=base / "raw", processed_dir=base / "processed")
    return base


CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def chromium():
    """Debian's headless Chromium through playwright (skipped where it is not installed, failed under CI)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI (.ci/run installs it)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()
