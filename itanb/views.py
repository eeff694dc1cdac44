"""What the report notebooks display, built by tested functions (the notebooks only call and display).

Every function returns an :class:`IPython.display.HTML` (or an Image) whose text is built here with every
value from the data passed through :func:`html.escape`: agency names, measure names, owners, finding messages
and file names are shown as text, whatever they contain. Nothing is rendered as Markdown.

A notebook starts with :func:`check_params`, which loads the processed tables and raises
:class:`~itanb.errors.ParameterError` with one line for an unknown agency (with close ids), a fiscal year
without data or a malformed value; :class:`~itanb.errors.ItanbError` shows as that one line in a notebook.
"""

from __future__ import annotations

import difflib
import hashlib
import html
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from itanb import __version__, grading, paths, vocabulary
from itanb.errors import ParameterError
from itanb.vocabulary import BE_MAX, BE_MIN, FINDING_LABELS, is_agency_id

BANGKOK = ZoneInfo("Asia/Bangkok")
STATUS_LABELS = {**vocabulary.STATUS_LABELS, None: vocabulary.NO_STATUS_LABEL}  # None: no mark
PASS_MARK = int(grading.PASS_MARK)  # 85: the harmonised pass mark named in the reports


class Raw(str):
    """HTML built here (already escaped): passed through :func:`cell` unchanged."""

    __slots__ = ()


def esc(value: object) -> str:
    """A value as escaped HTML text ('–' for missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return "–"
    if isinstance(value, Raw):
        return value
    return html.escape(str(value), quote=True)


def _html(text: str):
    from IPython.display import HTML

    return HTML(text)


def _table(headers: list[str], rows: list[list[object]], *, numeric: set[int] = frozenset(),
           row_classes: list[str] | None = None, css_class: str = "") -> str:
    """An HTML table; every cell goes through :func:`esc` (Raw cells are our own markup)."""
    head = "".join(f'<th{" class=num" if i in numeric else ""}>{esc(h)}</th>' for i, h in enumerate(headers))
    body = []
    for n, row in enumerate(rows):
        cls = f' class="{row_classes[n]}"' if row_classes and row_classes[n] else ""
        tds = "".join(f'<td{" class=num" if i in numeric else ""}>{esc(v)}</td>' for i, v in enumerate(row))
        body.append(f"<tr{cls}>{tds}</tr>")
    cls = f' class="{css_class}"' if css_class else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def is_missing(value: object) -> bool:
    """True for None, pandas NA/NaT and NaN: a value a report shows as '–'."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def digits(text: object, thai_digits: bool = False) -> str:
    """``str(text)``, with Arabic digits turned into Thai digits (๐–๙) when ``thai_digits``.

    The one place a shown number changes script: the fmt_* helpers and :meth:`Context.num` end here. It is
    applied to plain text BEFORE :func:`esc` (never to escaped HTML, whose ``&#x27;`` would break), and never
    to identifiers or technical values (agency_id, file paths and line numbers, SHA-256, byte sizes, the
    itanb version, folders), nor to text quoted from the documents (measures, steps, owners). Sentences
    that may name files (the stored finding messages) go through :func:`prose_digits`.
    """
    text = str(text)
    if not thai_digits:
        return text
    from itanb.thai import to_thai_digits

    return to_thai_digits(text)


# a run of ASCII that could be a file name, path, URL, id or version: its digits are left as they are
_ASCII_TOKEN = re.compile(r"[A-Za-z0-9_./\\:@#~+-]+")


def prose_digits(text: object, thai_digits: bool = False) -> str:
    """A Thai sentence with its numbers in Thai digits when ``thai_digits``: "บรรทัด 70", "96.7%", "ข้อ 4",
    "74.83", "−6.42" change; a run of ASCII with a letter in it ("memo-2565.md", "scores/2566.csv:12",
    "IIT", a URL) is a name and keeps its digits."""
    text = str(text)
    if not thai_digits:
        return text
    return _ASCII_TOKEN.sub(lambda m: m.group(0) if re.search(r"[A-Za-z]", m.group(0))
                            else digits(m.group(0), True), text)


def fmt_score(value: object, thai_digits: bool = False) -> str:
    return "–" if is_missing(value) else digits(f"{float(value):.2f}", thai_digits)


def fmt_change(value: object, thai_digits: bool = False) -> str:
    if is_missing(value):
        return "–"
    value = float(value)
    text = f"+{value:.2f}" if value > 0 else (f"−{abs(value):.2f}" if value < 0 else "0.00")
    return digits(text, thai_digits)


