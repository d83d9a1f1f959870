"""Compressed responses: pages and data go gzipped to a browser that accepts it (a Leerling overzicht of 600
pupils is megabytes of HTML, over a school's network).

Django's GZipMiddleware is safe here against BREACH (a secret guessed from the compressed size of a page that
also reflects the attacker's input) since Django 4.2: it pads the gzip header with up to 100 random bytes
("Heal The Breach", Django 4.2 release notes, "django.middleware.gzip"; ``GZipMiddleware.max_random_bytes``),
and the CSRF token in a page is masked afresh per request. Static files are compressed ahead by whitenoise,
which serves them before this middleware is reached.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

# Already compressed: gzipping these again costs CPU and saves nothing (Excel is a zip, PDF streams are
# deflated, images are compressed).
_COMPRESSED_TYPES = (
    "application/pdf",
    "application/zip",
    "application/gzip",
    "application/vnd.openxmlformats-officedocument.",
    "image/",
    "audio/",
    "video/",
)


# The feed's API answers small JSON documents to the mbo-schools' systems, which need not decompress anything.
_UNCOMPRESSED_PATHS = ("/api/",)


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if response.get("Content-Type", "").startswith(_COMPRESSED_TYPES) or request.path.startswith(
            _UNCOMPRESSED_PATHS
        ):
            return response
        return super().process_response(request, response)
