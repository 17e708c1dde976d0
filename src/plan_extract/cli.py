"""Command line: ``plan-extract extract PATH... --out DIR`` and ``plan-extract evaluate``."""
from __future__ import annotations

import argparse
import os
import sys

from .api import DEFAULT_EXCLUDE, iter_files  # noqa: F401 - iter_files is part of this module's API


def cmd_extract(args: argparse.Namespace) -> int:
    from .batch import BatchOptions, run_batch

    if args.ocr:
        os.environ["PLAN_EXTRACT_OCR"] = args.ocr  # read by the PDF reader, in every worker
    files = iter_files(args.paths, tuple(args.exclude or DEFAULT_EXCLUDE))
    opts = BatchOptions(workers=args.workers, timeout=args.timeout, memory_mb=args.memory_mb,
                        force=args.force, cache=not args.no_cache, executor=args.executor,
                        scheduler=args.scheduler)
    bar = _progress(len(files), args.quiet)
    try:
        res = run_batch(files, args.out, opts, formats=args.formats, bom=args.bom,
                        db_target=args.db_target, progress=bar.tick)
    except Exception as exc:  # noqa: BLE001 - the database or the output folder failed
        from .store import StoreError

        bar.close()
        if isinstance(exc, (StoreError, ModuleNotFoundError)):
            print(f"plan-extract: database not updated: {exc}", file=sys.stderr)
            return 2
        raise
    bar.close()
    print(f"plan-extract: {res.files} file(s) ({res.processed} processed, {res.cached} unchanged "
          f"from the last run), {res.documents} document(s), {res.targets} target(s), "
          f"{res.errors} error(s) in {res.seconds:.1f}s -> {args.out}", file=sys.stderr)
    for e in bar.errors:
        print(f"  error: {e.source_path}: {e.message}", file=sys.stderr)
    if res.db_summary:
        print(f"plan-extract: {res.db_summary}", file=sys.stderr)
    if res.interrupted:
        print("plan-extract: interrupted: the tables hold the files finished before Ctrl-C",
              file=sys.stderr)
        return 130
    return 1 if res.errors else 0


class _progress:
    """A progress bar (files done, errors, rate) on a terminal; silent otherwise."""

    def __init__(self, total: int, quiet: bool):
        self.errors: list = []
        self.bar = None
        if not quiet and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="file", file=sys.stderr, dynamic_ncols=True)

    def tick(self, plan, cached: bool = False) -> None:
        self.errors.extend(plan.errors)
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(errors=len(self.errors), refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


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
    ex.add_argument("--workers", type=int, default=0,
                    help="parallel worker processes (default: all cores)")
    ex.add_argument("--timeout", type=float, default=300.0,
                    help="seconds one file may take before it is stopped (default: 300)")
    ex.add_argument("--memory-mb", type=int, default=4096,
                    help="memory one worker may use, in MiB (default: 4096)")
    ex.add_argument("--force", action="store_true",
                    help="process every file again, even those unchanged since the last run")
    ex.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    ex.add_argument("--executor", choices=("local", "dask"), default="local",
                    help="local process pool (default) or Dask")
    ex.add_argument("--scheduler", default=None,
                    help="Dask scheduler address (tcp://host:8786); default: a local cluster")
    ex.add_argument("--ocr", choices=("auto", "always", "never"), default=None,
                    help="OCR of PDF pages: auto (pages without a usable text layer, default), "
                         "always, never")
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
    from .audit.cli import add_subparser as add_audit

    add_audit(sub)  # plan-extract audit --store OUT [--against CITY.csv] --out DIR
    from .review import add_subparser as add_review

    add_review(sub)  # plan-extract review FILE... --out DIR (displaCy pages)
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
