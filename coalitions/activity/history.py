"""One item's history as a person reads it (who changed which field from what to what, newest
first) and "restore this version", for every editable item that has a page or a panel. The
item kinds are listed once here: how to find the items a role may see, who may read their
history, who may restore a version, and which write service restores it (the one the API's
restore, or the item's edit form, calls: one write path)."""

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.http import Http404
from django.urls import reverse

from allies.models import Actor, Affiliation, ContactDetail, EngagementPlan, Skill
from allies.services.actors import actor_restore
from allies.services.plans import engagement_plan_update
from coalitions.align.models import Pillar, Principle, Proposal, Target, UnityStatement
from coalitions.align.services.principles import principle_update
from coalitions.align.services.proposals import proposal_update
from coalitions.align.services.targets import target_update
from coalitions.connect.models import Commitment, Introduction, Membership
from coalitions.produce.models import ClimateShift, Win, WorkingGroup
from coalitions.produce.selectors import visible_actions
from coalitions.produce.services import (
    action_update,
    climate_shift_update,
    win_update,
    working_group_update,
)
from coalitions.roles import Access, Permission, hide_sensitive_references
from networks.map.models import SavedView, Story
from networks.map.services import saved_view_update
from networks.models import Interaction, InteractionParticipant, Tie
from networks.services import tie_restore
from weft.errors import ApplicationError
from weft.history import HISTORY_TYPES

# Bookkeeping fields that move on every save or never change: not shown as changes.
HIDDEN_FIELDS = {"id", "version", "created_at", "updated_at", "coalition", "external_key"}


@dataclass(frozen=True)
class Tracked:
    """A kind of item whose history has a page."""

    label: str  # "working group"
    rows: Callable[[Access], object]  # the items of this kind the role may see (a QuerySet)
    view: Permission  # who may read the history (besides seeing the item)
    edit: Permission  # who may restore a version
    # restore(access, item, record, expected_version): the write service, or None when
    # versions are read-only here (the item keeps its own versions, or has no restore yet).
    restore: Callable | None
    page: Callable[[object], str]  # the item's own page or panel, to go back to
    title: Callable[[object], str] = str


def _actor_restore(access, item, record, expected_version):
    return actor_restore(
        access=access,
        actor_id=item.pk,
        history_id=record.history_id,
        expected_version=expected_version,
    )


def _tie_restore(access, item, record, expected_version):
    return tie_restore(
        access=access,
        tie_id=item.pk,
        history_id=record.history_id,
        expected_version=expected_version,
    )


def _related(access, model, pk, *, field: str):
    """The row a version pointed at, if it still exists and the role may see it."""
    if pk is None:
        return None
    row = model.objects.filter(pk=pk).first()
    if row is None:
        raise ApplicationError(
            f"The {field.replace('_', ' ')} this version names no longer exists; "
            "this version cannot be restored.",
            field=field,
            status=409,
            code="conflict",
        )
    return row


def _through_update(
    update, item_arg: str, fields: tuple[str, ...], related=(), by_access=False, **extra
):
    """A restore that is an ordinary edit: the version's values put back through the item's
    update service, so its rules (names unique, dates in order) hold as for any edit.
    ``by_access``: the service takes the writer's access (and checks the role itself)."""

    def restore(access, item, record, expected_version):
        values = {name: getattr(record, name) for name in fields}
        for name, model in related:
            values[name] = _related(access, model, getattr(record, f"{name}_id"), field=name)
        more = {key: make(access) for key, make in extra.items()}
        writer = {"access": access} if by_access else {"updated_by": access.user}
        return update(
            **{item_arg: item},
            expected_version=expected_version,
            **writer,
            **values,
            **more,
        )

    return restore


def _coalition_rows(model):
    return lambda access: model.objects.filter(coalition=access.coalition)


def _produce_page(kind: str):
    return lambda item: reverse("workflow-produce-edit", args=[item.coalition_id, kind, item.pk])


def _visible_interactions(access):
    """The coalition's interactions, without those naming an actor the role may not see (as
    the interactions API leaves them out)."""
    rows = Interaction.objects.filter(coalition=access.coalition)
    if not access.sees_sensitive:
        hidden = InteractionParticipant.objects.filter(actor__is_sensitive=True)
        rows = rows.exclude(pk__in=hidden.values("interaction_id"))
    return rows


def _map_page(item) -> str:
    return reverse("coalition-map", args=[item.coalition_id])


