"""Find responsible bodies (cơ quan, đơn vị) in a plan and the role each plays in its sentence.

Two finders run over the text and the longest mention wins where they overlap:

* the gazetteer (``lang/vi/bodies.yaml``): every surface form is compiled into one regex shaped
  like a trie of words, run over a *folded* copy of the text: lowercase, đ→d, dashes unified,
  tone marks moved to one fixed vowel of "oa/oe/uy" (Hoà/Hòa, Uỷ/Ủy). Folding keeps the length
  of the (NFC) text, so offsets in the folded copy are offsets in the original;
* pattern rules: a head word ("Phòng", "Sở", "Chi cục" …) followed by a capitalized name, for
  bodies the gazetteer lacks. Capitals matter here (lowercase "phòng", "ban" are mostly verbs), so
  these rules read the original text.

``role_of`` reads the cue words of ``lang/vi/roles.yaml`` around a mention (or around the list the
mention belongs to) within its sentence.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any, Iterable, Iterator, Sequence

import regex

from ..memo import per_document
from ..rx import grouped_alternation, rx

from plan_extract.lang import load

__all__ = ["BodyMatch", "find_bodies", "role_of", "canonical", "body_info", "fold"]


@dataclass(frozen=True, slots=True)
class BodyMatch:
    """One mention of a body: a half-open span of the original text and what it resolves to."""

    start: int
    end: int
    mention: str  # == text[start:end]
    name: str  # canonical name, or the cleaned mention for unknown bodies
    abbreviation: str  # "" if none
    level: str  # "" if unknown or relative
    known: bool  # False for bodies found by pattern rules only
    rule: str  # "gazetteer" | "pattern:phong" | ...


# --------------------------------------------------------------------------- folding

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng


def _toned(base: str) -> list[str]:
    return [unicodedata.normalize("NFC", base + m) for m in _TONE_MARKS]


def _tone_moves() -> dict[str, str]:
    """'oà' → 'òa', 'uý' → 'úy' …: one placement for the vowel pairs written both ways."""
    moves = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for mark, toned_second in zip(_TONE_MARKS, _toned(second)):
            moves[first + toned_second] = unicodedata.normalize("NFC", first + mark) + second
    return moves


_TONE_MOVES = _tone_moves()
_TONE_RE = re.compile(grouped_alternation(list(_TONE_MOVES)))  # "o(?:à|á|…)|u(?:ỳ|…)": re skips to o/u
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
_SPACES = "\u00a0\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))
_ODD = {"đ": "d", **{c: "-" for c in _DASHES}, **{c: " " for c in _SPACES}}
_COMBINING = re.compile("[\u0300-\u036f]")


def fold(text: str) -> str:
    """Lowercase, đ→d, one dash, one tone placement — same length as ``text`` (NFC input).

    Same length is what lets a match in the folded copy be reported at the same offsets in the
    original without an offset map. (``str.replace`` per character beats ``str.translate``,
    which looks every non-ASCII character up in a dict, and ``re.sub`` with a callback.)
    """
    low = text.lower()
    if len(low) != len(text):  # e.g. "İ" lowercases to two characters
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    for odd, plain in _ODD.items():  # one str.replace per odd character beats a sub callback
        if odd in low:
            low = low.replace(odd, plain)
    return _TONE_RE.sub(lambda m: _TONE_MOVES[m.group()], low) if _TONE_RE.search(low) else low


def _compose(text: str) -> tuple[str, list[int] | None]:
    """NFC-compose decomposed input (some PDF extractors emit it), with a map back to ``text``.

    ``src[i]`` is the original index of composed character ``i``; ``src[len]`` is ``len(text)``.
    Returns ``(text, None)`` when nothing needs composing, the usual case.
    """
    if not _COMBINING.search(text):
        return text, None
    out: list[str] = []
    src: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        for ch in unicodedata.normalize("NFC", text[i:j]):
            out.append(ch)
            src.append(i)
        i = j
    src.append(n)
    return "".join(out), src


@lru_cache(maxsize=8192)
def _key(folded: str) -> str:
    """Lookup key of a folded surface form: dashes and spacing around punctuation don't count."""
    s = rx(r"\s*-\s*").sub(" ", folded)
    s = rx(r"\s*([^\w\s])\s*").sub(r"\1", s)
    return rx(r"\s+").sub(" ", s).strip()


# --------------------------------------------------------------------------- gazetteer

_TOKEN = re.compile(r"\w+|[^\w\s]")
_DASH_FRAGMENT = r"(?:\s*-\s*|\s+)"
_END = r"(?!\w)(?![-/]\w)"
_NUMBER = r"(?:\s+(?:so\s+|số\s+)?\d{1,3}(?!\w))?"


@dataclass(frozen=True, slots=True)
class _Variant:
    entry: dict
    capitalized: bool
    not_after: tuple[str, ...]
    only_after: tuple[str, ...] = ()


def _fragments(folded: str) -> list[str]:
    """Regex pieces of a folded surface form, one per word or sign, with the spacing before it."""
    out: list[str] = []
    prev = ""
    for tok in _TOKEN.findall(folded):
        if tok == "-":
            out.append(_DASH_FRAGMENT)
        elif not out or prev == "-":
            out.append(re.escape(tok))
        elif not tok[0].isalnum() or not prev[0].isalnum():
            out.append(r"\s*" + re.escape(tok))
        else:
            out.append(r"\s+" + re.escape(tok))
        prev = tok
    return out


def _phrase_regex(phrase: str) -> str:
    return "".join(_fragments(fold(phrase)))


