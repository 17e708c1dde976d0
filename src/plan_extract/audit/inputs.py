"""What the audit reads: the extracted tables, from an output folder or a database file.

``load_store(path)`` accepts the folder ``plan-extract extract --out`` wrote (Parquet, CSV or JSON
Lines files, in that order of preference) or a database file (``.duckdb``, ``.sqlite``). Tables get
the columns and types of ``plan_extract.tables`` whatever the source, and a missing value is ``""``
for text (CSV "" and database NULL read alike).

One plan is often in the store several times (its .txt, .docx and .pdf renditions). ``Store``
keeps one rendition per plan (``lang/vi/audit.yaml`` ``rendition_preference``) and remembers the
others, so no plan is compared with itself.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..lang import load
from ..normalize import fold
from ..tables import TABLES, dtypes, frame, records

_CONF = load("audit")
AUDITED = ("documents", "references", "targets", "tasks", "deadlines", "bodies", "warnings", "sections")


class StoreNotFound(Exception):
    """The path holds no extracted tables."""


@dataclass
class Doc:
    """One audited document (one plan; its other renditions in ``renditions``)."""

    doc_id: str
    source_path: str
    sha256: str
    format: str
    doc_type: str
    number: str
    symbol: str
    issuer: str
    issuer_level: str
    locality: str
    issue_date: str
    date_precision: str
    title: str
    theme: str
    plan_year: int | None
    parent_doc_id: str
    start: int
    end: int
    renditions: list[str] = field(default_factory=list)

    @property
    def is_ward(self) -> bool:
        return self.issuer_level in _CONF["ward_levels"]

    @property
    def is_city(self) -> bool:
        return self.issuer_level in _CONF["city_levels"]

    @property
    def ward(self) -> str:
        return self.locality if self.is_ward else ""

    def label(self) -> str:
        """How a reader names the document: "Kế hoạch 136/KH-UBND ngày 23/12/2025 của UBND
        phường Kiến An"; an unnumbered draft says so."""
        kind = _TYPE_NAMES.get(self.doc_type, self.doc_type or "Văn bản")
        num = f" {self.number}/{self.symbol}" if self.number else " (chưa có số)"
        when = _date_vi(self.issue_date, self.date_precision)
        who = self.issuer.replace("Ủy ban nhân dân", "UBND", 1) if self.issuer else ""
        return f"{kind}{num}{' ' + when if when else ''}{' của ' + who if who else ''}"


_TYPE_NAMES = {code: d["cited"][0] for code, d in load("doctypes").items()}


def _date_vi(iso: str, precision: str) -> str:
    """ "2025-12-23" → "ngày 23/12/2025"; "2026-02" → "tháng 02/2026"; "2026" → "năm 2026"."""
    parts = iso.split("-") if iso else []
    if len(parts) == 3:
        return f"ngày {parts[2]}/{parts[1]}/{parts[0]}"
    if len(parts) == 2:
        return f"tháng {parts[1]}/{parts[0]}"
    if len(parts) == 1 and parts[0]:
        return f"năm {parts[0]}"
    return ""


@dataclass
class Store:
    """The tables of the audited documents (one rendition per plan) and access to source texts."""

    frames: dict[str, pd.DataFrame]
    docs: dict[str, Doc]
    location: str = ""
    db_path: Path | None = None
    _texts: dict[str, str | None] = field(default_factory=dict)

    def rows(self, table: str, doc_id: str | None = None) -> list[dict]:
        """A table's rows as plain dicts ("" for missing text), optionally of one document."""
        df = self.frames.get(table)
        if df is None or df.empty:
            return []
        if doc_id is not None:
            df = df[df["doc_id"] == doc_id]
        return [{k: ("" if v is None and _TEXT.get((table, k)) else v) for k, v in r.items()}
                for r in records(df)]

    def text(self, doc: Doc) -> str | None:
        """The source text of a document's file as the extractor read it, when the file is still
        where it was and unchanged (same SHA-256); else None (rules then use the tables' quotes)."""
        if doc.source_path not in self._texts:
            self._texts[doc.source_path] = _read_source(doc.source_path, doc.sha256)
        return self._texts[doc.source_path]

    def ward_docs(self) -> list[Doc]:
        return [d for d in self.docs.values() if d.is_ward]

    def city_docs(self) -> list[Doc]:
        return [d for d in self.docs.values() if d.is_city]


_TEXT = {(t, c): dt == "string" for t in TABLES for c, dt in dtypes(t).items()}


def _read_source(path: str, sha256: str) -> str | None:
    from ..read import read

    p = Path(path)
    try:
        if not p.is_file() or (sha256 and hashlib.sha256(p.read_bytes()).hexdigest() != sha256):
            return None
        return read(p).text
    except Exception:  # noqa: BLE001 - a file that cannot be re-read only loses the context
        return None


