"""Internal consistency of one plan: counts, deadlines, years, who reports.

* ``announced_count``: "với 09 chỉ tiêu" announcing another number than the list holds (the
  extractor's ``target_count_mismatch`` warnings, made findings).
* ``deadline_order``: a report chain whose lower link is due after the upper one. Units report to
  the ward before the ward reports upward: "các cơ quan, đơn vị … báo cáo về Ủy ban nhân dân phường
  (qua Phòng Văn hóa - Xã hội) trước ngày 10/12/2026" then "Phòng Văn hóa - Xã hội … tham mưu Ủy
  ban nhân dân phường báo cáo Ủy ban nhân dân thành phố … trước ngày 14/12/2026" is right; only
  the reverse is flagged.
* ``deadline_outside_period``: a deadline wholly before the plan's period or the day it was issued,
  or after the period's end plus a grace (disbursement until 31 January, January reviews).
* ``target_year_before_plan``: a target set for a year before the plan's year.
* ``report_from_unassigned_body``: a task that only asks a body to report, when the plan gives that
  body no other part (lead, support, channel or recipient of another task).
"""
from __future__ import annotations

import datetime as dt

import regex as re

from ...normalize import fold
from ..context import CONF, Context
from ..inputs import Doc
from ..model import Finding

_DATED = ("before", "on", "by_end_of", "period", "through")


def announced_count(ctx: Context) -> list[Finding]:
    """Findings from the extractor's ``target_count_mismatch`` warnings (its message names what
    the plan announces and what the list holds)."""
    out = []
    for w in ctx.store.rows("warnings"):
        if w["code"] != "target_count_mismatch" or w["doc_id"] not in ctx.store.docs:
            continue
        doc = ctx.doc(w["doc_id"])
        quotes = []
        text = ctx.store.text(doc)
        if text is not None and w["start"] is not None:
            quotes = [ctx.quote(doc.doc_id, w["start"], w["end"], text[int(w["start"]):int(w["end"])])]
        out.append(ctx.finding("announced_count", docs=[doc.doc_id], quotes=quotes, key=str(w["start"]),
                               explain=dict(doc=doc.label(), message=w["message"])))
    return out


# --------------------------------------------------------------------------- report chains


def _names(s: str) -> set[str]:
    return {_canon(x) for x in (s or "").split(";") if x.strip()}


def _canon(name: str) -> str:
    f = " ".join(fold(name).split())
    for group in CONF["body_equivalents"]:
        if f in {" ".join(fold(g).split()) for g in group}:
            return " ".join(fold(group[0]).split())
    return f


def _issuer_body(doc: Doc) -> str:
    return _canon(CONF["issuer_body"].get(doc.issuer_level, ""))


def reporters(task: dict, doc: Doc) -> set[str]:
    """Who reports in a task: its leads, else the issuing body; the issuing body too when the lead
    drafts its report ("tham mưu Ủy ban nhân dân phường báo cáo …")."""
    out = _names(task["lead"])
    text = fold(task["text"] or task["quote"] or "")
    if not out or any(w in text for w in CONF["reporting"]["drafts_for_issuer"]):
        out.add(_issuer_body(doc))
    return out


def _dated(ctx: Context, doc_id: str) -> dict[str, list[tuple[str, dict]]]:
    """{task_id: [(date_end, deadline row)]} of a document's dated deadlines."""
    out: dict[str, list[tuple[str, dict]]] = {}
    for r in ctx.store.rows("deadlines", doc_id):
        if r["task_id"] and r["kind"] in _DATED and r["date_end"]:
            out.setdefault(r["task_id"], []).append((r["date_end"], r))
    return out


def _is_report(task: dict) -> bool:
    text = fold(task["text"] or task["quote"] or "")
    return any(w in text for w in CONF["reporting"]["report_words"])


