"""A chart as SVG with its text kept as text, for a report's page: :func:`svg_text` and :class:`Chart`.

matplotlib writes each text as a ``<text>`` element naming the font (``svg.fonttype: none``), so the browser
shapes the Thai with the page's own embedded Sarabun (:func:`itanb.fonts.font_css` subsets it to the page's
characters, the chart's text included), the PDF keeps vectors and selectable text, and nothing is
rasterised. The file is the same for the same figure (a fixed ``svg.hashsalt`` names its clip paths and
markers, no date); its root says what it shows (``<title>``, ``role="img"``, ``aria-label``) and keeps its
``viewBox``, so a page can size it to its column.

WeasyPrint (70) lays an SVG ``<text>`` out one code point at a time (its issue #2249), which drops Thai mark
stacking (the tone mark of เฉลี่ย lands on the vowel below it): :func:`outline_text` gives its PDF the same
chart with each text drawn as its outline, shaped by matplotlib, the text itself kept invisible above it
(still found by search and copy).
"""

from __future__ import annotations

import html
import io
import re
from typing import TYPE_CHECKING

from itanb.charts import base

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SVG_RC = {"svg.fonttype": "none", "svg.hashsalt": "itanb"}
NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}  # no date, no RDF block
MIME = "image/svg+xml"
DEFAULT_ALT = "แผนภูมิ"
_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.S)  # the XML declaration and DOCTYPE: not for inline SVG
# What a page does not need of matplotlib's SVG (a third of its bytes; the drawing is the same):
_GROUP_ID = re.compile(r' id="(?![mp][0-9a-f]{10}")[^"]*"')  # group names ("axes_1"); markers', clips' kept
_NO_ROTATION = re.compile(r' transform="rotate\(-0 [^)]*\)"')  # a text's rotation by 0
_GEOMETRY = re.compile(r' (?:d|x|y|transform)="[^"]*"')  # coordinates (points: 1/100 is plenty)
_DECIMALS = re.compile(r"(\d+\.\d\d)\d+")
_SPACE = re.compile(r">\s+<|\s*\n\s*")  # indentation; path data one segment a line
_PATH_SPACE = re.compile(r"(?<=[MLQCZz]) | (?=[MLQCZz])")  # "M 0 1 L 2 3 z" is "M0 1L2 3z"
_STYLE = re.compile(r' style="[^"]*"')
_STYLE_SPACE = re.compile(r"(?<=[:;]) ")
_FALLBACK = f", '{base.FALLBACK}'"  # matplotlib measures with it; a browser falls back on its own
_TAG = re.compile(r"<(/?)g\b([^>]*)>")
# a text as matplotlib writes it with svg.fonttype "none": its style, its x, y and transform, its text
_TEXT = re.compile(r'<text style="(?P<style>[^"]*)"(?P<attrs>(?: [a-z-]+="[^"]*")*)>(?P<text>[^<]*)</text>')
_ATTR = re.compile(r'([a-z-]+)="([^"]*)"')


def alt_text(fig: Figure) -> str:
    """What the chart shows, for readers that cannot see it: its titles (the figure's, then each axes'),
    joined by " · "; :data:`DEFAULT_ALT` when it has none."""
    titles = [fig.get_suptitle()] + [ax.get_title() for ax in fig.axes]
    return " · ".join(t for t in titles if t) or DEFAULT_ALT


def svg_text(fig: Figure, alt: str | None = None) -> str:
    """The figure as an inline ``<svg>`` element (no XML prolog), its texts as ``<text>`` in the Sarabun
    family, titled ``alt`` (default :func:`alt_text`)."""
    alt = alt_text(fig) if alt is None else alt
    out = io.StringIO()
    with base.thai_rc(SVG_RC):
        fig.savefig(out, format="svg", metadata=NO_METADATA)
    svg = _compact(_PROLOG.sub("", out.getvalue(), count=1))
    label = html.escape(alt, quote=True)
    opened = svg.index(">") + 1
    return (svg[:opened - 1] + f' role="img" aria-label="{label}">\n <title>{label}</title>'
            + svg[opened:])


