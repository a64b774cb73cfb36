"""The coalition's activity stream, read from the history every editable row keeps."""

from django.apps import apps

from allies.models import Actor

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


# The kinds named by the actors they join: the fields holding those actors, and the wording
# ({0}, {1}: the actors' names).
NAMED_BY_ACTORS = {
    "ties": (("source_id", "target_id"), "{0} – {1} ({record.kind})"),
    "memberships": (("organisation_id",), "{0} ({record.phase})"),
    "introductions": (("introduced_id", "introduced_to_id"), "{0} → {1}"),
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
    records = [row for kind in kinds for row in _kind_records(access, kind, limit)]
    actor_ids = _named_actor_ids(records)
    actors = Actor.objects.filter(pk__in=actor_ids).visible(include_sensitive=access.sees_sensitive)
    names = dict(actors.values_list("pk", "name"))
    hidden_now = _marked_sensitive_since(access, records)
    entries = []
    for kind, label, name_field, record, changes in records:
        if record.id in hidden_now.get(kind, ()):
            continue
        what = _what(kind, name_field, record, names)
        if what is None:
            continue
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


def _kind_records(access, kind: str, limit: int) -> list[tuple]:
    """The latest ``limit`` changes of one kind that the role may see, as (kind, label, name
    field, history record, field changes)."""
    label, model_path, name_field = ACTIVITY_KINDS[kind]
    history = apps.get_model(model_path).history
    scope = {"id": access.coalition.pk} if kind == "coalition" else {}
    rows = history.filter(**(scope or {"coalition_id": access.coalition.pk}))
    if not access.sees_sensitive and kind in ("actors", "ties"):
        rows = rows.filter(is_sensitive=False)
    fetched = list(rows.select_related("history_user").order_by("-history_date")[:limit])
    previous = _previous_records(rows, fetched)
    return [
        (kind, label, name_field, record, _changes(record, previous.get(record.history_id)))
        for record in fetched
    ]


def _named_actor_ids(records) -> set[int]:
    """The actors the records name: in their field changes, and the actors a tie, membership
    or introduction joins."""
    actor_ids = set()
    for kind, _, _, record, changes in records:
        for change in changes:
            actor_ids |= {v for v in (change["old"], change["new"]) if isinstance(v, ActorRef)}
        joined, _ = NAMED_BY_ACTORS.get(kind, ((), ""))
        actor_ids |= {getattr(record, field) for field in joined}
    return actor_ids


def _marked_sensitive_since(access, records) -> dict[str, set[int]]:
    """The actors and ties marked sensitive since their records: their earlier, unmarked
    history would name them."""
    hidden_now = {"actors": set(), "ties": set()}
    if access.sees_sensitive:
        return hidden_now
    from networks.models import Tie

    for kind, model in (("actors", Actor), ("ties", Tie)):
        ids = {record.id for k, _, _, record, _ in records if k == kind}
        if ids:
            hidden_now[kind] = set(
                model.objects.filter(pk__in=ids, is_sensitive=True).values_list("pk", flat=True)
            )
    return hidden_now


def _what(kind: str, name_field: str | None, record, names: dict[int, str]) -> str | None:
    """What the record is about, as a weaver reads it; None when that names an actor the
    role may not see."""
    if kind not in NAMED_BY_ACTORS:
        return getattr(record, name_field) or f"#{record.id}"
    joined, wording = NAMED_BY_ACTORS[kind]
    ends = [getattr(record, field) for field in joined]
    if not all(end in names for end in ends):
        return None
    return wording.format(*(names[end] for end in ends), record=record)
