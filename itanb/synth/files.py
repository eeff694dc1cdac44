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
from itanb.grading import TOOL_LABELS
from itanb.synth.names import LABEL, SynthMemo, SynthPlan, agency_name
from itanb.synth.plan import plan_synthetic
from itanb.synth.population import kind_counts

# (English header, Thai header) of the score tables, in the order of the real published table.
SCORE_COLUMNS = [("agency", "หน่วยงาน"), ("fiscal_year", "ปีงบประมาณ"), ("score", "คะแนน"),
                 ("level", "ระดับ"), ("source", "แหล่งที่มา")]
TEXT_COLUMNS = {"agency", "หน่วยงาน", "level", "ระดับ", "source", "แหล่งที่มา"}  # the others are numbers
XLSX_EPOCH = (1980, 1, 1, 0, 0, 0)


def _part_header(name: str, thai: bool) -> str:
    """A tool or indicator column's header: ``eit1`` / ``EIT ส่วนที่ 1``, ``i9`` / ``ตัวชี้วัดที่ 9``."""
    if not thai:
        return name
    return TOOL_LABELS[name] if name in TOOL_LABELS else f"ตัวชี้วัดที่ {name[1:]}"


def row_source(plan: SynthPlan) -> str:
    """The source column of every synthetic score row: the label, the seed, where the mix of kinds is from."""
    return f"{LABEL} itanb synth seed={plan.seed}; agency types after {plan.kinds_source.split()[0]}"


def _score_table(plan: SynthPlan, fy: int, thai_headers: bool) -> tuple[list[str], list[list[str]]]:
    rows = plan.scores[fy]
    parts = list(rows[0].parts) if rows else []
    header = [c[1] if thai_headers else c[0] for c in SCORE_COLUMNS]
    header += [_part_header(p, thai_headers) for p in parts]
    source = row_source(plan)
    body = [[agency_name(r.number, plan.kind_of(r.number)), str(fy), r.score, r.level or "", source,
             *(r.parts[p] for p in parts)] for r in rows]
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
    for row in body:
        sheet.append([v if h in TEXT_COLUMNS or not v else int(v) if h in ("fiscal_year", "ปีงบประมาณ")
                      else float(v) for h, v in zip(header, row, strict=True)])
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


def _clear(out: Path) -> None:
    """Remove the files of an earlier synthetic data set (``synthetic-*``) and the groups they leave empty."""
    for sub in ("memos", "scores"):
        folder = out / sub
        if folder.exists():
            for old in sorted(folder.rglob("synthetic-*")):
                if old.is_file():
                    old.unlink()
            for group in sorted(folder.glob("g[0-9][0-9][0-9]")):
                if group.is_dir() and not any(group.iterdir()):
                    shutil.rmtree(group)


def _write_scores(out: Path, plan: SynthPlan) -> int:
    """The score tables, one per fiscal year, in turn: UTF-8 with a BOM and English headers, cp874 with Thai
    headers; the third table as .xlsx. Returns the rows written."""
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
    return rows


def write_synthetic(out_dir: Path | str, agencies: int, years: tuple[int, int] = (2564, 2568),
                    seed: int = 0, memo_formats: tuple[str, ...] = ("md",), *, mismatches: int = 0) -> str:
    """Write a SYNTHETIC raw folder (memos/, scores/): ``agencies`` agencies, fiscal ``years`` (first, last),
    agency kinds in the real mix, tool and indicator scores that add up to each total (``mismatches`` rows
    where one indicator does not, for testing the check; none by default).

    Files written before by this function under ``out_dir`` (``synthetic-*``) are replaced, so the folder
    holds exactly one data set. Raises InputError for the project's ``data/raw`` (or anything inside it).
    Returns a one-line summary.
    """
    out = _refuse_project_raw(Path(out_dir))
    plan = plan_synthetic(agencies, years, seed, memo_formats=tuple(memo_formats), mismatches=mismatches)
    _clear(out)
    made: set[Path] = set()
    for m in plan.memos:
        path = out / m.path
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(memo_bytes(m, path.suffix))
    rows = _write_scores(out, plan)
    first, last = plan.years
    kinds = ", ".join(f"{n} {k}" for k, n in kind_counts(plan.kinds).items())
    altered = f", {len(plan.mismatches)} with an altered indicator" if plan.mismatches else ""
    return (f"{LABEL}: wrote {len(plan.memos)} memos and {rows} score rows ({len(plan.scores)} tables"
            f"{altered}) for {agencies} agencies ({kinds}; mix after {plan.kinds_source.split()[0]}), "
            f"fiscal years {first}-{last}, seed={seed}, into {out}")
