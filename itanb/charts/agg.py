"""The Agg canvas the charts are built and drawn on: matplotlib's own Agg renderer, with each text shaped once
per process instead of twice per figure, and each glyph rendered once per sub-pixel phase.

With libraqm (Thai needs it), matplotlib 3.11 shapes a text line when it measures it (``set_text``) and
shapes it again when it draws it (``_layout``), at about 0.3 ms for a number and over 1 ms for a Thai phrase;
it reads the font's height metrics from its tables for every text it lays out, and it renders every glyph of
every text one by one. All of these are pure functions of the font files, the size, the resolution, the
hinting and the text (a glyph's bitmap: of its sub-pixel phase; moved by whole pixels FreeType gives the same
bitmap moved). :class:`Renderer` keeps their results in a :class:`TextCache`, by default the process's
(:data:`TEXTS`), so a text shaped once (in :func:`itanb.charts.warm_up`, by a batch's zygote before it forks
the kernels, or earlier in the same kernel) is not shaped again. The pixels are matplotlib's: the same glyphs
at the same positions, drawn by the same code (tested: a PNG is byte for byte the same with a cache empty,
full, or drawn by matplotlib's own canvas), so no report's output depends on another's.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.font_manager import fontManager, get_font
from matplotlib.ft2font import RenderMode

# The one place that uses private parts of matplotlib (the charts' other modules use its public API only).
# distribution -> the versions they were written against ("3.11" matches 3.11.x), pinned in pyproject.toml;
# tests/test_charts.py fails when an upgrade removes or changes them: read this module before widening it.
TESTED = {"matplotlib": ("3.11",)}
PRIVATE = {  # class -> the private names used here, with their parameters (None: a C method, looked up only)
    "matplotlib.backends.backend_agg.RendererAgg": {
        "_prepare_font": ("self", "font_prop"),
        "_draw_text_glyphs_and_boxes": ("self", "gc", "x", "y", "angle", "glyphs", "boxes")},
    "matplotlib.backends.backend_agg.FigureCanvasAgg": {"_lastKey": None},
    "matplotlib.font_manager.FontManager": {
        "_find_fonts_by_props": ("self", "prop", "fontext", "directory", "fallback_to_default",
                                 "rebuild_if_missing"),
        "_findfont_cached": None},
    "matplotlib.ft2font.FT2Font": {"_layout": None, "_set_transform": None, "_render_glyph": None},
}
# read by matplotlib.text.Text._get_layout from a renderer that has it, and the Agg renderer's own C renderer
HOOKS = {"matplotlib.text.Text._get_layout": "_get_font_height_metrics",
         "matplotlib.backends.backend_agg.RendererAgg.__init__": "self._renderer ="}


def check() -> list[str]:
    """What of the private API used here is missing or changed in the installed matplotlib (empty: all there),
    and an installed version outside :data:`TESTED`."""
    from itanb.internals import changed_members, untested_versions

    problems = untested_versions(TESTED) + changed_members(PRIVATE)
    return problems + _hook_problems()


def _hook_problems() -> list[str]:
    import inspect

    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.text import Text

    sources = {"matplotlib.text.Text._get_layout": inspect.getsource(Text._get_layout),
               "matplotlib.backends.backend_agg.RendererAgg.__init__":
                   inspect.getsource(RendererAgg.__init__)}
    return [f"{where} no longer has {text!r}" for where, text in HOOKS.items() if text not in sources[where]]


def forget_found_fonts() -> None:
    """Empty matplotlib's cache of font look-ups (after the font list changed order: base.register_fonts)."""
    fontManager._findfont_cached.cache_clear()


GENERIC = frozenset({"serif", "sans-serif", "sans serif", "sans", "cursive", "fantasy", "monospace"})


class TextCache:
    """The results :class:`Renderer` looks up instead of working them out again, each a pure function of its
    key (font files, size, resolution, hinting, text; a glyph's sub-pixel phase): so a cache filled by any
    earlier figure gives the pixels an empty one gives (tested). One is made for the process when this
    module is imported (:data:`TEXTS`, the default of every :class:`Canvas`; never rebound), filled by
    :func:`itanb.charts.warm_up` in a batch's zygote and inherited by the kernels it forks; a test passes its
    own. A table that reaches ``limit`` entries starts again empty (a kernel runs one report)."""

    def __init__(self, limit: int = 20_000) -> None:
        self.limit = limit
        self.metrics: dict[tuple, tuple] = {}  # font key, text -> width, height, descent (pixels)
        self.glyphs: dict[tuple, tuple] = {}  # font key, text, features, language -> (font, glyph, x, y)s
        self.heights: dict[tuple, tuple] = {}  # font key -> ascent, descent, line gap (pixels)
        self.files: dict[tuple, tuple] = {}  # font description -> the font files matplotlib finds for it
        self.bitmaps: dict[tuple, tuple] = {}  # glyph, size, transform, phase -> (coverage, left, top)

    def remember(self, table: dict, key: tuple, value: Any) -> Any:
        if len(table) >= self.limit:
            table.clear()
        table[key] = value
        return value

    def __len__(self) -> int:
        return sum(map(len, (self.metrics, self.glyphs, self.heights, self.files, self.bitmaps)))


TEXTS = TextCache()  # the process's: see TextCache


