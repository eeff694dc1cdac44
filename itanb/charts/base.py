"""What every chart shares: the bundled Thai font, digits, the figure and its fixed layout.

A chart is a plain :class:`matplotlib.figure.Figure` (public API only) with an Agg canvas attached, so that
what is placed while the chart is built (a legend below the axes, the score labels) can be measured with
``fig.canvas.get_renderer()`` and ``Artist.get_window_extent``. Reports draw it as SVG with its text kept as
text (:mod:`itanb.charts.svg`); ``fig.savefig`` and Jupyter's own display work as for any figure.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from itanb import fonts, grading

if TYPE_CHECKING:
    from collections.abc import Iterator

    from matplotlib.axes import Axes
    from matplotlib.legend import Legend

FAMILY = fonts.FAMILY
FALLBACK = "DejaVu Sans"  # ships inside matplotlib itself: only for a glyph Sarabun lacks
STYLES = ("Regular", "Bold")
PASS_MARK = int(grading.PASS_MARK)  # 85, the harmonised pass line drawn and named on the charts
PASS_COLOR = "#b2182b"
SCORE_COLOR = "#2166ac"
NATIONAL_COLOR = "#636363"
DPI = 72  # the SVG's own unit: a point is a pixel, so what is measured while building is what is drawn
PAD = 0.15  # inches of white kept around a chart's content, and between the axes and a legend below them


def register_fonts() -> str:
    """Register the bundled Sarabun faces with matplotlib by path (idempotent); returns the family name.

    A system font of the same family name is not preferred: the bundled entries are moved to the front of
    matplotlib's font list (``fontManager.ttflist``), where ``findfont("Sarabun")`` takes the first of equal
    matches. (A look-up made before the first call, by other code in the same process, stays as matplotlib
    cached it; the report's page shows the text in its own embedded Sarabun either way.)
    """
    manager = font_manager.fontManager
    ours = {str(fonts.font_path(style)) for style in STYLES}
    known = {entry.fname for entry in manager.ttflist}
    for path in sorted(ours - known):
        manager.addfont(path)
    if any(entry.fname not in ours for entry in manager.ttflist[:len(ours)]):
        manager.ttflist.sort(key=lambda entry: entry.fname not in ours)  # stable: ours first
    return FAMILY


def font_file(text: Any) -> str:
    """The font file matplotlib uses for a Text artist (for checks: it must be the bundled Sarabun)."""
    return str(font_manager.findfont(text.get_fontproperties()))


@contextmanager
def thai_rc(more: dict[str, Any] | None = None) -> Iterator[None]:
    """matplotlib settings for building or drawing a chart (and ``more`` of them): the bundled Thai font
    first. The global rc is untouched."""
    register_fonts()
    with mpl.rc_context({"font.family": [FAMILY, FALLBACK], "axes.unicode_minus": True, **(more or {})}):
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


def new_figure(figsize: tuple[float, float], ncols: int = 1) -> tuple[Figure, list[Axes]]:
    """A figure of ``ncols`` axes in a row, at :data:`DPI`, with an Agg canvas for measuring its texts (no
    layout engine: :func:`fit` lays it out). Its tick labels keep the Thai font even when they are made
    later, outside :func:`thai_rc` (matplotlib makes ticks as it draws)."""
    fig = Figure(figsize=figsize, dpi=DPI)
    FigureCanvasAgg(fig)
    axes = list(fig.subplots(1, ncols, squeeze=False)[0])
    for ax in axes:
        ax.tick_params(labelfontfamily=FAMILY)
    return fig, axes


def empty(fig: Figure, axes: Iterable[Axes], text: str) -> Figure:
    """The figure saying ``text`` in place of a chart (no data)."""
    for ax in axes:
        ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    return fit(fig)


def fit(fig: Figure, legend: Legend | None = None, margins: dict[str, float] | None = None) -> Figure:
    """Lay the figure out once, with a figure ``legend`` (when given) centred below the axes.

    ``margins`` (inches: ``left``, ``right``, ``top``, ``bottom`` around the axes, ``bottom`` above the
    legend; ``wspace`` between panels, as a fraction of a panel's width): a fixed layout for a chart whose
    ticks, labels and title have known texts (tests check that nothing leaves the figure). Without it the
    margins that just hold each axes' decorations are measured (matplotlib's tight layout: a chart whose
    tick labels are names)."""
    renderer = fig.canvas.get_renderer()
    width, height = fig.get_size_inches()
    below = 0.0
    if legend is not None:
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


def year_axis(ax: Axes, years: Iterable[int], thai_digits: bool) -> None:
    years = sorted({int(y) for y in years})
    if not years:
        return
    every = list(range(years[0], years[-1] + 1))  # every year, also the skipped ones: gaps stay visible
    ax.set_xlim(every[0] - 0.6, every[-1] + 0.6)
    ax.set_xticks(every, [digits(y, thai_digits) for y in every])
    ax.set_xlabel("ปีงบประมาณ (พ.ศ.)")


def number_axis(ax: Axes, axis: str, thai_digits: bool, decimals: int = 0) -> None:
    fmt = FuncFormatter(lambda v, _pos: number(v, thai_digits, decimals))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def number_ticks(ax: Axes, axis: str, positions: Iterable[float], thai_digits: bool) -> None:
    """Ticks at ``positions`` on ``axis`` ("x" or "y") of ``ax``, named as whole numbers."""
    positions = list(positions)
    labels = [number(v, thai_digits, 0) for v in positions]
    (ax.set_yticks if axis == "y" else ax.set_xticks)(positions, labels)


LEVELS = mpl.colormaps["RdYlGn"]  # looked up once: the registry gives a copy at each look-up (~1 ms)


def level_colour(position: int, count: int) -> tuple[float, float, float, float]:
    """Red (worst, position 0) to green (best, position count - 1)."""
    return LEVELS(0.15 + 0.7 * position / max(count - 1, 1))
