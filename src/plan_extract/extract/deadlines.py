"""Deadlines: Vietnamese deadline and period expressions resolved to ISO date intervals.

Find, then resolve. The rules of ``lang/vi/periods.yaml`` (cue + point expression, composed from
named fragments and lexicons) find candidate spans; overlapping candidates are settled longest first;
each kept span's point ("ngày 10/12/2026", "Quý I năm 2026", "6 tháng đầu năm") is resolved to a
calendar interval, and the rule's family (before, framed, through, range, recurring) turns it into a
``DeadlineMatch``. The conventions and decisions are written down at the top of the YAML file.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Callable

import regex

from plan_extract.lang import load

from ..rx import grouped_alternation

__all__ = ["DeadlineMatch", "find_deadlines"]

_FLAGS = regex.IGNORECASE | regex.VERBOSE
_REF = regex.compile(r"\{([a-z_][a-z0-9_]*)(?:\.([a-z0-9_-]+))?\}")


@dataclass(frozen=True, slots=True)
class DeadlineMatch:
    """A deadline or period found in a text, with the half-open span it came from."""

    start: int
    end: int
    text: str  # == input[start:end]
    kind: str  # "before" | "on" | "by_end_of" | "period" | "through" | "recurring"
    date_start: str | None  # ISO "YYYY-MM-DD"
    date_end: str | None  # ISO; for "before X" the end is X
    recurrence: str  # "daily" (D9c) | "weekly" | "monthly" | "quarterly" | "half-yearly" | "yearly", comma-joined, or ""
    rule: str  # "<rule>/<point>", or "invalid_date"
    year_inferred: bool  # the year came from plan_year, not from the text


# --- compiling the language data ---------------------------------------------------------------


def _key(form: Any) -> str:
    """Lookup key of a surface form: lower-cased, whitespace collapsed."""
    return " ".join(str(form).lower().split())


class _Data:
    """periods.yaml compiled: lexicon lookups, template expansion, point parsers and rules."""

    def __init__(self, raw: dict[str, Any]):
        self.raw = raw
        self.lexicons: dict[str, list[dict[str, Any]]] = {
            name: lex["entries"] for name, lex in raw["lexicons"].items()
        }
        self.values: dict[str, dict[str, Any]] = {
            name: {_key(f): e["value"] for e in entries for f in e["forms"]}
            for name, entries in self.lexicons.items()
        }
        self.fragments: dict[str, str] = {**raw["fragments"], **raw["points"]}
        self._expanded: dict[str, str] = {}

    def alternation(self, name: str, value: str | None) -> str:
        forms = [
            str(f)
            for e in self.lexicons[name]
            if value is None or str(e["value"]) == value
            for f in e["forms"]
        ]
        if not forms:
            raise KeyError(f"periods.yaml: lexicon {name} has no entry {value!r}")
        forms.sort(key=len, reverse=True)
        return "(?:" + "|".join(r"\s+".join(regex.escape(w) for w in f.split()) for f in forms) + ")"

    def expand(self, template: str, stack: tuple[str, ...] = ()) -> str:
        """Replace every ``{name}`` / ``{lexicon.value}`` of a template by its regex."""

        def sub(m: regex.Match[str]) -> str:
            name, value = m.group(1), m.group(2)
            if name in self.lexicons:
                return self.alternation(name, value)
            if name not in self.fragments or value is not None:
                raise KeyError(f"periods.yaml: unknown reference {m.group()}")
            if name in stack:
                raise ValueError(f"periods.yaml: cyclic fragment {' -> '.join(stack + (name,))}")
            if name not in self._expanded:
                self._expanded[name] = self.expand(self.fragments[name], stack + (name,))
            return "(?:" + self._expanded[name] + ")"

        return _REF.sub(sub, template)

    def compile(self, template: str) -> regex.Pattern[str]:
        return regex.compile(self.expand(template), _FLAGS)

    def start_keys(self, item: str) -> set[str]:
        """Start keys of a rule's ``starts`` item: a lexicon (or lexicon.value) gives the first word of
        each form, or a number and the word after it; any other item is a phrase of its own."""
        name, _, value = item.partition(".")
        if name not in self.lexicons:
            return {_start_key(item)}
        keys = set()
        for e in self.lexicons[name]:
            if not value or str(e["value"]) == value:
                for f in e["forms"]:
                    words = _start_key(str(f)).split()
                    keys.add(" ".join(words[:2] if words[0] == "digit" else words[:1]))
        return keys


def _start_key(phrase: str) -> str:
    """"6  Tháng" -> "digit tháng": the lookup key with every number as "digit"."""
    return " ".join("digit" if w.isdigit() else w for w in _key(phrase).split())


_DATA = _Data(load("periods"))


# --- resolving a point to an interval -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Ctx:
    """Where a point gets its year when none is written."""

    year: int | None
    inferred: bool  # a year taken from here counts as inferred


@dataclass(frozen=True, slots=True)
class _Interval:
    start: date | None
    end: date | None
    shape: str  # name of the point pattern that matched
    own_year: bool = False  # the point names its year ("2026", "năm nay"); else it was lent one
    inferred: bool = False
    invalid: bool = False
    edge: str = ""  # "start" | "end" for đầu / cuối

    @property
    def day(self) -> bool:
        return self.shape.startswith("date_") or self.shape == "school_opening"


def _month_span(year: int, first: int, last: int) -> tuple[date, date]:
    if not 1 <= first <= last <= 12:
        raise ValueError(f"months {first}..{last}")
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])


def _day(m: regex.Match[str], year: int) -> tuple[date, date]:
    d = date(year, int(m["m"]), int(m["d"]))
    return d, d


def _month(m: regex.Match[str], year: int) -> tuple[date, date]:
    return _month_span(year, int(m["m"]), int(m["m"]))


def _month_range(m: regex.Match[str], year: int) -> tuple[date, date]:
    return _month_span(year, int(m["m"]), int(m["m2"]))


def _quarter(m: regex.Match[str], year: int) -> tuple[date, date]:
    q = int(_DATA.values["quarter_number"][_key(m["q"])])
    return _month_span(year, 3 * q - 2, 3 * q)


def _quarter_range(m: regex.Match[str], year: int) -> tuple[date, date]:
    q1, q2 = (int(_DATA.values["quarter_number"][_key(m[g])]) for g in ("q", "q2"))
    if q2 < q1:
        raise ValueError(f"quarters {q1}-{q2}")
    return _month_span(year, 3 * q1 - 2, 3 * q2)


def _half(m: regex.Match[str], year: int) -> tuple[date, date]:
    n = m["n"]
    months = int(n) if n.isdigit() else int(_DATA.values["month_count"][_key(n)])
    if not 1 <= months <= 11:
        raise ValueError(f"{months} months")
    if _DATA.values["edge"][_key(m["edge"])] == "start":
        return _month_span(year, 1, months)
    return _month_span(year, 13 - months, 12)


def _year(m: regex.Match[str], year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _school_year(m: regex.Match[str], year: int) -> tuple[date, date]:
    second = int(m["y2"])
    if second != year + 1:
        raise ValueError(f"school year {year}-{second}")
    conv = _DATA.raw["conventions"]["school_year"]
    return date.fromisoformat(f"{year}-{conv['start']}"), date.fromisoformat(f"{second}-{conv['end']}")


def _semester(m: regex.Match[str], year: int) -> tuple[date, date]:
    """Semester I or II of the written school year, else of the plan year (D13)."""
    conv = _DATA.raw["conventions"]["semesters"][str(_DATA.values["semester_number"][_key(m["sem"])])]
    if m["y2"] is not None:
        if int(m["y2"]) != year + 1:
            raise ValueError(f"school year {year}-{m['y2']}")
        year = year if conv["year"] == "first" else year + 1
    return (date.fromisoformat(f"{year}-{conv['start']}"), date.fromisoformat(f"{year}-{conv['end']}"))


def _school_opening(m: regex.Match[str], year: int) -> tuple[date, date]:
    if int(m["y2"]) != year + 1:
        raise ValueError(f"school year {year}-{m['y2']}")
    d = date.fromisoformat(f"{year}-{_DATA.raw['conventions']['school_opening']}")
    return d, d


_RESOLVERS: dict[str, Callable[[regex.Match[str], int], tuple[date, date]]] = {
    "date_full": _day,
    "date_dm": _day,
    "date_dm_bare": _day,
    "school_year": _school_year,
    "semester": _semester,
    "school_opening": _school_opening,
    "half": _half,
    "month_range": _month_range,
    "quarter_range": _quarter_range,
    "quarter": _quarter,
    "month": _month,
    "year": _year,
    "year_any": _year,
}
_POINTS: list[tuple[str, regex.Pattern[str]]] = [
    (name, _DATA.compile("{" + name + "}")) for name in _DATA.raw["points"]
]
_EDGE = "edge_point"  # resolved through its inner point
if missing := {name for name, _ in _POINTS} ^ {*_RESOLVERS, _EDGE}:
    raise RuntimeError(f"periods.yaml points and resolvers differ: {sorted(missing)}")


def _resolve_point(text: str, ctx: _Ctx) -> _Interval:
    shape, m = next(((n, m) for n, p in _POINTS if (m := p.fullmatch(text))), ("", None))
    if m is None:  # cannot happen for text a rule's point group matched
        return _Interval(None, None, "unknown", invalid=True)
    if shape == _EDGE:
        inner = _resolve_point(m["inner"], ctx)
        edge = _DATA.values["edge"][_key(m["edge"])]
        bounds = {"end": None} if edge == "start" else {"start": None}
        return replace(inner, shape=f"edge_{inner.shape}", edge=edge, **bounds)
    groups = m.groupdict()
    own = bool(groups.get("y") or groups.get("this"))  # "this" is "năm nay": the plan year
    year = int(groups["y"]) if groups.get("y") else ctx.year
    inferred = not groups.get("y") and year is not None and ctx.inferred
    if year is None:
        return _Interval(None, None, shape, own)
    try:
        start, end = _RESOLVERS[shape](m, year)
    except (ValueError, KeyError):
        return _Interval(None, None, shape, own, inferred, invalid=True)
    return _Interval(start, end, shape, own, inferred)


# --- rule families: a match and its interval(s) -> kind, dates, recurrence ------------------------


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    kind: str
    resolve: str
    pattern: regex.Pattern[str]
    starts: frozenset[str]  # start keys (see _start_key) a match can begin with


@dataclass(frozen=True, slots=True)
class _Value:
    kind: str
    start: date | None = None
    end: date | None = None
    recurrence: str = ""
    shape: str = ""
    inferred: bool = False
    invalid: bool = False


def _before(rule: _Rule, m: regex.Match[str], ctx: _Ctx) -> _Value:
    iv = _resolve_point(m["pt"], ctx)
    strict = _DATA.values["before_cue"][_key(m["cue"])] == "strict"
    end = (iv.start or iv.end) if strict else (iv.end or iv.start)
    return _Value("before", None, end, shape=iv.shape, inferred=iv.inferred, invalid=iv.invalid)


def _framed(rule: _Rule, m: regex.Match[str], ctx: _Ctx) -> _Value:
    iv = _resolve_point(m["pt"], ctx)
    kind = "on" if iv.day else "by_end_of" if iv.edge == "end" else rule.kind
    return _Value(kind, iv.start, iv.end, shape=iv.shape, inferred=iv.inferred, invalid=iv.invalid)


def _through(rule: _Rule, m: regex.Match[str], ctx: _Ctx) -> _Value:
    iv = _resolve_point(m["pt"], ctx)
    return _Value(rule.kind, None, iv.end or iv.start, shape=iv.shape, inferred=iv.inferred, invalid=iv.invalid)


def _onward(rule: _Rule, m: regex.Match[str], ctx: _Ctx) -> _Value:
    iv = _resolve_point(m["pt"], ctx)
    return _Value(rule.kind, iv.start or iv.end, None, shape=iv.shape, inferred=iv.inferred, invalid=iv.invalid)


def _range(rule: _Rule, m: regex.Match[str], ctx: _Ctx) -> _Value:
    left, right = _resolve_point(m["left"], ctx), _resolve_point(m["right"], ctx)
    if not left.own_year and right.own_year and (right.start or right.end):
        left = _resolve_near(m["left"], right, -1, lambda iv: _ordered(iv, right))
    elif not right.own_year and left.own_year and (left.start or left.end):
        right = _resolve_near(m["right"], left, +1, lambda iv: _ordered(left, iv))
    start, end = left.start or left.end, right.end or right.start
    return _Value(
        rule.kind, start, end, shape=f"{left.shape}-{right.shape}", inferred=left.inferred or right.inferred,
        invalid=left.invalid or right.invalid or not _ordered(left, right),
    )


def _ordered(left: _Interval, right: _Interval) -> bool:
    start, end = left.start or left.end, right.end or right.start
    return not (start and end and start > end)


def _resolve_near(text: str, lender: _Interval, step: int, ordered: Callable[[_Interval], bool]) -> _Interval:
    """A range end without a year of its own takes the other end's year, or the year next to it
    (``step``) when that would put the two ends in the wrong order."""
    year = (lender.start or lender.end or date.min).year
    iv = _resolve_point(text, _Ctx(year, lender.inferred))
    return iv if ordered(iv) else _resolve_point(text, _Ctx(year + step, lender.inferred))


def _recurring(rule: _Rule, m: regex.Match[str], ctx: _Ctx) -> _Value:
    caps = m.captures("cad") if "cad" in m.re.groupindex else []
    cadences = dict.fromkeys(_DATA.values["cadence"][_key(c)] for c in caps)
    return _Value(rule.kind, recurrence=",".join(cadences))


def _daily(rule: _Rule, m: regex.Match[str], ctx: _Ctx) -> _Value:
    return _Value(rule.kind, recurrence="daily")


_FAMILIES: dict[str, Callable[[_Rule, regex.Match[str], _Ctx], _Value]] = {
    "before": _before,
    "framed": _framed,
    "through": _through,
    "onward": _onward,
    "range": _range,
    "recurring": _recurring,
    "daily": _daily,
}
_RULES: list[_Rule] = [
    _Rule(
        r["name"], r["kind"], r["resolve"], _DATA.compile(r["pattern"]),
        frozenset().union(*(_DATA.start_keys(s) for s in r["starts"])),
    )
    for r in _DATA.raw["rules"]
]
if unknown := {r.resolve for r in _RULES} - set(_FAMILIES):
    raise RuntimeError(f"periods.yaml rules name unknown families: {sorted(unknown)}")

# The prefilter: one scan (stdlib re, on lower-cased text) for the phrases rules start with; each
# rule is then tried only where one of its own start keys stands. Scanning the text once per rule
# costs ~20 ms on a 25,000-character plan, this ~2 ms. A key that extends a shorter key ("năm học"
# after "năm") is folded into the shorter one, so at most one key stands at any position; the scan
# is zero-width, so a phrase ("6 tháng") does not hide a key inside it ("tháng").
def _fold(keys: set[str]) -> dict[str, str]:
    return {k: min((p for p in keys if f"{k} ".startswith(f"{p} ")), key=len) for k in keys}


def _key_regex(key: str) -> str:
    return r"\s+".join(r"\d+" if w == "digit" else re.escape(w) for w in key.split())


_FOLDED = _fold(set().union(*(r.starts for r in _RULES)))
_RULES_BY_START: dict[str, tuple[int, ...]] = {
    k: tuple(i for i, r in enumerate(_RULES) if k in {_FOLDED[s] for s in r.starts})
    for k in set(_FOLDED.values())
}
def _anchor_alternation(keys: list[str]) -> str:
    """The keys' alternation, the words grouped by first letter (``grouped_alternation``: a third
    less time to scan a plan); keys opening with a number ("\\d+\\s+tháng") stay in front of
    them: they start at a digit, the others at a letter, so the order between the two does not
    change a match."""
    numeric = [k for k in keys if k.startswith("\\")]
    words = [k for k in keys if not k.startswith("\\")]
    return "(?:" + "|".join(numeric + [grouped_alternation(words)]) + ")"


_ANCHOR = re.compile(r"(?<!\w)(?=(" + _anchor_alternation(sorted(map(_key_regex, _RULES_BY_START))) + r")(?!\w))")
_RULES_AT: dict[str, tuple[int, ...]] = {}  # the rules of each anchor text as written, looked up once
_ANCHOR_CI = re.compile(_ANCHOR.pattern, re.IGNORECASE)  # for the rare text whose lower() changes length


def _matches(text: str) -> list[tuple[int, regex.Match[str]]]:
    """(rule index, match) for each rule tried wherever one of its start keys stands."""
    low = text.lower()
    scan, anchor = (low, _ANCHOR) if len(low) == len(text) else (text, _ANCHOR_CI)
    found = []
    for a in anchor.finditer(scan):
        key = a.group(1)
        rules = _RULES_AT.get(key)
        if rules is None:
            rules = _RULES_BY_START[_start_key(key)]
            if len(_RULES_AT) < 4096:  # keys with numbers ("12 tháng") are many; keep it bounded
                _RULES_AT[key] = rules
        for i in rules:
            if m := _RULES[i].pattern.match(text, a.start()):
                found.append((i, m))
    return found


def _candidates(text: str) -> list[tuple[_Rule, regex.Match[str]]]:
    """The non-overlapping matches: longest first, then rule order."""
    found = [(-(m.end() - m.start()), i, m.start(), _RULES[i], m) for i, m in _matches(text)]
    found.sort(key=lambda c: c[:3])
    taken = bytearray(len(text))  # 1 where a kept match stands
    kept: list[tuple[_Rule, regex.Match[str]]] = []
    for _, _, start, rule, m in found:
        if not any(taken[start:m.end()]):
            taken[start:m.end()] = b"\x01" * (m.end() - start)
            kept.append((rule, m))
    kept.sort(key=lambda c: c[1].start())
    return kept


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def find_deadlines(text: str, plan_year: int | None = None) -> list[DeadlineMatch]:
    """Deadlines and periods in ``text``, in reading order; ``plan_year`` fills years left unwritten."""
    ctx = _Ctx(plan_year, True)
    out: list[DeadlineMatch] = []
    for rule, m in _candidates(text):
        v = _FAMILIES[rule.resolve](rule, m, ctx)
        name = "invalid_date" if v.invalid else f"{rule.name}/{v.shape}" if v.shape else rule.name
        out.append(DeadlineMatch(
            start=m.start(), end=m.end(), text=m.group(), kind=v.kind,
            date_start=None if v.invalid else _iso(v.start),
            date_end=None if v.invalid else _iso(v.end),
            recurrence=v.recurrence, rule=name, year_inferred=v.inferred,
        ))
    return _merge_bracketed(text, _drop_restated_cadence(text, out))


_OPEN_BRACKET = regex.compile(r"\s*\(\s*\Z")
_CLOSE_BRACKET = regex.compile(r"\s*\)")


def _merge_bracketed(text: str, found: list[DeadlineMatch]) -> list[DeadlineMatch]:
    """A deadline restated in brackets is one deadline: "trước khai giảng năm học 2026-2027
    (trước ngày 05/9/2026)" spans both, with the dates of the more precise one when they agree
    (or when the first has none).

    >>> [(m.text, m.date_end) for m in find_deadlines("hoàn thành trước khai giảng năm học 2026-2027 (trước ngày 05/9/2026).", 2026)]
    [('hoàn thành trước khai giảng năm học 2026-2027 (trước ngày 05/9/2026)', '2026-09-05')]
    >>> len(find_deadlines("trong quý II/2026 (trước ngày 15/12/2026)", 2026))
    2
    """
    out: list[DeadlineMatch] = []
    for m in found:
        prev = out[-1] if out else None
        close = _CLOSE_BRACKET.match(text, m.end)
        if (prev is not None and close is not None and prev.kind == m.kind
                and _OPEN_BRACKET.match(text[prev.end:m.start])
                and ((prev.date_start, prev.date_end) == (m.date_start, m.date_end)
                     or not (prev.date_start or prev.date_end))):
            out[-1] = replace(m, start=prev.start, end=close.end(), text=text[prev.start:close.end()],
                              rule=prev.rule)
            continue
        out.append(m)
    return out


def _drop_restated_cadence(text: str, found: list[DeadlineMatch]) -> list[DeadlineMatch]:
    """"hằng quý, chậm nhất ngày 20 của tháng cuối quý" is one cadence: the day in the last month
    only says when in the quarter, so it is dropped after a recurring match of the same cadence
    in the same clause.

    >>> [m.text for m in find_deadlines("hằng quý, chậm nhất ngày 20 của tháng cuối quý", 2026)]
    ['hằng quý']
    >>> [m.text for m in find_deadlines("gửi Sở Nội vụ trước ngày 10 của tháng cuối quý", 2026)]
    ['tháng cuối quý']
    """
    out: list[DeadlineMatch] = []
    for m in found:
        prev = out[-1] if out else None
        if (m.rule == "recurring_last_month" and prev is not None and prev.kind == "recurring"
                and prev.recurrence == m.recurrence and not any(c in text[prev.end:m.start] for c in ";.")):
            continue
        out.append(m)
    return out
