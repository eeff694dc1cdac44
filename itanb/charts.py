"""Matplotlib figures with the bundled Thai font (Sarabun), registered by path: no system font is used.

Every function returns a :class:`matplotlib.figure.Figure` built without pyplot (no global figure state, no
double display in notebooks; Jupyter shows a returned Figure, ``fig.savefig`` writes it). Labels are Thai;
numbers and years use Thai digits (๒๕๖๕) when ``thai_digits=True``. Thai shaping (tone marks above vowels,
e.g. ผ่านดีเยี่ยม) needs matplotlib >= 3.11.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import numpy as np
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from itanb import fonts, grading
from itanb.vocabulary import NO_STATUS_LABEL, STATUS_LABELS

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.transforms import Bbox

    from itanb.compare import Portfolio

FAMILY = fonts.FAMILY
FALLBACK = "DejaVu Sans"  # ships inside matplotlib itself: only for a glyph Sarabun lacks
STYLES = ("Regular", "Bold")
PASS_MARK = int(grading.PASS_MARK)  # 85, the harmonised pass line drawn and named on the charts
PASS_COLOR = "#b2182b"
SCORE_COLOR = "#2166ac"
NATIONAL_COLOR = "#636363"
STATUS_STYLE = (  # column of year_over_year, Thai label, colour
    ("measures_done", STATUS_LABELS["done"], "#1a9850"),
    ("measures_in_progress", STATUS_LABELS["in_progress"], "#fdae61"),
    ("measures_not_started", STATUS_LABELS["not_started"], "#d73027"),
    ("measures_unmarked", NO_STATUS_LABEL, "#bdbdbd"),
)


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
        manager._findfont_cached.cache_clear()
    return FAMILY


def font_file(text: Any) -> str:
    """The font file matplotlib uses for a Text artist (for checks: it must be the bundled Sarabun)."""
    return str(font_manager.findfont(text.get_fontproperties()))


@contextmanager
def _thai_rc() -> Iterator[None]:
    register_fonts()
    with mpl.rc_context({"font.family": [FAMILY, FALLBACK], "axes.unicode_minus": True}):
        yield


def digits(text: object, thai_digits: bool) -> str:
    """``text`` with Arabic digits turned into Thai digits when ``thai_digits``."""
    text = str(text)
    if not thai_digits:
        return text
    from itanb.thai import to_thai_digits

    return to_thai_digits(text)


def _number(value: float, thai_digits: bool, decimals: int = 2) -> str:
    return digits(f"{value:.{decimals}f}", thai_digits)


def _new_figure(figsize: tuple[float, float], ncols: int = 1) -> tuple[Figure, list[Axes]]:
    fig = Figure(figsize=figsize, layout="constrained")
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    for ax in axes:
        ax.tick_params(labelfontfamily=FAMILY)  # ticks made later, at draw time, keep the Thai font
    return fig, list(axes)


def _year_axis(ax: Axes, years: Iterable[int], thai_digits: bool) -> None:
    years = sorted({int(y) for y in years})
    if not years:
        return
    ticks = list(range(years[0], years[-1] + 1))  # every year, also the skipped ones: gaps stay visible
    ax.set_xticks(ticks, [digits(y, thai_digits) for y in ticks])
    ax.set_xlim(ticks[0] - 0.6, ticks[-1] + 0.6)
    ax.set_xlabel("ปีงบประมาณ (พ.ศ.)")


def _number_axis(ax: Axes, axis: str, thai_digits: bool, decimals: int = 0) -> None:
    fmt = FuncFormatter(lambda v, _pos: _number(v, thai_digits, decimals))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


# ------------------------------------------------------------ score trend
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


def _level_colour(position: int, count: int) -> tuple[float, float, float, float]:
    """Red (worst, position 0) to green (best, position count - 1)."""
    return mpl.colormaps["RdYlGn"](0.15 + 0.7 * position / max(count - 1, 1))


def _draw_bands(ax: Axes, years: list[int], y_min: float, thai_digits: bool) -> bool:
    """Shade each year's grading bands; returns True when a band needs tool scores (for the footnote)."""
    needs_tools = False
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
            colour = _level_colour(group[-1].rank - 1, top_rank)
            ax.fill_between([x0, x1], low, high, color=colour, alpha=0.18, linewidth=0, zorder=0)
            if high > y_min:
                ax.text(x0 + 0.04, max(low, y_min) + 0.6, " / ".join(names), fontsize=7, color="#404040",
                        va="bottom", ha="left", zorder=1, clip_on=True)
        ax.axvline(x0, color="#9e9e9e", linewidth=0.6, zorder=1)
        ax.text((x0 + x1) / 2, 100.4, f"เกณฑ์ {digits(first, thai_digits)}"
                + (f"–{digits(last, thai_digits)}" if last > first else ""),
                fontsize=7, ha="center", va="bottom", color="#404040")
    return needs_tools


