"""The coalition's skills page: its list of skills with how many people have a level in each;
add one, rename or redescribe one, delete one with undo (the skill comes back with every
person's levels in it). For the roles that edit the whole map. Each write is one service call,
the same the API makes; a refusal is shown next to the field it names."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_POST

from allies.edit.forms import SkillForm
from allies.models import Skill
from allies.services.skills import skill_create, skill_delete, skill_restore, skill_update
from coalitions import roles
from coalitions.roles import Permission
from weft import undo
from weft.pages import attempt

# The last skill this person deleted on the page, kept in their session until undone or
# replaced by another deletion (the URL carries only a one-time token).
UNDO_PAGE = "skills"  # weft/undo.py


def _skills(access):
    """The coalition's skills in one query, whatever their number: each with how many people
    have a level in it (those the role may see) and its latest change (the form's ``seen``)."""
    seen_people = Q() if access.sees_sensitive else Q(levels__actor__is_sensitive=False)
    latest_change = Skill.history.filter(id=OuterRef("pk")).order_by("-history_id")
    return (
        Skill.objects.filter(coalition=access.coalition)
        .annotate(
            people=Count("levels__actor", filter=seen_people, distinct=True),
            latest_change_id=Subquery(latest_change.values("history_id")[:1]),
        )
        .order_by(Lower("name"), "id")
    )


def _skill_form(skill=None, data=None) -> SkillForm:
    if skill is None:
        return SkillForm(data, prefix="skill")
    initial = {
        "name": skill.name,
        "description": skill.description,
        "seen": skill.latest_change_id,
    }
    return SkillForm(data, prefix=f"skill-{skill.pk}", initial=initial)


def _page(request, access, *, bound=None, status=200):
    """The page, every form unbound but ``bound`` ({"new" or a skill's id: the form just
    posted, with its errors})."""
    bound = bound or {}
    skills = list(_skills(access))
    for skill in skills:
        skill.form = bound.get(skill.pk) or _skill_form(skill)
    context = {
        "access": access,
        "coalition": access.coalition,
        "skills": skills,
        "form": bound.get("new") or _skill_form(),
        "undo": undo.pending(request, page=UNDO_PAGE, coalition_id=access.coalition.pk),
    }
    return render(request, "allies/skills.html", context, status=status)


def _listed(access, anchor: str = "skills"):
    return redirect(reverse("coalition-skills", args=[access.coalition.pk]) + f"#{anchor}")


@login_required
def coalition_skills(request, coalition_id: int):
    access = roles.require(request.user, coalition_id, Permission.MAP_EDIT_ALL)
    if request.method != "POST":
        return _page(request, access)
    form = _skill_form(data=request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        done = attempt(
            request,
            lambda: skill_create(access=access, name=data["name"], description=data["description"]),
            form=form,
        )
        if not done.refused:
            messages.success(request, f"Skill “{done.result.name}” added.")
            return _listed(access, f"skill-{done.result.pk}")
        status = done.status
    return _page(request, access, bound={"new": form}, status=status)


@login_required
@require_POST
def coalition_skill_change(request, coalition_id: int, skill_id: int):
    access = roles.require(request.user, coalition_id, Permission.MAP_EDIT_ALL)
    skill = get_object_or_404(_skills(access), pk=skill_id)
    if request.POST.get("action") == "delete":
        done = attempt(request, lambda: skill_delete(access=access, skill=skill))
        if not done.refused:
            _offer_undo(request, access, skill, levels=done.result)
        return _listed(access)
    form = _skill_form(skill, request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        done = attempt(
            request,
            lambda: skill_update(
                access=access,
                skill=skill,
                seen_change_id=data["seen"],
                name=data["name"],
                description=data["description"],
            ),
            form=form,
        )
        if not done.refused:
            messages.success(request, f"Skill “{done.result.name}” saved.")
            return _listed(access, f"skill-{skill.pk}")
        status = done.status
    return _page(request, access, bound={skill.pk: form}, status=status)


def _offer_undo(request, access, skill, *, levels: int) -> None:
    record = Skill.history.filter(id=skill.pk, history_type="-").latest("history_id")
    with_levels = f", with {levels} recorded level{pluralize(levels)}" if levels else ""
    undo.offer(
        request,
        page=UNDO_PAGE,
        coalition_id=access.coalition.pk,
        summary=f"The skill “{skill.name}” is deleted{with_levels}.",
        record={"skill_id": skill.pk, "history_id": record.history_id},
    )


@login_required
@require_POST
def coalition_skill_undo(request, coalition_id: int):
    access = roles.require(request.user, coalition_id, Permission.MAP_EDIT_ALL)
    pending = undo.posted(request, page=UNDO_PAGE, coalition_id=access.coalition.pk)
    if pending is None:
        messages.error(request, "There is nothing to undo here (undone already?).")
        return _listed(access)
    done = attempt(
        request,
        lambda: skill_restore(
            access=access, skill_id=pending["skill_id"], history_id=pending["history_id"]
        ),
    )
    if done.refused:
        if Skill.objects.filter(pk=pending["skill_id"]).exists():
            undo.clear(request, page=UNDO_PAGE, coalition_id=access.coalition.pk)  # back already
        return _listed(access)
    undo.clear(request, page=UNDO_PAGE, coalition_id=access.coalition.pk)
    messages.success(request, f"Deletion undone: the skill “{done.result.name}” is back.")
    return _listed(access, f"skill-{done.result.pk}")
