"""Normalization: artifacts, tone marks, typos, wrapped lines — and the offset map back."""
from __future__ import annotations

import random

import pytest
from hypothesis import given, settings, strategies as st

from plan_extract.normalize import canonical_tones, fold, normalize, page_furniture

CASES = [
    ("I. MỤC ĐÍCH, YÊU CẦU**1. Mục đích**", "I. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích"),
    ("CHƯƠNG TRÌNH HÀNH ĐỘNG**Thực hiện Chủ đề năm 2026**", "CHƯƠNG TRÌNH HÀNH ĐỘNG\nThực hiện Chủ đề năm 2026"),
    ("## **II. CHỦ ĐỀ THI ĐUA NĂM 2026**", "II. CHỦ ĐỀ THI ĐUA NĂM 2026"),
    ("chỉ số (*PAR index*) đạt", "chỉ số (PAR index) đạt"),
    ("(7) Phân đầu lắp đặt 100 cột điện", "(7) Phấn đấu lắp đặt 100 cột điện"),
    ("Uỷ ban nhân dân, hoà bình, thuý", "Ủy ban nhân dân, hòa bình, thúy"),
    ("\uf0b7 Báo cáo kết quả", "- Báo cáo kết quả"),
    ("Căn cứ Kế hoạch số 56 của Ủy ban nhân dân\nthành phố Hải Phòng;", "Căn cứ Kế hoạch số 56 của Ủy ban nhân dân thành phố Hải Phòng;"),
    ("Tổ chức các phong trào thi đua yêu nước lập\n\nthành tích thiết thực", "Tổ chức các phong trào thi đua yêu nước lập thành tích thiết thực"),
    ("1. Mục đích\n\na) Đẩy mạnh", "1. Mục đích\na) Đẩy mạnh"),
    ("quốc phòng\n- an ninh phường", "quốc phòng - an ninh phường"),
    ("ỦY BAN NHÂN DÂN\nPHƯỜNG KIẾN AN", "ỦY BAN NHÂN DÂN PHƯỜNG KIẾN AN"),
    ("hoa\u0300 bi\u0300nh", "hòa bình"),  # decomposed input is composed (NFC)
    ("| ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n|---|---|\n| Số: 12/KH-UBND | Hà Nội |",
     "ỦY BAN NHÂN DÂN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 12/KH-UBND\nHà Nội"),
]


@pytest.mark.parametrize("source,expected", CASES, ids=[c[0][:30] for c in CASES])
def test_normalize_examples(source, expected):
    assert normalize(source).text == expected


def test_tone_placement_keeps_length_and_spares_closed_syllables():
    for word, want in [("hoà", "hòa"), ("Hoà", "Hòa"), ("khoẻ", "khỏe"), ("tuỳ", "tùy"),
                       ("quý", "quý"), ("hoàng", "hoàng"), ("thuỷ", "thủy")]:
        assert canonical_tones(word) == want
        assert len(canonical_tones(word)) == len(word)
    assert fold("Uỷ Ban – Hoà") == fold("Ủy ban - hòa")


def test_offset_map_points_every_span_back_to_the_source():
    source = open("corpus/txt/an-duong-2026-qd-chuong-trinh-hanh-dong.txt", encoding="utf-8").read()
    n = normalize(source)
    rng = random.Random(7)
    for _ in range(500):
        i = rng.randrange(len(n.text))
        j = min(len(n.text), i + rng.randrange(1, 80))
        s, e = n.source_span(i, j)
        assert 0 <= s <= e <= len(source)
    # a word found in the normalized text is the same word in the source
    k = n.text.index("Bùi Tiến Phong")
    s, e = n.source_span(k, k + len("Bùi Tiến Phong"))
    assert source[s:e] == "Bùi Tiến Phong"
    k = n.text.index("Phấn đấu") if "Phấn đấu" in n.text else None
    if k is not None:
        s, e = n.source_span(k, k + 8)
        assert source[s:e] in ("Phấn đấu", "Phân đầu")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aăâbcdđeêhiklmnoôơpqrstuưvxyàáảãạ *#\n-|:.;()0123456789ỦỲÝ")), max_size=200))
