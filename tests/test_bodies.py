"""Responsible bodies: the corpus in tests/specs/bodies*.yaml, the gazetteer's own examples,
offsets that stay exact through odd spacing and decomposed Unicode, and speed on a real plan."""
from __future__ import annotations

import statistics
import time
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from plan_extract.extract.bodies import (
    BodyMatch,
    body_info,
    canonical,
    find_bodies,
    fold,
    role_of,
)
from plan_extract.lang import load

SPECS = Path(__file__).parent / "specs"
ROOT = Path(__file__).resolve().parents[1]
SEED_DIRS = [ROOT / "corpus" / "txt", ROOT.parent / "shared" / "seeds"]
ROLES = {"lead", "support", "report_to", "via", "mentioned"}


def _params(section: str) -> list:
    """Every item of ``section`` in the bodies spec files, as pytest params (xfail honoured)."""
    out = []
    for path in sorted(SPECS.glob("bodies*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, item in enumerate(data.get(section) or []):
            text = item if isinstance(item, str) else item["text"]
            marks = [pytest.mark.xfail(reason=item["xfail"], strict=True)] if (
                isinstance(item, dict) and item.get("xfail")) else []
            out.append(pytest.param(item, id=f"{path.stem}-{i}-{text[:40]}", marks=marks))
    return out


def _assert_grounded(text: str, found: list[BodyMatch]) -> None:
    """Every mention is the exact text of its span, spans are ordered and do not overlap."""
    prev_end = 0
    for m in found:
        assert text[m.start : m.end] == m.mention
        assert prev_end <= m.start < m.end
        prev_end = m.end


# --------------------------------------------------------------------------- corpus


@pytest.mark.parametrize("item", _params("phrases"))
def test_phrase(item: dict) -> None:
    text = item["text"]
    found = find_bodies(text)
    _assert_grounded(text, found)
    if "names" in item:  # a list that names several bodies
        assert [m.name for m in found] == item["names"], found
        assert [m.mention for m in found] == item["mentions"]
        return
    assert [m.name for m in found] == [item["name"]], found
    m = found[0]
    assert m.mention == item.get("mention", text)
    assert m.known is item.get("known", True)
    if "level" in item:
        assert m.level == item["level"]
    if m.known:
        assert m.rule == "gazetteer"
        assert canonical(m.mention) == item["name"]
    else:
        assert m.rule.startswith("pattern:")
        assert canonical(m.mention) is None


@pytest.mark.parametrize("item", _params("roles"))
def test_roles(item: dict) -> None:
    text = item["text"]
    found = find_bodies(text)
    _assert_grounded(text, found)
    got = [[m.mention, role_of(text, m)] for m in found]
    assert got == [list(pair) for pair in item["expect"]]


@pytest.mark.parametrize("item", _params("negatives"))
def test_negative(item: str) -> None:
    assert find_bodies(item) == []


def test_corpus_sizes() -> None:
    assert len(_params("phrases")) >= 60
    assert len(_params("roles")) >= 20
    assert len(_params("negatives")) >= 15


# --------------------------------------------------------------------------- data files


def _entries() -> list[dict]:
    from plan_extract.extract.bodies import gazetteer_entries

    return gazetteer_entries()


@pytest.mark.parametrize("entry", _entries(), ids=lambda e: e["name"])
def test_gazetteer_entry(entry: dict) -> None:
    """Each entry is complete, and each of its examples finds it."""
    assert set(entry) >= {"name", "abbreviation", "level", "kind", "variants", "examples"}
    assert entry["level"] in {None, "phường", "xã", "quận", "huyện", "thị xã", "thành phố", "tỉnh", "trung ương"}
    assert entry["kind"] in {
        "people_committee", "council", "party", "front", "department", "office", "center",
        "police", "military", "board", "association", "school", "office_holder", "generic",
        "other",
    }
    assert body_info(entry["name"]) is entry
    assert entry["examples"]
    for example in entry["examples"]:
        found = find_bodies(example)
        _assert_grounded(example, found)
        assert entry["name"] in [m.name for m in found], (example, found)


def test_role_cue_examples_have_bodies() -> None:
    """Every cue example of roles.yaml holds a body, and some body in it gets the cue's role."""
    for cue in load("roles")["cues"]:
        for example in cue.get("examples") or []:
            found = find_bodies(example)
            assert found, example
            assert cue["role"] in {role_of(example, m) for m in found}, (cue["role"], example)


# --------------------------------------------------------------------------- matching details


@pytest.mark.parametrize(
    "a, b",
    [
        ("Văn phòng HĐND và UBND phường", "văn phòng hđnd và ubnd PHƯỜNG"),
        ("Ủy ban Mặt trận Tổ quốc Việt Nam", "Uỷ ban Mặt trận Tổ quốc Việt Nam"),
        ("Phòng Văn hóa - Xã hội", "Phòng Văn hoá – Xã hội"),
        ("Phòng Văn hóa - Xã hội", "Phòng  Văn hóa—Xã   hội"),
        ("Hội Cựu chiến binh", "HỘI CỰU CHIẾN BINH"),
    ],
)
def test_insensitive_to_case_tones_dashes_spaces(a: str, b: str) -> None:
    assert canonical(a) is not None
    assert canonical(a) == canonical(b)


def test_place_name_stays_in_mention_not_in_name() -> None:
    text = "Kế hoạch số 56/KH-UBND của Ủy ban nhân dân thành phố Hải Phòng về phát động"
    (m,) = find_bodies(text)
    assert m.mention == "Ủy ban nhân dân thành phố Hải Phòng"
    assert m.name == "Ủy ban nhân dân thành phố"


def test_place_name_stops_at_next_body() -> None:
    text = "gửi Ủy ban nhân dân phường An Dương Phòng Văn hóa - Xã hội"
    assert [m.mention for m in find_bodies(text)] == [
        "Ủy ban nhân dân phường An Dương", "Phòng Văn hóa - Xã hội"]


def test_longest_match_wins() -> None:
    text = "Thường trực Hội đồng Thi đua - Khen thưởng phường"
    assert [m.name for m in find_bodies(text)] == [
        "Thường trực Hội đồng Thi đua - Khen thưởng phường"]


def test_decomposed_unicode_offsets() -> None:
    """NFD text (as some PDF extractors give it) is matched and reported in its own offsets."""
    nfc = "báo cáo Ủy ban nhân dân phường (qua Phòng Văn hóa - Xã hội) trước ngày 10/12"
    nfd = unicodedata.normalize("NFD", nfc)
    found = find_bodies(nfd)
    _assert_grounded(nfd, found)
    assert [m.name for m in found] == [m.name for m in find_bodies(nfc)]
    assert [role_of(nfd, m) for m in found] == ["report_to", "via"]


def test_clause_start() -> None:
    text = "Giao Phòng Kinh tế chủ trì. Phòng Văn hóa - Xã hội phối hợp"
    found = find_bodies(text)
    assert [role_of(text, m) for m in found] == ["lead", "support"]
    # a clause that starts after "Giao" loses the cue
    giao_free = text.index("Phòng")
    assert role_of("Giao Phòng Kinh tế", find_bodies("Giao Phòng Kinh tế")[0], 4) == "mentioned"
    assert role_of(text, found[0], giao_free) == "lead"  # still "chủ trì" after it


def test_canonical() -> None:
    assert canonical("UBND phường An Dương") == "Ủy ban nhân dân phường"
    assert canonical("TT HĐND") == "Thường trực Hội đồng nhân dân phường"
    assert canonical("Ủy ban nhân dân phường") == "Ủy ban nhân dân phường"
    assert canonical("Phòng Tư pháp") is None  # found by pattern only: unknown
    assert canonical("phòng chống tham nhũng") is None
    assert canonical("Công an phường và Ban CHQS") is None  # two bodies


# --------------------------------------------------------------------------- properties

_PIECES = [
    "Ủy ban nhân dân phường", "UBND", "Phòng Văn hóa - Xã hội", "phòng", "ban hành", " ", "  ",
    "\n", ", ", "; ", "(qua ", ")", "báo cáo ", "Giao ", "chủ trì", "KH-UBND", "An Dương",
    "Hoà", "Uỷ ban", "–", "Sở Nội vụ", "các cơ quan, đơn vị", "Trạm y tế", "İ", "x",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=6), max_size=25))