def deadline_order(ctx: Context) -> list[Finding]:
    """A report chain A → B (B's reporter receives A's report) where A is due after B: the lower
    level would report after the upper level has already reported. Only the reverse order is a
    finding; equal dates and periods that end together are not. The upper link must be a report
    (``reporting.report_words``): sending a dossier to a council is not passing reports up."""
    out = []
    for doc in ctx.store.docs.values():
        tasks = [t for t in ctx.store.rows("tasks", doc.doc_id) if t["report_to"]]
        reports = [t for t in tasks if _is_report(t)]
        dated = _dated(ctx, doc.doc_id)
        for a in tasks:
            recv = _names(a["report_to"]) | _names(a["via"])
            a_dates = dated.get(a["task_id"], [])
            if not a_dates:
                continue
            for b in reports:
                if b is a or not (reporters(b, doc) & recv) or _names(b["report_to"]) & _names(a["report_to"]):
                    continue
                b_dates = dated.get(b["task_id"], [])
                if not b_dates or min(d for d, _ in a_dates) <= max(d for d, _ in b_dates):
                    continue
                da = min(a_dates, key=lambda x: x[0])[1]
                db = max(b_dates, key=lambda x: x[0])[1]
                out.append(ctx.finding(
                    "deadline_order", docs=[doc.doc_id], key=f"{a['task_id']}>{b['task_id']}",
                    quotes=[ctx.row_quote(da), ctx.row_quote(db), ctx.row_quote(a), ctx.row_quote(b)],
                    values=f"{da['quote']} → {db['quote']}",
                    explain=dict(doc=doc.label(), lower=a["lead"] or "cấp dưới", lower_to=a["report_to"],
                                 lower_deadline=da["quote"], upper=b["lead"] or doc.issuer,
                                 upper_to=b["report_to"], upper_deadline=db["quote"])))
    return out


# --------------------------------------------------------------------------- period


def plan_period(doc: Doc) -> tuple[dt.date, dt.date] | None:
    """The plan's period: "giai đoạn 2026 - 2030" in its title, else its plan year.

    >>> from plan_extract.audit.inputs import Doc
    >>> d = Doc(*[""] * 12, "Kế hoạch giai đoạn 2026 - 2030", "", 2026, "", 0, 0)
    >>> plan_period(d)
    (datetime.date(2026, 1, 1), datetime.date(2030, 12, 31))
    """
    m = re.search(CONF["deadlines"]["period_pattern"], fold(doc.title or ""))
    if m:
        return dt.date(int(m.group("a")), 1, 1), dt.date(int(m.group("b")), 12, 31)
    if doc.plan_year:
        return dt.date(doc.plan_year, 1, 1), dt.date(doc.plan_year, 12, 31)
    return None