def test_normalize_never_crashes_and_map_is_monotone(text):
    n = normalize(text)
    assert len(n.map.src) == len(n.text) + 1
    src = list(n.map.src)
    assert all(0 <= x <= len(text) for x in src)


def test_language_data_reads_the_same_with_libyaml_and_pure_python():
    """``lang.load`` uses libyaml's loader when PyYAML has it: every data file must parse to the
    same data as with PyYAML's pure-Python safe loader."""
    import yaml

    from plan_extract.lang import DATA_DIR, _LOADER

    files = sorted(DATA_DIR.glob("*.yaml"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert yaml.load(text, Loader=_LOADER) == yaml.load(text, Loader=yaml.SafeLoader), path.name


def test_character_probes_hold_exactly_the_characters_of_their_passes():
    """A pass is skipped when its probe finds none of its characters: every character of the
    Basic Multilingual Plane must be found by the probe iff the pass's class matches it."""
    from plan_extract import normalize as N

    for probe, pattern in ((N._HAS_INVISIBLE, N._INVISIBLE), (N._HAS_ODD_SPACE, N._SPACES),
                           (N._HAS_BULLET, N._BULLET)):
        for cp in range(0x10000):
            c = chr(cp)
            if 0xD800 <= cp <= 0xDFFF:
                continue
            hit = pattern.search(c) is not None if pattern is not N._BULLET else \
                pattern.search(c + " x") is not None and c not in " \t"
            assert probe("ab" + c + "cd") == hit, (pattern.pattern, hex(cp))


def test_tone_pass_equals_the_full_pattern_everywhere():
    """The tone pass tries the full pattern only at the cheap candidates: the same matches as
    searching with the full pattern, on the corpus and on random Vietnamese-like strings."""
    from plan_extract import normalize as N
    from conftest import CORPUS

    texts = [p.read_text(encoding="utf-8") for p in CORPUS.rglob("*.txt")]
    rnd = random.Random(7)
    alphabet = "hoàHOÀuýUỶqQtTkKnNgGcCđĐ oaeyáàảãạèéẻẽẹỳýỷỹỵ-.,\n1x"
    texts += ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30))) for _ in range(20000)]
    for t in texts:
        assert [m.span() for m in N._ToneMatches.finditer(t)] == \
            [m.span() for m in N._NEW_STYLE_TONE.finditer(t)], t
        assert canonical_tones(t) == N._NEW_STYLE_TONE.sub(N._tone_repl, t)


def test_tone_probe_finds_every_candidate():
    """The stdlib probe of the tone pass may find more than the candidate pattern, never fewer:
    after a toned final, whatever character of the BMP follows."""
    from plan_extract import normalize as N

    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        for final in ("oà", "Uỷ", "oẹ", "OÁ"):
            t = final + chr(cp)
            if N._TONE_CANDIDATE.search(t):
                assert N._TONE_PROBE.search(t), hex(cp)


