"""Quantity finder and number parser for Vietnamese plan text.

``find_quantities`` finds every number with its comparator words, scale word, unit and "/per"
denominators ("đạt tối thiểu 95%", "từ 15-17% trở lên", "99 triệu đồng/người/năm",
"100.000 lượt khách") and resolves its value; ``parse_number`` reads one Vietnamese number.

The lexicons live in ``lang/vi/units.yaml`` and ``lang/vi/comparators.yaml``; every regex is built
from them once at import, with word lists compiled as tries (cost grows with word length, not
with the number of words). One scan regex, anchored on a digit, reads a number and what follows
it; the words right before it (comparator, value verb, identifier such as "Điều", "năm", "số") are
read by matching a reversed-trie regex on the reversed 48 characters before the number. Dates,
document numbers, codes, years and list labels are rejected by the context rules in ``_accept``.

Input is expected in NFC (as produced by the normalizer); NFD spellings of lexicon words also match.
Multi-word lexicon forms match any run of spaces or tabs, never a line break.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Iterable, NamedTuple

from ..lang import load

__all__ = ["Quantity", "parse_number", "find_quantities"]


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number found in text, with its comparator, unit and resolved value."""

    start: int
    end: int
    text: str
    value: float | None
    value_min: float | None
    value_max: float | None
    unit: str
    unit_text: str
    comparator: str
    number_start: int
    number_end: int
    rule: str
    parsed: bool


# --------------------------------------------------------------------------------- parse_number

# Vietnamese: dots group thousands (first group 1-3 digits, no leading zero), one comma is the
# decimal mark. Plain digit runs ("03", "2025", "1000,5") are read as they are.
_VN_NUMBER = re.compile(r"(?:[1-9][0-9]{0,2}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]+)?")
# English forms are accepted only where no Vietnamese reading exists: two or more comma groups
# ("1,000,000"), comma groups then a dot ("1,000.5"), or a dot that cannot group thousands
# ("2.5", "0.680", "1234.5"). So a single comma is always the decimal mark ("1,000" -> 1.0) and a
# dot before exactly three digits after a 1-3 digit head always groups thousands ("1.000" -> 1000).
_EN_NUMBER = re.compile(
    r"[1-9][0-9]{0,2}(?:,[0-9]{3}){2,}(?:\.[0-9]+)?|[1-9][0-9]{0,2},[0-9]{3}\.[0-9]+|[0-9]+\.[0-9]+"
)


def parse_number(s: str) -> float | None:
    """Parse a Vietnamese-formatted number ("157.628,1" -> 157628.1, "03" -> 3.0); None if invalid."""
    body = s.strip()
    sign = -1.0 if body[:1] in ("-", "−") else 1.0
    body = body[1:] if body[:1] in ("-", "−", "+") else body
    if _VN_NUMBER.fullmatch(body):
        value = float(body.replace(".", "").replace(",", "."))
    elif _EN_NUMBER.fullmatch(body):
        value = float(body.replace(",", ""))
    else:
        return None
    return sign * value if math.isfinite(value) else None


# ------------------------------------------------------------------------------------- lexicons

_SP = r"[^\S\r\n]"  # horizontal whitespace: a quantity never spans lines
_WB = r"(?![\w\u0300-\u036f])"  # end of a word (combining marks count as letters, for NFD text)


