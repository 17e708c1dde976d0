"""What the build scripts of the constructed plans share: a python-docx document set up as a
Vietnamese administrative document is printed (Nghị định 30/2020/NĐ-CP): A4, Times New Roman 14 pt,
no spacing between paragraphs, margins 20/20/30/20 mm."""
from __future__ import annotations


def a4_document():
    """A new python-docx ``Document`` with the Normal style and first section set up."""
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    rfonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), "Times New Roman")
    pf = normal.paragraph_format
    pf.space_before, pf.space_after, pf.line_spacing = Pt(0), Pt(0), 1.0
    sec = document.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(20), Mm(20)
    sec.left_margin, sec.right_margin = Mm(30), Mm(20)
    return document
