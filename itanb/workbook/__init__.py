"""Excel beside each report: every table of the report as a sheet, for analysts who reuse the numbers.

``report_sheets(ctx)`` gives the report's tables as typed frames (Thai headers; numbers as numbers, dates
as dates, fiscal years as Buddhist Era integers such as 2565; a portfolio's ranking in full, not only the
rows the page shows); :func:`write_workbook` writes them with openpyxl.

Safe with any input: every text cell is written as text. A measure, owner or agency name that begins with
``=``, ``+``, ``-`` or ``@`` (or looks like an Excel error such as ``#N/A``) is stored as a string with
Excel's quote prefix, never as a formula, so ``=HYPERLINK("http://x","y")`` from a memo stays those
characters and opening the file runs nothing.

The package by job: ``xlsx`` (typed cells to .xlsx), ``sheets`` (a report's tables as frames); this module
chooses the sheets of each report kind. Import from ``itanb.workbook``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from itanb.workbook.sheets import (
    about_sheet,
    findings_sheet,
    headline_sheet,
    indicator_scores_sheet,
    indicator_trend_sheet,
    indicators_sheet,
    measure_changes_sheet,
    measures_sheet,
    portfolio_indicator_sheets,
    portfolio_sheets,
    provenance_sheet,
    tool_scores_sheet,
    yoy_sheet,
)
from itanb.workbook.xlsx import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    SCORE_FORMAT,
    SHARE_FORMAT,
    sheet_name,
    write_workbook,
)

if TYPE_CHECKING:
    from itanb.views import Context


def report_sheets(ctx: Context, title: str = "") -> list[tuple[str, pd.DataFrame]]:
    """Every table of the report ``ctx`` is for (its kind's notebook shows the same ones), typed."""
    sheets = [("เกี่ยวกับ", about_sheet(ctx, title))]
    if ctx.kind == "fiscal-year":
        sheets += [("สรุปผล", headline_sheet(ctx)), ("มาตรการ", measures_sheet(ctx)),
                   ("ตัวชี้วัด", indicators_sheet(ctx)), ("คะแนนรายเครื่องมือ", tool_scores_sheet(ctx)),
                   ("คะแนนรายตัวชี้วัด", indicator_scores_sheet(ctx)), ("คะแนนรายปี", yoy_sheet(ctx)),
                   ("ข้อสังเกต", findings_sheet(ctx))]
    elif ctx.kind == "year-over-year":
        sheets += [("รายปี", yoy_sheet(ctx)), ("การเปลี่ยนแปลงมาตรการ", measure_changes_sheet(ctx)),
                   ("ตัวชี้วัด", indicators_sheet(ctx, all_years=True)),
                   ("คะแนนรายตัวชี้วัดรายปี", indicator_trend_sheet(ctx)), ("ข้อสังเกต", findings_sheet(ctx))]
    else:
        sheets += portfolio_sheets(ctx) + portfolio_indicator_sheets(ctx)
    sheets.append(("ที่มาของข้อมูล", provenance_sheet(ctx)))
    return sheets


KINDS = ("fiscal-year", "year-over-year", "portfolio")  # the report kinds whose tables this module knows


def knows(kind: str) -> bool:
    return kind in KINDS


def report_workbook(kind: str, params: dict, *, processed_dir: Path | str, raw_dir: Path | str,
                    title: str = "") -> bytes:
    """The ``.xlsx`` of one report (same parameters as its notebook), as bytes."""
    from itanb import views

    ctx = views.check_params(kind, agency=params.get("agency"), fiscal_year=params.get("fiscal_year"),
                             province=params.get("province"), district=params.get("district"),
                             processed_dir=str(processed_dir), raw_dir=str(raw_dir))
    return write_workbook(report_sheets(ctx, title), title=title)


__all__ = ["DATETIME_FORMAT", "DATE_FORMAT", "KINDS", "SCORE_FORMAT", "SHARE_FORMAT", "knows",
           "report_sheets", "report_workbook", "sheet_name", "write_workbook"]
