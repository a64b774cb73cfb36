"""The weaver's workspace pages: who reaches them (the roles table: workflow editing is for
organizers, weavers and stewards), and what the pipeline board shows."""

import datetime

import pytest
from django.utils import timezone

from coalitions.models import Commitment, Membership
from networks.models import Interaction, InteractionParticipant

WORKSPACE_PAGES = ["/coalitions/{id}/pipeline/"]


@pytest.mark.parametrize("page", WORKSPACE_PAGES)
@pytest.mark.parametrize(
    "persona,status",
    [("steward", 200), ("organizer", 200), ("weaver", 200), ("member", 403), ("funder", 403),
     ("outsider", 404)],
)  # fmt: skip
def test_only_the_roles_that_run_the_workflow_reach_the_workspace(
    client_for, coalition, page, persona, status
):
    response = client_for(persona).get(page.format(id=coalition.pk))
    assert response.status_code == status


def test_signed_out_visitors_are_sent_to_sign_in(client, coalition):
    response = client.get(f"/coalitions/{coalition.pk}/pipeline/")
    assert response.status_code == 302 and response.url.startswith("/login/")


@pytest.fixture
def board(coalition, orgs, people):
    today = timezone.localdate()
    warm = Membership.objects.create(
        coalition=coalition, organisation=orgs[0], phase="connect", designee=people[0],
        brings="200 tenants", gets="Legal support",
    )  # fmt: skip
    Membership.objects.create(coalition=coalition, organisation=orgs[1], phase="align")
    Membership.objects.create(coalition=coalition, organisation=orgs[2], phase="prospect")
    Membership.objects.create(
        coalition=coalition, organisation=orgs[3], phase="produce", left_on=today
    )
    Commitment.objects.create(
        membership=warm, kind="hours", amount=40, due_on=datetime.date(2026, 9, 1), kept=True
    )
    meeting = Interaction.objects.create(
        coalition=coalition, kind="one_to_one", occurred_on=today - datetime.timedelta(days=3)
    )
    InteractionParticipant.objects.create(interaction=meeting, actor=orgs[0])
    return warm


def test_the_board_shows_each_card_in_its_phase_with_what_a_weaver_needs(
    client_for, coalition, board, django_assert_max_num_queries
):
    client = client_for("weaver")
    # Session and user, the role, the memberships with their last interaction, the
    # commitments: a bounded number whatever the number of members.
    with django_assert_max_num_queries(8):
        response = client.get(f"/coalitions/{coalition.pk}/pipeline/")
    columns = {c["phase"]: c for c in response.context["board"]["columns"]}
    assert [m.organisation.name for m in columns["connect"]["members"]] == ["Org 0"]
    assert [m.organisation.name for m in columns["align"]["members"]] == ["Org 1"]
    assert [m.organisation.name for m in columns["prospect"]["members"]] == ["Org 2"]
    assert columns["produce"]["members"] == []  # Org 3 has left
    assert response.context["board"]["total"] == 3
    assert columns["connect"]["share"] == 33
    html = response.content.decode()
    assert "Person 0" in html and "200 tenants" in html and "Legal support" in html
    assert "40 hours" in html and "kept" in html
    assert "3 days ago" in html
    card = columns["align"]["members"][0]
    assert card.is_cold and card.days_since_contact is None  # never met: going cold


def test_a_sensitive_member_is_not_on_an_organizer_free_board(client_for, coalition, hidden):
    # A sensitive organisation is visible to organizers and stewards only.
    hidden.kind = "organisation"
    hidden.save()
    Membership.objects.create(coalition=coalition, organisation=hidden, phase="connect")
    assert (
        "Quiet Ally"
        not in client_for("weaver").get(f"/coalitions/{coalition.pk}/pipeline/").content.decode()
    )
    assert (
        "Quiet Ally"
        in client_for("organizer").get(f"/coalitions/{coalition.pk}/pipeline/").content.decode()
    )
