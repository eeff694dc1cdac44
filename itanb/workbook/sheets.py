"""Every table of a report as a sheet with Thai headers, from the same functions the report shows."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pandas as pd

from itanb import __version__
from itanb.vocabulary import NO_STATUS_LABEL, STATUS_LABELS
from itanb.workbook.xlsx import cell_value

if TYPE_CHECKING:
    from itanb.views import Context


def _status(value: object) -> str:
    from itanb.views import STATUS_LABELS, is_missing

    return STATUS_LABELS.get(None if is_missing(value) else value, STATUS_LABELS[None])


def _passed(value: object) -> str | None:
    return None if value is None or pd.isna(value) else ("ผ่าน" if value else "ไม่ผ่าน")


def _date(value: object) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _local(value: object) -> dt.datetime | None:
    from itanb.views import BANGKOK

    if value is None or pd.isna(value):
        return None
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    return stamp.tz_convert(BANGKOK).to_pydatetime().replace(tzinfo=None)


def about_sheet(ctx: Context, title: str) -> pd.DataFrame:
    """What the workbook is: the report's title, when and by what it was made, whether the data is real."""
    synthetic = bool(ctx.tables.agencies["synthetic"].any()) if ctx.agency_id is None else \
        bool(ctx.agency.get("synthetic"))
    rows = [("รายงาน", title), ("สร้างโดย", f"itanb {__version__}"),
            ("สร้างเมื่อ", _local(pd.Timestamp.now(tz="UTC"))),
            ("ปีงบประมาณ", ctx.fiscal_year if ctx.fiscal_year is not None else "ทุกปีที่มีข้อมูล"),
            ("ข้อมูล", "ข้อมูลสังเคราะห์ (SYNTHETIC) ไม่ใช่ผลจริง" if synthetic else
             "จากบันทึกข้อความและตารางคะแนนที่นำเข้า (ดูแผ่นงาน ที่มาของข้อมูล)"),
            ("หมายเหตุ", "ปี พ.ศ.; คะแนนเต็ม 100; วันที่เป็นค่าวันที่ของ Excel")]
    return pd.DataFrame(rows, columns=["รายการ", "ข้อมูล"])


def headline_sheet(ctx: Context) -> pd.DataFrame:
    """The headline of a fiscal-year report as typed values (one row per fact)."""
    from itanb.views import assessment_row, is_missing

    agency = ctx.agency
    rows: list[tuple[str, Any]] = [("หน่วยงาน", ctx.name), ("อำเภอ", agency.get("district")),
                                   ("จังหวัด", agency.get("province")), ("ปีงบประมาณ", ctx.fiscal_year)]
    row = assessment_row(ctx)
    if row is not None:
        def value(key: str) -> Any:
            return None if is_missing(row[key]) else row[key]

        rows += [("ปีงบประมาณของผลการประเมิน", int(row["fiscal_year"])), ("คะแนน", value("score")),
                 ("ระดับ", value("level")), ("ระดับที่หน่วยงานรายงาน", value("level_reported")),
                 ("ปีก่อนหน้าที่มีคะแนน", value("prev_year")), ("คะแนนเปลี่ยนแปลง", value("score_change")),
                 ("ระดับเทียบปีก่อน", value("level_change_label")),
                 ("ค่าเฉลี่ยทั้งประเทศ", value("national_average")),
                 ("คะแนนห่างจากค่าเฉลี่ยประเทศ", value("gap_to_national")),
                 ("ผ่านเกณฑ์ 85 คะแนน", _passed(row["passed"]))]
    return pd.DataFrame(rows, columns=["รายการ", "ข้อมูล"])


def measures_sheet(ctx: Context) -> pd.DataFrame:
    """The measures of the report's fiscal year: typed (deadline a date), with owners, status, overdue."""
    from itanb.compare import overdue

    m = ctx.tables.measures
    m = m[(m["agency_id"] == ctx.agency_id) & (m["fiscal_year"] == ctx.fiscal_year)].sort_values("no")
    late = overdue(m) if len(m) else pd.Series(dtype=bool)
    return pd.DataFrame({
        "ปีงบประมาณ": m["fiscal_year"].astype(int).to_list(),
        "ลำดับ": m["no"].astype(int).to_list(),
        "มาตรการ": m["measure"].to_list(),
        "ขั้นตอนหรือวิธีการปฏิบัติ": m["steps"].to_list(),
        "ผู้รับผิดชอบ": [", ".join(str(o) for o in (owners if owners is not None else ()))
                         for owners in m["owners"]],
        "กำหนดเสร็จ": [_date(d) for d in m["due"]],
        "กำหนดเสร็จ (ตามบันทึก)": m["due_text"].to_list(),
        "สถานะ": [_status(s) for s in m["status"]],
        "สถานะ ณ วันที่": [_date(d) for d in m["status_as_of"]],
        "เลยกำหนด": ["ใช่" if x else "ไม่" for x in late],
        "ที่มา": [f"{s}:{int(n)}" for s, n in zip(m["source"], m["line"], strict=True)],
    })


