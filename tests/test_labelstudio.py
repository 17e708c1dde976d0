"""Label Studio interchange: gold round trips, hand-made Label Studio exports, UTF-16 offsets,
predictions from pipeline tables, the labeling config and the command line."""
from __future__ import annotations

import argparse
import copy
import csv
import dataclasses
import doctest
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Callable

import pytest
import yaml

from plan_extract.evaluate import gold as gold_mod
from plan_extract.evaluate import labelstudio as ls
from plan_extract.evaluate.gold import TABLES, check, load_gold

from conftest import CORPUS, ROOT

GOLD_FILES = sorted((ROOT / "gold").glob("*.yaml"))
CONFIG = ROOT / "gold" / "labelstudio" / "config.xml"


def _json_trip(task: dict) -> dict:
    """What a task looks like after being written to a file and read back."""
    return json.loads(json.dumps(task, ensure_ascii=False))


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    """A scratch repository root whose corpus/ is the real corpus (so gold checks resolve)."""
    (tmp_path / "corpus").symlink_to(CORPUS, target_is_directory=True)
    return tmp_path


def _results(task: dict, kind: str = "annotations") -> list[dict]:
    return task[kind][0]["result"]


# --- round trip of every real gold file -------------------------------------------------------

@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_round_trip(path: Path, root: Path) -> None:
    original_text = path.read_text(encoding="utf-8")
    original = yaml.safe_load(original_text)
    task = _json_trip(ls.export_gold(path))
    text = task["data"]["text"]
    assert task["data"]["source"] == original["source"]
    assert text == (ROOT / original["source"]).read_text(encoding="utf-8")

    # every record is one labelled region whose text is its quote, at the right offsets
    regions = [r for r in _results(task) if r["type"] == "labels"]
    assert len(regions) == sum(len(original[t]) for t in TABLES)
    for r in regions:
        v = r["value"]
        assert text[v["start"]:v["end"]] == v["text"]       # BMP-only text: UTF-16 == Python

    warnings: list[str] = []
    back = ls.import_task(task, warnings=warnings, check_text=ROOT / original["source"])
    assert warnings == []
    for table in TABLES:
        assert back[table] == original[table], table          # all fields, ids, offsets, quotes
        assert [list(r) for r in back[table]] == [list(r) for r in original[table]]  # key order
    assert back["notes"] == original["notes"]
    assert back["source"] == original["source"]
    assert back["reviewed"] is False and back["reviewer"] == ""
    assert back["annotator"].startswith("Label Studio import")
    assert str(original["annotator"]) in back["annotator"]

    # the imported file passes the gold checker (API and module CLI)
    out = root / "gold" / path.name
    ls.write_gold(back, out)
    assert check(load_gold(out)) == []
    assert gold_mod.main(["check", str(out)]) == 0

    # written over the original with the original header, the file is the same text, byte for byte
    same_header = {**back, **{k: original[k] for k in ("annotator", "reviewed", "reviewer")}}
    copy_of_original = root / "over" / path.name
    copy_of_original.parent.mkdir()
    copy_of_original.write_text(original_text, encoding="utf-8")
    ls.write_gold(same_header, copy_of_original)
    assert copy_of_original.read_text(encoding="utf-8") == original_text
    # and a fresh dump in the file's layout reads back the same
    fresh = ls.dump_gold(same_header, ls.detect_style(original_text))
    assert yaml.safe_load(fresh) == original and "&id0" not in fresh


def test_styles_of_the_seed_files() -> None:
    styles = {p.stem: ls.detect_style(p.read_text(encoding="utf-8")) for p in GOLD_FILES}
    assert set(styles.values()) <= set(ls.STYLES)
    for p in GOLD_FILES:
        text = p.read_text(encoding="utf-8")
        lines = text.splitlines()
        first = lines.index("sections:") + 1 if "sections:" in lines else None
        if first is not None and styles[p.stem] != "block":
            assert lines[first].startswith("- {")
        if styles[p.stem] == "flow":                        # one record per line
            assert all(ln.startswith(("- {", "bodies:", "tasks:", "targets:", "deadlines:",
                                      "references:", "sections:"))
                       for ln in lines[first - 1:])


