"""Audit: ward plans against the city plans they implement, against each other, and themselves.

    from plan_extract.audit import audit, write_outputs
    result = audit("out", against="data/city/haiphong-2026-city-targets.csv")
    for f in result.findings:
        print(f.severity, f.rule, f.explanation)

Reads the extracted store (``inputs``: an output folder or a database file, one rendition per
plan), takes the city's targets from a CSV or from the city-level plans in the store (``city``),
runs the named rules of ``rules`` and returns an ``AuditResult`` (``model``): findings with grounded
quotes, the ward-vs-city comparisons, the indicator × ward matrix, the links to the city and the
quotations of the city's theme. ``write`` writes them as CSV and database tables; the HTML report
is ``plan_extract.report``. Thresholds and wording: ``lang/vi/audit.yaml``.
"""
from __future__ import annotations

from .city import City, read_city_csv
from .inputs import Store, StoreNotFound, load_store
from .model import AuditResult, Comparison, Finding, Link, MatrixCell, Quote, ThemeCheck
from .rules import FINDING_RULES, RULES
from .run import audit
from .write import frames, write_outputs

__all__ = ["audit", "load_store", "read_city_csv", "write_outputs", "frames", "AuditResult", "Finding",
           "Comparison", "MatrixCell", "Link", "ThemeCheck", "Quote", "City", "Store", "StoreNotFound",
           "RULES", "FINDING_RULES"]
