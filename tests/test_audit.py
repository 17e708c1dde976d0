"""The audit: each rule on small examples (what it must flag and what it must not), the loaders and
writers, the city data, and the findings on the bundled corpus (with the reviewed list of every
error and warning it may give there)."""
from __future__ import annotations

import doctest
import importlib
import json
import shutil

import duckdb
import pandas as pd
import pytest

from plan_extract.audit import audit, frames, load_store, read_city_csv, write_outputs
from plan_extract.audit.city import City, CitedDoc, CityTarget, city_from_store, link
from plan_extract.audit.context import Context
from plan_extract.audit.inputs import from_frames
from plan_extract.audit.rules import RULES
from plan_extract.audit.rules.cross_ward import cross_ward_spread
from plan_extract.audit.rules.internal import (announced_count, deadline_order, deadline_outside_period,
                                               report_from_unassigned_body, target_year_before_plan)
from plan_extract.audit.rules.theme import city_theme_misquoted
from plan_extract.audit.rules.ward import ward_theme_conflict, ward_value_conflict
from plan_extract.audit.rules.ward_city import ward_vs_city
from plan_extract.audit.values import value_of
from plan_extract.read import read
from plan_extract.tables import frame

from conftest import ROOT

CITY_CSV = ROOT / "data" / "city" / "haiphong-2026-city-targets.csv"
CITY_THEME = "Chủ động thực thi - Phát huy động lực - Tăng trưởng bứt phá"


# --------------------------------------------------------------------------- builders


def doc(doc_id, ward="An Dương", *, level="phường", year=2026, doc_type="KH",
        title="Kế hoạch năm 2026 của phường, thành phố Hải Phòng",
        theme="", issue_date="2026-01-10", precision="day", number="", parent="", path=None, fmt="txt"):
    issuer = f"Ủy ban nhân dân {level} {ward}"
    return dict(doc_id=doc_id, source_path=path or f"mem/{doc_id}.{fmt}", sha256="", format=fmt, doc_index=1,
                doc_type=doc_type, number=number, symbol=f"{doc_type}-UBND", issuer=issuer, issuer_level=level,
                locality=ward, place=ward, issue_date=issue_date, date_precision=precision, title=title,
                theme=theme, plan_year=year, parent_doc_id=parent, start=0, end=100000)


_N = iter(range(1, 10**6))


def target(doc_id, quote, code, *, kind="level", comparator="=", value=None, vmin=None, vmax=None, unit="%",
           baseline="", baseline_year=None, year=2026, indicator=None, in_task=False, hib=True):
    n = next(_N)
    return dict(doc_id=doc_id, source_path=f"mem/{doc_id}.txt", target_id=f"{doc_id}:t{n}", label=str(n),
                parent_target_id="", section_id="", in_task=in_task, indicator=indicator or quote,
                indicator_code=code, sector="", higher_is_better=hib, kind=kind, comparator=comparator,
                value=value, value_min=vmin, value_max=vmax, unit=unit, unit_text=unit, value_text="",
                parsed=True, baseline=baseline, baseline_year=baseline_year, target_year=year,
                start=n * 1000, end=n * 1000 + len(quote), value_start=0, value_end=0, quote=quote, rule="test")


def task(doc_id, tid, quote, *, lead="", support="", report_to="", via="", deadline_id=""):
    n = next(_N)
    return dict(doc_id=doc_id, source_path=f"mem/{doc_id}.txt", task_id=f"{doc_id}:{tid}", section_id="",
                label="", text=quote, lead=lead, support=support, report_to=report_to, via=via,
                deadline_id=deadline_id, in_table=False, rule="test", start=n * 1000, end=n * 1000 + len(quote),
                quote=quote)


def deadline(doc_id, did, tid, quote, *, kind="before", start="", end="", year_inferred=False):
    n = next(_N)
    return dict(doc_id=doc_id, source_path=f"mem/{doc_id}.txt", deadline_id=f"{doc_id}:{did}",
                task_id=f"{doc_id}:{tid}" if tid else "", section_id="", text=quote, kind=kind, date_start=start,
                date_end=end, recurrence="", year_inferred=year_inferred, rule="test", start=n * 1000,
                end=n * 1000 + len(quote), quote=quote)


def store(docs, **tables):
    data = {"documents": frame("documents", docs)}
    for name, rows in tables.items():
        data[name] = frame(name, rows)
    return from_frames(data)


def city(*targets, theme=CITY_THEME, documents=()):
    c = City(name="Hải Phòng", year=2026, theme=theme, theme_source="KH 56/KH-UBND",
             documents=list(documents) or [CitedDoc("KH", "56/KH-UBND", "2026-02-18", "KH 56")])
    for code, row in targets:
        c.targets.append(CityTarget(code, value_of({"indicator_code": code, "target_year": 2026, **row}),
                                    "compare", "nguồn thử", ""))
    return c


