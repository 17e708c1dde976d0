"""Targets (chỉ tiêu): every numeric and qualitative target, normalized and grounded.

Find: the items of targets sections ("(1) …", "1. …", bullets under "Trong đó:"), inline lists
("với 09 chỉ tiêu …: (1) …; (2) …") and values set inside task text. Each item is split into
clauses (";", sentence ends, commas between values); each value is one target (one per stated
value), a clause stating an outcome without value is a qualitative target. Resolve: value, unit,
comparator and range come from ``quantities``; kind, baseline, years and the indicator from the
clause's words (``lang/vi/targets.yaml``); the indicator code from ``lang/vi/indicators.yaml``.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex as re

from ..lang import load
from ..normalize import fold
from .quantities import Quantity, find_quantities

_DATA = load("targets")
_INDICATORS = [(code, d, [fold(s) for s in d["synonyms"]]) for code, d in load("indicators").items()]
_RANK = re.compile(_DATA["rank"])
_ITEM = re.compile(r"^(?:-\s*)?(?:\((?P<p>\d{1,3})\)|(?P<d>\d{1,3})\.(?!\d))\s*")
_INLINE_ITEM = re.compile(r"\((?P<n>\d{1,3})\)\s*")
_BASELINE = re.compile(r"\s*(?:,\s*)?(?:trở lên\s+)?so với\s+(?P<b>[^;.,()]+?)(?=\s*(?:[;.,()]|$|\s+trong đó))")
_TARGET_YEAR = re.compile(r"(?:đến|vào|trong)\s+năm\s+(?P<y>\d{4})")
_CLAUSE_SPLIT = re.compile(r";\s*|\.\s+(?=\p{Lu})|:\s+(?=\p{Lu})|\.\s*$")


@dataclass
class TargetRecord:
    doc_id: str
    source_path: str
    target_id: str
    label: str
    parent_target_id: str
    section_id: str
    in_task: bool
    indicator: str
    indicator_code: str
    sector: str
    higher_is_better: bool | None
    kind: str
    comparator: str
    value: float | None
    value_min: float | None
    value_max: float | None
    unit: str
    unit_text: str
    value_text: str
    parsed: bool
    baseline: str
    baseline_year: int | None
    target_year: int | None
    start: int
    end: int
    value_start: int
    value_end: int
    quote: str
    rule: str


def classify_indicator(words: str) -> tuple[str, str, bool | None]:
    """(code, sector, higher_is_better) of an indicator's words, or ("", "", None)."""
    f = fold(words)
    for code, d, syns in _INDICATORS:
        if any(s in f for s in syns):
            return code, d["sector"], d["higher_is_better"]
    return "", "", None


def _kind(before: str) -> str:
    f = fold(before)[-40:]
    best, pos = "level", -1
    for kind, cues in _DATA["kind_cues"].items():
        for cue in cues:
            i = f.rfind(cue)
            if i > pos:
                best, pos = kind, i
    return best


def _indicator(words: str) -> str:
    w = words.strip(" :-–,;")
    changed = True
    while changed and w:
        changed = False
        for verb in _DATA["verbs"]:
            if fold(w).endswith(" " + verb) or fold(w) == verb:
                w = w[: len(w) - len(verb)].rstrip(" :-–,;")
                changed = True
    return re.sub(r"\s+", " ", w)


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


def _quantities(text: str, clause: _Clause) -> list[Quantity]:
    qs = []
    for q in find_quantities(clause.text):
        if q.unit in _DATA["non_target_units"]:
            continue
        if not q.unit and q.comparator == "=" and q.value is not None and q.parsed:
            continue  # a bare number with no unit: not a target value
        qs.append(q)
    return qs


def extract_targets(ctx, source_text: str) -> list[TargetRecord]:
    """All targets of one document (``ctx`` is a pipeline ``DocContext``)."""
    text = ctx.norm.text
    out: list[TargetRecord] = []
    items = _items(ctx)
    for label, start, end, in_task, parent_label in items:
        parent_id = ""
        if parent_label is not None:
            parent = next((t for t in reversed(out) if t.label == parent_label and not t.parent_target_id), None)
            parent_id = parent.target_id if parent else ""
        out.extend(_targets_of_item(ctx, source_text, label, start, end, in_task, parent_id, len(out)))
    return out


