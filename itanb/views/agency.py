"""One agency's fiscal-year report: title, headline, measures, indicators, findings, provenance."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from itanb import __version__, grading
from itanb.findings import measure_field
from itanb.views.context import Context
from itanb.views.format import (
    REPORT_ROWS,
    STATUS_LABELS,
    Raw,
    clip,
    digits,
    esc,
    fmt_change,
    fmt_date,
    fmt_datetime,
    fmt_passed,
    fmt_score,
    fmt_share,
    html_block,
    html_list,
    html_table,
    is_missing,
    prose_digits,
    records,
)
from itanb.views.scans import PNG, beside, finding_pictures, placed, scan_pictures
from itanb.views.sources import SOURCE_LABEL, assessment_source, district_used, score_source
from itanb.views.yoy import level_shown
from itanb.vocabulary import FINDING_LABELS


def show_title(ctx: Context):
    """The report's heading; its text also becomes the HTML <title> (output metadata ``itanb.title``)."""
    from IPython.display import display

    fy = ctx.num(ctx.fiscal_year)
    if ctx.kind == "portfolio":
        scope = (place_text({"district": ctx.district, "province": ctx.province})
                 if ctx.district or ctx.province else "ทุกหน่วยงาน")
        title = f"ภาพรวมผลการประเมิน ITA ปีงบประมาณ พ.ศ. {fy} · {scope}"
    elif ctx.kind == "year-over-year":
        title = f"ผลการประเมิน ITA เปรียบเทียบรายปี · {ctx.name}"
    else:
        title = f"รายงานผลการประเมิน ITA ปีงบประมาณ พ.ศ. {fy} · {ctx.name}"
    display(html_block(f'<p class="itanb-big">{esc(title)}</p>'), metadata={"itanb": {"title": title}})


def place_text(agency: dict) -> str:
    """``อำเภอX จังหวัดY`` from ``agency``'s district and province (a prefix already there is not doubled)."""
    from itanb.compare import place_name

    parts = [f"{prefix}{place_name(str(agency[key]))}"
             for key, prefix in (("district", "อำเภอ"), ("province", "จังหวัด"))
             if not is_missing(agency.get(key)) and agency[key]]
    return " ".join(parts) or "ไม่ระบุ"


def assessment_row(ctx: Context) -> pd.Series | None:
    """The assessment a fiscal-year report leads with: that year's score, else the latest earlier one.

    A memo's measures of FY2565 respond to the FY2564 assessment, so a FY2565 report without a FY2565 score
    shows the FY2564 one, labelled with its year.
    """
    yoy = ctx.yoy()
    scored = yoy[yoy["score"].notna() & (yoy["fiscal_year"] <= ctx.fiscal_year)]
    return None if scored.empty else scored.iloc[-1]


def headline_facts(ctx: Context) -> list[tuple[str, str]]:
    """(label, text) pairs of the headline, plain text (escaped when displayed)."""
    agency, t, n = ctx.agency, ctx.thai_digits, ctx.num
    facts = [
        ("หน่วยงาน", ctx.name),
        ("ที่ตั้ง", place_text(agency)),
        ("ปีงบประมาณ", f"พ.ศ. {n(ctx.fiscal_year)}"),
    ]
    row = assessment_row(ctx)
    if row is None:
        facts.append(("ผลการประเมิน", f"ยังไม่มีคะแนน ITA ถึงปีงบประมาณ พ.ศ. {n(ctx.fiscal_year)}"))
        return facts
    fy = int(row["fiscal_year"])
    if fy != ctx.fiscal_year:  # the year's own result needs no row: the fiscal year is right above
        facts.append(("ผลการประเมิน", f"ปีงบประมาณ พ.ศ. {n(fy)} (ผลล่าสุดก่อนปีงบประมาณนี้ ซึ่งมาตรการของปีนี้"
                                      "ตอบสนอง)"))
    facts.append(("คะแนน", fmt_score(row["score"], t)))
    source = score_source(ctx, fy)
    if source is not None:  # a published score: where, in Thai, and its address (the citation: headline())
        facts.append((SOURCE_LABEL, f"{prose_digits(source[0], t)} · {source[1].split()[0]}"))
    level = row["level"] if not is_missing(row["level"]) else None
    reported = row["level_reported"] if not is_missing(row["level_reported"]) else None
    level_text = level or level_shown(fy, row["score"], long=True)
    if reported and reported != level:
        level_text += f" (หน่วยงานรายงานว่า {reported})"
    facts.append(("ระดับ", level_text))
    if is_missing(row["prev_year"]):
        change = "ไม่มีคะแนนปีก่อนหน้าให้เปรียบเทียบ"
    else:
        change = f"{fmt_change(row['score_change'], t)} คะแนน จากปีงบประมาณ พ.ศ. {n(int(row['prev_year']))}"
        if not is_missing(row["level_change_label"]):
            change += f" · {n(row['level_change_label'])}"  # ours: "ดีขึ้น 2 ระดับ (C → A)"
    facts.append(("เปลี่ยนแปลงจากปีก่อน", change))
    if is_missing(row["national_average"]):
        facts.append(("ค่าเฉลี่ยทั้งประเทศ", "ไม่มีข้อมูล"))
    else:
        gap = float(row["gap_to_national"])
        side = "สูงกว่า" if gap > 0 else ("ต่ำกว่า" if gap < 0 else "เท่ากับ")
        facts.append(("ค่าเฉลี่ยทั้งประเทศ", f"{fmt_score(row['national_average'], t)} · {side}ค่าเฉลี่ย "
                                              f"{fmt_score(abs(gap), t)} คะแนน"))
    facts.append(("ผ่านเกณฑ์", fmt_passed(row["passed"], t)))
    return facts


