"""Deadline extraction: the YAML specs are the suite, plus data examples, properties and speed."""
from __future__ import annotations

import dataclasses
import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from plan_extract.extract import deadlines
from plan_extract.extract.deadlines import DeadlineMatch, find_deadlines
from plan_extract.lang import load

SPECS = Path(__file__).parent / "specs"
DEFAULTS: dict[str, Any] = {
    "date_start": None, "date_end": None, "recurrence": "", "year_inferred": False,
}
FIELDS = ("text", "kind", "date_start", "date_end", "recurrence", "year_inferred")


def _cases() -> list[Any]:
    params = []
    for path in sorted(SPECS.glob("deadlines*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            params.append(pytest.param(case, id=f"{path.stem}:{case['id']}"))
    return params


CASES = _cases()
DATA = load("periods")


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _check_spans(text: str, found: list[DeadlineMatch]) -> None:
    for m in found:
        assert text[m.start:m.end] == m.text
    assert all(a.end <= b.start for a, b in zip(found, found[1:])), "matches overlap or are out of order"


@pytest.mark.parametrize("case", CASES)
def test_spec(case: dict[str, Any]) -> None:
    found = find_deadlines(case["text"], plan_year=case.get("plan_year"))
    _check_spans(case["text"], found)
    got = [{f: getattr(m, f) for f in FIELDS} for m in found]
    want = [{f: _iso({**DEFAULTS, **e}.get(f)) for f in FIELDS} for e in case.get("expect", [])]
    assert got == want
    for m, e in zip(found, case.get("expect", [])):
        if "rule" in e:
            assert m.rule == e["rule"]


def test_spec_ids_unique_and_counts() -> None:
    ids = [p.id for p in CASES]
    assert len(ids) == len(set(ids))
    positive = [p for p in CASES if p.values[0].get("expect")]
    assert len(positive) >= 50
    assert len(CASES) - len(positive) >= 15


# --- the examples written beside the language data are tests too ---------------------------------

def _lexicon_examples() -> list[Any]:
    return [
        pytest.param(lex.get("role"), ex, id=f"{name}:{entry['value']}:{ex}")
        for name, lex in DATA["lexicons"].items()
        for entry in lex["entries"]
        for ex in entry["examples"]
    ]


@pytest.mark.parametrize("role,example", _lexicon_examples())
def test_lexicon_example(role: str | None, example: str) -> None:
    found = find_deadlines(example, plan_year=2026)
    assert (found == []) if role == "block" else found, found


def _rule_examples() -> list[Any]:
    return [
        pytest.param(rule["name"], ex, id=f"{rule['name']}:{ex if isinstance(ex, str) else ex['text']}")
        for rule in DATA["rules"] for ex in rule["examples"]
    ]


@pytest.mark.parametrize("rule,example", _rule_examples())
def test_rule_example(rule: str, example: str | dict) -> None:
    """An example is the exact span the rule finds alone, or {text, spans}: the spans found in a
    text where the rule's match needs its context (the last one is the rule's)."""
    text, spans = (example, [example]) if isinstance(example, str) else (example["text"], example["spans"])
    found = find_deadlines(text, plan_year=2026)
    assert [m.text for m in found] == spans
    assert found[-1].rule.split("/")[0] == rule


def test_every_lexicon_entry_has_examples() -> None:
    for name, lex in DATA["lexicons"].items():
        for entry in lex["entries"]:
            assert entry.get("examples"), f"{name}:{entry['value']} has no examples"


# --- prefilter: one scan for start words must not lose a match a full scan finds ------------------

def _full_scan(text: str) -> set[tuple[int, int, int]]:
    return {(i, *m.span()) for i, r in enumerate(deadlines._RULES) for m in r.pattern.finditer(text)}


def _anchored(text: str) -> set[tuple[int, int, int]]:
    return {(i, *m.span()) for i, m in deadlines._matches(text)}


@pytest.mark.parametrize("case", CASES)
def test_prefilter_misses_nothing(case: dict[str, Any]) -> None:
    assert _full_scan(case["text"]) <= _anchored(case["text"])


# --- properties ----------------------------------------------------------------------------------

TOKENS = st.sampled_from([
    "trước", "ngày", "tháng", "năm", "quý", "Quý", "I", "IV", "hằng", "hàng", "định kỳ", "theo",
    "từ", "đến", "hết", "nay", "cuối", "đầu", "học", "trong", "vào", "hoàn thành", "chậm nhất",
    "6", "31", "02", "13", "2026", "2025", "/", "-", "–", ".", ",", " ", "  ", "\n", "…", "số",
    "KH-UBND", "so với", "ngân", "İ", "0", "99", "1900", "2199", "và", "1 năm", "sáu",
])


@settings(max_examples=300, deadline=None)
@given(st.text(), st.one_of(st.none(), st.integers(min_value=1, max_value=9999)))
def test_never_raises_on_any_text(text: str, plan_year: int | None) -> None:
    _check_spans(text, find_deadlines(text, plan_year=plan_year))


@settings(max_examples=300, deadline=None)
@given(st.lists(TOKENS, max_size=30).map(" ".join), st.one_of(st.none(), st.integers(1, 9999)))
def test_never_raises_on_token_soup(text: str, plan_year: int | None) -> None:
    _check_spans(text, find_deadlines(text, plan_year=plan_year))
    assert _full_scan(text) <= _anchored(text)


@settings(max_examples=300, deadline=None)
@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31)),
    st.booleans(), st.sampled_from(["/", "-", "."]), st.booleans(),
)
def test_before_date_round_trips(day: dt.date, pad: bool, sep: str, long_form: bool) -> None:
    d, m = (f"{day.day:02d}", f"{day.month:02d}") if pad else (str(day.day), str(day.month))
    written = (
        f"trước ngày {d} tháng {m} năm {day.year}" if long_form else f"trước ngày {d}{sep}{m}{sep}{day.year}"
    )
    found = find_deadlines(f"Các đơn vị gửi báo cáo {written}.")
    assert [(f.text, f.kind, f.date_start, f.date_end, f.year_inferred) for f in found] == [
        (written, "before", None, day.isoformat(), False)
    ]


