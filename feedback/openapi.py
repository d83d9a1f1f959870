"""The OpenAPI 3.1 document of the feed's API (served at /api/v1/openapi.json).

It describes what feedback/api.py does, no more: tests/feedback/test_api.py calls every documented path,
method and status and checks each answer against the schema given here.
"""

from __future__ import annotations

from django.conf import settings

from .models import REPORTED_LINE_KINDS, BatchState, Format, Transport
from .parser import OPTIONAL, REQUIRED
from .vocabulary import STATUS_WORDS


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


COUNTS = {
    "type": "object",
    "required": ["read", "new", "updated", "unchanged", "unmatched", "waiting", "rejected", "warnings"],
    "properties": {
        "read": {"type": "integer", "description": "Data rows read (the header not counted)."},
        "new": {
            "type": "integer",
            "description": (
                "Rows with an aanmelding_id new to VOROC. New, updated and unchanged also count rows whose pupil is "
                "not in VOROC yet (kept, and applied without sending again when a school adds the pupil) as if it "
                "were: a report does not tell whether a BSN belongs to a pupil."
            ),
        },
        "updated": {
            "type": "integer",
            "description": "Rows that changed an aanmelding (history, status, opleiding, locatie, cohort).",
        },
        "unchanged": {"type": "integer", "description": "Rows VOROC already knew."},
        "unmatched": {
            "type": "integer",
            "deprecated": True,
            "description": "Always 0: rows whose pupil VOROC does not know yet are counted under new (see there).",
        },
        "waiting": {
            "type": "integer",
            "description": (
                "Valid rows naming an opleiding (crebo, and leerweg when given) that is not in your school's catalogue "
                "in VOROC: they wait (see lines, kind waiting) and are applied when the opleiding is added."
            ),
        },
        "rejected": {"type": "integer", "description": "Rows not applied; see lines for line and reason."},
        "warnings": {
            "type": "integer",
            "description": "Applied rows with a remark (e.g. more than two aanmeldingen at one school).",
        },
    },
}

SUMMARY_PROPERTIES = {
    "id": {"type": "integer"},
    "state": {"type": "string", "enum": list(BatchState.values)},
    "state_label": {"type": "string", "description": "The state in Dutch."},
    "transport": {"type": "string", "enum": list(Transport.values)},
    "filename": {"type": "string"},
    "format": {"type": "string", "enum": list(Format.values)},
    "received_at": {"type": "string", "format": "date-time"},
    "size": {"type": "integer", "description": "Bytes received."},
    "checksum": {
        "type": "string",
        "description": "SHA-256 of the bytes received (hex); empty when refused as too large.",
    },
    "duplicate_of": {
        "type": ["integer", "null"],
        "description": "An earlier batch of your school with the same checksum.",
    },
    "counts": {"$ref": "#/components/schemas/Counts"},
    "held": {
        "type": "boolean",
        "description": (
            "The batch adds aanmeldingen for unusually many pupils new to your school and waits for the servicedesk "
            "(state held): nothing is applied until it is released; a discarded batch is applied never."
        ),
    },
    "report": {"type": "string", "format": "uri", "description": "This batch's report in the API."},
    "report_page": {
        "type": "string",
        "format": "uri",
        "description": "The same report in VOROC (for the ROC-gebruiker).",
    },
}

ROW_PROPERTIES = {
    "aanmelding_id": {
        "type": "string",
        "maxLength": 64,
        "description": "Your own id of the aanmelding, unique within your school.",
    },
    "bsn": {
        "type": ["string", "integer"],
        "description": "9 digits passing the elfproef (8 digits: a leading zero is added).",
    },
    "crebo": {"type": ["string", "integer"], "description": "5-digit crebo code of the opleiding."},
    "opleiding": {"type": ["string", "null"], "maxLength": 200},
    "niveau": {"type": ["string", "integer", "null"], "description": "1-4."},
    "leerweg": {"type": ["string", "null"], "description": "BOL or BBL."},
    "locatie": {"type": ["string", "null"], "maxLength": 150},
    "cohort": {"type": ["string", "integer", "null"], "description": "School year of intended start, e.g. 2026."},
    "status": {
        "type": "string",
        "description": "A status code, a Dutch label of the status row or a VVA status (case-insensitive): "
        + ", ".join(sorted(STATUS_WORDS)),
    },
    "status_datum": {
        "type": "string",
        "description": "ISO 8601 date or date-time: 2026-03-14 or 2026-03-14T10:05:00+01:00.",
    },
}