YOY_COLUMNS = {  # year_over_year column -> Thai header
    "fiscal_year": "ปีงบประมาณ", "score": "คะแนน", "level": "ระดับ", "level_reported": "ระดับที่รายงาน",
    "passed": "ผ่านเกณฑ์ 85", "prev_year": "ปีก่อนหน้าที่มีคะแนน", "score_change": "คะแนนเปลี่ยนแปลง",
    "level_change_label": "ระดับเทียบปีก่อน", "national_average": "ค่าเฉลี่ยทั้งประเทศ",
    "gap_to_national": "ห่างจากค่าเฉลี่ยประเทศ", "iit": "IIT", "eit": "EIT", "oit": "OIT",
    "measures_total": "มาตรการทั้งหมด", "measures_done": STATUS_LABELS["done"],
    "measures_in_progress": STATUS_LABELS["in_progress"],
    "measures_not_started": STATUS_LABELS["not_started"],
    "measures_unmarked": NO_STATUS_LABEL, "completion_share": "สัดส่วนที่" + STATUS_LABELS["done"],
    "measures_overdue": "เลยกำหนด",
}


def yoy_sheet(ctx: Context) -> pd.DataFrame:
    yoy = ctx.yoy()
    out = yoy[[c for c in YOY_COLUMNS if c in yoy.columns]].copy()
    if "passed" in out:
        out["passed"] = [_passed(p) for p in out["passed"]]
    return out.rename(columns=YOY_COLUMNS)


def indicators_sheet(ctx: Context, all_years: bool = False) -> pd.DataFrame:
    """The ten ITA indicators and the measures that address them (as :func:`itanb.views.indicators_table`)."""
    from itanb.compare import indicator_summary, measure_indicators

    m = ctx.tables.measures
    m = m[m["agency_id"] == ctx.agency_id]
    if not all_years:
        m = m[m["fiscal_year"] == ctx.fiscal_year]
    mapped = measure_indicators(m.sort_values(["fiscal_year", "no"]))
    summary = indicator_summary(mapped)
    which: dict[int, list[str]] = {}
    for rec in mapped.itertuples(index=False):
        label = f"{rec.no} (พ.ศ. {rec.fiscal_year})" if all_years else str(rec.no)
        for indicator in rec.indicators:
            which.setdefault(int(indicator), []).append(label)
    return pd.DataFrame({
        "ตัวชี้วัด": summary["indicator"].astype(int).to_list(),
        "ชื่อตัวชี้วัด": summary["name"].to_list(),
        "เครื่องมือ": summary["tool"].to_list(),
        "จำนวนมาตรการ": summary["measures"].astype(int).to_list(),
        "มาตรการลำดับที่": [", ".join(which.get(int(i), [])) for i in summary["indicator"]],
    })


TOOL_SCORE_COLUMNS = {  # indicators.tool_table column -> Thai header
    "label": "เครื่องมือ", "score": "คะแนน", "computed": "คำนวณจากส่วนย่อย", "prev_year": "ปีก่อนหน้า",
    "prev_score": "คะแนนปีก่อน", "change": "คะแนนเปลี่ยนแปลง",
}
INDICATOR_SCORE_COLUMNS = {  # indicators.indicator_table column -> Thai header
    "indicator": "ตัวชี้วัด", "name": "ชื่อตัวชี้วัด", "tool": "เครื่องมือ", "score": "คะแนน",
    "prev_year": "ปีก่อนหน้า", "prev_score": "คะแนนปีก่อน", "change": "คะแนนเปลี่ยนแปลง",
    "national": "คะแนนระดับประเทศ", "gap_to_national": "ห่างจากระดับประเทศ",
    "kind_average": "ค่าเฉลี่ยประเภทเดียวกัน", "kind_agencies": "จำนวนหน่วยงานประเภทเดียวกัน",
    "gap_to_kind": "ห่างจากค่าเฉลี่ยประเภท", "weak": "ต่ำกว่า 85",
}


def _yes_no(values) -> list[str]:
    return ["ใช่" if v else "ไม่" for v in values]


