"""Ward vs city: every indicator both set, compared only when they measure the same thing.

For each ward plan linked to the city (``city.link``) and each city target:

* the ward's targets of that indicator (its targets list first; values set in task text only when
  the list has none), including targets that name it beside another indicator sharing one value;
* each is set against the city's: not comparable when one is qualitative, a different variant
  (gross output vs GRDP), kind (growth rate vs level), unit, or a rank (the city ranks among
  provinces, a ward among the city's wards); a quantity that adds up over wards (money, counts) is
  shown as a share of the city's, never as "weaker"; a different target year or baseline is a
  finding of its own; otherwise the ward is ``weaker`` (a warning) or ``meets`` the city's target;
* a plan covering several sectors that sets no target for a city indicator of a sector it covers
  gets one ``ward_omits_city_indicator`` note listing them.
"""
from __future__ import annotations

import regex as re

from ...extract.targets import classify_indicator
from ...lang import load
from ..city import CityTarget, codes_named
from ..context import CONF, Context
from ..model import Comparison, Finding
from ..values import Value, comparable, display, indicator_label, intensive, recode, variant_label, weaker

_IND = load("indicators")
_WARNING_RULE = {"weaker": "ward_weaker_than_city", "different_year": "ward_city_target_year",
                 "different_baseline": "ward_city_baseline"}


def ward_targets(ctx: Context, doc_id: str, code: str) -> list[tuple[dict, Value]]:
    """A ward plan's targets of indicator ``code`` (its list's, else those set in task text)."""
    found = []
    for row, v in ctx.values(doc_id):
        if code in codes_named(row):
            found.append((row, v if v.code == code else recode(v, code)))
    listed = [x for x in found if not x[0]["in_task"]]
    return listed or found


def verdict(ward: Value, city: Value) -> tuple[str, str]:
    """(status, Vietnamese verdict) of a ward target set against the city's.

    >>> from plan_extract.audit.values import value_of
    >>> c = value_of({"indicator_code": "satisfaction", "kind": "level", "comparator": ">=", "value": 90, "unit": "%"})
    >>> verdict(value_of({"indicator_code": "satisfaction", "kind": "level", "comparator": ">", "value": 90, "unit": "%"}), c)[0]
    'meets'
    >>> verdict(value_of({"indicator_code": "satisfaction", "kind": "level", "comparator": "=", "value": 85, "unit": "%"}), c)[0]
    'weaker'
    >>> verdict(value_of({"indicator_code": "satisfaction", "kind": "level", "comparator": "<=", "value": 20, "unit": "hạng"}), c)[0]
    'not_comparable'
    """
    words = CONF["verdicts"]
    reason = comparable(ward, city)
    if reason == "qualitative":
        return "qualitative", words["qualitative"]
    if reason == "different_variant":
        return "not_comparable", words["different_variant"].format(
            ward_variant=_variant(ward), city_variant=_variant(city))
    if reason == "different_kind":
        return "not_comparable", words["different_kind"].format(
            ward_kind=CONF["kinds_vi"].get(ward.kind, ward.kind), city_kind=CONF["kinds_vi"].get(city.kind, city.kind))
    if reason == "different_unit":
        return "not_comparable", words["different_unit"].format(ward_unit=ward.unit, city_unit=city.unit)
    if ward.unit in CONF["rank_units"]:
        return "not_comparable", words["rank_levels"]
    if reason in ("different_baseline", "different_year"):
        return reason, words[reason]
    if ward.bound is None or city.bound is None:
        return "not_comparable", words["open_bound"]
    if not intensive(ward.unit):
        share = (ward.bound or 0) / city.bound if city.bound else 0
        return "not_comparable", words["extensive"].format(share=f"{share * 100:.2f}".replace(".", ",") + "%")
    if weaker(ward, city):
        return "weaker", words["weaker"]
    return "meets", words["meets"]


def _variant(v: Value) -> str:
    return variant_label(v.code, v.variant) if v.variant else "chỉ tiêu chung"


def ward_vs_city(ctx: Context) -> list[Finding]:
    """Compare every linked ward plan with the city's targets (see the module doc)."""
    city = ctx.city
    if city is None:
        return []
    findings: list[Finding] = []
    for doc in ctx.store.ward_docs():
        linked, basis = ctx.links.get(doc.doc_id, (False, ""))
        if not linked:
            continue
        omitted = []
        for ct in city.compared():
            if ct.code in CONF["city_only"]:
                continue
            pairs = ward_targets(ctx, doc.doc_id, ct.code)
            if not pairs:
                omitted.append(ct)
                continue
            for row, v in pairs:
                findings.append(_compare(ctx, doc, row, v, ct, basis))
        findings += _omission(ctx, doc, omitted, basis)
    return findings