def _hashable(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    return value


class Renderer(RendererAgg):
    """:class:`RendererAgg` whose text measurement, shaping, font height metrics and glyph bitmaps are looked
    up in ``texts`` (a :class:`TextCache`)."""

    def __init__(self, width, height, dpi, texts: TextCache = TEXTS) -> None:
        super().__init__(width, height, dpi)
        self.texts = texts

    def _font_key(self, prop) -> tuple:
        """(font files, size, dpi, hinting) of ``prop``; the files found once per font description."""
        size = prop.get_size_in_points()
        wanted = (tuple(prop.get_family()), prop.get_style(), prop.get_variant(), prop.get_weight(),
                  prop.get_stretch(), size, prop.get_file(), len(fontManager.ttflist))
        files = self.texts.files.get(wanted)
        if files is None or any(f in GENERIC for f in wanted[0]):  # a generic family follows the rc
            files = self.texts.remember(self.texts.files, wanted,
                                        tuple(fontManager._find_fonts_by_props(prop)))
        return files, size, self.dpi, get_hinting_flag()

    def get_text_width_height_descent(self, s, prop, ismath):
        if ismath:
            return super().get_text_width_height_descent(s, prop, ismath)
        key = (self._font_key(prop), s)
        found = self.texts.metrics.get(key)
        if found is None:
            found = self.texts.remember(self.texts.metrics, key,
                                        super().get_text_width_height_descent(s, prop, ismath))
        return found

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):  # noqa: PLR0917 (matplotlib's)
        if ismath:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        key = (self._font_key(prop), s, _hashable(features), _hashable(language))
        glyphs = self.texts.glyphs.get(key)
        if glyphs is None:  # as RendererAgg.draw_text shapes it
            items = self._prepare_font(prop)._layout(s, flags=get_hinting_flag(), features=features,
                                                     language=language)
            glyphs = self.texts.remember(self.texts.glyphs, key,
                                         tuple((i.ft_object, i.glyph_index, i.x, i.y) for i in items))
        size = prop.get_size_in_points()
        self._draw_text_glyphs_and_boxes(gc, x, y, angle, ((font, size, glyph, 0, 1, gx, gy)
                                                            for font, glyph, gx, gy in glyphs), [])
        return None

    def _draw_text_glyphs_and_boxes(self, gc, x, y, angle, glyphs, boxes):  # noqa: PLR0917 (matplotlib's)
        """:meth:`RendererAgg._draw_text_glyphs_and_boxes` for text (no boxes) with each glyph's coverage
        bitmap kept for its sub-pixel phase: FreeType renders a glyph moved by whole pixels as the same bitmap
        moved by those pixels, so a glyph met again at the same phase (1/64 pixel) is not rendered again."""
        boxes = list(boxes)
        if boxes:
            return super()._draw_text_glyphs_and_boxes(gc, x, y, angle, glyphs, boxes)
        cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        flags, antialiased = get_hinting_flag(), gc.get_antialiased()
        height, bitmaps = self.height, self.texts.bitmaps
        for font, size, index, slant, extend, dx, dy in glyphs:
            ox = round(0x40 * (x + dx * cos - dy * sin))
            oy = round(0x40 * (height - y + dx * sin + dy * cos))
            key = (font.fname, size, self.dpi, index, angle, slant, extend, ox & 63, oy & 63, flags,
                   antialiased)
            found = bitmaps.get(key)
            if found is None:
                font.set_size(size, self.dpi)
                font._set_transform((0x10000 * np.array([[cos, -sin], [sin, cos]])
                                     @ [[extend, extend * slant], [0, 1]]).round().astype(int),
                                    [ox & 63, oy & 63])
                mode = RenderMode.NORMAL if antialiased else RenderMode.MONO
                bitmap = font._render_glyph(index, flags, mode)
                buffer = np.array(bitmap.buffer, copy=True)
                if not antialiased:
                    buffer *= 0xff
                found = self.texts.remember(bitmaps, key, (buffer, bitmap.left, bitmap.top))
            buffer, left, top = found
            self._renderer.draw_text_image(buffer, left + (ox >> 6), int(height) - (top + (oy >> 6))
                                           + buffer.shape[0], 0, gc)
        return None

    def _get_font_height_metrics(self, prop):
        """(ascent, descent, line gap) in pixels of the first font of ``prop``, from its OS/2 (else hhea)
        table: what :meth:`matplotlib.text.Text._get_layout` reads itself when a renderer does not say."""
        key = self._font_key(prop)
        found = self.texts.heights.get(key)
        if found is not None:
            return found
        font = get_font(key[0])
        scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points() * self.dpi / 72
        for name, gap, ascent, descent in (("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
                                           ("hhea", "lineGap", "ascent", "descent")):
            table = font.get_sfnt_table(name)
            if table is not None:
                found = (table[ascent] * scale, -table[descent] * scale, table[gap] * scale)
                return self.texts.remember(self.texts.heights, key, found)
        return None, None, None


class Canvas(FigureCanvasAgg):
    """:class:`FigureCanvasAgg` drawing with :class:`Renderer`, which looks texts up in ``texts`` (default:
    the process's :data:`TEXTS`)."""

    def __init__(self, figure=None, texts: TextCache | None = None) -> None:
        self.texts = TEXTS if texts is None else texts
        super().__init__(figure)

    def get_renderer(self):
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = Renderer(w, h, self.figure.dpi, self.texts)
            self._lastKey = key
        return self.renderer
