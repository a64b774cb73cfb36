"""The coalition's activity stream: every write a user makes, with who made it and when the
service made it. Editable rows are read from the history they keep (simple_history stamps
each record with the moment of the write); votes, health-check answers and signatures are
rows that record their own moment (``cast_at``, ``answered_at``, ``created_at`` /
``confirmed_at`` / ``withdrawn_at``, set by their service to the present), read as they are.

Only the organizers, weavers and stewards read the stream (require_workspace). Even so it
never shows personal data beyond the user names the workspace already shows: a signer is
never named (the signature's organisation is), a health-check answer never shows its scores,
and sensitive actors, and what names them, are left out for the roles that may not see
them."""

from django.apps import apps

from allies.models import Actor
from coalitions.align.models import HealthCheckAnswer, Signature, Vote
from coalitions.roles import hide_sensitive_references

# The kinds of change the activity stream shows: (label, model path, field naming the row).
# Contact details are left out on purpose: their history holds personal data.
ACTIVITY_KINDS = {
    "coalition": ("Coalition", "coalitions.Coalition", "name"),
    "actors": ("Actor", "allies.Actor", "name"),
    "ties": ("Tie", "networks.Tie", None),
    "interactions": ("Interaction", "networks.Interaction", "summary"),
    "assessments": ("Assessment", "allies.AllyAssessment", None),
    "endorsements": ("Endorsement", "coalitions.Endorsement", None),
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


# The kinds whose history rows do not carry the coalition: how they reach it, and the actor
# that makes a record sensitive for the roles that may not see it.
HISTORY_SCOPE = {
    "assessments": ("actor__coalition_id", "actor"),
    "endorsements": ("principle__coalition_id", "organisation"),
}


# The writes read from rows that record their own moment: (label, kind of write).
EVENT_KINDS = {
    "votes": "Vote",
    "health": "Health-check answer",
    "signatures": "Signature",
}


# Every kind the stream shows, for the filter: (key, label).
KIND_CHOICES = [(k, label) for k, (label, _, _) in ACTIVITY_KINDS.items()] + list(
    EVENT_KINDS.items()
)


# The kinds named by the actors they join: the fields holding those actors, and the wording
# ({0}, {1}: the actors' names).
NAMED_BY_ACTORS = {
    "ties": (("source_id", "target_id"), "{0} – {1} ({record.kind})"),
    "memberships": (("organisation_id",), "{0} ({record.phase})"),
    "introductions": (("introduced_id", "introduced_to_id"), "{0} → {1}"),
    "assessments": (("actor_id",), "{0}: {record.stance_label}, {record.ally_kind_label}"),
    "endorsements": (("organisation_id",), "{0} endorses “{record.principle_title}”"),
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
    """What changed in the coalition, by whom and when, and which fields, newest first (per
    history kind: one query for the changes, at most one for the records before the oldest
    of them; per event kind one query, three for signatures; then one for the actors named).
    Rows the role may not see (sensitive actors and ties, and what names them) are left out."""
    chosen = kinds or [*ACTIVITY_KINDS, *EVENT_KINDS]
    history_kinds = [k for k in chosen if k in ACTIVITY_KINDS]
    records = [row for kind in history_kinds for row in _kind_records(access, kind, limit)]
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
    for kind in (k for k in chosen if k in EVENT_KINDS):
        entries += EVENT_READERS[kind](access, limit)
    entries.sort(key=lambda entry: entry["when"], reverse=True)
    return entries[:limit]


def _event(kind: str, when, who, change: str, what: str) -> dict:
    return {
        "when": when,
        "who": who.get_username() if who is not None else None,
        "kind": kind,
        "kind_label": EVENT_KINDS[kind],
        "change": change,
        "what": what,
        "changes": [],
    }


def _vote_events(access, limit: int) -> list[dict]:
    """Votes cast, at the moment the vote service recorded them (a vote changed later shows
    at its latest moment), by the user who recorded it."""
    votes = hide_sensitive_references(
        Vote.objects.filter(proposal__coalition=access.coalition), access, "organisation"
    )
    votes = votes.select_related("proposal", "organisation", "recorded_by").order_by("-cast_at")
    return [
        _event(
            "votes",
            vote.cast_at,
            vote.recorded_by,
            "cast",
            f"{vote.organisation.name} on “{vote.proposal.title}”: {vote.get_choice_display()}",
        )
        for vote in votes[:limit]
    ]


def _health_events(access, limit: int) -> list[dict]:
    """Health-check answers sent: which organisation answered which round, never its scores
    or comment (only the round's averages are ever shown)."""
    answers = hide_sensitive_references(
        HealthCheckAnswer.objects.filter(round__coalition=access.coalition),
        access,
        "organisation",
    )
    answers = answers.select_related("round", "organisation", "answered_by").order_by(
        "-answered_at"
    )
    return [
        _event(
            "health",
            answer.answered_at,
            answer.answered_by,
            "answered",
            f"{answer.organisation.name} answered “{answer.round.title}”",
        )
        for answer in answers.only(
            "answered_at",
            "round__title",
            "organisation__name",
            "answered_by__username",
        )[:limit]
    ]


# A signature's writes: (the field holding its moment, the change as a weaver reads it).
SIGNATURE_WRITES = (
    ("created_at", "asked to sign"),
    ("confirmed_at", "signed"),
    ("withdrawn_at", "withdrew"),
)


def _signature_events(access, limit: int) -> list[dict]:
    """A signature asked for on the public page, confirmed by the signer's link, withdrawn:
    each at its moment, named by the organisation and the version, never by the signer (a
    member of the public, whose name and email are personal data)."""
    signatures = hide_sensitive_references(
        Signature.objects.filter(version__statement__coalition=access.coalition),
        access,
        "organisation",
    ).select_related("version__statement")
    signatures = signatures.only(
        "organisation_name",
        "created_at",
        "confirmed_at",
        "withdrawn_at",
        "version__number",
        "version__statement__title",
    )
    events = []
    for field, change in SIGNATURE_WRITES:
        rows = signatures.filter(**{f"{field}__isnull": False}).order_by(f"-{field}")[:limit]
        events += [
            _event(
                "signatures",
                getattr(signature, field),
                None,  # the signer, on the public page: not a user, and never named here
                change,
                f"{signature.organisation_name} on “{signature.version.statement.title}” "
                f"(version {signature.version.number})",
            )
            for signature in rows
        ]
    return events


EVENT_READERS = {
    "votes": _vote_events,
    "health": _health_events,
    "signatures": _signature_events,
}


def _kind_records(access, kind: str, limit: int) -> list[tuple]:
    """The latest ``limit`` changes of one kind that the role may see, as (kind, label, name
    field, history record, field changes)."""
    label, model_path, name_field = ACTIVITY_KINDS[kind]
    history = apps.get_model(model_path).history
    related = ["history_user"]
    if kind == "coalition":
        rows = history.filter(id=access.coalition.pk)
    elif kind in HISTORY_SCOPE:
        path, actor = HISTORY_SCOPE[kind]
        rows = history.filter(**{path: access.coalition.pk})
        if not access.sees_sensitive:
            rows = rows.filter(**{f"{actor}__is_sensitive": False})
        if kind == "endorsements":
            related.append("principle")
    else:
        rows = history.filter(coalition_id=access.coalition.pk)
    if not access.sees_sensitive and kind in ("actors", "ties"):
        rows = rows.filter(is_sensitive=False)
    fetched = list(rows.select_related(*related).order_by("-history_date")[:limit])
    for record in fetched:
        _label_record(kind, record)
    previous = _previous_records(rows, fetched)
    return [
        (kind, label, name_field, record, _changes(record, previous.get(record.history_id)))
        for record in fetched
    ]


def _label_record(kind: str, record) -> None:
    """What the wording of NAMED_BY_ACTORS reads from a record beyond its own fields."""
    if kind == "assessments":
        record.stance_label = record.get_stance_display().lower()
        record.ally_kind_label = record.get_ally_kind_display().lower()
    elif kind == "endorsements":
        principle = getattr(record, "principle", None)
        record.principle_title = principle.title if principle is not None else "a principle"


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
