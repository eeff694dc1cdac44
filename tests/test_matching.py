"""matching.greedy_pairs: best first, each row on either side used once."""

from itanb.matching import greedy_pairs


def test_best_first_and_one_to_one():
    candidates = [(0, 1, 99.0), (1, 1, 95.0), (1, 0, 90.0), (0, 0, 85.0), (2, 2, 80.0)]
    assert greedy_pairs(candidates) == {0: (1, 99.0), 1: (0, 90.0), 2: (2, 80.0)}


def test_rows_already_taken_are_skipped():
    assert greedy_pairs([(0, 0, 90.0), (1, 0, 80.0), (1, 1, 70.0)], taken_left=[0], taken_right=[1]) == {
        1: (0, 80.0)}
