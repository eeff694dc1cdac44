"""How exactly scans of memos are read: SYNTHETIC memos (``itanb.synth``) laid out three ways
(tests/scans.py: itanb's PDF writer, Word through LibreOffice, Word with check boxes), scanned at 300 and
200 dpi, read by itanb, and every field compared with the memo's own text.

Run from the repository root (needs tesseract-ocr, tesseract-ocr-tha and LibreOffice)::

    .venv/bin/python tests/ocr_accuracy.py --seed 7 --memos 6 [--out /tmp/corpus] [--layouts pdf,word,boxes]

It prints each scan's wrong fields (read -> true, and whether an ``ocr_uncertain`` finding covers it) and, per
dpi, the share of scans with each field right. The memos of a seed are made once under ``--out``; the OCR
cache (``ITANB_CACHE``) keeps Tesseract's words, so a second run measures the reading after them.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from itanb.errors import InputError  # noqa: E402
from itanb.memo import parse_memo_bytes  # noqa: E402
from tests.scans import LAYOUTS, differences, flagged, image_pdf, memo_pdf, scan  # noqa: E402

CONDITIONS = ((300, 1.2, None), (200, -1.5, 80))  # dpi, angle, JPEG quality


def corpus(seed: int, memos: int, layouts: tuple[str, ...], out: Path) -> list[tuple[str, str, Path]]:
    """(name, Markdown text, PDF) of ``memos`` SYNTHETIC memos of ``seed``, each in every layout."""
    from itanb.synth.plan import plan_synthetic

    plan = plan_synthetic(memos, (2565, 2567), seed=seed)
    made = []
    for m in plan.memos:
        for layout in layouts:
            name = f"synthetic-{seed}-{m.number:03d}-{layout}"
            path = out / f"{name}.pdf"
            if not path.exists():
                pdf = memo_pdf(m.text, layout, name)
                if pdf is None:
                    sys.exit("ocr_accuracy: LibreOffice (soffice) is needed for the Word layouts")
                out.mkdir(parents=True, exist_ok=True)
                path.write_bytes(pdf)
            made.append((name, m.text, path))
    return made


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--memos", type=int, default=4)
    ap.add_argument("--layouts", default=",".join(LAYOUTS))
    ap.add_argument("--out", type=Path, default=Path("/tmp/itanb-ocr-corpus"))
    ap.add_argument("--dpi", default="300,200")
    args = ap.parse_args()
    dpis = {int(d) for d in args.dpi.split(",")}
    files = corpus(args.seed, args.memos, tuple(args.layouts.split(",")),
                   args.out / f"seed-{args.seed}-n{args.memos}")
    for dpi, angle, jpeg in (c for c in CONDITIONS if c[0] in dpis):
        right: Counter[str] = Counter()
        silent = 0
        started = time.perf_counter()
        for name, text, path in files:
            truth = parse_memo_bytes(text.encode(), f"{name}.md")
            try:
                got = parse_memo_bytes(image_pdf(scan(path.read_bytes(), dpi, angle, jpeg=jpeg), dpi),
                                       f"{name}.pdf")
            except InputError as exc:
                print(f"{dpi} {name}: REFUSED {exc}")
                continue
            wrong = differences(got, truth)
            covered = flagged(got)
            for field in ("memo_date", "fiscal_year", "score", "assessed_fiscal_year", "level_reported",
                          "measures", "status", "due", "measure", "owners", "agency", "province"):
                right[field] += not any(k == field or k.endswith(f".{field}") for k in wrong)
            silent += any(k not in covered for k in wrong)
            print(f"{dpi} {name}: {len(wrong)} wrong" + "".join(
                f"\n    {k}: {g!r} -> {w!r}{'' if k in covered else '  (NOT FLAGGED)'}"
                for k, (g, w) in wrong.items()), flush=True)
        n = len(files)
        print(f"== {dpi} dpi, {n} scans, {time.perf_counter() - started:.0f} s: "
              + ", ".join(f"{k} {v / n:.2f}" for k, v in right.items())
              + f"; scans with an unflagged error {silent}")


if __name__ == "__main__":
    main()
