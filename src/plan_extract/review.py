"""Review pages: a plan's text with what was extracted highlighted in place (spaCy's displaCy).

``plan-extract review FILE... --out DIR`` writes one HTML page per file: the source text, and on
it the bodies (by role), deadlines, target values and cited documents the pipeline found, so a
reviewer reads each span in its sentence. displaCy runs in its manual mode: no language model is
loaded or downloaded.
"""
from __future__ import annotations

import argparse
import html
from pathlib import Path

LABELS = {  # label shown → colour
    "LEAD": "#f4a261", "SUPPORT": "#e9c46a", "REPORT_TO": "#8ecae6", "VIA": "#bde0fe",
    "ISSUER": "#cdb4db", "RECIPIENT": "#d8e2dc", "SIGNER": "#cdb4db", "BODY": "#eeeeee",
    "DEADLINE": "#90be6d", "TARGET": "#f28482", "REFERENCE": "#a8dadc",
}


def spans(plan) -> list[dict]:
    """Non-overlapping labelled spans in source offsets, shorter spans winning overlaps."""
    cands: list[tuple[int, int, str]] = []
    for b in plan.bodies:
        label = b.role.upper() if b.role.upper() in LABELS else "BODY"
        cands.append((b.start, b.end, label))
    for d in plan.deadlines:
        cands.append((d.start, d.end, "DEADLINE"))
    for t in plan.targets:
        if t.value_start is not None and t.value_end is not None and t.value_end > t.value_start:
            cands.append((t.value_start, t.value_end, "TARGET"))
    for r in plan.references:
        cands.append((r.start, r.end, "REFERENCE"))
    taken: list[tuple[int, int]] = []
    out = []
    for s, e, label in sorted(cands, key=lambda c: (c[1] - c[0], c[0])):
        if s is None or e is None or e <= s or any(s < te and ts < e for ts, te in taken):
            continue
        taken.append((s, e))
        out.append({"start": s, "end": e, "label": label})
    return sorted(out, key=lambda x: x["start"])


def render(plan) -> str:
    """One self-contained HTML page for a processed plan (``plan.source`` must be kept)."""
    from spacy import displacy

    text = plan.source.text if plan.source is not None else ""
    doc = {"text": text, "ents": spans(plan), "title": None}
    body = displacy.render(doc, style="ent", manual=True, page=False,
                           options={"colors": LABELS, "ents": list(LABELS)})
    tasks = "".join(
        f"<tr><td>{html.escape(t.label)}</td><td>{html.escape(t.text[:160])}</td>"
        f"<td>{html.escape(t.lead)}</td><td>{html.escape(t.support)}</td>"
        f"<td>{html.escape(t.report_to)}</td></tr>" for t in plan.tasks)
    return (
        "<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
        f"<title>{html.escape(Path(plan.source_path).name)}</title>"
        "<style>body{font-family:serif;max-width:70em;margin:2em auto;line-height:1.6}"
        "table{border-collapse:collapse;font-size:90%}td{border:1px solid #ccc;padding:2px 6px;"
        "vertical-align:top}</style></head><body>"
        f"<h1>{html.escape(Path(plan.source_path).name)}</h1>"
        f"<p>{len(plan.targets)} targets, {len(plan.tasks)} tasks, {len(plan.deadlines)} deadlines, "
        f"{len(plan.bodies)} body mentions.</p>{body}"
        "<h2>Tasks</h2><table><tr><th>label</th><th>task</th><th>lead</th><th>support</th>"
        f"<th>report to</th></tr>{tasks}</table></body></html>")


def add_subparser(sub) -> None:
    rv = sub.add_parser("review", help="HTML pages showing what was extracted, in the text (displaCy)")
    rv.add_argument("paths", nargs="+")
    rv.add_argument("--out", required=True, help="folder for the HTML pages")
    rv.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .api import iter_files
    from .pipeline import process

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    code = 0
    for f in iter_files(args.paths):
        plan = process(f)
        if plan.errors:
            print(f"review: {f}: {plan.errors[0].message}")
            code = 1
            continue
        page = out / f"{Path(f).stem}.{Path(f).suffix.lstrip('.')}.html"
        page.write_text(render(plan), encoding="utf-8")
        print(f"review: {f} -> {page}")
    return code
