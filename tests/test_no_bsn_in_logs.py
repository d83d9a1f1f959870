"""The suite-wide check on log lines (tests/conftest.py) itself: it sees what reaches the log, and spots a BSN."""

import logging

from tests.conftest import _EveryLogLine, bsn_like_numbers


def test_the_log_check_catches_a_bsn_in_a_message_its_arguments_or_a_traceback(_no_bsn_in_any_log_line):
    session = _no_bsn_in_any_log_line
    before = len(session.lines)
    handler = _EveryLogLine()
    logger = logging.getLogger("voroc.test.logcheck.isolated")
    logger.setLevel(logging.DEBUG)
    handler.install()
    try:
        logger.warning("pupil saved")
        logger.warning("pupil %s saved", "111 222 333")
        try:
            raise ValueError("bad number 123456782")
        except ValueError:
            logger.exception("failed")
    finally:
        handler.uninstall()
        logger.setLevel(logging.NOTSET)
    flagged = [line for _name, line in handler.lines if bsn_like_numbers(line)]
    assert len(handler.lines) == 3 and len(flagged) == 2
    # These three went through the session's watcher too: take them out again, or they would fail the run.
    assert len(session.lines) == before + 3
    del session.lines[before:]


def test_the_session_check_is_listening(_no_bsn_in_any_log_line):
    assert logging.getLogger().getEffectiveLevel() <= logging.INFO  # as configured, whatever ran before
    before = len(_no_bsn_in_any_log_line.lines)
    logging.getLogger("voroc.test.logcheck").warning("an ordinary line")
    assert len(_no_bsn_in_any_log_line.lines) == before + 1


def test_what_reaches_the_console_has_any_bsn_masked_also_in_a_traceback():
    """A last guard behind the rule that no code logs a BSN: the configured format masks one (a unique-key error
    from the database quotes the value it refused)."""
    from django.conf import settings

    from voroc.logformat import NoBsnFormatter

    formatter = next(h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler).formatter
    assert isinstance(formatter, NoBsnFormatter)
    assert settings.LOGGING["root"]["handlers"] == ["console"]
    try:
        raise ValueError("duplicate key value violates unique constraint: (external_id)=(123456782)")
    except ValueError as error:
        record = logging.LogRecord(
            "feedback", logging.ERROR, __file__, 1, "batch %s stopped", (7,), (type(error), error, error.__traceback__)
        )
    text = formatter.format(record)
    assert "batch 7 stopped" in text and "Traceback" in text and "(external_id)=(•••••••••)" in text
    assert "123456782" not in text and bsn_like_numbers(text) == []