def _with_year(frame: pd.DataFrame, year: object) -> pd.DataFrame:
    """``frame`` with the assessment's fiscal year (BE) as its first column."""
    return frame.assign(_fy=None if year is None else int(year))[["_fy", *frame.columns]].rename(
        columns={"_fy": "ปีงบประมาณของผลการประเมิน"})


def tool_scores_sheet(ctx: Context) -> pd.DataFrame:
    """The tool scores the fiscal-year report shows (:func:`itanb.indicators.tool_table`), as numbers."""
    from itanb.indicators import tool_table

    tools = tool_table(ctx.tables, ctx.agency_id, ctx.fiscal_year)
    out = tools[list(TOOL_SCORE_COLUMNS)].copy()
    out["computed"] = _yes_no(out["computed"])
    return _with_year(out.rename(columns=TOOL_SCORE_COLUMNS), tools.attrs.get("fiscal_year"))


def indicator_scores_sheet(ctx: Context) -> pd.DataFrame:
    """The ten indicators the fiscal-year report shows (:meth:`itanb.views.Context.indicators`): scores,
    change, national figure and the average of the agency's kind as numbers (empty where there is none)."""
    ind = ctx.indicators()
    out = ind[list(INDICATOR_SCORE_COLUMNS)].copy()
    out["weak"] = [None if pd.isna(s) else w for s, w in zip(out["score"], _yes_no(out["weak"]), strict=True)]
    return _with_year(out.rename(columns=INDICATOR_SCORE_COLUMNS), ind.attrs.get("fiscal_year"))


def indicator_trend_sheet(ctx: Context) -> pd.DataFrame:
    """Year over year per indicator (:func:`itanb.indicators.indicator_trend`), long form, as numbers."""
    from itanb.indicators import indicator_trend

    trend = indicator_trend(ctx.tables, ctx.agency_id)
    return trend[["fiscal_year", "indicator", "name", "score", "change"]].rename(columns={
        "fiscal_year": "ปีงบประมาณ", "indicator": "ตัวชี้วัด", "name": "ชื่อตัวชี้วัด", "score": "คะแนน",
        "change": "คะแนนเปลี่ยนแปลง"})


def portfolio_indicator_sheets(ctx: Context) -> list[tuple[str, pd.DataFrame]]:
    """The portfolio's indicators: below 85 per indicator, and the agencies × indicators table."""
    p = ctx.indicator_portfolio()
    below = p.below.rename(columns={
        "indicator": "ตัวชี้วัด", "name": "ชื่อตัวชี้วัด", "tool": "เครื่องมือ", "agencies": "หน่วยงานที่มีคะแนน",
        "below": "ต่ำกว่า 85", "share_below": "สัดส่วนที่ต่ำกว่า 85", "mean": "ค่าเฉลี่ยกลุ่ม",
        "national": "คะแนนระดับประเทศ", "gap_to_national": "ห่างจากระดับประเทศ"})
    matrix = p.matrix.rename(columns={"agency_id": "รหัสหน่วยงาน", "name": "หน่วยงาน", "kind": "ประเภท",
                                      "district": "อำเภอ", "province": "จังหวัด",
                                      **{f"i{i}": f"คะแนนตัวชี้วัดที่ {i}" for i in range(1, 11)}})
    return [("ตัวชี้วัดที่ต่ำกว่า 85", below), ("คะแนนรายตัวชี้วัด", matrix)]


def findings_sheet(ctx: Context) -> pd.DataFrame:
    from itanb.views import findings_items

    items = findings_items(ctx)
    return pd.DataFrame(items, columns=["ประเภท", "ข้อสังเกต", "ที่มา"])


def provenance_sheet(ctx: Context) -> pd.DataFrame:
    """The raw files behind the report, named relative to the raw folder (nothing of the machine)."""
    from itanb.views import provenance_frame

    frame = provenance_frame(ctx)
    state = {True: "ตรงกับไฟล์ปัจจุบัน", False: "ไฟล์เปลี่ยนไปหลังนำเข้า", None: "ไม่พบไฟล์"}
    return pd.DataFrame({
        "ไฟล์ต้นทาง": frame["path"].to_list(), "ประเภท": frame["kind"].to_list(),
        "SHA-256": frame["sha256"].to_list(), "ขนาด (ไบต์)": frame["bytes"].astype(int).to_list(),
        "นำเข้าเมื่อ": [_local(t) for t in frame["ingested_at"]],
        "สถานะไฟล์": [state[u] for u in frame["unchanged"]],
    })