def fmt_share(value: object, thai_digits: bool = False) -> str:
    return "–" if is_missing(value) else digits(f"{float(value) * 100:.0f}%", thai_digits)


def fmt_date(value: object, thai_digits: bool = False) -> str:
    """A date as a Thai date with the BE year: ``31 มีนาคม 2565`` (``๓๑ มีนาคม ๒๕๖๕``); '–' when missing."""
    if is_missing(value):
        return "–"
    from itanb.thai import format_thai_date

    return format_thai_date(pd.Timestamp(value).date(), thai_digits=thai_digits)


def fmt_datetime(value: object, thai_digits: bool = False) -> str:
    """An instant in Bangkok time: ``31 มีนาคม 2565 14:05 น.``."""
    if is_missing(value):
        return "–"
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        ts = ts.tz_localize(UTC)
    local = ts.tz_convert(BANGKOK)
    return f"{fmt_date(local.date(), thai_digits)} {digits(f'{local:%H:%M}', thai_digits)} น."


def fmt_passed(value: object, thai_digits: bool = False) -> str:
    if is_missing(value):
        return "ไม่มีเกณฑ์ผ่านในปีนั้น"
    pass_mark = digits(PASS_MARK, thai_digits)
    return f"ผ่าน ({pass_mark} คะแนนขึ้นไป)" if bool(value) else f"ไม่ผ่าน (ต่ำกว่า {pass_mark} คะแนน)"


# ---------------------------------------------------------------------------------------------- parameters


@dataclass
class Context:
    """What a report is about, after :func:`check_params`: the loaded tables and the checked parameters."""

    kind: str
    tables: Any
    processed_dir: Path
    raw_dir: Path
    agency_id: str | None = None
    fiscal_year: int | None = None
    province: str | None = None
    district: str | None = None
    agency: dict = field(default_factory=dict)  # the agencies row: agency_id, name, kind, district, province
    thai_digits: bool = False  # numbers and dates shown in Thai digits (๐–๙); identifiers stay ASCII
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return str(self.agency.get("name") or self.agency_id or "")

    def num(self, value: object) -> str:
        """A number (year, count, rank, measure number...) as shown in this report ('–' when missing): see
        :func:`digits`."""
        return "–" if is_missing(value) else digits(value, self.thai_digits)

    def yoy(self) -> pd.DataFrame:
        if "yoy" not in self._cache:
            from itanb.compare import year_over_year

            self._cache["yoy"] = year_over_year(self.tables, self.agency_id)
        return self._cache["yoy"]

    def indicators(self) -> pd.DataFrame:
        """:func:`itanb.indicators.indicator_table` of the agency's assessment up to the report's year."""
        if "indicators" not in self._cache:
            from itanb.indicators import indicator_table

            self._cache["indicators"] = indicator_table(self.tables, self.agency_id, self.fiscal_year)
        return self._cache["indicators"]

    def measures_answer(self):
        """:func:`itanb.indicators.measures_answer` for the report's agency and year."""
        if "answer" not in self._cache:
            from itanb.indicators import measures_answer

            self._cache["answer"] = measures_answer(self.tables, self.agency_id, self.fiscal_year)
        return self._cache["answer"]

    def indicator_portfolio(self):
        """:func:`itanb.indicators.portfolio_indicators` for the report's selection and year."""
        if "indicator_portfolio" not in self._cache:
            from itanb.indicators import portfolio_indicators

            self._cache["indicator_portfolio"] = portfolio_indicators(
                self.tables, self.fiscal_year, province=self.province, district=self.district)
        return self._cache["indicator_portfolio"]

    def portfolio(self):
        if "portfolio" not in self._cache:
            from itanb.compare import portfolio

            self._cache["portfolio"] = portfolio(self.tables, self.fiscal_year, province=self.province,
                                                 district=self.district)
        return self._cache["portfolio"]


def _folder(value: object, default: Path, what: str) -> Path:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if not isinstance(value, str | Path):
        raise ParameterError(f"{what} must be a folder path, got {value!r}")
    return Path(value).expanduser().resolve()


def _year(value: object) -> int:
    if isinstance(value, bool):
        raise ParameterError(f"fiscal_year must be a Buddhist Era year such as 2565, got {value!r}")
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not re.fullmatch(r"\d{4}", text):
        raise ParameterError(f"fiscal_year must be a Buddhist Era year such as 2565, got {value!r}")
    year = int(text)
    if 1900 <= year < BE_MIN:
        raise ParameterError(f"fiscal_year {year} looks like a CE year; fiscal years are Buddhist Era "
                             f"(did you mean {year + 543}?)")
    if not BE_MIN <= year <= BE_MAX:
        raise ParameterError(f"fiscal_year {year} is outside {BE_MIN}–{BE_MAX} (Buddhist Era), e.g. 2565")
    return year


