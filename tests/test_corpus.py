"""The bundled corpus end to end: metadata against gold in every format, the same section tree
in .txt/.docx/.pdf, every quote grounded in its source, and the accuracy gate."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from plan_extract.evaluate.evaluate import evaluate
from plan_extract.evaluate.gold import check, load_gold_dir
from plan_extract.pipeline import process
from plan_extract.read import read

from conftest import CORPUS, ROOT, SEEDS

META = ["doc_type", "number", "symbol", "issuer", "issue_date", "date_precision", "signer",
        "signer_title", "plan_year"]
BROKEN = {  # renditions whose layout lost information (documented in corpus/README.md)
    ("an-duong-2026-qd-chuong-trinh-hanh-dong", "docx"): "the Chương trình sits inside the signature table cell",
    ("an-duong-2026-qd-chuong-trinh-hanh-dong", "pdf"): "the Chương trình sits inside the signature table cell",
}


def _gold(stem):
    return next(g for g in load_gold_dir(ROOT / "gold") if g.stem == stem)


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
@pytest.mark.parametrize("stem", SEEDS)
def test_metadata_matches_gold(stem, fmt):
    if (stem, fmt) in BROKEN:
        pytest.xfail(BROKEN[(stem, fmt)])
    plan = process(CORPUS / fmt / f"{stem}.{fmt}")
    assert not plan.errors
    gold_docs = _gold(stem).records["documents"]
    assert len(plan.documents) == len(gold_docs)
    for g, d in zip(gold_docs, plan.documents):
        for f in META:
            want = g.get(f)
            got = getattr(d, f)
            assert str(got or "") == str(want or ""), (f, want, got)


def _tree(path):
    plan = process(path)
    return [(s.label, s.kind, s.level) for s in plan.sections]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("stem", SEEDS)
def test_same_section_tree_in_every_format(stem, fmt):
    if (stem, fmt) in BROKEN:
        pytest.xfail(BROKEN[(stem, fmt)])
    assert _tree(CORPUS / fmt / f"{stem}.{fmt}") == _tree(CORPUS / "txt" / f"{stem}.txt")


@pytest.mark.parametrize("stem", SEEDS)
def test_section_tree_matches_gold(stem):
    gold = _gold(stem).records["sections"]
    got = [(s.label, s.kind) for s in process(CORPUS / "txt" / f"{stem}.txt").sections]
    want = [(str(s["label"]), s["kind"]) for s in gold]
    assert got == want


def test_every_quote_is_grounded_in_its_source(corpus_out):
    out, _ = corpus_out
    for table in ("references", "targets"):
        df = pd.read_csv(out / f"{table}.csv", dtype=str, keep_default_na=False)
        for path, rows in df.groupby("source_path"):
            text = read(path).text
            for r in rows.itertuples():
                assert text[int(r.start):int(r.end)] == r.quote


def test_cli_writes_every_table_and_reports_errors(tmp_path):
    from plan_extract.cli import main

    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a.txt").write_bytes((CORPUS / "txt" / f"{SEEDS[0]}.txt").read_bytes())
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    (folder / "notes.xlsx").write_bytes(b"PK")
    (folder / "z.txt").write_bytes((CORPUS / "txt" / f"{SEEDS[1]}.txt").read_bytes())
    code = main(["extract", str(folder), "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 1
    errors = pd.read_csv(tmp_path / "out" / "errors.csv")
    assert sorted(Path(p).name for p in errors.source_path) == ["broken.pdf", "notes.xlsx"]
    docs = pd.read_csv(tmp_path / "out" / "documents.csv")
    assert sorted(set(Path(p).name for p in docs.source_path)) == ["a.txt", "z.txt"]
    for name in ("documents", "sections", "references", "targets", "errors"):
        assert (tmp_path / "out" / f"{name}.csv").exists()


def test_main_job_on_the_corpus_has_no_errors(corpus_out):
    out, code = corpus_out
    assert code == 0
    assert pd.read_csv(out / "errors.csv").empty


def test_gold_files_are_consistent():
    for g in load_gold_dir(ROOT / "gold"):
        assert g.meta.get("reviewed") is True, g.path
        assert check(g) == [], g.path


def test_accuracy_does_not_fall_below_the_baseline(corpus_out):
    """The CI gate: every field's F1 on the .txt and .docx corpus stays at or above gold/baseline.json."""
    out, _ = corpus_out
    baseline = json.loads((ROOT / "gold" / "baseline.json").read_text())
    failures = []
    for fmt in ("txt", "docx"):
        report = evaluate(ROOT / "gold", out, fmt).to_json()
        for table, fields in baseline[fmt].items():
            for f, floor in fields.items():
                got = report["metadata"][f]["f1"] if table == "documents" else report["overall"][table][f]["f1"]
                if got + 1e-9 < floor:
                    failures.append(f"{fmt} {table}.{f}: F1 {got:.4f} < baseline {floor:.4f}")
    assert not failures, "\n".join(failures)


def test_evaluate_names_a_gold_file_it_cannot_use_instead_of_a_traceback(tmp_path, capsys, monkeypatch):
    from plan_extract.cli import main

    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "x.yaml").write_text("source: corpus/txt/no-such-plan.txt\ndocuments: []\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["evaluate", "--gold", str(gold), "--pred", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "x.yaml" in err and "no-such-plan.txt" in err and "Traceback" not in err
    (gold / "x.yaml").write_text("- not\n- a gold file\n", encoding="utf-8")
    assert main(["evaluate", "--gold", str(gold), "--pred", str(tmp_path)]) == 2
    assert "not a gold file" in capsys.readouterr().err


def test_a_gold_file_copied_out_of_the_repository_finds_its_source_from_the_working_folder(tmp_path, monkeypatch):
    from plan_extract.evaluate.gold import load_gold

    copy = tmp_path / "g.yaml"
    copy.write_text((ROOT / "gold" / "heldout5" / "constructed-gia-lai-2026-qd-kh-phat-trien-du-lich.yaml")
                    .read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(ROOT)
    g = load_gold(copy)
    assert g.source.resolve() == (ROOT / "corpus" / "heldout5" / "constructed-gia-lai-2026-qd-kh-phat-trien-du-lich.txt").resolve()
