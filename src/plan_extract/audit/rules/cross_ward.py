"""Across the wards of one city: the indicator × ward matrix, and indicators whose ward targets
spread widely (crime clearance "75% trở lên" in one ward and "90% trở lên" in another).

Each ward's value of a measure (indicator code, variant, kind, unit, baseline, year) is the bound
its plans commit to, from their targets lists (values set in task text only when a list has none).
Spreads are judged only for rates (``lang/vi/audit.yaml`` ``cross_ward.spread``: points by unit and
kind); money and counts grow with a ward's size and are shown, never flagged. Within a flagged
measure, the wards farther than half the threshold from the median are marked as outliers.
"""
from __future__ import annotations

import statistics
from collections import defaultdict

from ...normalize import fold
from ..context import CONF, Context
from ..model import Finding, MatrixCell
from ..values import Value, display, indicator_label, number_vi, variant_label


def _ward_values(ctx: Context) -> dict[tuple, dict[str, list[tuple[dict, Value]]]]:
    """{(city, measure key): {ward: [(row, value)]}} over the ward plans: wards are compared
    only with the wards of their own city or province (``Context.city_of``)."""
    out: dict[tuple, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for doc in sorted(ctx.store.ward_docs(), key=lambda d: d.doc_id):
        city = ctx.city_of(doc.doc_id)
        pairs = [(r, v) for r, v in ctx.values(doc.doc_id) if v.code and v.numeric and v.bound is not None]
        listed = {(v.code, v.variant) for r, v in pairs if not r["in_task"]}
        for r, v in pairs:
            if r["in_task"] and (v.code, v.variant) in listed:
                continue
            out[(city, (v.code, v.variant, v.kind, v.unit, v.baseline_key, v.target_year))][doc.ward].append((r, v))
    return out


def _name(code: str, variant: str) -> str:
    name = indicator_label(code)
    return f"{name} ({variant_label(code, variant)})" if variant else name


def _same_city(ctx: Context, city_name: str) -> bool:
    """Is the audited city (``--against`` or the city plans in the store) these wards' city?"""
    return not city_name or fold(ctx.city.name or "") == fold(city_name)


def _city_value(ctx: Context, key: tuple) -> Value | None:
    if ctx.city is None:
        return None
    code, variant, kind, unit, _, year = key
    for ct in ctx.city.compared():
        v = ct.value
        if (v.code, v.variant, v.kind, v.unit) == (code, variant, kind, unit) and v.unit not in CONF["rank_units"] \
                and (not year or not v.target_year or year == v.target_year):
            return v
    return None


def cross_ward_spread(ctx: Context) -> list[Finding]:
    """Fill ``ctx.matrix`` and flag the measures whose ward targets spread by the threshold."""
    out = []
    conf = CONF["cross_ward"]
    for (city_name, key), per_ward in sorted(_ward_values(ctx).items(),
                                             key=lambda kv: (kv[0][0], tuple(str(x) for x in kv[0][1]))):
        code, variant, kind, unit, _, year = key
        name = _name(code, variant)
        firsts = {w: pairs[0] for w, pairs in per_ward.items()}
        bounds = {w: v.bound for w, (_, v) in firsts.items()}
        threshold = conf["spread"].get(unit, {}).get(kind)
        flagged, outliers = False, set()
        if threshold is not None and len(bounds) >= conf["min_wards"]:
            spread = max(bounds.values()) - min(bounds.values())
            if spread >= threshold:
                flagged = True
                med = statistics.median(bounds.values())
                outliers = {w for w, b in bounds.items() if abs(b - med) > threshold / 2}
        city = _city_value(ctx, key) if ctx.city is not None and _same_city(ctx, city_name) else None
        for w, (r, v) in sorted(firsts.items()):
            ctx.matrix.append(MatrixCell(
                code, name, variant, kind, unit, year, w, r["doc_id"], v.bound,
                ", ".join(dict.fromkeys(display(x) for _, x in per_ward[w])), flagged, w in outliers,
                city.bound if city else None, display(city) if city else "",
                ctx.doc(r["doc_id"]).source_path, r["start"], r["end"], r["quote"]))
        if not flagged:
            continue
        order = sorted(firsts, key=lambda w: bounds[w])
        lo, hi = order[0], order[-1]
        shown = "; ".join(f"{w}: {display(firsts[w][1])}" for w in order)
        pts = number_vi(spread) + (" điểm phần trăm" if unit == "%" else f" {unit}")
        out.append(ctx.finding(
            "cross_ward_spread", docs=[firsts[w][0]["doc_id"] for w in order],
            quotes=[ctx.row_quote(firsts[w][0]) for w in order], indicator_code=code, indicator=name,
            values=shown, key=repr(key),
            explain=dict(indicator=name, year=year, spread=pts, values=shown,
                         lowest=f"{lo} ({display(firsts[lo][1])})", highest=f"{hi} ({display(firsts[hi][1])})")))
    return out
