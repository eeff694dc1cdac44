"""The Thai font the install itself provides: Sarabun (SIL OFL 1.1) from the PyPI package fontpkg-sarabun.

Charts register it with matplotlib by path; HTML reports embed it as a data: URL, subset to the characters of
the page (:func:`font_css`). Nothing depends on the fonts of the machine.
"""

from __future__ import annotations

import contextlib
from functools import lru_cache
from pathlib import Path

import fontpkg_sarabun

FAMILY = fontpkg_sarabun.FAMILY  # "Sarabun"
FONT_DIR = Path(fontpkg_sarabun.ROOT) / "files"
LICENSE = Path(fontpkg_sarabun.ROOT) / "LICENSE"
LICENSE_NAME = "SIL Open Font License 1.1"


def font_path(style: str = "Regular") -> Path:
    """Path of a Sarabun face: 'Regular', 'Bold', 'Italic', 'BoldItalic', 'Light', 'SemiBold'..."""
    path = FONT_DIR / f"Sarabun-{style}.ttf"
    if not path.is_file():
        raise FileNotFoundError(f"Sarabun face {style!r} not found in {FONT_DIR}")
    return path


# ------------------------------------------------------------------------------------- web fonts, subset
# The faces a report embeds (CSS weight -> Sarabun style): 600 (the headline values) uses the bold face.
WEB_FACES: tuple[tuple[str, int], ...] = (("Regular", 400), ("Bold", 700))
# Always kept, whatever the page: printable ASCII (page numbers, counters, what a reader may type into a
# form), the whole Thai block and the punctuation reports use. Pages differ mostly in which Thai letters
# they use; keeping them all costs ~2.5 kB a face but makes the subset of nearly every page the same, cut
# once per machine (a cut costs ~1 s a face: per page, that would double the time of a batch).
ALWAYS = ("".join(chr(c) for c in range(0x20, 0x7F)) + "".join(chr(c) for c in range(0x0E01, 0x0E5C))
          + "–—…·•“”‘’×÷°±≤≥→←¶§")


# HarfBuzz's Thai shaper splits sara am (U+0E33) into nikhahit + sara aa by character, before the font's own
# features, to stack it with a tone mark (น้ำ): the subset needs those two in its cmap. A mark without a base
# is shown on a dotted circle (U+25CC).
SARA_AM, SARA_AM_PARTS, DOTTED_CIRCLE = "\u0e33", "\u0e4d\u0e32", "\u25cc"


def page_characters(page: str) -> str:
    """Every character a page can show: its text with the entities resolved, attribute values and CSS
    ``content`` strings included (markup and base64 data add ASCII only, which is kept anyway)."""
    import html

    return "".join(sorted(set(html.unescape(page)) | set(ALWAYS)))


# The OpenType features a shaper applies by itself (HarfBuzz's defaults, for Thai and Latin): kept with
# every glyph they reach. Sarabun's opt-in features (aalt, frac, ordn, salt, ss01, subs, sups: alternates,
# fractions, superscripts) need CSS font-feature-settings, which no report uses; their glyphs are dropped.
LAYOUT_FEATURES = ("rvrn", "ccmp", "locl", "abvs", "blws", "pres", "psts", "rlig", "calt", "clig", "liga",
                   "kern", "mark", "mkmk", "abvm", "blwm", "curs", "dist")


def subset_font(style: str, characters: str, flavor: str = "woff2") -> bytes:
    """The Sarabun face ``style`` cut down to ``characters`` (and :data:`ALWAYS`), as WOFF2 (or "woff",
    or ``None`` for TrueType).

    Thai needs more than the characters' own glyphs: every layout feature a shaper applies by default
    (:data:`LAYOUT_FEATURES`: ``ccmp``, ``mark``, ``mkmk``, ``liga``, ``locl``, ``kern``...) is kept with the
    glyphs it reaches (e.g. the
    tone mark moved left over a narrow consonant, sara am split for stacking, ญ/ฐ without their tails
    above a lower vowel), so HarfBuzz (Chromium, Firefox, WeasyPrint) shapes the text exactly as with the
    full font; the characters the shaper itself substitutes (:data:`SARA_AM_PARTS`, the dotted circle) are
    kept too. The name table (copyright, the OFL licence) is kept. Results are cached per process.
    """
    chars = set(characters) | set(ALWAYS) | {DOTTED_CIRCLE}
    if SARA_AM in chars:
        chars |= set(SARA_AM_PARTS)
    return _subset(style, "".join(sorted(chars)), flavor)