def _items(ctx) -> list[tuple[str, int, int, bool, str | None]]:
    """(label, start, end, in_task, parent_label) for each target item of the document."""
    text = ctx.norm.text
    items: list[tuple[str, int, int, bool, str | None]] = []
    pos = ctx.part.start
    last_label, sub_count, in_trong_do = "", 0, False
    for line in text[ctx.part.start:ctx.part.end].split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        sec = ctx.section_at(start)
        kind = sec.kind if sec else ""
        if sec is not None and sec.start == start:
            continue  # the heading line itself
        m = _ITEM.match(line)
        if kind == "targets":
            if re.match(r"^Trong đó\s*:?\s*$", line.strip()):
                in_trong_do, sub_count = True, 0
                continue
            if m and not line.startswith("-"):
                last_label = m.group("p") or m.group("d")
                in_trong_do = False
                items.append((last_label, start + m.end(), end, False, None))
            elif line.startswith("-") and in_trong_do and last_label:
                sub_count += 1
                items.append((f"{last_label}{'abcdefghijklmnopqrstuvwxyz'[sub_count - 1]}",
                              start + 2, end, False, last_label))
            elif m:
                last_label = m.group("p") or m.group("d")
                items.append((last_label, start + m.end(), end, False, None))
            continue
        inline = _inline_list(text, start, end)
        if inline:
            items.extend(inline)
            continue
        if kind in ("tasks", "timeline", "implementation", "content", "general_objective", "other"):
            if kind in ("tasks", "timeline", "implementation"):
                items.append(("", start, end, True, None))
    return items


def _inline_list(text: str, start: int, end: int) -> list[tuple[str, int, int, bool, str | None]]:
    """"… với 09 chỉ tiêu …: (1) …; (2) …" — the numbered run after a lead-in naming chỉ tiêu."""
    line = text[start:end]
    ms = list(_INLINE_ITEM.finditer(line))
    if len(ms) < 2 or ms[0].group("n") != "1":
        return []
    lead = fold(line[: ms[0].start()])
    if "chỉ tiêu" not in lead[-200:]:
        return []
    out = []
    for i, m in enumerate(ms):
        if i and int(m.group("n")) != int(ms[i - 1].group("n")) + 1:
            break
        s = start + m.end()
        e = start + (ms[i + 1].start() if i + 1 < len(ms) else len(line))
        seg = text[s:e]
        cut = re.search(r"[;.]\s+(?=\p{Lu}|\p{Ll}+\s+\p{Ll}+\s+(?:nhiệm vụ|giải pháp))|:\s", seg)
        if cut and i + 1 == len(ms):
            e = s + cut.start()
        out.append((m.group("n"), s, e, False, None))
    return out


def _targets_of_item(ctx, source_text, label, start, end, in_task, parent_id, n0) -> list[TargetRecord]:
    text = ctx.norm.text
    out: list[TargetRecord] = []
    clauses = _clauses(text, start, end)
    item_has_value = False
    first_id = ""
    per_clause = []
    for c in clauses:
        qs = [] if _cited(c.text) else _quantities(text, c)
        rank = _RANK.search(c.text)
        per_clause.append((c, qs, rank))
        item_has_value |= bool(qs or rank)
    if in_task and not item_has_value:
        return out
    for ci, (c, qs, rank) in enumerate(per_clause):
        sub = bool(re.match(r"\s*trong đó", c.text, re.I))
        cparent = parent_id or (first_id if sub and first_id else "")
        clabel = label if not sub or not label else f"{label}a"
        if rank:
            qs = [q for q in qs if q.start < rank.start() or q.start >= rank.end()]
            qs = [q for q in qs if not (q.start >= rank.end() and q.unit in ("", "phường"))]
        if in_task:
            f = fold(c.text)
            if not any(cue in f for cue in _DATA["in_task_cues"]):
                continue
            qs = [q for q in qs if q.unit == "%" or q.comparator in (">=", ">", "range")]
        entries = []
        if rank:
            entries.append(("rank", rank.start(), rank.end(), None))
        entries += [("q", q.start, q.end, q) for q in qs]
        entries.sort(key=lambda e: e[1])
        if not entries:
            if in_task:
                continue
            stripped = fold(c.text.strip(" -"))
            stripped = re.sub(r"^(?:trong đó|phân đầu|phấn đấu)\s*,?\s*", "", stripped)
            if not item_has_value or sub or any(stripped.startswith(w) for w in _DATA["outcome_starts"]):
                rec = _record(ctx, source_text, n0 + len(out), clabel, cparent, in_task,
                              c.start + _lead_ws(c.text), c.end, None, "qualitative", c.text)
                out.append(rec)
                first_id = first_id or rec.target_id
            continue
        seg_start = c.start + _lead_ws(c.text)
        for i, (kind_, qs_, qe_, q) in enumerate(entries):
            s_abs = seg_start
            e_abs = c.start + qe_
            if not _words(text[s_abs:c.start + qs_]):  # value first: the indicator follows it
                nxt_start = c.start + entries[i + 1][1] if i + 1 < len(entries) else c.end
                tail = text[e_abs:nxt_start]
                cut = re.search(r",\s*(?=\p{L}+\s)", tail) if i + 1 < len(entries) else None
                e_abs = e_abs + (cut.start() if cut else len(tail.rstrip(" ,;.")))
            rec = _record(ctx, source_text, n0 + len(out), clabel, cparent, in_task, s_abs, e_abs,
                          q, "rank" if kind_ == "rank" else "", c.text, c.start, rank if kind_ == "rank" else None)
            out.append(rec)
            first_id = first_id or rec.target_id
            nxt = c.start + qe_
            m = re.match(r"[\s,]*(?:và\s+)?", text[nxt:c.end])
            seg_start = nxt + (m.end() if m else 0)
    return out