class _Trie:
    __slots__ = ("children", "end")

    def __init__(self) -> None:
        self.children: dict[str, _Trie] = {}
        self.end: str | None = None  # terminal regex when a surface form ends here

    def add(self, fragments: list[str], end: str) -> None:
        node = self
        for frag in fragments:
            node = node.children.setdefault(frag, _Trie())
        node.end = end if node.end is None else node.end

    def pattern(self) -> str:
        """Alternation of the subtree; stopping here comes last so longer forms win."""
        alts = [frag + child.pattern() for frag, child in self.children.items()]
        if self.end is not None:
            alts.append(self.end)
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    def root_pattern(self) -> str:
        """``pattern()`` with the first words grouped by their first character
        (``grouped_alternation``): the gazetteer's search runs in a third less time."""
        alts = [frag + child.pattern() for frag, child in self.children.items()]
        if self.end is not None:
            alts.append(self.end)
        return grouped_alternation(alts)


def _variant_specs(entry: dict) -> Iterable[dict]:
    """The entry's surface forms as dicts: the canonical name, the variants, the suffixed forms.

    A variant written out with conditions overrides the bare canonical name of the same form.
    """
    specs: dict[str, dict] = {_key(fold(entry["name"])): {"form": entry["name"]}}
    for v in entry.get("variants") or []:
        spec = v if isinstance(v, dict) else {"form": v}
        specs[_key(fold(spec["form"]))] = spec
    out = list(specs.values())
    for spec in list(out):
        for suffix in entry.get("suffixes") or []:
            out.append({**spec, "form": f"{spec['form']} {suffix}"})
    return out


def _end_regex(spec: dict) -> str:
    ahead = "".join(
        r"(?!\s+" + _phrase_regex(w) + r"(?!\w))" for w in spec.get("not_before") or []
    )
    if spec.get("only_before"):  # distributive lists: "Chủ tịch, các Phó Chủ tịch UBND phường"
        ahead += r"(?=\s*(?:" + "|".join(_phrase_regex(w) for w in spec["only_before"]) + r")(?!\w))"
    return (_NUMBER if spec.get("numbered") else "") + _END + ahead


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    regex: re.Pattern
    variants: dict[str, _Variant]
    by_name: dict[str, dict]


def _fill(value: Any, level: str) -> Any:
    """``value`` with ``{level}`` replaced, inside strings, lists and variant mappings."""
    if isinstance(value, str):
        return value.replace("{level}", level)
    if isinstance(value, list):
        return [_fill(v, level) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, level) for k, v in value.items()}
    return value


def expand_entries(entries: Iterable[dict]) -> list[dict]:
    """Gazetteer entries with their level templates expanded: an entry with ``levels: [tỉnh,
    xã]`` and ``{level}`` in its name, variants and examples stands for one body per level.

    >>> [e["name"] for e in expand_entries([{"name": "Công an {level}", "levels": ["tỉnh", "xã"],
    ...                                       "level": "{level}", "variants": ["CA {level}"]}])]
    ['Công an tỉnh', 'Công an xã']
    """
    out = []
    for entry in entries:
        if "levels" not in entry:
            out.append(entry)
            continue
        base = {k: v for k, v in entry.items() if k != "levels"}
        out.extend(_fill(base, level) for level in entry["levels"])
    return out


@lru_cache(maxsize=None)
def gazetteer_entries() -> list[dict]:
    """The entries of ``lang/vi/bodies.yaml``, level templates expanded."""
    return expand_entries(load("bodies")["entries"])


@lru_cache(maxsize=None)
def _gazetteer() -> _Gazetteer:
    """Compile bodies.yaml once: a word trie → one regex, and key → variant for resolving."""
    trie = _Trie()
    variants: dict[str, _Variant] = {}
    by_name: dict[str, dict] = {}
    for entry in gazetteer_entries():
        by_name[entry["name"]] = entry
        for spec in _variant_specs(entry):
            folded = fold(spec["form"])
            key = _key(folded)
            if key in variants and variants[key].entry is not entry:
                raise ValueError(f"bodies.yaml: {spec['form']!r} names two bodies")
            variants[key] = _Variant(
                entry,
                bool(spec.get("capitalized")),
                tuple(_key(fold(w)) for w in spec.get("not_after") or []),
                tuple(_key(fold(w)) for w in spec.get("only_after") or []),
            )
            trie.add(_fragments(folded), _end_regex(spec))
    return _Gazetteer(re.compile(trie.root_pattern()), variants, by_name)


_TRAILING_NUMBER = re.compile(r"\s+(?:số\s+|so\s+)?\d{1,3}$")


def _lookup(folded_mention: str) -> _Variant | None:
    gaz = _gazetteer()
    key = _key(folded_mention)
    return gaz.variants.get(key) or gaz.variants.get(_TRAILING_NUMBER.sub("", key))


def _starts_word(folded: str, i: int) -> bool:
    """No letter right before ``i``, nor a code glued by - or / ("KH-UBND", "NQ/ĐU")."""
    if i == 0:
        return True
    c = folded[i - 1]
    if c.isalnum() or c == "_":
        return False
    return not (c in "-/" and i >= 2 and folded[i - 2].isalnum())


def _previous_word(folded: str, i: int, n: int = 2) -> str:
    """The ``n`` words before ``i``, as a key ("tham gia")."""
    return _key(" ".join(folded[max(0, i - 40) : i].split()[-n:]))


