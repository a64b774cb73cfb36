"""loaddemo fills the weaver's workspace: introductions (as interactions), commitments, a
decided proposal, two health-check rounds; and the workspace pages open on it."""

import pytest

from coalitions.align.models import HealthCheckRound, Proposal
from coalitions.align.selectors import health_round_summary
from coalitions.connect.models import Commitment, Introduction, PhaseMove
from demo.builder import DEFAULT_PASSWORD
from tests.demo.test_loaddemo import demo, dev_settings  # noqa: F401 - fixtures


@pytest.mark.django_db
def test_demo_fills_the_weavers_workspace(demo, client):  # noqa: F811
    introductions = Introduction.objects.filter(coalition=demo)
    assert introductions.count() == 5
    assert set(introductions.values_list("outcome", flat=True)) >= {"met", "working_together"}
    assert all(i.interaction_id for i in introductions)
    assert Commitment.objects.filter(membership__coalition=demo, kept=True).count() >= 3
    decided = Proposal.objects.get(coalition=demo, outcome="adopted")
    assert decided.votes.count() >= 8 and decided.review_by is not None
    rounds = HealthCheckRound.objects.filter(coalition=demo).order_by("opens_on")
    assert rounds.count() == 2
    summary = health_round_summary(rounds.last(), include_sensitive=True)
    assert summary["previous_round"] == rounds.first().pk
    assert summary["dimensions"]["relationships"]["change"] > 0
    # The phase moves' history has the story's times, as the moves themselves do.
    moves = PhaseMove.history.filter(membership__coalition=demo)
    assert moves.exists()
    assert all(
        record.history_date == record.moved_at == PhaseMove.objects.get(pk=record.id).moved_at
        for record in moves
    )
    client.login(username="weaver", password=DEFAULT_PASSWORD)
    for page in ("pipeline", "connect", "statements", "proposals", "health", "equity"):
        response = client.get(f"/coalitions/{demo.pk}/{page}/")
        assert response.status_code == 200, page
    statement = demo.statements.get()
    assert client.get(f"/coalitions/{demo.pk}/statements/{statement.pk}/").status_code == 200
    assert client.get(f"/coalitions/{demo.pk}/statements/{statement.pk}/diff/").status_code == 200
    public = client.get(f"/sign/{statement.pk}/").content.decode()
    assert "Signatories (" in public and "@example" not in public


@pytest.mark.django_db
def test_the_demo_member_is_the_tenants_unions_designee_and_can_vote(demo, client):  # noqa: F811
    from coalitions.align.models import Vote

    client.login(username="member", password=DEFAULT_PASSWORD)
    page = client.get(f"/coalitions/{demo.pk}/voting/").content.decode()
    assert "You speak for <strong>Riverside Tenants Union</strong>" in page
    open_proposal = Proposal.objects.get(coalition=demo, outcome="")
    response = client.post(f"/coalitions/{demo.pk}/voting/{open_proposal.pk}/", {"choice": "agree"})
    assert response.status_code == 302
    vote = Vote.objects.get(proposal=open_proposal, organisation__name="Riverside Tenants Union")
    assert vote.designee.name == "Marisol Vega"
    for page in ("health-check", "principles"):
        assert client.get(f"/coalitions/{demo.pk}/{page}/").status_code == 200, page
    assert client.get(f"/coalitions/{demo.pk}/pipeline/").status_code == 403