def score_trend(yoy: pd.DataFrame, thai_digits: bool = False, *, title: str | None = None) -> Figure:
    """Scores by fiscal year (from :func:`itanb.compare.year_over_year`) over each year's grading bands.

    Draws the bands of each year's scheme (shaded, labelled), the harmonised pass line at 85, the national
    average where known, and each score with its computed level. A skipped year is a dashed segment.
    """
    with _thai_rc():
        fig, (ax,) = _new_figure((8.0, 4.8))
        data = yoy[yoy["score"].notna()].sort_values("fiscal_year")
        years = [int(y) for y in yoy["fiscal_year"]]
        if not years:
            ax.text(0.5, 0.5, "ไม่มีข้อมูลคะแนน", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return fig
        y_min = min(40.0, float(data["score"].min()) - 8) if len(data) else 40.0
        needs_tools = _draw_bands(ax, years, y_min, thai_digits)
        ax.axhline(PASS_MARK, color=PASS_COLOR, linestyle="--", linewidth=1.2, zorder=2)
        x, y = data["fiscal_year"].to_numpy(dtype=float), data["score"].to_numpy(dtype=float)
        for i in range(1, len(x)):
            style = "-" if x[i] - x[i - 1] == 1 else ":"
            ax.plot(x[i - 1:i + 1], y[i - 1:i + 1], style, color=SCORE_COLOR, linewidth=2, zorder=3)
        ax.plot(x, y, "o", color=SCORE_COLOR, markersize=SCORE_MARKER, zorder=4)
        labels = []
        for xi, yi, level in zip(x, y, data["level"], strict=True):
            label = _number(yi, thai_digits) + (f"\n{level}" if isinstance(level, str) else "")
            labels.append(ax.annotate(label, (xi, yi), textcoords="offset points", xytext=(0, 8), ha="center",
                                      va="bottom", fontsize=8, color=SCORE_COLOR, zorder=5))
        national = yoy[["fiscal_year", "national_average"]].dropna()
        if len(national):
            ax.plot(national["fiscal_year"], national["national_average"], "D", color=NATIONAL_COLOR,
                    markersize=NATIONAL_MARKER, zorder=3)
        ax.set_ylim(y_min, 104)
        _year_axis(ax, years, thai_digits)
        ax.set_yticks(np.arange(np.ceil(y_min / 10) * 10, 100.1, 10))
        _number_axis(ax, "y", thai_digits)
        ax.set_ylabel("คะแนน ITA")
        ax.set_title(title or "คะแนน ITA รายปีงบประมาณ")
        handles = [
            mpl.lines.Line2D([], [], color=SCORE_COLOR, marker="o", linewidth=2, label="คะแนนของหน่วยงาน"),
            mpl.lines.Line2D([], [], color=PASS_COLOR, linestyle="--",
                             label=f"เกณฑ์ผ่าน ({digits(PASS_MARK, thai_digits)} คะแนน)"),
        ]
        if len(national):
            handles.append(mpl.lines.Line2D([], [], color=NATIONAL_COLOR, marker="D", linestyle="none",
                                            label="ค่าเฉลี่ยระดับประเทศ"))
        if len(x) > 1 and (np.diff(x) > 1).any():
            handles.append(mpl.lines.Line2D([], [], color=SCORE_COLOR, linestyle=":", label="ปีที่ไม่มีคะแนน"))
        # below the plot (inside, it would cover the lowest band labels and low scores), with the footnote
        note = ("* ระดับนี้ต้องมีคะแนน IIT, EIT และ OIT ถึงเกณฑ์ด้วย; มีเพียงคะแนนรวม ระดับสูงสุดคือ ผ่าน"
                if needs_tools else None)
        fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=8, frameon=False,
                   title=note, title_fontsize=7)
        _place_labels(fig, ax, labels, list(zip(national["fiscal_year"].astype(float),
                                                national["national_average"].astype(float), strict=True)))
        return fig


SCORE_MARKER, NATIONAL_MARKER = 7, 5  # marker sizes (points) of the score and the national average


def marker_extent(ax: Axes, x: float, y: float, size: float = SCORE_MARKER) -> Bbox:
    """The display box (pixels) of a marker of ``size`` points drawn at data point (x, y)."""
    from matplotlib.transforms import Bbox

    cx, cy = ax.transData.transform((x, y))
    half = size / 2 * ax.figure.dpi / 72
    return Bbox.from_extents(cx - half, cy - half, cx + half, cy + half)


