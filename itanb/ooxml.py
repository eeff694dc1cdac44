"""The zip archives of ``.docx`` and ``.xlsx`` files, checked before their parts are parsed (see
:mod:`itanb.limits`).

:func:`open_archive`: every part's unpacked size is taken from the zip directory and checked (each part, the
whole, the number of parts, no name twice) before anything is read. :func:`read_part`: Python's zipfile
stops a part at the size its directory entry gives, so a part that inflates to more than it claims ends in
a bad checksum: that is refused too.

:func:`check_workbook`: before python-calamine is given a workbook (it allocates from what the sheet claims,
in Rust, where a failed allocation aborts the process), every XML part is streamed once and its cells
counted: the sheet's range from A1 (the farthest row and column of any cell or of ``<dimension>``: calamine
builds the dense grid from A1 to there), the shared strings (the count the workbook claims and the ones it
holds), and the text of every cell that uses a shared string (a 1 MB string used by 20,000 cells is 20 GB
once calamine hands each cell its own copy). A part declaring a DTD is refused: OOXML has none.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from itanb import limits
from itanb.errors import InputError

CHUNK = 4 << 20  # bytes of a part inflated at a time
_PREFIX = rb"<(?:[A-Za-z_][\w.-]*:)?"
_ROW = re.compile(_PREFIX + rb"row(?=[\s/>])([^>]*)>")
_ROW_R = re.compile(_PREFIX + rb"row\s[^>]*?\br=\"(\d{1,12})\"")
_CELL = re.compile(_PREFIX + rb"c(?=[\s/>])([^>]*)>")
_CELL_R = re.compile(_PREFIX + rb"c\s[^>]*?\br=\"([A-Z]{1,8})(\d{1,12})\"")
_R_ATTR = re.compile(rb"\br=\"([A-Z]*)(\d{0,12})\"")
_SHARED = re.compile(_PREFIX + rb"c\s[^>]*?\bt=\"s\"[^>]*>\s*" + _PREFIX + rb"v>\s*(\d{1,12})\s*<")
_TAG = re.compile(_PREFIX + rb"(row|c)(?=[\s/>])([^>]*)>")
_DIMENSION = re.compile(_PREFIX + rb"dimension\s[^>]*?\bref=\"(?:[A-Z]+\d+:)?([A-Z]{1,8})(\d{1,12})\"")
_SST = re.compile(_PREFIX + rb"sst(?=[\s>])([^>]*)>")
_COUNT = re.compile(rb"\b(?:count|uniqueCount)=\"(\d{1,15})\"")
_SI = re.compile(_PREFIX + rb"si(?:\s[^>]*)?(?:/>|>(.*?)</(?:[A-Za-z_][\w.-]*:)?si>)", re.DOTALL)


def open_archive(data: bytes, source: str, what: str, broken: str) -> zipfile.ZipFile:
    """The zip archive of a ``what`` (e.g. "Word file"), its directory checked against the limits; raises
    InputError naming ``source`` (``broken`` when it is no zip archive; a name twice, a part or the whole
    too large)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise InputError(broken, source=source) from None
    infos = archive.infolist()
    limits.ZIP_PARTS.check(len(infos), source=source)
    twice = [name for name, n in Counter(i.filename for i in infos).items() if n > 1]
    if twice:
        raise InputError(f"corrupt {what}: the archive holds {twice[0]} twice", source=source)
    for info in infos:
        limits.ZIP_PART.check(info.file_size, source=source, detail=f"unpacked size of {info.filename}")
    limits.ZIP_TOTAL.check(sum(i.file_size for i in infos), source=source)
    return archive


