"""OCR for PDF pages without a usable text layer: Tesseract 5 with its Vietnamese model.

A page is rasterized (pypdfium2, 300 dpi) and cleaned: red ink (a seal) turned white by colour,
the background flattened (photocopies), the page deskewed by a projection-profile search over ±3°,
speckles removed by a median filter. The grey image goes to ``tesseract … --psm 4 tsv``, which
binarizes it for its layout analysis and gives every word with its box and confidence.

Words are then cleaned by the rules of ``lang/vi/ocr.yaml``, each with its examples: specks and
bullet blots, letters read for digits inside numbers, decimal commas cut off, the slash of
"Số: /KH-UBND", roman numerals of headings (as a sequence), tone-mark slips on proper names
(against the document's own spelling). A Tesseract line is cut at wide gaps into *fragments*, and
``reading_order`` puts two-column blocks (the header, the signature block) left column first.
``read/pdf.py`` assembles those lines as it assembles the text runs of a born-digital PDF, then
``place_words`` finds every word in the assembled text: the ``OcrLayer`` maps any source span back
to its page, its box and the confidence of its words (``confidence``).

Environment (read here, so that it crosses process pools and Dask workers unchanged):

* ``PLAN_EXTRACT_OCR``: ``auto`` (default: OCR the pages whose text layer is empty or garbage and
  that draw something), ``always`` (OCR every page), ``never`` (no OCR: an image-only PDF is an
  error, as before).
* ``PLAN_EXTRACT_OCR_CACHE``: the page cache folder (default ``~/.cache/plan_extract/ocr``);
  ``off`` disables it. ``PLAN_EXTRACT_OCR_DPI``: the rendering resolution (default 300).

The cache holds Tesseract's TSV per page, keyed by the SHA-256 of the PDF's bytes, the page index,
the resolution, Tesseract's version, the language model's size and ``PREPROCESS_VERSION``: a
re-run of the same file reads it instead of running Tesseract again (repairs and layout, which are
cheap, run again, so changing a rule needs no new OCR).
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import os
import shutil
import subprocess
import time
import unicodedata
from dataclasses import dataclass, field, fields
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Iterable, NamedTuple, Sequence

import regex as re

from ..lang import load
from ..model import ReadError, SourceDoc

MODES = ("auto", "always", "never")
LANG = "vie"
PACKAGES = "tesseract-ocr tesseract-ocr-vie"
PREPROCESS_VERSION = 3    # bump when preprocessing or word handling changes: invalidates the cache
DEFAULT_DPI = 300
TIMEOUT = 180             # seconds for one page
MIN_PAGE_CHARS = 20       # fewer non-space characters: the page's text layer is empty
MAX_BAD_SHARE = 0.3       # more "(cid:" / replacement / private-use characters: garbage
MIN_MEAN_CONF = 75.0      # below: also try another page segmentation mode and keep the better
MISSING = ("OCR needs Tesseract 5 with its Vietnamese model ({what}); install the Debian packages "
           f"{PACKAGES} (apt-get install {PACKAGES}), or set PLAN_EXTRACT_OCR=never to skip OCR")


# --- records -------------------------------------------------------------------------------------

class WordSpan(NamedTuple):
    """One OCR word in the document text: ``text[start:end]``, on 1-based ``page``, inside the box
    ``x0, y0, x1, y1`` (PDF points from the page's top-left corner), read with ``conf`` (0–100)."""

    start: int
    end: int
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    conf: float


class Repair(NamedTuple):
    """A repaired span of the document text: the rule that changed it and what Tesseract read."""

    start: int
    end: int
    rule: str
    raw: str


@dataclass(frozen=True, slots=True)
class OcrWord:
    """A word as read on a page (box in PDF points from the top-left corner)."""

    text: str
    conf: float
    x0: float
    y0: float
    x1: float
    y1: float
    line: tuple[int, int, int] = (0, 0, 0)   # Tesseract's (block, paragraph, line)
    raw: str = ""                            # Tesseract's text when a rule changed it
    rule: str = ""


@dataclass(frozen=True, slots=True)
class Fragment:
    """Words of one printed line with no wide gap between them; ``text`` joins them by spaces."""

    words: tuple[OcrWord, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) in PDF points from the page's top-left corner."""
        return (min(w.x0 for w in self.words), min(w.y0 for w in self.words),
                max(w.x1 for w in self.words), max(w.y1 for w in self.words))


@dataclass
class OcrPage:
    """One page as OCR read it: ``index`` is 0-based, sizes in PDF points."""

    index: int
    width: float
    height: float
    fragments: list[Fragment]
    dpi: int
    psm: int
    angle: float          # degrees the page was rotated to deskew it
    seconds: float        # rendering, preprocessing and Tesseract; 0 when read from the cache
    cached: bool


@dataclass
class OcrLayer:
    """What OCR adds to a document: every word's span, box and confidence, and every repair."""

    words: list[WordSpan]
    pages: list[int]                      # 1-based pages that were read by OCR
    dpi: int
    engine: str                           # e.g. "tesseract 5.3.0 vie"
    seconds: float
    cached_pages: int
    repairs: list[Repair] = field(default_factory=list)

    def mean_confidence(self) -> float | None:
        return _mean(w.conf for w in self.words)

    @cached_property
    def starts(self) -> list[int]:
        return [w.start for w in self.words]

    @cached_property
    def ends(self) -> list[int]:
        return [w.end for w in self.words]


@dataclass
class OcrSourceDoc(SourceDoc):
    """A ``SourceDoc`` with its OCR layer (``SourceDoc`` has slots, so the layer rides here)."""

    ocr: OcrLayer | None = None


def with_layer(doc: SourceDoc, layer: OcrLayer) -> OcrSourceDoc:
    """``doc`` with ``doc.ocr = layer``."""
    return OcrSourceDoc(**{f.name: getattr(doc, f.name) for f in fields(SourceDoc)}, ocr=layer)


def confidence(layer: OcrLayer | None, start: int, end: int) -> float | None:
    """Mean confidence (0–100) of the OCR words overlapping the source span ``[start, end)``, or
    None when no OCR word does (text-layer pages, other formats).

    >>> layer = OcrLayer([WordSpan(0, 4, 1, 0, 0, 9, 9, 90.0), WordSpan(5, 9, 1, 10, 0, 19, 9, 70.0)],
    ...                  [1], 300, "tesseract", 0.0, 0)
    >>> confidence(layer, 2, 7), confidence(layer, 0, 3), confidence(layer, 20, 30)
    (80.0, 90.0, None)
    """
    if layer is None:
        return None
    return _mean(w.conf for w in _overlapping(layer, start, end))


def box(layer: OcrLayer | None, start: int, end: int) -> tuple[int, float, float, float, float] | None:
    """(page, x0, y0, x1, y1): where the source span ``[start, end)`` was printed — the box around
    its OCR words on the page of the first one (a span running onto the next page keeps its first
    page), in PDF points from that page's top-left corner; None when no OCR word overlaps it.

    >>> layer = OcrLayer([WordSpan(0, 4, 1, 10, 20, 40, 30, 90.0), WordSpan(5, 9, 1, 45, 21, 80, 31, 70.0),
    ...                   WordSpan(10, 14, 2, 10, 5, 30, 15, 80.0)], [1, 2], 300, "tesseract", 0.0, 0)
    >>> box(layer, 2, 12), box(layer, 11, 12), box(layer, 20, 30)
    ((1, 10, 20, 80, 31), (2, 10, 5, 30, 15), None)
    """
    if layer is None:
        return None
    words = _overlapping(layer, start, end)
    if not words:
        return None
    page = words[0].page
    on = [w for w in words if w.page == page]
    return (page, min(w.x0 for w in on), min(w.y0 for w in on), max(w.x1 for w in on),
            max(w.y1 for w in on))


def _overlapping(layer: OcrLayer, start: int, end: int) -> list[WordSpan]:
    """Words overlapping ``[start, end)`` (words are sorted and disjoint: a bisection finds them)."""
    from bisect import bisect_left, bisect_right

    lo = bisect_right(layer.ends, start)           # first word ending after start
    hi = bisect_left(layer.starts, max(end, start + 1))  # words starting before end
    return layer.words[lo:hi]


def _mean(values: Iterable[float]) -> float | None:
    vals = list(values)
    return round(sum(vals) / len(vals), 2) if vals else None


# --- mode, engine, garbage text layers -------------------------------------------------------------

def ocr_mode() -> str:
    """The OCR mode from ``PLAN_EXTRACT_OCR`` (auto, always, never; default auto)."""
    mode = os.environ.get("PLAN_EXTRACT_OCR", "auto").strip().lower() or "auto"
    if mode not in MODES:
        raise ReadError(f"PLAN_EXTRACT_OCR={mode!r} is not an OCR mode: use auto, always or never")
    return mode


_ODD_CHARS = re.compile("[\ufffd\ue000-\uf8ff]")  # replacement and private-use characters


def unusable_text(text: str) -> bool:
    """Whether a page's text layer is empty or garbage, so that OCR should read the page instead.

    Garbage: fewer than ``MIN_PAGE_CHARS`` visible characters; more than ``MAX_BAD_SHARE`` of them
    in "(cid:N)" markers, replacement or private-use characters; or words that mostly are not
    Vietnamese syllables (a font without a Unicode map).

    >>> unusable_text(""), unusable_text("(cid:3)(cid:4)(cid:5)(cid:6)")
    (True, True)
    >>> unusable_text("Céng hoµ x· héi chñ nghÜa")  # TCVN3 bytes shown through a Latin font
    True
    >>> unusable_text("Ủy ban nhân dân phường Kiến An ban hành kế hoạch")
    False
    """
    from .legacy import syllable_score

    visible = "".join(text.split())
    if len(visible) < MIN_PAGE_CHARS:
        return True
    cid = sum(len(m) for m in re.findall(r"\(cid:\d+\)", visible))
    odd = len(_ODD_CHARS.findall(visible))
    if (cid + odd) / len(visible) > MAX_BAD_SHARE:
        return True
    return syllable_score(text) < 0


@dataclass(frozen=True)
class Engine:
    exe: str
    version: str
    model: str            # the language model's file and size: part of the cache key

    @property
    def name(self) -> str:
        return f"tesseract {self.version} {LANG}"


def engine() -> Engine:
    """Tesseract on PATH with the Vietnamese model, or a ReadError naming the Debian packages."""
    exe = shutil.which("tesseract")
    if exe is None:
        raise ReadError(MISSING.format(what="the tesseract program is not on PATH"))
    return _engine_at(exe, os.environ.get("TESSDATA_PREFIX", ""))


@lru_cache(maxsize=8)
def _engine_at(exe: str, tessdata_prefix: str) -> Engine:
    try:
        ver = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        raise ReadError(MISSING.format(what=f"tesseract could not be run: {exc}"))
    m = re.search(r"tesseract\s+v?(\d+)\.(\d+)\.(\d+)", ver.stdout + ver.stderr)
    if not m:
        raise ReadError(MISSING.format(what="`tesseract --version` gave no version"))
    if int(m.group(1)) < 4:
        raise ReadError(MISSING.format(what=f"tesseract {m.group(0).split()[-1]} is too old"))
    listing = langs.stdout + langs.stderr
    if LANG not in listing.split():
        raise ReadError(MISSING.format(what=f"the '{LANG}' language model is not installed"))
    folder = re.search(r'"([^"]+)"', listing)
    model = Path(folder.group(1) if folder else "") / f"{LANG}.traineddata"
    size = model.stat().st_size if model.exists() else 0
    return Engine(exe, ".".join(m.groups()), f"{model.name}:{size}")


# --- preprocessing --------------------------------------------------------------------------------

def drop_red(rgb: "np.ndarray") -> "np.ndarray":
    """Grayscale (uint8) of an RGB page with red ink — a seal, a red stamp — turned white.

    Black text under the seal stays dark: only pixels clearly redder than they are green or
    blue are cleared.

    >>> import numpy as np
    >>> drop_red(np.array([[[200, 40, 50], [20, 20, 20], [250, 250, 250]]], dtype=np.uint8)).tolist()
    [[255, 20, 250]]
    """
    import numpy as np

    r, g, b = (rgb[..., k].astype(np.int32) for k in range(3))
    gray = (299 * r + 587 * g + 114 * b) // 1000
    gray[(r - np.maximum(g, b) > 40) & (r > 90)] = 255
    return gray.astype(np.uint8)


def flatten_background(gray: "np.ndarray") -> "np.ndarray":
    """Divide by an estimate of the paper's brightness (a blurred max filter), so that a shaded
    photocopy or uneven lighting becomes white paper before a single threshold is chosen."""
    import numpy as np
    from PIL import Image, ImageFilter

    img = Image.fromarray(gray)
    small = img.reduce(8).filter(ImageFilter.MaxFilter(7)).filter(ImageFilter.BoxBlur(4))
    bg = np.asarray(small.resize(img.size, Image.BILINEAR), dtype=np.float32)
    out = gray.astype(np.float32) * 255.0 / np.maximum(bg, 1.0)
    return np.clip(out, 0, 255).astype(np.uint8)


def otsu(gray: "np.ndarray") -> int:
    """Otsu's threshold of a uint8 image: the level that best splits ink from paper.

    >>> import numpy as np
    >>> 20 <= otsu(np.array([20] * 50 + [230] * 50, dtype=np.uint8)) < 230
    True
    """
    import numpy as np

    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    p = hist / max(1.0, hist.sum())
    w = np.cumsum(p)
    mu = np.cumsum(p * np.arange(256))
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mu[-1] * w - mu) ** 2 / (w * (1.0 - w))
    return int(np.nanargmax(between))