def _place_labels(fig: Figure, ax: Axes, labels: list, national: list[tuple[float, float]]) -> None:
    """Put each point label above its point, or below it when above would overlap a marker (another
    year's score, the national average), another text of the axes or a label already placed, or leave
    the plot; when both sides clash, the side with fewer clashes."""
    if not labels:
        return
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig.draw_without_rendering()  # final layout: positions in pixels are now what the file will show
    renderer = FigureCanvasAgg(fig).get_renderer()
    fixed = [t.get_window_extent(renderer) for t in ax.texts if t not in labels and t.get_text().strip()]
    fixed += [marker_extent(ax, mx, my, NATIONAL_MARKER) for mx, my in national]
    axes_box = ax.get_window_extent(renderer)
    placed: list[Bbox] = []
    for label in labels:
        others = fixed + placed + [marker_extent(ax, *other.xy) for other in labels if other is not label]
        choices = []
        for place in LABEL_PLACES:
            _set_place(label, place)
            box = label.get_window_extent(renderer).padded(LABEL_PAD * fig.dpi / 72)
            inside = axes_box.y0 <= box.y0 and box.y1 <= axes_box.y1 and axes_box.x0 <= box.x0 \
                and box.x1 <= axes_box.x1
            clashes = sum(box.overlaps(b) for b in others) + (not inside)
            choices.append((clashes, place, box))
            if not clashes:
                break
        _, place, box = min(choices, key=lambda c: c[0])
        _set_place(label, place)
        placed.append(box)


LABEL_PAD = 2  # points of room kept around a point label (Thai marks reach a little beyond the text box)
# where a point label may go, in order of preference: (offset in points, ha, va)
LABEL_PLACES = (((0, 8), "center", "bottom"), ((0, -10), "center", "top"),
                ((9, 0), "left", "center"), ((-9, 0), "right", "center"))


def _set_place(label, place: tuple[tuple[int, int], str, str]) -> None:
    offset, ha, va = place
    label.set_position(offset)
    label.set_ha(ha)
    label.set_va(va)


