"""Readers: every format gives the common document model, with clear errors for bad input."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from plan_extract.model import ReadError
from plan_extract.pipeline import process
from plan_extract.read import read
from plan_extract.read.encodings import decode
from plan_extract.read.txt import pipe_tables, tab_tables

from conftest import CORPUS

SAMPLE = "Ủy ban nhân dân phường Kiến An; Hòa bình; Thúy; đạt 157.628,1 tỷ đồng"


@pytest.mark.parametrize("encoding,prefix", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                             ("utf-16", b""), ("utf-16-le", b"\xff\xfe")])
def test_txt_unicode_encodings(encoding, prefix):
    text, _ = decode(prefix + SAMPLE.encode(encoding))
    assert text == SAMPLE


def test_txt_windows_1258_is_decoded_and_composed():
    import unicodedata

    # cp1258 has â, ơ, ư … precomposed but stores tone marks as combining characters
    tones = "\u0300\u0301\u0303\u0309\u0323"
    def cp1258_form(ch: str) -> str:
        nfd = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in tones))
        return base + "".join(c for c in nfd if c in tones)
    data = "".join(map(cp1258_form, "Ủy ban nhân dân phường Hòa Bình")).encode("cp1258")
    text, enc = decode(data)
    assert enc == "cp1258"
    assert text == "Ủy ban nhân dân phường Hòa Bình"


def test_markdown_pipe_tables_with_broken_rows():
    text = "| STT | Nội dung | Chủ trì |\n|---|---|---|\n| 1 | Tổ chức hội nghị\ntriển khai | Phòng VHXH |\n| 2 | Báo cáo | Công an phường |\n"
    (table,) = pipe_tables(text)
    assert [c.text for c in table.rows[0]] == ["STT", "Nội dung", "Chủ trì"]
    assert len(table.rows) == 3
    for row in table.rows:
        for cell in row:
            assert text[cell.start:cell.end] == cell.text


PASTED = ("ỦY BAN NHÂN DÂN\nPHƯỜNG HÒA BÌNH\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
          "Số: 15/KH-UBND\tHòa Bình, ngày 16 tháng 01 năm 2026\nKẾ HOẠCH\nThực hiện nhiệm vụ năm 2026\n"
          "I. MỤC TIÊU\n1. Mục tiêu tổng quát\nPhát triển kinh tế - xã hội nhanh, bền vững.\n"
          "2. Các chỉ tiêu chủ yếu\n"
          "STT\tChỉ tiêu\tĐơn vị tính\tThực hiện năm 2025\tKế hoạch năm 2026\tGhi chú\n"
          "A\tCHỈ TIÊU KINH TẾ\t\t\t\t\n"
          "1\tTổng thu ngân sách nhà nước trên địa bàn\tTỷ đồng\t11.364,2\t12.500\t\n"
          "2\tTỷ lệ dân số tham gia bảo hiểm y tế\t%\t94,2\t≥ 95\t\n"
          "II. TỔ CHỨC THỰC HIỆN\n"
          "Ủy ban nhân dân phường phân công các cơ quan, đơn vị thực hiện như sau:\n"
          "STT\tNội dung nhiệm vụ\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian hoàn thành\n"
          "1\tTổ chức ra quân làm sạch kênh rạch\tPhòng Kinh tế\tCác khu phố\tQuý I/2026\n"
          "Nơi nhận:\n- Sở Tài chính;\n- Lưu: VT.\tTM. ỦY BAN NHÂN DÂN\n\tCHỦ TỊCH\n\tNguyễn Văn An\n")


def test_a_word_table_pasted_as_tab_separated_text_is_a_table():
    tables = tab_tables(PASTED)
    assert [len(t.rows) for t in tables] == [4, 2]   # targets table, task table; two-cell rows are layout
    for table in tables:
        for row in table.rows:
            for cell in row:
                assert PASTED[cell.start:cell.end] == cell.text
    assert [c.text for c in tables[0].rows[2]][:5] == ["1", "Tổng thu ngân sách nhà nước trên địa bàn", "Tỷ đồng",
                                                         "11.364,2", "12.500"]


def test_a_plan_pasted_from_word_reads_like_its_word_file(tmp_path):
    path = tmp_path / "pasted.txt"
    path.write_text(PASTED, encoding="utf-8")
    plan = process(path)
    (doc,) = plan.documents
    assert (doc.issuer, doc.number, doc.issue_date) == ("Ủy ban nhân dân phường Hòa Bình", "15", "2026-01-16")
    assert doc.signer_authority == "TM. ỦY BAN NHÂN DÂN"
    assert [(t.label, t.value, t.unit, t.comparator) for t in plan.targets] == [
        ("1", 12500e9, "đồng", "="), ("2", 95.0, "%", ">=")]
    for t in plan.targets:  # grounded: the quote runs over the row's cells, tabs included
        assert PASTED[t.start:t.end] == t.quote and "\t" in t.quote
    (task,) = plan.tasks   # the lead-in "… như sau:" is not a task; the row is
    assert (task.lead, task.support) == ("Phòng Kinh tế", "Khu phố")


def test_docx_reads_header_table_and_word_numbering():
    doc = read(CORPUS / "docx" / "le-thanh-nghi-2026-kh-thi-dua-khen-thuong.docx")
    assert doc.text.startswith("ỦY BAN NHÂN DÂN\n\nPHƯỜNG LÊ THANH NGHỊ\n\nSố: /KH-UBND")
    assert "- Chủ trì tham mưu tổ chức triển khai" in doc.text  # bullet from the List Bullet style
    assert doc.text.rstrip().endswith("Nguyễn Hữu Phúc")


def _rezip(src: Path, dst: Path, edit) -> Path:
    """A copy of a .docx with some of its parts rewritten by ``edit(name, data) -> data``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, edit(item.filename, zin.read(item.filename)))
    return dst


