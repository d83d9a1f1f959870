"""Fixed users per role in two schools, two mbo-schools and two gemeenten (as in seed_demo)."""

import logging
import re

import pytest
from django.core.cache import cache

from accounts.demo import demo_password
from accounts.models import Organisation, User

from .demo_snapshot import DemoSnapshots, take_demo_snapshots
from .factories import PASSWORD, UserFactory  # noqa: F401


@pytest.fixture(autouse=True)
def _empty_cache():
    # Throttles and sessions live in the cache; each test starts without another test's.
    cache.clear()


_WRITTEN_NUMBER = re.compile(r"(?<![0-9])[0-9][0-9 .]{7,10}[0-9](?![0-9])")
RANDOM_TOKEN_LENGTH = 20  # a run of letters and digits this long is a key, hash or token, not text around a BSN
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE)  # a task id


def bsn_like_numbers(text: str) -> list[str]:
    """Numbers that pass the elfproef, also written with spaces or dots, wherever they stand: on their own, in an
    address (``?q=123456782``, ``/x/123456782/``), after a name (``bsn=123456782``) or glued to a word. Only digits
    inside a long run of letters and digits (a session key, a hash, a token in a link) or in a UUID are not a BSN."""
    from students.bsn import passes_elfproef

    text = _UUID.sub("<uuid>", text)
    found = []
    for match in _WRITTEN_NUMBER.finditer(text):
        number = match.group()
        if not passes_elfproef(re.sub(r"[ .]", "", number)):
            continue
        start, end = match.start(), match.end()
        while start and text[start - 1].isascii() and text[start - 1].isalnum():
            start -= 1
        while end < len(text) and text[end].isascii() and text[end].isalnum():
            end += 1
        if number.isdigit() and end - start >= RANDOM_TOKEN_LENGTH:
            continue
        found.append(number)
    return found


class _EveryLogLine:
    """Sees every log record that is made (a record factory: unlike a handler on the root logger, no later logging
    set-up — Django's, when a Celery worker starts it again — can take it away)."""

    def __init__(self):
        self.lines: list[tuple[str, str]] = []
        self._formatter = logging.Formatter("%(message)s")
        self._previous = logging.getLogRecordFactory()

    def __call__(self, *args, **kwargs) -> logging.LogRecord:
        record = self._previous(*args, **kwargs)
        self.emit(record)
        return record

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.name, self._formatter.format(record)))  # message, arguments and traceback

    def install(self) -> None:
        logging.setLogRecordFactory(self)

    def uninstall(self) -> None:
        logging.setLogRecordFactory(self._previous)


@pytest.fixture(scope="session", autouse=True)
def _no_bsn_in_any_log_line():
    """The whole run: no log record (as it would reach production's log) holds a BSN-like number."""
    watcher = _EveryLogLine()
    watcher.install()
    yield watcher
    watcher.uninstall()
    lines = [(name, line) for name, line in watcher.lines if bsn_like_numbers(line)]
    examples = "\n".join(f"{name}: {line[:300]}" for name, line in lines[:10])
    assert not lines, f"log lines of these loggers hold a BSN-like number: {sorted({n for n, _l in lines})}\n{examples}"


def attachment_texts(message) -> list[str]:
    """The text of a mail's attachments: text as it is, a PDF's pages read back with pypdf."""
    import io

    from pypdf import PdfReader

    texts = []
    for attachment in message.attachments:
        _name, content, mimetype = attachment if isinstance(attachment, tuple) else (None, None, None)
        if isinstance(content, str):
            texts.append(content)
        elif mimetype == "application/pdf" and content:
            texts.extend(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    return texts


@pytest.fixture(autouse=True)
def _log_levels_as_configured():
    """Whatever a test changed about log levels (logging.disable, a logger's level) is put back, so that the rest
    of the run logs (and the check above sees) what production would."""
    root = logging.getLogger()
    level, disabled = root.level, logging.root.manager.disable
    yield
    root.setLevel(level)
    logging.disable(disabled)


@pytest.fixture(autouse=True)
def _no_bsn_in_any_mail():
    """Every test: no mail that left (the test outbox) holds anything that passes as a BSN, also not in an
    attachment."""
    from django.core import mail

    yield
    for message in getattr(mail, "outbox", []):
        parts = [message.subject, message.body, *(content for content, _mime in getattr(message, "alternatives", []))]
        parts += attachment_texts(message)
        assert not bsn_like_numbers(" ".join(parts)), f"a mail holds a BSN-like number: {message.subject}"


@pytest.fixture(autouse=True)
def _media_of_its_own(settings, tmp_path_factory):
    # Uploaded and generated files (attachments, exports) land in a folder of this test, not in var/.
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is slow on purpose; tests check behaviour, not hashing cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def demo_snapshots(django_db_setup, django_db_blocker) -> DemoSnapshots:
    """seed_demo, run once for the whole run (tests/demo_snapshot.py)."""
    with django_db_blocker.unblock():
        return take_demo_snapshots()


@pytest.fixture
def demo(db, demo_snapshots) -> dict[str, User]:
    """The demo region of seed_demo without its pupils; users by login name."""
    demo_snapshots.users.restore()
    return {u.username: u for u in User.objects.select_related("organisation")}


@pytest.fixture
def demo_pupils(demo, demo_snapshots) -> dict[str, User]:
    """The whole demo region: ~120 pupils in 5 groups per vo-school, mentor links; users by login name."""
    demo_snapshots.pupils.restore()
    return {u.username: u for u in User.objects.select_related("organisation")}


@pytest.fixture
def demo_pw() -> str:
    return demo_password()


@pytest.fixture
def vo1(demo) -> Organisation:
    return Organisation.objects.get(code="00AA")


@pytest.fixture
def decaan(demo) -> User:
    return demo["decaan.vo1"]


@pytest.fixture
def decaan_client(client, decaan):
    client.force_login(decaan)
    return client


def login_as(client, user) -> None:
    """Log a user in; the servicedesk also passes its second factor (a confirmed TOTP device)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    if user.requires_second_factor:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture
def servicedesk_client(client, demo):
    login_as(client, demo["servicedesk"])
    return client


def session_queries() -> int:
    """Queries a request spends on its session: 1 from the database, 0 when Redis caches sessions."""
    from django.conf import settings

    return 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1


@pytest.fixture
def queued_mail(settings, eager):
    """Mail goes through the queue as in production (an OutgoingMail, delivered by a task after the commit) into the
    test outbox, instead of Django's test backend that sends at once."""
    settings.EMAIL_BACKEND = "notifications.mail.QueuedEmailBackend"
    settings.VOROC_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def committed(django_capture_on_commit_callbacks, eager):
    """Run a write as if its transaction committed: the work it starts after the commit (sending) runs too."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.fixture
def eager():
    """Celery runs tasks in the test's own process (as without Redis), also when CI gives a broker."""
    from voroc.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