def _accept(text: str, folded: str, start: int, variant: _Variant) -> bool:
    if not _starts_word(folded, start):
        return False
    if variant.capitalized and not text[start].isupper():
        return False
    for word in variant.not_after:
        n = word.count(" ") + 1
        if _previous_word(folded, start, n) == word:
            return False
    if variant.only_after:  # "Trưởng các thôn, buôn": the lowercase word names the unit only there
        return any(_previous_word(folded, start, w.count(" ") + 1) == w for w in variant.only_after)
    return True


def _gazetteer_matches(text: str, folded: str) -> list[tuple[int, int, dict]]:
    """All accepted gazetteer matches, leftmost-longest, as (start, end, entry)."""
    rx = _gazetteer().regex
    out = []
    pos = 0
    while True:
        m = rx.search(folded, pos)
        if m is None:
            return out
        variant = _lookup(m.group())
        if variant is not None and _accept(text, folded, m.start(), variant):
            out.append((m.start(), m.end(), variant.entry))
            pos = m.end()
        else:
            pos = m.start() + 1


# --------------------------------------------------------------------------- pattern rules

_L = r"[\p{L}\p{M}]"


def _alts(words: Iterable[str]) -> str:
    return "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))


def _tone_spellings(word: str) -> set[str]:
    """``word`` and its other tone placement ("Ủy ban" → also "Uỷ ban")."""
    back = {v: k for k, v in _TONE_MOVES.items()}
    out = {word}
    for a, b in list(_TONE_MOVES.items()) + list(back.items()):
        for src, dst in ((a, b), (a.capitalize(), b.capitalize())):
            if src in word:
                out.add(word.replace(src, dst))
    return out


@dataclass(frozen=True, slots=True)
class _Patterns:
    regex: Any
    heads: re.Pattern  # head words in the folded text: where the regex is worth trying
    rules: dict[str, str]  # folded head → rule name
    lowercase_ok: frozenset[str]
    not_after: frozenset[str]
    reject_names: frozenset[str]
    levels: dict[str, str]
    standalone: frozenset[str] = frozenset()  # heads that name a body on their own ("Ban Chỉ đạo")
    place_named: frozenset[str] = frozenset()  # heads whose name is a place ("Đài … Hải Phòng")


@lru_cache(maxsize=None)
def _patterns() -> _Patterns:
    """Compile pattern_rules of bodies.yaml: HEAD + capitalized NAME [+ number] [+ level]."""
    cfg = load("bodies")["pattern_rules"]
    heads = [s for h in cfg["heads"] for s in _tone_spellings(h)]
    stop_heads = heads + ["Công an", "Đảng ủy", "Thường trực", "UBND", "HĐND", "Bộ", "Chủ tịch"]
    ws = r"[ \t\u00a0]+"
    cap = (
        rf"(?!(?:{_alts(cfg['cap_stop_words'])}|{_alts(stop_heads)})(?!{_L}))"
        rf"\p{{Lu}}{_L}*"
    )
    low = rf"(?!(?:{_alts(cfg['stop_words'])})(?!{_L}))\p{{Ll}}{_L}*"
    wrap = r"(?:[ \t\u00a0]*\r?\n[ \t\u00a0]*|[ \t\u00a0]+)"  # a PDF line wrap before "lường"
    # a capitalized word may carry up to three lowercase ones: "Ban Quản lý chợ Đông Hải"; a place
    # whose name holds a head word ("Hải Phòng") is one unit, and ends what it closes
    unit = rf"(?:(?:{_alts(cfg['names_with_head_words'])})(?!{_L})|{cap}(?:{wrap}{low}){{0,3}})"
    seg = rf"{unit}(?:{ws}{unit})*"
    dseg = rf"{seg}(?:[ \t]*-[ \t]*{seg})*"
    name = rf"{dseg}(?:(?:[ \t]*,[ \t]*{dseg})*{ws}và{ws}{dseg})?"
    level = rf"(?:{ws}(?P<level>{_alts(cfg['levels'])}))?"
    number = rf"(?:{ws}(?:số{ws})?\d{{1,3}})?"
    standalone = [s for h in cfg["standalone"] for s in _tone_spellings(h)]
    rx = regex.compile(
        rf"(?:(?P<head>(?i:{_alts(heads)})){ws}(?P<name>{name})|(?P<head>(?i:{_alts(standalone)})))"
        rf"{number}{level}(?![\p{{L}}\p{{M}}\d])"
    )
    return _Patterns(
        regex=rx,
        # searched without a look-behind, which would keep ``re`` from skipping to the letters
        # heads can start with; a match inside a word is skipped (``_pattern_matches``)
        heads=re.compile(grouped_alternation(_alternatives(cfg["heads"])) + r"(?!\w)"),
        rules={fold(h): r for h, r in cfg["heads"].items()},
        lowercase_ok=frozenset(fold(h) for h in cfg["lowercase_ok"]),
        not_after=frozenset(fold(w) for w in cfg["not_after"]),
        reject_names=frozenset(fold(n) for n in cfg["reject_names"]),
        levels=dict(cfg["levels"]),
        standalone=frozenset(fold(h) for h in cfg["standalone"]),
        place_named=frozenset(fold(h) for h in cfg["place_named"]),
    )


def _lower_head_ok(folded: str, h: re.Match, pats: _Patterns) -> bool:
    """A lowercase head is a body only for some heads, and not inside "quốc phòng", "cơ sở"."""
    return h.group() in pats.lowercase_ok and (
        _previous_word(folded, h.start(), 1) not in pats.not_after
    )


