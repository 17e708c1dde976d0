"""Legacy Vietnamese font encodings: TCVN3 (ABC) and VNI, to Unicode and back.

Text typed in these encodings is made of ordinary Windows-1252 characters that only special fonts
draw as Vietnamese ("Céng hoµ" in TCVN3, "Coäng hoøa" in VNI). The tables are data
(``lang/vi/legacy_encodings.yaml``); this module compiles them once into a ``str.translate`` table
(TCVN3: one character per letter) and one regex (VNI: a base letter and one modifier character,
or a single character).

Three entry points serve the readers:

* ``convert_legacy(data)`` gives the TCVN3 and VNI readings of an undeclared legacy .txt file, for
  ``encodings.decode`` to score against cp1258 with ``syllable_score``;
* ``convert_text(text, encoding)`` converts one string (a Word run in a ".VnTime" or "VNI-Times"
  font), and ``convert_word_runs(root, styles)`` does that for every such run of a Word XML tree;
* ``to_tcvn3`` / ``to_vni`` (and ``encode_text``) write Unicode back in the legacy form, for tests.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, NamedTuple

from ..lang import load

ENCODINGS = ("tcvn3", "vni")
_TONES = frozenset("\u0300\u0309\u0303\u0301\u0323")  # combining grave, hook, tilde, acute, dot below
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class LegacyFont(NamedTuple):
    """What a legacy font name means: its encoding, and whether it draws capitals only."""

    encoding: str
    caps: bool


# --- compiled tables --------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _data() -> dict[str, Any]:
    return load("legacy_encodings")


def _letters(encoding: str) -> dict[str, str]:
    """Unicode letter -> legacy code, from the rows of the data file (lower case, as written)."""
    return {letter: code for row in _data()[encoding]["letters"].values() for letter, code in row.items()}


@lru_cache(maxsize=None)
def _tcvn3_decode() -> dict[int, str]:
    table = {ord(code): letter for letter, code in _letters("tcvn3").items() if code != letter}
    table.update({ord(code): letter for letter, code in _data()["tcvn3"]["vn1_capitals"].items()})
    return table


@lru_cache(maxsize=None)
def _vni_decode() -> tuple[re.Pattern, dict[str, str]]:
    """VNI code -> letter, and one pattern for the codes: a base letter and a modifier, or a
    single character. Replace a match with ``pairs.get(m) or pairs.get(m[0], m[0]) + m[1:]``: a
    base and modifier that make no letter ("ôâ") fall back to the base alone, as a longest-first
    alternation of the codes would."""
    pairs: dict[str, str] = {}
    for letter, code in _letters("vni").items():
        if code != letter:
            pairs[code], pairs[code.upper()] = letter, letter.upper()
    bases = {c[0] for c in pairs if len(c) == 2}
    modifiers = {c[1] for c in pairs if len(c) == 2}
    singles = {c for c in pairs if len(c) == 1}
    if modifiers & singles:
        raise ValueError(f"legacy_encodings.yaml: VNI modifiers also used alone: {modifiers & singles}")

    def chars(s: set[str]) -> str:
        return "[" + re.escape("".join(sorted(s))) + "]"

    return re.compile(f"{chars(bases)}{chars(modifiers)}|{chars(singles)}"), pairs


@lru_cache(maxsize=None)
def _encoder(encoding: str) -> tuple[dict[str, str], frozenset[str]]:
    """Unicode letter -> code for ``encoding``, and the cp1252 characters the codes use up (a text
    holding one of them as itself cannot be written in that encoding)."""
    letters = _letters(encoding)
    if encoding == "vni":
        letters.update({k.upper(): v.upper() for k, v in letters.items()})
        taken = {ch for code in letters.values() for ch in code if ord(ch) > 127}
    else:
        for letter, code in list(letters.items()):  # toned capitals: the lower-case code ("H" fonts)
            if not letter.isascii() and letter.upper() not in letters:
                letters[letter.upper()] = code
        taken = {chr(k) for k in _tcvn3_decode()}
    return letters, frozenset(taken)


# byte -> character: cp1252 where it defines one, else Latin-1 (the five bytes cp1252 leaves out)
_CP1252 = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256))


def cp1252_text(data: bytes) -> str:
    """Bytes as the Windows-1252 characters a legacy font would be asked to draw (never fails).

    >>> cp1252_text(b"Vie\\xe4t \\x93Nam\\x94")
    'Vieät “Nam”'
    """
    return codecs.charmap_decode(data, "strict", _CP1252)[0]


@lru_cache(maxsize=None)
def _tcvn3_bytes() -> str:
    """byte -> character for TCVN3 files: the cp1252 character, converted."""
    return _CP1252.translate(_tcvn3_decode())


# --- conversion -------------------------------------------------------------------------------------

def convert_text(text: str, encoding: str, *, caps: bool = False) -> str:
    """Unicode reading of ``text`` typed in a legacy encoding (``"tcvn3"`` or ``"vni"``).

    ``caps`` upper-cases the result, for runs in TCVN3 capitals-only fonts such as ".VnTimeH".

    >>> convert_text("ViÖt Nam", "tcvn3")
    'Việt Nam'
    >>> convert_text("Vieät Nam", "vni")
    'Việt Nam'
    >>> convert_text("ñy ban", "tcvn3", caps=True)
    'ỦY BAN'
    """
    if encoding == "tcvn3":
        out = text.translate(_tcvn3_decode())
    elif encoding == "vni":
        pattern, pairs = _vni_decode()
        out = pattern.sub(lambda m: pairs.get(m[0]) or pairs.get(m[0][0], m[0][0]) + m[0][1:], text)
    else:
        raise ValueError(f"unknown legacy encoding {encoding!r} (known: {', '.join(ENCODINGS)})")
    return out.upper() if caps else out


def convert_legacy(data: bytes) -> Iterator[tuple[str, str]]:
    """The readings of an undeclared legacy file: ``(encoding_name, text)`` for TCVN3 and VNI.

    The TCVN3 reading gets its toned capitals back from context (``restore_caps``).

    >>> dict(convert_legacy("Céng hoµ".encode("cp1252")))["tcvn3"]
    'Cộng hoà'
    """
    yield "tcvn3", restore_caps(codecs.charmap_decode(data, "strict", _tcvn3_bytes())[0])
    yield "vni", convert_text(cp1252_text(data), "vni")


def encode_text(text: str, encoding: str, errors: str = "strict") -> str:
    """Write Unicode ``text`` in a legacy encoding, as the cp1252 characters of its bytes.

    TCVN3 writes toned capitals with the lower-case codes (the ".VnTimeH" convention), so
    ``convert_text(encode_text(s, "tcvn3"), "tcvn3")`` lower-cases them. Characters the encoding
    cannot hold (outside cp1252, or cp1252 characters its codes use up) raise ``ValueError``, or
    become "?" with ``errors="replace"``.

    >>> encode_text("Việt Nam", "vni")
    'Vieät Nam'
    >>> encode_text("Ủy ban", "tcvn3")
    'ñy ban'
    """
    table, taken = _encoder(encoding)
    out = []
    for ch in unicodedata.normalize("NFC", text):
        code = table.get(ch)
        if code is None:
            code = ch
            if ch in taken or not _in_cp1252(ch):
                if errors != "replace":
                    raise ValueError(f"{ch!r} (U+{ord(ch):04X}) cannot be written in {encoding}")
                code = "?"
        out.append(code)
    return "".join(out)


def to_tcvn3(text: str, errors: str = "strict") -> bytes:
    """Bytes of ``text`` in TCVN3 (ABC), as a .txt saved from a ".VnTime" document holds them.

    >>> to_tcvn3("Đảng")
    b'\\xa7\\xb6ng'
    """
    return encode_text(text, "tcvn3", errors).encode("cp1252")


def to_vni(text: str, errors: str = "strict") -> bytes:
    """Bytes of ``text`` in VNI-Windows.

    >>> to_vni("Đảng")
    b'\\xd1a\\xfbng'
    """
    return encode_text(text, "vni", errors).encode("cp1252")


@lru_cache(maxsize=4096)
def _in_cp1252(ch: str) -> bool:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


# --- TCVN3 capitals in plain text -------------------------------------------------------------------

@lru_cache(maxsize=None)
def _unsure() -> frozenset[str]:
    """TCVN3 letters whose capital shares their code (the toned vowels): case unknown in a .txt."""
    table, _ = _encoder("tcvn3")
    return frozenset(l for l in table if l.islower() and table.get(l.upper()) == table[l])


_LABEL = r"(?:[0-9]{1,3}(?:\.[0-9]{1,3})*[.)]?|\(?[0-9]{1,3}\)|[a-zđ][.)]|[IVXLC]{1,5}[.)])[ \t]+"
# where a paragraph or a table cell begins: line start or "|", then bullets, quotes, list labels
_HEAD = re.compile(rf"(?:^|\|)[ \t\-–*#“\"'(\[]*((?:{_LABEL})*)", re.M)


def restore_caps(text: str) -> str:
    """Give TCVN3 toned letters back their capitals where the context shows them.

    A word whose letters of known case are all capitals is a capital word ("ñY" -> "ỦY"); a word
    whose case cannot be told ("Ở", or "Hộ" with one capital in front) takes the case of its
    neighbours, the words next to it across spaces only; the first word of a paragraph, list item
    or table cell gets a capital initial, and so do the body names of ``tcvn3.title_case``. Other
    title-case words inside a sentence cannot be told apart and stay lower-case.

    >>> restore_caps("ủY BAN NHÂN DÂN Ở VIỆT NAM\\nủy quyền cho ủy ban\\nSố: 12/KH")
    'ỦY BAN NHÂN DÂN Ở VIỆT NAM\\nỦy quyền cho Ủy ban\\nSố: 12/KH'
    """
    unsure = _unsure()
    if unsure.isdisjoint(text):
        return text
    out = list(text)
    for m in _caps_candidates().finditer(text):  # only capitals and unsure letters: may be a capital word
        s, e = m.span()
        case = _word_case(m.group(), unsure)
        if case is None:
            sides = {_side_case(text, s, -1, unsure), _side_case(text, e, 1, unsure)}
            case = "upper" if "upper" in sides and sides <= {"upper", "edge"} else ""
        if case == "upper":
            out[s:e] = m.group().upper()
    for head in _HEAD.finditer(text):
        first = head.end()
        if first < len(out) and out[first] in unsure and (
                head.group(1) or text[head.start()] == "|" or _starts_paragraph(text, head.start(), unsure)):
            out[first] = out[first].upper()
    for m in _title_case().finditer(text):
        out[m.start()] = out[m.start()].upper()
    return "".join(out)


@lru_cache(maxsize=None)
def _caps_candidates() -> re.Pattern:
    """Whole words with an unsure letter and no lower-case letter of known case: the only words
    that may be capital words. (TCVN3 text holds cp1252 characters and the table's letters.)"""
    repertoire = set(cp1252_text(bytes(range(256)))) | set(_tcvn3_decode().values())
    known_lower = "".join(sorted(ch for ch in repertoire if ch.islower() and ch not in _unsure()))
    letter = r"[^\W\d_]"
    other = rf"(?:(?![{re.escape(known_lower)}]){letter})"
    unsure = f"[{re.escape(''.join(sorted(_unsure())))}]"
    return re.compile(rf"(?<!{letter}){other}*{unsure}{other}*(?!{letter})")


@lru_cache(maxsize=None)
def _title_case() -> re.Pattern:
    """The lower-case forms of the names of ``tcvn3.title_case`` as one pattern."""
    forms = [f[0].lower() + f[1:] for f in _data()["tcvn3"].get("title_case", [])]
    return re.compile(r"\b(?:" + "|".join(map(re.escape, forms)) + r")\b" if forms else r"(?!)")


_WORD_BEFORE = re.compile(r"[^\W\d_]+\Z")
_WORD_AFTER = re.compile(r"[^\W\d_]+")


def _side_case(text: str, pos: int, step: int, unsure: frozenset[str]) -> str:
    """Case of the nearest decided word before (``step`` -1) or after (+1) ``pos``, reached across
    spaces only, undecided words passed over; "edge" at punctuation, digits and line ends."""
    for _ in range(20):
        if step < 0:
            gap = pos
            while gap > 0 and text[gap - 1] in " \t":
                gap -= 1
            m = _WORD_BEFORE.search(text, max(0, gap - 40), gap)
            if m is None:
                return "edge"
            word, pos = m.group(), m.start()
        else:
            gap = pos
            while gap < len(text) and text[gap] in " \t":
                gap += 1
            m = _WORD_AFTER.match(text, gap)
            if m is None:
                return "edge"
            word, pos = m.group(), m.end()
        case = _word_case(word, unsure)
        if case is not None:
            return case
    return "edge"


def _word_case(word: str, unsure: frozenset[str]) -> str | None:
    """"upper" when the letters of known case are capitals, "" when one is not, None when it cannot
    be told: no letter of known case, or only a capital initial ("Hộ" is "Hộ" or "HỘ")."""
    if word.islower() and not unsure.issuperset(word):  # a lower-case letter of known case
        return ""
    known = [(i, ch) for i, ch in enumerate(word) if ch not in unsure and ch.lower() != ch.upper()]
    if not known or (len(known) == 1 and known[0][0] == 0 and known[0][1].isupper() and len(word) > 1):
        return None
    return "upper" if all(ch.isupper() for _, ch in known) else ""


def _starts_paragraph(text: str, line_start: int, unsure: frozenset[str]) -> bool:
    """A line starts a paragraph when it is the first, when the line before ends a sentence, or
    when that line is a heading in capitals."""
    before = text[max(0, line_start - 400):line_start].rstrip()
    if not before or before[-1] in ".:;!?…”\"*)":
        return True
    known = [ch for ch in before[before.rfind("\n") + 1:] if ch.isalpha() and ch not in unsure]
    return bool(known) and all(ch.isupper() for ch in known)


# --- telling encodings apart ------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _syllable() -> re.Pattern:
    spec = _data()["syllables"]

    def alt(items: list[str]) -> str:
        return "|".join(sorted(items, key=len, reverse=True))

    return re.compile(f"(?:{alt(spec['onsets'])})?(?:{alt(spec['nuclei'])})(?:{alt(spec['codas'])})?")


@lru_cache(maxsize=1 << 16)
def is_syllable(word: str) -> bool:
    """Whether ``word`` has the shape of a Vietnamese syllable (onset, nucleus, coda, one tone).

    >>> is_syllable("Người"), is_syllable("ViÖt"), is_syllable("Viờũt")
    (True, False, False)
    """
    nfd = unicodedata.normalize("NFD", word.lower())
    if sum(ch in _TONES for ch in nfd) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(ch for ch in nfd if ch not in _TONES))
    return _syllable().fullmatch(base) is not None


