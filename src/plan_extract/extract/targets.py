"""Targets (chỉ tiêu): every numeric and qualitative target, normalized and grounded.

Find: the items of targets sections ("(1) …", "1. …", "a) …", bullets, sub-bullets under
"Trong đó:"), inline lists ("với 09 chỉ tiêu …: (1) …; (2) …", also when a PDF line break splits
them) and values set inside task text. Each item is split into clauses (";", sentence ends); each
value is one target, a clause stating an outcome without value is a qualitative target, an item
without any value is one qualitative target. Resolve: value, unit, comparator and range come from
``quantities``; kind, baseline, years and the indicator words from the clause
(``lang/vi/targets.yaml``); the indicator code from ``lang/vi/indicators.yaml``.

Audit: ``count_warnings`` checks a plan's announced number of targets ("với 09 chỉ tiêu")
against the items of the list it introduces.
"""
from __future__ import annotations

import re as stdlib_re
from dataclasses import dataclass
from typing import Iterator

import regex as re

from ..rx import grouped_alternation, rx

from ..lang import load
from ..model import TargetRecord, WarningRecord
from ..normalize import fold, is_table_row
from .quantities import Quantity, find_quantities

_DATA = load("targets")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _words(forms) -> str:
    """Regex alternation of word forms on folded text: whole words, longest first, any spacing."""
    keys = sorted({" ".join(fold(str(f)).split()) for f in forms}, key=len, reverse=True)
    alts = [r"\s+".join(re.escape(w) for w in k.split()) for k in keys if k]
    return r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)"


def _one_space(s: str) -> str:
    return " ".join(s.split())


# --------------------------------------------------------------------------- indicator codes

_IND = load("indicators")
_ALIASES = {_one_space(fold(k)): _one_space(fold(v)) for k, v in _IND["_aliases"].items()}
_ALIAS = re.compile(_words(_ALIASES))


def _ikey(text: str) -> str:
    """Matching key of indicator words: folded, artifacts dropped, one space, aliases expanded."""
    key = _one_space(fold(text).replace("*", ""))
    return _ALIAS.sub(lambda m: _ALIASES[_one_space(m.group())], key)


_UNIT_KIND = {str(u["canonical"]): str(u["kind"]) for u in load("units")["units"]}


def _measure(unit: str, kind: str) -> str:
    """What a target measures: count, growth (a % change), percent, money, other, or none."""
    if kind == "qualitative" or not unit:
        return "none"
    unit_kind = _UNIT_KIND.get(unit, "count")  # a noun units.yaml lacks counts it ("1.200 buồng")
    if unit_kind in ("percent", "percent_point"):
        return "growth" if kind in ("increase", "decrease") else "percent"
    return unit_kind if unit_kind in ("count", "money") else "other"


def measure_fits(code: str, unit: str, kind: str) -> bool:
    """Whether an indicator code fits what the target measures (``measures`` of indicators.yaml;
    a code without it fits all): the words of "tổng thu từ khách du lịch" name tourists, but a sum
    of money does not count them.

    >>> measure_fits("tourists", "lượt khách", "level"), measure_fits("tourists", "%", "increase")
    (True, True)
    >>> measure_fits("tourists", "đồng", "level"), measure_fits("tourists", "%", "level")
    (False, False)
    """
    allowed = _IND[code].get("measures")
    return not allowed or _measure(unit, kind) in allowed


def _synonym(s: str | list[str]) -> tuple[list[tuple[str, re.Pattern]], int]:
    """(key, whole-word pattern) pairs that must all match, and the synonym's size (longer = more
    specific). The key is the pattern's text on one-spaced folded words, so ``key in part`` is a
    cheap necessary condition checked before the pattern."""
    keys = [_ikey(p) for p in (s if isinstance(s, list) else [s])]
    return [(k, re.compile(_words([k]))) for k in keys], sum(len(k) for k in keys)


_INDICATORS = [(code, d, [_synonym(s) for s in d["synonyms"]])
               for code, d in _IND.items() if not code.startswith("_")]
_HEAD_SPLIT = re.compile(r"(?:[,;]|\s+và)\s+(?=" + _words(_ikey(h) for h in _IND["_heads"]) + ")")


def _key_index() -> tuple["re.Pattern[str]", dict[str, frozenset[str]], list[tuple[int, tuple[str, ...], int]],
                             dict[str, list[int]]]:
    """One pass finds every synonym key in a text: (the alternation of all keys, the keys each
    match also stands for — its word prefixes, which match at the same place —, the synonyms as
    (code index, keys, size), and the synonyms of each key)."""
    keys = sorted({k for _, _, syns in _INDICATORS for pats, _ in syns for k, _ in pats})
    # stdlib re, a tenth of the cost of ``regex`` on this alternation; the start of a word is
    # checked in ``_keys_in`` (a look-behind would keep ``re`` from skipping to the first letters)
    alternation = stdlib_re.compile(grouped_alternation(
        [r"\s+".join(stdlib_re.escape(w) for w in k.split()) for k in sorted(keys, key=len, reverse=True)])
        + r"(?![\w\u0300-\u036f])")
    prefixes = {k: frozenset(j for j in keys if k.startswith(j) and
                             (len(j) == len(k) or not re.match(r"\w", k[len(j)])))
                for k in keys}
    synonyms = [(ci, tuple(k for k, _ in pats), size)
                for ci, (_, _, syns) in enumerate(_INDICATORS) for pats, size in syns]
    by_key: dict[str, list[int]] = {}
    for si, (_, ks, _) in enumerate(synonyms):
        for k in ks:
            by_key.setdefault(k, []).append(si)
    return alternation, prefixes, synonyms, by_key