def _match_ok(m: Any, pats: _Patterns) -> bool:
    """Reject all-caps heads ("BAN HÀNH KẾ HOẠCH") and names that are places."""
    head = m.group("head")
    if sum(c.isalpha() for c in head) > 1 and head.isupper():
        return False  # all-caps heading line: known bodies are found by the gazetteer
    name = m.group("name")
    return name is None or fold(name) not in pats.reject_names or fold(head) in pats.place_named


def _clean(mention: str) -> str:
    """Readable name for an unknown body: one space, " - " for dashes, capital first letter."""
    s = rx(r"\s*[-\u2013\u2014]\s*").sub(" - ", mention)
    s = rx(r"\s*,\s*").sub(", ", s)
    s = rx(r"\s+").sub(" ", s).strip()
    return s[:1].upper() + s[1:]


def _pattern_matches(text: str, folded: str) -> list[tuple[int, int, str, str]]:
    """Unknown-body candidates as (start, end, rule, level)."""
    pats = _patterns()
    out = []
    pos = 0
    while (h := pats.heads.search(folded, pos)) is not None:
        if h.start() and (folded[h.start() - 1].isalnum() or folded[h.start() - 1] == "_"):
            pos = h.start() + 1  # inside a word
            continue
        if text[h.start()].islower() and not _lower_head_ok(folded, h, pats):
            pos = h.end()
            continue
        m = pats.regex.match(text, h.start())
        if m is None or not _match_ok(m, pats):
            pos = h.end()
            continue
        pos = m.end()
        rule = pats.rules.get(fold(m.group("head")), "pattern:other")
        level = pats.levels.get(m.group("level") or "", "")
        end = m.end()
        if fold(m.group("head")) in pats.standalone and not level:
            tail = _NAMED_TO_LEVEL.match(folded, end)
            if tail is not None:  # "Ban Chỉ đạo chuyển đổi số phường", "Tổ công tác triển khai Đề án 06 phường"
                end, level = tail.end(), pats.levels.get(tail.group("level"), "")
                pos = end
        out.append((m.start(), end, rule, level))
    return out


# words naming what a Ban Chỉ đạo / Tổ công tác is for, up to its level word, in folded text
_NAMED_TO_LEVEL = regex.compile(
    r"(?:\s+(?!(?:các|những|và|của|với|cho|tại|trên|theo|về)(?!\w))[\w]+){1,6}?\s+(?P<level>phường|xã|tỉnh|thành phố)(?!\w)")


# --------------------------------------------------------------------------- place names


@lru_cache(maxsize=None)
def _place_regex() -> tuple[Any, frozenset[str], frozenset[str], tuple[str, ...]]:
    cfg = load("bodies")["place_names"]
    word = r"(?:\p{Lu}[\p{L}\p{M}]*|\d{1,2}(?![\d/.,]))(?![\p{L}\p{M}\d])"
    rx = regex.compile(rf"(?:[ \t]+{word}){{1,{cfg['max_words']}}}")
    after = tuple(" " + _key(fold(w)) for w in cfg["after"])
    return rx, frozenset(cfg["not_first"]), frozenset(cfg["never_inside"]), after


def _extend_place(text: str, folded: str, start: int, end: int, starts: set[int]) -> int:
    """Keep the place's own name in the mention: "… phường" + " An Dương".

    The name is the capitalized words that follow; it stops where another body starts.
    """
    rx, not_first, never, after = _place_regex()
    if not (" " + " ".join(folded[max(start, end - 20) : end].split())).endswith(after):
        return end
    m = rx.match(text, end)
    if m is None:
        return end
    new_end = end
    for i, w in enumerate(regex.finditer(r"\S+", m.group())):
        s = m.start() + w.start()
        if w.group() in never or (i == 0 and w.group() in not_first) or s in starts:
            break
        new_end = m.start() + w.end()
    return new_end


# --------------------------------------------------------------------------- find_bodies


def _select(cands: list[tuple[int, int, int, Any]], n: int) -> list[tuple[int, int, int, Any]]:
    """Non-overlapping candidates, longest first, gazetteer (priority 0) on ties; in text order."""
    taken = bytearray(n)
    chosen = []
    for c in sorted(cands, key=lambda c: (c[0] - c[1], c[2], c[0])):
        if not any(taken[c[0] : c[1]]):
            taken[c[0] : c[1]] = b"\x01" * (c[1] - c[0])
            chosen.append(c)
    return sorted(chosen, key=lambda c: c[0])


# what may follow a known body's name inside a longer unknown-looking name: its place
# ("Sở Tài chính Hà Nội", "Sở Tài chính tỉnh Nghệ An", "Thuế cơ sở 4 tỉnh Nghệ An")
_PLACE_TAIL = regex.compile(r"\s+(?:tỉnh|thành phố|TP\.?|Thành phố|Tỉnh)(?:\s+\p{Lu}[\p{L}\p{M}]*){0,4}"
                            r"|(?:\s+\p{Lu}[\p{L}\p{M}]*){1,4}")


# "Giám đốc các sở: Tài chính, Xây dựng, Nông nghiệp và Môi trường": one head for a list of names
_SHARED_HEAD = regex.compile(r"(?<!\w)các\s+(?P<head>sở|bộ|phòng)\s*:\s*")
_SHARED_HEAD_PROBE = re.compile(r"các\s+(?:sở|bộ|phòng)\s*:")  # stdlib: a literal-led scan
_SHARED_NEXT = regex.compile(r"\s*(?:,\s*(?:và\s+)?|\s+và\s+)")