def run(rule, st, c=None):
    return rule(Context.build(st, c))


# --------------------------------------------------------------------------- docstring examples


@pytest.mark.parametrize("module", [
    "plan_extract.audit.values", "plan_extract.audit.city", "plan_extract.audit.rules.theme",
    "plan_extract.audit.rules.ward_city", "plan_extract.audit.rules.internal", "plan_extract.audit.context"])
def test_docstring_examples(module):
    res = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert res.attempted > 0 and res.failed == 0


# --------------------------------------------------------------------------- theme quotations


def _theme_store(quote_text):
    return store([doc("w1", "Lê Thanh Nghị")], tasks=[task("w1", "k1", quote_text)])


def test_misquoted_theme_is_flagged_with_the_changed_word():
    st = _theme_store("Ban hành Kế hoạch thực hiện chủ đề năm 2026 của thành phố “Chủ động thực thi; "
                      "phát huy động lực; tăng trưởng bút phá” và của phường")
    ctx = Context.build(st, city())
    (f,) = city_theme_misquoted(ctx)
    assert f.rule == "city_theme_misquoted" and f.severity == "error"
    diffs = [q for q in f.quote_list() if q.role == "diff"]
    assert [q.text for q in diffs] == ["bút"]
    assert "“bút” thay cho “bứt”" in f.explanation
    assert [t.ok for t in ctx.theme_checks] == [False]


@pytest.mark.parametrize("quoted", [
    "“Chủ động thực thi; phát huy động lực; tăng trưởng bứt phá”",          # ";" for "-", lower case
    "“*Chủ động thực thi, phát huy động lực, tăng trưởng bứt phá*”",        # artifacts, commas
    "\"CHỦ ĐỘNG THỰC THI – PHÁT HUY ĐỘNG LỰC – TĂNG TRƯỞNG BỨT PHÁ\"",       # upper case, en dashes
])
def test_exact_quotation_up_to_punctuation_and_case_is_not_flagged(quoted):
    ctx = Context.build(_theme_store(f"thực hiện chủ đề năm 2026 của thành phố {quoted};"), city())
    assert city_theme_misquoted(ctx) == []
    assert [t.ok for t in ctx.theme_checks] == [True]


def test_tone_placement_is_not_a_word_change():
    ctx = Context.build(_theme_store("chủ đề “Phát huy sức mạnh, hoà hợp, đồng thuận, phát triển”"),
                        city(theme="Phát huy sức mạnh, hòa hợp, đồng thuận, phát triển"))
    assert city_theme_misquoted(ctx) == [] and ctx.theme_checks[0].ok


def test_the_wards_own_theme_is_not_a_quotation_of_the_citys():
    ctx = Context.build(_theme_store("chủ đề năm 2026 của phường “Chủ động thực thi - Kỷ cương hiệu quả - "
                                     "Chính quyền thân thiện”"), city())
    assert city_theme_misquoted(ctx) == [] and ctx.theme_checks == []


# --------------------------------------------------------------------------- ward vs city


SAT = ("satisfaction", {"kind": "level", "comparator": ">=", "value": 90, "unit": "%", "indicator": "Mức độ hài lòng"})
GRDP = ("grdp", {"kind": "increase", "comparator": "=", "value": 13, "unit": "%", "baseline": "năm 2025",
                 "baseline_year": 2025, "indicator": "Tăng trưởng GRDP"})
BUDGET = ("budget_revenue", {"kind": "level", "comparator": "=", "value": 194935e9, "unit": "đồng",
                             "indicator": "Tổng thu ngân sách nhà nước trên địa bàn"})
POVERTY = ("poverty_rate", {"kind": "level", "comparator": "<", "value": 1, "unit": "%", "indicator": "Tỷ lệ hộ nghèo"})


def _rules_of(findings):
    return sorted(f.rule for f in findings)


def test_weaker_ward_target_is_a_warning():
    st = store([doc("w1")], targets=[target("w1", "Mức độ hài lòng của người dân đạt 85%", "satisfaction", value=85)])
    (f,) = run(ward_vs_city, st, city(SAT))
    assert f.rule == "ward_weaker_than_city" and f.severity == "warning"
    assert "85%" in f.values and "≥ 90%" in f.values


def test_stronger_or_equal_ward_target_is_only_a_comparison():
    st = store([doc("w1")], targets=[
        target("w1", "Sự hài lòng của người dân đạt trên 90%", "satisfaction", comparator=">", value=90)])
    (f,) = run(ward_vs_city, st, city(SAT))
    assert f.rule == "ward_city_comparison" and f.severity == "info"