@pytest.mark.parametrize("path", sorted((CORPUS / "docx").glob("*.docx")), ids=lambda p: p.stem)
def test_docx_reader_keeps_every_paragraph_python_docx_sees_in_order(path):
    """The reader parses the package with lxml itself; python-docx, the reference, must find no
    paragraph or table cell text that the reader lost or put out of order."""
    import docx

    text = read(path).text
    document = docx.Document(str(path))
    pos = 0
    for block in document.element.body.iterchildren():
        if block.tag.endswith("}p"):
            pieces = [docx.text.paragraph.Paragraph(block, document).text]
        elif block.tag.endswith("}tbl"):  # a layout table may be read column by column: any order
            table = docx.table.Table(block, document)
            pieces = [c.text for row in table.rows for c in row.cells]
        else:
            continue
        lines = [p.split("\n")[0].strip() for p in pieces]
        found = [(text.find(line, pos), line) for line in lines if len(line) > 3]
        assert all(at >= 0 for at, _ in found), [(line, text[pos:pos + 120]) for at, line in found if at < 0]
        pos = max((at + len(line) for at, line in found), default=pos) if len(pieces) > 1 else \
            min((at for at, _ in found), default=pos)


def test_docx_numbering_from_a_style_alone(tmp_path):
    """Paragraphs numbered only through their style (no numPr in the body) still get labels."""
    import docx

    document = docx.Document()
    document.add_paragraph("Mục tiêu thứ nhất", style="List Number")
    document.add_paragraph("Mục tiêu thứ hai", style="List Number")
    document.add_paragraph("Ý một", style="List Bullet")
    document.save(tmp_path / "n.docx")
    assert b"numPr" not in zipfile.ZipFile(tmp_path / "n.docx").read("word/document.xml")
    assert read(tmp_path / "n.docx").text == "1. Mục tiêu thứ nhất\n\n2. Mục tiêu thứ hai\n\n- Ý một"