@lru_cache(maxsize=None)
def _names_under_head() -> dict[str, list[tuple[str, dict]]]:
    """Folded head ("sở") → (folded name without the head, entry) of the gazetteer's bodies named
    with it, longest first."""
    out: dict[str, list[tuple[str, dict]]] = {"sở": [], "bộ": [], "phòng": []}
    for entry in gazetteer_entries():
        for form in (entry["name"], *(s["form"] for s in _variant_specs(entry))):
            head, _, rest = fold(form).partition(" ")
            if head in out and rest and (rest, entry) not in out[head]:
                out[head].append((rest, entry))
    for names in out.values():
        names.sort(key=lambda n: -len(n[0]))
    return out


def _shared_head_matches(folded: str) -> list[tuple[int, int, dict]]:
    """Bodies listed under one head ("các sở: Văn hóa, Thể thao và Du lịch, Tài chính"): each name
    the gazetteer knows with that head, as (start, end, entry) of the name alone.

    >>> t = "Giám đốc các sở: Văn hóa, Thể thao và Du lịch, Tài chính, Xây dựng; Giám đốc Công an tỉnh"
    >>> [(t[s:e], entry["name"]) for s, e, entry in _shared_head_matches(fold(t))]
    [('Văn hóa, Thể thao và Du lịch', 'Sở Văn hóa, Thể thao và Du lịch'), ('Tài chính', 'Sở Tài chính'), ('Xây dựng', 'Sở Xây dựng')]
    """
    if _SHARED_HEAD_PROBE.search(folded) is None:
        return []
    out = []
    for m in _SHARED_HEAD.finditer(folded):
        names, pos = _names_under_head()[m.group("head")], m.end()
        while True:
            hit = next(((rest, entry) for rest, entry in names if folded.startswith(rest, pos)
                        and not folded[pos + len(rest):pos + len(rest) + 1].isalnum()), None)
            if hit is None:
                break
            out.append((pos, pos + len(hit[0]), hit[1]))
            sep = _SHARED_NEXT.match(folded, pos + len(hit[0]))
            if sep is None:
                break
            pos = sep.end()
    return out


def _candidates(composed: str) -> list[tuple[int, int, int, Any]]:
    """Gazetteer (priority 0) and pattern (priority 1) candidates, place names included."""
    folded = fold(composed)
    raw: list[tuple[int, int, int, Any]] = [
        (s, e, 0, entry) for s, e, entry in _gazetteer_matches(composed, folded)
    ]
    raw += [(s, e, 0, entry) for s, e, entry in _shared_head_matches(folded)]
    known_at = {s: (e, entry) for s, e, entry in ((c[0], c[1], c[3]) for c in raw)}
    for s, e, rule, lvl in _pattern_matches(composed, folded):
        known = known_at.get(s)
        if known is not None and known[0] < e and _PLACE_TAIL.fullmatch(composed, known[0], e):
            raw.append((s, e, 0, known[1]))  # "Sở Tài chính Hà Nội": the known body, at its place
        elif known is not None and known[0] < e and not lvl and composed[known[0]:e].islower():
            continue  # a known body, then lowercase words: "Phòng Văn hóa - Xã hội thẩm định"
        else:
            raw.append((s, e, 1, (rule, lvl)))
    starts = {c[0] for c in raw}
    return [(s, _extend_place(composed, folded, s, e, starts), p, d) for s, e, p, d in raw]


def _find(text: str) -> list[BodyMatch]:
    composed, src = _compose(text)
    out = []
    for s, e, prio, data in _select(_candidates(composed), len(composed)):
        name_source = composed[s:e]
        if src is not None:
            s, e = src[s], src[e]
        mention = text[s:e]
        if prio == 0:
            abbr, level = data.get("abbreviation") or "", data.get("level") or ""
            out.append(BodyMatch(s, e, mention, data["name"], abbr, level, True, "gazetteer"))
        else:
            rule, level = data
            out.append(BodyMatch(s, e, mention, _clean(name_source), "", level, False, rule))
    return out


@per_document()
def _find_cached(text: str) -> tuple[BodyMatch, ...]:
    return tuple(_find(text))


_PLAN_LEVEL: ContextVar[str] = ContextVar("plan_level", default="")


@contextmanager
def plan_level(level: str) -> Iterator[None]:
    """Inside this block, bare mentions resolve to the bodies of a plan issued at ``level``
    (``relevel``): "Thường trực HĐND" in a province's plan is the province's."""
    token = _PLAN_LEVEL.set(level or "")
    try:
        yield
    finally:
        _PLAN_LEVEL.reset(token)


def find_bodies(text: str) -> list[BodyMatch]:
    """All body mentions in ``text``, in order, non-overlapping; the longest mention wins."""
    found = _find_cached(text)
    level = _PLAN_LEVEL.get()
    if not level or level == "phường":
        return list(found)
    return [_relevelled(m, level) for m in found]


def _relevelled(m: BodyMatch, level: str) -> BodyMatch:
    if not m.known:
        return m
    name = relevel(m.name, m.mention, level)
    if name == m.name:
        return m
    entry = body_info(name) or {}
    return BodyMatch(m.start, m.end, m.mention, name, entry.get("abbreviation") or "",
                     entry.get("level") or "", m.known, m.rule)


@lru_cache(maxsize=4096)  # the issuer of every plan of a ward is asked for again and again
def canonical(name_or_mention: str) -> str | None:
    """Canonical name of a surface form ("UBND phường An Dương" → "Ủy ban nhân dân phường")."""
    s = name_or_mention.strip()
    found = _find(s)  # not cached: keep the cache for the documents role_of works on
    if len(found) == 1 and found[0].known and (found[0].start, found[0].end) == (0, len(s)):
        return found[0].name
    return None