_TRUE, _FALSE = frozenset({"true", "yes", "1"}), frozenset({"false", "no", "0", ""})


def _flag(value: object, what: str) -> bool:
    """A yes/no parameter: a bool, 0/1, the text true/false (yes/no, 1/0; any case); None or "": False."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ParameterError(f"{what} must be True or False, got {value!r}")


def load_tables(processed_dir: Path):
    """The processed tables of ``processed_dir`` (ParameterError if the folder has none: run itanb ingest).

    Loaded and checked once per process while the folder's files stay the same (their modification times and
    sizes are looked at on every call, so a new ingest is seen at once): the reports of one kernel, and the
    kernels forked from a process that loaded them, share one copy. Treat the tables as read-only."""
    files = sorted(processed_dir.glob("*.parquet")) if processed_dir.is_dir() else []
    if not files:
        raise ParameterError(f"processed_dir {processed_dir} has no processed tables; "
                             "run `itanb ingest` first")
    try:
        key = tuple(paths.stamp(f) for f in [*files, *processed_dir.glob("*.json")])
    except OSError:  # a file went away while we looked: load (and report) as it is now
        key = None
    return _load_tables(processed_dir, key) if key else _load_tables.__wrapped__(processed_dir, key)


@lru_cache(maxsize=2)
def _load_tables(processed_dir: Path, _key: tuple | None):
    from itanb.store import load_tables as _load

    return _load(processed_dir)


def suggest_agencies(agencies: pd.DataFrame, text: str, n: int = 3) -> list[str]:
    """agency_ids close to ``text``: by spelling of the id, or whose Thai name contains it."""
    ids = [str(i) for i in agencies["agency_id"]]
    wanted = text.strip().lower()
    close = [i for i in ids if wanted and wanted in i][:n]
    close += [i for i in difflib.get_close_matches(wanted, ids, n=n, cutoff=0.55) if i not in close]
    close = close[:n]
    if len(close) < n and text.strip():
        from itanb.thai import normalize_for_matching

        key = normalize_for_matching(text)
        for agency_id, name in zip(agencies["agency_id"], agencies["name"], strict=True):
            if key and key in normalize_for_matching(str(name)) and agency_id not in close:
                close.append(str(agency_id))
            if len(close) >= n:
                break
    return close


def check_params(kind: str = "fiscal-year", *, agency: object = None, fiscal_year: object = None,
                 province: object = None, district: object = None, processed_dir: object = "",
                 raw_dir: object = "", thai_digits: object = False) -> Context:
    """Check a report's parameters against the loaded data: ParameterError (one line), or a Context.

    kind: fiscal-year (agency, fiscal_year), year-over-year (agency), portfolio (fiscal_year, province?,
    district?). Empty ``processed_dir``/``raw_dir`` mean the project's data/processed and data/raw.
    ``thai_digits`` (True/False, or the text "true"/"false"): numbers and dates shown in Thai digits.
    """
    if kind not in ("fiscal-year", "year-over-year", "portfolio"):
        raise ParameterError(f"unknown report kind {kind!r}; known: fiscal-year, year-over-year, portfolio")
    processed = _folder(processed_dir, paths.PROCESSED, "processed_dir")
    raw = _folder(raw_dir, paths.RAW, "raw_dir")
    year = _year(fiscal_year) if kind != "year-over-year" else None
    thai = _flag(thai_digits, "thai_digits")
    agency_id = None
    if kind != "portfolio":
        if not isinstance(agency, str) or not agency.strip():
            raise ParameterError(f"agency must be an agency_id such as sao-khok-sa-at, got {agency!r}")
        agency_id = agency.strip()
    tables = load_tables(processed)
    ctx = Context(kind=kind, tables=tables, processed_dir=processed, raw_dir=raw, agency_id=agency_id,
                  fiscal_year=year, thai_digits=thai)

    if agency_id is not None:
        agencies = tables.agencies
        row = agencies[agencies["agency_id"] == agency_id]
        if row.empty:
            close = suggest_agencies(agencies, agency_id)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            shape = ("" if is_agency_id(agency_id)
                     else " (an agency_id is lowercase ASCII words joined by '-')")
            raise ParameterError(f"unknown agency {agency_id!r}{shape}: not among the {len(agencies)} loaded "
                                 f"agencies{hint}")
        ctx.agency = {k: (None if is_missing(v) else v) for k, v in row.iloc[0].to_dict().items()}
        years = [int(y) for y in ctx.yoy()["fiscal_year"]]  # years with a score or measures; cached
        if not years:
            raise ParameterError(f"agency {agency_id!r} has no scores and no measures in {processed}")
        if year is not None and year not in years:
            raise ParameterError(f"no data for {agency_id} in fiscal year {year}; years with data: "
                                 f"{', '.join(map(str, years))}")
    else:
        years = sorted(int(y) for y in tables.assessments["fiscal_year"].unique())
        if year not in years:
            raise ParameterError(f"no assessments for fiscal year {year}; years with data: "
                                 f"{', '.join(map(str, years)) or 'none'}")
        for what, value in (("province", province), ("district", district)):
            if value is not None and not isinstance(value, str):
                raise ParameterError(f"{what} must be a Thai name such as กาฬสินธุ์, got {value!r}")
        from itanb.compare import place_name

        # as stored (no จังหวัด/อำเภอ prefix): the title adds the prefix itself
        ctx.province = place_name(province) if isinstance(province, str) and province.strip() else None
        ctx.district = place_name(district) if isinstance(district, str) and district.strip() else None
        ctx.portfolio()  # raises ParameterError for a province or district that matches no agency
    return ctx


# ---------------------------------------------------------------------------------------------- display


def show_title(ctx: Context):
    """The report's heading; its text also becomes the HTML <title> (output metadata ``itanb.title``)."""
    from IPython.display import display

    fy = ctx.num(ctx.fiscal_year)
    if ctx.kind == "portfolio":
        scope = (_place({"district": ctx.district, "province": ctx.province})
                 if ctx.district or ctx.province else "ทุกหน่วยงาน")
        title = f"ภาพรวมผลการประเมิน ITA ปีงบประมาณ พ.ศ. {fy} · {scope}"
    elif ctx.kind == "year-over-year":
        title = f"ผลการประเมิน ITA เปรียบเทียบรายปี · {ctx.name}"
    else:
        title = f"รายงานผลการประเมิน ITA ปีงบประมาณ พ.ศ. {fy} · {ctx.name}"
    display(_html(f'<p class="itanb-big">{esc(title)}</p>'), metadata={"itanb": {"title": title}})


