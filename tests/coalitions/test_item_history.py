"""One item's history page (who changed which field from what to what) and "restore this
version", for the map's items and the workflow's, every role against every page."""

import pytest
from django.urls import reverse

from allies.models import Actor
from allies.services.actors import actor_update
from coalitions.align.models import Principle
from coalitions.align.services.principles import principle_update
from coalitions.produce.models import WorkingGroup
from coalitions.produce.services import working_group_create, working_group_update
from coalitions.roles import access_for
from networks.models import Tie
from networks.services import tie_create, tie_update
from tests.allies.factories import ActorFactory

pytestmark = pytest.mark.django_db

ROLES = ["steward", "organizer", "weaver", "member", "funder", "outsider"]


def history_url(coalition, kind, pk, fragment=False):
    url = reverse("item-history", args=[coalition.pk, kind, pk])
    return url + "?fragment=1" if fragment else url


def restore_url(coalition, kind, pk, history_id):
    return reverse("item-history-restore", args=[coalition.pk, kind, pk, history_id])


@pytest.fixture
def renamed(coalition, personas):
    """An actor the organizer renamed from "Union" to "Union Local 7" (version 2)."""
    actor = ActorFactory(coalition=coalition, name="Union", kind="organisation")
    access = access_for(personas["organizer"], coalition.pk)
    return actor_update(access=access, actor=actor, expected_version=1, name="Union Local 7")


@pytest.fixture
def group(coalition, personas):
    """A working group the weaver renamed from "Housing" to "Housing and rents"."""
    created = working_group_create(
        coalition=coalition, created_by=personas["weaver"], name="Housing", purpose="Rents"
    )
    return working_group_update(
        group=created, expected_version=1, updated_by=personas["weaver"], name="Housing and rents"
    )


def first_record(item):
    return type(item).history.filter(id=item.pk).order_by("history_id").first().history_id


def test_the_history_page_shows_who_changed_which_field_from_what_to_what(
    client_for, coalition, renamed
):
    page = client_for("weaver").get(history_url(coalition, "actor", renamed.pk))

    assert page.status_code == 200
    entries = page.context["entries"]
    assert [e["change"] for e in entries] == ["changed", "created"]
    assert entries[0]["who"] == "organizer"
    assert entries[0]["changes"] == [{"field": "Name", "old": "Union", "new": "Union Local 7"}]
    html = page.content.decode()
    assert "Union Local 7" in html and ">Union<" in html
    assert "Version" not in html  # the version counter is bookkeeping, never shown
    # The older version can be restored; the current one is what the item is.
    assert html.count("Restore this version") == 1


def test_field_values_read_as_a_person_reads_them(client_for, coalition, personas):
    actor = ActorFactory(coalition=coalition, name="Church", kind="organisation")
    access = access_for(personas["organizer"], coalition.pk)
    actor_update(
        access=access,
        actor=actor,
        expected_version=1,
        kind="institution",
        is_directly_affected=True,
    )

    entries = (
        client_for("organizer").get(history_url(coalition, "actor", actor.pk)).context["entries"]
    )

    assert entries[0]["changes"] == [
        {"field": "Is directly affected", "old": "no", "new": "yes"},
        {"field": "Kind", "old": "Organisation", "new": "Institution"},
    ]


def test_restoring_a_version_brings_the_old_values_back_and_is_kept_in_history(
    client_for, coalition, renamed
):
    response = client_for("organizer").post(
        restore_url(coalition, "actor", renamed.pk, first_record(renamed)), {"version": "2"}
    )

    assert response.status_code == 302
    renamed.refresh_from_db()
    assert renamed.name == "Union"
    assert renamed.version == 3
    page = client_for("organizer").get(history_url(coalition, "actor", renamed.pk))
    newest = page.context["entries"][0]
    assert newest["who"] == "organizer"
    assert newest["reason"] == "restored an earlier version"
    assert newest["changes"] == [{"field": "Name", "old": "Union Local 7", "new": "Union"}]
    assert "is back to that version" in page.content.decode()


def test_a_stale_restore_is_refused_naming_who_changed_the_item(
    client_for, coalition, personas, renamed
):
    # The organizer opened the history at version 2; meanwhile the weaver renamed it again.
    actor_update(
        access=access_for(personas["weaver"], coalition.pk),
        actor=renamed,
        expected_version=2,
        name="Union Local 9",
    )

    response = client_for("organizer").post(
        restore_url(coalition, "actor", renamed.pk, first_record(renamed)),
        {"version": "2"},
        follow=True,
    )

    renamed.refresh_from_db()
    assert renamed.name == "Union Local 9"
    html = response.content.decode()
    assert "changed by weaver" in html and "not saved" in html


