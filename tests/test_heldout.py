"""The held-out plans (corpus/heldout: Hà Nội, Nghệ An, TP.HCM, Đà Nẵng, Thanh Hóa), written in
other offices' wording and annotated by hand without the pipeline: their gold is checked, and the
pipeline's accuracy on them may not fall below gold/heldout/baseline.json (which only goes up)."""
from __future__ import annotations

import json

from plan_extract.evaluate.evaluate import evaluate
from plan_extract.evaluate.gold import check, load_gold_dir

from conftest import ROOT

HELDOUT = ROOT / "gold" / "heldout"


def test_heldout_gold_quotes_sit_at_their_offsets():
    golds = load_gold_dir(HELDOUT)
    assert len(golds) == 5
    for g in golds:
        assert g.meta.get("reviewed") is True, g.path
        assert check(g) == [], g.path


def test_heldout_accuracy_does_not_fall_below_its_baseline(corpus_out):
    out, _ = corpus_out
    baseline = json.loads((HELDOUT / "baseline.json").read_text())
    report = evaluate(HELDOUT, out, "heldout").to_json()
    failures = []
    for table, fields in baseline["heldout"].items():
        for f, floor in fields.items():
            got = report["metadata"][f]["f1"] if table == "documents" else report["overall"][table][f]["f1"]
            if got + 1e-9 < floor:
                failures.append(f"heldout {table}.{f}: F1 {got:.4f} < baseline {floor:.4f}")
    assert not failures, "\n".join(failures)
