"""Hostile and oversized input (issue 21): every crafted file is refused by `itanb ingest` in one line naming
it, exit 2, in bounded memory (the command runs in a process limited with ``resource.setrlimit``), the
previous tables unchanged; ingest killed at any step of its write leaves the previous tables or the new.

The crafted files are made by tests/hostile_files.py (small on disk: the bombs compress or lie in their zip
directory). The unit tests of the limits run in this process; the command-line cases are ``slow``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import hostile_files as h
import pyarrow.parquet as pq
import pytest

from itanb import limits
from itanb.errors import InputError, ParameterError
from itanb.ingest import ingest
from itanb.memo import parse_memo_bytes
from itanb.paths import PROJ_ROOT
from itanb.scores import read_scores_file
from itanb.store import CURRENT, TABLES, VERSION_PREFIX, load_tables, write_tables
from itanb.store.write import KILL_AT

MEMORY = 3 << 30  # the bound: 3 GB of address space
SHIPPED_SCORES = PROJ_ROOT / "data" / "raw" / "scores" / "published-ita-scores.csv"
BOUNDED = ("import resource, runpy, sys\n"
           f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY}, {MEMORY}))\n"
           "sys.argv = ['itanb', *sys.argv[1:]]\n"
           "runpy.run_module('itanb.cli', run_name='__main__')\n")

# name: (file under raw, generator, settings, what the one line says)
CASES = {
    "xlsx-far-cell": ("scores/far.xlsx", h.xlsx_far_cell, {}, "A1:XFD1048576"),
    "xlsx-far-column": ("scores/wide.xlsx", h.xlsx_far_column, {}, "ITANB_MAX_SHEET_CELLS"),
    "xlsx-far-dimension": ("scores/dim.xlsx", h.xlsx_far_dimension, {}, "ITANB_MAX_SHEET_CELLS"),
    "xlsx-claimed-strings": ("scores/sst.xlsx", h.xlsx_claimed_strings, {}, "4,000,000,000"),
    "xlsx-shared-amplified": ("scores/amp.xlsx", h.xlsx_shared_amplified, {}, "ITANB_MAX_SHEET_TEXT_MB"),
    "xlsx-rows": ("scores/rows.xlsx", h.xlsx_many_rows, {}, "ITANB_MAX_SCORE_ROWS"),
    "xlsx-rows-without-r": ("scores/nor.xlsx", h.xlsx_rows_without_r, {}, "ITANB_MAX_SCORE_ROWS"),
    "xlsx-big-part": ("scores/big.xlsx", h.xlsx_big_part, {}, "ITANB_MAX_PART_MB"),
    "xlsx-lying-directory": ("scores/lie.xlsx", h.xlsx_lying, {}, "not what the zip directory says"),
    "xlsx-billion-laughs": ("scores/lol.xlsx", h.xlsx_laughs, {}, "DTD"),
    "xlsx-xxe": ("scores/xxe.xlsx", h.xlsx_xxe, {}, "DTD"),
    "csv-rows": ("scores/rows.csv", h.csv_rows, {}, "ITANB_MAX_SCORE_ROWS"),
    "csv-wide-header": ("scores/wide.csv", h.csv_wide, {}, "(100,000 in all)"),
    "docx-million-rows": ("memos/rows.docx", h.docx_rows, {}, "ITANB_MAX_MEMO_ROWS"),
    "docx-big-part": ("memos/big.docx", h.docx_big_part, {}, "ITANB_MAX_PART_MB"),
    "docx-lying-directory": ("memos/lie.docx", h.docx_lying, {}, "not what the zip directory says"),
    "docx-billion-laughs": ("memos/lol.docx", h.docx_laughs, {}, "amplification"),
    "docx-quadratic": ("memos/quad.docx", h.docx_quadratic, {}, "amplification"),
    "docx-xxe": ("memos/xxe.docx", h.docx_xxe, {}, "undefined entity"),
    "pdf-pages": ("memos/pages.pdf", h.pdf_pages, {}, "ITANB_MAX_PDF_PAGES"),
    "text-memo-size": ("memos/big.md", h.text_memo, {}, "ITANB_MAX_TEXT_MEMO_MB"),
    "score-file-size": ("scores/big.csv", h.csv_rows, {"ITANB_MAX_SCORE_FILE_MB": "1"},
                        "ITANB_MAX_SCORE_FILE_MB"),
}
MORE = b"agency,fiscal_year,score\nx,2566,88.10\n"
BAD_SCORES = ["-0.001", "-0", "9_5.5", "٩٥", "９５", "1e309", "NaN", "100.005"]


def table_bytes(processed: Path) -> dict[str, bytes]:
    """The tables as a reader finds them: each name's bytes (a missing one as None)."""
    names = [f"{t}.parquet" for t in TABLES] + ["_manifest.json"]
    return {n: (processed / n).read_bytes() if (processed / n).is_file() else None for n in names}


