"""Production settings: strict, and they refuse to start without their secrets."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def production_env(**overrides) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CACHE_URL"))
    }
    env.update(
        VOROC_PRODUCTION="1",
        SECRET_KEY=secrets.token_urlsafe(60),
        BSN_ENCRYPTION_KEYS="1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        BSN_INDEX_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        ALLOWED_HOSTS="voroc.example.nl",
        DATABASE_URL="postgres://voroc:x@127.0.0.1:5432/voroc_not_used",
        REDIS_URL="redis://127.0.0.1:6379/0",
        CACHE_URL="redis://127.0.0.1:6379/1",
        EMAIL_URL="smtp+tls://mailer:secret@127.0.0.1:587",
        VOROC_BASE_URL="https://voroc.example.nl",
        DJANGO_SETTINGS_MODULE="voroc.settings",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_session_and_security_settings():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_AGE, s.SESSION_IDLE_TIMEOUT, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.DEBUG, s.CELERY_TASK_ALWAYS_EAGER)"
    )
    result = manage("shell", "-c", code, env=production_env())
    assert result.returncode == 0, result.stderr
    age, idle, hsts, ssl, cookie, csrf, debug, eager = result.stdout.split()[-8:]
    assert int(age) <= 12 * 3600 and int(idle) <= 30 * 60
    assert int(hsts) >= 31536000
    assert (ssl, cookie, csrf, debug, eager) == ("True", "True", "True", "False", "False")


@pytest.mark.parametrize(
    "missing",
    [
        "SECRET_KEY",
        "BSN_ENCRYPTION_KEYS",
        "BSN_INDEX_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "REDIS_URL",
        "EMAIL_URL",
        "VOROC_BASE_URL",
    ],
)
def test_production_refuses_to_start_without_a_secret(missing):
    result = manage("check", env=production_env(**{missing: None}))
    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = manage("check", env=production_env(SECRET_KEY="kort"))
    assert result.returncode != 0 and "SECRET_KEY is too short" in result.stderr


def test_production_refuses_demo_data():
    result = manage("seed_demo", env=production_env())
    assert result.returncode != 0 and "does not run in production" in result.stderr


def test_redis_without_a_separate_cache_database_is_refused():
    result = manage("check", env=production_env(CACHE_URL=None))
    assert result.returncode != 0 and "Set CACHE_URL too" in result.stderr


def import_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    code = "import voroc.settings as s; print(s.PRODUCTION, s.DEBUG)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("value", ["ture", "2", "ja", "production", "y"])
def test_a_typo_in_voroc_production_stops_the_settings(value):
    result = import_settings(production_env(VOROC_PRODUCTION=value))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"VOROC_PRODUCTION={value!r} is not a yes or no" in result.stderr


@pytest.mark.parametrize(
    ("value", "production"),
    [("1", True), ("TRUE", True), (" yes ", True), ("On", True), ("0", False), ("false", False), ("", False)],
)
def test_voroc_production_accepts_the_plain_yes_and_no_words(value, production):
    env = production_env(VOROC_PRODUCTION=value, DEBUG="false")
    result = import_settings(env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(production), "False"]


def test_an_unset_voroc_production_is_development():
    result = import_settings(production_env(VOROC_PRODUCTION=None, DEBUG=None))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


def test_other_yes_no_settings_are_strict_too(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from voroc.environment import flag

    monkeypatch.setenv("AXES_ENABLED", "flase")
    with pytest.raises(ImproperlyConfigured, match="AXES_ENABLED='flase' is not a yes or no"):
        flag("AXES_ENABLED", default=True)
    monkeypatch.setenv("AXES_ENABLED", "")
    assert flag("AXES_ENABLED", default=True) is True


def development_env(var_dir: Path, **overrides) -> dict[str, str]:
    """Development mode (no VOROC_PRODUCTION, SQLite, no Redis) with its own var folder."""
    development = dict.fromkeys(
        ("VOROC_PRODUCTION", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "CACHE_URL", "EMAIL_URL", "VOROC_BASE_URL")
    )
    return production_env(**{**development, "VOROC_VAR_DIR": str(var_dir), **overrides})


def test_importing_the_settings_writes_no_file(tmp_path):
    """Settings only read: starting Django in a fresh var folder leaves it as it was."""
    var = tmp_path / "var"
    var.mkdir()
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['NAME'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=development_env(var), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(var / "voroc.sqlite3")
    assert list(var.iterdir()) == []


def test_development_without_its_secrets_says_how_to_make_them(tmp_path):
    var = tmp_path / "var"
    env = development_env(var, SECRET_KEY=None, BSN_ENCRYPTION_KEYS=None, BSN_INDEX_KEY=None)
    result = import_settings(env)
    assert result.returncode != 0
    assert "No development secrets" in result.stderr and "manage.py" in result.stderr
    assert not var.exists()


def test_manage_py_makes_the_development_secrets_once(tmp_path):
    var = tmp_path / "fresh" / "var"
    env = development_env(var, SECRET_KEY=None, BSN_ENCRYPTION_KEYS=None, BSN_INDEX_KEY=None)
    first = manage("check", env=env)
    assert first.returncode == 0, first.stderr
    secrets_file = var / "dev-secrets.json"
    assert secrets_file.stat().st_mode & 0o077 == 0  # readable by the owner only
    made = secrets_file.read_text()
    assert manage("check", env=env).returncode == 0
    assert secrets_file.read_text() == made  # the keys stay: the SQLite file's BSNs remain readable
    assert sorted(p.name for p in var.iterdir()) == ["dev-secrets.json", "static"]


def test_production_makes_no_development_secrets(tmp_path):
    var = tmp_path / "var"
    result = manage("check", env=production_env(VOROC_VAR_DIR=str(var)))
    assert result.returncode == 0, result.stderr
    assert not var.exists()
