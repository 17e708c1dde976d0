"""What every rule sees: the store, the city, the links, and helpers to word and ground findings."""
from __future__ import annotations

import regex as re

from dataclasses import dataclass, field

from ..lang import load
from .city import City, link
from .inputs import Doc, Store
from .model import Comparison, Finding, MatrixCell, Quote, ThemeCheck, make_finding
from .values import Value, value_of

CONF = load("audit")


@dataclass
class Context:
    store: Store
    city: City | None = None
    links: dict[str, tuple[bool, str]] = field(default_factory=dict)
    # what rules record besides findings (the report's tables)
    comparisons: list[Comparison] = field(default_factory=list)
    matrix: list[MatrixCell] = field(default_factory=list)
    theme_checks: list[ThemeCheck] = field(default_factory=list)
    _values: dict[str, list[tuple[dict, Value]]] = field(default_factory=dict)
    _own_cities: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, store: Store, city: City | None) -> "Context":
        ctx = cls(store, city)
        if city is not None:
            for d in store.ward_docs():
                ctx.links[d.doc_id] = link(store, d, city)
        return ctx

    def doc(self, doc_id: str) -> Doc:
        return self.store.docs[doc_id]

    def city_of(self, doc_id: str) -> str:
        """The city or province a ward plan belongs to: the one named most often as the issuer of
        the documents it cites ("… của Ủy ban nhân dân thành phố Hải Phòng"), else in its text;
        a plan naming none takes the city of the other plans of its ward; "" when none does."""
        doc = self.doc(doc_id)
        own = self._own_city(doc)
        if own or not doc.ward:
            return own
        others = [self._own_city(d) for d in self.store.ward_docs() if d.ward == doc.ward]
        return city_named(f"tỉnh {c}" for c in others if c)

    def _own_city(self, doc: Doc) -> str:
        """The city a document names itself (memoized: ``city_of`` asks it for every plan of a
        ward, for every plan of that ward)."""
        if doc.doc_id not in self._own_cities:
            named = city_named(r["cited_issuer"] or "" for r in self.store.rows("references", doc.doc_id))
            if not named:
                text = self.store.text(doc)
                named = city_named([text[doc.start:doc.end]]) if text else ""
            self._own_cities[doc.doc_id] = named
        return self._own_cities[doc.doc_id]

    def values(self, doc_id: str) -> list[tuple[dict, Value]]:
        """A document's targets with their normalized values (sub-targets inherit the parent's
        baseline)."""
        if doc_id not in self._values:
            rows = self.store.rows("targets", doc_id)
            by_id = {r["target_id"]: r for r in rows}
            self._values[doc_id] = [(r, value_of(r, by_id.get(r["parent_target_id"]))) for r in rows]
        return self._values[doc_id]

    def quote(self, doc_id: str, start, end, text: str, role: str = "source") -> Quote:
        return Quote(doc_id, self.doc(doc_id).source_path, int(start), int(end), text, role)

    def row_quote(self, row: dict, role: str = "source") -> Quote:
        return self.quote(row["doc_id"], row["start"], row["end"], row["quote"], role)

    def finding(self, rule: str, *, docs: list[str], explain: dict, quotes: list[Quote] = (),
                indicator_code: str = "", indicator: str = "", values: str = "", key: str = "",
                severity: str | None = None) -> Finding:
        """A finding of ``rule`` worded by ``lang/vi/audit.yaml`` with the fields of ``explain``."""
        spec = CONF["rules"][rule]
        wards = [self.doc(d).ward for d in docs if d in self.store.docs]
        return make_finding(rule, severity or spec["severity"], doc_ids=docs, wards=wards,
                            indicator_code=indicator_code, indicator=indicator, values=values,
                            explanation=spec["explanation"].format(**explain), quotes=list(quotes),
                            key=key)


_CITY_NAME = re.compile(r"(?i:thành phố|tỉnh)\s+(\p{Lu}\p{Ll}*(?:\s+\p{Lu}\p{Ll}*){0,3})")


def city_named(issuers) -> str:
    """The city or province most named in ``issuers`` (ties: the first named). A name followed by
    another capitalized word ("Thành phố Hồ Chí Minh Năm 2026" in a title line) counts as the
    shorter name seen elsewhere.

    >>> city_named(["Ủy ban nhân dân thành phố Hải Phòng", "Thành ủy", "UBND Thành phố Hải Phòng"])
    'Hải Phòng'
    >>> city_named(["Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh Năm 2026"])
    'Hồ Chí Minh'
    >>> city_named(["Bộ Chính trị", "Ủy ban nhân dân phường", "Giao Ủy ban nhân dân thành phố"])
    ''
    """
    found = [m.group(1) for issuer in issuers for m in _CITY_NAME.finditer(issuer)]
    names = sorted(set(found), key=len)
    counts: dict[str, int] = {}
    for name in found:
        short = next(n for n in names if name == n or name.startswith(n + " "))
        counts[short] = counts.get(short, 0) + 1
    return max(counts, key=lambda n: counts[n]) if counts else ""
