"""Request helpers shared by the API tests."""


def url(coalition, prefix, pk=None, extra=None):
    """``/api/v1/coalitions/<id>/<prefix>/[<pk>/][<extra>/]``"""
    path = f"/api/v1/coalitions/{coalition.pk}/{prefix}/"
    if pk is not None:
        path += f"{pk}/"
    if extra:
        path += f"{extra}/"
    return path


def post(client, path, data):
    return client.post(path, data, content_type="application/json")


def patch(client, path, data, if_match='"1"'):
    return client.patch(path, data, content_type="application/json", HTTP_IF_MATCH=if_match)