def skew_angle(ink: "np.ndarray", limit: float = 3.0) -> float:
    """Degrees to rotate a page (counter-clockwise, as PIL's ``rotate``) to level its text lines,
    found by a projection-profile search: the angle whose row profile of ink pixels is sharpest
    (largest sum of squares), first in 0.2° steps over ±``limit``, then in 0.02° steps.

    ``ink`` is a boolean image (True = ink); a page without ink gives 0.
    """
    import numpy as np

    ys, xs = np.nonzero(ink)
    if len(xs) < 50:
        return 0.0
    if len(xs) > 400_000:  # a sample is enough for a profile
        pick = np.random.default_rng(0).choice(len(xs), 400_000, replace=False)
        xs, ys = xs[pick], ys[pick]
    xs = xs.astype(np.float64) - ink.shape[1] / 2
    ys = ys.astype(np.float64)

    def sharpness(deg: float) -> float:
        rows = np.round(ys - xs * math.tan(math.radians(deg))).astype(np.int64)
        rows -= rows.min()
        return float((np.bincount(rows).astype(np.float64) ** 2).sum())

    best = max(np.arange(-limit, limit + 1e-9, 0.2), key=sharpness)
    best = max(np.arange(best - 0.2, best + 0.2 + 1e-9, 0.02), key=sharpness)
    # ink on a line that falls to the right (y grows with x) needs a counter-clockwise turn
    return round(float(best), 2)