_KEYS, _KEY_PREFIXES, _SYNONYMS, _SYNONYMS_OF = _key_index()
_WORD = re.compile(r"\w")


def _keys_in(part: str) -> set[str]:
    """Every synonym key occurring in ``part`` as whole words."""
    present: set[str] = set()
    pos = 0
    while (m := _KEYS.search(part, pos)) is not None:  # a match at every start: overlapped
        start = pos = m.start()
        pos += 1
        if start and _WORD.match(part, start - 1):
            continue  # inside a word
        present |= _KEY_PREFIXES[m.group()]
    return present


def classify_indicator(words: str) -> tuple[str, str, bool | None]:
    """(code, sector, higher_is_better) of an indicator's words, or ("", "", None).

    The longest synonym found wins; words naming several indicators ("chỉ số A, chỉ số B") take
    the code of the first one that has a code.

    >>> classify_indicator("Tỷ lệ hộ nghèo theo chuẩn nghèo đa chiều")[0]
    'poverty_rate'
    >>> classify_indicator("Tổ chức 02 hội nghị")
    ('', '', None)
    """
    for part in _HEAD_SPLIT.split(_ikey(words)):
        present = _keys_in(part)
        sizes: dict[int, int] = {}  # code index -> size of its longest synonym found
        for si in sorted({si for k in present for si in _SYNONYMS_OF[k]}):
            ci, ks, size = _SYNONYMS[si]
            if all(k in present for k in ks):
                sizes[ci] = max(sizes.get(ci, 0), size)
        found = {_INDICATORS[ci][0]: size for ci, size in sorted(sizes.items())}
        refined = {_IND[c].get("refines") for c in found}
        best = max((c for c in found if c not in refined), key=lambda c: found[c], default=None)
        if best:
            return best, _IND[best]["sector"], _IND[best]["higher_is_better"]
    return "", "", None


def _classify_by_patterns(words: str) -> tuple[str, str, bool | None]:
    """``classify_indicator`` the slow way, every synonym's patterns tried: the reference the
    tests compare the indexed version with."""
    for part in _HEAD_SPLIT.split(_ikey(words)):
        found = {}
        for code, _, syns in _INDICATORS:
            sizes = [size for pats, size in syns if all(p.search(part) for _, p in pats)]
            if sizes:
                found[code] = max(sizes)
        refined = {_IND[c].get("refines") for c in found}
        best = max((c for c in found if c not in refined), key=lambda c: found[c], default=None)
        if best:
            return best, _IND[best]["sector"], _IND[best]["higher_is_better"]
    return "", "", None


# ------------------------------------------------------------------------------- cue words

_KIND_OF = {_one_space(fold(c)): k for k, cues in _DATA["kind_cues"].items() for c in cues}
_KIND_CUE = re.compile(_words(_KIND_OF))
_KIND_BLOCK = re.compile("(?r)(?:" + _words(_DATA["kind_cue_not_after"]) + r")\s*$")  # ends the text: right to left
_ACTION = re.compile(_words(_DATA["action_verbs"]))
_AFTER_STOP = re.compile(r"[,;:]|\s(?=" + _words(_DATA["indicator_after_stop"]) + ")")
_SKIP_LEAD = re.compile(r"(?:[\s,]|" + _words(["và"]) + ")*(?:" + _words(_DATA["quote_skip_lead"])
                        + r"[\s,:]*)?")
_RESTART = re.compile(r"[,;]\s*(?=" + _words(_DATA["quote_restart"]) + ")")
_OUTCOME = re.compile(_words(_DATA["outcome_starts"]))
_IN_TASK_CUE = re.compile(_words(_DATA["in_task_cues"]))
_NON_TARGET_UNITS = set(_DATA["non_target_units"])
_RANK = re.compile(_DATA["rank"])
_BASELINE = re.compile(r"\s*(?:,\s*)?(?:trở lên\s+)?so với\s+(?P<b>[^;.,()]+?)(?=\s*(?:[;.,()]|$|\s+trong đó))")
_BASELINE_IN = re.compile(r"\bso với\s+(?P<b>[^;.,()]+?)(?=\s*(?:[;.,()]|$|\s+trong đó))")


def baseline_of(m: re.Match[str]) -> tuple[str, int | None]:
    """(baseline, its year) of a match of ``_BASELINE`` or ``_BASELINE_IN`` ("so với năm 2025")."""
    baseline = m.group("b").strip()
    y = rx(r"\d{4}").search(baseline)
    return baseline, int(y.group()) if y else None
