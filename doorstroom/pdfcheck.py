"""The check of an uploaded PDF, run in a child process with a budget of CPU time and memory.

``python -m doorstroom.pdfcheck --cpu SECONDS --per-page SECONDS --max-cpu SECONDS --mb MEGABYTES`` reads the
file from stdin, limits itself (a CPU-time timer of the base seconds, growing by an allowance for each page read
within it; ``RLIMIT_CPU`` at the maximum, ``RLIMIT_AS``) before it parses anything, and prints one JSON line: ``{"verdict": "ok",
"pages": n}`` or ``{"verdict": "<reason>"}`` (the reasons are the keys of ``REASONS``; doorstroom.attachments
turns them into Dutch messages). A file that needs more than the budget (many pages sharing one highly
compressed content stream, a stream that unpacks to gigabytes) kills the child, not the web process; the
parent (``attachments.check_pdf``) also stops waiting after the budget and refuses the file.

What is refused, besides a file pypdf cannot open, one with a password and one without pages:

* a number that passes as a BSN (accounts.bsn_like) in the page text, the document properties (the Info
  dictionary and the XMP metadata), annotations (comments, link addresses), form fields and bookmarks;
* scripts and actions that start by themselves or start something outside the PDF: JavaScript (``/JS``,
  the ``/JavaScript`` name tree), ``/Launch``, ``/SubmitForm``, ``/ImportData``, an ``/OpenAction`` or
  ``/AA`` (additional actions) other than going to a page;
* embedded files (``/EmbeddedFiles``, ``/EF``, ``/EmbeddedFile`` streams, ``/FileAttachment`` annotations);
* a file that is also another kind of file: the bytes of an HTML document or of a ZIP archive anywhere a
  browser or an unzip tool reads them (outside the compressed streams; also after ``%%EOF``).

This module imports no Django (a child starts in about a tenth of a second) and never prints what it found.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
from collections.abc import Iterator
from typing import Any

# The BSN finder shared by every app: plain functions without Django, so the child stays small.
from accounts.bsn_like import bsn_like_numbers

TEXT_PAGES_CHECKED = 200

REASONS = (
    "broken",
    "encrypted",
    "no_pages",
    "bsn_text",
    "bsn_metadata",
    "bsn_annotations",
    "bsn_fields",
    "bsn_outline",
    "script",
    "embedded",
    "polyglot",
    "too_complex",
)


class Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- another kind of file inside the PDF ---------------------------------------------------------------------
# What a browser takes for HTML and what an unzip tool finds (local file header, central directory, its end).
_HTML = re.compile(rb"<(?:html|!doctype\s+html|script|body|iframe)[\s>/]", re.IGNORECASE)
_ZIP = re.compile(rb"PK(?:\x03\x04|\x01\x02|\x05\x06)")
_STREAM_START = re.compile(rb"(?<!end)stream\r?\n")


def _readable_bytes(data: bytes) -> bytes:
    """The file with the bodies of its filtered (compressed) streams blanked out: what a browser or an unzip
    tool sees as it is. Compressed bytes are random enough to hold ``PK\\x03\\x04`` by chance; they are not
    what makes a polyglot (a tool reads them packed), the plain bytes are."""
    parts: list[bytes] = []
    done = 0
    for m in _STREAM_START.finditer(data):
        if m.start() < done:
            continue  # inside a stream already blanked
        head = data[max(done, m.start() - 4096) : m.start()]
        head = head[head.rfind(b"obj") + 1 :]
        if b"/Filter" not in head:
            continue
        end = data.find(b"endstream", m.end())
        end = len(data) if end < 0 else end
        parts.append(data[done : m.end()])
        done = end
    parts.append(data[done:])
    return b"".join(parts)


def is_polyglot(data: bytes) -> bool:
    readable = _readable_bytes(data)
    return bool(_HTML.search(readable) or _ZIP.search(readable))


# --- walking the objects -------------------------------------------------------------------------------------
def _resolve(obj: Any) -> Any:
    from pypdf.generic import IndirectObject

    while isinstance(obj, IndirectObject):
        obj = obj.get_object()
    return obj


def _strings(obj: Any, depth: int = 0) -> Iterator[str]:
    """The text strings in a value (arrays and dictionaries followed a few levels deep)."""
    from pypdf.generic import ArrayObject, ByteStringObject, DictionaryObject, TextStringObject

    obj = _resolve(obj)
    if isinstance(obj, TextStringObject):
        yield str(obj)
    elif isinstance(obj, ByteStringObject):
        yield bytes(obj).decode("latin-1")
    elif depth < 4 and isinstance(obj, ArrayObject):
        for item in obj:
            yield from _strings(item, depth + 1)
    elif depth < 4 and isinstance(obj, DictionaryObject):
        for value in obj.values():
            yield from _strings(value, depth + 1)


def _has_bsn(texts: Iterator[str]) -> bool:
    return any(bsn_like_numbers(text) for text in texts)


# Keys that lead to page content, fonts, images and the structure tree of a tagged PDF (never to an action; the
# structure tree can hold as many objects as the text has paragraphs) or back up the tree.
_NOT_FOLLOWED = {
    "/Parent",
    "/P",
    "/Pg",
    "/Contents",
    "/Resources",
    "/Font",
    "/XObject",
    "/Thumb",
    "/Metadata",
    "/StructTreeRoot",
    "/StructParent",
    "/StructParents",
}
_ACTIONS_STARTING_SOMETHING = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/RichMediaExecute", "/GoToE"}


def _is_harmless_action(action: Any) -> bool:
    """An OpenAction or additional action that only shows a place in the document (a destination, a GoTo)."""
    from pypdf.generic import ArrayObject, DictionaryObject

    action = _resolve(action)
    if isinstance(action, ArrayObject):
        return True  # a destination: open at this page
    return isinstance(action, DictionaryObject) and action.get("/S") == "/GoTo" and "/Next" not in action


def _active_content(root: Any) -> str | None:
    """ "script" or "embedded" for the first such thing reachable from the catalog, else None."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [root]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in seen:
                continue
            seen.add(ref)
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            if "/JS" in obj or "/JavaScript" in obj or obj.get("/S") in _ACTIONS_STARTING_SOMETHING:
                return "script"
            if "/OpenAction" in obj and not _is_harmless_action(obj["/OpenAction"]):
                return "script"
            additional = _resolve(obj.get("/AA"))
            if isinstance(additional, DictionaryObject) and not all(
                _is_harmless_action(a) for a in additional.values()
            ):
                return "script"
            if (
                "/EmbeddedFiles" in obj
                or "/EF" in obj
                or obj.get("/Type") == "/EmbeddedFile"
                or obj.get("/Subtype") == "/FileAttachment"
            ):
                return "embedded"
            stack.extend(value for key, value in obj.items() if key not in _NOT_FOLLOWED)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return None


