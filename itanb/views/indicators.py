"""The ten indicators and the tools: scores against national and kind figures, weak indicators and the
measures that answer them, trends, the portfolio matrix."""

from __future__ import annotations

from dataclasses import dataclass, field

from itanb.views.context import Context
from itanb.views.format import (
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


def _gap(score: object, other: object, t: bool) -> str:
    return "–" if is_missing(score) or is_missing(other) else fmt_change(float(score) - float(other), t)


TOOLS_NOTE = "* คำนวณจากคะแนนรายตัวชี้วัดหรือ EIT สองส่วน ตามน้ำหนักของปีนั้น"
INDICATORS_NOTE = ("ค่าระดับประเทศจากรายงานผลการประเมิน ITA ของ สำนักงาน ป.ป.ช. ต่อคณะรัฐมนตรี "
                   "(มีเฉพาะบางตัวชี้วัดในบางปี) · ค่าเฉลี่ยประเภทหน่วยงานคำนวณจากข้อมูลที่นำเข้า")


@dataclass
class TextTable:
    """A table as a report shows it, plain text (escaped where it becomes HTML): a lead line, the headers,
    the rows, which rows are marked (weak, unaddressed) and a note. No rows: ``lead`` says why."""

    lead: str
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    marked: list[bool] = field(default_factory=list)
    note: str = ""


def tool_score_rows(ctx: Context) -> TextTable | None:
    """The tool scores of the agency's assessment up to the report's year as shown (None without any)."""
    from itanb.indicators import tool_table

    t = ctx.thai_digits
    tools = tool_table(ctx.tables, ctx.agency_id, ctx.fiscal_year)
    if tools.empty:
        return None
    rows = [[r.label, fmt_score(r.score, t) + (" *" if r.computed else ""), fmt_change(r.change, t)]
            for r in records(tools)]
    return TextTable(f"คะแนนรายเครื่องมือ ปีงบประมาณ พ.ศ. {ctx.num(tools.attrs['fiscal_year'])}",
                     ["เครื่องมือ", "คะแนน", "เปลี่ยนแปลงจากปีก่อน"], rows, [False] * len(rows), TOOLS_NOTE)


def indicator_score_rows(ctx: Context) -> TextTable:
    """The ten indicators (:meth:`Context.indicators`) as shown: score, change, national figure and gap,
    the average of the agency's kind; indicators below 85 marked. No scores: no rows, ``lead`` says so."""
    t, n = ctx.thai_digits, ctx.num
    ind = ctx.indicators()
    if ind["score"].isna().all():
        return TextTable(f"ยังไม่มีคะแนนรายตัวชี้วัด (ตัวชี้วัดที่ {n(1)}–{n(10)}) ของหน่วยงานนี้ถึงปีงบประมาณ "
                         f"พ.ศ. {n(ctx.fiscal_year)} ในข้อมูลที่นำเข้า")
    rows = []
    for r in records(ind):
        kind = ("–" if is_missing(r.kind_average)
                else f"{fmt_score(r.kind_average, t)} (n = {n(r.kind_agencies)})")
        rows.append([n(r.indicator), r.name, r.tool, fmt_score(r.score, t), fmt_change(r.change, t),
                     fmt_score(r.national, t), _gap(r.score, r.national, t), kind,
                     "ต่ำกว่า 85" if r.weak else ""])
    lead = f"คะแนนรายตัวชี้วัด ปีงบประมาณ พ.ศ. {n(ind.attrs.get('fiscal_year'))}"
    if not is_missing(ind["prev_year"].iloc[0]):
        lead += f" เทียบกับปีงบประมาณ พ.ศ. {n(int(ind['prev_year'].iloc[0]))}"
    headers = ["ตัวชี้วัด", "ชื่อตัวชี้วัด", "เครื่องมือ", "คะแนน", "เปลี่ยนแปลง", "ค่าระดับประเทศ",
               "ต่างจากระดับประเทศ", f"ค่าเฉลี่ย{ctx.agency.get('kind') or 'ประเภทเดียวกัน'}", ""]
    return TextTable(lead, headers, rows, [bool(w) for w in ind["weak"]], INDICATORS_NOTE)


def indicator_chart(ctx: Context):
    """The ten indicators as bars (:func:`itanb.charts.indicator_bars`) as an image; None (nothing shown) when
    the agency has no indicator score: :func:`indicator_scores_table` already says so in a sentence."""
    ind = ctx.indicators()
    if ind["score"].isna().all():
        return None
    from itanb.charts import indicator_bars

    return figure(indicator_bars(ind, thai_digits=ctx.thai_digits))


def indicator_scores_table(ctx: Context):
    """The tools and the ten indicators of the agency's assessment (up to the report's year), each with the
    change from the previous year, the national figure (where the NACC published one) and the average of the
    loaded agencies of the same kind; indicators below 85 are marked. A plain line when there are none."""
    parts = []
    tools = tool_score_rows(ctx)
    if tools is not None:
        parts.append(f"<p>{esc(tools.lead)}</p>" + html_table(tools.headers, tools.rows, numeric={1, 2})
                     + f'<p class="itanb-note">{esc(tools.note)}</p>')
    ind = indicator_score_rows(ctx)
    if not ind.rows:
        return html_block("".join(parts) + f"<p>{esc(ind.lead)}</p>")
    table = html_table(ind.headers, ind.rows, numeric={0, 3, 4, 5, 6},
                   row_classes=["itanb-overdue" if w else "" for w in ind.marked])
    note = f'<p class="itanb-note">{esc(ind.note)}</p>'
    return html_block("".join(parts) + f"<p>{esc(ind.lead)}</p>" + table + note)


def weak_indicator_lines(ctx: Context) -> TextTable:
    """"Do this year's measures answer the weak indicators?" as plain lines: ``lead``, then one row (one
    line) per weakest indicator of the assessment the measures respond to, saying which measures address
    it; ``marked`` where no measure does. No indicator scores: no rows, ``lead`` says so."""
    answer = ctx.measures_answer()
    t, n = ctx.thai_digits, ctx.num
    if answer.rows.empty:
        return TextTable("ยังไม่มีคะแนนรายตัวชี้วัดของการประเมินก่อนปีงบประมาณ พ.ศ. "
                         f"{n(ctx.fiscal_year)} จึงยังเทียบมาตรการกับตัวชี้วัดที่อ่อนไม่ได้")
    weak = bool(answer.rows["weak"].any())
    lead = (f"ตัวชี้วัดที่ต่ำกว่า 85 ในการประเมินปีงบประมาณ พ.ศ. {n(answer.assessment_year)} "
            f"เทียบกับมาตรการของปีงบประมาณ พ.ศ. {n(answer.measures_year)}" if weak else
            f"ไม่มีตัวชี้วัดใดต่ำกว่า 85 ในปีงบประมาณ พ.ศ. {n(answer.assessment_year)}: "
            "ตัวชี้วัดที่ได้คะแนนต่ำที่สุดสามตัว")
    lines, marked = [], []
    for r in records(answer.rows):
        head = f"ตัวชี้วัดที่ {n(r.indicator)} {r.name} ({fmt_score(r.score, t)} คะแนน)"
        if r.addressed:
            names = ", ".join(f"“{m}”" for m in r.measure_names)
            lines.append([f"{head}: มีมาตรการที่ตอบ {n(r.measures)} มาตรการ ({names})"])
        else:
            lines.append([f"{head}: ไม่มีมาตรการของปีนี้ที่ตอบตัวชี้วัดนี้"])
        marked.append(not r.addressed)
    return TextTable(lead, [], lines, marked)


def weak_indicators_answer(ctx: Context):
    """:func:`weak_indicator_lines` as HTML: the lines of weak indicators no measure answers in bold."""
    answer = weak_indicator_lines(ctx)
    if not answer.rows:
        return html_block(f"<p>{esc(answer.lead)}</p>")
    items = "".join(f"<li><strong>{esc(line)}</strong></li>" if unanswered else f"<li>{esc(line)}</li>"
                    for (line,), unanswered in zip(answer.rows, answer.marked, strict=True))
    return html_block(f"<p>{esc(answer.lead)}</p>" + f'<ul class="itanb-findings">{items}</ul>')


def indicator_trend_table(ctx: Context):
    """Year over year, per indicator: one row per indicator, one column per fiscal year with indicator scores
    (scores compare across schemes), and the change over the last step."""
    from itanb.indicators import indicator_trend

    t, n = ctx.thai_digits, ctx.num
    trend = indicator_trend(ctx.tables, ctx.agency_id)
    if trend.empty:
        return html_block("<p>ยังไม่มีคะแนนรายตัวชี้วัดของหน่วยงานนี้ในข้อมูลที่นำเข้า</p>")
    years = sorted(trend["fiscal_year"].unique())
    wide = trend.pivot(index="indicator", columns="fiscal_year", values="score")
    last = trend.sort_values("fiscal_year").groupby("indicator")["change"].last()
    names = trend.drop_duplicates("indicator").set_index("indicator")["name"]
    rows = [[n(i), names[i], *[fmt_score(wide.loc[i, y], t) for y in years], fmt_change(last.get(i), t)]
            for i in wide.index]
    table = html_table(["ตัวชี้วัด", "ชื่อตัวชี้วัด", *[f"พ.ศ. {n(y)}" for y in years], "เปลี่ยนแปลงล่าสุด"], rows,
                   numeric=set(range(2, len(years) + 3)) | {0})
    return html_block(table)


def indicator_portfolio_table(ctx: Context):
    """Portfolio: which indicators most often fall below 85 across the selection, with the selection's mean
    against the national figure, and by kind against the average of all loaded agencies of that kind."""
    t, n = ctx.thai_digits, ctx.num
    p = ctx.indicator_portfolio()
    if p.matrix.empty:
        return html_block(f"<p>ยังไม่มีคะแนนรายตัวชี้วัดของหน่วยงานที่เลือกในปีงบประมาณ พ.ศ. {n(ctx.fiscal_year)}</p>")
    rows = [[n(r.indicator), r.name, r.tool, f"{n(r.below)} / {n(r.agencies)}", fmt_share(r.share_below, t),
             fmt_score(r.mean, t), fmt_score(r.national, t), fmt_change(r.gap_to_national, t)]
            for r in records(p.below)]
    lead = (f"<p>หน่วยงานที่มีคะแนนรายตัวชี้วัด {n(len(p.matrix))} หน่วยงาน: ตัวชี้วัดเรียงตามจำนวนหน่วยงานที่ได้"
            "ต่ำกว่า 85 มากที่สุดก่อน</p>")
    table = html_table(["ตัวชี้วัด", "ชื่อตัวชี้วัด", "เครื่องมือ", "ต่ำกว่า 85", "สัดส่วน", "ค่าเฉลี่ยกลุ่ม",
                    "ค่าระดับประเทศ", "ต่างจากระดับประเทศ"], rows, numeric={0, 3, 4, 5, 6, 7})
    kinds = p.by_kind
    kind_rows = [[r.kind, n(r.indicator), fmt_score(r.mean, t), n(r.agencies), fmt_score(r.kind_average, t),
                  fmt_change(r.gap_to_kind, t)] for r in records(kinds)]
    kind_table = html_table(["ประเภท", "ตัวชี้วัด", "ค่าเฉลี่ยกลุ่ม", "หน่วยงาน", "ค่าเฉลี่ยประเภทนี้ทั้งหมด",
                         "ต่างกัน"], kind_rows, numeric={1, 2, 3, 4, 5})
    return html_block(lead + table + "<p>ค่าเฉลี่ยรายตัวชี้วัดตามประเภทหน่วยงาน</p>" + kind_table)
