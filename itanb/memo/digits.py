"""Digits read off a scan by a recogniser of our own: Tesseract's Thai model misreads Thai digits (๘๘.๕๖ as
๕๕.๕๒, ๒๕๖๗ as ๒๕๒๐), so every glyph of a number is read again here.

The model (``itanb/data/digit_templates.npz``, built by ``tests/make_digit_model.py`` from glyphs rendered
with Debian's Thai fonts, fonts-thai-tlwg: Laksaman, which matches TH SarabunPSK, Garuda, Kinnari, Loma,
Norasi, Umpush, Waree, and the bundled Sarabun) is a set of templates: each glyph scaled into a
:data:`SIZE` x :data:`SIZE` box (aspect kept, centred), with its aspect ratio. A glyph is the nearest template
(Euclidean distance on the box, plus the aspect ratio); its confidence is how much nearer the best template of
its class is than the best of any other class (0: a tie, 1: no rival). Nothing is downloaded at run time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

SIZE = 24  # pixels of a glyph's normalised box
ASPECT_WEIGHT = 3.0  # how much a glyph's width/height ratio counts against its pixels
LABELS = "๐๑๒๓๔๕๖๗๘๙0123456789"
MODEL = Path(__file__).resolve().parent.parent / "data" / "digit_templates.npz"


def normalise(glyph: np.ndarray) -> np.ndarray:
    """A glyph's ink (a 2-D bool array, cropped to it) as the model's features: the box, then the aspect."""
    h, w = glyph.shape
    side = max(h, w)
    square = np.zeros((side, side), dtype=np.float32)
    top, left = (side - h) // 2, (side - w) // 2
    square[top:top + h, left:left + w] = glyph
    from PIL import Image

    box = np.asarray(Image.fromarray(square * 255).resize((SIZE, SIZE), Image.BOX), dtype=np.float32) / 255
    return np.concatenate([box.ravel(), [ASPECT_WEIGHT * w / h]]).astype(np.float32)


@lru_cache(maxsize=1)
def _model() -> tuple[np.ndarray, np.ndarray]:
    with np.load(MODEL) as data:
        return data["features"].astype(np.float32), data["labels"]


def classify(glyph: np.ndarray, *, thai: bool | None = None) -> tuple[str, float]:
    """The digit ``glyph`` shows and the confidence (0-1). ``thai``: only Thai (True) or Arabic (False)
    digits are candidates; None: either."""
    features, labels = _model()
    if thai is not None:
        keep = labels < 10 if thai else labels >= 10
        features, labels = features[keep], labels[keep]
    dist = np.sqrt(((features - normalise(glyph)) ** 2).sum(axis=1))
    best = int(labels[np.argmin(dist)])
    own = dist[labels == best].min()
    rival = dist[labels != best].min() if (labels != best).any() else own * 2 + 1
    return LABELS[best], float(max(0.0, min(1.0, (rival - own) / max(rival, 1e-6) * 2)))
