"""Records → pandas DataFrames → files (CSV; Parquet and JSON Lines on request).

Every table has a fixed column order (the record dataclass's fields), so an empty table still
writes its header and consumers can rely on the columns.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Iterable

import pandas as pd

from .extract.targets import TargetRecord
from .model import (BodyRecord, DeadlineRecord, DocumentRecord, ErrorRecord, ReferenceRecord,
                    SectionRecord, TaskRecord, WarningRecord)

TABLES: dict[str, type] = {
    "documents": DocumentRecord,
    "sections": SectionRecord,
    "references": ReferenceRecord,
    "targets": TargetRecord,
    "tasks": TaskRecord,
    "deadlines": DeadlineRecord,
    "bodies": BodyRecord,
    "warnings": WarningRecord,
    "errors": ErrorRecord,
}


def columns(name: str) -> list[str]:
    return [f.name for f in dataclasses.fields(TABLES[name])]


def to_frames(plans: Iterable) -> dict[str, pd.DataFrame]:
    """One DataFrame per table from an iterable of ``Plan``s."""
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    for plan in plans:
        for name in TABLES:
            rows[name].extend(dataclasses.asdict(r) for r in plan.table(name))
    return {name: pd.DataFrame(rows[name], columns=columns(name)) for name in TABLES}


def write(frames: dict[str, pd.DataFrame], out: str | Path, formats: Iterable[str] = ("csv",),
          bom: bool = False) -> list[Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in frames.items():
        for fmt in formats:
            path = out / f"{name}.{fmt}"
            if fmt == "csv":
                df.to_csv(path, index=False, encoding="utf-8-sig" if bom else "utf-8")
            elif fmt == "parquet":
                df.to_parquet(path, index=False)
            elif fmt == "jsonl":
                df.to_json(path, orient="records", lines=True, force_ascii=False)
            else:
                raise ValueError(f"unknown format {fmt}")
            written.append(path)
    return written
