"""How the contract tests write a text value into a filter."""

from __future__ import annotations


def quoted(text: str) -> str:
    """A quoted filter literal: the filter language reads a backslash as an escape, so a literal
    backslash is doubled like the quote (unescaped, a value ending in one left the string open)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"