# --------------------------------------------------------------------------- loading


def load_store(path: str | Path) -> Store:
    """The extracted tables at ``path`` (an output folder or a .duckdb / .sqlite file), one
    rendition per plan."""
    p = Path(path)
    db_path = None
    if p.is_dir():
        frames = _from_folder(p)
        if (p / "plan_extract.duckdb").is_file():
            db_path = p / "plan_extract.duckdb"
    elif p.is_file() and p.suffix.lower() in (".duckdb", ".db"):
        frames, db_path = _from_duckdb(p), p
    elif p.is_file() and p.suffix.lower() in (".sqlite", ".sqlite3"):
        frames, db_path = _from_sqlite(p), p
    else:
        raise StoreNotFound(f"{p}: not an output folder of plan-extract nor a .duckdb/.sqlite file")
    return from_frames(frames, location=str(p), db_path=db_path)


def from_frames(frames: dict[str, pd.DataFrame], location: str = "", db_path: Path | None = None) -> Store:
    """A ``Store`` from DataFrames with the tables' columns (missing tables are empty)."""
    full = {}
    for name in AUDITED:
        df = frames.get(name)
        full[name] = frame(name, [] if df is None else list(records(df)))
    docs = _dedupe(full["documents"])
    keep = set(docs)
    for name in AUDITED:
        df = full[name]
        full[name] = df[df["doc_id"].isin(keep)].reset_index(drop=True)
    return Store(full, docs, location, db_path)


def _from_folder(folder: Path) -> dict[str, pd.DataFrame]:
    out = {}
    for name in AUDITED:
        for ext in ("parquet", "csv", "jsonl"):
            f = folder / f"{name}.{ext}"
            if not f.is_file():
                continue
            if ext == "parquet":
                out[name] = pd.read_parquet(f)
            elif ext == "csv":
                out[name] = pd.read_csv(f, dtype=dtypes(name), keep_default_na=False,
                                        na_values={c: [""] for c, t in dtypes(name).items() if t != "string"})
            else:
                out[name] = pd.read_json(f, lines=True, dtype=False)
            break
    if "documents" not in out:
        raise StoreNotFound(f"{folder}: no documents table (documents.parquet/.csv/.jsonl)")
    return out


def _from_duckdb(path: Path) -> dict[str, pd.DataFrame]:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        return {t: con.execute(f'SELECT * FROM "{t}"').fetchdf() for t in AUDITED if t in have}
    finally:
        con.close()


def _from_sqlite(path: Path) -> dict[str, pd.DataFrame]:
    import sqlite3

    con = sqlite3.connect(str(path))
    try:
        have = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return {t: pd.read_sql_query(f'SELECT * FROM "{t}"', con) for t in AUDITED if t in have}
    finally:
        con.close()


# --------------------------------------------------------------------------- renditions


def _dedupe(documents: pd.DataFrame) -> dict[str, Doc]:
    """One ``Doc`` per plan: renditions are grouped by file stem and document index, and by
    metadata (type, number, symbol, date, place, title); the preferred format is kept."""
    rows = list(records(documents))
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[tuple, int] = {}
    for i, r in enumerate(rows):
        place = fold(r["locality"] or "")
        keys = [("stem", Path(r["source_path"] or "").stem, r["doc_index"], r["doc_type"], place, r["plan_year"]),
                ("meta", r["doc_type"], r["number"], r["symbol"], r["issue_date"], place,
                 " ".join(fold(r["title"] or "").split()))]
        for k in keys:
            j = seen.setdefault(k, i)
            # same stem in two formats (txt/x.txt, docx/x.docx); two files of one format are two plans
            if j != i and (k[0] == "meta" or rows[j]["format"] != r["format"]):
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(rows)):
        groups.setdefault(find(i), []).append(i)
    pref = {f: k for k, f in enumerate(_CONF["rendition_preference"])}
    out: dict[str, Doc] = {}
    for members in groups.values():
        members.sort(key=lambda i: (pref.get(rows[i]["format"] or "", 99), rows[i]["source_path"] or ""))
        best = rows[members[0]]
        doc = Doc(**{f: (best[f] if best[f] is not None else _EMPTY.get(f, ""))
                     for f in Doc.__dataclass_fields__ if f != "renditions"})
        doc.renditions = [rows[i]["source_path"] for i in members[1:]]
        out[doc.doc_id] = doc
    # a child document (the CTr a QĐ issues) follows its parent's rendition
    for d in out.values():
        if d.parent_doc_id and d.parent_doc_id not in out:
            sibling = next((x for x in out.values() if x.source_path == d.source_path and not x.parent_doc_id), None)
            d.parent_doc_id = sibling.doc_id if sibling else ""
    return out


_EMPTY = {"plan_year": None, "start": 0, "end": 0}
