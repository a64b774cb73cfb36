import datetime

import pytest
from django.utils import timezone

from coalitions.roles import access_for
from coalitions.surveys.services import respondent_add, round_create, round_open
from tests.allies.factories import ActorFactory
from tests.coalitions.factories import MembershipFactory
from weft.vocabulary import ActorKind, ContactKind


@pytest.fixture
def weaver_access(coalition, personas):
    return access_for(personas["weaver"], coalition.pk)


@pytest.fixture
def members(coalition):
    """Three member organisations, each with a designee who has an email on the map."""
    result = []
    for i in range(3):
        org = ActorFactory(coalition=coalition, name=f"Member Org {i}", kind=ActorKind.ORGANISATION)
        designee = ActorFactory(coalition=coalition, name=f"Designee {i}", kind=ActorKind.PERSON)
        designee.contact_details.create(kind=ContactKind.EMAIL, value=f"designee{i}@example.org")
        MembershipFactory(coalition=coalition, organisation=org, phase="align", designee=designee)
        result.append(org)
    return result


@pytest.fixture
def draft_round(weaver_access, members):
    today = timezone.localdate()
    survey_round = round_create(
        access=weaver_access,
        title="Spring mapping",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=14),
        message="Tell us who you work with.",
        template="classic",
    )
    for org in members:
        respondent_add(access=weaver_access, round_id=survey_round.pk, organisation_id=org.pk)
    return survey_round


@pytest.fixture
def open_round(draft_round, weaver_access, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        round_open(access=weaver_access, round_id=draft_round.pk)
    draft_round.refresh_from_db()
    return draft_round
