"""Fixed users per role in two schools, two mbo-schools and two gemeenten (as in seed_demo)."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command

from accounts.demo import demo_password
from accounts.models import Organisation, User

from .factories import PASSWORD, UserFactory  # noqa: F401


@pytest.fixture(autouse=True)
def _empty_cache():
    # Throttles and sessions live in the cache; each test starts without another test's.
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is slow on purpose; tests check behaviour, not hashing cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(db) -> dict[str, User]:
    """The demo region of seed_demo without its pupils; users by login name."""
    call_command("seed_demo", "--no-pupils", verbosity=0, stdout=io.StringIO())
    return {u.username: u for u in User.objects.select_related("organisation")}


@pytest.fixture
def demo_pupils(db) -> dict[str, User]:
    """The whole demo region: ~120 pupils in 5 groups per vo-school, mentor links; users by login name."""
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
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
