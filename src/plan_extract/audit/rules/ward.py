"""Within one ward: the documents of one ward and year (a Kế hoạch and the Quyết định/Chương
trình hành động issued on the same theme) must agree on the values they set and on the theme.

Values are compared per measure (indicator code, variant, kind, unit, baseline, year) by the bound
each document commits to; two documents disagree when none of their bounds coincide ("≥ 95%" and
"95%" agree: both commit to 95). Themes are compared word for word, punctuation and case aside.
"""
from __future__ import annotations

from collections import defaultdict

from ..context import Context
from ..model import Finding
from ..values import display, indicator_label
from .theme import words


def _groups(ctx: Context) -> dict[tuple[str, int | None], list[str]]:
    groups: dict[tuple[str, int | None], list[str]] = defaultdict(list)
    for d in ctx.store.ward_docs():
        groups[(d.ward, d.plan_year)].append(d.doc_id)
    return {k: v for k, v in groups.items() if len(v) > 1}


def ward_value_conflict(ctx: Context) -> list[Finding]:
    """Documents of one ward and year setting different values for the same measure."""
    out = []
    for (ward, year), doc_ids in sorted(_groups(ctx).items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        by_key: dict[tuple, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for doc_id in doc_ids:
            pairs = [(r, v) for r, v in ctx.values(doc_id) if v.code and v.numeric]
            listed = {(v.code, v.variant) for r, v in pairs if not r["in_task"]}
            for r, v in pairs:
                if r["in_task"] and (v.code, v.variant) in listed:
                    continue  # a value repeated in task text; the list's stands for the document
                key = (v.code, v.variant, v.kind, v.unit, v.baseline_key, v.target_year)
                by_key[key][doc_id].append((r, v))
        for key, per_doc in by_key.items():
            if len(per_doc) < 2:
                continue
            bounds = [{v.bound for _, v in pairs} for pairs in per_doc.values()]
            if set.intersection(*bounds):
                continue
            docs = list(per_doc)
            shown = "; ".join(f"{ctx.doc(d).label()}: " + ", ".join(display(v) for _, v in per_doc[d]) for d in docs)
            first = [pairs[0] for pairs in per_doc.values()]
            name = indicator_label(key[0], first[0][0]["indicator"])
            out.append(ctx.finding(
                "ward_value_conflict", docs=docs, quotes=[ctx.row_quote(r) for r, _ in first],
                indicator_code=key[0], indicator=name, values=shown, key=repr(key),
                explain=dict(ward=ward, year=year, indicator=name, values=shown)))
    return out


def ward_theme_conflict(ctx: Context) -> list[Finding]:
    """Documents of one ward and year stating the year's theme in different words."""
    out = []
    for (ward, year), doc_ids in sorted(_groups(ctx).items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        themed = [ctx.doc(d) for d in doc_ids if ctx.doc(d).theme]
        variants = {tuple(w for w, _, _ in words(d.theme)) for d in themed}
        if len(variants) < 2:
            continue
        shown = "; ".join(f"{d.label()}: “{d.theme}”" for d in themed)
        out.append(ctx.finding("ward_theme_conflict", docs=[d.doc_id for d in themed], indicator="chủ đề năm",
                               values=shown, key="theme", explain=dict(ward=ward, year=year, values=shown)))
    return out
