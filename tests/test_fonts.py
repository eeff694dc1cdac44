"""The embedded web font: Sarabun subset to a page's characters, Thai shaping kept (GSUB/GPOS/GDEF)."""

from __future__ import annotations

import base64
import io
import re

import matplotlib
import numpy as np
import pytest
from fontTools.ttLib import TTFont
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from itanb import fonts

# stacked marks, sara am after a tone mark, ญ/ฐ above a lower vowel, a narrow and a tall consonant
THAI = "ที่ตั้ง น้ำ ตำบล อำเภอ ญี่ปุ่น ฐานะ ปู่ ฎีกา ป่า ฝั่ง ผ่านดีเยี่ยม ต้องปรับปรุงโดยด่วน"


def _draw(text: str, font_file, size: int = 28) -> np.ndarray:
    """Pixels of ``text`` drawn by matplotlib (FreeType + HarfBuzz/Raqm shaping) with ``font_file``.

    Unhinted, as browsers draw it: FreeType's auto-hinter measures reference letters of the whole font
    (which a subset may lack), so hinted pixels could differ by a shade where the shapes are the same.
    """
    with matplotlib.rc_context({"text.hinting": "no_hinting"}):
        fig = Figure(figsize=(14, 1), dpi=72)
        fig.text(0.01, 0.3, text, fontproperties=FontProperties(fname=str(font_file), size=size))
        buf = io.BytesIO()
        fig.savefig(buf, format="raw", dpi=72)
    return np.frombuffer(buf.getvalue(), dtype=np.uint8)


def _ttf(tmp_path, data: bytes, name: str):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("style", ["Regular", "Bold"])
def test_subset_draws_thai_exactly_as_the_full_font(tmp_path, style):
    subset = _ttf(tmp_path, fonts.subset_font(style, THAI, flavor=None), f"subset-{style}.ttf")
    assert np.array_equal(_draw(THAI, subset), _draw(THAI, fonts.font_path(style)))


@pytest.mark.filterwarnings("ignore:Glyph")
def test_the_drawing_check_sees_lost_layout_features(tmp_path):
    """Cut without its layout features, the same text draws differently: the check above can fail."""
    from fontTools import subset

    font = TTFont(fonts.font_path("Regular"))
    sub = subset.Subsetter(subset.Options(layout_features=[]))
    sub.populate(text=THAI)
    sub.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    bare = _ttf(tmp_path, buf.getvalue(), "bare.ttf")
    assert not np.array_equal(_draw(THAI, bare), _draw(THAI, fonts.font_path("Regular")))


def test_subset_is_small_and_keeps_the_layout_tables_and_the_licence():
    data = fonts.subset_font("Regular", THAI)
    assert data[:4] == b"wOF2"
    assert len(data) < fonts.font_path("Regular").stat().st_size / 4
    font = TTFont(io.BytesIO(data))
    assert {"GSUB", "GPOS", "GDEF"} <= set(font.keys())
    cmap = font.getBestCmap()
    full = set(TTFont(fonts.font_path("Regular")).getBestCmap())
    assert ({ord(c) for c in THAI} | {ord(c) for c in fonts.ALWAYS}) & full <= set(cmap)
    assert ord("é") not in cmap  # what the text does not use is gone
    names = " ".join(r.toUnicode() for r in font["name"].names)
    assert "Open Font License" in names or "OFL" in names


def test_font_css_embeds_woff2_faces_of_the_page_characters():
    page = "<html><body><h1>รายงาน &amp; ผล</h1><p title=\"é\">ตำบล &eacute;&#xfc;</p></body></html>"
    css = fonts.font_css(page)
    faces = re.findall(r'font-weight: (\d+);[^}]*url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\) '
                       r'format\("woff2"\)', css)
    assert [w for w, _ in faces] == ["400", "700"]
    cmap = TTFont(io.BytesIO(base64.b64decode(faces[0][1]))).getBestCmap()
    assert {ord(c) for c in "รายงาน&ผลตำบลéü"} <= set(cmap)
    assert ord("ö") not in cmap
    assert "Open Font License" in css


def test_subset_is_the_same_bytes_every_time():
    """Reports are compared and cached by content: the font must not carry the time it was cut."""
    import time

    first = fonts._cut("Regular", "ตำบล", "woff2")  # cut, not read from the disk cache
    time.sleep(1.1)  # the head table's timestamp has a resolution of one second
    assert fonts._cut("Regular", "ตำบล", "woff2") == first


def _cut_again(monkeypatch, cache_dir):
    """Forget this process's cuts and point the disk cache at ``cache_dir``, counting the cuts made."""
    from itanb import paths

    monkeypatch.setattr(paths, "CACHE", cache_dir)
    fonts._subset.cache_clear()
    cuts = []
    real = fonts._cut
    monkeypatch.setattr(fonts, "_cut", lambda *a: cuts.append(a) or real(*a))
    return cuts


def test_a_cut_is_kept_on_disk_and_read_back_by_the_next_process(monkeypatch, tmp_path):
    cuts = _cut_again(monkeypatch, tmp_path / "cache")
    first = fonts.subset_font("Bold", "ตำบล")
    kept = list((tmp_path / "cache" / "fonts").iterdir())
    assert len(cuts) == 1 and len(kept) == 1 and kept[0].read_bytes() == first
    fonts._subset.cache_clear()  # as a new process would start
    assert fonts.subset_font("Bold", "ตำบล") == first
    assert len(cuts) == 1  # read from the disk, not cut again
    fonts.subset_font("Bold", "ตำบล é")  # another character: another file, never the first one
    assert len(cuts) == 2 and len(list((tmp_path / "cache" / "fonts").iterdir())) == 2


def test_a_damaged_cache_file_is_cut_again_and_replaced(monkeypatch, tmp_path):
    cuts = _cut_again(monkeypatch, tmp_path / "cache")
    good = fonts.subset_font("Regular", "ตำบล")
    (kept,) = (tmp_path / "cache" / "fonts").iterdir()
    kept.write_bytes(good[: len(good) // 2])  # cut short, signature intact
    fonts._subset.cache_clear()
    assert fonts.subset_font("Regular", "ตำบล") == good
    assert len(cuts) == 2 and kept.read_bytes() == good


def test_a_cache_that_cannot_be_written_only_costs_a_cut(monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    cuts = _cut_again(monkeypatch, blocker / "cache")
    assert fonts.subset_font("Regular", "ตำบล")[:4] == b"wOF2"
    assert len(cuts) == 1 and blocker.read_text() == "x"
