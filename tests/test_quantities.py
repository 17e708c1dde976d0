"""Tests for plan_extract.extract.quantities: YAML specs, lexicon examples and properties."""
from __future__ import annotations

import math
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from plan_extract.extract.quantities import Quantity, find_quantities, parse_number
from plan_extract.lang import load

SPECS = Path(__file__).parent / "specs"
FIELDS = {  # spec key -> Quantity attribute
    "text": "text", "value": "value", "min": "value_min", "max": "value_max", "unit": "unit",
    "unit_text": "unit_text", "comparator": "comparator", "rule": "rule", "parsed": "parsed",
}


def _ascii(s: str) -> str:
    """Readable ASCII test id: Vietnamese letters without diacritics."""
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in s if c.isascii())


def _cases(name: str) -> list[Any]:
    data = yaml.safe_load((SPECS / name).read_text(encoding="utf-8"))
    params = []
    for case in data["cases"]:
        marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if case.get("xfail") else []
        params.append(pytest.param(case, id=_ascii(case["id"]), marks=marks))
    return params


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, (int, float)) and not isinstance(expected, bool) and actual is not None:
        return math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-12)
    return actual == expected


def _check_invariants(text: str, qs: list[Quantity]) -> None:
    last = 0
    for q in qs:
        assert text[q.start:q.end] == q.text
        assert last <= q.start <= q.number_start < q.number_end <= q.end
        assert q.comparator in {">=", ">", "<=", "<", "=", "range"}
        if q.comparator == "range":
            assert q.value is None
        else:
            assert q.value_min is None and q.value_max is None
        assert q.parsed or q.value is None
        last = q.end


# ------------------------------------------------------------------------------------ specs


@pytest.mark.parametrize("case", _cases("quantities.yaml"))
def test_positive_spec(case: dict[str, Any]) -> None:
    text = case["text"]
    qs = find_quantities(text)
    _check_invariants(text, qs)
    got = [q.text for q in qs]
    assert len(qs) == len(case["expect"]), f"found {got}"
    for q, exp in zip(qs, case["expect"]):
        for key, want in exp.items():
            actual = text[q.number_start:q.number_end] if key == "number" else getattr(q, FIELDS[key])
            assert _same(actual, want), f"{key}: {actual!r} != {want!r} in {q}"


@pytest.mark.parametrize("case", _cases("quantities_negative.yaml"))
def test_negative_spec(case: dict[str, Any]) -> None:
    assert find_quantities(case["text"]) == [], case["why"]


def test_spec_sizes() -> None:
    assert len(_cases("quantities.yaml")) >= 60
    assert len(_cases("quantities_negative.yaml")) >= 25


# -------------------------------------------------------------------------- lexicon examples


def _lexicon_examples(data: dict[str, Any], section: str) -> list[Any]:
    return [
        pytest.param(entry, ex, id=_ascii(f"{section}:{entry['canonical']}:{ex[:40]}"))
        for entry in data[section] for ex in entry["examples"]
    ]


@pytest.mark.parametrize("entry,example", _lexicon_examples(load("units"), "units"))
def test_unit_examples(entry: dict[str, Any], example: str) -> None:
    units = [q.unit.split("/")[0] for q in find_quantities(example)]
    assert str(entry["canonical"]) in units


@pytest.mark.parametrize("entry,example", _lexicon_examples(load("units"), "scales"))
def test_scale_examples(entry: dict[str, Any], example: str) -> None:
    forms = tuple(str(f) for f in entry["forms"])
    assert any(q.unit_text.lower().startswith(forms) for q in find_quantities(example))


@pytest.mark.parametrize("entry,example", _lexicon_examples(load("units"), "per"))
def test_per_examples(entry: dict[str, Any], example: str) -> None:
    assert any("/" in q.unit_text for q in find_quantities(example))


@pytest.mark.parametrize("entry,example", _lexicon_examples(load("units"), "identifiers"))
def test_identifier_examples(entry: dict[str, Any], example: str) -> None:
    assert find_quantities(example) == []


@pytest.mark.parametrize("example", load("units")["not_nouns"]["examples"], ids=_ascii)
def test_not_noun_examples(example: str) -> None:
    assert find_quantities(example) == []


@pytest.mark.parametrize("entry,example", _lexicon_examples(load("comparators"), "prefix"))
def test_prefix_examples(entry: dict[str, Any], example: str) -> None:
    forms = [str(f) for f in entry["forms"]]
    assert any(q.text.lower().startswith(tuple(forms)) and q.comparator in (entry["comparator"], "range")
               for q in find_quantities(example))


