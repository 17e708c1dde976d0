"""Language data: Vietnamese lexicons, patterns and tables, kept apart from engine code.

Every file under ``lang/vi/`` is plain YAML edited by hand. ``load("units")`` reads
``lang/vi/units.yaml`` once and caches it; extractors compile what they need at import.
Extending the product (a new unit, body, period word) means editing one of these files and
the examples beside each entry, not the engine.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).parent / "vi"


# libyaml's parser when PyYAML was built with it (the wheels are): the same data as the
# pure-Python SafeLoader (tests/test_normalize.py checks every file) in a tenth of the time,
# which every worker process pays once at start
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=None)
def load(name: str, lang: str = "vi") -> Any:
    """Return the parsed YAML data file ``lang/<lang>/<name>.yaml``."""
    path = Path(__file__).parent / lang / f"{name}.yaml"
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_LOADER)  # noqa: S506 - a safe loader
