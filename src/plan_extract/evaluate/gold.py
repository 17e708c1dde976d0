"""Gold files: load, validate and locate the hand-annotated records of `gold/*.yaml`.

A gold file annotates one corpus source (its `.txt` rendition) following `gold/GUIDELINES.md`.
Offsets are Python string indices into the decoded `.txt`; every record with a ``quote`` must satisfy
``text[start:start + len(quote)] == quote``.  ``python -m plan_extract.evaluate.gold check FILE...``
checks that mechanically.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

TABLES = ("documents", "sections", "references", "targets", "tasks", "deadlines", "bodies")


@dataclass
class Gold:
    """One gold file: its source text and its records per table."""

    path: Path
    source: Path
    text: str
    meta: dict[str, Any]
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def stem(self) -> str:
        return self.source.stem


def repo_root(start: Path) -> Path:
    """The nearest folder above ``start`` holding a ``corpus`` folder."""
    for p in [start, *start.parents]:
        if (p / "corpus").is_dir():
            return p
    return start


class GoldError(Exception):
    """A gold file that cannot be used: unreadable, not YAML, or its source text not found."""


def source_path(gold_path: Path, source: str) -> Path:
    """The `.txt` a gold file annotates: ``source`` is relative to the repository holding the
    gold file (the nearest folder above it with a ``corpus`` folder), else to the working folder
    (a gold file copied out of the repository, run from the repository's root)."""
    first = repo_root(gold_path.resolve().parent) / source
    if first.is_file():
        return first
    here = Path.cwd() / source
    return here if here.is_file() else first


def load_gold(path: str | Path) -> Gold:
    """Read a gold file and the `.txt` it annotates; fill every record's ``end``.

    Raises ``GoldError`` (with the file's name and what is wrong) for a file that cannot be used.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise GoldError(f"{path}: cannot read the gold file ({type(exc).__name__}: {exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("source"), str):
        raise GoldError(f"{path}: not a gold file (no `source:` naming the .txt it annotates)")
    source = source_path(path, data["source"])
    try:
        text = source.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{path}: its source {data['source']!r} cannot be read ({type(exc).__name__}; "
                        f"looked for {source} and {Path.cwd() / data['source']})") from None
    records = {t: list(data.get(t) or []) for t in TABLES}
    for rows in records.values():
        for r in rows:
            if "quote" in r and r.get("start") is not None:
                r["end"] = r["start"] + len(r["quote"])
    meta = {k: v for k, v in data.items() if k not in TABLES}
    return Gold(path, source, text, meta, records)


def load_gold_dir(folder: str | Path) -> list[Gold]:
    return [load_gold(p) for p in sorted(Path(folder).glob("*.yaml"))]


def check(gold: Gold) -> list[str]:
    """Problems in a gold file: quotes that do not sit at their offsets, dangling ids."""
    problems: list[str] = []
    for table, rows in gold.records.items():
        for i, r in enumerate(rows):
            q, s = r.get("quote"), r.get("start")
            if q is None:
                continue
            if s is None:
                problems.append(f"{table}[{i}]: quote without start: {q[:60]!r}")
                continue
            got = gold.text[s : s + len(q)]
            if got != q:
                hint = gold.text.find(q)
                problems.append(
                    f"{table}[{i}] id={r.get('id')}: text at {s} is {got[:50]!r}, not {q[:50]!r}"
                    + (f" (quote found at {hint})" if hint >= 0 else " (quote not in text)")
                )
    ids = {t: {r.get("id") for r in gold.records[t] if r.get("id")} for t in TABLES}
    for r in gold.records["sections"]:
        if r.get("parent") and r["parent"] not in ids["sections"]:
            problems.append(f"section {r.get('id')}: unknown parent {r['parent']}")
    for r in gold.records["targets"]:
        if r.get("parent") and r["parent"] not in ids["targets"]:
            problems.append(f"target {r.get('id')}: unknown parent {r['parent']}")
        if r.get("section") and r["section"] not in ids["sections"]:
            problems.append(f"target {r.get('id')}: unknown section {r['section']}")
    for r in gold.records["tasks"]:
        if r.get("deadline") and r["deadline"] not in ids["deadlines"]:
            problems.append(f"task {r.get('id')}: unknown deadline {r['deadline']}")
    for r in gold.records["deadlines"]:
        if r.get("task") and r["task"] not in ids["tasks"]:
            problems.append(f"deadline {r.get('id')}: unknown task {r['task']}")
    return problems


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] != "check":
        print("usage: python -m plan_extract.evaluate.gold check FILE...", file=sys.stderr)
        return 2
    bad = 0
    for f in argv[1:]:
        g = load_gold(f)
        problems = check(g)
        counts = ", ".join(f"{t}={len(g.records[t])}" for t in TABLES)
        print(f"{f}: {counts}; {len(problems)} problem(s)")
        for p in problems:
            print("  " + p)
        bad += bool(problems)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
