"""Escaped HTML and Thai number and date formats: what every view builds with."""

from __future__ import annotations

import html
import math
import re
from collections import namedtuple
from datetime import UTC
from functools import lru_cache
from zoneinfo import ZoneInfo

import pandas as pd

from itanb import grading, vocabulary

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


def html_block(text: str):
    """``text`` (markup built here, values escaped) as an :class:`IPython.display.HTML`."""
    from IPython.display import HTML

    return HTML(text)


# what a report shows of a long table or list, whatever the input: its first rows up to REPORT_ROWS and about
# REPORT_BYTES of HTML, then one line saying how many more (every row is in the report's Excel workbook); a
# text cell or item up to REPORT_CHARS characters. So no report passes 1 MB (a memo of a million measures
# gave reports of 738 MB).
REPORT_ROWS = 200
REPORT_BYTES = 120_000
REPORT_CHARS = 1_000


def more_line(more: int) -> str:
    """The line under a table or list cut at :data:`REPORT_ROWS` rows: how many more, and where they are."""
    return (f"และอีก {more:,} แถวที่ไม่แสดงในรายงานนี้ (ทั้งหมดอยู่ในไฟล์ Excel ของรายงาน: itanb report --xlsx)")


def clip(value: object) -> object:
    """A text cut at :data:`REPORT_CHARS` characters (with "…"); any other value as it is."""
    if type(value) is str and len(value) > REPORT_CHARS:
        return value[:REPORT_CHARS] + "…"
    return value


def capped(parts: list[str]) -> tuple[list[str], int]:
    """The first of ``parts`` (HTML of rows or items) a report shows, and how many are left out."""
    size = 0
    for n, part in enumerate(parts[:REPORT_ROWS]):
        size += len(part)
        if size > REPORT_BYTES:
            return parts[:n], len(parts) - n
    return parts[:REPORT_ROWS], max(0, len(parts) - REPORT_ROWS)


def html_table(headers: list[str], rows: list[list[object]], *, numeric: set[int] = frozenset(),
               row_classes: list[str] | None = None, css_class: str = "", total: int | None = None) -> str:
    """An HTML table; every cell goes through :func:`esc` (Raw cells are our own markup). A long table shows
    its first rows and a last row saying how many more (:data:`REPORT_ROWS`); ``total``: the rows there are,
    for a caller that hands over only the first :data:`REPORT_ROWS`."""
    head = "".join(f'<th{" class=num" if i in numeric else ""}>{esc(h)}</th>' for i, h in enumerate(headers))
    body = []
    for n, row in enumerate(rows[:REPORT_ROWS]):
        cls = f' class="{row_classes[n]}"' if row_classes and row_classes[n] else ""
        tds = "".join(f'<td{" class=num" if i in numeric else ""}>{esc(clip(v))}</td>'
                      for i, v in enumerate(row))
        body.append(f"<tr{cls}>{tds}</tr>")
    body, _ = capped(body)
    more = (total if total is not None else len(rows)) - len(body)
    if more > 0:
        body.append(f'<tr class="itanb-more"><td colspan="{len(headers)}">{esc(more_line(more))}</td></tr>')
    cls = f' class="{css_class}"' if css_class else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def html_list(items: list[str], css_class: str, *, total: int | None = None) -> str:
    """A ``<ul>`` of items (each HTML built here, its text escaped), cut as :func:`html_table` cuts;
    ``total`` as there."""
    shown, more = capped(items)
    more += (total if total is not None else len(items)) - len(items)
    tail = f'<li class="itanb-more">{esc(more_line(more))}</li>' if more else ""
    return f'<ul class="{css_class}">{"".join(shown)}{tail}</ul>'


@lru_cache(maxsize=64)
def _record_type(columns: tuple[str, ...]) -> type:
    return namedtuple("Record", columns, rename=True)


def records(frame: pd.DataFrame) -> list[tuple]:
    """The rows of ``frame`` as named tuples of Python values (fields: the columns, renamed as
    :meth:`pandas.DataFrame.itertuples` renames them), column by column: ``itertuples`` takes about 1.5 ms
    for a report's small frame, most of it per column."""
    make = _record_type(tuple(map(str, frame.columns)))._make
    return list(map(make, zip(*(frame[c].tolist() for c in frame.columns), strict=True)))


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


def figure(fig, alt: str | None = None):
    """A matplotlib Figure as the report's inline SVG (:func:`itanb.charts.svg_text`: its text kept as text,
    in the page's Sarabun), an :class:`itanb.charts.Chart` a notebook shows; the figure is closed afterwards.

    ``alt`` (default: the figure's titles, :func:`itanb.charts.alt_text`) is what the chart is called for
    readers that cannot see it (the SVG's ``<title>`` and ``aria-label``).
    """
    import matplotlib.pyplot as plt

    from itanb.charts import Chart, alt_text, svg_text

    alt = alt_text(fig) if alt is None else alt
    try:
        return Chart(svg_text(fig, alt), alt)
    finally:
        plt.close(fig)