def _metadata_texts(reader: Any) -> Iterator[str]:
    info = _resolve(reader.trailer.get("/Info"))
    if info is not None:
        yield from _strings(info)
    metadata = _resolve(reader.trailer["/Root"].get("/Metadata"))
    if metadata is not None and hasattr(metadata, "get_data"):
        yield metadata.get_data().decode("utf-8", "replace")


def _annotation_texts(reader: Any) -> Iterator[str]:
    from pypdf.generic import DictionaryObject

    for page in reader.pages:
        for annotation in _resolve(page.get("/Annots")) or []:
            annotation = _resolve(annotation)
            if not isinstance(annotation, DictionaryObject):
                continue
            for key in ("/Contents", "/T", "/Subj", "/RC", "/TU"):
                yield from _strings(annotation.get(key))
            action = _resolve(annotation.get("/A"))
            if isinstance(action, DictionaryObject):
                yield from _strings(action.get("/URI"))


def _field_texts(reader: Any) -> Iterator[str]:
    from pypdf.generic import DictionaryObject

    form = _resolve(reader.trailer["/Root"].get("/AcroForm"))
    if not isinstance(form, DictionaryObject):
        return
    seen: set[int] = set()
    stack = list(_resolve(form.get("/Fields")) or [])
    while stack:
        field = _resolve(stack.pop())
        if not isinstance(field, DictionaryObject) or id(field) in seen:
            continue
        seen.add(id(field))
        for key in ("/V", "/DV", "/T", "/TU", "/TM", "/Opt"):
            yield from _strings(field.get(key))
        stack.extend(_resolve(field.get("/Kids")) or [])


