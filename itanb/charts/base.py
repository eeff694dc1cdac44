"""What every chart shares: the bundled Thai font, digits, the figure and its one layout pass, the PNG.

A figure is made at the PNG's resolution with its own Agg canvas, so that everything measured while the chart
is built (the layout of :func:`fit`, the placement of labels) is measured by the renderer that draws the PNG:
the size of each text, whose Thai shaping is most of a chart's cost, is worked out once per figure (matplotlib
caches it per renderer) and the figure is drawn once.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import TICKDOWN, TICKLEFT, Line2D
from matplotlib.ticker import FuncFormatter

from itanb import fonts, grading
from itanb.charts import agg
from itanb.charts.legend import RowLegend
from itanb.charts.png import indexed_png

if TYPE_CHECKING:
    from collections.abc import Iterator

    from matplotlib.axes import Axes
    from matplotlib.legend import Legend
    from matplotlib.text import Text

FAMILY = fonts.FAMILY
FALLBACK = "DejaVu Sans"  # ships inside matplotlib itself: only for a glyph Sarabun lacks
STYLES = ("Regular", "Bold")
PASS_MARK = int(grading.PASS_MARK)  # 85, the harmonised pass line drawn and named on the charts
PASS_COLOR = "#b2182b"
SCORE_COLOR = "#2166ac"
NATIONAL_COLOR = "#636363"
PNG_DPI = 110  # 880 px for the report's 720 px: sharp on screen, fine on A4; keeps a report <= 100 kB
PNG_COLOURS = 64  # a chart has a few flat colours and their anti-aliased edges: a palette keeps it sharp
PALETTE_SAMPLE = 2  # the palette is chosen from every 2nd pixel of every 2nd row (a quarter of the work)
PAD = 0.15  # inches of white kept around a chart's content, and between the axes and a legend below them


def register_fonts() -> str:
    """Register the bundled Sarabun faces with matplotlib by path (idempotent); returns the family name.

    A system font of the same family name is never preferred: the bundled entries are moved to the front
    of matplotlib's font list, so that ``findfont("Sarabun")`` resolves to the bundled file.
    """
    manager = font_manager.fontManager
    ours = {str(fonts.font_path(style)) for style in STYLES}
    known = {entry.fname for entry in manager.ttflist}
    for path in sorted(ours - known):
        manager.addfont(path)
    if str(font_manager.findfont(font_manager.FontProperties(family=FAMILY))) not in ours:
        manager.ttflist.sort(key=lambda entry: entry.fname not in ours)  # stable: ours first
        agg.forget_found_fonts()
    return FAMILY


def font_file(text: Any) -> str:
    """The font file matplotlib uses for a Text artist (for checks: it must be the bundled Sarabun)."""
    return str(font_manager.findfont(text.get_fontproperties()))


@contextmanager
def thai_rc() -> Iterator[None]:
    """matplotlib settings for building a chart: the bundled Thai font first (the global rc is untouched)."""
    register_fonts()
    # a patch's or line's default colour "C0" is looked up in the property cycle each time it is resolved
    # (about 1 ms); named once here, it is the same colour
    first = mpl.colors.to_hex(mpl.rcParams["axes.prop_cycle"].by_key()["color"][0], keep_alpha=True)
    with mpl.rc_context({"font.family": [FAMILY, FALLBACK], "axes.unicode_minus": True,
                         "patch.facecolor": first, "lines.color": first}):
        yield


def digits(text: object, thai_digits: bool) -> str:
    """``text`` with Arabic digits turned into Thai digits when ``thai_digits``."""
    text = str(text)
    if not thai_digits:
        return text
    from itanb.thai import to_thai_digits

    return to_thai_digits(text)


def number(value: float, thai_digits: bool, decimals: int = 2) -> str:
    return digits(f"{value:.{decimals}f}", thai_digits)


class BlankFigures:
    """Blank figures with their axes, made once per process for each size, number of columns and state of
    matplotlib's settings (the rc, which sets every default of a new Axes), kept pickled: a chart starts
    from a copy (:func:`pickle.loads`, the way matplotlib copies a figure: about 4 ms, where making the
    figure and its Axes takes about 12). A copy is a new figure sharing nothing with the one kept, so a
    chart is the same whichever came before it (tested: the same PNG as from a figure made afresh)."""

    def __init__(self, limit: int = 64) -> None:
        self.limit = limit
        self.pickled: dict[tuple, bytes] = {}

    def copy(self, figsize: tuple[float, float], ncols: int, tick_objects: bool) -> Figure:
        key = (tuple(figsize), ncols, tick_objects, repr(list(dict.items(mpl.rcParams))))
        data = self.pickled.get(key)
        if data is None:
            if len(self.pickled) >= self.limit:
                self.pickled.clear()
            data = self.pickled[key] = pickle.dumps(_blank_figure(figsize, ncols, tick_objects))
        return pickle.loads(data)


def _blank_figure(figsize: tuple[float, float], ncols: int, tick_objects: bool) -> Figure:
    fig = Figure(figsize=figsize, dpi=PNG_DPI)
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    for ax in axes if tick_objects else ():
        ax.tick_params(labelfontfamily=FAMILY)  # ticks made later, at draw time, keep the Thai font
    return fig


FIGURES = BlankFigures()  # the process's (made at import, never rebound): see BlankFigures


def new_figure(figsize: tuple[float, float], ncols: int = 1, *,
               tick_objects: bool = True) -> tuple[Figure, list[Axes]]:
    """A figure at :data:`PNG_DPI` with its own Agg canvas (no layout engine: :func:`fit` lays it out),
    a copy of the process's blank one (:class:`BlankFigures`). ``tick_objects=False``: a chart whose ticks
    are all made by :func:`ticks` (matplotlib's tick labels are not given the Thai font)."""
    fig = FIGURES.copy(figsize, ncols, tick_objects)
    agg.Canvas(fig)
    return fig, list(fig.axes)


def bars(ax: Axes, x: Sequence[float], heights: Sequence[float], colours: Sequence,
         width: float = 0.8) -> None:
    """Bars up from 0 as one collection, as :meth:`matplotlib.axes.Axes.bar` draws them (its default width,
    no edge, over the grid) but one artist, not a patch each (~1 ms a bar); the x limits follow them as
    they follow bars. Set the y limits: the bottom of the bars is not kept at 0 by autoscaling."""
    half = width / 2
    ax.add_collection(PolyCollection([[(xi - half, 0.0), (xi - half, h), (xi + half, h), (xi + half, 0.0)]
                                      for xi, h in zip(x, heights, strict=True)],
                                     facecolors=colours, edgecolors="none", zorder=2))


def empty(fig: Figure, axes: Iterable[Axes], text: str) -> Figure:
    """The figure saying ``text`` in place of a chart (no data)."""
    for ax in axes:
        ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    return fit(fig)


def fit(fig: Figure, legend: Legend | RowLegend | None = None,
        margins: dict[str, float] | None = None) -> Figure:
    """Lay the figure out once, without drawing it, with a figure ``legend`` (when given: matplotlib's, or a
    :class:`~itanb.charts.legend.RowLegend`) centred below the axes.

    ``margins`` (inches: ``left``, ``right``, ``top``, ``bottom`` around the axes, ``bottom`` above the
    legend; ``wspace`` between panels, as a fraction of a panel's width): a fixed layout for a chart whose
    ticks, labels and title have known texts (tests check that nothing leaves the figure). Without it the
    margins that just hold each axes' decorations are measured (matplotlib's tight layout, with the figure's
    own renderer: a chart whose tick labels are names)."""
    renderer = fig.canvas.get_renderer()
    width, height = fig.get_size_inches()
    below = 0.0
    if isinstance(legend, RowLegend):
        below = (legend.place(renderer, PAD * fig.dpi) / fig.dpi + PAD) / height
    elif legend is not None:
        legend.set_loc("lower center")
        legend.set_bbox_to_anchor((0.5, PAD / height), transform=fig.transFigure)
        legend.borderaxespad = 0
        below = (legend.get_window_extent(renderer).height / fig.dpi + PAD) / height
    if margins is None:
        fig.tight_layout(pad=PAD * 72 / mpl.rcParams["font.size"], rect=(0, below, 1, 1))
        return fig
    fig.subplots_adjust(left=margins["left"] / width, right=1 - margins["right"] / width,
                        top=1 - margins["top"] / height, bottom=below + margins["bottom"] / height,
                        wspace=margins.get("wspace"))
    return fig


def ticks(ax: Axes, axis: str, positions: Sequence[float], labels: Sequence[str], *,
          grid_alpha: float | None = None) -> list[Text]:
    """Ticks on the bottom x or left y ``axis`` of ``ax`` at data ``positions``, named ``labels`` (and grid
    lines across the plot, ``grid_alpha`` opaque, when given), drawn as matplotlib draws its own ticks (the
    rc's tick size, width, colour and pad, label size; grid style; under the plot's lines and bars) but as
    a line of tick marks, a collection of grid lines and a text per label: matplotlib's Tick objects (five
    artists each, two never shown) cost about 2 ms a tick to make and draw. Returns the label texts
    (:func:`tick_labels`); call :func:`axis_label` after it."""
    rc, name = mpl.rcParams, f"{axis}tick"
    along = ax.xaxis if axis == "x" else ax.yaxis
    along.set_ticks([])  # no Tick objects; the limits stay as set
    size, pad = rc[f"{name}.major.size"], rc[f"{name}.major.pad"] + rc[f"{name}.major.size"]  # 'out'
    zorder = 1.5  # as the axes' own ticks and grid (axes.axisbelow "line"): under lines, bars and spines
    if axis == "x":
        line, (place, va, ha), marker = ax.get_xaxis_transform(), ax.get_xaxis_text1_transform(pad), TICKDOWN
        points, segments = [(p, 0.0) for p in positions], [[(p, 0.0), (p, 1.0)] for p in positions]
    else:
        line, (place, va, ha), marker = ax.get_yaxis_transform(), ax.get_yaxis_text1_transform(pad), TICKLEFT
        points, segments = [(0.0, p) for p in positions], [[(0.0, p), (1.0, p)] for p in positions]
    colour = rc[f"{name}.color"]
    label_colour = colour if rc[f"{name}.labelcolor"] == "inherit" else rc[f"{name}.labelcolor"]
    if grid_alpha is not None:
        ax.add_collection(LineCollection(segments, colors=rc["grid.color"], linewidths=rc["grid.linewidth"],
                                         linestyles=rc["grid.linestyle"], alpha=grid_alpha, transform=line,
                                         zorder=zorder), autolim=False)
    if points:
        xs, ys = zip(*points, strict=True)
        ax.add_artist(Line2D(xs, ys, transform=line, linestyle="none", marker=marker, markersize=size,
                             markeredgewidth=rc[f"{name}.major.width"], color=colour, markeredgecolor=colour,
                             clip_on=False, zorder=zorder))
    return [ax.text(x, y, text, transform=place, va=va, ha=ha, fontsize=rc[f"{name}.labelsize"],
                    color=label_colour, fontfamily=FAMILY, gid=name, zorder=zorder)
            for (x, y), text in zip(points, labels, strict=True)]


def tick_labels(ax: Axes, axis: str) -> list[Text]:
    """The tick label texts :func:`ticks` made on ``axis`` ("x" or "y") of ``ax``, in order."""
    return [t for t in ax.texts if t.get_gid() == f"{axis}tick"]


def axis_label(ax: Axes, axis: str, text: str) -> None:
    """Name ``axis`` of ``ax`` where matplotlib puts an axis label: the rc's label pad beyond the farthest
    tick label (:func:`ticks`; measured by the figure's renderer)."""
    renderer, labels = ax.figure.canvas.get_renderer(), tick_labels(ax, axis)
    extents = [t.get_window_extent(renderer) for t in labels]
    reach = max((e.height if axis == "x" else e.width for e in extents), default=0.0) * 72 / ax.figure.dpi
    name = f"{axis}tick"
    pad = mpl.rcParams["axes.labelpad"] + (mpl.rcParams[f"{name}.major.pad"]
                                           + mpl.rcParams[f"{name}.major.size"] + reach if labels else 0)
    (ax.set_xlabel if axis == "x" else ax.set_ylabel)(text, labelpad=pad)


def year_axis(ax: Axes, years: Iterable[int], thai_digits: bool) -> None:
    years = sorted({int(y) for y in years})
    if not years:
        return
    every = list(range(years[0], years[-1] + 1))  # every year, also the skipped ones: gaps stay visible
    ax.set_xlim(every[0] - 0.6, every[-1] + 0.6)
    ticks(ax, "x", every, [digits(y, thai_digits) for y in every])
    axis_label(ax, "x", "ปีงบประมาณ (พ.ศ.)")


def number_axis(ax: Axes, axis: str, thai_digits: bool, decimals: int = 0) -> None:
    fmt = FuncFormatter(lambda v, _pos: number(v, thai_digits, decimals))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


@cache
def level_colour(position: int, count: int) -> tuple[float, float, float, float]:
    """Red (worst, position 0) to green (best, position count - 1). Kept per process: matplotlib copies the
    colour map for each look-up (about 1 ms)."""
    return mpl.colormaps["RdYlGn"](0.15 + 0.7 * position / max(count - 1, 1))


# ------------------------------------------------------------ files
def png_bytes(fig: Figure, dpi: int = PNG_DPI) -> bytes:
    """The figure as a compact PNG: drawn once at ``dpi`` by its Agg canvas, then stored as an indexed
    (palette) image of at most :data:`PNG_COLOURS` colours without dithering (a third of the size of
    matplotlib's RGBA file, the same pixels to the eye: flat fills, lines and text keep their colours). The
    palette is chosen (PIL's fast octree, a quarter of the median cut's time and a slightly smaller file) from
    a regular sample of the pixels, then every pixel takes its nearest palette colour; the file is written by
    :func:`itanb.charts.png.indexed_png` (zlib-ng's deflate, level 8)."""
    from PIL import Image

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else agg.Canvas(fig)
    before = fig.dpi
    fig.set_dpi(dpi)
    try:
        canvas.draw()
        size = canvas.get_width_height(physical=True)
        image = Image.frombuffer("RGBA", size, canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
    finally:
        fig.set_dpi(before)
    sample = image.resize((max(1, image.width // PALETTE_SAMPLE), max(1, image.height // PALETTE_SAMPLE)),
                          Image.Resampling.NEAREST)
    palette = sample.quantize(colors=PNG_COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    return indexed_png(image.quantize(palette=palette, dither=Image.Dither.NONE))

