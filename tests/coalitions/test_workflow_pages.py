"""The weaver's workspace pages: who reaches them (the roles table: workflow editing is for
organizers, weavers and stewards), and what the pipeline board shows."""

import datetime

import pytest
from django.utils import timezone

from tests.coalitions.factories import (
    ActionFactory,
    CommitmentFactory,
    GroupMemberFactory,
    HealthCheckAnswerFactory,
    HealthCheckRoundFactory,
    MembershipFactory,
    WinFactory,
    WorkingGroupFactory,
)
from tests.networks.factories import (
    InteractionFactory,
    InteractionParticipantFactory,
    MetricRunFactory,
    SuggestionFactory,
)
from weft.versions import ANY_VERSION

WORKSPACE_PAGES = [
    "/coalitions/{id}/pipeline/",
    "/coalitions/{id}/connect/",
    "/coalitions/{id}/statements/",
    "/coalitions/{id}/proposals/",
    "/coalitions/{id}/health/",
    "/coalitions/{id}/equity/",
    "/coalitions/{id}/activity/",
    "/coalitions/{id}/produce/",
]


@pytest.mark.parametrize("page", WORKSPACE_PAGES)
@pytest.mark.parametrize(
    "persona,status",
    [
        ("steward", 200),
        ("organizer", 200),
        ("weaver", 200),
        ("member", 403),
        ("funder", 403),
        ("outsider", 404),
    ],
)
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
    warm = MembershipFactory(
        coalition=coalition,
        organisation=orgs[0],
        phase="connect",
        designee=people[0],
        brings="200 tenants",
        gets="Legal support",
    )
    MembershipFactory(coalition=coalition, organisation=orgs[1], phase="align")
    MembershipFactory(coalition=coalition, organisation=orgs[2], phase="prospect")
    MembershipFactory(coalition=coalition, organisation=orgs[3], phase="produce", left_on=today)
    CommitmentFactory(
        membership=warm, kind="hours", amount=40, due_on=datetime.date(2026, 9, 1), kept=True
    )
    meeting = InteractionFactory(
        coalition=coalition, kind="one_to_one", occurred_on=today - datetime.timedelta(days=3)
    )
    InteractionParticipantFactory(interaction=meeting, actor=orgs[0])
    return warm


def test_the_board_shows_each_card_in_its_phase_with_what_a_weaver_needs(
    client_for, coalition, board, django_assert_max_num_queries
):
    client = client_for("weaver")
    # Session and user, the user's coalitions (navigation), the role, the memberships with
    # their last interaction, the commitments, the bell's unread count (#22), the
    # organisations that may be added as prospects, the member count (the one selector every
    # page counts members with): a bounded number whatever the number of members.
    with django_assert_max_num_queries(12):
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
    MembershipFactory(coalition=coalition, organisation=hidden, phase="connect")
    assert (
        "Quiet Ally"
        not in client_for("weaver").get(f"/coalitions/{coalition.pk}/pipeline/").content.decode()
    )
    assert (
        "Quiet Ally"
        in client_for("organizer").get(f"/coalitions/{coalition.pk}/pipeline/").content.decode()
    )


# -- Connect


def test_one_click_turns_a_suggestion_into_an_introduction_or_dismisses_it(
    client_for, coalition, orgs
):

    run = MetricRunFactory(
        coalition=coalition, input_hash="2" * 64, computed_for=timezone.localdate()
    )
    first, second = (
        SuggestionFactory(
            run=run,
            coalition=coalition,
            kind="introduction",
            actor=orgs[0],
            other=orgs[i],
            score=2,
            reason="Two partners in common",
        )
        for i in (1, 2)
    )
    client = client_for("weaver")
    page = f"/coalitions/{coalition.pk}/connect/"
    assert "Two partners in common" in client.get(page).content.decode()
    client.post(page, {"action": "accept", "suggestion": first.pk})
    refused = client.post(page, {"action": "dismiss", "suggestion": second.pk, "reason": ""})
    assert "must not be blank" in client.get(refused.url).content.decode()
    client.post(page, {"action": "dismiss", "suggestion": second.pk, "reason": "Rivals"})
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, second.status, second.dismissed_reason) == (
        "accepted",
        "dismissed",
        "Rivals",
    )
    html = client.get(page).content.decode()
    assert "Org 0 → Org 1" in html and "No open suggestions" in html


