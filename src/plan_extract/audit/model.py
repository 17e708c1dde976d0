"""Records of the audit, as dataclasses: one row each in ``findings``, ``city_comparisons``,
``ward_matrix`` (and the report's tables).

A ``Finding`` names the rule that made it (``rule``), how serious it is (``severity``: ``error`` a
defect of the text, ``warning`` something to check, ``info`` a comparison or an observation), the
documents and wards involved, the values compared and a Vietnamese explanation. Its ``quotes`` are
grounded: each is ``source text[start:end]`` of the file it names, so a reader can open the source
sentence; the first is copied into the flat columns ``doc_id``, ``source_path``, ``start``,
``end``, ``quote``.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Quote:
    """A grounded span: ``text == source[start:end]``. ``role``: ``source`` (the sentence a finding
    rests on) or ``diff`` (the words that differ, highlighted more strongly in the report)."""

    doc_id: str
    source_path: str
    start: int
    end: int
    text: str
    role: str = "source"


@dataclass
class Finding:
    finding_id: str
    rule: str
    severity: str
    doc_ids: str            # ";"-joined
    wards: str              # ";"-joined ward names
    indicator_code: str
    indicator: str
    values: str             # the values compared, as a reader writes them
    explanation: str        # Vietnamese
    doc_id: str             # the first quote's document
    source_path: str
    start: int | None
    end: int | None
    quote: str
    quotes: str             # JSON list of every Quote

    def quote_list(self) -> list[Quote]:
        return [Quote(**q) for q in json.loads(self.quotes or "[]")]


def make_finding(rule: str, severity: str, *, doc_ids: list[str], wards: list[str],
                 indicator_code: str = "", indicator: str = "", values: str = "",
                 explanation: str, quotes: list[Quote] = (), key: str = "") -> Finding:
    """A ``Finding`` with a stable id (same rule, documents and key → same id on every run)."""
    doc_ids = list(dict.fromkeys(d for d in doc_ids if d))
    wards = list(dict.fromkeys(w for w in wards if w))
    digest = hashlib.sha1("|".join([rule, ";".join(doc_ids), indicator_code, key]).encode()).hexdigest()
    first = quotes[0] if quotes else None
    return Finding(
        finding_id=f"F{digest[:10]}", rule=rule, severity=severity, doc_ids=";".join(doc_ids),
        wards=";".join(wards), indicator_code=indicator_code, indicator=indicator, values=values,
        explanation=" ".join(explanation.split()),
        doc_id=first.doc_id if first else (doc_ids[0] if doc_ids else ""),
        source_path=first.source_path if first else "",
        start=first.start if first else None, end=first.end if first else None,
        quote=first.text if first else "",
        quotes=json.dumps([asdict(q) for q in quotes], ensure_ascii=False))


@dataclass
class Comparison:
    """One ward plan's target set beside the city's target for the same indicator (the report's
    ward-vs-city table); ``status`` is one of ``meets``, ``weaker``, ``different_year``,
    ``different_baseline``, ``not_comparable``, ``qualitative``."""

    doc_id: str
    ward: str
    document: str
    link: str
    indicator_code: str
    indicator: str
    ward_value: str
    city_value: str
    status: str
    verdict: str
    city_source: str
    source_path: str
    start: int | None
    end: int | None
    quote: str


@dataclass
class MatrixCell:
    """One ward's value of one indicator (the cross-ward matrix, long format)."""

    indicator_code: str
    indicator: str
    variant: str
    kind: str
    unit: str
    target_year: int | None
    ward: str
    doc_id: str
    value: float | None     # the bound the ward commits to (the floor of "≥ 95%", the lower end of a range)
    value_text: str
    flagged: bool           # the measure's ward values spread beyond the threshold
    outlier: bool           # this ward's value is one of the far ones
    city_value: float | None
    city_value_text: str
    source_path: str
    start: int | None
    end: int | None
    quote: str


@dataclass
class Link:
    """How one ward plan was linked to the city's plan (or why not)."""

    doc_id: str
    ward: str
    document: str
    linked: bool
    basis: str


@dataclass
class ThemeCheck:
    """A quotation of the city's theme found in a ward plan, and whether it is exact."""

    doc_id: str
    ward: str
    document: str
    quoted: str
    expected: str
    ok: bool
    changes: str
    source_path: str
    start: int
    end: int


@dataclass
class AuditResult:
    findings: list[Finding] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    matrix: list[MatrixCell] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    theme_checks: list[ThemeCheck] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)   # the audited documents (one per plan)
    city: dict = field(default_factory=dict)              # name, year, theme, source, targets
    store: str = ""
    # the sentence around each quote, for the report: "path:start:end" -> (before, quote, after)
    contexts: dict[str, tuple[str, str, str]] = field(default_factory=dict)


def context_key(source_path: str, start: int | None, end: int | None) -> str:
    return f"{source_path}:{start}:{end}"