def _compact(svg: str) -> str:
    """matplotlib's SVG without what draws nothing: group names, zero rotations, indentation and spaces,
    digits beyond 1/100 point in coordinates, groups without attributes (their children stand in their
    place); the fallback font's name."""
    svg = _NO_ROTATION.sub("", _GROUP_ID.sub("", svg)).replace(_FALLBACK, "")
    svg = _SPACE.sub(lambda m: "><" if m.group(0).startswith(">") else " ", svg)
    svg = _GEOMETRY.sub(lambda m: _PATH_SPACE.sub("", _DECIMALS.sub(r"\1", m.group(0)))
                        if m.group(0).startswith(' d="') else _DECIMALS.sub(r"\1", m.group(0)), svg)
    svg = _STYLE.sub(lambda m: _STYLE_SPACE.sub("", m.group(0)), svg)
    kept: list[bool] = []  # for each open group: whether its tags stay

    def group(tag: re.Match) -> str:
        if tag.group(1):  # </g>
            return tag.group(0) if kept.pop() else ""
        kept.append(bool(tag.group(2).strip()))
        return tag.group(0) if kept[-1] else ""

    return _TAG.sub(group, svg)


def outline_text(page: str) -> str:
    """``page`` (HTML or SVG) with each chart text (:func:`svg_text`) drawn as its outline: a ``<path>`` of
    its glyphs as matplotlib shapes them (:class:`matplotlib.textpath.TextPath`, the bundled Sarabun), at
    its place and anchor, and the ``<text>`` kept unpainted (``fill: none``) for search and copy."""
    return _TEXT.sub(_outlined, page)


def _outlined(match: re.Match) -> str:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath, text_to_path

    style = dict(part.split(":", 1) for part in match["style"].split(";") if ":" in part)
    style = {key.strip(): value.strip() for key, value in style.items()}
    attrs = dict(_ATTR.findall(match["attrs"]))
    text = html.unescape(match["text"])
    size = float(style["font-size"].removesuffix("px"))
    prop = FontProperties(family=[base.FAMILY, base.FALLBACK], size=size,
                          weight=int(style.get("font-weight", 400)), style=style.get("font-style", "normal"))
    with base.thai_rc():
        width = text_to_path.get_text_width_height_descent(text, prop, ismath=False)[0]
        path = TextPath((0, 0), text, prop=prop)
    shift = {"middle": width / 2, "end": width}.get(style.get("text-anchor"), 0.0)
    x0, y0 = float(attrs.get("x", 0)) - shift, float(attrs.get("y", 0))
    paint = f'fill: {style.pop("fill", "#000000")}' + "".join(
        f"; {key}: {style[key]}" for key in ("opacity",) if key in style)
    place = f' transform="{attrs["transform"]}"' if "transform" in attrs else ""
    unpainted = "; ".join(f"{key}: {value}" for key, value in {**style, "fill": "none"}.items())
    return (f'<path d="{_path_data(path, x0, y0)}" style="{paint}"{place}/>'
            f'<text style="{unpainted}"{match["attrs"]}>{match["text"]}</text>')


def _path_data(path, x0: float, y0: float) -> str:
    """SVG path data of a matplotlib ``path`` (y up) moved to (x0, y0) of the SVG (y down)."""
    letters = {1: "M", 2: "L", 3: "Q", 4: "C"}
    parts = []
    for vertices, code in path.iter_segments(simplify=False, curves=True):
        if code == 79:  # CLOSEPOLY
            parts.append("Z")
            continue
        pairs = zip(vertices[::2], vertices[1::2], strict=True)
        points = " ".join(f"{x0 + x:.2f} {y0 - y:.2f}" for x, y in pairs)
        parts.append(f"{letters[int(code)]}{points}")
    return "".join(parts)


class Chart:
    """A chart for a notebook's output: shown as SVG (``image/svg+xml``, with ``text/plain`` its alt text)
    through IPython's documented rich-display protocol; :attr:`data` is the SVG element."""

    def __init__(self, svg: str, alt: str) -> None:
        self.data, self.alt = svg, alt

    def _repr_mimebundle_(self, include=None, exclude=None):  # IPython's display protocol (documented)
        return {MIME: self.data, "text/plain": self.alt}, {MIME: {"alt": self.alt}}
