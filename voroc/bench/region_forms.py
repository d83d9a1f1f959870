"""The load generator's doorstroomformulieren: every state, sent ones with snapshot and deliveries."""

from __future__ import annotations

import datetime
import hashlib
import random
from typing import Any

from django.core.files.base import ContentFile
from django.db.models import Prefetch
from django.urls import reverse

from accounts.models import Role, User
from doorstroom.attachments import stored_file
from doorstroom.demo import answers_for
from doorstroom.engine import evaluate, record_sources
from doorstroom.models import Attachment, Delivery, FormRevision, Formulier, Snapshot, SnapshotAttachment
from doorstroom.pdfgen import simple_pdf
from doorstroom.records import read_record
from doorstroom.selectors import current_declaration
from notifications.models import Melding, MeldingKind
from students.models import Aanmelding, Pupil

from .region import BATCH, Scene, name_of
from .region_cases import add_meldingen

State = Formulier.State

# --- doorstroomformulieren ----------------------------------------------------------------------------------------

# Of this year's pupils: no form, started but empty, partly filled, complete, approved (only without an aanmelding:
# approving sends at once when there is one), sent (only with an aanmelding).
FORM_PLAN: tuple[tuple[str, int], ...] = (
    ("geen", 20),
    (State.NIEUW, 5),
    (State.DEELS, 30),
    (State.COMPLEET, 15),
    ("akkoord", 30),
)
VARIANTS = 40  # answer sets per kind, drawn from the seed and shared (evaluating each form anew costs minutes)


def forms(scene: Scene) -> None:
    """Doorstroomformulieren under the shipped declaration, in every state; a sent one has its snapshot (answers of
    the shown fields, the pupil record read as sending reads it, the consent) and a delivery to each mbo-school
    where the pupil applied, with the mbo's melding. The LOB-paspoort is one shared generated PDF."""
    rng = scene.rng("forms")
    ids = scene.pupil_ids.get(scene.year, [])
    if not ids:
        return
    declaration = current_declaration(region=scene.vo[0].region, school_year=scene.year)
    spec = declaration.parsed()
    consent_field = spec.consent_field
    content = simple_pdf(["LOB-paspoort", "Sterke punten, activiteiten en keuze"], title="LOB-paspoort")
    blob = stored_file(
        sha=hashlib.sha256(content).hexdigest(), size=len(content), pages=1, content=ContentFile(content)
    )
    pools = _answer_pools(spec, rng)
    applied: dict[int, set[int]] = {}
    for pupil_id, mbo_id in Aanmelding.objects.filter(pupil_id__in=ids, school_year=scene.year).values_list(
        "pupil_id", "mbo_school_id"
    ):
        applied.setdefault(pupil_id, set()).add(mbo_id)
    decaan = {s.pk: scene.user(Role.DECAAN, s) for s in scene.vo}
    school_of = dict(Pupil.objects.filter(pk__in=ids).values_list("pk", "school_id"))
    rows, plan = [], []
    kinds, weights = zip(*FORM_PLAN, strict=True)
    for pupil_id in ids:
        kind = rng.choices(kinds, weights=weights)[0]
        if kind == "geen":
            continue
        by = decaan[school_of[pupil_id]]
        answers: dict[str, Any] = {}
        lob, progress = False, None
        if kind != State.NIEUW:
            answers, lob, progress = rng.choice(pools[State.DEELS if kind == State.DEELS else State.COMPLEET])
        form = _form(declaration, answers, progress, by, approve=kind == "akkoord", applied=pupil_id in applied)
        form.pupil_id = pupil_id
        when = scene.now - datetime.timedelta(days=rng.randint(2, 40))
        form.approved_at = when if form.approved_by else None
        form.sent_at = when if form.state == State.VERZONDEN else None
        rows.append(form)
        sent = form.state == State.VERZONDEN
        plan.append((lob, progress, by, sent))
    for start in range(0, len(rows), BATCH):
        Formulier.objects.bulk_create(rows[start : start + BATCH])
    attachments, revisions = [], []
    for form, (lob, _progress, by, _sent) in zip(rows, plan, strict=True):
        if lob:
            attachments.append(
                Attachment(
                    form=form,
                    field="lob_paspoort",
                    name="LOB-paspoort.pdf",
                    blob=blob,
                    uploaded_by=by,
                    uploaded_by_name=name_of(by),
                )  # fmt: skip
            )
        if form.answers:
            revisions.append(
                FormRevision(
                    form=form,
                    action=FormRevision.Action.SAVED,
                    fields=sorted(form.answers),
                    user=by,
                    user_name=name_of(by),
                )  # fmt: skip
            )
        if form.approved_at:
            revisions.append(
                FormRevision(form=form, action=FormRevision.Action.APPROVED, user=by, user_name=name_of(by))
            )
    Attachment.objects.bulk_create(attachments, batch_size=BATCH)
    scene.counts["formulieren"] += len(rows)
    scene.counts["bijlagen"] += len(attachments)
    for state in State:
        scene.counts[f"formulieren {state.value}"] += sum(1 for f in rows if f.state == state)
    _send(scene, [(f, p) for f, p in zip(rows, plan, strict=True) if p[3]], spec, consent_field, revisions)
    FormRevision.objects.bulk_create(revisions, batch_size=BATCH)
    scene.counts["formulierwijzigingen"] += len(revisions)


