"""The batch engine: incremental runs, isolation of bad files, reproducible rows, Ctrl-C, Dask."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from plan_extract import batch
from plan_extract.batch import BatchOptions, process_file, run_batch
from plan_extract.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SEEDS = sorted((CORPUS / "txt").glob("*.txt"))[:3]


def _folder(tmp_path: Path, n: int = 3) -> Path:
    d = tmp_path / "plans"
    d.mkdir()
    for p in SEEDS[:n]:
        shutil.copy(p, d / p.name)
    return d


def _table(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)


def test_rerun_processes_only_new_files(tmp_path: Path) -> None:
    d = _folder(tmp_path, 2)
    out = tmp_path / "out"
    files = sorted(d.iterdir())
    r1 = run_batch(files, out, BatchOptions(workers=1))
    assert (r1.processed, r1.cached) == (2, 0)
    shutil.copy(SEEDS[2], d / SEEDS[2].name)
    files = sorted(d.iterdir())
    r2 = run_batch(files, out, BatchOptions(workers=1))
    assert (r2.processed, r2.cached) == (1, 2)
    assert set(_table(out, "documents")["source_path"]) == {str(f) for f in files}
    r3 = run_batch(files, out, BatchOptions(workers=1, force=True))
    assert (r3.processed, r3.cached) == (3, 0)


def test_changed_file_is_processed_again_and_moved_file_keeps_its_rows(tmp_path: Path) -> None:
    d = _folder(tmp_path, 2)
    out = tmp_path / "out"
    run_batch(sorted(d.iterdir()), out, BatchOptions(workers=1))
    first = sorted(d.iterdir())[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    moved = d / "renamed.txt"
    sorted(d.iterdir())[1].rename(moved)
    r = run_batch(sorted(d.iterdir()), out, BatchOptions(workers=1))
    assert (r.processed, r.cached) == (1, 1)
    docs = _table(out, "documents")
    assert str(moved) in set(docs["source_path"])  # a cached result follows the file's new path


def test_same_rows_in_the_same_order_whatever_the_workers(tmp_path: Path) -> None:
    d = _folder(tmp_path, 3)
    files = sorted(d.iterdir())
    run_batch(files, tmp_path / "a", BatchOptions(workers=1, cache=False))
    run_batch(files, tmp_path / "b", BatchOptions(workers=2, cache=False))
    for name in ("documents", "targets", "tasks", "bodies", "deadlines"):
        assert (tmp_path / "a" / f"{name}.csv").read_bytes() == (tmp_path / "b" / f"{name}.csv").read_bytes()


def test_corrupt_file_in_the_middle_is_one_error_row(tmp_path: Path) -> None:
    d = _folder(tmp_path, 2)
    (d / "b-broken.docx").write_bytes(b"PK\x03\x04 this is not a real docx")
    out = tmp_path / "out"
    code = main(["extract", str(d), "--out", str(out), "--quiet", "--workers", "2"])
    assert code == 1
    errors = _table(out, "errors")
    assert list(errors["source_path"]) == [str(d / "b-broken.docx")]
    assert len(_table(out, "documents")) >= 2


def test_time_limit_stops_one_file(tmp_path: Path, monkeypatch) -> None:
    import time

    import plan_extract.pipeline as pipeline

    monkeypatch.setattr(pipeline, "process", lambda path: time.sleep(5))
    plan = process_file(str(SEEDS[0]), timeout=0.3)
    assert [e.stage for e in plan.errors] == ["timeout"]
    assert "too long" in plan.errors[0].message


def test_memory_limit_and_crashed_worker_cost_one_row_each(tmp_path: Path, monkeypatch) -> None:
    import os

    import plan_extract.pipeline as pipeline

    real = pipeline.process

    def greedy(path):
        name = Path(path).name
        if name.startswith("m-"):
            bytearray(3 * 1024 ** 3)  # more than the worker may use
        if name.startswith("x-"):
            os._exit(3)  # the worker dies
        return real(path)

    monkeypatch.setattr(pipeline, "process", greedy)  # worker processes are forked: they see it
    d = _folder(tmp_path, 2)
    shutil.copy(SEEDS[0], d / "m-memory.txt")
    shutil.copy(SEEDS[1], d / "x-crash.txt")
    files = sorted(d.iterdir())
    res = run_batch(files, tmp_path / "out", BatchOptions(workers=2, memory_mb=1536, cache=False))
    errors = _table(tmp_path / "out", "errors")
    stages = dict(zip(errors["source_path"].map(lambda p: Path(p).name), errors["stage"]))
    assert stages == {"m-memory.txt": "memory", "x-crash.txt": "worker"}
    assert res.processed == 4 and res.errors == 2
    good = set(_table(tmp_path / "out", "documents")["source_path"].map(lambda p: Path(p).name))
    assert good == {SEEDS[0].name, SEEDS[1].name}


def test_ctrl_c_leaves_the_tables_of_finished_files(tmp_path: Path) -> None:
    d = _folder(tmp_path, 3)
    seen = []

    def progress(plan, cached):
        seen.append(plan)
        if len(seen) == 2:
            raise KeyboardInterrupt

    res = run_batch(sorted(d.iterdir()), tmp_path / "out", BatchOptions(workers=1), progress=progress)
    assert res.interrupted
    docs = _table(tmp_path / "out", "documents")
    assert len(set(docs["source_path"])) == 2


def test_dask_local_cluster_gives_the_same_rows(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    d = _folder(tmp_path, 3)
    files = sorted(d.iterdir())
    run_batch(files, tmp_path / "local", BatchOptions(workers=1, cache=False))
    run_batch(files, tmp_path / "dask", BatchOptions(workers=2, cache=False, executor="dask"))
    for name in ("documents", "sections", "targets", "tasks", "deadlines", "bodies"):
        assert (tmp_path / "local" / f"{name}.csv").read_bytes() == (tmp_path / "dask" / f"{name}.csv").read_bytes()


def test_streamed_tables_equal_the_whole_batch_tables(tmp_path: Path) -> None:
    """Chunked writing gives the same files as writing all rows at once."""
    from plan_extract.api import extract_plans
    from plan_extract.tables import to_frames, write

    d = _folder(tmp_path, 3)
    files = sorted(d.iterdir())
    run_batch(files, tmp_path / "chunked", BatchOptions(workers=1, cache=False, chunk_files=1),
              formats=["csv", "jsonl", "parquet"])
    write(to_frames(extract_plans(files)), tmp_path / "whole", ["csv", "jsonl"])
    for name in ("documents", "targets", "tasks", "bodies"):
        for fmt in ("csv", "jsonl"):
            assert (tmp_path / "chunked" / f"{name}.{fmt}").read_bytes() == (tmp_path / "whole" / f"{name}.{fmt}").read_bytes()
        got = pd.read_parquet(tmp_path / "chunked" / f"{name}.parquet")
        assert len(got) == len(_table(tmp_path / "chunked", name))


def test_fingerprint_is_stable() -> None:
    assert batch.fingerprint() == batch.fingerprint() and len(batch.fingerprint()) == 16


def test_a_plan_pickles_as_rows_and_comes_back_equal():
    """Plans cross from workers and into the cache pickled as rows of field tuples
    (``Plan.__reduce__``): every table, the path, the hash and the texts come back equal."""
    import pickle

    from plan_extract.model import TABLES
    from plan_extract.pipeline import process

    for path in [*sorted((CORPUS / "txt").glob("*.txt"))[:3], sorted((CORPUS / "pdf").glob("*.pdf"))[0]]:
        plan = process(path)
        back = pickle.loads(pickle.dumps(plan, protocol=pickle.HIGHEST_PROTOCOL))
        assert (back.source_path, back.sha256) == (plan.source_path, plan.sha256)
        for name in TABLES:
            assert getattr(back, name) == getattr(plan, name), name
            assert all(type(a) is type(b) for a, b in zip(getattr(back, name), getattr(plan, name)))
        assert back.norm.text == plan.norm.text and list(back.norm.map.src) == list(plan.norm.map.src)
        assert back.source.text == plan.source.text and back.source.page_starts == plan.source.page_starts
        assert plan.documents and any(r.page for r in plan.targets) == (path.suffix == ".pdf")