def _words(s: str) -> bool:
    """Whether a stretch holds indicator words (not just a verb like "Hoàn thành", "Duy trì")."""
    f = fold(s).strip(" -:,")
    for verb in _DATA["verbs"]:
        f = f.replace(verb, " ")
    return len(f.split()) >= 1


def _cited(clause: str) -> bool:
    return bool(re.search(r"\b(?:theo|tại)\s+(?:Quyết định|Nghị quyết|Kế hoạch)\s+số", clause)) and "%" not in clause


def _lead_ws(s: str) -> int:
    return len(s) - len(s.lstrip(" -"))


def _record(ctx, source_text, n, label, parent_id, in_task, start, end, q, rule, clause_text,
            clause_start=None, rank=None) -> TargetRecord:
    text = ctx.norm.text
    # extend with baseline "so với …" and the rest of a comparator
    baseline, baseline_year = "", None
    bm = _BASELINE.match(text, end)
    if bm and q is not None:
        baseline = bm.group("b").strip()
        y = re.search(r"\d{4}", baseline)
        baseline_year = int(y.group()) if y else None
        end = bm.end("b")
    ty = _TARGET_YEAR.search(text[start:end]) or (None if q else _TARGET_YEAR.search(clause_text))
    target_year = int(ty.group("y")) if ty else ctx.meta.plan_year
    seg = text[start:end]
    if q is not None:
        qstart_rel = (clause_start + q.start) - start if clause_start is not None else seg.find(q.text)
        before = seg[:max(0, qstart_rel)]
        kind = _kind(before)
        words = before if before.strip() else text[(clause_start or start) + q.end:end]
        indicator = _indicator(words)
        if not before.strip():
            kind = _kind(text[start:end])
    elif rank is not None:
        before = text[start:clause_start + rank.start()] if clause_start is not None else seg
        indicator, kind = _indicator(before), "level"
    else:
        indicator, kind = _indicator(seg.rstrip(".;")), "qualitative"
    code, sector, hib = classify_indicator(indicator or seg)
    if not code:
        code, sector, hib = classify_indicator(seg)
    s, e = ctx.src(start, end)
    sec = ctx.section_at(start)
    if q is not None:
        vs, ve = ctx.src(clause_start + q.number_start, clause_start + q.number_end)
        value, vmin, vmax = q.value, q.value_min, q.value_max
        comparator, unit, unit_text, vtext, parsed = q.comparator, q.unit, q.unit_text, q.text, q.parsed
        rule = q.rule
    elif rank is not None:
        vs, ve = ctx.src(clause_start + rank.start("n"), clause_start + rank.end("n"))
        value, vmin, vmax = float(rank.group("n")), None, None
        comparator, unit, unit_text, vtext, parsed = "<=", "hạng", rank.group("unit").strip() + " dẫn đầu", rank.group(), True
        rule = "rank"
    else:
        vs = ve = s
        value = vmin = vmax = None
        comparator, unit, unit_text, vtext, parsed = "", "", "", "", True
    if comparator == "range":
        value = None
    if rule == "rank":
        kind = "level"
    return TargetRecord(
        ctx.doc_id, ctx.source_path, f"{ctx.doc_id}:t{n + 1}", label, parent_id,
        f"{ctx.doc_id}:{sec.id}" if sec else "", in_task, indicator, code, sector, hib, kind,
        comparator, value, vmin, vmax, unit, unit_text, vtext, parsed, baseline, baseline_year,
        target_year, s, e, vs, ve, source_text[s:e], rule or "qualitative")