# ------------------------------------------------------------ measure status
def measure_status(yoy: pd.DataFrame, thai_digits: bool = False, *, title: str | None = None) -> Figure:
    """Stacked bars of measure status by fiscal year (counts from :func:`itanb.compare.year_over_year`).

    Above each bar: the number of measures and, when any, how many were overdue at the memo date.
    """
    with _thai_rc():
        fig, (ax,) = _new_figure((8.0, 4.2))
        data = yoy[yoy["measures_total"] > 0].sort_values("fiscal_year")
        if data.empty:
            ax.text(0.5, 0.5, "ไม่มีข้อมูลมาตรการ", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return fig
        x = data["fiscal_year"].to_numpy(dtype=float)
        bottom = np.zeros(len(data))
        for column, label, colour in STATUS_STYLE:
            values = data[column].to_numpy(dtype=float)
            ax.bar(x, values, bottom=bottom, color=colour, label=label, width=0.6, zorder=2)
            for xi, b, v in zip(x, bottom, values, strict=True):
                if v > 0:
                    ax.text(xi, b + v / 2, digits(int(v), thai_digits), ha="center", va="center", fontsize=8)
            bottom += values
        for xi, total, overdue in zip(x, data["measures_total"], data["measures_overdue"], strict=True):
            note = f"รวม {digits(int(total), thai_digits)}"
            if overdue:
                note += f"\nเลยกำหนด {digits(int(overdue), thai_digits)}"
            ax.text(xi, total + 0.1, note, ha="center", va="bottom", fontsize=8)
        ax.set_ylim(0, float(bottom.max()) * 1.3 + 0.5)
        _year_axis(ax, yoy["fiscal_year"], thai_digits)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        _number_axis(ax, "y", thai_digits)
        ax.set_ylabel("จำนวนมาตรการ")
        ax.set_title(title or "สถานะการดำเนินงานตามมาตรการ รายปีงบประมาณ")
        fig.legend(loc="outside lower center", fontsize=8, ncols=len(STATUS_STYLE), frameon=False)
        ax.grid(axis="y", alpha=0.3, zorder=0)
        return fig


# ------------------------------------------------------------ portfolio
def portfolio_distribution(portfolio: Portfolio, thai_digits: bool = False, *,
                           title: str | None = None) -> Figure:
    """Two panels for a :class:`itanb.compare.Portfolio`: agencies per level, and the score histogram with
    the pass line (85), the group mean and the national average."""
    with _thai_rc():
        fig, (left, right) = _new_figure((10.0, 4.4), ncols=2)
        fy = digits(portfolio.fiscal_year, thai_digits)
        dist = portfolio.level_distribution
        scores = portfolio.ranking["score"].dropna().to_numpy(dtype=float)
        if dist.empty or not len(scores):
            for ax in (left, right):
                ax.text(0.5, 0.5, "ไม่มีข้อมูลคะแนน", ha="center", va="center", transform=ax.transAxes)
                ax.set_axis_off()
            return fig
        order = dist.iloc[::-1]  # worst level on the left
        positions = np.arange(len(order))
        colours = [_level_colour(i, len(order)) for i in range(len(order))]
        left.bar(positions, order["agencies"], color=colours, zorder=2)
        left.set_xticks(positions, [str(level) for level in order["level"]], fontsize=8, rotation=20,
                        ha="right", rotation_mode="anchor")
        for xi, n, share in zip(positions, order["agencies"], order["share"], strict=True):
            left.text(xi, n, f"{digits(int(n), thai_digits)}\n({_number(100 * share, thai_digits, 1)}%)",
                      ha="center", va="bottom", fontsize=8)
        left.set_ylim(0, float(order["agencies"].max()) * 1.3 + 1)
        left.yaxis.set_major_locator(MaxNLocator(integer=True))
        _number_axis(left, "y", thai_digits)
        left.set_ylabel("จำนวนหน่วยงาน")
        left.set_xlabel("ระดับ" if bool(dist["computed"].all()) else "ระดับที่รายงาน")
        left.set_title(f"จำนวนหน่วยงานตามระดับ ปีงบประมาณ {fy}")
        left.grid(axis="y", alpha=0.3, zorder=0)

        bins = np.arange(np.floor(min(scores.min(), PASS_MARK) / 5) * 5, 105, 5)
        right.hist(scores, bins=bins, color=SCORE_COLOR, alpha=0.8, zorder=2, edgecolor="white")
        right.axvline(PASS_MARK, color=PASS_COLOR, linestyle="--",
                      label=f"เกณฑ์ผ่าน ({digits(PASS_MARK, thai_digits)})")
        right.axvline(float(scores.mean()), color="black", linestyle="-",
                      label=f"ค่าเฉลี่ยกลุ่ม ({_number(scores.mean(), thai_digits)})")
        national = float(portfolio.summary["national_average"].iloc[0]) if len(portfolio.summary) else np.nan
        if not np.isnan(national):
            right.axvline(national, color=NATIONAL_COLOR, linestyle=":",
                          label=f"ค่าเฉลี่ยระดับประเทศ ({_number(national, thai_digits)})")
        right.yaxis.set_major_locator(MaxNLocator(integer=True))
        _number_axis(right, "y", thai_digits)
        _number_axis(right, "x", thai_digits)
        right.set_xlabel("คะแนน ITA")
        right.set_ylabel("จำนวนหน่วยงาน")
        right.set_title(f"การกระจายของคะแนน (n = {digits(len(scores), thai_digits)})")
        right.legend(loc="upper left", fontsize=8, framealpha=0.9)
        right.grid(axis="y", alpha=0.3, zorder=0)
        if title:
            fig.suptitle(title)
        return fig


def indicator_heatmap(matrix: pd.DataFrame, thai_digits: bool = False, *, title: str | None = None,
                      max_rows: int = 40) -> Figure:
    """Agencies × indicators heat chart of an :class:`itanb.indicators.IndicatorPortfolio` ``matrix``: one row
    per agency (the first ``max_rows`` by name), one column per indicator 1-10, each cell's score written in
    it; cells below the pass mark (85) are warm, at or above cool, a missing score blank."""
    from matplotlib.colors import TwoSlopeNorm

    with _thai_rc():
        shown = matrix.head(max_rows)
        height = 1.6 + 0.32 * max(len(shown), 1)
        fig, (ax,) = _new_figure((10.0, height))
        columns = [f"i{i}" for i in range(1, 11)]
        if shown.empty:
            ax.text(0.5, 0.5, "ไม่มีคะแนนรายตัวชี้วัด", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return fig
        values = shown[columns].to_numpy(dtype=float)
        norm = TwoSlopeNorm(vmin=min(50.0, float(np.nanmin(values))), vcenter=PASS_MARK, vmax=100.0)
        image = ax.imshow(np.ma.masked_invalid(values), cmap="RdYlGn", norm=norm, aspect="auto")
        for (r, c), v in np.ndenumerate(values):
            if not np.isnan(v):
                ax.text(c, r, _number(v, thai_digits, 0), ha="center", va="center", fontsize=7)
        ax.set_xticks(range(10), [f"ตัวชี้วัด {digits(i, thai_digits)}" for i in range(1, 11)], fontsize=8,
                      rotation=30, ha="right", rotation_mode="anchor")
        ax.set_yticks(range(len(shown)), [str(n) for n in shown["name"]], fontsize=8)
        bar = fig.colorbar(image, ax=ax, shrink=0.8)
        bar.set_label(f"คะแนน (ต่ำกว่า {digits(PASS_MARK, thai_digits)} = สีส้มถึงแดง)")
        bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _number(v, thai_digits, 0)))
        more = len(matrix) - len(shown)
        part = (f" ({digits(len(shown), thai_digits)} หน่วยงานแรก จาก {digits(len(matrix), thai_digits)})"
                if more else "")
        ax.set_title(title or "คะแนนรายตัวชี้วัด" + part)
        return fig


