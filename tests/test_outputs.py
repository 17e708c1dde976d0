"""Outputs: files in every format, the Excel workbook, the database (DuckDB, SQLite, a real
PostgreSQL server), JSON Schemas of the records, the Python API.

PostgreSQL: the tests use the server at ``PLAN_EXTRACT_TEST_PG`` (a postgresql:// URL whose user
may create databases) if set, or else start a throwaway server of their own with the ``initdb`` and
``pg_ctl`` found on PATH or in /usr/lib/postgresql/*/bin (Debian's ``postgresql`` package; run as
the ``postgres`` user when the tests run as root). Without either they FAIL; set
``PLAN_EXTRACT_SKIP_PG=1`` to skip them on a machine without PostgreSQL (ignored when ``CI`` is
set, so CI always exercises the real server).
"""
from __future__ import annotations

import csv
import dataclasses
import importlib
import json
import os
import pwd
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import openpyxl
import pandas as pd
import pytest

import plan_extract
from plan_extract import schema, store
from plan_extract.cli import main
from plan_extract.model import Plan
from plan_extract.tables import TABLES, WORKBOOK, columns, field_types, frame, to_frames, write

from conftest import CORPUS, SEEDS

TXT = [CORPUS / "txt" / f"{s}.txt" for s in SEEDS]


# --- helpers ----------------------------------------------------------------------------------------

def _counts(frames) -> dict[str, int]:
    return {t: len(df) for t, df in frames.items()}


def _db_counts(con) -> dict[str, int]:
    return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}


