"""Charts: Thai text drawn with the bundled Sarabun file, no missing glyph, Thai or Arabic digits."""

from __future__ import annotations

import io
import re
import warnings

import matplotlib
import pytest
from conftest import cut_off_texts
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from itanb import charts, compare, fonts

matplotlib.use("Agg")
THAI_DIGIT = re.compile("[\u0e50-\u0e59]")
ARABIC_DIGIT = re.compile("[0-9]")


def _figures(tables, yoy, thai_digits):
    return {
        "score_trend": charts.score_trend(yoy, thai_digits=thai_digits),
        "measure_status": charts.measure_status(yoy, thai_digits=thai_digits),
        **{f"portfolio_{fy}": charts.portfolio_distribution(compare.portfolio(tables, fy),
                                                            thai_digits=thai_digits) for fy in (2565, 2567)},
    }


def _draw(fig: Figure) -> list[warnings.WarningMessage]:
    """Render for real (a bare Figure's base canvas draws nothing) and return the warnings raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png", dpi=50)
    return caught


def _texts(fig: Figure) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]


def _glyph_warnings(caught) -> list[str]:
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_the_check_would_catch_a_missing_thai_glyph():
    """Without the bundled font, matplotlib warns about Thai glyphs: the absence below means something."""
    fig = Figure()
    fig.text(0.5, 0.5, "ผ่านดีเยี่ยม", family="DejaVu Sans")
    assert _glyph_warnings(_draw(fig))


@pytest.mark.parametrize("thai_digits", [False, True])
def test_no_missing_glyph_and_only_the_bundled_font(synthetic_example, synthetic_yoy, thai_digits):
    bundled = str(fonts.font_path("Regular"))
    charmap = FT2Font(bundled).get_charmap()
    for name, fig in _figures(synthetic_example, synthetic_yoy, thai_digits).items():
        assert isinstance(fig, Figure)
        assert _glyph_warnings(_draw(fig)) == [], name
        texts = _texts(fig)
        assert texts, name
        for text in texts:
            assert charts.font_file(text) == bundled, (name, text.get_text())
            missing = {ch for ch in text.get_text() if ch not in "\n" and ord(ch) not in charmap}
            assert not missing, (name, text.get_text(), missing)  # no fallback font needed either


def test_thai_text_with_tone_marks_is_drawn(synthetic_example, synthetic_yoy):
    trend = charts.score_trend(synthetic_yoy)
    _draw(trend)
    words = " ".join(t.get_text() for t in _texts(trend))
    for word in ("ผ่านดีเยี่ยม", "ต้องปรับปรุงโดยด่วน", "ต้องปรับปรุง", "ค่าเฉลี่ยระดับประเทศ", "เกณฑ์ผ่าน"):
        assert word in words
    fig = charts.portfolio_distribution(compare.portfolio(synthetic_example, 2567))
    _draw(fig)
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == ["ต้องปรับปรุงโดยด่วน", "ต้องปรับปรุง", "ผ่าน", "ผ่านดี", "ผ่านดีเยี่ยม"]


def test_thai_digits_on_request(synthetic_yoy):
    fig = charts.score_trend(synthetic_yoy, thai_digits=True)
    _draw(fig)
    ax = fig.axes[0]
    years = [t.get_text() for t in charts.tick_labels(ax, "x")]
    assert years[0] == "๒๕๖๒" and "๒๕๖๔" in years  # the skipped year keeps its tick
    ticks = [t.get_text() for t in charts.tick_labels(ax, "x") + charts.tick_labels(ax, "y")]
    assert len(ticks) > len(years) and all(THAI_DIGIT.search(t) and not ARABIC_DIGIT.search(t) for t in ticks)
    assert any("๘๖.๗๘" in t.get_text() for t in _texts(fig))

    arabic = charts.score_trend(synthetic_yoy)
    _draw(arabic)
    assert charts.tick_labels(arabic.axes[0], "x")[0].get_text() == "2562"
    assert [t.get_text() for t in charts.tick_labels(arabic.axes[0], "y")][-2:] == ["90", "100"]
    assert any("86.78" in t.get_text() for t in _texts(arabic))


def test_font_registered_by_path_and_found_by_family():
    from matplotlib import font_manager

    assert charts.register_fonts() == "Sarabun"
    found = str(font_manager.findfont(font_manager.FontProperties(family="Sarabun")))
    assert found == str(fonts.font_path("Regular"))
    assert str(font_manager.findfont(font_manager.FontProperties(family="Sarabun", weight="bold"))) == str(
        fonts.font_path("Bold"))


def test_charts_do_not_touch_pyplot_or_global_rc(synthetic_yoy):
    import matplotlib.pyplot as plt

    before = matplotlib.rcParams["font.family"]
    charts.score_trend(synthetic_yoy)
    assert plt.get_fignums() == []
    assert matplotlib.rcParams["font.family"] == before


def test_empty_inputs_still_give_a_figure(synthetic_yoy):
    empty = synthetic_yoy.iloc[0:0]
    for fig in (charts.score_trend(empty), charts.measure_status(empty)):
        assert _glyph_warnings(_draw(fig)) == []
    no_measures = synthetic_yoy.assign(measures_total=0)
    assert "ไม่มีข้อมูลมาตรการ" in [t.get_text() for t in _texts(charts.measure_status(no_measures))]


def test_saves_png(tmp_path, synthetic_yoy):
    path = tmp_path / "trend.png"
    charts.score_trend(synthetic_yoy, thai_digits=True).savefig(path, dpi=60)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _near_national(yoy):
    """The synthetic record with each year's national average just above the score (as in the shipped data:
    74.83 against 81.30), where a label above the point would cover the national-average marker."""
    return yoy.assign(national_average=yoy["score"] + 4)


@pytest.mark.parametrize("variant", ["synthetic", "national_just_above"])
def test_score_labels_overlap_no_marker_and_no_other_text(synthetic_yoy, variant):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    yoy = synthetic_yoy if variant == "synthetic" else _near_national(synthetic_yoy)
    fig = charts.score_trend(yoy)
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw_without_rendering()
    ax = fig.axes[0]
    labels = [t for t in ax.texts if hasattr(t, "xy")]
    assert len(labels) == int(yoy["score"].notna().sum())
    boxes = {id(t): t.get_window_extent(renderer) for t in ax.texts if t.get_text().strip()}
    national = yoy[["fiscal_year", "national_average"]].dropna()
    nat_markers = [charts.marker_extent(ax, x, y, charts.NATIONAL_MARKER)
                   for x, y in zip(national["fiscal_year"], national["national_average"], strict=True)]
    legend = Bbox.union([a.get_window_extent(renderer) for a in charts.legend_artists(fig)])
    for label in labels:
        box = boxes[id(label)]
        for other in ax.texts:
            if other is not label and other.get_text().strip():
                assert not box.overlaps(boxes[id(other)]), (label.get_text(), other.get_text())
        for marker in nat_markers:
            assert not box.overlaps(marker), (label.get_text(), "national average marker")
        for other in labels:
            if other is not label:
                assert not box.overlaps(charts.marker_extent(ax, *other.xy)), (label.get_text(), other.xy)
        assert not box.overlaps(legend)


def test_the_overlap_check_sees_a_label_on_a_marker(synthetic_yoy):
    """Without the placement, the shipped case overlaps: the label check above can fail."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    yoy = _near_national(synthetic_yoy)
    fig = charts.score_trend(yoy)
    renderer = FigureCanvasAgg(fig).get_renderer()
    ax = fig.axes[0]
    label = next(t for t in ax.texts if hasattr(t, "xy"))
    label.set_position((0, 8))
    label.set_ha("center")
    label.set_va("bottom")
    fig.draw_without_rendering()
    x, y = label.xy
    national = charts.marker_extent(ax, x, y + 4, charts.NATIONAL_MARKER)
    assert label.get_window_extent(renderer).overlaps(national)


