"""OCR of scanned PDFs (read/ocr.py): generated scans give the tables of their text, every OCR word
maps back to a page and a box, the page cache spares Tesseract on a re-run, a missing engine is one
clear error, and the repair rules of lang/vi/ocr.yaml hold on their own examples.

The generated pages are small (one page, 8.27 × 7.2 in) so the suite stays fast; the two scanned
seed plans are checked on the corpus run that tests/conftest.py makes once per session.
"""
from __future__ import annotations

import doctest
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from plan_extract.lang import load
from plan_extract.model import ReadError
from plan_extract.pipeline import process
from plan_extract.read import ocr, read

from conftest import CORPUS, ROOT

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None,
    reason="Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-vie)")

RULES = load("ocr")
FONTS = Path("/usr/share/fonts/truetype/dejavu")

# --- a generated plan: its text, and scans of it ----------------------------------------------

PAGE_IN = (8.27, 7.2)
LEFT, RIGHT, FULL, BODY = (0.7, 3.3), (3.6, 7.6), (0.7, 7.6), 0.9
LINES = [  # (column or left edge in inches, top in inches, text, bold)
    (LEFT, 0.6, "ỦY BAN NHÂN DÂN", False), (RIGHT, 0.6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True),
    (LEFT, 0.9, "PHƯỜNG KIẾN AN", True), (RIGHT, 0.9, "Độc lập - Tự do - Hạnh phúc", True),
    (LEFT, 1.2, "Số: 136/KH-UBND", False), (RIGHT, 1.2, "Kiến An, ngày 23 tháng 12 năm 2025", False),
    (FULL, 1.7, "KẾ HOẠCH", True),
    (FULL, 2.0, "Phát triển kinh tế - xã hội phường Kiến An năm 2026", True),
    (BODY, 2.5, "I. CÁC CHỈ TIÊU CHỦ YẾU", True),
    (BODY, 2.8, "(1) Thu ngân sách nhà nước trên địa bàn đạt 578,77 tỷ đồng.", False),
    (BODY, 3.1, "(2) Tỷ lệ hộ nghèo giảm còn dưới 1%.", False),
    (BODY, 3.4, "(3) Trồng mới ít nhất 1.000 cây xanh trên địa bàn phường Kiến An.", False),
    (LEFT, 4.0, "Nơi nhận:", True), (RIGHT, 4.0, "TM. ỦY BAN NHÂN DÂN", True),
    (LEFT, 4.3, "- Thường trực Đảng ủy;", False), (RIGHT, 4.3, "CHỦ TỊCH", True),
    (LEFT, 4.6, "- Lưu: VT.", False), (RIGHT, 5.4, "Nguyễn Phong Doanh", True),
]

def _reading_order(lines=LINES) -> str:
    """The same plan as a text file: two-column rows left column first, as a reader reads it."""
    out, band = [], {LEFT: [], RIGHT: []}
    for where, _, text, _ in lines:
        if where in band:
            band[where].append(text)
            continue
        out += band[LEFT] + band[RIGHT] + [text]
        band = {LEFT: [], RIGHT: []}
    return "\n".join(out + band[LEFT] + band[RIGHT])


TEXT = _reading_order()
FIELDS = ["doc_type", "number", "symbol", "issuer", "issue_date", "date_precision", "title",
          "signer", "signer_title", "signer_authority", "plan_year"]
VARIANTS = {  # the issue's variants: tilt up to 2°, 150–300 dpi, a seal over the signature, a photocopy
    "tilt-1.5-300dpi-grain-seal": dict(dpi=300, angle=1.5, noise=12.0, seal=True),
    "tilt-1-150dpi": dict(dpi=150, angle=-1.0, noise=8.0),
    "photocopy-tilt-2-300dpi": dict(dpi=300, angle=-2.0, photocopy=True),
}


def _x(where, text: str, font, draw, dpi: int) -> float:
    if isinstance(where, tuple):  # centred in a column, as the header and signature tables are
        return (where[0] + where[1]) / 2 * dpi - draw.textlength(text, font=font) / 2
    return where * dpi


