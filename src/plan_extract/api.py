"""The Python API beside the command line.

    import plan_extract

    plan = plan_extract.extract("ke-hoach.docx")       # one file → Plan (records per table)
    plan.targets[0].value, plan.errors                 # a bad file gives errors, not an exception

    frames = plan_extract.extract_tables(["plans/"])   # files and folders → {table: DataFrame}
    frames["targets"].merge(frames["documents"], on=["doc_id", "source_path"])

The DataFrames are those the CLI writes (same columns and types); ``plan_extract.tables.write``
and ``plan_extract.store.load`` write them to files and databases.
"""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

if TYPE_CHECKING:
    import pandas as pd

    from .model import Plan

DEFAULT_EXCLUDE = ("README*", "readme*", ".*")


def iter_files(paths: Iterable[str | Path], exclude: tuple[str, ...] = DEFAULT_EXCLUDE) -> list[Path]:
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


def extract(path: str | Path) -> "Plan":
    """Everything extracted from one file. A file that cannot be read or understood gives a Plan
    whose ``errors`` say why (as in errors.csv); a path that is missing or a folder raises."""
    from .pipeline import process

    p = Path(path)
    if p.is_dir():
        raise IsADirectoryError(f"{p}: a folder (use extract_tables for folders)")
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file")
    return process(p)


def _process(path: str) -> "Plan":
    from .pipeline import process

    plan = process(path)
    plan.source = None  # keep what crosses process boundaries small
    return plan


def extract_plans(paths: Iterable[str | Path] | str | Path, *, workers: int = 1,
                  exclude: tuple[str, ...] = DEFAULT_EXCLUDE,
                  progress: Callable[["Plan"], None] | None = None) -> list["Plan"]:
    """Plans of every file under ``paths`` (files and folders, as the CLI takes them), in order;
    a missing path gives a Plan with a FileNotFoundError row. ``workers`` > 1 uses processes."""
    from .model import ErrorRecord
    from .model import Plan

    if isinstance(paths, (str, Path)):
        paths = [paths]
    files = iter_files(list(paths), tuple(exclude))
    plans: list[Plan] = []
    for f in files:
        if not f.exists():
            plan = Plan(str(f))
            plan.errors.append(ErrorRecord(str(f), "read", "FileNotFoundError", "no such file or folder"))
            plans.append(plan)
    files = [f for f in files if f.exists()]
    tick = progress or (lambda plan: None)
    if workers > 1 and len(files) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for plan in pool.map(_process, map(str, files), chunksize=4):
                plans.append(plan)
                tick(plan)
    else:
        for f in files:
            plan = _process(str(f))
            plans.append(plan)
            tick(plan)
    return plans


def extract_tables(paths: Iterable[str | Path] | str | Path, *, workers: int = 1,
                   exclude: tuple[str, ...] = DEFAULT_EXCLUDE) -> dict[str, "pd.DataFrame"]:
    """``{table: DataFrame}`` (documents, sections, references, targets, tasks, deadlines, bodies,
    warnings, errors) for every file under ``paths``: what ``plan-extract extract`` writes."""
    from .tables import to_frames

    return to_frames(extract_plans(paths, workers=workers, exclude=exclude))


__all__ = ["extract", "extract_tables", "extract_plans", "iter_files", "DEFAULT_EXCLUDE"]