# a token: a run of anything but spaces, ASCII punctuation and digits, and common typographic marks
_TOKEN = re.compile(r"[^\s!-@\[-`{-~\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u2022\u00a0]+")


def syllable_score(text: str, limit: int = 200_000) -> float:
    """How well a decoding reads as Vietnamese: (valid - invalid) / judged, over the words that hold
    a non-ASCII character (pure-ASCII words read the same in every decoding). 1.0 for clean text,
    negative for mojibake, 0.0 when there is nothing to judge.

    >>> syllable_score("Cộng hòa xã hội"), syllable_score("Céng hoµ x· héi")  # "céng" is well-formed
    (1.0, -0.5)
    """
    words = [w for w in _TOKEN.findall(text, 0, min(len(text), limit)) if not w.isascii()]
    valid = sum(map(is_syllable, words))  # per page of every PDF: map and sum, not a loop
    invalid = len(words) - valid
    judged = valid + invalid
    return (valid - invalid) / judged if judged else 0.0


# --- fonts and Word runs ----------------------------------------------------------------------------

def font_encoding(font: str | None) -> LegacyFont | None:
    """The legacy encoding a font name stands for, or None for a Unicode font.

    >>> font_encoding(".VnTimeH"), font_encoding("VNI-Times"), font_encoding("Arial")
    (LegacyFont(encoding='tcvn3', caps=True), LegacyFont(encoding='vni', caps=False), None)
    """
    if not font:
        return None
    spec = _data()["fonts"]
    for encoding in ENCODINGS:
        rule = spec[encoding]
        if any(font.startswith(p) for p in rule["prefixes"]):
            suffix = rule.get("caps_suffix")
            return LegacyFont(encoding, bool(suffix) and font.endswith(suffix))
    return None


