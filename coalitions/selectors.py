"""Reads about coalitions, shared by pages, API and tasks."""

import statistics

from django.apps import apps
from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from allies.models import Actor
from coalitions.api.fields import hide_sensitive_references, visible_actions
from coalitions.decisions import decision_outcome
from coalitions.equity import Ballot, equity_report
from coalitions.models import (
    HEALTH_DIMENSIONS,
    Action,
    ClimateShift,
    Coalition,
    CoalitionPhase,
    Commitment,
    FeedbackComment,
    FeedbackRound,
    GroupMember,
    HealthCheckAnswer,
    HealthCheckRound,
    Introduction,
    MemberPhase,
    Membership,
    Proposal,
    Signature,
    Vote,
    VoteChoice,
    Win,
    WorkingGroup,
)
from coalitions.text import paragraphs_of, render_markdown
from networks.models import InteractionParticipant, Suggestion, SuggestionStatus


def coalition_list_for(user) -> QuerySet[Coalition]:
    """The coalitions a user holds a role in, with that role, in one query."""
    return Coalition.objects.for_user(user).order_by("name", "id")


def coalition_overview(coalition: Coalition, *, include_sensitive: bool) -> dict:
    """Headline counts for a coalition's home page (two queries)."""
    actor_filter = Q() if include_sensitive else Q(actors__is_sensitive=False)
    counts = Coalition.objects.filter(pk=coalition.pk).aggregate(
        actors=Count("actors", filter=actor_filter, distinct=True),
        members=Count("memberships", filter=Q(memberships__left_on__isnull=True), distinct=True),
    )
    from networks.models import Tie

    counts["ties"] = (
        Tie.objects.filter(coalition=coalition).visible(include_sensitive=include_sensitive).count()
    )
    return counts


# ---------------------------------------------------------------------------------------------
# The weaver's workflow


def health_round_summary(health_round) -> dict:
    """A health-check round's averages, spread and change against the coalition's previous
    round, per dimension. Aggregates only: no organisation's answers (two queries)."""

    def scores_of(round_id):
        rows = HealthCheckAnswer.objects.filter(round_id=round_id).values_list(*HEALTH_DIMENSIONS)
        return list(zip(*rows, strict=True)) if rows else [() for _ in HEALTH_DIMENSIONS]

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
    now = scores_of(health_round.pk)
    before = scores_of(previous) if previous else [() for _ in HEALTH_DIMENSIONS]
    dimensions = {}
    for name, scores, earlier in zip(HEALTH_DIMENSIONS, now, before, strict=True):
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
        "answers": len(now[0]) if now and now[0] else 0,
        "previous_round": previous,
        "dimensions": dimensions,
    }


def public_signatories(version) -> list[str]:
    """The names of the organisations whose signature of ``version`` counts and who agreed
    to be listed: what the public page shows (nothing of the signers)."""

    return list(
        Signature.objects.filter(
            version=version,
            confirmed_at__isnull=False,
            withdrawn_at__isnull=True,
            show_publicly=True,
        )
        .order_by("organisation_key")
        .values_list("organisation_name", flat=True)
    )


COLD_AFTER_DAYS = 60  # no interaction for two months: the card says the member is going cold


def pipeline_board(access) -> dict:
    """Every member and prospect of the coalition by phase, each with its designee, value
    proposition, commitments and the days since its last interaction (three queries: the
    memberships with their organisation and designee and last interaction, the
    commitments, and the phase counts come from the same rows)."""

    last_seen = (
        InteractionParticipant.objects.filter(actor=OuterRef("organisation"))
        .order_by()
        .values("actor")
        .annotate(last=Max("interaction__occurred_on"))
        .values("last")
    )
    memberships = hide_sensitive_references(
        Membership.objects.filter(coalition=access.coalition, left_on__isnull=True),
        access,
        "organisation",
        "designee",
    )
    memberships = (
        memberships.select_related("organisation", "designee")
        .annotate(last_interaction=Subquery(last_seen[:1]))
        .prefetch_related(
            Prefetch("commitments", queryset=Commitment.objects.order_by("due_on", "id"))
        )
        .order_by("organisation__name", "id")
    )
    today = timezone.localdate()
    columns = {phase: [] for phase in MemberPhase.values}
    for membership in memberships:
        last = membership.last_interaction
        membership.days_since_contact = (today - last).days if last else None
        membership.is_cold = last is None or (today - last).days > COLD_AFTER_DAYS
        columns[membership.phase].append(membership)
    total = sum(len(rows) for rows in columns.values())
    return {
        "columns": [
            {
                "phase": phase,
                "label": MemberPhase(phase).label,
                "members": rows,
                "share": round(100 * len(rows) / total) if total else 0,
            }
            for phase, rows in columns.items()
        ],
        "total": total,
    }


