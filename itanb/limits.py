"""The bounds on raw input, each named once with its value: checked before a file is parsed, so a crafted or
careless file (a zip bomb, a sheet claiming a billion cells, a memo of a million table rows) is refused in
one line naming the file, the limit and the setting that raises it, instead of exhausting memory.

Each limit is overridable by its ``ITANB_MAX_*`` setting (a positive whole number, in the limit's unit) for a
genuine file that needs more. The defaults leave a wide margin over real files: a national score table of
8,300 agencies x 12 years is about 100,000 rows and 2 million cells; a real memo has tens of table rows, a
few pages and tens of kilobytes of text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from itanb.errors import InputError, ParameterError

MB = 1 << 20


@dataclass(frozen=True)
class Limit:
    """One bound: ``what`` it counts, its ``default`` (in ``unit``), the setting ``env`` that overrides it."""

    env: str
    default: int
    what: str
    unit: str = ""
    scale: int = 1  # bytes per unit (MB limits are compared in bytes)

    def value(self) -> int:
        """The bound in the counted quantity (bytes for a limit in MB); read at each call, so a setting made
        after import counts."""
        text = os.environ.get(self.env, "").strip()
        if not text:
            return self.default * self.scale
        if not text.isascii() or not text.isdigit() or int(text) <= 0:
            raise ParameterError(f"{self.env} must be a positive whole number{self._unit()}, got {text!r}")
        return int(text) * self.scale

    def _unit(self) -> str:
        return f" ({self.unit})" if self.unit else ""

    def check(self, count: int, *, source: str | Path | None, detail: str = "") -> None:
        """InputError naming ``source`` when ``count`` is over the limit; ``detail`` says what was counted."""
        limit = self.value()
        if count <= limit:
            return
        shown = f"{count:,}" if self.scale == 1 else f"{count:,} bytes" if count < 10 * self.scale else \
            f"{count / self.scale:,.1f} {self.unit}"
        allowed = f"{limit // self.scale:,}{' ' + self.unit if self.unit else ''}"
        raise InputError(f"{detail or self.what}: {shown}, over the limit of {allowed}; if the file is "
                         f"genuine, raise it with {self.env}=<n>", source=source)


# .docx / .xlsx (zip archives): checked from the zip directory before any part is read
ZIP_PART = Limit("ITANB_MAX_PART_MB", 256, "unpacked size of one part of the archive", "MB", MB)
ZIP_TOTAL = Limit("ITANB_MAX_UNPACKED_MB", 1024, "unpacked size of the archive", "MB", MB)
ZIP_PARTS = Limit("ITANB_MAX_PARTS", 10_000, "parts in the archive")
# .xlsx score tables: checked from the sheet's XML before python-calamine is called
SHEET_CELLS = Limit("ITANB_MAX_SHEET_CELLS", 5_000_000, "cells of the sheet's range from A1")
SHARED_STRINGS = Limit("ITANB_MAX_SHARED_STRINGS", 5_000_000, "shared strings of the workbook")
SHEET_TEXT = Limit("ITANB_MAX_SHEET_TEXT_MB", 256, "text of the sheet's cells", "MB", MB)
# every score table (.csv, .xlsx)
SCORE_ROWS = Limit("ITANB_MAX_SCORE_ROWS", 200_000, "rows of the score table")
SCORE_FILE = Limit("ITANB_MAX_SCORE_FILE_MB", 256, "size of the score table file", "MB", MB)
# memos
MEMO_ROWS = Limit("ITANB_MAX_MEMO_ROWS", 2_000, "table rows of the memo")
MEMO_FILE = Limit("ITANB_MAX_MEMO_FILE_MB", 100, "size of the memo file", "MB", MB)
PDF_PAGES = Limit("ITANB_MAX_PDF_PAGES", 200, "pages of the PDF memo")
SCAN_PAGES = Limit("ITANB_MAX_SCAN_PAGES", 50, "pages of the scanned memo")  # minutes of OCR past it
TEXT_MEMO = Limit("ITANB_MAX_TEXT_MEMO_MB", 1, "size of the text memo", "MB", MB)

LIMITS = (ZIP_PART, ZIP_TOTAL, ZIP_PARTS, SHEET_CELLS, SHARED_STRINGS, SHEET_TEXT, SCORE_ROWS, SCORE_FILE,
          MEMO_ROWS, MEMO_FILE, PDF_PAGES, SCAN_PAGES, TEXT_MEMO)


def check_limits() -> None:
    """ParameterError for any ``ITANB_MAX_*`` setting that is not a positive whole number (ingest calls it
    first, so a mistyped setting is said before any file is read)."""
    for limit in LIMITS:
        limit.value()