def headline(ctx: Context):
    """Agency, place, fiscal year (BE), score, level, change, national average and gap, passed; the score's
    source described in Thai, with the citation as recorded in a details element; beside a value read
    uncertainly off a scan, the picture of where it was read (:mod:`itanb.views.scans`)."""
    row = assessment_row(ctx)
    source = score_source(ctx, int(row["fiscal_year"])) if row is not None else None
    facts = headline_facts(ctx)
    labels = [label for label, _ in facts]
    # the label each value read off a scan is shown under (the memo date's is its fiscal year's)
    home = {"fiscal_year": "ปีงบประมาณ", "memo_date": "ปีงบประมาณ", "score": "คะแนน", "level_reported": "ระดับ",
            "assessed_fiscal_year": "ผลการประเมิน" if "ผลการประเมิน" in labels else "คะแนน"}
    pictures = placed(scan_pictures(ctx, None if row is None else int(row["fiscal_year"])), home, labels,
                      ctx.thai_digits)
    items = []
    for label, text in facts:
        more = pictures.get(label, "")
        if label == SOURCE_LABEL and source is not None:
            more = (f'<details class="itanb-muted"><summary>ข้อความอ้างอิงเดิม</summary>{esc(source[1])}'
                    "</details>")
        items.append(f"<dt>{esc(label)}</dt><dd>{esc(text)}{more}</dd>")
    return html_block(f'<div class="itanb-headline"><dl>{"".join(items)}</dl></div>')


def measures_frame(ctx: Context) -> pd.DataFrame:
    """The agency's measures of the fiscal year, in Thai, one row per measure (sorted by ``no``).

    Columns: ลำดับ int, มาตรการ, ขั้นตอน, ผู้รับผิดชอบ (owners joined by ", "), กำหนดเสร็จ (Thai date or the
    free text), สถานะ (Thai label), เลยกำหนด bool (:func:`itanb.compare.overdue`: deadline before the memo
    date and not done).
    กำหนดเสร็จ follows ``ctx.thai_digits`` (the free text too); ลำดับ stays an int (converted where shown,
    in :func:`measures_table`).
    """
    from itanb.compare import overdue

    m = ctx.tables.measures
    m = m[(m["agency_id"] == ctx.agency_id) & (m["fiscal_year"] == ctx.fiscal_year)].sort_values("no")
    rows = []
    for rec, late in zip(records(m), overdue(m), strict=True):
        status = rec.status if not is_missing(rec.status) else None
        due = (fmt_date(rec.due, ctx.thai_digits) if not is_missing(rec.due)
               else ctx.num(rec.due_text) if rec.due_text else "–")
        owners = rec.owners if rec.owners is not None else []
        rows.append({
            "ลำดับ": int(rec.no),
            "มาตรการ": rec.measure,
            "ขั้นตอน": rec.steps,
            "ผู้รับผิดชอบ": ", ".join(str(o) for o in owners) or "–",
            "กำหนดเสร็จ": due,
            "สถานะ": STATUS_LABELS.get(status, STATUS_LABELS[None]),
            "เลยกำหนด": bool(late),
        })
    return pd.DataFrame(rows, columns=["ลำดับ", "มาตรการ", "ขั้นตอน", "ผู้รับผิดชอบ", "กำหนดเสร็จ", "สถานะ",
                                       "เลยกำหนด"])


