"""OpenAPI additions: every operation documents the errors it can answer with, so clients
(and schemathesis) know the shape of a 4xx."""

ERROR_SCHEMA = {
    "type": "object",
    "description": "An error. `detail` says what went wrong; validation errors name each "
    'field with its messages instead (`{"strength": ["…"]}`).',
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "field": {"type": "string"},
    },
    "additionalProperties": True,
}

# Messages shared by several methods, so that one status reads the same everywhere.
FORBIDDEN = "Your role does not allow this"
INVALID = "Invalid input, named by field"
CONFLICT = "Conflicts with the coalition's data"
# The answers of a write to an item that carries a version (If-Match).
VERSION_ERRORS = {
    "412": "Stale If-Match: the item changed since you read it",
    "428": "If-Match (or a version field) is required",
}

ERRORS_BY_METHOD = {
    "get": {
        "400": "Bad filter or parameter",
        "403": FORBIDDEN,
        "404": "No such coalition or item (or not visible to your role)",
    },
    "post": {"400": INVALID, "403": FORBIDDEN, "404": "No such coalition or item", "409": CONFLICT},
    "put": {
        "400": INVALID,
        "403": FORBIDDEN,
        "404": "No such item",
        "409": CONFLICT,
        **VERSION_ERRORS,
    },
    "delete": {
        "400": "Malformed If-Match",
        "403": FORBIDDEN,
        "404": "No such item",
        "409": CONFLICT,
        **VERSION_ERRORS,
    },
}
ERRORS_BY_METHOD["patch"] = ERRORS_BY_METHOD["put"]
COMMON = {"401": "Not signed in", "429": "Too many requests"}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in ERRORS_BY_METHOD:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in {**ERRORS_BY_METHOD[method], **COMMON}.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
