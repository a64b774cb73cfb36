"""Reads for import and export: the coalition as the user may see it, in plain values."""

from allies.models import Actor, AllyAssessment, ContactDetail
from networks.metrics.models import ActorMetric, MetricRun, MetricRunStatus
from networks.models import ActorPosition, Interaction, InteractionParticipant, Tie
from networks.transfer.plan import ExistingActor, Snapshot, weft_id

METRIC_FIELDS = (
    "degree",
    "weighted_degree",
    "betweenness",
    "closeness",
    "pagerank",
    "core_number",
    "community",
    "is_broker",
    "is_peripheral",
)


def import_snapshot(access) -> Snapshot:
    """What an import is matched against: four queries, whatever the size of the map."""
    coalition_id = access.coalition.pk
    actors = Actor.objects.filter(coalition_id=coalition_id)
    visible = actors.visible(include_sensitive=access.sees_sensitive)
    snapshot = Snapshot(
        actors=[
            ExistingActor(id=pk, name=name, external_key=key)
            for pk, name, key in visible.values_list("pk", "name", "external_key").order_by("pk")
        ]
    )
    if not access.sees_sensitive:
        snapshot.hidden_keys = set(
            actors.filter(is_sensitive=True)
            .exclude(external_key="")
            .values_list("external_key", flat=True)
        )
    ties = Tie.objects.filter(coalition_id=coalition_id).visible(
        include_sensitive=access.sees_sensitive
    )
    for pk, source, target, kind in ties.values_list(
        "pk", "source_id", "target_id", "kind"
    ).order_by("pk"):
        snapshot.ties.setdefault((source, target, kind), []).append(pk)
    participants: dict[int, list[int]] = {}
    for interaction_id, actor_id in InteractionParticipant.objects.filter(
        interaction__coalition_id=coalition_id
    ).values_list("interaction_id", "actor_id"):
        participants.setdefault(interaction_id, []).append(actor_id)
    snapshot.interactions = {
        (kind, occurred_on.isoformat(), summary, tuple(sorted(participants.get(pk, ()))))
        for pk, kind, occurred_on, summary in Interaction.objects.filter(
            coalition_id=coalition_id
        ).values_list("pk", "kind", "occurred_on", "summary")
    }
    return snapshot


def export_id(actor_id: int, external_key: str) -> str:
    return external_key or weft_id(actor_id)


def map_export(access, *, include_contacts: bool, filters=None) -> dict:
    """The coalition's map as the exporting role may see it, in the plain shape the writers
    take. Sensitive actors and ties (and interactions that involve a sensitive actor) only for
    roles that see sensitive items; contact details only when ``include_contacts``.

    With ``filters`` (networks.map.MapFilters, a saved view's), only the actors and ties that
    the map shows with those filters, and the interactions among those actors."""
    coalition = access.coalition
    actors = (
        Actor.objects.filter(coalition=coalition)
        .visible(include_sensitive=access.sees_sensitive)
        .prefetch_related("tags")
        .order_by("pk")
    )
    shown_ties = None
    if filters is not None:
        from networks.map.payload import map_rows

        nodes, edges = map_rows(access, filters)
        actors = actors.filter(pk__in=[node["id"] for node in nodes])
        shown_ties = {edge["id"] for edge in edges}
    rows = list(actors)
    ids = {a.pk: export_id(a.pk, a.external_key) for a in rows}
    assessments = _assessment_histories(ids)
    contacts = _contact_lists(ids) if include_contacts else {}
    metrics = _latest_metrics(coalition, ids)
    positions = {
        actor_id: [x, y]
        for actor_id, x, y in ActorPosition.objects.filter(actor_id__in=ids).values_list(
            "actor_id", "x", "y"
        )
    }
    exported_actors = []
    for actor in rows:
        history = assessments.get(actor.pk, [])
        exported = {
            "id": ids[actor.pk],
            "label": actor.name,
            "kind": actor.kind,
            "type_label": actor.type_label,
            "description": actor.description,
            "tags": sorted(tag.name for tag in actor.tags.all()),
            "custom_fields": actor.custom_fields,
            "is_sensitive": actor.is_sensitive,
            "is_directly_affected": actor.is_directly_affected,
            "assessment": history[-1] if history else None,
            "assessments": history,
            "metrics": metrics.get(actor.pk, {}),
            "position": positions.get(actor.pk),
        }
        if include_contacts:
            exported["contacts"] = contacts.get(actor.pk, [])
        exported_actors.append(exported)
    return {
        "coalition": {"name": coalition.name},
        "actors": exported_actors,
        "ties": _exported_ties(access, ids, shown_ties),
        "interactions": _exported_interactions(coalition, ids),
    }