_TARGET_YEAR = re.compile(r"(?:đến|vào|trong)\s+năm\s+(?P<y>\d{4})", re.I)
_YEAR_AFTER = re.compile(r"\s*(?:đến|vào|trong)\s+năm\s+\d{4}", re.I)
_CLAUSE_SPLIT = re.compile(r";\s*|\.\s+(?=\p{Lu})|:\s+(?=\p{Lu})|\.\s*$")
_TRONG_DO = re.compile(r"[\s,]*trong đó\b", re.I)
_CITED = re.compile(r"\b(?:theo|tại)\s+(?:Quyết định|Nghị quyết|Kế hoạch)\s+số")

_ITEM = re.compile(r"^(?P<bullet>[-+•]\s*)?(?:\((?P<p>\d{1,3})\)|(?P<d>\d{1,3})\.(?!\d)|(?P<l>[a-zđ])(?:\)|\.(?=\s+\p{Lu}))"
                   r"|(?P<dd>\d{1,2}(?:\.\d{1,2})+)\.?(?=\s+\p{Lu}))\s*")  # "(1)", "1.", "a)", "2.1."
_BULLET = re.compile(r"^[-+•]\s*")
_TRONG_DO_LINE = re.compile(r"^Trong đó\s*:?\s*$")
_INLINE_ITEM = re.compile(r"\((?P<n>\d{1,3})\)\s*")
_INLINE_LEAD = re.compile(_words(_DATA["inline_list_lead"]))
_INLINE_END = re.compile(r"[;.]\s+(?=" + _words(_DATA["inline_list_end"]) + ")")


# ------------------------------------------------------------------------------- resolving


def _kind(before: str, after: str) -> str:
    """Kind from the cue nearest the value: the last one before it, else the first one after it."""
    fb = fold(before)
    cues = [m for m in _KIND_CUE.finditer(fb) if not _KIND_BLOCK.search(fb, 0, m.start())]
    if not cues and not _has_words(before):
        m = _KIND_CUE.search(fold(after))
        cues = [m] if m else []
    return _KIND_OF[_one_space(cues[-1].group())] if cues else "level"


def _has_words(s: str) -> bool:
    """Whether a stretch holds indicator words, not only verbs ("Phấn đấu xây dựng", "Hoàn thành")."""
    return bool(rx(r"[^\W\d_]").search(_ACTION.sub(" ", fold(s).replace("*", ""))))


_VERBS = tuple(_DATA["verbs"])


def _indicator(words: str) -> str:
    """Indicator words without the value verbs at their end ("Tỷ lệ hộ nghèo giảm còn" -> …)."""
    w = words.strip(" :-–,;")
    changed = True
    while changed and w:
        changed = False
        fw = fold(w)  # fold keeps the length, so its offsets are w's
        for verb in _VERBS:
            if fw.endswith(" " + verb) or fw == verb:
                w = w[: len(w) - len(verb)].rstrip(" :-–,;")
                fw = fold(w)
                changed = True
    return _one_space(w.replace("*", ""))


def _indicator_after(s: str) -> str:
    """Indicator words written after a value ("03 trường đạt chuẩn quốc gia theo …")."""
    m = _AFTER_STOP.search(fold(s))
    s = s[: m.start()] if m else s
    return _one_space(rx(r"^[^\w(]+").sub("", s).rstrip(" .;:-–").replace("*", ""))


def _quantities(clause: str) -> list[Quantity]:
    """Values of a clause that can be targets (not context counts, bare numbers or announcements)."""
    qs = []
    for q in find_quantities(clause):
        if q.unit in _NON_TARGET_UNITS or q.unit == "chỉ tiêu" and _announced(clause, q):
            continue
        if not q.unit and (q.comparator == "=" or not q.parsed):
            continue  # a bare or unreadable number (phone, code) with no unit: not a target value
        qs.append(q)
    return qs


@dataclass
class _Clause:
    start: int
    end: int
    text: str


def _clauses(text: str, start: int, end: int) -> list[_Clause]:
    out, pos = [], start
    for m in _CLAUSE_SPLIT.finditer(text, start, end):
        if m.start() > pos:
            out.append(_Clause(pos, m.start(), text[pos:m.start()]))
        pos = m.end()
    if pos < end:
        out.append(_Clause(pos, end, text[pos:end]))
    return [c for c in out if c.text.strip(" .;:")]


# ---------------------------------------------------------------------------------- finding


@dataclass
class _Item:
    label: str
    start: int
    end: int
    in_task: bool = False
    parent_label: str | None = None
    run: int = -1  # inline list: offset of the paragraph that opened it


