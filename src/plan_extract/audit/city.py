"""The city side of the audit: its targets and theme, and which ward plans implement it.

The city's targets come from a spreadsheet (``--against FILE``: a CSV with the columns of
``data/city/haiphong-2026-city-targets.csv``) or, without one, from the city-level plans in the
store (``issuer_level`` thành phố/tỉnh). A ward plan is linked to the city when it cites one of
the city's documents (by number and symbol, and date when both give one); failing that, when it is
a plan of the same year from a ward of that city (its text names the city). The link's basis is
stated in every finding that rests on it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import regex as re

from ..extract.references import find_references
from ..extract.targets import classify_indicator
from ..lang import load
from ..normalize import fold
from .inputs import Doc, Store
from .values import Value, display, indicator_label, recode, value_of

_CONF = load("audit")


@dataclass(frozen=True)
class CitedDoc:
    """A city document as wards cite it: type, "number/symbol", ISO date ("" if unknown)."""

    cited_type: str
    number: str
    date: str
    label: str


@dataclass
class CityTarget:
    code: str
    value: Value
    use: str                # "compare", or "context" (shown, never compared)
    source: str             # the document the figure comes from
    citation: str           # where it was published (URL, article)
    doc_id: str = ""        # when taken from an extracted city plan: its span
    source_path: str = ""
    start: int | None = None
    end: int | None = None
    quote: str = ""

    @property
    def text(self) -> str:
        return display(self.value)


@dataclass
class City:
    name: str
    year: int | None
    theme: str = ""
    theme_source: str = ""
    theme_quote: tuple[str, str, int, int, str] | None = None   # doc_id, path, start, end, text
    targets: list[CityTarget] = field(default_factory=list)
    documents: list[CitedDoc] = field(default_factory=list)
    origin: str = ""

    def compared(self) -> list[CityTarget]:
        return [t for t in self.targets if t.use == "compare"]


# --------------------------------------------------------------------------- from a CSV


def read_city_csv(path: str | Path) -> City:
    """The city's targets and theme from a CSV (one row per figure, its source on the row)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    need = {"indicator_code", "kind", "comparator", "value", "unit", "target_year", "source_document"}
    missing = need - set(df.columns)
    if missing:
        raise ValueError(f"{path}: missing columns {', '.join(sorted(missing))}")
    rows = df.to_dict("records")
    names = {r.get("city", "") for r in rows} - {""}
    years = {int(r["target_year"]) for r in rows if r["target_year"]}
    city = City(name=next(iter(sorted(names)), ""), year=max(years) if years else None, origin=str(path))
    docs: dict[str, CitedDoc] = {}
    for r in rows:
        for ref in find_references(r.get("source_document", "")):
            key = _key(ref.cited_number)
            if key and key not in docs and _city_level(ref.cited_issuer):
                docs[key] = CitedDoc(ref.cited_type, ref.cited_number, ref.cited_date,
                                     r["source_document"].split("(")[0].strip())
        if r["indicator_code"] == "theme" or r["kind"] == "theme":
            city.theme, city.theme_source = r["indicator"], r["source_document"]
            continue
        row = {**r, "value": _num(r["value"]), "value_min": _num(r.get("value_min")),
               "value_max": _num(r.get("value_max")), "baseline_year": _num(r.get("baseline_year")),
               "target_year": _num(r["target_year"])}
        city.targets.append(CityTarget(r["indicator_code"], value_of(row), r.get("use") or "compare",
                                       r["source_document"], r.get("source_url_or_citation", "")))
    city.documents = list(docs.values())
    return city


def _city_level(issuer: str) -> bool:
    """Whether a cited document was issued at city level (wards implement those)."""
    return re.search(r"thành phố|tỉnh|thành ủy", fold(issuer)) is not None


def _num(x) -> float | None:
    try:
        f = float(str(x).replace(",", "."))
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


# --------------------------------------------------------------------------- from the store


