"""``plan-extract audit --store DIR_OR_DB [--against FILE] --out DIR``.

Mounted by ``plan_extract.cli``: ``add_subparser(subparsers)`` adds the command, ``run(args)``
runs it. Exit status: 0 when the audit ran (whatever it found), 2 when the store or the city file
cannot be read.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path


def add_subparser(subparsers) -> argparse.ArgumentParser:
    """Add the ``audit`` command to a ``parser.add_subparsers()`` object."""
    p = subparsers.add_parser(
        "audit", help="audit ward plans against the city's plans and each other (findings + HTML report)",
        description="Audit extracted plans: ward vs city targets, documents of one ward, quotations of "
                    "the city's theme, internal consistency, differences across wards. Writes "
                    "findings.csv, city_comparisons.csv, ward_matrix.csv and report.html to --out, and "
                    "the tables into the store's database when there is one.")
    p.add_argument("--store", required=True,
                   help="output folder of plan-extract extract, or its database file (.duckdb, .sqlite)")
    p.add_argument("--against", default=None, metavar="FILE",
                   help="CSV of the city's targets (columns as data/city/haiphong-2026-city-targets.csv); "
                        "default: the city-level plans found in the store")
    p.add_argument("--out", required=True, help="folder for findings.csv, the other tables and report.html")
    p.add_argument("--no-db", action="store_true", help="do not write the tables into the store's database")
    p.add_argument("--no-report", action="store_true", help="do not write report.html")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Run the audit the parsed arguments describe."""
    from .inputs import StoreNotFound, load_store
    from .run import audit
    from .write import write_outputs

    try:
        store = load_store(args.store)
        result = audit(store, against=args.against)
    except (StoreNotFound, FileNotFoundError, ValueError) as exc:
        print(f"plan-extract audit: {exc}", file=sys.stderr)
        return 2
    db = None if getattr(args, "no_db", False) else store.db_path
    write_outputs(result, args.out, db)
    if not getattr(args, "no_report", False):
        from ..report import write_report

        write_report(result, Path(args.out) / "report.html")
    counts = Counter(f.severity for f in result.findings)
    print(f"plan-extract audit: {len(store.docs)} document(s), {len(result.findings)} finding(s) "
          f"({counts['error']} error, {counts['warning']} warning, {counts['info']} info) -> {args.out}"
          + (f"; tables written into {db}" if db else ""), file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (``python -m plan_extract.audit.cli``) until the main CLI mounts it."""
    parser = argparse.ArgumentParser(prog="plan-extract")
    sub = parser.add_subparsers(dest="command", required=True)
    add_subparser(sub)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