TRACKED = {
    "actor": Tracked(
        label="actor",
        rows=lambda access: Actor.objects.filter(coalition=access.coalition).visible(
            include_sensitive=access.sees_sensitive
        ),
        view=Permission.MAP_VIEW,
        edit=Permission.MAP_EDIT_ALL,  # as the API's restore (a member's own one too)
        restore=_actor_restore,
        page=_map_page,
    ),
    "tie": Tracked(
        label="tie",
        rows=lambda access: (
            Tie.objects.filter(coalition=access.coalition)
            .visible(include_sensitive=access.sees_sensitive)
            .select_related("source", "target")
        ),
        view=Permission.MAP_VIEW,
        edit=Permission.MAP_EDIT_ALL,
        restore=_tie_restore,
        page=_map_page,
        title=lambda tie: f"{tie.source.name} – {tie.target.name} ({tie.get_kind_display()})",
    ),
    "saved-view": Tracked(
        label="saved view",
        rows=_coalition_rows(SavedView),
        view=Permission.MAP_EDIT_ALL,  # as the saved views page
        edit=Permission.MAP_EDIT_ALL,
        restore=_through_update(
            saved_view_update,
            "view",
            ("name", "filters", "layout", "size_by", "camera"),
            by_access=True,
        ),
        page=lambda item: reverse("map-saved-views", args=[item.coalition_id]),
    ),
    # A statement's text keeps its own numbered versions (compared on its diff page); its
    # title and status are read here, not restored: publishing has its own steps.
    "statement": Tracked(
        label="unity statement",
        rows=_coalition_rows(UnityStatement),
        view=Permission.WORKFLOW_VIEW,
        edit=Permission.WORKFLOW_EDIT,
        restore=None,
        page=lambda item: reverse("workflow-statement", args=[item.coalition_id, item.pk]),
    ),
    # Plans name who carries a message to whom: for the roles that see contacts, as the API.
    "plan": Tracked(
        label="engagement plan",
        rows=lambda access: hide_sensitive_references(
            EngagementPlan.objects.filter(actor__coalition=access.coalition),
            access,
            "actor",
            "messenger",
        ).select_related("actor"),
        view=Permission.CONTACTS_VIEW,
        edit=Permission.MAP_EDIT_ALL,
        restore=_through_update(
            engagement_plan_update,
            "plan",
            ("ask", "frame", "next_step", "next_step_on"),
            related=(("messenger", Actor), ("owner", get_user_model())),
            by_access=True,
        ),
        page=lambda plan: reverse("coalition-map", args=[plan.actor.coalition_id]),
        title=lambda plan: f"for {plan.actor.name}",
    ),
    "target": Tracked(
        label="target",
        rows=lambda access: hide_sensitive_references(
            Target.objects.filter(coalition=access.coalition), access, "actor"
        ).select_related("actor"),
        view=Permission.MAP_VIEW,  # as the targets pages
        edit=Permission.MAP_EDIT_ALL,
        restore=_through_update(target_update, "target", ("demand", "is_primary")),
        page=lambda item: reverse("workflow-target", args=[item.coalition_id, item.pk]),
        title=lambda target: target.actor.name,
    ),
    # A membership names its designee (a person): for the roles that run the workspace. Its
    # page shows who was designee when; versions are read here, changed on that page.
    "membership": Tracked(
        label="membership",
        rows=lambda access: hide_sensitive_references(
            Membership.objects.filter(coalition=access.coalition),
            access,
            "organisation",
            "designee",
        ).select_related("organisation"),
        view=Permission.WORKFLOW_EDIT,
        edit=Permission.WORKFLOW_EDIT,
        restore=None,
        page=lambda item: reverse("workflow-membership", args=[item.coalition_id, item.pk]),
        title=lambda membership: membership.organisation.name,
    ),
    # An interaction's versions (kind, date, notes, follow-up), read here; its participants
    # are not versioned. Edited on its own page.
    "interaction": Tracked(
        label="interaction",
        rows=_visible_interactions,
        view=Permission.MAP_VIEW,
        edit=Permission.MAP_EDIT_ALL,
        restore=None,
        page=lambda item: reverse("interaction-edit", args=[item.coalition_id, item.pk]),
    ),
    # Read-only histories (restore=None): each is changed on its own page or panel, and its
    # versions are read here; the API restores none of them.
    "contact": Tracked(
        label="contact detail",
        rows=lambda access: hide_sensitive_references(
            ContactDetail.objects.filter(actor__coalition=access.coalition), access, "actor"
        ).select_related("actor"),
        view=Permission.CONTACTS_VIEW,  # personal data: for the roles that see contacts
        edit=Permission.CONTACTS_VIEW,
        restore=None,
        page=lambda item: reverse("actor-edit", args=[item.actor.coalition_id, item.actor_id]),
        title=lambda item: f"{item.get_kind_display()} of {item.actor.name}",
    ),
    "affiliation": Tracked(
        label="affiliation",
        rows=lambda access: hide_sensitive_references(
            Affiliation.objects.filter(person__coalition=access.coalition),
            access,
            "person",
            "organisation",
        ).select_related("person", "organisation"),
        view=Permission.MAP_VIEW,
        edit=Permission.MAP_EDIT_ALL,
        restore=None,
        page=lambda item: reverse("actor-edit", args=[item.person.coalition_id, item.person_id]),
        title=lambda item: f"{item.person.name} in {item.organisation.name}",
    ),
    "skill": Tracked(
        label="skill",
        rows=_coalition_rows(Skill),
        view=Permission.MAP_EDIT_ALL,  # as the skills page
        edit=Permission.MAP_EDIT_ALL,
        restore=None,
        page=lambda item: reverse("coalition-skills", args=[item.coalition_id]),
    ),
    "pillar": Tracked(
        label="pillar of support",
        rows=lambda access: hide_sensitive_references(
            Pillar.objects.filter(target__coalition=access.coalition), access, "actor"
        ).select_related("target"),
        view=Permission.MAP_VIEW,  # as the targets pages
        edit=Permission.MAP_EDIT_ALL,
        restore=None,
        page=lambda item: reverse(
            "workflow-target", args=[item.target.coalition_id, item.target_id]
        ),
        title=lambda item: item.name,
    ),
    "commitment": Tracked(
        label="commitment",
        rows=lambda access: Commitment.objects.filter(
            membership__coalition=access.coalition
        ).select_related("membership"),
        view=Permission.WORKFLOW_EDIT,  # as the membership's page
        edit=Permission.WORKFLOW_EDIT,
        restore=None,
        page=lambda item: reverse(
            "workflow-membership", args=[item.membership.coalition_id, item.membership_id]
        ),
    ),
    "introduction": Tracked(
        label="introduction",
        rows=lambda access: hide_sensitive_references(
            Introduction.objects.filter(coalition=access.coalition),
            access,
            "introduced",
            "introduced_to",
        ),
        view=Permission.WORKFLOW_EDIT,  # as the Connect page
        edit=Permission.WORKFLOW_EDIT,
        restore=None,
        page=lambda item: reverse("workflow-connect", args=[item.coalition_id]),
    ),
    "story": Tracked(
        label="story",
        rows=_coalition_rows(Story),
        view=Permission.MAP_VIEW,
        edit=Permission.MAP_EDIT_ALL,
        restore=None,
        page=_map_page,
    ),
    "proposal": Tracked(
        label="proposal",
        rows=_coalition_rows(Proposal),
        view=Permission.WORKFLOW_VIEW,
        edit=Permission.WORKFLOW_EDIT,
        restore=_through_update(
            proposal_update, "proposal", ("title", "text", "rule", "closes_at", "review_by")
        ),
        page=lambda item: reverse("workflow-proposal", args=[item.coalition_id, item.pk]),
    ),
    "principle": Tracked(
        label="principle",
        rows=_coalition_rows(Principle),
        view=Permission.WORKFLOW_VIEW,
        edit=Permission.WORKFLOW_EDIT,
        restore=_through_update(principle_update, "principle", ("title", "text")),
        page=lambda item: reverse("workflow-principles", args=[item.coalition_id]),
    ),
    "group": Tracked(
        label="working group",
        rows=_coalition_rows(WorkingGroup),
        view=Permission.WORKFLOW_VIEW,
        edit=Permission.WORKFLOW_EDIT,
        restore=_through_update(
            working_group_update,
            "group",
            ("name", "kind", "purpose"),
            related=(("parent", WorkingGroup),),
        ),
        page=_produce_page("groups"),
    ),
    "action": Tracked(
        label="action",
        rows=visible_actions,
        view=Permission.WORKFLOW_VIEW,
        edit=Permission.WORKFLOW_EDIT,
        restore=_through_update(
            action_update,
            "action",
            ("title", "is_convergence", "starts_on", "place")
            + ("planned_turnout", "actual_turnout", "outcome", "description"),
            related=(("working_group", WorkingGroup),),
        ),
        page=_produce_page("actions"),
    ),
    "win": Tracked(
        label="win",
        rows=_coalition_rows(Win),
        view=Permission.WORKFLOW_VIEW,
        edit=Permission.WORKFLOW_EDIT,
        restore=_through_update(
            win_update, "win", ("title", "won_on", "description"), visible_actions=visible_actions
        ),
        page=_produce_page("wins"),
    ),
    "shift": Tracked(
        label="climate shift",
        rows=_coalition_rows(ClimateShift),
        view=Permission.WORKFLOW_VIEW,
        edit=Permission.WORKFLOW_EDIT,
        restore=_through_update(
            climate_shift_update,
            "shift",
            ("title", "recorded_on", "direction", "description"),
            visible_actions=visible_actions,
        ),
        page=_produce_page("shifts"),
    ),
}


