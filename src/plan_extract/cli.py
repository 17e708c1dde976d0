"""Command line: ``plan-extract extract PATH... --out DIR`` and ``plan-extract evaluate``."""
from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


DEFAULT_EXCLUDE = ("README*", "readme*", ".*")


def iter_files(paths: list[str], exclude: tuple[str, ...] = DEFAULT_EXCLUDE) -> list[Path]:
    """Files under the given paths, recursively, in a stable order. Inside folders, names matching
    ``exclude`` (hidden files, a folder's README) are skipped; files named explicitly never are."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file()
                              and not any(f.match(pat) for pat in exclude)))
        else:
            out.append(p)
    return out


def _process(path: str):
    from .pipeline import process

    plan = process(path)
    plan.source = None  # keep what crosses process boundaries small
    return plan


def cmd_extract(args: argparse.Namespace) -> int:
    from .pipeline import Plan
    from .model import ErrorRecord
    from .tables import to_frames, write

    files = iter_files(args.paths, tuple(args.exclude or DEFAULT_EXCLUDE))
    missing = [str(p) for p in files if not p.exists()]
    plans: list[Plan] = []
    for m in missing:
        plan = Plan(m)
        plan.errors.append(ErrorRecord(m, "read", "FileNotFoundError", "no such file or folder"))
        plans.append(plan)
    files = [p for p in files if p.exists()]
    t0 = time.perf_counter()
    progress = _progress(len(files), args.quiet)
    workers = args.workers or 1
    if workers > 1 and len(files) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for plan in pool.map(_process, map(str, files), chunksize=4):
                plans.append(plan)
                progress(plan)
    else:
        for f in files:
            plan = _process(str(f))
            plans.append(plan)
            progress(plan)
    frames = to_frames(plans)
    write(frames, args.out, args.format.split(","), bom=args.bom)
    errors = frames["errors"]
    dt = time.perf_counter() - t0
    print(f"plan-extract: {len(files)} file(s), {len(frames['documents'])} document(s), "
          f"{len(frames['targets'])} target(s), {len(errors)} error(s) in {dt:.1f}s -> {args.out}",
          file=sys.stderr)
    for _, e in errors.iterrows():
        print(f"  error: {e.source_path}: {e.message}", file=sys.stderr)
    return 1 if len(errors) else 0


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
    ex.add_argument("--format", default="csv", help="csv, parquet, jsonl (comma-separated)")
    ex.add_argument("--bom", action="store_true", help="write CSV with a BOM (for Excel)")
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
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
