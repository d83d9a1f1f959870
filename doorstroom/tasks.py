"""Background work for doorstroomformulieren. Tasks take ids and call the code that does the work."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_form(form_id: int) -> int:
    from .sending import deliver

    return len(deliver(form_id=form_id))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_to_new_schools(pupil_id: int) -> int:
    from .sending import deliver_to_new_schools as deliver

    return len(deliver(pupil_id=pupil_id))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_to_new_schools_of(pupil_ids: list[int]) -> int:
    from .sending import deliver_to_new_schools as deliver

    return sum(len(deliver(pupil_id=pupil_id)) for pupil_id in pupil_ids)


@shared_task
def deliver_missing_forms() -> int:
    """Safety net: a form whose sending was never queued (the broker was down at the commit) goes now."""
    from .sending import deliver_missing

    return deliver_missing()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def mail_form(form_id: int, user_id: int, include_care: bool = False) -> bool:
    from .mail import mail_to_pupil

    return mail_to_pupil(form_id=form_id, user_id=user_id, include_care=include_care)


@shared_task
def check_forms_deadline() -> int:
    from .deadline import check_forms_deadline as check

    return check()
