"""Segmentation: split a file into documents and each document into its section tree.

Works on normalized text (one paragraph per line). A heading is a labelled line that introduces
other lines: a short title, not a content item. Numbered targets under a targets heading ("3. Các
chỉ tiêu thi đua:" then "1. Thu ngân sách …") are content, not sections. Levels come from the order
in which label styles nest (roman, "1.", "1.1.", "a)", "Nhiệm vụ N:"), as in an outline.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import regex as re

from .rx import rx

from .lang import load
from .normalize import APPENDIX_HEADING, fold, is_table_row

_LABEL = re.compile(
    r"^(?P<label>(?P<part>(?:PHẦN|Phần)\s+(?:[IVXLC]{1,6}|\d{1,2}|(?:THỨ|thứ)\s+\w+)\s*[.:]?)(?=\s)|"
    r"(?P<roman>[IVXLC]{1,6}\.)|(?P<dec>\d{1,2}(?:\.\d{1,2}){0,3}\.?)(?=\s)|(?P<letter>[a-zđ]\)|[a-zđ]\.(?=\s+\p{Lu}))|"
    r"(?P<paren>\(\d{1,3}\))|(?P<nv>Nhiệm vụ\s+\d+\s*[:.])|(?P<dieu>Điều\s+\d+\s*[.:]?))\s*")
_UNLABELLED = re.compile(r"^(?P<h>Nơi nhận|" + APPENDIX_HEADING + r")\s*:?\s*(?:$|\n)")
DOC_TYPES = {
    "KẾ HOẠCH": "KH", "QUYẾT ĐỊNH": "QĐ", "NGHỊ QUYẾT": "NQ", "CHƯƠNG TRÌNH HÀNH ĐỘNG": "CTr",
    "CHƯƠNG TRÌNH": "CTr", "BÁO CÁO": "BC", "THÔNG BÁO": "TB", "CHỈ THỊ": "CT",
    "HƯỚNG DẪN": "HD", "ĐỀ ÁN": "ĐA", "TỜ TRÌNH": "TTr", "CÔNG VĂN": "CV", "KẾT LUẬN": "KL",
}
_DOC_TYPE_LINE = re.compile(r"^(?:" + "|".join(sorted(DOC_TYPES, key=len, reverse=True)) + r")\s*$")
_QUANTITY_HINT = re.compile(r"\d\s*%|\d[\d.,]*\s*(?:tỷ|triệu|người|doanh nghiệp|lượt|cây|hộ)")


@dataclass
class Line:
    start: int
    end: int
    text: str


@dataclass
class SectionNode:
    id: str
    label: str
    heading: str
    kind: str
    level: int
    parent: "SectionNode | None"
    start: int          # normalized offsets: heading start
    heading_end: int
    end: int = 0        # section end (next heading of same or higher level)
    style: str = ""
    number: int | None = None
    nested_list: bool = False  # holds a list numbered in its own style ("3. …:" then "1. …")
    children: list["SectionNode"] = field(default_factory=list)


@dataclass
class DocPart:
    """One document inside a file: its line range and sections."""

    index: int
    start: int
    end: int
    type_line: Line | None
    parent_index: int | None
    sections: list[SectionNode] = field(default_factory=list)


def lines_of(text: str) -> list[Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append(Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return [l for l in out if l.text.strip()]


def split_documents(lines: list[Line]) -> list[DocPart]:
    """A new document starts at a document-type line that follows a signature block."""
    parts = [DocPart(1, lines[0].start if lines else 0, 0, None, None)]
    signed = False
    for i, line in enumerate(lines):
        t = line.text.strip()
        if rx(r"^(?:TM\.|KT\.|Q\.|TL\.|TUQ\.)").match(t) or t in ("CHỦ TỊCH", "PHÓ CHỦ TỊCH"):
            signed = True
        if _DOC_TYPE_LINE.match(t):
            if parts[-1].type_line is None:
                parts[-1].type_line = line
            elif signed:
                follow = " ".join(l.text for l in lines[i + 1:i + 4])
                parent = parts[-1].index if "kèm theo" in fold(follow) else None
                parts[-1].end = line.start
                parts.append(DocPart(len(parts) + 1, line.start, 0, line, parent))
                signed = False
    parts[-1].end = lines[-1].end if lines else 0
    return parts


def _style(m: "re.Match[str]") -> str:
    if m.group("dec"):
        return "dec%d" % (m.group("dec").rstrip(".").count(".") + 1)
    for name in ("part", "roman", "letter", "paren", "nv", "dieu"):
        if m.group(name):
            return name
    return ""


def _number(label: str) -> int | None:
    m = rx(r"(\d+)\D*$").search(label)
    if m:
        return int(m.group(1))
    if rx(r"[a-zđ][).]").fullmatch(label):
        return "abcdđefghijklmnopqrstuvwxyz".index(label[0]) + 1
    roman = rx(r"^(?:PHẦN|Phần)\s+").sub("", label).rstrip(".:").strip()
    if roman.lower().startswith("thứ "):  # "PHẦN THỨ NHẤT"
        ordinals = ["nhất", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười"]
        word = roman.split()[-1].lower()
        return ordinals.index(word) + 1 if word in ordinals else None
    if rx(r"[IVXLC]+").fullmatch(roman):
        vals = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
        total = 0
        for a, b in zip(roman, roman[1:] + " "):
            total += -vals[a] if b != " " and vals.get(b, 0) > vals[a] else vals[a]
        return total
    return None


def is_heading(style: str, rest: str, next_line: str | None, parent_kind: str) -> bool:
    """A labelled line is a heading when it reads as a title that the next lines belong to, not
    as a content item: no final "." or ";", not an assignment ("Giao …", "Đề nghị …"), and
    followed by a paragraph, a bullet or a deeper label."""
    rest = rest.strip()
    if style == "paren":
        return False
    if style == "dieu":
        return True
    if style in ("part", "roman"):
        return len(rest) < 250
    if not rest or next_line is None:
        return False
    words = len(rest.split())
    if rx(r"[.;!?…]\s*$|\./\.$").search(rest) or words > 60:
        return False
    if rx(r"(?:Giao|Đề nghị|Yêu cầu)\s").match(rest):
        return False
    if parent_kind == "targets" and _QUANTITY_HINT.search(rest):
        return False
    if style in ("letter", "nv") and (words > 12 or rx(r"[,;]").search(rest.rstrip(":"))):
        return False
    return not _same_or_shallower(style, next_line)


def _same_or_shallower(style: str, line: str) -> bool:
    m = _LABEL.match(line.strip())
    if not m:
        return False
    other = _style(m)
    if other == style and _number(m.group("label").strip()) == 1:
        return False  # numbering restarts: a nested list ("3. Các chỉ tiêu:" then "1. …")
    if other in ("part", "roman", "dieu") or other == style:
        return True
    if style.startswith("dec") and other.startswith("dec"):
        return int(other[3:]) <= int(style[3:])
    return False


def classify(heading: str, parent_kind: str | None) -> str:
    """Canonical kind of a heading from its words (``lang/vi/sections.yaml``)."""
    data = load("sections")
    h = fold(heading)
    found = [k for k, words in data["kinds"].items() if any(w in h for w in words)]
    if "purpose" in found and "requirements" in found:
        return "purpose_requirements"
    if "recipients" in found:
        return "recipients"
    if "appendix" in found and h.startswith("phụ lục"):
        return "appendix"
    if "implementation" in found:
        return "implementation"
    if parent_kind == "implementation" and any(h.startswith(x) for x in data["assignee_starts"]):
        return "implementation"
    umbrella = [k for k in found if k in data["umbrella"]]
    for rule in data.get("umbrella_sets") or []:
        if set(umbrella) == set(rule["kinds"]):
            return rule["kind"]
    if len(umbrella) >= 2 and not (set(umbrella) == {"tasks"}):
        if "thi đua" in h and len([k for k in umbrella if k != "tasks"]) < 2 and "nhiệm vụ" not in h:
            umbrella = [k for k in umbrella if k != "tasks"]
        if len(umbrella) >= 2:
            return "content"
    for k in ("purpose", "requirements", "theme", "general_objective", "targets", "timeline",
              "rewards", "tasks", "content", "appendix"):
        if k in found:
            if k == "content" and parent_kind in ("tasks", "targets", "implementation", "timeline"):
                return parent_kind
            if k == "tasks" and "thi đua" in h and "nhiệm vụ" not in h and "giải pháp" not in h:
                if parent_kind in (None, "other"):
                    return "content"
            return k
    if parent_kind == "implementation" or any(h.startswith(s) for s in data["assignee_starts"]):
        return "implementation" if parent_kind in ("implementation", None, "other") else parent_kind
    if parent_kind in ("tasks", "targets", "timeline", "rewards", "content", "general_objective"):
        return parent_kind
    return "other"


def build_sections(lines: list[Line], part: DocPart) -> list[SectionNode]:
    """Section tree of one document (flat list in document order, parents linked)."""
    body = [l for l in lines if part.start <= l.start < part.end]
    stack: list[SectionNode] = []
    out: list[SectionNode] = []
    targets_table = False  # inside a table of targets ("STT | Chỉ tiêu | ĐVT | … | Kế hoạch năm 2026")
    for i, line in enumerate(body):
        text = line.text.strip()
        nxt = body[i + 1].text if i + 1 < len(body) else None
        if not is_table_row(text):
            targets_table = False
        elif not targets_table:
            targets_table = _heads_targets_table(text)
        if " | " in text:
            group = None if targets_table else _table_group(text)
            if group is not None:  # "I | NHIỆM VỤ VỀ …": a group row of a task table
                _add_group(out, stack, part, line, text, *group)
                continue
            if is_table_row(text):
                continue  # other rows are content, never headings
        m = _LABEL.match(text)
        u = _UNLABELLED.match(text + "\n")
        if m:
            style, label = _style(m), m.group("label").strip()
            rest = text[m.end():]
        elif u:
            style, label, rest = "unlabelled", "", u.group("h")
        else:
            continue
        number = _number(label) if label else None
        parent_kind = stack[-1].kind if stack else None
        heading = is_heading(style, rest, nxt, parent_kind or "") if style != "unlabelled" else True
        if not heading:
            _close_sibling(stack, style, number, line.start)
            continue
        if style == "unlabelled":
            while stack:
                stack.pop().end = line.start
        else:
            _pop_to(stack, style, line.start)
        parent = stack[-1] if stack else None
        head = rest.strip().rstrip(":").strip()
        if style == "dieu" and (len(head.split()) > 15 or rx(r"[.;]$").search(head)):
            head = ""
        kind = classify(head, parent.kind if parent else None) if head else (
            "other" if style == "dieu" else (parent.kind if parent else "other"))
        if style == "unlabelled":
            kind = classify(rest, None)
        node = SectionNode(
            id=f"d{part.index}s{len(out) + 1}", label=label, heading=head, kind=kind,
            level=(parent.level + 1) if parent else 1, parent=parent, start=line.start,
            heading_end=line.start + (m.end() if m else 0) + len(rest.rstrip().rstrip(":").rstrip()),
            style=style, number=number)
        if parent:
            parent.children.append(node)
        stack.append(node)
        out.append(node)
    for node in stack:
        node.end = part.end
    for node in out:
        if not node.end:
            node.end = part.end
        if node.children:
            node.kind = _with_subsections(node.heading, node.kind, [c.heading for c in node.children])
    return out


def _umbrella_kinds(heading: str) -> set[str]:
    data = load("sections")
    h = fold(heading)
    return {k for k, words in data["kinds"].items() if k in data["umbrella"] and any(w in h for w in words)}


def _with_subsections(heading: str, kind: str, children: list[str]) -> str:
    """The kind of a heading that has sections under it, where ``sections.yaml`` says it differs:
    "II. MỤC TIÊU, CHỈ TIÊU" sets targets itself, but over "1. Mục tiêu tổng quát" and "2. Các
    chỉ tiêu chủ yếu" it is the umbrella (content). Sections that only group its targets by
    field ("d) Về văn hóa - xã hội") leave it the targets heading.

    >>> _with_subsections("II. MỤC TIÊU, CHỈ TIÊU", "targets", ["Mục tiêu tổng quát", "Các chỉ tiêu chủ yếu"])
    'content'
    >>> _with_subsections("2. Mục tiêu cụ thể", "targets", ["Về văn hóa - xã hội", "Về môi trường"])
    'targets'
    """
    found = _umbrella_kinds(heading)
    for rule in load("sections").get("umbrella_sets") or []:
        if (found == set(rule["kinds"]) and kind == rule["kind"] and rule.get("with_subsections")
                and any(_umbrella_kinds(c) & set(rule["kinds"]) for c in children)):
            return rule["with_subsections"]
    return kind


def _heads_targets_table(row: str) -> bool:
    """The header row of a table of targets: its group rows ("A | CHỈ TIÊU KINH TẾ") are not
    sections (the targets extractor reads the table)."""
    from .extract.target_tables import cells_of, header_columns

    return header_columns([c.text for c in cells_of(row)]) is not None


_GROUP_LABEL = re.compile(r"^(?:[IVXLC]{1,6}|[A-ZĐ])\.?$")


def _table_group(row: str) -> tuple[str, str] | None:
    """``(label, heading)`` of a table row that groups the rows under it: a roman numeral or a
    capital letter, then one caption in capitals, the other cells empty.

    >>> _table_group("I | NHIỆM VỤ VỀ CẢI CÁCH THỂ CHẾ | | | |")
    ('I', 'NHIỆM VỤ VỀ CẢI CÁCH THỂ CHẾ')
    >>> _table_group("1 | Rà soát văn bản | Văn phòng | | Quý II/2026") is None
    True
    """
    cells = [c.strip() for c in row.strip().strip("|").split("|")]
    filled = [c for c in cells if c]
    if len(filled) != 2 or cells[0] != filled[0] or not _GROUP_LABEL.match(filled[0]):
        return None
    letters = [c for c in filled[1] if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) < 0.8 * len(letters):
        return None
    return filled[0], filled[1]


def _group_kind(heading: str, parent: SectionNode | None) -> str:
    """A group of table rows is a group of tasks unless its words say otherwise ("CHỈ TIÊU …")."""
    kind = classify(heading, parent.kind if parent else None)
    return "tasks" if kind in ("other", "appendix") else kind


def _add_group(out: list[SectionNode], stack: list[SectionNode], part: DocPart, line: Line,
               text: str, label: str, heading: str) -> None:
    """A table group row becomes a section under the section that holds the table."""
    _pop_to(stack, "tablegroup", line.start)
    parent = stack[-1] if stack else None
    node = SectionNode(
        id=f"d{part.index}s{len(out) + 1}", label=label.rstrip("."), heading=heading,
        kind=_group_kind(heading, parent), level=(parent.level + 1) if parent else 1,
        parent=parent, start=line.start, heading_end=line.start + text.index(heading) + len(heading),
        style="tablegroup", number=None)
    if parent:
        parent.children.append(node)
    stack.append(node)
    out.append(node)


def _pop_to(stack: list[SectionNode], style: str, at: int) -> None:
    """Close sections down to (and including) the nearest one of the same label style."""
    styles = [n.style for n in stack]
    if style in styles:
        idx = len(styles) - 1 - styles[::-1].index(style)
        while len(stack) > idx:
            stack.pop().end = at
    elif style == "part":
        while stack:
            stack.pop().end = at
    elif style == "roman" or style == "dieu":  # a "PHẦN I." above stays open
        while stack and stack[-1].style != "part":
            stack.pop().end = at


def _close_sibling(stack: list[SectionNode], style: str, number: int | None, at: int) -> None:
    """A content item continuing a heading's numbering ("3. Đề nghị …" after "2. Phòng …:")
    closes that heading: it is the heading's sibling, not its child."""
    for idx in range(len(stack) - 1, -1, -1):
        node = stack[idx]
        if node.style == style:
            if number == 1 or node.nested_list:
                node.nested_list = True
                return
            if number is not None and node.number is not None and number == node.number + 1:
                while len(stack) > idx:
                    stack.pop().end = at
            return