def _place(agency: dict) -> str:
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
        ("ที่ตั้ง", _place(agency)),
        ("ปีงบประมาณ", f"พ.ศ. {n(ctx.fiscal_year)}"),
    ]
    row = assessment_row(ctx)
    if row is None:
        facts.append(("ผลการประเมิน", f"ยังไม่มีคะแนน ITA ถึงปีงบประมาณ พ.ศ. {n(ctx.fiscal_year)}"))
        return facts
    fy = int(row["fiscal_year"])
    note = "" if fy == ctx.fiscal_year else " (ผลล่าสุดก่อนปีงบประมาณนี้ ซึ่งมาตรการของปีนี้ตอบสนอง)"
    facts.append(("ผลการประเมิน", f"ปีงบประมาณ พ.ศ. {n(fy)}{note}"))
    facts.append(("คะแนน", fmt_score(row["score"], t)))
    source = _assessment_source(ctx, fy)
    if source.startswith("https://"):  # a published score: say where (and how it was matched) in the report
        facts.append(("ที่มาของคะแนน", source))
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
    """Agency, place, fiscal year (BE), score, level, change, national average and gap, passed."""
    items = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in headline_facts(ctx))
    return _html(f'<div class="itanb-headline"><dl>{items}</dl></div>')


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
    for rec, late in zip(m.itertuples(index=False), overdue(m), strict=True):
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
        return _html(summary)
    rows, classes = [], []
    for rec in frame.to_dict("records"):
        status = esc(rec["สถานะ"])
        if rec["เลยกำหนด"]:
            status += ' <span class="itanb-badge itanb-warn">เลยกำหนด</span>'
        css = "itanb-ok" if rec["สถานะ"] == STATUS_LABELS["done"] else ""
        rows.append([ctx.num(rec["ลำดับ"]), rec["มาตรการ"], rec["ขั้นตอน"], rec["ผู้รับผิดชอบ"], rec["กำหนดเสร็จ"],
                     Raw(f'<span class="{css}">{status}</span>')])
        classes.append("itanb-overdue" if rec["เลยกำหนด"] else "")
    table = _table(["ลำดับ", "มาตรการ", "ขั้นตอนหรือวิธีการปฏิบัติ", "ผู้รับผิดชอบ", "กำหนดเสร็จ", "สถานะ"],
                   rows, numeric={0}, row_classes=classes, css_class="itanb-measures")
    return _html(summary + table)


