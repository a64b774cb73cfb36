"""Reads for funder reports: which reports a role sees, what a period's records are (gathered
into plain inputs for coalitions/reporting.py), and what a report must never contain.

Sensitive actors and ties are left out here, at the source: the pure builder never receives
them. Query budget for one period: about ten queries (wins with their actions, shifts,
assessments, ties, actions, memberships with their moves, signatures); the metric runs of a
report and of its trend are read once.
"""

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from allies.models import Actor, AllyAssessment, ContactDetail
from coalitions.align.models import Signature
from coalitions.align.selectors import counted_health_answers, counted_signatures
from coalitions.connect.models import Membership, PhaseMove
from coalitions.models import Coalition
from coalitions.produce.models import Action, ClimateShift, Win
from coalitions.reports import figures as reporting
from coalitions.reports.models import Report, ReportStatus, ShareLink
from coalitions.roles import Access, Permission
from coalitions.surveys.selectors import latest_comparison
from networks.metrics.models import MetricRun, MetricRunStatus
from networks.models import Tie
from weft.vocabulary import ActorKind, HealthArea


def report_list_for(access: Access) -> QuerySet[Report]:
    """The coalition's reports the role may read: published ones only for funders."""
    reports = Report.objects.filter(coalition=access.coalition)
    if not access.can(Permission.REPORTS_DRAFTS_VIEW):
        reports = reports.filter(status=ReportStatus.PUBLISHED)
    return reports.order_by("-period_end", "-id")


def share_links_of(report: Report) -> QuerySet[ShareLink]:
    return report.share_links.select_related("created_by").order_by("-created_at", "-id")


def share_link_by_token(token: str) -> ShareLink | None:
    from weft.tokens import row_for_token

    return row_for_token(ShareLink.objects.select_related("report__coalition"), token)


# ---------------------------------------------------------------------------------------------
# What a report must never contain


def privacy_for(coalition: Coalition) -> reporting.Privacy:
    """The coalition's privacy policy, and every string a report must not contain: the names
    of people (and of officials, who are people too), of sensitive actors, contact details,
    signers' names and emails; organisation names too when the steward chose counts only."""
    actors = Actor.objects.filter(coalition=coalition)
    named = Q(kind__in=(ActorKind.PERSON, ActorKind.OFFICIAL)) | Q(is_sensitive=True)
    if not coalition.reports_show_organisation_names:
        named |= ~Q(kind__in=(ActorKind.PERSON, ActorKind.OFFICIAL))
    withheld = set(actors.filter(named).values_list("name", flat=True))
    withheld |= set(
        ContactDetail.objects.filter(actor__coalition=coalition).values_list("value", flat=True)
    )
    for name, email, organisation in Signature.objects.filter(
        version__statement__coalition=coalition
    ).values_list("signer_name", "signer_email", "organisation_name"):
        withheld |= {name, email}
        if not coalition.reports_show_organisation_names:
            withheld.add(organisation)
    return reporting.Privacy(
        small_count_threshold=coalition.reports_small_count_threshold,
        show_organisation_names=coalition.reports_show_organisation_names,
        withheld=frozenset(term for term in withheld if term and term.strip()),
    )


# ---------------------------------------------------------------------------------------------
# A period's records


def metric_runs(coalition: Coalition, *, until: datetime.date) -> list[reporting.RunFigures]:
    """The coalition's succeeded runs computed for ``until`` or earlier (one query; the
    latest finished run of a day stands for that day)."""
    runs = (
        MetricRun.objects.filter(
            coalition=coalition, status=MetricRunStatus.SUCCEEDED, computed_for__lte=until
        )
        .order_by("computed_for", "finished_at", "id")
        .values_list("computed_for", "network", "leadership")
    )
    by_day = {day: (network or {}, leadership or {}) for day, network, leadership in runs}
    return [
        reporting.RunFigures(computed_for=day, network=network, leadership=leadership)
        for day, (network, leadership) in sorted(by_day.items())
    ]


