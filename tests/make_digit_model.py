"""Builds itanb/data/digit_model.npz, the digit recogniser of scans (itanb/memo/digits.py).

Run from the repository root: ``.venv/bin/python tests/make_digit_model.py [--check]`` (needs Debian's
fonts-thai-tlwg; the file it writes is committed, so neither the fonts nor this script are needed at run
time).

Training glyphs are made the way a scan makes them: numbers (Thai ๐-๙ and Arabic 0-9, with dots), and as
"no digit" Thai letters and check marks (DejaVu), drawn with every regular and bold face of fonts-thai-tlwg
and the bundled Sarabun at the sizes a memo's digits have on a 200-300 dpi scan (5.5-16 pt), turned by up to
2° and back, blurred, lit unevenly, grainy, JPEG-compressed, thresholded at the reader's ink level, and cut
into glyphs by the reader's own code (``digits.digit_glyphs``). A small network (one hidden layer) learns
them; ``--check`` measures it on glyphs of other random numbers, sizes and noise than it learnt (printing
the confusions, and how many letters and marks it takes for sure digits).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from itanb.fonts import font_path  # noqa: E402
from itanb.memo.digits import LABELS, MODEL, OTHER, digit_glyphs, features  # noqa: E402

TLWG = Path("/usr/share/fonts/truetype/tlwg")
FACES = ("Laksaman", "Garuda", "Kinnari", "Loma", "Norasi", "Umpush", "Waree", "TlwgTypo", "Sawasdee")
INK = 150  # read_image.INK
# no digits, learnt as such: Thai letters (Tesseract's misread digits are next to them) and the marks of a
# status cell, drawn with DejaVu (fonts-dejavu-core)
LETTERS = "กขคฆงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรลวศษสหฬอฮเแโะาๆฯ"
MARKS = "✓✔✗✘☒xX"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def fonts() -> list[str]:
    found = [str(p) for face in FACES for p in (TLWG / f"{face}.ttf", TLWG / f"{face}-Bold.ttf")
             if p.exists()]
    if not found:
        sys.exit(f"make_digit_model: no fonts-thai-tlwg fonts in {TLWG} (apt-get install fonts-thai-tlwg)")
    return [*found, str(font_path("Regular")), str(font_path("Bold"))]


def scanned(text: str, path: str, px: int, rng: np.random.Generator) -> np.ndarray:
    """``text`` drawn at ``px`` pixels to the em as a scan leaves it: the page's ink (True)."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    font = ImageFont.truetype(path, px)
    img = Image.new("L", (px * (len(text) + 2), px * 3), 255)
    ImageDraw.Draw(img).text((px, px), text, font=font, fill=0)
    angle = rng.uniform(-2, 2) if rng.random() < 0.75 else 0.0
    if angle:
        img = img.rotate(angle, resample=Image.BILINEAR, fillcolor=255)
    if rng.random() < 0.5:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.2, 0.9)))
    light = rng.uniform(0.8, 1.0)
    grain = rng.normal(0, rng.uniform(4, 14), img.size[::-1])
    a = np.asarray(img, dtype=np.float32) * light + grain
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    if rng.random() < 0.5:
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=int(rng.integers(60, 95)))
        img = Image.open(io.BytesIO(buf.getvalue())).convert("L")
    if angle:
        img = img.rotate(-angle, resample=Image.BILINEAR, fillcolor=255)
    a = np.asarray(img, dtype=np.float32)
    a = a / max(np.percentile(a, 95), 1) * 255  # the reader evens the light out
    return a < INK + rng.uniform(-25, 25)


def number(rng: np.random.Generator, thai: bool) -> str:
    digits = "๐๑๒๓๔๕๖๗๘๙" if thai else "0123456789"
    n = int(rng.integers(2, 6))
    text = "".join(digits[int(i)] for i in rng.integers(0, 10, n))
    if rng.random() < 0.3:
        text = text[:2] + "." + text[2:] if n > 2 else text
    return text


def glyph_samples(count: int, seed: int, sizes: tuple[int, int]) -> list[list[tuple[np.ndarray, int]]]:
    """``count`` numbers' glyphs with their labels, where the reader cuts as many digits as were drawn; one
    in five a string of letters or a mark instead (label :data:`OTHER`)."""
    rng = np.random.default_rng(seed)
    paths = fonts()
    out = []
    for _ in range(count):
        path = paths[int(rng.integers(len(paths)))]
        if rng.random() < 0.2:
            marks = rng.random() < 0.4 and DEJAVU.exists()
            pool = MARKS if marks else LETTERS
            text = "".join(pool[int(i)] for i in rng.integers(0, len(pool), int(rng.integers(1, 4))))
            path = str(DEJAVU) if marks else path
        else:
            text = number(rng, rng.random() < 0.6)
        ink = scanned(text, path, int(rng.integers(*sizes)), rng)
        rows = np.nonzero(ink.any(axis=1))[0]
        if not len(rows):
            continue
        found = [g for g in digit_glyphs(ink, (0, rows[0], ink.shape[1], rows[-1] + 1))
                 if not isinstance(g, str)]
        labels = [LABELS.index(ch) if ch in LABELS else OTHER for ch in text if ch != "."]
        if len(found) == len(labels):
            out.append(list(zip(found, labels, strict=True)))
    return out


