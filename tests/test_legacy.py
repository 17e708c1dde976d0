"""Legacy Vietnamese font encodings (TCVN3, VNI): the tables, detection of .txt files, round trips
of the seed plans, and Word runs typed in ".VnTime" / "VNI-Times" fonts."""
from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml

from plan_extract.lang import load
from plan_extract.read import read
from plan_extract.read import legacy
from plan_extract.read.encodings import decode
from plan_extract.read.legacy import (LegacyFont, convert_text, encode_text, font_encoding,
                                      is_syllable, restore_caps, to_tcvn3, to_vni)

from conftest import CORPUS, SEEDS

DATA = load("legacy_encodings")
SPECS = Path(__file__).parent / "specs"
TONES = "\u0300\u0309\u0303\u0301\u0323"
VOWELS = "aăâeêioôơuưy"
# every Vietnamese lower-case letter outside ASCII: 12 vowels x 6 tones less the 6 ASCII ones, and đ
ALL_VOWELS = {unicodedata.normalize("NFC", v + t) for v in VOWELS for t in ["", *TONES]}
LETTERS = sorted(ALL_VOWELS - set("aeiouy") | {"đ"})
UNSURE = {unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES}  # toned: no TCVN3 capital


def _ascii(s: str) -> str:
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in s if c.isascii())[:40]


def _table(encoding: str) -> dict[str, str]:
    return {k: v for row in DATA[encoding]["letters"].values() for k, v in row.items()}


