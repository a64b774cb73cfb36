"""DRF plumbing named in settings (exception handler, pagination) and the API's
own errors. Kept apart from weft/api.py: DRF imports these while it is still loading its views,
so this module must not import views or viewsets."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import pagination, status
from rest_framework.response import Response

from weft.errors import ApplicationError

# ---------------------------------------------------------------------------------------------
# Errors


def exception_handler(exc, context):
    """One place turns domain failures into 4xx bodies that name the field and the reason."""
    if isinstance(exc, ApplicationError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, OverflowError):
        # SQLite stores 64-bit integers; a larger id or number in a query cannot match a row.
        return Response(
            {"detail": "A number in the request is too large.", "code": "invalid"},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, IntegrityError):
        # Serializers validate first; this is the database's last word on an invariant (a
        # race, or a rule only the database knows). Never a 500.
        return Response(
            {"detail": "The change breaks a rule of the coalition's data.", "code": "conflict"},
            status=status.HTTP_409_CONFLICT,
        )
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        # A bare list of messages (DRF does this for some query errors): always an object.
        response.data = {"detail": " ".join(str(message) for message in response.data)}
    return response


# ---------------------------------------------------------------------------------------------
# Pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
