"""JSON out: money as exact decimal strings, the same for the CLI and the HTTP service."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any


def to_json(value: Any, *, indent: int | None = None) -> str:
    def default(obj: Any) -> Any:
        if isinstance(obj, Decimal):
            return str(obj)
        raise TypeError(f"{type(obj).__name__} is not JSON")

    return json.dumps(value, default=default, ensure_ascii=False, indent=indent)
