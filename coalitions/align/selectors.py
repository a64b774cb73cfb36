"""Reads of the Align workspace: statements and their signatories, proposals and who
votes, the health check's summaries and the equity check."""

import statistics

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from allies.models import Actor
from coalitions.align.decisions import decision_outcome
from coalitions.align.equity import Ballot, equity_report
from coalitions.align.models import (
    Endorsement,
    FeedbackComment,
    FeedbackRound,
    HealthCheckAnswer,
    HealthCheckRound,
    Pillar,
    PillarProximity,
    Proposal,
    Signature,
    StatementVersion,
    Target,
    Vote,
    VoteChoice,
)
from coalitions.align.text import paragraphs_of
from coalitions.connect.models import Membership
from coalitions.connect.selectors import current_members
from coalitions.models import Coalition
from coalitions.produce.models import Action, GroupMember, WorkingGroup
from coalitions.roles import hide_sensitive_references
from networks.comments.selectors import threads_by_paragraph
from weft.markdown import render_markdown
from weft.vocabulary import SIGNATORY_DEFINITION, HealthArea, MemberPhase


# ---------------------------------------------------------------------------------------------
# Health-check answers: one definition, used by the health pages, the API and the reports.
def counted_health_answers(*, include_sensitive: bool):
    """The health-check answers that count (HEALTH_ANSWER_DEFINITION), sensitive
    organisations' left out for readers that may not see them (members, funders, reports)."""
    rows = HealthCheckAnswer.objects.all()
    if not include_sensitive:
        rows = rows.exclude(organisation__is_sensitive=True)
    return rows