def test_a_smaller_cut_of_a_falling_rate_is_weaker():
    c = city(("near_poverty_rate", {"kind": "decrease", "comparator": "=", "value": 10, "unit": "%",
                                    "indicator": "Tỷ lệ hộ cận nghèo"}))
    st = store([doc("w1")], targets=[target("w1", "hộ cận nghèo giảm 5%", "near_poverty_rate", kind="decrease",
                                            value=5, hib=False)])
    assert _rules_of(run(ward_vs_city, st, c)) == ["ward_weaker_than_city"]
    st = store([doc("w1")], targets=[target("w1", "hộ cận nghèo giảm 12%", "near_poverty_rate", kind="decrease",
                                            value=12, hib=False)])
    assert _rules_of(run(ward_vs_city, st, c)) == ["ward_city_comparison"]


def test_lower_is_better_indicator_is_weaker_when_higher():
    st = store([doc("w1")], targets=[target("w1", "Tỷ lệ hộ nghèo còn 2%", "poverty_rate", value=2, hib=False)])
    assert _rules_of(run(ward_vs_city, st, city(POVERTY))) == ["ward_weaker_than_city"]
    st = store([doc("w1")], targets=[target("w1", "Tỷ lệ hộ nghèo còn 0,5%", "poverty_rate", value=0.5, hib=False)])
    assert _rules_of(run(ward_vs_city, st, city(POVERTY))) == ["ward_city_comparison"]


@pytest.mark.parametrize("row, status", [
    # a level in money is not a growth rate
    (dict(quote="Tổng giá trị sản phẩm trên địa bàn đạt 157.628,1 tỷ đồng", code="grdp", value=157628.1e9,
          unit="đồng"), "not_comparable"),
    # gross output of industry is not GRDP of industry-construction
    (dict(quote="Giá trị sản xuất công nghiệp tăng 5% trở lên", code="grdp", kind="increase", comparator=">=",
          value=5), "not_comparable"),
    # a rank among the city's wards is not a rank among provinces
    (dict(quote="Chỉ số hài lòng đứng trong nhóm 20 địa phương dẫn đầu", code="satisfaction", comparator="<=",
          value=20, unit="hạng"), "not_comparable"),
    (dict(quote="Tăng trưởng kinh tế đạt mức cao", code="grdp", kind="qualitative", comparator="", unit=""),
     "qualitative"),
])
def test_different_measures_are_never_called_weaker(row, status):
    r = dict(row)
    st = store([doc("w1")], targets=[target("w1", r.pop("quote"), r.pop("code"), **r)])
    ctx = Context.build(st, city(GRDP, SAT))
    findings = ward_vs_city(ctx)
    assert {f.rule for f in findings} == {"ward_city_comparison"}
    assert [c.status for c in ctx.comparisons] == [status]


def test_amounts_that_add_up_over_wards_are_shown_as_a_share():
    st = store([doc("w1")], targets=[target("w1", "Tổng thu ngân sách nhà nước trên địa bàn đạt 578,77 tỷ đồng",
                                            "budget_revenue", value=578.77e9, unit="đồng")])
    (f,) = run(ward_vs_city, st, city(BUDGET))
    assert f.rule == "ward_city_comparison" and "0,30%" in f.explanation


def test_different_baseline_and_target_year_are_findings_of_their_own():
    st = store([doc("w1")], targets=[
        target("w1", "GRDP tăng 10% so với năm 2024", "grdp", kind="increase", value=10, baseline="năm 2024",
               baseline_year=2024)])
    assert _rules_of(run(ward_vs_city, st, city(GRDP))) == ["ward_city_baseline"]
    st = store([doc("w1")], targets=[
        target("w1", "Mức độ hài lòng đạt 80% vào năm 2030", "satisfaction", value=80, year=2030)])
    assert _rules_of(run(ward_vs_city, st, city(SAT))) == ["ward_city_target_year"]


def test_baselines_naming_the_city_assigned_target_are_the_same():
    a = value_of(dict(indicator_code="budget_revenue", kind="increase", comparator=">=", value=10, unit="%",
                      baseline="dự toán thành phố giao"))
    b = value_of(dict(indicator_code="budget_revenue", kind="increase", comparator=">=", value=5, unit="%",
                      baseline="kế hoạch Thành phố giao"))
    assert a.baseline_key == b.baseline_key


