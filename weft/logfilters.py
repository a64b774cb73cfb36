"""Tokens in links (share links, invitations, survey and signature links) stay out of the
logs: Django names the path of every refused request ("Not Found: /invitations/<token>/"),
and a development server logs every request line. The one handler drops the token part."""

import logging
import re

TOKEN_PATHS = re.compile(
    r"(/(?:shared/stories/open|shared/reports|invitations|surveys|sign/confirm|sign/withdraw)/)"
    r"(?!\d+/)[^/\s?\"']+"
)


def redact_tokens(text: str) -> str:
    return TOKEN_PATHS.sub(r"\1[token]", text)


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_tokens(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