def may_name_legacy_fonts(*xml: bytes | None) -> bool:
    """Whether any of these XML parts could name a legacy font (a byte scan for the font-name
    prefixes): when none can, ``convert_word_runs`` has nothing to convert.

    >>> may_name_legacy_fonts(b'<w:rFonts w:ascii=".VnTime"/>'), may_name_legacy_fonts(b'<w:rFonts w:ascii="Arial"/>', None)
    (True, False)
    """
    spec = _data()["fonts"]
    prefixes = [p.encode() for encoding in ENCODINGS for p in spec[encoding]["prefixes"]]
    return any(p in part for part in xml if part for p in prefixes)


class _WordFonts:
    """The font of a Word run: its own rFonts, else its character style, its paragraph's style
    (or the default paragraph style), else the document defaults; styles follow ``basedOn``."""

    def __init__(self, styles: Any | None):
        self.styles: dict[str, tuple[str | None, str | None]] = {}
        self.default_para: str | None = None
        self.doc_default: str | None = None
        if styles is None:
            return
        for st in styles.iter(W + "style"):
            sid = st.get(W + "styleId")
            based = st.find(W + "basedOn")
            parent = based.get(W + "val") if based is not None else None
            self.styles[sid] = (_rfont(st.find(W + "rPr")), parent)
            if st.get(W + "type") == "paragraph" and st.get(W + "default") in ("1", "true", "on"):
                self.default_para = sid
        default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        self.doc_default = _rfont(default)

    def style_font(self, sid: str | None) -> str | None:
        for _ in range(20):  # basedOn chains are short; the bound guards against cycles
            if sid is None or sid not in self.styles:
                return None
            font, sid_next = self.styles[sid]
            if font is not None:
                return font
            sid = sid_next
        return None

    def of_run(self, run: Any, para: Any | None) -> str | None:
        rpr = run.find(W + "rPr")
        font = _rfont(rpr)
        if font is None and rpr is not None:
            rstyle = rpr.find(W + "rStyle")
            font = self.style_font(rstyle.get(W + "val")) if rstyle is not None else None
        if font is None and para is not None:
            pstyle = para.find(f"{W}pPr/{W}pStyle")
            font = self.style_font(pstyle.get(W + "val") if pstyle is not None else self.default_para)
        return font if font is not None else self.doc_default