def _date(s: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(s)
    except (TypeError, ValueError):
        return None


def _issued_floor(doc: Doc) -> dt.date | None:
    """The first day the plan may have been issued on: its date, or the first day of its month or
    year when the draft gives no day."""
    parts = (doc.issue_date or "").split("-")
    try:
        nums = [int(p) for p in parts if p]
    except ValueError:
        return None
    if not nums:
        return None
    return dt.date(nums[0], nums[1] if len(nums) > 1 else 1, nums[2] if len(nums) > 2 else 1)


def _date_vi(doc: Doc) -> str:
    return "/".join(reversed((doc.issue_date or "").split("-")))


def deadline_outside_period(ctx: Context) -> list[Finding]:
    """Deadlines wholly outside the plan's life: already past when the plan was issued, or after
    its period's end plus the grace of ``lang/vi/audit.yaml``. A deadline between the issue date
    and the plan year ("xây dựng kế hoạch chi tiết trước ngày 31/12/2025" in a 2026 plan issued in
    December 2025) is preparation, not an error."""
    grace = dt.timedelta(days=CONF["deadlines"]["grace_days_after_period"])
    out = []
    for doc in ctx.store.docs.values():
        period = plan_period(doc)
        if period is None:
            continue
        issued = _issued_floor(doc)
        for r in ctx.store.rows("deadlines", doc.doc_id):
            if r["kind"] not in _DATED or r["year_inferred"]:
                continue
            end = _date(r["date_end"])
            start = _date(r["date_start"]) or end
            if end is None:
                continue
            where = None
            if issued and end < issued:
                where = f"đã qua khi kế hoạch được ban hành ({_date_vi(doc)})"
            elif not issued and end < period[0]:
                where = f"kết thúc trước khi thời kỳ kế hoạch bắt đầu ({period[0]:%d/%m/%Y})"
            elif start > period[1] + grace:
                where = f"sau khi thời kỳ kế hoạch kết thúc ({period[1]:%d/%m/%Y})"
            if where is None:
                continue
            span = f"{period[0].year}" if period[0].year == period[1].year else f"{period[0].year}–{period[1].year}"
            dates = (f"{start:%d/%m/%Y}–{end:%d/%m/%Y}" if start != end else f"{end:%d/%m/%Y}")
            out.append(ctx.finding("deadline_outside_period", docs=[doc.doc_id], key=r["deadline_id"],
                                   quotes=[ctx.row_quote(r)], values=dates,
                                   explain=dict(doc=doc.label(), period=span, deadline=r["quote"],
                                                dates=dates, where=where)))
    return out


def target_year_before_plan(ctx: Context) -> list[Finding]:
    """A target whose year comes before the plan's year ("kế hoạch năm 2026 … đạt 95% năm 2025")."""
    out = []
    for doc in ctx.store.docs.values():
        if not doc.plan_year:
            continue
        for row, v in ctx.values(doc.doc_id):
            if v.target_year and v.target_year < doc.plan_year:
                out.append(ctx.finding(
                    "target_year_before_plan", docs=[doc.doc_id], quotes=[ctx.row_quote(row)],
                    indicator_code=v.code, indicator=row["indicator"], key=row["target_id"],
                    values=f"năm kế hoạch {doc.plan_year}; năm mục tiêu {v.target_year}",
                    explain=dict(doc=doc.label(), plan_year=doc.plan_year, indicator=row["indicator"] or row["quote"],
                                 target_year=v.target_year)))
    return out


# --------------------------------------------------------------------------- who reports


def only_reports(task: dict, doc_bodies: list[dict]) -> bool:
    """Whether a task only asks its lead to report: after the request word and the lead's name its
    text starts with a report verb ("Báo cáo kết quả … về Ủy ban nhân dân phường").

    >>> only_reports({"task_id": "k1", "start": 0, "quote": "Giao Công an phường báo cáo kết quả về UBND phường."},
    ...              [{"task_id": "k1", "role": "lead", "start": 5, "end": 19}])
    True
    >>> only_reports({"task_id": "k1", "start": 0, "quote": "Giao Công an phường theo dõi, đôn đốc; báo cáo UBND phường."},
    ...              [{"task_id": "k1", "role": "lead", "start": 5, "end": 19}])
    False
    """
    text = task["quote"] or ""
    cut = 0
    for b in doc_bodies:
        if b["task_id"] == task["task_id"] and b["role"] == "lead" and b["start"] is not None:
            rel = int(b["end"]) - int(task["start"])
            if 0 < rel <= len(text) and rel < 120:
                cut = max(cut, rel)
    rest = " ".join(fold(text[cut:]).replace("*", "").split()).lstrip(" :-,")
    for w in CONF["reporting"]["request_words"]:
        if rest.startswith(w + " ") and cut == 0:
            rest = rest[len(w) + 1:]
    return any(rest.startswith(" ".join(fold(v).split())) for v in CONF["reporting"]["report_starts"])


def report_from_unassigned_body(ctx: Context) -> list[Finding]:
    """A task that only asks body X to report, in a plan (with the document that issues it, or the
    one it issues) that gives X no other part."""
    out = []
    for doc in ctx.store.docs.values():
        family = [d.doc_id for d in ctx.store.docs.values()
                  if d.doc_id == doc.doc_id or d.doc_id == doc.parent_doc_id or d.parent_doc_id == doc.doc_id]
        tasks = [t for d in family for t in ctx.store.rows("tasks", d)]
        bodies = ctx.store.rows("bodies", doc.doc_id)
        for t in ctx.store.rows("tasks", doc.doc_id):
            if not t["lead"] or not t["report_to"] or not only_reports(t, bodies):
                continue
            others = set()
            for o in tasks:
                if o["task_id"] != t["task_id"]:
                    for col in ("lead", "support", "via", "report_to"):
                        others |= _names(o[col])
            for body in t["lead"].split(";"):
                if body.strip() and _canon(body) not in others:
                    out.append(ctx.finding(
                        "report_from_unassigned_body", docs=[doc.doc_id], quotes=[ctx.row_quote(t)],
                        key=f"{t['task_id']}|{body}", values=body,
                        explain=dict(doc=doc.label(), body=body, report=t["quote"][:160])))
    return out