def test_the_map_panel_restores_from_script_and_reads_a_json_answer(client_for, coalition, renamed):
    client = client_for("organizer")
    url = restore_url(coalition, "actor", renamed.pk, first_record(renamed))

    stale = client.post(url, {"version": "1"}, HTTP_X_REQUESTED_WITH="fetch")
    assert stale.status_code == 412
    assert "changed by organizer" in stale.json()["detail"]

    done = client.post(url, {"version": "2"}, HTTP_X_REQUESTED_WITH="fetch")
    assert done.status_code == 200
    assert Actor.objects.get(pk=renamed.pk).name == "Union"


def test_the_fragment_is_the_history_alone_for_the_map_panel(client_for, coalition, renamed):
    response = client_for("weaver").get(history_url(coalition, "actor", renamed.pk, True))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="item-history"' in html and "<html" not in html


def test_a_tie_history_shows_the_change_and_restores_it(client_for, coalition, personas):
    access = access_for(personas["organizer"], coalition.pk)
    a, b = (ActorFactory(coalition=coalition, name=n) for n in ("Ana", "Ben"))
    tie = tie_create(access=access, source=a, target=b, strength=2)
    tie_update(access=access, tie=tie, expected_version=1, strength=5)
    client = client_for("weaver")

    page = client.get(history_url(coalition, "tie", tie.pk))
    assert page.context["entries"][0]["changes"] == [{"field": "Strength", "old": "2", "new": "5"}]
    client.post(restore_url(coalition, "tie", tie.pk, first_record(tie)), {"version": "2"})

    assert Tie.objects.get(pk=tie.pk).strength == 2


def test_a_working_group_is_restored_through_its_edit_service(client_for, coalition, group):
    client = client_for("weaver")
    entries = client.get(history_url(coalition, "group", group.pk)).context["entries"]
    assert entries[0]["changes"] == [
        {"field": "Name", "old": "Housing", "new": "Housing and rents"}
    ]

    client.post(restore_url(coalition, "group", group.pk, first_record(group)), {"version": "2"})

    assert WorkingGroup.objects.get(pk=group.pk).name == "Housing"


def test_a_restore_that_breaks_the_items_rules_is_refused_with_the_reason(
    client_for, coalition, personas, group
):
    # Another group took the old name since: the restore is an edit, and edits keep names unique.
    working_group_create(coalition=coalition, created_by=personas["weaver"], name="Housing")

    response = client_for("weaver").post(
        restore_url(coalition, "group", group.pk, first_record(group)),
        {"version": "2"},
        follow=True,
    )

    assert WorkingGroup.objects.get(pk=group.pk).name == "Housing and rents"
    assert "Another group of this coalition has this name." in response.content.decode()


def test_a_principle_is_restored(client_for, coalition, personas):
    principle = Principle.objects.create(coalition=coalition, title="Solidarity", text="Old")
    principle_update(
        principle=principle, expected_version=1, updated_by=personas["weaver"], text="New"
    )
    client = client_for("organizer")

    client.post(
        restore_url(coalition, "principle", principle.pk, first_record(principle)),
        {"version": "2"},
    )

    assert Principle.objects.get(pk=principle.pk).text == "Old"


def test_a_sensitive_actor_has_no_history_for_roles_that_may_not_see_it(
    client_for, coalition, personas
):
    hidden = ActorFactory(coalition=coalition, name="Quiet", is_sensitive=True)
    assert (
        client_for("organizer").get(history_url(coalition, "actor", hidden.pk)).status_code == 200
    )
    for role in ("weaver", "member"):
        assert client_for(role).get(history_url(coalition, "actor", hidden.pk)).status_code == 404


def test_an_actor_once_sensitive_keeps_its_past_hidden(client_for, coalition, personas):
    actor = ActorFactory(coalition=coalition, name="Was Quiet", is_sensitive=True)
    access = access_for(personas["organizer"], coalition.pk)
    actor_update(access=access, actor=actor, expected_version=1, is_sensitive=False)

    assert client_for("weaver").get(history_url(coalition, "actor", actor.pk)).status_code == 404


def test_unknown_kinds_and_items_of_other_coalitions_are_not_found(client_for, coalition, renamed):
    client = client_for("steward")
    assert client.get(history_url(coalition, "contact", renamed.pk)).status_code == 404
    assert client.get(history_url(coalition, "actor", renamed.pk + 1000)).status_code == 404


