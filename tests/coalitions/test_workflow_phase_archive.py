"""The coalition's own phase changed from the board (kept in its history), a published
statement archived, and who was an organisation's designee from when to when."""

import pytest

from coalitions.activity.selectors import activity_stream
from coalitions.align.models import StatementVersion, UnityStatement
from coalitions.align.services.statements import statement_create
from coalitions.connect.selectors import designee_terms
from coalitions.connect.services import membership_create, membership_update
from coalitions.models import Coalition
from coalitions.roles import access_for
from coalitions.services import coalition_phase_change, role_grant
from tests.coalitions.factories import (
    EndorsementFactory,
    MembershipFactory,
    PrincipleFactory,
    ProposalFactory,
    VoteFactory,
)
from weft.versions import ANY_VERSION

PHASE = "/coalitions/{id}/pipeline/phase/"


@pytest.mark.parametrize("persona", ["steward", "organizer", "weaver"])
def test_the_workflow_roles_change_the_coalitions_phase_from_the_board(
    client_for, coalition, persona
):
    client = client_for(persona)
    response = client.post(
        PHASE.format(id=coalition.pk), {"phase": "align", "version": coalition.version}
    )
    assert response.status_code == 302
    coalition.refresh_from_db()
    assert coalition.phase == "align"
    record = coalition.history.order_by("-history_date").first()
    assert record.phase == "align" and record.history_user.username == persona
    page = client.get(f"/coalitions/{coalition.pk}/pipeline/").content.decode()
    assert "Connect → <strong>Align</strong> (" + persona + ")" in page


@pytest.mark.parametrize("persona,status", [("member", 403), ("funder", 403), ("outsider", 404)])
def test_members_funders_and_outsiders_do_not_change_the_phase(
    client_for, coalition, persona, status
):
    response = client_for(persona).post(
        PHASE.format(id=coalition.pk), {"phase": "produce", "version": coalition.version}
    )
    assert response.status_code == status
    coalition.refresh_from_db()
    assert coalition.phase == "connect"


def test_a_stale_phase_form_is_refused(client_for, coalition, personas):
    opened_on = coalition.version
    coalition_phase_change(
        access=access_for(personas["organizer"], coalition.pk),
        phase="produce",
        expected_version=opened_on,
    )
    response = client_for("weaver").post(
        PHASE.format(id=coalition.pk), {"phase": "align", "version": opened_on}
    )
    assert response.status_code == 412  # a stale write, as on the API
    assert "changed by organizer" in response.content.decode()
    assert Coalition.objects.get(pk=coalition.pk).phase == "produce"


def test_an_unknown_phase_is_a_400(client_for, coalition):
    response = client_for("weaver").post(
        PHASE.format(id=coalition.pk), {"phase": "victory", "version": coalition.version}
    )
    assert response.status_code == 400
    assert Coalition.objects.get(pk=coalition.pk).phase == "connect"


@pytest.fixture
def published(coalition, personas):
    statement = statement_create(
        coalition=coalition,
        title="Homes for all",
        body="We stand together.",
        created_by=personas["weaver"],
        status="published",
    )
    return statement


def statement_page(coalition, statement):
    return f"/coalitions/{coalition.pk}/statements/{statement.pk}/"


def test_a_published_statement_is_archived_and_its_sign_on_page_closes(
    client, client_for, coalition, published
):
    assert client.get(f"/sign/{published.pk}/").status_code == 200
    weaver = client_for("weaver")
    assert 'value="archive"' in weaver.get(statement_page(coalition, published)).content.decode()
    response = weaver.post(statement_page(coalition, published), {"action": "archive"})
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.status == "archived"
    record = published.history.order_by("-history_date").first()
    assert record.status == "archived" and record.history_user.username == "weaver"
    assert StatementVersion.objects.filter(statement=published).count() == 1  # kept
    client.logout()
    assert client.get(f"/sign/{published.pk}/").status_code == 404


def test_only_a_published_statement_is_archived(client_for, coalition, personas):
    draft = statement_create(
        coalition=coalition, title="Draft", body="Text", created_by=personas["weaver"]
    )
    client = client_for("weaver")
    response = client.post(statement_page(coalition, draft), {"action": "archive"}, follow=True)
    assert "Only a published statement is archived." in response.content.decode()
    assert UnityStatement.objects.get(pk=draft.pk).status == "draft"