# -- Statements


def test_draft_feedback_comment_revise_diff_and_publish(client_for, coalition, member_org):
    weaver = client_for("weaver")
    created = weaver.post(
        f"/coalitions/{coalition.pk}/statements/",
        {"title": "Homes for all", "body": "We stand together.\n\nRents must fall."},
    )
    page = created.url
    closes = (timezone.localtime() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    weaver.post(page, {"action": "open_round", "closes_at": closes})
    member = client_for("member")
    assert member.post(page, {"action": "revise", "body": "Mine"}).status_code == 403
    member.post(page, {"action": "comment", "paragraph": 2, "body": "<b>Say by how much</b>"})
    html = member.get(page).content.decode()
    assert "Tenants Union</strong>: &lt;b&gt;Say by how much&lt;/b&gt;" in html
    weaver = client_for("weaver")
    weaver.post(page, {"action": "revise", "body": "We stand together.\n\nRents must fall by 10%."})
    diff = weaver.get(page + "diff/?from=1&to=2").content.decode()
    assert 'class="removed"><td>−</td><td>Rents must fall.' in diff
    assert 'class="added"><td>+</td><td>Rents must fall by 10%.' in diff
    weaver.post(page, {"action": "publish"})
    statement = coalition.statements.get()
    assert statement.status == "published"
    assert statement.versions.get(number=2).published_at is not None
    assert client_for("funder").get(page).status_code == 403


# -- Proposals


@pytest.mark.parametrize(
    "rule,choices,outcome",
    [
        ("consensus", ["agree", "block"], "Not adopted"),
        ("consent", ["agree", "disagree"], "Adopted"),
        ("majority", ["agree", "disagree"], "Not adopted"),
    ],
)
def test_a_proposal_runs_to_an_outcome_under_its_rule(
    client_for, coalition, orgs, people, rule, choices, outcome
):
    members = [
        MembershipFactory(
            coalition=coalition, organisation=orgs[i], phase="align", designee=people[i]
        )
        for i in range(2)
    ]
    client = client_for("weaver")
    page = f"/coalitions/{coalition.pk}/proposals/"
    closes = (timezone.localtime() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    client.post(page, {"title": "Join the strike", "rule": rule, "closes_at": closes})
    proposal = coalition.proposals.get()
    for membership, choice in zip(members, choices, strict=True):
        client.post(f"{page}{proposal.pk}/", {"membership": membership.pk, "choice": choice})
    again = client.post(f"{page}{proposal.pk}/", {"membership": members[0].pk, "choice": "agree"})
    assert "already voted" in client.get(again.url).content.decode()
    client.post(f"{page}{proposal.pk}/", {"action": "decide", "review_by": "2099-01-01"})
    assert f"Outcome: {outcome}" in client.get(page).content.decode()


# -- Health check and equity check


def test_the_health_page_shows_averages_and_the_change_never_an_answer(client_for, coalition, orgs):
    # Two answers a round: figures are shown from the small-count threshold (#20), here 2.
    coalition.reports_small_count_threshold = 2
    coalition.save()
    today = timezone.localdate()
    rounds = [
        HealthCheckRoundFactory(
            coalition=coalition,
            title=title,
            opens_on=today - datetime.timedelta(days=days),
            closes_on=today - datetime.timedelta(days=days - 5),
        )
        for title, days in (("Spring", 100), ("Autumn", 10))
    ]
    for health_round, scores in zip(rounds, ((2, 2), (4, 5)), strict=True):
        for org, score in zip(orgs, scores, strict=False):
            HealthCheckAnswerFactory(
                round=health_round,
                organisation=org,
                purpose=score,
                participation=3,
                relationships=3,
                structures=3,
                coordination=3,
                answered_at=timezone.now(),
                comment=f"Private note of {org.name}",
            )
    html = client_for("weaver").get(f"/coalitions/{coalition.pk}/health/").content.decode()
    assert "+2.5 (from 2.0)" in html and "4.5" in html and "4–5" in html
    assert "Private note" not in html and "Org 0" not in html


def test_the_equity_page_warns_of_affected_members_without_a_lead_role(client_for, coalition, orgs):
    orgs[0].is_directly_affected = True
    orgs[0].save()
    for org in orgs[:3]:
        MembershipFactory(coalition=coalition, organisation=org, phase="align")
    html = client_for("weaver").get(f"/coalitions/{coalition.pk}/equity/").content.decode()
    assert "present but hold no lead role" in html
    assert "<td>1</td><td>3</td><td>33%</td>" in html


# -- Activity stream


def test_the_activity_stream_says_what_changed_by_whom_filtered_by_kind(
    client_for, coalition, orgs, personas, hidden
):
    from coalitions.align.services.proposals import proposal_create
    from coalitions.connect.services import membership_create, membership_update

    weaver = personas["weaver"]
    membership = membership_create(
        coalition=coalition, created_by=weaver, organisation=orgs[0], phase="connect"
    )
    membership_update(
        expected_version=ANY_VERSION, membership=membership, updated_by=weaver, phase="align"
    )
    proposal_create(
        coalition=coalition,
        title="Join the strike",
        rule="consent",
        closes_at=timezone.now() + datetime.timedelta(days=2),
        created_by=weaver,
    )
    page = f"/coalitions/{coalition.pk}/activity/"
    entries = client_for("weaver").get(page).context["entries"]
    assert [(e["kind"], e["change"], e["who"]) for e in entries[:3]] == [
        ("proposals", "added", "weaver"),
        ("memberships", "changed", "weaver"),
        ("memberships", "added", "weaver"),
    ]
    assert entries[1]["what"] == "Org 0 (align)"
    assert all(e["what"] != "Quiet Ally" for e in entries)  # sensitive: organizers only
    only = client_for("weaver").get(page + "?kind=proposals").context["entries"]
    assert {e["kind"] for e in only} == {"proposals"}
    assert any(
        e["what"] == "Quiet Ally" for e in client_for("organizer").get(page).context["entries"]
    )


# -- Produce


def test_produce_shows_nested_groups_actions_and_what_they_won(client_for, coalition, orgs, hidden):

    region = WorkingGroupFactory(coalition=coalition, name="Region", kind="hub")
    city = WorkingGroupFactory(coalition=coalition, name="City", kind="hub", parent=region)
    GroupMemberFactory(group=city, actor=orgs[0], is_lead=True)
    GroupMemberFactory(group=city, actor=hidden)
    rally = ActionFactory(
        coalition=coalition,
        title="Rally",
        starts_on=datetime.date(2026, 5, 1),
        is_convergence=True,
        place="City Hall",
        planned_turnout=500,
        actual_turnout=650,
        working_group=city,
    )
    rally.leaders.add(orgs[1])
    WinFactory(
        coalition=coalition, title="Rent freeze", won_on=datetime.date(2026, 6, 1)
    ).actions.add(rally)
    response = client_for("weaver").get(f"/coalitions/{coalition.pk}/produce/")
    html = response.content.decode()
    assert [g.name for g in response.context["groups"]] == ["Region", "City"]
    assert "(inside Region)" in html and "Org 0 (lead)" in html and "Quiet Ally" not in html
    assert "500 / 650" in html and "Convergence" in html and "after Rally" in html
