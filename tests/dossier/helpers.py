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


def pupil_account(pupil=None, *, password: str = "Leerling-wachtwoord-2026", username: str = ""):  # noqa: S107
    """An active pupil account: of ``pupil`` (a pupil of a vo-school), or without a vo-school when None."""
    from django.utils import timezone

    from accounts.models import Role, User
    from dossier.models import AccountSource, PupilAccount
    from dossier.services import new_username, pupils_without_school

    organisation = pupil.school if pupil is not None else pupils_without_school()
    voornaam = pupil.voornaam if pupil is not None else "Noor"
    achternaam = pupil.achternaam if pupil is not None else "Zonderschool"
    user = User(
        username=username or new_username(voornaam, achternaam),
        organisation=organisation,
        role=Role.LEERLING,
        voornaam=voornaam,
        achternaam=achternaam,
        email=f"{(username or voornaam).lower()}.{User.objects.count()}@example.com",
        profile_checked_at=timezone.now(),
    )
    user.set_password(password)
    user.save()
    return PupilAccount.objects.create(
        user=user,
        pupil=pupil,
        source=AccountSource.UITNODIGING if pupil is not None else AccountSource.ZELF,
        activated_at=timezone.now(),
    )


def valid_answer(fld):
    """A valid answer to any question of a declaration (for tests that fill whole pages)."""
    import datetime

    from doorstroom.declaration import CHOICE, DATE, MULTICHOICE, NUMBER, ROWS, SCORE, TEXT, TEXTAREA, YESNO

    if fld.type in (TEXT, TEXTAREA):
        return f"Antwoord op {fld.label}"[: fld.max_length or 200]
    if fld.type in (CHOICE, YESNO, SCORE):
        return fld.choices[0][0]
    if fld.type == MULTICHOICE:
        return [next(v for v, _label in fld.choices if v != "geen")]
    if fld.type == DATE:
        days = fld.max if fld.max is not None else 0
        if fld.min is not None:
            days = max(fld.min + 1, min(days, -1))
        else:
            days = min(days, -1) if fld.max is not None else -365 * 15
        return (datetime.date.today() + datetime.timedelta(days=days)).isoformat()
    if fld.type == NUMBER:
        return fld.min if fld.min is not None else 1
    if fld.type == ROWS:
        return [{c.key: valid_answer(c) for c in fld.columns}]
    raise AssertionError(fld.type)


def page_post(step, answers: dict, **extra) -> dict:
    """What the browser posts for ``step`` showing ``answers`` (a question not in it is posted empty)."""
    from doorstroom.declaration import ATTACHMENT, RECORD, ROWS
    from doorstroom.forms import field_name, rows_to_data, to_data

    data: dict = {"stap": step.key}
    for fld in step.fields:
        if fld.type in (RECORD, ATTACHMENT):
            continue
        if fld.type == ROWS:
            data.update(rows_to_data(fld, answers.get(fld.key) or []))
        else:
            data[field_name(fld.key)] = to_data(fld, answers.get(fld.key))
    data.update(extra)
    return data


def shown_required(step_progress) -> list:
    return [f for f in step_progress.fields if f.required]