def scan(dpi: int, angle: float = 0.0, noise: float = 0.0, seal: bool = False,
         photocopy: bool = False, seed: int = 0) -> Image.Image:
    """The plan of ``LINES`` printed in DejaVu Serif 12 pt and scanned at ``dpi``: turned by
    ``angle`` degrees, with grain, a red seal stamped over the signature, or a photocopy's grey,
    uneven background, specks and blur."""
    img = Image.new("RGB", (int(PAGE_IN[0] * dpi), int(PAGE_IN[1] * dpi)), "white")
    draw = ImageDraw.Draw(img)
    fonts = {b: ImageFont.truetype(str(FONTS / ("DejaVuSerif-Bold.ttf" if b else "DejaVuSerif.ttf")),
                                   int(12 * dpi / 72)) for b in (False, True)}
    for where, top, text, bold in LINES:
        draw.text((_x(where, text, fonts[bold], draw, dpi), top * dpi), text, font=fonts[bold],
                  fill=(20, 20, 20))
    if seal:  # stamp ink darkens the text under it, never hides it: multiply
        stamp = Image.new("RGB", img.size, "white")
        s = ImageDraw.Draw(stamp)
        cx, cy, r = 5.6 * dpi, 5.0 * dpi, 0.75 * dpi
        for rr, width in ((r, 0.05 * dpi), (0.8 * r, 0.02 * dpi)):
            s.ellipse((cx - rr, cy - rr, cx + rr, cy + rr), outline=(215, 40, 45), width=int(width))
        s.text((cx - 0.55 * dpi, cy - 0.1 * dpi), "UBND PHƯỜNG", font=fonts[True], fill=(215, 40, 45))
        img = ImageChops.multiply(img, stamp)
    if angle:
        img = img.rotate(angle, resample=Image.BICUBIC, fillcolor="white")
    rng = np.random.default_rng(seed)
    a = np.asarray(img).astype(np.float32)
    if photocopy:
        gray = a.mean(axis=2, keepdims=True)
        a = 70 + 0.62 * gray + np.linspace(0, 40, a.shape[1])[None, :, None]
        a[rng.random(a.shape[:2]) < 0.002] = 30
        a = np.repeat(a.mean(axis=2, keepdims=True), 3, axis=2)
    if noise:
        a = a + rng.normal(0, noise, a.shape)
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    if photocopy:
        img = img.filter(ImageFilter.GaussianBlur(0.6 * dpi / 300))
    return img


