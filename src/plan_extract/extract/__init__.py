"""Extractors: each finds spans in a document's normalized text, then resolves their values.

``plan_items`` runs the extractors of targets, tasks, deadlines and bodies on one document and
appends their records to the plan.
"""
from __future__ import annotations


def plan_items(plan, ctx) -> None:
    """Targets, tasks, deadlines and bodies of one document (filled in as extractors land)."""
    from .tasks import extract_tasks
    from .targets import extract_targets

    plan.targets.extend(extract_targets(ctx, plan.source.text))
    out = extract_tasks(ctx, plan.source.text)
    plan.tasks.extend(out.tasks)
    plan.deadlines.extend(out.deadlines)
    plan.bodies.extend(out.bodies)
