"""Funder reports built from the database: hand-built data with known answers (two metric
runs, known wins, known stance moves), publishing freezes the figures, narratives that name a
person are refused, and share links expire, are revoked and audited."""

import datetime

import pytest
from django.utils import timezone

from coalitions.models import AuditAction, AuditEntry
from coalitions.reports import selectors as report_selectors
from coalitions.reports import services as report_services
from coalitions.reports.models import ReportStatus
from tests.allies.factories import ActorFactory, AllyAssessmentFactory, ContactDetailFactory
from tests.coalitions.factories import (
    ActionFactory,
    ClimateShiftFactory,
    HealthCheckAnswerFactory,
    HealthCheckRoundFactory,
    MembershipFactory,
    PhaseMoveFactory,
    WinFactory,
)
from tests.networks.factories import MetricRunFactory, TieFactory
from weft.errors import ApplicationError

pytestmark = pytest.mark.django_db
D = datetime.date
Q1 = (D(2026, 1, 1), D(2026, 3, 31))


def metric_run(coalition, day, *, strength, strong, leaders, status="succeeded", key=None):
    return MetricRunFactory(
        coalition=coalition,
        status=status,
        input_hash=key or f"{day}-{status}",
        computed_for=day,
        finished_at=timezone.now(),
        network={
            "strong_tie_threshold": 0.6,
            "strong_ties": 999,  # the whole network's: the report reads the public figures
            "public": {
                "density": 0.1,
                "member_mean_strength": strength,
                "strong_ties": strong,
                "at_risk": 0,
                "distributed_leadership": 0.5,
                "leaders": leaders,
                "new_leaders": 3,
                "mean_skill_level": 3.0,
                "mean_skill_level_change": None,
                "lead_roles": 4,
                "directly_affected_share": 0.5,
            },
        },
        leadership={"leaders": 999},
    )


def assess(actor, day, stance):
    return AllyAssessmentFactory(
        actor=actor,
        stance=stance,
        ally_kind="natural",
        influence=3,
        proximity=3,
        commitment=3,
        assessed_on=day,
    )


@pytest.fixture
def history(coalition, orgs, people, hidden):
    """Two metric runs at the period ends (and decoys), two wins in Q1 and one before, four
    organisations that moved from neutral to passive ally in Q1 (and a sensitive one)."""
    metric_run(coalition, D(2025, 12, 28), strength=0.4, strong=8, leaders=5)
    metric_run(coalition, D(2026, 3, 30), strength=0.55, strong=11, leaders=7)
    metric_run(coalition, D(2026, 3, 31), strength=0.9, strong=99, leaders=99, status="failed")
    metric_run(coalition, D(2026, 4, 1), strength=0.9, strong=99, leaders=99, key="after")
    march = ActionFactory(
        coalition=coalition, title="March", starts_on=D(2026, 2, 1), actual_turnout=300
    )
    secret = ActionFactory(coalition=coalition, title="Quiet meeting", starts_on=D(2026, 2, 2))
    secret.participants.add(hidden)
    win = WinFactory(coalition=coalition, title="Rent freeze", won_on=D(2026, 2, 10))
    win.actions.set([march, secret])
    WinFactory(coalition=coalition, title=f"Vote won after {people[0].name}", won_on=D(2026, 3, 1))
    WinFactory(coalition=coalition, title="Old win", won_on=D(2025, 11, 1))
    ClimateShiftFactory(coalition=coalition, title="Press turns", recorded_on=D(2026, 1, 9))
    for org in orgs[:4]:
        assess(org, D(2025, 6, 1), "neutral")
        assess(org, D(2026, 2, 1), "passive_ally")
    assess(hidden, D(2025, 6, 1), "neutral")
    assess(hidden, D(2026, 2, 1), "active_ally")
    TieFactory(coalition=coalition, source=orgs[0], target=orgs[1], started_on=D(2026, 1, 5))
    TieFactory(coalition=coalition, source=orgs[0], target=hidden, started_on=D(2026, 1, 5))
    ContactDetailFactory(actor=people[1], kind="phone", value="555-0199")
    return {"win": win}


def figures_of(snapshot):
    return {f["key"]: f for section in snapshot["sections"] for f in section["figures"]}