@pytest.fixture(scope="module")
def scans(tmp_path_factory) -> dict[str, Path]:
    """Each variant as an image-only PDF, plus the plan as text."""
    folder = tmp_path_factory.mktemp("scans")
    out = {}
    for name, spec in VARIANTS.items():
        spec = dict(spec)
        dpi = spec.pop("dpi")
        out[name] = folder / f"{name}.pdf"
        scan(dpi, **spec).save(out[name], "PDF", resolution=dpi)
    out["txt"] = folder / "plan.txt"
    out["txt"].write_text(TEXT, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def ocr_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("ocr-cache")


@pytest.fixture(autouse=True)
def _ocr_env(monkeypatch, ocr_cache):
    """Tests run in auto mode with their own page cache (never the user's ~/.cache)."""
    monkeypatch.setenv("PLAN_EXTRACT_OCR", "auto")
    monkeypatch.setenv("PLAN_EXTRACT_OCR_CACHE", str(ocr_cache))
    monkeypatch.delenv("PLAN_EXTRACT_OCR_DPI", raising=False)


@pytest.fixture(scope="module")
def plans(scans, ocr_cache):
    """Each scan through the whole pipeline once (the module's tests share the results)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("PLAN_EXTRACT_OCR_CACHE", str(ocr_cache))
    mp.setenv("PLAN_EXTRACT_OCR", "auto")
    try:
        return {name: process(path) for name, path in scans.items()}
    finally:
        mp.undo()


# --- generated scans: the same tables as the text ---------------------------------------------

@needs_tesseract
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_scan_gives_the_metadata_and_targets_of_the_text(plans, variant):
    text, scanned = plans["txt"], plans[variant]
    assert not scanned.errors, scanned.errors
    assert isinstance(scanned.source, ocr.OcrSourceDoc) and scanned.source.ocr is not None
    want, got = text.documents[0], scanned.documents[0]
    assert [getattr(got, f) for f in FIELDS] == [getattr(want, f) for f in FIELDS]
    assert (got.number, got.issue_date, got.signer) == ("136", "2025-12-23", "Nguyễn Phong Doanh")
    assert [(t.value, t.unit, t.comparator) for t in scanned.targets] == \
        [(t.value, t.unit, t.comparator) for t in text.targets] == \
        [(578.77e9, "đồng", "="), (1.0, "%", "<"), (1000.0, "cây", ">=")]


@needs_tesseract
def test_the_header_comes_back_left_column_first(plans):
    text = plans["tilt-1.5-300dpi-grain-seal"].source.text
    order = ["ỦY BAN NHÂN DÂN", "PHƯỜNG KIẾN AN", "Số: 136/KH-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA",
             "Độc lập - Tự do - Hạnh phúc", "Kiến An, ngày 23 tháng 12 năm 2025", "KẾ HOẠCH"]
    assert [text.index(s) for s in order] == sorted(text.index(s) for s in order)
    tail = text[text.index("Nơi nhận"):]
    assert tail.index("Lưu") < tail.index("TM. ỦY BAN NHÂN DÂN") < tail.index("Nguyễn Phong Doanh")


@needs_tesseract
def test_the_red_seal_is_not_read(plans):
    text = plans["tilt-1.5-300dpi-grain-seal"].source.text
    assert "UBND PHƯỜNG" not in text.upper().replace("\n", " ")
    assert "CHỦ TỊCH\n\nNguyễn Phong Doanh" in text


@needs_tesseract
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_ocr_word_is_grounded_on_its_page(plans, variant):
    doc = plans[variant].source
    layer = doc.ocr
    assert layer.pages == [1] and layer.dpi == ocr.DEFAULT_DPI
    width, height = PAGE_IN[0] * 72, PAGE_IN[1] * 72
    covered = [False] * len(doc.text)
    for w in layer.words:
        word = doc.text[w.start:w.end]
        assert word and not any(ch.isspace() for ch in word)
        assert w.page == 1 and 0 <= w.conf <= 100
        assert -5 <= w.x0 < w.x1 <= width + 5 and -5 <= w.y0 < w.y1 <= height + 5
        covered[w.start:w.end] = [True] * (w.end - w.start)
    assert all(c or ch.isspace() for c, ch in zip(covered, doc.text)), "text no OCR word accounts for"
    starts = [w.start for w in layer.words]
    assert starts == sorted(starts)
    for r in layer.repairs:
        assert doc.text[r.start:r.end] and r.raw


@needs_tesseract
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_word_box_is_where_the_word_was_printed(plans, variant):
    """The box of "578,77" on the page (deskew undone) against where the generator drew it."""
    spec = VARIANTS[variant]
    doc = plans[variant].source
    (w,) = [w for w in doc.ocr.words if doc.text[w.start:w.end] == "578,77"]
    font = ImageFont.truetype(str(FONTS / "DejaVuSerif.ttf"), 12)
    line = LINES[9][2]
    x = BODY * 72 + font.getlength(line[:line.index("578,77")]) + font.getlength("578,77") / 2
    y = 2.8 * 72 + 8  # the digits' middle, 12 pt type drawn from the line's top
    cx, cy, a = PAGE_IN[0] * 36, PAGE_IN[1] * 36, np.radians(spec["angle"])
    # where PIL's rotate(angle) (counter-clockwise on screen) took that point
    ex = cx + (x - cx) * np.cos(a) + (y - cy) * np.sin(a)
    ey = cy - (x - cx) * np.sin(a) + (y - cy) * np.cos(a)
    assert abs((w.x0 + w.x1) / 2 - ex) < 6 and abs((w.y0 + w.y1) / 2 - ey) < 6


@needs_tesseract
def test_confidence_of_a_target_span(plans):
    plan = plans["tilt-1.5-300dpi-grain-seal"]
    target = plan.targets[0]
    conf = ocr.confidence(plan.source.ocr, target.start, target.end)
    assert conf is not None and 50 <= conf <= 100
    assert ocr.confidence(None, target.start, target.end) is None
    assert ocr.confidence(plan.source.ocr, len(plan.source.text) + 10, len(plan.source.text) + 20) is None


@needs_tesseract
def test_every_record_of_a_scan_carries_page_confidence_and_box(plans):
    """Each row of every table from an OCR page names its page, the mean confidence of its words
    and the box they were printed in; the box holds the record's words."""
    plan = plans["tilt-1.5-300dpi-grain-seal"]
    layer = plan.source.ocr
    width, height = PAGE_IN[0] * 72, PAGE_IN[1] * 72
    rows = [r for name in ("documents", "sections", "references", "targets", "tasks", "deadlines",
                           "bodies") for r in plan.table(name)]
    assert len(plan.targets) == 3 and plan.bodies and rows
    for r in rows:
        assert r.page == 1, r
        assert r.ocr_conf is not None and 0 < r.ocr_conf <= 100, r
        x0, y0, x1, y1 = map(float, r.ocr_box.split())
        assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height, r
        for w in ocr._overlapping(layer, r.start, r.end):
            assert x0 <= w.x0 and w.x1 <= x1 and y0 <= w.y0 and w.y1 <= y1
    # the targets are printed one under the other, in order
    tops = [float(t.ocr_box.split()[1]) for t in plan.targets]
    assert tops == sorted(tops)


def test_text_pdf_records_have_pages_but_no_ocr_fields():
    plan = process(CORPUS / "pdf" / "kien-an-2026-kh-136-phat-trien-ktxh.pdf")
    assert plan.targets and all(t.page and t.ocr_conf is None and t.ocr_box == "" for t in plan.targets)
    assert plan.targets[-1].page > plan.targets[0].page
    assert max(t.page for t in plan.tasks) == plan.documents[0].pages
    txt = process(CORPUS / "txt" / "kien-an-2026-kh-136-phat-trien-ktxh.txt")
    assert all(t.page is None and t.ocr_conf is None for t in txt.targets)


@needs_tesseract
def test_scans_on_a_dask_cluster_give_the_rows_of_the_local_run(scans, tmp_path, monkeypatch):
    """OCR runs inside the Dask workers (each run with a cold page cache of its own) and the tables
    are byte for byte those of the local run."""
    pytest.importorskip("distributed")
    from plan_extract.batch import BatchOptions, run_batch

    files = [scans[v] for v in VARIANTS]
    for name, executor in (("local", "local"), ("dask", "dask")):
        monkeypatch.setenv("PLAN_EXTRACT_OCR_CACHE", str(tmp_path / f"cache-{name}"))
        res = run_batch(files, tmp_path / name, BatchOptions(workers=2, cache=False, executor=executor))
        assert res.errors == 0 and res.documents == len(files)
        assert list((tmp_path / f"cache-{name}").rglob("*.json")), "OCR did not run in this run"
    for table in ("documents", "sections", "targets", "tasks", "deadlines", "bodies"):
        assert (tmp_path / "local" / f"{table}.csv").read_bytes() == (tmp_path / "dask" / f"{table}.csv").read_bytes()


# --- cache, engine, modes ----------------------------------------------------------------------

@needs_tesseract
def test_a_rerun_reads_the_page_cache_and_never_calls_tesseract(scans, tmp_path, monkeypatch):
    path = scans["tilt-1-150dpi"]
    first = ocr.ocr_pdf(path, cache_dir=tmp_path)
    assert [p.cached for p in first] == [False] and list(tmp_path.rglob("*.json"))
    ocr.engine()  # the engine check is memoized: the second run needs no subprocess at all

    def no_tesseract(*args, **kwargs):
        raise AssertionError(f"Tesseract was called on a cached page: {args[0] if args else kwargs}")

    monkeypatch.setattr(subprocess, "run", no_tesseract)
    second = ocr.ocr_pdf(path, cache_dir=tmp_path)
    assert [p.cached for p in second] == [True] and second[0].seconds == 0.0
    assert [f.text for f in second[0].fragments] == [f.text for f in first[0].fragments]


def test_cache_folder_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_EXTRACT_OCR_CACHE", str(tmp_path / "c"))
    assert ocr.cache_folder() == tmp_path / "c"
    assert ocr.cache_folder(tmp_path / "d") == tmp_path / "d"
    monkeypatch.setenv("PLAN_EXTRACT_OCR_CACHE", "off")
    assert ocr.cache_folder() is None
    monkeypatch.delenv("PLAN_EXTRACT_OCR_CACHE")
    assert ocr.cache_folder() == Path.home() / ".cache" / "plan_extract" / "ocr"


def test_missing_tesseract_is_one_error_naming_the_packages(scans, monkeypatch):
    real = shutil.which
    monkeypatch.setattr(shutil, "which",
                        lambda name, *a, **k: None if name == "tesseract" else real(name, *a, **k))
    plan = process(scans["tilt-1-150dpi"])
    assert not plan.documents and len(plan.errors) == 1
    err = plan.errors[0]
    assert err.error == "ReadError" and "tesseract-ocr tesseract-ocr-vie" in err.message
    assert "PLAN_EXTRACT_OCR=never" in err.message and "Traceback" not in err.message


@needs_tesseract
def test_missing_vietnamese_model_is_one_error_naming_the_packages(scans, tmp_path, monkeypatch):
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))  # a tessdata folder without vie.traineddata
    plan = process(scans["tilt-1-150dpi"])
    assert len(plan.errors) == 1
    assert "'vie' language model" in plan.errors[0].message
    assert "tesseract-ocr tesseract-ocr-vie" in plan.errors[0].message


