"""The audit's rules, each a small named function ``rule(ctx) -> list[Finding]``.

``RULES`` lists them in the order they run; the name of each finding's rule (``Finding.rule``) is
one of ``FINDING_RULES`` (a function may produce several: the ward-vs-city comparison yields
``ward_weaker_than_city``, ``ward_city_target_year``, ``ward_city_baseline``,
``ward_city_comparison`` and ``ward_omits_city_indicator``). Their wording and severity are in
``lang/vi/audit.yaml`` under ``rules``.
"""
from __future__ import annotations

from typing import Callable

from ..context import CONF, Context
from ..model import Finding
from .cross_ward import cross_ward_spread
from .internal import (announced_count, deadline_order, deadline_outside_period, report_from_unassigned_body,
                       target_year_before_plan)
from .theme import city_theme_misquoted
from .ward import ward_theme_conflict, ward_value_conflict
from .ward_city import ward_vs_city

Rule = Callable[[Context], "list[Finding]"]

RULES: dict[str, Rule] = {
    "ward_vs_city": ward_vs_city,
    "city_theme_misquoted": city_theme_misquoted,
    "ward_value_conflict": ward_value_conflict,
    "ward_theme_conflict": ward_theme_conflict,
    "announced_count": announced_count,
    "deadline_order": deadline_order,
    "deadline_outside_period": deadline_outside_period,
    "target_year_before_plan": target_year_before_plan,
    "report_from_unassigned_body": report_from_unassigned_body,
    "cross_ward_spread": cross_ward_spread,
}

FINDING_RULES: list[str] = list(CONF["rules"])

__all__ = ["RULES", "FINDING_RULES", "Rule"]