def measure_changes_sheet(ctx: Context) -> pd.DataFrame:
    from itanb.compare import measures_over_time
    from itanb.views import CHANGE_LABELS

    mot = measures_over_time(ctx.tables, ctx.agency_id)
    return pd.DataFrame({
        "ปีงบประมาณ": mot["fiscal_year"].to_list(), "ปีก่อนหน้า": mot["prev_year"].to_list(),
        "การเปลี่ยนแปลง": [CHANGE_LABELS.get(c, c) for c in mot["change"]],
        "ลำดับ": mot["no"].to_list(), "มาตรการ": mot["measure"].to_list(),
        "สถานะ": [None if c == "dropped" else _status(s) for c, s in zip(mot["change"], mot["status"],
                                                                         strict=True)],
        "ลำดับปีก่อน": mot["prev_no"].to_list(), "มาตรการปีก่อน": mot["prev_measure"].to_list(),
        "สถานะปีก่อน": [None if pd.isna(y) else _status(s) for y, s in zip(mot["prev_year"], mot["prev_status"],
                                                                           strict=True)],
        "ความคล้ายของชื่อ (%)": mot["similarity"].to_list(),
    })


RANKING_COLUMNS = {
    "rank": "อันดับ", "agency_id": "รหัสหน่วยงาน", "name": "หน่วยงาน", "kind": "ประเภท", "district": "อำเภอ",
    "province": "จังหวัด", "score": "คะแนน", "level": "ระดับ", "passed": "ผ่านเกณฑ์ 85",
    "prev_year": "ปีก่อนหน้าที่มีคะแนน", "prev_score": "คะแนนปีก่อน", "prev_level": "ระดับปีก่อน",
    "score_change": "คะแนนเปลี่ยนแปลง", "level_change_label": "ระดับเทียบปีก่อน",
    "gap_to_national": "ห่างจากค่าเฉลี่ยประเทศ",
}


def ranking_sheet(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[[c for c in RANKING_COLUMNS if c in frame.columns]].copy()
    if "passed" in out:
        out["passed"] = [_passed(p) for p in out["passed"]]
    return out.rename(columns=RANKING_COLUMNS)


def portfolio_sheets(ctx: Context) -> list[tuple[str, pd.DataFrame]]:
    p = ctx.portfolio()
    s = p.summary.iloc[0]
    summary = pd.DataFrame([
        ("ปีงบประมาณ", int(s["fiscal_year"])), ("หน่วยงานที่เลือก", int(s["agencies_selected"])),
        ("หน่วยงานที่มีคะแนน", int(s["agencies_scored"])), ("ผ่านเกณฑ์ 85 คะแนน", int(s["passed"])),
        ("สัดส่วนที่ผ่านเกณฑ์", cell_value(s["passed_share"])), ("คะแนนเฉลี่ย", cell_value(s["mean"])),
        ("คะแนนมัธยฐาน", cell_value(s["median"])), ("คะแนนต่ำสุด", cell_value(s["min"])),
        ("คะแนนสูงสุด", cell_value(s["max"])), ("ค่าเฉลี่ยทั้งประเทศ", cell_value(s["national_average"])),
        ("ค่าเฉลี่ยกลุ่มห่างจากค่าเฉลี่ยประเทศ", cell_value(s["mean_gap_to_national"])),
    ], columns=["รายการ", "ข้อมูล"])
    levels = p.level_distribution.rename(columns={"level": "ระดับ", "agencies": "จำนวนหน่วยงาน",
                                                  "share": "สัดส่วน"})[["ระดับ", "จำนวนหน่วยงาน", "สัดส่วน"]]
    from itanb.vocabulary import FINDING_LABELS

    quality = pd.DataFrame({
        "รหัสหน่วยงาน": p.data_quality["agency_id"].to_list(), "หน่วยงาน": p.data_quality["name"].to_list(),
        "จำนวนข้อสังเกต": p.data_quality["findings"].to_list(),
        "ประเภท": [", ".join(FINDING_LABELS.get(c.strip(), c.strip()) for c in str(codes).split(","))
                   for codes in p.data_quality["codes"]],
    })
    missing = p.missing.rename(columns={"agency_id": "รหัสหน่วยงาน", "name": "หน่วยงาน", "district": "อำเภอ",
                                        "province": "จังหวัด", "last_year": "ปีล่าสุดที่มีคะแนน"})
    return [("สรุป", summary), ("อันดับทั้งหมด", ranking_sheet(p.ranking)), ("ระดับ", levels),
            ("คะแนนเพิ่มขึ้นมากที่สุด", ranking_sheet(p.gains)), ("คะแนนลดลงมากที่สุด", ranking_sheet(p.drops)),
            ("คุณภาพข้อมูล", quality), ("ไม่มีคะแนนในปีนี้", missing)]
