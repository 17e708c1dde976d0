"""Records that flow through the pipeline, as dataclasses.

``SourceDoc`` is what a reader returns (the same model for every format); extractors produce the
record types below; ``tables.py`` turns them into pandas DataFrames. Offsets in records (``start``,
``end``) are half-open indices into ``SourceDoc.text`` — the text as read from the file — so a
reader can always click back to the source sentence.
"""
from __future__ import annotations

import hashlib
import operator
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the normalizer is engine code; records do not import it
    from .normalize import NormText


class ReadError(Exception):
    """A file that cannot be read; ``stage`` and the message go to errors.csv as they are."""

    def __init__(self, message: str, stage: str = "read"):
        super().__init__(message)
        self.stage = stage


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    start: int
    end: int


@dataclass(slots=True)
class Table:
    """A table as rows of cells; each cell's span points into ``SourceDoc.text``."""

    rows: list[list[Cell]]
    page: int | None = None
    start: int = 0
    end: int = 0


@dataclass(slots=True)
class SourceDoc:
    """The common document model every reader returns.

    ``text`` holds paragraphs separated by blank lines (lines of one paragraph by single newlines,
    as the source gave them); ``page_starts[i]`` is the offset where page ``i + 1`` begins.
    """

    path: str
    format: str
    text: str
    page_starts: list[int] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    encoding: str = ""
    warnings: list[str] = field(default_factory=list)

    def page_of(self, offset: int) -> int | None:
        """1-based page number of a source offset, or None for formats without pages."""
        if not self.page_starts:
            return None
        lo = 0
        for i, s in enumerate(self.page_starts):
            if s <= offset:
                lo = i
            else:
                break
        return lo + 1


# --- output records (one row each in the tables of tables.py) ------------------------------------

@dataclass
class DocumentRecord:
    doc_id: str
    source_path: str
    sha256: str
    format: str
    doc_index: int
    doc_type: str
    number: str
    symbol: str
    issuer: str
    issuer_level: str
    locality: str
    place: str
    issue_date: str
    date_precision: str
    title: str
    theme: str
    signer: str
    signer_title: str
    signer_authority: str
    plan_year: int | None
    recipients: str
    parent_doc_id: str
    pages: int | None
    start: int
    end: int
    page: int | None = None      # 1-based page of ``start`` (paged formats)
    ocr_conf: float | None = None  # mean OCR confidence (0-100) of the words in the span (OCR pages)
    ocr_box: str = ""            # "x0 y0 x1 y1" (PDF points from the page's top-left) of those words on ``page``


@dataclass
class SectionRecord:
    doc_id: str
    source_path: str
    section_id: str
    parent_id: str
    level: int
    label: str
    heading: str
    kind: str
    start: int
    end: int
    heading_end: int
    page: int | None = None      # 1-based page of ``start`` (paged formats)
    ocr_conf: float | None = None  # mean OCR confidence (0-100) of the words in the span (OCR pages)
    ocr_box: str = ""            # "x0 y0 x1 y1" (PDF points from the page's top-left) of those words on ``page``


@dataclass
class ReferenceRecord:
    doc_id: str
    source_path: str
    reference_id: str
    cited_type: str
    cited_number: str
    cited_date: str
    cited_issuer: str
    start: int
    end: int
    quote: str
    page: int | None = None      # 1-based page of ``start`` (paged formats)
    ocr_conf: float | None = None  # mean OCR confidence (0-100) of the words in the span (OCR pages)
    ocr_box: str = ""            # "x0 y0 x1 y1" (PDF points from the page's top-left) of those words on ``page``


@dataclass
class ErrorRecord:
    source_path: str
    stage: str
    error: str
    message: str


@dataclass
class WarningRecord:
    """Something a reader of the tables should check (the file was still processed)."""

    doc_id: str
    source_path: str
    stage: str
    code: str
    message: str
    start: int | None
    end: int | None


@dataclass
class TargetRecord:
    doc_id: str
    source_path: str
    target_id: str
    label: str
    parent_target_id: str
    section_id: str
    in_task: bool
    indicator: str
    indicator_code: str
    sector: str
    higher_is_better: bool | None
    kind: str
    comparator: str
    value: float | None
    value_min: float | None
    value_max: float | None
    unit: str
    unit_text: str
    value_text: str
    parsed: bool
    baseline: str
    baseline_year: int | None
    target_year: int | None
    start: int
    end: int
    value_start: int
    value_end: int
    quote: str
    rule: str
    page: int | None = None      # 1-based page of ``start`` (paged formats)
    ocr_conf: float | None = None  # mean OCR confidence (0-100) of the words in the span (OCR pages)
    ocr_box: str = ""            # "x0 y0 x1 y1" (PDF points from the page's top-left) of those words on ``page``