def test_docx_parts_found_through_absolute_relationship_targets(tmp_path):
    """Parts are found through the document's relationships, whether they name a part relative
    to word/ or from the package root."""
    import docx

    document = docx.Document()
    document.add_paragraph("Mục tiêu thứ nhất", style="List Number")
    document.add_paragraph("Mục tiêu thứ hai", style="List Number")
    document.save(tmp_path / "n.docx")

    def absolute(name: str, data: bytes) -> bytes:
        if name == "word/_rels/document.xml.rels":
            return re.sub(rb'Target="(styles|numbering)\.xml"', rb'Target="/word/\1.xml"', data)
        return data

    doc = read(_rezip(tmp_path / "n.docx", tmp_path / "abs.docx", absolute))
    assert doc.text == "1. Mục tiêu thứ nhất\n\n2. Mục tiêu thứ hai"


def test_docx_legacy_font_set_only_in_the_document_defaults(tmp_path):
    """A TCVN3 font named only in styles.xml's document defaults still converts the body."""
    import docx

    document = docx.Document()
    document.add_paragraph("Tæ chøc thùc hiÖn")
    document.save(tmp_path / "d.docx")

    def vn_defaults(name: str, data: bytes) -> bytes:
        if name == "word/styles.xml":
            data = re.sub(rb"<w:rFonts [^>]*/>", b'<w:rFonts w:ascii=".VnTime" w:hAnsi=".VnTime"/>', data, count=1)
            assert b".VnTime" in data
        return data

    doc = read(_rezip(tmp_path / "d.docx", tmp_path / "vn.docx", vn_defaults))
    assert doc.text == "Tổ chức thực hiện" and doc.encoding == "xml+tcvn3"


def test_pdf_puts_two_column_blocks_back_in_order():
    doc = read(CORPUS / "pdf" / "kien-an-2026-kh-136-phat-trien-ktxh.pdf")
    head = doc.text[:200]
    assert head.index("ỦY BAN NHÂN DÂN") < head.index("PHƯỜNG KIẾN AN") < head.index("Số: 136/KH-UBND") \
        < head.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA")
    assert doc.page_starts and doc.page_starts[0] == 0 and len(doc.page_starts) == 10
    tail = doc.text[-400:]
    assert tail.index("Nơi nhận") < tail.index("TM. ỦY BAN NHÂN DÂN") < tail.index("Nguyễn Phong Doanh")