def test_mode_never_keeps_the_scanned_error(scans, monkeypatch):
    monkeypatch.setenv("PLAN_EXTRACT_OCR", "never")
    plan = process(scans["tilt-1-150dpi"])
    assert len(plan.errors) == 1 and "scanned: no text layer" in plan.errors[0].message


def test_an_unknown_mode_is_an_error(scans, monkeypatch):
    monkeypatch.setenv("PLAN_EXTRACT_OCR", "sometimes")
    plan = process(scans["tilt-1-150dpi"])
    assert "PLAN_EXTRACT_OCR='sometimes'" in plan.errors[0].message


def test_text_pdfs_are_not_ocred():
    doc = read(CORPUS / "pdf" / "kien-an-2026-kh-136-phat-trien-ktxh.pdf")
    assert not isinstance(doc, ocr.OcrSourceDoc) and not any(w.startswith("ocr:") for w in doc.warnings)


@needs_tesseract
def test_mode_always_reads_a_text_pdf_page_by_ocr(monkeypatch, tmp_path):
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(CORPUS / "pdf" / "kien-an-2026-kh-136-phat-trien-ktxh.pdf"))
    one = pdfium.PdfDocument.new()
    one.import_pages(src, [9])  # the last page: the signature block
    one.save(str(tmp_path / "last.pdf"))
    monkeypatch.setenv("PLAN_EXTRACT_OCR", "always")
    doc = read(tmp_path / "last.pdf")
    assert doc.ocr.pages == [1]
    text = doc.text
    assert text.index("Nơi nhận") < text.index("TM. ỦY BAN NHÂN DÂN") < text.index("Nguyễn Phong Doanh")