def indicator_bars(table: pd.DataFrame, thai_digits: bool = False, *, title: str | None = None) -> Figure:
    """The ten indicators of an :func:`itanb.indicators.indicator_table` as bars, weak ones (below 85) in the
    pass-line colour, with the national figure as a marker where the NACC published one."""
    with _thai_rc():
        fig, (ax,) = _new_figure((9.0, 3.8))
        scores = table["score"].to_numpy(dtype=float)
        x = np.arange(len(table))
        if np.isnan(scores).all():
            ax.text(0.5, 0.5, "ไม่มีคะแนนรายตัวชี้วัด", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return fig
        colours = [PASS_COLOR if w else SCORE_COLOR for w in table["weak"]]
        ax.bar(x, np.nan_to_num(scores), color=colours, zorder=2)
        for xi, v in zip(x, scores, strict=True):
            if not np.isnan(v):
                ax.text(xi, v + 0.8, _number(v, thai_digits), ha="center", va="bottom", fontsize=7)
        national = table["national"].to_numpy(dtype=float)
        if not np.isnan(national).all():
            ax.scatter(x, national, marker="_", s=400, color=NATIONAL_COLOR, zorder=3,
                       label="ค่าระดับประเทศ (ที่ สำนักงาน ป.ป.ช. เผยแพร่)")
            ax.legend(loc="lower left", fontsize=8, framealpha=0.9)
        ax.axhline(PASS_MARK, color=PASS_COLOR, linestyle="--", linewidth=1)
        ax.set_xticks(x, [digits(i, thai_digits) for i in table["indicator"]])
        ax.set_xlabel("ตัวชี้วัดที่")
        ax.set_ylim(0, 108)
        _number_axis(ax, "y", thai_digits)
        ax.set_ylabel("คะแนน")
        ax.grid(axis="y", alpha=0.3, zorder=0)
        if title:
            ax.set_title(title)
        return fig


# ------------------------------------------------------------ files
PNG_DPI = 150  # sharp at the report's 720 px and on A4 paper (19 cm wide)
PNG_COLOURS = 128  # a chart has a few flat colours and their anti-aliased edges: a palette keeps it sharp


def png_bytes(fig: Figure, dpi: int = PNG_DPI) -> bytes:
    """The figure as a compact PNG: rendered at ``dpi``, then stored as an indexed (palette) image of at most
    :data:`PNG_COLOURS` colours without dithering (a third of the size of matplotlib's RGBA file, the same
    pixels to the eye: flat fills, lines and text keep their colours)."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    image = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    palette = image.quantize(colors=PNG_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True)
    return out.getvalue()


# ------------------------------------------------------------ warm-up
def warm_up() -> None:
    """Draw a small Thai chart to PNG in memory and forget it: the first-use work of matplotlib and the font
    (font loading, glyph caches, the PNG writer), paid once by a process that forks kernels instead of once
    by every report."""
    import io

    fig, (ax,) = _new_figure((4.0, 3.0))
    with _thai_rc():
        ax.plot([2564.0, 2565.0], [80.0, 90.0], "o-")
        ax.bar([2564.0], [3.0])
        ax.set_title("คะแนน ITA ผ่านดีเยี่ยม")
        ax.annotate("ดีเยี่ยม\n90.00", (2565.0, 90.0), textcoords="offset points", xytext=(0, 8))
        ax.legend(handles=[mpl.lines.Line2D([], [], label="คะแนน")], loc="lower left")
        fig.savefig(io.BytesIO(), format="png", dpi=150, bbox_inches="tight")