def measures_summary(ctx: Context, frame: pd.DataFrame | None = None) -> str:
    """One Thai sentence: measures done (and the share), in progress, not started, unmarked, overdue.

    ``frame``: :func:`measures_frame` of ``ctx`` when the caller has it already.
    """
    frame = measures_frame(ctx) if frame is None else frame
    total, n = len(frame), ctx.num
    if not total:
        return f"ไม่มีมาตรการของปีงบประมาณ พ.ศ. {n(ctx.fiscal_year)}"
    counts = frame["สถานะ"].value_counts()
    done = int(counts.get(STATUS_LABELS["done"], 0))
    share = fmt_share(done / total, ctx.thai_digits)
    parts = [f"{STATUS_LABELS['done']} {n(done)} จาก {n(total)} มาตรการ ({share})"]
    for key in ("in_progress", "not_started", None):
        count = int(counts.get(STATUS_LABELS[key], 0))
        if count:
            parts.append(f"{STATUS_LABELS[key]} {n(count)}")
    overdue = int(frame["เลยกำหนด"].sum())
    if overdue:
        parts.append(f"เลยกำหนด {n(overdue)}")
    return " · ".join(parts)


def measures_table(ctx: Context):
    """The measures of the fiscal year as an HTML table, with the summary sentence above it."""
    frame = measures_frame(ctx)
    summary = f"<p><strong>{esc(measures_summary(ctx, frame))}</strong></p>"
    if frame.empty:
        return html_block(summary)
    rows, classes = [], []
    pictures = scan_pictures(ctx)  # beside a deadline or status read uncertainly off a scan

    def shown(no: int, part: str) -> str:
        return beside(pictures.get(measure_field(no, part), []), ctx.thai_digits)

    for rec in frame.head(REPORT_ROWS).to_dict("records"):  # what the report shows of a long table
        status = esc(rec["สถานะ"])
        if rec["เลยกำหนด"]:
            status += ' <span class="itanb-badge itanb-warn">เลยกำหนด</span>'
        css = "itanb-ok" if rec["สถานะ"] == STATUS_LABELS["done"] else ""
        no = rec["ลำดับ"]
        rows.append([ctx.num(no), rec["มาตรการ"], rec["ขั้นตอน"], rec["ผู้รับผิดชอบ"],
                     Raw(esc(clip(rec["กำหนดเสร็จ"])) + shown(no, "due")),
                     Raw(f'<span class="{css}">{status}</span>{shown(no, "status")}')])
        classes.append("itanb-overdue" if rec["เลยกำหนด"] else "")
    table = html_table(["ลำดับ", "มาตรการ", "ขั้นตอนหรือวิธีการปฏิบัติ", "ผู้รับผิดชอบ", "กำหนดเสร็จ", "สถานะ"],
                   rows, numeric={0}, row_classes=classes, total=len(frame),
                   css_class="itanb-measures" + (" itanb-scanned" if pictures else ""))
    return html_block(summary + table)