@settings(max_examples=200, deadline=None)
@given(st.integers(1900, 2199), st.integers(1, 12))
def test_month_period_covers_the_whole_month(year: int, month: int) -> None:
    (found,) = find_deadlines(f"trong tháng {month}/{year}")
    start, end = dt.date.fromisoformat(found.date_start), dt.date.fromisoformat(found.date_end)
    assert (start.day, start.month, end.month) == (1, month, month)
    assert (end + dt.timedelta(days=1)).day == 1


def test_result_is_frozen() -> None:
    (m,) = find_deadlines("trước ngày 10/12/2026")
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.kind = "on"  # type: ignore[misc]


# --- speed ---------------------------------------------------------------------------------------

def test_one_pass_over_a_25000_char_plan_is_fast() -> None:
    # A plan-like text: the negative corpus (citations, dates, years, numbers) with a deadline
    # sentence after every few lines: denser in deadlines than the seed plans.
    negatives = [p.values[0]["text"] for p in CASES if not p.values[0].get("expect")]
    positives = [p.values[0]["text"] for p in CASES if p.values[0].get("expect")]
    lines = [line for i, pos in enumerate(positives) for line in (*negatives[i % 7::7][:4], pos)]
    body = "\n".join(lines)
    doc = (body * (25_000 // len(body) + 1))[:25_000]
    find_deadlines(doc, plan_year=2026)  # warm up
    best = min(_timed(doc) for _ in range(5))
    # measured ~6 ms here (95 matches) and ~2 ms on a 25,000-character seed plan; room for slow CI
    assert best < 0.025, f"{best * 1000:.1f} ms"


def _timed(doc: str) -> float:
    t0 = time.perf_counter()
    find_deadlines(doc, plan_year=2026)
    return time.perf_counter() - t0