def extract_targets(ctx, source_text: str) -> list[TargetRecord]:
    """All targets of one document (``ctx`` is a pipeline ``DocContext``)."""
    from .target_tables import table_targets

    out: list[TargetRecord] = []
    for item in _items(ctx):
        parent_id = ""
        if item.parent_label is not None:
            parent = next((t for t in reversed(out) if t.label == item.parent_label and not t.parent_target_id), None)
            parent_id = parent.target_id if parent else ""
        out.extend(_targets_of_item(ctx, source_text, item, parent_id, len(out)))
    tabled = table_targets(ctx, source_text, len(out))  # "STT | Chỉ tiêu | ĐVT | … | Kế hoạch năm 2026"
    if tabled:
        out = sorted(out + tabled, key=lambda t: t.start)
    return out


def _items(ctx) -> list[_Item]:
    """Target items of the document, in order."""
    from .target_tables import doc_table_rows

    text = ctx.norm.text
    table_lines = {at for _, at, _ in doc_table_rows(ctx)}
    items: list[_Item] = []
    pos = ctx.part.start
    last_label, in_trong_do, prev_line = "", False, ""
    run: tuple[int, int] | None = None  # open inline list: (run id, last number)
    for line in text[ctx.part.start:ctx.part.end].split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        sec = ctx.section_at(start)
        kind = sec.kind if sec else ""
        if sec is not None and sec.start == start:
            run, prev_line = None, line
            continue  # the heading line itself
        if start in table_lines:
            continue  # a row of a targets table, also under a targets heading: target_tables reads it
        inline, run = _inline_list(text, start, end, prev_line, run)
        prev_line = line
        if inline:
            items.extend(inline)
            continue
        if kind == "targets":
            stripped = line.strip()
            if _TRONG_DO_LINE.match(stripped):
                in_trong_do = True
                continue
            m = _ITEM.match(stripped)
            label = m and (m.group("p") or m.group("d") or m.group("l") or m.group("dd"))
            bullet = _BULLET.match(stripped)
            lead = len(line) - len(line.lstrip())
            if bullet and not label and in_trong_do and last_label:
                subs = sum(1 for i in items if i.parent_label == last_label)
                items.append(_Item(f"{last_label}{_LETTERS[subs % 26]}", start + lead + bullet.end(), end,
                                   parent_label=last_label))
            elif label:
                last_label, in_trong_do = label, False
                items.append(_Item(label, start + lead + m.end(), end))
            elif bullet:
                items.append(_Item("", start + lead + bullet.end(), end))
            elif not stripped.endswith(":") and _has_value(line):
                items.append(_Item("", start + lead, end))
            elif (cut := _before_lead_in(line)) and _has_value(line[:cut]):
                items.append(_Item("", start + lead, start + cut))  # "…; SIPAS đạt trên 88%. Cụ thể như sau:"
            continue
        if is_table_row(line):
            cell = _content_cell(line)
            if cell:
                items.append(_Item("", start + cell[0], start + cell[1], in_task=True))
        elif kind in ("tasks", "timeline", "implementation"):
            items.append(_Item("", start, end, in_task=True))
    return items


def _content_cell(row: str) -> tuple[int, int] | None:
    """Span of a task-table row's content cell (the wordiest cell), when it holds a value."""
    cells, pos = [], 0
    for part in row.split("|"):
        lead = len(part) - len(part.lstrip())
        cells.append((pos + lead, pos + len(part.rstrip())))
        pos += len(part) + 1
    s, e = max(cells, key=lambda c: len(rx(r"\p{L}+").findall(row[c[0]:c[1]])))
    return (s, e) if e > s and _has_value(row[s:e]) else None


def _before_lead_in(line: str) -> int:
    """End of what a paragraph says before its closing lead-in sentence ("… Các chỉ tiêu cụ thể
    như sau:"), or 0 when the paragraph is only a lead-in.

    >>> line = "Phấn đấu SIPAS đạt trên 88%. Các chỉ tiêu cụ thể như sau:"
    >>> line[:_before_lead_in(line)]
    'Phấn đấu SIPAS đạt trên 88%.'
    >>> _before_lead_in("Các chỉ tiêu chủ yếu năm 2026:")
    0
    """
    body = line.rstrip()
    if not body.endswith(":"):
        return 0
    cut = max(body.rfind(". ", 0, len(body) - 1), body.rfind("; ", 0, len(body) - 1))
    return cut + 1 if cut > 0 else 0


def _has_value(line: str) -> bool:
    return bool(_RANK.search(line) or _quantities(line))


