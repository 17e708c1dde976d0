"""plan_extract: Vietnamese administrative plans → normalized, grounded tables.

``plan_extract.extract(path)`` → a ``Plan`` (one file); ``plan_extract.extract_tables(paths)`` →
``{table: DataFrame}`` (files and folders); see ``plan_extract.api``.
"""
# The subpackage ``plan_extract.extract`` (the extractors) is loaded first, so that binding the
# function below to the same name is final: a submodule imported later would otherwise replace it.
from . import extract as _extractors  # noqa: F401
from .api import extract, extract_tables

__all__ = ["extract", "extract_tables"]
