"""Batch runs: many files in, complete tables out, nothing lost.

``run_batch(files, out, options)`` processes files in parallel, each isolated, and writes the
tables as it goes:

* **isolation** — every file runs in a worker process with a time limit (``timeout`` seconds,
  enforced inside the worker) and a memory limit (``memory_mb``, the worker's address space); a
  file that exceeds either, or that kills its worker, becomes one row in ``errors.csv`` and the
  batch goes on. Workers ignore Ctrl-C; the main process stops cleanly instead.
* **incremental** — results are cached per file under ``OUT/.plan_extract/cache``, keyed by the
  file's SHA-256 and a fingerprint of the pipeline (its code and language data), so a re-run only
  processes new or changed files (``force`` redoes all). A file that failed is retried.
* **reproducible** — rows come out in the order of the sorted file list, whatever the workers'
  timing, and IDs derive from content hashes: the same inputs give the same rows.
* **streaming** — tables are appended to their CSV / JSON Lines / Parquet files (and the
  database) one chunk of files at a time, so memory stays flat as the batch grows; the Excel
  workbook, meant for people, is written at the end from the finished Parquet/CSV files.
* **Ctrl-C** — finished files are written (tables and database) and the run ends with a summary
  and exit code 130.
* **executors** — a local process pool (default: all cores) or Dask (``executor="dask"``, a
  scheduler address or a local cluster); both give identical rows.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import signal
import sys
import threading
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

CACHE_DIR = ".plan_extract/cache"
CHUNK_FILES = 200  # files per chunk of rows written to the tables and the database


@dataclass
class BatchOptions:
    workers: int = 0                 # 0: all cores
    timeout: float = 300.0           # seconds per file
    memory_mb: int = 4096            # address-space limit per worker process
    force: bool = False              # ignore the cache
    cache: bool = True               # read and write the cache
    executor: str = "local"          # local | dask
    scheduler: str | None = None     # Dask scheduler address; None: a local cluster
    chunk_files: int = CHUNK_FILES


@dataclass
class BatchResult:
    files: int = 0
    processed: int = 0               # run through the pipeline in this run
    cached: int = 0                  # taken from the cache
    documents: int = 0
    targets: int = 0
    errors: int = 0
    interrupted: bool = False
    seconds: float = 0.0
    written: list[Path] = field(default_factory=list)
    db_summary: str = ""


class FileTimeout(BaseException):
    """Raised inside a worker when a file exceeds its time limit (a BaseException, so the
    pipeline's own error handling does not swallow it)."""


# --- the worker side -------------------------------------------------------------------------

def _init_worker(memory_mb: int) -> None:
    """Worker process set-up: ignore Ctrl-C (the main process decides) and cap memory."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_mb and memory_mb > 0:
        try:
            import resource

            limit = memory_mb * 1024 * 1024
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            if hard == resource.RLIM_INFINITY or limit < hard:
                resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        except (ImportError, ValueError, OSError):  # pragma: no cover - not on this platform
            pass


def _on_alarm(signum, frame) -> None:  # pragma: no cover - exercised through process_file
    raise FileTimeout()


def process_file(path: str, timeout: float = 0.0):
    """Run the pipeline on one file with a time limit; always returns a ``Plan``."""
    from .model import ErrorRecord
    from .model import Plan
    from .pipeline import process

    use_alarm = timeout and timeout > 0 and threading.current_thread() is threading.main_thread()
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        plan = process(path)
    except FileTimeout:
        plan = Plan(path)
        plan.errors.append(ErrorRecord(
            path, "timeout", "FileTimeout",
            f"stopped after {timeout:g} s: the file took too long to process (limit: --timeout)"))
    except MemoryError:
        plan = Plan(path)
        plan.errors.append(ErrorRecord(
            path, "memory", "MemoryError",
            "the file needed more memory than a worker may use (limit: --memory-mb)"))
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
    plan.source = None  # keep what crosses process boundaries and the cache small
    plan.norm = None
    return plan


def _crashed(path: str):
    from .model import ErrorRecord
    from .model import Plan

    plan = Plan(path)
    plan.errors.append(ErrorRecord(
        path, "worker", "WorkerCrashed",
        "the worker process reading this file died (it ran out of memory or crashed); "
        "the rest of the batch was processed"))
    return plan


# --- cache -----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def fingerprint() -> str:
    """Hash of the pipeline's code and language data: a cached result is reused only when both
    are unchanged."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.suffix in (".py", ".yaml", ".json") and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def file_key(path: Path) -> str:
    from .model import file_sha256

    return f"{file_sha256(path)}-{fingerprint()}"


def _cache_path(out: Path, key: str) -> Path:
    return out / CACHE_DIR / key[:2] / f"{key}.pkl"


def _cache_get(out: Path, key: str, path: Path):
    p = _cache_path(out, key)
    try:
        with open(p, "rb") as fh:
            plan = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    if plan.errors:
        return None  # retry files that failed
    _relocate(plan, str(path))
    return plan


def _cache_put(out: Path, key: str, plan) -> None:
    if plan.errors:
        return
    p = _cache_path(out, key)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(f".{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        pickle.dump(plan, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, p)


def _relocate(plan, path: str) -> None:
    """A cached result of the same content found at another path: rows carry the new path."""
    from .model import TABLES

    plan.source_path = path
    for name in TABLES:
        for r in getattr(plan, name):
            if hasattr(r, "source_path"):
                r.source_path = path


# --- executors -------------------------------------------------------------------------------

def _local(files: list[str], opts: BatchOptions, stop: threading.Event) -> Iterator:
    """Plans in file order from a process pool; a crashed worker costs one error row."""
    workers = opts.workers or os.cpu_count() or 1
    if workers == 1:
        for f in files:
            if stop.is_set():
                return
            yield process_file(f, opts.timeout)
        return
    window = max(4, workers * 4)
    pending = deque(files)
    pool = ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(opts.memory_mb,))
    inflight: deque = deque()
    try:
        while pending or inflight:
            while pending and len(inflight) < window and not stop.is_set():
                f = pending.popleft()
                inflight.append((f, pool.submit(process_file, f, opts.timeout)))
            if not inflight:
                return
            f, fut = inflight.popleft()
            try:
                yield fut.result()
            except BrokenProcessPool:
                pool.shutdown(wait=False, cancel_futures=True)
                yield _isolated(f, opts)
                requeue = [g for g, _ in inflight]
                inflight.clear()
                pending.extendleft(reversed(requeue))
                pool = ProcessPoolExecutor(workers, initializer=_init_worker,
                                           initargs=(opts.memory_mb,))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _isolated(f: str, opts: BatchOptions):
    """Retry a file whose pool broke in a process of its own: the culprit gets an error row."""
    with ProcessPoolExecutor(1, initializer=_init_worker, initargs=(opts.memory_mb,)) as pool:
        try:
            return pool.submit(process_file, f, opts.timeout).result()
        except BrokenProcessPool:
            return _crashed(f)


def _dask(files: list[str], opts: BatchOptions, stop: threading.Event) -> Iterator:
    """Plans in file order from a Dask cluster (the scheduler at ``opts.scheduler``, or a local
    cluster of ``opts.workers`` processes)."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - dask is a dependency
        raise RuntimeError("the Dask executor needs the 'distributed' package "
                           "(pip install 'dask[distributed]')") from exc
    cluster = None
    if opts.scheduler:
        client = Client(opts.scheduler)
    else:
        cluster = LocalCluster(n_workers=opts.workers or os.cpu_count() or 1, threads_per_worker=1,
                               processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        window = max(8, 4 * sum(client.nthreads().values()))
        pending = deque(files)
        inflight: deque = deque()
        while pending or inflight:
            while pending and len(inflight) < window and not stop.is_set():
                f = pending.popleft()
                inflight.append((f, client.submit(process_file, f, opts.timeout, pure=False)))
            if not inflight:
                return
            f, fut = inflight.popleft()
            try:
                yield fut.result()
            except Exception:  # noqa: BLE001 - a worker died or the task failed
                yield _crashed(f)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# --- the run ---------------------------------------------------------------------------------

def run_batch(files: Iterable[str | Path], out: str | Path, options: BatchOptions | None = None,
              formats: Iterable[str] = ("csv",), bom: bool = False, db_target=None,
              progress: Callable[[object, bool], None] | None = None) -> BatchResult:
    """Process ``files`` and write the tables (and the database) to ``out``; see module doc.

    ``progress(plan, cached)`` is called once per file, in order. Missing files give an error row.
    """
    from .model import ErrorRecord
    from .model import Plan
    from .writer import TableWriter

    opts = options or BatchOptions()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    res = BatchResult()
    paths = [Path(f) for f in files]
    res.files = len(paths)
    tick = progress or (lambda plan, cached: None)
    writer = TableWriter(out, formats, bom=bom, db_target=db_target)

    # what the cache already holds, and what must run
    keys: dict[int, str] = {}
    ready: dict[int, object] = {}
    todo: list[int] = []
    for i, p in enumerate(paths):
        if not p.exists():
            plan = Plan(str(p))
            plan.errors.append(ErrorRecord(str(p), "read", "FileNotFoundError", "no such file or folder"))
            ready[i] = plan
            continue
        if opts.cache:
            try:
                keys[i] = file_key(p)
            except OSError as exc:
                plan = Plan(str(p))
                plan.errors.append(ErrorRecord(str(p), "read", type(exc).__name__, f"cannot read the file: {exc}"))
                ready[i] = plan
                continue
            if not opts.force:
                hit = _cache_get(out, keys[i], p)
                if hit is not None:
                    ready[i] = hit
                    continue
        todo.append(i)

    stop = threading.Event()
    run = _dask if opts.executor == "dask" else _local
    results = run([str(paths[i]) for i in todo], opts, stop)
    chunk: list = []
    try:
        for i in range(len(paths)):
            if i in ready:
                plan = ready.pop(i)
                cached = i in keys  # from the cache (else a missing or unreadable file)
                res.cached += cached
            else:
                plan = next(results)
                cached = False
                res.processed += 1
                if opts.cache and i in keys:
                    _cache_put(out, keys[i], plan)
            _count(res, plan)
            chunk.append(plan)
            tick(plan, cached)
            if len(chunk) >= opts.chunk_files:
                writer.append(chunk)
                chunk = []
    except KeyboardInterrupt:
        res.interrupted = True
        stop.set()
        print("\nplan-extract: interrupted; writing the tables of the files finished so far",
              file=sys.stderr)
    finally:
        try:
            results.close()
        except Exception:  # noqa: BLE001 - best effort on shutdown
            pass
        writer.append(chunk)
        res.written = writer.close()
        res.db_summary = writer.db_summary
    res.seconds = time.perf_counter() - t0
    return res


def _count(res: BatchResult, plan) -> None:
    res.documents += len(plan.documents)
    res.targets += len(plan.targets)
    res.errors += len(plan.errors)
