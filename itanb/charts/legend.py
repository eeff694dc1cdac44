"""A one-row figure legend below the axes, drawn as plain artists: each entry's handle (a short line and its
marker) and label, a title above them.

matplotlib's Legend packs its entries in nested boxes and lays them out again at every draw, each box
measuring its children anew: about 15 ms of a score trend's 95 for four entries. :class:`RowLegend` lays the
same row out once, when the figure is laid out (:func:`itanb.charts.base.fit`), with matplotlib's legend
spacings (the rc's handle length, handle-text pad, column spacing, border pad, title spacing; the handle's
line at its marker's height over the labels' baseline), so it looks as matplotlib's would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib as mpl
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox, IdentityTransform

if TYPE_CHECKING:
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Text


GID = "legend"  # the gid of a RowLegend's artists (legend_artists)


def legend_artists(fig: Figure) -> list:
    """The artists of the figure's :class:`RowLegend` (none without one)."""
    return [a for a in fig.get_children() if a.get_gid() == GID]


class RowLegend:
    """The entries (handle, label) of ``handles`` (Line2D artists not in any axes) in one row, centred on the
    figure, ``title`` above them. :meth:`place` puts it with its bottom at a height of the figure and says
    how tall it is; :attr:`artists` are what it drew (all in the figure)."""

    def __init__(self, fig: Figure, handles: list[Line2D], *, fontsize: float, title: str | None = None,
                 title_fontsize: float | None = None) -> None:
        self.figure, self.fontsize = fig, fontsize
        pixels = IdentityTransform()
        self.handles = [Line2D([0, 0], [0, 0], transform=pixels, color=h.get_color(),
                               linestyle=h.get_linestyle(), linewidth=h.get_linewidth(), marker="None")
                        for h in handles]
        self.markers = [Line2D([0], [0], transform=pixels, color=h.get_color(), marker=h.get_marker(),
                               linestyle="none", markersize=h.get_markersize()) for h in handles]
        self.labels = [fig.text(0, 0, h.get_label(), fontsize=fontsize, va="baseline", ha="left",
                                transform=pixels) for h in handles]
        self.title = (fig.text(0, 0, title, fontsize=title_fontsize or fontsize, va="bottom", ha="center",
                               transform=pixels) if title else None)
        for line in self.handles + self.markers:
            fig.add_artist(line)
        for artist in self.artists:
            artist.set_gid(GID)

    @property
    def artists(self) -> list:
        return [*self.handles, *self.markers, *self.labels, *([self.title] if self.title else [])]

    def texts(self) -> list[Text]:
        return [*self.labels, *([self.title] if self.title else [])]

    def place(self, renderer: RendererBase, bottom: float) -> float:
        """Lay the legend out, its bottom ``bottom`` pixels above the figure's; returns its height (px)."""
        rc, points = mpl.rcParams, self.figure.dpi / 72 * self.fontsize  # one font size, in pixels
        boxes = [t.get_window_extent(renderer) for t in self.labels]
        descent = max((_descent(t, renderer) for t in self.labels), default=0.0)
        row = max((b.height for b in boxes), default=0.0)
        handle, pad, space = (rc["legend.handlelength"] * points, rc["legend.handletextpad"] * points,
                              rc["legend.columnspacing"] * points)
        width = sum(handle + pad + b.width for b in boxes) + space * max(len(boxes) - 1, 0)
        x = self.figure.bbox.width / 2 - width / 2
        border = rc["legend.borderpad"] * points
        baseline = bottom + border + descent
        for line, marker, label, box in zip(self.handles, self.markers, self.labels, boxes, strict=True):
            middle = baseline + 0.35 * points  # matplotlib's handle: half its height over the baseline
            line.set_data([x, x + handle], [middle, middle])
            marker.set_data([x + handle / 2], [middle])
            label.set_position((x + handle + pad, baseline))
            x += handle + pad + box.width + space
        height = 2 * border + row
        if self.title is not None:
            sep = rc["legend.labelspacing"] * points
            self.title.set_position((self.figure.bbox.width / 2, bottom + border + row + sep))
            height += sep + self.title.get_window_extent(renderer).height
        return height

    def get_window_extent(self, renderer: RendererBase | None = None) -> Bbox:
        """The union of what it drew (after :meth:`place`)."""
        renderer = renderer or self.figure.canvas.get_renderer()
        return Bbox.union([t.get_window_extent(renderer) for t in self.texts()]
                          + [a.get_window_extent(renderer) for a in self.handles + self.markers])


def _descent(text: Text, renderer: RendererBase) -> float:
    """How far ``text`` (drawn on its baseline) reaches below it, in pixels."""
    box = text.get_window_extent(renderer)
    return text.get_transform().transform(text.get_position())[1] - box.y0