def _inline_list(text: str, start: int, end: int, prev_line: str,
                 run: tuple[int, int] | None) -> tuple[list[_Item], tuple[int, int] | None]:
    """"… với 09 chỉ tiêu …: (1) …; (2) …" — the numbered run after a lead-in naming chỉ tiêu.

    A line that starts with the next number of an open run continues it (a PDF line break).
    Returns the items and the run still open after this line.
    """
    line = text[start:end]
    ms = list(_INLINE_ITEM.finditer(line))
    if not ms:
        return [], None
    at_line_start = not line[: ms[0].start()].strip(" -+•")
    first = int(ms[0].group("n"))
    if run and at_line_start and first == run[1] + 1:
        run_id = run[0]
    elif first == 1 and len(ms) >= 2:
        lead = line[: ms[0].start()]
        if at_line_start and prev_line.rstrip().endswith(":"):
            lead = prev_line  # "… với 09 chỉ tiêu sau:" then "(1) …; (2) …" on the next line
        if not _INLINE_LEAD.search(fold(lead)[-200:]):
            return [], None
        run_id = start
    else:
        return [], None
    out, last = [], first - 1
    for i, m in enumerate(ms):
        n = int(m.group("n"))
        if n != last + 1:
            break
        last = n
        s = start + m.end()
        e = start + (ms[i + 1].start() if i + 1 < len(ms) else len(line))
        cut = _INLINE_END.search(fold(text[s:e]))
        out.append(_Item(m.group("n"), s, s + cut.start() if cut else e, run=run_id))
    closed = len(out) < len(ms) or bool(_INLINE_END.search(fold(line[ms[len(out) - 1].end():])))
    return out, None if closed else (run_id, last)


# ------------------------------------------------------------------------------- per item


def _targets_of_item(ctx, source_text: str, item: _Item, parent_id: str, n0: int) -> list[TargetRecord]:
    """The targets of one item: one per value, qualitative clauses, or the whole valueless item."""
    text = ctx.norm.text
    clauses = []
    for c in _clauses(text, item.start, item.end):
        qs = [] if _CITED.search(c.text) and "%" not in c.text else _quantities(c.text)
        clauses.append((c, qs, _RANK.search(c.text)))
    if not any(qs or rank for _, qs, rank in clauses):
        if item.in_task or not clauses:
            return []
        first, last = clauses[0][0], clauses[-1][0]
        start = first.start + _lead_ws(first.text)
        return [_record(ctx, source_text, n0, item.label, parent_id, False, start, last.end,
                        text[start:last.end])]
    found = _ItemTargets(ctx, source_text, item, parent_id, n0)
    for c, qs, rank in clauses:
        entries = _entries(c, qs, rank, item.in_task)
        if entries:
            found.valued(c, entries)
        elif not item.in_task:
            found.qualitative(c)
    return found.out


# searched right to left ("(?r)"): the cue ends the text, and a forward search would try it at
# every word of the clause first
_COUNT_CUE = re.compile("(?r)(?:" + _words(_DATA["in_task_count_cues"]) + r")\s*$")
_ACTIVITY_UNITS = {" ".join(fold(u).split()) for u in _DATA["activity_units"]}


def _counted_result(clause: str, q: Quantity) -> bool:
    """A count of results the clause sets ("có thêm 01 trường", "trồng mới 550 cây xanh").

    >>> from plan_extract.extract.quantities import find_quantities
    >>> t = "phấn đấu có thêm 01 trường đạt chuẩn quốc gia"
    >>> _counted_result(t, find_quantities(t)[0])
    True
    >>> t = "tổ chức 02 hội nghị"
    >>> _counted_result(t, find_quantities(t)[0])
    False
    """
    return bool(q.unit) and q.unit != "%" and bool(_COUNT_CUE.search(fold(clause[:q.start]).rstrip()))


def _entries(c: _Clause, qs: list[Quantity], rank: re.Match | None,
             in_task: bool) -> list[tuple[int, int, Quantity | None]]:
    """(start, end, quantity or None for the rank) of each value of a clause, in order."""
    if rank:  # the rank's pool ("trên 114 phường, xã") is context
        qs = [q for q in qs if q.start < rank.start() or q.start >= rank.end()]
        qs = [q for q in qs if not (q.start >= rank.end() and q.unit in ("", "phường"))]
    if in_task:  # in task text only outcome levels are targets, not counts of activities
        cued = bool(_IN_TASK_CUE.search(fold(c.text)))
        qs = [q for q in qs if (q.unit == "%" and (cued or q.value == 100))
              or (cued and q.comparator in (">=", ">", "<=", "<", "range"))
              or (_counted_result(c.text, q) and q.unit not in _ACTIVITY_UNITS)]
    entries = [(rank.start(), rank.end(), None)] if rank else []
    return sorted(entries + [(q.start, q.end, q) for q in qs], key=lambda e: e[0])