def test_fresh_dumps_reproduce_each_layout() -> None:
    """A record dumped alone has the same text as inside a whole file, in every layout."""
    seen = set()
    for p in GOLD_FILES:
        text = p.read_text(encoding="utf-8")
        style = ls.detect_style(text)
        data = yaml.safe_load(text)
        tables = "".join(ls._top_blocks(text)[t] for t in TABLES if t != "documents")
        if "&id0" in text:
            continue
        fresh = ls._top_blocks(ls.dump_gold(data, style))
        if "".join(fresh[t] for t in TABLES if t != "documents") == tables:
            seen.add(style)
    assert seen == set(ls.STYLES)


def test_changing_one_record_changes_only_its_lines(tmp_path: Path) -> None:
    import difflib

    for p in GOLD_FILES:
        text = p.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        t = data["targets"][0]
        t["unit_text"] = t["unit_text"] + " (sửa)"
        out = tmp_path / p.name
        out.write_text(text, encoding="utf-8")
        ls.write_gold(data, out)
        new = out.read_text(encoding="utf-8")
        assert yaml.safe_load(new) == data
        removed = [ln for ln in difflib.ndiff(text.splitlines(), new.splitlines())
                   if ln.startswith("- ")]
        style = ls.detect_style(text)
        limit = {"flow": 1, "flow-wrapped": 4}.get(style, 1)
        assert 1 <= len(removed) <= limit, (p.stem, style, removed)


def test_new_files_are_one_record_per_line(tmp_path: Path) -> None:
    data = yaml.safe_load(GOLD_FILES[0].read_text(encoding="utf-8"))
    out = ls.write_gold(data, tmp_path / "x.yaml")
    text = out.read_text(encoding="utf-8")
    assert ls.detect_style(text) == "flow"
    assert yaml.safe_load(text) == data
    n_records = sum(len(data[t]) for t in TABLES if t != "documents")
    assert sum(ln.startswith("- {") for ln in text.splitlines()) == n_records


# --- a hand-written Label Studio export (as an annotator produces it) ----------------------------

HAND_TEXT = (
    "Số: 12/KH-UBND\n"
    "KẾ HOẠCH\n"
    "Phát triển kinh tế - xã hội phường năm 2026\n"
    "I. MỤC TIÊU\n"
    "1. Chỉ tiêu\n"
    "(1) Tỷ lệ hộ nghèo giảm còn 0,5%.\n"
    "(2) Duy trì phường không ma túy.\n"
    "II. TỔ CHỨC THỰC HIỆN\n"
    "Giao Phòng Văn hóa - Xã hội tham mưu, báo cáo trước ngày 15/12/2026.\n"
)


def _span(text: str, quote: str, occurrence: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(occurrence + 1):
        i = text.index(quote, i + 1)
    return i, i + len(quote)


def _region(rid: str, label: str, quote: str, text: str = HAND_TEXT, extra: str = "") -> dict:
    s, e = _span(text, quote)
    e += len(extra)
    return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
            "origin": "manual", "value": {"start": s, "end": e, "text": text[s:e],
                                          "labels": [label]}}


def _attr(rid: str, control: str, values: list[str], quote: str, text: str = HAND_TEXT,
          kind: str = "textarea") -> dict:
    s, e = _span(text, quote)
    key = "text" if kind == "textarea" else "choices"
    return {"id": rid, "from_name": control, "to_name": "text", "type": kind,
            "origin": "manual", "value": {"start": s, "end": e, key: values}}


