"""notebooks/audit_walkthrough.ipynb runs top to bottom on a fresh extraction of the corpus."""
from __future__ import annotations

import shutil

import pytest

from conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "audit_walkthrough.ipynb"


def test_notebook_is_stored_without_outputs():
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_notebook_runs_top_to_bottom(corpus_out, tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")
    out, _ = corpus_out
    work = tmp_path / "out"
    shutil.copytree(out, work)            # the notebook writes its audit tables into the database
    monkeypatch.setenv("PLAN_EXTRACT_OUT", str(work))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT)}})
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "tăng trưởng bút phá" in text                      # the misquotation, walked through
    assert "Tỷ lệ điều tra, khám phá án" in text              # a cross-ward difference
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 2          # the two matplotlib charts
    assert (work / "audit" / "report.html").is_file() and (work / "audit" / "findings.csv").is_file()
