"""One-to-one pairing of similar rows, best first: the status rows of a memo to its plan rows, a year's
measures to the previous year's. The callers score and order the candidates; the pairing rule is here."""

from __future__ import annotations

from collections.abc import Iterable


def greedy_pairs(candidates: Iterable[tuple[int, int, float]], *, taken_left: Iterable[int] = (),
                 taken_right: Iterable[int] = ()) -> dict[int, tuple[int, float]]:
    """Pair ``(left, right, score)`` candidates in the order given (best first): a candidate is taken when
    neither its left nor its right row is taken yet (nor in ``taken_left`` / ``taken_right``).

    Returns
    -------
    dict[int, tuple[int, float]]
        left -> (right, score) of the pairs taken here.
    """
    pairs: dict[int, tuple[int, float]] = {}
    left_used, right_used = set(taken_left), set(taken_right)
    for left, right, score in candidates:
        if left in left_used or right in right_used:
            continue
        pairs[left] = (right, score)
        left_used.add(left)
        right_used.add(right)
    return pairs