def _outline_texts(reader: Any) -> Iterator[str]:
    from pypdf.generic import DictionaryObject

    outlines = _resolve(reader.trailer["/Root"].get("/Outlines"))
    if not isinstance(outlines, DictionaryObject):
        return
    seen: set[int] = set()
    stack = [outlines.get("/First")]
    while stack:
        item = _resolve(stack.pop())
        if not isinstance(item, DictionaryObject) or id(item) in seen:
            continue
        seen.add(id(item))
        yield from _strings(item.get("/Title"))
        stack += [item.get("/Next"), item.get("/First")]


def check(data: bytes) -> dict[str, Any]:
    """The verdict on a PDF's bytes (the signature is checked by the caller)."""
    from pypdf import PdfReader

    if is_polyglot(data):
        raise Refused("polyglot")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise Refused("encrypted")
        pages = len(reader.pages)
        if pages < 1:
            raise Refused("no_pages")
        found = _active_content(reader.trailer.raw_get("/Root"))
        if found:
            raise Refused(found)
        for reason, texts in (
            ("bsn_metadata", _metadata_texts(reader)),
            ("bsn_annotations", _annotation_texts(reader)),
            ("bsn_fields", _field_texts(reader)),
            ("bsn_outline", _outline_texts(reader)),
        ):
            if _has_bsn(texts):
                raise Refused(reason)
        page_texts: list[str] = []
        for page in reader.pages[:TEXT_PAGES_CHECKED]:
            page_texts.append(page.extract_text() or "")
            _earn()  # a page read within the budget earns the allowance of one more
        text = " ".join(page_texts)
    except (Refused, MemoryError, RecursionError):
        raise
    except Exception as exc:  # pypdf raises many kinds of errors on a broken file
        raise Refused("broken") from exc
    if bsn_like_numbers(text):
        raise Refused("bsn_text")
    return {"verdict": "ok", "pages": pages}


class _Budget:
    base = 1.0  # CPU seconds for any file (reading its structure and its first page)
    per_page = 0.0  # and this much more for each page read (text is read page by page)
    earned = 0


def _out_of_time(signum, frame) -> None:  # noqa: ARG001 (a signal handler's signature)
    raise Refused("too_complex")


def _earn() -> None:
    """A page was read within the budget: the budget grows by one page's allowance (CPU time, counted by a profiling
    timer). A long report earns its time page by page; a file whose pages each ask for much work is stopped within the
    base budget, before it earns anything (a 20-page file sharing one huge content stream: about 1 s)."""
    import resource
    import signal

    _Budget.earned += 1
    usage = resource.getrusage(resource.RUSAGE_SELF)
    left = _Budget.base + _Budget.per_page * _Budget.earned - (usage.ru_utime + usage.ru_stime)
    if left <= 0:
        raise Refused("too_complex")
    signal.setitimer(signal.ITIMER_PROF, left)


def _limit(base: float, per_page: float, max_seconds: int, megabytes: int) -> None:
    """A profiling timer stops the check after ``base`` CPU seconds (more for each page read: _earn); the
    kernel stops the child at ``max_seconds`` whatever it does (also inside C code) and at ``megabytes``."""
    import resource
    import signal

    _Budget.base, _Budget.per_page = base, per_page
    signal.signal(signal.SIGPROF, _out_of_time)
    signal.setitimer(signal.ITIMER_PROF, base)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # stopped at the CPU limit (SIGXCPU): no core file
    resource.setrlimit(resource.RLIMIT_CPU, (max_seconds, max_seconds + 1))
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cpu", type=float, required=True, help="CPU seconds for any file")
    parser.add_argument("--per-page", type=float, default=0.0, help="CPU seconds more per page")
    parser.add_argument("--max-cpu", type=int, default=0, help="CPU seconds at which the kernel stops the child")
    parser.add_argument("--mb", type=int, required=True, help="address space in megabytes")
    args = parser.parse_args(argv)
    _limit(args.cpu, args.per_page, args.max_cpu or int(args.cpu) + 1, args.mb)
    import logging
    import warnings

    logging.disable(logging.CRITICAL)  # pypdf warns about broken files, sometimes quoting their content
    warnings.simplefilter("ignore")
    data = sys.stdin.buffer.read()
    try:
        verdict = check(data)
    except Refused as refused:
        verdict = {"verdict": refused.reason}
    except (MemoryError, RecursionError):
        verdict = {"verdict": "too_complex"}
    sys.stdout.write(json.dumps(verdict) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