def connect_actors(access) -> list:
    """The actors a weaver may introduce: the coalition's, as the role may see them."""

    return list(
        Actor.objects.filter(coalition=access.coalition)
        .visible(include_sensitive=access.sees_sensitive)
        .only("id", "name")
        .order_by("name", "id")
    )


def open_suggestions(access):

    rows = Suggestion.objects.filter(coalition=access.coalition, status=SuggestionStatus.OPEN)
    rows = hide_sensitive_references(rows, access, "actor", "other")
    return rows.select_related("actor", "other").order_by("-score", "id")


def introductions_for(access):

    rows = Introduction.objects.filter(coalition=access.coalition)
    rows = hide_sensitive_references(rows, access, "introduced", "introduced_to")
    return rows.select_related("introduced", "introduced_to", "introduced_by").order_by(
        "-introduced_on", "-id"
    )


def open_feedback_round(statement):

    return (
        FeedbackRound.objects.filter(version__statement=statement, closes_at__gt=timezone.now())
        .select_related("version")
        .order_by("-opened_at")
        .first()
    )


def statement_workspace(statement, access) -> dict:
    """What the statement page shows: the latest text by paragraph, each with the comments
    of the rounds on that version, the versions, the open round and the public signatures
    count."""

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
    paragraphs = [
        {"number": i, "html": render_markdown(text), "comments": comments.get(i, [])}
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
        "signatures": (
            Signature.objects.filter(
                version=signable, confirmed_at__isnull=False, withdrawn_at__isnull=True
            ).count()
            if signable
            else 0
        ),
    }


def voting_memberships(access):
    """The member organisations that vote (not prospects, not former members), with their
    designee."""
    rows = hide_sensitive_references(
        Membership.objects.filter(coalition=access.coalition, left_on__isnull=True).exclude(
            phase=MemberPhase.PROSPECT
        ),
        access,
        "organisation",
        "designee",
    )
    return rows.select_related("organisation", "designee").order_by("organisation__name")


