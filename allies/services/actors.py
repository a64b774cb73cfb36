"""Writes about actors: adding one, changing it (tags included), deleting it with everything
that hangs on it, and restoring it from history."""

import uuid

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.http import Http404

from allies.models import Actor, Tag
from coalitions.roles import Access, Permission
from coalitions.services import layout_request_after_edit, metrics_request_after_edit
from weft.errors import ApplicationError
from weft.history import restore_row
from weft.services import apply_changes, delete_as, locked_at, save_as
from weft.validation import require_text
from weft.versions import ANY_VERSION


def _checked_name(name: str) -> str:
    return require_text(name, field="name", what="The name")[:200]


def _tags_named(coalition_id: int, names) -> list[Tag]:
    """The coalition's tags of these names, the missing ones created (a name once)."""
    names = sorted({name.strip() for name in names if name.strip()})
    existing = {t.name: t for t in Tag.objects.filter(coalition_id=coalition_id, name__in=names)}
    missing = [Tag(coalition_id=coalition_id, name=n) for n in names if n not in existing]
    return [*existing.values(), *Tag.objects.bulk_create(missing)]


def _require_sensitive_allowed(access: Access, is_sensitive: bool) -> None:
    # A role that cannot see sensitive actors cannot make one either.
    if is_sensitive and not access.sees_sensitive:
        raise ApplicationError(
            "Your role cannot mark actors sensitive.", field="is_sensitive", status=403
        )


@transaction.atomic
def actor_create(
    *,
    access: Access,
    name: str,
    kind: str,
    description: str = "",
    tags=None,
    is_sensitive: bool = False,
    is_directly_affected: bool = False,
    external_key: str = "",
    custom_fields: dict | None = None,
) -> Actor:
    """Put an actor on the coalition's map (organizers, weavers, stewards). Its place is found
    by the next layout run; its evidence counts from the next metric run."""
    access.require(Permission.MAP_EDIT_ALL)
    _require_sensitive_allowed(access, is_sensitive)
    actor = Actor(
        coalition=access.coalition,
        name=_checked_name(name),
        kind=kind,
        description=description,
        is_sensitive=is_sensitive,
        is_directly_affected=is_directly_affected,
        external_key=external_key,
        custom_fields=custom_fields or {},
    )
    save_as(actor, user=access.user)
    if tags is not None:
        actor.tags.set(_tags_named(access.coalition.pk, tags))
    layout_request_after_edit(coalition_id=access.coalition.pk)
    metrics_request_after_edit(coalition_id=access.coalition.pk)
    return actor


@transaction.atomic
def actor_update(*, access: Access, actor: Actor, expected_version, **changes) -> Actor:
    """Change an actor: any the role may edit (a member, their own organisation only).
    ``changes``: name, kind, description, tags (names), is_sensitive, is_directly_affected,
    external_key, custom_fields."""
    actor = locked_at(actor, expected_version, what="This actor")
    access.require_edit_actor(actor)
    if "name" in changes:
        changes["name"] = _checked_name(changes["name"])
    if "is_sensitive" in changes:
        _require_sensitive_allowed(access, changes["is_sensitive"])
    tags = changes.pop("tags", None)
    apply_changes(actor, changes, user=access.user)
    if tags is not None:
        actor.tags.set(_tags_named(actor.coalition_id, tags))
    metrics_request_after_edit(coalition_id=actor.coalition_id)
    return actor


def _dependents() -> list[tuple[type, Q]]:
    """What goes with an actor when it is deleted, and comes back when it is restored: the
    rows whose model declares ``deleted_with_actor`` (the fields that point at the actor),
    its ties and its place on the map among them. Rows without history cascade and are not
    restorable (interaction participations, group seats)."""
    found = []
    for model in apps.get_models():
        fields = getattr(model, "deleted_with_actor", ())
        if fields:
            found.append((model, fields))
    return sorted(found, key=lambda pair: pair[0]._meta.label)


def _pointing_at(fields, actor_id: int) -> Q:
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}_id": actor_id})
    return condition


@transaction.atomic
def actor_delete(*, access: Access, actor: Actor, expected_version) -> None:
    """Delete an actor and its ties (and its other dependents) in one transaction, each
    deletion recorded in history under one batch mark, so the whole can be restored."""
    actor = locked_at(actor, expected_version, what="This actor")
    access.require_edit_actor(actor)
    batch = f"deleted with actor {actor.pk} ({uuid.uuid4().hex[:12]})"
    for model, fields in _dependents():
        for row in model.objects.filter(_pointing_at(fields, actor.pk)):
            delete_as(row, user=access.user, reason=batch)
    delete_as(actor, user=access.user, reason=batch)
    layout_request_after_edit(coalition_id=access.coalition.pk)
    metrics_request_after_edit(coalition_id=access.coalition.pk)


@transaction.atomic
def actor_restore(
    *, access: Access, actor_id: int, history_id: int, expected_version=ANY_VERSION
) -> Actor:
    """Bring an actor back to the state a history record holds (organizers, weavers,
    stewards). Restoring its deletion record undeletes it, with the ties and other rows
    deleted with it (a row whose other actor is gone since stays deleted)."""
    access.require(Permission.MAP_EDIT_ALL)
    try:
        record = Actor.history.get(
            history_id=history_id, id=actor_id, coalition_id=access.coalition.pk
        )
    except Actor.history.model.DoesNotExist:
        raise Http404("No such version of this actor.") from None
    if record.is_sensitive and not access.sees_sensitive:
        raise Http404("No such version of this actor.")
    restored, recreated = restore_row(
        record,
        user=access.user,
        reason=f"restored from history {history_id}",
        expected_version=expected_version,
        what="This actor",
    )
    if recreated and record.history_type == "-" and record.history_change_reason:
        _restore_batch(record.history_change_reason, access.user)
    layout_request_after_edit(coalition_id=access.coalition.pk)
    return restored


def _restore_batch(batch: str, user) -> None:
    for model, fields in _dependents():
        for record in model.history.filter(history_type="-", history_change_reason=batch):
            ends = {getattr(record, f"{field}_id") for field in fields} - {None}
            if Actor.objects.filter(pk__in=ends).count() != len(ends):
                continue  # another actor it points at was deleted since
            if model.objects.filter(pk=record.id).exists():
                raise ApplicationError(
                    f"Cannot restore {model._meta.verbose_name} {record.id}: it exists again.",
                    status=409,
                    code="conflict",
                )
            restore_row(record, user=user, reason=f"restored with actor ({batch})")
