"""A PDF page's ruling lines as table grids (:mod:`itanb.memo.read_pdf`): horizontal and vertical lines from
the page's path objects, joined where collinear, grouped into tables, with the cells that merge."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

THIN = 2.5  # points: a path box thinner than this is a ruling line
SNAP = 3.0  # points: ruling lines closer than this are one grid line


def edges(page) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Horizontal (y, x0, x1) and vertical (x, y0, y1) ruling lines, y down from the page top."""
    from pypdfium2 import raw

    height = page.get_height()
    hs, vs = [], []
    for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_PATH,), max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        y0, y1 = height - top, height - bottom
        wide, tall = right - left >= THIN, y1 - y0 >= THIN
        if wide and not tall:
            hs.append(((y0 + y1) / 2, left, right))
        elif tall and not wide:
            vs.append(((left + right) / 2, y0, y1))
        elif wide and tall:
            hs += [(y0, left, right), (y1, left, right)]
            vs += [(left, y0, y1), (right, y0, y1)]
    return merge_lines(hs), merge_lines(vs)


def merge_lines(edges: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Collinear lines (positions within :data:`SNAP`) that touch or overlap joined into one."""
    out: list[tuple[float, float, float]] = []
    clusters: list[list[tuple[float, float, float]]] = []
    for edge in sorted(edges):
        if clusters and edge[0] - clusters[-1][-1][0] <= SNAP:
            clusters[-1].append(edge)
        else:
            clusters.append([edge])
    for cluster in clusters:
        pos = cluster[0][0]
        start = len(out)
        for _, a, b in sorted(cluster, key=lambda e: e[1]):
            if len(out) > start and a <= out[-1][2] + SNAP:
                out[-1] = (pos, out[-1][1], max(out[-1][2], b))
            else:
                out.append((pos, a, b))
    return out


class Grid:
    """One table: its grid lines and which grid cells merge."""

    def __init__(self, hs: list[tuple[float, float, float]], vs: list[tuple[float, float, float]]):
        self.ys = _snap(h[0] for h in hs)
        self.xs = _snap(v[0] for v in vs)
        self.bbox = (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])
        nr, nc = len(self.ys) - 1, len(self.xs) - 1
        self.owner = list(range(nr * nc))  # union-find over grid cells, row-major
        for r in range(nr):
            ymid = (self.ys[r] + self.ys[r + 1]) / 2
            for c in range(nc):
                xmid = (self.xs[c] + self.xs[c + 1]) / 2
                if c + 1 < nc and not _covered(vs, self.xs[c + 1], ymid):
                    self._union(r * nc + c, r * nc + c + 1)
                if r + 1 < nr and not _covered(hs, self.ys[r + 1], xmid):
                    self._union(r * nc + c, (r + 1) * nc + c)
        self.nr, self.nc = nr, nc

    def find(self, i: int) -> int:
        while self.owner[i] != i:
            self.owner[i] = self.owner[self.owner[i]]
            i = self.owner[i]
        return i

    def _union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.owner[max(ra, rb)] = min(ra, rb)  # the top-left cell represents the merged one

    def cell_of(self, x: float, y: float) -> int | None:
        r, c = bisect_right(self.ys, y) - 1, bisect_right(self.xs, x) - 1
        if 0 <= r < self.nr and 0 <= c < self.nc:
            return self.find(r * self.nc + c)
        return None


def _snap(values: Iterable[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out


def _covered(edges: list[tuple[float, float, float]], pos: float, mid: float) -> bool:
    return any(abs(p - pos) <= SNAP and a - SNAP <= mid <= b + SNAP for p, a, b in edges)


def find_grids(hs: list[tuple[float, float, float]], vs: list[tuple[float, float, float]]) -> list[Grid]:
    """The tables the ruling lines draw: lines that cross or touch, grouped; at least 2 rows and 2 columns."""
    groups: list[tuple[list, list, list[float]]] = []  # hs, vs, bbox
    for kind, (pos, a, b) in [("h", e) for e in hs] + [("v", e) for e in vs]:
        box = [a, pos, b, pos] if kind == "h" else [pos, a, pos, b]
        hit = [g for g in groups if _touch(g[2], box)]
        merged = ([], [], box)
        for g in hit:
            groups.remove(g)
            merged[0].extend(g[0])
            merged[1].extend(g[1])
            merged[2][:] = [min(merged[2][0], g[2][0]), min(merged[2][1], g[2][1]),
                            max(merged[2][2], g[2][2]), max(merged[2][3], g[2][3])]
        (merged[0] if kind == "h" else merged[1]).append((pos, a, b))
        groups.append(merged)
    return [Grid(h, v) for h, v, _ in groups
            if len(_snap(e[0] for e in h)) > 1 and len(_snap(e[0] for e in v)) > 1]


def _touch(a: list[float], b: list[float]) -> bool:
    return a[0] - SNAP <= b[2] and b[0] - SNAP <= a[2] and a[1] - SNAP <= b[3] and b[1] - SNAP <= a[3]


def owns_any(grid: Grid, r: int) -> bool:
    return any(grid.find(r * grid.nc + c) == r * grid.nc + c for c in range(grid.nc))

