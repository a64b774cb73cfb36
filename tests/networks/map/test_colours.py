"""Colour the map by something the map payload does not carry: member phase, tag, working
group, custom field, community; only for actors the role may see."""

import pytest

from tests.allies.factories import ActorFactory
from tests.coalitions.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def colours(client_for, coalition, role, by):
    return client_for(role).get(f"/api/v1/coalitions/{coalition.pk}/map/colours/?by={by}")


def test_colours_by_phase_custom_field_and_tag_and_never_a_hidden_actor(client_for, coalition):
    union = ActorFactory(coalition=coalition, name="Union", custom_fields={"ward": "North"})
    secret = ActorFactory(
        coalition=coalition, name="Secret", is_sensitive=True, custom_fields={"ward": "South"}
    )
    MembershipFactory(coalition=coalition, organisation=union, phase="align")
    tag = coalition.tags.create(name="housing")
    union.tags.add(tag)

    phase = colours(client_for, coalition, "organizer", "phase").json()
    assert phase["values"] == {str(union.pk): "Align"}
    ward = colours(client_for, coalition, "organizer", "custom:ward").json()["values"]
    assert ward == {str(union.pk): "North", str(secret.pk): "South"}
    member = colours(client_for, coalition, "member", "custom:ward").json()["values"]
    assert str(secret.pk) not in member
    assert colours(client_for, coalition, "organizer", "tag").json()["values"] == {
        str(union.pk): "housing"
    }
    # No metric run yet: no communities, not an error.
    assert colours(client_for, coalition, "organizer", "community").json()["values"] == {}
    bad = colours(client_for, coalition, "organizer", "shoe_size")
    assert bad.status_code == 400 and "by" in bad.json()
    assert colours(client_for, coalition, "funder", "tag").status_code == 403