def test_offsets_are_exact(parts: list[str]) -> None:
    text = "".join(parts)
    found = find_bodies(text)
    _assert_grounded(text, found)
    for m in found:
        assert role_of(text, m) in ROLES


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fold_keeps_length(text: str) -> None:
    assert len(fold(text)) == len(text)


# --------------------------------------------------------------------------- real plans


def _seed(name: str) -> str:
    for folder in SEED_DIRS:
        if (folder / name).exists():
            return (folder / name).read_text(encoding="utf-8")
    pytest.skip(f"seed plan not available: {name}")


@pytest.mark.parametrize("name", [
    "an-duong-2026-kh-phat-dong-thi-dua.txt",
    "an-duong-2026-qd-chuong-trinh-hanh-dong.txt",
    "chu-van-an-2025-kh-dot-thi-dua.txt",
    "kien-an-2026-kh-136-phat-trien-ktxh.txt",
    "le-thanh-nghi-2026-kh-thi-dua-khen-thuong.txt",
])
def test_seed_plans(name: str) -> None:
    text = _seed(name)
    found = find_bodies(text)
    _assert_grounded(text, found)
    assert len(found) >= 20
    assert sum(m.known for m in found) / len(found) > 0.9
    roles = [role_of(text, m) for m in found]
    assert set(roles) <= ROLES
    assert {"lead", "report_to"} <= set(roles)


