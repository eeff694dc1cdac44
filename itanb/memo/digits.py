"""Digits read off a scan by a recogniser of our own: Tesseract's Thai model misreads Thai digits (๘๘.๕๖ as
๕๕.๕๒, ๒๕๖๗ as ๒๕๒๐) and gives letters for Arabic ones, so every glyph of a number is read again here.

The model (``itanb/data/digit_model.npz``, built by ``tests/make_digit_model.py``) is a small network (one
hidden layer, run with numpy) that learnt glyphs drawn with Debian's Thai fonts (fonts-thai-tlwg: Laksaman,
which matches TH SarabunPSK, Garuda, Kinnari, Loma, Norasi, Umpush, Waree ...) and the bundled Sarabun at a
memo's sizes, put through what a scan does to them (turned, blurred, grainy, JPEG, thresholded) and cut by
:func:`digit_glyphs`; besides the 20 digits it knows "no digit" (Thai letters, check marks). Its features:
the glyph scaled into a :data:`SIZE` x :data:`SIZE` box (aspect kept, centred) and its aspect ratio. A
number is read in one script: the Thai or the Arabic digits, whichever explains all its glyphs better; a
glyph's confidence is its digit's probability within that script times the chance it is a digit at all.
Nothing is downloaded at run time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

SIZE = 24  # pixels of a glyph's normalised box
ASPECT_WEIGHT = 3.0  # the width/height ratio's scale against the box's pixels
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
DIGITS = THAI_DIGITS + "0123456789"
LABELS = DIGITS  # the model's classes, and one more (index 20): no digit (a letter, a check mark)
OTHER = len(LABELS)
MODEL = Path(__file__).resolve().parent.parent / "data" / "digit_model.npz"


def features(glyph: np.ndarray) -> np.ndarray:
    """A glyph's ink (a 2-D bool array, cropped to it) as the model's features: the box, then the aspect."""
    from PIL import Image

    h, w = glyph.shape
    side = max(h, w)
    square = np.zeros((side, side), dtype=np.float32)
    top, left = (side - h) // 2, (side - w) // 2
    square[top:top + h, left:left + w] = glyph
    box = np.asarray(Image.fromarray(square * 255).resize((SIZE, SIZE), Image.BOX), dtype=np.float32) / 255
    return np.concatenate([box.ravel(), [ASPECT_WEIGHT * w / h]]).astype(np.float32)


@lru_cache(maxsize=1)
def _model() -> dict[str, np.ndarray]:
    with np.load(MODEL) as data:
        return {k: data[k].astype(np.float32) for k in data.files}


def probabilities(feats: np.ndarray) -> np.ndarray:
    """The model's probability of each of :data:`LABELS` and of :data:`OTHER` for each row of ``feats`` (or
    one row)."""
    m = _model()
    x = (np.atleast_2d(feats) - m["mean"]) / m["std"]
    z = np.maximum(x @ m["w1"] + m["b1"], 0) @ m["w2"] + m["b2"]
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def predict(feats: np.ndarray, *, thai: bool | None = None) -> tuple[str, float]:
    """The digit of features ``feats`` and its probability (within one script when ``thai`` is given)."""
    p = probabilities(feats)[0][:20]
    if thai is not None:
        p = p[:10] if thai else p[10:]
        p = p / max(p.sum(), 1e-9)
        best = int(np.argmax(p))
        return LABELS[best if thai else best + 10], float(p[best])
    best = int(np.argmax(p))
    return LABELS[best], float(p[best])


def classify(glyph: np.ndarray, *, thai: bool | None = None) -> tuple[str, float]:
    """The digit ``glyph`` shows and the confidence (0-1). ``thai``: only Thai (True) or Arabic (False)
    digits are candidates; None: either."""
    return predict(features(glyph), thai=thai)


def read_digits(found: list[np.ndarray]) -> tuple[str, list[float]]:
    """The digits of a number's glyphs, all in the script that explains them better, and each one's
    confidence: its probability within that script, times the chance that the glyph is a digit at all
    (the model also knows letters and check marks)."""
    if not found:
        return "", []
    p = probabilities(np.stack([features(g) for g in found]))
    digit = p[:, :20].sum(axis=1)
    thai, arabic = p[:, :10].sum(axis=1), p[:, 10:20].sum(axis=1)
    use_thai = np.log(thai + 1e-9).sum() >= np.log(arabic + 1e-9).sum()
    part = p[:, :10] if use_thai else p[:, 10:20]
    part = part / np.maximum(part.sum(axis=1, keepdims=True), 1e-9)
    best = part.argmax(axis=1)
    offset = 0 if use_thai else 10
    return ("".join(LABELS[b + offset] for b in best),
            [float(part[i, b] * digit[i]) for i, b in enumerate(best)])


def not_digits(found: list[np.ndarray]) -> bool:
    """Whether every one of ``found`` is surely no digit (a check mark, a letter)."""
    if not found:
        return False
    p = probabilities(np.stack([features(g) for g in found]))
    return bool((p[:, 20] > 0.8).all())


def read_number(pieces: list) -> tuple[str, list[float]]:
    """The number of :func:`digit_glyphs`'s ``pieces``: its digits read (:func:`read_digits`) with the
    dots, dashes and slashes in their places, and each digit's confidence."""
    digits, confs = read_digits([p for p in pieces if not isinstance(p, str)])
    read, at = "", 0
    for p in pieces:
        if isinstance(p, str):
            read += p
        else:
            read, at = read + digits[at], at + 1
    return read, confs


# --- a number's ink cut into glyphs ---------------------------------------------------------------------


