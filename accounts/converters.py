"""The path converter for ids in VOROC's addresses: digits, bounded to what the database's keys can hold.

An id larger than a 64-bit key (a guessed or damaged address) is read as 0, which no object has: the page answers
404 like any id outside the user's scope, and the screen that looks it up records that in the audit log — instead
of the database failing on a number it cannot compare (a 500 that the audit log never saw).
"""

from __future__ import annotations

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(value)
        return number if number <= MAX_ID else 0

    def to_url(self, value: int) -> str:
        return str(int(value))
