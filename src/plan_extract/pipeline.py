"""One file through the pipeline: read → normalize → segment → extract → records.

``process(path)`` never raises for a bad file: it returns a ``Plan`` whose ``errors`` say why.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from .extract.metadata import Meta, extract_metadata
from .extract.references import find_references
from .model import (DocumentRecord, ErrorRecord, Plan, ReadError, ReferenceRecord, SectionRecord,
                    SourceDoc, file_sha256)
from .memo import new_document
from .normalize import NormText, normalize
from .read import read
from .segment import DocPart, SectionNode, build_sections, lines_of, split_documents


@dataclass
class DocContext:
    """What extractors of one document share: ids, text, sections, metadata."""

    doc_id: str
    source_path: str
    norm: NormText
    part: DocPart
    sections: list[SectionNode]
    meta: Meta
    tables: list = field(default_factory=list)  # the reader's tables (cells in source offsets)
    memo: dict = field(default_factory=dict)  # what several extractors compute from the same text

    def src(self, start: int, end: int) -> tuple[int, int]:
        return self.norm.source_span(start, end)

    def norm_offset(self, source_offset: int) -> int:
        """The normalized offset of a source offset (the first normalized character at or after
        it): the inverse of ``src`` for the characters normalization kept."""
        return bisect_left(self.norm.map.src, source_offset, 0, len(self.norm.map))

    def section_at(self, offset: int) -> SectionNode | None:
        """The innermost section holding ``offset``: the last section that starts at or before
        it, or the nearest of its ancestors that still holds it."""
        starts = self.memo.get("section_starts")
        if starts is None:
            starts = self.memo["section_starts"] = [s.start for s in self.sections]
        i = bisect_right(starts, offset) - 1
        node = self.sections[i] if i >= 0 else None
        while node is not None and not node.start <= offset < node.end:
            node = node.parent
        return node


def process(path: str | Path) -> Plan:
    """Run the whole pipeline on one file; errors become ``ErrorRecord``s, never exceptions."""
    path = Path(path)
    new_document()  # memos of the last file are not this one's
    plan = Plan(str(path))
    stage = "read"
    try:
        plan.sha256 = file_sha256(path)
        plan.source = read(path)
        stage = "normalize"
        plan.norm = normalize(plan.source.text)
        stage = "segment"
        _extract(plan)
        stage = "ground"
        ground(plan)
    except ReadError as exc:
        plan.errors.append(ErrorRecord(str(path), exc.stage, "ReadError", str(exc)))
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop a batch
        tb = traceback.extract_tb(exc.__traceback__)[-1]
        plan.errors.append(ErrorRecord(
            str(path), stage, type(exc).__name__,
            f"internal error while processing this file: {exc} (at {Path(tb.filename).name}:{tb.lineno})"))
    return plan


GROUNDED = ("documents", "sections", "references", "targets", "tasks", "deadlines", "bodies")


def ground(plan: Plan) -> None:
    """Give every record its page (paged formats) and, for spans read by OCR, the mean confidence
    of their words and the box they were printed in (``read.ocr.confidence`` / ``read.ocr.box``)."""
    source = plan.source
    layer = getattr(source, "ocr", None)
    if source is None or (not source.page_starts and layer is None):
        return
    from .read.ocr import box, confidence

    starts = source.page_starts
    for name in GROUNDED:
        for r in plan.table(name):
            if starts:
                r.page = bisect_right(starts, r.start) or 1
            if layer is not None:
                r.ocr_conf = confidence(layer, r.start, r.end)
                where = box(layer, r.start, r.end)
                if where is not None:
                    r.page = where[0]
                    r.ocr_box = " ".join(f"{v:g}" for v in where[1:])


def _extract(plan: Plan) -> None:
    from .extract import plan_items  # the extractors of targets, tasks, deadlines, bodies

    norm, source = plan.norm, plan.source
    lines = lines_of(norm.text)
    if not lines:
        raise ReadError("no text found in the document", "segment")
    parts = split_documents(lines)
    metas: dict[int, Meta] = {}
    for part in parts:
        doc_id = f"{plan.sha256[:12]}-{part.index}"
        sections = build_sections(lines, part)
        part.sections = sections
        parent_meta = metas.get(part.parent_index) if part.parent_index else None
        meta = extract_metadata(lines, part, sections, parent_meta)
        metas[part.index] = meta
        ctx = DocContext(doc_id, plan.source_path, norm, part, sections, meta, source.tables)
        s, e = ctx.src(part.start, part.end)
        plan.documents.append(DocumentRecord(
            doc_id, plan.source_path, plan.sha256, source.format, part.index, meta.doc_type,
            meta.number, meta.symbol, meta.issuer, meta.issuer_level, meta.locality, meta.place,
            meta.issue_date, meta.date_precision, meta.title, meta.theme, meta.signer,
            meta.signer_title, meta.signer_authority, meta.plan_year, "; ".join(meta.recipients),
            f"{plan.sha256[:12]}-{part.parent_index}" if part.parent_index else "",
            len(source.page_starts) or None, s, e))
        for node in sections:
            ns, ne = ctx.src(node.start, node.end)
            plan.sections.append(SectionRecord(
                doc_id, plan.source_path, f"{doc_id}:{node.id}",
                f"{doc_id}:{node.parent.id}" if node.parent else "", node.level, node.label,
                node.heading, node.kind, ns, ne, ctx.src(node.start, node.heading_end)[1]))
        body = norm.text[part.start:part.end]
        own = f"{meta.number}/{meta.symbol}" if meta.number and meta.symbol else None
        refs = [r for r in find_references(body) if r.cited_number != own]  # "(Kèm theo Kế hoạch số …)"
        for i, ref in enumerate(refs, 1):
            rs, re_ = ctx.src(part.start + ref.start, part.start + ref.end)
            plan.references.append(ReferenceRecord(
                doc_id, plan.source_path, f"{doc_id}:r{i}", ref.cited_type, ref.cited_number,
                ref.cited_date, ref.cited_issuer, rs, re_, source.text[rs:re_]))
        plan_items(plan, ctx)