def test_omission_only_for_plans_covering_several_sectors():
    broad = [target("w1", "Tỷ lệ hộ nghèo dưới 1%", "poverty_rate", comparator="<", value=1, hib=False),
             target("w1", "Thu ngân sách tăng 10%", "budget_revenue", kind="increase", value=10),
             target("w1", "Tỷ lệ khám phá tội phạm 90% trở lên", "crime_clearance", comparator=">=", value=90)]
    findings = run(ward_vs_city, store([doc("w1")], targets=broad), city(GRDP, SAT))
    omitted = [f for f in findings if f.rule == "ward_omits_city_indicator"]
    assert len(omitted) == 1 and omitted[0].indicator_code == "grdp"   # satisfaction: governance not covered
    narrow = [target("w2", "Tỷ lệ hồ sơ trực tuyến đạt 98%", "online_dossiers", value=98)]
    assert [f for f in run(ward_vs_city, store([doc("w2")], targets=narrow), city(GRDP, SAT))
            if f.rule == "ward_omits_city_indicator"] == []


def test_a_value_shared_by_two_indicators_counts_for_both():
    st = store([doc("w1")], targets=[target(
        "w1", "Chỉ số cải cách hành chính (PAR index), chỉ số hài lòng của người dân (SIPAS) đứng trong nhóm 20",
        "par_index", comparator="<=", value=20, unit="hạng",
        indicator="Chỉ số cải cách hành chính (PAR index), chỉ số hài lòng của người dân (SIPAS)")])
    ctx = Context.build(st, city(SAT))
    findings = ward_vs_city(ctx)
    assert [c.status for c in ctx.comparisons] == ["not_comparable"]   # hạng vs %: named, not compared
    assert not [f for f in findings if f.rule == "ward_omits_city_indicator"]


def test_linking_by_citation_then_by_city_and_year():
    docs = [doc("w1", "An Dương", title="Kế hoạch năm 2026"), doc("w2", "Kiến An"),
            doc("w3", "Chu Văn An", year=2025), doc("w4", "Vĩnh Yên", title="Kế hoạch năm 2026")]
    refs = [dict(doc_id="w1", source_path="mem/w1.txt", reference_id="w1:r1", cited_type="KH",
                 cited_number="56/KH-UBND", cited_date="2026-02-18", cited_issuer="Ủy ban nhân dân thành phố Hải Phòng",
                 start=0, end=10, quote="Kế hoạch số 56/KH-UBND")]
    st = store(docs, references=refs)
    c = city()
    basis = {d: link(st, st.docs[d], c) for d in ("w1", "w2", "w3", "w4")}
    assert basis["w1"][0] and "56/KH-UBND" in basis["w1"][1]
    assert basis["w2"][0] and "cùng năm 2026" in basis["w2"][1]
    assert not basis["w3"][0] and "2025" in basis["w3"][1]
    assert not basis["w4"][0]


# --------------------------------------------------------------------------- within one ward


def test_documents_of_one_ward_setting_different_values():
    docs = [doc("kh", "An Dương"), doc("ctr", "An Dương", doc_type="CTr")]
    rows = [target("kh", "Tỷ lệ gia đình văn hóa đạt 95%", "cultural_families", value=95),
            target("ctr", "Tỷ lệ gia đình văn hóa đạt 90%", "cultural_families", value=90)]
    (f,) = run(ward_value_conflict, store(docs, targets=rows))
    assert f.severity == "warning" and f.wards == "An Dương" and "95%" in f.values and "90%" in f.values


def test_same_commitment_in_other_words_is_not_a_conflict():
    docs = [doc("kh", "An Dương"), doc("ctr", "An Dương", doc_type="CTr"), doc("x", "Kiến An")]
    rows = [target("kh", "Hoàn thành 100% chỉ tiêu giao quân", "military_recruitment", value=100),
            target("ctr", "hoàn thành 100% chỉ tiêu giao quân năm 2026", "military_recruitment", value=100, in_task=True),
            target("kh", "Tỷ lệ gia đình văn hóa đạt 95%", "cultural_families", value=95),
            target("ctr", "Tỷ lệ gia đình văn hóa đạt từ 95% trở lên", "cultural_families", comparator=">=", value=95),
            target("x", "Tỷ lệ gia đình văn hóa đạt 80%", "cultural_families", value=80)]   # another ward
    assert run(ward_value_conflict, store(docs, targets=rows)) == []


def test_documents_of_one_ward_quoting_the_theme_differently():
    docs = [doc("kh", "An Dương", theme="Chủ động thực thi - Kỷ cương hiệu quả - Chính quyền thân thiện"),
            doc("ctr", "An Dương", doc_type="CTr", theme="Chủ động thực thi; kỷ cương hiệu quả; chính quyền thân thiện"),
            doc("qd", "An Dương", doc_type="QĐ", theme="Chủ động thực thi - Kỷ cương, hiệu quả - Chính quyền gần dân")]
    (f,) = run(ward_theme_conflict, store(docs))
    assert "gần dân" in f.values
    assert run(ward_theme_conflict, store(docs[:2])) == []


