"""Hostile input is a 4xx naming the limit or the field, never a 500: JSON nested thousands
deep (signed in or not), over the size limit, holding a NUL character or a lone surrogate;
a NUL in a query parameter."""

import json

import pytest

from allies.models import Actor
from tests.allies.factories import ActorFactory
from tests.api_helpers import url
from weft.vocabulary import ActorKind


def nested(depth: int) -> str:
    return '{"custom_fields": {"x": ' + "[" * depth + "]" * depth + "}}"


@pytest.fixture
def actor(coalition):
    return ActorFactory(coalition=coalition, name="Tenants Union", kind=ActorKind.ORGANISATION)


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [40, 3_000, 100_000])
def test_json_nested_deeper_than_the_limit_is_a_400_naming_the_limit(
    client_for, coalition, actor, depth
):
    client = client_for("organizer")
    response = client.patch(
        url(coalition, "actors", actor.pk),
        nested(depth),
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 400
    assert "limit of 32 levels" in response.json()["detail"]
    assert Actor.objects.get(pk=actor.pk).version == 1  # nothing written


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [3_000, 100_000])
def test_the_token_endpoint_refuses_deep_json_without_signing_in(client, depth):
    response = client.post(
        "/api/v1/auth/token/", "[" * depth + "]" * depth, content_type="application/json"
    )
    assert response.status_code == 400
    assert "limit of 32 levels" in response.json()["detail"]


@pytest.mark.django_db
def test_a_json_body_over_the_size_limit_is_refused_naming_the_limit(client, settings):
    settings.WEFT_JSON_MAX_BYTES = 1000
    body = json.dumps({"username": "x" * 2000, "password": "y"})
    response = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 413
    assert "limit of 1000 bytes" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ('{"custom_fields": {"note": "a\\u0000b"}}', "NUL"),
        ('{"custom_fields": {"note": "a\\ud800b"}}', "lone surrogate"),
    ],
)
def test_nul_and_lone_surrogates_are_refused_naming_the_field(
    client_for, coalition, actor, raw, why
):
    client = client_for("organizer")
    response = client.patch(
        url(coalition, "actors", actor.pk),
        raw,
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "custom_fields.note"
    assert why in body["detail"]
    assert Actor.objects.get(pk=actor.pk).custom_fields == {}


@pytest.mark.django_db
def test_a_nul_in_a_name_sent_to_create_is_refused(client_for, coalition):
    client = client_for("organizer")
    response = client.post(
        url(coalition, "actors"),
        '{"name": "Tenants\\u0000Union", "kind": "group"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "name"


@pytest.mark.django_db
def test_a_nul_in_a_query_parameter_is_a_400_naming_it(client_for, coalition):
    client = client_for("organizer")
    response = client.get(url(coalition, "actors") + "?search=a%00b")
    assert response.status_code == 400
    assert response.json()["field"] == "search"
