"""The audit log: who viewed, exported or changed which pupil's data, when and from where; and the
account events around it (logins, failed logins, lockouts, password changes, permission denials).

Append-only for the app: an entry is never updated, and not deleted through the ORM or admin. The one
way out is the retention period (``AuditEntry.objects.purge_before``, used by ``manage.py purge_expired``).

Pupils are referred to by id, not by a foreign key: an entry outlives the pupil. Old and new values of a
change are sealed under a key of that pupil (``PupilKey``); when the pupil is removed completely (AVG), that
key is destroyed and the entries stay as a pseudonymised trace (who, when, what kind, which fields).
"""

from __future__ import annotations

import datetime

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation


class AppendOnlyError(RuntimeError):
    """The audit log is append-only: entries are not changed or deleted."""


class Action(models.TextChoices):
    VIEW = "view", _("bekeken")
    LIST = "list", _("in een lijst bekeken")
    EXPORT = "export", _("geëxporteerd of geprint")
    CREATE = "create", _("toegevoegd")
    CHANGE = "change", _("gewijzigd")
    DELETE = "delete", _("verwijderd")
    INZAGE = "inzage", _("inzage gemaakt (AVG)")
    REMOVAL = "removal", _("volledig verwijderd (AVG)")
    LOGIN = "login", _("ingelogd")
    LOGIN_FAILED = "login_failed", _("inloggen mislukt")
    LOCKOUT = "lockout", _("geblokkeerd na mislukte pogingen")
    LOGOUT = "logout", _("uitgelogd")
    PASSWORD = "password", _("wachtwoord gewijzigd")
    SESSIONS_ENDED = "sessions_ended", _("sessies beëindigd")
    DENIED = "denied", _("geweigerd: geen rechten")
    OUT_OF_SCOPE = "out_of_scope", _("opgevraagd buiten het eigen bereik")
    SENT = "sent", _("doorgestuurd naar een mbo-school")
    BATCH_RELEASED = "batch_released", _("levering vrijgegeven (servicedesk)")
    BATCH_DISCARDED = "batch_discarded", _("levering afgewezen (servicedesk)")


PUPIL_ACTIONS = frozenset(
    {Action.VIEW, Action.LIST, Action.EXPORT, Action.CREATE, Action.CHANGE, Action.DELETE, Action.INZAGE, Action.SENT}
)


# Entries removed per transaction by the retention purge.
PURGE_BATCH = 10_000


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self):
        raise AppendOnlyError("The audit log is append-only: entries go only when their retention period ends.")

    def purge_before(self, cutoff: datetime.datetime, *, batch_size: int = PURGE_BATCH) -> int:
        """The retention period's end: remove entries older than ``cutoff``. The only deletion there is.

        In batches by primary key (ranges of ``batch_size`` ids, so at most that many entries each), every batch in a
        transaction of its own: a catch-up of months of entries holds no lock and no transaction for long, and the
        pages that write the log meanwhile are not held up (``manage.py bench audit_scale`` measures it)."""
        expired = self.filter(at__lt=cutoff)
        bounds = expired.aggregate(first=models.Min("pk"), last=models.Max("pk"))
        if bounds["first"] is None:
            return 0
        removed = 0
        for start in range(bounds["first"], bounds["last"] + 1, batch_size):
            with transaction.atomic():
                batch = expired.filter(pk__gte=start, pk__lt=start + batch_size)
                removed += models.QuerySet.delete(batch)[0]
        return removed

    def about_pupil(self, pupil_id: int) -> AuditQuerySet:
        """Entries about one pupil: on its own, or as one of the pupils of a list or export."""
        return self.filter(models.Q(pupil_id=pupil_id) | models.Q(subjects__contains=f" {pupil_id} "))


class AuditEntry(models.Model):
    at = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    action = models.CharField(_("handeling"), max_length=20, choices=Action.choices)
    # Who: kept as text, so an entry stays readable after the user is gone.
    actor_id = models.BigIntegerField(_("gebruiker-id"), null=True, blank=True)
    actor_name = models.CharField(_("wie"), max_length=200, blank=True)
    actor_role = models.CharField(_("rol"), max_length=30, blank=True)
    actor_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("organisatie")
    )
    ip = models.GenericIPAddressField(_("adres"), null=True, blank=True)
    screen = models.CharField(_("scherm"), max_length=100, blank=True)
    # About whom: one pupil, or the pupils of a list or export (" 12 34 56 ") of one school.
    pupil_id = models.BigIntegerField(_("leerling-id"), null=True, blank=True, db_index=True)
    school = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school van de leerling"),
    )
    subjects = models.TextField(_("leerlingen (id's)"), blank=True)
    count = models.PositiveIntegerField(_("aantal leerlingen"), null=True, blank=True)
    summary = models.CharField(_("omschrijving"), max_length=300, blank=True)
    fields = models.CharField(_("velden"), max_length=500, blank=True)
    # Old → new values of a change, sealed under the pupil's key (PupilKey).
    detail = models.TextField(blank=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("logboekregel")
        verbose_name_plural = _("logboek")
        indexes = [models.Index(fields=["school", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%d-%m-%Y %H:%M} {self.actor_name}: {self.get_action_display()}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    @property
    def field_list(self) -> list[str]:
        return [f for f in self.fields.split(",") if f]


class PupilKey(models.Model):
    """A random key per pupil that seals the old and new values in that pupil's audit entries.

    Removing a pupil completely destroys the key: the entries stay, their values can no longer be read.
    """

    pupil_id = models.BigIntegerField(unique=True)
    sealed_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sleutel van een leerling")
        verbose_name_plural = _("sleutels van leerlingen")

    def __str__(self) -> str:
        return f"key {self.pupil_id}"