# Who may read a history, and who may restore: every role against both pages.
READ = {
    "steward": 200,
    "organizer": 200,
    "weaver": 200,
    "member": 200,
    "funder": 403,
    "outsider": 404,
}
RESTORE = {
    "steward": 302,
    "organizer": 302,
    "weaver": 302,
    "member": 403,
    "funder": 403,
    "outsider": 404,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["actor", "group"])
def test_every_role_reads_a_history_as_the_roles_table_says(
    client_for, coalition, renamed, group, role, kind
):
    item = renamed if kind == "actor" else group
    response = client_for(role).get(history_url(coalition, kind, item.pk))
    assert response.status_code == READ[role]
    if role == "member":
        assert "Restore this version" not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["actor", "group"])
def test_only_the_roles_that_edit_an_item_restore_it(
    client_for, coalition, renamed, group, role, kind
):
    item = renamed if kind == "actor" else group
    old_name = "Union" if kind == "actor" else "Housing"
    response = client_for(role).post(
        restore_url(coalition, kind, item.pk, first_record(item)), {"version": "2"}
    )
    assert response.status_code == RESTORE[role]
    item.refresh_from_db()
    assert (item.name == old_name) == (RESTORE[role] == 302)


def test_signed_out_people_are_sent_to_sign_in(client, coalition, renamed):
    assert client.get(history_url(coalition, "actor", renamed.pk)).status_code == 302
    response = client.post(restore_url(coalition, "actor", renamed.pk, first_record(renamed)))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "accounts" in response["Location"]
    renamed.refresh_from_db()
    assert renamed.name == "Union Local 7"