# --------------------------------------------------------------------------- internal consistency


def _chain(unit_date, ward_date):
    """The An Dương KH's report chain, with its two dates as given."""
    d = doc("kh")
    tasks = [task("kh", "k34", f"Báo cáo kết quả thực hiện về Ủy ban nhân dân phường (qua Phòng Văn hóa - Xã hội) "
                               f"trước ngày {unit_date}.", lead="Các cơ quan, đơn vị thuộc phường",
                  report_to="Ủy ban nhân dân phường", via="Phòng Văn hóa - Xã hội", deadline_id="kh:d1"),
             task("kh", "k38", f"Tổng hợp, tham mưu Ủy ban nhân dân phường báo cáo Ủy ban nhân dân thành phố kết quả "
                               f"thực hiện Kế hoạch này trước ngày {ward_date}.", lead="Phòng Văn hóa - Xã hội",
                  report_to="Ủy ban nhân dân thành phố", deadline_id="kh:d2")]
    iso = lambda s: "-".join(reversed(s.split("/")))  # noqa: E731
    dls = [deadline("kh", "d1", "k34", f"trước ngày {unit_date}", end=iso(unit_date)),
           deadline("kh", "d2", "k38", f"trước ngày {ward_date}", end=iso(ward_date))]
    return store([d], tasks=tasks, deadlines=dls)


def test_units_reporting_before_the_ward_reports_upward_is_right():
    assert run(deadline_order, _chain("10/12/2026", "14/12/2026")) == []
    assert run(deadline_order, _chain("14/12/2026", "14/12/2026")) == []


def test_units_reporting_after_the_ward_reports_upward_is_flagged():
    (f,) = run(deadline_order, _chain("20/12/2026", "14/12/2026"))
    assert f.severity == "error" and "20/12/2026" in f.explanation and "14/12/2026" in f.explanation


def test_a_dossier_sent_upward_is_not_the_upper_link_of_a_report_chain():
    # heldout5 (Bảo Yên): units report by 30/11; the commune files OCOP dossiers in Q3 — no report
    d = doc("kh")
    tasks = [task("kh", "k1", "Các phòng, ban báo cáo kết quả thực hiện năm về Ủy ban nhân dân phường trước ngày "
                              "30/11/2026.", lead="Các cơ quan, đơn vị thuộc phường",
                  report_to="Ủy ban nhân dân phường", deadline_id="kh:d1"),
             task("kh", "k2", "Hoàn thành việc gửi hồ sơ về Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh trong "
                              "Quý III/2026.", report_to="Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh",
                  deadline_id="kh:d2")]
    dls = [deadline("kh", "d1", "k1", "trước ngày 30/11/2026", end="2026-11-30"),
           deadline("kh", "d2", "k2", "trong Quý III/2026", kind="period", start="2026-07-01", end="2026-09-30")]
    assert run(deadline_order, store([d], tasks=tasks, deadlines=dls)) == []
    tasks[1]["text"] = tasks[1]["quote"] = "Tổng hợp, báo cáo Ủy ban nhân dân tỉnh trong Quý III/2026."
    assert len(run(deadline_order, store([d], tasks=tasks, deadlines=dls))) == 1  # a report: flagged


def test_deadlines_outside_the_plan_period():
    d = doc("kh", issue_date="2026-01-20")
    dls = [deadline("kh", "d1", "k1", "Trước ngày 31/01/2027", end="2027-01-31"),          # disbursement: grace
           deadline("kh", "d2", "k2", "vào tháng 01/2027", kind="period", start="2027-01-01", end="2027-01-31"),
           deadline("kh", "d3", "k3", "Năm học 2025-2026", kind="period", start="2025-09-01", end="2026-05-31"),
           deadline("kh", "d4", "k4", "trước ngày 30/6/2027", end="2027-06-30"),            # flagged
           deadline("kh", "d5", "k5", "trước ngày 15/01/2026", end="2026-01-15"),           # before issue date
           deadline("kh", "d6", "k6", "trước ngày 10/12", end="2026-12-10", year_inferred=True)]
    found = run(deadline_outside_period, store([d], deadlines=dls))
    assert sorted(f.quote for f in found) == ["trước ngày 15/01/2026", "trước ngày 30/6/2027"]


