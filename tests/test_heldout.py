"""The held-out plans (corpus/heldout*, written in other offices' wording and annotated by hand
without the pipeline): their gold is checked, and the pipeline's accuracy on each set may not fall
below that set's baseline.json (which only goes up)."""
from __future__ import annotations

import json

import pytest

from plan_extract.evaluate.evaluate import evaluate
from plan_extract.evaluate.gold import check, load_gold_dir

from conftest import ROOT

SETS = sorted(p for p in (ROOT / "gold").glob("heldout*") if (p / "baseline.json").is_file())


def test_there_are_held_out_sets():
    assert SETS and (ROOT / "gold" / "heldout") in SETS


@pytest.mark.parametrize("gold_dir", SETS, ids=lambda p: p.name)
def test_heldout_gold_quotes_sit_at_their_offsets(gold_dir):
    golds = load_gold_dir(gold_dir)
    assert golds
    for g in golds:
        assert g.meta.get("reviewed") is True, g.path
        assert check(g) == [], g.path


@pytest.mark.parametrize("gold_dir", SETS, ids=lambda p: p.name)
def test_heldout_accuracy_does_not_fall_below_its_baseline(corpus_out, gold_dir):
    out, _ = corpus_out
    baseline = json.loads((gold_dir / "baseline.json").read_text())
    report = evaluate(gold_dir, out, gold_dir.name).to_json()
    failures = []
    for table, fields in baseline["floors"].items():
        for f, floor in fields.items():
            got = report["metadata"][f]["f1"] if table == "documents" else report["overall"][table][f]["f1"]
            if got + 1e-9 < floor:
                failures.append(f"{gold_dir.name} {table}.{f}: F1 {got:.4f} < baseline {floor:.4f}")
    assert not failures, "\n".join(failures)
