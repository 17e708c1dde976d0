"""Tasks (nhiệm vụ): who must do what, by when, reporting to whom.

Find: every paragraph of a section of kind ``tasks``, ``timeline`` or ``implementation`` that
directs an action (labelled items "a) …", "4.3. …", bullets "- …", plain paragraphs), the
assigning paragraphs of a Quyết định's articles ("Điều 2. Giao …"), and the rows of task tables
(Phụ lục: STT | Nội dung nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành).

Resolve, per task:
* bodies and their roles from the cue words around each mention (``bodies.role_of``), or from the
  table column they stand in;
* leads a paragraph does not name itself are inherited: from an assignee heading ("2. Phòng Văn
  hóa - Xã hội:" for the items under it) or from the labelled item that assigns ("2. Giao các đơn
  vị: A; B" for the bullets and paragraphs that follow it);
* the deadline: the first time expression of its own text, else the one of its period heading
  ("1. Quý I năm 2026").

The section kinds and the words that make a paragraph a non-task are data
(``lang/vi/tasks.yaml``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import regex as re

from ..rx import rx

from ..lang import load
from ..model import BodyRecord, DeadlineRecord, TaskRecord
from ..normalize import fold, fold_cells, is_table_row
from .bodies import (BodyMatch, body_info, canonical, find_bodies, issuer_mention, recipient_mentions,
                     signing_bodies,
                     role_of)
from .deadlines import DeadlineMatch, find_deadlines

_DATA = load("tasks")
TASK_KINDS = frozenset(_DATA["task_kinds"])
ROLES = ("lead", "support", "report_to", "via")
_MARKER = re.compile(
    r"^\s*(?:(?P<label>[IVXLC]{1,6}\.|\d{1,2}(?:\.\d{1,2})*\.?\)?|[a-zđ]\)|[a-zđ]\.(?=\s+\p{Lu})|\(\d{1,3}\)|\([a-zđ]\)"
    r"|Nhiệm vụ\s+\d+\s*[:.]?)|(?P<bullet>[-+•–*]))\s*")
_ARTICLE = re.compile(r"^Điều\s+\d+")
_SUPPORT_OPENING = re.compile(r"^\s*(?:tham gia\s+)?phối (?:kết )?hợp(?!\w)(?!\s+(?:chặt chẽ\s+)?với)", re.I)
_NOT_TASK = re.compile("|".join(f"(?:{p})" for p in _DATA["not_task"]), re.I)  # one search, not one a pattern
_ARTICLE_CUES = re.compile("|".join(_DATA["article_cues"]), re.I)
_COMPLETION = re.compile(rf"(?:{'|'.join(_DATA['completion_cues'])})", re.I)
_TIMING_CUE = re.compile(r"^(?:trong|vào|trước|đến|từ|chậm nhất|hoàn thành|xong)(?!\w)", re.I)
_SUBJECT_OF_REPORT = re.compile(  # it ends the text: searched right to left
    rf"(?r)(?:{'|'.join(_DATA['report_subject_words'])})(?:\s+\S+){{0,8}}\s*$", re.I)


@dataclass
class Paragraph:
    """One candidate task paragraph in the normalized text."""

    line_start: int
    start: int            # first word after the label or bullet
    end: int
    label: str
    bullet: bool
    section: object       # segment.SectionNode
    article: bool = False  # in an article of a Quyết định ("Điều 2."), not in a task section


@dataclass
class Assignment:
    """Bodies of a task by role: canonical names in order, and the mentions they came from."""

    names: dict[str, list[str]] = field(default_factory=lambda: {r: [] for r in ROLES})
    mentions: list[tuple[BodyMatch, str, int]] = field(default_factory=list)  # (match, role, offset)

    def add(self, match: BodyMatch, role: str, offset: int) -> None:
        if role not in self.names:
            return
        if match.name not in self.names[role]:
            self.names[role].append(match.name)
        self.mentions.append((match, role, offset))

    def has_lead(self) -> bool:
        return bool(self.names["lead"])


def marker(line: str) -> tuple[str, bool, int]:
    """``(label, is_bullet, length of the marker)`` of a line.

    >>> marker("a) Tổ chức hội nghị")
    ('a)', False, 3)
    >>> marker("- Chủ trì tham mưu")
    ('', True, 2)
    >>> marker("Tổng hợp kết quả")
    ('', False, 0)
    """
    m = _MARKER.match(line)
    if not m:
        return "", False, 0
    if m.group("bullet"):
        return "", True, m.end()
    return m.group("label").strip(), False, m.end()


def is_task_text(text: str) -> bool:
    """Does a paragraph read as a directive rather than a signature, a caption or a note?

    >>> is_task_text("Chủ trì tham mưu tổ chức triển khai các nội dung của Kế hoạch.")
    True
    >>> is_task_text("(Chi tiết tại Phụ lục kèm theo)")
    False
    >>> is_task_text("TM. ỦY BAN NHÂN DÂN")
    False
    >>> is_task_text("Nguyễn Văn An")
    False
    """
    t = text.strip()
    words = t.split()
    if len(words) < 3:
        return False
    letters = sum(map(str.isalpha, t))  # str predicates: half the cost of counting regex matches
    if letters and sum(map(str.isupper, t)) / letters > 0.8:
        return False
    if len(words) <= 6 and all(w[:1].isupper() for w in words if w[:1].isalpha()):
        return False
    return _NOT_TASK.search(t) is None


def _in_task_section(sec) -> tuple[bool, bool]:
    """(inside a task section, inside a Quyết định article) for a section node."""
    node = sec
    while node is not None:
        if node.kind in TASK_KINDS:
            return True, False
        if node.kind in _DATA["stop_kinds"]:
            return False, False
        if _ARTICLE.match(f"{node.label} {node.heading}".strip()):
            return False, True
        node = node.parent
    return False, False


def paragraphs(ctx) -> list[Paragraph]:
    """Candidate task paragraphs of one document, in reading order."""
    text = ctx.norm.text
    heads = {s.start: s for s in ctx.sections}
    where: dict[int, tuple[bool, bool]] = {}  # section id() -> _in_task_section
    out = []
    pos = ctx.part.start
    lines = text[ctx.part.start:ctx.part.end].split("\n")
    for i, line in enumerate(lines):
        start, pos = pos, pos + len(line) + 1
        if not line.strip():
            continue
        if is_table_row(line):
            continue  # rows of task tables are read from the table (``table_tasks``)
        if line.rstrip().endswith(":") and _next_is_table(lines, i):
            continue  # "… phân công … như sau:" leads in to a task table: its rows are the tasks
        head = heads.get(start)
        if head is not None and not (head.heading == "" and _ARTICLE.match(head.label)):
            continue  # a heading; but "Điều 2. Giao …" carries its article's first paragraph
        sec = ctx.section_at(start)
        if sec is None:
            continue
        placed = where.get(id(sec))
        if placed is None:
            placed = where[id(sec)] = _in_task_section(sec)
        in_tasks, in_article = placed
        if not (in_tasks or in_article):
            continue
        label, bullet, n = marker(line)
        if head is not None:
            label, bullet = head.label, False
            m = re.match(rf"\s*{re.escape(head.label)}\s*", line)
            n = m.end() if m else 0
        body = line[n:].rstrip()
        if not is_task_text(body):
            continue
        out.append(Paragraph(start, start + n, start + len(body) + n, label, bullet, sec,
                             in_article and not in_tasks))
    return out


def _next_is_table(lines: list[str], i: int) -> bool:
    nxt = next((l for l in lines[i + 1:] if l.strip()), "")
    return is_table_row(nxt)


def assignment(text: str, start: int, end: int, issuer: str = "",
               found: list[BodyMatch] | None = None) -> Assignment:
    """Bodies named in ``text[start:end]`` with the roles their cue words give them.

    A generic collective that only announces a list ("Giao các đơn vị: Phòng Kinh tế …; Công an
    phường") is not itself assigned: the bodies listed are. ``found``: the bodies of the chunk
    when the caller has them already (offsets in the chunk), else they are looked up.
    """
    a = Assignment()
    chunk = text[start:end]
    found = find_bodies(chunk) if found is None else found
    for m in found:
        if (body_info(m.name) or {}).get("kind") == "generic" and \
                rx(r"\s*:").match(chunk[m.end:]) and any(o.start > m.end for o in found):
            continue
        role = role_of(chunk, m, spans=found)
        if role == "support" and m.name == issuer:
            continue  # "phối hợp chặt chẽ với Ủy ban nhân dân phường": the plan's own issuer
        a.add(m, role, start)
    _named_support_only(a)
    return a


def _named_support_only(a: Assignment) -> None:
    """Only named bodies support when some are named: "phối hợp với Sở Xây dựng, các sở chuyên
    ngành, các đơn vị" → Sở Xây dựng only; a lone "các đơn vị liên quan" is kept."""
    generic = {m.name for m, role, _ in a.mentions
               if role == "support" and (body_info(m.name) or {}).get("kind") == "generic"
               or role == "support" and not m.known and m.mention[:1].islower()}
    named = [n for n in a.names["support"] if n not in generic]
    if named and generic:
        a.names["support"] = named
        a.mentions = [(m, r, o) for m, r, o in a.mentions if not (r == "support" and m.name in generic)]


def heading_assignment(ctx, sec, doc_bodies: list[BodyMatch]) -> Assignment:
    """Leads an assignee heading gives the items under it ("2. Phòng Văn hóa - Xã hội:");
    ``doc_bodies``: the bodies of the document part (a heading's are those inside it)."""
    node = sec
    text = ctx.norm.text
    while node is not None and (node.kind in TASK_KINDS):
        a = Assignment()
        chunk = text[node.start:node.heading_end]
        found = _within(doc_bodies, node.start - ctx.part.start, node.heading_end - ctx.part.start)
        for m in found:
            if role_of(chunk, m, spans=found) == "lead":
                a.add(m, "lead", node.start)
        if a.has_lead():
            return a
        node = node.parent
    return Assignment()


def _inherit(own: Assignment, inherited: Assignment, text: str) -> Assignment:
    """A paragraph's roles with the leads it inherits; a paragraph that opens with "Phối hợp" makes
    the inherited bodies its supporters ("Đề nghị Ủy ban MTTQ …:" then "- Phối hợp tuyên truyền …").
    """
    names = {r: list(own.names[r]) for r in ROLES}
    role = "support" if _SUPPORT_OPENING.match(text) else "lead"
    for n in inherited.names["lead"]:
        if n not in names[role]:
            names[role].append(n)
    return Assignment(names, own.mentions)


def report_subject(text: str, m: DeadlineMatch) -> bool:
    """A period that is the subject of a report, not its deadline ("báo cáo sơ kết 6 tháng đầu năm
    2026").

    >>> t = "Báo cáo sơ kết công tác 6 tháng đầu năm 2026"
    >>> report_subject(t, find_deadlines(t, 2026)[0])
    True
    """
    return (m.kind == "period" and not _TIMING_CUE.match(m.text)
            and bool(_SUBJECT_OF_REPORT.search(text[:m.start])))


@dataclass
class TaskOutput:
    tasks: list[TaskRecord] = field(default_factory=list)
    deadlines: list[DeadlineRecord] = field(default_factory=list)
    bodies: list[BodyRecord] = field(default_factory=list)


class _Builder:
    """Numbers records and maps normalized offsets to source offsets for one document."""

    def __init__(self, ctx, source_text: str):
        self.ctx, self.source = ctx, source_text
        self.out = TaskOutput()

    def _src(self, s: int, e: int, in_source: bool = False) -> tuple[int, int, str]:
        ss, se = (s, e) if in_source else self.ctx.src(s, e)
        return ss, se, self.source[ss:se]

    def section_id(self, sec) -> str:
        return f"{self.ctx.doc_id}:{sec.id}" if sec is not None else ""

    def deadline(self, m: DeadlineMatch, offset: int, task_id: str, sec, in_source: bool = False) -> str:
        did = f"{self.ctx.doc_id}:d{len(self.out.deadlines) + 1}"
        s, e, q = self._src(offset + m.start, offset + m.end, in_source)
        self.out.deadlines.append(DeadlineRecord(
            self.ctx.doc_id, self.ctx.source_path, did, task_id, self.section_id(sec), m.text, m.kind,
            m.date_start or "", m.date_end or "", m.recurrence, m.year_inferred, m.rule, s, e, q))
        return did

    def body(self, m: BodyMatch, offset: int, role: str, task_id: str, in_source: bool = False) -> None:
        s, e, q = self._src(offset + m.start, offset + m.end, in_source)
        self.out.bodies.append(BodyRecord(
            self.ctx.doc_id, self.ctx.source_path, f"{self.ctx.doc_id}:b{len(self.out.bodies) + 1}",
            m.mention, m.name, m.abbreviation, m.level, m.known, role, task_id, s, e, q))

    def task(self, p_start: int, p_end: int, label: str, sec, a: Assignment, deadline_id: str,
             in_table: bool, rule: str, task_id: str) -> None:
        s, e, q = self._src(p_start, p_end, in_table)
        text = q if in_table else self.ctx.norm.text[p_start:p_end]
        self.out.tasks.append(TaskRecord(
            self.ctx.doc_id, self.ctx.source_path, task_id, self.section_id(sec), label,
            " ".join(text.split()), *(";".join(a.names[r]) for r in ROLES), deadline_id,
            in_table, rule, s, e, q))


def broad_without_cue(text: str, m: DeadlineMatch) -> bool:
    """A year-long period with no completion cue before it is not a task's deadline.

    >>> t = "Triển khai các đợt thi đua theo chuyên đề trong năm 2026 (nếu có)"
    >>> broad_without_cue(t, find_deadlines(t, 2026)[0])
    True
    >>> t = "Hoàn thành trong năm 2026"
    >>> broad_without_cue(t, find_deadlines(t, 2026)[0])
    False

    A school year with its cue is not broad: it bounds a task to September–May, not to the plan's
    own year; a bare one names what the task is about ("sơ kết … thi đua năm học 2025-2026").

    >>> t = "Thực hiện chuyên đề “Xây dựng trường mầm non lấy trẻ làm trung tâm” trong năm học 2025-2026"
    >>> broad_without_cue(t, find_deadlines(t, 2026)[0])
    False
    >>> t = "sơ kết kết quả thực hiện giao ước thi đua năm học 2025-2026"
    >>> broad_without_cue(t, find_deadlines(t, 2026)[0])
    True
    """
    if m.kind != "period" or not (m.date_start and m.date_end) or m.rule == "cued/school_year":
        return False
    days = (date.fromisoformat(m.date_end) - date.fromisoformat(m.date_start)).days
    clause = text[max(text.rfind(";", 0, m.start), text.rfind(". ", 0, m.start)) + 1:m.end]
    return days >= 250 and not _COMPLETION.search(clause)


def deadlines_in(text: str, start: int, end: int, year: int | None,
                 heading: bool = False) -> list[DeadlineMatch]:
    """The deadlines of ``text[start:end]`` (a task paragraph or, with ``heading``, a heading)."""
    chunk = text[start:end]
    return [m for m in find_deadlines(chunk, year)
            if m.rule != "invalid_date" and not report_subject(chunk, m)
            and (heading or not broad_without_cue(chunk, m))]


def extract_tasks(ctx, source_text: str) -> TaskOutput:
    """Tasks of one document with their deadlines and the bodies they assign."""
    b = _Builder(ctx, source_text)
    text, year = ctx.norm.text, ctx.meta.plan_year
    issuer = canonical(ctx.meta.issuer) if ctx.meta.issuer else ""
    heading_deadline: dict[str, str] = {}   # section id -> deadline id of its heading
    heading_leads: dict[str, Assignment] = {}
    item: Assignment | None = None          # the labelled item that assigns to what follows it
    item_section = None
    item_task, followers = -1, []           # its task's index; do its followers open with "Phối hợp"?
    # the bodies of the whole document, found once: a paragraph's are those inside it (the same
    # as finding them in the paragraph alone: matches never cross a paragraph's edges)
    doc_bodies = find_bodies(text[ctx.part.start:ctx.part.end])
    for p in paragraphs(ctx):
        sec = p.section
        # deadlines of the headings above this paragraph (once each)
        node, dl_id = sec, ""
        while node is not None and not dl_id:
            if node.id not in heading_deadline:
                found = deadlines_in(text, node.start, node.heading_end, year, heading=True)
                heading_deadline[node.id] = (
                    b.deadline(found[0], node.start, "", node) if found and node.kind in TASK_KINDS else "")
            dl_id = heading_deadline[node.id]
            node = node.parent
        if sec.id not in heading_leads:
            heading_leads[sec.id] = heading_assignment(ctx, sec, doc_bodies)
            for m, role, off in heading_leads[sec.id].mentions:
                b.body(m, off, role, f"{ctx.doc_id}:k{len(b.out.tasks) + 1}")
        if item_section is not sec or (p.label and not p.bullet):
            _settle(b.out, item_task, followers)
            item, item_section, item_task, followers = None, sec, -1, []
        task_id = f"{ctx.doc_id}:k{len(b.out.tasks) + 1}"
        own = assignment(text, p.start, p.end, issuer, found=_within(doc_bodies, p.start - ctx.part.start,
                                                                 p.end - ctx.part.start))
        if p.article and not (own.has_lead() or _ARTICLE_CUES.search(text[p.start:p.end])):
            continue
        a = own
        if not own.has_lead():
            inherited = item if item is not None and item.has_lead() else heading_leads[sec.id]
            a = _inherit(own, inherited, text[p.start:p.end])
        if item is not None and a is not own and item.has_lead() and not own.has_lead():
            followers.append(bool(_SUPPORT_OPENING.match(text[p.start:p.end])))
        if p.label and own.has_lead():
            _settle(b.out, item_task, followers)
            item, item_task, followers = own, len(b.out.tasks), []
        for m, role, off in own.mentions:
            b.body(m, off, role, task_id)
        found = deadlines_in(text, p.start, p.end, year)
        own_dl = [b.deadline(m, p.start, task_id, sec) for m in found]
        b.task(p.start, p.end, p.label, sec, a, own_dl[0] if own_dl else dl_id, False,
               "paragraph", task_id)
    _settle(b.out, item_task, followers)
    table_tasks(ctx, b, year)
    _document_bodies(ctx, b, doc_bodies)
    return b.out


def _within(found: list[BodyMatch], start: int, end: int) -> list[BodyMatch]:
    """The matches of ``found`` inside ``[start, end)``, with offsets from ``start``."""
    from bisect import bisect_left

    i = bisect_left(found, start, key=lambda m: m.start)  # found is in text order
    out = []
    for m in found[i:]:
        if m.start >= end:
            break
        if m.end <= end:
            out.append(BodyMatch(m.start - start, m.end - start, m.mention, m.name, m.abbreviation,
                                 m.level, m.known, m.rule))
    return out


def _document_bodies(ctx, b: _Builder, doc_bodies: list[BodyMatch]) -> None:
    """The issuer where the plan names itself, the recipients of "Nơi nhận", and every other body
    the document names (role ``mentioned``); bodies are numbered in reading order."""
    text = ctx.norm.text
    iss = issuer_mention(text, ctx.part.start, ctx.part.end, ctx.meta.issuer, found=doc_bodies)
    if iss is not None:
        b.body(iss, 0, "issuer", "")
    for sec in ctx.sections:
        if sec.kind == "recipients":
            for m in recipient_mentions(text, sec.heading_end, sec.end):
                b.body(m, 0, "recipient", "")
    own = canonical(ctx.meta.issuer) if ctx.meta.issuer else None
    for m in signing_bodies(text, ctx.part.start, ctx.part.end):
        if own and not m.level and own.startswith(m.name):  # "TM. ỦY BAN NHÂN DÂN": the issuer
            m = BodyMatch(m.start, m.end, m.mention, own, m.abbreviation, (body_info(own) or {}).get("level") or "",
                          m.known, m.rule)
        b.body(m, 0, "signer", "")
    seen = {(r.start, r.end) for r in b.out.bodies}
    for m in doc_bodies:
        s, e = ctx.src(ctx.part.start + m.start, ctx.part.start + m.end)
        if (s, e) not in seen:
            b.body(m, ctx.part.start, "mentioned", "")
    b.out.bodies.sort(key=lambda r: (r.start, r.end))
    for i, r in enumerate(b.out.bodies, 1):
        r.body_id = f"{ctx.doc_id}:b{i}"


def _settle(out: TaskOutput, index: int, followers: list[bool]) -> None:
    """An assigning item whose following paragraphs all open with "Phối hợp" asks its bodies to
    support, not to lead ("3. Đề nghị Ủy ban MTTQ Việt Nam …" then "Phối hợp tuyên truyền …")."""
    if index < 0 or not followers or not all(followers):
        return
    t = out.tasks[index]
    leads = [x for x in t.lead.split(";") if x]
    t.support = ";".join(dict.fromkeys([*[x for x in t.support.split(";") if x], *leads]))
    t.lead = ""
    for body in out.bodies:
        if body.task_id == t.task_id and body.role == "lead":
            body.role = "support"


# --- task tables (Phụ lục) ------------------------------------------------------------------------

_COLUMN_ORDER = ("number", "support", "deadline", "lead", "product", "content")
_COLUMNS = {k: [fold(w) for w in _DATA["table_columns"][k]] for k in _COLUMN_ORDER}
_GROUP = re.compile(_DATA["group_number"])
_ITEM_SPLIT = re.compile(r"\s*[;\n]\s*|,\s+(?=(?:các\s+)?\p{Lu})")


def table_columns(header: list[str]) -> dict[str, int] | None:
    """Column index per role from a header row, or None when the table holds no tasks.

    >>> table_columns(["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp",
    ...                "Thời gian hoàn thành", "Sản phẩm"])
    {'number': 0, 'support': 3, 'deadline': 4, 'lead': 2, 'product': 5, 'content': 1}
    >>> table_columns(["Họ và tên", "Chức vụ", "Đơn vị"]) is None
    True
    """
    cols: dict[str, int] = {}
    folded = fold_cells(header)
    for key in _COLUMN_ORDER:
        for i, h in enumerate(folded):
            if i in cols.values() or not h:
                continue
            hit = h in _COLUMNS[key] if key == "number" else any(w in h for w in _COLUMNS[key])
            if hit:
                cols[key] = i
                break
    return cols if "content" in cols and "lead" in cols else None


def cell_bodies(text: str) -> list[BodyMatch]:
    """Bodies named in a lead/support cell: those the finders know, and each other item of the
    cell's list kept as an unknown body rather than dropped ("Tổ công nghệ số cộng đồng")."""
    found = list(find_bodies(text))
    covered = [(m.start, m.end) for m in found]
    pos = 0
    for piece in _ITEM_SPLIT.split(text):
        start = text.find(piece, pos) if piece else -1
        if start < 0:
            continue
        pos = start + len(piece)
        item = piece.strip(" .;,")
        if len(item.split()) < 2 or not item[:1].isupper():
            continue
        s = text.find(item, start)
        if any(cs < s + len(item) and s < ce for cs, ce in covered):
            continue
        # an item of the cell's list is a whole list item: "Các khu phố" is the body "Khu phố" there,
        # as in "- Các khu phố;" of a recipients list
        # (only plural items can be such forms: the gazetteer's list-item-only variants are "Các …")
        whole = [m for m in find_bodies(item + ";") if (m.start, m.end) == (0, len(item))] \
            if item[:4].lower() == "các " else []
        if whole:
            m = whole[0]
            found.append(BodyMatch(s, s + len(item), m.mention, m.name, m.abbreviation, m.level, m.known, m.rule))
            continue
        found.append(BodyMatch(s, s + len(item), item, item, "", "", False, "table_cell"))
    return sorted(found, key=lambda m: m.start)


def table_tasks(ctx, b: _Builder, year: int | None) -> None:
    """One task per row of each task table of the document: content, lead, support and deadline
    from their columns. A lead cell left empty continues the one above it (a vertically merged
    cell, exported empty); a group row ("I | NHIỆM VỤ VỀ …") ends it. A row with no number and
    nothing but content continues the task above (a row split by a page break)."""
    tables = getattr(ctx, "tables", None) or []
    p_start, p_end = ctx.src(ctx.part.start, ctx.part.end)
    cols: dict[str, int] | None = None
    last_lead: list[BodyMatch] = []
    last_lead_cell = None
    for table in tables:
        if not (p_start <= table.start < p_end):
            continue
        ncols = max((len(r) for r in table.rows), default=0)
        for row in table.rows:
            texts = [c.text for c in row]
            header = table_columns(texts)
            if header is not None:
                cols = header
                continue
            if cols is None or len(row) <= max(cols.values()) or ncols <= max(cols.values()):
                continue
            cell = lambda k: row[cols[k]] if k in cols else None  # noqa: E731
            number = cell("number").text if cell("number") is not None else ""
            content = cell("content")
            if not content.text:
                continue
            others = [cell(k) for k in ("lead", "support", "deadline") if cell(k) is not None]
            if _GROUP.match(number) or (not number and not any(c.text for c in others)
                                        and content.text.upper() == content.text):
                last_lead, last_lead_cell = [], None
                continue
            if not number and not any(c.text for c in others) and b.out.tasks and b.out.tasks[-1].in_table:
                t = b.out.tasks[-1]  # the rest of a row a page break split
                t.text = f"{t.text} {content.text}"
                continue
            task_id = f"{ctx.doc_id}:k{len(b.out.tasks) + 1}"
            sec = ctx.section_at(ctx.norm_offset(content.start))
            a = Assignment()
            lead_cell = cell("lead")
            if lead_cell is not None and lead_cell.text:
                last_lead, last_lead_cell = cell_bodies(lead_cell.text), lead_cell
                for m in last_lead:
                    b.body(m, lead_cell.start, "lead", task_id, in_source=True)
            for m in last_lead:
                if m.name not in a.names["lead"]:
                    a.names["lead"].append(m.name)
            sup = cell("support")
            if sup is not None and sup.text:
                for m in cell_bodies(sup.text):
                    a.add(m, "support", sup.start)
                    b.body(m, sup.start, "support", task_id, in_source=True)
            dl_id = ""
            when = cell("deadline")
            if when is not None and when.text:
                for m in find_deadlines(when.text, year):
                    if m.rule == "invalid_date":
                        continue
                    did = b.deadline(m, when.start, task_id, sec, in_source=True)
                    dl_id = dl_id or did
            b.task(content.start, content.end, number, sec, a, dl_id, True, "table_row", task_id)
