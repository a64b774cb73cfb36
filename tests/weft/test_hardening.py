"""Hardening (#20, item 5): a Content Security Policy with no inline script, link tokens
compared in constant time."""

import re
from pathlib import Path

from django.urls import reverse

from weft.tokens import new_token, row_for_token, token_matches

ROOT = Path(__file__).resolve().parents[2]


def test_every_page_carries_a_policy_that_forbids_inline_script(client_for, coalition):
    response = client_for("steward").get(reverse("coalition-home", args=[coalition.pk]))
    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"]
    assert "'none'" in directives["frame-ancestors"]
    assert "'none'" in directives["object-src"]


def test_no_template_has_an_inline_script_or_event_handler():
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I)
    handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
    found = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        if inline.search(text) or handler.search(text):
            found.append(str(path.relative_to(ROOT)))
    assert found == []


def test_tokens_are_confirmed_in_constant_time():
    token, hashed = new_token()
    assert token_matches(token, hashed)
    assert not token_matches(token + "x", hashed)
    assert not token_matches("", hashed)

    class Rows:
        def __init__(self, row):
            self.row = row

        def filter(self, **kwargs):
            return self

        def first(self):
            return self.row

    class Row:
        token_hash = "0" * 64

    # A row the database returned that does not match (it never should) is still refused.
    assert row_for_token(Rows(Row()), token) is None
