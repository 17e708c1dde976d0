"""The audit's HTML report: one self-contained page in Vietnamese (``html.render``), with inline
SVG charts (``charts``).

    from plan_extract.audit import audit
    from plan_extract.report import write_report
    write_report(audit("out"), "out/audit/report.html")
"""
from __future__ import annotations

from .html import render, write_report

__all__ = ["render", "write_report"]
