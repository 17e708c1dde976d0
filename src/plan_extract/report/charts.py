"""Inline SVG charts for the HTML report (no script, no external file, no font download).

``bar_chart`` draws one measure across wards as horizontal bars, outliers in red and the city's
value as a dashed line; ``severity_chart`` stacks each ward's findings by severity.
"""
from __future__ import annotations

from html import escape

from ..audit.values import number_vi

COLORS = {"bar": "#4a78b0", "outlier": "#c0392b", "city": "#1b1b1b", "grid": "#d9d9d9",
          "error": "#c0392b", "warning": "#d68910", "info": "#5d8aa8"}


def bar_chart(title: str, rows: list[tuple[str, float, str, bool]], unit: str,
              city: float | None = None, city_label: str = "") -> str:
    """``rows``: (ward, value, label, outlier). Bars start at 0 (at the least value for ranks)."""
    width, left, right, bar_h, gap, top = 540, 130, 70, 22, 8, 30
    height = top + len(rows) * (bar_h + gap) + 28
    values = [v for _, v, _, _ in rows] + ([city] if city is not None else [])
    vmax = max(values + [1e-9])
    vmax = 100.0 if unit == "%" and vmax <= 100 else vmax * 1.1
    span = width - left - right

    def x(v: float) -> float:
        return left + span * max(0.0, v) / vmax

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
             f'<text x="4" y="18" class="chart-title">{escape(title)}</text>']
    for k in range(5):
        gx = left + span * k / 4
        parts.append(f'<line x1="{gx:.1f}" y1="{top - 4}" x2="{gx:.1f}" y2="{height - 24}" stroke="{COLORS["grid"]}"/>')
        parts.append(f'<text x="{gx:.1f}" y="{height - 8}" class="axis" text-anchor="middle">'
                     f'{escape(number_vi(round(vmax * k / 4, 2)))}</text>')
    for i, (ward, v, label, outlier) in enumerate(rows):
        y = top + i * (bar_h + gap)
        color = COLORS["outlier"] if outlier else COLORS["bar"]
        parts.append(f'<text x="{left - 6}" y="{y + bar_h * 0.7:.1f}" text-anchor="end" class="label">{escape(ward)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{max(1.0, x(v) - left):.1f}" height="{bar_h}" fill="{color}">'
                     f'<title>{escape(ward)}: {escape(label)}</title></rect>')
        parts.append(f'<text x="{x(v) + 4:.1f}" y="{y + bar_h * 0.7:.1f}" class="value">{escape(label)}</text>')
    if city is not None:
        cx = x(city)
        parts.append(f'<line x1="{cx:.1f}" y1="{top - 8}" x2="{cx:.1f}" y2="{height - 24}" stroke="{COLORS["city"]}" '
                     f'stroke-width="2" stroke-dasharray="5,4"><title>{escape(city_label)}</title></line>')
    parts.append("</svg>")
    return "".join(parts)


def severity_chart(title: str, counts: dict[str, dict[str, int]], labels: dict[str, str]) -> str:
    """Findings per ward stacked by severity (``counts[ward][severity]``)."""
    wards = sorted(counts)
    width, left, bar_h, gap, top = 540, 130, 20, 8, 30
    height = top + len(wards) * (bar_h + gap) + 30
    vmax = max([sum(c.values()) for c in counts.values()] + [1])
    span = width - left - 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
             f'<text x="4" y="18" class="chart-title">{escape(title)}</text>']
    for i, ward in enumerate(wards):
        y = top + i * (bar_h + gap)
        parts.append(f'<text x="{left - 6}" y="{y + bar_h * 0.7:.1f}" text-anchor="end" class="label">{escape(ward)}</text>')
        x0 = float(left)
        for sev in ("error", "warning", "info"):
            n = counts[ward].get(sev, 0)
            if not n:
                continue
            w = span * n / vmax
            parts.append(f'<rect x="{x0:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{COLORS[sev]}">'
                         f'<title>{escape(ward)} — {escape(labels[sev])}: {n}</title></rect>')
            if w > 14:
                parts.append(f'<text x="{x0 + w / 2:.1f}" y="{y + bar_h * 0.7:.1f}" text-anchor="middle" class="inbar">{n}</text>')
            x0 += w
    lx = left
    for sev in ("error", "warning", "info"):
        parts.append(f'<rect x="{lx}" y="{height - 16}" width="10" height="10" fill="{COLORS[sev]}"/>'
                     f'<text x="{lx + 14}" y="{height - 7}" class="axis">{escape(labels[sev])}</text>')
        lx += 130
    parts.append("</svg>")
    return "".join(parts)