def _hand_task() -> dict:
    """An annotation as Label Studio exports it: random region ids, many fields left out, a link
    drawn as a relation, a selection that took the line end along."""
    q_doc, q_s1, q_s2 = "Số: 12/KH-UBND", "I. MỤC TIÊU", "1. Chỉ tiêu"
    q_t1, q_t2 = "Tỷ lệ hộ nghèo giảm còn 0,5%", "Duy trì phường không ma túy."
    q_s3 = "II. TỔ CHỨC THỰC HIỆN"
    q_k = "Giao Phòng Văn hóa - Xã hội tham mưu, báo cáo trước ngày 15/12/2026."
    q_d, q_b = "trước ngày 15/12/2026", "Phòng Văn hóa - Xã hội"
    result = [
        _region("Dq81mZ0a", "DOCUMENT", q_doc),
        _attr("Dq81mZ0a", "document_doc_type", ["KH"], q_doc, kind="choices"),
        _attr("Dq81mZ0a", "document_number", ["12"], q_doc),
        _attr("Dq81mZ0a", "document_symbol", ["KH-UBND"], q_doc),
        _attr("Dq81mZ0a", "document_plan_year", ["2026"], q_doc),
        _attr("Dq81mZ0a", "document_recipients", ["Sở Nội vụ", "Lưu: VT"], q_doc),
        _region("h7Ys2Lk1Qa", "SECTION", q_s1),
        _attr("h7Ys2Lk1Qa", "section_kind", ["general_objective"], q_s1, kind="choices"),
        _attr("h7Ys2Lk1Qa", "section_level", ["1"], q_s1),
        _region("Pq0vB3nT7e", "SECTION", q_s2),
        _attr("Pq0vB3nT7e", "section_kind", ["targets"], q_s2, kind="choices"),
        _region("x2", "TARGET", q_t1),
        _attr("x2", "target_label", ["1"], q_t1),
        _attr("x2", "target_value", ["0.5"], q_t1),
        _attr("x2", "target_unit", ["%"], q_t1),
        _attr("x2", "target_kind", ["decrease"], q_t1, kind="choices"),
        _region("zz9", "TARGET", q_t2, extra="\n"),          # selection ran over the line end
        _region("S3aaaa", "SECTION", q_s3),
        _attr("S3aaaa", "section_kind", ["implementation"], q_s3, kind="choices"),
        _attr("S3aaaa", "section_level", ["1"], q_s3),
        _region("Kk1", "TASK", q_k),
        _attr("Kk1", "task_lead", ["Phòng Văn hóa - Xã hội"], q_k),
        _attr("Kk1", "task_report_to", ["Ủy ban nhân dân phường"], q_k),
        _region("Dd1", "DEADLINE", q_d),
        _attr("Dd1", "deadline_kind", ["before"], q_d, kind="choices"),
        _attr("Dd1", "deadline_date_end", ["2026-12-15"], q_d),
        _region("Bb1", "BODY", q_b, ),
        _attr("Bb1", "body_role", ["lead"], q_b, kind="choices"),
        # the annotator linked "1. Chỉ tiêu" to its parent by drawing a relation
        {"from_id": "Pq0vB3nT7e", "to_id": "h7Ys2Lk1Qa", "type": "relation",
         "direction": "right", "labels": []},
        {"id": "n1", "from_name": "notes", "to_name": "text", "type": "textarea",
         "origin": "manual", "value": {"text": ["made-up plan for the tests"]}},
    ]
    # the body region lies inside the task paragraph, after "Giao "
    return {"id": 41, "data": {"text": HAND_TEXT, "source": "corpus/txt/hand-made.txt"},
            "annotations": [{"id": 97, "completed_by": {"id": 3, "email": "an@example.org"},
                             "was_cancelled": False, "result": result}],
            "predictions": []}