def run_bounded(*args: object, env: dict | None = None) -> subprocess.CompletedProcess:
    """``itanb ARGS`` in a process of its own limited to MEMORY bytes of address space."""
    env = {**os.environ, "PYTHAINLP_READ_ONLY": "1", "ITANB_STANDBY": "0", **(env or {})}
    return subprocess.run([sys.executable, "-c", BOUNDED, *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=120, check=False)


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> Path:
    """Tables of an earlier good ingest (one small score table), copied into each case's folder."""
    raw = tmp_path_factory.mktemp("good") / "raw"
    (raw / "scores").mkdir(parents=True)
    shutil.copy(SHIPPED_SCORES, raw / "scores")
    out = raw.parent / "processed"
    ingest(raw, out)
    return out


def case_folders(tmp_path: Path, previous: Path, files: dict[str, bytes]) -> tuple[Path, Path]:
    raw = tmp_path / "raw"
    (raw / "scores").mkdir(parents=True)
    shutil.copy(SHIPPED_SCORES, raw / "scores")
    for rel, data in files.items():
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        (raw / rel).write_bytes(data)
    processed = tmp_path / "processed"
    shutil.copytree(previous, processed, symlinks=True)
    return raw, processed


def assert_refused(result: subprocess.CompletedProcess, rel: str, says: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr[-2000:]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert lines[0].startswith(f"itanb: {rel}:") and says in lines[0], lines[0]
    assert len(lines[0]) < 1000, lines[0][:2000]  # a line to read


# --- the command line, in bounded memory ------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_crafted_file_is_refused_in_one_line(name, tmp_path, previous):
    rel, make, env, says = CASES[name]
    raw, processed = case_folders(tmp_path, previous, {rel: make()})
    assert (raw / rel).stat().st_size < 8 << 20  # small on disk
    before = table_bytes(processed)
    assert_refused(run_bounded("ingest", "--raw", raw, "--processed", processed, env=env), rel, says)
    assert table_bytes(processed) == before


@pytest.mark.slow
@pytest.mark.parametrize("value", BAD_SCORES)
def test_bad_score_values_are_refused_with_file_row_and_value(value, tmp_path, previous):
    table = f"agency,fiscal_year,score\na,2565,{value}\n".encode()
    raw, processed = case_folders(tmp_path, previous, {"scores/bad.csv": table})
    before = table_bytes(processed)
    result = run_bounded("ingest", "--raw", raw, "--processed", processed)
    assert_refused(result, "scores/bad.csv", value)
    assert result.stderr.startswith("itanb: scores/bad.csv:2: score"), result.stderr
    assert table_bytes(processed) == before


@pytest.mark.slow
def test_hidden_and_odd_files_are_named_among_the_ignored(tmp_path, previous):
    raw, processed = case_folders(tmp_path, previous, {"memos/.x.md": b"x", "memos/..x.pdf": b"%PDF",
                                                       "scores/~$book.xlsx": b"lock"})
    os.mkfifo(raw / "memos" / "pipe.md")
    result = run_bounded("ingest", "--raw", raw, "--processed", processed)
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if "hidden or odd" in x)
    for shown in ("memos/.x.md (hidden)", "memos/..x.pdf (hidden)", "scores/~$book.xlsx (Office lock file)",
                  "memos/pipe.md (not a regular file)"):
        assert shown in line


# --- whole or nothing: ingest killed at every step of its write ------------------------------------------

def state(processed: Path) -> dict[str, object]:
    """What the tables say, apart from when they were made (``ingested_at``, the manifest's time), after
    load_tables has checked every file against the manifest (so none is from another ingest)."""
    load_tables(processed)
    out: dict[str, object] = {}
    for name in TABLES:
        table = pq.read_table(processed / f"{name}.parquet")
        out[name] = table.drop_columns([c for c in table.column_names if c == "ingested_at"]).to_pylist()
    manifest = json.loads((processed / "_manifest.json").read_text())
    out["manifest"] = {name: entry["rows"] for name, entry in manifest["files"].items()}
    return out


# one process imports itanb once, then runs `itanb ingest` (cli.main) in a child per step, killed there
KILLER = f"""
import os, shutil, sys
from pathlib import Path
import itanb.ingest
from itanb.cli import main
raw, template, base = map(Path, sys.argv[1:4])
itanb.ingest.read_raw(raw)  # imported and warmed once (name dictionaries, rule files), before the forks
for step in range(1, 500):
    out = base / f"kill{{step}}"
    shutil.copytree(template, out, symlinks=True)
    pid = os.fork()
    if pid == 0:
        os.environ["{KILL_AT}"] = str(step)
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        os._exit(main(["ingest", "--raw", str(raw), "--processed", str(out)]))
    status = os.waitpid(pid, 0)[1]
    print(step, os.WIFSIGNALED(status) and os.WTERMSIG(status),
          os.WIFEXITED(status) and os.WEXITSTATUS(status))
    if not os.WIFSIGNALED(status):
        break
"""


def kill_at_every_step(raw: Path, template: Path, tmp_path: Path) -> int:
    """Kill `itanb ingest` at step 1, 2, ... of its write until it completes; after each kill the tables
    are the old or the new ones, and the next ingest completes and leaves at most two versions (the current
    and the one it replaced). Returns the number of steps."""
    old = state(template)
    env = {**os.environ, "PYTHAINLP_READ_ONLY": "1"}
    result = subprocess.run([sys.executable, "-c", KILLER, raw, template, tmp_path], capture_output=True,
                            text=True, timeout=300, check=False, env=env)
    steps = [line.split() for line in result.stdout.splitlines()]
    assert steps and steps[-1][1:] == ["False", "0"], result.stdout + result.stderr[-2000:]
    new = state(tmp_path / f"kill{len(steps)}")
    assert new != old
    for step, signal_number, _ in steps[:-1]:
        processed = tmp_path / f"kill{step}"
        assert int(signal_number) == signal.SIGKILL
        assert state(processed) in (old, new), f"step {step}: not the old tables nor the new"
        ingest(raw, processed)
        assert state(processed) == new
        versions = [p for p in processed.iterdir() if p.name.startswith(VERSION_PREFIX)]
        assert len(versions) <= 2 and (processed / CURRENT).resolve() in [v.resolve() for v in versions]
    return len(steps) - 1


@pytest.mark.slow
def test_a_kill_at_any_step_leaves_the_old_or_the_new_tables(tmp_path, previous):
    raw, _ = case_folders(tmp_path, previous, {"scores/more.csv": MORE})
    steps = kill_at_every_step(raw, previous, tmp_path / "runs")
    assert steps == len(TABLES) + 3  # every table file, the manifest, the new link and the switch


@pytest.mark.slow
def test_a_kill_while_adopting_a_folder_of_the_older_layout(tmp_path, previous):
    """Real files (as itanb wrote them before versions): each step of turning them into links is killed."""
    raw, _ = case_folders(tmp_path, previous, {"scores/more.csv": MORE})
    template = tmp_path / "older"
    template.mkdir()
    for name, data in table_bytes(previous).items():
        (template / name).write_bytes(data)
    steps = kill_at_every_step(raw, template, tmp_path / "runs")
    # each file hard-linked, the first link, each file's link (made, renamed), then as above
    assert steps == (len(TABLES) + 1) * 4 + 4


# --- the limits in this process -----------------------------------------------------------------------------

def test_a_limit_is_raised_by_its_setting(monkeypatch):
    text = h.text_memo()
    with pytest.raises(InputError, match=r"memos/m\.md: size of the text memo: 1,048,577 bytes, over the "
                                         r"limit of 1 MB; .*ITANB_MAX_TEXT_MEMO_MB"):
        parse_memo_bytes(text, "memos/m.md")
    monkeypatch.setenv("ITANB_MAX_TEXT_MEMO_MB", "2")
    with pytest.raises(InputError) as err:
        parse_memo_bytes(text, "memos/m.md")
    assert "ITANB_MAX_TEXT_MEMO_MB" not in str(err.value)  # past the size: now read (and not a memo)
    monkeypatch.setenv("ITANB_MAX_TEXT_MEMO_MB", "0")
    with pytest.raises(ParameterError, match="ITANB_MAX_TEXT_MEMO_MB must be a positive whole number"):
        limits.check_limits()


def test_every_limit_is_named_once_with_its_setting():
    settings = [limit.env for limit in limits.LIMITS]
    assert len(set(settings)) == len(settings) and all(s.startswith("ITANB_MAX_") for s in settings)
    assert all(limit.default > 0 for limit in limits.LIMITS)


@pytest.mark.parametrize("make", [h.xlsx_far_cell, h.xlsx_claimed_strings, h.xlsx_shared_amplified,
                                  h.xlsx_lying, h.xlsx_laughs, h.xlsx_big_part])
def test_a_crafted_workbook_is_refused_before_calamine(make):
    with pytest.raises(InputError, match=r"^scores/t\.xlsx: "):
        read_scores_file(Path("t.xlsx"), file="scores/t.xlsx", data=make())


def test_a_genuine_workbook_within_the_limits_is_read(tmp_path, monkeypatch):
    """The same shapes under the limits are read: rows without r attributes, a shared string used twice."""
    data = h.xlsx(h._sheet(h._header_row() + '<row><c t="s"><v>3</v></c><c><v>2565</v></c><c><v>90.5</v></c>'
                           '</row><row r="3"><c r="A3" t="s"><v>3</v></c><c r="B3"><v>2564</v></c>'
                           '<c r="C3" t="inlineStr"><is><t>๘๘</t></is></c></row>'),
                  h._sst([*h.HEADER, "จังหวัดกาญจนบุรี"]))
    table = read_scores_file(Path("t.xlsx"), file="scores/t.xlsx", data=data)
    assert [(r.agency, r.fiscal_year, str(r.score)) for r in table.rows] == [
        ("จังหวัดกาญจนบุรี", 2565, "90.50"), ("จังหวัดกาญจนบุรี", 2564, "88.00")]
    monkeypatch.setenv("ITANB_MAX_SCORE_ROWS", "1")
    with pytest.raises(InputError, match="rows of the sheet below row 1: 2, over the limit of 1"):
        read_scores_file(Path("t.xlsx"), file="scores/t.xlsx", data=data)


def test_load_tables_reads_one_version(tmp_path):
    """The version replaced stays for a reader that resolved the .tables link before the switch, until the
    next write; load_tables reads the version the link points at."""
    write_tables(_small(), tmp_path)
    first = (tmp_path / CURRENT).readlink()
    write_tables(_small(), tmp_path)
    assert (tmp_path / CURRENT).readlink() != first
    assert (tmp_path / first).is_dir()  # the version replaced stays until the next write
    write_tables(_small(), tmp_path)
    assert not (tmp_path / first).exists()
    assert len(load_tables(tmp_path).assessments) == len(_small().assessments)


def _small():
    from test_store import small_tables

    return small_tables()


def test_a_malformed_workbook_says_what_is_wrong():
    data = h.xlsx('<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></row></sheetData></worksheet>',
                  h._sst(list(h.HEADER)))
    with pytest.raises(InputError, match=r"^scores/t\.xlsx: not a readable \.xlsx workbook: a part's XML is "
                                         r"malformed \(XmlError .*\); save it again from Excel$"):
        read_scores_file(Path("t.xlsx"), file="scores/t.xlsx", data=data)