@dataclass
class TaskRecord:
    """One task a plan assigns: a paragraph, list item or appendix-table row that directs an action."""

    doc_id: str
    source_path: str
    task_id: str
    section_id: str
    label: str
    text: str
    lead: str          # canonical body names, ";"-joined
    support: str
    report_to: str
    via: str
    deadline_id: str
    in_table: bool
    rule: str
    start: int
    end: int
    quote: str
    page: int | None = None      # 1-based page of ``start`` (paged formats)
    ocr_conf: float | None = None  # mean OCR confidence (0-100) of the words in the span (OCR pages)
    ocr_box: str = ""            # "x0 y0 x1 y1" (PDF points from the page's top-left) of those words on ``page``


@dataclass
class DeadlineRecord:
    """A time bound on an action or report, normalized to ISO dates."""

    doc_id: str
    source_path: str
    deadline_id: str
    task_id: str
    section_id: str
    text: str
    kind: str          # before, on, by_end_of, period, through, recurring
    date_start: str
    date_end: str
    recurrence: str
    year_inferred: bool
    rule: str
    start: int
    end: int
    quote: str
    page: int | None = None      # 1-based page of ``start`` (paged formats)
    ocr_conf: float | None = None  # mean OCR confidence (0-100) of the words in the span (OCR pages)
    ocr_box: str = ""            # "x0 y0 x1 y1" (PDF points from the page's top-left) of those words on ``page``


@dataclass
class BodyRecord:
    """A mention of a body (office, committee, organisation, office holder) with its role."""

    doc_id: str
    source_path: str
    body_id: str
    mention: str
    name: str          # canonical name from lang/vi/bodies.yaml, or the mention when unknown
    abbreviation: str
    level: str
    known: bool        # in the gazetteer; False for bodies found by pattern rules only
    role: str          # issuer, signer, lead, support, report_to, via, recipient, mentioned
    task_id: str
    start: int
    end: int
    quote: str
    page: int | None = None      # 1-based page of ``start`` (paged formats)
    ocr_conf: float | None = None  # mean OCR confidence (0-100) of the words in the span (OCR pages)
    ocr_box: str = ""            # "x0 y0 x1 y1" (PDF points from the page's top-left) of those words on ``page``


@dataclass
class Plan:
    """Everything extracted from one file (one or more documents): the rows of every table.

    Defined beside the records, not in ``pipeline``, so that a process that only writes tables
    (the batch's main process, the cache reader) does not load the extraction engine."""

    source_path: str
    sha256: str = ""
    source: SourceDoc | None = None
    norm: NormText | None = None  # the normalized text (dropped before a plan leaves a worker)
    documents: list[DocumentRecord] = field(default_factory=list)
    sections: list[SectionRecord] = field(default_factory=list)
    references: list[ReferenceRecord] = field(default_factory=list)
    targets: list = field(default_factory=list)
    tasks: list = field(default_factory=list)
    deadlines: list = field(default_factory=list)
    bodies: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)

    def table(self, name: str) -> list:
        return getattr(self, name)

    def __reduce__(self):
        """Pickled as each table's rows of field tuples, the records rebuilt from them: a third of
        the time of pickling every record's attributes, both ways (a plan crosses from a worker
        to the batch's writer, and into the cache)."""
        rows = [list(map(row_getter(cls), getattr(self, name))) for name, cls in TABLES.items()]
        return _plan_from_rows, (self.source_path, self.sha256, self.source, self.norm, rows)


# the tables of a plan: its record lists, in the order of the output files
TABLES: dict[str, type] = {
    "documents": DocumentRecord,
    "sections": SectionRecord,
    "references": ReferenceRecord,
    "targets": TargetRecord,
    "tasks": TaskRecord,
    "deadlines": DeadlineRecord,
    "bodies": BodyRecord,
    "warnings": WarningRecord,
    "errors": ErrorRecord,
}


@lru_cache(maxsize=None)
def row_getter(cls: type):
    """A record's fields as a tuple, in order (records are flat: no copy below them)."""
    return operator.attrgetter(*(f.name for f in fields(cls)))


def _plan_from_rows(source_path: str, sha256: str, source, norm, rows: list[list[tuple]]) -> Plan:
    plan = Plan(source_path, sha256, source, norm)
    for (name, cls), table in zip(TABLES.items(), rows):
        setattr(plan, name, [cls(*row) for row in table])
    return plan


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes (hex): a plan's ``sha256`` and the batch cache's key."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