def test_preparation_before_the_plan_year_is_not_outside_the_period():
    d = doc("kh", issue_date="2025-12-23")          # a 2026 plan issued in December 2025
    dls = [deadline("kh", "d1", "k1", "trước ngày 31/12/2025", end="2025-12-31"),
           deadline("kh", "d2", "k2", "trước ngày 20/12/2025", end="2025-12-20")]   # already past: flagged
    found = run(deadline_outside_period, store([d], deadlines=dls))
    assert [f.quote for f in found] == ["trước ngày 20/12/2025"]
    draft = doc("kh2", issue_date="2026-02", precision="month")   # "ngày … tháng 02 năm 2026"
    dls = [deadline("kh2", "d1", "k1", "Quý I năm 2026", kind="period", start="2026-01-01", end="2026-03-31"),
           deadline("kh2", "d2", "k2", "tháng 01/2026", kind="period", start="2026-01-01", end="2026-01-31")]
    assert [f.quote for f in run(deadline_outside_period, store([draft], deadlines=dls))] == ["tháng 01/2026"]


def test_period_of_a_multi_year_plan():
    d = doc("kh", title="Kế hoạch phát triển giai đoạn 2026 - 2030")
    dls = [deadline("kh", "d1", "k1", "trước ngày 30/6/2028", end="2028-06-30")]
    assert run(deadline_outside_period, store([d], deadlines=dls)) == []


def test_target_year_before_plan_year():
    rows = [target("kh", "Tỷ lệ hộ nghèo còn 1% năm 2025", "poverty_rate", value=1, year=2025, hib=False),
            target("kh", "Tỷ lệ hộ nghèo còn 0,5% đến năm 2030", "poverty_rate", value=0.5, year=2030, hib=False)]
    (f,) = run(target_year_before_plan, store([doc("kh")], targets=rows))
    assert f.severity == "error" and "2025" in f.explanation


def test_announced_count_comes_from_the_extractors_warning():
    w = dict(doc_id="kh", source_path="mem/kh.txt", stage="targets", code="target_count_mismatch",
             message="Kế hoạch công bố 09 chỉ tiêu (“với 09 chỉ tiêu”) nhưng danh sách có 8 mục đánh số",
             start=10, end=25)
    (f,) = run(announced_count, store([doc("kh")], warnings=[w]))
    assert f.severity == "error" and "09" in f.explanation
    assert run(announced_count, store([doc("kh")], warnings=[{**w, "code": "other"}])) == []


def test_report_requested_from_a_body_the_plan_never_assigns():
    tasks = [task("kh", "k1", "Chủ trì triển khai thực hiện Kế hoạch.", lead="Phòng Văn hóa - Xã hội"),
             task("kh", "k2", "Báo cáo kết quả thực hiện về Ủy ban nhân dân phường trước ngày 10/12/2026.",
                  lead="Công an phường", report_to="Ủy ban nhân dân phường"),
             task("kh", "k3", "Báo cáo kết quả về Ủy ban nhân dân phường.", lead="Phòng Văn hóa - Xã hội",
                  report_to="Ủy ban nhân dân phường")]
    (f,) = run(report_from_unassigned_body, store([doc("kh")], tasks=tasks))
    assert f.values == "Công an phường"


def test_a_body_asked_to_do_and_report_in_one_task_is_assigned():
    tasks = [task("kh", "k1", "Giao Hội đồng Thi đua - Khen thưởng phường theo dõi, hướng dẫn, đôn đốc các cơ quan, "
                              "đơn vị triển khai thực hiện Kế hoạch; tổng hợp, báo cáo kết quả về Ủy ban nhân dân phường.",
                  lead="Hội đồng Thi đua - Khen thưởng phường", report_to="Ủy ban nhân dân phường")]
    assert run(report_from_unassigned_body, store([doc("kh")], tasks=tasks)) == []


# --------------------------------------------------------------------------- across wards


def test_cross_ward_spread_flags_rates_and_marks_outliers():
    docs = [doc("a", "An Dương"), doc("k", "Kiến An"), doc("l", "Lê Thanh Nghị")]
    rows = [target("a", "Tỷ lệ điều tra, phá án chung đạt 75% trở lên", "crime_clearance", comparator=">=", value=75),
            target("k", "tỷ lệ khám phá tội phạm 90% trở lên", "crime_clearance", comparator=">=", value=90),
            target("a", "Tỷ lệ tham gia bảo hiểm y tế đạt 95,7%", "health_insurance_coverage", value=95.7),
            target("k", "Tỷ lệ dân số tham gia bảo hiểm y tế: 96%", "health_insurance_coverage", value=96),
            target("a", "Số lao động được giải quyết việc làm là 2.300 người", "jobs_created", value=2300, unit="người"),
            target("l", "giải quyết việc làm cho 300 người", "jobs_created", value=300, unit="người")]
    ctx = Context.build(store(docs, targets=rows), None)
    (f,) = cross_ward_spread(ctx)
    assert f.indicator_code == "crime_clearance" and "15 điểm phần trăm" in f.explanation
    cells = {(m.indicator_code, m.ward): m for m in ctx.matrix}
    assert cells[("crime_clearance", "An Dương")].outlier and cells[("crime_clearance", "Kiến An")].outlier
    assert not cells[("jobs_created", "An Dương")].flagged       # counts grow with the ward: never flagged
    assert len(ctx.matrix) == 6


