"""Tasks, their deadlines and bodies, in context (tests/specs/tasks.yaml) and on task tables."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from plan_extract.extract.tasks import marker, table_columns
from plan_extract.pipeline import process

SPECS = yaml.safe_load((Path(__file__).parent / "specs" / "tasks.yaml").read_text(encoding="utf-8"))

HEADER = {
    "KH": "ỦY BAN NHÂN DÂN\nPHƯỜNG HÒA BÌNH\n\nSố: 45/KH-UBND\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
          "Độc lập - Tự do - Hạnh phúc\n\nHòa Bình, ngày 10 tháng 02 năm {year}\n\nKẾ HOẠCH\n"
          "Thực hiện nhiệm vụ năm {year}\n\n",
    "QĐ": "ỦY BAN NHÂN DÂN\nPHƯỜNG HÒA BÌNH\n\nSố: 12/QĐ-UBND\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
          "Độc lập - Tự do - Hạnh phúc\n\nHòa Bình, ngày 10 tháng 02 năm {year}\n\nQUYẾT ĐỊNH\n"
          "Về việc ban hành Kế hoạch cải cách hành chính năm {year}\n\nCHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG HÒA BÌNH\n\n",
}
FOOTER = "\nNơi nhận:\n- Như Điều 3;\n- Lưu: VT.\n\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nNguyễn Văn An\n"


def _plan(tmp_path: Path, case: dict):
    year = case.get("plan_year", 2026)
    text = HEADER[case.get("doc_type", "KH")].format(year=year) + case["text"] + FOOTER
    path = tmp_path / f"{case['id']}.txt"
    path.write_text(text, encoding="utf-8")
    plan = process(path)
    assert not plan.errors, plan.errors
    return plan


@pytest.mark.parametrize("case", SPECS, ids=[c["id"] for c in SPECS])
def test_tasks_in_context(tmp_path: Path, case: dict) -> None:
    plan = _plan(tmp_path, case)
    deadlines = {d.deadline_id: d for d in plan.deadlines}
    got = plan.tasks
    assert len(got) == len(case["tasks"]), [t.quote for t in got]
    for want, t in zip(case["tasks"], got):
        assert t.quote.startswith(want["quote"]), (t.quote, want["quote"])
        assert plan.source.text[t.start:t.end] == t.quote  # grounded in the source
        for role in ("lead", "support", "report_to", "via"):
            names = [x for x in getattr(t, role).split(";") if x]
            assert sorted(names) == sorted(want.get(role, [])), (role, t.quote, names)
        if "label" in want:
            assert t.label == want["label"]
        if "deadline" in want:
            d = deadlines.get(t.deadline_id)
            if want["deadline"] is None:
                assert d is None, (t.quote, d)
            else:
                kind, start, end = want["deadline"]
                assert d is not None, t.quote
                assert (d.kind, d.date_start or None, d.date_end or None) == (kind, start, end)


def test_every_task_role_has_a_body_record(tmp_path: Path) -> None:
    plan = _plan(tmp_path, SPECS[0])
    by_task = {}
    for b in plan.bodies:
        by_task.setdefault(b.task_id, set()).add((b.name, b.role))
        assert plan.source.text[b.start:b.end] == b.quote  # the mention as printed, in the source
        assert " ".join(b.quote.split()) == " ".join(b.mention.split())
    for t in plan.tasks:
        for role in ("support", "report_to", "via"):
            for name in filter(None, getattr(t, role).split(";")):
                assert (name, role) in by_task.get(t.task_id, set()), (t.quote, name, role)


def test_issuer_and_recipients(tmp_path: Path) -> None:
    case = {"id": "recipients", "text": "III. TỔ CHỨC THỰC HIỆN\nGiao Công an phường chủ trì thực hiện.\n"}
    plan = _plan(tmp_path, case)
    plan_text = plan.source.text
    roles = [(b.name, b.role) for b in plan.bodies if b.role in ("issuer", "recipient")]
    assert ("Ủy ban nhân dân phường", "issuer") in roles
    assert not [r for r in roles if r[1] == "recipient"]  # "Như Điều 3", "Lưu: VT" name no body
    path = tmp_path / "r2.txt"
    path.write_text(plan_text.replace("- Như Điều 3;", "- UBND thành phố;\n- TT Đảng ủy, HĐND phường;"), encoding="utf-8")
    plan2 = process(path)
    names = [b.name for b in plan2.bodies if b.role == "recipient"]
    assert names == ["Ủy ban nhân dân thành phố", "Thường trực Đảng ủy phường",
                     "Thường trực Hội đồng nhân dân phường"]


@pytest.mark.parametrize("line, expected", [
    ("a) Tổ chức hội nghị", ("a)", False, 3)),
    ("- Chủ trì tham mưu", ("", True, 2)),
    ("4.3. Đẩy mạnh cải cách", ("4.3.", False, 5)),
    ("Nhiệm vụ 2: Phát triển", ("Nhiệm vụ 2:", False, 12)),
    ("Tổng hợp kết quả", ("", False, 0)),
])
def test_marker(line: str, expected: tuple) -> None:
    assert marker(line) == expected


@pytest.mark.parametrize("header, content, lead", [
    (["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành", "Sản phẩm"], 1, 2),
    (["TT", "Nhiệm vụ, giải pháp", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn"], 1, 2),
    (["STT", "Tên nhiệm vụ", "Cơ quan thực hiện", "Tiến độ", "Ghi chú"], 1, 2),
])
def test_table_columns(header: list[str], content: int, lead: int) -> None:
    cols = table_columns(header)
    assert cols is not None and cols["content"] == content and cols["lead"] == lead


def test_table_without_task_columns_is_not_a_task_table() -> None:
    assert table_columns(["Họ và tên", "Chức vụ", "Đơn vị công tác"]) is None
    assert table_columns(["Chỉ tiêu", "Đơn vị tính", "Kế hoạch 2026"]) is None


TABLE_PLAN = (
    "III. TỔ CHỨC THỰC HIỆN\nCác cơ quan, đơn vị thực hiện nhiệm vụ theo Phụ lục kèm theo.\n\n"
    "Nơi nhận:\n- Lưu: VT.\n\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nNguyễn Văn An\n\nPHỤ LỤC\n"
    "DANH MỤC NHIỆM VỤ NĂM 2026\n\n"
    "| STT | Nội dung nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |\n"
    "|---|---|---|---|---|\n"
    "| I | NHIỆM VỤ VỀ CẢI CÁCH THỂ CHẾ | | | |\n"
    "| 1 | Rà soát văn bản quy phạm pháp luật | Văn phòng HĐND và UBND | Các phòng chuyên môn | Quý II/2026 |\n"
    "| 2 | Công khai thủ tục hành chính tại bộ phận một cửa | | Trung tâm Phục vụ Hành chính công | Thường xuyên |\n"
    "| II | NHIỆM VỤ VỀ CHÍNH QUYỀN SỐ | | | |\n"
    "| 3 | Tập huấn kỹ năng số | | Đoàn Thanh niên phường | Năm học 2025-2026 |\n"
    "| 4 | Số hóa hồ sơ hộ tịch | Phòng Văn hóa - Xã hội; Tổ công tác số hóa phường | Công an phường | Trước ngày 30/9/2026 |\n"
)


def test_task_table_rows(tmp_path: Path) -> None:
    path = tmp_path / "table.md"
    path.write_text(HEADER["KH"].format(year=2026) + TABLE_PLAN, encoding="utf-8")
    plan = process(path)
    assert not plan.errors
    rows = [t for t in plan.tasks if t.in_table]
    assert [t.label for t in rows] == ["1", "2", "3", "4"]
    assert [t.lead for t in rows] == [
        "Văn phòng HĐND và UBND", "Văn phòng HĐND và UBND",  # the empty cell continues the one above
        "",  # a group row ends the merge
        "Phòng Văn hóa - Xã hội;Tổ công tác số hóa phường"]
    assert rows[3].support == "Công an phường"
    deadlines = {d.deadline_id: d for d in plan.deadlines}
    assert (deadlines[rows[0].deadline_id].date_start, deadlines[rows[0].deadline_id].date_end) == ("2026-04-01", "2026-06-30")
    assert rows[1].deadline_id == ""  # "Thường xuyên" is no deadline
    assert deadlines[rows[3].deadline_id].kind == "before"
    assert deadlines[rows[2].deadline_id].date_end == "2026-05-31"  # the school year, in the time column
    unknown = [b for b in plan.bodies if b.mention == "Tổ công tác số hóa phường"]  # not in the gazetteer
    assert unknown and unknown[0].known is False and unknown[0].role == "lead"
    for t in rows:
        assert plan.source.text[t.start:t.end] == t.quote


# --- the same plan in .txt, .docx and .pdf ----------------------------------------------------------

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
RENDITIONS = [(p.stem, fmt) for p in sorted((CORPUS / "txt").glob("*.txt"))
              for fmt in ("docx", "pdf") if (CORPUS / fmt / f"{p.stem}.{fmt}").exists()]
BROKEN = {  # documented in corpus/README.md
    ("an-duong-2026-qd-chuong-trinh-hanh-dong", "docx"): "the Chương trình sits inside the signature table cell",
    ("an-duong-2026-qd-chuong-trinh-hanh-dong", "pdf"): "the Chương trình sits inside the signature table cell",
}


def _signature(plan) -> tuple[list, list, list]:
    deadlines = {d.deadline_id: (d.kind, d.date_start, d.date_end, d.recurrence) for d in plan.deadlines}
    tasks = [(t.label, t.lead, t.support, t.report_to, t.via, deadlines.get(t.deadline_id))
             for t in plan.tasks]
    return (tasks, sorted(deadlines.values()),
            sorted((b.name, b.role) for b in plan.bodies if b.role != "mentioned"))


@pytest.mark.parametrize("stem, fmt", RENDITIONS, ids=[f"{s}-{f}" for s, f in RENDITIONS])
def test_same_tasks_deadlines_and_bodies_in_every_format(stem: str, fmt: str) -> None:
    if (stem, fmt) in BROKEN:
        pytest.xfail(BROKEN[(stem, fmt)])
    want = _signature(process(CORPUS / "txt" / f"{stem}.txt"))
    got = _signature(process(CORPUS / fmt / f"{stem}.{fmt}"))
    for name, w, g in zip(("tasks", "deadlines", "bodies"), want, got):
        assert g == w, name


def test_signing_body(tmp_path: Path) -> None:
    plan = _plan(tmp_path, {"id": "signer", "text": "III. TỔ CHỨC THỰC HIỆN\nGiao Công an phường chủ trì.\n"})
    signers = [(b.mention, b.name, b.level) for b in plan.bodies if b.role == "signer"]
    assert signers == [("ỦY BAN NHÂN DÂN", "Ủy ban nhân dân phường", "phường")]


@pytest.mark.parametrize("path", sorted((Path(__file__).resolve().parents[1] / "corpus").glob("*/*.txt")),
                         ids=lambda p: p.stem[:40])
def test_bodies_of_a_paragraph_are_the_documents_bodies_inside_it(path: Path) -> None:
    """extract_tasks finds bodies once per document and gives each paragraph and heading those
    inside it: that must equal finding them in the paragraph or heading alone."""
    import sys

    from plan_extract.extract.bodies import find_bodies
    from plan_extract.extract.tasks import _within, paragraphs

    extract = sys.modules["plan_extract.extract"]
    seen = []
    original = extract.plan_items
    try:
        extract.plan_items = lambda plan, ctx: (seen.append(ctx), original(plan, ctx))
        process(path)
    finally:
        extract.plan_items = original
    assert seen
    for ctx in seen:
        text, off = ctx.norm.text, ctx.part.start
        whole = find_bodies(text[off:ctx.part.end])
        for p in paragraphs(ctx):
            alone = find_bodies(text[p.start:p.end])
            assert _within(whole, p.start - off, p.end - off) == alone, text[p.start:p.end][:80]
        for node in ctx.sections:  # headings too (heading_assignment)
            alone = find_bodies(text[node.start:node.heading_end])
            assert _within(whole, node.start - off, node.heading_end - off) == alone, \
                text[node.start:node.heading_end][:80]