def _compare(ctx: Context, doc, row: dict, v: Value, ct: CityTarget, basis: str) -> Finding:
    status, said = verdict(v, ct.value)
    ward_text, city_text = display(v), ct.text
    ctx.comparisons.append(Comparison(
        doc.doc_id, doc.ward, doc.label(), basis, ct.code, ct.value.indicator, ward_text, city_text, status,
        said, ct.source, doc.source_path, row["start"], row["end"], row["quote"]))
    quotes = [ctx.row_quote(row)]
    if ct.doc_id in ctx.store.docs and ct.quote:
        quotes.append(ctx.quote(ct.doc_id, ct.start, ct.end, ct.quote))
    values = f"phường {doc.ward}: {ward_text}; thành phố: {city_text}"
    common = dict(docs=[doc.doc_id] + ([ct.doc_id] if ct.doc_id in ctx.store.docs else []), quotes=quotes,
                  indicator_code=ct.code, indicator=ct.value.indicator, values=values,
                  key=f"{row['target_id']}|{ct.source}|{ct.text}")
    if status in _WARNING_RULE:
        rule = _WARNING_RULE[status]
        return ctx.finding(rule, explain=dict(
            doc=doc.label(), indicator=row["indicator"] or ct.value.indicator, ward_value=ward_text,
            city_value=city_text, source=ct.source, link=basis,
            direction=CONF["directions"][v.better], ward_year=v.target_year, city_year=ct.value.target_year,
            ward_baseline=v.baseline or "—", city_baseline=ct.value.baseline or "—"), **common)
    return ctx.finding("ward_city_comparison", explain=dict(
        doc=doc.label(), indicator=row["indicator"] or ct.value.indicator, ward_value=ward_text,
        city_value=city_text, source=ct.source, verdict=said), **common)


def _omission(ctx: Context, doc, omitted: list[CityTarget], basis: str) -> list[Finding]:
    sectors = {_IND.get(v.code, {}).get("sector") for _, v in ctx.values(doc.doc_id) if v.code}
    sectors.discard(None)
    if len(sectors) < CONF["omission"]["min_sectors"]:
        return []
    missing = [ct for ct in omitted if _IND.get(ct.code, {}).get("sector") in sectors]
    if not missing:
        return []
    in_tasks = mentioned_in_tasks(ctx, doc.doc_id)
    said = CONF["omission"]["wording"]

    def named(cts):
        return "; ".join(f"{indicator_label(ct.code, ct.value.indicator)} (thành phố: {ct.text})" for ct in cts)

    absent = [ct for ct in missing if ct.code not in in_tasks]
    only_tasks = [ct for ct in missing if ct.code in in_tasks]
    parts = ([said["absent"].format(indicators=named(absent))] if absent else []) + \
            ([said["in_tasks"].format(indicators=named(only_tasks))] if only_tasks else [])
    for ct in missing:
        ctx.comparisons.append(Comparison(
            doc.doc_id, doc.ward, doc.label(), basis, ct.code, ct.value.indicator, "không đặt", ct.text, "omitted",
            said["verdict_in_tasks" if ct in only_tasks else "verdict_absent"], ct.source, doc.source_path,
            None, None, ""))
    return [ctx.finding(
        "ward_omits_city_indicator", docs=[doc.doc_id], indicator_code=";".join(ct.code for ct in missing),
        quotes=[q for q in [_targets_heading(ctx, doc)] if q],
        indicator="; ".join(indicator_label(ct.code, ct.value.indicator) for ct in missing),
        values=named(missing), key="omitted",
        explain=dict(doc=doc.label(), sectors=len(sectors), omitted="; ".join(parts), link=basis))]


def mentioned_in_tasks(ctx: Context, doc_id: str) -> set[str]:
    """Indicators a plan's tasks name without setting a target ("duy trì và cải thiện các chỉ số
    cải cách hành chính và mức độ hài lòng của người dân")."""
    out = set()
    for t in ctx.store.rows("tasks", doc_id):
        for part in re.split(r"[;.:]|\svà\s", t["quote"] or ""):
            code = classify_indicator(part)[0]
            if code:
                out.add(code)
    return out


def _targets_heading(ctx: Context, doc):
    """The heading of the plan's targets section (where a reader looks for the missing targets)."""
    text = ctx.store.text(doc)
    if text is None:
        return None
    for s in ctx.store.rows("sections", doc.doc_id):
        if s["kind"] == "targets" and s["heading_end"] is not None and s["heading_end"] > s["start"]:
            return ctx.quote(doc.doc_id, s["start"], s["heading_end"], text[s["start"]:s["heading_end"]])
    return None


__all__ = ["ward_vs_city", "verdict", "ward_targets", "mentioned_in_tasks"]