class _ItemTargets:
    """Targets of one item as they are found, with its sub-target numbering ("2a", "2b")."""

    def __init__(self, ctx, source_text: str, item: _Item, parent_id: str, n0: int):
        self.ctx, self.source_text, self.item, self.parent_id, self.n0 = ctx, source_text, item, parent_id, n0
        self.text = ctx.norm.text
        self.folded = fold(self.text[item.start:item.end])  # folded[i - item.start] is text[i]
        self.out: list[TargetRecord] = []
        self.subs = 0

    @property
    def first_id(self) -> str:
        return self.out[0].target_id if self.out else ""

    def _label_parent(self, sub: bool) -> tuple[str, str]:
        """Label and parent of a new target; a sub-target takes the next letter ("19a")."""
        if self.parent_id or not (sub and self.out):
            return self.item.label, self.parent_id
        if not self.item.label:
            return "", self.first_id
        self.subs += 1
        return f"{self.item.label}{_LETTERS[(self.subs - 1) % 26]}", self.first_id

    def _add(self, sub: bool, start: int, end: int, context: str, **kw) -> TargetRecord:
        label, parent = self._label_parent(sub)
        rec = _record(self.ctx, self.source_text, self.n0 + len(self.out), label, parent,
                      self.item.in_task, start, end, context, **kw)
        self.out.append(rec)
        return rec

    def qualitative(self, c: _Clause) -> None:
        """A valueless clause of a valued item: a target when it is a "trong đó" part or an outcome."""
        sub = bool(_TRONG_DO.match(c.text))
        body = _SKIP_LEAD.match(fold(c.text)).end() if sub else _lead_ws(c.text)
        if sub or _OUTCOME.match(fold(c.text[body:])):
            self._add(sub, c.start + body, c.end, c.text)

    def _words_start(self, pos: int, limit: int) -> int:
        """Where a value's own words begin: after "…, phấn đấu", "trong đó", "và" and the like."""
        base = self.item.start
        restart = list(_RESTART.finditer(self.folded, pos - base, limit - base))
        return base + _SKIP_LEAD.match(self.folded, restart[-1].end() if restart else pos - base,
                                       limit - base).end()

    def valued(self, c: _Clause, entries: list[tuple[int, int, Quantity | None]]) -> None:
        """One target per value; values after ", trong đó" are sub-targets of the first one."""
        text, in_sub = self.text, bool(_TRONG_DO.match(c.text))
        seg, prev = c.start, None  # where the current value's words begin; the clause's last target
        for i, (es, ee, q) in enumerate(entries):
            in_sub = in_sub or bool(self.out and _TRONG_DO.match(text, seg))
            seg = self._words_start(seg, c.start + es)
            nxt = c.start + entries[i + 1][0] if i + 1 < len(entries) else c.end
            before, after = text[seg:c.start + es], text[c.start + ee:nxt]
            end = c.start + ee
            value_first = not _has_words(before)
            if value_first:  # the indicator follows the value
                cut = rx(r",\s*(?=\p{L}+\s)").search(after) if i + 1 < len(entries) else None
                end += cut.start() if cut else len(after.rstrip(" ,;."))
            rec = self._add(in_sub, seg, end, text[seg:nxt], q=q, rank=None if q else _RANK.search(c.text),
                            clause_start=c.start, before=before, after=after, prev=prev,
                            words_after=text[c.start + (q.number_end if q else ee):nxt])
            if (prev is not None and value_first and rec.kind == "level" and prev.kind in _SHARED_KINDS
                    and _JOINED_VALUES.fullmatch(before)):
                rec.kind = prev.kind  # "có thêm 02 thôn …, 03 thôn …": the cue governs both counts
            prev = rec
            # the next value's words begin after this one's baseline and year, and after the words
            # it took as its indicator when they followed it
            seg = max(_value_tail_end(text, c.start + ee), end if value_first else 0)


_SHARED_KINDS = ("increase", "decrease", "maintain")
_JOINED_VALUES = re.compile(r"[\s,;]*(?:và\s+)?")  # what stands between two joined values


def _value_tail_end(text: str, pos: int) -> int:
    """End of what still belongs to a value: its baseline "so với …" and year "vào năm 2026"."""
    while m := (_BASELINE.match(text, pos) or _YEAR_AFTER.match(text, pos)):
        pos = m.end()
    return pos


def _lead_ws(s: str) -> int:
    return len(s) - len(s.lstrip(" -"))


def _record(ctx, source_text: str, n: int, label: str, parent_id: str, in_task: bool, start: int,
            end: int, context: str, *, q: Quantity | None = None, rank: re.Match | None = None,
            clause_start: int = 0, before: str = "", after: str = "", words_after: str = "",
            prev: TargetRecord | None = None) -> TargetRecord:
    """One target record; a valued one (``q`` or ``rank``) extends over its baseline "so với …"."""
    text = ctx.norm.text
    baseline, baseline_year = "", None
    if q is not None and (bm := _BASELINE.match(text, end)
                          or _BASELINE_IN.search(text, clause_start + q.end, end)):
        baseline, baseline_year = baseline_of(bm)
        end = max(end, bm.end("b"))
    valued = q is not None or rank is not None
    ty = _TARGET_YEAR.search(context)  # "đến năm 2030" in the target's words or its clause
    target_year = int(ty.group("y")) if ty else ctx.meta.plan_year
    seg = text[start:end]
    if valued:
        indicator = _indicator(before) if _has_words(before) else _indicator_after(words_after)
        kind = "level" if q is None else _kind(before, after)
    else:
        indicator, kind = _indicator(seg.rstrip(".;")), "qualitative"
    code, sector, hib = classify_indicator(indicator or seg)
    if not code and indicator:  # (without an indicator, seg was classified already)
        code, sector, hib = classify_indicator(seg)
    if valued and not indicator and prev is not None:  # "…, đạt 80% đến năm 2030": same indicator
        indicator, code, sector, hib = prev.indicator, prev.indicator_code, prev.sector, prev.higher_is_better
    v = _Value.of(q, rank)
    if code and not measure_fits(code, v.unit, kind):  # "Tổng thu từ khách du lịch đạt … tỷ đồng"
        code, sector, hib = "", "", None
    s, e = ctx.src(start, end)
    sec = ctx.section_at(start)
    vs, ve = ctx.src(clause_start + v.number_start, clause_start + v.number_end) if valued else (s, s)
    return TargetRecord(
        ctx.doc_id, ctx.source_path, f"{ctx.doc_id}:t{n + 1}", label, parent_id,
        f"{ctx.doc_id}:{sec.id}" if sec else "", in_task, indicator, code, sector, hib, kind,
        v.comparator, v.value, v.value_min, v.value_max, v.unit, v.unit_text, v.text, v.parsed,
        baseline, baseline_year, target_year, s, e, vs, ve, source_text[s:e], v.rule)


