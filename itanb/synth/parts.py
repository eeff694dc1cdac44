"""The tool and indicator scores of SYNTHETIC totals: parts that add up to the total with the year's weights.

For each total the ten indicators (and, from FY2566, EIT's two parts) are drawn so that, with the weights of
``itanb/data/score_weights.csv`` for that year, the published tools recompute from them and the total from the
tools within the tolerance: an ingest of synthetic data finds no ``total_mismatch``. The spread follows the
only year whose report gives all ten national indicator averages (FY2562 in ``national-indicators.csv``):
each part's distance below 100 is the total's distance times that part's published ratio (indicator 10: 1.73,
indicator 1: 0.34), times a log-normal noise. So indicators 8, 9 and 10 are the weakest on average, as the
NACC's reports say. Indicators that the year's weights leave out (6-8 from FY2566, when EIT is published in
two parts) are drawn around their tool's score the same way.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from itanb.grading import TOOLS, TOTAL, weights_for

NOISE_SIGMA = 0.3  # log-normal spread of a part's distance below 100
HALF_CENT = 0.5  # the published total is hit to half a cent (the tolerance is a cent)


def gap_ratios() -> dict[str, float]:
    """Indicator name (``i1``..``i10``) -> its distance below 100 over the total's, in the latest year whose
    national figures give all ten indicators (``national-indicators.csv``, ``national-averages.csv``)."""
    from itanb.national import national_averages, national_indicators

    published = national_indicators()
    counts = published.groupby("fiscal_year")["indicator"].nunique()
    year = int(counts[counts == 10].index.max())
    row = published[published["fiscal_year"] == year]
    averages = national_averages().set_index("fiscal_year")["national_average"]
    total_gap = 100.0 - float(averages[year])
    return {f"i{int(i)}": (100.0 - float(s)) / total_gap for i, s in zip(row["indicator"], row["score"],
                                                                          strict=True)}


def _family() -> dict[str, str]:
    """Indicator name -> the tool it belongs to (``itanb/data/indicators.csv``): ``{"i6": "eit", ...}``."""
    from itanb.compare import indicators

    table = indicators()
    return {f"i{int(i)}": str(t).lower() for i, t in zip(table["indicator"], table["tool"], strict=True)}


def _expand(tree: dict[str, dict[str, Fraction]], name: str, stop: frozenset[str] = frozenset(),
            factor: Fraction = Fraction(1)) -> dict[str, Fraction]:
    """``name`` as a linear form of the leaves of ``tree`` (and of the names in ``stop``)."""
    out: dict[str, Fraction] = {}
    for part, weight in tree[name].items():
        if part in tree and part not in stop:
            for leaf, w in _expand(tree, part, stop, factor * weight).items():
                out[leaf] = out.get(leaf, Fraction(0)) + w
        else:
            out[part] = out.get(part, Fraction(0)) + factor * weight
    return out


def _published_tools(tree: dict[str, dict[str, Fraction]]) -> list[str]:
    """The tools a score table gives: the total's components, a tool made of tools (EIT from FY2566) as its
    parts (EIT part 1 and part 2)."""
    out = []
    for tool in tree[TOTAL]:
        parts = tree.get(tool, {})
        out += list(parts) if parts and all(p in TOOLS for p in parts) else [tool]
    return [t for t in TOOLS if t in out]


def _half_up(numerator: np.ndarray, denominator: int) -> np.ndarray:
    """Integer cents: numerator / denominator rounded half up (exact integer arithmetic)."""
    return (2 * numerator + denominator) // (2 * denominator)


class _Year:
    """The weights of one fiscal year, as integer linear forms over the leaves (cents)."""

    def __init__(self, fiscal_year: int):
        tree = {k: dict(v) for k, v in weights_for(fiscal_year).items()}
        self.leaves = sorted(_expand(tree, TOTAL), key=lambda n: (n not in TOOLS, n))
        weights = _expand(tree, TOTAL)
        self.weight = np.array([float(weights[leaf]) for leaf in self.leaves])
        self.tools = _published_tools(tree)
        composite = [t for t in self.tools if t in tree]  # published tools made of leaves
        self.forms = {t: self._integer_form(_expand(tree, t)) for t in composite}
        self.total_form = self._integer_form(_expand(tree, TOTAL, frozenset(composite)))
        self.tree = tree

    @staticmethod
    def _integer_form(form: dict[str, Fraction]) -> tuple[int, dict[str, int]]:
        """``form`` as (denominator, integer coefficients): value = sum(coefficient * part) / denominator."""
        denominator = int(np.lcm.reduce([w.denominator for w in form.values()]))
        coefficients = {k: int(w * denominator) for k, w in form.items()}
        return denominator, coefficients

    def published(self, cents: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The published tools (cents, rounded half up) from the leaves."""
        out = {}
        for tool, (den, coefficients) in self.forms.items():
            out[tool] = _half_up(sum(c * cents[p] for p, c in coefficients.items()), den)
        return out

    def total_error(self, target: np.ndarray, cents: dict[str, np.ndarray]) -> np.ndarray:
        """Target total minus the total recomputed from the published tools (cents, float)."""
        values = {**cents, **self.published(cents)}
        den, coefficients = self.total_form
        return target - sum(c * values[p] for p, c in coefficients.items()) / den