# --- preprocessing and layout, without Tesseract -------------------------------------------------

@pytest.mark.parametrize("angle", [-2.0, -0.7, 0.0, 1.5])
def test_skew_angle_levels_the_lines(angle):
    img = Image.new("L", (1200, 900), 255)
    draw = ImageDraw.Draw(img)
    for y in range(100, 800, 40):
        draw.rectangle((100, y, 1100, y + 12), fill=0)
    tilted = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    assert abs(ocr.skew_angle(np.asarray(tilted) < 128) + angle) < 0.1


def _frag(text: str, x0: float, y0: float, x1: float, y1: float) -> ocr.Fragment:
    return ocr.Fragment((ocr.OcrWord(text, 95.0, x0, y0, x1, y1),))


def test_reading_order_puts_two_column_blocks_left_first():
    frags = [
        _frag("UBND", 80, 40, 210, 52), _frag("CỘNG HÒA", 260, 42, 550, 56),
        _frag("PHƯỜNG", 85, 60, 205, 72), _frag("Độc lập", 310, 62, 500, 75),
        _frag("Số: 1/KH", 90, 82, 200, 94),
        _frag("KẾ HOẠCH", 265, 120, 340, 134),
        _frag("Phát triển kinh tế - xã hội", 120, 142, 480, 156),
        _frag("Body line crossing the middle", 80, 170, 550, 184),
        _frag("Nơi nhận:", 80, 200, 160, 212), _frag("TM. ỦY BAN", 330, 200, 500, 212),
        _frag("- Lưu: VT.", 80, 220, 150, 232), _frag("Nguyễn Văn A", 340, 280, 480, 292),
    ]
    rows = ocr.reading_order(frags)
    texts = [" | ".join(f.text for f in r.fragments) for r in rows]
    assert texts == ["UBND", "PHƯỜNG", "Số: 1/KH", "CỘNG HÒA", "Độc lập", "KẾ HOẠCH",
                     "Phát triển kinh tế - xã hội", "Body line crossing the middle",
                     "Nơi nhận:", "- Lưu: VT.", "TM. ỦY BAN", "Nguyễn Văn A"]
    assert [r.column_block for r in rows] == [True] * 6 + [False, False] + [True] * 4