def proposals_for(access) -> list:
    """Proposals, newest first, each with its votes (organisation and choice) and counts."""

    votes = hide_sensitive_references(
        Vote.objects.select_related("organisation", "designee"), access, "organisation"
    )
    rows = list(
        Proposal.objects.filter(coalition=access.coalition)
        .prefetch_related(Prefetch("votes", queryset=votes.order_by("cast_at")))
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


# The kinds of change the activity stream shows: (label, model path, field naming the row).
# Contact details are left out on purpose: their history holds personal data.
ACTIVITY_KINDS = {
    "coalition": ("Coalition", "coalitions.Coalition", "name"),
    "actors": ("Actor", "allies.Actor", "name"),
    "ties": ("Tie", "networks.Tie", None),
    "interactions": ("Interaction", "networks.Interaction", "summary"),
    "memberships": ("Membership", "coalitions.Membership", None),
    "introductions": ("Introduction", "coalitions.Introduction", "reason"),
    "statements": ("Unity statement", "coalitions.UnityStatement", "title"),
    "principles": ("Principle", "coalitions.Principle", "title"),
    "proposals": ("Proposal", "coalitions.Proposal", "title"),
    "groups": ("Working group", "coalitions.WorkingGroup", "name"),
    "actions": ("Action", "coalitions.Action", "title"),
    "wins": ("Win", "coalitions.Win", "title"),
    "shifts": ("Climate shift", "coalitions.ClimateShift", "title"),
}
CHANGE_TYPES = {"+": "added", "~": "changed", "-": "deleted"}
# Fields whose change says nothing to a person (they move on every save).
QUIET_FIELDS = ("version", "updated_at", "created_at")
SHORT_VALUE = 60  # longer texts are named as changed, without their old and new words


class ActorRef(int):
    """An actor's id in a field change, replaced by the actor's name once names are read."""


def _field_value(field, value):
    """A changed field's value as a weaver reads it, or None when it is not shown (long
    texts, JSON, references: the field is named, its value left to the item's own page)."""
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field.is_relation and field.related_model is Actor:
        return ActorRef(value)  # named below, if the role may see the actor
    if field.is_relation or field.get_internal_type() in ("TextField", "JSONField"):
        return None
    text = str(value)
    return text if len(text) <= SHORT_VALUE else None


def _changes(record, previous) -> list[dict]:
    """Which fields a change touched, from what to what where that is short and plain."""
    if previous is None or record.history_type != "~":
        return []
    delta = record.diff_against(previous, excluded_fields=QUIET_FIELDS)
    model = record.instance_type
    changes = []
    for change in delta.changes:
        try:
            field = model._meta.get_field(change.field)
        except LookupError:
            continue
        old, new = _field_value(field, change.old), _field_value(field, change.new)
        shown = old is not None and new is not None
        changes.append(
            {
                "field": change.field,
                "label": str(field.verbose_name).capitalize(),
                "old": old if shown else None,
                "new": new if shown else None,
            }
        )
    return changes


def _previous_records(history, records) -> dict[int, object]:
    """The record before each of ``records`` (by history id), for the field changes: found
    among the records themselves, else in one more query for the oldest of each item."""
    by_item: dict[int, list] = {}
    for record in records:
        by_item.setdefault(record.id, []).append(record)
    previous, wanted = {}, {}
    for item_id, rows in by_item.items():
        rows.sort(key=lambda r: (r.history_date, r.history_id))
        for older, newer in zip(rows, rows[1:], strict=False):
            previous[newer.history_id] = older
        if rows[0].history_type == "~":
            wanted[item_id] = rows[0]
    if wanted:
        latest = max(r.history_date for r in wanted.values())
        candidates = history.filter(id__in=list(wanted), history_date__lte=latest).order_by(
            "id", "-history_date", "-history_id"
        )
        for candidate in candidates:
            oldest = wanted.get(candidate.id)
            if oldest is None or oldest.history_id in previous:
                continue
            if (candidate.history_date, candidate.history_id) < (
                oldest.history_date,
                oldest.history_id,
            ):
                previous[oldest.history_id] = candidate
    return previous


def activity_stream(access, *, kinds=None, limit: int = 100) -> list[dict]:
    """What changed in the coalition, by whom and when, and which fields, newest first, from
    the history every edited row keeps (per kind: one query for the changes, at most one for
    the records before the oldest of them; then one for the actors named). Rows the role may
    not see (sensitive actors and ties, and what names them) are left out."""
    kinds = [k for k in (kinds or ACTIVITY_KINDS) if k in ACTIVITY_KINDS]
    records = []
    for kind in kinds:
        label, model_path, name_field = ACTIVITY_KINDS[kind]
        history = apps.get_model(model_path).history
        scope = {"id": access.coalition.pk} if kind == "coalition" else {}
        rows = history.filter(**(scope or {"coalition_id": access.coalition.pk}))
        if not access.sees_sensitive and kind in ("actors", "ties"):
            rows = rows.filter(is_sensitive=False)
        fetched = list(rows.select_related("history_user").order_by("-history_date")[:limit])
        previous = _previous_records(rows, fetched)
        for record in fetched:
            changes = _changes(record, previous.get(record.history_id))
            records.append((kind, label, name_field, record, changes))
    actor_ids = set()
    for kind, _, _, record, changes in records:
        for change in changes:
            actor_ids |= {v for v in (change["old"], change["new"]) if isinstance(v, ActorRef)}
        if kind == "ties":
            actor_ids |= {record.source_id, record.target_id}
        elif kind == "memberships":
            actor_ids.add(record.organisation_id)
        elif kind == "introductions":
            actor_ids |= {record.introduced_id, record.introduced_to_id}
    actors = Actor.objects.filter(pk__in=actor_ids).visible(include_sensitive=access.sees_sensitive)
    names = dict(actors.values_list("pk", "name"))
    # An actor or tie marked sensitive since: its earlier, unmarked history would name it.
    hidden_now = {"actors": set(), "ties": set()}
    if not access.sees_sensitive:
        from networks.models import Tie

        for kind, model in (("actors", Actor), ("ties", Tie)):
            ids = {record.id for k, _, _, record, _ in records if k == kind}
            if ids:
                hidden_now[kind] = set(
                    model.objects.filter(pk__in=ids, is_sensitive=True).values_list("pk", flat=True)
                )
    entries = []
    for kind, label, name_field, record, changes in records:
        if record.id in hidden_now.get(kind, ()):
            continue
        if kind == "ties":
            ends = (record.source_id, record.target_id)
            if not all(end in names for end in ends):
                continue
            what = f"{names[ends[0]]} – {names[ends[1]]} ({record.kind})"
        elif kind == "memberships":
            if record.organisation_id not in names:
                continue
            what = f"{names[record.organisation_id]} ({record.phase})"
        elif kind == "introductions":
            ends = (record.introduced_id, record.introduced_to_id)
            if not all(end in names for end in ends):
                continue
            what = f"{names[ends[0]]} → {names[ends[1]]}"
        else:
            what = getattr(record, name_field) or f"#{record.id}"
        for change in changes:
            for end in ("old", "new"):
                if isinstance(change[end], ActorRef):
                    change[end] = names.get(change[end], "someone you may not see")
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user.get_username() if record.history_user else None,
                "kind": kind,
                "kind_label": label,
                "change": CHANGE_TYPES.get(record.history_type, record.history_type),
                "what": what,
                "changes": changes,
            }
        )
    entries.sort(key=lambda entry: entry["when"], reverse=True)
    return entries[:limit]


