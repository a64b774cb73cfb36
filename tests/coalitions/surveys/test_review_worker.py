"""Accept all of a round too large for a page's request (more pending answers than
WEFT_SURVEY_ACCEPT_ASYNC_ANSWERS) is applied by a worker in one transaction: the review page
says where it stands, nothing else is decided meanwhile, a refusal writes nothing, and a
worker that died is replaced or the acceptance fails saying so (never "under way" for ever)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coalitions.surveys.models import AcceptanceStatus, RelationshipAnswer, SurveyAcceptance
from coalitions.surveys.review import acceptance_apply, acceptances_reap, review_accept_queue
from coalitions.surveys.services import relationship_save, respondent_submit
from coalitions.surveys.tasks import reap_survey_acceptances
from networks.models import Tie
from weft.errors import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(open_round, members, settings):
    """Org 0 names Org 1 and Org 2, Org 2 names Org 1: three answers sent, above a limit of 2
    for accepting in the request."""
    settings.WEFT_SURVEY_ACCEPT_ASYNC_ANSWERS = 2
    grid = open_round.questions.get(kind="relationship_grid")
    for org, named in ((0, 1), (0, 2), (2, 1)):
        respondent = open_round.respondents.get(organisation=members[org])
        relationship_save(
            respondent_id=respondent.pk,
            question_id=grid.pk,
            actor_id=members[named].pk,
            strength=4,
        )
    for org in (0, 2):
        respondent_submit(respondent_id=open_round.respondents.get(organisation=members[org]).pk)
    return open_round


def review_url(coalition, survey_round):
    return reverse("workflow-survey-review", args=[coalition.pk, survey_round.pk])


def test_a_large_round_is_accepted_by_a_worker_and_the_page_says_where_it_stands(
    client_for, coalition, answered, django_capture_on_commit_callbacks
):
    client = client_for("weaver")
    url = review_url(coalition, answered)
    with django_capture_on_commit_callbacks(execute=False):  # no worker yet
        response = client.post(url, {"accept": "all"}, follow=True)
    page = response.content.decode()
    assert "Every answer is being accepted into the map" in page
    assert "Accepting 3 answers into the map (waiting for a worker" in page
    assert 'http-equiv="refresh"' in page
    assert Tie.objects.filter(coalition=coalition).count() == 0  # nothing yet
    # Nothing else is decided meanwhile, here or by a second "accept all".
    one = RelationshipAnswer.objects.filter(respondent__round=answered).first()
    refused = client.post(url, {"accept": str(one.pk)}, follow=True).content.decode()
    assert "being accepted into the map: wait until it is done" in refused
    with django_capture_on_commit_callbacks(execute=False):
        client.post(url, {"accept": "all"})
    assert SurveyAcceptance.objects.filter(survey_round=answered).count() == 1

    acceptance = SurveyAcceptance.objects.get(survey_round=answered)
    assert acceptance_apply(acceptance_id=acceptance.pk, task_id="worker-1") == "applied"
    assert Tie.objects.filter(coalition=coalition).count() == 3
    page = client.get(url).content.decode()
    assert "3 answers were accepted into the map" in page
    assert 'http-equiv="refresh"' not in page
    assert "Nothing waiting for review" in page


def test_in_the_embedded_mode_the_worker_is_this_process(
    client_for, coalition, answered, tasks_in_process, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for("organizer").post(review_url(coalition, answered), {"accept": "all"})
    acceptance = SurveyAcceptance.objects.get(survey_round=answered)
    assert (acceptance.status, acceptance.accepted) == (AcceptanceStatus.APPLIED, 3)
    assert not RelationshipAnswer.objects.filter(review="pending", tie__isnull=True).exclude(
        respondent__submitted_at=None
    )


def test_a_weaver_gone_meanwhile_fails_it_and_nothing_is_written(
    answered, weaver_access, personas, coalition
):
    acceptance = review_accept_queue(access=weaver_access, round_id=answered.pk)
    personas["weaver"].is_active = False
    personas["weaver"].save()
    assert acceptance_apply(acceptance_id=acceptance.pk, task_id="t") == AcceptanceStatus.FAILED
    acceptance.refresh_from_db()
    assert acceptance.status == AcceptanceStatus.FAILED
    assert "no longer has an account" in acceptance.error
    assert Tie.objects.filter(coalition=coalition).count() == 0
    assert not RelationshipAnswer.objects.filter(review="accepted").exists()


def test_only_its_own_worker_applies_it(answered, weaver_access, coalition):
    acceptance = review_accept_queue(access=weaver_access, round_id=answered.pk)
    SurveyAcceptance.objects.filter(pk=acceptance.pk).update(
        status=AcceptanceStatus.APPLYING, task_id="first"
    )
    assert acceptance_apply(acceptance_id=acceptance.pk, task_id="second") == "not claimed"
    assert Tie.objects.filter(coalition=coalition).count() == 0
    # The same message redelivered after its worker died takes its claim back.
    assert acceptance_apply(acceptance_id=acceptance.pk, task_id="first") == "applied"
    assert SurveyAcceptance.objects.get(pk=acceptance.pk).attempts == 1


def test_nothing_to_accept_is_refused(open_round, weaver_access):
    with pytest.raises(ApplicationError) as refused:
        review_accept_queue(access=weaver_access, round_id=open_round.pk)
    assert refused.value.status == 409
    assert not SurveyAcceptance.objects.exists()


def test_a_worker_that_died_is_replaced_then_the_acceptance_fails_saying_so(
    answered, weaver_access, settings, django_capture_on_commit_callbacks
):
    acceptance = review_accept_queue(access=weaver_access, round_id=answered.pk)
    past = timezone.now() - datetime.timedelta(seconds=1)
    SurveyAcceptance.objects.filter(pk=acceptance.pk).update(
        status=AcceptanceStatus.APPLYING, task_id="dead", attempts=1, lease_expires_at=past
    )
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert acceptances_reap() == {"requeued": 1, "failed": 0}
    assert queued  # handed to a worker again
    acceptance.refresh_from_db()
    assert (acceptance.status, acceptance.task_id) == (AcceptanceStatus.QUEUED, "")

    SurveyAcceptance.objects.filter(pk=acceptance.pk).update(
        status=AcceptanceStatus.APPLYING,
        attempts=settings.WEFT_RUN_MAX_ATTEMPTS,
        lease_expires_at=past,
    )
    assert reap_survey_acceptances() == {"requeued": 0, "failed": 1}
    acceptance.refresh_from_db()
    assert acceptance.status == AcceptanceStatus.FAILED
    assert "the worker accepting this round stopped" in acceptance.error
    # The round can be accepted again.
    assert review_accept_queue(access=weaver_access, round_id=answered.pk).pk != acceptance.pk
