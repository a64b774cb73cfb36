"""The load test's baseline (bench/loadtest.py): a bare Django view, served by the same
gunicorn, that answers every GET with the bytes Weft's map endpoint answered (its body and
headers, saved beforehand in the files WEFT_BARE_BODY and WEFT_BARE_HEADERS). No middleware,
no database, no authentication: what Django and gunicorn cost for these bytes."""

import json
import os

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-bare-view-not-secret",  # noqa: S106
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import re_path  # noqa: E402

with open(os.environ["WEFT_BARE_BODY"], "rb") as body_file:
    BODY = body_file.read()
with open(os.environ["WEFT_BARE_HEADERS"]) as headers_file:
    HEADERS = json.load(headers_file)


def same_bytes(request):
    response = HttpResponse(BODY)
    for name, value in HEADERS.items():
        response[name] = value
    return response


urlpatterns = [re_path(r"", same_bytes)]
application = get_wsgi_application()
