"""Formats read through LibreOffice (.doc, .odt, .rtf), its failure modes, and .docx footnotes."""
from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

import plan_extract.read as read_module
from plan_extract.pipeline import process
from plan_extract.read import read
from plan_extract.read.legacy import to_tcvn3, to_vni

from conftest import CORPUS

SEED = "kien-an-2026-kh-136-phat-trien-ktxh"
HEAD = (CORPUS / "txt" / f"{SEED}.txt").read_text(encoding="utf-8").splitlines()[:60]
PARAS = [line.strip() for line in HEAD if line.strip()]
OFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_office = pytest.mark.skipif(OFFICE is None, reason="LibreOffice is not installed "
                                  "(CI installs libreoffice-writer-nogui)")


def _flat(text: str) -> str:
    return " ".join(text.split())


# --- building the inputs ----------------------------------------------------------------------------

def _docx(path: Path, paras: list[str]) -> Path:
    import docx

    document = docx.Document()
    for para in paras:
        document.add_paragraph(para)
    document.save(path)
    return path


def _odt(path: Path, paras: list[str]) -> Path:
    """A minimal OpenDocument text, written by hand (mimetype first and stored, as the format asks)."""
    body = "".join(f"<text:p>{escape(p)}</text:p>" for p in paras)
    content = ('<?xml version="1.0" encoding="UTF-8"?>'
               '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f"<office:body><office:text>{body}</office:text></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>'
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
                'manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def _rtf_escape(text: str) -> str:
    out = []
    for ch in text:
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ord(ch) < 128:
            out.append(ch)
        else:
            n = ord(ch)
            out.append(f"\\u{n - 65536 if n > 32767 else n}?")
    return "".join(out)


def _rtf(path: Path, paras: list[str]) -> Path:
    """RTF by hand: cp1252 header, every non-ASCII letter as a \\uN escape."""
    body = "".join(f"\\pard {_rtf_escape(p)}\\par\n" for p in paras)
    path.write_text("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\froman Times New Roman;}}"
                    f"\\f0\\fs26\n{body}}}", encoding="ascii")
    return path


def _soffice(src: Path, fmt: str, outdir: Path) -> Path:
    """Convert with the real LibreOffice, in a private profile (as the product does)."""
    profile = (outdir / "profile").resolve().as_uri()
    subprocess.run([OFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                    "--convert-to", fmt, "--outdir", str(outdir), str(src)],
                   check=True, capture_output=True, timeout=120)
    return outdir / f"{src.stem}.{fmt}"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("convert")
    files = {"odt": _odt(folder / f"{SEED}.odt", PARAS), "rtf": _rtf(folder / f"{SEED}.rtf", PARAS)}
    if OFFICE:
        files["doc"] = _soffice(_docx(folder / f"{SEED}.docx", PARAS), "doc", folder)
    return files


@pytest.fixture(scope="module")
def txt_meta(tmp_path_factory):
    path = tmp_path_factory.mktemp("txt") / f"{SEED}.txt"
    path.write_text("\n".join(HEAD) + "\n", encoding="utf-8")
    return _meta(process(path))


def _meta(plan) -> tuple:
    assert not plan.errors, plan.errors
    d = plan.documents[0]
    return d.doc_type, d.number, d.symbol, d.issue_date, d.title


# --- real conversions -------------------------------------------------------------------------------

@needs_office
@pytest.mark.parametrize("ext", ["odt", "rtf", "doc"])
def test_libreoffice_formats_read_like_the_text(ext, inputs, txt_meta):
    plan = process(inputs[ext])
    assert _meta(plan) == txt_meta
    assert txt_meta[1:3] == ("136", "KH-UBND")
    source = plan.source
    assert source.format == ext and source.path == str(inputs[ext])
    flat = _flat(source.text)
    pos = 0
    for para in PARAS:  # every paragraph, in order
        found = flat.find(_flat(para), pos)
        assert found >= 0, para
        pos = found


def _legacy_rtf(path: Path) -> Path:
    """An old RTF as ABC / VNI keyboards left them: raw legacy bytes (\\'xx) in ".VnTime" and
    "VNI-Times" fonts declared as plain Western (fcharset0)."""
    def raw(data: bytes) -> str:
        return "".join(chr(b) if b < 128 and chr(b) not in "\\{}" else f"\\'{b:02x}" for b in data)

    path.write_text(
        "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\froman Times New Roman;}"
        "{\\f1\\fnil\\fcharset0 .VnTime;}{\\f2\\fnil\\fcharset0 VNI-Times;}}\n"
        f"\\pard\\f1 {raw(to_tcvn3('Kế hoạch số 136/KH-UBND ngày 23 tháng 12 năm 2025'))}\\par\n"
        f"\\pard\\f2 {raw(to_vni('Độc lập - Tự do - Hạnh phúc'))}\\par\n}}", encoding="ascii")
    return path


@needs_office
def test_legacy_font_rtf_through_libreoffice(tmp_path):
    doc = read(_legacy_rtf(tmp_path / "old.rtf"))
    assert doc.text.split("\n\n") == ["Kế hoạch số 136/KH-UBND ngày 23 tháng 12 năm 2025",
                                      "Độc lập - Tự do - Hạnh phúc"]
    assert doc.encoding == "xml+tcvn3+vni" and doc.format == "rtf"


def test_odt_and_rtf_inputs_are_well_formed(inputs):
    """The hand-made inputs are what they claim to be, so a failure above is LibreOffice's or ours."""
    with zipfile.ZipFile(inputs["odt"]) as zf:
        assert zf.namelist()[0] == "mimetype" and zf.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        assert "Số: 136/KH-UBND" in zf.read("content.xml").decode("utf-8")
    rtf = inputs["rtf"].read_text(encoding="ascii")
    assert rtf.startswith("{\\rtf1") and rtf.rstrip().endswith("}") and "\\u7889?" in rtf  # ố


# --- LibreOffice missing, failing, hanging ----------------------------------------------------------

def _fake_office(monkeypatch, bin_dir: Path, script: str) -> Path:
    """Put a stand-in ``soffice`` (a shell script) first on PATH."""
    bin_dir.mkdir(exist_ok=True)
    exe = bin_dir / "soffice"
    exe.write_text("#!/bin/sh\n" + script)
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return exe


def _one_error(path: Path) -> str:
    plan = process(path)
    assert len(plan.errors) == 1 and not plan.documents
    err = plan.errors[0]
    assert err.stage == "read" and "Traceback" not in err.message
    return err.message


@pytest.mark.parametrize("ext", [".doc", ".odt", ".rtf"])
def test_missing_libreoffice_is_a_clear_error(ext, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    path = tmp_path / f"plan{ext}"
    path.write_bytes(b"{\\rtf1 Ke hoach}" if ext == ".rtf" else b"not really a document")
    message = _one_error(path)
    assert "LibreOffice" in message and "not installed" in message and ext in message


def test_libreoffice_failure_is_reported_with_its_reason(tmp_path, monkeypatch):
    _fake_office(monkeypatch, tmp_path / "bin", 'echo "Error: source file could not be loaded" >&2\nexit 1\n')
    path = tmp_path / "broken.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0 damaged")
    message = _one_error(path)
    assert "LibreOffice could not convert the file" in message
    assert "exit code 1" in message and "source file could not be loaded" in message


def test_libreoffice_without_output_is_reported(tmp_path, monkeypatch):
    _fake_office(monkeypatch, tmp_path / "bin", "exit 0\n")
    path = tmp_path / "silent.odt"
    path.write_bytes(b"PK\x03\x04")
    assert "LibreOffice could not convert the file (exit code 0: no output)" in _one_error(path)


def test_hanging_libreoffice_is_stopped_with_its_children(tmp_path, monkeypatch):
    pidfile = tmp_path / "child.pid"
    _fake_office(monkeypatch, tmp_path / "bin", f"sleep 30 &\necho $! > {pidfile}\nwait\n")
    monkeypatch.setattr(read_module, "LIBREOFFICE_TIMEOUT", 1)
    path = tmp_path / "slow.rtf"
    path.write_bytes(b"{\\rtf1 x}")
    started = time.monotonic()
    assert "LibreOffice did not convert the file within 1 s" in _one_error(path)
    assert time.monotonic() - started < 10
    child = Path(f"/proc/{pidfile.read_text().strip()}/status")
    if child.exists():  # gone, or a zombie waiting for a reaper: never still sleeping
        assert "State:\tZ" in child.read_text()


def test_each_conversion_has_its_own_profile_and_leaves_nothing(tmp_path, monkeypatch):
    """A stand-in LibreOffice records its arguments and 'converts' by copying a .docx."""
    argfile = tmp_path / "args.txt"
    result = _docx(tmp_path / "result.docx", ["Kế hoạch số 5/KH-UBND"])
    _fake_office(monkeypatch, tmp_path / "bin",
                 f'printf "%s\\n" "$@" >> {argfile}\n'
                 'while [ $# -gt 1 ]; do [ "$1" = --outdir ] && out="$2"; shift; done\n'
                 f'mkdir -p "$out" && cp {result} "$out/input.docx"\n')
    paths = []
    for name in ("a.odt", "b.odt"):
        path = tmp_path / name
        path.write_bytes(b"PK\x03\x04")
        doc = read(path)
        assert doc.text == "Kế hoạch số 5/KH-UBND" and doc.format == "odt"
        paths.append(path)
    args = argfile.read_text().splitlines()
    profiles = [a.split("=", 1)[1] for a in args if a.startswith("-env:UserInstallation=")]
    assert len(profiles) == 2 and profiles[0] != profiles[1]
    assert all(p.startswith("file:///") for p in profiles)
    assert not any(Path(p.removeprefix("file://")).exists() for p in profiles)  # temp dirs removed
    assert "--headless" in args and str(paths[0].resolve()) in args


# --- .docx footnotes --------------------------------------------------------------------------------

FOOTNOTES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
  <w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
  <w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
  <w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> Nghị quyết số 27/NQ-HĐND ngày 19/12/2025 của Hội đồng nhân dân phường.</w:t></w:r></w:p></w:footnote>
  <w:footnote w:id="2"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:rPr><w:rFonts w:ascii=".VnTime" w:hAnsi=".VnTime"/></w:rPr><w:t xml:space="preserve"> Theo QuyÕt ®Þnh sè 12/Q§-UBND.</w:t></w:r></w:p></w:footnote>
</w:footnotes>"""
FOOTNOTES_REL = ('<Relationship Id="rIdFootnotes" Type="http://schemas.openxmlformats.org/officeDocument/'
                 '2006/relationships/footnotes" Target="footnotes.xml"/>')
FOOTNOTES_TYPE = ('<Override PartName="/word/footnotes.xml" ContentType="application/'
                  'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>')


def _footnoted_docx(path: Path) -> Path:
    """A .docx with two real footnotes: python-docx writes the body with the reference runs, the
    footnotes part, its relationship and its content type are patched into the package."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    for text, note in [("Căn cứ Nghị quyết của Hội đồng nhân dân phường.", "1"),
                       ("Thực hiện Quyết định của Ủy ban nhân dân phường.", "2")]:
        p = document.add_paragraph(text)
        ref = OxmlElement("w:footnoteReference")
        ref.set(qn("w:id"), note)
        p.add_run()._r.append(ref)
    document.add_paragraph("Tổ chức thực hiện.")
    buf = io.BytesIO()
    document.save(buf)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", FOOTNOTES_TYPE.encode() + b"</Types>")
            elif item.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", FOOTNOTES_REL.encode() + b"</Relationships>")
            dst.writestr(item, data)
        dst.writestr("word/footnotes.xml", FOOTNOTES)
    return path


def test_docx_footnotes_are_appended_after_the_body(tmp_path):
    path = _footnoted_docx(tmp_path / "footnotes.docx")
    with zipfile.ZipFile(path) as zf:  # the reference really is in the body
        assert b"w:footnoteReference" in zf.read("word/document.xml")
    doc = read(path)
    assert doc.text.split("\n\n") == [
        "Căn cứ Nghị quyết của Hội đồng nhân dân phường.",  # the reference mark itself has no text
        "Thực hiện Quyết định của Ủy ban nhân dân phường.",
        "Tổ chức thực hiện.",
        "[1] Nghị quyết số 27/NQ-HĐND ngày 19/12/2025 của Hội đồng nhân dân phường.",
        "[2] Theo Quyết định số 12/QĐ-UBND.",  # a footnote in a TCVN3 font is converted too
    ]
    assert doc.encoding == "xml+tcvn3"