@dataclass
class _Value:
    """The value fields of a target, from a quantity, a rank ("nhóm 20 … dẫn đầu") or none."""

    value: float | None = None
    value_min: float | None = None
    value_max: float | None = None
    comparator: str = ""
    unit: str = ""
    unit_text: str = ""
    text: str = ""
    parsed: bool = True
    rule: str = "qualitative"
    number_start: int = 0  # in the clause
    number_end: int = 0

    @classmethod
    def of(cls, q: Quantity | None, rank: re.Match | None) -> "_Value":
        if q is not None:
            return cls(None if q.comparator == "range" else q.value, q.value_min, q.value_max,
                       q.comparator, q.unit, q.unit_text, q.text, q.parsed, q.rule, q.number_start, q.number_end)
        if rank is not None:
            return cls(float(rank.group("n")), None, None, "<=", "hạng", rank.group("unit").strip() + " dẫn đầu",
                       rank.group(), True, "rank", rank.start("n"), rank.end("n"))
        return cls()


# ------------------------------------------------------------------------- announced counts

_COUNT = _DATA["announced_count"]
_ANNOUNCE = re.compile(
    r"(?:(?P<lead>" + _words(_COUNT["lead_words"]) + r")\s+)?(?<![\d/.,])(?P<n>\d{1,3})\s+"
    + _words(_COUNT["nouns"]))
_ANNOUNCE_CORE = re.compile(r"(?<![\d/.,])\d{1,3}\s+" + _words(_COUNT["nouns"]))
_LEAD_REACH = max(len(fold(str(w))) for w in _COUNT["lead_words"]) + 20  # lead words and spaces
_NOT_BEFORE = re.compile("(?:" + "|".join(
    _words([w]) if w[0].isalpha() else re.escape(w) for w in _COUNT["not_before"]) + r")\s*$")
_NOT_AFTER = re.compile(r"\s*(?:" + "|".join(
    _words([w]) if w[0].isalpha() else re.escape(w) for w in _COUNT["not_after"]) + ")")
_BREAKDOWN = re.compile(_words(_COUNT["breakdown"]))
_SUBSET_AFTER = re.compile(_words(_COUNT["subset_after"]))
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")
_SENTENCE_END_BACK = re.compile(r"(?r)[.!?](?=\s)|\n")  # the last one before a point


def _announced(text: str, q: Quantity) -> bool:
    """Whether a "N chỉ tiêu" quantity announces how many targets there are (not a quota)."""
    return any(m.start("n") == q.number_start for m in _announcements(text))


def _announcements(text: str, start: int = 0, end: int | None = None) -> list[re.Match]:
    """ "với 09 chỉ tiêu", "gồm 25 chỉ tiêu chủ yếu", "(12 chỉ tiêu)" in folded ``text``."""
    end = len(text) if end is None else end
    low = text.lower()  # the count and its noun read the same lower-cased as folded (fold moves
    if len(low) == len(text) and not _ANNOUNCE_CORE.search(low, start, end):  # only "oa/oe/uy"
        return []  # tones and dashes): a plan that announces nothing is not folded whole for it
    f = fold(text)
    out = []
    for m in _announce_matches(f, start, end):
        head = f[max(start, m.start("n") - 30):m.start("n")]
        if _NOT_BEFORE.search(head) or _NOT_AFTER.match(f, m.end()) or "\n" in m.group():
            continue  # ("Đề án 06" ending a heading, then "Chỉ tiêu 6: …": no announcement)
        stop = _SENTENCE_END.search(f, m.end(), end)
        if _SUBSET_AFTER.search(f, m.end(), stop.start() if stop else end):
            continue  # "22 chỉ tiêu …, trong đó tập trung các chỉ tiêu sau:" — the list is a part
        last = _SENTENCE_END_BACK.search(f, start, m.start("n"))  # the sentence's start
        if _BREAKDOWN.search(f, last.end() if last else start, m.start("n")):
            continue  # "…, trong đó 7 chỉ tiêu kinh tế": a breakdown of an announced total
        out.append(m)
    return out


