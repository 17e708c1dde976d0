"""Review pages (displaCy): every extracted span shown in place, without overlaps."""
from __future__ import annotations

from pathlib import Path

from plan_extract.cli import main
from plan_extract.pipeline import process
from plan_extract.review import render, spans

SEED = Path(__file__).resolve().parents[1] / "corpus" / "txt" / "le-thanh-nghi-2026-kh-thi-dua-khen-thuong.txt"


def test_spans_do_not_overlap_and_point_into_the_source() -> None:
    plan = process(SEED)
    got = spans(plan)
    assert got
    for a, b in zip(got, got[1:]):
        assert a["end"] <= b["start"]
    labels = {s["label"] for s in got}
    assert {"DEADLINE", "TARGET", "LEAD", "ISSUER", "RECIPIENT"} <= labels
    quarter = next(s for s in got if s["label"] == "DEADLINE")
    assert plan.source.text[quarter["start"]:quarter["end"]] == "Quý I năm 2026"


def test_review_command_writes_a_page(tmp_path: Path) -> None:
    assert main(["review", str(SEED), "--out", str(tmp_path)]) == 0
    page = (tmp_path / f"{SEED.stem}.txt.html").read_text(encoding="utf-8")
    assert "Quý I năm 2026" in page and "DEADLINE" in page and "<table>" in page
    assert render(process(SEED)).count("<mark") >= 50
