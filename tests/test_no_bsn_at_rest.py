"""A dump of a full database (the demo region, with everything it holds) has no BSN in plain text."""

import io
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection

from students import bsn
from students.models import Pupil

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL (CI runs the suite on it)"
)


def pg_dump() -> bytes:
    if shutil.which("pg_dump") is None:
        pytest.fail("pg_dump is missing (Debian package postgresql-client)")
    db = connection.settings_dict
    command = ["pg_dump", "--data-only", "--no-owner", "-d", db["NAME"]]
    if db.get("HOST"):
        command += ["-h", db["HOST"]]
    if db.get("PORT"):
        command += ["-p", str(db["PORT"])]
    if db.get("USER"):
        command += ["-U", db["USER"]]
    env = {"PGPASSWORD": db.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"}
    return subprocess.run(command, capture_output=True, check=True, env=env, timeout=120).stdout


@pytest.mark.django_db(transaction=True)  # committed, so that pg_dump (another connection) sees it all
def test_a_dump_of_the_demo_database_holds_none_of_its_bsns():
    call_command("seed_demo", stdout=io.StringIO())
    pupils = list(Pupil.objects.exclude(bsn_encrypted=""))
    numbers = {bsn.decrypt(p.bsn_encrypted) for p in pupils}
    assert len(numbers) >= 200
    dump = pg_dump()
    assert pupils[0].achternaam.encode() in dump  # the dump holds the data
    leaked = [n for n in numbers if n.encode() in dump]
    assert leaked == [], f"{len(leaked)} BSNs in plain text in the database dump"