def test_a_member_cannot_archive(client_for, coalition, published):
    response = client_for("member").post(
        statement_page(coalition, published), {"action": "archive"}
    )
    assert response.status_code == 403
    assert UnityStatement.objects.get(pk=published.pk).status == "published"


def test_the_card_shows_who_was_designee_before_and_from_when_to_when(
    client_for, coalition, orgs, people, personas
):
    weaver = personas["weaver"]
    membership = membership_create(
        coalition=coalition,
        created_by=weaver,
        organisation=orgs[0],
        phase="align",
        designee=people[0],
    )
    membership_update(
        expected_version=ANY_VERSION, membership=membership, updated_by=weaver, designee=people[1]
    )
    membership_update(
        expected_version=ANY_VERSION, membership=membership, updated_by=weaver, brings="A hall"
    )
    membership_update(
        expected_version=ANY_VERSION, membership=membership, updated_by=weaver, designee=people[2]
    )
    from coalitions.roles import access_for

    terms = designee_terms(access_for(weaver, coalition.pk), [membership])[membership.pk]
    assert [t["name"] for t in terms] == ["Person 2", "Person 1", "Person 0"]
    assert terms[0]["until"] is None and terms[1]["until"] == terms[0]["since"]
    assert terms[2]["until"] == terms[1]["since"]
    html = client_for("weaver").get(f"/coalitions/{coalition.pk}/pipeline/").content.decode()
    assert "before: Person 1 (" in html and "Person 0 (" in html


def test_a_hidden_earlier_designee_is_not_named(
    client_for, coalition, orgs, people, hidden, personas
):
    weaver = personas["organizer"]
    membership = membership_create(
        coalition=coalition,
        created_by=weaver,
        organisation=orgs[0],
        phase="align",
        designee=hidden,
    )
    membership_update(
        expected_version=ANY_VERSION, membership=membership, updated_by=weaver, designee=people[0]
    )
    html = client_for("weaver").get(f"/coalitions/{coalition.pk}/pipeline/").content.decode()
    assert "Quiet Ally" not in html and "a person you may not see" in html
    html = client_for("organizer").get(f"/coalitions/{coalition.pk}/pipeline/").content.decode()
    assert "before: Quiet Ally (" in html


# -- The activity stream names the fields that changed


def test_the_activity_stream_shows_which_fields_changed_and_stays_filterable(
    client_for, coalition, orgs, personas, django_assert_max_num_queries
):
    weaver = personas["weaver"]
    membership = membership_create(
        coalition=coalition, created_by=weaver, organisation=orgs[0], phase="connect"
    )
    membership_update(
        expected_version=ANY_VERSION, membership=membership, updated_by=weaver, phase="align"
    )
    membership_update(
        expected_version=ANY_VERSION,
        membership=membership,
        updated_by=weaver,
        brings="A hall and " + "volunteers " * 20,
    )
    coalition_phase_change(
        access=access_for(weaver, coalition.pk), phase="align", expected_version=coalition.version
    )
    client = client_for("weaver")
    page = f"/coalitions/{coalition.pk}/activity/"
    response = client.get(page + "?kind=memberships")
    entries = response.context["entries"]
    assert [e["kind"] for e in entries] == ["memberships"] * 3
    brings, phase, added = entries
    assert [(c["field"], c["old"], c["new"]) for c in phase["changes"]] == [
        ("phase", "Connect", "Align")
    ]
    # A long text is named as changed, without its words.
    assert [(c["field"], c["old"]) for c in brings["changes"]] == [("brings", None)]
    assert added["changes"] == []
    html = response.content.decode()
    assert '<li data-field="phase">Phase: Connect → Align</li>' in html
    assert '<li data-field="brings">Brings</li>' in html
    coalition_only = client.get(page + "?kind=coalition").context["entries"]
    assert [(e["change"], [c["new"] for c in e["changes"]]) for e in coalition_only][0] == (
        "changed",
        ["Align"],
    )
    # Per kind one query for the changes and at most one for the records before them: the
    # count does not grow with the number of changes.
    for _ in range(5):
        membership_update(
            expected_version=ANY_VERSION, membership=membership, updated_by=weaver, gets="More"
        )
    with django_assert_max_num_queries(4 + 2 * 14):
        client.get(page)


