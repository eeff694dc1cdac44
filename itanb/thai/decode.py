"""The one decoder of text files (memos, score tables, the agencies list): UTF-8, UTF-8 with BOM, or cp874
(Thai Windows) when the bytes are not UTF-8 and read as Thai in cp874."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from itanb.errors import InputError

_THAI_CONSONANTS = frozenset(chr(c) for c in range(0x0E01, 0x0E2F))
_THAI_MARKS = frozenset(chr(c) for c in (0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F)))
# a mark may sit on a consonant, on another mark, or follow sara am (น + ำ + ้ is a common typing order)
_MARK_BASES = _THAI_CONSONANTS | _THAI_MARKS | {"\u0e33"}
_LEADING_VOWELS = frozenset(chr(c) for c in range(0x0E40, 0x0E45))
_LATIN_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_HARMLESS_CONTROLS = frozenset("\r\n\t\f")
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class DecodedText(NamedTuple):
    """A decoded file; ``encoding``: ``"utf-8"``, ``"utf-8-sig"`` (UTF-8 with BOM, removed) or ``"cp874"``."""

    text: str
    encoding: str


def plausible_thai(text: str) -> bool:
    """True when ``text`` reads like Thai: it has Thai consonants, marks sit on consonants, leading vowels
    precede consonants, no Thai character touches a Latin letter, there are no control characters; at most 1 %
    of its Thai characters break these rules (a typo, "ITAของ").

    Used on the cp874 reading of bytes that are not UTF-8: another 8-bit encoding (Latin-1, Windows-1252)
    read as cp874 turns accented letters into Thai characters inside Latin words (é is ้, à is เ, ñ is ๑).
    The typographic characters cp874 shares with Windows-1252 (quotes, dashes, bullet, ellipsis, no-break
    space) count neither way.
    """
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    before = np.concatenate(([0], codes[:-1]))  # 0: no character (none of the sets below)
    after = np.concatenate((codes[1:], [0]))
    thai = (codes >= 0x0E00) & (codes <= 0x0E7F)
    consonants = _is(codes, _THAI_CONSONANTS)
    bad = (np.count_nonzero(_is(codes, _THAI_MARKS) & ~_is(before, _MARK_BASES))
           + np.count_nonzero(_is(codes, _LEADING_VOWELS) & ~_is(after, _THAI_CONSONANTS))
           + np.count_nonzero(thai & (_is(before, _LATIN_LETTERS) | _is(after, _LATIN_LETTERS)))
           + np.count_nonzero((codes < 0x20) & ~_is(codes, _HARMLESS_CONTROLS)))  # control bytes: binary
    return bool(consonants.any()) and int(bad) <= int(np.count_nonzero(thai)) // 100


def _is(codes: np.ndarray, chars: frozenset[str]) -> np.ndarray:
    """Per code point: is it one of ``chars``?"""
    return np.isin(codes, np.fromiter((ord(c) for c in chars), dtype=np.uint32, count=len(chars)))


def _looks_like_utf16(data: bytes) -> bool:
    """NUL bytes mostly at even (UTF-16BE) or odd (UTF-16LE) offsets: ASCII text in UTF-16 without a BOM."""
    head = data[:4096]
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    return max(even, odd) >= len(head) // 4 and min(even, odd) <= max(even, odd) // 20


def decode_thai_text(data: bytes, *, where: str) -> DecodedText:
    """Decode a text file strictly: UTF-8 (a BOM is removed), else cp874 (Thai Windows) if it reads as Thai.

    Returns the text and the encoding used. Raises :class:`InputError` with ``where`` as its source, one line
    starting "cannot decode:", for NUL bytes (binary data), UTF-16 (with a BOM, or ASCII-heavy without one:
    rejected with "save it as UTF-8" rather than decoded, because a table or memo in UTF-16 is almost always a
    spreadsheet export saved with the wrong option), and bytes that are neither UTF-8 nor plausible Thai in
    cp874 (see :func:`plausible_thai`). Nothing is replaced or guessed: a byte undefined in cp874 (0x81, 0xDB–
    0xDE, 0xFC–0xFF, …) fails the cp874 reading outright.

    UTF-8 is tried first: cp874 Thai text is practically never valid UTF-8 (Thai letters are 0xA1–0xFB, and a
    lead byte 0xC2–0xF4 must be followed by continuation bytes 0x80–0xBF), and UTF-8 Thai is never valid cp874
    (ก is E0 B8 81; 0x81 is undefined in cp874), so a file mixing both is rejected.
    """
    if data.startswith(_UTF16_BOMS):
        raise InputError("cannot decode: UTF-16 text; save it as UTF-8", source=where)
    if b"\x00" in data:
        if _looks_like_utf16(data):
            raise InputError("cannot decode: looks like UTF-16 text without a byte-order mark; "
                             "save it as UTF-8", source=where)
        raise InputError("cannot decode: binary file (NUL bytes), not text; "
                         "expected UTF-8 or cp874 (Thai Windows)", source=where)
    bom = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    try:
        return DecodedText(data[bom:].decode("utf-8"), "utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError as exc:
        at = bom + exc.start
        not_utf8 = f"not UTF-8 (byte 0x{data[at]:02x} at offset {at})"
    try:
        text = data.decode("cp874")
    except UnicodeDecodeError as exc:
        undefined = f"byte 0x{data[exc.start]:02x} at offset {exc.start} is undefined there"
        raise InputError(f"cannot decode: {not_utf8}, nor cp874 (Thai Windows: {undefined}); "
                         f"save it as UTF-8", source=where) from None
    if not plausible_thai(text):
        raise InputError(f"cannot decode: {not_utf8}, and not plausible Thai when read as cp874 "
                         f"(Thai Windows); save it as UTF-8", source=where)
    return DecodedText(text, "cp874")
