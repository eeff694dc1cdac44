"""Matplotlib figures with the bundled Thai font (Sarabun), registered by path: no system font is used.

Every function returns a :class:`matplotlib.figure.Figure` built on matplotlib's public API, without pyplot
(no global figure state, no double display in notebooks; Jupyter shows a returned Figure, ``fig.savefig``
writes it). A report shows it as SVG with its text kept as text (:func:`svg_text`, :class:`Chart`): the
browser shapes the Thai with the page's embedded Sarabun, and the PDF keeps vectors and selectable text.
Labels are Thai; numbers and years use Thai digits (๒๕๖๕) when ``thai_digits=True``. Thai shaping when
matplotlib measures a text (tone marks above vowels, e.g. ผ่านดีเยี่ยม) needs matplotlib >= 3.11.

Modules: ``base`` (font, digits, figure, fixed layout), ``svg`` (the SVG of a report's page), ``trend`` (the
score trend and its label placement), ``bars`` (measure status, indicator bars), ``portfolio``
(distribution, indicator heat chart).
"""

from itanb.charts.bars import STATUS_STYLE, indicator_bars, measure_status
from itanb.charts.base import (
    FALLBACK,
    FAMILY,
    NATIONAL_COLOR,
    PASS_COLOR,
    PASS_MARK,
    SCORE_COLOR,
    digits,
    font_file,
    register_fonts,
)
from itanb.charts.portfolio import indicator_heatmap, portfolio_distribution
from itanb.charts.svg import Chart, alt_text, svg_text
from itanb.charts.trend import LABEL_PLACES, NATIONAL_MARKER, SCORE_MARKER, marker_extent, score_trend

__all__ = [
    "FALLBACK", "FAMILY", "LABEL_PLACES", "NATIONAL_COLOR", "NATIONAL_MARKER", "PASS_COLOR", "PASS_MARK",
    "SCORE_COLOR", "SCORE_MARKER", "STATUS_STYLE", "Chart", "alt_text", "digits", "font_file",
    "indicator_bars", "indicator_heatmap", "marker_extent", "measure_status", "portfolio_distribution",
    "register_fonts", "score_trend", "svg_text",
]
