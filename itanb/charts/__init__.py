"""Matplotlib figures with the bundled Thai font (Sarabun), registered by path: no system font is used.

Every function returns a :class:`matplotlib.figure.Figure` built without pyplot (no global figure state, no
double display in notebooks; Jupyter shows a returned Figure, ``fig.savefig`` writes it, :func:`png_bytes`
gives the report's compact PNG). Labels are Thai; numbers and years use Thai digits (๒๕๖๕) when
``thai_digits=True``. Thai shaping (tone marks above vowels, e.g. ผ่านดีเยี่ยม) needs matplotlib >= 3.11.

A figure is laid out once while it is built (``base.fit``) and drawn once, by its own Agg canvas at the PNG's
resolution: the Thai text, whose shaping is most of a chart's cost, is measured and shaped once per figure.
Modules: ``agg`` (the canvas: each text shaped, measured and rasterised once per process), ``base`` (font,
digits, figure, layout, PNG), ``trend`` (the score trend and its label placement), ``bars`` (measure status,
indicator bars), ``portfolio`` (distribution, indicator heat chart), ``warm`` (:func:`warm_up`).
"""

from itanb.charts.bars import STATUS_STYLE, indicator_bars, measure_status
from itanb.charts.base import (
    FALLBACK,
    FAMILY,
    NATIONAL_COLOR,
    PASS_COLOR,
    PASS_MARK,
    PNG_COLOURS,
    PNG_DPI,
    SCORE_COLOR,
    digits,
    font_file,
    png_bytes,
    register_fonts,
    tick_labels,
)
from itanb.charts.legend import legend_artists
from itanb.charts.portfolio import indicator_heatmap, portfolio_distribution
from itanb.charts.trend import LABEL_PLACES, NATIONAL_MARKER, SCORE_MARKER, marker_extent, score_trend
from itanb.charts.warm import warm_up

__all__ = [
    "FALLBACK", "FAMILY", "LABEL_PLACES", "NATIONAL_COLOR", "NATIONAL_MARKER", "PASS_COLOR", "PASS_MARK",
    "PNG_COLOURS", "PNG_DPI", "SCORE_COLOR", "SCORE_MARKER", "STATUS_STYLE", "digits", "font_file",
    "indicator_bars", "indicator_heatmap", "legend_artists", "marker_extent", "measure_status", "png_bytes",
    "portfolio_distribution", "register_fonts", "score_trend", "tick_labels", "warm_up",
]