def test_the_change_before_the_oldest_shown_still_gives_its_fields(coalition, orgs, personas):
    from coalitions.roles import access_for

    weaver = personas["weaver"]
    membership = membership_create(
        coalition=coalition, created_by=weaver, organisation=orgs[0], phase="connect"
    )
    membership_update(
        expected_version=ANY_VERSION, membership=membership, updated_by=weaver, phase="align"
    )
    membership_update(
        expected_version=ANY_VERSION, membership=membership, updated_by=weaver, phase="produce"
    )
    entries = activity_stream(access_for(weaver, coalition.pk), kinds=["memberships"], limit=1)
    assert [(c["old"], c["new"]) for c in entries[0]["changes"]] == [("Align", "Produce")]


def test_a_change_of_designee_names_the_people_the_role_may_see(
    client_for, coalition, orgs, people, hidden, personas
):
    organizer = personas["organizer"]
    membership = membership_create(
        coalition=coalition,
        created_by=organizer,
        organisation=orgs[0],
        phase="align",
        designee=hidden,
    )
    membership_update(
        expected_version=ANY_VERSION,
        membership=membership,
        updated_by=organizer,
        designee=people[0],
    )
    membership_update(
        expected_version=ANY_VERSION,
        membership=membership,
        updated_by=organizer,
        designee=people[1],
    )
    page = f"/coalitions/{coalition.pk}/activity/?kind=memberships"
    weaver_sees = client_for("weaver").get(page).context["entries"]
    assert [(c["old"], c["new"]) for c in weaver_sees[0]["changes"]] == [("Person 0", "Person 1")]
    assert [(c["old"], c["new"]) for c in weaver_sees[1]["changes"]] == [
        ("someone you may not see", "Person 0")
    ]
    organizer_sees = client_for("organizer").get(page).context["entries"]
    assert organizer_sees[1]["changes"][0]["old"] == "Quiet Ally"


def test_the_member_pages_read_a_bounded_number_of_queries(
    client_for, coalition, member_org, people, personas, django_assert_max_num_queries
):
    import datetime

    from django.utils import timezone

    membership = MembershipFactory(
        coalition=coalition, organisation=member_org, phase="align", designee=people[0]
    )
    role_grant(
        coalition=coalition,
        user=personas["member"],
        role="member",
        granted_by=personas["steward"],
        organisation=member_org,
        person=people[0],
    )
    for i in range(6):
        proposal = ProposalFactory(
            coalition=coalition,
            title=f"P{i}",
            rule="majority",
            closes_at=timezone.now() + datetime.timedelta(days=2),
        )
        VoteFactory(
            proposal=proposal,
            organisation=member_org,
            designee=membership.designee,
            choice="agree",
            cast_at=timezone.now(),
        )
        principle = PrincipleFactory(coalition=coalition, title=f"Principle {i}")
        EndorsementFactory(principle=principle, organisation=member_org, endorsed_at=timezone.now())
    client = client_for("member")
    # Each page also reads the user's coalitions once (the navigation, the two-factor rule).
    # Session, user, role; the membership spoken for; the proposals and their votes.
    with django_assert_max_num_queries(8):
        client.get(f"/coalitions/{coalition.pk}/voting/")
    # Session, user, role; the membership; the principles and their endorsements.
    with django_assert_max_num_queries(8):
        client.get(f"/coalitions/{coalition.pk}/principles/")
    # Session, user, role; the membership; the rounds; the organisation's own answers.
    with django_assert_max_num_queries(8):
        client.get(f"/coalitions/{coalition.pk}/health-check/")


def test_an_actor_marked_sensitive_since_leaves_the_weavers_activity_stream(
    client_for, coalition, personas
):
    from allies.models import Actor

    actor = Actor(coalition=coalition, name="Soon Hidden", kind="person")
    actor._history_user = personas["organizer"]
    actor.save()
    actor.description = "Met at the vigil"
    actor.save()
    page = f"/coalitions/{coalition.pk}/activity/?kind=actors"
    assert "Soon Hidden" in client_for("weaver").get(page).content.decode()
    actor.is_sensitive = True
    actor.save()
    assert "Soon Hidden" not in client_for("weaver").get(page).content.decode()
    assert "Soon Hidden" in client_for("organizer").get(page).content.decode()
