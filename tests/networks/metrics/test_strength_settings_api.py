"""``/api/v1/coalitions/<id>/strength-settings/`` (stewards, issue 17): the settings in effect
with the defaults filled in and the coalition's version; a PUT at that version through the
settings page's service (validated, versioned, audited). Who may call it:
tests/test_api_permissions.py."""

import pytest

from coalitions.models import AuditAction, AuditEntry, Coalition
from networks.graph.strength import (
    DEFAULT_CO_AFFILIATION_WEIGHT,
    DEFAULT_HALF_LIFE_DAYS,
    DEFAULT_WEIGHTS,
)
from networks.metrics.services import strength_settings_update

pytestmark = pytest.mark.django_db


def url(coalition):
    return f"/api/v1/coalitions/{coalition.pk}/strength-settings/"


def put(client, coalition, body, **headers):
    return client.put(url(coalition), body, content_type="application/json", headers=headers)


def test_a_steward_reads_the_defaults_and_the_version(client_for, coalition):
    response = client_for("steward").get(url(coalition))
    assert response.status_code == 200
    assert response.json() == {
        "half_life_days": DEFAULT_HALF_LIFE_DAYS,
        "co_affiliation_weight": DEFAULT_CO_AFFILIATION_WEIGHT,
        "weights": dict(DEFAULT_WEIGHTS),
        "version": coalition.version,
    }
    assert response["ETag"] == f'"{coalition.version}"'


def test_a_steward_changes_them_as_the_page_does(client_for, coalition):
    client = client_for("steward")
    body = {"half_life_days": 90, "weights": {"one_to_one": 2.5}, "version": coalition.version}
    response = put(client, coalition, body)
    assert response.status_code == 200
    answer = response.json()
    assert answer["half_life_days"] == 90 and answer["weights"]["one_to_one"] == 2.5
    # What was left out is its default; the coalition moved to its next version.
    assert answer["weights"]["communication"] == DEFAULT_WEIGHTS["communication"]
    assert answer["co_affiliation_weight"] == DEFAULT_CO_AFFILIATION_WEIGHT
    stored = Coalition.objects.get(pk=coalition.pk)
    assert answer["version"] == stored.version == coalition.version + 1
    assert stored.strength_settings["half_life_days"] == 90
    entry = AuditEntry.objects.get(action=AuditAction.STRENGTH_SETTINGS_CHANGED)
    assert entry.user.username == "steward"
    # The page shows the same values.
    page = client.get(f"/coalitions/{coalition.pk}/settings/strength/").content.decode()
    assert 'name="weight_one_to_one" value="2.5"' in page


def test_if_match_names_the_version_too(client_for, coalition):
    response = put(
        client_for("steward"),
        coalition,
        {"half_life_days": 30},
        If_Match=f'"{coalition.version}"',
    )
    assert response.status_code == 200 and response.json()["half_life_days"] == 30


def test_a_put_without_a_version_is_refused(client_for, coalition):
    response = put(client_for("steward"), coalition, {"half_life_days": 30})
    assert response.status_code == 428
    assert Coalition.objects.get(pk=coalition.pk).strength_settings == {}


def test_a_stale_put_is_refused_naming_who_changed_it(client_for, coalition, personas):
    opened = coalition.version
    strength_settings_update(
        access=_steward_access(coalition, personas),
        expected_version=opened,
        settings={"half_life_days": 60},
    )
    response = put(client_for("steward"), coalition, {"half_life_days": 30, "version": opened})
    assert response.status_code == 412
    assert "changed by steward" in response.json()["detail"]
    assert Coalition.objects.get(pk=coalition.pk).strength_settings["half_life_days"] == 60


@pytest.mark.parametrize(
    "body,field",
    [
        ({"half_life_days": 0}, "half_life_days"),
        # Longer than the page allows (ten years): the service's rule, not only the form's.
        ({"half_life_days": 3651}, "half_life_days"),
        ({"co_affiliation_weight": 11}, "co_affiliation_weight"),
        ({"weights": {"one_to_one": -1}}, "weight_one_to_one"),
        ({"weights": {"telepathy": 1}}, "weight_telepathy"),
        ({"weights": {"one_to_one": "lots"}}, "weights"),
        ({"half_life_days": "long"}, "half_life_days"),
    ],
)
def test_bad_values_are_refused_naming_the_field_and_nothing_is_saved(
    client_for, coalition, body, field
):
    response = put(client_for("steward"), coalition, {**body, "version": coalition.version})
    assert response.status_code == 400
    assert field in response.content.decode()
    stored = Coalition.objects.get(pk=coalition.pk)
    assert (stored.strength_settings, stored.version) == ({}, coalition.version)


def _steward_access(coalition, personas):
    from coalitions.roles import access_for

    return access_for(personas["steward"], coalition.pk)
