"""Background work for pupils: exports. Tasks take ids and call the code that does the work."""

from celery import shared_task

from . import exports


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_export(job_id: int) -> None:
    exports.run_job(job_id)


@shared_task
def purge_expired_exports() -> int:
    """Hourly: background files past their day, and imports past their hour (preview) or day (report)."""
    from .imports.services import purge_expired_imports

    return exports.purge_expired_exports() + purge_expired_imports()