def indicators_table(ctx: Context, all_years: bool = False):
    """Which of the ten ITA indicators the agency's measures address (keyword table kept as data,
    ``itanb/data/indicator_keywords.csv``): the measures of ``ctx.fiscal_year``, or of every year with
    ``all_years``. One row per indicator, with the measures that address it by their number."""
    from itanb.compare import indicator_summary, measure_indicators

    m = ctx.tables.measures
    m = m[m["agency_id"] == ctx.agency_id]
    if not all_years:
        m = m[m["fiscal_year"] == ctx.fiscal_year]
    if m.empty:
        return _html("<p>ไม่มีมาตรการให้จับคู่กับตัวชี้วัด</p>")
    mapped = measure_indicators(m.sort_values(["fiscal_year", "no"]))
    summary = indicator_summary(mapped)
    which: dict[int, list[str]] = {}
    for rec in mapped.itertuples(index=False):
        label = (f"{ctx.num(rec.no)} (พ.ศ. {ctx.num(rec.fiscal_year)})" if all_years else ctx.num(rec.no))
        for indicator in rec.indicators:
            which.setdefault(int(indicator), []).append(label)
    unmatched = sum(1 for inds in mapped["indicators"] if not inds)
    rows = [[ctx.num(r.indicator), r.name, r.tool, ctx.num(r.measures),
             ", ".join(which.get(int(r.indicator), [])) or "–"] for r in summary.itertuples(index=False)]
    addressed = int(summary["addressed"].sum())
    lead = (f"<p>มาตรการครอบคลุม {ctx.num(addressed)} จาก {ctx.num(len(summary))} ตัวชี้วัด"
            + (f" · มาตรการที่ไม่ตรงกับตัวชี้วัดใด {ctx.num(unmatched)}" if unmatched else "") + "</p>")
    note = ("<p class=\"itanb-note\">จับคู่จากคำสำคัญในชื่อและขั้นตอนของมาตรการ "
            "(ตาราง indicator_keywords.csv ของ itanb) ไม่ใช่การประเมินของ ป.ป.ช.</p>")
    table = _table(["ตัวชี้วัด", "ชื่อตัวชี้วัด", "เครื่องมือ", "จำนวนมาตรการ", "มาตรการลำดับที่"], rows,
                   numeric={0, 3})
    return _html(lead + table + note)

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
    for rec in shown.itertuples(index=False):
        computed = rec.level if not is_missing(rec.level) else level_shown(rec.fiscal_year, rec.score)
        items.append((FINDING_LABELS["level_mismatch"],
                      level_mismatch_text(int(rec.fiscal_year), rec.score, rec.level_reported, computed,
                                          ctx.thai_digits),
                      _assessment_source(ctx, int(rec.fiscal_year))))
    f = ctx.tables.findings
    fy = pd.to_numeric(f["fiscal_year"], errors="coerce")
    mine = f[(f["agency_id"] == ctx.agency_id) & (fy.isna() | fy.isin(years))
             & (f["code"] != "level_mismatch")]
    for rec in mine.itertuples(index=False):
        where = str(rec.source) + (f":{int(rec.line)}" if not is_missing(rec.line) else "")
        text = rec.message + (f" ({rec.places})" if not is_missing(rec.places) else "")
        items.append((FINDING_LABELS.get(rec.code, rec.code), prose_digits(text, ctx.thai_digits), where))
    if ctx.kind == "fiscal-year":
        for f in ctx.measures_answer().findings:
            items.append((FINDING_LABELS[f.code], prose_digits(f.message, ctx.thai_digits), f.source))
    return items


def _assessment_source(ctx: Context, fiscal_year: int) -> str:
    a = ctx.tables.assessments
    src = a.loc[(a["agency_id"] == ctx.agency_id) & (a["fiscal_year"] == fiscal_year), "source"]
    return str(src.iloc[0]) if len(src) else ""


def findings_list(ctx: Context):
    """The data-quality findings in plain Thai, each with where it comes from."""
    items = findings_items(ctx)
    if not items:
        return _html("<p>ไม่พบข้อสังเกตด้านคุณภาพข้อมูล</p>")
    lis = "".join(f"<li><strong>{esc(label)}</strong>: {esc(text)}"
                  + (f' <span class="itanb-muted">({esc(where)})</span>' if where else "") + "</li>"
                  for label, text, where in items)
    return _html(f'<ul class="itanb-findings">{lis}</ul>')