def body_info(name: str) -> dict | None:
    """The gazetteer entry (kind, level, variants …) of a canonical name."""
    return _gazetteer().by_name.get(name)


_LEVEL_WORDS = ("phường", "xã", "thành phố", "tỉnh", "đặc khu")


def relevel(name: str, mention: str, issuer_level: str) -> str:
    """The body a bare mention means in a plan issued at ``issuer_level``.

    Bare forms of bodies that every commune, ward, city and province has ("Thường trực HĐND",
    "Chủ tịch", "Ủy ban MTTQ Việt Nam") resolve to the ward's body in the gazetteer; in a plan of
    a province (or a commune) they mean the province's (the commune's). A mention that writes its
    level keeps its body.

    >>> relevel("Thường trực Hội đồng nhân dân phường", "TT HĐND", "tỉnh")
    'Thường trực Hội đồng nhân dân tỉnh'
    >>> relevel("Thường trực Hội đồng nhân dân phường", "TT HĐND phường", "tỉnh")
    'Thường trực Hội đồng nhân dân phường'
    >>> relevel("Thường trực Hội đồng nhân dân phường", "TT HĐND", "phường")
    'Thường trực Hội đồng nhân dân phường'

    A city's bodies (Hải Phòng, a city of province rank) are a province's in a province's plan:

    >>> relevel("Các sở, ban, ngành thành phố", "các sở, ban, ngành liên quan", "tỉnh")
    'Các sở, ban, ngành cấp tỉnh'
    """
    if name.endswith(" phường") and issuer_level and issuer_level != "phường":
        base, levels = name[: -len("phường")], (issuer_level,)
    elif name.endswith(" thành phố") and issuer_level == "tỉnh":
        base, levels = name[: -len("thành phố")], ("tỉnh", "cấp tỉnh")
    else:
        return name
    padded = " " + " ".join(fold(mention).split()) + " "
    if any(f" {w} " in padded for w in _LEVEL_WORDS):
        return name
    by_name = _gazetteer().by_name
    for level in levels:
        other = base + level
        spelled = other.replace("UBND", "Ủy ban nhân dân").replace("HĐND", "Hội đồng nhân dân").replace(
            "MTTQ", "Mặt trận Tổ quốc")  # "Chủ tịch UBND phường" → "Chủ tịch Ủy ban nhân dân tỉnh"
        found = next((n for n in (other, spelled) if n in by_name), None)
        if found:
            return found
    return name


# --------------------------------------------------------------------------- roles


@dataclass(frozen=True, slots=True)
class _Cue:
    role: str
    where: str  # before | after | heading
    rx: Any  # compiled phrase alternation, or None for heading
    earlier: Any  # compiled requires_earlier alternation, or None
    within: int
    clause_initial: bool


def _alternatives(phrases: Iterable[str]) -> list[str]:
    """Regexes of the phrases, the longest first (an alternation tries them in order)."""
    return [_phrase_regex(p) for p in sorted(phrases, key=len, reverse=True)]


def _alternation(phrases: Iterable[str]) -> str:
    return "|".join(_alternatives(phrases))


@lru_cache(maxsize=None)
def _roles() -> tuple[tuple[_Cue, ...], Any, Any, Any]:
    """Compile roles.yaml: the cues in priority order and the list-skipping regexes."""
    cfg = load("roles")
    cues = []
    for c in cfg["cues"]:
        phrases = c.get("phrases") or []
        alt = _alternation(phrases)
        gap = int(c.get("gap", 0))
        if c["where"] == "before":
            # searched right to left ("(?r)"): the match must end where the mention starts, so
            # a reverse search tries that end first instead of every start of the sentence
            rx = regex.compile(rf"(?r)(?<!\w)(?:{alt})(?:\s+\S+){{0,{gap}}}\s*\Z")
        elif c["where"] == "after":
            rx = regex.compile(rf"[\s:\-]*(?:{alt})(?!\w)")
        else:
            rx = None
        earlier = c.get("requires_earlier")
        cues.append(_Cue(
            c["role"], c["where"], rx,
            regex.compile(rf"(?<!\w)(?:{_alternation(earlier)})(?!\w)") if earlier else None,
            int(c.get("within", 120)), bool(c.get("clause_initial")),
        ))
    skip = cfg["list_skip"]
    titles = rf"(?<!\w)(?:{_alternation(skip['titles'])})(?!\w)"
    unit = (
        rf"(?:\s|[{regex.escape(''.join(skip['separators']))}]"
        rf"|(?<!\w)(?:{_alternation(skip['words'])})(?!\w)|{titles})"
    )
    return (  # the suffix searches run right to left, from the mention back (see above)
        tuple(cues),
        regex.compile(rf"(?r){unit}*\Z"),
        regex.compile(rf"{unit}*"),
        regex.compile(rf"(?r)(?:{titles}\s*)*\Z"),
    )


# Where a sentence ends: ". ", a blank line, a line break after ".;!?", before a list marker, or
# between a numbered heading and a capitalized line. Other line breaks are wraps (PDF text breaks
# lines mid-sentence) and do not end it.
# (The line break comes before the look-behinds that end with it: tried at a "." they fail at once
# instead of reading back over the whole line.)
_SENTENCE_END = regex.compile(
    r"[.!?](?=\s)"
    r"|\n(?<=[.;!?][ \t\r*]*\n)"
    r"|\n(?=[ \t\r]*(?:\n|[-\u2013\u2022+*#>]|\d+(?:\.\d+)*[.)]\s|[a-zđ]\)\s|[IVXLC]+\.\s))"
    r"|\n(?<=(?:^|\n)[ \t#*]*(?:\d+(?:\.\d+)*[.)]|[a-zđ]\)|[IVXLC]+\.)[^\n]*\n)(?=[ \t\r*]*\p{Lu})"
)
# Every sentence end starts at one of these: the searches go from one to the next (a plain scan)
# and try the pattern only there; the pattern's look-arounds cost ten times more tried everywhere.
_END_CHARS = ".!?\n"
_END_CHAR = re.compile(r"[.!?\n]")