def indicators_table(ctx: Context, all_years: bool = False):
    """Which of the ten ITA indicators the agency's measures address (keyword table kept as data,
    ``itanb/data/indicator_keywords.csv``): the measures of ``ctx.fiscal_year``, or of every year with
    ``all_years``. One row per indicator, with the measures that address it by their number."""
    from itanb.compare import indicator_summary, measure_indicators

    if all_years:
        m = ctx.tables.measures
        m = m[m["agency_id"] == ctx.agency_id]
        mapped = measure_indicators(m) if len(m) else m
    else:
        mapped = ctx.measure_map()  # this year's, shared with the weak indicators' answer
    if mapped.empty:
        return html_block("<p>ไม่มีมาตรการให้จับคู่กับตัวชี้วัด</p>")
    mapped = mapped.sort_values(["fiscal_year", "no"], kind="stable")
    summary = indicator_summary(mapped)
    which: dict[int, list[str]] = {}
    for rec in records(mapped):
        label = (f"{ctx.num(rec.no)} (พ.ศ. {ctx.num(rec.fiscal_year)})" if all_years else ctx.num(rec.no))
        for indicator in rec.indicators:
            which.setdefault(int(indicator), []).append(label)
    unmatched = sum(1 for inds in mapped["indicators"] if not inds)
    rows = [[ctx.num(r.indicator), r.name, r.tool, ctx.num(r.measures),
             ", ".join(which.get(int(r.indicator), [])) or "–"] for r in records(summary)]
    addressed = int(summary["addressed"].sum())
    lead = (f"<p>มาตรการครอบคลุม {ctx.num(addressed)} จาก {ctx.num(len(summary))} ตัวชี้วัด"
            + (f" · มาตรการที่ไม่ตรงกับตัวชี้วัดใด {ctx.num(unmatched)}" if unmatched else "") + "</p>")
    note = ("<p class=\"itanb-note\">จับคู่จากคำสำคัญในชื่อและขั้นตอนของมาตรการ "
            "(ตาราง indicator_keywords.csv ของ itanb) ไม่ใช่การประเมินของ ป.ป.ช.</p>")
    table = html_table(["ตัวชี้วัด", "ชื่อตัวชี้วัด", "เครื่องมือ", "จำนวนมาตรการ", "มาตรการลำดับที่"], rows,
                   numeric={0, 3})
    return html_block(lead + table + note)

def level_mismatch_text(fiscal_year: int, score: object, reported: str, computed: str,
                        thai_digits: bool = False) -> str:
    """``ระดับที่รายงาน E ไม่ตรงกับระดับที่คำนวณได้ C จากคะแนน 74.83 (ปีงบประมาณ พ.ศ. 2564)``."""
    return grading.level_mismatch_message(digits(fiscal_year, thai_digits), fmt_score(score, thai_digits),
                                          reported, computed)


def findings_items(ctx: Context) -> list[tuple[str, str, str]]:
    """(label, Thai sentence, where) for the findings that concern this report, plain text.

    Level mismatches are stated from the assessments themselves (reported vs computed level), their numbers
    following ``ctx.thai_digits``; the other findings of the agency (for the report's years, or for no
    particular year) show their stored Thai message with its numbers following ``ctx.thai_digits`` too
    (:func:`prose_digits`: file names in it keep their digits), and ``where`` (file:line) stays ASCII.
    """
    items: list[tuple[str, str, str]] = []
    yoy = ctx.yoy()
    if ctx.kind == "fiscal-year":
        row = assessment_row(ctx)  # its year, and the previous year it is compared with
        years = {ctx.fiscal_year} | ({int(row["fiscal_year"])} if row is not None else set())
        if row is not None and not is_missing(row["prev_year"]):
            years.add(int(row["prev_year"]))
    else:
        years = {int(y) for y in yoy["fiscal_year"]}
    shown = yoy[yoy["fiscal_year"].isin(years) & (yoy["level_agrees"] == False)]  # noqa: E712 (nullable)
    for rec in records(shown):
        computed = rec.level if not is_missing(rec.level) else level_shown(rec.fiscal_year, rec.score)
        items.append((FINDING_LABELS["level_mismatch"],
                      level_mismatch_text(int(rec.fiscal_year), rec.score, rec.level_reported, computed,
                                          ctx.thai_digits),
                      assessment_source(ctx, int(rec.fiscal_year))))
    f = ctx.tables.findings
    fy = pd.to_numeric(f["fiscal_year"], errors="coerce")
    mine = f[(f["agency_id"] == ctx.agency_id) & (fy.isna() | fy.isin(years))
             & (f["code"] != "level_mismatch")]
    for rec in records(mine):
        where = str(rec.source) + (f":{int(rec.line)}" if not is_missing(rec.line) else "")
        message = district_used(ctx, rec.message) if rec.code == "location_conflict" else rec.message
        text = message + (f" ({rec.places})" if not is_missing(rec.places) else "")
        items.append((FINDING_LABELS.get(rec.code, rec.code), prose_digits(text, ctx.thai_digits), where))
    if ctx.kind == "fiscal-year":
        for f in ctx.measures_answer().findings:
            items.append((FINDING_LABELS[f.code], prose_digits(f.message, ctx.thai_digits), f.source))
    return items


