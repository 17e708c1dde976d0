"""Document metadata, following the layout of Nghị định 30/2020/NĐ-CP.

Header: issuing body (two upper-case lines: the superior body may precede it), "Số: 136/KH-UBND",
national motto, "Kiến An, ngày 23 tháng 12 năm 2025"; then the type name (KẾ HOẠCH …) and the
title (trích yếu); at the end "Nơi nhận:" and the signature block ("TM. ỦY BAN NHÂN DÂN",
"CHỦ TỊCH", the signer's name). Each field is found in the region where the layout puts it, so the
.txt (header lost), .docx (header table) and .pdf (interleaved columns) renditions agree.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import regex as re

from ..rx import rx

from ..lang import load
from ..normalize import APPENDIX_HEADING, fold
from ..segment import DocPart, Line, SectionNode

_HEADER_TYPES = {name: code for code, d in load("doctypes").items() for name in d["header"]}
_NUMBER = re.compile(r"Số\s*:?\s*(?P<num>\d*|\.{2,}|…)\s*/\s*(?P<sym>[\p{Lu}Đđ\d][\p{L}\d\-]*(?:/[\p{L}\d\-]+)?)")
_PLACE_DATE = re.compile(
    r"^(?P<place>[^,\n]{2,60}?),\s*ngày\s*(?P<d>\d{1,2}|\.{2,}|…)?\s*tháng\s*(?P<m>\d{1,2}|\.{2,}|…)?\s*năm\s*(?P<y>\d{4})")
_AUTHORITY = re.compile(r"^(?P<auth>(?:TM|KT|TL|TUQ|Q)\.\s*[\p{Lu} ]+?)(?:\s+(?P<title>(?:PHÓ\s+)?CHỦ TỊCH|TRƯỞNG BAN|GIÁM ĐỐC|BÍ THƯ|PHÓ TRƯỞNG BAN))?\s*$")
_TITLE_ONLY = re.compile(r"^(?P<title>(?:PHÓ\s+)?CHỦ TỊCH|TRƯỞNG BAN|GIÁM ĐỐC|BÍ THƯ|PHÓ TRƯỞNG BAN|KT\.\s*CHỦ TỊCH)\s*$")
_APPENDIX_LINE = re.compile(r"^" + APPENDIX_HEADING + r"\s*:?$")
# a person's name: capitalized words; names of the Central Highlands' peoples open with a one-letter
# word or an apostrophe ("Y Kuăn Niê", "H'Hen Niê", "Ksor H'Bơ")
_PERSON = re.compile(r"^(?:\p{Lu}(?:['’]\p{Lu})?\p{Ll}*\s+){1,5}\p{Lu}(?:['’]\p{Lu})?\p{Ll}+$")
_ISSUER_CAPS = re.compile(r"^(?P<body>ỦY BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN|UBND)(?:\s+(?P<loc>(?:PHƯỜNG|XÃ|THÀNH PHỐ|TỈNH|ĐẶC KHU|QUẬN|HUYỆN|THỊ XÃ)\s+[\p{Lu}\s\-]+))?$")
_ISSUER_TEXT = re.compile(r"(?P<body>Ủy ban nhân dân|Hội đồng nhân dân)\s+(?P<level>phường|xã|thành phố|tỉnh|đặc khu)(?P<name>(?:\s+\p{Lu}[\p{L}\-]*)*)\s+(?:ban hành|xây dựng)")
_THEME = re.compile(r"[Cc]hủ đề(?: thi đua)?(?: năm)?(?: \d{4})?(?P<who>[^“\"\n]{0,80}?)(?:về\s+|là\s+|:\s*)?[“\"](?P<theme>[^”\"\n]{8,200})[”\"]")
_LEVELS = {"phường": "phường", "xã": "xã", "thành phố": "thành phố", "tỉnh": "tỉnh",
           "đặc khu": "đặc khu", "quận": "quận", "huyện": "huyện", "thị xã": "thị xã"}
_TITLE_STOP = re.compile(r"^(?:Căn cứ|Thực hiện|Xét|Trên cơ sở|Năm \d{4}|ỦY BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN|[IVX]+\.|\d+\.|QUYẾT ĐỊNH:|Để)")


@dataclass
class Meta:
    doc_type: str = ""
    number: str = ""
    symbol: str = ""
    issuer: str = ""
    issuer_level: str = ""
    locality: str = ""
    place: str = ""
    issue_date: str = ""
    date_precision: str = "none"
    title: str = ""
    theme: str = ""
    signer: str = ""
    signer_title: str = ""
    signer_authority: str = ""
    plan_year: int | None = None
    recipients: list[str] = field(default_factory=list)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # normalized spans per field


def proper_case(s: str) -> str:
    """"KIẾN AN" → "Kiến An" (upper-case header names as the body text writes them)."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in s.split())