def preprocess(image: "Image.Image") -> tuple["Image.Image", float]:
    """A rendered page → (cleaned grayscale image for Tesseract, deskew angle in degrees).

    The image stays grayscale: Tesseract binarizes it itself for its layout analysis, but its
    LSTM recognizer reads the grey levels, and tone marks (the hook of "ẩ" against the acute of
    "ấ") survive there better than in any global threshold (word errors 2.6% binarized, 1.0% grey
    on the Kiến An scan). Otsu's threshold still decides what is ink for the skew search.
    """
    import numpy as np
    from PIL import Image, ImageFilter

    gray = flatten_background(drop_red(np.asarray(image.convert("RGB"))))
    img = Image.fromarray(gray)
    angle = skew_angle(np.asarray(img.reduce(2)) < otsu(gray))
    if abs(angle) >= 0.05:
        img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    return img.filter(ImageFilter.MedianFilter(3)), angle


# --- Tesseract ------------------------------------------------------------------------------------

def run_tesseract(image: "Image.Image", psm: int, dpi: int, eng: Engine | None = None) -> str:
    """Tesseract's TSV for one page image (one thread: faster than OpenMP on a busy machine)."""
    eng = eng or engine()
    buf = io.BytesIO()
    image.save(buf, format="PPM")  # PGM: no compression to wait for
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    cmd = [eng.exe, "stdin", "stdout", "-l", LANG, "--psm", str(psm), "--dpi", str(dpi), "tsv"]
    try:
        proc = subprocess.run(cmd, input=buf.getvalue(), capture_output=True, timeout=TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        raise ReadError(f"OCR: Tesseract did not read a page within {TIMEOUT} s")
    except OSError as exc:
        raise ReadError(MISSING.format(what=f"tesseract could not be run: {exc}"))
    if proc.returncode != 0:
        lines = [ln for ln in proc.stderr.decode(errors="replace").splitlines() if ln.strip()]
        raise ReadError(f"OCR: Tesseract failed (exit code {proc.returncode}: "
                        f"{lines[-1] if lines else 'no message'})")
    return proc.stdout.decode("utf-8", errors="replace")


class TsvWord(NamedTuple):
    text: str
    conf: float
    left: int
    top: int
    width: int
    height: int
    line: tuple[int, int, int]


def parse_tsv(tsv: str) -> list[TsvWord]:
    """The words (level 5 rows with text) of Tesseract's TSV, in its reading order, NFC.

    >>> row = "5\\t1\\t2\\t1\\t3\\t1\\t10\\t20\\t30\\t40\\t96.5\\tKiến"
    >>> parse_tsv("level\\n" + row)
    [TsvWord(text='Kiến', conf=96.5, left=10, top=20, width=30, height=40, line=(2, 1, 3))]
    """
    out = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        text = unicodedata.normalize("NFC", cols[11].strip())
        out.append(TsvWord(text, float(cols[10]), int(cols[6]), int(cols[7]), int(cols[8]),
                           int(cols[9]), (int(cols[2]), int(cols[3]), int(cols[4]))))
    return out


def page_score(words: Sequence[TsvWord]) -> float:
    """How well a page was read: the summed confidence of words with a letter or digit (more words
    read, and read surely, is better)."""
    return sum(w.conf for w in words if any(ch.isalnum() for ch in w.text))


def read_page_image(image: "Image.Image", dpi: int, eng: Engine) -> tuple[str, int, float]:
    """(TSV, psm, angle) for a rendered page.

    psm 4 (one column of lines of varying size) first: these plans are one column of text, and
    the two-column header and signature block come back from the word boxes (``fragments``, then
    the column split of ``read/pdf.py``). psm 3 (automatic page layout) dropped list numbers
    ("1." at a paragraph's indent) as image specks. When a page is read with low confidence (a
    table, an unusual layout), psm 3 is tried too and the better reading kept.
    """
    img, angle = preprocess(image)
    tsv, psm = run_tesseract(img, 4, dpi, eng), 4
    words = parse_tsv(tsv)
    conf = _mean(w.conf for w in words if any(ch.isalnum() for ch in w.text))
    if conf is None or conf < MIN_MEAN_CONF:
        other = run_tesseract(img, 3, dpi, eng)
        if page_score(parse_tsv(other)) > page_score(words):
            tsv, psm = other, 3
    return tsv, psm, angle


# --- cache ------------------------------------------------------------------------------------

def cache_folder(cache_dir: str | Path | None = None) -> Path | None:
    """The page cache folder: ``cache_dir``, else ``PLAN_EXTRACT_OCR_CACHE``, else
    ``~/.cache/plan_extract/ocr``; None when the setting is ``off``."""
    setting = str(cache_dir) if cache_dir is not None else os.environ.get("PLAN_EXTRACT_OCR_CACHE", "")
    if setting.strip().lower() in ("off", "none", "0", "false"):
        return None
    if setting.strip():
        return Path(setting).expanduser()
    return Path.home() / ".cache" / "plan_extract" / "ocr"


def page_key(pdf_sha256: str, index: int, dpi: int, eng: Engine) -> str:
    """The cache key of one page: what decides Tesseract's output for it."""
    parts = [pdf_sha256, str(index), str(dpi), eng.version, eng.model, LANG, str(PREPROCESS_VERSION)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _cache_get(folder: Path | None, key: str) -> dict[str, Any] | None:
    if folder is None:
        return None
    try:
        return json.loads((folder / key[:2] / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _cache_put(folder: Path | None, key: str, entry: dict[str, Any]) -> None:
    if folder is None:
        return
    path = folder / key[:2] / f"{key}.json"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)  # atomic: parallel workers never read half a file
    except OSError:
        pass  # a read-only cache folder only costs time


# --- words: from pixels to page points, noise, repairs, fragments ---------------------------------

def _lines(words: Sequence[OcrWord]) -> list[list[OcrWord]]:
    """Words grouped by Tesseract's line, in reading order."""
    lines: dict[tuple[int, int, int], list[OcrWord]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    return list(lines.values())


def to_page_words(words: Sequence[TsvWord], width_px: int, height_px: int, angle: float,
                  scale: float) -> list[OcrWord]:
    """Tesseract's boxes (pixels of the deskewed image) → boxes on the page in PDF points from its
    top-left corner, undoing the deskew rotation (the box of the rotated-back corners)."""
    cx, cy = width_px / 2, height_px / 2
    rad = math.radians(angle)
    cos, sin = math.cos(rad), math.sin(rad)

    def back(x: float, y: float) -> tuple[float, float]:
        # PIL's rotate(angle) turns the picture counter-clockwise; this turns a point back
        dx, dy = x - cx, y - cy
        return cx + dx * cos - dy * sin, cy + dx * sin + dy * cos

    out = []
    for w in words:
        corners = [back(x, y) for x in (w.left, w.left + w.width) for y in (w.top, w.top + w.height)]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        out.append(OcrWord(w.text, w.conf, min(xs) / scale, min(ys) / scale, max(xs) / scale,
                           max(ys) / scale, w.line))
    return out


def drop_noise(words: Sequence[OcrWord]) -> list[OcrWord]:
    """Drop specks read as words: a word without letters or digits, or of one or two characters
    read with confidence under 60, that stands apart (more than a line height) from every word
    with letters or digits in its line. Words a rule made (a bullet) stay."""
    line_of = {id(w): line for line in _lines(words) for w in line}
    out = []
    for w in words:
        weak = not any(ch.isalnum() for ch in w.text) or (len(w.text) <= 2 and w.conf < 60)
        if weak and not w.rule:
            solid = [o for o in line_of[id(w)] if o is not w and any(ch.isalnum() for ch in o.text)]
            height = max([o.y1 - o.y0 for o in solid] + [w.y1 - w.y0, 1.0])
            if not any(_hgap(w, o) <= height for o in solid):
                continue
        out.append(w)
    return out


def _hgap(a: OcrWord, b: OcrWord) -> float:
    return max(a.x0 - b.x1, b.x0 - a.x1, 0.0)


def fragments(words: Sequence[OcrWord], gap: float = 1.5) -> list[Fragment]:
    """Tesseract's lines cut where the space between two words exceeds ``gap`` times the line's
    typical word height (a gutter between columns, not a justified space)."""
    out = []
    for line in _lines(words):
        line = sorted(line, key=lambda w: w.x0)
        heights = sorted(w.y1 - w.y0 for w in line)
        limit = gap * heights[len(heights) // 2]
        run = [line[0]]
        for w in line[1:]:
            if w.x0 - run[-1].x1 > limit:
                out.append(Fragment(tuple(run)))
                run = []
            run.append(w)
        out.append(Fragment(tuple(run)))
    return out


class Row(NamedTuple):
    """One line of a page in reading order: its fragments left to right, and whether it belongs
    to a two-column block (the reader then starts a paragraph at it)."""

    fragments: tuple[Fragment, ...]
    column_block: bool


def reading_order(frags: Sequence[Fragment], min_gutter: float = 10.0) -> list[Row]:
    """A page's fragments as lines in reading order, two-column blocks left column first.

    Fragments that overlap vertically form a row. A row with a gap inside the page's text (two
    fragments apart) opens a two-column block — the header (issuer and number | motto, place and
    date) or the signature block (recipients | signer) —; the rows above and below it that leave
    the same gutter free (at least ``min_gutter`` points wide) join it. The block's left column
    is emitted top to bottom, then its right column; other rows keep their order.
    """
    rows = _rows(frags)
    if not rows:
        return []
    left = min(f.box[0] for f in frags)
    right = max(f.box[2] for f in frags)
    free = [_free(row, left, right) for row in rows]
    out: list[Row] = []
    done = i = 0
    while i < len(rows):
        gutters = _wide([(a, b) for a, b in free[i] if a > left and b < right], min_gutter)
        if not gutters:
            i += 1
            continue
        start = i
        while start > done and _wide(_intersect(gutters, free[start - 1]), min_gutter):
            start -= 1
            gutters = _wide(_intersect(gutters, free[start]), min_gutter)
        stop = i + 1
        while stop < len(rows) and _wide(_intersect(gutters, free[stop]), min_gutter):
            gutters = _wide(_intersect(gutters, free[stop]), min_gutter)
            stop += 1
        out.extend(Row(tuple(row), False) for row in rows[done:start])
        out.extend(_emit_band(rows[start:stop], gutters))
        done = i = stop
    out.extend(Row(tuple(row), False) for row in rows[done:])
    return out


def _rows(frags: Sequence[Fragment]) -> list[list[Fragment]]:
    rows: list[list[Fragment]] = []
    for f in sorted(frags, key=lambda f: (f.box[1], f.box[0])):
        for row in rows[-3:]:
            top, bottom = min(g.box[1] for g in row), max(g.box[3] for g in row)
            overlap = min(bottom, f.box[3]) - max(top, f.box[1])
            if overlap > 0.5 * min(f.box[3] - f.box[1], bottom - top):
                row.append(f)
                break
        else:
            rows.append([f])
    return [sorted(r, key=lambda f: f.box[0]) for r in rows]


def _free(row: Sequence[Fragment], left: float, right: float) -> list[tuple[float, float]]:
    """The x intervals of [left, right] that no fragment of the row covers."""
    out, x = [], left
    for f in row:
        if f.box[0] > x:
            out.append((x, f.box[0]))
        x = max(x, f.box[2])
    if x < right:
        out.append((x, right))
    return out


def _intersect(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(max(p, r), min(q, s)) for p, q in a for r, s in b if max(p, r) < min(q, s)]


def _wide(intervals: list[tuple[float, float]], width: float) -> list[tuple[float, float]]:
    return [(p, q) for p, q in intervals if q - p >= width]


def _emit_band(band: list[list[Fragment]], gutters: list[tuple[float, float]]) -> list[Row]:
    """A run of rows: left column then right column when some row has text on both sides of a
    gutter, else the rows as they are."""
    for lo, hi in sorted(gutters, key=lambda g: g[0] - g[1]):  # widest gutter first
        if any(any(f.box[2] <= lo for f in row) and any(f.box[0] >= hi for f in row) for row in band):
            lefts = [tuple(f for f in row if f.box[2] <= lo) for row in band]
            rights = [tuple(f for f in row if f.box[0] >= hi) for row in band]
            return [Row(r, True) for r in lefts + rights if r]
    return [Row(tuple(row), False) for row in band]


# repairs (data in lang/vi/ocr.yaml) --------------------------------------------------------------

@lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    return load("ocr")


@lru_cache(maxsize=1)
def _number_run() -> "re.Pattern[str]":
    letters = "".join(re.escape(ch) for ch in _rules()["digits"]["letters"])
    unit = rf"[\d{letters}]"
    return re.compile(rf"(?<![\p{{L}}\d]){unit}(?:{unit}|[.,](?={unit}))*(?![\p{{L}}\d])")


def fix_digits(word: str) -> str:
    """Letters read for digits inside a number (``lang/vi/ocr.yaml`` ``digits``).

    >>> fix_digits("2O26"), fix_digits("l36/KH-UBND"), fix_digits("lO"), fix_digits("I.")
    ('2026', '136/KH-UBND', 'lO', 'I.')
    """
    table = _rules()["digits"]["letters"]

    def repl(m: "re.Match[str]") -> str:
        run = m.group()
        digits = sum(ch.isdigit() for ch in run)
        letters = sum(ch in table for ch in run)
        grouped = re.fullmatch(r"\d{1,3}(?:\.[^.,]{3})+(?:,[^.,]+)?", run) is not None
        if not letters or not digits or (digits < letters and not grouped):
            return run
        return "".join(table.get(ch, ch) for ch in run)

    return _number_run().sub(repl, word)


def join_decimal(left: str, right: str, gap_ratio: float) -> str | None:
    """The joined word when ``left`` and ``right`` are one number cut at its decimal comma, else
    None (``lang/vi/ocr.yaml`` ``decimal_comma``).

    >>> join_decimal("157.628,", "1", 0.1), join_decimal("2025,", "1", 0.45)
    ('157.628,1', None)
    """
    spec = _rules()["decimal_comma"]
    if gap_ratio > spec["max_gap"]:
        return None
    for pair in spec["pairs"]:
        if re.search(pair["left"], left) and re.search(pair["right"], right):
            return left + right
    return None


def is_bullet(text: str, conf: float, width: float, height: float, gap: float,
              line_height: float) -> bool:
    """Whether the first word of a line is a bullet glyph misread (``lang/vi/ocr.yaml`` ``bullets``).

    >>> is_bullet("se", 49.4, 19, 19, 59, 45), is_bullet("a", 96.0, 22, 28, 15, 45)
    (True, False)
    """
    spec = _rules()["bullets"]
    unit = max(line_height, 1e-6)
    aspect = width / max(height, 1e-6)
    return (conf < spec["max_conf"] and not any(ch.isdigit() for ch in text)
            and height <= spec["max_height"] * unit and width <= spec["max_width"] * unit
            and spec["min_aspect"] <= aspect <= spec["max_aspect"]
            and spec["min_gap"] * unit <= gap <= spec["max_gap"] * unit)


def mark_bullets(words: Sequence[OcrWord]) -> list[OcrWord]:
    """Line-initial bullet glyphs misread as letters become the bullet symbol; marks read inside
    the bullet's tab are dropped."""
    spec = _rules()["bullets"]
    swap: dict[int, OcrWord | None] = {}
    for line in _lines(words):
        first = line[0]
        solid = [w for w in line[1:] if any(ch.isalnum() for ch in w.text)]
        if not solid or first.text == spec["symbol"]:
            continue
        heights = sorted(w.y1 - w.y0 for w in solid)
        junk = [w for w in line[1:line.index(solid[0])]
                if not any(ch.isalnum() for ch in w.text) and w.conf < spec["tab_junk_conf"]]
        if len(junk) != line.index(solid[0]) - 1:
            continue  # something real stands between the first word and the text
        if is_bullet(first.text, first.conf, first.x1 - first.x0, first.y1 - first.y0,
                     (junk[0] if junk else solid[0]).x0 - first.x1, heights[len(heights) // 2]):
            swap[id(first)] = _replace(first, spec["symbol"], spec["name"])
            swap.update({id(w): None for w in junk})
    out = [swap.get(id(w), w) for w in words]
    return [w for w in out if w is not None]


def _roman_value(numeral: str) -> int | None:
    """The value of a well-formed roman numeral from I to XXXIX, else None.

    >>> _roman_value("III"), _roman_value("IV"), _roman_value("IIII"), _roman_value("VX")
    (3, 4, None, None)
    """
    m = re.fullmatch(r"(X{0,3})(IX|IV|V?I{0,3})", numeral)
    if not numeral or not m:
        return None
    tail = {"": 0, "I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9}
    return 10 * len(m.group(1)) + tail[m.group(2)] or None


def _roman(n: int) -> str:
    ones = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"]
    return "X" * (n // 10) + ones[n % 10]


def fix_roman_sequence(tokens: Sequence[str]) -> list[str]:
    """Heading numerals of a document, in order, with misread ones set from their neighbours
    (``lang/vi/ocr.yaml`` ``roman_headings``).

    >>> fix_roman_sequence(["I.", "I.", "HI.", "IV.", "V."])
    ['I.', 'II.', 'III.', 'IV.', 'V.']
    >>> fix_roman_sequence(["III.", "IV.", "I.", "II."])
    ['III.', 'IV.', 'I.', 'II.']
    """
    spec = _rules()["roman_headings"]
    parts = [re.match(spec["token"], t) for t in tokens]
    raw = [_roman_value(m.group(1)) if m else None for m in parts]
    mapped = [_roman_value("".join(spec["letters"].get(ch, ch) for ch in m.group(1))) if m else None
              for m in parts]
    out, values = list(tokens), list(raw)
    for k, m in enumerate(parts):
        if m is None:
            continue
        prev = values[k - 1] if k else None
        nxt = (raw[k + 1] or mapped[k + 1]) if k + 1 < len(tokens) else None
        if prev is not None and nxt is not None and nxt == prev + 2:
            want = prev + 1          # both neighbours agree
        elif prev is not None and mapped[k] == prev + 1:
            want = prev + 1          # the strokes, read as strokes, give the next number
        else:
            continue
        if raw[k] != want:
            out[k] = _roman(want) + m.group(2)
        values[k] = want
    return out


def fix_roman_headings(pages: Sequence[list[OcrWord]]) -> list[list[OcrWord]]:
    """The roman numerals of a document's headings (first words of lines followed by a capitalised
    word) repaired as a sequence across its OCR pages."""
    spec = _rules()["roman_headings"]
    cands: list[OcrWord] = []
    for page in pages:
        for line in _lines(page):
            if len(line) > 1 and re.match(spec["token"], line[0].text) and line[1].text[:1].isupper():
                cands.append(line[0])
    fixed = {id(w): _replace(w, t, spec["name"])
             for w, t in zip(cands, fix_roman_sequence([w.text for w in cands])) if t != w.text}
    return [[fixed.get(id(w), w) for w in page] for page in pages]


def fix_number_slash(prev: str, word: str) -> str:
    """The slash of "Số: /KH-UBND" put back (``lang/vi/ocr.yaml`` ``number_slash``).

    >>> fix_number_slash("Số:", "KH-UBND"), fix_number_slash("Số:", "136/KH-UBND")
    ('/KH-UBND', '136/KH-UBND')
    """
    spec = _rules()["number_slash"]
    if re.match(spec["after"], prev) and re.match(spec["symbol"], word):
        return "/" + word
    return word


def repair_words(words: Sequence[OcrWord]) -> list[OcrWord]:
    """Per-word repairs on a page's words, in order: letters read for digits inside numbers, the
    slash of "Số: /KH-UBND", and decimal commas cut off (the two words become one, whose box
    covers both and whose confidence is the lower one)."""
    rules = _rules()
    out: list[OcrWord] = []
    for w in words:
        fixed = fix_digits(w.text)
        if fixed != w.text:
            w = _replace(w, fixed, rules["digits"]["name"])
        prev = out[-1] if out and out[-1].line == w.line else None
        if prev is None:
            out.append(w)
            continue
        slashed = fix_number_slash(prev.text, w.text)
        if slashed != w.text:
            w = _replace(w, slashed, rules["number_slash"]["name"])
        joined = _joined(prev, w)
        if joined is not None:
            out[-1] = joined
        else:
            out.append(w)
    return out


def _joined(prev: OcrWord, w: OcrWord) -> OcrWord | None:
    """``prev`` and ``w`` as one word when they are one number cut at its decimal comma; digits
    misread as letters are judged inside the whole number ("157.628," + "l")."""
    height = max(1e-6, min(prev.y1 - prev.y0, w.y1 - w.y0))
    right = fix_digits(prev.text + w.text)[len(prev.text):]
    text = join_decimal(prev.text, right, max(0.0, w.x0 - prev.x1) / height)
    if text is None:
        return None
    rule = _rules()["decimal_comma"]["name"]
    if right != w.text:
        rule = f"{rule}+{_rules()['digits']['name']}"
    return OcrWord(text, min(prev.conf, w.conf), prev.x0, min(prev.y0, w.y0), max(prev.x1, w.x1),
                   max(prev.y1, w.y1), prev.line, (prev.raw or prev.text) + " " + (w.raw or w.text),
                   f"{prev.rule}+{rule}" if prev.rule else rule)


def _replace(w: OcrWord, text: str, rule: str) -> OcrWord:
    return OcrWord(text, w.conf, w.x0, w.y0, w.x1, w.y1, w.line, w.raw or w.text,
                   f"{w.rule}+{rule}" if w.rule else rule)


def bare(text: str) -> str:
    """A matching key without any diacritic, đ read as d, lower case: ``"Kiến An"`` → ``"kien an"``.

    >>> bare("PHƯỜNG KIỂN AN"), bare("Đoanh")
    ('phuong kien an', 'doanh')
    """
    nfd = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in nfd if not unicodedata.combining(ch)).lower()


_TITLE = re.compile(r"^\p{Lu}\p{Ll}*$")
_EDGE = re.compile(r"^(\P{L}*)(\p{L}+)(\P{L}*)$")


def name_spellings(texts: Iterable[Sequence[str]], min_words: int = 2) -> dict[str, dict[str, int]]:
    """Runs of title-case words (and their sub-runs of ``min_words`` or more) in lines of words,
    counted by spelling under their ``bare`` key.

    >>> name_spellings([["phường", "Kiến", "An,", "thành", "phố", "Hải", "Phòng"]])
    {'kien an': {'Kiến An': 1}, 'hai phong': {'Hải Phòng': 1}}
    """
    counts: dict[str, dict[str, int]] = {}

    def flush(run: list[str]) -> None:
        for n in range(min_words, len(run) + 1):
            for i in range(len(run) - n + 1):
                name = " ".join(run[i:i + n])
                spellings = counts.setdefault(bare(name), {})
                spellings[name] = spellings.get(name, 0) + 1

    for line in texts:
        run: list[str] = []
        for token in line:
            m = _EDGE.match(token)
            title = m is not None and _TITLE.match(m.group(2)) is not None
            if not title or (run and m.group(1)):  # a plain word, or punctuation before: run ends
                flush(run)
                run = []
            if title:
                run.append(m.group(2))
                if m.group(3):  # punctuation after the word ends the run with it
                    flush(run)
                    run = []
        flush(run)
    return counts


def unambiguous_names(counts: dict[str, dict[str, int]]) -> dict[str, str]:
    """``bare`` key → the one spelling the document uses for it (``lang/vi/ocr.yaml`` ``names``)."""
    spec = _rules()["names"]
    out = {}
    for key, spellings in counts.items():
        best, n = max(spellings.items(), key=lambda kv: kv[1])
        if n >= spec["min_count"] and n / sum(spellings.values()) >= spec["min_share"]:
            out[key] = best
    return out


def respell(tokens: Sequence[str], names: dict[str, str]) -> list[str]:
    """Tokens of one line with runs that are a known name but for their diacritics respelt after
    it, in the run's case (all caps or title case); other tokens unchanged.

    >>> respell(["PHƯỜNG", "KIỂN", "AN"], {"kien an": "Kiến An"})
    ['PHƯỜNG', 'KIẾN', 'AN']
    >>> respell(["An", "Dưong,", "ngày"], {"an duong": "An Dương"})
    ['An', 'Dương,', 'ngày']
    """
    out = list(tokens)
    sizes = sorted({len(k.split()) for k in names}, reverse=True)
    i = 0
    while i < len(out):
        for n in sizes:
            window = out[i:i + n]
            parts = [_EDGE.match(t) for t in window]
            if len(window) < n or not all(parts) or any(p.group(1) for p in parts[1:]) \
                    or any(p.group(3) for p in parts[:-1]):
                continue
            cores = [p.group(2) for p in parts]
            name = names.get(bare(" ".join(cores)))
            if name is None or name == " ".join(cores):
                continue
            if all(c.isupper() for c in cores):
                target = name.upper().split()
            elif all(_TITLE.match(c) for c in cores):
                target = name.split()
            else:
                continue
            if [bare(t) for t in target] != [bare(c) for c in cores] or target == cores:
                continue
            for k, (p, t) in enumerate(zip(parts, target)):
                out[i + k] = p.group(1) + t + p.group(3)
            i += n - 1
            break
        i += 1
    return out


def repair_names(pages: Sequence[list[OcrWord]], context: str = "") -> list[list[OcrWord]]:
    """Tone slips on proper names across a document's OCR pages, against the spellings the same
    document uses (its OCR words, plus ``context``: the text of its text-layer pages)."""
    spec = _rules()["names"]
    lines = [[w.text for w in line] for page in pages for line in _lines(page)]
    lines += [ln.split() for ln in context.splitlines()]
    names = unambiguous_names(name_spellings(lines, spec["min_words"]))
    if not names:
        return [list(p) for p in pages]
    out = []
    for page in pages:
        fixed: dict[int, OcrWord] = {}
        for line in _lines(page):
            new = respell([w.text for w in line], names)
            for w, t in zip(line, new):
                if t != w.text:
                    fixed[id(w)] = _replace(w, t, spec["name"])
        out.append([fixed.get(id(w), w) for w in page])
    return out


# --- the document ---------------------------------------------------------------------------------

def ocr_pdf(path: str | Path, data: bytes | None = None, pages: Sequence[int] | None = None,
            dpi: int = DEFAULT_DPI, cache_dir: str | Path | None = None,
            context: str = "") -> list[OcrPage]:
    """OCR the 0-based ``pages`` of a PDF (all when None): one ``OcrPage`` each, its words repaired
    and cut into fragments. Raises ReadError when Tesseract or its Vietnamese model is missing.
    ``context`` is text of the same document read otherwise (for the spelling of names)."""
    import pypdfium2 as pdfium

    eng = engine()
    data = Path(path).read_bytes() if data is None else data
    sha = hashlib.sha256(data).hexdigest()
    folder = cache_folder(cache_dir)
    pdf = pdfium.PdfDocument(data)
    try:
        wanted = list(range(len(pdf))) if pages is None else list(pages)
        read = [_read_page(pdf, i, sha, dpi, eng, folder) for i in wanted]
    finally:
        pdf.close()
    repaired = repair_names(fix_roman_headings([words for _, words in read]), context)
    for (page, _), words in zip(read, repaired):
        page.fragments = fragments(words) if words else []
    return [page for page, _ in read]


def _read_page(pdf: Any, index: int, sha: str, dpi: int, eng: Engine,
               folder: Path | None) -> tuple[OcrPage, list[OcrWord]]:
    """One page's words (noise dropped, per-word repairs done), from the cache or from Tesseract."""
    t0 = time.perf_counter()
    page = pdf[index]
    width, height = page.get_size()
    key = page_key(sha, index, dpi, eng)
    entry = _cache_get(folder, key)
    cached = entry is not None
    if entry is None:
        image = page.render(scale=dpi / 72).to_pil()
        tsv, psm, angle = read_page_image(image, dpi, eng)
        entry = {"tsv": tsv, "psm": psm, "angle": angle, "size": list(image.size),
                 "engine": eng.name, "dpi": dpi}
        _cache_put(folder, key, entry)
    page.close()
    words = to_page_words(parse_tsv(entry["tsv"]), *entry["size"], entry["angle"], dpi / 72)
    words = repair_words(drop_noise(mark_bullets(words)))
    seconds = 0.0 if cached else time.perf_counter() - t0
    return OcrPage(index, width, height, [], dpi, entry["psm"], entry["angle"], seconds, cached), words


def place_words(text: str, lines: Iterable[tuple[str, Sequence[Fragment]]],
                pages: dict[int, int]) -> tuple[list[WordSpan], list[Repair]]:
    """Find every OCR word in the assembled ``text``.

    ``lines`` are the lines in the order the reader emitted them, each as (its text, its OCR
    fragments left to right — none for a text-layer line); ``pages`` maps ``id(fragment)`` to its
    1-based page. Lines are found one after another, words inside their line, so every span is
    exact: ``text[w.start:w.end]`` is the word.
    """
    spans: list[WordSpan] = []
    repairs: list[Repair] = []
    pos = 0
    for line_text, frags in lines:
        at = text.find(line_text, pos) if line_text else -1
        if at < 0:
            continue
        cursor, end = at, at + len(line_text)
        for frag in frags:
            for w in frag.words:
                s = text.find(w.text, cursor, end)
                if s < 0:
                    continue
                e = s + len(w.text)
                spans.append(WordSpan(s, e, pages[id(frag)], round(w.x0, 2), round(w.y0, 2),
                                      round(w.x1, 2), round(w.y1, 2), round(w.conf, 2)))
                if w.rule:
                    repairs.append(Repair(s, e, w.rule, w.raw))
                cursor = e
        pos = end
    return spans, repairs


def layer_of(pages: Sequence[OcrPage], spans: list[WordSpan], repairs: list[Repair]) -> OcrLayer:
    """The document's ``OcrLayer`` from its OCR pages and their placed words."""
    return OcrLayer(spans, [p.index + 1 for p in pages], pages[0].dpi if pages else 0, engine().name,
                    round(sum(p.seconds for p in pages), 2), sum(p.cached for p in pages), repairs)


def summary(layer: OcrLayer) -> str:
    """One line for ``SourceDoc.warnings``: which pages OCR read, how surely, how fast."""
    pages = layer.pages
    done = len(pages) - layer.cached_pages
    speed = f", {layer.seconds / done:.1f} s a page" if done else ""
    return (f"ocr: {len(pages)} page(s) read by {layer.engine} at {layer.dpi} dpi "
            f"({layer.cached_pages} from the cache{speed}); mean word confidence "
            f"{layer.mean_confidence() or 0:.1f}; {len(layer.repairs)} repair(s)")


def ocr_dpi() -> int:
    """Rendering resolution: ``PLAN_EXTRACT_OCR_DPI`` (72–600), default 300."""
    raw = os.environ.get("PLAN_EXTRACT_OCR_DPI", "").strip()
    if not raw:
        return DEFAULT_DPI
    try:
        dpi = int(raw)
    except ValueError:
        raise ReadError(f"PLAN_EXTRACT_OCR_DPI={raw!r} is not a number of dots per inch")
    if not 72 <= dpi <= 600:
        raise ReadError(f"PLAN_EXTRACT_OCR_DPI={dpi}: use a resolution from 72 to 600")
    return dpi