def findings_list(ctx: Context):
    """The data-quality findings in plain Thai, each with where it comes from; a value read uncertainly off a
    scan with the small picture of where it was read (embedded, so the report stays one offline file)."""
    items = findings_items(ctx)
    if not items:
        return html_block("<p>ไม่พบข้อสังเกตด้านคุณภาพข้อมูล</p>")
    images = finding_pictures(ctx)

    def picture(text: str, where: str) -> str:
        src = images.get((text, where))
        if not src or not src.startswith(PNG):
            return ""
        return f' <img class="itanb-ocr" src="{esc(src)}" alt="ภาพส่วนที่อ่านจากสแกน">'

    lis = [f"<li><strong>{esc(label)}</strong>: {esc(clip(text))}{picture(text, where)}"
           + (f' <span class="itanb-muted">({esc(clip(where))})</span>' if where else "") + "</li>"
           for label, text, where in items[:REPORT_ROWS]]
    return html_block(html_list(lis, "itanb-findings", total=len(items)))


def _sha256(path: Path) -> str | None:
    try:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None


def provenance_paths(tables, agency_id: str | None) -> list[str]:
    """The raw files (paths in the sources table) the provenance of a report names: those behind the
    agency's assessments and measures, or every file for a report that is not about one agency (or whose
    agency's rows name none of them)."""
    return provenance_paths_of(tables, [agency_id])[agency_id]


def provenance_paths_of(tables, agency_ids) -> dict[str | None, list[str]]:
    """:func:`provenance_paths` of each of ``agency_ids`` (None: a report about no one agency), the tables
    read once for all of them (a batch's plan asks it for every agency)."""
    every = sorted(str(p) for p in tables.sources["path"])
    known = set(every)
    wanted = {a for a in agency_ids if a is not None}
    rows = [t.loc[t["agency_id"].isin(wanted), ["agency_id", "source"]].dropna(subset=["source"])
            for t in (tables.assessments, tables.measures)]
    rows = pd.concat(rows, ignore_index=True)
    used = (rows["source"].astype(str).str.replace(r":\d+$", "", regex=True)
            .groupby(rows["agency_id"].astype(str)).agg(set))
    return {a: sorted(used.get(a, set()) & known) or every if a is not None else every
            for a in agency_ids}


def provenance_frame(ctx: Context) -> pd.DataFrame:
    """The raw files behind this report (:func:`provenance_paths`, rows of the sources table): path, kind,
    sha256, bytes, ingested_at, and whether the file in raw_dir still has that sha256 (True/False; None when
    it is not there)."""
    s = ctx.tables.sources
    picked = s[s["path"].isin(provenance_paths(ctx.tables, ctx.agency_id))]
    out = picked[["path", "kind", "sha256", "bytes", "ingested_at"]].copy().sort_values("path")
    out["unchanged"] = [
        None if (digest := _sha256(ctx.raw_dir / p)) is None else digest == sha
        for p, sha in zip(out["path"], out["sha256"], strict=True)
    ]
    return out.reset_index(drop=True)


def provenance(ctx: Context, now: datetime | None = None):
    """Raw files with sha256 and ingest time, when and by which itanb version the report was made.

    Dates and times follow ``ctx.thai_digits``; file paths, SHA-256, byte sizes (technical, comparable with
    ``ls -l``) and the itanb version stay ASCII. Files are named relative to the raw folder; no folder of
    the machine that made the report (absolute path, user or host name) is shown.
    """
    frame = provenance_frame(ctx)
    rows = []
    for rec in records(frame):
        state = {True: "ตรงกับไฟล์ปัจจุบัน", False: "ไฟล์เปลี่ยนไปหลังนำเข้า", None: "ไม่พบไฟล์"}[rec.unchanged]
        rows.append([rec.path, rec.kind, Raw(f"<code>{esc(rec.sha256)}</code>"), f"{int(rec.bytes):,}",
                     fmt_datetime(rec.ingested_at, ctx.thai_digits), state])
    table = html_table(["ไฟล์ต้นทาง", "ประเภท", "SHA-256", "ขนาด (ไบต์)", "นำเข้าเมื่อ", "สถานะไฟล์"], rows,
                   numeric={3})
    now = now or datetime.now(UTC)
    meta = (f"<p>สร้างรายงานเมื่อ {esc(fmt_datetime(now, ctx.thai_digits))} ด้วย itanb {esc(__version__)} · "
            "ชื่อไฟล์ต้นทางระบุตามตำแหน่งในโฟลเดอร์ข้อมูลดิบ (raw) ที่นำเข้า</p>")
    return html_block(f'<div class="itanb-provenance">{meta}{table}</div>')