def period_records(
    coalition: Coalition,
    start: datetime.date,
    end: datetime.date,
    *,
    runs: list[reporting.RunFigures],
    privacy: reporting.Privacy,
) -> reporting.PeriodRecords:
    period = (start, end)
    wins = (
        Win.objects.filter(coalition=coalition, won_on__range=period)
        .prefetch_related(
            Prefetch("actions", queryset=actions_without_sensitive().order_by("starts_on", "id"))
        )
        .order_by("won_on", "id")
    )
    shifts = ClimateShift.objects.filter(coalition=coalition, recorded_on__range=period).order_by(
        "recorded_on", "id"
    )
    assessments = (
        AllyAssessment.objects.filter(
            actor__coalition=coalition, actor__is_sensitive=False, assessed_on__lte=end
        )
        .order_by("assessed_on", "created_at", "id")
        .values_list("actor_id", "assessed_on", "stance")
    )
    new_ties = (
        Tie.objects.filter(coalition=coalition)
        .visible(include_sensitive=False)
        .filter(
            Q(started_on__range=period) | Q(started_on__isnull=True, created_at__date__range=period)
        )
        .count()
    )
    actions = Action.objects.filter(coalition=coalition, starts_on__range=period)
    action_counts = actions.aggregate(turnout=Sum("actual_turnout"))
    action_total = actions.count()
    convergences = actions.filter(is_convergence=True).count()
    return reporting.PeriodRecords(
        start=start,
        end=end,
        run=reporting.closest_run(runs, end),
        wins=[
            reporting.Win(
                title=win.title,
                won_on=win.won_on,
                action_titles=tuple(action.title for action in win.actions.all()),
            )
            for win in wins
        ],
        shifts=[
            reporting.Shift(title=s.title, recorded_on=s.recorded_on, direction=s.direction)
            for s in shifts
        ],
        stance_moves=reporting.stance_moves(assessments, start, end),
        new_ties=new_ties,
        actions=action_total,
        convergences=convergences,
        turnout=action_counts["turnout"],
        members_by_phase=members_by_phase(coalition, end),
        **signatories(coalition, end, privacy=privacy),
    )


def actions_without_sensitive() -> QuerySet[Action]:
    """Actions that no sensitive actor led or joined: only those are named in a report (as
    the API hides them from roles that may not see sensitive actors)."""
    actions = Action.objects.all()
    for through in (Action.leaders.through, Action.participants.through):
        sensitive = through.objects.filter(action_id=OuterRef("pk"), actor__is_sensitive=True)
        actions = actions.exclude(Exists(sensitive))
    return actions


def _end_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time(), tzinfo=timezone.get_current_timezone()
    )


def members_by_phase(coalition: Coalition, end: datetime.date) -> dict[str, list[str]]:
    """Member organisations (not sensitive) in each phase at the end of ``end``: a member's
    phase then is the last move it made by then."""
    until = _end_of(end)
    memberships = (
        Membership.objects.filter(coalition=coalition, organisation__is_sensitive=False)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=end))
        .filter(Q(joined_on__isnull=True) | Q(joined_on__lte=end))
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "moves",
                queryset=PhaseMove.objects.filter(moved_at__lt=until).order_by("moved_at", "id"),
                to_attr="moves_by_then",
            )
        )
    )
    phases: dict[str, list[str]] = {}
    for membership in memberships:
        if membership.moves_by_then:
            phase = membership.moves_by_then[-1].to_phase
        elif membership.joined_on is not None:
            phase = membership.phase
        else:
            continue  # neither joined nor moved by then: not a member yet
        phases.setdefault(phase, []).append(membership.organisation.name)
    return phases