def test_each_measure_comes_from_the_right_records(coalition, history):
    snapshot = report_selectors.build_snapshot(coalition, *Q1, narrative="")
    figures = figures_of(snapshot)
    # The succeeded runs closest to (not after) each period end.
    assert snapshot["runs"] == {"current": "2026-03-30", "previous": "2025-12-28"}
    assert (
        figures["member_mean_strength"]["value"],
        figures["member_mean_strength"]["previous"],
    ) == (0.55, 0.4)
    assert figures["member_mean_strength"]["change"] == 0.15
    assert (figures["strong_ties"]["value"], figures["strong_ties"]["change"]) == (11, 3)
    assert (figures["leaders"]["value"], figures["leaders"]["previous"]) == (7, 5)
    assert (figures["wins"]["value"], figures["wins"]["previous"]) == (2, 1)
    # Four organisations moved; the sensitive person's move is not counted.
    assert figures["moved_towards"]["value"] == 4
    assert snapshot["stance_moves"] == [
        {"from": "neutral", "to": "passive ally", "towards_cause": True, "count": "4"}
    ]
    # The tie to a sensitive actor is not counted.
    assert figures["new_ties"]["value"] == 1
    assert (figures["actions"]["value"], figures["turnout"]["value"]) == (2, 300)
    # An action joined by a sensitive actor is not named; a person's name is withheld.
    assert snapshot["wins"][0] == {
        "title": "Rent freeze",
        "won_on": "2026-02-10",
        "actions": ["March"],
    }
    assert snapshot["wins"][1]["title"] == "Vote won after [name withheld]"


def test_members_and_signatories_are_counted_as_they_stood_at_the_period_end(
    coalition, orgs, hidden
):
    for org, phase in zip(orgs[:4], ("connect", "connect", "align", "produce"), strict=True):
        membership = MembershipFactory(
            coalition=coalition, organisation=org, phase=phase, joined_on=D(2025, 1, 1)
        )
        PhaseMoveFactory(
            membership=membership,
            to_phase="connect",
            moved_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
        )
        if phase != "connect":
            PhaseMoveFactory(
                membership=membership,
                from_phase="connect",
                to_phase=phase,
                moved_at=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC),
            )
    MembershipFactory(
        coalition=coalition, organisation=hidden, phase="produce", joined_on=D(2025, 1, 1)
    )
    snapshot = report_selectors.build_snapshot(coalition, *Q1, narrative="")
    phases = {p["phase"]: (p["count"], p["previous"]) for p in snapshot["phases"]}
    assert phases == {
        "prospect": ("0", "0"),
        "connect": ("fewer than 3", "4"),
        "align": ("fewer than 3", "0"),
        "produce": ("fewer than 3", "0"),
    }
    assert figures_of(snapshot)["members"]["value"] == 4


def test_a_published_report_does_not_change_when_the_data_changes(coalition, personas, history):
    report = report_services.report_create(
        coalition=coalition,
        created_by=personas["organizer"],
        period_start=Q1[0],
        period_end=Q1[1],
        narrative="A good quarter.",
    )
    report_services.report_publish(report=report, published_by=personas["organizer"])
    frozen = report_selectors.report_figures(report)
    # Everything a report is built from changes afterwards.
    WinFactory(coalition=coalition, title="Another win", won_on=D(2026, 3, 15))
    history["win"].title = "Renamed"
    history["win"].save()
    metric_run(coalition, D(2026, 3, 31), strength=0.1, strong=1, leaders=50, key="late")
    report.refresh_from_db()
    assert report_selectors.report_figures(report) == frozen
    assert figures_of(frozen)["wins"]["value"] == 2
    assert frozen["narrative"] == "A good quarter."
    # A draft of the same period follows the data.
    draft = report_services.report_create(
        coalition=coalition, created_by=personas["organizer"], period_start=Q1[0], period_end=Q1[1]
    )
    live = figures_of(report_selectors.report_figures(draft))
    assert live["wins"]["value"] == 3 and live["leaders"]["value"] == 50


