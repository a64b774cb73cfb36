"""Two actors made one, and undone.

Every row that points at the merged actor (ties, interactions, assessments, affiliations,
contact details, memberships, signatures, endorsements, plans, group seats, actions, tags,
metrics…) is found through the model graph, not a hand-kept list, so a model added later is
moved too. A row that cannot move because the kept actor already has one like it (a second
membership, a tie that would join the kept actor to itself) is a conflict: it is shown before
the merge and dropped by it, and kept in the merge record so that an undo puts it back.
"""

import json

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.http import Http404
from django.utils import timezone

from allies.models import Actor
from coalitions.roles import Permission
from networks.transfer.models import ActorMerge
from weft.errors import ApplicationError
from weft.services import delete_as, save_as
from weft.versions import last_change_of, require_version

# Fields of the kept actor a merge may change; their values before are kept for the undo.
KEPT_FIELDS = (
    "description",
    "custom_fields",
    "is_sensitive",
    "is_directly_affected",
    "external_key",
)


def _actor_references() -> list[tuple[type[models.Model], models.ForeignKey]]:
    """Every foreign key to Actor, auto-created many-to-many tables included; history tables
    and merge records excluded (they record the past, they are not the actor's)."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.model_name.startswith("historical") or model is ActorMerge:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey) and field.related_model is Actor:
                found.append((model, field))
    found.sort(key=lambda pair: (pair[0]._meta.label, pair[1].name))
    return found


def _row_data(row: models.Model) -> dict:
    return {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}


def _jsonable(data: dict) -> dict:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def require_merger(access) -> None:
    """Organizers and stewards: a merge moves every row of both actors, sensitive ties and
    interactions included, so it is for the roles that see them all."""
    access.require(Permission.MAP_EDIT)
    access.require(Permission.SENSITIVE_VIEW)


def _pair(access, kept_id, merged_id) -> tuple[Actor, Actor]:
    try:
        kept_id, merged_id = int(kept_id), int(merged_id)
    except (TypeError, ValueError):
        raise ApplicationError("Name two actors by id.", field="keep") from None
    if kept_id == merged_id:
        raise ApplicationError("An actor cannot be merged into itself.", field="merge")
    actors = {
        a.pk: a
        for a in Actor.objects.select_for_update().filter(
            coalition=access.coalition, pk__in=(kept_id, merged_id)
        )
    }
    for field, actor_id in (("keep", kept_id), ("merge", merged_id)):
        if actor_id not in actors:
            raise ApplicationError("No such actor in this coalition.", field=field, status=404)
    return actors[kept_id], actors[merged_id]


def field_conflicts(kept: Actor, merged: Actor) -> list[dict]:
    """Where the two actors disagree; the kept actor's value wins (an empty one is filled)."""
    conflicts = []
    for field in ("name", "kind", "description", "external_key"):
        mine, theirs = getattr(kept, field), getattr(merged, field)
        if mine and theirs and mine != theirs:
            conflicts.append({"field": field, "kept": mine, "dropped": theirs})
    for name, value in merged.custom_fields.items():
        if name in kept.custom_fields and kept.custom_fields[name] != value:
            conflicts.append(
                {
                    "field": f"custom_fields.{name}",
                    "kept": kept.custom_fields[name],
                    "dropped": value,
                }
            )
    return conflicts


def _record_moves(model, pks: list[int], *, user, reason: str) -> None:
    """After rows were moved with a queryset update: their version grows (so an edit from
    before the move is refused as stale, not applied over it) and, where the model keeps
    history, each moved row gets its history record, with who and why."""
    if not pks:
        return
    field_names = {field.name for field in model._meta.concrete_fields}
    if "version" in field_names:
        changes = {"version": models.F("version") + 1}
        if "updated_at" in field_names:
            changes["updated_at"] = timezone.now()
        model._default_manager.filter(pk__in=pks).update(**changes)
    history = getattr(model._meta, "simple_history_manager_attribute", None)
    if history:
        rows = list(model._default_manager.filter(pk__in=pks).order_by("pk"))
        getattr(model, history).bulk_history_create(
            rows, update=True, default_user=user, default_change_reason=reason
        )


