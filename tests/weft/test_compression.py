"""Compression chosen for speed (weft/compression.py): the map's gzip at level 1."""

import gzip

from django.http import HttpResponse
from django.test import RequestFactory

from weft.compression import compress, fast_gzip_page


def test_the_fast_gzip_decompresses_to_the_same_bytes_and_keeps_the_etag_weak():
    body = b'{"nodes": [' + b'{"id": 1, "name": "Clean Air Now"},' * 500 + b"]}"

    @fast_gzip_page
    def view(request):
        response = HttpResponse(body, content_type="application/json")
        response["ETag"] = '"abc"'
        return response

    zipped = view(RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip, deflate"))
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == body
    assert zipped["ETag"] == 'W/"abc"'
    assert "Accept-Encoding" in zipped["Vary"]
    plain = view(RequestFactory().get("/"))
    assert plain.content == body and not plain.has_header("Content-Encoding")
    assert "Accept-Encoding" in plain["Vary"]


def test_level_one_is_the_default_and_a_random_name_hides_the_length():
    body = bytes(range(256)) * 200
    assert gzip.decompress(compress(body)) == body
    assert compress(body) == gzip.compress(body, compresslevel=1, mtime=0)
    sizes = {len(compress(body, max_random_bytes=100)) for _ in range(20)}
    assert len(sizes) > 1
    assert all(gzip.decompress(compress(body, max_random_bytes=100)) == body for _ in range(5))
