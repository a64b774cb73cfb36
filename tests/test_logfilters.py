"""Tokens in link paths never reach a log line (weft/logfilters.py)."""

import logging

from weft.logfilters import RedactTokens, redact_tokens

TOKEN = "s3cr3t-T0ken_abcdefghijklmnopqrstuvwxyz012345"


def test_every_kind_of_token_link_is_redacted_and_other_paths_are_kept():
    for prefix in (
        "/shared/stories/open/",
        "/shared/reports/",
        "/invitations/",
        "/surveys/",
        "/sign/confirm/",
        "/sign/withdraw/",
    ):
        line = f'"GET {prefix}{TOKEN}/ HTTP/1.1" 404 179'
        assert TOKEN not in redact_tokens(line)
        assert f"{prefix}[token]/" in redact_tokens(line)
    kept = "Not Found: /shared/stories/12/map/ and /coalitions/3/map/"
    assert redact_tokens(kept) == kept


def test_the_console_handler_redacts_what_django_logs_of_a_refused_link():
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Gone: %s",
        (f"/shared/stories/open/{TOKEN}/",),
        None,
    )
    assert RedactTokens().filter(record) is True
    assert TOKEN not in record.getMessage() and "[token]" in record.getMessage()
    console = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactTokens) for f in h.filters)
    ]
    server = logging.getLogger("django.server").handlers
    assert console and any(isinstance(f, RedactTokens) for h in server for f in h.filters)