@lru_cache(maxsize=4096)
def _key(s: str) -> str:
    """Lookup key for a surface form: NFC, casefolded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", s).casefold().split())


def _trie(forms: Iterable[Any], reverse: bool = False) -> str:
    """Regex matching any of ``forms`` (NFC or NFD, any case, whole words, longest first).

    With ``reverse`` the pattern matches the forms written backwards, for reversed text.
    """
    root: dict[str, dict] = {}
    for form in forms:
        for norm in ("NFC", "NFD"):
            s = " ".join(unicodedata.normalize(norm, str(form)).casefold().split())
            node = root
            for ch in s[::-1] if reverse else s:
                node = node.setdefault(ch, {})
            node[""] = {}
    return _emit(root, "")


def _emit(node: dict[str, dict], last: str) -> str:
    """Trie node to regex; the "end of form" branch comes last so longer forms win."""
    alts = [(f"{_SP}+" if ch == " " else re.escape(ch)) + _emit(child, ch) for ch, child in node.items() if ch]
    if "" in node:
        alts.append(_WB if re.match(r"\w", last) else "")
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


class _Lexicon:
    """Surface forms -> entries. ``find`` takes text that the lexicon's regex matched."""

    def __init__(self, entries: Iterable[dict[str, Any]]):
        self.entries = list(entries)
        self.by_key = {_key(str(f)): e for e in self.entries for f in e["forms"]}
        self.forms = list(self.by_key)

    def find(self, s: str) -> dict[str, Any]:
        """Entry for matched text; falls back to regex for odd case folds ("K" Kelvin sign, "ſ")."""
        entry = self.by_key.get(_key(s))
        if entry is None:
            entry = next(e for e in self.entries if re.fullmatch(_trie(e["forms"]), s, re.IGNORECASE))
            self.by_key[_key(s)] = entry
        return entry


def _forms(entries: Iterable[dict[str, Any]]) -> list[str]:
    return [str(f) for e in entries for f in e["forms"]]


_U = load("units")
_C = load("comparators")

_SCALES = _Lexicon(_U["scales"])
_UNITS = _Lexicon(_U["units"])
_PERS = _Lexicon(_U["per"])
_PREFIXES = _Lexicon(_C["prefix"])
_SUFFIXES = _Lexicon(_C["suffix"])
_NOT_NOUNS = {_key(str(f)) for f in _U["not_nouns"]["forms"]}

# First number: starts at a digit not glued to a word, a number, "x/", "x-" or "9:".
_NUM1 = r"[0-9](?<!\w[0-9])(?<![0-9][.,][0-9])(?<!\w[/\-–][0-9])(?<![0-9]:[0-9])(?>[0-9]*(?:[.,][0-9]+)*)"
_NUM2 = r"(?>[0-9]+(?:[.,][0-9]+)*)"
_NOT_CODE = r"(?![/:][^\W_]|[-–][^\W\d_])"  # "56/KH", "18/02", "18091:2020", "04-NQ"
_SCALE = _trie(_SCALES.forms) + rf"(?!{_SP}+(?:lệ|chứng){_WB})"  # not "tỷ lệ", "triệu chứng"
_UNIT = _trie(_UNITS.forms)
_PER = _trie(_PERS.forms)


def _scan_pattern(allow_range: bool) -> re.Pattern[str]:
    """Number + scale + unit [+ range] + /per + suffix."""
    no = "" if allow_range else "(?!)"
    return re.compile(
        rf"(?P<n1>{_NUM1}){_NOT_CODE}(?:{_SP}*(?P<s1>{_SCALE}))?(?:{_SP}*(?P<u1>{_UNIT}))?"
        rf"(?:{no}{_SP}*(?P<sep>{_trie(_C['range_separators']['forms'])}){_SP}*(?P<n2>{_NUM2}){_NOT_CODE}"
        rf"(?:{_SP}*(?P<s2>{_SCALE}))?(?:{_SP}*(?P<u2>{_UNIT}))?)?"
        rf"(?P<per>(?:{_SP}*/{_SP}*{_PER})*)"
        rf"(?:{_SP}+(?P<suf>{_trie(_SUFFIXES.forms)}))?",
        re.IGNORECASE,
    )


_SCAN = _scan_pattern(allow_range=True)
_SINGLE = _scan_pattern(allow_range=False)
_PER_ITEM = re.compile(rf"/{_SP}*(?P<p>{_PER})", re.IGNORECASE)

