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


def no_borders(table) -> None:
    """Take every border off a table (the header block, the recipients beside the signature)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{side}")
        e.set(qn("w:val"), "nil")
        borders.append(e)
    table._tbl.tblPr.append(borders)


def fixed_widths(table, widths_mm: list[float], *, columns: bool = True) -> None:
    """A fixed table layout with these column widths (mm), on the cells and, with ``columns``, on
    the grid columns too."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    if columns:
        for col, w in zip(table.columns, widths_mm):
            col.width = Mm(w)
    for row in table.rows:
        for k, cell in enumerate(row.cells):
            if k < len(widths_mm):
                cell.width = Mm(widths_mm[k])