def test_hand_written_export_imports_with_defaults(tmp_path: Path) -> None:
    warnings: list[str] = []
    g = ls.import_task(_hand_task(), warnings=warnings)
    assert g["annotator"] == "Label Studio import: task 41, annotation 97 by an@example.org"
    assert g["reviewed"] is False and g["notes"] == "made-up plan for the tests"
    assert g["documents"] == [{
        "doc": 1, "doc_type": "KH", "number": "12", "symbol": "KH-UBND", "issuer": "",
        "issuer_level": "", "locality": "", "place": "", "issue_date": "", "date_precision": "",
        "title": "", "theme": "", "signer": "", "signer_title": "", "signer_authority": "",
        "plan_year": 2026, "recipients": ["Sở Nội vụ", "Lưu: VT"], "parent": None,
        "start": 0, "quote": "Số: 12/KH-UBND"}]
    s1, s2, s3 = g["sections"]
    # random Label Studio ids become the next free gold ids, in text order
    assert [s["id"] for s in g["sections"]] == ["s1", "s2", "s3"]
    assert (s1["label"], s1["heading"], s1["level"], s1["parent"]) == ("I.", "MỤC TIÊU", 1, None)
    # level from the relation-drawn parent, label/heading split from the quote
    assert (s2["label"], s2["heading"], s2["level"], s2["parent"]) == ("1.", "Chỉ tiêu", 2, "s1")
    assert (s3["parent"], s3["kind"]) == (None, "implementation")
    t1, t2 = g["targets"]
    assert t1 == {"doc": 1, "id": "t1", "label": "1", "parent": None, "section": "s2",
                  "in_task": False, "indicator": "", "indicator_code": "", "kind": "decrease",
                  "comparator": "=", "value": 0.5, "value_min": None, "value_max": None,
                  "unit": "%", "unit_text": "%", "baseline": "", "baseline_year": None,
                  "target_year": 2026, "start": HAND_TEXT.index("Tỷ lệ"),
                  "quote": "Tỷ lệ hộ nghèo giảm còn 0,5%"}
    assert (t2["kind"], t2["comparator"], t2["value"], t2["section"]) == ("qualitative", "", None, "s2")
    assert t2["quote"] == "Duy trì phường không ma túy."                 # line end trimmed
    (k,), (d,), (b,) = g["tasks"], g["deadlines"], g["bodies"]
    assert (k["id"], k["section"], k["lead"], k["report_to"], k["support"], k["deadline"]) == \
        ("k1", "s3", ["Phòng Văn hóa - Xã hội"], ["Ủy ban nhân dân phường"], [], "d1")
    assert (d["id"], d["task"], d["kind"], d["date_start"], d["date_end"], d["recurrence"]) == \
        ("d1", "k1", "before", None, "2026-12-15", "")
    assert b == {"doc": 1, "mention": "Phòng Văn hóa - Xã hội", "name": "Phòng Văn hóa - Xã hội",
                 "role": "lead", "task": "k1", "start": HAND_TEXT.index("Phòng"),
                 "quote": "Phòng Văn hóa - Xã hội"}
    assert any("white space" in w and "zz9" in w for w in warnings)
    assert any("canonical name" in w and "Bb1" in w for w in warnings)
    for t in TABLES:
        assert all(list(r) == list(ls.gold_keys(t)) for r in g[t])

    # written into a repository with that text, the file passes the gold check
    (tmp_path / "corpus" / "txt").mkdir(parents=True)
    (tmp_path / "corpus" / "txt" / "hand-made.txt").write_text(HAND_TEXT, encoding="utf-8")
    out = ls.write_gold(g, tmp_path / "gold" / "hand-made.yaml")
    assert check(load_gold(out)) == []

    # and exporting what was imported gives it back unchanged
    again = ls.import_task(_json_trip(ls.gold_task(g, HAND_TEXT)))
    assert all(again[t] == g[t] for t in TABLES)


def test_empty_values_against_defaults_survive_as_dash() -> None:
    g = ls.import_task(_hand_task())
    g["sections"][1]["parent"] = None          # a default would find s1
    g["targets"][0]["target_year"] = None      # ... the plan year
    g["targets"][0]["comparator"] = ""         # ... "=" (there is a value)
    g["tasks"][0]["deadline"] = None           # ... d1, inside the paragraph
    g["deadlines"][0]["task"] = None           # ... k1
    g["bodies"][0]["task"] = None              # ... k1
    task = _json_trip(ls.gold_task(g, HAND_TEXT))
    dashes = {(r["id"], r["from_name"]) for r in _results(task)
              if r["value"].get("text") == ["-"] or r["value"].get("choices") == ["-"]}
    assert dashes == {("s2", "section_parent"), ("t1", "target_target_year"),
                      ("t1", "target_comparator"), ("k1", "task_deadline"), ("d1", "deadline_task"),
                      ("b1", "body_task")}
    back = ls.import_task(task)
    assert all(back[t] == g[t] for t in TABLES)


def _with(task: dict, *edits: Callable[[list[dict]], None]) -> dict:
    task = copy.deepcopy(task)
    res = _results(task)
    for fn in edits:
        fn(res)
    return task


def _drop(rid: str, control: str) -> Callable[[list[dict]], None]:
    return lambda res: res.__setitem__(slice(None), [r for r in res if not (
        r.get("id") == rid and r.get("from_name") == control)])


def _set(rid: str, control: str, values: list[str]) -> Callable[[list[dict]], None]:
    def edit(res: list[dict]) -> None:
        for r in res:
            if r.get("id") == rid and r.get("from_name") == control:
                r["value"]["text" if r["type"] == "textarea" else "choices"] = values
    return edit