def _assessment_histories(ids: dict[int, str]) -> dict[int, list[dict]]:
    """Each actor's assessments, oldest first."""
    assessments: dict[int, list[dict]] = {}
    for assessment in AllyAssessment.objects.filter(actor_id__in=ids).order_by(
        "actor_id", "assessed_on", "created_at", "id"
    ):
        assessments.setdefault(assessment.actor_id, []).append(
            {
                "stance": assessment.stance,
                "ally_kind": assessment.ally_kind,
                "influence": assessment.influence,
                "proximity": assessment.proximity,
                "commitment": assessment.commitment,
                "assessed_on": assessment.assessed_on.isoformat(),
                "note": assessment.note,
            }
        )
    return assessments


def _contact_lists(ids: dict[int, str]) -> dict[int, list[dict]]:
    contacts: dict[int, list[dict]] = {}
    for contact in ContactDetail.objects.filter(actor_id__in=ids).order_by("actor_id", "id"):
        contacts.setdefault(contact.actor_id, []).append(
            {
                "kind": contact.kind,
                "value": contact.value,
                "label": contact.label,
                "is_primary": contact.is_primary,
            }
        )
    return contacts


def _latest_metrics(coalition, ids: dict[int, str]) -> dict[int, dict]:
    """Each actor's figures in the latest run that succeeded (none before the first)."""
    metrics: dict[int, dict] = {}
    run = (
        MetricRun.objects.filter(coalition=coalition, status=MetricRunStatus.SUCCEEDED)
        .order_by("-finished_at", "-id")
        .first()
    )
    if run is not None:
        for row in ActorMetric.objects.filter(run=run, actor_id__in=ids).values(
            "actor_id", *METRIC_FIELDS
        ):
            metrics[row.pop("actor_id")] = row
    return metrics


def _exported_ties(access, ids: dict[int, str], shown_ties: set[int] | None) -> list[dict]:
    """The visible ties between exported actors (and, with a saved view's filters, shown)."""
    ties = (
        Tie.objects.filter(coalition=access.coalition)
        .visible(include_sensitive=access.sees_sensitive)
        .order_by("pk")
    )
    return [
        {
            "source": ids[tie.source_id],
            "target": ids[tie.target_id],
            "kind": tie.kind,
            "type_label": tie.type_label,
            "direction": tie.direction,
            "strength": tie.strength,
            "declared_weight": tie.declared_weight,
            "custom_fields": tie.custom_fields,
            "description": tie.description,
            "is_sensitive": tie.is_sensitive,
            "started_on": tie.started_on.isoformat() if tie.started_on else None,
            "ended_on": tie.ended_on.isoformat() if tie.ended_on else None,
        }
        for tie in ties
        if tie.source_id in ids
        and tie.target_id in ids
        and (shown_ties is None or tie.pk in shown_ties)
    ]


def _exported_interactions(coalition, ids: dict[int, str]) -> list[dict]:
    """The interactions among exported actors only: one with anyone else is left out whole."""
    participants: dict[int, list[str]] = {}
    hidden: set[int] = set()
    for interaction_id, actor_id in InteractionParticipant.objects.filter(
        interaction__coalition=coalition
    ).values_list("interaction_id", "actor_id"):
        if actor_id in ids:
            participants.setdefault(interaction_id, []).append(ids[actor_id])
        else:
            hidden.add(interaction_id)  # it involves an actor this role may not see
    return [
        {
            "kind": interaction.kind,
            "occurred_on": interaction.occurred_on.isoformat(),
            "summary": interaction.summary,
            "participants": sorted(participants.get(interaction.pk, [])),
        }
        for interaction in Interaction.objects.filter(coalition=coalition).order_by("pk")
        if interaction.pk not in hidden and participants.get(interaction.pk)
    ]