def _answer_pools(spec, rng: random.Random) -> dict[str, list[tuple[dict, bool, Any]]]:
    """VARIANTS answer sets for partly filled and for complete forms: the answers, whether the LOB-paspoort is
    attached, and their evaluation under the declaration."""
    pools: dict[str, list[tuple[dict, bool, Any]]] = {}
    for kind in (State.DEELS, State.COMPLEET):
        pools[kind] = []
        for _ in range(VARIANTS):
            answers = answers_for(spec, rng, fraction=rng.uniform(0.2, 0.7) if kind == State.DEELS else 1.0)
            lob = kind != State.DEELS or rng.random() < 0.5
            pools[kind].append((answers, lob, evaluate(spec, answers, {"lob_paspoort": 1} if lob else {})))
    return pools


def _form(declaration, answers: dict, progress, by: User, *, approve: bool, applied: bool) -> Formulier:
    """A form with the state refresh_state gives its answers; approved (and sent, if the pupil applied) when asked."""
    state = State.NIEUW
    if progress is not None:
        state = State.COMPLEET if progress.complete else State.DEELS if answers else State.NIEUW
    if approve and progress is not None and progress.ready_to_approve:
        state = State.VERZONDEN if applied else State.GEACCORDEERD
    approved = state in (State.GEACCORDEERD, State.VERZONDEN)
    return Formulier(
        declaration=declaration,
        answers=answers,
        state=state,
        percent=progress.percent if progress else 0,
        care_complete=progress.care_complete if progress else False,
        consent_given=progress.consent if progress else False,
        approved_by=by if approved else None,
        approved_by_name=name_of(by) if approved else "",
        created_by=by,
        updated_by_name=name_of(by) if answers else "",
    )


def _send(scene: Scene, sent: list, spec, consent_field, revisions: list) -> None:
    """Snapshots, deliveries and the mbo's meldingen of the sent forms, as sending.deliver writes them."""
    sources = record_sources(spec)
    mbo = {s.pk: s for s in scene.mbo}
    pupils_by_id = (
        Pupil.objects.select_related("school", "group")
        .prefetch_related(Prefetch("aanmeldingen", Aanmelding.objects.select_related("opleiding", "mbo_school")))
        .in_bulk([f.pupil_id for f, _p in sent])
    )
    applied: dict[int, list[int]] = {}
    for pupil_id, mbo_id in sorted(
        set(
            Aanmelding.objects.filter(pupil_id__in=list(pupils_by_id), school_year=scene.year).values_list(
                "pupil_id", "mbo_school_id"
            )
        )
    ):
        applied.setdefault(pupil_id, []).append(mbo_id)
    snapshots = []
    for form, (_lob, progress, by, _sent) in sent:
        pupil = pupils_by_id[form.pupil_id]
        snapshots.append(
            Snapshot(
                form=form,
                declaration_id=form.declaration_id,
                answers={k: v for k, v in form.answers.items() if k in progress.shown_fields},
                record=read_record(pupil, sources),
                approved_by_name=form.approved_by_name,
                approved_at=form.approved_at,
                consent_answer=consent_field.consent if consent_field else "",
                consent_by_name=name_of(by),
                consent_at=form.approved_at,
                consent_version=form.version,
                extra_aandacht=pupil.extra_aandacht,
            )
        )
    Snapshot.objects.bulk_create(snapshots, batch_size=BATCH)
    blob_of = {
        a.form_id: a
        for a in Attachment.objects.select_related("blob").filter(form_id__in=[s.form_id for s in snapshots])
    }
    SnapshotAttachment.objects.bulk_create(
        [
            SnapshotAttachment(
                snapshot=s, field=a.field, name=a.name, size=a.blob.size, blob=a.blob, uploaded_at=a.uploaded_at
            )  # fmt: skip
            for s in snapshots
            if (a := blob_of.get(s.form_id)) is not None
        ],
        batch_size=BATCH,
    )
    deliveries = [
        Delivery(snapshot=s, mbo_school_id=mbo_id) for s in snapshots for mbo_id in applied.get(s.form.pupil_id, [])
    ]
    Delivery.objects.bulk_create(deliveries, batch_size=BATCH)
    meldingen = []
    for d in deliveries:
        pupil = pupils_by_id[d.snapshot.form.pupil_id]
        meldingen.append(
            Melding(
                organisation_id=d.mbo_school_id,
                kind=MeldingKind.LEERLING,
                text=f"Doorstroomformulier ontvangen van {pupil.full_name}, {pupil.school.name}.",
                pupil=pupil,
                link=reverse("doorstroom:ontvangen", args=[pupil.pk]),
                dedupe_key=f"doorstroom:delivery:{d.pk}",
            )
        )
    for form, _p in sent:
        names = ", ".join(mbo[m].name for m in applied.get(form.pupil_id, []))
        revisions.append(FormRevision(form=form, action=FormRevision.Action.SENT, note=names[:300]))
    add_meldingen(scene, meldingen, [d.snapshot.form.sent_at for d in deliveries])
    scene.counts["verzonden formulieren"] += len(snapshots)
    scene.counts["verzendingen"] += len(deliveries)