def test_speed_on_a_25k_plan() -> None:
    """find_bodies on a 25,000-character plan takes a few milliseconds (generous bound for CI)."""
    text = _seed("kien-an-2026-kh-136-phat-trien-ktxh.txt")
    from plan_extract.extract.bodies import _find  # uncached

    _find(text)
    times = []
    for _ in range(7):
        t = time.perf_counter()
        _find(text)
        times.append(time.perf_counter() - t)
    assert statistics.median(times) < 0.05


def test_sentence_end_searches_equal_the_pattern_searches():
    """``_next_sentence_end`` / ``_last_sentence_end`` try the sentence-end pattern only at its
    possible first characters: the same matches as searching with it forwards and backwards."""
    import random

    from plan_extract.extract import bodies as B
    from plan_extract.normalize import normalize
    from conftest import CORPUS

    back = B.regex.compile("(?r)" + B._SENTENCE_END.pattern)
    texts = [normalize(p.read_text(encoding="utf-8")).text for p in sorted(CORPUS.glob("txt/*.txt"))]
    rnd = random.Random(3)
    texts += ["".join(rnd.choice("a.!?\n \t#*-1)2.Ab:;–•+I)đ\r") for _ in range(rnd.randint(0, 60)))
              for _ in range(3000)]
    for t in texts:
        for s in range(0, len(t) + 1, 11 if len(t) > 1000 else 1):
            for e in (s + 3000, s + 5, len(t)):
                a, b = B._SENTENCE_END.search(t, s, e), B._next_sentence_end(t, s, e)
                assert (a and a.span()) == (b and b.span()), (t, s, e)
            for lo in (max(0, s - 3000), max(0, s - 4)):
                a, b = back.search(t, lo, s), B._last_sentence_end(t, lo, s)
                assert (a and a.span()) == (b and b.span()), (t, lo, s)


def test_sentence_end_pattern_equals_its_look_behind_first_spelling():
    """The sentence-end pattern puts its line break before the look-behinds that end with it (so
    a try at a "." fails at once): the same matches as the look-behind-first spelling."""
    import random

    from plan_extract.extract import bodies as B
    from plan_extract.normalize import normalize
    from conftest import CORPUS

    first = B.regex.compile(
        r"[.!?](?=\s)|(?<=[.;!?][ \t\r*]*)\n"
        r"|\n(?=[ \t\r]*(?:\n|[-\u2013\u2022+*#>]|\d+(?:\.\d+)*[.)]\s|[a-zđ]\)\s|[IVXLC]+\.\s))"
        r"|(?<=(?:^|\n)[ \t#*]*(?:\d+(?:\.\d+)*[.)]|[a-zđ]\)|[IVXLC]+\.)[^\n]*)\n(?=[ \t\r*]*\p{Lu})")
    texts = [normalize(p.read_text(encoding="utf-8")).text for p in sorted(CORPUS.glob("txt/*.txt"))]
    rnd = random.Random(5)
    texts += ["".join(rnd.choice("a.!?\n \t#*-1)2.Ab:;–•+I)đ\rX") for _ in range(rnd.randint(0, 60)))
              for _ in range(5000)]
    for t in texts:
        assert [m.span() for m in first.finditer(t)] == [m.span() for m in B._SENTENCE_END.finditer(t)]
        for s in range(len(t)):
            a, b = first.match(t, s), B._SENTENCE_END.match(t, s)
            assert (a and a.span()) == (b and b.span()), (t, s)