def test_the_api_restore_refuses_a_stale_if_match(client_for, coalition, renamed):
    response = client_for("organizer").post(
        f"/api/v1/coalitions/{coalition.pk}/actors/{renamed.pk}/history/"
        f"{first_record(renamed)}/restore/",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 412
    assert response.json()["changed_by"] == "organizer"
    renamed.refresh_from_db()
    assert renamed.name == "Union Local 7"


def test_the_edit_pages_link_to_the_history(client_for, coalition, group):
    principle = Principle.objects.create(coalition=coalition, title="Solidarity")
    client = client_for("weaver")
    pages = {
        reverse("workflow-produce-edit", args=[coalition.pk, "groups", group.pk]): history_url(
            coalition, "group", group.pk
        ),
        reverse("workflow-principles", args=[coalition.pk]): history_url(
            coalition, "principle", principle.pk
        ),
    }
    for page, link in pages.items():
        assert link in client.get(page).content.decode()
        assert client.get(link).status_code == 200
    # A member reads the principles, and their history, but restores nothing.
    member = client_for("member")
    assert (
        pages[reverse("workflow-principles", args=[coalition.pk])]
        in member.get(reverse("workflow-principles", args=[coalition.pk])).content.decode()
    )


def test_a_statement_history_is_read_only(client_for, coalition, personas):
    from coalitions.align.services.statements import statement_create, statement_update

    statement = statement_create(
        coalition=coalition, title="Homes first", body="We believe.", created_by=personas["weaver"]
    )
    statement_update(
        statement=statement,
        expected_version=statement.version,
        updated_by=personas["weaver"],
        title="Homes for all",
    )
    client = client_for("organizer")
    page = client.get(history_url(coalition, "statement", statement.pk))
    assert page.context["entries"][0]["changes"] == [
        {"field": "Title", "old": "Homes first", "new": "Homes for all"}
    ]
    assert "Restore this version" not in page.content.decode()
    first = first_record(statement)
    assert client.post(restore_url(coalition, "statement", statement.pk, first)).status_code == 302
    statement.refresh_from_db()
    assert statement.title == "Homes for all"


def test_an_engagement_plan_history_is_for_the_roles_that_see_contacts(
    client_for, coalition, personas, renamed
):
    from allies.services.plans import engagement_plan_create, engagement_plan_update

    access = access_for(personas["weaver"], coalition.pk)
    plan = engagement_plan_create(access=access, actor=renamed, ask="Sign the letter")
    engagement_plan_update(access=access, plan=plan, expected_version=1, ask="Speak at the rally")
    reads = {role: client_for(role).get(history_url(coalition, "plan", plan.pk)) for role in ROLES}
    assert {role: r.status_code for role, r in reads.items()} == {
        "steward": 200,
        "organizer": 200,
        "weaver": 200,
        "member": 403,
        "funder": 403,
        "outsider": 404,
    }
    assert reads["weaver"].context["entries"][0]["changes"] == [
        {"field": "Ask", "old": "Sign the letter", "new": "Speak at the rally"}
    ]
    client_for("organizer").post(
        restore_url(coalition, "plan", plan.pk, first_record(plan)), {"version": "2"}
    )
    plan.refresh_from_db()
    assert plan.ask == "Sign the letter"


def test_a_proposal_is_restored_while_undecided(client_for, coalition, personas):
    import datetime

    from django.utils import timezone

    from coalitions.align.services.proposals import proposal_create, proposal_update

    proposal = proposal_create(
        coalition=coalition,
        title="Rent strike",
        rule="consent",
        closes_at=timezone.now() + datetime.timedelta(days=7),
        created_by=personas["weaver"],
    )
    proposal_update(
        proposal=proposal, expected_version=1, updated_by=personas["weaver"], title="Rent freeze"
    )
    page = reverse("workflow-proposal", args=[coalition.pk, proposal.pk])
    assert history_url(coalition, "proposal", proposal.pk) in (
        client_for("weaver").get(page).content.decode()
    )
    assert (
        client_for("member").get(history_url(coalition, "proposal", proposal.pk)).status_code == 200
    )

    client_for("weaver").post(
        restore_url(coalition, "proposal", proposal.pk, first_record(proposal)), {"version": "2"}
    )

    proposal.refresh_from_db()
    assert proposal.title == "Rent strike"


# Every kind of item with a history page, and who may read it (200), is refused (403) or
# does not know the coalition (404).
WORKSPACE_AND_MEMBERS = {
    "steward": 200,
    "organizer": 200,
    "weaver": 200,
    "member": 200,
    "funder": 403,
    "outsider": 404,
}
WORKSPACE_ONLY = {**WORKSPACE_AND_MEMBERS, "member": 403}
READERS = {
    "actor": WORKSPACE_AND_MEMBERS,
    "tie": WORKSPACE_AND_MEMBERS,
    "statement": WORKSPACE_AND_MEMBERS,
    "principle": WORKSPACE_AND_MEMBERS,
    "proposal": WORKSPACE_AND_MEMBERS,
    "group": WORKSPACE_AND_MEMBERS,
    "action": WORKSPACE_AND_MEMBERS,
    "win": WORKSPACE_AND_MEMBERS,
    "shift": WORKSPACE_AND_MEMBERS,
    "saved-view": WORKSPACE_ONLY,  # as the saved views page
    "plan": WORKSPACE_ONLY,  # plans are for the roles that see contacts
    "target": WORKSPACE_AND_MEMBERS,  # as the targets pages
    "membership": WORKSPACE_ONLY,  # it names a designee: for the workspace
    "interaction": WORKSPACE_AND_MEMBERS,  # as the interactions API
    "contact": WORKSPACE_ONLY,  # personal data: the roles that see contacts
    "affiliation": WORKSPACE_AND_MEMBERS,  # as the affiliations API
    "skill": WORKSPACE_ONLY,  # as the skills page
    "pillar": WORKSPACE_AND_MEMBERS,  # as the targets pages
    "commitment": WORKSPACE_ONLY,  # as the membership's page
    "introduction": WORKSPACE_ONLY,  # as the Connect page
    "story": WORKSPACE_AND_MEMBERS,  # stories are read on the map
}


@pytest.fixture
def one_of_each(coalition, renamed):
    from coalitions.align.models import Pillar
    from tests.allies.factories import (
        AffiliationFactory,
        ContactDetailFactory,
        EngagementPlanFactory,
        SkillFactory,
    )
    from tests.coalitions.factories import (
        ActionFactory,
        ClimateShiftFactory,
        CommitmentFactory,
        IntroductionFactory,
        MembershipFactory,
        PrincipleFactory,
        ProposalFactory,
        TargetFactory,
        UnityStatementFactory,
        WinFactory,
        WorkingGroupFactory,
    )
    from tests.networks.factories import (
        InteractionFactory,
        SavedViewFactory,
        StoryFactory,
        TieFactory,
    )

    other = ActorFactory(coalition=coalition, name="Church")
    target = TargetFactory(coalition=coalition, actor=other)
    pillar = Pillar.objects.create(target=target, name="Police union")
    membership = MembershipFactory(
        coalition=coalition,
        organisation=ActorFactory(coalition=coalition, name="Food Bank", kind="organisation"),
    )
    return {
        "actor": renamed,
        "tie": TieFactory(coalition=coalition, source=renamed, target=other),
        "statement": UnityStatementFactory(coalition=coalition),
        "principle": PrincipleFactory(coalition=coalition),
        "proposal": ProposalFactory(coalition=coalition),
        "group": WorkingGroupFactory(coalition=coalition),
        "action": ActionFactory(coalition=coalition),
        "win": WinFactory(coalition=coalition),
        "shift": ClimateShiftFactory(coalition=coalition),
        "saved-view": SavedViewFactory(coalition=coalition),
        "plan": EngagementPlanFactory(actor=other),
        "target": target,
        "membership": membership,
        "interaction": InteractionFactory(coalition=coalition),
        "contact": ContactDetailFactory(actor=other, kind="email", value="church@example.org"),
        "affiliation": AffiliationFactory(
            person=ActorFactory(coalition=coalition, name="Rosa", kind="person"),
            organisation=other,
        ),
        "skill": SkillFactory(coalition=coalition, name="Facilitation"),
        "pillar": pillar,
        "commitment": CommitmentFactory(membership=membership),
        "introduction": IntroductionFactory(coalition=coalition),
        "story": StoryFactory(coalition=coalition),
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_role_against_every_kind_of_history_page(client_for, coalition, one_of_each, role):
    client = client_for(role)
    seen = {
        kind: client.get(history_url(coalition, kind, item.pk)).status_code
        for kind, item in one_of_each.items()
    }
    assert seen == {kind: READERS[kind][role] for kind in one_of_each}


@pytest.mark.parametrize("role", ["member", "funder", "outsider"])
def test_no_role_that_cannot_edit_restores_any_kind(client_for, coalition, one_of_each, role):
    client = client_for(role)
    for kind, item in one_of_each.items():
        before = getattr(type(item).objects.get(pk=item.pk), "version", 1)  # skills have none
        response = client.post(
            restore_url(coalition, kind, item.pk, first_record(item)), {"version": before}
        )
        assert response.status_code == (404 if role == "outsider" else 403), kind
        assert getattr(type(item).objects.get(pk=item.pk), "version", 1) == before


def test_a_target_is_restored_and_memberships_and_interactions_show_their_changes(
    client_for, coalition, personas
):
    """The targets, pipeline and interaction pages link to their item's history: a target's
    old demand comes back; a membership's and an interaction's changes are read (they are
    changed on their own pages)."""
    from coalitions.align.services.targets import target_create, target_update
    from coalitions.connect.services import membership_update
    from networks.services import interaction_update
    from tests.coalitions.factories import MembershipFactory
    from tests.networks.factories import InteractionFactory

    mayor = ActorFactory(coalition=coalition, name="Mayor", kind="official")
    target = target_create(
        coalition=coalition, actor=mayor, created_by=personas["organizer"], demand="Sign it"
    )
    target_update(
        target=target, expected_version=1, updated_by=personas["weaver"], demand="Veto it"
    )
    client = client_for("organizer")
    page = client.get(reverse("workflow-target", args=[coalition.pk, target.pk]))
    assert history_url(coalition, "target", target.pk) in page.content.decode()
    html = client.get(history_url(coalition, "target", target.pk)).content.decode()
    assert "Sign it" in html and "Veto it" in html and "weaver" in html
    client.post(restore_url(coalition, "target", target.pk, first_record(target)), {"version": 2})
    target.refresh_from_db()
    assert target.demand == "Sign it"

    bank = ActorFactory(coalition=coalition, name="Food Bank", kind="organisation")
    membership = MembershipFactory(coalition=coalition, organisation=bank, brings="Space")
    membership_update(
        membership=membership,
        expected_version=membership.version,
        updated_by=personas["weaver"],
        brings="Volunteers",
    )
    html = client.get(history_url(coalition, "membership", membership.pk)).content.decode()
    assert "Space" in html and "Volunteers" in html
    assert "restore-version" not in html  # read here, changed on its page

    meeting = InteractionFactory(coalition=coalition, summary="Met at the rally")
    interaction_update(
        access=access_for(personas["organizer"], coalition.pk),
        interaction=meeting,
        expected_version=meeting.version,
        summary="Met at the rally; agreed to co-host",
    )
    html = client.get(history_url(coalition, "interaction", meeting.pk)).content.decode()
    assert "Met at the rally; agreed to co-host" in html
