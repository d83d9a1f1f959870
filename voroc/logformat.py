"""The log format of every process (web, worker, beat, commands): a last guard that masks anything that could be
a BSN, also in a traceback, where an exception may quote a value it was given (a unique key, a row)."""

from __future__ import annotations

import logging


class NoBsnFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        from students.bsn import mask_bsn_like  # at use: logging is configured before the apps are loaded

        return mask_bsn_like(super().format(record))
