"""``manage.py bench login_hash``: what a login costs, by the password hasher (accounts/hashers.py).

One JSON line: the configured hasher's check of a password (wall and CPU seconds, median of RUNS), Django's former
default beside it in the same run (PBKDF2-SHA256 at 1,000,000 iterations, which VOROC used until Argon2id), and a
whole login through the login form (POST, as a browser sends it) with its queries. Inside a transaction that is rolled
back afterwards."""

from __future__ import annotations

import secrets
import statistics
import time

from . import in_rolled_back_transaction, vo_school

RUNS = 7
PASSWORD = secrets.token_urlsafe(16)  # made afresh per run


def _check_seconds(hasher) -> tuple[float, float]:
    encoded = hasher.encode(PASSWORD, hasher.salt())
    walls, cpus = [], []
    for _ in range(RUNS):
        wall, cpu = time.perf_counter(), time.process_time()
        assert hasher.verify(PASSWORD, encoded)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def login_hash() -> dict:
    return in_rolled_back_transaction(_measure)


def _measure() -> dict:
    from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    hasher = get_hasher()
    wall, cpu = _check_seconds(hasher)
    former = PBKDF2PasswordHasher()
    former.iterations = 1_000_000  # Django 5.2's default
    former_wall, former_cpu = _check_seconds(former)
    _school, decaan, _groups = vo_school("99ZZ", groups=1)
    decaan.set_password(PASSWORD)
    decaan.save()
    times, queries = [], 0
    for _ in range(RUNS):
        client = Client(HTTP_HOST="127.0.0.1")
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.post(reverse("accounts:login"), {"username": decaan.username, "password": PASSWORD})
            times.append(time.perf_counter() - start)
        assert response.status_code == 302 and "_auth_user_id" in client.session, response.status_code
        queries = len(captured)
    params = {k: getattr(hasher, k) for k in ("time_cost", "memory_cost", "parallelism") if hasattr(hasher, k)}
    return {
        "name": "login_hash",
        "database": connection.vendor,
        "hasher": hasher.algorithm,
        "parameters": params,
        "check_s": round(wall, 4),
        "check_cpu_s": round(cpu, 4),
        "pbkdf2_1m_check_s": round(former_wall, 4),
        "pbkdf2_1m_check_cpu_s": round(former_cpu, 4),
        "ratio_to_pbkdf2": round(cpu / former_cpu, 2) if former_cpu else None,
        "login_s": round(statistics.median(times), 4),
        "login_queries": queries,
    }
