"""How the Word draft (:mod:`itanb.draft`) is set: the Thai font and sizes in the styles, the font table,
the A4 page, the header and footer. python-docx's default template gives the rest.

TH Sarabun New 16 pt (``w:rFonts`` ascii, hAnsi and cs; ``w:sz`` and ``w:szCs`` 32, since Word treats Thai
as a complex script and takes its font and size from the ``cs`` attributes; language ``th-TH`` as ``w:lang
w:bidi``); table text 14 pt; the font table names Sarabun (which itanb ships) as TH Sarabun New's
alternative.
"""

from __future__ import annotations

FONT = "TH Sarabun New"  # the font of official Thai documents (หนังสือราชการ)
FONT_ALT = "Sarabun"  # the same design as shipped by fontpkg-sarabun (itanb.fonts.FAMILY)
SIZE_PT = 16
TITLE_PT = 20
TABLE_PT = 14  # the text of wide tables (nine columns of the indicators), as official documents' tables
TABLE_STYLE = "ข้อความในตาราง"  # the paragraph style of table cells (based on Normal)
LANG = "th-TH"


def thai_rpr(rpr, size_pt: float | None = SIZE_PT) -> None:
    """Set ``rpr`` (a w:rPr) to the Thai font (ascii, hAnsi, cs; no theme font) and size (sz and szCs)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith(("Theme", "theme")):  # a theme font wins over a named one
            del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), FONT)
    if size_pt is not None:
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                rpr.append(el)
            el.set(qn("w:val"), str(int(size_pt * 2)))
    for el in rpr.findall(qn("w:color")):  # official documents are black
        rpr.remove(el)


def setup_styles(doc) -> None:
    """Document defaults, Normal, Title, headings, header and footer: the Thai font, 16 pt, Thai language."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    styles = doc.styles.element
    rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    thai_rpr(rpr)
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:bidi"), LANG)
    sizes = {"Normal": SIZE_PT, "Title": TITLE_PT, "Heading 1": SIZE_PT, "Heading 2": SIZE_PT,
             "Header": SIZE_PT, "Footer": SIZE_PT}
    for name, size in sizes.items():
        style = doc.styles[name]
        thai_rpr(style.element.get_or_add_rPr(), size)
        fmt = style.paragraph_format
        fmt.space_after = Pt(6) if name != "Title" else Pt(12)
        fmt.line_spacing = 1.0
    for name in ("Title", "Heading 1", "Heading 2"):
        style = doc.styles[name]
        style.font.bold = True
        style.element.get_or_add_rPr()
        ppr = style.element.get_or_add_pPr()
        border = ppr.find(qn("w:pBdr"))
        if border is not None:  # the template's blue rule under the title
            ppr.remove(border)
    doc.styles["Heading 1"].paragraph_format.space_before = Pt(12)
    from docx.enum.style import WD_STYLE_TYPE

    cells = doc.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cells.base_style = doc.styles["Normal"]
    thai_rpr(cells.element.get_or_add_rPr(), TABLE_PT)
    cells.paragraph_format.space_after = Pt(0)


def font_table(docx: bytes) -> bytes:
    """``docx`` with Sarabun named as TH Sarabun New's alternative in its font table (word/fontTable.xml, a
    part python-docx keeps as plain bytes: rewritten in the saved package, every other part as it was)."""
    import io
    import zipfile

    from docx.opc.oxml import serialize_part_xml
    from docx.oxml import OxmlElement, parse_xml
    from docx.oxml.ns import qn

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/fontTable.xml":
                root = parse_xml(data)
                font = OxmlElement("w:font", {qn("w:name"): FONT})
                for tag, value in (("w:altName", FONT_ALT), ("w:charset", "DE"), ("w:family", "swiss"),
                                   ("w:pitch", "variable")):  # charset DE: THAI_CHARSET
                    font.append(OxmlElement(tag, {qn("w:val"): value}))
                root.append(font)
                data = serialize_part_xml(root)
            target.writestr(info, data)
    return out.getvalue()


def page(doc) -> None:
    """A4; margins of the official form: 3 cm left, 2 cm right, 2.5 cm top, 2 cm bottom."""
    from docx.shared import Cm

    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2)
    section.header_distance = section.footer_distance = Cm(1)


def field(paragraph, instruction: str) -> None:
    """A Word field (``PAGE``, ``NUMPAGES``) at the end of ``paragraph``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph.paragraph_format.element.append(field)  # the w:p itself


def header_footer(doc, name: str, mark: str) -> None:
    """``mark`` centred in bold in the header of every page; the footer: ร่าง, ``name``, the page number."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    section = doc.sections[0]
    head = section.header.paragraphs[0]
    head.text = mark
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.runs[0].bold = True
    foot = section.footer.paragraphs[0]
    foot.text = f"ร่าง · {name} · หน้า "
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field(foot, "PAGE")
