"""What every API view shares about versions: the ETag of an item, and the version a write
says it changes (If-Match first, else a ``version`` field). The comparison itself is the
services' (weft/versions.py)."""

from drf_spectacular.utils import OpenApiParameter

from weft.errors import ApplicationError
from weft.versions import ANY_VERSION, VersionRequired, versions_in_if_match


def etag_for(instance) -> str:
    return f'"{instance.version}"'


def expected_version(request, *, field: str = "version"):
    """The version(s) a write says it is changing: If-Match first (a list of ETags, or * for
    any current version), else a ``field`` in the body. Neither is a 428: a write that does
    not say what it changes could overwrite anything."""
    header = request.headers.get("If-Match")
    if header:
        return versions_in_if_match(header)
    body_version = request.data.get(field) if hasattr(request.data, "get") else None
    if body_version is None:
        raise VersionRequired()
    if isinstance(body_version, bool) or not str(body_version).isdigit():
        raise ApplicationError(f"{field} must be a whole number.", field=field)
    return int(body_version)


def optional_version(request):
    """The version(s) an If-Match header names, or any version without one: for writes that
    do not need to say what they change (a restore names the history version it brings
    back) but are refused as stale when they do."""
    header = request.headers.get("If-Match")
    return versions_in_if_match(header) if header else ANY_VERSION


IF_MATCH = OpenApiParameter(
    name="If-Match",
    location=OpenApiParameter.HEADER,
    required=False,
    description="The ETag (version) of the item you are changing, or * for whatever version is "
    "current; a stale one gets 412. Required unless the body carries 'version'.",
)
