"""The API's JSON parser, bounded: a body over the size limit, nested deeper than the depth
limit, or holding a NUL character or a lone surrogate in any string is refused with a 400
that names the limit or the field, before any view sees it (PostgreSQL refuses both
characters, and deep nesting exhausts Python's stack)."""

import json

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from weft.errors import ApplicationError


def max_json_bytes() -> int:
    return settings.WEFT_JSON_MAX_BYTES


def max_json_depth() -> int:
    return settings.WEFT_JSON_MAX_DEPTH


def text_problem(value: str) -> str | None:
    """Why a string cannot be stored, or None: PostgreSQL refuses NUL characters in text and
    JSON, and a lone surrogate (half of a character) is not text at all."""
    if "\x00" in value:
        return "contains a NUL character (\\u0000)"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate (half of a character)"
    return None


def _path(parent: str, key) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else str(key)


def check_json_value(value, *, max_depth: int, root: str = "") -> None:
    """Walk a parsed value without recursion: raise ApplicationError naming the first field
    nested too deep or holding a string that cannot be stored."""
    stack = [(value, root, 0)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth >= max_depth:
                raise ApplicationError(
                    f"The JSON is nested deeper than the limit of {max_depth} levels.",
                    field=path or None,
                    code="too_deep",
                )
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in pairs:
                if isinstance(key, str) and (problem := text_problem(key)):
                    raise ApplicationError(
                        f"A key {problem}.", field=path or "body", code="invalid_text"
                    )
                stack.append((child, _path(path, key), depth + 1))
        elif isinstance(item, str) and (problem := text_problem(item)):
            raise ApplicationError(
                f"The text {problem}.", field=path or "body", code="invalid_text"
            )


def loads_bounded(raw: bytes, *, max_bytes: int, max_depth: int):
    """Parse JSON bytes within the limits (ApplicationError or ParseError otherwise)."""
    if len(raw) > max_bytes:
        raise ApplicationError(
            f"The JSON body is over the limit of {max_bytes} bytes.",
            status=413,
            code="too_large",
        )
    try:
        value = json.loads(raw)
    except RecursionError:
        raise ApplicationError(
            f"The JSON is nested deeper than the limit of {max_depth} levels.", code="too_deep"
        ) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise ParseError(f"JSON parse error: {error}") from None
    check_json_value(value, max_depth=max_depth)
    return value


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with the limits above (settings WEFT_JSON_MAX_BYTES and
    WEFT_JSON_MAX_DEPTH)."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = max_json_bytes()
        raw = stream.read(limit + 1) if stream is not None else b""
        return loads_bounded(raw, max_bytes=limit, max_depth=max_json_depth())