def produce_overview(access) -> dict:
    """Working groups (nested), their members and leads; actions and moments of convergence
    with who led them; wins and climate shifts with the actions behind them. Rows naming an
    actor the role may not see are left out, as in the API."""
    seats = hide_sensitive_references(
        GroupMember.objects.select_related("actor"), access, "actor"
    ).order_by("-is_lead", "actor__name")
    groups = list(
        WorkingGroup.objects.filter(coalition=access.coalition)
        .prefetch_related(Prefetch("members", queryset=seats))
        .order_by("name")
    )
    children: dict[int | None, list] = {}
    for group in groups:
        children.setdefault(group.parent_id, []).append(group)

    def tree(parent_id, depth):
        for group in children.get(parent_id, []):
            group.depth = depth
            yield group
            yield from tree(group.pk, depth + 1)

    visible_ids = {g.pk for g in groups}
    roots = [g for g in groups if g.parent_id is None or g.parent_id not in visible_ids]
    ordered = []
    for root in roots:
        root.depth = 0
        ordered.append(root)
        ordered.extend(tree(root.pk, 1))
    leaders = Actor.objects.only("id", "name").order_by("name")
    actions = (
        visible_actions(access)
        .select_related("working_group")
        .prefetch_related(Prefetch("leaders", queryset=leaders))
        .order_by("-starts_on", "id")
    )
    linked = Prefetch("actions", queryset=visible_actions(access).only("id", "title"))
    return {
        "groups": ordered,
        "actions": list(actions[:200]),
        "wins": list(Win.objects.filter(coalition=access.coalition).prefetch_related(linked)[:200]),
        "shifts": list(
            ClimateShift.objects.filter(coalition=access.coalition).prefetch_related(linked)[:200]
        ),
    }


def coalition_phase_history(coalition) -> list[dict]:
    """Each phase the coalition has been in, oldest first, with who moved it there and when:
    read from the coalition's history (one query)."""

    labels = dict(CoalitionPhase.choices)
    rows = (
        Coalition.history.filter(id=coalition.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    changes, previous = [], None
    for record in rows:
        if record.phase != previous:
            changes.append(
                {
                    "phase": record.phase,
                    "label": labels.get(record.phase, record.phase),
                    "from_label": labels.get(previous, "") if previous else "",
                    "when": record.history_date,
                    "who": record.history_user.get_username() if record.history_user else None,
                }
            )
            previous = record.phase
    return changes


def designee_terms(access, memberships) -> dict[int, list[dict]]:
    """Who was each membership's designee, from when to when (``until`` None: still is),
    newest first, from the memberships' history (two queries: the history rows, the names
    of the people, as the role may see them). A designee the role may not see is shown as
    hidden, not left out, so the dates stay honest."""

    ids = [m.pk for m in memberships]
    if not ids:
        return {}
    rows = (
        Membership.history.filter(id__in=ids)
        .order_by("id", "history_date", "history_id")
        .values_list("id", "designee_id", "history_date", "history_type")
    )
    terms: dict[int, list[dict]] = {}
    for membership_id, designee_id, when, history_type in rows:
        own = terms.setdefault(membership_id, [])
        current = own[-1] if own and own[-1]["until"] is None else None
        if history_type == "-":
            if current:
                current["until"] = when
            continue
        if current is not None and current["designee_id"] == designee_id:
            continue
        if current is not None:
            current["until"] = when
        if designee_id is not None:
            own.append({"designee_id": designee_id, "since": when, "until": None})
    people = {t["designee_id"] for own in terms.values() for t in own}
    visible = Actor.objects.filter(pk__in=people).visible(include_sensitive=access.sees_sensitive)
    names = dict(visible.values_list("pk", "name"))
    for own in terms.values():
        for term in own:
            term["name"] = names.get(term["designee_id"], "a person you may not see")
        own.reverse()
    return terms