def samples(count: int, seed: int, sizes: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels of :func:`glyph_samples`."""
    pairs = [p for num in glyph_samples(count, seed, sizes) for p in num]
    return np.array([features(g) for g, _ in pairs], dtype=np.float32), np.array([c for _, c in pairs])


def train(x: np.ndarray, y: np.ndarray, hidden: int = 128, epochs: int = 40, seed: int = 0) -> dict:
    """A one-hidden-layer network (ReLU, softmax), Adam on the cross-entropy."""
    rng = np.random.default_rng(seed)
    mean, std = x.mean(axis=0), x.std(axis=0) + 0.05
    x = (x - mean) / std
    p = {"w1": rng.normal(0, np.sqrt(2 / x.shape[1]), (x.shape[1], hidden)).astype(np.float32),
         "b1": np.zeros(hidden, np.float32),
         "w2": rng.normal(0, np.sqrt(1 / hidden), (hidden, OTHER + 1)).astype(np.float32),
         "b2": np.zeros(OTHER + 1, np.float32)}
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v = {k: np.zeros_like(v) for k, v in p.items()}
    step, lr = 0, 2e-3
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        for at in range(0, len(x), 128):
            idx = order[at:at + 128]
            xb, yb = x[idx], y[idx]
            h = np.maximum(xb @ p["w1"] + p["b1"], 0)
            z = h @ p["w2"] + p["b2"]
            z = np.exp(z - z.max(axis=1, keepdims=True))
            prob = z / z.sum(axis=1, keepdims=True)
            prob[np.arange(len(yb)), yb] -= 1
            dz = prob / len(yb)
            dh = (dz @ p["w2"].T) * (h > 0)
            grads = {"w2": h.T @ dz + 1e-4 * p["w2"], "b2": dz.sum(axis=0),
                     "w1": xb.T @ dh + 1e-4 * p["w1"], "b1": dh.sum(axis=0)}
            step += 1
            for k, g in grads.items():
                m[k] = 0.9 * m[k] + 0.1 * g
                v[k] = 0.999 * v[k] + 0.001 * g * g
                p[k] -= lr * (m[k] / (1 - 0.9 ** step)) / (np.sqrt(v[k] / (1 - 0.999 ** step)) + 1e-8)
        if epoch == epochs * 2 // 3:
            lr /= 4
    return {**p, "mean": mean.astype(np.float32), "std": std.astype(np.float32)}


def check(count: int) -> None:
    """The shipped model on numbers it did not learn: the share of glyphs and of whole numbers read wrong
    (each number in the script that explains it better), and the commonest confusions; letters and marks
    taken for digits."""
    from itanb.memo import digits

    digits._model.cache_clear()
    for sizes, name in (((14, 30), "small (5.5-8.5 pt at 200 dpi)"), ((30, 72), "large")):
        drawn = glyph_samples(count, 99, sizes)
        nums = [n for n in drawn if n[0][1] != OTHER]
        others = [n for n in drawn if n[0][1] == OTHER]
        pairs: dict[str, int] = {}
        glyphs = numbers_wrong = unsure = 0
        for num in nums:
            read, confs = digits.read_digits([g for g, _ in num])
            true = "".join(LABELS[c] for _, c in num)
            glyphs += sum(a != b for a, b in zip(read, true, strict=True))
            numbers_wrong += read != true and min(confs) >= 0.75
            unsure += min(confs) < 0.75
            for a, b in zip(true, read, strict=True):
                if a != b:
                    pairs[f"{a}->{b}"] = pairs.get(f"{a}->{b}", 0) + 1
        sure_others = sum(min(digits.read_digits([g for g, _ in n])[1]) >= 0.75 for n in others)
        total = sum(len(n) for n in nums)
        print(f"{name}: {total} glyphs, {glyphs / total:.4f} wrong; {len(nums)} numbers, "
              f"{numbers_wrong / len(nums):.4f} wrong and sure, {unsure / len(nums):.4f} unsure; "
              f"{len(others)} letters or marks, {sure_others / max(len(others), 1):.4f} read as sure digits; "
              + ", ".join(f"{k} {n}" for k, n in sorted(pairs.items(), key=lambda kv: -kv[1])[:12]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="measure the shipped model on unseen glyphs")
    ap.add_argument("--numbers", type=int, default=32000)
    args = ap.parse_args()
    if args.check:
        check(args.numbers // 6)
        return
    x1, y1 = samples(args.numbers // 2, 1, (14, 30))
    x2, y2 = samples(args.numbers // 2, 2, (30, 72))
    x, y = np.concatenate([x1, x2]), np.concatenate([y1, y2])
    model = train(x, y)
    np.savez_compressed(MODEL, **{k: v.astype(np.float16) for k, v in model.items()})
    print(f"{MODEL.relative_to(ROOT)}: learnt from {len(y)} glyphs, {MODEL.stat().st_size} bytes")


if __name__ == "__main__":
    main()