def cp1258_bytes(text: str) -> bytes:
    """Text as Windows writes it in code page 1258: base letters precomposed, tones combining."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        nfd = unicodedata.normalize("NFD", ch)
        out.append(unicodedata.normalize("NFC", "".join(c for c in nfd if c not in TONES))
                   + "".join(c for c in nfd if c in TONES))
    return "".join(out).encode("cp1258")


WRITERS = {"cp1252": lambda t: t.encode("cp1252"), "cp1258": cp1258_bytes, "tcvn3": to_tcvn3, "vni": to_vni}


# --- the tables -------------------------------------------------------------------------------------

def test_tcvn3_table_has_every_letter_once_in_one_byte():
    table = _table("tcvn3")
    assert sorted(k for k in table if not k.isascii() and k.islower()) == LETTERS
    assert sorted(k for k in table if k.isupper()) == sorted("ĂÂÊÔƠƯĐ")
    codes = [v for k, v in table.items() if not k.isascii()] + list(DATA["tcvn3"]["vn1_capitals"].values())
    assert len(codes) == len(set(codes)) == 67 + 7 + 16
    assert all(len(c) == 1 and 0xA0 < ord(c) <= 0xFF for c in codes)  # 0x80-0x9F stay cp1252


def test_vni_table_has_every_letter_and_distinct_sequences():
    table = _table("vni")
    assert sorted(k for k in table if not k.isascii()) == LETTERS
    codes = [v for k, v in table.items() if not k.isascii()]
    codes += [c.upper() for c in codes]
    assert len(codes) == len(set(codes)) == 2 * 67
    assert all(len(c) in (1, 2) and c.encode("cp1252") for c in codes)
    # every letter and its capital read back from its own code
    for letter in LETTERS:
        assert convert_text(table[letter], "vni") == letter
        assert convert_text(table[letter].upper(), "vni") == letter.upper()


def test_tcvn3_agrees_with_glibc_iconv():
    """An independent check of the byte values: glibc's TCVN5712-1 (VN1) codec, whose A1-FF slots
    are the TCVN3 (VN3) letters plus the VN1 capitals."""
    if shutil.which("iconv") is None:
        pytest.skip("iconv not installed")
    pairs = [(k, v) for k, v in _table("tcvn3").items() if not k.isascii()]
    pairs += list(DATA["tcvn3"]["vn1_capitals"].items())
    data = bytes(ord(code) for _, code in pairs)
    proc = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=data, capture_output=True)
    if proc.returncode != 0:
        pytest.skip("iconv has no TCVN5712-1 codec")
    assert list(unicodedata.normalize("NFC", proc.stdout.decode())) == [letter for letter, _ in pairs]


def test_docstring_examples_hold():
    import doctest

    result = doctest.testmod(legacy)
    assert result.attempted >= 10 and result.failed == 0


# --- examples of the data file ----------------------------------------------------------------------

EXAMPLES = [pytest.param(enc, ex, id=f"{enc}-{_ascii(ex['text'])}")
            for enc in ("tcvn3", "vni") for ex in DATA[enc]["examples"]]


@pytest.mark.parametrize("encoding,example", EXAMPLES)
def test_examples_read_and_write(encoding, example):
    assert convert_text(example["legacy"], encoding) == example["text"]
    assert encode_text(example["text"], encoding) == example["legacy"]


@pytest.mark.parametrize("example", DATA["tcvn3"]["caps_examples"], ids=lambda e: _ascii(e["text"]))
def test_tcvn3_capitals_restored_from_context(example):
    assert restore_caps(convert_text(example["legacy"], "tcvn3")) == example["text"]


@pytest.mark.parametrize("example", DATA["fonts"]["examples"], ids=lambda e: e["font"])
def test_font_names(example):
    expected = LegacyFont(example["encoding"], example["caps"]) if example["encoding"] else None
    assert font_encoding(example["font"]) == expected


@pytest.mark.parametrize("word", DATA["syllables"]["examples"]["valid"])
def test_valid_syllables(word):
    assert is_syllable(word)


@pytest.mark.parametrize("word", DATA["syllables"]["examples"]["invalid"])
def test_invalid_syllables(word):
    assert not is_syllable(word)


def test_encoders_refuse_what_they_cannot_hold():
    with pytest.raises(ValueError, match="cannot be written in vni"):
        encode_text("Größe", "vni")  # ö is the VNI code of ư
    with pytest.raises(ValueError, match="cannot be written in tcvn3"):
        encode_text("5 µm", "tcvn3")  # µ is the TCVN3 code of à
    assert encode_text("x ≥ 5", "tcvn3", errors="replace") == "x ? 5"


def test_vni_base_and_modifier_that_make_no_letter():
    # "ô" is ơ, and ơ takes no circumflex: the pair falls back to ơ + the modifier left as it is
    assert convert_text("ôâ oâ", "vni") == "ơâ ô"
    with pytest.raises(ValueError, match="unknown legacy encoding"):
        convert_text("abc", "viqr")


# --- detection of .txt files ------------------------------------------------------------------------

DETECT = yaml.safe_load((SPECS / "legacy_detect.yaml").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", DETECT, ids=lambda c: _ascii(c["id"]))
def test_detection_spec(case, tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(WRITERS[case["as"]](case["text"]))
    doc = read(path)
    assert doc.encoding == case["expect"]
    assert doc.text == case.get("read", case["text"])


def test_utf8_never_takes_the_legacy_path(tmp_path, monkeypatch):
    def refuse(data: bytes) -> Any:
        raise AssertionError("UTF-8 input went to the legacy decoder")

    monkeypatch.setattr(legacy, "convert_legacy", refuse)
    text = "Ủy ban nhân dân phường; µ ¸ © « ¬ (TCVN3 codes as real characters); aø eä (VNI codes)"
    path = tmp_path / "utf8.txt"
    path.write_bytes(text.encode("utf-8"))
    doc = read(path)
    assert (doc.text, doc.encoding) == (text, "utf-8")


def test_plain_ascii_is_untouched(tmp_path):
    text = "So: 136/KH-UBND\n\nKe hoach phat trien kinh te - xa hoi nam 2026 (ASCII only).\n"
    path = tmp_path / "ascii.txt"
    path.write_bytes(text.encode("ascii"))
    doc = read(path)
    assert (doc.text, doc.encoding) == (text, "utf-8")


# --- round trips of the seed plans ------------------------------------------------------------------

def _seed(stem: str) -> str:
    return unicodedata.normalize("NFC", (CORPUS / "txt" / f"{stem}.txt").read_text(encoding="utf-8"))


@pytest.mark.parametrize("stem", SEEDS)
def test_seed_round_trip_vni_is_exact(stem, tmp_path):
    original = _seed(stem)
    path = tmp_path / f"{stem}.txt"
    path.write_bytes(to_vni(original))
    doc = read(path)
    assert doc.encoding == "vni"
    assert doc.text == original


@pytest.mark.parametrize("stem", SEEDS)
def test_seed_round_trip_cp1258_stays_cp1258(stem, tmp_path):
    original = _seed(stem)
    path = tmp_path / f"{stem}.txt"
    path.write_bytes(cp1258_bytes(original))
    doc = read(path)
    assert (doc.encoding, doc.text) == ("cp1258", original)


def _case_misses(original: str, text: str) -> tuple[int, int]:
    """Compare a TCVN3 reading with the original: every character equal, except toned capitals,
    which TCVN3 cannot hold and may come back lower-case. Returns (toned capitals, restored)."""
    assert len(text) == len(original)
    capitals = restored = 0
    for i, (want, got) in enumerate(zip(original, text)):
        if want.lower() in UNSURE and want.isupper():
            capitals += 1
            restored += got == want
            assert got in (want, want.lower()), (i, original[max(0, i - 20):i + 20])
        else:
            assert got == want, (i, original[max(0, i - 20):i + 20], text[max(0, i - 20):i + 20])
    return capitals, restored


@pytest.mark.parametrize("stem", SEEDS)
def test_seed_round_trip_tcvn3_equal_but_for_toned_capitals(stem, tmp_path):
    original = _seed(stem)
    path = tmp_path / f"{stem}.txt"
    path.write_bytes(to_tcvn3(original))
    doc = read(path)
    assert doc.encoding == "tcvn3"
    _case_misses(original, doc.text)


def test_seed_tcvn3_toned_capitals_mostly_restored():
    """Share of toned capitals restored in TCVN3 readings of the seeds. When written: 349 of 349 on
    the 7 seeds (278 without the ``title_case`` names, which only "Ủy ban" mid-sentence needs)."""
    capitals = restored = 0
    for stem in SEEDS:
        original = _seed(stem)
        text, encoding = decode(to_tcvn3(original))
        assert encoding == "tcvn3"
        c, r = _case_misses(original, text)
        capitals, restored = capitals + c, restored + r
    assert capitals > 0 and restored / capitals >= 0.9


# --- Word runs in legacy fonts ----------------------------------------------------------------------

def _run(paragraph, text: str, font: str | None):
    run = paragraph.add_run(text)
    if font:
        run.font.name = font
    return run


def _legacy_docx(path: Path) -> Path:
    import docx
    from docx.oxml import OxmlElement

    document = docx.Document()
    _run(document.add_paragraph(), "Céng hoµ x· héi chñ nghÜa ViÖt Nam", ".VnTime")
    _run(document.add_paragraph(), "ñy ban nh©n d©n ph\xadêng kiÕn an", ".VnTimeH")
    p = document.add_paragraph()
    _run(p, "Coäng hoøa, Vie", "VNI-Times")  # Word split a letter from its mark across two runs
    _run(p, "ät Nam", "VNI-Times")
    p = document.add_paragraph()
    run = _run(p, "M", ".VnArial")  # TCVN3 ư as Word's optional hyphen
    run._r.append(OxmlElement("w:softHyphen"))
    t = OxmlElement("w:t")
    t.text = "êng Kh\xad¬ng"
    run._r.append(t)
    p = document.add_paragraph()
    _run(p, "Unicode: ", "Times New Roman")
    _run(p, "5 µm ¸", "Times New Roman")  # not a legacy font: left alone
    style = document.styles.add_style("VnBody", 1)  # paragraph style in a TCVN3 font
    style.font.name = ".VnTime"
    _run(document.add_paragraph(style="VnBody"), "Tæ chøc thùc hiÖn", None)
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ["1", "Phßng V¨n ho¸", "Quý I"]):
        _run(cell.paragraphs[0], text, ".VnTime")
    document.save(path)
    return path


def test_docx_runs_in_legacy_fonts_become_unicode(tmp_path):
    doc = read(_legacy_docx(tmp_path / "legacy.docx"))
    paragraphs = doc.text.split("\n\n")
    assert paragraphs[:6] == [
        "Cộng hoà xã hội chủ nghĩa Việt Nam",
        "ỦY BAN NHÂN DÂN PHƯỜNG KIẾN AN",
        "Cộng hòa, Việt Nam",
        "Mường Khương",
        "Unicode: 5 µm ¸",
        "Tổ chức thực hiện",
    ]
    assert doc.encoding == "xml+tcvn3+vni"
    (table,) = doc.tables
    assert [c.text for c in table.rows[0]] == ["1", "Phòng Văn hoá", "Quý I"]
    for cell in table.rows[0]:
        assert doc.text[cell.start:cell.end] == cell.text


def test_docx_without_legacy_fonts_is_unchanged():
    doc = read(CORPUS / "docx" / "le-thanh-nghi-2026-kh-thi-dua-khen-thuong.docx")
    assert doc.encoding == "xml"
    assert doc.text.startswith("ỦY BAN NHÂN DÂN\n\nPHƯỜNG LÊ THANH NGHỊ")