def digit_glyphs(ink: np.ndarray, box: tuple[int, int, int, int], *, slash: bool = False) -> list:
    """The pieces of the number about ``box`` (:func:`glyphs`), left to right: each digit's glyph, and
    ``"."``, ``"-"`` or ``"/"`` for the others. A glyph under a third of the digits' height is a dot (a
    dash when wide); one taller than the digits and narrow is a slash where ``slash``; one wider than 1.4
    times its height is two digits that touch, cut at its thinnest column."""
    return number_pieces(ink, box, slash=slash)[0]


def number_pieces(ink: np.ndarray, box: tuple[int, int, int, int], *,
                  slash: bool) -> tuple[list, int | None, int]:
    """:func:`digit_glyphs`, and the left and right of their ink (None, 0 when there is none)."""
    placed = glyphs(ink, box)
    found = [g for _, g in placed]
    tallest = max((g.shape[0] for g in found), default=0)
    heights = sorted(g.shape[0] for g in found if g.shape[0] > tallest / 2)  # digits (and slashes), no dots
    digit_h = heights[len(heights) // 2] if heights else 0
    out: list = []
    for g in [piece for whole in found for piece in _split(whole)]:
        h, w = g.shape
        if h < digit_h / 3:
            out.append("-" if w > 2 * h else ".")
        elif h > digit_h * 1.15 and w < h * 0.75 and slash:
            out.append("/")
        else:
            out.append(g)
    if not placed:
        return out, None, 0
    return out, placed[0][0], placed[-1][0] + placed[-1][1].shape[1]


def _split(glyph: np.ndarray) -> list[np.ndarray]:
    """Two glyphs that touch, cut at the column with the least ink in the middle of the piece; one glyph
    as it is."""
    h, w = glyph.shape
    if w <= 1.4 * h or h < 8:  # one glyph, or a dash or speck (nothing to cut)
        return [glyph]
    cut = w // 4 + int(np.argmin(glyph.sum(axis=0)[w // 4: w - w // 4]))
    return [p for half in (glyph[:, :cut], glyph[:, cut:]) if half.any() for p in _split(_trim(half))]


def _trim(glyph: np.ndarray) -> np.ndarray:
    """A piece cropped to its ink, thin bridges left at its sides by the cut (columns with little ink)
    dropped."""
    cols = glyph.sum(axis=0)
    solid = np.nonzero(cols > max(1, glyph.shape[0] * 0.15))[0]
    if len(solid):
        glyph = glyph[:, solid[0]:solid[-1] + 1]
    rows, cols = np.nonzero(glyph.any(axis=1))[0], np.nonzero(glyph.any(axis=0))[0]
    return glyph[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def glyphs(ink: np.ndarray, box: tuple[int, int, int, int]) -> list[tuple[int, np.ndarray]]:
    """The glyphs of :func:`glyph_boxes` with their left edges."""
    return [(x0, ink[y0:y1, x0:x1]) for x0, y0, x1, y1 in glyph_boxes(ink, box)]


def glyph_boxes(ink: np.ndarray, box: tuple[int, int, int, int]) -> list[tuple[int, int, int, int]]:
    """The boxes (left, top, right, bottom in ``ink``) of the glyphs about ``box`` (the same), left to right:
    the connected pieces of ink that reach into the box's rows (Tesseract's boxes may cut a digit's tail, so a
    third of its height more is looked at above and below), pieces over one another in more than half of the
    narrower's columns joined (a glyph the scan broke, a vowel over its consonant), specks dropped."""
    left, top, right, bottom = box
    grow = (bottom - top) // 3
    y0, y1 = max(top - grow, 0), min(bottom + grow, ink.shape[0])
    part = ink[y0:y1, left:right]
    pieces = [p for p in _components(part) if p[1] < bottom - y0 and p[3] > top - y0 and p[4] >= 4]
    pieces.sort(key=lambda p: p[0])
    merged: list[list[int]] = []
    for x0, py0, x1, py1, _ in pieces:
        last = merged[-1] if merged else None
        if last and min(x1, last[2]) - max(x0, last[0]) > min(x1 - x0, last[2] - last[0]) / 2:
            m = merged[-1]
            m[:] = [min(m[0], x0), min(m[1], py0), max(m[2], x1), max(m[3], py1)]
        else:
            merged.append([x0, py0, x1, py1])
    return [(left + x0, y0 + py0, left + x1, y0 + py1) for x0, py0, x1, py1 in merged]


def _components(ink: np.ndarray) -> list[tuple[int, int, int, int, int]]:
    """(x0, y0, x1, y1, pixels) of each 8-connected piece of ink, in the order of their first pixel: each
    row's runs of ink, joined where runs of neighbouring rows touch (diagonals too), by union-find over the
    runs (a flood fill pixel by pixel in Python took half a scan's time)."""
    h, w = ink.shape
    padded = np.zeros((h, w + 2), dtype=np.int8)
    padded[:, 1:-1] = ink
    d = np.diff(padded, axis=1)
    rows, starts = np.nonzero(d == 1)
    ends = np.nonzero(d == -1)[1]
    parent = list(range(len(rows)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first = np.searchsorted(rows, np.arange(h + 1)).tolist()
    s, e = starts.tolist(), ends.tolist()
    for r in range(1, h):
        i, j = first[r - 1], first[r]
        while i < first[r] and j < first[r + 1]:
            if s[i] <= e[j] and s[j] <= e[i]:  # ends are exclusive: touching at a corner counts
                a, b = root(i), root(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            if e[i] < e[j]:
                i += 1
            else:
                j += 1
    pieces: dict[int, list[int]] = {}
    for k, r in enumerate(rows.tolist()):
        box = pieces.setdefault(root(k), [s[k], r, e[k], r + 1, 0])
        box[:] = [min(box[0], s[k]), box[1], max(box[2], e[k]), r + 1, box[4] + e[k] - s[k]]
    return [tuple(box) for _, box in sorted(pieces.items())]