def _leaf_gaps(rng: np.random.Generator, gap: np.ndarray, ratio: np.ndarray,
               weight: np.ndarray) -> np.ndarray:
    """Distances below 100 of the leaves (rows x leaves) whose weighted sum is ``gap``, none above 100."""
    noise = np.exp(NOISE_SIGMA * rng.standard_normal((len(gap), len(ratio))) - NOISE_SIGMA**2 / 2)
    g = gap[:, None] * ratio[None, :] * noise
    for _ in range(6):  # scale to the total, pin what would pass 100, scale the rest again
        full = g >= 100.0
        g = np.minimum(g, 100.0)
        free = (g * weight * ~full).sum(axis=1)
        pinned = (100.0 * weight * full).sum(axis=1)
        scale = np.divide(gap - pinned, free, out=np.ones_like(gap), where=free > 0)
        g = np.where(full, 100.0, g * scale[:, None])
    return np.clip(g, 0.0, 100.0)


def _hit_total(year: _Year, target: np.ndarray, cents: dict[str, np.ndarray]) -> None:
    """Move the heaviest leaves by whole cents until the published tools give ``target`` within half a
    cent (rounding of the tools otherwise leaves up to about a cent)."""
    order = sorted(range(len(year.leaves)), key=lambda j: -year.weight[j])
    for _ in range(3):
        for j in order:
            error = year.total_error(target, cents)
            todo = np.abs(error) > HALF_CENT
            if not todo.any():
                return
            leaf = year.leaves[j]
            step = np.rint(error / (year.weight[j] * 1.0)).astype(np.int64)
            cents[leaf] = np.where(todo, np.clip(cents[leaf] + step, 0, 10000), cents[leaf])
    error = year.total_error(target, cents)
    if (np.abs(error) > 2 * HALF_CENT).any():  # a programming error, not bad input
        raise RuntimeError(f"synthetic parts miss their total by {np.abs(error).max():.2f} cents")


def _outside(rng: np.random.Generator, year: _Year, cents: dict[str, np.ndarray], ratios: dict[str, float],
             family: dict[str, str]) -> None:
    """Indicators the year's weights leave out, around their tool's (exact) score: 6-8 around EIT."""
    missing = [i for i in ratios if i not in cents]
    for tool in sorted({family[i] for i in missing}):
        members = [i for i in missing if family[i] == tool]
        form = _expand(year.tree, tool)
        exact = sum(float(w) * cents[p] for p, w in form.items()) / 100.0
        ratio = np.array([ratios[i] for i in members])
        gaps = _leaf_gaps(rng, 100.0 - exact, ratio / ratio.mean(), np.full(len(members), 1 / len(members)))
        for i, g in zip(members, gaps.T, strict=True):
            cents[i] = np.rint((100.0 - g) * 100).astype(np.int64)


def year_parts(fiscal_year: int, totals: list[str], seed: int) -> list[dict[str, str]]:
    """The parts of each total of ``fiscal_year`` (two-decimal strings): ``{"iit": "91.20", "eit1": ...,
    "i1": ..., "i10": ...}``, the published tools and all ten indicators; empty dicts for a year without
    weights. The same ``seed`` gives the same parts."""
    if not weights_for(fiscal_year) or not totals:
        return [{} for _ in totals]
    year = _Year(fiscal_year)
    ratios, family = gap_ratios(), _family()
    rng = np.random.default_rng([seed, fiscal_year])
    target = np.rint(np.array([float(t) for t in totals]) * 100)
    ratio = np.array([_ratio(year.tree, leaf, ratios, family) for leaf in year.leaves])
    gaps = _leaf_gaps(rng, (10000 - target) / 100, ratio, year.weight)
    cents = {leaf: np.rint((100.0 - gaps[:, j]) * 100).astype(np.int64) for j, leaf in enumerate(year.leaves)}
    _hit_total(year, target, cents)
    _outside(rng, year, cents, ratios, family)
    values = {**cents, **year.published(cents)}
    names = [*year.tools, *(f"i{n}" for n in range(1, 11))]
    columns = [[f"{v / 100:.2f}" for v in values[name].tolist()] for name in names]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _ratio(tree: dict[str, dict[str, Fraction]], leaf: str, ratios: dict[str, float],
           family: dict[str, str]) -> float:
    """An indicator's published ratio; a tool part's (EIT part 1) the mean of its tool's indicators."""
    if leaf in ratios:
        return ratios[leaf]
    tool = next(t for t in tree[TOTAL] if t == leaf or (t in tree and leaf in _expand(tree, t)))
    return float(np.mean([r for i, r in ratios.items() if family[i] == tool]))
