"""``plan-extract evaluate``: extracted tables against the gold set, per table, field and document.

Matching (documented in README):
* documents: the n-th document of a file against the n-th gold document; fields compared after
  folding (case, tone marks, quotes, spaces).
* every other table: a predicted row matches a gold row when their spans overlap (gold spans are
  offsets in the .txt; predictions from .docx/.pdf are first aligned to the .txt by their quote's
  letters and digits). Pairs are chosen greedily, preferring pairs whose key values agree, then the
  largest overlap; each row is used once.
* For a field, a matched pair counts as a true positive when the field agrees; precision divides by
  predicted rows, recall by gold rows. "span" scores the matching alone. A matched pair whose key
  value disagrees is a *partial* match (right span, wrong value), listed apart from misses and
  spurious rows.
"""
from __future__ import annotations

import json
import math
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import regex as re

from ..normalize import fold
from .gold import Gold, GoldError, load_gold_dir

# gold field -> predicted column, per table; the first field list is the key of partial matches.
FIELDS: dict[str, dict[str, str]] = {
    "sections": {"kind": "kind", "label": "label", "level": "level"},
    "references": {"cited_type": "cited_type", "cited_number": "cited_number",
                   "cited_date": "cited_date", "cited_issuer": "cited_issuer"},
    "targets": {"value": "value", "unit": "unit", "comparator": "comparator", "range": "range",
                "baseline": "baseline", "indicator_code": "indicator_code", "kind": "kind",
                "target_year": "target_year", "parent": "parent", "value_unit_comparator": "vuc"},
    "tasks": {"lead": "lead", "support": "support", "report_to": "report_to", "via": "via",
              "deadline": "deadline"},
    "deadlines": {"kind": "kind", "date_start": "date_start", "date_end": "date_end",
                  "recurrence": "recurrence", "dates": "dates"},
    "bodies": {"name": "name", "role": "role", "name_role": "name_role"},
}
KEY = {"sections": "kind", "references": "cited_number", "targets": "value_unit_comparator",
       "tasks": "lead", "deadlines": "dates", "bodies": "name_role"}
DOC_FIELDS = ["doc_type", "number", "symbol", "issuer", "issuer_level", "locality", "issue_date",
              "date_precision", "title", "theme", "signer", "signer_title", "signer_authority",
              "plan_year", "recipients"]
SCORED_ROLES = {"issuer", "lead", "support", "report_to", "via", "recipient"}


