"""The year-over-year report: the record by year, measures by status and as they change."""

from __future__ import annotations

from itanb import grading
from itanb.views.context import Context
from itanb.views.format import (
    PASS_MARK,
    STATUS_LABELS,
    Raw,
    esc,
    figure,
    fmt_change,
    fmt_score,
    fmt_share,
    html_block,
    html_table,
    is_missing,
    records,
)
from itanb.views.scans import beside, scan_pictures


def level_shown(fiscal_year: int, score: object, *, long: bool = False) -> str:
    """The level to show where none could be computed: the possible levels ("ผ่านดี / ผ่าน") when the total
    leaves several open (with ``long``, and why), else "–" (or, with ``long``, that the year has none)."""
    if is_missing(score):
        return "–"
    g = grading.grade(int(fiscal_year), score)
    if len(g.possible) > 1:
        return g.shown + (" (ต้องมีคะแนนรายเครื่องมือจึงจะบอกระดับเดียวได้)" if long else "")
    return "ไม่มีระดับที่คำนวณได้สำหรับปีนั้น" if long else "–"


def yoy_table(ctx: Context):
    """The agency's record by fiscal year: score, level (reported), change, national average, measures; beside
    a score, level or year read uncertainly off a scan, the picture of where it was read."""
    yoy, t, n = ctx.yoy(), ctx.thai_digits, ctx.num
    rows = []
    for rec in records(yoy):
        level = rec.level if not is_missing(rec.level) else level_shown(rec.fiscal_year, rec.score)
        if not is_missing(rec.level_reported) and rec.level_reported != rec.level:
            level = f"{level} (รายงาน {rec.level_reported})"
        measures = "–"
        if rec.measures_total:
            share = fmt_share(rec.completion_share, t)
            measures = f"{n(rec.measures_done)}/{n(rec.measures_total)} ({share})"
        year, score = f"พ.ศ. {n(rec.fiscal_year)}", fmt_score(rec.score, t)
        pictures = scan_pictures(ctx, int(rec.fiscal_year))  # its values read uncertainly off a scan
        if pictures:
            year, score, level = (Raw(esc(text) + beside(pictures.get(name, []), t, shown_as=shown_as))
                                  for text, name, shown_as in ((year, "assessed_fiscal_year", "ปีงบประมาณ"),
                                                               (score, "score", "คะแนน"),
                                                               (level, "level_reported", "ระดับ")))
        rows.append([year, score, level,
                     fmt_change(rec.score_change, t), n(rec.level_change_label),
                     fmt_score(rec.national_average, t), fmt_change(rec.gap_to_national, t),
                     "–" if is_missing(rec.passed) else ("ผ่าน" if rec.passed else "ไม่ผ่าน"), measures])
    return html_block(html_table(["ปีงบประมาณ", "คะแนน", "ระดับ", "เปลี่ยนแปลง", "ระดับเทียบปีก่อน", "ค่าเฉลี่ยประเทศ",
                         "ห่างจากค่าเฉลี่ย", f"ผ่านเกณฑ์ {n(PASS_MARK)}", "มาตรการที่" + STATUS_LABELS["done"]], rows,
                        numeric={1, 3, 5, 6}))


def measure_status_chart(ctx: Context):
    """The measure-status chart by fiscal year, or nothing when the agency has no measures (the table below
    already says so)."""
    from itanb import charts

    yoy = ctx.yoy()
    if not (yoy["measures_total"] > 0).any():
        return None
    return figure(charts.measure_status(yoy, thai_digits=ctx.thai_digits))


CHANGE_LABELS = {"first_year": "ปีแรกที่มีมาตรการ", "carried_over": "ต่อเนื่องจากปีก่อน", "new": "มาตรการใหม่",
                 "dropped": "ไม่มีในปีนี้"}


def measures_changes(ctx: Context):
    """Measures between consecutive years with measures: carried over, new, dropped (with statuses)."""
    from itanb.compare import measures_over_time

    mot = measures_over_time(ctx.tables, ctx.agency_id)
    if mot.empty:
        return html_block("<p>ไม่มีข้อมูลมาตรการ</p>")

    def status(value: object) -> str:
        return STATUS_LABELS.get(None if is_missing(value) else value, "–")

    rows = []
    for rec in records(mot):
        rows.append([f"พ.ศ. {ctx.num(rec.fiscal_year)}", CHANGE_LABELS.get(rec.change, rec.change),
                     rec.measure if not is_missing(rec.measure) else rec.prev_measure,
                     status(rec.status) if rec.change != "dropped" else "–",
                     status(rec.prev_status) if not is_missing(rec.prev_year) and rec.change != "new"
                     else "–"])
    return html_block(html_table(["ปีงบประมาณ", "การเปลี่ยนแปลง", "มาตรการ", "สถานะปีนี้", "สถานะปีก่อน"], rows))
