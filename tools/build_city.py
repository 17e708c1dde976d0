"""Build the CONSTRUCTED city-level plan of the corpus from one source: the Python data in this file.

The plan here is not a real document. It was written for the project (2026-11) so that the audit
(``plan-extract audit``) can take the city side of its ward-vs-city comparisons from an extracted
document, not only from the spreadsheet ``data/city/haiphong-2026-city-targets.csv``. Its number
(68/KH-UBND), date (25/02/2026), signer and wording are invented. The figures and the theme it
carries are the real 2026 targets of Hải Phòng listed, with their public sources, in that CSV:

* theme "Chủ động thực thi - Phát huy động lực - Tăng trưởng bứt phá" (Kế hoạch 56/KH-UBND of
  18/02/2026 launches the emulation campaign on it);
* GRDP growth about 13% over 2025, of which industry-construction 15,16% and services 11%;
* state budget revenue 194.935 tỷ đồng;
* administrative reform (Quyết định 5256/QĐ-UBND of 26/12/2025): satisfaction at least 90%,
  PAR Index, DTI and PCI in the top 5.

The documents it cites are real (Quyết định 5256/QĐ-UBND, Kế hoạch 56/KH-UBND, Nghị quyết
01/NQ-CP). It writes, deterministically:

* ``corpus/txt/<stem>.txt``   plain text, one paragraph a line, header block kept as lines;
* ``corpus/docx/<stem>.docx`` python-docx: borderless two-column header table, body, recipients |
                              signature table (fixed timestamps);
* ``corpus/pdf/<stem>.pdf``   that .docx printed by LibreOffice (``soffice --headless``), fixed
                              dates and file ID. Skipped with ``--no-pdf``.

The gold file ``gold/<stem>.yaml`` points into the .txt by character offsets: a change to the text
must be followed by re-annotating the records it moves (``python3 -m plan_extract.evaluate.gold
check gold/<stem>.yaml`` lists them).

Usage (from the repository root)::

    python3 tools/build_city.py            # txt, docx and pdf
    python3 tools/build_city.py --no-pdf   # without LibreOffice
"""
from __future__ import annotations

from docx_common import a4_document, fixed_widths, no_borders  # a sibling module: tools/ is sys.path[0] when the script runs

import argparse
import datetime as dt
import hashlib
import io
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_constructed import _fixed_zip, build_pdf as _shared_build_pdf  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"

STEM = "constructed-hai-phong-2026-kh-city-targets"
ISSUED = dt.datetime(2026, 2, 25, 8, 0, 0)
ISSUER = ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HẢI PHÒNG"]
NUMBER = "Số: 68/KH-UBND"
MOTTO = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
PLACE_DATE = "Hải Phòng, ngày 25 tháng 02 năm 2026"
TITLE = ["KẾ HOẠCH", "Thực hiện các chỉ tiêu chủ yếu năm 2026 của thành phố Hải Phòng"]
THEME = "Chủ động thực thi - Phát huy động lực - Tăng trưởng bứt phá"

BODY: list[tuple[str, str]] = [  # (kind, text): para | h1 | h2
    ("para", "Căn cứ Nghị quyết số 01/NQ-CP của Chính phủ về nhiệm vụ, giải pháp chủ yếu thực hiện Kế hoạch phát triển kinh tế - xã hội và dự toán ngân sách nhà nước năm 2026;"),
    ("para", "Căn cứ Quyết định số 5256/QĐ-UBND ngày 26/12/2025 của Ủy ban nhân dân thành phố ban hành Kế hoạch cải cách hành chính nhà nước thành phố Hải Phòng năm 2026;"),
    ("para", "Căn cứ Kế hoạch số 56/KH-UBND ngày 18/02/2026 của Ủy ban nhân dân thành phố Hải Phòng về phát động phong trào thi đua thực hiện thắng lợi chủ đề năm 2026 của thành phố;"),
    ("para", "Ủy ban nhân dân thành phố Hải Phòng ban hành Kế hoạch thực hiện các chỉ tiêu chủ yếu năm 2026 như sau:"),
    ("h1", "I. MỤC ĐÍCH, YÊU CẦU"),
    ("para", f"1. Cụ thể hóa chủ đề năm 2026 của thành phố “{THEME}” thành các chỉ tiêu chủ yếu để các sở, ban, ngành và các xã, phường, đặc khu tổ chức thực hiện."),
    ("para", "2. Chỉ tiêu của các xã, phường, đặc khu được xây dựng phù hợp với chỉ tiêu của thành phố; trích dẫn chủ đề năm của thành phố bảo đảm chính xác, thống nhất."),
    ("h1", "II. CHỈ TIÊU CHỦ YẾU"),
    ("para", "1. Tốc độ tăng trưởng tổng sản phẩm trên địa bàn (GRDP) tăng khoảng 13% so với năm 2025."),
    ("para", "Trong đó:"),
    ("para", "- Khu vực công nghiệp - xây dựng tăng 15,16%;"),
    ("para", "- Khu vực dịch vụ tăng 11%."),
    ("para", "2. Tổng thu ngân sách nhà nước trên địa bàn đạt 194.935 tỷ đồng."),
    ("para", "3. Mức độ hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước đạt tối thiểu 90%."),
    ("para", "4. Chỉ số cải cách hành chính (PAR Index), Chỉ số chuyển đổi số (DTI) và Chỉ số năng lực cạnh tranh cấp tỉnh (PCI) đứng trong nhóm 5 địa phương dẫn đầu."),
    ("h1", "III. TỔ CHỨC THỰC HIỆN"),
    ("para", "1. Giao các sở, ban, ngành thành phố căn cứ chức năng, nhiệm vụ cụ thể hóa các chỉ tiêu tại Kế hoạch này; báo cáo kết quả thực hiện về Ủy ban nhân dân thành phố (qua Sở Tài chính) trước ngày 05/12/2026."),
    ("para", "2. Giao Sở Nội vụ chủ trì theo dõi, đánh giá việc thực hiện các chỉ tiêu cải cách hành chính; gửi kết quả về Sở Tài chính trước ngày 05/12/2026."),
    ("para", "3. Giao Sở Tài chính chủ trì, phối hợp với Sở Nội vụ theo dõi, đôn đốc việc thực hiện Kế hoạch; tổng hợp, tham mưu Ủy ban nhân dân thành phố báo cáo Thường trực Hội đồng nhân dân thành phố trước ngày 15/12/2026."),
]
RECIPIENTS = [
    "- Thường trực Thành ủy;",
    "- Thường trực HĐND thành phố;",
    "- Chủ tịch UBND thành phố;",
    "- Các sở, ban, ngành thành phố;",
    "- Lưu: VT.",
]
SIGNATURE = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
SIGNER = "Đỗ Minh Khang"


