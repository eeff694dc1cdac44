"""Bar charts of one agency: its measures' status by fiscal year, its ten indicators."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.ticker import MaxNLocator

from itanb.charts import base
from itanb.vocabulary import NO_STATUS_LABEL, STATUS_LABELS

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

STATUS_STYLE = (  # column of year_over_year, Thai label, colour
    ("measures_done", STATUS_LABELS["done"], "#1a9850"),
    ("measures_in_progress", STATUS_LABELS["in_progress"], "#fdae61"),
    ("measures_not_started", STATUS_LABELS["not_started"], "#d73027"),
    ("measures_unmarked", NO_STATUS_LABEL, "#bdbdbd"),
)

# inches around the axes: the y ticks (counts, scores to 100) and label, the x ticks and label, the title
STATUS_MARGINS = {"left": 0.75, "right": 0.15, "top": 0.45, "bottom": 0.62}
BARS_MARGINS = {"left": 0.75, "right": 0.15, "top": 0.45, "bottom": 0.62}


def measure_status(yoy: pd.DataFrame, thai_digits: bool = False, *, title: str | None = None) -> Figure:
    """Stacked bars of measure status by fiscal year (counts from :func:`itanb.compare.year_over_year`).

    Above each bar: the number of measures and, when any, how many were overdue at the memo date.
    """
    with base.thai_rc():
        fig, (ax,) = base.new_figure((8.0, 4.2))
        data = yoy[yoy["measures_total"] > 0].sort_values("fiscal_year")
        if data.empty:
            return base.empty(fig, [ax], "ไม่มีข้อมูลมาตรการ")
        x = data["fiscal_year"].to_numpy(dtype=float)
        bottom = np.zeros(len(data))
        for column, label, colour in STATUS_STYLE:
            values = data[column].to_numpy(dtype=float)
            ax.bar(x, values, bottom=bottom, color=colour, label=label, width=0.6, zorder=2)
            for xi, b, v in zip(x, bottom, values, strict=True):
                if v > 0:
                    ax.text(xi, b + v / 2, base.digits(int(v), thai_digits), ha="center", va="center",
                            fontsize=8)
            bottom += values
        for xi, total, overdue in zip(x, data["measures_total"], data["measures_overdue"], strict=True):
            note = f"รวม {base.digits(int(total), thai_digits)}"
            if overdue:
                note += f"\nเลยกำหนด {base.digits(int(overdue), thai_digits)}"
            ax.text(xi, total + 0.1, note, ha="center", va="bottom", fontsize=8)
        top = float(bottom.max()) * 1.3 + 0.5
        ax.set_ylim(0, top)
        base.year_axis(ax, yoy["fiscal_year"], thai_digits)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        base.number_axis(ax, "y", thai_digits)
        ax.grid(axis="y", alpha=0.3, zorder=0)
        ax.set_axisbelow(True)
        ax.set_ylabel("จำนวนมาตรการ")
        ax.set_title(title or "สถานะการดำเนินงานตามมาตรการ รายปีงบประมาณ")
        legend = fig.legend(loc="lower center", fontsize=8, ncols=len(STATUS_STYLE), frameon=False)
        return base.fit(fig, legend, STATUS_MARGINS)


def indicator_bars(table: pd.DataFrame, thai_digits: bool = False, *, title: str | None = None) -> Figure:
    """The ten indicators of an :func:`itanb.indicators.indicator_table` as bars, weak ones (below 85) in the
    pass-line colour, with the national figure as a marker where the NACC published one."""
    with base.thai_rc():
        fig, (ax,) = base.new_figure((9.0, 3.8))
        scores = table["score"].to_numpy(dtype=float)
        x = np.arange(len(table))
        if np.isnan(scores).all():
            return base.empty(fig, [ax], "ไม่มีคะแนนรายตัวชี้วัด")
        colours = [base.PASS_COLOR if w else base.SCORE_COLOR for w in table["weak"]]
        ax.bar(x, np.nan_to_num(scores), color=colours, zorder=2)
        for xi, v in zip(x, scores, strict=True):
            if not np.isnan(v):
                ax.text(xi, v + 0.8, base.number(v, thai_digits), ha="center", va="bottom", fontsize=7)
        national = table["national"].to_numpy(dtype=float)
        if not np.isnan(national).all():
            ax.scatter(x, national, marker="_", s=400, color=base.NATIONAL_COLOR, zorder=3,
                       label="ค่าระดับประเทศ (ที่ สำนักงาน ป.ป.ช. เผยแพร่)")
            ax.legend(loc="lower left", fontsize=8, framealpha=0.9)
        ax.axhline(base.PASS_MARK, color=base.PASS_COLOR, linestyle="--", linewidth=1)
        ax.set_xticks(x, [base.digits(i, thai_digits) for i in table["indicator"]])
        ax.set_xlabel("ตัวชี้วัดที่")
        ax.set_ylim(0, 108)
        base.number_ticks(ax, "y", range(0, 101, 20), thai_digits)  # not the automatic one above the plot
        ax.grid(axis="y", alpha=0.3, zorder=0)
        ax.set_axisbelow(True)
        ax.set_ylabel("คะแนน")
        if title:
            ax.set_title(title)
        return base.fit(fig, margins=BARS_MARGINS)
