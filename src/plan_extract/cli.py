"""Command line: ``plan-extract extract PATH... --out DIR`` and ``plan-extract evaluate``."""
from __future__ import annotations

import argparse
import sys
import time

from .api import DEFAULT_EXCLUDE, iter_files  # noqa: F401 - iter_files is part of this module's API


def cmd_extract(args: argparse.Namespace) -> int:
    from .api import extract_plans
    from .tables import to_frames, write

    t0 = time.perf_counter()
    listed = iter_files(args.paths, tuple(args.exclude or DEFAULT_EXCLUDE))
    files = [f for f in listed if f.exists()]
    plans = extract_plans(listed, workers=args.workers or 1,
                          progress=_progress(len(files), args.quiet))
    frames = to_frames(plans)
    write(frames, args.out, args.formats, bom=args.bom)
    errors = frames["errors"]
    dt = time.perf_counter() - t0
    print(f"plan-extract: {len(files)} file(s), {len(frames['documents'])} document(s), "
          f"{len(frames['targets'])} target(s), {len(errors)} error(s) in {dt:.1f}s -> {args.out}",
          file=sys.stderr)
    for _, e in errors.iterrows():
        print(f"  error: {e.source_path}: {e.message}", file=sys.stderr)
    code = 1 if len(errors) else 0
    if args.db_target is not None:
        from .store import StoreError, load

        try:
            result = load(frames, args.db_target)
        except (StoreError, ModuleNotFoundError) as exc:
            print(f"plan-extract: database not updated: {exc}", file=sys.stderr)
            return 2
        print(f"plan-extract: {result.summary()}", file=sys.stderr)
    return code


def _progress(total: int, quiet: bool):
    state = {"done": 0, "errors": 0, "t0": time.perf_counter()}

    def tick(plan) -> None:
        state["done"] += 1
        state["errors"] += bool(plan.errors)
        if quiet or not sys.stderr.isatty():
            return
        rate = state["done"] / max(1e-9, time.perf_counter() - state["t0"])
        print(f"\r{state['done']}/{total} files, {state['errors']} error(s), {rate:.1f} files/s",
              end="", file=sys.stderr)
        if state["done"] == total:
            print(file=sys.stderr)

    return tick


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluate.evaluate import main as evaluate_main

    return evaluate_main(args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="plan-extract", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="extract tables from plans (files or folders)")
    ex.add_argument("paths", nargs="+")
    ex.add_argument("--out", required=True, help="output folder for the tables")
    ex.add_argument("--format", action="append", default=None, metavar="FORMATS",
                    help="csv, parquet, jsonl, xlsx: comma-separated or repeated (default: csv); "
                         "xlsx writes one workbook, plan_extract.xlsx, with a sheet per table")
    ex.add_argument("--bom", action="store_true", help="write CSV with a UTF-8 BOM (for Excel)")
    ex.add_argument("--db", default=None, metavar="DB",
                    help="database to load the tables into: a DuckDB file (default: "
                         "OUT/plan_extract.duckdb), PATH.sqlite or sqlite:///PATH, "
                         "postgresql://... (needs plan_extract[postgres]), or none")
    ex.add_argument("--workers", type=int, default=1, help="parallel worker processes")
    ex.add_argument("--quiet", action="store_true")
    ex.add_argument("--exclude", action="append", default=None,
                    help="glob of file names to skip inside folders (default: README*, hidden files)")
    ex.set_defaults(func=cmd_extract)
    ev = sub.add_parser("evaluate", help="compare extracted tables with the gold set")
    ev.add_argument("--gold", default="gold", help="folder of gold YAML files")
    ev.add_argument("--pred", required=True, help="folder with the extracted tables")
    ev.add_argument("--report", help="write report.md and report.json to this folder")
    ev.add_argument("--format-filter", default="", help="only evaluate predictions of this format (txt, docx, pdf)")
    ev.add_argument("--details", action="store_true", help="list every miss and spurious row")
    ev.set_defaults(func=cmd_evaluate)
    from .evaluate import labelstudio

    labelstudio.add_subparser(sub)  # plan-extract labelstudio export|import|predictions|config
    args = parser.parse_args(argv)
    if args.command == "extract":
        from .store import resolve
        from .tables import parse_formats

        try:
            args.formats = parse_formats(args.format)
            args.db_target = resolve(args.db, args.out)
        except ValueError as exc:
            ex.error(str(exc))
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
