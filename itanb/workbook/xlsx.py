"""Sheets of typed cells to .xlsx bytes (openpyxl): numbers as numbers, dates as dates in the Thai calendar,
input text never a formula, column widths to fit."""

from __future__ import annotations

import datetime as dt
import io
import math
from typing import Any

import pandas as pd

from itanb import __version__

# Excel shows a date in the Thai Buddhist calendar with this format (Excel's calendar code 07; LibreOffice
# reads it too): 31 มีนาคม 2565. The cell holds the date itself.
DATE_FORMAT = "[$-th-TH,107]d mmmm yyyy"
DATETIME_FORMAT = "[$-th-TH,107]d mmmm yyyy hh:mm"
SCORE_FORMAT = "0.00"
SHARE_FORMAT = "0%"
MAX_WIDTH = 60
_FORMULA_START = ("=", "+", "-", "@")
_SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))




def sheet_name(name: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of ``[]:*?/\\``, unique in the workbook."""
    base = name.translate(_SHEET_FORBIDDEN).strip().strip("'")[:31] or "ตาราง"
    candidate, n = base, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    return candidate


def cell_value(value: Any) -> Any:
    """A Python value Excel stores natively: numbers, bools, dates; None for missing; text otherwise."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool):
        return value
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, (int, dt.date)):
        if isinstance(value, pd.Timestamp):
            return None if pd.isna(value) else value.to_pydatetime().replace(tzinfo=None)
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.replace(tzinfo=None)
        return value
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def write_workbook(sheets: list[tuple[str, pd.DataFrame]], *, title: str = "") -> bytes:
    """The ``.xlsx`` of ``sheets`` (name, frame), as bytes.

    Headers bold and frozen, columns sized to their text, long text wrapped; dates in the Thai Buddhist
    calendar format; float columns whose name says คะแนน with two decimals, สัดส่วน as a percentage.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    book.properties.creator = f"itanb {__version__}"
    book.properties.lastModifiedBy = None
    book.properties.title = title or None
    taken: set[str] = set()
    for name, frame in sheets:
        sheet = book.create_sheet(sheet_name(name, taken))
        taken.add(sheet.title)
        columns = [str(c) for c in frame.columns]
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        widths = [len(c) + 2 for c in columns]
        for row in frame.itertuples(index=False, name=None):
            sheet.append([cell_value(v) for v in row])
            for i, cell in enumerate(sheet[sheet.max_row]):
                _style(cell, columns[i])
                widths[i] = max(widths[i], min(MAX_WIDTH, _shown_length(cell.value)))
        for i, width in enumerate(widths):
            sheet.column_dimensions[_column_letter(i + 1)].width = min(MAX_WIDTH, width + 1)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _style(cell, column: str) -> None:
    from openpyxl.styles import Alignment

    value = cell.value
    if isinstance(value, str):
        # text is text: no formula, no error code, whatever it starts with
        cell.data_type = "s"
        if value.startswith(_FORMULA_START) or value.startswith("#"):
            cell.quotePrefix = True
        if len(value) > 30:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    elif isinstance(value, dt.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, float):
        if "สัดส่วน" in column or "ร้อยละ" in column:
            cell.number_format = SHARE_FORMAT
        elif any(word in column for word in ("คะแนน", "ค่าเฉลี่ย", "เปลี่ยนแปลง", "ห่าง", "IIT", "EIT", "OIT")):
            cell.number_format = SCORE_FORMAT


def _shown_length(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 18
    # Thai marks above and below take no width of their own
    return sum(1 for ch in str(value) if not ("\u0e31" <= ch <= "\u0e3a" or "\u0e47" <= ch <= "\u0e4e"))


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)
