"""A pupil's doorstroomformulier: one per correction (version), its unsaved working copies and its history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from students.models import Pupil

from .declaration import Declaration


class Formulier(models.Model):
    """One version of a pupil's form. Version 1 is the first; a correction of a sent form is version 2, ….

    Only the newest version is current (``is_current``). A sent version never changes again: what the mbo
    received lives on in its Snapshot.
    """

    class State(models.TextChoices):
        # The values are read by students/formstate.py (the overview's icon), which cannot import this app.
        NIEUW = "nieuw", _("niet gestart")
        DEELS = "deels", _("deels ingevuld")
        COMPLEET = "compleet", _("compleet, nog niet geaccordeerd")
        GEACCORDEERD = "geaccordeerd", _("compleet en geaccordeerd")
        VERZONDEN = "verzonden", _("verzonden naar het mbo")

    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="doorstroomformulieren", verbose_name=_("leerling")
    )
    version = models.PositiveSmallIntegerField(_("versie"), default=1)
    is_current = models.BooleanField(_("huidige versie"), default=True)
    declaration = models.ForeignKey(
        Declaration, on_delete=models.PROTECT, related_name="forms", verbose_name=_("declaratie")
    )
    answers = models.JSONField(_("antwoorden"), default=dict, blank=True)
    state = models.CharField(_("status"), max_length=20, choices=State.choices, default=State.NIEUW)
    percent = models.PositiveSmallIntegerField(_("ingevuld (%)"), default=0)
    # Every shown care step (aandachtspunten, ondersteuning, the doelgroep's step) complete: what the
    # zorgcoördinator's filter in Leerling overzicht reads (students/formstate.py), kept by refresh_state.
    care_complete = models.BooleanField(_("zorgstappen compleet"), default=False)
    # The consent question answered with the consent (engine.Progress.consent), kept by refresh_state: what
    # sending's queries and the extra aandacht shown to the mbo (students/passed_on.py) read. The sending
    # itself checks the answers again (consent.py).
    consent_given = models.BooleanField(_("toestemming voor doorsturen"), default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_by_name = models.CharField(_("geaccordeerd door"), max_length=200, blank=True)
    approved_at = models.DateTimeField(_("geaccordeerd op"), null=True, blank=True)
    sent_at = models.DateTimeField(_("verzonden op"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("laatst opgeslagen"), auto_now=True)
    updated_by_name = models.CharField(_("laatst opgeslagen door"), max_length=200, blank=True)

    class Meta:
        ordering = ["pupil", "-version"]
        verbose_name = _("doorstroomformulier")
        verbose_name_plural = _("doorstroomformulieren")
        constraints = [
            models.UniqueConstraint(fields=["pupil", "version"], name="form_version_once_per_pupil"),
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(is_current=True), name="form_one_current_version_per_pupil"
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Doorstroomformulier')} {self.pupil} – {_('versie')} {self.version}"

    def __repr__(self) -> str:
        return f"<Formulier {self.pk} v{self.version}>"

    @property
    def is_sent(self) -> bool:
        return self.state == self.State.VERZONDEN

    @property
    def ever_sent(self) -> bool:
        """A version after the first is a correction, which is only made from a sent version."""
        return self.is_sent or self.version > 1

    @property
    def is_complete(self) -> bool:
        return self.state in (self.State.COMPLEET, self.State.GEACCORDEERD, self.State.VERZONDEN)


class FormDraft(models.Model):
    """What one user typed since the last save ("Verder"/"Terug" keep it, "Opslaan" saves it, "Annuleer"
        drops it). ``base`` is the saved answers it started from, so a save changes only what this user changed
        and notices what someone else saved meanwhile. ``invalid`` holds input that is not valid yet (raw).
        Attachments added meanwhile point to the draft (``Attachment.pending_for``); ``removed_attachments``
        holds the ids of saved attachments this user removed. ``conflicts`` names the fields someone else saved
    while this user changed them ({key: {"by": name, "at": ISO time}}): they are not saved until the user chooses
    between their own value and the other's."""

    form = models.ForeignKey(Formulier, on_delete=models.CASCADE, related_name="drafts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    base = models.JSONField(default=dict)
    values = models.JSONField(default=dict)
    invalid = models.JSONField(default=dict)
    removed_attachments = models.JSONField(default=list)
    conflicts = models.JSONField(default=dict)
    step = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("niet opgeslagen invoer")
        verbose_name_plural = _("niet opgeslagen invoer")
        constraints = [models.UniqueConstraint(fields=["form", "user"], name="form_draft_once_per_user")]

    def __str__(self) -> str:
        return f"{self.form} ({self.user})"


class FormRevision(models.Model):
    """The form's history: who saved, approved, sent or corrected it, and which fields a save changed (the
    keys; the old and new values go to the receivers of doorstroom.signals.form_saved, not into this table)."""

    class Action(models.TextChoices):
        SAVED = "opgeslagen", _("opgeslagen")
        APPROVED = "geaccordeerd", _("geaccordeerd")
        UNAPPROVED = "ingetrokken", _("accordering ingetrokken")
        APPROVAL_DROPPED = "vervallen", _("accordering vervallen door een wijziging")
        SENT = "verzonden", _("verzonden")
        CORRECTION = "correctie", _("correctie gestart")
        ATTACHED = "bijlage", _("bijlage toegevoegd")
        DETACHED = "bijlage_weg", _("bijlage verwijderd")
        MAILED = "gemaild", _("gemaild aan de leerling")

    form = models.ForeignKey(Formulier, on_delete=models.CASCADE, related_name="revisions")
    action = models.CharField(max_length=20, choices=Action.choices)
    fields = models.JSONField(default=list, blank=True)
    note = models.CharField(max_length=300, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user_name = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("wijziging van een doorstroomformulier")
        verbose_name_plural = _("wijzigingen van doorstroomformulieren")

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.user_name})"