def test_png_is_compact_and_keeps_the_chart(synthetic_yoy):
    from PIL import Image

    data = charts.png_bytes(charts.score_trend(synthetic_yoy))
    plain = io.BytesIO()  # matplotlib's own RGBA file of the same figure (laid out as built: no cropping)
    charts.score_trend(synthetic_yoy).savefig(plain, format="png", dpi=charts.PNG_DPI)
    assert len(data) < len(plain.getvalue()) / 2
    image, reference = Image.open(io.BytesIO(data)), Image.open(plain)
    assert image.size == reference.size and image.mode == "P"
    assert len(image.getcolors()) <= charts.PNG_COLOURS
    # no dithering, no shift: the blue of the scores is still there, to within rounding
    score = [round(c * 255) for c in matplotlib.colors.to_rgb(charts.SCORE_COLOR)]
    assert any(sum(abs(a - b) for a, b in zip(rgb, score, strict=True)) <= 6
               for _, rgb in image.convert("RGB").getcolors())


@pytest.mark.parametrize("thai_digits", [False, True])
def test_the_fixed_layout_cuts_off_no_text_and_the_legend_covers_no_axis(synthetic_example, synthetic_yoy,
                                                                          thai_digits):
    """The charts are laid out once with fixed margins (no cropping to the drawn content): every text of
    every chart, in both digit systems, with and without a title, stays inside the PNG, and a legend below
    the plot covers none of the axes' texts."""
    figures = {**_figures(synthetic_example, synthetic_yoy, thai_digits),
               "portfolio_titled": charts.portfolio_distribution(compare.portfolio(synthetic_example, 2567),
                                                                 thai_digits=thai_digits, title="ภาพรวม"),
               "trend_near_national": charts.score_trend(_near_national(synthetic_yoy), thai_digits)}
    for name, fig in figures.items():
        charts.png_bytes(fig)
        assert cut_off_texts(fig) == [], name
        renderer = fig.canvas.get_renderer()
        ours = charts.legend_artists(fig)
        boxes = [legend.get_window_extent(renderer) for legend in fig.legends]
        boxes += [Bbox.union([a.get_window_extent(renderer) for a in ours])] if ours else []
        assert boxes or name.startswith("portfolio"), name  # the trend and status charts have a legend
        for box in boxes:
            axes_texts = [t for ax in fig.axes for t in ax.findobj(Text) if t.get_visible() and t.get_text()]
            assert not [t.get_text() for t in axes_texts if box.overlaps(t.get_window_extent(renderer))], name


