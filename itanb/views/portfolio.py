"""The portfolio report: summary, level distribution, ranking, gains and drops, data quality."""

from __future__ import annotations

from itanb.views.agency import place_text
from itanb.views.context import Context
from itanb.views.format import (
    PASS_MARK,
    esc,
    fmt_change,
    fmt_score,
    fmt_share,
    html_block,
    html_table,
    is_missing,
    records,
)
from itanb.views.yoy import level_shown
from itanb.vocabulary import FINDING_LABELS


def portfolio_summary(ctx: Context):
    """How many agencies, how many passed, mean/median/min/max, national average and gap."""
    s = ctx.portfolio().summary.iloc[0]
    t, n = ctx.thai_digits, ctx.num
    facts = [
        ("ปีงบประมาณ", f"พ.ศ. {n(int(s['fiscal_year']))}"),
        ("หน่วยงานที่เลือก", f"{n(int(s['agencies_selected']))} หน่วยงาน (มีคะแนน {n(int(s['agencies_scored']))})"),
        (f"ผ่านเกณฑ์ {n(PASS_MARK)} คะแนน",
         f"{n(int(s['passed']))} หน่วยงาน ({fmt_share(s['passed_share'], t)})"),
        ("คะแนนเฉลี่ย", f"{fmt_score(s['mean'], t)} (มัธยฐาน {fmt_score(s['median'], t)}, "
                         f"ต่ำสุด {fmt_score(s['min'], t)}, สูงสุด {fmt_score(s['max'], t)})"),
        ("ค่าเฉลี่ยทั้งประเทศ", f"{fmt_score(s['national_average'], t)} · ต่างกัน "
                                f"{fmt_change(s['mean_gap_to_national'], t)} คะแนน"),
    ]
    items = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts)
    return html_block(f'<div class="itanb-headline"><dl>{items}</dl></div>')


def level_distribution_table(ctx: Context):
    dist = ctx.portfolio().level_distribution
    rows = [[rec.level, ctx.num(rec.agencies), fmt_share(rec.share, ctx.thai_digits)]
            for rec in records(dist)]
    return html_block(html_table(["ระดับ", "จำนวนหน่วยงาน", "สัดส่วน"], rows, numeric={1, 2},
                                 css_class="itanb-compact"))


def ranking_table(ctx: Context, limit: int | None = None):
    """Agencies of the portfolio, best score first."""
    ranking = ctx.portfolio().ranking
    if limit:
        ranking = ranking.head(limit)
    t = ctx.thai_digits
    rows = [[ctx.num(rec.rank), rec.name, place_text({"district": rec.district, "province": rec.province}),
             fmt_score(rec.score, t),
             rec.level if not is_missing(rec.level) else level_shown(ctx.fiscal_year, rec.score),
             fmt_change(rec.score_change, t),
             fmt_change(rec.gap_to_national, t)]
            for rec in records(ranking)]
    return html_block(html_table(["อันดับ", "หน่วยงาน", "ที่ตั้ง", "คะแนน", "ระดับ", "เปลี่ยนแปลงจากปีก่อน",
                         "ห่างจากค่าเฉลี่ยประเทศ"], rows, numeric={0, 3, 5, 6}))


def changes_table(ctx: Context, which: str = "gains"):
    """The largest score rises (``gains``) or falls (``drops``) since each agency's previous score."""
    frame = getattr(ctx.portfolio(), which)
    if frame.empty:
        return html_block("<p>ไม่มีข้อมูลให้เปรียบเทียบกับปีก่อน</p>")
    t, n = ctx.thai_digits, ctx.num
    rows = [[rec.name, f"พ.ศ. {n(rec.prev_year)}", fmt_score(rec.prev_score, t), fmt_score(rec.score, t),
             fmt_change(rec.score_change, t), n(rec.level_change_label)]
            for rec in records(frame)]
    return html_block(html_table(["หน่วยงาน", "ปีก่อนหน้า", "คะแนนปีก่อน", "คะแนนปีนี้", "เปลี่ยนแปลง", "ระดับ"], rows,
                        numeric={2, 3, 4}))


def data_quality_table(ctx: Context):
    """Agencies with data-quality findings, and agencies without a score this year."""
    p = ctx.portfolio()
    parts = []
    if p.data_quality.empty:
        parts.append("<p>ไม่พบข้อสังเกตด้านคุณภาพข้อมูล</p>")
    else:
        rows = [[rec.name or rec.agency_id, ctx.num(rec.findings),
                 ", ".join(FINDING_LABELS.get(c.strip(), c.strip()) for c in str(rec.codes).split(","))]
                for rec in records(p.data_quality)]
        parts.append(html_table(["หน่วยงาน", "จำนวนข้อสังเกต", "ประเภท"], rows, numeric={1}))
    if not p.missing.empty:
        rows = [[rec.name or rec.agency_id, place_text({"district": rec.district, "province": rec.province}),
                 "–" if is_missing(rec.last_year) else f"พ.ศ. {ctx.num(rec.last_year)}"]
                for rec in records(p.missing)]
        parts.append("<p>หน่วยงานที่ไม่มีคะแนนในปีนี้</p>")
        parts.append(html_table(["หน่วยงาน", "ที่ตั้ง", "คะแนนล่าสุด"], rows))
    return html_block("".join(parts))
