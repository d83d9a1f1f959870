"""Thin tasks of accounts: they take plain values and call a service."""

from __future__ import annotations

from celery import shared_task

from .services import request_password_reset


@shared_task(name="accounts.tasks.password_reset")
def password_reset(username: str) -> None:
    """Look the login name up and mail a link if it exists: after the response, so that the page answers in the
    same time whether or not the name exists (the lookup and the mail are the difference)."""
    request_password_reset(username=username)