def extract_metadata(lines: list[Line], part: DocPart, sections: list[SectionNode],
                     parent: Meta | None = None) -> Meta:
    body = [l for l in lines if part.start <= l.start < part.end]
    meta = Meta()
    type_idx = next((i for i, l in enumerate(body) if l is part.type_line), None)
    header = body[: type_idx if type_idx is not None else min(12, len(body))]
    _header_fields(header, meta)
    if part.type_line is not None:
        meta.doc_type = _HEADER_TYPES.get(part.type_line.text.strip(), "")
        meta.spans["doc_type"] = (part.type_line.start, part.type_line.end)
        meta.title = _title(body[type_idx + 1:] if type_idx is not None else [], meta)
    if not meta.doc_type and meta.symbol:
        meta.doc_type = meta.symbol.split("-")[0]
    if parent is not None:
        _attached(body, meta, parent)
    _issuer(body, meta, parent)
    appendix = next((i for i, l in enumerate(body) if _APPENDIX_LINE.match(l.text.strip())), len(body))
    _signature(body[:appendix], meta)  # the signature closes the plan, before any appendix
    meta.recipients = _recipients(body, sections)
    meta.theme = _theme(body, meta, sections)
    meta.plan_year = _plan_year(meta)
    return meta


def _header_fields(header: list[Line], meta: Meta) -> None:
    caps: list[str] = []
    for line in header:
        t = line.text.strip()
        m = _NUMBER.search(t)
        if m and not meta.symbol:
            meta.number = m.group("num") if m.group("num").isdigit() else ""
            meta.symbol = m.group("sym")
            meta.spans["number"] = (line.start + m.start(), line.start + m.end())
        d = _PLACE_DATE.match(t)
        if d and not meta.issue_date:
            _set_date(meta, d)
            meta.spans["issue_date"] = (line.start + d.start(), line.start + d.end())
        if t.isupper() and not t.startswith(("CỘNG HÒA", "ĐỘC LẬP", "SỐ")) and "Độc lập" not in t:
            caps.append(t)
    issuer_caps = " ".join(c for c in caps if not c.startswith(("CỘNG HÒA", "VIỆT NAM")))
    m = rx(r"(ỦY BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN)\s+(PHƯỜNG|XÃ|THÀNH PHỐ|TỈNH|ĐẶC KHU|QUẬN|HUYỆN)\s+([\p{Lu}\s\-]+?)\s*$").search(issuer_caps)
    if m:
        body = "Ủy ban nhân dân" if m.group(1).startswith("ỦY") else "Hội đồng nhân dân"
        level = m.group(2).lower()
        meta.issuer = f"{body} {level} {proper_case(m.group(3))}"
        meta.issuer_level = _LEVELS.get(level, "")
        meta.locality = proper_case(m.group(3))


def _set_date(meta: Meta, d: "re.Match[str]") -> None:
    place = d.group("place").strip()
    meta.place = rx(r"^(?:P\.|Phường|Xã|TP\.|Thành phố|Tp\.)\s*").sub("", place).strip()
    y = d.group("y")
    mth, day = d.group("m"), d.group("d")
    if mth and mth.isdigit():
        if day and day.isdigit():
            meta.issue_date, meta.date_precision = f"{y}-{int(mth):02d}-{int(day):02d}", "day"
        else:
            meta.issue_date, meta.date_precision = f"{y}-{int(mth):02d}", "month"
    else:
        meta.issue_date, meta.date_precision = y, "year"


def _title(after_type: list[Line], meta: Meta) -> str:
    parts: list[str] = []
    for line in after_type[:6]:
        t = line.text.strip()
        if (parts and _TITLE_STOP.match(t)) or (not parts and rx(r"^(?:Căn cứ|[IVX]+\.)").match(t)) \
                or (parts and len(t) > 400):
            break
        parts.append(t)
        if t.endswith(")") and "kèm theo" in fold(t):
            break
    return " ".join(parts)


def _attached(body: list[Line], meta: Meta, parent: Meta) -> None:
    """An attached document (Chương trình "Ban hành kèm theo Quyết định số …") inherits its
    issuer and takes its date from the attachment line."""
    meta.number, meta.symbol = "", ""
    text = meta.title
    m = rx(r"ngày\s*(?:\.{2,}|…|(?P<d>\d{1,2}))?\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4})").search(text)
    if m and m["d"]:  # "kèm theo Quyết định số 85/QĐ-UBND ngày 12/3/2026"
        meta.issue_date, meta.date_precision = f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}", "day"
    elif m:  # "ngày .../01/2026": the decision's day left blank
        meta.issue_date, meta.date_precision = f"{m['y']}-{int(m['m']):02d}", "month"
    meta.title = rx(r"\s*\(Ban hành kèm theo[^)]*\)\s*$").sub("", text).strip()


