"""The daily e-mail for users who asked for it in Mijn profiel: how many new meldingen, of which kinds.

No pupil names and no other pupil data: the mail says how many and links to VOROC.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext, override

from accounts.mail import send_templated_mail
from accounts.models import User

from .models import MeldingKind
from .selectors import meldingen_visible_to


def send_all() -> int:
    """Send each subscriber the meldingen that arrived since their last digest; returns mails sent."""
    now = timezone.now()
    sent = 0
    for user in (
        User.objects.filter(meldingen_digest=True, is_active=True).exclude(email="").select_related("organisation")
    ):
        since = user.digest_sent_at or now - datetime.timedelta(days=1)
        new = list(
            meldingen_visible_to(user).filter(created_at__gt=since, created_at__lte=now).values_list("kind", flat=True)
        )
        if new:
            with override("nl"):
                counts = [(MeldingKind(kind).label, n) for kind, n in Counter(new).most_common()]
                send_templated_mail(
                    to=[user.email],
                    subject=ngettext("VOROC: %(count)d nieuwe melding", "VOROC: %(count)d nieuwe meldingen", len(new))
                    % {"count": len(new)},
                    template="notifications/mail/digest",
                    context={
                        "user": user,
                        "count": len(new),
                        "counts": counts,
                        "url": settings.VOROC_BASE_URL + reverse("notifications:meldingen"),
                    },
                )
            sent += 1
        User.objects.filter(pk=user.pk).update(digest_sent_at=now)
    return sent