def test_publishing_is_audited_and_a_published_report_is_frozen(coalition, personas):
    report = report_services.report_create(coalition=coalition, created_by=personas["organizer"])
    report_services.report_publish(report=report, published_by=personas["organizer"])
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED and report.published_at is not None
    entry = AuditEntry.objects.get(action=AuditAction.REPORT_PUBLISHED)
    assert entry.details == {"report_id": report.pk}
    for attempt in (
        lambda: report_services.report_publish(report=report, published_by=personas["steward"]),
        lambda: report_services.report_narrative_update(
            report=report,
            narrative="Changed",
            updated_by=personas["organizer"],
            expected_version=report.version,
        ),
    ):
        with pytest.raises(ApplicationError) as error:
            attempt()
        assert error.value.status == 409


@pytest.mark.parametrize(
    "text",
    ["We thank Person 3 for her work.", "Call 555-0199 for details.", "Quiet Ally joined us."],
)
def test_a_narrative_naming_a_person_a_contact_or_a_hidden_actor_is_refused(
    coalition, personas, people, hidden, text
):
    ContactDetailFactory(actor=people[1], kind="phone", value="555-0199")
    report = report_services.report_create(coalition=coalition, created_by=personas["organizer"])
    with pytest.raises(ApplicationError) as error:
        report_services.report_narrative_update(
            report=report, narrative=text, updated_by=personas["organizer"], expected_version=1
        )
    assert error.value.field == "narrative"
    assert "555" not in error.value.message and "Person 3" not in error.value.message
    report.refresh_from_db()
    assert report.narrative == ""


def test_organisation_names_are_refused_in_a_narrative_when_the_coalition_shows_counts_only(
    coalition, personas, orgs
):
    report = report_services.report_create(coalition=coalition, created_by=personas["organizer"])
    report_services.report_narrative_update(
        report=report,
        narrative="Org 1 led the march.",
        updated_by=personas["organizer"],
        expected_version=1,
    )
    coalition.reports_show_organisation_names = False
    coalition.save()
    with pytest.raises(ApplicationError):
        report_services.report_publish(report=report, published_by=personas["organizer"])


@pytest.mark.parametrize(
    "start,end,field",
    [
        (D(2026, 3, 1), D(2026, 2, 1), "period_end"),
        (D(2020, 1, 1), D(2026, 1, 1), "period_end"),
        (D(2026, 1, 1), None, "period_end"),
    ],
)
def test_a_bad_period_is_refused_naming_the_field(coalition, personas, start, end, field):
    with pytest.raises(ApplicationError) as error:
        report_services.report_create(
            coalition=coalition,
            created_by=personas["organizer"],
            period_start=start,
            period_end=end,
        )
    assert error.value.field == field


@pytest.fixture
def published(coalition, personas):
    report = report_services.report_create(coalition=coalition, created_by=personas["organizer"])
    return report_services.report_publish(report=report, published_by=personas["organizer"])


def test_a_share_link_stores_only_the_hash_of_an_unguessable_token(published, personas):
    link, token = report_services.share_link_create(
        report=published, created_by=personas["steward"]
    )
    assert len(token) >= 43 and token not in link.token_hash
    assert link.token_hash == report_services.token_hash(token)
    assert report_services.share_link_open(token=token) == published
    assert AuditEntry.objects.filter(action=AuditAction.SHARE_LINK_OPENED).count() == 1


def test_an_expired_or_revoked_link_opens_nothing_and_the_attempt_is_audited(published, personas):
    link, token = report_services.share_link_create(
        report=published, created_by=personas["steward"], expires_in_days=1
    )
    link.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    link.save()
    assert report_services.share_link_open(token=token) is None
    other, other_token = report_services.share_link_create(
        report=published, created_by=personas["steward"]
    )
    report_services.share_link_revoke(link=other, revoked_by=personas["steward"])
    assert report_services.share_link_open(token=other_token) is None
    refused = AuditEntry.objects.filter(action=AuditAction.SHARE_LINK_REFUSED)
    assert sorted(e.details["share_link_id"] for e in refused) == sorted([link.pk, other.pk])
    assert AuditEntry.objects.filter(action=AuditAction.SHARE_LINK_REVOKED).count() == 1


