"""The one error type for domain failures. Services raise it; the API's exception handler
(weft/drf.py) and the pages (weft/pages.py) turn it into a 4xx that names the field and the
reason."""


class ApplicationError(Exception):
    # Whether the API's body repeats the message under the field's name, as a validation
    # error does. Not for refusals about the item's version (412, 428): a ``version`` key in
    # that body would read as the item's version.
    lists_field = True

    def __init__(
        self, message: str, *, field: str | None = None, status: int = 400, code: str = "invalid"
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status
        self.code = code

    def as_dict(self) -> dict:
        """The API's body: ``detail`` and ``code``, and for a field both ``field`` and the
        field's messages as a validation error lists them (``{"parent": ["…"]}``), so a
        client reads a service's refusal as it reads a serializer's."""
        body = {"detail": self.message, "code": self.code}
        if self.field:
            body["field"] = self.field
            if self.lists_field:
                body.setdefault(self.field, [self.message])
        return body