def _sha256(path: Path) -> str | None:
    try:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None


def provenance_frame(ctx: Context) -> pd.DataFrame:
    """The raw files behind this report (from the sources table): path, kind, sha256, bytes, ingested_at, and
    whether the file in raw_dir still has that sha256 (True/False; None when it is not there)."""
    s = ctx.tables.sources
    used: set[str] = set()
    if ctx.agency_id is not None:
        for table in (ctx.tables.assessments, ctx.tables.measures):
            src = table.loc[table["agency_id"] == ctx.agency_id, "source"].dropna().astype(str)
            used |= {re.sub(r":\d+$", "", x) for x in src}
    picked = s[s["path"].isin(used)] if used and s["path"].isin(used).any() else s
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
    for rec in frame.itertuples(index=False):
        state = {True: "ตรงกับไฟล์ปัจจุบัน", False: "ไฟล์เปลี่ยนไปหลังนำเข้า", None: "ไม่พบไฟล์"}[rec.unchanged]
        rows.append([rec.path, rec.kind, Raw(f"<code>{esc(rec.sha256)}</code>"), f"{int(rec.bytes):,}",
                     fmt_datetime(rec.ingested_at, ctx.thai_digits), state])
    table = _table(["ไฟล์ต้นทาง", "ประเภท", "SHA-256", "ขนาด (ไบต์)", "นำเข้าเมื่อ", "สถานะไฟล์"], rows,
                   numeric={3})
    now = now or datetime.now(UTC)
    meta = (f"<p>สร้างรายงานเมื่อ {esc(fmt_datetime(now, ctx.thai_digits))} ด้วย itanb {esc(__version__)} · "
            "ชื่อไฟล์ต้นทางระบุตามตำแหน่งในโฟลเดอร์ข้อมูลดิบ (raw) ที่นำเข้า</p>")
    return _html(f'<div class="itanb-provenance">{meta}{table}</div>')


def figure(fig, width: int = 720, alt: str | None = None):
    """A matplotlib Figure as an inline compact PNG (:func:`itanb.charts.png_bytes`, embedded base64 in the
    report), closed afterwards.

    ``alt`` (default: the figure's title) is the image's alternative text in the report.
    """
    import matplotlib.pyplot as plt
    from IPython.display import Image

    from itanb.charts import png_bytes

    if alt is None:
        titles = [fig._suptitle.get_text()] if getattr(fig, "_suptitle", None) else []
        titles += [ax.get_title() for ax in fig.axes if ax.get_title()]
        alt = " · ".join(titles) or "แผนภูมิ"
    try:
        data = png_bytes(fig)
    finally:
        plt.close(fig)
    return Image(data=data, format="png", width=width, metadata={"alt": alt})