def test_a_draft_cannot_be_shared_and_a_link_lives_one_to_ninety_days(
    coalition, personas, published
):
    draft = report_services.report_create(coalition=coalition, created_by=personas["organizer"])
    with pytest.raises(ApplicationError) as error:
        report_services.share_link_create(report=draft, created_by=personas["steward"])
    assert error.value.status == 409
    for days in (0, 91):
        with pytest.raises(ApplicationError) as error:
            report_services.share_link_create(
                report=published, created_by=personas["steward"], expires_in_days=days
            )
        assert error.value.field == "expires_in_days"


def test_report_figures_take_a_bounded_number_of_queries(
    coalition, history, django_assert_max_num_queries
):
    # Privacy terms (4), runs (1), and per period: wins + their actions (2), shifts, assessments,
    # new ties, actions (3), memberships + moves (2), signatures: 11 each; the trend's wins (1).
    with django_assert_max_num_queries(30):
        report_selectors.build_snapshot(coalition, *Q1, narrative="")


def health_round(coalition, closes_on, answers):
    """A closed round and its answers: ``answers`` maps an organisation to its five scores."""

    round_ = HealthCheckRoundFactory(
        coalition=coalition,
        title=f"Health check {closes_on}",
        opens_on=closes_on - datetime.timedelta(days=14),
        closes_on=closes_on,
    )
    for organisation, scores in answers.items():
        HealthCheckAnswerFactory(
            round=round_,
            organisation=organisation,
            answered_at=timezone.now(),
            comment=f"Private comment of {organisation.name}",
            **dict(
                zip(
                    ("purpose", "participation", "relationships", "structures", "coordination"),
                    scores,
                    strict=True,
                )
            ),
        )
    return round_


def test_health_check_averages_compare_the_periods_rounds_without_sensitive_answers(
    coalition, orgs
):
    from weft.vocabulary import ActorKind

    quiet = ActorFactory(
        coalition=coalition, name="Quiet Collective", kind=ActorKind.ORGANISATION, is_sensitive=True
    )
    # Q4 2025 (the period before): three answers, all 3s.
    health_round(coalition, D(2025, 11, 30), dict.fromkeys(orgs[:3], (3, 3, 3, 3, 3)))
    # Q1 2026: four answers; a sensitive organisation's 1s must not count.
    health_round(
        coalition,
        D(2026, 3, 15),
        {
            orgs[0]: (5, 4, 4, 3, 2),
            orgs[1]: (4, 4, 5, 3, 2),
            orgs[2]: (3, 4, 3, 3, 5),
            quiet: (1, 1, 1, 1, 1),
        },
    )
    # A round closing after the period is not in it.
    health_round(coalition, D(2026, 4, 2), dict.fromkeys(orgs[:3], (1, 1, 1, 1, 1)))

    snapshot = report_selectors.build_snapshot(coalition, *Q1, narrative="")
    figures = {
        fig["key"]: fig
        for section in snapshot["sections"]
        if section["key"] == "health"
        for fig in section["figures"]
    }
    assert figures["health_answers"]["value"] == 3
    assert figures["health_purpose"]["value"] == 4.0
    assert figures["health_relationships"]["value"] == 4.0
    assert figures["health_coordination"]["value"] == 3.0
    assert figures["health_overall"]["value"] == pytest.approx((4 + 4 + 4 + 3 + 3) / 5)
    assert figures["health_overall"]["previous"] == 3.0
    assert figures["health_overall"]["change_display"] == "+0.60"
    # The trend charts the overall score per period with answers.
    series = {s["key"]: s for s in snapshot["trend"]["series"]}
    assert series["health_overall"]["values"][-2:] == [3.0, 3.6]
    # Averages only: no comment, and no organisation's answers, anywhere in the report.
    assert "Private comment" not in str(snapshot)


def test_health_averages_over_fewer_answers_than_the_threshold_are_withheld(coalition, orgs):
    health_round(coalition, D(2026, 2, 1), dict.fromkeys(orgs[:2], (5, 5, 5, 5, 1)))
    snapshot = report_selectors.build_snapshot(coalition, *Q1, narrative="")
    health = next(s for s in snapshot["sections"] if s["key"] == "health")
    for fig in health["figures"]:
        assert fig["value"] is None and fig["withheld"], fig["key"]
    assert health["figures"][0]["display"] == "fewer than 3"