# --------------------------------------------------------------------------- loading and writing


def test_renditions_of_one_plan_are_audited_once():
    docs = [doc("t", path="corpus/txt/x.txt", fmt="txt"), doc("d", path="corpus/docx/x.docx", fmt="docx"),
            doc("p", path="corpus/pdf/x.pdf", fmt="pdf"),
            doc("o1", "Kiến An", path="a/ke-hoach.docx", fmt="docx", title="Kế hoạch A"),
            doc("o2", "Kiến An", path="b/ke-hoach.docx", fmt="docx", title="Kế hoạch B")]
    st = store(docs)
    assert sorted(st.docs) == ["o1", "o2", "t"]
    assert sorted(st.docs["t"].renditions) == ["corpus/docx/x.docx", "corpus/pdf/x.pdf"]


@pytest.fixture(scope="module")
def corpus_audit(corpus_out):
    out, _ = corpus_out
    return audit(out, against=CITY_CSV)


def test_every_store_form_gives_the_same_findings(corpus_out, tmp_path, corpus_audit):
    out, _ = corpus_out
    ids = [f.finding_id for f in corpus_audit.findings]
    assert [f.finding_id for f in audit(out / "plan_extract.duckdb", against=CITY_CSV).findings] == ids
    from plan_extract.audit.inputs import _from_folder
    from plan_extract.tables import write

    write(_from_folder(out), tmp_path / "parquet", ["parquet"])   # the same tables as Parquet files
    assert not list((tmp_path / "parquet").glob("*.csv"))
    assert [f.finding_id for f in audit(tmp_path / "parquet", against=CITY_CSV).findings] == ids
    sqlite = tmp_path / "plans.sqlite"
    from plan_extract.store import load as load_db

    load_db(_from_folder(out), str(sqlite))
    assert [f.finding_id for f in audit(sqlite, against=CITY_CSV).findings] == ids


def test_outputs_written_as_csv_and_into_the_database(corpus_out, tmp_path, corpus_audit):
    out, _ = corpus_out
    db = tmp_path / "copy.duckdb"
    shutil.copy(out / "plan_extract.duckdb", db)
    for _ in range(2):  # a second run replaces the tables
        write_outputs(corpus_audit, tmp_path / "audit", db)
    df = pd.read_csv(tmp_path / "audit" / "findings.csv", dtype=str, keep_default_na=False)
    assert list(df.columns) == list(frames(corpus_audit)["findings"].columns)
    assert len(df) == len(corpus_audit.findings)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM findings").fetchone()[0] == len(corpus_audit.findings)
        assert con.execute("SELECT count(*) FROM city_comparisons").fetchone()[0] == len(corpus_audit.comparisons)
        n = con.execute("SELECT count(*) FROM findings f JOIN documents d USING (doc_id)").fetchone()[0]
        assert n == len(corpus_audit.findings)   # every finding's document is in the store
    finally:
        con.close()


def test_cli_runs_and_reports_a_missing_store(corpus_out, tmp_path, capsys):
    from plan_extract.audit.cli import main

    out, _ = corpus_out
    assert main(["audit", "--store", str(out), "--against", str(CITY_CSV), "--out", str(tmp_path / "a"),
                 "--no-db"]) == 0
    assert {p.name for p in (tmp_path / "a").iterdir()} >= {"findings.csv", "city_comparisons.csv",
                                                           "ward_matrix.csv", "report.html"}
    assert main(["audit", "--store", str(tmp_path / "nothing"), "--out", str(tmp_path / "b")]) == 2
    assert "not an output folder" in capsys.readouterr().err


# --------------------------------------------------------------------------- the city data


def test_city_csv_records_a_source_for_every_figure():
    df = pd.read_csv(CITY_CSV, dtype=str, keep_default_na=False)
    assert (df.source_document != "").all() and (df.source_url_or_citation != "").all()
    c = read_city_csv(CITY_CSV)
    assert c.theme == CITY_THEME and c.year == 2026
    got = {(t.code, t.use): (t.value.value, t.value.value_min, t.value.value_max, t.value.unit) for t in c.targets}
    assert got == {  # exactly the figures of the issue
        ("grdp", "compare"): (13.0, None, None, "%"), ("grdp", "context"): (None, 13.0, 13.5, "%"),
        ("grdp_industry_construction", "compare"): (15.16, None, None, "%"),
        ("grdp_services", "compare"): (11.0, None, None, "%"),
        ("budget_revenue", "compare"): (194935e9, None, None, "đồng"),
        ("satisfaction", "compare"): (90.0, None, None, "%"),
        ("par_index", "compare"): (5.0, None, None, "hạng"), ("dti", "compare"): (5.0, None, None, "hạng"),
        ("pci", "compare"): (5.0, None, None, "hạng")}
    assert {d.number for d in c.documents} == {"56/KH-UBND", "5256/QĐ-UBND"}   # the city's own documents