def _rfont(rpr: Any | None) -> str | None:
    """The font an rPr sets for Latin text ("" for a theme font), or None when it sets none."""
    fonts = rpr.find(W + "rFonts") if rpr is not None else None
    if fonts is None:
        return None
    names = [fonts.get(W + "hAnsi"), fonts.get(W + "ascii")]
    legacy = [n for n in names if font_encoding(n)]
    if legacy:
        return legacy[0]
    if any(names) or fonts.get(W + "hAnsiTheme") or fonts.get(W + "asciiTheme"):
        return next((n for n in names if n), "")
    return None


def convert_word_runs(root: Any, styles: Any | None = None) -> set[str]:
    """Convert, in place, the text of every run of a WordprocessingML tree typed in a TCVN3 or VNI
    font; return the encodings met. Adjacent runs of one encoding in one paragraph are converted
    together, since Word splits runs anywhere (a VNI letter and its mark can land in two runs);
    tabs and breaks end a group. A soft hyphen in a TCVN3 run is the letter ư (code 0xAD).

    >>> from lxml import etree
    >>> p = etree.fromstring(f'<w:p xmlns:w="{W[1:-1]}"><w:r><w:rPr><w:rFonts w:ascii="VNI-Times"/>'
    ...                      '</w:rPr><w:t>Vie</w:t><w:t>ät</w:t></w:r><w:r><w:t>µ</w:t></w:r></w:p>')
    >>> convert_word_runs(p), [t.text for t in p.iter(W + "t")]
    ({'vni'}, ['Việt', '', 'µ'])
    """
    fonts = _WordFonts(styles)
    used: set[str] = set()
    group: list[Any] = []
    key: tuple[Any, LegacyFont | None] = (None, None)

    def flush() -> None:
        legacy = key[1]
        if group and legacy is not None:
            text = "".join(n.text or "" for n in group)
            group[0].text = convert_text(text, legacy.encoding, caps=legacy.caps)
            for node in group[1:]:
                node.text = ""
            used.add(legacy.encoding)
        group.clear()

    for node in root.iter(W + "t", W + "tab", W + "br", W + "cr", W + "softHyphen"):
        run = node.getparent()
        para = _paragraph_of(run)
        legacy = font_encoding(fonts.of_run(run, para)) if run is not None and run.tag == W + "r" else None
        if node.tag == W + "softHyphen" and legacy is not None and legacy.encoding == "tcvn3":
            node.tag, node.text = W + "t", "\xad"
        if node.tag != W + "t" or key[0] is not para or key[1] != legacy:
            flush()
        key = (para, legacy)
        if node.tag == W + "t":
            group.append(node)
    flush()
    return used


def _paragraph_of(node: Any | None) -> Any | None:
    while node is not None and node.tag != W + "p":
        node = node.getparent()
    return node