def _issuer(body: list[Line], meta: Meta, parent: Meta | None) -> None:
    if meta.issuer:
        return
    if parent is not None and parent.issuer:
        meta.issuer, meta.issuer_level, meta.locality = parent.issuer, parent.issuer_level, parent.locality
        return
    for line in body[:40]:
        m = _ISSUER_CAPS.match(line.text.strip())
        if m and m.group("loc"):
            loc = m.group("loc").split(None, 1)
            level = loc[0].lower() if loc[0] != "THÀNH" else "thành phố"
            name = m.group("loc")[len(level):].strip()
            meta.issuer = f"Ủy ban nhân dân {level} {proper_case(name)}"
            meta.issuer_level, meta.locality = _LEVELS.get(level, ""), proper_case(name)
            return
        m = _ISSUER_TEXT.search(line.text)
        if m and line.text[max(0, m.start() - 4):m.start()] != "của ":
            level = m.group("level")
            name = m.group("name").strip() or meta.place
            meta.issuer = f"{m.group('body')} {level} {name}".strip()
            meta.issuer_level, meta.locality = _LEVELS.get(level, ""), name
            return
    if meta.place:
        meta.issuer, meta.issuer_level, meta.locality = f"Ủy ban nhân dân phường {meta.place}", "phường", meta.place


def _signature(body: list[Line], meta: Meta) -> None:
    """The signature block: authority line, title line, then the signer's name."""
    for i in range(len(body) - 1, max(-1, len(body) - 40), -1):
        t = body[i].text.strip()
        a = _AUTHORITY.match(t)
        s = _TITLE_ONLY.match(t)
        if not a and not s:
            continue
        if a:
            meta.signer_authority = " ".join(a.group("auth").split())
            meta.signer_title = a.group("title") or ""
        else:
            meta.signer_title = s.group("title")
            if i > 0 and _AUTHORITY.match(body[i - 1].text.strip()):
                meta.signer_authority = " ".join(_AUTHORITY.match(body[i - 1].text.strip()).group("auth").split())
        j = i + 1
        if not meta.signer_title and j < len(body) and _TITLE_ONLY.match(body[j].text.strip()):
            meta.signer_title = _TITLE_ONLY.match(body[j].text.strip()).group("title")
            j += 1
        for line in body[j:j + 12]:
            name = line.text.strip()
            if _PERSON.match(name) and not name.startswith(("Nơi", "Lưu")):
                meta.signer = name
                meta.spans["signer"] = (line.start, line.end)
                break
        if meta.signer:
            return


def _recipients(body: list[Line], sections: list[SectionNode]) -> list[str]:
    out: list[str] = []
    start = next((i for i, l in enumerate(body) if rx(r"^Nơi nhận\s*:?").match(l.text.strip())), None)
    if start is None:
        return out
    for line in body[start + 1:]:
        t = line.text.strip()
        if not t.startswith("-"):
            if _AUTHORITY.match(t) or _TITLE_ONLY.match(t) or _PERSON.match(t):
                continue  # the signature block printed beside the list (PDF columns)
            if out:
                break
            continue
        out.append(rx(r"[;.,]+$").sub("", t.lstrip("- ").strip()))
        if rx(r"^-\s*Lưu\b").match(t):
            break  # the archive line closes the list
    return out


def _theme(body: list[Line], meta: Meta, sections: list[SectionNode]) -> str:
    """The issuer's own theme: the body of a "Chủ đề" section, or a quoted theme that is not
    attributed to a higher level ("chủ đề năm 2026 của thành phố “…”")."""
    for s in sections:
        if s.kind == "theme":
            nxt = next((l for l in body if l.start > s.heading_end), None)
            if nxt is not None:
                quoted = _THEME.match(nxt.text.strip())  # "Chủ đề thi đua năm 2026 của phường: “…”."
                if quoted is not None:
                    return quoted.group("theme").strip()
                return nxt.text.strip().strip("“”\"").rstrip(".").strip("“”\" ")
    own_level = meta.issuer_level or "phường"
    for line in body[:60]:
        for m in _THEME.finditer(line.text):
            who = fold(m.group("who"))
            if "thành phố" in who and own_level != "thành phố":
                continue
            if "tỉnh" in who and own_level not in ("tỉnh",):
                continue
            return m.group("theme").strip().strip("“”\"").rstrip(";.").strip()
    return ""


def _plan_year(meta: Meta) -> int | None:
    years = [int(y) for y in rx(r"năm (\d{4})(?!\s*-)").findall(meta.title)]
    if years:
        return years[-1] if len(years) == 1 else max(years)
    if meta.issue_date:
        return int(meta.issue_date[:4])
    return None