@lru_cache(maxsize=64)
def _subset(style: str, chars: str, flavor: str | None) -> bytes:
    """A cut of the face, from the disk cache (:func:`_cache_path`) when an earlier process made the same one:
    a cut costs ~1.3 s of CPU a face here, and nearly every page of every report needs the same one."""
    path = _cache_path(style, chars, flavor)
    try:
        cached = path.read_bytes()
    except OSError:
        cached = b""
    if _intact(cached, flavor):
        return cached
    data = _cut(style, chars, flavor)
    _store(path, data)
    return data


_MAGIC = {"woff2": b"wOF2", "woff": b"wOFF", None: b"\x00\x01\x00\x00"}  # how a file of each flavour starts


def _intact(data: bytes, flavor: str | None) -> bool:
    """A whole font file of ``flavor``: its signature, and for WOFF/WOFF2 the length its header records."""
    if data[:4] != _MAGIC[flavor]:
        return False
    return flavor is None or (len(data) >= 12 and int.from_bytes(data[8:12], "big") == len(data))


def _cache_path(style: str, chars: str, flavor: str | None):
    """Where the cut of ``style`` to ``chars`` is kept between runs: under :data:`itanb.paths.CACHE`, named by
    a hash of everything the bytes depend on (the face's bytes, the fontTools version, the characters, the
    options, the flavour), so a new font, fontTools or option is a new name and never a stale hit."""
    import hashlib

    import fontTools

    from itanb import paths

    key = hashlib.sha256()
    for part in (hashlib.sha256(_font_bytes(style)).hexdigest(), fontTools.version, chars,
                 repr(LAYOUT_FEATURES), repr(_OPTIONS), str(flavor)):
        key.update(part.encode("utf-8") + b"\0")
    return paths.CACHE / "fonts" / f"Sarabun-{style}-{key.hexdigest()[:32]}.{flavor or 'ttf'}"


def _store(path, data: bytes) -> None:
    """Keep a cut in the cache (whole or not at all); a cache that cannot be written (a read-only install)
    only means the next process cuts again."""
    from itanb import paths

    with contextlib.suppress(OSError):
        paths.write_atomic(path, data)


# fontTools subsetter options besides the layout features (part of the cache key)
_OPTIONS = {"name_IDs": ["*"], "name_languages": ["*"], "notdef_outline": True, "glyph_names": False}


def _cut(style: str, chars: str, flavor: str | None) -> bytes:
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options(layout_features=list(LAYOUT_FEATURES), **_OPTIONS)
    font = TTFont(io.BytesIO(_font_bytes(style)), recalcTimestamp=False)  # same bytes every run
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    font.flavor = flavor
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@lru_cache(maxsize=8)
def _font_bytes(style: str) -> bytes:
    return font_path(style).read_bytes()


def license_notice() -> str:
    """One line: the font's copyright (first line of its OFL file) and the licence's name."""
    try:
        first = LICENSE.read_text(encoding="utf-8").splitlines()[0].strip()
    except (OSError, IndexError):
        first = "Sarabun, The Sarabun Project Authors"
    return f"{first}. {LICENSE_NAME}."


def font_css(page: str, faces: tuple[tuple[str, int], ...] = WEB_FACES) -> str:
    """A ``<style>`` element with the Sarabun ``faces`` (style, CSS weight) subset to the characters of
    ``page`` (see :func:`subset_font`) as base64 WOFF2 ``data:`` URLs, and the OFL notice in a comment."""
    import base64
    import html

    chars = page_characters(page)
    rules = []
    for style, weight in faces:
        data = base64.b64encode(subset_font(style, chars)).decode("ascii")
        rules.append(
            f'@font-face {{ font-family: "{FAMILY}"; font-style: normal; font-weight: {weight}; '
            f'font-display: block; src: url(data:font/woff2;base64,{data}) format("woff2"); }}'
        )
    notice = html.escape(license_notice()).replace("--", "- -")
    return (f"<!-- Font: {FAMILY}, subset to this page's characters, layout features kept. {notice} -->\n"
            "<style>\n" + "\n".join(rules) + "\n</style>")