def norm(v: Any) -> str:
    """Comparable form of a cell: folded, artifacts and quotes removed, numbers canonical."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, (list, tuple)):
        return ";".join(sorted(norm(x) for x in v))
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, (int, float)):
        return _num(float(v))
    s = str(v)
    try:
        return _num(float(s)) if re.fullmatch(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?", s.strip()) else _text(s)
    except ValueError:
        return _text(s)


def _num(x: float) -> str:
    return f"{x:.6g}" if abs(x) < 1e6 else f"{x:.9e}"


def _text(s: str) -> str:
    s = fold(s).replace("*", "")
    s = re.sub(r"[“”\"'‘’]", "", s)
    return re.sub(r"\s+", " ", s).strip(" .;:")


# --- alignment of .docx/.pdf predictions onto the .txt --------------------------------------------

class Aligner:
    """Maps a quote of another rendition to offsets in the gold .txt via letters and digits."""

    def __init__(self, text: str):
        keep = [(i, c) for i, c in enumerate(fold(text)) if c.isalnum()]
        self.index = [i for i, _ in keep]
        self.compact = "".join(c for _, c in keep)

    def locate(self, quote: str, hint: float) -> tuple[int, int] | None:
        q = "".join(c for c in fold(quote) if c.isalnum())
        if len(q) < 2:
            return None
        hits = [m.start() for m in re.finditer(re.escape(q[:200]), self.compact)]
        if not hits:
            return None
        target = hint * len(self.compact)
        best = min(hits, key=lambda h: abs(h - target))
        end = min(best + len(q), len(self.index)) - 1
        return self.index[best], self.index[end] + 1


# --- gold rows in comparable form ---------------------------------------------------------------

def gold_rows(g: Gold, table: str) -> list[dict]:
    rows = []
    by_id = {t: {r.get("id"): r for r in g.records[t]} for t in g.records}
    for r in g.records[table]:
        if table == "bodies" and r.get("role") not in SCORED_ROLES:
            continue
        row = dict(r)
        row["start"], row["end"] = r.get("start"), r.get("end")
        if table == "sections":
            row["end"] = r["start"] + len(r["quote"])
        if table == "targets":
            row["range"] = _range(r.get("value_min"), r.get("value_max"))
            parent = by_id["targets"].get(r.get("parent"))
            row["parent"] = (parent["start"], parent["start"] + len(parent["quote"])) if parent else None
        if table == "tasks":
            d = by_id["deadlines"].get(r.get("deadline"))
            row["deadline"] = (d.get("date_start"), d.get("date_end")) if d else None
        if table == "deadlines":
            row["dates"] = (r.get("date_start"), r.get("date_end"))
        if table == "bodies":
            row["name_role"] = (r.get("name"), r.get("role"))
        rows.append(row)
    for row in rows:
        if table == "targets":
            row["vuc"] = (norm(row.get("value")), row["range"], norm(row.get("unit")), norm(row.get("comparator")))
    return rows


def _range(lo, hi) -> str:
    return "" if lo in (None, "") and hi in (None, "") else f"{norm(lo)}..{norm(hi)}"


def pred_rows(df: pd.DataFrame, table: str, text_len: int, aligner: Aligner | None,
              all_tables: dict[str, pd.DataFrame]) -> list[dict]:
    rows = []
    if df is None or df.empty:
        return rows
    for r in df.to_dict("records"):
        row = dict(r)
        if table == "sections":
            row["end"] = r.get("heading_end", r["end"])
        if aligner is not None:
            quote = r.get("quote") if table != "sections" else f"{r.get('label', '')} {r.get('heading', '')}"
            loc = aligner.locate(str(quote or ""), (r["start"] or 0) / max(1, text_len))
            if loc is None:
                row["start"] = row["end"] = -1
            else:
                row["start"], row["end"] = loc
        if table == "targets":
            row["range"] = _range(r.get("value_min"), r.get("value_max"))
            row["vuc"] = (norm(r.get("value")), row["range"], norm(r.get("unit")), norm(r.get("comparator")))
        if table == "deadlines":
            row["dates"] = (r.get("date_start"), r.get("date_end"))
        if table == "bodies":
            row["name_role"] = (r.get("name"), r.get("role"))
            if r.get("role") not in SCORED_ROLES:
                continue
        if table == "tasks":
            for k in ("lead", "support", "report_to", "via"):
                v = r.get(k)
                row[k] = [x for x in str(v).split(";") if x] if isinstance(v, str) else []
        rows.append(row)
    if table == "targets":
        spans = {r["target_id"]: (r["start"], r["end"]) for r in rows}
        for row in rows:
            row["parent"] = spans.get(row.get("parent_target_id")) if isinstance(row.get("parent_target_id"), str) else None
    if table == "tasks" and "deadlines" in all_tables and not all_tables["deadlines"].empty:
        dl = {r["deadline_id"]: (r.get("date_start"), r.get("date_end")) for r in all_tables["deadlines"].to_dict("records")}
        for row in rows:
            row["deadline"] = dl.get(row.get("deadline_id"))
    return rows


def _overlap(a: dict, b: dict) -> int:
    if a.get("start") is None or b.get("start") is None or a["start"] < 0 or b["start"] < 0:
        return 0
    return min(a["end"], b["end"]) - max(a["start"], b["start"])


def _same(field_: str, g: dict, p: dict, pairs_map: dict | None = None) -> bool:
    gv, pv = g.get(field_), p.get(field_)
    if field_ == "parent":
        if gv is None or pv is None:
            return gv is None and pv is None
        return max(0, min(gv[1], pv[1]) - max(gv[0], pv[0])) > 0
    if field_ in ("vuc", "dates", "name_role", "deadline"):
        if gv is None or pv is None:
            return gv is None and pv is None
        return tuple(norm(x) for x in gv) == tuple(norm(x) for x in pv)
    return norm(gv) == norm(pv)


def match(gold: list[dict], pred: list[dict], key: str) -> tuple[list[tuple[dict, dict]], list[dict], list[dict]]:
    cands = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            ov = _overlap(g, p)
            if ov > 0:
                cands.append((not _same(key, g, p), -ov, gi, pi))
    cands.sort()
    used_g, used_p, pairs = set(), set(), []
    for _, _, gi, pi in cands:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append((gold[gi], pred[pi]))
    misses = [g for i, g in enumerate(gold) if i not in used_g]
    spurious = [p for i, p in enumerate(pred) if i not in used_p]
    return pairs, misses, spurious


@dataclass
class Counts:
    tp: int = 0
    n_gold: int = 0
    n_pred: int = 0

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.n_gold += other.n_gold
        self.n_pred += other.n_pred

    def prf(self) -> dict[str, float]:
        p = self.tp / self.n_pred if self.n_pred else (1.0 if not self.n_gold else 0.0)
        r = self.tp / self.n_gold if self.n_gold else (1.0 if not self.n_pred else 0.0)
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                "tp": self.tp, "gold": self.n_gold, "pred": self.n_pred}


@dataclass
class Report:
    overall: dict[str, dict[str, Counts]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(Counts)))
    per_doc: dict[str, dict[str, dict[str, Counts]]] = field(default_factory=dict)
    documents: dict[str, list[dict]] = field(default_factory=dict)
    doc_fields: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    errors: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "overall": {t: {f: c.prf() for f, c in fs.items()} for t, fs in self.overall.items()},
            "metadata": {f: c.prf() for f, c in self.doc_fields.items()},
            "per_document": {d: {t: {f: c.prf() for f, c in fs.items()} for t, fs in ts.items()}
                             for d, ts in self.per_doc.items()},
            "errors": self.errors,
        }


def load_pred(folder: str | Path) -> dict[str, pd.DataFrame]:
    folder = Path(folder)
    out = {}
    for name in ("documents", "sections", "references", "targets", "tasks", "deadlines", "bodies"):
        path = folder / f"{name}.csv"
        out[name] = pd.read_csv(path, dtype=str, keep_default_na=False) if path.exists() else pd.DataFrame()
        for col in ("start", "end", "heading_end"):
            if col in out[name]:
                out[name][col] = pd.to_numeric(out[name][col], errors="coerce").fillna(-1).astype(int)
        for col in ("value", "value_min", "value_max"):
            if col in out[name]:
                out[name][col] = pd.to_numeric(out[name][col], errors="coerce")
    return out


def evaluate(gold_dir: str | Path, pred_dir: str | Path, fmt: str = "") -> Report:
    golds = load_gold_dir(gold_dir)
    pred = load_pred(pred_dir)
    report = Report()
    docs = pred["documents"]
    for g in golds:
        if docs.empty:
            sources = []
        else:
            stems = docs["source_path"].map(lambda p: Path(p).stem)
            sources = sorted(set(docs.loc[stems == g.stem, "source_path"]))
        if fmt:
            sources = [s for s in sources if _format_of(s, fmt, docs)]
        for src in sources:
            _evaluate_source(g, src, pred, report)
    return report


def _format_of(source: str, fmt: str, docs: pd.DataFrame) -> bool:
    """Whether a source belongs to ``fmt``: its folder's name when the corpus has a folder of that
    name (``pdf`` is corpus/pdf, not corpus/scanned or corpus/pdf-cid), else its suffix."""
    folders = {Path(p).parent.name for p in docs["source_path"]}
    if fmt in folders:
        return Path(source).parent.name == fmt
    return Path(source).suffix.lstrip(".").lower() == fmt


def _evaluate_source(g: Gold, src: str, pred: dict[str, pd.DataFrame], report: Report) -> None:
    tag = f"{Path(src).parent.name}/{Path(src).name}"
    is_txt = Path(src).suffix.lower() in (".txt", ".md")
    pdocs = pred["documents"][pred["documents"]["source_path"] == src]
    pdocs = pdocs.sort_values("doc_index") if "doc_index" in pdocs else pdocs
    text_len = int(pdocs["end"].max()) if len(pdocs) else 1
    aligner = None if is_txt else Aligner(g.text)
    per_table: dict[str, dict[str, Counts]] = defaultdict(lambda: defaultdict(Counts))
    # metadata
    rows = []
    for gd, pd_ in zip(g.records["documents"], list(pdocs.to_dict("records")) + [{}] * 5):
        for f in DOC_FIELDS:
            gv = gd.get(f)
            pv = pd_.get(f)
            if f == "recipients":
                gv = "; ".join(gv or [])
            ok = norm(gv) == norm(pv)
            c = Counts(int(ok), 1, 1 if pd_ else 0)
            report.doc_fields[f].add(c)
            per_table["documents"][f].add(c)
            if not ok:
                rows.append({"field": f, "gold": gv, "pred": pv, "doc": gd.get("doc")})
    report.documents[tag] = rows
    for table, fields in FIELDS.items():
        grows = gold_rows(g, table)
        df = pred.get(table)
        prows = pred_rows(df[df["source_path"] == src] if df is not None and not df.empty else df,
                          table, text_len, aligner, pred)
        pairs, misses, spurious = match(grows, prows, KEY[table])
        span = Counts(len(pairs), len(grows), len(prows))
        per_table[table]["span"].add(span)
        for f, col in fields.items():
            gfield = col if col in ("vuc", "range", "parent", "dates", "name_role") else f
            tp = sum(_same(gfield, gp, pp) for gp, pp in pairs)
            per_table[table][f].add(Counts(tp, len(grows), len(prows)))
        for gp, pp in pairs:
            if not _same(KEY[table] if KEY[table] in ("vuc", "dates", "name_role") else KEY[table], gp, pp):
                report.errors.append({"doc": tag, "table": table, "type": "partial",
                                      "quote": gp.get("quote", ""), "gold": _show(gp, table), "pred": _show(pp, table)})
        for m in misses:
            report.errors.append({"doc": tag, "table": table, "type": "miss", "quote": m.get("quote", ""), "gold": _show(m, table)})
        for s in spurious:
            report.errors.append({"doc": tag, "table": table, "type": "spurious",
                                  "quote": str(s.get("quote", s.get("heading", "")))[:160], "pred": _show(s, table)})
    report.per_doc[tag] = per_table
    for t, fs in per_table.items():
        for f, c in fs.items():
            report.overall[t][f].add(c)


def _show(r: dict, table: str) -> str:
    keys = {"targets": ["label", "value", "range", "unit", "comparator", "kind", "indicator_code", "baseline"],
            "sections": ["label", "heading", "kind", "level"],
            "references": ["cited_type", "cited_number", "cited_date", "cited_issuer"],
            "tasks": ["lead", "support", "report_to", "via"],
            "deadlines": ["kind", "date_start", "date_end", "recurrence"],
            "bodies": ["name", "role"]}[table]
    return ", ".join(f"{k}={norm(r.get(k))}" for k in keys if norm(r.get(k)))


def markdown(report: Report, details: bool = True) -> str:
    j = report.to_json()
    lines = ["# Evaluation against the gold set", "", "## Overall (all evaluated sources)", "",
             "| table | field | precision | recall | F1 | tp | gold | pred |", "|---|---|---|---|---|---|---|---|"]
    for t, fs in j["overall"].items():
        if t == "documents":
            continue
        for f, m in fs.items():
            lines.append(f"| {t} | {f} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['tp']} | {m['gold']} | {m['pred']} |")
    lines += ["", "## Metadata field accuracy", "", "| field | accuracy | correct | gold |", "|---|---|---|---|"]
    for f, m in j["metadata"].items():
        lines.append(f"| {f} | {m['recall']:.3f} | {m['tp']} | {m['gold']} |")
    lines += ["", "## Per document (F1 of the main field per table)", "",
              "| source | sections kind | references | targets v+u+c | tasks lead | deadlines dates | bodies name+role | metadata |",
              "|---|---|---|---|---|---|---|---|"]
    for d, ts in j["per_document"].items():
        meta = ts.get("documents", {})
        macc = sum(m["tp"] for m in meta.values()) / max(1, sum(m["gold"] for m in meta.values()))
        cell = lambda t, f: f"{ts.get(t, {}).get(f, {}).get('f1', 0):.2f}"
        lines.append(f"| {d} | {cell('sections', 'kind')} | {cell('references', 'cited_number')} | "
                     f"{cell('targets', 'value_unit_comparator')} | {cell('tasks', 'lead')} | "
                     f"{cell('deadlines', 'dates')} | {cell('bodies', 'name_role')} | {macc:.2f} |")
    if details:
        lines += ["", "## Misses, spurious rows and partial matches", ""]
        for e in report.errors:
            lines.append(f"- [{e['doc']}] {e['table']} {e['type']}: “{str(e.get('quote',''))[:120]}” "
                         f"gold({e.get('gold','')}) pred({e.get('pred','')})")
        lines += ["", "## Metadata differences", ""]
        for d, rows in report.documents.items():
            for r in rows:
                lines.append(f"- [{d}] doc {r['doc']} {r['field']}: gold “{r['gold']}” pred “{r['pred']}”")
    return "\n".join(lines) + "\n"


def main(args) -> int:
    try:
        report = evaluate(args.gold, args.pred, getattr(args, "format_filter", ""))
    except GoldError as exc:
        print(f"plan-extract evaluate: {exc}", file=sys.stderr)
        return 2
    md = markdown(report, details=True)
    summary = markdown(report, details=getattr(args, "details", False))
    print(summary)
    if getattr(args, "report", None):
        out = Path(args.report)
        out.mkdir(parents=True, exist_ok=True)
        (out / "report.md").write_text(md, encoding="utf-8")
        (out / "report.json").write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    return 0
