"""The audit as one self-contained HTML page in Vietnamese.

Everything is inline (CSS in ``<style>``, charts as ``<svg>``); there is no script, no web font and
no external link to load, and a Content-Security-Policy forbids any, so the file opens the same
offline, attached to an e-mail or printed. Sections: summary (counts, audited documents, the city's
targets and their sources), findings grouped by rule with the source sentences highlighted, the
ward-vs-city table and links, the quotations of the city's theme, the indicator × ward matrix and
its charts. Wording: ``lang/vi/audit.yaml`` (``report``, ``rules``, ``severity``).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from html import escape
from pathlib import Path

from ..audit.model import AuditResult, Finding, context_key
from ..audit.values import number_vi
from ..lang import load
from .charts import bar_chart, severity_chart

_CONF = load("audit")
T = _CONF["report"]
SEV = _CONF["severity"]
_ORDER = {"error": 0, "warning": 1, "info": 2}

CSS = """
:root { --err:#c0392b; --warn:#d68910; --info:#5d8aa8; --ink:#1b1b1b; --muted:#5f6368; --line:#e0e0e0; }
* { box-sizing: border-box; }
body { font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", serif; color: var(--ink);
       margin: 0 auto; max-width: 1180px; padding: 24px 32px 48px; line-height: 1.45; background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 21px; margin: 32px 0 10px; border-bottom: 2px solid var(--ink); padding-bottom: 4px; }
h3 { font-size: 17px; margin: 22px 0 8px; } .sub { color: var(--muted); margin: 0 0 16px; }
nav a { margin-right: 14px; color: #1f4e79; } small, .muted { color: var(--muted); }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 12px 0; }
.card { border: 1px solid var(--line); border-left: 6px solid var(--info); padding: 10px 16px; min-width: 170px; }
.card b { display: block; font-size: 28px; } .card.error { border-left-color: var(--err); }
.card.warning { border-left-color: var(--warn); }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 14px; }
th, td { border: 1px solid var(--line); padding: 5px 8px; vertical-align: top; text-align: left; }
th { background: #f3f5f8; } td.num { text-align: right; white-space: nowrap; }
.finding { border: 1px solid var(--line); border-left: 6px solid var(--info); padding: 8px 14px; margin: 10px 0; }
.finding.error { border-left-color: var(--err); } .finding.warning { border-left-color: var(--warn); }
.finding p { margin: 4px 0; } .badge { display: inline-block; font-size: 12px; padding: 1px 8px; border-radius: 10px;
  color: #fff; background: var(--info); margin-right: 6px; } .badge.error { background: var(--err); }
.badge.warning { background: var(--warn); }
blockquote { margin: 6px 0; padding: 6px 10px; background: #fafafa; border-left: 3px solid #bbb; font-size: 14px; }
mark { background: #fff2a8; padding: 0 1px; } mark.diff { background: #f5b7b1; font-weight: bold; }
.src { color: var(--muted); font-size: 12px; }
.status-weaker, .status-different_year, .status-different_baseline { background: #fdebd0; }
.status-meets { background: #e9f7ef; } .status-omitted { background: #f4f6f6; }
.outlier { background: #f5b7b1; font-weight: bold; } .ok { color: #1e8449; font-weight: bold; }
.wrong { color: var(--err); font-weight: bold; }
.charts { display: flex; flex-wrap: wrap; gap: 18px; }
svg.chart { border: 1px solid var(--line); background: #fff; }
svg .chart-title { font: bold 14px serif; } svg .label, svg .value { font: 12px serif; }
svg .axis { font: 11px serif; fill: #5f6368; } svg .inbar { font: bold 11px serif; fill: #fff; }
details { margin: 14px 0; } summary { cursor: pointer; font-size: 17px; }
footer { margin-top: 36px; color: var(--muted); font-size: 13px; border-top: 1px solid var(--line); padding-top: 8px; }
@media print { nav { display: none; } .finding { break-inside: avoid; } }
"""


def e(x) -> str:
    return escape("" if x is None else str(x))


def render(result: AuditResult) -> str:
    """The whole page."""
    body = [_header(result), _summary(result), _findings(result), _ward_city(result), _themes(result),
            _matrix(result), _charts(result), _city(result),
            f"<footer>{e(T['footer'])}</footer>"]
    return ("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
            "img-src data:\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{e(T['title'])}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def write_report(result: AuditResult, path: str | Path) -> Path:
    """Write the report to ``path`` (UTF-8)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(render(result), encoding="utf-8")
    return p


# --------------------------------------------------------------------------- sections


def _header(r: AuditResult) -> str:
    city = r.city.get("name", "")
    nav = "".join(f'<a href="#{i}">{e(t)}</a>' for i, t in [
        ("summary", T["summary"]), ("findings", T["findings_by_rule"]), ("ward-city", T["ward_vs_city"]),
        ("themes", T["theme_checks"]), ("matrix", T["matrix"]), ("charts", T["charts"]), ("city", T["city_source"])])
    return (f"<header><h1>{e(T['title'])}{' — ' + e(city) if city else ''}</h1>"
            f"<p class=\"sub\">{e(T['subtitle'])}. {e(T['generated'])}: <code>{e(r.store)}</code></p>"
            f"<nav>{nav}</nav></header>")


def _summary(r: AuditResult) -> str:
    sev = Counter(f.severity for f in r.findings)
    cards = "".join(f'<div class="card {s}"><b>{sev.get(s, 0)}</b>{e(SEV[s])}</div>' for s in ("error", "warning", "info"))
    cards = f'<div class="card"><b>{len(r.documents)}</b>{e(T["documents_audited"])}</div>' + cards
    by_rule = Counter((f.severity, f.rule) for f in r.findings)
    rows = "".join(f"<tr><td>{e(_rule_title(rule))}</td><td>{e(SEV[s])}</td><td class=\"num\">{n}</td></tr>"
                   for (s, rule), n in sorted(by_rule.items(), key=lambda kv: (_ORDER[kv[0][0]], kv[0][1])))
    docs = "".join(
        f"<tr><td>{e(d['ward'] or d['locality'])}</td><td>{e(d['label'])}</td><td>{e(d['format'])}</td>"
        f"<td><small>{e(d['source_path'])}" + (f"<br>+ {len(d['renditions'])} {e(T['renditions_note'])}" if d["renditions"] else "")
        + "</small></td></tr>" for d in r.documents)
    per_ward: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for f in r.findings:
        for w in (f.wards.split(";") if f.wards else []):
            per_ward[w][f.severity] += 1
    chart = severity_chart(T["findings_by_rule"] + " — " + T["col_ward"].lower(), per_ward, SEV) if per_ward else ""
    return (f'<section id="summary"><h2>{e(T["summary"])}</h2><div class="cards">{cards}</div>'
            f"<table><tr><th>{e(T['col_rule'])}</th><th>{e(T['col_severity'])}</th><th>{e(T['col_count'])}</th></tr>"
            f"{rows or '<tr><td colspan=3>' + e(T['no_findings']) + '</td></tr>'}</table>{chart}"
            f"<h3>{e(T['documents_audited'])}</h3><table><tr><th>{e(T['col_ward'])}</th><th>{e(T['col_document'])}</th>"
            f"<th>Định dạng</th><th>Tệp</th></tr>{docs}</table></section>")


def _rule_title(rule: str) -> str:
    return _CONF["rules"].get(rule, {}).get("title", rule)


def _quote_html(r: AuditResult, f: Finding) -> str:
    quotes = f.quote_list()
    diffs = [q for q in quotes if q.role == "diff"]
    out = []
    for q in quotes:
        if q.role != "source":
            continue
        before, mid, after = r.contexts.get(context_key(q.source_path, q.start, q.end), ("", q.text, ""))
        inner = _highlight(mid, q.start, [d for d in diffs if q.start <= d.start and d.end <= q.end])
        out.append(f"<blockquote>{e(before)}<mark>{inner}</mark>{e(after)}"
                   f"<br><span class=\"src\">{e(q.source_path)} [{q.start}:{q.end}]</span></blockquote>")
    return "".join(out)


def _highlight(text: str, offset: int, diffs) -> str:
    out, pos = [], 0
    for d in sorted(diffs, key=lambda d: d.start):
        a, b = d.start - offset, d.end - offset
        if a < pos:
            continue
        out.append(e(text[pos:a]) + f'<mark class="diff">{e(text[a:b])}</mark>')
        pos = b
    out.append(e(text[pos:]))
    return "".join(out)


def _findings(r: AuditResult) -> str:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in r.findings:
        groups[f.rule].append(f)
    parts = [f'<section id="findings"><h2>{e(T["findings_by_rule"])}</h2>']
    if not groups:
        parts.append(f"<p>{e(T['no_findings'])}</p>")
    for rule, fs in sorted(groups.items(), key=lambda kv: (min(_ORDER[f.severity] for f in kv[1]), kv[0])):
        head = f'{e(_rule_title(rule))} <small>({len(fs)}; <code>{e(rule)}</code>)</small>'
        info = all(f.severity == "info" for f in fs)
        # comparisons and notes are many and repeat the ward-vs-city table: folded, one click away
        parts.append(f'<details id="rule-{e(rule)}"><summary><b>{head}</b></summary>' if info
                     else f'<h3 id="rule-{e(rule)}">{head}</h3>')
        for f in fs:
            parts.append(
                f'<article class="finding {e(f.severity)}" id="{e(f.finding_id)}"><p><span class="badge {e(f.severity)}">'
                f"{e(SEV[f.severity])}</span><b>{e(f.wards.replace(';', ', ') or '—')}</b> · {e(f.indicator)}</p>"
                f"<p>{e(f.explanation)}</p>"
                + (f"<p class=\"muted\">{e(T['col_values'])}: {e(f.values)}</p>" if f.values else "")
                + _quote_html(r, f) + "</article>")
        if info:
            parts.append("</details>")
    parts.append("</section>")
    return "".join(parts)


def _ward_city(r: AuditResult) -> str:
    parts = [f'<section id="ward-city"><h2>{e(T["ward_vs_city"])}</h2>']
    if r.links:
        parts.append(f"<h3>{e(T['links'])}</h3><table><tr><th>{e(T['col_ward'])}</th><th>{e(T['col_document'])}</th>"
                     f"<th>{e(T['col_link'])}</th></tr>")
        for l in r.links:
            parts.append(f"<tr><td>{e(l.ward)}</td><td>{e(l.document)}</td><td>"
                         f"{'' if l.linked else '<b>' + e(T['not_linked']) + ':</b> '}{e(l.basis)}</td></tr>")
        parts.append("</table>")
    if r.comparisons:
        parts.append(f"<table><tr><th>{e(T['col_ward'])}</th><th>{e(T['col_indicator'])}</th><th>{e(T['col_ward_value'])}</th>"
                     f"<th>{e(T['col_city_value'])}</th><th>{e(T['col_verdict'])}</th><th>{e(T['col_quote'])}</th>"
                     f"<th>{e(T['col_source'])}</th></tr>")
        for c in sorted(r.comparisons, key=lambda c: (c.ward, c.indicator_code, c.status)):
            parts.append(f'<tr class="status-{e(c.status)}"><td>{e(c.ward)}<br><small>{e(c.document)}</small></td>'
                         f"<td>{e(c.indicator)}</td><td>{e(c.ward_value)}</td><td>{e(c.city_value)}</td><td>{e(c.verdict)}</td>"
                         f"<td><small>{e(c.quote)}</small></td><td><small>{e(c.city_source)}</small></td></tr>")
        parts.append("</table>")
    else:
        parts.append(f"<p>{e(T['no_findings'])}</p>")
    parts.append("</section>")
    return "".join(parts)


def _themes(r: AuditResult) -> str:
    parts = [f'<section id="themes"><h2>{e(T["theme_checks"])}</h2>']
    if r.city.get("theme"):
        parts.append(f"<p>{e(T['city_line'])}: “{e(r.city['theme'])}” <small>({e(r.city.get('theme_source', ''))})</small></p>")
    if not r.theme_checks:
        parts.append(f"<p>{e(T['no_findings'])}</p></section>")
        return "".join(parts)
    parts.append(f"<table><tr><th>{e(T['col_ward'])}</th><th>{e(T['col_document'])}</th><th>{e(T['col_quoted'])}</th>"
                 f"<th>{e(T['col_result'])}</th></tr>")
    for t in r.theme_checks:
        verdict = (f'<span class="ok">{e(T["quote_ok"])}</span>' if t.ok
                   else f'<span class="wrong">{e(T["quote_wrong"])}</span>: {e(t.changes)}')
        parts.append(f"<tr><td>{e(t.ward)}</td><td>{e(t.document)}<br><span class=\"src\">{e(t.source_path)} "
                     f"[{t.start}:{t.end}]</span></td><td>“{e(t.quoted)}”</td><td>{verdict}</td></tr>")
    parts.append("</table></section>")
    return "".join(parts)


def _measures(r: AuditResult) -> dict[tuple, list]:
    groups: dict[tuple, list] = defaultdict(list)
    for m in r.matrix:
        groups[(m.indicator, m.kind, m.unit, m.target_year)].append(m)
    return groups


def _matrix(r: AuditResult) -> str:
    wards = sorted({m.ward for m in r.matrix})
    parts = [f'<section id="matrix"><h2>{e(T["matrix"])}</h2>']
    if not wards:
        parts.append(f"<p>{e(T['no_findings'])}</p></section>")
        return "".join(parts)
    parts.append(f"<table><tr><th>{e(T['col_indicator'])}</th><th>Năm</th>"
                 + "".join(f"<th>{e(w)}</th>" for w in wards) + f"<th>{e(T['city_line'])}</th></tr>")
    for (name, kind, unit, year), cells in sorted(_measures(r).items(), key=lambda kv: (kv[0][0], str(kv[0][3]))):
        by_ward = {m.ward: m for m in cells}
        city = next((m.city_value_text for m in cells if m.city_value_text), "")
        row = [f"<td>{e(name)}</td><td>{e(year)}</td>"]
        for w in wards:
            m = by_ward.get(w)
            row.append("<td></td>" if m is None else
                       f'<td class="{"outlier" if m.outlier else ""}" title="{e(m.quote)}">{e(m.value_text)}</td>')
        row.append(f"<td>{e(city)}</td>")
        parts.append("<tr>" + "".join(row) + "</tr>")
    parts.append(f"</table><p class=\"muted\">{e(T['legend_outlier'])}</p></section>")
    return "".join(parts)


def _charts(r: AuditResult) -> str:
    parts = [f'<section id="charts"><h2>{e(T["charts"])}</h2><p class="muted">{e(T["legend_outlier"])}. '
             f'{e(T["legend_city"])}.</p><div class="charts">']
    n = 0
    for (name, kind, unit, year), cells in sorted(_measures(r).items(), key=lambda kv: (kv[0][0], str(kv[0][3]))):
        if len(cells) < 2 or unit != "%":
            continue
        rows = [(m.ward, m.value or 0.0, m.value_text, m.outlier) for m in sorted(cells, key=lambda m: m.ward)]
        city = next((m.city_value for m in cells if m.city_value is not None), None)
        city_text = next((m.city_value_text for m in cells if m.city_value_text), "")
        title = f"{name} ({year})" + (f" — {_CONF['kind_words'].get(kind, '')}".rstrip(" —") if kind != "level" else "")
        parts.append(bar_chart(title, rows, unit, city, f"{T['city_line']}: {city_text}"))
        n += 1
    if not n:
        parts.append(f"<p>{e(T['no_findings'])}</p>")
    parts.append("</div></section>")
    return "".join(parts)


def _city(r: AuditResult) -> str:
    c = r.city
    parts = [f'<section id="city"><h2>{e(T["city_source"])}</h2>']
    if not c:
        parts.append(f"<p>{e(T['no_findings'])}</p></section>")
        return "".join(parts)
    parts.append(f"<p><b>{e(c.get('name'))}</b>, {e(c.get('year'))} — <small>{e(c.get('origin'))}</small></p>")
    parts.append(f"<table><tr><th>{e(T['col_indicator'])}</th><th>{e(T['col_city_value'])}</th><th>{e(T['col_source'])}</th>"
                 f"<th>Công bố</th></tr>")
    for t in c.get("targets", []):
        use = "" if t["use"] == "compare" else " <small>(bối cảnh, không so sánh)</small>"
        parts.append(f"<tr><td>{e(t['indicator'])}{use}</td><td>{e(t['value'])}</td><td>{e(t['source'])}</td>"
                     f"<td><small>{e(t['citation'])}</small></td></tr>")
    parts.append("</table></section>")
    return "".join(parts)


__all__ = ["render", "write_report", "number_vi"]
