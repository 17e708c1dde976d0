"""Document metadata read from the header and signature blocks."""
from __future__ import annotations

from plan_extract.pipeline import process


def test_signers_named_in_the_central_highlands_way_are_found(tmp_path):
    text = ("ỦY BAN NHÂN DÂN\nXÃ EA KAR\n\nSố: 31/KH-UBND\n\nEa Kar, ngày 12 tháng 02 năm 2026\n\nKẾ HOẠCH\n"
            "Phòng, chống ma túy năm 2026\n\nI. MỤC ĐÍCH\nNâng cao nhận thức của Nhân dân.\n\n"
            "Nơi nhận:\n- UBND tỉnh;\n- Lưu: VT.\n\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n{name}\n")
    for name in ("Y Kuăn Niê", "H'Hen Niê", "Ksor H'Bơ"):
        path = tmp_path / "ea-kar.txt"
        path.write_text(text.format(name=name), encoding="utf-8")
        (doc,) = process(path).documents
        assert (doc.signer, doc.signer_title, doc.signer_authority) == (name, "PHÓ CHỦ TỊCH", "KT. CHỦ TỊCH")