def stream_part(archive: zipfile.ZipFile, name: str, source: str) -> Iterator[bytes]:
    """The part ``name`` inflated in chunks, no more than its directory entry says (more: InputError)."""
    try:
        with archive.open(name) as fh:
            while chunk := fh.read(CHUNK):
                yield chunk
    except zipfile.BadZipFile as exc:
        raise InputError(f"damaged or crafted archive: {name} is not what the zip directory says ({exc})",
                         source=source) from None
    except (OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise InputError(f"unreadable archive part {name} ({exc})", source=source) from None


def read_part(archive: zipfile.ZipFile, name: str, source: str) -> bytes:
    """The part ``name`` whole (KeyError when the archive has none)."""
    archive.getinfo(name)
    return b"".join(stream_part(archive, name, source))


@dataclass
class _Cells:
    """What the cells of the XML parts claim, counted as they stream by."""

    max_row: int = 0
    max_col: int = 0
    shared: list[np.ndarray] = field(default_factory=list)  # indexes of shared strings used by cells
    strings: list[int] = field(default_factory=list)  # each shared string's length in bytes
    claimed: int = 0  # the largest count a <sst> claims
    row: int = 0  # position of the last row and cell, where a part gives none (see _by_position)
    col: int = 0

    def rows(self, block: bytes) -> None:
        """Complete rows: the farthest cell, from the r attributes, and the shared strings the cells use.
        Read with numpy where the tags have no namespace prefix and every row and cell its r (what Excel,
        LibreOffice and openpyxl write: 2 million cells in about a second); else with regular expressions,
        tag by tag where a row or cell has no r (by position), which is slower."""
        if b"<row" not in block and b":row" not in block and b"dimension" not in block:
            return  # not a sheet
        if not (b":c " in block or b":c>" in block or b":row" in block) and self._plain(block):
            pass
        elif len(_ROW.findall(block)) == len(_ROW_R.findall(block)) and \
                len(_CELL.findall(block)) == len(cell_r := _CELL_R.findall(block)):
            self.max_row = max([self.max_row, *map(int, _ROW_R.findall(block)), *(int(r) for _, r in cell_r)])
            self.max_col = max([self.max_col, *map(_column, {c for c, _ in cell_r})])
            self._shared_regex(block)
        else:
            self._by_position(block)
            self._shared_regex(block)
        if b"dimension" in block:
            for col, row in _DIMENSION.findall(block):
                self.max_row, self.max_col = max(self.max_row, int(row)), max(self.max_col, _column(col))

    def _shared_regex(self, block: bytes) -> None:
        refs = _SHARED.findall(block)
        if refs:
            self.shared.append(np.array(list(map(int, refs)), dtype=np.int64))

    def _plain(self, block: bytes) -> bool:
        """The fast reading (see :meth:`rows`); False (nothing counted) when the block is not that plain."""
        a = np.frombuffer(block, np.uint8)
        refs = _values(a, _after(a, b'r="', space=True), ord('"'))
        if refs is None:
            return False
        letters, digits, number, column = refs
        cells = letters > 0
        tags, rows = _tags(a, b"<c"), _tags(a, b"<row")
        if tags != int(cells.sum()) or rows != int((~cells).sum()) or bool(np.any(cells & (digits == 0))):
            return False
        if len(number):
            self.max_row = max(self.max_row, int(number.max()))
            self.max_col = max(self.max_col, int(column.max()))
        ts, vs = _after(a, b't="s"'), _after(a, b"<v>")
        if len(ts):
            found = np.searchsorted(vs, ts)
            used = _values(a, vs[found[found < len(vs)]], ord("<"))
            if used is None or bool(np.any(used[0])):
                return False
            self.shared.append(used[2])
        return True

    def _by_position(self, block: bytes) -> None:
        for tag in _TAG.finditer(block):
            r = _R_ATTR.search(tag.group(2))
            if tag.group(1) == b"row":
                self.row, self.col = (int(r.group(2)) if r and r.group(2) else self.row + 1), 0
                self.max_row = max(self.max_row, self.row)
                continue
            self.col = _column(r.group(1)) if r and r.group(1) else self.col + 1
            self.max_col = max(self.max_col, self.col)

    def sst(self, block: bytes) -> None:
        for attrs in _SST.findall(block):
            self.claimed = max([self.claimed, *map(int, _COUNT.findall(attrs))])
        self.strings += [len(body) for body in _SI.findall(block)]


_ENDS = np.array([32, 9, 10, 13, ord(">"), ord("/")], np.uint8)
_WIDTH = 16  # bytes of a cell reference or a shared string's index, at most (XFD1048576 is 10)
_SPACES = np.array([32, 9, 10, 13], np.uint8)


def _after(a: np.ndarray, key: bytes, *, space: bool = False) -> np.ndarray:
    """Positions just after each ``key`` in ``a`` (preceded by white space when ``space``): the places of
    its first byte, narrowed byte by byte."""
    at = np.flatnonzero(a[: max(len(a) - len(key) + 1, 0)] == key[0])
    for i, ch in enumerate(key[1:], start=1):
        at = at[a[at + i] == ch]
    if space:
        at = at[at > 0]
        at = at[np.isin(a[at - 1], _SPACES)]
    return at + len(key)


def _tags(a: np.ndarray, start: bytes) -> int:
    """How many tags ``start`` (e.g. ``<c``) open in ``a``: followed by white space, ``>`` or ``/``."""
    after = _after(a, start)
    return int(np.isin(a[after[after < len(a)]], _ENDS).sum())


def _values(a: np.ndarray, starts: np.ndarray, end: int):
    """The values from each start to the byte ``end`` as references: (letters, digits, number, column)
    per value, arrays; None when one is not letters A-Z then digits, at most _WIDTH long."""
    stops = np.flatnonzero(a == end)
    at = np.searchsorted(stops, starts)
    if np.any(at >= len(stops)):
        return None
    length = stops[at] - starts
    if len(length) and (length.max() > _WIDTH):
        return None
    letters, digits = np.zeros(len(starts), np.int64), np.zeros(len(starts), np.int64)
    number, column = np.zeros(len(starts), np.int64), np.zeros(len(starts), np.int64)
    for j in range(int(length.max()) if len(length) else 0):  # Horner's rule, one byte position at a time
        tok = a[np.minimum(starts + j, len(a) - 1)].astype(np.int64)
        inside = j < length
        upper = inside & (tok >= 65) & (tok <= 90) & (digits == 0)
        digit = inside & (tok >= 48) & (tok <= 57)
        if np.any(inside & ~upper & ~digit):
            return None
        letters += upper
        digits += digit
        column = np.where(upper, column * 26 + tok - 64, column)
        number = np.where(digit, number * 10 + tok - 48, number)
    return letters, digits, number, column


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters[:8]:
        n = n * 26 + ch - 64
    return n


def check_workbook(data: bytes, source: str) -> None:
    """InputError naming ``source`` when an ``.xlsx`` is past a limit (see the module's docstring), before
    python-calamine sees it. Parts are streamed: memory stays at a few chunks whatever they claim."""
    cells = _Cells()
    with open_archive(data, source, "Excel workbook", "not a readable .xlsx workbook (not a zip archive); "
                      "save it again from Excel") as archive:
        for info in archive.infolist():
            xml = info.filename.lower().endswith((".xml", ".rels"))
            carry, strings = b"", None
            for chunk in stream_part(archive, info.filename, source):
                if not xml:
                    continue
                block = carry + chunk
                if b"<!DOCTYPE" in block or b"<!ENTITY" in block:
                    raise InputError(f"{info.filename} declares a DTD, which no Excel workbook has (a "
                                     "crafted file?)", source=source)
                if strings is None:
                    strings = (b"<sst" in block or b":sst" in block) and bool(_SST.search(block))
                cut = _last_end(block, b"si>" if strings else b"row>")
                (cells.sst if strings else cells.rows)(block[:cut])
                carry = block[cut:]
                limits.SHARED_STRINGS.check(cells.claimed, source=source,
                                            detail="shared strings the workbook claims")
            (cells.sst if strings else cells.rows)(carry)
    _check_cells(cells, source)


def _last_end(block: bytes, end: bytes) -> int:
    """Just after the last closing tag ``</…end`` in ``block`` (0 if none): what comes before is whole."""
    at = block.rfind(end)
    while at >= 0 and block[block.rfind(b"<", 0, at): block.rfind(b"<", 0, at) + 2] != b"</":
        at = block.rfind(end, 0, at)
    return at + len(end) if at >= 0 else 0


def _check_cells(cells: _Cells, source: str) -> None:
    limits.SHEET_CELLS.check(cells.max_row * cells.max_col, source=source,
                             detail=f"cells of the sheet's range A1:{_name(cells.max_col)}{cells.max_row}")
    limits.SCORE_ROWS.check(max(cells.max_row - 1, 0), source=source, detail="rows of the sheet below row 1")
    limits.SHARED_STRINGS.check(len(cells.strings), source=source, detail="shared strings of the workbook")
    if cells.shared and cells.strings:
        used = np.concatenate(cells.shared)
        lengths = np.array(cells.strings, dtype=np.int64)
        text = int(lengths[used[used < len(lengths)]].sum())
        limits.SHEET_TEXT.check(text, source=source, detail="text of the cells that use shared strings")


def _name(col: int) -> str:
    letters = ""
    while col > 0 and len(letters) < 8:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"