# Matched on the reversed text before a number: [cue] comparator [là] | cue | identifier.
_CUES = _trie(_forms(_C["equal_cues"]), reverse=True)
_BEFORE_R = re.compile(
    rf"{_SP}*(?:(?:{_trie(['là'], reverse=True)}{_SP}+)?(?P<pre>{_trie(_PREFIXES.forms, reverse=True)})"
    rf"(?:{_SP}+(?P<cue1>{_CUES}))?"
    rf"|{_SP}*:?{_SP}*(?P<cue>{_CUES})"
    rf"|(?P<ident>{_trie(_forms(_U['identifiers']), reverse=True)}))",
    re.IGNORECASE,
)
_PREV_WORD_R = re.compile(rf"{_SP}+(?P<w>\w+)")
_NEXT_WORD = re.compile(rf"{_SP}+(?P<w>[^\W\d_][\w\u0300-\u036f]*)")
_LINE_HEAD = re.compile(r"[^\S\n]*(?:[-–•*+#]+[^\S\n]*)?\(?")  # indent, bullet or "##", "("
_GLUED_LETTER = re.compile(r"[^\W\d_]")
_DIGIT_AFTER = re.compile(rf"{_SP}*[0-9]")
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")
_DOTTED = re.compile(r"[0-9]+(?:\.[0-9]+)+")
_WINDOW = 48  # characters read before a number


class _Before(NamedTuple):
    """What the words right before a number say."""

    start: int  # span start: the comparator's start, else the number's
    comparator: str  # "" when there is no comparator word
    cue: bool  # a value verb or a "cue" comparator: a bare number here is a quantity
    ident: bool  # an identifier word ("Điều", "năm", "số", ...)


def _before(text: str, n1s: int, floor: int) -> _Before:
    """Read the comparator / value verb / identifier right before position ``n1s``."""
    rev = text[max(floor, n1s - _WINDOW):n1s][::-1]
    m = _BEFORE_R.match(rev)
    if m is None or m.end() == 0:
        return _Before(n1s, "", False, False)
    if m["pre"] is not None:
        entry = _PREFIXES.find(m["pre"][::-1])
        cue = bool(entry.get("cue", True)) or m["cue1"] is not None
        return _Before(n1s - m.end("pre"), str(entry["comparator"]), cue, False)
    return _Before(n1s, "", m["cue"] is not None, m["ident"] is not None)


