"""The scores of SYNTHETIC agencies: totals that follow the published national averages, tool scores and
levels."""

from __future__ import annotations

import random

TOOLS_FROM = 2567  # tool scores (IIT/EIT/OIT) decide the top levels from FY2567 on
LETTERS = ("AA", "A", "B", "C", "D", "E", "F")

def _national_means(first: int, last: int) -> dict[int, float]:
    import numpy as np

    from itanb.compare import national_averages

    known = national_averages()  # sorted by fiscal year, as np.interp needs
    years = list(range(first - 1, last + 1))
    means = np.interp(years, known["fiscal_year"], known["national_average"])
    return dict(zip(years, (float(v) for v in means), strict=True))


def score_matrix(n: int, first: int, last: int, seed: int) -> dict[int, list[str]]:
    """fy -> scores of agencies 1..n as two-decimal strings (the year before ``first`` included, for memos).

    100 - score is log-normal around 100 - the national mean (sigma 0.8), with an agency effect that carries
    over from year to year: this gives pass shares close to the published ones (70% in 2565, 94% in 2568).
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    means = _national_means(first, last)
    sigma = 0.8
    agency_effect = rng.standard_normal(n)
    out: dict[int, list[str]] = {}
    for fy in sorted(means):
        z = 0.7 * agency_effect + 0.714 * rng.standard_normal(n)
        gap = (100.0 - means[fy]) * np.exp(sigma * z - sigma**2 / 2)
        scores = np.clip(np.round(100.0 - gap, 2), 0.0, 100.0)
        out[fy] = [f"{s:.2f}" for s in scores]
    return out


def tools_for(rnd: random.Random, score: str) -> tuple[str, str, str] | None:
    """IIT, EIT, OIT whose weighted total (0.3/0.3/0.4) is ``score`` within 0.01."""
    total = float(score)
    iit = min(100.0, max(0.0, round(total + rnd.uniform(-6, 6), 2)))
    eit = min(100.0, max(0.0, round(total + rnd.uniform(-6, 6), 2)))
    oit = round((total - 0.3 * iit - 0.3 * eit) / 0.4, 2)
    if not 0.0 <= oit <= 100.0:
        iit = eit = oit = total
    return f"{iit:.2f}", f"{eit:.2f}", f"{oit:.2f}"


def level_of(fy: int, score: str, tools: tuple[str, str, str] | None = None) -> str | None:
    from itanb.grading import grade

    iit, eit, oit = tools or (None, None, None)
    return grade(fy, score, iit=iit, eit=eit, oit=oit).level

