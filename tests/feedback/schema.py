"""A small JSON Schema check for the subset openapi.py uses (type, properties, required, items, enum, $ref, maxLength)."""

from __future__ import annotations

TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
}


def errors(value, schema: dict, document: dict, where: str = "$") -> list[str]:
    if "$ref" in schema:
        target = document
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return errors(value, target, document, where)
    allowed = _types(schema)
    if allowed and not _has_type(value, allowed):
        return [f"{where}: {type(value).__name__} is not {allowed}"]
    found: list[str] = []
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, str) and "maxLength" in schema and len(value) > schema["maxLength"]:
        found.append(f"{where}: longer than {schema['maxLength']}")
    if isinstance(value, dict):
        found += _object_errors(value, schema, document, where)
    if isinstance(value, list) and "items" in schema:
        for n, item in enumerate(value):
            found += errors(item, schema["items"], document, f"{where}[{n}]")
    return found


def _types(schema: dict) -> list[str]:
    declared = schema.get("type", [])
    return declared if isinstance(declared, list) else [declared]


def _has_type(value, allowed: list[str]) -> bool:
    return any(
        isinstance(value, TYPES[t]) and not (t in ("integer", "number") and isinstance(value, bool)) for t in allowed
    )


def _object_errors(value: dict, schema: dict, document: dict, where: str) -> list[str]:
    found = [f"{where}: {name} missing" for name in schema.get("required", []) if name not in value]
    properties = schema.get("properties", {})
    for name, item in value.items():
        if properties and name not in properties:
            found.append(f"{where}: {name} is not documented")
        elif name in properties:
            found += errors(item, properties[name], document, f"{where}.{name}")
    return found
