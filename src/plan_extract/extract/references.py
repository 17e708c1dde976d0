"""References: the documents a plan cites ("Căn cứ Kế hoạch số 56/KH-UBND ngày 18/02/2026 của …").

Find spans with one pattern composed from the document-type names of ``lang/vi/doctypes.yaml``,
then resolve number, date and issuer. A law may be cited by name without number ("Luật Tổ chức
chính quyền địa phương ngày 16 tháng 6 năm 2025"); other documents need a number or a date.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex as re

from ..lang import load

_CITED = {name: code for code, d in load("doctypes").items() for name in d["cited"]}
_TYPE = "|".join(sorted(map(re.escape, _CITED), key=len, reverse=True))
_DATE = (r"(?:ngày\s+)?(?P<d>\d{1,2}|\.{2,}|…)\s*(?:/|\s+tháng\s+)(?P<m>\d{1,2})\s*(?:/|\s+năm\s+)(?P<y>\d{4})")
_NUMBER = r"(?P<num>(?:\d+|\.{2,}|…)?[\-/][\p{L}\d\-/.]*[\p{L}\d]|\d+/\d{4}/[\p{L}\-]+)"
_REF = re.compile(
    rf"(?P<type>{_TYPE})(?:\s+(?:số|Số)\s*:?\s*{_NUMBER}|(?P<name>(?:\s+(?!số\b|ngày\b|của\b|về\b|năm\b)[\p{{L}}\-]+,?){{1,12}}(?:\s+năm\s+\d{{4}})?))?"
    rf"(?:\s*,?\s*{_DATE})?")
_TYPE_AT = re.compile(rf"(?:{_TYPE})")  # where a type name stands inside a rejected match
_ISSUER = re.compile(r"\s*của\s+(?P<iss>(?:(?!\s+(?:về|tại|ban hành|phê duyệt|quy định|hướng dẫn|"
                     r"triển khai|thực hiện|gắn với|và)\s)[^;,.:()“\"\n])+)")
_LAW_NAME = re.compile(r"^Luật|^Bộ luật")


@dataclass(frozen=True, slots=True)
class Reference:
    start: int
    end: int
    text: str
    cited_type: str
    cited_number: str
    cited_date: str
    cited_issuer: str


_CLAUSE_END = re.compile(r"[;\n]|\.\s")


def _in_title_of(text: str, out: list[Reference], start: int) -> bool:
    """Whether ``start`` stands in the same clause as the last reference found, after it: in that
    document's title ("Nghị định số 168/2017/NĐ-CP … quy định chi tiết một số điều của Luật Du
    lịch"), not a citation of its own."""
    return bool(out) and _CLAUSE_END.search(text, out[-1].end, start) is None


def find_references(text: str) -> list[Reference]:
    """Every cited document with a number or a date (laws also by name, but not the laws named
    in the title of a cited document).

    >>> t = "Căn cứ Nghị định số 168/2017/NĐ-CP ngày 31/12/2017 của Chính phủ quy định chi tiết một số điều của Luật Du lịch; Luật Du lịch năm 2017;"
    >>> [r.text for r in find_references(t)]
    ['Nghị định số 168/2017/NĐ-CP ngày 31/12/2017 của Chính phủ', 'Luật Du lịch năm 2017']
    """
    out: list[Reference] = []
    pos = 0
    while (m := _REF.search(text, pos)) is not None:
        ref = _reference(text, m, out)
        if ref is None:  # rejected: a citation may stand inside it ("Chương trình theo Quyết định số …")
            inner = _TYPE_AT.search(text, m.end("type"), m.end())
            pos = inner.start() if inner else m.end()
            continue
        out.append(ref)
        pos = m.end()
    return out


def _reference(text: str, m: re.Match[str], out: list[Reference]) -> Reference | None:
    """The reference a match of ``_REF`` is, or None when it is prose or a title's part.

    >>> [r.text for r in find_references("hỗ trợ thực hiện Chương trình theo Quyết định số 2310/QĐ-UBND ngày 26/12/2025 của Ủy ban nhân dân tỉnh;")]
    ['Quyết định số 2310/QĐ-UBND ngày 26/12/2025 của Ủy ban nhân dân tỉnh']
    """
    ctype = _CITED[m.group("type")]
    number = (m.group("num") or "").strip()
    has_date = bool(m.group("y"))
    if not number and not has_date and not (ctype == "Luật" and m.group("name")):
        return None
    if not number and not has_date and _in_title_of(text, out, m.start()):
        return None  # a law named in the title of the document cited before it
    if not number and ctype != "Luật" and not m.group("name"):
        return None
    if not number and ctype not in ("Luật",) and m.group("name"):
        # "Kế hoạch phát triển … năm 2026": prose, not a citation; keep only dated laws/decrees
        return None
    if m.start() > 0 and text[m.start() - 1].isalpha():
        return None
    end = m.end()
    issuer = ""
    im = _ISSUER.match(text, end)
    if im:
        issuer = im.group("iss").strip()
        end = im.end("iss")
    date = ""
    if has_date:
        d, mth, y = m.group("d"), int(m.group("m")), int(m.group("y"))
        date = f"{y:04d}-{mth:02d}-{int(d):02d}" if d.isdigit() else f"{y:04d}-{mth:02d}"
    return Reference(m.start(), end, text[m.start():end], ctype, number, date, issuer)
