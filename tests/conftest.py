from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SEEDS = sorted(p.stem for p in (CORPUS / "txt").glob("*.txt"))


@pytest.fixture(scope="session")
def corpus_out(tmp_path_factory):
    """The pipeline run once over the whole bundled corpus, tables written as the CLI writes them."""
    from plan_extract.cli import main

    out = tmp_path_factory.mktemp("out")
    code = main(["extract", str(CORPUS), "--out", str(out), "--quiet"])
    return out, code
