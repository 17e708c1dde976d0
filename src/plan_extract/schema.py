"""JSON Schemas of the output records, generated from the record dataclasses themselves.

One schema per table (``schemas/<table>.schema.json``, JSON Schema draft 2020-12), describing one
line of ``<table>.jsonl``: every field is required, no other field is allowed, and the type comes
from the field's type hint (``str`` → string, ``int`` → integer, ``float`` → number, ``bool`` →
boolean; ``X | None`` also allows ``null``). A field's description is the comment after it in the
record's definition.

The schemas are shipped in the package; regenerate them after changing a record with::

    python -m plan_extract.schema --out src/plan_extract/schemas

and ``python -m plan_extract.schema --check`` exits 1 when the shipped files are out of date (the
test suite checks this too). ``load(table)`` returns a shipped schema.
"""
from __future__ import annotations

import argparse
import dataclasses
import inspect
import json
import re
import sys
from importlib import resources
from pathlib import Path

from .tables import TABLES, field_types

DRAFT = "https://json-schema.org/draft/2020-12/schema"
PACKAGE_DIR = Path(__file__).resolve().parent / "schemas"
_JSON_TYPE = {str: "string", int: "integer", float: "number", bool: "boolean"}
_COMMON = {  # descriptions of fields that many records share (a field's own comment wins)
    "doc_id": "The document: the first 12 hex digits of the file's SHA-256, '-', the document's "
              "index in the file (so re-runs give the same id).",
    "source_path": "The file, as the path given to plan-extract.",
    "start": "Start of the span: a character offset into the text as read from the file.",
    "end": "End of the span (exclusive).",
    "quote": "The source text of the span, exactly: text[start:end].",
}
_FIELD_COMMENT = re.compile(r"^[ \t]+(\w+)\s*:[^#\n]*#\s*(.+?)\s*$", re.M)


def filename(table: str) -> str:
    return f"{table}.schema.json"


def _comments(record_type: type) -> dict[str, str]:
    try:
        src = inspect.getsource(record_type)
    except (OSError, TypeError):
        return {}
    return dict(_FIELD_COMMENT.findall(src))


def _doc(record_type: type) -> str:
    doc = inspect.getdoc(record_type) or ""
    if doc.startswith(f"{record_type.__name__}("):  # dataclass's generated signature
        return ""
    return " ".join(doc.split())


def json_schema(table: str) -> dict:
    """The JSON Schema of one row of ``table``."""
    record_type = TABLES[table]
    comments = _comments(record_type)
    props = {}
    for name, (base, nullable) in field_types(record_type).items():
        t = _JSON_TYPE[base]
        prop: dict = {"type": [t, "null"] if nullable else t}
        if name in comments or name in _COMMON:
            prop["description"] = comments.get(name) or _COMMON[name]
        props[name] = prop
    schema = {
        "$schema": DRAFT,
        "$id": f"urn:plan-extract:schema:{table}",
        "title": f"{table} ({record_type.__name__})",
    }
    doc = _doc(record_type)
    schema["description"] = (doc + " " if doc else "") + (
        f"One line of {table}.jsonl, generated from plan_extract's {record_type.__name__}.")
    schema.update({
        "type": "object",
        "properties": props,
        "required": [f.name for f in dataclasses.fields(record_type)],
        "additionalProperties": False,
    })
    return schema


def render(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def generate() -> dict[str, str]:
    """``{file name: text}`` of every table's schema, as shipped."""
    return {filename(t): render(json_schema(t)) for t in TABLES}


def load(table: str) -> dict:
    """The shipped schema of ``table``."""
    text = resources.files("plan_extract").joinpath("schemas", filename(table)).read_text("utf-8")
    return json.loads(text)


def stale(folder: str | Path = PACKAGE_DIR) -> list[str]:
    """File names in ``folder`` that are missing, differ from the generated text, or are extra."""
    folder = Path(folder)
    want = generate()
    bad = [n for n, text in want.items()
           if not (folder / n).exists() or (folder / n).read_text("utf-8") != text]
    bad += sorted(p.name for p in folder.glob("*.schema.json") if p.name not in want)
    return bad


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m plan_extract.schema", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(PACKAGE_DIR), help="folder to write the schemas to")
    ap.add_argument("--check", action="store_true", help="only check that --out is up to date")
    args = ap.parse_args(argv)
    out = Path(args.out)
    if args.check:
        bad = stale(out)
        for n in bad:
            print(f"out of date: {out / n}", file=sys.stderr)
        return 1 if bad else 0
    out.mkdir(parents=True, exist_ok=True)
    for p in out.glob("*.schema.json"):
        if p.name not in generate():
            p.unlink()
    for name, text in generate().items():
        (out / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(TABLES)} schemas to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
