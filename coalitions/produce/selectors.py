"""Reads of the Produce workspace: groups, actions, wins and shifts as a role may see them."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from allies.models import Actor
from coalitions.produce.models import Action, ClimateShift, GroupMember, Win, WorkingGroup
from coalitions.roles import Access, hide_sensitive_references


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


def visible_actions(access: Access) -> QuerySet[Action]:
    """The coalition's actions the role may see. An action led or joined by a sensitive actor
    names that actor, so it exists only for the roles that see sensitive actors."""
    actions = Action.objects.filter(coalition=access.coalition)
    if access.sees_sensitive:
        return actions
    for through in (Action.leaders.through, Action.participants.through):
        sensitive = through.objects.filter(action_id=OuterRef("pk"), actor__is_sensitive=True)
        actions = actions.exclude(Exists(sensitive))
    return actions
