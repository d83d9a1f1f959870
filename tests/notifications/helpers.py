"""Helpers shared by the notifications tests."""

from __future__ import annotations

from accounts.mail import send_templated_mail


def send_test_mail(subject: str = "Test") -> None:
    """One templated mail (password changed) to a school address, through the queue like every mail."""
    send_templated_mail(
        to=["decaan@school.example"],
        subject=subject,
        template="accounts/mail/password_changed",
        context={"user": {"get_short_name": "Anna", "username": "anna"}, "when": None},
    )