def _batch(tmp_path: Path, name: str, files: list[Path]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for f in files:
        shutil.copy(f, folder / f.name)
    return folder


def _record(cls, **values):
    """A record with every field filled (by type) and ``values`` set."""
    filled = {}
    for name, (t, _) in field_types(cls).items():
        filled[name] = {str: "", int: 0, float: 0.0, bool: False}[t]
    filled.update(values)
    return cls(**filled)


def synthetic_plan(path: str = "synthetic/plan.txt", doc: str = "0123456789ab-1") -> Plan:
    """One record or more in every table, with every kind of link between them."""
    rec = {name: cls for name, cls in TABLES.items()}
    p = Plan(path, sha256="0123456789ab" + "0" * 52)
    p.documents = [_record(rec["documents"], doc_id=doc, source_path=path, doc_index=1, doc_type="KH",
                           title="=HYPERLINK(\"http://example.invalid\",\"x\")", plan_year=None,
                           pages=None),
                   _record(rec["documents"], doc_id=doc[:-1] + "2", source_path=path, doc_index=2,
                           parent_doc_id=doc, plan_year=2026, pages=3)]
    p.sections = [_record(rec["sections"], doc_id=doc, source_path=path, section_id=f"{doc}:s1", level=1),
                  _record(rec["sections"], doc_id=doc, source_path=path, section_id=f"{doc}:s1.1",
                          parent_id=f"{doc}:s1", level=2),
                  _record(rec["sections"], doc_id=doc, source_path=path, section_id=f"{doc}:s1.1.a",
                          parent_id=f"{doc}:s1.1", level=3, heading="- a bullet")]
    p.references = [_record(rec["references"], doc_id=doc, source_path=path, reference_id=f"{doc}:r1",
                            quote="+ sub-bullet")]
    p.targets = [_record(rec["targets"], doc_id=doc, source_path=path, target_id=f"{doc}:t1",
                         section_id=f"{doc}:s1.1", value=12.5, higher_is_better=None, comparator=">="),
                 _record(rec["targets"], doc_id=doc, source_path=path, target_id=f"{doc}:t2",
                         parent_target_id=f"{doc}:t1", value=None, baseline_year=2025, comparator="=")]
    p.tasks = [_record(rec["tasks"], doc_id=doc, source_path=path, task_id=f"{doc}:k1",
                       section_id=f"{doc}:s1.1.a", deadline_id=f"{doc}:dl1", in_table=True)]
    p.deadlines = [_record(rec["deadlines"], doc_id=doc, source_path=path, deadline_id=f"{doc}:dl1",
                           task_id=f"{doc}:k1", section_id=f"{doc}:s1", year_inferred=True),
                   _record(rec["deadlines"], doc_id=doc, source_path=path, deadline_id=f"{doc}:dl2")]
    p.bodies = [_record(rec["bodies"], doc_id=doc, source_path=path, body_id=f"{doc}:b1", task_id=f"{doc}:k1",
                        known=True),
                _record(rec["bodies"], doc_id=doc, source_path=path, body_id=f"{doc}:b2")]
    p.warnings = [_record(rec["warnings"], doc_id=doc, source_path=path, code="x", start=1, end=2),
                  _record(rec["warnings"], doc_id="", source_path=path, code="file", start=None, end=None)]
    p.errors = []
    return p


@pytest.fixture(scope="module")
def corpus_tables(tmp_path_factory):
    """The .txt corpus through the CLI in every format, with the default database."""
    out = tmp_path_factory.mktemp("outputs")
    code = main(["extract", *map(str, TXT), "--out", str(out), "--quiet",
                 "--format", "csv,parquet", "--format", "jsonl", "--format", "xlsx", "--bom"])
    assert code == 0
    return out


# --- files ------------------------------------------------------------------------------------------

def test_every_format_has_every_table(corpus_tables):
    out = corpus_tables
    for t in TABLES:
        for fmt in ("csv", "parquet", "jsonl"):
            assert (out / f"{t}.{fmt}").exists(), (t, fmt)
        csv = (out / f"{t}.csv").read_bytes()
        assert csv.startswith(b"\xef\xbb\xbf")  # --bom
        df = pd.read_csv(out / f"{t}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
        assert list(df.columns) == columns(t)
        pq = pd.read_parquet(out / f"{t}.parquet")
        assert list(pq.columns) == columns(t) and len(pq) == len(df)
        lines = (out / f"{t}.jsonl").read_text("utf-8").splitlines()
        assert len(lines) == len(df)
    assert (out / store.DEFAULT_NAME).exists()  # the database by default
    docs = pd.read_parquet(out / "documents.parquet")
    assert str(docs["plan_year"].dtype) == "Int64" and str(docs["pages"].dtype) == "Int64"
    targets = pd.read_csv(out / "targets.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert not targets["target_year"].str.endswith(".0").any()  # ints stay ints


def test_xlsx_sheets_frozen_headers_and_widths(corpus_tables):
    wb = openpyxl.load_workbook(corpus_tables / WORKBOOK)
    assert wb.sheetnames == list(TABLES)
    for t in TABLES:
        ws = wb[t]
        assert ws.freeze_panes == "A2"
        assert [c.value for c in ws[1]] == columns(t)
        assert all(c.font.bold for c in ws[1])
        widths = {c.value: ws.column_dimensions[c.column_letter].width for c in ws[1]}
        assert all(6 <= w <= 60 for w in widths.values()), (t, widths)
    ws = wb["targets"]
    widths = {c.value: ws.column_dimensions[c.column_letter].width for c in ws[1]}
    assert widths["quote"] == 60 and widths["start"] < 15
    n = len(pd.read_parquet(corpus_tables / "targets.parquet"))
    assert ws.max_row == n + 1
    # numbers stay numbers, booleans booleans
    row = {h.value: c for h, c in zip(ws[1], ws[2])}
    assert row["start"].data_type == "n" and row["in_task"].data_type == "b"


def test_xlsx_cells_are_never_formulas(tmp_path):
    risky = ["=1+1", '=HYPERLINK("http://example.invalid/x","click")', "@SUM(A1)", "+ sub-bullet",
             "- Tăng cường công tác", "-1+2", "\tTab", "\rCR", "=", "cmd|' /C calc'!A0"]
    rows = [{"source_path": f"f{i}.txt", "stage": "read", "error": "E", "message": m}
            for i, m in enumerate(risky)]
    rows.append({"source_path": "g.txt", "stage": "read", "error": "E", "message": "vertical\x0btab"})
    rows.append({"source_path": "h.txt", "stage": "read", "error": "E", "message": "x" * 40000})
    frames = {t: frame(t, []) for t in TABLES}
    frames["errors"] = frame("errors", rows)
    write(frames, tmp_path, ["xlsx", "csv"])
    ws = openpyxl.load_workbook(tmp_path / WORKBOOK)["errors"]
    got = {r[0].value: r[3] for r in ws.iter_rows(min_row=2)}
    for i, m in enumerate(risky):
        cell = got[f"f{i}.txt"]
        assert cell.data_type == "s" and cell.value == m, (m, cell.data_type, cell.value)
        assert cell.quotePrefix == (m[:1] in "=+-@\t\r"), m
    assert got["g.txt"].value == "vertical tab"
    assert len(got["h.txt"].value) == 32767 and got["h.txt"].value.endswith("…")
    # the workbook has no formula anywhere
    for sheet in openpyxl.load_workbook(tmp_path / WORKBOOK).worksheets:
        assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    # CSV: data, verbatim
    with open(tmp_path / "errors.csv", encoding="utf-8", newline="") as fh:
        messages = [r["message"] for r in csv.DictReader(fh)]
    assert messages[: len(risky)] == risky


# --- JSON Schema ------------------------------------------------------------------------------------

def test_shipped_schemas_are_generated_from_the_records():
    assert schema.stale() == [], "run: python -m plan_extract.schema --out src/plan_extract/schemas"
    for t, cls in TABLES.items():
        s = schema.load(t)
        assert s == schema.json_schema(t)
        assert list(s["properties"]) == columns(t) == s["required"]
    targets = schema.load("targets")["properties"]
    assert targets["value"]["type"] == ["number", "null"] and targets["in_task"]["type"] == "boolean"
    assert targets["baseline_year"]["type"] == ["integer", "null"]
    assert targets["higher_is_better"]["type"] == ["boolean", "null"]


def test_schema_command_regenerates(tmp_path):
    assert schema.main(["--out", str(tmp_path)]) == 0
    assert schema.main(["--out", str(tmp_path), "--check"]) == 0
    (tmp_path / "targets.schema.json").write_text("{}")
    assert schema.main(["--out", str(tmp_path), "--check"]) == 1


def _validate(folder: Path) -> int:
    from jsonschema import Draft202012Validator

    n = 0
    for t in TABLES:
        validator = Draft202012Validator(schema.load(t))
        for line in (folder / f"{t}.jsonl").read_text("utf-8").splitlines():
            errors = list(validator.iter_errors(json.loads(line)))
            assert not errors, (t, line[:200], [e.message for e in errors])
            n += 1
    return n


def test_every_jsonl_row_validates(corpus_tables, tmp_path):
    from jsonschema import Draft202012Validator

    assert _validate(corpus_tables) > 100
    write(to_frames([synthetic_plan()]), tmp_path, ["jsonl"])  # every table, every type, nulls
    assert _validate(tmp_path) >= 14
    bad = json.loads((tmp_path / "targets.jsonl").read_text("utf-8").splitlines()[0])
    assert not Draft202012Validator(schema.load("targets")).is_valid({**bad, "value": "12"})
    assert not Draft202012Validator(schema.load("targets")).is_valid({**bad, "extra": 1})


# --- DuckDB -----------------------------------------------------------------------------------------

def test_duckdb_keys_and_join(corpus_tables):
    con = duckdb.connect(str(corpus_tables / store.DEFAULT_NAME), read_only=True)
    rows = con.execute("SELECT table_name, constraint_type, constraint_column_names, "
                       "referenced_table, referenced_column_names FROM duckdb_constraints() "
                       "WHERE constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')").fetchall()
    pks = {t: tuple(cols) for t, kind, cols, _, _ in rows if kind == "PRIMARY KEY"}
    fks = {(t, cols[0], rt, rcols[0]) for t, kind, cols, rt, rcols in rows if kind == "FOREIGN KEY"}
    assert pks == store.PRIMARY_KEYS
    assert fks == {(t, c, p, k) for t, lst in store.FOREIGN_KEYS.items() for c, p, k in lst}
    frames = {t: pd.read_parquet(corpus_tables / f"{t}.parquet") for t in TABLES}
    assert _db_counts(con) == _counts(frames)
    joined = con.execute("SELECT d.doc_type, count(*) FROM targets JOIN documents d USING (doc_id) "
                         "GROUP BY 1 ORDER BY 1").fetchall()
    want = frames["targets"].merge(frames["documents"], on="doc_id").groupby("doc_type").size()
    assert joined == sorted(want.items())
    # "" in a reference column is NULL in the database
    assert con.execute("SELECT count(*) FROM targets WHERE parent_target_id = ''").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM sections WHERE parent_id IS NULL").fetchone()[0] > 0
    con.close()


def test_duckdb_append_replaces_and_adds(tmp_path):
    db = tmp_path / "db" / "plans.duckdb"
    batch = _batch(tmp_path, "a", TXT[:2])

    def run(*paths):
        code = main(["extract", *map(str, paths), "--out", str(tmp_path / "out"), "--quiet", "--db", str(db)])
        con = duckdb.connect(str(db), read_only=True)
        try:
            return code, _db_counts(con), con
        finally:
            con.close()

    code, first, _ = run(batch)
    assert code == 0 and first["documents"] >= 2 and first["targets"] > 0
    code, again, _ = run(batch)
    assert again == first  # re-running the same batch: no duplicates
    new = _batch(tmp_path, "b", TXT[2:3])
    code, more, _ = run(batch, new)
    alone = _counts(plan_extract.extract_tables([new]))
    assert more == {t: first[t] + alone[t] for t in TABLES}  # only the new file's rows were added
    code, same, _ = run(new)
    assert same == more
    # a file edited in place: its old document goes, the new one comes
    edited = batch / TXT[0].name
    edited.write_bytes(TXT[3].read_bytes())
    code, after, _ = run(edited)
    con = duckdb.connect(str(db), read_only=True)
    ids = con.execute("SELECT doc_id FROM documents WHERE source_path = ?", [str(edited)]).fetchall()
    con.close()
    want = set(plan_extract.extract_tables([edited])["documents"]["doc_id"])
    assert {i for (i,) in ids} == want
    # a file that failed, then is fixed: its error row goes
    broken = tmp_path / "c" / "broken.txt"
    broken.parent.mkdir()
    broken.write_bytes(b"")
    code, _, _ = run(broken)
    assert code == 1
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM errors WHERE source_path = ?", [str(broken)]).fetchone()[0] == 1
    con.close()
    broken.write_bytes(TXT[4].read_bytes())
    code, _, _ = run(broken)
    assert code == 0
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM errors").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM documents WHERE source_path = ?", [str(broken)]).fetchone()[0] >= 1
    con.close()


def _synthetic_checks(con, fetch):
    """Rows of the synthetic plan in a database: links and NULLs."""
    assert fetch(con, "SELECT count(*) FROM tasks JOIN deadlines USING (task_id)") == 1
    assert fetch(con, "SELECT count(*) FROM bodies b JOIN tasks t ON b.task_id = t.task_id") == 1
    assert fetch(con, "SELECT count(*) FROM warnings WHERE doc_id IS NULL") == 1
    assert fetch(con, "SELECT count(*) FROM targets c JOIN targets p ON c.parent_target_id = p.target_id") == 1
    assert fetch(con, "SELECT count(*) FROM documents WHERE parent_doc_id IS NOT NULL") == 1


@pytest.mark.parametrize("kind", ["duckdb", "sqlite"])
def test_every_table_and_link_loads_and_bad_batches_roll_back(tmp_path, kind):
    path = tmp_path / ("x.duckdb" if kind == "duckdb" else "x.sqlite")
    plan = synthetic_plan()
    result = store.load(to_frames([plan, synthetic_plan()]), str(path))  # the same file twice
    assert result.totals == {t: len(plan.table(t)) for t in TABLES}
    con = duckdb.connect(str(path)) if kind == "duckdb" else sqlite3.connect(path)
    fetch = lambda c, sql: c.execute(sql).fetchone()[0]  # noqa: E731
    _synthetic_checks(con, fetch)
    before = _db_counts(con)
    con.close()
    # the same content at another path: one copy, at the new path
    store.load(to_frames([synthetic_plan(path="elsewhere/plan.txt")]), str(path))
    con = duckdb.connect(str(path)) if kind == "duckdb" else sqlite3.connect(path)
    assert _db_counts(con) == before
    assert {r[0] for r in con.execute("SELECT DISTINCT source_path FROM sections").fetchall()} == {"elsewhere/plan.txt"}
    con.close()
    # a batch with a dangling link fails as a whole and leaves the database as it was
    bad = synthetic_plan(path="bad.txt", doc="badbadbadbad-1")
    bad.targets[0].section_id = "no-such-section"
    with pytest.raises(store.StoreError):
        store.load(to_frames([bad]), str(path))
    con = duckdb.connect(str(path)) if kind == "duckdb" else sqlite3.connect(path)
    assert _db_counts(con) == before
    con.close()


@pytest.mark.parametrize("kind", ["duckdb", "sqlite"])
def test_a_database_of_an_older_version_gets_the_new_columns(tmp_path, kind):
    path = tmp_path / ("old.duckdb" if kind == "duckdb" else "old.sqlite")
    con = duckdb.connect(str(path)) if kind == "duckdb" else sqlite3.connect(path)
    for stmt in store.ddl(kind):  # as an older version made it: targets without "rule"
        con.execute(stmt.replace(',\n  "rule" VARCHAR', "").replace(',\n  "rule" TEXT', ""))
    con.execute("INSERT INTO documents (doc_id, source_path) VALUES ('old-1', 'old.txt')")
    con.execute("INSERT INTO targets (doc_id, source_path, target_id) VALUES ('old-1', 'old.txt', 'old-1:t1')")
    con.commit()
    con.close()
    store.load(to_frames([synthetic_plan()]), str(path))
    con = duckdb.connect(str(path)) if kind == "duckdb" else sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM targets WHERE rule IS NULL").fetchone()[0] == 1  # the old row
    assert con.execute("SELECT count(*) FROM targets").fetchone()[0] == 3
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 3
    con.close()


def test_db_option(tmp_path):
    assert store.resolve(None, tmp_path) == store.Target("duckdb", str(tmp_path / "plan_extract.duckdb"))
    assert store.resolve("none", tmp_path) is None
    assert store.resolve("sqlite:////abs/x.db").location == "/abs/x.db"
    assert store.resolve("x.sqlite").kind == "sqlite"
    assert store.resolve("postgresql://u:secret@h/db").kind == "postgresql"
    assert "secret" not in str(store.resolve("postgresql://u:secret@h/db"))
    with pytest.raises(ValueError):
        store.resolve("mysql://h/db")
    code = main(["extract", str(TXT[0]), "--out", str(tmp_path / "o"), "--quiet", "--db", "none"])
    assert code == 0 and not (tmp_path / "o" / store.DEFAULT_NAME).exists()


# --- PostgreSQL -------------------------------------------------------------------------------------

def _pg_bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    candidates = [Path(found).resolve().parent] if found else []
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for d in candidates:
        if (d / "initdb").exists() and (d / "pg_ctl").exists():
            return d
    return None


@pytest.fixture(scope="module")
def pg_server():
    url = os.environ.get("PLAN_EXTRACT_TEST_PG")
    if url:
        yield url
        return
    bindir = _pg_bindir()
    if bindir is None:
        msg = ("PostgreSQL server programs (initdb, pg_ctl) not found: install Debian's postgresql "
               "package or set PLAN_EXTRACT_TEST_PG=postgresql://...")
        if os.environ.get("PLAN_EXTRACT_SKIP_PG") == "1" and not os.environ.get("CI"):
            pytest.skip(msg + " (PLAN_EXTRACT_SKIP_PG=1)")
        pytest.fail(msg)
    root = Path(tempfile.mkdtemp(prefix="plan-extract-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        pw = pwd.getpwnam("postgres")
        os.chown(root, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data = root / "data"

    def run(*cmd):
        r = subprocess.run(as_user + [str(c) for c in cmd], capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, (cmd, r.stdout, r.stderr)

    run(bindir / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C",
        "--no-sync")
    run(bindir / "pg_ctl", "-D", data, "-l", root / "server.log", "-w", "-t", "60", "-o",
        f"-c listen_addresses='' -c unix_socket_directories={root} -c fsync=off", "start")
    try:
        yield f"postgresql://postgres@/postgres?host={root}"
    finally:
        run(bindir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server, request):
    import psycopg

    name = "pe_" + request.node.name.lower().replace("[", "_").replace("]", "")[:40]
    with psycopg.connect(pg_server, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}"')
        con.execute(f'CREATE DATABASE "{name}"')
    yield urlsplit(pg_server)._replace(path="/" + name).geturl()


def test_postgresql_same_schema_join_and_append(pg_url, tmp_path):
    import psycopg

    batch = _batch(tmp_path, "a", TXT[:2])
    new = _batch(tmp_path, "b", TXT[2:3])

    def run(*paths):
        code = main(["extract", *map(str, paths), "--out", str(tmp_path / "out"), "--quiet", "--db", pg_url])
        assert code == 0
        with psycopg.connect(pg_url) as con:
            return _db_counts(con)

    first = run(batch)
    assert first["documents"] >= 2 and first["targets"] > 0
    assert run(batch) == first
    more = run(batch, new)
    alone = _counts(plan_extract.extract_tables([new]))
    assert more == {t: first[t] + alone[t] for t in TABLES}
    with psycopg.connect(pg_url) as con:
        rows = con.execute("""
            SELECT tc.table_name, tc.constraint_type, kcu.column_name, ccu.table_name
            FROM information_schema.table_constraints tc
            JOIN information_schema.key_column_usage kcu USING (constraint_schema, constraint_name)
            LEFT JOIN information_schema.constraint_column_usage ccu
                   ON tc.constraint_type = 'FOREIGN KEY'
                  AND ccu.constraint_schema = tc.constraint_schema
                  AND ccu.constraint_name = tc.constraint_name
            WHERE tc.table_schema = current_schema()
              AND tc.constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')""").fetchall()
        pks: dict[str, set] = {}
        for t, kind, col, _ in rows:
            if kind == "PRIMARY KEY":
                pks.setdefault(t, set()).add(col)
        assert pks == {t: set(k) for t, k in store.PRIMARY_KEYS.items()}
        fks = {(t, col, ref) for t, kind, col, ref in rows if kind == "FOREIGN KEY"}
        assert fks == {(t, c, p) for t, lst in store.FOREIGN_KEYS.items() for c, p, _ in lst}
        joined = con.execute("SELECT d.doc_type, count(*) FROM targets JOIN documents d USING (doc_id) "
                             "GROUP BY 1 ORDER BY 1").fetchall()
        assert sum(n for _, n in joined) == more["targets"]
        types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                 "WHERE table_name = 'targets'").fetchall())
        assert types["value"] == "double precision" and types["in_task"] == "boolean"
        assert types["baseline_year"] == "bigint" and types["quote"] == "text"


def test_postgresql_every_table_and_link(pg_url):
    import psycopg

    store.load(to_frames([synthetic_plan()]), pg_url)
    with psycopg.connect(pg_url) as con:
        _synthetic_checks(con, lambda c, sql: c.execute(sql).fetchone()[0])
        before = _db_counts(con)
    bad = synthetic_plan(path="bad.txt", doc="badbadbadbad-1")
    bad.deadlines[0].task_id = "no-such-task"
    with pytest.raises(store.StoreError):
        store.load(to_frames([bad]), pg_url)
    with psycopg.connect(pg_url) as con:
        assert _db_counts(con) == before


# --- Python API -------------------------------------------------------------------------------------

def test_api_extract_one_file():
    plan = plan_extract.extract(TXT[0])
    assert isinstance(plan, Plan) and plan.documents and not plan.errors
    assert plan.source is not None  # the API keeps the source text
    importlib.import_module("plan_extract.extract.targets")  # importing extractors keeps the function
    importlib.import_module("plan_extract.extract.deadlines")
    assert callable(plan_extract.extract) and plan_extract.extract.__module__ == "plan_extract.api"
    with pytest.raises(IsADirectoryError):
        plan_extract.extract(CORPUS / "txt")
    with pytest.raises(FileNotFoundError):
        plan_extract.extract(CORPUS / "no-such-file.txt")
    bad = plan_extract.extract(Path(__file__))  # not a plan: errors, no exception
    assert bad.errors and not bad.documents


def test_api_extract_tables(corpus_tables):
    frames = plan_extract.extract_tables([str(p) for p in TXT])
    assert list(frames) == list(TABLES)
    for t, df in frames.items():
        assert list(df.columns) == columns(t)
        written = pd.read_parquet(corpus_tables / f"{t}.parquet")
        assert len(df) == len(written), t
    assert dataclasses.is_dataclass(TABLES["targets"])
    one = plan_extract.extract_tables(TXT[0])  # a single path works too
    assert len(one["documents"]) >= 1
    missing = plan_extract.extract_tables([CORPUS / "no-such-file.txt"])
    assert list(missing["errors"]["error"]) == ["FileNotFoundError"]


def test_typed_frames_equal_frames_cast_from_objects():
    """``to_frames`` builds each table column by column; it must give exactly the frame of the
    rows cast afterwards (``frame``): same columns, dtypes and values, missing values included."""
    import math

    from plan_extract.pipeline import process
    from plan_extract.tables import TABLES, columns, frame, to_frames

    plans = [process(p) for p in sorted((CORPUS / "txt").glob("*.txt"))[:3]]
    edge = plans[0].targets[0]
    plans[0].targets.append(dataclasses.replace(edge, value=math.nan, value_min=None, target_year=None,
                                                higher_is_better=None, unit=""))
    fast = to_frames(plans)
    for name in TABLES:
        rows = [dataclasses.astuple(r) for p in plans for r in p.table(name)]
        slow = frame(name, rows)
        assert list(fast[name].columns) == columns(name)
        assert fast[name].dtypes.to_dict() == slow.dtypes.to_dict(), name
        assert fast[name].equals(slow), name
    assert fast["targets"]["value"].isna().any() and fast["targets"]["target_year"].isna().any()


def _edge_plans() -> list[Plan]:
    """Three corpus plans with a targets row of awkward values: NaN and None numbers, text with
    commas, quotes, CR/LF, a leading "=" or tab, a lone empty field."""
    import math

    from plan_extract.pipeline import process

    plans = [process(p) for p in sorted((CORPUS / "txt").glob("*.txt"))[:3]]
    edge = plans[0].targets[0]
    plans[0].targets += [
        dataclasses.replace(edge, value=math.nan, value_min=None, value_max=1e-05, target_year=None,
                            higher_is_better=None, unit="", quote='a, "b"\r\nc'),
        dataclasses.replace(edge, value=3, value_min=1.5e16, value_max=-0.0, label="=1+2",
                            indicator="\tx", quote="\r", baseline_year=2025),
    ]
    return plans


def test_csv_and_jsonl_rows_are_the_bytes_pandas_writes(tmp_path):
    """The batch writes CSV and JSON Lines from the record tuples (``write_csv_rows``,
    ``write_jsonl_rows``); the files must be byte for byte those of the typed frames."""
    from plan_extract.tables import table_rows, write_csv_rows, write_jsonl, write_jsonl_rows

    plans = _edge_plans()
    rows, frames = table_rows(plans), to_frames(plans)
    for name in TABLES:
        fast_csv, fast_jsonl = tmp_path / f"{name}.fast.csv", tmp_path / f"{name}.fast.jsonl"
        with open(fast_csv, "w", encoding="utf-8", newline="") as fh:
            write_csv_rows(fh, name, rows[name])
        with open(fast_jsonl, "w", encoding="utf-8", newline="\n") as fh:
            write_jsonl_rows(fh, name, rows[name])
        frames[name].to_csv(tmp_path / f"{name}.csv", index=False, lineterminator="\r\n")
        write_jsonl(frames[name], tmp_path / f"{name}.jsonl")
        assert fast_csv.read_bytes() == (tmp_path / f"{name}.csv").read_bytes(), name
        assert fast_jsonl.read_bytes() == (tmp_path / f"{name}.jsonl").read_bytes(), name
    assert b'"a, ""b""\r\nc"' in (tmp_path / "targets.fast.csv").read_bytes()


def test_batch_files_equal_whole_table_files(tmp_path):
    """A batch written chunk by chunk (``TableWriter``) gives the files ``tables.write`` gives for
    all its plans at once, the BOM only at the top of each CSV."""
    from plan_extract.writer import TableWriter

    plans = _edge_plans()
    w = TableWriter(tmp_path / "chunks", ["csv", "jsonl"], bom=True)
    w.append(plans[:1])
    w.append(plans[1:])
    w.close()
    write(to_frames(plans), tmp_path / "whole", ["csv", "jsonl"], bom=True)
    for name in TABLES:
        for fmt in ("csv", "jsonl"):
            got = (tmp_path / "chunks" / f"{name}.{fmt}").read_bytes()
            assert got == (tmp_path / "whole" / f"{name}.{fmt}").read_bytes(), (name, fmt)
