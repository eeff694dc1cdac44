"""The editable Word draft of an agency's own analysis of its ITA result (``itanb report --docx``).

"ร่างรายงานการวิเคราะห์ผลการประเมิน ITA": per agency and fiscal year, beside the fiscal-year report
(``reports/<FY>/fiscal-year/<agency_id>.docx``). An agency must publish its analysis of last year's result
(an OIT item); this draft carries what the fiscal-year report knows, with the same numbers (it calls the same
functions: :func:`itanb.views.headline_facts`, :func:`~itanb.views.tool_score_rows`,
:func:`~itanb.views.indicator_score_rows`, :func:`~itanb.views.weak_indicator_lines`,
:func:`~itanb.views.measures_frame`), and leaves shaded places, each saying
``[หน่วยงานเขียน...ที่นี่]``, for the agency's own text. It is marked as a draft in its title, in the header
of every page and in the footer (with the page number), and in its document properties.

Typography as official Thai documents (:mod:`itanb.draft_style`): TH Sarabun New 16 pt, the complex-script
attributes too, A4 with the margins of the official form; Sarabun (which itanb ships) named as the
alternative where TH Sarabun New is not installed.

python-docx writes the file (its default template gives Word's styles, numbering and settings); it brings
lxml, which also switches openpyxl's writer to lxml (see docs/design.md: both are valid OOXML).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from itanb import __version__, draft_style
from itanb.draft_style import TABLE_STYLE
from itanb.errors import NotApplicable, ParameterError

if TYPE_CHECKING:
    from itanb.views import Context, TextTable

BULLET = "• "
TITLE = "ร่างรายงานการวิเคราะห์ผลการประเมิน ITA"
DRAFT_MARK = "ร่าง · เอกสารสำหรับหน่วยงานแก้ไขก่อนเผยแพร่ ยังไม่ใช่ฉบับทางการ"
WRITE_HERE = "[หน่วยงานเขียนการวิเคราะห์ของตนที่นี่]"
PLACE_FILL = "E7E6E6"  # the shade of a place left for the agency's own text
KINDS = ("fiscal-year",)  # the report kinds a draft goes beside

# The places left for the agency: (after which section, what to write). The first words are always
# WRITE_HERE's, so a reader (and a test) finds every one.
PROMPTS = {
    "result": "สรุปผลการประเมินของหน่วยงานในภาพรวม และปัจจัยที่ทำให้คะแนนเพิ่มขึ้นหรือลดลง",
    "indicators": "ประเด็นที่เป็นจุดแข็งและจุดที่ต้องพัฒนาของแต่ละตัวชี้วัด",
    "weak": "สาเหตุที่ตัวชี้วัดเหล่านี้ได้คะแนนต่ำ และสิ่งที่หน่วยงานจะทำ",
    "measures": "ผลการดำเนินการตามมาตรการ ปัญหาอุปสรรค และมาตรการที่จะทำต่อในปีถัดไป",
    "conclusion": "สรุปและแนวทางการนำผลการวิเคราะห์ไปปฏิบัติ (ผู้รับผิดชอบ ระยะเวลา การติดตามผล)",
}


def knows(kind: str) -> bool:
    return kind in KINDS


def placeholder(key: str) -> str:
    """The text of the place left for the agency after section ``key`` (:data:`PROMPTS`)."""
    return f"{WRITE_HERE[:-1]}: {PROMPTS[key]}]"


# ------------------------------------------------------------------------------------------- the blocks


def _shade(paragraph, fill: str = PLACE_FILL) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    paragraph.paragraph_format.element.get_or_add_pPr().append(shd)  # the w:p's properties


def _bullet(doc, text: str):
    """A bulleted paragraph, the bullet a character of the text font (Word's list bullet is a Symbol-font
    glyph, absent where that font is)."""
    from docx.shared import Cm

    paragraph = doc.add_paragraph(BULLET + text)
    paragraph.paragraph_format.left_indent = Cm(0.75)
    paragraph.paragraph_format.first_line_indent = Cm(-0.5)
    return paragraph


def _place(doc, key: str) -> None:
    """A shaded paragraph for the agency's own text, and two empty shaded lines to write on."""
    first = doc.add_paragraph(placeholder(key))
    _shade(first)
    for _ in range(2):
        _shade(doc.add_paragraph())



def _row_element(row):
    """The ``w:tr`` of a python-docx table row, reached through public API: the paragraph of its first
    cell (``ParagraphFormat.element`` is the ``w:p``), then lxml's parents (``w:tc``, ``w:tr``)."""
    return row.cells[0].paragraphs[0].paragraph_format.element.getparent().getparent()

