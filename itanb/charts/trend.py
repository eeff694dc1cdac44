"""The score trend: scores by fiscal year over each year's grading bands, with their labels placed clear of
the markers and of each other."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.path import Path
from matplotlib.transforms import Bbox

from itanb import grading
from itanb.charts import base

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend
    from matplotlib.text import Annotation, Text

SCORE_MARKER, NATIONAL_MARKER = 7, 5  # marker sizes (points) of the score and the national average
LABEL_PAD = 2  # points of room kept around a point label (Thai marks reach a little beyond the text box)
# where a point label may go, in order of preference: (offset in points, ha, va)
LABEL_PLACES = (((0, 8), "center", "bottom"), ((0, -10), "center", "top"),
                ((9, 0), "left", "center"), ((-9, 0), "right", "center"))
# inches around the axes (y ticks to 100 and the y label; the x ticks and label above the legend; the title)
MARGINS = {"left": 0.8, "right": 0.15, "top": 0.45, "bottom": 0.62}
TOOLS_NOTE = "* ระดับนี้ต้องมีคะแนน IIT, EIT และ OIT ถึงเกณฑ์ด้วย; มีเพียงคะแนนรวม ระดับสูงสุดคือ ผ่าน"


def _scheme_segments(years: list[int]) -> list[tuple[int, int, list[grading.Band]]]:
    """Consecutive runs of years with the same graded bands (one scheme, or none): (first, last, bands)."""
    segments: list[tuple[int, int, list[grading.Band]]] = []
    for year in range(years[0], years[-1] + 1):
        bands = [b for b in grading.bands_for(year) if b.level is not None]
        if segments and segments[-1][2] == bands:
            segments[-1] = (segments[-1][0], year, bands)
        else:
            segments.append((year, year, bands))
    return segments


def _draw_bands(ax: Axes, years: list[int], y_min: float,
                thai_digits: bool) -> tuple[bool, list[tuple[Text, float]]]:
    """Shade each year's grading bands and name them at the left of their scheme; returns whether a band
    needs tool scores (for the footnote), and each name with the right end of its scheme (x)."""
    needs_tools = False
    shades, colours, named = [], [], []
    for first, last, bands in _scheme_segments(years):
        if not bands:
            continue
        x0, x1 = first - 0.5, last + 0.5
        edges = sorted({float(b.min_total) for b in bands})
        top_rank = max(b.rank for b in bands)
        for i, low in enumerate(edges):
            high = edges[i + 1] if i + 1 < len(edges) else 100.0
            group = sorted((b for b in bands if float(b.min_total) == low), key=lambda b: b.rank)
            names = [b.level + ("*" if b.min_each_tool is not None else "") for b in group]
            needs_tools |= any(b.min_each_tool is not None for b in group)
            shades.append([(x0, low), (x1, low), (x1, high), (x0, high)])
            colours.append(base.level_colour(group[-1].rank - 1, top_rank))
            if high > y_min:
                named.append((ax.text(x0 + 0.04, max(low, y_min) + 0.6, " / ".join(names), fontsize=7,
                                      color="#404040", va="bottom", ha="left", zorder=1, clip_on=True,
                                      gid="band"), x1 - 0.04))
        ax.axvline(x0, color="#9e9e9e", linewidth=0.6, zorder=1)
        ax.text((x0 + x1) / 2, 100.4, f"เกณฑ์ {base.digits(first, thai_digits)}"
                + (f"–{base.digits(last, thai_digits)}" if last > first else ""),
                fontsize=7, ha="center", va="bottom", color="#404040")
    # one collection for every band of every scheme: one artist to draw, not one per band
    ax.add_collection(PolyCollection(shades, facecolors=colours, alpha=0.18, linewidths=0, zorder=0),
                      autolim=False)
    return needs_tools, named


def _move_band_names(ax: Axes, named: list[tuple[Text, float]], markers: list[Bbox]) -> None:
    """A band's name that a marker covers at the left of its scheme goes to the right end of the scheme
    (aligned right) when no marker is there (after the layout: measured by the figure's renderer)."""
    renderer = ax.figure.canvas.get_renderer()
    for text, right in named:
        box = text.get_window_extent(renderer)
        if not any(box.overlaps(m) for m in markers):
            continue
        x = ax.transData.transform((right, 0))[0]
        if not any(Bbox.from_extents(x - box.width, box.y0, x, box.y1).overlaps(m) for m in markers):
            text.set_x(right)
            text.set_ha("right")


def _draw_scores(ax: Axes, data: pd.DataFrame, thai_digits: bool) -> list[Annotation]:
    """The score line (dotted across a skipped year), its markers and a label per point (not yet placed)."""
    x, y = data["fiscal_year"].to_numpy(dtype=float), data["score"].to_numpy(dtype=float)
    for i in range(1, len(x)):
        style = "-" if x[i] - x[i - 1] == 1 else ":"
        ax.plot(x[i - 1:i + 1], y[i - 1:i + 1], style, color=base.SCORE_COLOR, linewidth=2, zorder=3)
    ax.plot(x, y, "o", color=base.SCORE_COLOR, markersize=SCORE_MARKER, zorder=4)
    labels = []
    for xi, yi, level in zip(x, y, data["level"], strict=True):
        label = base.number(yi, thai_digits) + (f"\n{level}" if isinstance(level, str) else "")
        (offset, ha, va) = LABEL_PLACES[0]
        labels.append(ax.annotate(label, (xi, yi), textcoords="offset points", xytext=offset, ha=ha, va=va,
                                  fontsize=8, color=base.SCORE_COLOR, zorder=5))
    return labels


def _legend(fig: Figure, x: np.ndarray, national: bool, needs_tools: bool, thai_digits: bool) -> Legend:
    """The figure legend below the plot (inside, it would cover the lowest band labels and low scores), with
    the footnote on the levels that need tool scores as its title."""
    handles = [
        mpl.lines.Line2D([], [], color=base.SCORE_COLOR, marker="o", linewidth=2, label="คะแนนของหน่วยงาน"),
        mpl.lines.Line2D([], [], color=base.PASS_COLOR, linestyle="--",
                         label=f"เกณฑ์ผ่าน ({base.digits(base.PASS_MARK, thai_digits)} คะแนน)"),
    ]
    if national:
        handles.append(mpl.lines.Line2D([], [], color=base.NATIONAL_COLOR, marker="D", linestyle="none",
                                        label="ค่าเฉลี่ยระดับประเทศ"))
    if len(x) > 1 and (np.diff(x) > 1).any():
        handles.append(mpl.lines.Line2D([], [], color=base.SCORE_COLOR, linestyle=":", label="ปีที่ไม่มีคะแนน"))
    return fig.legend(handles=handles, ncols=len(handles), fontsize=8, frameon=False,
                      title=TOOLS_NOTE if needs_tools else None, title_fontsize=7)


def score_trend(yoy: pd.DataFrame, thai_digits: bool = False, *, title: str | None = None) -> Figure:
    """Scores by fiscal year (from :func:`itanb.compare.year_over_year`) over each year's grading bands.

    Draws the bands of each year's scheme (shaded, labelled), the harmonised pass line at 85, the national
    average where known, and each score with its computed level. A skipped year is a dashed segment.
    """
    with base.thai_rc():
        fig, (ax,) = base.new_figure((8.0, 4.8))
        data = yoy[yoy["score"].notna()].sort_values("fiscal_year")
        years = [int(y) for y in yoy["fiscal_year"]]
        if not years:
            return base.empty(fig, [ax], "ไม่มีข้อมูลคะแนน")
        y_min = min(40.0, float(data["score"].min()) - 8) if len(data) else 40.0
        needs_tools, named = _draw_bands(ax, years, y_min, thai_digits)
        ax.axhline(base.PASS_MARK, color=base.PASS_COLOR, linestyle="--", linewidth=1.2, zorder=2)
        labels = _draw_scores(ax, data, thai_digits)
        national = yoy[["fiscal_year", "national_average"]].dropna()
        if len(national):
            ax.plot(national["fiscal_year"], national["national_average"], "D", color=base.NATIONAL_COLOR,
                    markersize=NATIONAL_MARKER, zorder=3)
        ax.set_ylim(y_min, 104)
        base.year_axis(ax, years, thai_digits)
        levels = np.arange(np.ceil(y_min / 10) * 10, 100.1, 10)
        base.number_ticks(ax, "y", levels, thai_digits)
        ax.set_ylabel("คะแนน ITA")
        ax.set_title(title or "คะแนน ITA รายปีงบประมาณ")
        x = data["fiscal_year"].to_numpy(dtype=float)
        base.fit(fig, _legend(fig, x, bool(len(national)), needs_tools, thai_digits), MARGINS)
        national = list(zip(national["fiscal_year"].astype(float), national["national_average"].astype(float),
                            strict=True))
        _move_band_names(ax, named, [marker_extent(ax, *label.xy) for label in labels]
                         + [marker_extent(ax, mx, my, NATIONAL_MARKER) for mx, my in national])
        _place_labels(ax, labels, national)
        return fig


def marker_extent(ax: Axes, x: float, y: float, size: float = SCORE_MARKER) -> Bbox:
    """The display box (pixels) of a marker of ``size`` points drawn at data point (x, y)."""
    cx, cy = ax.transData.transform((x, y))
    half = size / 2 * ax.figure.dpi / 72
    return Bbox.from_extents(cx - half, cy - half, cx + half, cy + half)


def _place_labels(ax: Axes, labels: list[Annotation], national: list[tuple[float, float]]) -> None:
    """Put each point label above its point, or below it or beside it (:data:`LABEL_PLACES`, in order)
    when that would overlap a marker (another year's score, the national average), another text of the
    axes or a label already placed, leave the plot or cross a line (the pass line, the scores' line); when
    every place clashes, the place with the fewest clashes (crossing a line counts half).

    Runs after :func:`~itanb.charts.base.fit`, on the final layout, from extents measured by the figure's
    renderer (``fig.canvas.get_renderer()``): each label is measured once, at its first place, and its box
    at another place is that box moved by the offset and alignment (as matplotlib aligns a text's box to
    its anchor). Nothing is drawn here."""
    if not labels:
        return
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    fixed = [t.get_window_extent(renderer) for t in ax.texts if t not in labels and t.get_text().strip()]
    fixed += [marker_extent(ax, mx, my, NATIONAL_MARKER) for mx, my in national]
    axes_box = ax.get_window_extent(renderer)
    pass_y = ax.transData.transform((0, base.PASS_MARK))[1]
    pass_line = Bbox.from_extents(axes_box.x0, pass_y - 0.5, axes_box.x1, pass_y + 0.5)
    score_line = Path(ax.transData.transform([label.xy for label in labels]))
    placed: list[Bbox] = []
    markers = [marker_extent(ax, *label.xy) for label in labels]  # each point's, measured once
    for i, label in enumerate(labels):
        others = fixed + placed + markers[:i] + markers[i + 1:]
        choices = []
        for place, box in zip(LABEL_PLACES, _boxes(ax, label, renderer), strict=True):
            inside = axes_box.y0 <= box.y0 and box.y1 <= axes_box.y1 and axes_box.x0 <= box.x0 \
                and box.x1 <= axes_box.x1
            # crossing a line (the pass line, the scores' line) is better than covering a marker or a text
            crossed = box.overlaps(pass_line) + score_line.intersects_bbox(box, filled=False)
            clashes = sum(box.overlaps(b) for b in others) + (not inside) + 0.5 * crossed
            choices.append((clashes, place, box))
            if not clashes:
                break
        _, (offset, ha, va), box = min(choices, key=lambda c: c[0])
        label.set_position(offset)
        label.set_ha(ha)
        label.set_va(va)
        placed.append(box)


def _boxes(ax: Axes, label: Annotation, renderer) -> list[Bbox]:
    """The display box of ``label`` (at its first place, :data:`LABEL_PLACES`) at each of the places, with
    :data:`LABEL_PAD` points of room around it."""
    size = label.get_window_extent(renderer)
    points = ax.figure.dpi / 72
    x, y = ax.transData.transform(label.xy)
    boxes = []
    for (dx, dy), ha, va in LABEL_PLACES:
        x0 = x + dx * points - {"left": 0.0, "center": 0.5, "right": 1.0}[ha] * size.width
        y0 = y + dy * points - {"bottom": 0.0, "center": 0.5, "top": 1.0}[va] * size.height
        boxes.append(Bbox.from_bounds(x0, y0, size.width, size.height).padded(LABEL_PAD * points))
    return boxes
