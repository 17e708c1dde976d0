"""Run the rules over a store and collect what they found."""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import regex as re

from .city import City, city_from_store, read_city_csv
from .context import Context
from .inputs import Store, load_store
from .model import AuditResult, Link, context_key
from .rules import RULES

_ORDER = {"error": 0, "warning": 1, "info": 2}


def audit(store: Store | str | Path, against: str | Path | None = None,
          rules: list[str] | None = None) -> AuditResult:
    """Audit the plans of ``store`` (a ``Store``, an output folder or a database file). The city's
    targets come from the CSV ``against`` when given, else from the city-level plans in the store.
    ``rules`` restricts the run to some of ``RULES``."""
    if not isinstance(store, Store):
        store = load_store(store)
    city: City | None = read_city_csv(against) if against else city_from_store(store)
    ctx = Context.build(store, city)
    findings = []
    for name, rule in RULES.items():
        if rules is None or name in rules:
            findings += rule(ctx)
    findings.sort(key=lambda f: (_ORDER.get(f.severity, 9), f.rule, f.wards, f.finding_id))
    links = [Link(d.doc_id, d.ward, d.label(), *ctx.links[d.doc_id])
             for d in sorted(store.ward_docs(), key=lambda d: (d.ward, d.doc_id)) if d.doc_id in ctx.links]
    return AuditResult(
        findings=findings, comparisons=ctx.comparisons, matrix=ctx.matrix, links=links,
        theme_checks=ctx.theme_checks,
        documents=[{**{k: v for k, v in asdict(d).items()}, "label": d.label(), "ward": d.ward}
                   for d in sorted(store.docs.values(), key=lambda d: (d.issuer_level, d.locality, d.doc_id))],
        city=_city_summary(city), store=store.location, contexts=_contexts(store, findings, ctx))


_SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+|\n")


def _contexts(store: Store, findings, ctx: Context) -> dict[str, tuple[str, str, str]]:
    """The sentence (or line) around every quote, from the source text when it is at hand."""
    spans = {(q.doc_id, q.source_path, q.start, q.end) for f in findings for q in f.quote_list() if q.role == "source"}
    spans |= {(c.doc_id, c.source_path, c.start, c.end) for c in ctx.comparisons if c.start is not None}
    spans |= {(m.doc_id, m.source_path, m.start, m.end) for m in ctx.matrix if m.start is not None}
    out = {}
    for doc_id, path, start, end in spans:
        doc = store.docs.get(doc_id)
        text = store.text(doc) if doc else None
        if text is None:
            continue
        a = max([0, start - 240] + [m.end() for m in _SENTENCE_END.finditer(text, max(0, start - 240), start)])
        m = _SENTENCE_END.search(text, end, min(len(text), end + 240))
        b = m.start() if m else min(len(text), end + 240)
        out[context_key(path, start, end)] = (text[a:start], text[start:end], text[end:b])
    return out


def _city_summary(city: City | None) -> dict:
    if city is None:
        return {}
    return {"name": city.name, "year": city.year, "theme": city.theme, "theme_source": city.theme_source,
            "origin": city.origin,
            "targets": [{"indicator_code": t.code, "indicator": t.value.indicator, "value": t.text,
                         "use": t.use, "source": t.source, "citation": t.citation} for t in city.targets]}
