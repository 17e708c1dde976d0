"""Readers, one per format, all returning ``SourceDoc``.

``read(path)`` picks the reader by extension (and by content for misnamed files); .doc, .odt and
.rtf are converted through LibreOffice when it is installed.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..model import ReadError, SourceDoc
from .docx import read_docx
from .pdf import read_pdf
from .txt import read_txt

SUPPORTED = {".txt", ".md", ".docx", ".pdf", ".doc", ".odt", ".rtf"}
MAX_BYTES = 100 * 1024 * 1024


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
    with tempfile.TemporaryDirectory() as tmp:
        try:
            subprocess.run([office, "--headless", "--convert-to", "docx", "--outdir", tmp, str(path)],
                           check=True, capture_output=True, timeout=120)
        except (subprocess.SubprocessError, OSError) as exc:
            raise ReadError(f"LibreOffice could not convert the file ({exc})")
        out = Path(tmp) / (path.stem + ".docx")
        if not out.exists():
            raise ReadError("LibreOffice could not convert the file (no output)")
        doc = read_docx(out, out.read_bytes())
    doc.path, doc.format = str(path), path.suffix.lower().lstrip(".")
    return doc