@pytest.mark.parametrize("edit, message", [
    (_drop("Dd1", "deadline_kind"), r"DEADLINE region Dd1 at \d+ \('trước ngày 15/12/2026'\): kind is required"),
    (_drop("Bb1", "body_role"), r"BODY region Bb1 .*role is required"),
    (_drop("h7Ys2Lk1Qa", "section_level"), r"SECTION region h7Ys2Lk1Qa .*no level"),
    (_set("x2", "target_value", ["0,5"]), r"TARGET region x2 .*value: '0,5' is not a number: write the decimal point"),
    (_set("x2", "target_unit", ["%", "phần trăm"]), r"TARGET region x2 .*unit has 2 entries"),
    (_set("Dq81mZ0a", "document_plan_year", ["2026.5"]), r"DOCUMENT region Dq81mZ0a .*whole number"),
    (lambda res: res[11]["value"].__setitem__("labels", ["PERSON"]), r"region x2 .*'PERSON'.* is not one of DOCUMENT"),
    (lambda res: res[11]["value"].__setitem__("text", "Tỷ lệ hộ cận nghèo"), r"region x2 \(TARGET\): its text .* is not the task text"),
    (lambda res: res[11]["value"].__setitem__("end", 10_000), r"region x2 \(TARGET\): offsets .* outside the text"),
    (lambda res: res.append({"id": "Pq0vB3nT7e", "from_name": "section_parent", "to_name": "text",
                             "type": "textarea", "value": {"start": 0, "end": 1, "text": ["S3aaaa"]}}),
     r"SECTION region Pq0vB3nT7e .*parent is written as 'S3aaaa' but a relation points to h7Ys2Lk1Qa"),
    (lambda res: res.append({"id": "x2", "from_name": "target_section", "to_name": "text",
                             "type": "textarea", "value": {"start": 0, "end": 1, "text": ["s9"]}}),
     r"TARGET region x2 .*section 's9' is not the id of a SECTION region"),
], ids=["deadline-kind-missing", "body-role-missing", "section-level-missing", "decimal-comma",
        "two-entries", "fractional-year", "unknown-label", "text-mismatch", "offsets-outside",
        "relation-conflict", "dangling-link"])
def test_hand_written_export_errors_name_the_region(edit: Callable[[list[dict]], None],
                                                     message: str) -> None:
    with pytest.raises(ls.LabelStudioError, match=message):
        ls.import_task(_with(_hand_task(), edit))


def test_task_level_errors_are_clear(tmp_path: Path) -> None:
    task = _hand_task()
    only_predictions = {**copy.deepcopy(task), "annotations": [],
                        "predictions": [{"model_version": "x", "result": _results(task)}]}
    with pytest.raises(ls.LabelStudioError, match="no submitted annotation.*--predictions"):
        ls.import_task(only_predictions)
    assert ls.import_task(only_predictions, use_predictions=True)["targets"]
    with pytest.raises(ls.LabelStudioError, match="data.source is missing"):
        ls.import_task({"data": {"text": HAND_TEXT}, "annotations": task["annotations"]})
    with pytest.raises(ls.LabelStudioError, match="JSON-MIN"):
        ls.import_task({"text": HAND_TEXT, "label": []})
    other = tmp_path / "other.txt"
    other.write_text(HAND_TEXT.replace("0,5%", "0,6%"), encoding="utf-8")
    with pytest.raises(ls.LabelStudioError, match=r"its text differs from .*other.txt from offset"):
        ls.import_task(task, check_text=other)
    # several annotators: the latest is used unless one is picked
    two = copy.deepcopy(task)
    second = copy.deepcopy(two["annotations"][0]) | {"id": 98, "updated_at": "2026-12-02T10:00:00Z"}
    two["annotations"][0]["updated_at"] = "2026-12-01T10:00:00Z"
    _set("x2", "target_value", ["0.7"])(second["result"])
    two["annotations"].append(second)
    warnings: list[str] = []
    assert ls.import_task(two, warnings=warnings)["targets"][0]["value"] == 0.7
    assert any("2 annotations" in w for w in warnings)
    assert ls.import_task(two, annotation_id=97)["targets"][0]["value"] == 0.5


# --- UTF-16 offsets ------------------------------------------------------------------------------

ASTRAL_TEXT = "Số: 01/KH-UBND 😀\nMục tiêu 𠀋: đạt 100% 🎯 hộ dân.\nTrồng 1.000 cây xanh.\n"


def test_utf16_offsets_match_javascript_string_indices() -> None:
    m = ls.Utf16Offsets(ASTRAL_TEXT)
    for i in range(len(ASTRAL_TEXT) + 1):
        js = len(ASTRAL_TEXT[:i].encode("utf-16-le")) // 2
        assert m.to_js(i) == js
        assert m.to_py(js) == i
    inside = len(ASTRAL_TEXT[:ASTRAL_TEXT.index("😀")].encode("utf-16-le")) // 2 + 1
    with pytest.raises(ValueError, match="surrogate pair"):
        m.to_py(inside)