def city_from_store(store: Store) -> City | None:
    """The city's targets from the city-level plans among the extracted documents (None if none)."""
    docs = sorted(store.city_docs(), key=lambda d: (d.plan_year or 0, d.issue_date))
    if not docs:
        return None
    locality = _cited_city(store, docs)
    docs = [d for d in docs if d.locality == locality]  # one city: never merge two provinces' plans
    city = City(name=docs[-1].locality, year=docs[-1].plan_year,
                origin="; ".join(d.label() for d in docs))
    for d in docs:
        if d.theme and d.plan_year == city.year:
            city.theme, city.theme_source = d.theme, d.label()
        city.documents.append(CitedDoc(d.doc_type, f"{d.number}/{d.symbol}" if d.number else "",
                                       d.issue_date, d.label()))
        for r in store.rows("references", d.doc_id):
            if _city_level(r["cited_issuer"] or ""):
                city.documents.append(CitedDoc(r["cited_type"], r["cited_number"], r["cited_date"] or "",
                                               r["quote"]))
        rows = store.rows("targets", d.doc_id)
        by_id = {r["target_id"]: r for r in rows}
        for r in rows:
            if r["in_task"]:
                continue
            v = value_of(r, by_id.get(r["parent_target_id"]))
            codes = codes_named(r)
            for code in codes:
                cv = v if code == v.code else recode(v, code)
                if len(codes) > 1:  # one value shared by several indicators: name each on its own
                    cv = replace(cv, indicator=indicator_label(code, cv.indicator))
                city.targets.append(CityTarget(code, cv, "compare", d.label(), d.source_path,
                                               d.doc_id, d.source_path, r["start"], r["end"], r["quote"]))
    return city


def _cited_city(store: Store, docs: list) -> str:
    """The locality of the city-level plans the other plans cite most (by the issuer named in their
    references: "… của Ủy ban nhân dân thành phố Hải Phòng"); the latest city plan's on a tie."""
    localities = {d.locality for d in docs if d.locality}
    counts = {loc: 0 for loc in localities}
    for d in store.docs.values():
        if d.is_city:
            continue
        for r in store.rows("references", d.doc_id):
            issuer = fold(r["cited_issuer"] or "")
            for loc in localities:
                if fold(loc) in issuer:
                    counts[loc] += 1
    latest = docs[-1].locality
    return max(sorted(counts), key=lambda loc: (counts[loc], loc == latest), default=latest)


def codes_named(row: dict) -> list[str]:
    """Every indicator a target names: its code, and the codes of other indicators sharing its
    value ("Chỉ số cải cách hành chính (PAR Index), Chỉ số chuyển đổi số (DTI) và … (PCI) đứng
    trong nhóm 5" → par_index, dti, pci).

    >>> codes_named({"indicator_code": "par_index", "indicator": "Chỉ số cải cách hành chính (PAR Index), "
    ...              "Chỉ số chuyển đổi số (DTI) và Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)"})
    ['par_index', 'dti', 'pci']
    """
    out = [row.get("indicator_code") or ""]
    words = row.get("indicator") or ""
    for part in re.split(r",|;|\svà\s", words):
        head = " ".join(fold(part.replace("*", "")).split())
        if any(head.startswith(h) for h in _HEADS):  # another indicator sharing the value
            out.append(classify_indicator(part)[0])
    return [c for c in dict.fromkeys(out) if c]


_HEADS = [fold(h) for h in load("indicators")["_heads"]]


# --------------------------------------------------------------------------- linking


def _key(number: str) -> str:
    return re.sub(r"\s+", "", fold(number or ""))


def link(store: Store, doc: Doc, city: City) -> tuple[bool, str]:
    """(linked, basis in Vietnamese) of one ward plan to the city's plans."""
    wording = _CONF["link_basis"]
    for r in store.rows("references", doc.doc_id):
        k = _key(r["cited_number"])
        for c in city.documents:
            if k and k == _key(c.number) and (not r["cited_date"] or not c.date or r["cited_date"] == c.date):
                return True, wording["cited"].format(document=r["quote"].replace("\n", " "))
    if city.year and doc.plan_year != city.year:
        return False, _CONF["unlinked"]["other_year"].format(plan_year=doc.plan_year, year=city.year)
    if not in_city(store, doc.ward, city.name):
        return False, _CONF["unlinked"]["not_in_city"].format(city=city.name)
    return True, wording["same_city"].format(city=city.name, year=city.year)


def in_city(store: Store, ward: str, city_name: str) -> bool:
    """Whether any document of ``ward`` names the city (in its text, or in the tables' text when
    the source files are not at hand)."""
    if not city_name:
        return False
    needle = " ".join(fold(city_name).split())
    for d in store.ward_docs():
        if d.ward != ward:
            continue
        text = store.text(d)
        if text is None:
            parts = [d.title, d.issuer]
            for table, col in (("references", "quote"), ("tasks", "quote"), ("targets", "quote")):
                parts += [r[col] or "" for r in store.rows(table, d.doc_id)]
            text = "\n".join(parts)
        if needle in " ".join(fold(text).split()):
            return True
    return False
