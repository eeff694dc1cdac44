"""SYNTHETIC data as files: score tables (CSV in several encodings, XLSX), memos (text, Word, PDF), and
:func:`write_synthetic`, which writes a raw folder (never the project's own)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import zipfile
from pathlib import Path

from itanb import paths
from itanb.errors import InputError
from itanb.synth.names import LABEL, SynthMemo, SynthPlan, agency_name
from itanb.synth.plan import plan_synthetic

# (English header, Thai header) of the score tables, in the order of the real published table.
SCORE_COLUMNS = [("agency", "หน่วยงาน"), ("fiscal_year", "ปีงบประมาณ"), ("score", "คะแนน"),
                 ("level", "ระดับ"), ("source", "แหล่งที่มา")]
TOOL_COLUMNS = [("iit", "IIT"), ("eit", "EIT"), ("oit", "OIT")]
XLSX_EPOCH = (1980, 1, 1, 0, 0, 0)


def _score_table(plan: SynthPlan, fy: int, thai_headers: bool) -> tuple[list[str], list[list[str]]]:
    rows = plan.scores[fy]
    tools = any(r[3] for r in rows)
    columns = SCORE_COLUMNS + (TOOL_COLUMNS if tools else [])
    header = [c[1] if thai_headers else c[0] for c in columns]
    source = f"{LABEL} itanb synth seed={plan.seed}"
    body = [[agency_name(n), str(fy), score, level or "", source, *(t or ())] for n, score, level, t in rows]
    if thai_headers:  # the Thai tables put the year first
        header.insert(0, header.pop(1))
        body = [[r[1], r[0], *r[2:]] for r in body]
    return header, body


def _csv_bytes(header: list[str], body: list[list[str]], encoding: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n" if encoding == "cp874" else "\n")
    writer.writerow(header)
    writer.writerows(body)
    return buffer.getvalue().encode(encoding)


def _xlsx_bytes(header: list[str], body: list[list[str]]) -> bytes:
    """An .xlsx whose bytes depend only on its cells (fixed document dates and zip timestamps)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    fixed = dt.datetime(2000, 1, 1)
    workbook.properties.created = workbook.properties.modified = fixed
    workbook.properties.creator = "itanb synth"
    workbook.properties.title = LABEL
    sheet = workbook.create_sheet("ITA")
    sheet.append(header)
    numeric = {"score", "คะแนน", "iit", "eit", "oit", "IIT", "EIT", "OIT"}
    for row in body:
        sheet.append([float(v) if h in numeric and v else (int(v) if h in ("fiscal_year", "ปีงบประมาณ") else v)
                      for h, v in zip(header, row, strict=True)])
    raw = io.BytesIO()
    workbook.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                data = re.sub(rb"<dcterms:modified([^>]*)>[^<]*<",
                              rb"<dcterms:modified\1>2000-01-01T00:00:00Z<", data)
            fixed_info = zipfile.ZipInfo(info.filename, date_time=XLSX_EPOCH)
            fixed_info.compress_type = zipfile.ZIP_DEFLATED
            fixed_info.external_attr = 0o644 << 16
            dst.writestr(fixed_info, data)
    return out.getvalue()


def _refuse_project_raw(out_dir: Path) -> Path:
    target = out_dir.resolve()
    for raw in {paths.RAW.resolve(), (paths.PROJ_ROOT / "data" / "raw").resolve()}:
        if target == raw or raw in target.parents:
            raise InputError(f"refusing to write synthetic data into the project's raw data folder {raw}; "
                             "choose another --out folder", source=out_dir)
    return target


def memo_bytes(m: SynthMemo, suffix: str) -> bytes:
    """The file of a synthetic memo: its text as UTF-8, or that text laid out as a Word or PDF file (the
    status marks as Wingdings symbols, checkboxes or typed in Word, and as a slash or a symbol font's tick in
    PDF, in turn)."""
    if suffix not in (".docx", ".pdf"):
        return m.text.encode("utf-8")
    from itanb.memo.read_text import read_text

    doc = read_text(m.text, m.path)
    if suffix == ".docx":
        from itanb.memo.write_word import WordStyle, write_docx

        return write_docx(doc, WordStyle(mark=("wingdings", "wingdings2", "checkbox", "text")[m.number % 4]))
    from itanb.memo.write_pdf import PdfStyle, write_pdf

    return write_pdf(doc, PdfStyle(mark=("/", "ü", "P")[m.number % 3]))  # Sarabun has no ✓ glyph


def write_synthetic(out_dir: Path | str, agencies: int, years: tuple[int, int] = (2564, 2568),
                    seed: int = 0, memo_formats: tuple[str, ...] = ("md",)) -> str:
    """Write a SYNTHETIC raw folder (memos/, scores/): ``agencies`` agencies, fiscal ``years`` (first, last).

    Files written before by this function under ``out_dir`` (``synthetic-*``) are replaced, so the folder
    holds exactly one data set. Raises InputError for the project's ``data/raw`` (or anything inside it).
    Returns a one-line summary.
    """
    out = _refuse_project_raw(Path(out_dir))
    plan = plan_synthetic(agencies, years, seed, memo_formats=tuple(memo_formats))
    for sub in ("memos", "scores"):
        folder = out / sub
        if folder.exists():
            for old in sorted(folder.rglob("synthetic-*")):
                if old.is_file():
                    old.unlink()
            for group in sorted(folder.glob("g[0-9][0-9][0-9]")):
                if group.is_dir() and not any(group.iterdir()):
                    shutil.rmtree(group)
    made: set[Path] = set()
    for m in plan.memos:
        path = out / m.path
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(memo_bytes(m, path.suffix))
    (out / "scores").mkdir(parents=True, exist_ok=True)
    rows = 0
    for i, fy in enumerate(sorted(plan.scores)):
        relative = plan.score_files[fy]
        thai_headers = i % 2 == 1
        header, body = _score_table(plan, fy, thai_headers)
        rows += len(body)
        if relative.endswith(".xlsx"):
            data = _xlsx_bytes(header, body)
        else:
            data = _csv_bytes(header, body, "cp874" if thai_headers else "utf-8-sig")
        (out / relative).write_bytes(data)
    first, last = plan.years
    return (f"{LABEL}: wrote {len(plan.memos)} memos and {rows} score rows ({len(plan.scores)} tables) "
            f"for {agencies} agencies, fiscal years {first}-{last}, seed={seed}, into {out}")
