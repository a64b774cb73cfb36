"""The database itself refuses rows that break the domain's invariants: a form, a bulk insert
or a raw script cannot get around them."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from allies.models import Actor
from coalitions.models import Role, RoleName
from coalitions.services import coalition_create
from networks.models import Tie
from tests.allies.factories import ActorFactory, AffiliationFactory, AllyAssessmentFactory
from tests.coalitions.factories import (
    MembershipFactory,
    RoleFactory,
    SignatureFactory,
    StatementVersionFactory,
    UnityStatementFactory,
)
from tests.networks.factories import InteractionFactory, InteractionParticipantFactory, TieFactory
from weft.vocabulary import ActorKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_coalitions(make_user):
    user = make_user("founder")
    first = coalition_create(name="First", created_by=user)
    second = coalition_create(name="Second", created_by=user)
    return first, second


def actor(coalition, name, kind=ActorKind.ORGANISATION):
    return ActorFactory(coalition=coalition, name=name, kind=kind)


def refused(make_row):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_row()


def test_a_tie_from_an_actor_to_itself_is_refused(coalition):
    alone = actor(coalition, "Alone")
    refused(lambda: TieFactory(coalition=coalition, source=alone, target=alone))


@pytest.mark.parametrize("strength", [0, 6, 100])
def test_a_declared_strength_outside_one_to_five_is_refused(coalition, strength):
    a, b = actor(coalition, "A"), actor(coalition, "B")
    refused(lambda: TieFactory(coalition=coalition, source=a, target=b, strength=strength))


@pytest.mark.parametrize("strength", [None, 1, 5])
def test_a_declared_strength_in_range_or_absent_is_kept(coalition, strength):
    a, b = actor(coalition, "A"), actor(coalition, "B")
    tie = TieFactory(coalition=coalition, source=a, target=b, strength=strength)
    assert Tie.objects.get(pk=tie.pk).strength == strength


def test_a_tie_ending_before_it_started_is_refused(coalition):
    a, b = actor(coalition, "A"), actor(coalition, "B")
    refused(
        lambda: TieFactory(
            coalition=coalition,
            source=a,
            target=b,
            started_on=datetime.date(2025, 5, 1),
            ended_on=datetime.date(2025, 4, 30),
        )
    )


def test_a_tie_between_coalitions_is_refused(two_coalitions):
    first, second = two_coalitions
    here, there = actor(first, "Here"), actor(second, "There")
    refused(lambda: TieFactory(coalition=first, source=here, target=there))
    refused(lambda: TieFactory(coalition=second, source=there, target=here))


def test_a_tie_cannot_be_moved_to_point_into_another_coalition(two_coalitions):
    first, second = two_coalitions
    a, b, there = actor(first, "A"), actor(first, "B"), actor(second, "There")
    tie = TieFactory(coalition=first, source=a, target=b)
    refused(lambda: Tie.objects.filter(pk=tie.pk).update(target=there))
    assert Tie.objects.get(pk=tie.pk).target_id == b.pk


def test_bulk_inserted_ties_across_coalitions_are_refused(two_coalitions):
    first, second = two_coalitions
    here, there = actor(first, "Here"), actor(second, "There")
    refused(lambda: Tie.objects.bulk_create([Tie(coalition=first, source=here, target=there)]))
    assert not Tie.objects.exists()


def test_an_interaction_participant_from_another_coalition_is_refused(two_coalitions):
    first, second = two_coalitions
    meeting = InteractionFactory(
        coalition=first, kind="one_to_one", occurred_on=datetime.date(2026, 1, 5)
    )
    InteractionParticipantFactory(interaction=meeting, actor=actor(first, "Local"))
    refused(
        lambda: InteractionParticipantFactory(interaction=meeting, actor=actor(second, "Visitor"))
    )


def test_a_membership_of_an_organisation_from_another_coalition_is_refused(two_coalitions):
    first, second = two_coalitions
    refused(lambda: MembershipFactory(coalition=first, organisation=actor(second, "Org")))


def test_an_affiliation_across_coalitions_is_refused(two_coalitions):
    first, second = two_coalitions
    person = actor(first, "Ana", ActorKind.PERSON)
    refused(lambda: AffiliationFactory(person=person, organisation=actor(second, "Org")))


def test_a_user_holds_one_current_role_per_coalition(coalition, make_user):
    user = make_user("twice")
    now = timezone.now()
    RoleFactory(coalition=coalition, user=user, role=RoleName.MEMBER, granted_at=now)
    refused(
        lambda: RoleFactory(coalition=coalition, user=user, role=RoleName.WEAVER, granted_at=now)
    )


def test_a_revoked_role_leaves_room_for_a_new_one(coalition, make_user):
    user = make_user("promoted")
    now = timezone.now()
    RoleFactory(
        coalition=coalition, user=user, role=RoleName.MEMBER, granted_at=now, revoked_at=now
    )
    RoleFactory(coalition=coalition, user=user, role=RoleName.WEAVER, granted_at=now)
    assert Role.objects.filter(user=user).count() == 2


def test_an_unknown_role_name_is_refused(coalition, make_user):
    user = make_user("odd")
    refused(
        lambda: RoleFactory(coalition=coalition, user=user, role="king", granted_at=timezone.now())
    )


@pytest.mark.parametrize("field", ["influence", "proximity", "commitment"])
def test_assessment_scores_outside_one_to_five_are_refused(coalition, field):
    scores = {"influence": 3, "proximity": 3, "commitment": 3, field: 6}
    target = actor(coalition, "Church")
    refused(
        lambda: AllyAssessmentFactory(
            actor=target,
            stance="neutral",
            ally_kind="natural",
            assessed_on=datetime.date(2026, 1, 1),
            **scores,
        )
    )


def test_an_unknown_stance_is_refused(coalition):
    target = actor(coalition, "Church")
    refused(
        lambda: AllyAssessmentFactory(
            actor=target,
            stance="lukewarm",
            ally_kind="natural",
            influence=3,
            proximity=3,
            commitment=3,
            assessed_on=datetime.date(2026, 1, 1),
        )
    )


def test_an_organisation_signs_a_version_once_until_it_withdraws(coalition):
    statement = UnityStatementFactory(coalition=coalition, title="Homes for all")
    version = StatementVersionFactory(statement=statement, number=1, body="We stand…")

    def sign(name):
        return SignatureFactory(
            version=version,
            organisation_name=name,
            signer_name="Signer",
            signer_email="signer@example.org",
        )

    first = sign("Tenants Union")
    refused(lambda: sign("  tenants   UNION "))
    first.withdrawn_at = timezone.now()
    first.save(update_fields=["withdrawn_at"])
    sign("Tenants Union")
    assert version.signatures.count() == 2


def test_every_saved_change_moves_the_version_on(coalition):
    church = actor(coalition, "St Anne's")
    assert church.version == 1
    church.name = "St Anne's Parish"
    church.save()
    church.description = "Hosts the tenants' assembly"
    church.save(update_fields=["description"])
    assert Actor.objects.get(pk=church.pk).version == 3


def test_a_form_gets_a_field_error_for_an_actor_of_another_coalition(two_coalitions):
    from django.core.exceptions import ValidationError

    first, second = two_coalitions
    tie = Tie(coalition=first, source=actor(first, "Here"), target=actor(second, "There"))
    with pytest.raises(ValidationError) as caught:
        tie.full_clean()
    assert set(caught.value.message_dict) == {"target"}


def test_ties_an_import_writes_in_bulk_across_coalitions_are_refused(two_coalitions):
    # An import writes its ties with COPY on PostgreSQL, checked once per statement.
    from weft.bulk import insert_with_history

    first, second = two_coalitions
    here, near, there = actor(first, "Here"), actor(first, "Near"), actor(second, "There")
    columns = ("coalition_id", "source_id", "target_id")
    refused(
        lambda: insert_with_history(
            Tie, columns, [(first.pk, here.pk, near.pk), (first.pk, here.pk, there.pk)]
        )
    )
    assert not Tie.objects.exists()
    insert_with_history(Tie, columns, [(first.pk, here.pk, near.pk), (first.pk, near.pk, here.pk)])
    assert Tie.objects.filter(coalition=first).count() == 2
