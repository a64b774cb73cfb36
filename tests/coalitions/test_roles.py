"""The roles module answers for every role exactly as DESIGN.md's roles table says."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from coalitions import roles
from coalitions.roles import Permission as P
from coalitions.services import role_revoke
from tests.allies.factories import ActorFactory
from weft.vocabulary import ActorKind

# DESIGN.md's roles table, written out independently of roles.GRANTS: one row per role, the
# permissions it holds. Sensitive items are for organizers and stewards only (DESIGN.md,
# "Movement data is dangerous data").
TABLE = {
    "steward": set(P),
    "organizer": set(P)
    - {P.ROLES_MANAGE, P.AUDIT_VIEW, P.PRIVACY_MANAGE, P.EXPORT, P.ERASE, P.REPORTS_SHARE}
    - {P.STRENGTH_MANAGE},  # the strength formula is the stewards' (#17)
    "weaver": set(P)
    - {P.ROLES_MANAGE, P.AUDIT_VIEW, P.PRIVACY_MANAGE, P.EXPORT, P.ERASE, P.SENSITIVE_VIEW}
    - {P.STRENGTH_MANAGE}
    - {P.REPORTS_EDIT}
    - {P.REPORTS_SHARE}
    - {P.SURVEY_EXPORT},  # stewards and organizers export survey answers (#21)
    "member": {
        P.MAP_VIEW,
        P.MAP_EDIT,
        P.WORKFLOW_VIEW,
        P.SIGN_AND_ENDORSE,
        P.DASHBOARD_VIEW,
        P.REPORTS_VIEW,
        P.REPORTS_DRAFTS_VIEW,
    },
    "funder": {P.REPORTS_VIEW},
}


@pytest.mark.parametrize("role", list(TABLE))
@pytest.mark.parametrize("permission", list(P))
def test_each_role_holds_exactly_the_permissions_of_the_table(role, permission):
    assert roles.role_allows(role, permission) is (permission in TABLE[role])


def test_no_role_holds_no_permission():
    assert not any(roles.role_allows(None, permission) for permission in P)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(TABLE))
def test_access_resolves_each_personas_role(personas, coalition, role):
    access = roles.access_for(personas[role], coalition.pk)
    assert access.role == role
    assert access.coalition == coalition


@pytest.mark.django_db
def test_an_outsider_gets_404_not_403(personas, coalition):
    with pytest.raises(Http404):
        roles.access_for(personas["outsider"], coalition.pk)
    with pytest.raises(Http404):
        roles.require(personas["outsider"], coalition.pk, P.REPORTS_VIEW)


@pytest.mark.django_db
def test_an_unknown_or_malformed_coalition_id_is_404(personas):
    for coalition_id in (999999, "abc", None):
        with pytest.raises(Http404):
            roles.access_for(personas["steward"], coalition_id)


@pytest.mark.django_db
def test_a_funder_asking_for_the_map_is_refused_with_403(personas, coalition):
    with pytest.raises(PermissionDenied):
        roles.require(personas["funder"], coalition.pk, P.MAP_VIEW)
    assert roles.require(personas["funder"], coalition.pk, P.REPORTS_VIEW).role == "funder"


@pytest.mark.django_db
def test_a_member_edits_only_their_own_organisation(personas, coalition, member_org):
    other = ActorFactory(coalition=coalition, name="Other", kind=ActorKind.ORGANISATION)
    member = roles.access_for(personas["member"], coalition.pk)
    assert member.can_edit_actor(member_org)
    assert not member.can_edit_actor(other)
    weaver = roles.access_for(personas["weaver"], coalition.pk)
    assert weaver.can_edit_actor(other)


@pytest.mark.django_db
def test_nobody_edits_a_sensitive_actor_they_cannot_see(personas, coalition):
    hidden = ActorFactory(
        coalition=coalition, name="Hidden", kind=ActorKind.GROUP, is_sensitive=True
    )
    edits = {
        name: roles.access_for(personas[name], coalition.pk).can_edit_actor(hidden)
        for name in ("steward", "organizer", "weaver", "member", "funder")
    }
    assert edits == {
        "steward": True,
        "organizer": True,
        "weaver": False,
        "member": False,
        "funder": False,
    }


@pytest.mark.django_db
def test_a_revoked_role_no_longer_opens_the_coalition(personas, coalition):
    role_revoke(coalition=coalition, user=personas["weaver"], revoked_by=personas["steward"])
    with pytest.raises(Http404):
        roles.access_for(personas["weaver"], coalition.pk)