def test_astral_characters_round_trip_and_import_from_js_offsets() -> None:
    quote = "Trồng 1.000 cây xanh"
    start = ASTRAL_TEXT.index(quote)
    data = {"source": "corpus/txt/astral.txt", "targets": [{
        "doc": 1, "id": "t1", "label": "", "parent": None, "section": None, "in_task": True,
        "indicator": "cây xanh", "indicator_code": "trees_planted", "kind": "increase",
        "comparator": "=", "value": 1000, "value_min": None, "value_max": None, "unit": "cây",
        "unit_text": "cây xanh", "baseline": "", "baseline_year": None, "target_year": 2026,
        "start": start, "quote": quote}]}
    task = _json_trip(ls.gold_task(data, ASTRAL_TEXT))
    v = _results(task)[0]["value"]
    # three astral characters stand before the quote: Label Studio counts 3 more units
    assert (v["start"], v["end"]) == (start + 3, start + 3 + len(quote))
    assert ASTRAL_TEXT.encode("utf-16-le")[2 * v["start"]:2 * v["end"]].decode("utf-16-le") == quote
    assert ls.import_task(task)["targets"] == data["targets"]

    # a region drawn in Label Studio over "đạt 100% 🎯 hộ dân" (emoji inside the span)
    q = "đạt 100% 🎯 hộ dân"
    s = ASTRAL_TEXT.index(q)
    js_s = len(ASTRAL_TEXT[:s].encode("utf-16-le")) // 2
    js_e = js_s + len(q.encode("utf-16-le")) // 2
    hand = {"data": {"text": ASTRAL_TEXT, "source": "corpus/txt/astral.txt"}, "annotations": [{
        "result": [{"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
                    "value": {"start": js_s, "end": js_e, "text": q, "labels": ["TARGET"]}},
                   {"id": "a", "from_name": "target_value", "to_name": "text", "type": "textarea",
                    "value": {"start": js_s, "end": js_e, "text": ["100"]}}]}]}
    t = ls.import_task(hand)["targets"][0]
    assert (t["start"], t["quote"], t["value"]) == (s, q, 100)


# --- predictions from pipeline tables ------------------------------------------------------------

PRED_STEM = "chu-van-an-2025-kh-dot-thi-dua"


@pytest.fixture(scope="module")
def pipeline_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from plan_extract.cli import main

    out = tmp_path_factory.mktemp("pred")
    assert main(["extract", str(CORPUS / "txt" / f"{PRED_STEM}.txt"), "--out", str(out),
                 "--quiet"]) == 0
    return out


def _csv_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_predictions_from_a_pipeline_run(pipeline_out: Path, root: Path) -> None:
    txt = CORPUS / "txt" / f"{PRED_STEM}.txt"
    task = _json_trip(ls.export_predictions(pipeline_out, txt))
    assert "annotations" not in task
    (pred,) = task["predictions"]
    assert pred["model_version"].startswith("plan_extract ")
    text = task["data"]["text"]
    assert task["data"]["source"] == f"corpus/txt/{PRED_STEM}.txt"
    regions = [r for r in pred["result"] if r["type"] == "labels"]
    for r in regions:
        assert text[r["value"]["start"]:r["value"]["end"]] == r["value"]["text"]
    by_label = {lab: [r for r in regions if r["value"]["labels"] == [lab]] for lab in ls.LABELS}
    for table in ("sections", "references", "targets"):
        rows = _csv_rows(pipeline_out / f"{table}.csv")
        assert len(by_label[ls.TABLE_LABEL[table]]) == len(rows) > 0
    targets = _csv_rows(pipeline_out / "targets.csv")
    assert sorted(r["value"]["start"] for r in by_label["TARGET"]) == \
        sorted(int(r["start"]) for r in targets)

    g = ls.import_task(task, use_predictions=True)
    assert len(g["documents"]) == 1 and g["documents"][0]["quote"].startswith("Số:")
    assert [t["quote"] for t in g["targets"]] == \
        [r["quote"] for r in sorted(targets, key=lambda r: int(r["start"]))]
    out = ls.write_gold(g, root / "gold" / f"{PRED_STEM}.yaml")
    assert check(load_gold(out)) == []

    # the command line writes the same task
    path = root / "pre.json"
    assert ls.main(["predictions", "--pred", str(pipeline_out), "--corpus", str(CORPUS / "txt"),
                    "--out", str(path)]) == 0
    assert json.loads(path.read_text(encoding="utf-8")) == [task]