def test_fold_cells_equals_folding_each_cell():
    """A table row's cells folded in one call: the same keys as folding each cell, on every table
    row of the corpus and on random rows (tone-mark pairs at a cell's edges, dashes, case)."""
    from plan_extract.normalize import fold_cells, is_table_row
    from conftest import CORPUS

    rows = [line.split("|") for p in CORPUS.rglob("*.txt")
            for line in normalize(p.read_text(encoding="utf-8")).text.split("\n") if is_table_row(line)]
    assert rows
    rnd = random.Random(11)
    alphabet = "hoà uỷ Ủy –—-ĐđaÁ Σς\u0301e\n\t"
    rows += [["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 8))) for _ in range(rnd.randint(1, 6))]
             for _ in range(20000)]
    rows.append(["a\ue000b", "Hoà"])
    for cells in rows:
        assert fold_cells(cells) == [" ".join(fold(c).split()) for c in cells], cells


def _printed_pages(pages: list[str], head: str) -> str:
    """Pages as a PDF-to-text tool saves them: each page after the first opens with its number
    and the running head."""
    out = pages[0]
    for n, page in enumerate(pages[1:], start=2):
        out += f"\n\n{n}\n{head}\n{page}"
    return out


def test_page_numbers_and_running_heads_of_printed_text_are_dropped_and_cut_sentences_joined():
    filler = "Tăng cường công tác quản lý nhà nước về du lịch trên địa bàn tỉnh. " * 20
    pages = [
        f"KẾ HOẠCH\n1. Mục đích\n{filler}\na) Xây dựng hình ảnh điểm đến",
        f"an toàn, thân thiện, hấp dẫn đối với du khách.\n{filler}\nb) Đầu tư hạ tầng phù hợp với",
        f"quy hoạch được duyệt (Sở Xây dựng chủ trì).\n{filler}",
    ]
    source = _printed_pages(pages, "Kế hoạch phát triển du lịch năm 2026")
    norm = normalize(source)
    lines = norm.text.split("\n")
    assert "a) Xây dựng hình ảnh điểm đến an toàn, thân thiện, hấp dẫn đối với du khách." in lines
    assert "b) Đầu tư hạ tầng phù hợp với quy hoạch được duyệt (Sở Xây dựng chủ trì)." in lines
    assert "Kế hoạch phát triển du lịch năm 2026" not in norm.text
    assert not any(l.strip().isdigit() for l in lines)
    # the joined sentence still maps back to the source, across the dropped page break
    i = norm.text.index("an toàn")
    s, e = norm.source_span(i, i + len("an toàn"))
    assert source[s:e] == "an toàn"


def test_numbers_alone_on_their_lines_that_are_not_page_numbers_are_kept():
    # a table exported one cell a line: row numbers close together, not page numbers
    rows = "STT\nNội dung\n1\nTổ chức hội nghị\n2\nKiểm tra, giám sát\n3\nSơ kết, tổng kết"
    assert page_furniture(rows.split("\n")) == set()
    assert [w for w in normalize(rows).text.split() if w.isdigit()] == ["1", "2", "3"]
    # one number alone in a long text: maybe a page number, maybe not; kept, and its neighbour
    text = "Tăng cường quản lý. " * 80 + "\n\n2\nKế hoạch năm 2026\nnội dung tiếp theo."
    assert page_furniture(text.split("\n")) == set()
    assert "\n2\nKế hoạch năm 2026" in normalize(text).text


def test_blocks_set_side_by_side_in_a_layout_text_are_read_one_after_the_other():
    source = ("ỦY BAN NHÂN DÂN                    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
              "    XÃ EA KAR                          Độc lập - Tự do - Hạnh phúc\n\n"
              "      Căn cứ Luật Phòng, chống ma túy ngày 30 tháng 3 năm 2021;\n\n"
              "Nơi nhận:                                    TM. ỦY BAN NHÂN DÂN\n"
              "- UBND tỉnh (b/c);                                 CHỦ TỊCH\n"
              "- Lưu: VT.\n"
              "                                             Y Kuăn Niê\n")
    norm = normalize(source)
    lines = norm.text.split("\n")
    assert lines[:3] == ["ỦY BAN NHÂN DÂN XÃ EA KAR", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                         "Độc lập - Tự do - Hạnh phúc"]   # the issuer's two lines make one paragraph
    assert lines[-6:] == ["Nơi nhận:", "- UBND tỉnh (b/c);", "- Lưu: VT.", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH",
                          "Y Kuăn Niê"]
    for word in ("XÃ EA KAR", "CHỦ TỊCH", "Y Kuăn Niê", "- Lưu: VT."):  # each cell maps back to its text
        i = norm.text.index(word)
        s, e = norm.source_span(i, i + len(word))
        assert source[s:e] == word



def test_one_wide_gap_in_a_justified_line_is_not_two_columns():
    source = ("      Căn cứ Luật Phòng, chống ma túy ngày 30 tháng 3 năm 2021; các cơ quan, đơn vị\n"
              "tổ chức       thực hiện nghiêm túc các nội dung của Kế hoạch này, báo cáo kết quả\n"
              "về Ủy ban nhân dân xã trước ngày 10/12/2026.\n")
    text = normalize(source).text
    assert "tổ chức thực hiện nghiêm túc" in text and text.endswith("trước ngày 10/12/2026.")
