"""loaddemo: the demo coalition a newcomer lands in, its users, and the rules that keep it a
development tool (DEBUG only, written once, never taking over an existing account)."""

import datetime
import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from allies.models import Actor, AllyAssessment, EngagementPlan, SkillLevel
from coalitions.align.models import Endorsement, PillarProximity, Signature, StatementStatus
from coalitions.connect.models import PhaseMove
from coalitions.models import Coalition, RoleName
from coalitions.produce.models import GroupKind
from demo.builder import DEFAULT_PASSWORD, DEMO_KEY, DEMO_NAME, DEMO_USERNAMES, demo_load
from networks.models import Interaction
from tests.conftest import PASSWORD
from weft.vocabulary import ActorKind, ContactKind, InteractionKind, MemberPhase, Stance, TieKind


@pytest.fixture
def dev_settings(settings):
    settings.DEBUG = True
    # Hashing is most of a build's time; these tests need a password check, not a strong hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings


def loaddemo(**options) -> str:
    out = io.StringIO()
    call_command("loaddemo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def demo(db, dev_settings) -> Coalition:
    loaddemo()
    return Coalition.objects.get(demo_key=DEMO_KEY)


def row_counts() -> dict[str, int]:
    """Rows in every table of the three apps (many-to-many tables too) and users."""
    counts = {"auth.User": get_user_model().objects.count()}
    for label in ("allies", "coalitions", "networks"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            counts[model._meta.label] = model._default_manager.count()
    return counts


# What the demo contains ----------------------------------------------------------------------


def test_demo_has_sixty_actors_of_all_five_kinds(demo):
    assert demo.name == DEMO_NAME
    assert demo.actors.count() >= 60
    # Every kind but "other", which only an imported file's unknown types take.
    kinds = set(ActorKind.values) - {ActorKind.OTHER}
    assert set(demo.actors.values_list("kind", flat=True)) == kinds
    assert demo.actors.filter(is_directly_affected=True, kind=ActorKind.PERSON).exists()
    assert demo.actors.filter(is_directly_affected=True).exclude(kind=ActorKind.PERSON).exists()
    assert demo.tags.count() >= 5
    assert Actor.tags.through.objects.filter(actor__coalition=demo).count() >= 60


def test_demo_people_have_fake_contact_details(demo):
    people_with_both = (
        demo.actors.filter(kind=ActorKind.PERSON)
        .annotate(
            emails=Count("contact_details", filter=Q(contact_details__kind=ContactKind.EMAIL)),
            phones=Count("contact_details", filter=Q(contact_details__kind=ContactKind.PHONE)),
        )
        .filter(emails__gte=1, phones__gte=1)
    )
    assert people_with_both.count() >= 10
    for person in people_with_both:
        details = {d.kind: d.value for d in person.contact_details.all()}
        assert details[ContactKind.EMAIL].endswith("@example.org")
        assert " 555 01" in details[ContactKind.PHONE]


def test_demo_has_sensitive_actors_and_ties(demo):
    assert demo.actors.filter(is_sensitive=True).count() >= 3
    assert demo.ties.filter(is_sensitive=True).count() >= 5
    # A sensitive tie between two actors who are not sensitive themselves: only the flag on
    # the tie hides it.
    assert demo.ties.filter(
        is_sensitive=True, source__is_sensitive=False, target__is_sensitive=False
    ).exists()


def test_demo_mayor_is_the_primary_target_held_up_by_her_pillars(demo):
    target = demo.targets.get(is_primary=True)
    assert target.actor.kind == ActorKind.OFFICIAL
    assert target.demand
    pillars = demo.ties.filter(
        target=target.actor, kind__in=[TieKind.INFLUENCE, TieKind.FUNDING]
    ).values_list("source", flat=True)
    close_strategic = AllyAssessment.objects.current().filter(
        actor__in=pillars, ally_kind="strategic", proximity__gte=4
    )
    assert close_strategic.count() >= 5
    # Her pillars of support are recorded as such, with who in the coalition stands near one.
    tagged = set(demo.actors.filter(tags__name="pillar of support").values_list("pk", flat=True))
    assert set(target.pillars.values_list("actor", flat=True)) == tagged
    near = PillarProximity.objects.filter(pillar__target=target)
    assert near.count() >= 5
    moved = near.get(actor__name="Ellen Marsh")
    assert moved.proximity == 4 and moved.history.count() == 2


def test_demo_has_150_ties_of_every_kind(demo):
    ties = demo.ties.all()
    assert ties.count() >= 150
    # Every kind but "other", which only an imported file's unknown types take.
    assert set(ties.values_list("kind", flat=True)) == set(TieKind.values) - {TieKind.OTHER}
    assert ties.filter(strength__isnull=False).count() >= 100
    assert ties.filter(ended_on__isnull=False).count() >= 5
    assert ties.filter(started_on__isnull=False).count() >= 100


def test_demo_interactions_of_every_kind_span_eighteen_months_and_grow(demo):
    interactions = demo.interactions.all()
    # Survey reports come from reviewing a relationship survey's answers (#21), not the demo.
    made_by_hand = set(InteractionKind.values) - {InteractionKind.SURVEY_REPORT}
    assert set(interactions.values_list("kind", flat=True)) == made_by_hand
    span = interactions.aggregate(first=Min("occurred_on"), last=Max("occurred_on"))
    first, last = span["first"], span["last"]
    assert (last.year - first.year) * 12 + (last.month - first.month) >= 17
    assert span["last"] <= timezone.localdate()
    joint = interactions.filter(kind=InteractionKind.JOINT_ACTION)
    assert joint.exists()
    assert not joint.filter(action__isnull=True).exists()
    assert not interactions.annotate(n=Count("participations")).filter(n__lt=2).exists()
    # Period against period: the last six months hold more evidence than the six before.
    today = timezone.localdate()
    last_half = interactions.filter(occurred_on__gt=today - datetime.timedelta(days=182))
    half_before = interactions.filter(
        occurred_on__lte=today - datetime.timedelta(days=182),
        occurred_on__gt=today - datetime.timedelta(days=364),
    )
    assert last_half.count() > half_before.count() > 0


def test_every_actor_is_assessed_and_some_moved_along_the_spectrum(demo):
    assert not demo.actors.filter(assessments__isnull=True).exists()
    church = demo.actors.get(name="St. Anne's Church")
    assert list(church.assessments.values_list("stance", flat=True)) == [
        Stance.NEUTRAL,
        Stance.PASSIVE_ALLY,
        Stance.ACTIVE_ALLY,
    ]
    assert church.assessments.latest().moved_from() == Stance.PASSIVE_ALLY
    union = demo.actors.get(name="Building Trades Council")
    assert union.assessments.latest().moved_from() == Stance.PASSIVE_OPPOSITION
    assert union.assessments.latest().stance == Stance.NEUTRAL


def test_demo_people_grow_in_skill_and_lead(demo):
    levels = SkillLevel.objects.filter(actor__coalition=demo)
    first_and_last = {}
    for level in levels.order_by("assessed_on"):
        first_and_last.setdefault((level.actor_id, level.skill_id), []).append(level.level)
    grew = [history for history in first_and_last.values() if history[-1] > history[0]]
    assert len(grew) >= 5
    assert demo.actors.filter(affiliations__is_lead=True).distinct().count() >= 5


def test_demo_engagement_plans_have_asks_and_some_are_overdue(demo):
    plans = EngagementPlan.objects.filter(actor__coalition=demo)
    assert plans.count() >= 5
    assert not plans.filter(Q(ask="") | Q(frame="") | Q(next_step="")).exists()
    assert plans.filter(messenger__isnull=False).count() >= 5
    assert plans.filter(next_step_on__lt=timezone.localdate()).exists()
    assert plans.filter(next_step_on__gte=timezone.localdate()).exists()


def test_demo_members_are_spread_over_connect_align_produce(demo):
    memberships = demo.memberships.all()
    assert memberships.count() >= 15
    assert set(memberships.values_list("phase", flat=True)) == set(MemberPhase.values)
    assert memberships.filter(designee__isnull=False).count() >= 12
    assert not memberships.filter(brings="").exists()
    moves = PhaseMove.objects.filter(membership__coalition=demo)
    assert moves.count() > memberships.count()
    # Not linear: someone went back.
    assert moves.filter(from_phase=MemberPhase.ALIGN, to_phase=MemberPhase.CONNECT).exists()


def test_demo_unity_statement_is_published_with_confirmed_signatures(demo):
    statement = demo.statements.get()
    assert statement.status == StatementStatus.PUBLISHED
    first, second = statement.versions.order_by("number")
    assert first.published_at is None
    assert second.published_at is not None
    assert first.feedback_rounds.get().comments.count() >= 2
    signatures = Signature.objects.filter(version=second)
    standing = signatures.filter(confirmed_at__isnull=False, withdrawn_at__isnull=True)
    assert standing.count() >= 8
    assert standing.filter(show_publicly=False).count() >= 2
    assert signatures.filter(withdrawn_at__isnull=False).count() == 1
    members = set(demo.memberships.values_list("organisation", flat=True))
    assert set(signatures.values_list("organisation", flat=True)) <= members


def test_demo_principles_are_endorsed_by_members(demo):
    assert 4 <= demo.principles.count() <= 5
    endorsements = Endorsement.objects.filter(principle__coalition=demo)
    assert endorsements.count() >= 10
    assert not demo.principles.filter(endorsements__isnull=True).exists()


def test_demo_has_working_groups_a_nested_hub_and_a_caucus(demo):
    groups = demo.groups.all()
    assert groups.filter(kind=GroupKind.WORKING_GROUP).count() >= 2
    hub = groups.filter(kind=GroupKind.HUB, parent__isnull=False).first()
    assert hub is not None
    assert hub.parent.coalition_id == demo.pk
    caucus = groups.get(kind=GroupKind.CAUCUS)
    assert not caucus.members.filter(actor__is_directly_affected=False).exists()
    assert (
        not groups.annotate(leads=Count("members", filter=Q(members__is_lead=True)))
        .filter(leads=0)
        .exists()
    )


def test_demo_actions_lead_to_wins_and_climate_shifts(demo):
    actions = demo.actions.all()
    assert actions.count() >= 8
    assert actions.filter(is_convergence=True).count() == 2
    assert not actions.filter(leaders__isnull=True).exists()
    assert not actions.filter(
        Q(planned_turnout__isnull=True) | Q(actual_turnout__isnull=True) | Q(outcome="")
    ).exists()
    days = sorted(actions.values_list("starts_on", flat=True))
    assert (days[-1] - days[0]).days >= 365
    assert demo.wins.count() >= 3
    assert not demo.wins.filter(actions__isnull=True).exists()
    assert demo.climate_shifts.count() >= 3


def test_demo_report_compares_two_health_check_rounds(demo):
    """The published report of the last full quarter shows the health check against the
    quarter before (the demo places one round in each), and it improved."""
    report = demo.reports.filter(status="published").order_by("-period_end").first()
    health = next(s for s in report.snapshot["sections"] if s["key"] == "health")
    overall = next(f for f in health["figures"] if f["key"] == "health_overall")
    assert overall["value"] is not None and overall["previous"] is not None
    relationships = next(f for f in health["figures"] if f["key"] == "health_relationships")
    assert relationships["change"] > 0


def test_demo_member_user_speaks_for_a_member_organisation(demo):
    member = demo.roles.get(user__username="member")
    assert member.organisation.memberships.filter(coalition=demo).exists()
    assert set(demo.roles.values_list("user__username", "role")) == {
        (role.value, role.value) for role in RoleName
    }


# Signing in ----------------------------------------------------------------------------------


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_each_demo_user_signs_in_and_sees_the_demo_coalition(demo, client, username):
    assert client.login(username=username, password=DEFAULT_PASSWORD)
    response = client.get("/")
    assert response.status_code == 200
    assert DEMO_NAME in response.content.decode()
    assert client.get(f"/coalitions/{demo.pk}/").status_code == 200


def test_a_user_without_a_role_sees_no_coalition_and_gets_404(demo, client, make_user):
    make_user("newcomer")
    assert client.login(username="newcomer", password=PASSWORD)
    response = client.get("/")
    assert response.status_code == 200
    assert list(response.context["coalitions"]) == []
    assert DEMO_NAME not in response.content.decode()
    assert client.get(f"/coalitions/{demo.pk}/").status_code == 404


# Safe to run again, and only where it belongs ------------------------------------------------


def test_running_twice_writes_nothing_the_second_time(db, dev_settings):
    first_output = loaddemo()
    before = row_counts()
    hashes = dict(get_user_model().objects.values_list("username", "password"))
    second_output = loaddemo()
    assert row_counts() == before
    assert dict(get_user_model().objects.values_list("username", "password")) == hashes
    assert "already loaded" in second_output and "nothing was written" in second_output
    # The password is printed once, when the users are made.
    assert DEFAULT_PASSWORD in first_output
    assert DEFAULT_PASSWORD not in second_output


def test_a_second_run_with_a_password_sets_the_demo_users_password(db, dev_settings, make_user):
    loaddemo()
    bystander = make_user("bystander")
    before = row_counts()
    output = loaddemo(password="another-password")
    assert row_counts() == before
    assert "password of its 5 demo users is set" in output
    assert "another-password" not in output
    for username in DEMO_USERNAMES:
        assert get_user_model().objects.get(username=username).check_password("another-password")
    bystander.refresh_from_db()
    assert not bystander.check_password("another-password")


def test_refused_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        loaddemo()
    assert not Coalition.objects.exists()
    assert not get_user_model().objects.exists()


def test_password_option_sets_the_password(db, dev_settings, client):
    output = loaddemo(password="river-and-roof")
    assert "river-and-roof" in output
    for username in DEMO_USERNAMES:
        assert client.login(username=username, password="river-and-roof")
    assert not client.login(username="steward", password=DEFAULT_PASSWORD)


def test_refuses_to_take_over_an_existing_account_with_a_demo_username(db, dev_settings, make_user):
    weaver = make_user("weaver")
    with pytest.raises(CommandError, match="weaver"):
        loaddemo()
    assert not Coalition.objects.exists()
    weaver.refresh_from_db()
    assert weaver.check_password(PASSWORD)
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["weaver"]


def test_the_same_day_gives_the_same_demo(db, dev_settings):
    today = datetime.date(2025, 3, 31)

    def content_of_one_build() -> tuple:
        class Discard(Exception):
            pass

        try:
            with transaction.atomic():
                coalition = demo_load(password=DEFAULT_PASSWORD, today=today).coalition
                ties = list(
                    coalition.ties.order_by("id").values_list(
                        "source__name", "target__name", "kind", "strength", "started_on", "ended_on"
                    )
                )
                interactions = [
                    (i.kind, i.occurred_on, sorted(a.name for a in i.participants.all()))
                    for i in Interaction.objects.filter(coalition=coalition)
                    .order_by("id")
                    .prefetch_related("participants")
                ]
                assessments = list(
                    AllyAssessment.objects.filter(actor__coalition=coalition)
                    .order_by("id")
                    .values_list("actor__name", "stance", "assessed_on", "commitment")
                )
                raise Discard
        except Discard:
            pass
        return ties, interactions, assessments

    first = content_of_one_build()
    assert not Coalition.objects.exists()
    assert first == content_of_one_build()
    assert max(day for _, day, _ in first[1]) <= today