def _merge(*, kept: Actor, merged: Actor, user) -> dict:
    moves: dict = {"moved": [], "dropped": []}
    moves["kept_before"] = _jsonable({f: getattr(kept, f) for f in KEPT_FIELDS})
    moves["field_conflicts"] = field_conflicts(kept, merged)
    for model, field in _actor_references():
        rows = list(model._default_manager.filter(**{field.attname: merged.pk}).order_by("pk"))
        moved = []
        for row in rows:
            try:
                with transaction.atomic():
                    model._default_manager.filter(pk=row.pk).update(**{field.attname: kept.pk})
                moved.append(row.pk)
            except IntegrityError:
                # The kept actor has one already, or the row would join it to itself.
                moves["dropped"].append(
                    {
                        "model": model._meta.label,
                        "field": field.attname,
                        "row": _jsonable(_row_data(row)),
                    }
                )
                model._default_manager.filter(pk=row.pk).delete()
        if moved:
            moves["moved"].append(
                {"model": model._meta.label, "field": field.attname, "rows": moved}
            )
            _record_moves(
                model, moved, user=user, reason=f"moved from actor {merged.pk} by a merge"
            )
    kept.description = kept.description or merged.description
    kept.custom_fields = {**merged.custom_fields, **kept.custom_fields}
    # A merge never makes a sensitive actor public, nor drops the directly-affected mark.
    kept.is_sensitive = kept.is_sensitive or merged.is_sensitive
    kept.is_directly_affected = kept.is_directly_affected or merged.is_directly_affected
    moves["merged"] = _jsonable(_row_data(merged))
    merged_key = merged.external_key
    delete_as(merged, user=user)
    if not kept.external_key and merged_key:
        kept.external_key = merged_key
    save_as(kept, user=user, reason=f"merged with actor {moves['merged']['id']}")
    # The kept actor's version after the merge: an undo refuses to overwrite a later edit.
    moves["kept_version"] = kept.version
    return moves


def _count(moves: dict) -> dict:
    return {
        "moved": {m["model"]: len(m["rows"]) for m in moves["moved"]},
        "dropped": [{"model": d["model"], "row": d["row"].get("id")} for d in moves["dropped"]],
        "field_conflicts": moves["field_conflicts"],
    }


def actor_merge_preview(*, access, kept_id, merged_id) -> dict:
    """What a merge would move and drop, found by doing it and rolling it back."""
    require_merger(access)
    with transaction.atomic():
        kept, merged = _pair(access, kept_id, merged_id)
        moves = _merge(kept=kept, merged=merged, user=access.user)
        transaction.set_rollback(True)
    return _count(moves)


@transaction.atomic
def actor_merge(
    *, access, kept_id, merged_id, kept_version=None, merged_version=None
) -> ActorMerge:
    """Merge ``merged_id`` into ``kept_id``. A page passes the versions of the two actors its
    preview showed: a merge of actors changed since is refused, naming who changed which."""
    require_merger(access)
    kept, merged = _pair(access, kept_id, merged_id)
    for actor, version in ((kept, kept_version), (merged, merged_version)):
        if version is not None:
            require_version(actor, version, what=f"“{actor.name}”")
    name = merged.name
    moves = _merge(kept=kept, merged=merged, user=access.user)
    return ActorMerge.objects.create(
        coalition=access.coalition,
        kept=kept,
        merged_actor_id=moves["merged"]["id"],
        merged_name=name,
        moves=moves,
        merged_by=access.user,
    )