def document(server: str) -> dict:
    limit = settings.FEEDBACK_MAX_BYTES
    token: list[dict[str, list]] = [{"bearerAuth": []}]
    unauthorised = _error("No token, an unknown token or a revoked one.")
    not_connected = _error("The token's mbo-school is no longer set up as connected.")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "VOROC – terugkoppeling van de mbo-school",
            "version": "1.0.0",
            "description": (
                "Connected mbo-schools push the state of every aanmelding they hold, at least daily. A batch is "
                "stored as received (sealed), then applied row by row in the background; its report says what "
                "each row did, by line number and aanmelding_id (never by BSN). Sending the same batch again "
                "changes nothing. Error bodies are JSON with a Dutch `detail`. "
                f"The largest batch accepted is {limit} bytes (setting FEEDBACK_MAX_BYTES)."
            ),
        },
        "servers": [{"url": server}],
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "One token per mbo-school, created (and shown once) and revoked by the VOROC servicedesk.",
                }
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["detail"],
                    "properties": {
                        "detail": {"type": "string", "description": "What went wrong, in Dutch."},
                        "id": {"type": "integer", "description": "The batch recorded for this delivery (400 and 413)."},
                        "report": {"type": "string", "format": "uri"},
                    },
                },
                "Counts": COUNTS,
                "BatchSummary": {
                    "type": "object",
                    "required": list(SUMMARY_PROPERTIES),
                    "properties": SUMMARY_PROPERTIES,
                },
                "Accepted": {
                    "type": "object",
                    "required": [*SUMMARY_PROPERTIES, "detail"],
                    "properties": {**SUMMARY_PROPERTIES, "detail": {"type": "string"}},
                },
                "BatchList": {
                    "type": "object",
                    "required": ["batches"],
                    "properties": {
                        "batches": {"type": "array", "items": {"$ref": "#/components/schemas/BatchSummary"}}
                    },
                },
                "Line": {
                    "type": "object",
                    "required": ["line", "aanmelding_id", "kind", "field", "reason"],
                    "properties": {
                        "line": {
                            "type": "integer",
                            "description": "CSV: the line in the file (header = 1). JSON: the position in rows (1 = first).",
                        },
                        "aanmelding_id": {
                            "type": "string",
                            "description": "Empty when unreadable; masked when it could be a BSN.",
                        },
                        "kind": {"type": "string", "enum": [kind.value for kind in REPORTED_LINE_KINDS]},
                        "field": {"type": "string", "description": "The (first) field the reason is about, or empty."},
                        "reason": {"type": "string", "description": "Dutch."},
                    },
                },
                "BatchReport": {
                    "type": "object",
                    "required": [
                        *SUMMARY_PROPERTIES,
                        "failure",
                        "detail",
                        "started_at",
                        "finished_at",
                        "duration_seconds",
                        "progress",
                        "line_word",
                        "lines",
                        "lines_total",
                        "lines_page",
                        "lines_next",
                    ],
                    "properties": {
                        **SUMMARY_PROPERTIES,
                        "failure": {
                            "type": ["string", "null"],
                            "description": "Why the batch could not be read at all (or was discarded).",
                        },
                        "detail": {
                            "type": ["string", "null"],
                            "description": "For a held batch: what happens to it, in Dutch.",
                        },
                        "started_at": {"type": ["string", "null"], "format": "date-time"},
                        "finished_at": {"type": ["string", "null"], "format": "date-time"},
                        "duration_seconds": {"type": ["number", "null"]},
                        "progress": {
                            "type": "object",
                            "required": ["chunks_done", "chunks_total"],
                            "properties": {"chunks_done": {"type": "integer"}, "chunks_total": {"type": "integer"}},
                        },
                        "line_word": {"type": "string", "enum": ["regel", "rij"]},
                        "lines": {"type": "array", "items": {"$ref": "#/components/schemas/Line"}},
                        "lines_total": {"type": "integer"},
                        "lines_page": {"type": "integer"},
                        "lines_next": {"type": ["string", "null"], "format": "uri"},
                    },
                },
                "Row": {"type": "object", "required": list(REQUIRED), "properties": ROW_PROPERTIES},
                "JsonBatch": {
                    "type": "object",
                    "required": ["rows"],
                    "properties": {"rows": {"type": "array", "items": {"$ref": "#/components/schemas/Row"}}},
                },
            },
        },
        "paths": {
            "/api/v1/feedback/batches": {
                "get": {
                    "summary": "Your school's latest batches (newest first, at most 50)",
                    "operationId": "listBatches",
                    "security": token,
                    "responses": {
                        "200": {
                            "description": "The batches.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BatchList"}}},
                        },
                        "401": unauthorised,
                        "403": not_connected,
                    },
                },
                "post": {
                    "summary": "Deliver a batch",
                    "operationId": "createBatch",
                    "security": token,
                    "requestBody": {
                        "required": True,
                        "description": (
                            "The file itself as the body. CSV: UTF-8 (a BOM is allowed), one header row, `;` (or `,`) "
                            f"as separator, columns in any order, unknown ones ignored. Required: {', '.join(REQUIRED)}; "
                            f"optional: {', '.join(OPTIONAL)}."
                        ),
                        "content": {
                            "text/csv": {"schema": {"type": "string"}},
                            "application/json": {"schema": {"$ref": "#/components/schemas/JsonBatch"}},
                        },
                    },
                    "responses": {
                        "202": {
                            "description": "Stored and queued; the report fills in as the rows are applied.",
                            "headers": {
                                "Location": {"description": "The report's address.", "schema": {"type": "string"}}
                            },
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Accepted"}}},
                        },
                        "400": _error(
                            "The file as a whole cannot be read (empty, not UTF-8, no header, required columns missing, not JSON); the batch is stored as failed."
                        ),
                        "401": unauthorised,
                        "403": not_connected,
                        "411": _error("No Content-Length header."),
                        "413": _error(f"Larger than {limit} bytes; not read, recorded as failed."),
                        "415": _error("Another Content-Type than text/csv or application/json."),
                    },
                },
            },
            "/api/v1/feedback/batches/{id}": {
                "get": {
                    "summary": "The report of one of your school's batches",
                    "operationId": "getBatch",
                    "security": token,
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                        {
                            "name": "page",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 1},
                            "description": "Lines come 1000 to a page.",
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "The report.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BatchReport"}}},
                        },
                        "400": _error("page is not a number."),
                        "401": unauthorised,
                        "403": not_connected,
                        "404": _error("No batch with this id from your school."),
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "openapi",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
    }