def signatories(coalition: Coalition, end: datetime.date, *, privacy: reporting.Privacy) -> dict:
    """The signatories of the coalition's statements as they stood at the end of ``end``
    (coalitions.align.selectors.SIGNATORY_DEFINITION, without sensitive organisations): how
    many organisations, and the names of those that agreed to be listed."""
    rows = (
        counted_signatures(at=_end_of(end), include_sensitive=False)
        .filter(version__statement__coalition=coalition)
        .values_list("organisation_key", "organisation_name", "show_publicly")
    )
    keys, listed = set(), set()
    for key, name, public in rows:
        keys.add(key)
        if public:
            listed.add(name)
    return {"signatories": sorted(listed), "signatory_count": len(keys)}


def health_answers(
    coalition: Coalition, first: datetime.date, last: datetime.date
) -> list[tuple[datetime.date, dict[str, int]]]:
    """The health-check answers of the rounds that closed from ``first`` to ``last``, as (the
    round's closing day, scores by area): the answers that count
    (coalitions.align.selectors.HEALTH_ANSWER_DEFINITION) without sensitive organisations'
    and without who answered or their comments (one query)."""
    areas = HealthArea.values
    rows = (
        counted_health_answers(include_sensitive=False)
        .filter(round__coalition=coalition, round__closes_on__range=(first, last))
        .order_by("round__closes_on", "id")
        .values_list("round__closes_on", *areas)
    )
    return [(row[0], dict(zip(areas, row[1:], strict=True))) for row in rows]


def survey_records(coalition: Coalition, records: reporting.PeriodRecords) -> None:
    """The latest relationship survey that closed in the period against the one before it,
    as aggregates, without sensitive respondents or actors (about five queries)."""
    comparison, _, _ = latest_comparison(
        coalition.pk, include_sensitive=False, since=records.start, until=records.end
    )
    if comparison is None:
        return
    current = comparison.current
    records.survey_answered = len(current.answered)
    records.survey_density = current.density
    records.survey_reciprocity = current.reciprocity.rate
    records.survey_new_ties = comparison.new_ties


def report_figures(report: Report) -> dict:
    """A published report's frozen snapshot (under the policy in force now, where it is
    stricter), or a draft's figures as the data stands now."""
    if report.is_published():
        # Frozen figures, shown under the stricter of the policy then and the policy now.
        return reporting.follow_policy(report.snapshot, privacy_for(report.coalition))
    return build_snapshot(
        report.coalition, report.period_start, report.period_end, narrative=report.narrative
    )


def build_snapshot(
    coalition: Coalition, start: datetime.date, end: datetime.date, *, narrative: str
) -> dict:
    privacy = privacy_for(coalition)
    previous = reporting.previous_period(start, end)
    periods = reporting.trend_periods(start, end)
    runs = metric_runs(coalition, until=end)
    # The trend needs each period's run only; the other records are read for the two periods.
    trend = [
        reporting.PeriodRecords(start=s, end=e, run=reporting.closest_run(runs, e))
        for s, e in periods
    ]
    current_records = period_records(coalition, start, end, runs=runs, privacy=privacy)
    previous_records = period_records(coalition, *previous, runs=runs, privacy=privacy)
    answers = health_answers(coalition, min(periods[0][0], previous[0]), end)
    for records in (current_records, previous_records, *trend):
        records.health_answers, records.health = reporting.health_of(
            answers, records.start, records.end
        )
    for records in (current_records, previous_records):
        survey_records(coalition, records)
    # Wins per period are charted too: one query for all of them.
    first = periods[0][0]
    won_on = list(
        Win.objects.filter(coalition=coalition, won_on__range=(first, end)).values_list(
            "won_on", flat=True
        )
    )
    for records in trend:
        records.wins = [
            reporting.Win(title="", won_on=day)
            for day in won_on
            if records.start <= day <= records.end
        ]
    snapshot = reporting.build_report(
        current_records, previous_records, privacy=privacy, trend=trend
    )
    snapshot["coalition"] = {"name": coalition.name}
    snapshot["narrative"] = narrative
    return snapshot