def _write_table(folder: Path, name: str, record_type: type, rows: list[dict]) -> None:
    cols = [f.name for f in dataclasses.fields(record_type)]
    with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in cols})


def test_predictions_map_links_lists_roles_and_line_ends(tmp_path: Path) -> None:
    from plan_extract.model import (BodyRecord, DeadlineRecord, DocumentRecord, SectionRecord,
                                    TaskRecord)

    crlf = HAND_TEXT.replace("\n", "\r\n")
    txt = tmp_path / "crlf-plan.txt"
    txt.write_bytes(crlf.encode("utf-8"))          # the reader keeps \r\n, the gold reads \n

    def span(q: str) -> dict:
        s = crlf.index(q)
        return {"start": s, "end": s + len(q), "quote": q}

    base = {"doc_id": "abc-1", "source_path": str(txt)}
    pred = tmp_path / "out"
    pred.mkdir()
    _write_table(pred, "documents", DocumentRecord, [{**base, "doc_index": 1, "doc_type": "KH",
                 "number": "12", "symbol": "KH-UBND", "plan_year": "2026",
                 "recipients": "Sở Nội vụ; Lưu: VT", "start": 0, "end": len(crlf)}])
    _write_table(pred, "sections", SectionRecord, [
        {**base, "section_id": "abc-1:d1s1", "level": 1, "label": "II.",
         "heading": "TỔ CHỨC THỰC HIỆN", "kind": "implementation", "parent_id": "",
         **span("II. TỔ CHỨC THỰC HIỆN"), "end": len(crlf),
         "heading_end": span("II. TỔ CHỨC THỰC HIỆN")["end"]}])
    k = span("Giao Phòng Văn hóa - Xã hội tham mưu, báo cáo trước ngày 15/12/2026.")
    _write_table(pred, "tasks", TaskRecord, [{**base, "task_id": "abc-1:k7",
                 "section_id": "abc-1:d1s1", "lead": "Phòng Văn hóa - Xã hội",
                 "report_to": "Ủy ban nhân dân phường;Văn phòng HĐND và UBND",
                 "deadline_id": "abc-1:dl3", "in_table": False, **k}])
    _write_table(pred, "deadlines", DeadlineRecord, [{**base, "deadline_id": "abc-1:dl3",
                 "task_id": "abc-1:k7", "kind": "before", "date_end": "2026-12-15",
                 **span("trước ngày 15/12/2026")}])
    _write_table(pred, "bodies", BodyRecord, [
        {**base, "body_id": "b1", "mention": "Phòng Văn hóa - Xã hội",
         "name": "Phòng Văn hóa - Xã hội", "role": "lead", "task_id": "abc-1:k7",
         **span("Phòng Văn hóa - Xã hội")},
        {**base, "body_id": "b2", "mention": "Ủy ban nhân dân phường", "role": "mentioned",
         **span("KẾ HOẠCH")}])

    task = ls.export_predictions(pred, txt)
    assert task["data"]["text"] == HAND_TEXT
    g = ls.import_task(task, use_predictions=True)
    assert g["documents"][0]["quote"] == "Số: 12/KH-UBND"
    assert g["documents"][0]["recipients"] == ["Sở Nội vụ", "Lưu: VT"]
    assert g["sections"][0]["quote"] == "II. TỔ CHỨC THỰC HIỆN"
    (task_rec,) = g["tasks"]
    assert task_rec["start"] == HAND_TEXT.index("Giao")             # \r\n offsets mapped to \n
    assert (task_rec["id"], task_rec["section"], task_rec["deadline"]) == ("k1", "s1", "d1")
    assert task_rec["report_to"] == ["Ủy ban nhân dân phường", "Văn phòng HĐND và UBND"]
    assert g["deadlines"][0]["task"] == "k1"
    assert [b["role"] for b in g["bodies"]] == ["lead"]               # "mentioned" left out


# --- labeling config and command line ------------------------------------------------------------

