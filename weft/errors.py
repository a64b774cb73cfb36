"""The one error type for domain failures. Pages and the API turn it into a 4xx whose body
names the field and the reason."""


class ApplicationError(Exception):
    def __init__(
        self, message: str, *, field: str | None = None, status: int = 400, code: str = "invalid"
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status
        self.code = code

    def as_dict(self) -> dict:
        body = {"detail": self.message, "code": self.code}
        if self.field:
            body["field"] = self.field
        return body