def test_noise_and_bullets_on_a_line():
    line = (1, 1, 1)
    words = [ocr.OcrWord("s®", 30.0, 90, 100, 94.6, 104.6, line),       # bullet blot, 19 px at 300 dpi
             ocr.OcrWord("-", 20.0, 101, 95, 105, 110, line),            # a mark in the tab
             ocr.OcrWord("Tập", 97.0, 108, 96, 128, 108, line),
             ocr.OcrWord("trung", 97.0, 132, 97, 159, 108, line),
             ocr.OcrWord("`", 40.0, 400, 97, 403, 99, line)]             # a speck far off
    out = ocr.drop_noise(ocr.mark_bullets(words))
    assert [w.text for w in out] == ["•", "Tập", "trung"]
    assert out[0].rule == RULES["bullets"]["name"] and out[0].raw == "s®"


def test_repair_words_joins_a_split_decimal_comma_and_keeps_the_box():
    line = (1, 1, 1)
    words = [ocr.OcrWord("157.628,", 96.0, 100, 100, 140, 110, line),
             ocr.OcrWord("l", 80.0, 141, 100, 144, 110, line),
             ocr.OcrWord("tỷ", 96.0, 148, 98, 158, 110, line)]
    out = ocr.repair_words(words)
    assert [w.text for w in out] == ["157.628,1", "tỷ"]
    assert (out[0].x0, out[0].x1, out[0].conf) == (100, 144, 80.0)
    assert out[0].raw == "157.628, l"


def test_place_words_finds_every_word_in_the_assembled_text():
    a = ocr.Fragment((ocr.OcrWord("Số:", 90, 0, 0, 1, 1),
                      ocr.OcrWord("/KH-UBND", 80, 2, 0, 3, 1, raw="KH-UBND", rule="number_slash")))
    b = ocr.Fragment((ocr.OcrWord("Kiến", 96, 5, 0, 6, 1), ocr.OcrWord("An", 95, 7, 0, 8, 1)))
    text = "first text-layer line\n\nSố: /KH-UBND Kiến An"
    lines = [("first text-layer line", []), ("Số: /KH-UBND Kiến An", [a, b])]
    spans, repairs = ocr.place_words(text, lines, {id(a): 2, id(b): 2})
    assert [text[s.start:s.end] for s in spans] == ["Số:", "/KH-UBND", "Kiến", "An"]
    assert {s.page for s in spans} == {2}
    assert repairs == [ocr.Repair(27, 35, "number_slash", "KH-UBND")]


# --- the repair rules' own examples (lang/vi/ocr.yaml) ------------------------------------------

@pytest.mark.parametrize("raw,fixed", RULES["digits"]["examples"])
def test_digit_rule_examples(raw, fixed):
    assert ocr.fix_digits(raw) == fixed


@pytest.mark.parametrize("raw", RULES["digits"]["negatives"])
def test_digit_rule_negatives(raw):
    assert ocr.fix_digits(raw) == raw


@pytest.mark.parametrize("left,right,gap,joined", RULES["decimal_comma"]["examples"])
def test_decimal_comma_examples(left, right, gap, joined):
    assert ocr.join_decimal(left, right, gap) == joined


@pytest.mark.parametrize("case", RULES["names"]["examples"] + RULES["names"]["negatives"])
def test_name_tone_slip_examples(case):
    spec = RULES["names"]
    names = ocr.unambiguous_names(ocr.name_spellings([b.split() for b in case["body"]], spec["min_words"]))
    assert " ".join(ocr.respell(case["ocr"].split(), names)) == case.get("fixed", case["ocr"])