def _next_sentence_end(text: str, pos: int, endpos: int) -> Any:
    """``_SENTENCE_END.search(text, pos, endpos)``."""
    while (c := _END_CHAR.search(text, pos, endpos)) is not None:
        m = _SENTENCE_END.match(text, c.start(), endpos)
        if m is not None:
            return m
        pos = c.start() + 1
    return None


def _last_sentence_end(text: str, pos: int, endpos: int) -> Any:
    """The last sentence end in ``text[pos:endpos]`` (a reverse search of ``_SENTENCE_END``)."""
    last = {c: text.rfind(c, pos, endpos) for c in _END_CHARS}  # each character's last place
    while (at := max(last.values())) >= 0:
        m = _SENTENCE_END.match(text, at, endpos)
        if m is not None:
            return m
        last[text[at]] = text.rfind(text[at], pos, at)  # only that character is looked up again
    return None
_MARK = r"(?:[ivxlc]+|\d+(?:\.\d+)*|[a-z])[.)]\s*"
_INITIAL = regex.compile(rf"\A[\s#>\u2022+\-]*(?:{_MARK})?[\s#\-+\u2022]*\Z")  # clause opener
_NUMBERED = regex.compile(rf"\A[\s#>\u2022+\-]*{_MARK}[\s#\-+\u2022]*\Z")  # "2.", "### 1.", "a)"


def _window(text: str, start: int, end: int, clause_start: int | None) -> tuple[int, int]:
    """The sentence around ``[start, end)``: from the last line/sentence end to the next."""
    if clause_start is None:
        last = _last_sentence_end(text, max(0, start - 3000), start)
        ws = last.end() if last else 0
    else:
        ws = clause_start
    m = _next_sentence_end(text, end, end + 3000)
    we = m.start() if m else min(len(text), end + 3000)
    return ws, max(we, end)


_PLURAL_BEFORE = regex.compile(r"(?r)(?:(?<!\w)(?:các|những|tất cả các|toàn thể)\s+)*\Z")  # folded text


def _list_bounds(
    f: str, spans: list[tuple[int, int]], ws: int, start: int, end: int
) -> tuple[int, int]:
    """Extend ``[start, end)`` over the neighbouring mentions of the same list.

    Titles before the list ("Thủ trưởng các phòng, …") go with it, so "Giao Thủ trưởng X" is
    read as "Giao X".
    """
    _, back, fwd, titles = _roles()
    head, tail = start, end
    while True:
        lo = back.search(f, ws, head).start()
        prev = [s for s, e in spans if lo <= e <= head and s < head]
        if not prev:
            break
        head = min(prev)
    head = _PLURAL_BEFORE.search(f, ws, head).start()  # "với các Tổ dân phố": "các" goes with the list
    head = titles.search(f, ws, head).start()
    while True:
        hi = fwd.match(f, tail).end()
        nxt = [e for s, e in spans if tail <= s <= hi and e > tail]
        if not nxt:
            break
        tail = max(nxt)
    return head, tail


def _is_heading(f: str, line_start: int, head: int, tail: int) -> bool:
    """A mention list that fills a numbered heading line, or one closed by ':'."""
    nl = f.find("\n", tail)
    rest = f[tail : nl if nl >= 0 else len(f)]
    if rx(r"[\s]*:").match(rest):  # "Thủ trưởng các cơ quan, đơn vị:", not "Tham mưu cho X: …"
        before = f[line_start:head]
        return bool(_INITIAL.match(before) or rx(r",\s*\Z").search(before))
    return bool(_NUMBERED.match(f[line_start:head])) and not rest.strip()


def _cue_applies(cue: _Cue, f: str, ws: int, head: int, tail: int, line_start: int) -> bool:
    if cue.where == "heading":
        return _is_heading(f, line_start, head, tail)
    if cue.where == "after":
        if cue.clause_initial and not _INITIAL.match(f[ws:head]):
            return False
        return cue.rx.match(f, tail) is not None
    m = cue.rx.search(f, ws, head)
    if m is None:
        return False
    if cue.clause_initial and not _INITIAL.match(f[ws : m.start()]):
        return False
    if cue.earlier is not None:
        return cue.earlier.search(f, max(ws, m.start() - cue.within), m.start()) is not None
    return True


@per_document()
def _role_text(text: str) -> tuple[str, list[int] | None, str]:
    """Composed text, its map back, and its folded copy for cue matching ("*" of markdown
    emphasis blanked); cached because role_of is called once per mention of the same text."""
    composed, src = _compose(text)
    return composed, src, fold(composed).replace("*", " ").replace("_", " ")


