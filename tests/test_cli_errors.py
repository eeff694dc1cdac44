"""`itanb ingest` on bad raw data, through the real command line.

Every case must exit with status 2, print exactly one line on stderr that names the bad file and no
traceback, and leave the processed folder exactly as it was (the previous tables byte-identical, no
temporary files). The corpus is every file in tests/fixtures/scores/bad/, every file in
tests/fixtures/bad_memos/ (when present), and the folder-level cases below.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from itanb.ingest import ingest
from itanb.paths import PROJ_ROOT

FIXTURES = Path(__file__).parent / "fixtures"
BAD_SCORES = sorted((FIXTURES / "scores" / "bad").iterdir())
BAD_MEMOS = sorted(p for p in (FIXTURES / "bad_memos").glob("*") if p.is_file()) \
    if (FIXTURES / "bad_memos").is_dir() else []
# Word and PDF files that cannot be read (tests/make_memo_fixtures.py): scan, .doc, encrypted, corrupt
BAD_MEMO_FILES = sorted(p for p in (FIXTURES / "bad_memo_files").glob("*") if p.is_file())
MEMO = PROJ_ROOT / "data" / "raw" / "memos" / "khoksaat-ita-measures-memo-2565.md"
GOOD_TABLE = "agency,fiscal_year,score,level\nจังหวัดกาญจนบุรี,2564,91.10,A\n"
H = "agency,fiscal_year,score\n"


def run_cli(*args: str | Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHAINLP_READ_ONLY": "1"}
    return subprocess.run([sys.executable, "-m", "itanb.cli", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=120, check=False)


def digest(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()} | {p.relative_to(folder).as_posix() + "/": b"" for p in folder.rglob("*")
                               if p.is_dir()}


@pytest.fixture(scope="module")
def previous_tables(tmp_path_factory) -> Path:
    """Tables of an earlier good ingest, copied into each case's processed folder."""
    out = tmp_path_factory.mktemp("previous") / "processed"
    ingest(raw_dir=PROJ_ROOT / "data" / "raw", processed_dir=out)
    return out


def raw_with(tmp: Path, files: dict[str, str | bytes]) -> Path:
    raw = tmp / "raw"
    for rel, content in files.items():
        path = raw / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return raw


# case id -> (build the raw folder in tmp -> raw path, text the error line must contain)
Case = tuple[Callable[[Path], Path], str]
CASES: dict[str, Case] = {}
for _bad in BAD_SCORES:
    CASES[f"scores/{_bad.name}"] = (
        lambda tmp, bad=_bad: raw_with(tmp, {"memos/m.md": MEMO.read_bytes(), "scores/a-good.csv": GOOD_TABLE,
                                             f"scores/{bad.name}": bad.read_bytes()}),
        f"scores/{_bad.name}")
for _bad in BAD_MEMOS:
    # ingest reads memos/**/*.md|.txt only: a bad memo with another suffix is fed as <name>.md
    _name = _bad.name if _bad.suffix in (".md", ".txt") else _bad.name + ".md"
    CASES[f"memos/{_name}"] = (
        lambda tmp, bad=_bad, name=_name: raw_with(tmp, {"memos/a/good.md": MEMO.read_bytes(),
                                                         "scores/good.csv": GOOD_TABLE,
                                                         f"memos/{name}": bad.read_bytes()}),
        f"memos/{_name}")
for _bad in BAD_MEMO_FILES:
    CASES[f"memos/{_bad.name}"] = (
        lambda tmp, bad=_bad: raw_with(tmp, {"memos/a/good.md": MEMO.read_bytes(),
                                             "memos/b/good.docx": (FIXTURES / "memo_formats" /
                                                                   "nongbua-2566.docx").read_bytes(),
                                             "scores/good.csv": GOOD_TABLE,
                                             f"memos/{bad.name}": bad.read_bytes()}),
        f"memos/{_bad.name}")
CASES.update({
    "missing raw folder": (lambda tmp: tmp / "no-such-raw", "no-such-raw"),
    "raw folder without memos or tables": (lambda tmp: raw_with(tmp, {"memos/readme.pdf": "x"}), "raw"),
    "different scores in two tables": (
        lambda tmp: raw_with(tmp, {"scores/a.csv": H + "จังหวัดกาญจนบุรี,2564,91.10\n",
                                   "scores/b.csv": H + "จังหวัดกาญจนบุรี,2564,90.00\n"}), "scores/b.csv:2"),
    "same agency spelled two ways, different scores": (
        lambda tmp: raw_with(tmp, {"scores/a.csv": H + "อบต.โคกสะอาด,2564,70.00\n",
                                   "scores/b.xlsx": (FIXTURES / "scores" / "valid.xlsx").read_bytes(),
                                   "scores/c.csv": H + "องค์การบริหารส่วนตำบล โคกสะอาด,2565,85.00\n"}),
        "scores/c.csv:2"),
    "memo score differs from the table": (
        lambda tmp: raw_with(tmp, {"memos/m.md": MEMO.read_bytes(),
                                   "scores/s.csv": H + "อบต.โคกสะอาด,2564,80.00\n"}), "memos/m.md"),
    "bad agencies.csv": (
        lambda tmp: raw_with(tmp, {"agencies.csv": "agency_id,name\nSAO Khok Sa-at,อบต.โคกสะอาด\n",
                                   "scores/s.csv": GOOD_TABLE}), "agencies.csv:2"),
    "name fits two pinned agencies": (
        lambda tmp: raw_with(tmp, {
            "agencies.csv": "agency_id,name,province\n"
                            "ks-kalasin,อบต.โคกสะอาด,กาฬสินธุ์\nks-roiet,อบต.โคกสะอาด,ร้อยเอ็ด\n",
            "scores/s.csv": H + "อบต.โคกสะอาด,2564,70.00\n"}), "scores/s.csv:2"),
    "two memos with measures for one agency and year": (
        lambda tmp: raw_with(tmp, {"memos/a.md": MEMO.read_bytes(), "memos/b.md": MEMO.read_bytes()}),
        "memos/b.md"),
})


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_exits_2_with_one_line(case, tmp_path, previous_tables):
    build, names = CASES[case]
    raw = build(tmp_path)
    processed = tmp_path / "processed"
    shutil.copytree(previous_tables, processed)
    before = digest(processed)

    result = run_cli("ingest", "--raw", raw, "--processed", processed)

    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("itanb: ")
    assert names in lines[0], lines[0]
    assert result.stdout == ""
    assert digest(processed) == before  # byte-identical, no temporary files left


def test_good_raw_with_a_cp874_table_through_the_cli(tmp_path):
    raw = raw_with(tmp_path, {"memos/m.md": MEMO.read_bytes(),
                              "scores/cp874.csv": (FIXTURES / "scores" / "valid-cp874.csv").read_bytes()})
    result = run_cli("ingest", "--raw", raw, "--processed", tmp_path / "processed")
    assert result.returncode == 0, result.stderr
    assert "assessments: 2" in result.stdout and "measures: 12" in result.stdout


def test_console_script(tmp_path):
    script = Path(sys.executable).with_name("itanb")
    if not script.exists():
        pytest.skip("console script not installed")
    result = subprocess.run([str(script), "ingest", "--raw", str(tmp_path / "nope"), "--processed",
                             str(tmp_path / "p")], capture_output=True, text=True, timeout=120, check=False,
                            env={**os.environ, "PYTHAINLP_READ_ONLY": "1"})
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1 and "nope" in result.stderr
    assert not (tmp_path / "p").exists()
