"""The bearer tokens with which mbo-schools push batches: made once (shown once), stored as a SHA-256, revocable."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, User

from .models import FeedToken

TOKEN_PREFIX = "vrc_"  # noqa: S105 (the public start of every token, not a secret)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_token(*, school: Organisation, name: str, by: User | None) -> tuple[FeedToken, str]:
    """A new token for ``school``; the token itself is returned once and only its hash is kept."""
    if school.kind != OrganisationKind.MBO_SCHOOL:
        raise ValueError("Only an mbo-school gets a feed token.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = FeedToken(
        mbo_school=school, name=name.strip(), prefix=secret[:10], key_hash=hash_token(secret), created_by=by
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def revoke_token(*, token: FeedToken, by: User | None) -> bool:
    if token.revoked_at is not None:
        return False
    token.revoked_at, token.revoked_by = timezone.now(), by
    token.save(update_fields=["revoked_at", "revoked_by"])
    return True


def token_for(secret: str) -> FeedToken | None:
    """The active token with this value (of a connected mbo-school or not), or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = (
        FeedToken.objects.select_related("mbo_school")
        .filter(key_hash=hash_token(secret), revoked_at__isnull=True)
        .first()
    )
    if token is not None and (token.last_used_at is None or timezone.now() - token.last_used_at > _TOUCH):
        FeedToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


_TOUCH = datetime.timedelta(minutes=1)
