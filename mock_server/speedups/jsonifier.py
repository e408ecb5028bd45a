"""Answers encoded by orjson rather than the standard library (an order of magnitude faster
for an account with its users)."""

from __future__ import annotations

import json
from typing import Any

import orjson
from connexion.jsonifier import Jsonifier


class FastJsonifier(Jsonifier):
    """Responses encoded by orjson.

    Compact, UTF-8, like the standard library with ``separators=(",", ":")`` and
    ``ensure_ascii=False``, which it falls back to for what orjson refuses (integers beyond 64
    bits, keys that are not strings).
    """

    def __init__(self) -> None:
        super().__init__(json, separators=(",", ":"), ensure_ascii=False)

    def dumps(self, data: Any, **kwargs: Any) -> str:
        if not kwargs:
            try:
                return orjson.dumps(data).decode() + "\n"
            except orjson.JSONEncodeError:
                pass
        return super().dumps(data, **kwargs)