def role_of(text: str, match: BodyMatch, clause_start: int | None = None,
            spans: list[BodyMatch] | None = None) -> str:
    """Role of ``match`` from the cue words around it (or around its list) in its sentence.

    "lead" | "support" | "report_to" | "via" | "mentioned". Cues are tried in the order of
    roles.yaml, so "(qua X)" beats "báo cáo", and "X chủ trì" beats "Giao X".
    """
    composed, src, f = _role_text(text)

    def to_c(i: int) -> int:
        """Original offset → composed offset (identity unless the text was decomposed)."""
        return i if src is None else bisect_right(src, i) - 1 if i < len(text) else len(composed)

    start, end = to_c(match.start), to_c(match.end)
    cs = None if clause_start is None else to_c(clause_start)
    ws, we = _window(composed, start, end, cs)
    bodies = _find_cached(text) if spans is None else spans  # the caller's, when it has them
    spans = [(to_c(b.start), to_c(b.end)) for b in bodies]
    spans = [(s, e) for s, e in spans if s >= ws and e <= we]
    fw = f[:we]  # the sentence's end is the end of the world for the cue regexes
    head, tail = _list_bounds(fw, spans, ws, start, end)
    line_start = composed.rfind("\n", 0, head) + 1
    for cue in _roles()[0]:
        if _cue_applies(cue, fw, ws, head, tail, line_start):
            return cue.role
    return "mentioned"


# --------------------------------------------------------------------------- document-level roles

@lru_cache(maxsize=None)
def _document_cues() -> tuple[Any, list[Any]]:
    cfg = load("roles")
    verbs = regex.compile(rf"\s*(?:{_alternation(cfg['issuer_verbs'])})(?!\w)")
    return verbs, [regex.compile(p, regex.I) for p in cfg["not_recipients"]]


def issuer_mention(text: str, start: int, end: int, issuer: str,
                   found: Sequence[BodyMatch] | None = None) -> BodyMatch | None:
    """Where ``text[start:end]`` (one document) names its issuer as the one acting.

    The first mention of the issuing body (canonical name of ``issuer``) followed by an issuing
    verb, else the first standing alone on its line; offsets are in ``text``. ``found``: the
    bodies of ``text[start:end]`` when the caller has them already.
    """
    want = canonical(issuer) if issuer else None
    if not want:
        return None
    verbs, _ = _document_cues()
    chunk = text[start:end]
    acting, alone = None, None
    for m in (find_bodies(chunk) if found is None else found):
        if m.name != want:
            continue
        line_end = chunk.find("\n", m.end)
        rest = chunk[m.end:line_end if line_end >= 0 else len(chunk)]
        line_start = chunk.rfind("\n", 0, m.start) + 1
        if _followed_by(verbs, chunk, m.end):
            acting = m
            break
        if alone is None and not chunk[line_start:m.start].strip() and not rest.strip(" .:"):
            alone = m
    m = acting or alone
    if m is None:
        return None
    return BodyMatch(m.start + start, m.end + start, m.mention, m.name, m.abbreviation,
                     m.level, m.known, m.rule)


def _followed_by(pattern: Any, text: str, at: int, window: int = 200) -> bool:
    """Does ``pattern`` (written for folded text) match at ``text[at:]``? Only a window is folded;
    the whole rest when a match reaches the window's edge (its look-ahead saw no further)."""
    piece = text[at:at + window]
    m = pattern.match(fold(piece))
    if m is not None and m.end() == len(piece) and at + window < len(text):
        m = pattern.match(fold(text[at:]))
    return m is not None


def recipient_mentions(text: str, start: int, end: int) -> list[BodyMatch]:
    """Bodies of a "Nơi nhận" block ``text[start:end]``, one per body, offsets in ``text``.

    A leading "TT" (Thường trực) applies to each body of its line: "TT TU, HĐND phường".
    """
    _, skip = _document_cues()
    out: list[BodyMatch] = []
    pos = start
    items = 0
    for line in text[start:end].split("\n"):
        line_start, pos = pos, pos + len(line) + 1
        if not line.strip():
            continue
        if not _RECIPIENT_ITEM.match(line):
            if items and (len(line.split()) > 8 or line.strip().upper().startswith("PHỤ LỤC")):
                break  # the list is over
            continue  # the signature block, which a two-column PDF may set inside the list
        items += 1
        if any(p.search(line) for p in skip):
            continue
        standing = _STANDING.match(line) is not None
        for m in find_bodies(line):
            name = m.name
            if standing and not fold(name).startswith("thường trực"):
                name = canonical(f"Thường trực {m.mention}") or canonical(f"Thường trực {name}") or name
            out.append(BodyMatch(m.start + line_start, m.end + line_start, m.mention, name,
                                 m.abbreviation, m.level, m.known, m.rule))
    return out


_RECIPIENT_ITEM = regex.compile(r"^\s*[-+•–]\s*\S")
_STANDING = regex.compile(r"^\s*[-+•–]\s*(?:TT\.?|Thường trực)\s", regex.I)  # "- TT HĐND", "- TT. Đảng ủy"


_AUTHORITY_LINE = regex.compile(r"(?m)^[ \t]*(?:TM|TL|TUQ|Q)\.[ \t]*(?P<body>[^\n]+?)[ \t]*$")


def signing_bodies(text: str, start: int, end: int) -> list[BodyMatch]:
    """The body on whose behalf a document is signed: "TM. ỦY BAN NHÂN DÂN" (role ``signer``).

    >>> [m.name for m in signing_bodies("TM. ỦY BAN NHÂN DÂN\\nCHỦ TỊCH", 0, 30)]
    ['Ủy ban nhân dân']
    """
    out = []
    for a in _AUTHORITY_LINE.finditer(text, start, end):
        s = a.start("body")
        for m in find_bodies(a.group("body")):
            out.append(BodyMatch(m.start + s, m.end + s, m.mention, m.name, m.abbreviation,
                                 m.level, m.known, m.rule))
            break
    return out
