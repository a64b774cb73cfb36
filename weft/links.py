"""Absolute links for emails: built from the site's public address, never from a guess.

``WEFT_PUBLIC_URL`` names the address people reach Weft at (behind a proxy, the proxy's). Unset,
as on a newcomer's laptop, links use the address of the request being answered (the address
runserver was started on), which the middleware below keeps for code that has no request at
hand, such as a service sending an invitation.
"""

from contextvars import ContextVar

from django.conf import settings

_origin: ContextVar[str] = ContextVar("weft_request_origin", default="")
FALLBACK_ORIGIN = "http://localhost:8000"


def public_url(path: str) -> str:
    """``path`` (starting with /) as an absolute address people can open from their mail."""
    origin = settings.WEFT_PUBLIC_URL or _origin.get() or FALLBACK_ORIGIN
    return origin.rstrip("/") + path


class RequestOriginMiddleware:
    """Remember, for this request, the scheme and host it came in on (validated by Django
    against ALLOWED_HOSTS)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _origin.set(f"{request.scheme}://{request.get_host()}")
        try:
            return self.get_response(request)
        finally:
            _origin.reset(token)