def test_config_file_is_valid_and_matches_the_schema() -> None:
    tree = ET.parse(CONFIG)
    controls = {el.get("name"): el for el in tree.iter() if el.get("toName")}
    assert set(controls) == set(ls.CONTROLS) | {ls.LABEL_CONTROL, ls.DOC_CONTROL, ls.NOTES_CONTROL}
    assert [el.get("value") for el in controls["label"]] == list(ls.LABELS)
    assert ET.fromstring(ls.labeling_config()) is not None
    for name, (table, f) in ls.CONTROLS.items():
        el = controls[name]
        assert el.get("perRegion") == "true" and el.get("whenLabelValue") == ls.TABLE_LABEL[table]
        assert el.tag == ("Choices" if f.kind in ("choice", "bool") else "TextArea"), name
    # every value the seed gold uses can be picked in Label Studio
    for path in GOLD_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for table, fields in ls.FIELDS.items():
            for f in fields:
                if f.kind != "choice":
                    continue
                allowed = {c.get("value") for c in controls[ls.control_name(table, f.name)]}
                used = {r[f.name] for r in data[table]} - {""}
                assert used <= allowed, (
                    f"{path.stem}: {table}.{f.name} uses {sorted(used - allowed)}, missing from "
                    "config.xml; regenerate it: python -m plan_extract.evaluate.labelstudio config "
                    "--out gold/labelstudio/config.xml")


def test_cli_export_import_and_overwrite_guard(root: Path) -> None:
    corp = root / "corp"                      # the gold files' texts plus one new document
    corp.mkdir()
    gold_stems = set()
    for p in GOLD_FILES:
        src = ROOT / yaml.safe_load(p.read_text(encoding="utf-8"))["source"]
        (corp / src.name).write_bytes(src.read_bytes())
        gold_stems.add(src.stem)
    (corp / "new-plan.txt").write_text(HAND_TEXT, encoding="utf-8")
    out = root / "ls"
    assert ls.main(["export", "--gold", str(ROOT / "gold"), "--corpus", str(corp),
                    "--out", str(out), "--include-new"]) == 0
    tasks = json.loads((out / "tasks.json").read_text(encoding="utf-8"))
    annotated = [t for t in tasks if t.get("annotations")]
    assert sorted(t["data"]["stem"] for t in annotated) == sorted(gold_stems)
    (new,) = [t for t in tasks if not t.get("annotations")]
    assert (new["data"]["stem"], new["data"]["text"]) == ("new-plan", HAND_TEXT)

    gold_out = root / "gold"
    # the new document's task has no annotation yet: reported, the others are written
    assert ls.main(["import", str(out / "tasks.json"), "--out", str(gold_out)]) == 1
    written = sorted(gold_out.glob("*.yaml"))
    assert [p.stem for p in written] == sorted(gold_stems)
    assert gold_mod.main(["check", *map(str, written)]) == 0
    for p in written:
        assert yaml.safe_load(p.read_text(encoding="utf-8"))["reviewed"] is False

    # an existing file is only replaced with --force, and then keeps its layout
    one = root / "one.json"
    one.write_text(json.dumps(annotated[:1], ensure_ascii=False), encoding="utf-8")
    target = gold_out / f"{annotated[0]['data']['stem']}.yaml"
    target.write_text((ROOT / "gold" / target.name).read_text(encoding="utf-8"), encoding="utf-8")
    before = target.read_text(encoding="utf-8")
    assert ls.main(["import", str(one), "--out", str(gold_out)]) == 1
    assert target.read_text(encoding="utf-8") == before
    assert ls.main(["import", str(one), "--out", str(gold_out), "--force"]) == 0
    after = target.read_text(encoding="utf-8")
    assert ls.detect_style(after) == ls.detect_style(before)
    changed = [ln for ln in after.splitlines() if ln not in before.splitlines()]
    assert all(ln.startswith(("annotator:", "reviewed:", "reviewer:")) for ln in changed), changed[:3]


def test_mounts_on_a_parent_cli(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser(prog="plan-extract")
    ls.add_subparser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["labelstudio", "config", "--out", str(tmp_path / "c.xml")])
    assert args.func is ls.run and ls.run(args) == 0
    assert (tmp_path / "c.xml").read_text(encoding="utf-8") == ls.labeling_config()


def test_docstring_examples() -> None:
    res = doctest.testmod(ls, optionflags=doctest.ELLIPSIS)
    assert res.attempted >= 20 and res.failed == 0
