"""How passwords are stored: Argon2id, memory-hard, at RFC 9106's memory size.

Chosen by measurement (``manage.py bench login_hash``, on a 2-core server): Django's default, PBKDF2-SHA256 at
1,000,000 iterations, costs about 250 ms of CPU per login and is cheap to guess on a GPU; Argon2id with 64 MiB,
2 passes and 1 lane costs about 115 ms and needs 64 MiB of memory per guess. That is above the minimum of OWASP's
Password Storage Cheat Sheet (19 MiB, 2 passes, 1 lane) and RFC 9106's second recommended memory size (64 MiB).
One lane: a login takes one core and leaves the other to the pages. Stored PBKDF2 hashes keep working and are
rewritten as Argon2id at the user's next login (Django does so when the first hasher differs).
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class VorocArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 64 * 1024  # KiB
    parallelism = 1
