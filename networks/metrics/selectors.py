"""Reads for metric runs: the coalition's network as it stood on a day, and the latest run."""

import datetime

from django.db.models import Q
from django.utils import timezone

from allies.models import Actor, Affiliation, AllyAssessment, SkillLevel
from coalitions.connect.models import Membership
from coalitions.models import Coalition
from coalitions.produce.models import Action, GroupMember
from networks.graph.compute import BANDS, MetricInput, band_changes, strength_band
from networks.graph.leadership import LeadRole, SkillRecord
from networks.graph.strength import StrengthSettings, relationship_strengths
from networks.metrics.models import MetricRun, MetricRunStatus
from networks.models import InteractionParticipant, Tie
from weft.vocabulary import ActorKind, MemberPhase, Stance

# The stances of the actors a weaver works with besides the member organisations.
ALLY_STANCES = (Stance.ACTIVE_ALLY, Stance.PASSIVE_ALLY)


def metric_input(coalition_id: int, on: datetime.date | None = None) -> MetricInput:
    """The coalition's network as it stood on ``on`` (today by default): actors, the ties
    current that day, interactions up to it, affiliations current that day (two-mode data),
    leadership records and skill levels known by then. Eleven queries, whatever the size of the
    network."""
    on = on or timezone.localdate()
    coalition = Coalition.objects.only("strength_settings").get(pk=coalition_id)
    actor_rows = list(
        Actor.objects.filter(coalition_id=coalition_id, created_at__date__lte=on)
        .order_by("id")
        .values_list("id", "kind", "is_sensitive", "is_directly_affected")
    )
    actor_ids = tuple(row[0] for row in actor_rows)
    known = set(actor_ids)
    tie_rows = (
        Tie.objects.filter(coalition_id=coalition_id)
        .current(on)
        .values_list("source_id", "target_id", "strength", "is_sensitive", "declared_weight")
    )
    participants: dict[int, tuple[str, datetime.date, list[int]]] = {}
    for interaction_id, kind, occurred_on, actor_id in InteractionParticipant.objects.filter(
        interaction__coalition_id=coalition_id, interaction__occurred_on__lte=on
    ).values_list("interaction_id", "interaction__kind", "interaction__occurred_on", "actor_id"):
        participants.setdefault(interaction_id, (kind, occurred_on, []))[2].append(actor_id)
    actions_led = Action.leaders.through.objects.filter(
        action__coalition_id=coalition_id, action__starts_on__lte=on
    ).values_list("actor_id", "action__starts_on")
    lead_affiliations = Affiliation.objects.filter(
        person__coalition_id=coalition_id, is_lead=True
    ).values_list("person_id", "started_on", "ended_on")
    lead_seats = GroupMember.objects.filter(
        group__coalition_id=coalition_id, is_lead=True
    ).values_list("actor_id", "joined_on", "left_on")
    lead_roles = [
        LeadRole(actor, started, ended)
        for actor, started, ended in (*lead_affiliations, *lead_seats)
        if actor in known and (started is None or started <= on)
    ]
    skills = SkillLevel.objects.filter(
        actor__coalition_id=coalition_id, assessed_on__lte=on
    ).values_list("actor_id", "skill_id", "level", "assessed_on")
    members = (
        Membership.objects.filter(coalition_id=coalition_id)
        .exclude(phase=MemberPhase.PROSPECT)
        .filter(
            Q(joined_on__isnull=True) | Q(joined_on__lte=on),
            Q(left_on__isnull=True) | Q(left_on__gt=on),
        )
    )
    member_ids = frozenset(members.values_list("organisation_id", flat=True)) & known
    allies = (
        frozenset(
            AllyAssessment.objects.filter(actor__coalition_id=coalition_id)
            .current(on)
            .filter(stance__in=ALLY_STANCES)
            .values_list("actor_id", flat=True)
        )
        & known
    )
    groups: dict[int, set[int]] = {}
    current_affiliations = Affiliation.objects.filter(
        Q(started_on__isnull=True) | Q(started_on__lte=on),
        Q(ended_on__isnull=True) | Q(ended_on__gte=on),
        person__coalition_id=coalition_id,
        organisation__is_sensitive=False,  # the projection would tell who belongs to it
    ).values_list("organisation_id", "person_id")
    for group, person in current_affiliations:
        if group in known and person in known:
            groups.setdefault(group, set()).add(person)
    return MetricInput(
        coalition_id=coalition_id,
        on=on,
        actor_ids=actor_ids,
        people=frozenset(row[0] for row in actor_rows if row[1] == ActorKind.PERSON),
        sensitive=frozenset(row[0] for row in actor_rows if row[2]),
        directly_affected=frozenset(row[0] for row in actor_rows if row[3]),
        members=member_ids,
        candidates=member_ids | allies,
        ties=tuple(
            (s, t, strength, sensitive, weight)
            for s, t, strength, sensitive, weight in tie_rows
            if s in known and t in known
        ),
        interactions=tuple(
            (kind, occurred_on, tuple(sorted(a for a in actors if a in known)))
            for kind, occurred_on, actors in participants.values()
        ),
        actions_led=tuple((a, day) for a, day in actions_led if a in known),
        lead_roles=tuple(lead_roles),
        skills=tuple(SkillRecord(*row) for row in skills if row[0] in known),
        strength_settings=coalition.strength_settings or {},
        affiliations=tuple(
            tuple(sorted(members)) for _, members in sorted(groups.items()) if len(members) > 1
        ),
    )


def latest_run(coalition_id: int) -> MetricRun | None:
    """The coalition's latest succeeded metric run: the one the dashboard and map show."""
    return (
        MetricRun.objects.filter(coalition_id=coalition_id, status=MetricRunStatus.SUCCEEDED)
        .order_by("-computed_for", "-finished_at", "-id")
        .first()
    )


def strength_preview(coalition_id: int, overrides: dict) -> dict:
    """What saving ``overrides`` as the coalition's strength settings would change, today:
    how many relationships move from one band to another (weak, medium, strong;
    networks/graph/compute.py), with the current settings against the new. Reads only."""
    inputs = metric_input(coalition_id)
    declared = [((s, t), strength) for s, t, strength, *_ in inputs.ties]

    def strengths(settings: dict) -> dict[tuple[int, int], float]:
        relationships = relationship_strengths(
            inputs.interactions,
            declared,
            inputs.on,
            StrengthSettings.from_overrides(settings),
            inputs.affiliations,
        )
        return {pair: r.strength for pair, r in relationships.items()}

    before = strengths(inputs.strength_settings)
    after = strengths(overrides)
    changes = band_changes(before, after)
    return {
        "relationships": len(before.keys() | after.keys()),
        "changed": sum(changes.values()),
        "moves": [
            {"from": old, "to": new, "count": count}
            for (old, new), count in sorted(changes.items(), key=lambda item: -item[1])
        ],
        "bands_before": _band_counts(before),
        "bands_after": _band_counts(after),
    }


def _band_counts(strengths: dict[tuple[int, int], float]) -> dict[str, int]:
    counts = dict.fromkeys(BANDS, 0)
    for value in strengths.values():
        counts[strength_band(value)] += 1
    return counts