def _table(doc, headers: list[str], rows: list[list[str]], marked: list[bool] | None = None,
           widths_cm: list[float] | None = None) -> None:
    """A grid table, headers bold and repeated on every page; marked rows bold; rows never split."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    margins = OxmlElement("w:tblCellMar")  # 0.1 cm left and right: a score fits a narrow column
    for side in ("w:left", "w:right"):
        margins.append(OxmlElement(side, {qn("w:w"): "57", qn("w:type"): "dxa"}))
    tbl = _row_element(table.rows[0]).getparent()
    look = tbl.tblPr.find(qn("w:tblLook"))  # the schema's order: tblCellMar before tblLook
    if look is not None:
        look.addprevious(margins)
    else:
        tbl.tblPr.append(margins)
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    head_pr = _row_element(table.rows[0]).get_or_add_trPr()
    head_pr.append(OxmlElement("w:tblHeader"))
    for i, values in enumerate(rows):
        row = table.add_row()
        _row_element(row).get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = str(text)
            if marked and marked[i]:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    if widths_cm:  # Word reads the cells' widths, LibreOffice the grid's: set both
        table.autofit = False
        for column, width in zip(table.columns, widths_cm, strict=True):
            column.width = Cm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths_cm, strict=True):
                cell.width = Cm(width)
    for paragraph in (p for row in table.rows for cell in row.cells for p in cell.paragraphs):
        paragraph.style = doc.styles[TABLE_STYLE]


def _text_table(doc, table: TextTable | None, *, widths_cm: list[float] | None = None) -> None:
    """A :class:`itanb.views.TextTable`: its lead line, the table (or the lead alone), its note."""
    if table is None:
        return
    doc.add_paragraph(table.lead)
    if not table.rows:
        return
    headers = table.headers or [""]
    _table(doc, headers, table.rows, table.marked, widths_cm)
    if table.note:
        doc.add_paragraph(table.note)


def _indicators(doc, ctx: Context) -> None:
    """The ten indicators as the fiscal-year report shows them; without scores, the ten with a place for
    the score the agency has from its own result."""
    from itanb import compare, views

    table = views.indicator_score_rows(ctx)
    if table.rows:  # nine columns on the 16 cm between the margins; the name gets the room
        _text_table(doc, table, widths_cm=[1.0, 3.3, 1.1, 1.7, 1.7, 1.7, 1.7, 2.5, 1.3])
        return
    doc.add_paragraph(f"{table.lead} หน่วยงานกรอกคะแนนของตนในตารางได้")
    rows = [[ctx.num(r.indicator), r.name, r.tool, "–"] for r in compare.indicators().itertuples(index=False)]
    _table(doc, ["ตัวชี้วัด", "ชื่อตัวชี้วัด", "เครื่องมือ", "คะแนน"], rows, widths_cm=[1.8, 9.2, 2.5, 2.5])


# ------------------------------------------------------------------------------------------- the draft


def draft_title(ctx: Context) -> str:
    """The draft's title: :data:`TITLE`, the fiscal year and the agency (and SYNTHETIC data said so)."""
    title = f"{TITLE} ปีงบประมาณ พ.ศ. {ctx.num(ctx.fiscal_year)} · {ctx.name}"
    if ctx.agency.get("synthetic"):
        title += " (ข้อมูลสังเคราะห์ SYNTHETIC ไม่ใช่ผลจริง)"
    return title


def applies(tables, agency_id: str | None, fiscal_year: int | None) -> bool:
    """Whether a draft can be made: the agency has a score up to ``fiscal_year`` (the result the fiscal-year
    report leads with, :func:`itanb.views.assessment_row`), so there is a result to analyse."""
    a = tables.assessments
    return fiscal_year is not None and bool(
        ((a["agency_id"] == agency_id) & (a["fiscal_year"] <= int(fiscal_year)) & a["score"].notna()).any())


def _assessment_or_fail(ctx: Context):
    from itanb.views import assessment_row

    if not applies(ctx.tables, ctx.agency_id, ctx.fiscal_year):
        yoy = ctx.yoy()
        scored = [int(y) for y in yoy.loc[yoy["score"].notna(), "fiscal_year"]]
        raise NotApplicable(f"no ITA score for {ctx.agency_id} up to fiscal year {ctx.fiscal_year}, so "
                            "there is no result to analyse; years with a score: "
                            f"{', '.join(map(str, scored)) or 'none'}")
    return assessment_row(ctx)