# ---------------------------------------------------------------------------------------- finder


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in ``text``, in order, non-overlapping."""
    out: list[Quantity] = []
    pos = floor = 0
    while (m := _SCAN.search(text, pos)) is not None:
        q = _accept(text, m, floor)
        if q is None and m.start("n2") >= 0:
            single = _SINGLE.match(text, m.start("n1"))
            q = _accept(text, single, floor) if single else None
        if q is None:
            pos = m.end("n1")
            continue
        out.append(q)
        pos = floor = q.end
    return _share_bounds(text, out)


_BOUNDS = frozenset({">=", ">", "<=", "<"})
_JOINED = re.compile(r"[^\S\r\n]*(?:,[^\S\r\n]*)?(?:và|hoặc)?[^\S\r\n]*\Z")  # ", ", " và ", ", và "


def _share_bounds(text: str, found: list[Quantity]) -> list[Quantity]:
    """A bound word before a pair of joined counts bounds both: "ít nhất 03 tập thể và 01 cá
    nhân" → ≥ 3 and ≥ 1. Only a bare value joined right after a bounded one shares its bound.

    >>> [(q.text, q.comparator) for q in find_quantities("có ít nhất 03 tập thể và 01 cá nhân được khen")]
    [('ít nhất 03 tập thể', '>='), ('01 cá nhân', '>=')]
    >>> [(q.text, q.comparator) for q in find_quantities("trên 90% hộ; 100% khu phố")]
    [('trên 90%', '>'), ('100%', '=')]
    """
    for i in range(1, len(found)):
        prev, q = found[i - 1], found[i]
        if (prev.comparator in _BOUNDS and q.comparator == "=" and q.unit and prev.unit
                and q.start == q.number_start and _JOINED.match(text[prev.end:q.start])):
            found[i] = replace(q, comparator=prev.comparator)
    return found


def _accept(text: str, m: re.Match[str], floor: int) -> Quantity | None:
    """Turn a scan match into a Quantity, or None when context shows it is not a quantity."""
    is_range = m["n2"] is not None
    unit_group = _unit_group(m, is_range)
    if unit_group == "!" or _bad_number_edges(text, m, is_range):
        return None
    unit = _UNITS.find(m[unit_group]) if unit_group else None
    before = _before(text, m.start("n1"), floor)
    if _rejected_by_context(text, m, unit, before, is_range):
        return None
    rule = _rule(text, m, unit, before, floor, is_range)
    if rule is None:
        return None
    value, vmin, vmax, parsed = _values(m, is_range)
    unit_name, unit_text = _unit_strings(m, unit, unit_group, _scale_group(m, is_range))
    comparator = "range" if is_range else _comparator(before, m)
    end = m.end()
    if rule == "count_unknown_noun" and before.cue:  # a counted noun, as printed: "thêm 1.200 buồng"
        noun = _NEXT_WORD.match(text, end)
        unit_name = unit_text = noun["w"]
        end = noun.end()
    return Quantity(
        before.start, end, text[before.start:end], value, vmin, vmax, unit_name, unit_text,
        comparator, m.start("n1"), m.end("n2" if is_range else "n1"), rule, parsed,
    )


def _unit_group(m: re.Match[str], is_range: bool) -> str:
    """Group holding the unit ("" for none, "!" for a range whose two units disagree)."""
    if not is_range:
        return "u1" if m["u1"] is not None else ""
    if m["u1"] is None:
        return "u2" if m["u2"] is not None else ""
    if m["u2"] is not None and _UNITS.find(m["u1"]) is _UNITS.find(m["u2"]):
        return "u2"
    return "!"


def _scale_group(m: re.Match[str], is_range: bool) -> str:
    """Group holding the scale word written with the unit ("" for none)."""
    if is_range and m["s2"] is not None:
        return "s2"
    if m["s1"] is not None and not (is_range and m["u2"] is not None):
        return "s1"
    return ""


def _bad_number_edges(text: str, m: re.Match[str], is_range: bool) -> bool:
    """Numbers glued to letters that are not a unit ("5S", "1A", "4G")."""
    groups = [("n1", "s1", "u1")] + ([("n2", "s2", "u2")] if is_range else [])
    for num, scale, unit in groups:
        end = m.end(num)
        if m.start(scale) != end and m.start(unit) != end and _GLUED_LETTER.match(text, end):
            return True
    return False


def _rejected_by_context(
    text: str, m: re.Match[str], unit: dict[str, Any] | None, before: _Before, is_range: bool
) -> bool:
    """Dates, years, identifiers ("Điều 3", "số 8", "năm 2026") and list labels ("4.1.", "(3)")."""
    kind = unit["kind"] if unit else ""
    if kind == "duration" and _DIGIT_AFTER.match(text, m.end()):
        return True  # "15 tháng 3", "tháng 12 năm 2025"
    if before.ident and kind not in ("percent", "percent_point", "money"):
        return True
    if not unit and m["s1"] is None and m["s2"] is None:
        if any(_YEAR.fullmatch(m[g]) for g in (("n1", "n2") if is_range else ("n1",))):
            return True
    return not before.comparator and _is_label(text, m)


def _is_label(text: str, m: re.Match[str]) -> bool:
    """List labels at a line start: "1.", "4.1.", "(3)", "2)", "4.1 Trường ..."."""
    n1s, n1e = m.span("n1")
    after = text[n1e:n1e + 2]
    closed = after[:1] in (".", ")") and after[1:2] in ("", " ", "\t", "\n", "\r", "*")
    if not closed and not _dotted_heading(text, m):
        return False
    lo = max(0, n1s - 8)
    head = text[lo:n1s]
    nl = head.rfind("\n")
    return (nl >= 0 or lo == 0) and _LINE_HEAD.fullmatch(head, nl + 1) is not None


def _dotted_heading(text: str, m: re.Match[str]) -> bool:
    """ "4.1 Trường ...": dotted numbers that cannot be thousands, before a capitalized word."""
    if not _DOTTED.fullmatch(m["n1"]) or _VN_NUMBER.fullmatch(m["n1"]):
        return False
    following = _NEXT_WORD.match(text, m.end("n1"))
    return following is not None and following["w"][0].isupper()


def _rule(
    text: str, m: re.Match[str], unit: dict[str, Any] | None, before: _Before, floor: int,
    is_range: bool,
) -> str | None:
    """Rule name; None when a unit-less number has no value context."""
    suffix = "_range" if is_range else ""
    scaled = m["s1"] is not None or m["s2"] is not None
    if unit:
        kind = str(unit["kind"])
        if kind == "money" and scaled and not is_range:
            return "money_scaled"
        return ("count_noun" if kind == "count" and not is_range else kind) + suffix
    if scaled:
        return "scaled_no_unit" + suffix
    if _unknown_noun(text, m.end()) and (before.cue or not _capitalized_before(text, before.start, floor)):
        return "count_unknown_noun" + suffix
    return "number_no_unit" + suffix if before.cue else None


def _unknown_noun(text: str, end: int) -> bool:
    """A lowercase content word follows the number ("05 nhà văn hóa" if "nhà" were unknown)."""
    nxt = _NEXT_WORD.match(text, end)
    return nxt is not None and nxt["w"][0].islower() and _key(nxt["w"]) not in _NOT_NOUNS


def _capitalized_before(text: str, start: int, floor: int) -> bool:
    """The word right before is capitalized: a name with a number ("Vùng 3"), not a count."""
    prev = _PREV_WORD_R.match(text[max(floor, start - _WINDOW):start][::-1])
    return prev is not None and prev["w"][-1].isupper()


def _values(m: re.Match[str], is_range: bool) -> tuple[float | None, float | None, float | None, bool]:
    """(value, value_min, value_max, parsed) with scale words applied.

    In a range a scale word written only after the second number applies to both
    ("5-10 triệu đồng"), unless the first number has its own unit.
    """
    s2 = float(_SCALES.find(m["s2"])["canonical"]) if is_range and m["s2"] is not None else 1.0
    if m["s1"] is not None:
        s1 = float(_SCALES.find(m["s1"])["canonical"])
    else:
        s1 = s2 if is_range and m["u1"] is None else 1.0
    v1 = _scaled(parse_number(m["n1"]), s1)
    if not is_range:
        return v1, None, None, v1 is not None
    v2 = _scaled(parse_number(m["n2"]), s2)
    if v1 is None or v2 is None:
        return None, v1, v2, False
    return None, min(v1, v2), max(v1, v2), True


def _scaled(v: float | None, scale: float) -> float | None:
    """Apply a scale, rounding away float noise (578.77 * 1e9 -> 578770000000.0)."""
    if v is None or scale == 1.0:
        return v
    return round(v * scale, 6)


def _unit_strings(
    m: re.Match[str], unit: dict[str, Any] | None, unit_group: str, scale_group: str
) -> tuple[str, str]:
    """(canonical unit, unit as written incl. scale word and /per part)."""
    pers = [str(_PERS.find(p["p"])["canonical"]) for p in _PER_ITEM.finditer(m["per"])] if m["per"] else []
    name = str(unit["canonical"]) if unit else ""
    if unit and pers and unit.get("keep_per", True):
        name += "".join("/" + p for p in pers)
    groups = [g for g in (scale_group, unit_group) if g]
    if not groups:
        return name, ""
    end = m.end("per") if m["per"] else m.end(groups[-1])
    return name, m.string[m.start(groups[0]):end]


def _comparator(before: _Before, m: re.Match[str]) -> str:
    """Comparator from prefix and suffix words; the prefix wins when both are present."""
    if before.comparator:
        return before.comparator
    if m["suf"] is not None:
        return str(_SUFFIXES.find(m["suf"])["comparator"])
    return "="