def tracked(kind: str) -> Tracked:
    if kind not in TRACKED:
        raise Http404("No such kind of item.")
    return TRACKED[kind]


def visible_item(access: Access, kind: str, item_id: int):
    """The item, if the role may read its history: it sees the item now, and never saw it
    marked sensitive (its earlier versions would show what a sensitive item was)."""
    spec = tracked(kind)
    access.require(spec.view)
    item = spec.rows(access).filter(pk=item_id).first()
    if item is None:
        raise Http404(f"No such {spec.label}.")
    once_sensitive = (
        not access.sees_sensitive
        and "is_sensitive" in _field_names(item)
        and type(item).history.filter(id=item.pk, is_sensitive=True).exists()
    )
    if once_sensitive:
        raise Http404(f"No such {spec.label}.")
    return item


def _field_names(item) -> set[str]:
    return {field.name for field in item._meta.concrete_fields}


def item_history(access: Access, kind: str, item_id: int) -> dict:
    """The item and its versions, newest first: when, who, the kind of change, each changed
    field (by its verbose name) from what to what, and whether it can be restored (every
    version but the current one, for the roles that may edit the item)."""
    spec = tracked(kind)
    item = visible_item(access, kind, item_id)
    records = list(
        type(item)
        .history.filter(id=item.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    can_restore = spec.restore is not None and access.can(spec.edit)
    shown_values = _ValueNames(access)
    entries, previous = [], None
    for record in records:
        entries.append(
            {
                "history_id": record.history_id,
                "change": HISTORY_TYPES[record.history_type],
                "who": record.history_user.get_username() if record.history_user else None,
                "when": record.history_date,
                "reason": _reason(record.history_change_reason),
                "changes": _changes(record, previous, shown_values),
                "restorable": can_restore and record.history_type != "-",
            }
        )
        previous = record
    entries.reverse()
    if entries:
        entries[0]["restorable"] = False  # the newest version is the item as it is
        entries[0]["current"] = True
    return {
        "kind": kind,
        "spec": spec,
        "item": item,
        "title": spec.title(item),
        "entries": entries,
        "can_restore": can_restore,
        "back": spec.page(item),
    }


def _reason(reason: str | None) -> str:
    if reason and reason.startswith("restored"):
        return "restored an earlier version"
    return ""


def _changes(record, previous, shown_values) -> list[dict]:
    if previous is None or record.history_type != "~":
        return []
    model = record.instance_type
    excluded = [
        field.name
        for field in model._meta.concrete_fields
        if field.name in HIDDEN_FIELDS or not field.editable
    ]
    delta = record.diff_against(previous, excluded_fields=excluded)
    changes = []
    for change in delta.changes:
        try:
            field = model._meta.get_field(change.field)
        except LookupError:
            continue
        changes.append(
            {
                "field": str(field.verbose_name).capitalize(),
                "old": shown_values(field, change.old),
                "new": shown_values(field, change.new),
            }
        )
    return sorted(changes, key=lambda change: change["field"])


class _ValueNames:
    """A field's value as a person reads it: a choice by its label, yes or no, a referenced
    row by its name (an actor the role may not see is not named)."""

    def __init__(self, access: Access):
        self.access = access
        self.names: dict[tuple, str] = {}

    def __call__(self, field, value) -> str:
        if value is None or value == "":
            return "—"
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return "yes" if value else "no"
        if field.is_relation:
            return self._name(field.related_model, value)
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else "—"
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return str(value)

    def _name(self, model, pk) -> str:
        key = (model._meta.label, pk)
        if key not in self.names:
            rows = model._default_manager.filter(pk=pk)
            if model is Actor:
                rows = rows.visible(include_sensitive=self.access.sees_sensitive)
            row = rows.first()
            self.names[key] = str(row) if row is not None else "(no longer there)"
        return self.names[key]


def version_restore(*, access: Access, kind: str, item_id: int, history_id: int, expected_version):
    """Bring an item back to one of its versions through its restore service (which checks
    the role again, locks the row and refuses a restore over a newer change)."""
    spec = tracked(kind)
    item = visible_item(access, kind, item_id)
    access.require(spec.edit)
    if spec.restore is None:
        raise ApplicationError(f"A {spec.label}'s versions cannot be restored here.", status=405)
    record = type(item).history.filter(id=item.pk, history_id=history_id).first()
    if record is None or record.history_type == "-":
        raise Http404(f"No such version of this {spec.label}.")
    return spec.restore(access, item, record, expected_version)
