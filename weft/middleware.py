"""Input that no view should see: a query string holding a NUL character or a lone
surrogate (PostgreSQL refuses NUL in a query's text: a 500 otherwise) is a 400 naming the
parameter."""

from django.http import JsonResponse

from weft.parsers import text_problem


class BoundedInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, values in request.GET.lists():
            for text in (name, *values):
                if problem := text_problem(text):
                    field = name if text_problem(name) is None else "query"
                    message = f"The parameter {problem}."
                    return JsonResponse(
                        {
                            "detail": message,
                            "code": "invalid_text",
                            "field": field,
                            field: [message],
                        },
                        status=400,
                    )
        return self.get_response(request)