@pytest.mark.parametrize("path", sorted((CORPUS / "pdf").glob("*.pdf")) + sorted((CORPUS / "pdf-cid").glob("*.pdf")),
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_pdf_rectangle_texts_from_the_stream_equal_bounded_text(path):
    """The fast path of the PDF reader (a rectangle's text sliced from the character stream)
    gives what pdfium's bounded-text call gives for the same rectangle, on every page."""
    import pypdfium2 as pdfium

    from plan_extract.read.pdf import _Seg, _bounded_text, _rect_texts

    pdf = pdfium.PdfDocument(str(path))
    sliced = 0
    for page in pdf:
        tp = page.get_textpage()
        known = _rect_texts(tp)
        assert len(known) == tp.count_rects()
        for i, text in enumerate(known):
            if text is not None:
                sliced += 1
                assert text == _bounded_text(tp, _Seg("", *tp.get_rect(i)))
        tp.close()
    assert sliced > 0


def test_pdf_with_bad_font_mapping_reads_like_the_text():
    doc = read(CORPUS / "pdf-cid" / "kien-an-2026-kh-136-phat-trien-ktxh.pdf")
    assert "(cid:" not in doc.text
    assert "Phát triển kinh tế - xã hội, quốc phòng - an ninh phường năm 2026" in doc.text


def _meta(path):
    plan = process(path)
    assert not plan.errors, plan.errors
    d = plan.documents[0]
    return (d.doc_type, d.number, d.symbol, d.issuer, d.issue_date, d.title, d.theme, d.signer, d.plan_year)


def test_pdf_cid_gives_the_same_metadata_as_the_txt():
    assert _meta(CORPUS / "pdf-cid" / "kien-an-2026-kh-136-phat-trien-ktxh.pdf") == \
        _meta(CORPUS / "txt" / "kien-an-2026-kh-136-phat-trien-ktxh.txt")


# --- bad input: one clear error each, never a traceback -------------------------------------------

def _error(tmp_path: Path, name: str, data: bytes) -> str:
    p = tmp_path / name
    p.write_bytes(data)
    plan = process(p)
    assert len(plan.errors) == 1 and not plan.documents
    err = plan.errors[0]
    assert "Traceback" not in err.message
    return err.message


def test_empty_file(tmp_path):
    assert "empty" in _error(tmp_path, "empty.txt", b"")
    assert "empty" in _error(tmp_path, "blank.txt", b"  \n\n ")


def test_binary_garbage_renamed_docx(tmp_path):
    assert "not a valid .docx" in _error(tmp_path, "garbage.docx", bytes(range(256)) * 40)


def test_truncated_pdf(tmp_path):
    data = (CORPUS / "pdf" / "chu-van-an-2025-kh-dot-thi-dua.pdf").read_bytes()
    msg = _error(tmp_path, "truncated.pdf", data[: len(data) // 3])
    assert "PDF" in msg


def test_not_a_pdf(tmp_path):
    assert "not a PDF" in _error(tmp_path, "fake.pdf", b"hello, I am text")


def test_docx_zip_bomb_is_refused(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<w:document/>")
        zf.writestr("word/bomb.xml", b"\0" * (60 * 1024 * 1024))
    assert "zip bomb" in _error(tmp_path, "bomb.docx", buf.getvalue())


def test_unsupported_extension(tmp_path):
    assert "unsupported file type '.xlsx'" in _error(tmp_path, "table.xlsx", b"PK\x03\x04 data")


def test_scanned_pdf_is_reported_not_empty(tmp_path):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    path = tmp_path / "scan.pdf"
    pdf.save(str(path))
    assert "scanned: no text layer" in _error(tmp_path, "scan2.pdf", path.read_bytes())


def test_encrypted_pdf(tmp_path):
    # a PDF whose trailer asks for the standard security handler with an unknown password
    body = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"3 0 obj<</Filter/Standard/V 2/R 3/Length 128/P -3904/O(0123456789abcdef0123456789abcdef)"
            b"/U(0123456789abcdef0123456789abcdef)>>endobj\n")
    xref = len(body)
    body += (b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000054 00000 n \n0000000104 00000 n \n"
             b"trailer<</Size 4/Root 1 0 R/Encrypt 3 0 R/ID[<00112233445566778899aabbccddeeff><00112233445566778899aabbccddeeff>]>>\n"
             b"startxref\n" + str(xref).encode() + b"\n%%EOF\n")
    msg = _error(tmp_path, "locked.pdf", body)
    assert "encrypted" in msg or "damaged" in msg


def test_tabs_after_labels_and_between_two_header_blocks_are_not_tables(tmp_path):
    text = ("ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nPHƯỜNG HÒA BÌNH\tĐộc lập - Tự do - Hạnh phúc\n"
            "Số: 15/KH-UBND\t\t\tHòa Bình, ngày 16 tháng 01 năm 2026\nKẾ HOẠCH\nThực hiện nhiệm vụ năm 2026\n"
            "I.\tMỤC ĐÍCH, YÊU CẦU\n1.\tMục đích\nPhát triển kinh tế - xã hội nhanh, bền vững.\n"
            "II.\tTỔ CHỨC THỰC HIỆN\n1.\tPhòng Kinh tế chủ trì tổ chức thực hiện Kế hoạch.\n")
    assert tab_tables(text) == []
    path = tmp_path / "labels.txt"
    path.write_text(text, encoding="utf-8")
    plan = process(path)
    (doc,) = plan.documents
    assert (doc.issuer, doc.number, doc.issue_date) == ("Ủy ban nhân dân phường Hòa Bình", "15", "2026-01-16")
    assert [(s.label, s.heading) for s in plan.sections][:3] == [
        ("I.", "MỤC ĐÍCH, YÊU CẦU"), ("1.", "Mục đích"), ("II.", "TỔ CHỨC THỰC HIỆN")]
    (task,) = plan.tasks
    assert task.lead == "Phòng Kinh tế" and task.quote.startswith("Phòng Kinh tế chủ trì")
