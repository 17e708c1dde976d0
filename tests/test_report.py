"""The HTML report: self-contained, Vietnamese, the findings with their source sentences
highlighted; and rendered by headless Chromium without a console message."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from plan_extract.audit import audit
from plan_extract.audit.model import AuditResult, make_finding, Quote
from plan_extract.report import render, write_report

from conftest import ROOT

CITY_CSV = ROOT / "data" / "city" / "haiphong-2026-city-targets.csv"
CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)


@pytest.fixture(scope="module")
def corpus_report(corpus_out, tmp_path_factory):
    out, _ = corpus_out
    result = audit(out, against=CITY_CSV)
    path = write_report(result, tmp_path_factory.mktemp("report") / "report.html")
    return result, path


def test_report_is_self_contained_and_in_vietnamese(corpus_report):
    result, path = corpus_report
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="vi">' in html
    assert "Báo cáo rà soát kế hoạch của phường" in html and "Tóm tắt" in html
    assert not re.search(r"<(script|link|img|iframe)\b", html)                      # nothing to load or run
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)       # no remote resource
    assert "Content-Security-Policy" in html
    for section in ("summary", "findings", "ward-city", "themes", "matrix", "charts", "city"):
        assert f'id="{section}"' in html
    assert html.count("<svg") >= 3                                                  # the cross-ward charts
    for f in result.findings:
        assert f'id="{f.finding_id}"' in html


def test_source_sentences_are_highlighted(corpus_report):
    _, path = corpus_report
    html = path.read_text(encoding="utf-8")
    assert '<mark class="diff">bút</mark>' in html                                  # the misquoted word
    assert "<mark>Tỷ lệ điều tra, phá án chung đạt 75% trở lên</mark>" in html     # a cross-ward quote
    assert "tăng 15–17% so với thực hiện năm 2025" in html                          # the ward-vs-city table


def test_text_from_documents_is_escaped():
    f = make_finding("ward_value_conflict", "warning", doc_ids=["d"], wards=["A & B"], indicator="<x>",
                     explanation="<script>alert(1)</script>", quotes=[Quote("d", "p.txt", 0, 8, "<b>a</b>")])
    html = render(AuditResult(findings=[f]))
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "A &amp; B" in html


def _chromium(url: str, tmp_path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
         f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0", *extra, url],
        capture_output=True, text=True, timeout=120)


def _console(stderr: str) -> list[str]:
    """Chromium's log lines for the page's console (messages, uncaught errors, CSP violations)."""
    return [l for l in stderr.splitlines() if ":CONSOLE" in l or "Uncaught" in l]


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_chromium_reports_console_messages(tmp_path):
    """The check below is meaningful: a page that logs to the console is caught."""
    page = tmp_path / "canary.html"
    page.write_text('<!DOCTYPE html><html><body><p>x</p><script>console.error("canary")</script></body></html>')
    proc = _chromium(page.as_uri(), tmp_path, "--dump-dom")
    assert any("canary" in l for l in _console(proc.stderr))


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_report_renders_in_headless_chromium(corpus_report, tmp_path):
    _, path = corpus_report
    shot = tmp_path / "report.png"
    proc = _chromium(path.as_uri(), tmp_path, f"--screenshot={shot}", "--window-size=1280,2000")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    assert _console(proc.stderr) == []
    dom = _chromium(path.as_uri(), tmp_path, "--dump-dom")
    assert dom.returncode == 0
    assert "Báo cáo rà soát kế hoạch của phường" in dom.stdout and dom.stdout.count("<svg") >= 3
    assert _console(dom.stderr) == []