def test_the_constructed_city_plan_carries_the_city_data(corpus_out):
    out, _ = corpus_out
    from_doc = city_from_store(load_store(out))
    from_csv = read_city_csv(CITY_CSV)
    assert from_doc.theme == from_csv.theme and from_doc.name == from_csv.name == "Hải Phòng"
    key = lambda t: (t.code, t.value.kind, t.value.comparator, t.value.value, t.value.unit, t.value.baseline_key)  # noqa: E731
    assert sorted(map(key, from_doc.compared())) == sorted(map(key, from_csv.compared()))


# --------------------------------------------------------------------------- the bundled corpus

# Every error and warning the audit may give on the corpus, each read against the documents and
# agreed with (see the audit note of the change that added them): (rule, wards, indicator code).
REVIEWED = {
    ("city_theme_misquoted", "Lê Thanh Nghị", ""),
    ("cross_ward_spread", "An Dương;Kiến An", "crime_clearance"),
    ("cross_ward_spread", "An Dương;Kiến An;Lê Thanh Nghị", "cultural_residential_groups"),
    ("cross_ward_spread", "Lê Thanh Nghị;Kiến An", "online_dossiers"),
    ("cross_ward_spread", "Ngô Quyền;Hồng Bàng", "online_dossiers"),
}


@pytest.mark.parametrize("against", [CITY_CSV, None], ids=["city-csv", "city-plan-in-store"])
def test_findings_on_the_corpus(corpus_out, against):
    out, _ = corpus_out
    result = audit(out, against=against)
    flagged = {(f.rule, f.wards, f.indicator_code) for f in result.findings if f.severity != "info"}
    assert flagged == REVIEWED, ("errors/warnings on the corpus changed: read each new one against the documents "
                                 "and add it to REVIEWED only if a reader would agree", flagged ^ REVIEWED)
    (theme,) = [f for f in result.findings if f.rule == "city_theme_misquoted"]
    assert "bút" in [q.text for q in theme.quote_list() if q.role == "diff"]
    comp = {(c.ward, c.indicator_code): c.status for c in result.comparisons}
    assert comp[("Kiến An", "grdp")] == "meets"
    assert comp[("An Dương", "grdp")] == comp[("An Dương", "budget_revenue")] == "not_comparable"
    assert comp[("Kiến An", "budget_revenue")] == comp[("Lê Thanh Nghị", "budget_revenue")] == "not_comparable"
    docs = pd.read_csv(corpus_out[0] / "documents.csv", dtype=str, keep_default_na=False)
    other_cities = set(docs.loc[docs["source_path"].str.contains("/heldout")
                                & docs["issuer_level"].isin(["phường", "xã"]), "locality"])  # Hà Nội, Huế, Nghệ An …
    assert {"Hoàng Liệt", "Nam Đàn", "Hải Châu", "Bến Thành"} <= other_cities
    assert {l.ward for l in result.links if not l.linked} == {"Chu Văn An"} | other_cities  # Chu Văn An's plan is for 2025
    assert not [f for f in result.findings if set(f.wards.split(";")) & other_cities
                and f.rule.startswith(("ward_city", "ward_omits", "cross_ward"))]  # never held against Hải Phòng


def test_every_quote_of_a_finding_is_grounded(corpus_audit):
    texts = {}
    n = 0
    for f in corpus_audit.findings:
        for q in f.quote_list():
            text = texts.setdefault(q.source_path, read(q.source_path).text)
            assert text[q.start:q.end] == q.text, (f.rule, q)
            n += 1
        if f.quote:
            assert json.loads(f.quotes)[0]["text"] == f.quote
    assert n > len(corpus_audit.findings)


def test_finding_ids_are_stable(corpus_out, corpus_audit):
    out, _ = corpus_out
    assert [f.finding_id for f in audit(out, against=CITY_CSV).findings] == [f.finding_id for f in corpus_audit.findings]
    assert len({f.finding_id for f in corpus_audit.findings}) == len(corpus_audit.findings)


def test_every_rule_has_wording_and_runs():
    from plan_extract.lang import load

    conf = load("audit")
    for name in RULES:
        assert callable(RULES[name]) and RULES[name].__doc__
    for rule, spec in conf["rules"].items():
        assert spec["severity"] in ("error", "warning", "info") and spec["title"] and spec["explanation"], rule