@pytest.mark.parametrize("entry,example", _lexicon_examples(load("comparators"), "suffix"))
def test_suffix_examples(entry: dict[str, Any], example: str) -> None:
    assert any(q.text.endswith(tuple(entry["forms"])) and q.comparator == entry["comparator"]
               for q in find_quantities(example))


@pytest.mark.parametrize("entry,example", _lexicon_examples(load("comparators"), "equal_cues"))
def test_equal_cue_examples(entry: dict[str, Any], example: str) -> None:
    qs = find_quantities(example)
    assert qs and all(q.comparator == "=" for q in qs)
    assert not any(q.text.startswith(tuple(entry["forms"])) for q in qs)


@pytest.mark.parametrize("example", load("comparators")["range_separators"]["examples"], ids=_ascii)
def test_range_separator_examples(example: str) -> None:
    assert [q.comparator for q in find_quantities(example)] == ["range"]


# ------------------------------------------------------------------------------ parse_number


@pytest.mark.parametrize("s,want", [
    ("157.628,1", 157628.1), ("2.300", 2300), ("0,68", 0.68), ("03", 3), ("100.000", 100000),
    ("578,77", 578.77), ("1.000", 1000), ("99", 99), ("12,5", 12.5), ("1.000.000", 1e6),
    ("1,000,000", 1e6), ("1,000.5", 1000.5), ("2.5", 2.5), ("1,000", 1.0), (" 15 ", 15),
])
def test_parse_number_examples(s: str, want: float) -> None:
    assert parse_number(s) == pytest.approx(want)


@pytest.mark.parametrize("s", ["", "abc", "1.23.4", "1..2", "1,2,3", "12.3456.789", ",5", "5,", "1.000,2,3", "%"])
def test_parse_number_rejects(s: str) -> None:
    assert parse_number(s) is None


def _vn_format(integer: int, decimals: str, pad: int, group: bool) -> str:
    """Format the Vietnamese way: thousands dots, decimal comma, optional zero padding."""
    head = f"{integer:,}".replace(",", ".") if group else str(integer)
    if integer < 10 and pad:
        head = str(integer).zfill(pad)
    return head + ("," + decimals if decimals else "")


@settings(max_examples=300)
@given(
    integer=st.integers(min_value=0, max_value=10**15),
    decimals=st.text(alphabet="0123456789", max_size=4),
    pad=st.sampled_from([0, 2, 3]),
    group=st.booleans(),
)
def test_parse_number_roundtrip(integer: int, decimals: str, pad: int, group: bool) -> None:
    s = _vn_format(integer, decimals, pad, group)
    want = float(f"{integer}.{decimals}" if decimals else integer)
    assert parse_number(s) == pytest.approx(want, rel=1e-12)


@settings(max_examples=300)
@given(st.text())
def test_find_quantities_never_raises(text: str) -> None:
    _check_invariants(text, find_quantities(text))


@settings(max_examples=200)
@given(st.lists(st.sampled_from([
    "đạt", "trên", "dưới", "từ", "tối thiểu", "trở lên", "15-17%", "99,5%", "tỷ đồng", "năm 2026",
    "18/02/2026", "100", "người", "số", "Điều", "-", "–", "đến", "/năm", " ", "\n", "1.", "(3)", "1.23.4",
]), max_size=12))
def test_find_quantities_plan_like_noise(parts: list[str]) -> None:
    text = " ".join(parts)
    _check_invariants(text, find_quantities(text))


def test_nfd_input_reads_like_nfc() -> None:
    text = ("Thu nhập bình quân đạt 99 triệu đồng/người/năm; tỷ lệ hộ nghèo dưới 1%; "
            "trồng mới 1.000 cây xanh; không quá 5% hồ sơ trễ hạn; năm 2026")
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    want = [(q.value, q.unit, q.comparator, q.rule) for q in find_quantities(text)]
    assert len(want) == 4
    assert [(q.value, q.unit, q.comparator, q.rule) for q in find_quantities(nfd)] == want


def test_large_document_sanity() -> None:
    """A 25,000-character document is scanned in one go (no timing assert)."""
    para = ("2.1. Tổng giá trị sản phẩm trên địa bàn tăng từ 15-17% trở lên so với năm 2025, đạt "
            "157.628,1 tỷ đồng; thực hiện Kế hoạch số 56/KH-UBND ngày 18/02/2026.\n")
    doc = (para * (25_000 // len(para) + 1))[:25_000]
    qs = find_quantities(doc)
    _check_invariants(doc, qs)
    assert len(qs) >= 2 * (25_000 // len(para))
    assert {q.rule for q in qs} == {"percent_range", "money_scaled"}
