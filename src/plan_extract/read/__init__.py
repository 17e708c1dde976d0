"""Readers, one per format, all returning ``SourceDoc``.

``read(path)`` picks the reader by extension (and by content for misnamed files); .doc, .odt and
.rtf are converted through LibreOffice when it is installed.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..model import ReadError, SourceDoc
from .docx import read_docx
from .pdf import read_pdf
from .txt import read_txt

SUPPORTED = {".txt", ".md", ".docx", ".pdf", ".doc", ".odt", ".rtf"}
MAX_BYTES = 100 * 1024 * 1024
LIBREOFFICE_TIMEOUT = 120  # seconds for one conversion


def read(path: str | Path) -> SourceDoc:
    """Read one file into the common document model, or raise ``ReadError`` with a clear message."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in SUPPORTED:
        raise ReadError(f"unsupported file type '{ext or '(none)'}': plan_extract reads "
                        ".txt, .md, .docx, .pdf (and .doc, .odt, .rtf with LibreOffice)")
    size = path.stat().st_size
    if size == 0:
        raise ReadError("empty file (0 bytes)")
    if size > MAX_BYTES:
        raise ReadError(f"file too large ({size // 1_000_000} MB; the limit is {MAX_BYTES // 1_000_000} MB)")
    data = path.read_bytes()
    if ext in (".txt", ".md"):
        return read_txt(path, data)
    if ext == ".docx":
        return read_docx(path, data)
    if ext == ".pdf":
        return read_pdf(path, data)
    return _via_libreoffice(path)


def _via_libreoffice(path: Path) -> SourceDoc:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise ReadError(f"{path.suffix} files need LibreOffice to be converted, and it is not "
                        "installed (Debian: apt-get install libreoffice-writer)")
    with tempfile.TemporaryDirectory(prefix="plan_extract_lo_") as tmp:
        out = libreoffice_to_docx(office, path, Path(tmp))
        doc = read_docx(out, out.read_bytes())
    doc.path, doc.format = str(path), path.suffix.lower().lstrip(".")
    return doc


def libreoffice_to_docx(office: str, path: Path, workdir: Path) -> Path:
    """Convert ``path`` to .docx under ``workdir`` and return the new file, or raise ReadError.

    Each call runs LibreOffice with its own profile in ``workdir`` (so it works while another
    LibreOffice is open, and with a read-only HOME), and kills its whole process group when it
    takes longer than ``LIBREOFFICE_TIMEOUT`` seconds.
    """
    outdir = workdir / "out"
    cmd = [office, f"-env:UserInstallation={(workdir / 'profile').resolve().as_uri()}", "--headless",
           "--norestore", "--nologo", "--nolockcheck", "--convert-to", "docx", "--outdir", str(outdir),
           str(path.resolve())]
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    except OSError as exc:
        raise ReadError(f"LibreOffice could not be started ({exc})")
    try:
        stdout, stderr = proc.communicate(timeout=LIBREOFFICE_TIMEOUT)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise ReadError(f"LibreOffice did not convert the file within {LIBREOFFICE_TIMEOUT} s")
    produced = sorted(outdir.glob("*.docx"))
    if proc.returncode != 0 or not produced:
        lines = [ln for ln in (stderr + stdout).decode(errors="replace").splitlines()
                 if ln.strip() and "javaldx" not in ln]
        detail = lines[-1].strip() if lines else "no output"
        raise ReadError(f"LibreOffice could not convert the file (exit code {proc.returncode}: {detail})")
    return produced[0]


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.communicate()