def test_name_tone_slip_in_a_document():
    """The issuer line "KIỂN AN" against "Kiến An" in the body, through repair_names."""
    def words(line: int, text: str) -> list[ocr.OcrWord]:
        return [ocr.OcrWord(t, 90.0, i, line, i + 1, line + 1, (1, 1, line))
                for i, t in enumerate(text.split())]

    page = (words(1, "PHƯỜNG KIỂN AN") + words(2, "Ủy ban nhân dân phường Kiến An ban hành")
            + words(3, "tại phường Kiến An năm 2026"))
    (out,) = ocr.repair_names([page])
    assert " ".join(w.text for w in out[:3]) == "PHƯỜNG KIẾN AN"
    assert out[1].rule == RULES["names"]["name"] and out[1].raw == "KIỂN"
    assert [w.text for w in out[3:]] == [w.text for w in page[3:]]


@pytest.mark.parametrize("example", RULES["bullets"]["examples"])
def test_bullet_examples(example):
    text, conf, width, height, gap, _ = example
    assert ocr.is_bullet(text, conf, width, height, gap, 45)


@pytest.mark.parametrize("example", RULES["bullets"]["negatives"])
def test_bullet_negatives(example):
    assert not ocr.is_bullet(*example, 45)


@pytest.mark.parametrize("raw,fixed", RULES["roman_headings"]["examples"])
def test_roman_heading_examples(raw, fixed):
    assert ocr.fix_roman_sequence(raw) == fixed


@pytest.mark.parametrize("raw", RULES["roman_headings"]["negatives"])
def test_roman_heading_negatives(raw):
    assert ocr.fix_roman_sequence(raw) == raw


@pytest.mark.parametrize("pair,fixed", RULES["number_slash"]["examples"])
def test_number_slash_examples(pair, fixed):
    assert [pair[0], ocr.fix_number_slash(*pair)] == fixed


@pytest.mark.parametrize("pair", RULES["number_slash"]["negatives"])
def test_number_slash_negatives(pair):
    assert ocr.fix_number_slash(*pair) == pair[1]


def test_module_docstring_examples():
    result = doctest.testmod(ocr)
    assert result.attempted > 10 and result.failed == 0


def test_unusable_text_layers():
    assert ocr.unusable_text(" \n ")
    assert ocr.unusable_text("(cid:3)(cid:4)(cid:5) Kế hoạch")
    assert not ocr.unusable_text(read(CORPUS / "txt" / "kien-an-2026-kh-136-phat-trien-ktxh.txt").text)


# --- the scanned seed plans, as the corpus run reads them ----------------------------------------

SCANNED = sorted(p.stem for p in (CORPUS / "scanned").glob("*.pdf"))


@needs_tesseract
def test_scanned_seeds_give_the_metadata_of_the_gold(corpus_out):
    """Number, date and signer exact (and the other scored fields) on both scanned seeds."""
    from plan_extract.evaluate.evaluate import evaluate

    out, _ = corpus_out
    report = evaluate(ROOT / "gold", out, "scanned").to_json()
    assert sorted(Path(d).name for d in report["per_document"]) == [f"{s}.pdf" for s in SCANNED]
    docs = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False)
    scanned = docs[docs.source_path.str.contains("/scanned/")]
    assert len(scanned) == len(SCANNED)
    for f in ("number", "issue_date", "signer", "symbol", "issuer", "title", "signer_title"):
        assert report["metadata"][f]["f1"] == 1.0, (f, report["metadata"][f])


@needs_tesseract
def test_scanned_seeds_targets_within_005_of_their_text(corpus_out):
    from plan_extract.evaluate.evaluate import evaluate

    out, _ = corpus_out
    scanned = evaluate(ROOT / "gold", out, "scanned").to_json()
    text = evaluate(ROOT / "gold", out, "txt").to_json()
    vuc = lambda r, d: r["per_document"][d]["targets"]["value_unit_comparator"]  # noqa: E731
    got = sum(vuc(scanned, f"scanned/{s}.pdf")["tp"] for s in SCANNED)
    gold = sum(vuc(scanned, f"scanned/{s}.pdf")["gold"] for s in SCANNED)
    pred = sum(vuc(scanned, f"scanned/{s}.pdf")["pred"] for s in SCANNED)
    f1 = 2 * got / (gold + pred)
    ref = [vuc(text, f"txt/{s}.txt") for s in SCANNED]
    ref_f1 = 2 * sum(r["tp"] for r in ref) / (sum(r["gold"] for r in ref) + sum(r["pred"] for r in ref))
    assert f1 >= ref_f1 - 0.05, (f1, ref_f1)
