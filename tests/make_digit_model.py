"""Builds itanb/data/digit_templates.npz, the digit recogniser's templates (itanb/memo/digits.py).

Run from the repository root: ``.venv/bin/python tests/make_digit_model.py`` (needs Debian's fonts-thai-tlwg;
the file it writes is committed, so neither the fonts nor this script are needed at run time). Each Thai
(๐-๙) and Arabic (0-9) digit is drawn with every regular and bold face of fonts-thai-tlwg and the bundled
Sarabun, at several sizes, plain, thickened and thinned (a scan's ink spreads or fades), and kept as the
model's features.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from itanb.fonts import font_path  # noqa: E402
from itanb.memo.digits import LABELS, MODEL, normalise  # noqa: E402

TLWG = Path("/usr/share/fonts/truetype/tlwg")
FACES = ("Laksaman", "Garuda", "Kinnari", "Loma", "Norasi", "Umpush", "Waree", "TlwgTypo", "Sawasdee")
SIZES = (24, 30, 40, 56)


def fonts() -> list[str]:
    found = [str(p) for face in FACES for p in (TLWG / f"{face}.ttf", TLWG / f"{face}-Bold.ttf")
             if p.exists()]
    if not found:
        sys.exit(f"make_digit_model: no fonts-thai-tlwg fonts in {TLWG} (apt-get install fonts-thai-tlwg)")
    return [*found, str(font_path("Regular")), str(font_path("Bold"))]


def glyph(font, ch: str) -> np.ndarray:
    from PIL import Image, ImageDraw

    img = Image.new("L", (font.size * 3, font.size * 3), 0)
    ImageDraw.Draw(img).text((font.size, font.size // 2), ch, font=font, fill=255)
    ink = np.asarray(img) > 127
    return _crop(ink)


def variants(ink: np.ndarray) -> list[np.ndarray]:
    """The glyph plain, thickened, thinned, and as a scan leaves it (blurred, grainy, thresholded)."""
    from PIL import Image, ImageFilter

    img = Image.fromarray(np.pad(ink, 3).astype(np.uint8) * 255)
    out = [ink, np.asarray(img.filter(ImageFilter.MaxFilter(3))) > 127]
    thin = np.asarray(img.filter(ImageFilter.MinFilter(3))) > 127
    if thin.sum() > ink.sum() * 0.4:
        out.append(thin)
    rng = np.random.default_rng(ink.size)
    for radius, level in ((1.0, 100), (1.5, 140)):
        blurred = np.asarray(img.filter(ImageFilter.GaussianBlur(radius)), dtype=np.float32)
        out.append(blurred + rng.normal(0, 20, blurred.shape) > level)
    return [_crop(v) for v in out if v.sum() > ink.sum() * 0.3]


def _crop(ink: np.ndarray) -> np.ndarray:
    rows, cols = np.nonzero(ink.any(axis=1))[0], np.nonzero(ink.any(axis=0))[0]
    return ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def main() -> None:
    from PIL import ImageFont

    features, labels = [], []
    for path in fonts():
        for size in SIZES:
            font = ImageFont.truetype(path, size)
            for label, ch in enumerate(LABELS):
                for ink in variants(glyph(font, ch)):
                    features.append(normalise(ink))
                    labels.append(label)
    np.savez_compressed(MODEL, features=np.array(features, dtype=np.float16),
                        labels=np.array(labels, dtype=np.int8))
    print(f"{MODEL.relative_to(ROOT)}: {len(labels)} templates, {MODEL.stat().st_size} bytes")


if __name__ == "__main__":
    main()
