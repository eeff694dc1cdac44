"""Charts of many agencies in one fiscal year: the distribution of levels and scores, the indicator heat
chart."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.ticker import FuncFormatter, MaxNLocator

from itanb.charts import base

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from itanb.compare import Portfolio

# inches around the two panels (the levels' names slanted below the left one), and between them
DISTRIBUTION_MARGINS = {"left": 0.65, "right": 0.15, "top": 0.45, "bottom": 0.85, "wspace": 0.2}


def _levels_panel(ax: Axes, dist: pd.DataFrame, fy: str, thai_digits: bool) -> None:
    order = dist.iloc[::-1]  # worst level on the left
    positions = np.arange(len(order))
    colours = [base.level_colour(i, len(order)) for i in range(len(order))]
    ax.bar(positions, order["agencies"], color=colours, zorder=2)
    ax.set_xticks(positions, [str(level) for level in order["level"]], fontsize=8, rotation=20,
                  ha="right", rotation_mode="anchor")
    for xi, n, share in zip(positions, order["agencies"], order["share"], strict=True):
        ax.text(xi, n, f"{base.digits(int(n), thai_digits)}\n({base.number(100 * share, thai_digits, 1)}%)",
                ha="center", va="bottom", fontsize=8)
    ax.set_ylim(0, float(order["agencies"].max()) * 1.3 + 1)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    base.number_axis(ax, "y", thai_digits)
    ax.set_ylabel("จำนวนหน่วยงาน")
    ax.set_xlabel("ระดับ" if bool(dist["computed"].all()) else "ระดับที่รายงาน")
    ax.set_title(f"จำนวนหน่วยงานตามระดับ ปีงบประมาณ {fy}")
    ax.grid(axis="y", alpha=0.3, zorder=0)


def _scores_panel(ax: Axes, scores: np.ndarray, national: float, thai_digits: bool) -> None:
    bins = np.arange(np.floor(min(scores.min(), base.PASS_MARK) / 5) * 5, 105, 5)
    ax.hist(scores, bins=bins, color=base.SCORE_COLOR, alpha=0.8, zorder=2, edgecolor="white")
    ax.axvline(base.PASS_MARK, color=base.PASS_COLOR, linestyle="--",
               label=f"เกณฑ์ผ่าน ({base.digits(base.PASS_MARK, thai_digits)})")
    ax.axvline(float(scores.mean()), color="black", linestyle="-",
               label=f"ค่าเฉลี่ยกลุ่ม ({base.number(scores.mean(), thai_digits)})")
    if not np.isnan(national):
        ax.axvline(national, color=base.NATIONAL_COLOR, linestyle=":",
                   label=f"ค่าเฉลี่ยระดับประเทศ ({base.number(national, thai_digits)})")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    base.number_axis(ax, "y", thai_digits)
    base.number_axis(ax, "x", thai_digits)
    ax.set_xlabel("คะแนน ITA")
    ax.set_ylabel("จำนวนหน่วยงาน")
    ax.set_title(f"การกระจายของคะแนน (n = {base.digits(len(scores), thai_digits)})")
    ax.legend(loc="upper left", fontsize=8, framealpha=0.9)
    ax.grid(axis="y", alpha=0.3, zorder=0)


def portfolio_distribution(portfolio: Portfolio, thai_digits: bool = False, *,
                           title: str | None = None) -> Figure:
    """Two panels for a :class:`itanb.compare.Portfolio`: agencies per level, and the score histogram with
    the pass line (85), the group mean and the national average."""
    with base.thai_rc():
        fig, (left, right) = base.new_figure((10.0, 4.4), ncols=2)
        dist = portfolio.level_distribution
        scores = portfolio.ranking["score"].dropna().to_numpy(dtype=float)
        if dist.empty or not len(scores):
            return base.empty(fig, [left, right], "ไม่มีข้อมูลคะแนน")
        _levels_panel(left, dist, base.digits(portfolio.fiscal_year, thai_digits), thai_digits)
        national = float(portfolio.summary["national_average"].iloc[0]) if len(portfolio.summary) else np.nan
        _scores_panel(right, scores, national, thai_digits)
        if title:
            fig.suptitle(title)
        return base.fit(fig, margins=DISTRIBUTION_MARGINS | ({"top": 0.8} if title else {}))


def indicator_heatmap(matrix: pd.DataFrame, thai_digits: bool = False, *, title: str | None = None,
                      max_rows: int = 40) -> Figure:
    """Agencies × indicators heat chart of an :class:`itanb.indicators.IndicatorPortfolio` ``matrix``: one row
    per agency (the first ``max_rows`` by name), one column per indicator 1-10, each cell's score written in
    it; cells below the pass mark (85) are warm, at or above cool, a missing score blank."""
    from matplotlib.colors import TwoSlopeNorm

    with base.thai_rc():
        shown = matrix.head(max_rows)
        height = 1.6 + 0.32 * max(len(shown), 1)
        fig, (ax,) = base.new_figure((10.0, height))
        columns = [f"i{i}" for i in range(1, 11)]
        if shown.empty:
            return base.empty(fig, [ax], "ไม่มีคะแนนรายตัวชี้วัด")
        values = shown[columns].to_numpy(dtype=float)
        norm = TwoSlopeNorm(vmin=min(50.0, float(np.nanmin(values))), vcenter=base.PASS_MARK, vmax=100.0)
        image = ax.imshow(np.ma.masked_invalid(values), cmap="RdYlGn", norm=norm, aspect="auto")
        for (r, c), v in np.ndenumerate(values):
            if not np.isnan(v):
                ax.text(c, r, base.number(v, thai_digits, 0), ha="center", va="center", fontsize=7)
        ax.set_xticks(range(10), [f"ตัวชี้วัด {base.digits(i, thai_digits)}" for i in range(1, 11)], fontsize=8,
                      rotation=30, ha="right", rotation_mode="anchor")
        ax.set_yticks(range(len(shown)), [str(n) for n in shown["name"]], fontsize=8)
        bar = fig.colorbar(image, ax=ax, shrink=0.8, use_gridspec=True)
        bar.ax.tick_params(labelfontfamily=base.FAMILY)  # its ticks are made as it is drawn
        bar.set_label(f"คะแนน (ต่ำกว่า {base.digits(base.PASS_MARK, thai_digits)} = สีส้มถึงแดง)")
        bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: base.number(v, thai_digits, 0)))
        more = len(matrix) - len(shown)
        shown_n, all_n = base.digits(len(shown), thai_digits), base.digits(len(matrix), thai_digits)
        part = f" ({shown_n} หน่วยงานแรก จาก {all_n})" if more else ""
        ax.set_title(title or "คะแนนรายตัวชี้วัด" + part)
        return base.fit(fig)
