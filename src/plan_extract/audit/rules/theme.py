"""Quotations of the city's theme: a ward plan that quotes it must quote it word for word.

Punctuation, dashes, case and tone placement do not count ("Chủ động thực thi; phát huy động lực;
tăng trưởng bứt phá" quotes "Chủ động thực thi - Phát huy động lực - Tăng trưởng bứt phá"
exactly); a changed word does ("bút phá" for "bứt phá"). A quoted text is taken for a quotation of
the theme when few enough of its words differ (``lang/vi/audit.yaml`` ``theme_quote``); the ward's
own theme, which shares "Chủ động thực thi" with the city's, is not.
"""
from __future__ import annotations

import regex as re

from ...normalize import fold
from ..context import CONF, Context
from ..model import Finding, Quote, ThemeCheck

_QUOTED = re.compile(r"“([^”\n]{1,400})”|\"([^\"\n]{1,400})\"")
_WORD = re.compile(r"\w+")
_EDGE = " *_\t"


def words(text: str) -> list[tuple[str, int, int]]:
    """Folded words of ``text`` with their offsets (fold keeps the length).

    >>> [w for w, _, _ in words("Tăng trưởng *bứt* phá”")]
    ['tăng', 'trưởng', 'bứt', 'phá']
    """
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(fold(text))]


def word_changes(expected: list[str], quoted: list[str]) -> list[tuple[str, str, int]]:
    """The word edits turning ``expected`` into ``quoted``: (expected word or "", quoted word or
    "", index of the quoted word or -1), by least edits.

    >>> word_changes("chủ động thực thi phát huy động lực tăng trưởng bứt phá".split(),
    ...              "chủ động thực thi phát huy động lực tăng trưởng bút phá".split())
    [('bứt', 'bút', 10)]
    >>> word_changes(["a", "b"], ["a", "b"])
    []
    """
    n, m = len(expected), len(quoted)
    d = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = i
    for j in range(m + 1):
        d[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (expected[i - 1] != quoted[j - 1]))
    out = []
    i, j = n, m
    while i or j:
        if i and j and d[i][j] == d[i - 1][j - 1] + (expected[i - 1] != quoted[j - 1]):
            if expected[i - 1] != quoted[j - 1]:
                out.append((expected[i - 1], quoted[j - 1], j - 1))
            i, j = i - 1, j - 1
        elif i and d[i][j] == d[i - 1][j] + 1:
            out.append((expected[i - 1], "", -1))
            i -= 1
        else:
            out.append(("", quoted[j - 1], j - 1))
            j -= 1
    return out[::-1]


def is_theme_quote(expected: list[str], quoted: list[str]) -> bool:
    """Whether ``quoted`` is a (possibly wrong) quotation of the theme ``expected``."""
    conf = CONF["theme_quote"]
    if len(quoted) < conf["min_words"] or not expected:
        return False
    limit = conf["max_word_change_ratio"] * len(expected)
    return abs(len(quoted) - len(expected)) <= limit and len(word_changes(expected, quoted)) <= limit


def _candidates(ctx: Context, doc_id: str) -> list[tuple[int, str]]:
    """(source offset, text) of the stretches to search for quotations: the document's whole text
    when its file is at hand, else the quotes the tables hold (tasks, targets, references)."""
    doc = ctx.doc(doc_id)
    text = ctx.store.text(doc)
    if text is not None:
        return [(doc.start, text[doc.start:doc.end])]
    out = []
    for table in ("tasks", "targets", "references"):
        out += [(r["start"], r["quote"]) for r in ctx.store.rows(table, doc_id) if r["quote"]]
    return out


def quotations(text: str) -> list[tuple[int, int]]:
    """Spans of quoted stretches (inside “…” or "…", artifacts such as ``*`` trimmed).

    >>> t = 'chủ đề “*Chủ động thực thi; tăng trưởng*” và "X"'
    >>> [t[a:b] for a, b in quotations(t)]
    ['Chủ động thực thi; tăng trưởng', 'X']
    """
    out = []
    for m in _QUOTED.finditer(text):
        g = 1 if m.group(1) is not None else 2
        a, b = m.start(g), m.end(g)
        while a < b and text[a] in _EDGE:
            a += 1
        while b > a and text[b - 1] in _EDGE + ".,;":
            b -= 1
        if a < b:
            out.append((a, b))
    return out


def city_theme_misquoted(ctx: Context) -> list[Finding]:
    """Every quotation of the city's theme in a ward plan, checked word for word; one finding per
    plan and wrong wording (each occurrence quoted). The checks go to ``ctx.theme_checks``."""
    city = ctx.city
    if city is None or not city.theme:
        return []
    expected = [w for w, _, _ in words(city.theme)]
    findings = []
    for doc in ctx.store.ward_docs():
        if city.year and doc.plan_year and doc.plan_year != city.year:
            continue  # a plan for another year quotes another year's theme
        seen: set[tuple[int, int]] = set()
        wrong: dict[str, list[Quote]] = {}
        shown_of: dict[str, str] = {}
        for offset, text in _candidates(ctx, doc.doc_id):
            for a, b in quotations(text):
                start, end = offset + a, offset + b
                toks = words(text[a:b])
                quoted = [w for w, _, _ in toks]
                if (start, end) in seen or not is_theme_quote(expected, quoted):
                    continue
                seen.add((start, end))
                changes = word_changes(expected, quoted)
                shown = ", ".join(f"“{q}” thay cho “{e}”" if e and q else (f"thừa “{q}”" if q else f"thiếu “{e}”")
                                  for e, q, _ in changes)
                ctx.theme_checks.append(ThemeCheck(doc.doc_id, doc.ward, doc.label(), text[a:b], city.theme,
                                                   not changes, shown, doc.source_path, start, end))
                if not changes:
                    continue
                quotes = wrong.setdefault(text[a:b], [])
                shown_of[text[a:b]] = shown
                quotes.append(ctx.quote(doc.doc_id, start, end, text[a:b]))
                quotes += [Quote(doc.doc_id, doc.source_path, start + toks[j][1], start + toks[j][2],
                                 text[a + toks[j][1]:a + toks[j][2]], "diff") for _, _, j in changes if j >= 0]
        for quoted, quotes in wrong.items():
            n = sum(q.role == "source" for q in quotes)
            findings.append(ctx.finding(
                "city_theme_misquoted", docs=[doc.doc_id], quotes=quotes, key=quoted,
                indicator="chủ đề năm", values=f"trích dẫn: “{quoted}”; chủ đề: “{city.theme}”",
                explain=dict(doc=doc.label(), year=city.year, quoted=quoted, expected=city.theme,
                             times=f" ({n} lần)" if n > 1 else "", source=city.theme_source,
                             changes=shown_of[quoted])))
    return findings
