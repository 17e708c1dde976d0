"""Target values as the audit compares them: bounds, direction, variant, baseline, display.

A target commits its issuer to a set of outcomes: "đạt 95%" and "đạt từ 95% trở lên" to at least
95, "15-17%" to at least 15, "dưới 1%" (a lower-is-better rate) to at most 1, "nhóm 20 … dẫn đầu" to
a rank of 20 or better. ``Value.bound`` is that commitment's binding end; two targets of the same
measure are compared by it. Whether they are the same measure is ``comparable``'s question: same
indicator code and variant, same kind (a growth rate is not a level), same unit, same baseline.

>>> v = value_of({"indicator_code": "crime_clearance", "indicator": "Tỷ lệ khám phá tội phạm",
...               "kind": "level", "comparator": ">=", "value": 90.0, "unit": "%",
...               "higher_is_better": True, "quote": "tỷ lệ khám phá tội phạm 90% trở lên"})
>>> v.bound, v.better, display(v)
(90.0, 'higher', '≥ 90%')
>>> display(value_of({"indicator_code": "grdp", "kind": "increase", "comparator": "range",
...                   "value_min": 15.0, "value_max": 17.0, "unit": "%", "baseline": "thực hiện năm 2025",
...                   "baseline_year": 2025, "higher_is_better": True}))
'tăng 15–17% so với thực hiện năm 2025'
>>> display(value_of({"indicator_code": "budget_revenue", "kind": "level", "comparator": "=",
...                   "value": 194935e9, "unit": "đồng", "higher_is_better": True}))
'194.935 tỷ đồng'
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import regex as re

from ..lang import load
from ..normalize import fold

_CONF = load("audit")
_IND = load("indicators")
INF = math.inf


@dataclass(frozen=True)
class Value:
    """A numeric or qualitative target, normalized for comparison."""

    code: str
    variant: str
    kind: str               # level, increase, decrease, qualitative (maintain counts as level)
    comparator: str
    value: float | None
    value_min: float | None
    value_max: float | None
    unit: str
    baseline: str
    baseline_key: str
    target_year: int | None
    better: str             # "higher" or "lower": which way the number improves
    indicator: str

    @property
    def numeric(self) -> bool:
        return self.kind != "qualitative" and (self.value is not None or self.value_min is not None)

    @property
    def low(self) -> float:
        if self.comparator == "range":
            return _f(self.value_min, -INF)
        if self.comparator in ("<", "<="):
            return -INF
        return _f(self.value, -INF)

    @property
    def high(self) -> float:
        if self.comparator == "range":
            return _f(self.value_max, INF)
        if self.comparator in (">", ">="):
            return INF
        return _f(self.value, INF)

    @property
    def bound(self) -> float | None:
        """The end that binds: the least a higher-is-better target accepts, the most a
        lower-is-better one accepts; None when that end is open ("dưới 1%" for a higher-is-better
        indicator commits to nothing above)."""
        b = self.low if self.better == "higher" else self.high
        return None if math.isinf(b) else b


def recode(v: Value, code: str) -> Value:
    """The same value read as a target of another indicator named beside it (one value shared by
    "Chỉ số PAR Index, chỉ số hài lòng … nhóm 20")."""
    return replace(v, code=code, variant=variant_of(code, v.indicator))


def _f(x, default: float) -> float:
    return default if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _s(x) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else str(x)


def value_of(row: dict, parent: dict | None = None) -> Value:
    """A ``Value`` from a targets row (or a city target row with the same fields). A sub-target
    without its own baseline takes its parent's ("Trong đó: khu vực dịch vụ tăng 11%" under
    "GRDP tăng 13% so với năm 2025")."""
    code = _s(row.get("indicator_code"))
    unit = _s(row.get("unit"))
    kind = _s(row.get("kind")) or "level"
    kind = _CONF["same_kind"].get(kind, kind)
    baseline, byear = _s(row.get("baseline")), row.get("baseline_year")
    if not baseline and parent is not None:
        baseline, byear = _s(parent.get("baseline")), parent.get("baseline_year")
    hib = row.get("higher_is_better")
    if hib is None or (isinstance(hib, float) and math.isnan(hib)):
        hib = _IND.get(code, {}).get("higher_is_better", True) if code else True
    better = "higher" if hib else "lower"
    if kind == "decrease":   # "giảm 10%" of a rate that should fall: the bigger cut is the better one
        better = "lower" if hib else "higher"
    if unit in _CONF["rank_units"]:
        better = "lower"
    words = " ".join([_s(row.get("indicator")), _s(row.get("quote"))])
    ty = row.get("target_year")
    return Value(
        code=code, variant=variant_of(code, words), kind=kind, comparator=_s(row.get("comparator")),
        value=_num(row.get("value")), value_min=_num(row.get("value_min")), value_max=_num(row.get("value_max")),
        unit=unit, baseline=baseline, baseline_key=baseline_key(baseline, _num(byear)),
        target_year=None if _num(ty) is None else int(ty), better=better, indicator=_s(row.get("indicator")))


def _num(x) -> float | None:
    if x is None or x == "":
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def variant_of(code: str, words: str) -> str:
    """The variant of an indicator named by ``words`` ("" = the plain measure).

    >>> variant_of("grdp_industry_construction", "Giá trị sản xuất công nghiệp tăng 5% trở lên")
    'gross_output'
    >>> variant_of("grdp_industry_construction", "Khu vực công nghiệp - xây dựng tăng 15,16%")
    ''
    >>> variant_of("online_dossiers", "Tỷ lệ hồ sơ … giải quyết trực tuyến toàn trình đạt từ 95%")
    'end_to_end'
    """
    f = " ".join(fold(words).split())
    for v in _CONF["variants"].get(code, []):
        if any(_has(f, w) for w in v["words"]) and not any(_has(f, w) for w in v.get("absent", [])):
            return v["name"]
    return ""


def variant_label(code: str, name: str) -> str:
    for v in _CONF["variants"].get(code, []):
        if v["name"] == name:
            return v["label"]
    return "chỉ tiêu chung"


def _has(folded: str, words: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(" ".join(fold(words).split())) + r"(?!\w)", folded) is not None


def baseline_key(baseline: str, year: float | None) -> str:
    """What a baseline refers to: "year:2025" for "(thực hiện) năm 2025", the name of an
    equivalence class ("dự toán thành phố giao" ≡ "kế hoạch Thành phố giao"), else the folded words.

    >>> baseline_key("thực hiện năm 2025", 2025), baseline_key("năm 2025", None)
    ('year:2025', 'year:2025')
    >>> baseline_key("kế hoạch Thành phố giao", None) == baseline_key("dự toán thành phố giao", None)
    True
    """
    if not baseline:
        return ""
    if year is None:
        m = re.search(r"\b(19|20)\d{2}\b", baseline)
        year = float(m.group()) if m else None
    if year is not None:
        return f"year:{int(year)}"
    f = " ".join(fold(baseline).split())
    for name, forms in _CONF["baseline_equivalents"].items():
        if any(" ".join(fold(x).split()) == f for x in forms):
            return name
    return f


# --------------------------------------------------------------------------- comparability


def comparable(a: Value, b: Value) -> str:
    """"" when ``a`` and ``b`` measure the same thing and can be set against each other, else the
    reason: ``qualitative``, ``different_variant``, ``different_kind``, ``different_unit``,
    ``rank_levels`` (checked by the ward-vs-city rule only), ``different_baseline``,
    ``different_year``.

    >>> g = dict(indicator_code="grdp", comparator="=", unit="%", higher_is_better=True)
    >>> comparable(value_of({**g, "kind": "increase", "value": 15.0, "baseline": "năm 2025"}),
    ...            value_of({**g, "kind": "increase", "value": 13.0, "baseline": "thực hiện năm 2025"}))
    ''
    >>> comparable(value_of({**g, "kind": "level", "value": 157628.1e9, "unit": "đồng"}),
    ...            value_of({**g, "kind": "increase", "value": 13.0}))
    'different_kind'
    """
    if not a.numeric or not b.numeric:
        return "qualitative"
    if a.variant != b.variant:
        return "different_variant"
    if a.kind != b.kind:
        return "different_kind"
    if a.unit != b.unit:
        return "different_unit"
    if a.kind in ("increase", "decrease") and a.baseline_key and b.baseline_key and a.baseline_key != b.baseline_key:
        return "different_baseline"
    if a.target_year and b.target_year and a.target_year != b.target_year:
        return "different_year"
    return ""


def intensive(unit: str) -> bool:
    """Whether values in ``unit`` can be set side by side across places (rates, ranks) rather
    than adding up over them (money, counts)."""
    return unit in _CONF["intensive_units"]


def weaker(a: Value, b: Value, eps: float = 1e-9) -> bool:
    """Whether target ``a`` commits to less than ``b`` (same measure assumed; False when either
    commits to no bound in the direction that counts).

    >>> p = dict(indicator_code="near_poverty_rate", kind="decrease", unit="%", comparator="=", higher_is_better=False)
    >>> weaker(value_of({**p, "value": 5.0}), value_of({**p, "value": 10.0}))   # "giảm 5%" vs "giảm 10%"
    True
    """
    if a.bound is None or b.bound is None:
        return False
    return a.bound < b.bound - eps if a.better == "higher" else a.bound > b.bound + eps


# --------------------------------------------------------------------------- display


def number_vi(x: float) -> str:
    """Vietnamese number: "." for thousands, "," for decimals; at most two decimals.

    >>> number_vi(194935.0), number_vi(15.16), number_vi(0.68), number_vi(99.5)
    ('194.935', '15,16', '0,68', '99,5')
    """
    if float(x).is_integer():
        return f"{int(x):,}".replace(",", ".")
    s = f"{x:,.2f}".rstrip("0").rstrip(".")
    return s.replace(",", "_").replace(".", ",").replace("_", ".")


def amount_vi(x: float, unit: str) -> str:
    """A value with its unit; money in tỷ / triệu đồng as plans write it."""
    if unit == "đồng":
        if abs(x) >= 1e9:
            return f"{number_vi(round(x / 1e9, 2))} tỷ đồng"
        if abs(x) >= 1e6:
            return f"{number_vi(round(x / 1e6, 2))} triệu đồng"
    if unit == "đồng/người/năm" and abs(x) >= 1e6:
        return f"{number_vi(round(x / 1e6, 2))} triệu đồng/người/năm"
    if unit == "%":
        return f"{number_vi(x)}%"
    return f"{number_vi(x)} {unit}".strip()


def display(v: Value) -> str:
    """The value as a plan would write it: "≥ 90%", "tăng 15–17% so với năm 2025", "nhóm 20"."""
    if not v.numeric:
        return "định tính"
    if v.unit in _CONF["rank_units"]:
        return f"nhóm {number_vi(v.value if v.value is not None else v.value_max or 0)} dẫn đầu"
    if v.comparator == "range":
        lo, hi = amount_vi(v.value_min or 0, v.unit), amount_vi(v.value_max or 0, v.unit)
        if v.unit == "%":
            lo = number_vi(v.value_min or 0)
        text = f"{lo}–{hi}"
    else:
        text = _CONF["comparator_words"].get(v.comparator, "") + amount_vi(v.value or 0, v.unit)
    kw = _CONF["kind_words"].get(v.kind, "")
    text = f"{kw} {text}".strip()
    if v.baseline and v.kind in ("increase", "decrease"):
        text += f" so với {v.baseline}"
    return text


def indicator_label(code: str, fallback: str = "") -> str:
    return _CONF["indicator_labels"].get(code, fallback or code)