def health_answer_count_subquery(*, include_sensitive: bool):
    """The answer count of the round in ``OuterRef("pk")``, to annotate a list of rounds in
    its one query (HEALTH_ANSWER_DEFINITION)."""
    answered = (
        counted_health_answers(include_sensitive=include_sensitive)
        .filter(round_id=OuterRef("pk"))
        .order_by()
        .values("round_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(answered, output_field=IntegerField()), 0, output_field=IntegerField())


def health_answer_count(health_round, *, include_sensitive: bool) -> int:
    """How many answers the round has (HEALTH_ANSWER_DEFINITION; one query)."""
    return (
        counted_health_answers(include_sensitive=include_sensitive)
        .filter(round=health_round)
        .count()
    )


# ---------------------------------------------------------------------------------------------
# The weaver's workflow
def health_round_summary(health_round, *, include_sensitive: bool) -> dict:
    """A health-check round's averages, spread and change against the coalition's previous
    round, per dimension, over the answers that count (HEALTH_ANSWER_DEFINITION): ``answers``
    is their number. Aggregates only: no organisation's answers. A round with fewer answers
    than the coalition's small-count threshold shows none of its figures (with one answer,
    they would be that organisation's scores; with two, each other's), and a change against
    such a round is not shown either (three queries)."""

    def scores_of(round_id):
        rows = (
            counted_health_answers(include_sensitive=include_sensitive)
            .filter(round_id=round_id)
            .values_list(*HealthArea.values)
        )
        return list(zip(*rows, strict=True)) if rows else [() for _ in HealthArea.values]

    previous = (
        HealthCheckRound.objects.filter(coalition_id=health_round.coalition_id)
        .filter(
            Q(opens_on__lt=health_round.opens_on)
            | Q(opens_on=health_round.opens_on, pk__lt=health_round.pk)
        )
        .order_by("-opens_on", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    threshold = (
        Coalition.objects.filter(pk=health_round.coalition_id)
        .values_list("reports_small_count_threshold", flat=True)
        .get()
    )
    now = scores_of(health_round.pk)
    before = scores_of(previous) if previous else [() for _ in HealthArea.values]
    answers = len(now[0]) if now and now[0] else 0
    withheld = 0 < answers < threshold
    if withheld:
        now = [() for _ in HealthArea.values]
    if before and before[0] and len(before[0]) < threshold:
        before = [() for _ in HealthArea.values]
    dimensions = {}
    for name, scores, earlier in zip(HealthArea.values, now, before, strict=True):
        average = round(statistics.fmean(scores), 2) if scores else None
        previous_average = round(statistics.fmean(earlier), 2) if earlier else None
        dimensions[name] = {
            "average": average,
            "lowest": min(scores) if scores else None,
            "highest": max(scores) if scores else None,
            "spread": round(statistics.pstdev(scores), 2) if scores else None,
            "previous_average": previous_average,
            "change": (
                round(average - previous_average, 2)
                if average is not None and previous_average is not None
                else None
            ),
        }
    return {
        "round": health_round.pk,
        "answers": answers,
        "previous_round": previous,
        "withheld": withheld,
        "threshold": threshold,
        "dimensions": dimensions,
    }


# ---------------------------------------------------------------------------------------------
# Signatories: one definition, used by every page, the API, the dashboard and the reports.
def counted_signatures(*, at=None, include_sensitive: bool = True):
    """The signatures that make their organisation a signatory (SIGNATORY_DEFINITION): on the
    statement's latest published version, confirmed and not withdrawn, as they stand now or,
    with ``at``, as they stood just before that moment (published, confirmed before it and
    not withdrawn by then). One signature per organisation and version at most (a unique
    constraint), so counting rows counts organisations. Sensitive organisations are left out
    for readers that may not see them (``include_sensitive=False``: members, funders, the
    public page and the reports)."""

    published = StatementVersion.objects.filter(
        statement_id=OuterRef("version__statement_id"), published_at__isnull=False
    )
    rows = Signature.objects.filter(confirmed_at__isnull=False)
    if at is None:
        rows = rows.filter(withdrawn_at__isnull=True)
    else:
        published = published.filter(published_at__lt=at)
        rows = rows.filter(confirmed_at__lt=at).filter(
            Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=at)
        )
    current = published.order_by("-number").values("pk")[:1]
    rows = rows.filter(version_id=Subquery(current))
    if not include_sensitive:
        rows = rows.exclude(organisation__is_sensitive=True)
    return rows


def signatory_count(statement, *, include_sensitive: bool) -> int:
    """How many signatories the statement has (SIGNATORY_DEFINITION; one query)."""
    return (
        counted_signatures(include_sensitive=include_sensitive)
        .filter(version__statement=statement)
        .count()
    )


def signatory_count_subquery(*, include_sensitive: bool):
    """The signatory count of the statement in ``OuterRef("pk")``, to annotate a list of
    statements in its one query (SIGNATORY_DEFINITION)."""
    signed = (
        counted_signatures(include_sensitive=include_sensitive)
        .filter(version__statement_id=OuterRef("pk"))
        .order_by()
        .values("version__statement_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(signed, output_field=IntegerField()), 0, output_field=IntegerField())


def public_signatories(statement) -> dict:
    """What the public page shows of the signatories: how many (SIGNATORY_DEFINITION, without
    sensitive organisations) and the names of those that agreed to be listed (nothing of the
    signers; one query)."""
    rows = list(
        counted_signatures(include_sensitive=False)
        .filter(version__statement=statement)
        .order_by("organisation_key")
        .values_list("organisation_name", "show_publicly")
    )
    listed = [name for name, public in rows if public]
    return {"count": len(rows), "listed": listed, "unlisted": len(rows) - len(listed)}


def open_feedback_round(statement):

    return (
        FeedbackRound.objects.filter(version__statement=statement, closes_at__gt=timezone.now())
        .select_related("version")
        .order_by("-opened_at")
        .first()
    )


def statement_workspace(statement, access) -> dict:
    """What the statement page shows: the latest text by paragraph, each with the comments
    of the rounds on that version and its discussion threads (``threads``, ``thread_count``:
    comments not deleted), the versions, the open round and the public signatures
    count (SIGNATORY_DEFINITION)."""

    versions = list(statement.versions.order_by("number"))
    latest = versions[-1] if versions else None
    comments = {}
    if latest is not None:
        rows = FeedbackComment.objects.filter(round__version=latest).select_related(
            "author", "organisation"
        )
        rows = hide_sensitive_references(rows, access, "organisation")
        for comment in rows.order_by("paragraph", "created_at"):
            comments.setdefault(comment.paragraph, []).append(comment)
    threads = threads_by_paragraph(access, statement)
    paragraphs = [
        {
            "number": i,
            "html": render_markdown(text),
            "comments": comments.get(i, []),
            "threads": threads.get(i, []),
            "thread_count": sum(
                (not t.deleted_at) + sum(not r.deleted_at for r in t.thread_replies)
                for t in threads.get(i, [])
            ),
        }
        for i, text in enumerate(paragraphs_of(latest.body if latest else ""), start=1)
    ]
    signable = None
    if statement.status != "archived":
        signable = next((v for v in reversed(versions) if v.published_at), None)
    return {
        "statement": statement,
        "versions": versions,
        "latest": latest,
        "paragraphs": paragraphs,
        "open_round": open_feedback_round(statement),
        "signable": signable,
        "signatories": signatory_count(statement, include_sensitive=access.sees_sensitive),
        "signatory_definition": SIGNATORY_DEFINITION,
    }


def voting_memberships(access):
    """The member organisations that vote: the members (MEMBER_DEFINITION), with their
    designee."""
    rows = hide_sensitive_references(
        current_members(access.coalition, include_sensitive=True),
        access,
        "organisation",
        "designee",
    )
    return rows.select_related("organisation", "designee").order_by("organisation__name")


def proposals_for(access, *, proposal_id: int | None = None) -> list:
    """Proposals, newest first, each with its votes (organisation and choice) and counts (one
    proposal's only, with ``proposal_id``)."""

    votes = hide_sensitive_references(
        Vote.objects.select_related("organisation", "designee"), access, "organisation"
    )
    rows = Proposal.objects.filter(coalition=access.coalition)
    if proposal_id is not None:
        rows = rows.filter(pk=proposal_id)
    # Every role that reads proposals reads all their comments: the count is theirs to see.
    rows = list(
        rows.prefetch_related(Prefetch("votes", queryset=votes.order_by("cast_at")))
        .annotate(comment_count=Count("comments", filter=Q(comments__deleted_at__isnull=True)))
        .order_by("-created_at", "-id")
    )
    for proposal in rows:
        proposal.counts = dict.fromkeys(VoteChoice.values, 0)
        for vote in proposal.votes.all():
            proposal.counts[vote.choice] += 1
    return rows


def equity_check(coalition, *, on=None) -> dict:
    """The equity check (coalitions/equity.py) for the coalition and each of its groups, as
    of ``on`` (today by default): current members, designees and group seats, actions that
    started by then, votes cast by then on decided proposals and others."""

    on = on or timezone.localdate()
    current = Q(joined_on__isnull=True) | Q(joined_on__lte=on)
    staying = Q(left_on__isnull=True) | Q(left_on__gt=on)
    memberships = list(
        Membership.objects.filter(current, staying, coalition=coalition)
        .exclude(phase=MemberPhase.PROSPECT)
        .select_related("organisation", "designee")
    )
    actions = list(
        Action.objects.filter(coalition=coalition, starts_on__lte=on).prefetch_related(
            Prefetch("leaders", queryset=Actor.objects.only("id", "is_directly_affected"))
        )
    )
    seats = list(
        GroupMember.objects.filter(current, staying, group__coalition=coalition).select_related(
            "actor"
        )
    )
    votes = Vote.objects.filter(
        proposal__coalition=coalition, cast_at__date__lte=on
    ).select_related("organisation", "proposal")
    ballots = [Ballot(v.proposal_id, v.organisation.is_directly_affected, v.choice) for v in votes]
    decided = {
        p.pk: (p.rule, p.outcome)
        for p in Proposal.objects.filter(coalition=coalition, decided_at__date__lte=on)
    }
    whole = equity_report(
        members=[m.organisation.is_directly_affected for m in memberships],
        designees=[m.designee.is_directly_affected for m in memberships if m.designee],
        leads=[s.actor.is_directly_affected for s in seats if s.is_lead],
        action_leaders=[a.is_directly_affected for action in actions for a in action.leaders.all()],
        ballots=ballots,
        proposals=decided,
        outcome_of=decision_outcome,
    )
    groups = []
    for group in WorkingGroup.objects.filter(coalition=coalition).order_by("name"):
        in_group = [s for s in seats if s.group_id == group.pk]
        report = equity_report(
            members=[s.actor.is_directly_affected for s in in_group],
            designees=[],
            leads=[s.actor.is_directly_affected for s in in_group if s.is_lead],
            action_leaders=[
                a.is_directly_affected
                for action in actions
                if action.working_group_id == group.pk
                for a in action.leaders.all()
            ],
            ballots=None,
        )
        groups.append({"group": group, **report})
    return {"on": on, "coalition": whole, "groups": groups}


def endorsement_current(*, principle, organisation):
    """The organisation's standing (not withdrawn) endorsement of a principle, if any."""
    return Endorsement.objects.filter(
        principle=principle, organisation=organisation, withdrawn_at__isnull=True
    ).first()


# ---------------------------------------------------------------------------------------------
# Targets and their pillars of support
def targets_of(access):
    """The coalition's targets the role may see, primary first, with their actor and how many
    pillars each has (two queries whatever their number)."""
    targets = Target.objects.filter(coalition=access.coalition).select_related("actor")
    targets = hide_sensitive_references(targets, access, "actor")
    return targets.annotate(pillar_count=Count("pillars", distinct=True)).order_by(
        "-is_primary", "actor__name", "id"
    )


def target_for(access, pk):
    """One target the role may see, or None."""
    return targets_of(access).filter(pk=pk).first()


def pillars_of(access, target):
    """A target's pillars with their actor (hidden when the role may not see it) and the
    proximities recorded to each, closest first (two queries)."""
    proximities = hide_sensitive_references(
        PillarProximity.objects.select_related("actor"), access, "actor"
    ).order_by("-proximity", "actor__name")
    pillars = list(
        Pillar.objects.filter(target=target)
        .select_related("actor")
        .prefetch_related(Prefetch("proximities", queryset=proximities))
        .order_by("name", "id")
    )
    if not access.sees_sensitive:
        for pillar in pillars:
            if pillar.actor is not None and pillar.actor.is_sensitive:
                pillar.actor = None  # the pillar stays, by name; its actor is not revealed
    return pillars


def proximity_changes(proximities) -> dict[int, list[dict]]:
    """Each proximity's earlier values, newest first, from its history (one query): what a
    page shows so a move closer or away is seen."""
    ids = [p.pk for p in proximities]
    changes: dict[int, list[dict]] = {pk: [] for pk in ids}
    if not ids:
        return changes
    records = (
        PillarProximity.history.filter(id__in=ids)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    for record in records:
        changes[record.id].append(
            {
                "proximity": record.proximity,
                "changed_at": record.history_date,
                "changed_by": record.history_user.get_username() if record.history_user else None,
            }
        )
    for pk, rows in changes.items():
        # Keep the rows where the value moved; newest first.
        moved = [
            row
            for i, row in enumerate(rows)
            if i == 0 or row["proximity"] != rows[i - 1]["proximity"]
        ]
        changes[pk] = list(reversed(moved))
    return changes


def support_of(access, actor) -> dict:
    """What the map's panel shows of the pillars of support around ``actor``: the targets it
    is (with their pillars and who stands near them) and its proximity to each pillar (four
    queries)."""
    targets = list(targets_of(access).filter(actor=actor))
    pillars = Pillar.objects.filter(target__in=targets).select_related("actor").order_by("name")
    by_target: dict[int, list] = {t.pk: [] for t in targets}
    for pillar in pillars:
        shown = pillar.actor is not None and (
            access.sees_sensitive or not pillar.actor.is_sensitive
        )
        by_target[pillar.target_id].append(
            {
                "id": pillar.pk,
                "name": pillar.name,
                "sector": pillar.sector,
                "actor": pillar.actor_id if shown else None,
            }
        )
    # Who stands near each target's pillars (a recorded proximity): drawn with it.
    near: dict[int, set] = {t.pk: set() for t in targets}
    recorded = hide_sensitive_references(
        PillarProximity.objects.filter(pillar__target__in=targets), access, "actor"
    )
    for target_id, actor_id in recorded.values_list("pillar__target_id", "actor_id"):
        near[target_id].add(actor_id)
    proximities = (
        PillarProximity.objects.filter(actor=actor, pillar__target__coalition=access.coalition)
        .select_related("pillar__target__actor")
        .order_by("-proximity", "pillar__name")
    )
    proximities = hide_sensitive_references(proximities, access, "pillar__target__actor")
    return {
        "targets": [
            {
                "id": t.pk,
                "actor": t.actor_id,
                "demand": t.demand,
                "is_primary": t.is_primary,
                "pillars": by_target[t.pk],
                "near": sorted(near[t.pk]),
            }
            for t in targets
        ],
        "proximities": [
            {
                "id": p.pk,
                "pillar": p.pillar_id,
                "pillar_name": p.pillar.name,
                "target": p.pillar.target_id,
                "target_name": p.pillar.target.actor.name,
                "proximity": p.proximity,
            }
            for p in proximities
        ],
    }