@transaction.atomic
def actor_merge_undo(*, access, merge_id) -> ActorMerge:
    """Bring the merged actor back with everything that moved or was dropped."""
    require_merger(access)
    try:
        merge = ActorMerge.objects.select_for_update().get(
            pk=int(merge_id), coalition=access.coalition
        )
    except (ActorMerge.DoesNotExist, ValueError, OverflowError):
        raise Http404("No such merge.") from None
    if merge.undone_at is not None:
        raise ApplicationError("This merge was undone already.", status=409, code="undone")
    if merge.kept_id is None:
        raise ApplicationError(
            "The kept actor was deleted since: the merge cannot be undone.", status=409
        )
    moves = merge.moves
    _require_unchanged_since(merge)
    try:
        with transaction.atomic():
            # The kept actor first: it may hold the merged actor's external key meanwhile.
            kept = Actor.objects.select_for_update().get(pk=merge.kept_id)
            for field, value in moves["kept_before"].items():
                setattr(kept, field, value)
            save_as(
                kept, user=access.user, reason=f"merge with actor {merge.merged_actor_id} undone"
            )
            merged = Actor(**_restorable(Actor, moves["merged"]))
            save_as(merged, user=access.user, force_insert=True)
            for group in moves["moved"]:
                model = apps.get_model(group["model"])
                rows = model._default_manager.filter(
                    pk__in=group["rows"], **{group["field"]: kept.pk}
                )
                back = list(rows.values_list("pk", flat=True))
                rows.update(**{group["field"]: merged.pk})
                _record_moves(
                    model,
                    back,
                    user=access.user,
                    reason=f"back to actor {merged.pk}: merge undone",
                )
            for dropped in moves["dropped"]:
                model = apps.get_model(dropped["model"])
                row = model(**_restorable(model, dropped["row"]))
                row.save(force_insert=True)
    except IntegrityError:
        raise ApplicationError(
            "The map changed since the merge in a way that stops the undo (an actor or row "
            "it needs is gone, or the name is taken).",
            status=409,
            code="conflict",
        ) from None
    merge.undone_at = timezone.now()
    merge.undone_by = access.user
    merge.save(update_fields=["undone_at", "undone_by"])
    return merge


def _require_unchanged_since(merge: ActorMerge) -> None:
    """Refuse an undo that would overwrite or lose what was done after the merge, saying what:
    an edit of the kept actor (the undo puts back its fields as they were before), or a row
    that moved with the merge and was deleted or moved on since (it could not go back)."""
    kept = Actor.objects.select_for_update().get(pk=merge.kept_id)
    after = merge.moves.get("kept_version")
    if after is not None and kept.version != after:
        change = last_change_of(kept)
        who = change.get("changed_by") or "someone"
        fields = ", ".join(change.get("changed_fields") or []) or "its details"
        raise ApplicationError(
            f"“{kept.name}” was changed by {who} since the merge ({fields}): the undo would "
            "overwrite that change, so it was not done.",
            status=409,
            code="changed_since",
        )
    key = merge.moves.get("merged", {}).get("external_key")
    holder = (
        Actor.objects.filter(coalition_id=merge.coalition_id, external_key=key)
        .exclude(pk=merge.kept_id)
        .first()
        if key
        else None
    )
    if holder is not None:
        raise ApplicationError(
            f"“{holder.name}” has the external key “{key}” of “{merge.merged_name}” since the "
            "merge: change it there first, then undo the merge.",
            status=409,
            code="changed_since",
        )
    for group in merge.moves.get("moved", []):
        model = apps.get_model(group["model"])
        still = model._default_manager.filter(
            pk__in=group["rows"], **{group["field"]: merge.kept_id}
        ).count()
        gone = len(group["rows"]) - still
        if gone:
            what = rows_name(model, gone)
            raise ApplicationError(
                f"{gone} {what} that moved to “{kept.name}” with the merge "
                f"{'was' if gone == 1 else 'were'} deleted or changed to another actor since: "
                "the undo could not put everything back, so it was not done.",
                status=409,
                code="changed_since",
            )


def rows_name(model, count: int) -> str:
    """A model's name as a person reads it; a tag table reads "tag", not "actor-tag
    relationship"."""
    if model._meta.auto_created:
        other = next(
            f.related_model
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model is not Actor
        )
        model = other
    meta = model._meta
    return str(meta.verbose_name if count == 1 else meta.verbose_name_plural)


def _restorable(model, data: dict) -> dict:
    """Field values from a merge record, turned back into Python values."""
    values = {}
    for field in model._meta.concrete_fields:
        if field.attname not in data:
            continue
        raw = data[field.attname]
        if isinstance(field, models.JSONField) or raw is None:
            values[field.attname] = raw
        else:
            values[field.attname] = field.to_python(raw)
    return values