def _announce_matches(f: str, start: int, end: int) -> Iterator[re.Match]:
    """``_ANNOUNCE.finditer(f, start, end)``, found faster: the count and its noun first (a plain
    scan), then the optional lead words in the few characters before it (an optional group at the
    front of a pattern makes every position of the text a place to try it)."""
    pos = start
    while (core := _ANNOUNCE_CORE.search(f, pos, end)) is not None:
        m = _ANNOUNCE.search(f, max(pos, core.start() - _LEAD_REACH), end)
        if m is None:
            return
        yield m
        pos = m.end()


def count_warnings(ctx, records: list[TargetRecord]) -> list[WarningRecord]:
    """A warning for each announced number of targets ("với 09 chỉ tiêu") that differs from the
    number of items of the list it introduces.

    The list is the inline "(1) …; (2) …" run of the same paragraph, else the targets section
    holding the announcement (or headed by it), else the targets section that comes right after it.
    Items are counted by their labels ("2a" counts with "2"); an unnumbered list counts its items.
    """
    text = ctx.norm.text
    announced = _announcements(text, ctx.part.start, ctx.part.end)
    if not announced:
        return []  # most plans announce no count: spare finding the items again
    recs = [r for r in records if r.doc_id == ctx.doc_id and not r.in_task]
    items = [i for i in _items(ctx) if not i.in_task]
    out = []
    for m in announced:
        scope = _scope(ctx, items, m)
        if scope is None:
            continue
        s, e = ctx.src(*scope)
        found = _count_items(ctx, [r for r in recs if s <= r.start < e], items)
        if found[0] == int(m.group("n")):
            continue
        a, b = ctx.src(m.start(), m.end())
        out.append(WarningRecord(ctx.doc_id, ctx.source_path, "targets", "target_count_mismatch",
                                 _message(m.group("n"), ctx.norm.text[m.start():m.end()], *found), a, b))
    return out


def _scope(ctx, items: list[_Item], m: re.Match) -> tuple[int, int] | None:
    """Normalized span of the list an announcement introduces, or None when it introduces none."""
    text = ctx.norm.text
    line_start = text.rfind("\n", 0, m.start()) + 1
    line_end = text.find("\n", m.end())
    line_end = len(text) if line_end < 0 else line_end
    run = [i for i in items if i.run == line_start]
    if run:
        return run[0].start, run[-1].end
    sec = ctx.section_at(m.start())
    node = sec
    while node is not None and node.kind != "targets":
        node = node.parent
    if node is not None:
        return node.start, node.end
    if sec is not None and sec.start == line_start:
        return sec.start, sec.end  # an umbrella heading naming the count
    nxt = min((s for s in ctx.sections if s.start > line_end), key=lambda s: s.start, default=None)
    if nxt is not None and nxt.kind == "targets" and not text[line_end:nxt.start].strip():
        return nxt.start, nxt.end
    return None


def _count_items(ctx, recs: list[TargetRecord], items: list[_Item]) -> tuple[int, list[str]]:
    """(number of items, their labels) of the records of one list."""
    labels = sorted({rx(r"[a-z]$").sub("", r.label) if rx(r"\d").match(r.label) else r.label
                     for r in recs if r.label}, key=lambda x: (len(x), x))
    if labels:
        return len(labels), labels
    spans = [ctx.src(i.start, i.end) for i in items if not i.label]
    keys = {next((k for k, (s, e) in enumerate(spans) if s <= r.start < e), r.start) for r in recs}
    return len(keys), []


def _message(announced: str, quote: str, found: int, labels: list[str]) -> str:
    """Plain-words message, in Vietnamese for the office that reads it: what the plan announces,
    what its list holds, which numbers are off.

    >>> _message("09", "với 09 chỉ tiêu", 8, ["1", "2", "3", "4", "6", "7", "8", "9"])
    'Kế hoạch công bố 09 chỉ tiêu (“với 09 chỉ tiêu”) nhưng danh sách có 8 mục đánh số (mục 1–4, 6–9; thiếu: 5). Cần đối chiếu danh sách với số đã công bố.'
    """
    msg = f"Kế hoạch công bố {announced} chỉ tiêu (“{quote.strip()}”) nhưng "
    msg += "danh sách không có mục đánh số nào" if found == 0 else f"danh sách có {found} mục đánh số"
    nums = sorted(int(x) for x in labels if x.isdigit())
    if nums:
        missing = [str(k) for k in range(1, nums[-1] + 1) if k not in nums]
        msg += f" (mục {_ranges(nums)}" + (f"; thiếu: {', '.join(missing)}" if missing else "") + ")"
    return msg + ". Cần đối chiếu danh sách với số đã công bố."


def _ranges(nums: list[int]) -> str:
    """[1, 2, 3, 5] -> "1–3, 5"."""
    out, i = [], 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(str(nums[i]) if i == j else f"{nums[i]}–{nums[j]}")
        i = j + 1
    return ", ".join(out)