# ---------------------------------------------------------------------------------------- year over year


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
    """The agency's record by fiscal year: score, level (reported), change, national average, measures."""
    yoy, t, n = ctx.yoy(), ctx.thai_digits, ctx.num
    rows = []
    for rec in yoy.itertuples(index=False):
        level = rec.level if not is_missing(rec.level) else level_shown(rec.fiscal_year, rec.score)
        if not is_missing(rec.level_reported) and rec.level_reported != rec.level:
            level = f"{level} (รายงาน {rec.level_reported})"
        measures = "–"
        if rec.measures_total:
            share = fmt_share(rec.completion_share, t)
            measures = f"{n(rec.measures_done)}/{n(rec.measures_total)} ({share})"
        rows.append([f"พ.ศ. {n(rec.fiscal_year)}", fmt_score(rec.score, t), level,
                     fmt_change(rec.score_change, t), n(rec.level_change_label),
                     fmt_score(rec.national_average, t), fmt_change(rec.gap_to_national, t),
                     "–" if is_missing(rec.passed) else ("ผ่าน" if rec.passed else "ไม่ผ่าน"), measures])
    return _html(_table(["ปีงบประมาณ", "คะแนน", "ระดับ", "เปลี่ยนแปลง", "ระดับเทียบปีก่อน", "ค่าเฉลี่ยประเทศ",
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
        return _html("<p>ไม่มีข้อมูลมาตรการ</p>")

    def status(value: object) -> str:
        return STATUS_LABELS.get(None if is_missing(value) else value, "–")

    rows = []
    for rec in mot.itertuples(index=False):
        rows.append([f"พ.ศ. {ctx.num(rec.fiscal_year)}", CHANGE_LABELS.get(rec.change, rec.change),
                     rec.measure if not is_missing(rec.measure) else rec.prev_measure,
                     status(rec.status) if rec.change != "dropped" else "–",
                     status(rec.prev_status) if not is_missing(rec.prev_year) and rec.change != "new"
                     else "–"])
    return _html(_table(["ปีงบประมาณ", "การเปลี่ยนแปลง", "มาตรการ", "สถานะปีนี้", "สถานะปีก่อน"], rows))


# ---------------------------------------------------------------------------------------------- portfolio


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
    return _html(f'<div class="itanb-headline"><dl>{items}</dl></div>')


def level_distribution_table(ctx: Context):
    dist = ctx.portfolio().level_distribution
    rows = [[rec.level, ctx.num(rec.agencies), fmt_share(rec.share, ctx.thai_digits)]
            for rec in dist.itertuples(index=False)]
    return _html(_table(["ระดับ", "จำนวนหน่วยงาน", "สัดส่วน"], rows, numeric={1, 2}, css_class="itanb-compact"))


def ranking_table(ctx: Context, limit: int | None = None):
    """Agencies of the portfolio, best score first."""
    ranking = ctx.portfolio().ranking
    if limit:
        ranking = ranking.head(limit)
    t = ctx.thai_digits
    rows = [[ctx.num(rec.rank), rec.name, _place({"district": rec.district, "province": rec.province}),
             fmt_score(rec.score, t),
             rec.level if not is_missing(rec.level) else level_shown(ctx.fiscal_year, rec.score),
             fmt_change(rec.score_change, t),
             fmt_change(rec.gap_to_national, t)]
            for rec in ranking.itertuples(index=False)]
    return _html(_table(["อันดับ", "หน่วยงาน", "ที่ตั้ง", "คะแนน", "ระดับ", "เปลี่ยนแปลงจากปีก่อน",
                         "ห่างจากค่าเฉลี่ยประเทศ"], rows, numeric={0, 3, 5, 6}))


def changes_table(ctx: Context, which: str = "gains"):
    """The largest score rises (``gains``) or falls (``drops``) since each agency's previous score."""
    frame = getattr(ctx.portfolio(), which)
    if frame.empty:
        return _html("<p>ไม่มีข้อมูลให้เปรียบเทียบกับปีก่อน</p>")
    t, n = ctx.thai_digits, ctx.num
    rows = [[rec.name, f"พ.ศ. {n(rec.prev_year)}", fmt_score(rec.prev_score, t), fmt_score(rec.score, t),
             fmt_change(rec.score_change, t), n(rec.level_change_label)]
            for rec in frame.itertuples(index=False)]
    return _html(_table(["หน่วยงาน", "ปีก่อนหน้า", "คะแนนปีก่อน", "คะแนนปีนี้", "เปลี่ยนแปลง", "ระดับ"], rows,
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
                for rec in p.data_quality.itertuples(index=False)]
        parts.append(_table(["หน่วยงาน", "จำนวนข้อสังเกต", "ประเภท"], rows, numeric={1}))
    if not p.missing.empty:
        rows = [[rec.name or rec.agency_id, _place({"district": rec.district, "province": rec.province}),
                 "–" if is_missing(rec.last_year) else f"พ.ศ. {ctx.num(rec.last_year)}"]
                for rec in p.missing.itertuples(index=False)]
        parts.append("<p>หน่วยงานที่ไม่มีคะแนนในปีนี้</p>")
        parts.append(_table(["หน่วยงาน", "ที่ตั้ง", "คะแนนล่าสุด"], rows))
    return _html("".join(parts))


# ---------------------------------------------------------------------------------------- indicators


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
            for r in tools.itertuples(index=False)]
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
    for r in ind.itertuples(index=False):
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


def indicator_scores_table(ctx: Context):
    """The tools and the ten indicators of the agency's assessment (up to the report's year), each with the
    change from the previous year, the national figure (where the NACC published one) and the average of the
    loaded agencies of the same kind; indicators below 85 are marked. A plain line when there are none."""
    parts = []
    tools = tool_score_rows(ctx)
    if tools is not None:
        parts.append(f"<p>{esc(tools.lead)}</p>" + _table(tools.headers, tools.rows, numeric={1, 2})
                     + f'<p class="itanb-note">{esc(tools.note)}</p>')
    ind = indicator_score_rows(ctx)
    if not ind.rows:
        return _html("".join(parts) + f"<p>{esc(ind.lead)}</p>")
    table = _table(ind.headers, ind.rows, numeric={0, 3, 4, 5, 6},
                   row_classes=["itanb-overdue" if w else "" for w in ind.marked])
    note = f'<p class="itanb-note">{esc(ind.note)}</p>'
    return _html("".join(parts) + f"<p>{esc(ind.lead)}</p>" + table + note)


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
    for r in answer.rows.itertuples(index=False):
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
        return _html(f"<p>{esc(answer.lead)}</p>")
    items = "".join(f"<li><strong>{esc(line)}</strong></li>" if unanswered else f"<li>{esc(line)}</li>"
                    for (line,), unanswered in zip(answer.rows, answer.marked, strict=True))
    return _html(f"<p>{esc(answer.lead)}</p>" + f'<ul class="itanb-findings">{items}</ul>')


def indicator_trend_table(ctx: Context):
    """Year over year, per indicator: one row per indicator, one column per fiscal year with indicator scores
    (scores compare across schemes), and the change over the last step."""
    from itanb.indicators import indicator_trend

    t, n = ctx.thai_digits, ctx.num
    trend = indicator_trend(ctx.tables, ctx.agency_id)
    if trend.empty:
        return _html("<p>ยังไม่มีคะแนนรายตัวชี้วัดของหน่วยงานนี้ในข้อมูลที่นำเข้า</p>")
    years = sorted(trend["fiscal_year"].unique())
    wide = trend.pivot(index="indicator", columns="fiscal_year", values="score")
    last = trend.sort_values("fiscal_year").groupby("indicator")["change"].last()
    names = trend.drop_duplicates("indicator").set_index("indicator")["name"]
    rows = [[n(i), names[i], *[fmt_score(wide.loc[i, y], t) for y in years], fmt_change(last.get(i), t)]
            for i in wide.index]
    table = _table(["ตัวชี้วัด", "ชื่อตัวชี้วัด", *[f"พ.ศ. {n(y)}" for y in years], "เปลี่ยนแปลงล่าสุด"], rows,
                   numeric=set(range(2, len(years) + 3)) | {0})
    return _html(table)


def indicator_portfolio_table(ctx: Context):
    """Portfolio: which indicators most often fall below 85 across the selection, with the selection's mean
    against the national figure, and by kind against the average of all loaded agencies of that kind."""
    t, n = ctx.thai_digits, ctx.num
    p = ctx.indicator_portfolio()
    if p.matrix.empty:
        return _html(f"<p>ยังไม่มีคะแนนรายตัวชี้วัดของหน่วยงานที่เลือกในปีงบประมาณ พ.ศ. {n(ctx.fiscal_year)}</p>")
    rows = [[n(r.indicator), r.name, r.tool, f"{n(r.below)} / {n(r.agencies)}", fmt_share(r.share_below, t),
             fmt_score(r.mean, t), fmt_score(r.national, t), fmt_change(r.gap_to_national, t)]
            for r in p.below.itertuples(index=False)]
    lead = (f"<p>หน่วยงานที่มีคะแนนรายตัวชี้วัด {n(len(p.matrix))} หน่วยงาน: ตัวชี้วัดเรียงตามจำนวนหน่วยงานที่ได้"
            "ต่ำกว่า 85 มากที่สุดก่อน</p>")
    table = _table(["ตัวชี้วัด", "ชื่อตัวชี้วัด", "เครื่องมือ", "ต่ำกว่า 85", "สัดส่วน", "ค่าเฉลี่ยกลุ่ม",
                    "ค่าระดับประเทศ", "ต่างจากระดับประเทศ"], rows, numeric={0, 3, 4, 5, 6, 7})
    kinds = p.by_kind
    kind_rows = [[r.kind, n(r.indicator), fmt_score(r.mean, t), n(r.agencies), fmt_score(r.kind_average, t),
                  fmt_change(r.gap_to_kind, t)] for r in kinds.itertuples(index=False)]
    kind_table = _table(["ประเภท", "ตัวชี้วัด", "ค่าเฉลี่ยกลุ่ม", "หน่วยงาน", "ค่าเฉลี่ยประเภทนี้ทั้งหมด",
                         "ต่างกัน"], kind_rows, numeric={1, 2, 3, 4, 5})
    return _html(lead + table + "<p>ค่าเฉลี่ยรายตัวชี้วัดตามประเภทหน่วยงาน</p>" + kind_table)
