"""Engagement plans: how the coalition means to move one actor (the ask, the frame, the
messenger, the owner, the next step). One plan per actor."""

from django.db import transaction
from django.urls import reverse

from allies.models import Actor, EngagementPlan
from coalitions.notifications.models import NotificationKind
from coalitions.notifications.selectors import recipients
from coalitions.notifications.services import notify
from coalitions.roles import Access, Permission
from weft.errors import ApplicationError
from weft.services import apply_changes, delete_as, locked_at, save_as
from weft.validation import require_actor_of


def _check(access: Access, actor: Actor, messenger: Actor | None, *, plan=None) -> None:
    require_actor_of(access.coalition, actor, field="actor")
    others = EngagementPlan.objects.filter(actor=actor)
    if plan is not None:
        others = others.exclude(pk=plan.pk)
    if others.exists():
        raise ApplicationError("already has an engagement plan; change that one.", field="actor")
    if messenger is not None:
        require_actor_of(access.coalition, messenger, field="messenger")
        if messenger.pk == actor.pk:
            raise ApplicationError("must be another actor than actor.", field="messenger")


@transaction.atomic
def engagement_plan_create(
    *,
    access: Access,
    actor: Actor,
    ask: str = "",
    frame: str = "",
    messenger: Actor | None = None,
    owner=None,
    next_step: str = "",
    next_step_on=None,
) -> EngagementPlan:
    access.require(Permission.MAP_EDIT_ALL)
    access.require(Permission.CONTACTS_VIEW)  # plans name who carries a message to whom
    _check(access, actor, messenger)
    plan = EngagementPlan(
        actor=actor,
        ask=ask,
        frame=frame,
        messenger=messenger,
        owner=owner,
        next_step=next_step,
        next_step_on=next_step_on,
    )
    plan = save_as(plan, user=access.user)
    _notify_owner(access, plan)
    return plan


def _notify_owner(access: Access, plan: EngagementPlan) -> None:
    """Tell the plan's owner that its next step is theirs, if they may see the actor."""
    if plan.owner_id is None or not plan.next_step:
        return
    notify(
        coalition_id=access.coalition.pk,
        kind=NotificationKind.NEXT_STEP,
        title=f"Next step for you: {plan.next_step}",
        path=reverse("coalition-map", args=[access.coalition.pk]) + f"?actor={plan.actor_id}",
        user_ids=recipients(
            access.coalition.pk,
            permission=Permission.CONTACTS_VIEW,
            sensitive=plan.actor.is_sensitive,
            user_ids=[plan.owner_id],
        ),
        key=f"step:{plan.pk}:{plan.version}",
        exclude=access.user,
    )


@transaction.atomic
def engagement_plan_update(
    *, access: Access, plan: EngagementPlan, expected_version, **changes
) -> EngagementPlan:
    access.require(Permission.MAP_EDIT_ALL)
    access.require(Permission.CONTACTS_VIEW)
    plan = locked_at(plan, expected_version, what="This engagement plan")
    _check(
        access,
        changes.get("actor", plan.actor),
        changes.get("messenger", plan.messenger),
        plan=plan,
    )
    before = (plan.owner_id, plan.next_step, plan.next_step_on)
    plan = apply_changes(plan, changes, user=access.user)
    if (plan.owner_id, plan.next_step, plan.next_step_on) != before:
        _notify_owner(access, plan)
    return plan


@transaction.atomic
def engagement_plan_delete(*, access: Access, plan: EngagementPlan, expected_version) -> None:
    access.require(Permission.MAP_EDIT_ALL)
    access.require(Permission.CONTACTS_VIEW)
    plan = locked_at(plan, expected_version, what="This engagement plan")
    delete_as(plan, user=access.user)
