"""Links out of the mails the pupil's account pages send."""

from __future__ import annotations

import re

from django.core import mail


def link_in(message, path_part: str) -> str:
    """The path of the first link in the mail's text that contains ``path_part``."""
    match = re.search(r"https?://[^/\s]+(\S*" + re.escape(path_part) + r"\S*)", message.body)
    assert match, f"no link with {path_part} in: {message.body}"
    return match.group(1)


def mails_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]
