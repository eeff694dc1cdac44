"""Scans made here, as a scanner gives them, from memos whose text is known: used by tests/test_ocr.py and by
the accuracy harness tests/ocr_accuracy.py.

A memo's PDF (laid out by itanb's own writer, or a Word file of it converted by headless LibreOffice) is
rendered at 200 or 300 dpi, turned by up to 2°, lit unevenly, noised, optionally JPEG-compressed, and saved
as an image-only PDF (no text layer). The memos are SYNTHETIC (``itanb.synth``) or the fictional fixtures of
tests/fixtures/memo_formats.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np
from PIL import Image

from itanb.memo import ParsedMemo
from itanb.thai import normalize_for_matching


def scan(pdf: bytes, dpi: int, angle: float, *, jpeg: int | None = None, seed: int = 1) -> list[Image.Image]:
    """The pages of ``pdf`` as a scanner gives them: ``dpi``, turned by ``angle``°, light falling off to 80%
    across the page, grain, optionally JPEG-compressed."""
    import pypdfium2 as pdfium

    rng = np.random.default_rng(seed)
    doc = pdfium.PdfDocument(pdf)
    pages = []
    for i in range(len(doc)):
        img = doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        img = img.rotate(angle, resample=Image.BILINEAR, fillcolor=255)
        a = np.asarray(img, dtype=np.float32) * np.linspace(1.0, 0.8, img.width)[None, :]
        img = Image.fromarray(np.clip(a + rng.normal(0, 10, a.shape), 0, 255).astype(np.uint8))
        if jpeg:
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=jpeg)
            img = Image.open(io.BytesIO(buf.getvalue())).convert("L")
        pages.append(img)
    return pages


def image_pdf(pages: list[Image.Image], dpi: int) -> bytes:
    """An image-only PDF (no text layer) of ``pages``."""
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return buf.getvalue()


def similar(a: str, b: str) -> float:
    return SequenceMatcher(None, normalize_for_matching(a), normalize_for_matching(b)).ratio()


# --- SYNTHETIC memos laid out three ways --------------------------------------------------------------------

LAYOUTS = ("pdf", "word", "boxes")  # itanb's PDF writer; Word via LibreOffice; Word with a check box per cell
# ☐, ☒, ✓ (fonts-dejavu-core) and Wingdings' symbols (OpenSymbol, fonts-opensymbol), both beside LibreOffice
SYMBOL_FONTS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/libreoffice"))
_STATUS_ROW = re.compile(r"^(\|[^|\n]*\|[^|\n]*)\|([^|\n]*)\|([^|\n]*)\|([^|\n]*)\|\s*$", re.MULTILINE)


def boxed(text: str) -> str:
    """A memo's Markdown with every status row's three cells as check boxes (``[x]`` where it is marked,
    ``[ ]`` elsewhere), as forms made with Word's check box controls are."""
    from itanb.memo.write_word import MARK_TEXTS

    def row(m: re.Match[str]) -> str:
        cells = [c.strip() for c in m.groups()[1:]]
        if not all(c in MARK_TEXTS or c == "" for c in cells) or not any(cells):
            return m.group(0)
        return m.group(1) + "|" + "|".join(" [x] " if c else " [ ] " for c in cells) + "|"

    return _STATUS_ROW.sub(row, text)


def memo_pdf(text: str, layout: str, name: str = "memo") -> bytes | None:
    """The PDF of a memo's Markdown ``text`` laid out as ``layout`` (:data:`LAYOUTS`); None where LibreOffice
    is not installed."""
    from itanb.memo.read_text import read_text

    if layout == "pdf":
        from itanb.memo.write_pdf import PdfStyle, write_pdf

        return write_pdf(read_text(text, f"{name}.md"), PdfStyle(mark="/"))
    if shutil.which("soffice") is None:
        return None
    from itanb.memo.write_word import WordStyle, write_docx
    from tests.fixtures import libreoffice

    doc = read_text(boxed(text) if layout == "boxes" else text, f"{name}.md")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"{name}.docx"
        src.write_bytes(write_docx(doc, WordStyle(mark="checkbox" if layout == "boxes" else "text")))
        out = libreoffice.convert(src, "pdf", Path(tmp), alias="TH SarabunPSK", fonts=SYMBOL_FONTS)
        return out.read_bytes()


# --- what a scan's reading got wrong ------------------------------------------------------------------------


def differences(got: ParsedMemo, want: ParsedMemo) -> dict[str, tuple]:
    """field -> (read, true) of every field read wrong; names and owners when under 0.8 similar."""
    out: dict[str, tuple] = {}
    for name in ("memo_date", "fiscal_year", "agency", "province"):
        if getattr(got, name) != getattr(want, name):
            out[name] = (getattr(got, name), getattr(want, name))
    ga, wa = got.assessment, want.assessment
    for name, field in (("score", "score"), ("assessed_fiscal_year", "fiscal_year"),
                        ("level_reported", "level_reported")):
        g, w = (getattr(a, field) if a is not None else None for a in (ga, wa))
        if g != w:
            out[name] = (g, w)
    if len(got.measures) != len(want.measures):
        out["measures"] = (len(got.measures), len(want.measures))
    for g, w in zip(got.measures, want.measures, strict=False):
        if g.status != w.status:
            out[f"measures[{w.no}].status"] = (g.status, w.status)
        if g.due != w.due:
            out[f"measures[{w.no}].due"] = (g.due_text, w.due_text)
        if similar(g.measure, w.measure) < 0.8:
            out[f"measures[{w.no}].measure"] = (g.measure, w.measure)
        if similar(" ".join(g.owners), " ".join(w.owners)) < 0.8:
            out[f"measures[{w.no}].owners"] = (" ".join(g.owners), " ".join(w.owners))
    return out


def flagged(memo: ParsedMemo) -> set[str]:
    """The fields an ``ocr_uncertain`` finding names."""
    return {f.message.split()[1] for f in memo.findings if f.code == "ocr_uncertain"}
