"""Extractors: each finds spans in a document's normalized text, then resolves their values.

``plan_items`` runs the extractors of targets, tasks, deadlines and bodies on one document and
appends their records to the plan.
"""
from __future__ import annotations


def plan_items(plan, ctx) -> None:
    """Targets, tasks, deadlines and bodies of one document (filled in as extractors land)."""
    from .bodies import plan_level
    from .tasks import extract_tasks
    from .targets import count_warnings, extract_targets

    targets = extract_targets(ctx, plan.source.text)
    plan.targets.extend(targets)
    plan.warnings.extend(count_warnings(ctx, targets))  # "với 09 chỉ tiêu" vs the list
    with plan_level(ctx.meta.issuer_level):  # bare "Thường trực HĐND" is the issuer's level's
        out = extract_tasks(ctx, plan.source.text)
    plan.tasks.extend(out.tasks)
    plan.deadlines.extend(out.deadlines)
    plan.bodies.extend(out.bodies)