def write_draft(ctx: Context) -> bytes:
    """The ``.docx`` of the draft for ``ctx`` (a fiscal-year Context of :func:`itanb.views.check_params`).

    Raises NotApplicable (a ParameterError, one line) when the agency has no score up to the fiscal year.
    """
    import docx

    from itanb import views

    row = _assessment_or_fail(ctx)
    n = ctx.num
    title = draft_title(ctx)
    doc = docx.Document()
    draft_style.setup_styles(doc)
    draft_style.page(doc)
    draft_style.header_footer(doc, ctx.name, DRAFT_MARK)
    _properties(doc, title)

    doc.add_paragraph(title, style="Title")
    intro = doc.add_paragraph(
        "เอกสารนี้เป็นร่าง ตัวเลขและตารางมาจากข้อมูลที่นำเข้า (เช่นเดียวกับรายงานผลการประเมินรายหน่วยงาน) "
        "ส่วนที่แรเงาคือที่ว่างให้หน่วยงานเขียนการวิเคราะห์ของตนเอง แก้ไขได้ทุกส่วนก่อนเผยแพร่")
    intro.runs[0].italic = True

    assessed = int(row["fiscal_year"])
    doc.add_heading(f"{n(1)}. ผลการประเมินปีงบประมาณ พ.ศ. {n(assessed)}", level=1)
    facts = views.headline_facts(ctx)
    _table(doc, ["รายการ", "ข้อมูล"], [[k, v] for k, v in facts], widths_cm=[4.5, 11.5])
    doc.add_paragraph()
    _text_table(doc, views.tool_score_rows(ctx))
    _place(doc, "result")

    doc.add_heading(f"{n(2)}. ผลรายตัวชี้วัด เทียบกับระดับประเทศและประเภทหน่วยงาน", level=1)
    _indicators(doc, ctx)
    _place(doc, "indicators")

    doc.add_heading(f"{n(3)}. ตัวชี้วัดที่ต้องพัฒนา และมาตรการที่ตอบ", level=1)
    weak = views.weak_indicator_lines(ctx)
    doc.add_paragraph(weak.lead)
    for (line,), unanswered in zip(weak.rows, weak.marked, strict=True):
        item = _bullet(doc, line)
        item.runs[0].bold = unanswered
    _place(doc, "weak")

    doc.add_heading(f"{n(4)}. มาตรการของปีงบประมาณ พ.ศ. {n(ctx.fiscal_year)} ผู้รับผิดชอบ กำหนดเสร็จ และสถานะ",
                    level=1)
    _measures(doc, ctx)
    _place(doc, "measures")

    doc.add_heading(f"{n(5)}. สรุปและแนวทางการนำผลไปปฏิบัติ", level=1)
    _place(doc, "conclusion")

    doc.add_heading("ที่มาของข้อมูล", level=2)
    sources = views.provenance_frame(ctx)
    for path in sources["path"]:
        _bullet(doc, str(path))
    doc.add_paragraph(f"สร้างโดย itanb {__version__} · คะแนนระดับประเทศจากรายงานของ สำนักงาน ป.ป.ช. "
                      "ต่อคณะรัฐมนตรี (ดูรายงานผลการประเมินรายหน่วยงาน)")
    out = io.BytesIO()
    doc.save(out)
    return draft_style.font_table(out.getvalue())


def _properties(doc, title: str) -> None:
    """The file's properties: its title, and marked a draft (ร่าง) made by itanb."""
    props = doc.core_properties
    props.title, props.subject = title, "ร่าง (draft)"
    props.keywords, props.category = "ITA; ร่าง; draft", "ร่าง"
    props.author = props.last_modified_by = f"itanb {__version__}"
    props.comments = "ร่างที่ itanb สร้างจากข้อมูลที่นำเข้า ให้หน่วยงานแก้ไขและเขียนการวิเคราะห์ของตนก่อนเผยแพร่"


def _measures(doc, ctx: Context) -> None:
    """The year's measures as the report lists them (:func:`itanb.views.measures_frame`), overdue marked."""
    from itanb import views

    n = ctx.num
    frame = views.measures_frame(ctx)
    doc.add_paragraph(views.measures_summary(ctx, frame))
    if len(frame):
        records = frame.to_dict("records")
        rows = [[n(r["ลำดับ"]), r["มาตรการ"], r["ผู้รับผิดชอบ"], r["กำหนดเสร็จ"],
                 r["สถานะ"] + (" (เลยกำหนด)" if r["เลยกำหนด"] else "")] for r in records]
        _table(doc, ["ลำดับ", "มาตรการ", "ผู้รับผิดชอบ", "กำหนดเสร็จ", "สถานะ"], rows,
               [bool(r["เลยกำหนด"]) for r in records], widths_cm=[1.3, 6.2, 3.5, 2.8, 2.2])


def report_draft(kind: str, params: dict, *, processed_dir: Path | str, raw_dir: Path | str,
                 title: str = "") -> bytes:
    """The ``.docx`` of the draft beside one fiscal-year report (its notebook's parameters: ``agency``,
    ``fiscal_year``, ``thai_digits``), as bytes. ``title`` (the report's) is unused: the draft has its own."""
    from itanb import views

    if not knows(kind):
        raise ParameterError(f"a Word draft goes with a fiscal-year report (per agency and year), not {kind}")
    ctx = views.check_params("fiscal-year", agency=params.get("agency"),
                             fiscal_year=params.get("fiscal_year"), processed_dir=str(processed_dir),
                             raw_dir=str(raw_dir), thai_digits=params.get("thai_digits", False))
    return write_draft(ctx)