def test_the_containment_check_sees_a_cut_off_text(synthetic_yoy):
    fig = charts.score_trend(synthetic_yoy)
    fig.subplots_adjust(left=0.01)  # no room for the y tick labels and the y label
    charts.png_bytes(fig)
    assert "คะแนน ITA" in cut_off_texts(fig)


def test_a_chart_is_drawn_once_for_its_png(synthetic_yoy):
    """Layout and label placement measure the texts without drawing: the PNG is the figure's only draw."""
    fig = charts.score_trend(synthetic_yoy)
    draws = []
    fig.canvas.mpl_connect("draw_event", draws.append)
    charts.png_bytes(fig)
    assert len(draws) == 1


@pytest.mark.parametrize("thai_digits", [False, True])
def test_texts_shaped_once_per_process_give_matplotlibs_own_pixels(synthetic_yoy, thai_digits):
    """The charts' canvas keeps each text's shaping and metrics in a cache (charts.agg.TextCache, the
    process's by default): the PNG is the same byte for byte drawn with an empty cache, with the same cache
    full from an earlier chart, with the process's cache, or by matplotlib's own Agg canvas (no report's chart
    depends on what an earlier one left behind)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from itanb.charts import agg

    def drawn(canvas):
        fig = charts.score_trend(synthetic_yoy, thai_digits)
        canvas(fig)
        return charts.png_bytes(fig)

    texts = agg.TextCache()
    cold = drawn(lambda fig: agg.Canvas(fig, texts))
    assert texts.glyphs and texts.metrics and texts.bitmaps  # the cache was used
    filled = len(texts)
    warm = drawn(lambda fig: agg.Canvas(fig, texts))
    assert len(texts) == filled  # nothing new to shape or render: the second chart was all looked up
    assert cold == warm == drawn(lambda fig: None) == drawn(FigureCanvasAgg)


def test_ticks_drawn_without_tick_objects_are_matplotlibs_own_pixel_for_pixel():
    """charts.base.ticks draws ticks, tick labels and grid lines as a few plain artists, and base.bars the
    bars as one collection: the PNG is byte for byte the one matplotlib's own ticks and bars give (labels,
    grid under the bars, axis labels at the same place, the same x limits)."""
    from itanb.charts import base

    years, levels, scores = [2565, 2566, 2567], [0, 50, 100], [80, 95, 60]
    colours = [base.SCORE_COLOR, base.PASS_COLOR, base.SCORE_COLOR]

    def chart(plain: bool) -> bytes:
        with base.thai_rc():
            fig, (ax,) = base.new_figure((4.0, 3.0), tick_objects=not plain)
            if plain:
                base.bars(ax, years, scores, colours)
            else:
                ax.bar(years, scores, color=colours, zorder=2)
            ax.set_ylim(0, 108)
            if plain:
                base.ticks(ax, "x", years, [base.digits(y, True) for y in years])
                base.axis_label(ax, "x", "ปีงบประมาณ")
                base.ticks(ax, "y", levels, [str(v) for v in levels], grid_alpha=0.3)
                base.axis_label(ax, "y", "คะแนน")
            else:
                ax.set_xticks(years, [base.digits(y, True) for y in years])
                ax.set_xlabel("ปีงบประมาณ")
                ax.set_yticks(levels, [str(v) for v in levels])
                ax.set_ylabel("คะแนน")
                ax.grid(axis="y", alpha=0.3)
            ax.set_title("ทดสอบ", y=1.0 if plain else None)
            base.fit(fig, margins={"left": 0.8, "right": 0.2, "top": 0.4, "bottom": 0.6})
        return charts.png_bytes(fig)

    assert chart(plain=True) == chart(plain=False)


def test_a_chart_starts_from_a_copy_of_a_blank_figure_the_same_as_a_new_one(synthetic_yoy, monkeypatch):
    """base.new_figure copies a blank figure kept (pickled) for the process: each copy is a figure of its
    own, a copy follows matplotlib's settings as a new figure would, and the chart's PNG is byte for byte
    the one it gets from a figure made afresh."""
    from matplotlib.colors import to_hex

    from itanb.charts import base

    kept = charts.png_bytes(charts.score_trend(synthetic_yoy))
    (first, (ax1,)), (second, (ax2,)) = base.new_figure((4.0, 3.0)), base.new_figure((4.0, 3.0))
    ax1.text(0.5, 0.5, "ทดสอบ")
    assert first is not second and ax1 is not ax2 and not ax2.texts
    with matplotlib.rc_context({"axes.facecolor": "#ff0000"}):
        assert to_hex(base.new_figure((4.0, 3.0))[1][0].get_facecolor()) == "#ff0000"
    assert to_hex(base.new_figure((4.0, 3.0))[1][0].get_facecolor()) == "#ffffff"
    monkeypatch.setattr(base.BlankFigures, "copy", lambda _self, *args: base._blank_figure(*args))
    assert charts.png_bytes(charts.score_trend(synthetic_yoy)) == kept


@pytest.mark.parametrize("deflater", ["zlib-ng", "zlib"])
def test_the_png_writer_gives_pil_the_same_image_back(synthetic_yoy, monkeypatch, deflater):
    """charts.png writes the indexed PNG itself (zlib-ng's deflate, else zlib's): PIL reads back the same
    size, mode, palette and pixels as the image written, and the file is about the size of PIL's own (its
    zlib at level 8: within 2 %)."""
    import zlib

    import numpy as np
    from PIL import Image

    from itanb.charts import png

    if deflater == "zlib":
        monkeypatch.setattr(png, "deflater", zlib)
    data = charts.png_bytes(charts.score_trend(synthetic_yoy))
    image = Image.open(io.BytesIO(data))
    image.load()
    assert data.startswith(png.SIGNATURE) and image.mode == "P"
    again = Image.open(io.BytesIO(png.indexed_png(image)))
    assert again.size == image.size and again.mode == "P"
    assert np.array_equal(np.asarray(again), np.asarray(image))
    colours = int(np.asarray(image).max()) + 1
    assert again.getpalette()[:3 * colours] == image.getpalette()[:3 * colours]
    theirs = io.BytesIO()
    image.save(theirs, format="PNG", compress_level=8)
    assert len(data) <= 1.02 * len(theirs.getvalue())
    with pytest.raises(ValueError, match="indexed"):
        png.indexed_png(image.convert("RGB"))


@pytest.mark.parametrize("title", [None, "* หมายเหตุของเกณฑ์"])
def test_the_row_legend_is_matplotlibs_legend_pixel_for_pixel(title):
    """charts.legend.RowLegend lays a one-row legend out once as plain artists: the PNG is byte for byte the
    one matplotlib's figure legend (one row, no frame) gives, with a title or without."""
    import matplotlib as mpl

    from itanb.charts import base
    from itanb.charts.legend import RowLegend

    def chart(plain: bool) -> bytes:
        with base.thai_rc():
            fig, (ax,) = base.new_figure((6.0, 3.0), tick_objects=False)
            ax.plot([1, 2], [3, 4])
            handles = [mpl.lines.Line2D([], [], color=base.SCORE_COLOR, marker="o", linewidth=2,
                                        label="คะแนน"),
                       mpl.lines.Line2D([], [], color=base.PASS_COLOR, linestyle="--", label="เกณฑ์ผ่าน (85)"),
                       mpl.lines.Line2D([], [], color=base.NATIONAL_COLOR, marker="D", linestyle="none",
                                        label="ค่าเฉลี่ยระดับประเทศ")]
            legend = (RowLegend(fig, handles, fontsize=8, title=title, title_fontsize=7) if plain else
                      fig.legend(handles=handles, ncols=len(handles), fontsize=8, frameon=False, title=title,
                                 title_fontsize=7))
            base.fit(fig, legend, {"left": 0.5, "right": 0.2, "top": 0.3, "bottom": 0.3})
        return charts.png_bytes(fig)

    assert chart(plain=True) == chart(plain=False)