def check() -> None:
    """The data is NFC text and the theme is quoted exactly once."""
    for _, t in BODY:
        assert unicodedata.is_normalized("NFC", t), t
    assert sum(THEME in t for _, t in BODY) == 1


# --------------------------------------------------------------------------- text rendition


def render_txt() -> str:
    blocks = ["\n".join(ISSUER), NUMBER, "\n".join(MOTTO), PLACE_DATE, "\n".join(TITLE)]
    blocks += [text for _, text in BODY]
    blocks.append("\n".join(["Nơi nhận:", *RECIPIENTS]))
    blocks.append("\n".join(SIGNATURE))
    blocks.append(SIGNER)
    return "\n\n".join(blocks) + "\n"


# --------------------------------------------------------------------------- Word rendition


def build_docx() -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = a4_document()
    sec = document.sections[0]

    def para(text, *, bold=False, italic=False, center=False, indent=True, before=6):
        p = document.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.JUSTIFY
        p.paragraph_format.space_before = Pt(before)
        if indent:
            p.paragraph_format.first_line_indent = Mm(10)
        lines = text.split("\n")
        for k, line in enumerate(lines):
            run = p.add_run(line)
            run.bold, run.italic = bold, italic
            if k < len(lines) - 1:
                run.add_break(WD_BREAK.LINE)
        return p

    def fill(cell, text, *, bold=False, italic=False, size=13, center=True):
        ps = cell.paragraphs
        p = ps[0] if len(ps) == 1 and not ps[0].runs else cell.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        run.font.size = Pt(size)
        return p

    t = document.add_table(rows=2, cols=2)
    no_borders(t)
    fixed_widths(t, [62, 100], columns=False)
    fill(t.cell(0, 0), ISSUER[0])
    fill(t.cell(0, 0), ISSUER[1], bold=True)
    fill(t.cell(0, 1), MOTTO[0], bold=True, size=12)
    fill(t.cell(0, 1), MOTTO[1], bold=True, size=14)
    fill(t.cell(1, 0), NUMBER)
    fill(t.cell(1, 1), PLACE_DATE, italic=True, size=14)

    para(TITLE[0], bold=True, center=True, indent=False, before=18)
    para(TITLE[1], bold=True, center=True, indent=False, before=0)
    for kind, text in BODY:
        para(text, bold=kind in ("h1", "h2"))

    t = document.add_table(rows=1, cols=2)
    no_borders(t)
    fixed_widths(t, [80, 80], columns=False)
    t.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    left, right = t.cell(0, 0), t.cell(0, 1)
    fill(left, "Nơi nhận:", bold=True, italic=True, size=12, center=False)
    for line in RECIPIENTS:
        fill(left, line, size=11, center=False)
    for line in SIGNATURE:
        fill(right, line, bold=True, size=14)
    for _ in range(4):
        right.add_paragraph()
    fill(right, SIGNER, bold=True, size=14)

    cp = document.core_properties
    cp.author = cp.last_modified_by = "UBND thành phố Hải Phòng (constructed)"
    cp.title = " ".join(TITLE)
    cp.comments = "Constructed test document of the plan_extract corpus (not a real plan)."
    cp.created = cp.modified = cp.last_printed = ISSUED
    cp.revision = 1
    buf = io.BytesIO()
    document.save(buf)
    return _fixed_zip(buf.getvalue(), ISSUED)






def build_pdf(docx_path: Path, pdf_path: Path) -> None:
    """The PDF rendition through LibreOffice, dates and file ID fixed (shared with the ward plans)."""
    _shared_build_pdf(docx_path, pdf_path, ISSUED)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-pdf", action="store_true", help="do not run LibreOffice")
    args = ap.parse_args(argv)
    check()
    (CORPUS / "txt" / f"{STEM}.txt").write_text(render_txt(), encoding="utf-8")
    docx_path = CORPUS / "docx" / f"{STEM}.docx"
    docx_path.write_bytes(build_docx())
    if not args.no_pdf:
        build_pdf(docx_path, CORPUS / "pdf" / f"{STEM}.pdf")
    print(f"built {STEM}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
