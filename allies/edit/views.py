"""The actor edit page: the details form, and sections for custom fields, contact details
(the roles that may see them; the others see nothing of them), skills (people) and
affiliations. Each section posts to its own URL, which calls one service and shows the page
again with the refusal next to the field, or goes back to the section on success."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from allies.edit.forms import (
    ActorForm,
    AffiliationForm,
    ContactForm,
    CustomFieldsForm,
    SkillLevelForm,
)
from allies.models import Actor, Affiliation, ContactDetail, Skill, Tag
from allies.selectors import custom_field_names
from allies.services.actors import actor_update
from allies.services.affiliations import (
    affiliation_create,
    affiliation_delete,
    affiliation_restore,
    affiliation_update,
)
from allies.services.contacts import (
    contact_detail_create,
    contact_detail_delete,
    contact_detail_restore,
    contact_detail_update,
)
from allies.services.skills import skill_level_record
from coalitions import roles
from coalitions.roles import Permission
from weft import undo
from weft.pages import attempt
from weft.vocabulary import ActorKind

# The last contact detail or affiliation this person deleted on an actor's page, kept in their
# session (never in a URL: a contact's value is personal data) until undone or replaced.
UNDO_PAGE = "actor-records"  # weft/undo.py


def _editable(request, coalition_id: int, actor_id: int):
    """The access and the actor, if the role may edit it (a member: its own organisation)."""
    access = roles.require(request.user, coalition_id, Permission.MAP_EDIT)
    visible = Actor.objects.filter(coalition=access.coalition).visible(
        include_sensitive=access.sees_sensitive
    )
    actor = get_object_or_404(visible.prefetch_related("tags"), pk=actor_id)
    if not access.can_edit_actor(actor):
        # A member edits its own organisation and nothing else.
        raise PermissionDenied("You may edit your own organisation only.")
    return access, actor


def _actor_form(access, actor, data=None) -> ActorForm:
    initial = {
        "name": actor.name,
        "kind": actor.kind,
        "description": actor.description,
        "tags": ", ".join(sorted(tag.name for tag in actor.tags.all())),
        "is_sensitive": actor.is_sensitive,
        "is_directly_affected": actor.is_directly_affected,
        "version": actor.version,
    }
    return ActorForm(data, initial=initial, sees_sensitive=access.sees_sensitive)


def _custom_form(access, actor, data=None) -> CustomFieldsForm:
    names = sorted({*custom_field_names(access.coalition), *actor.custom_fields})
    return CustomFieldsForm(
        data,
        prefix="custom",
        names=names,
        values=dict(actor.custom_fields or {}),
        initial={"version": actor.version},
    )


def _contact_form(detail=None, data=None) -> ContactForm:
    if detail is None:
        return ContactForm(data, prefix="contact", initial={"kind": "email"})
    initial = {
        "kind": detail.kind,
        "value": detail.value,
        "label": detail.label,
        "is_primary": detail.is_primary,
        "version": detail.version,
    }
    return ContactForm(data, prefix=f"contact-{detail.pk}", initial=initial)


def _affiliation_others(access, actor):
    """Who an affiliation of ``actor`` may point at: for a person, the organisations, groups
    and institutions of the map; for those, its people."""
    others = Actor.objects.filter(coalition=access.coalition).visible(
        include_sensitive=access.sees_sensitive
    )
    if actor.is_person:
        return others.exclude(kind=ActorKind.PERSON).only("id", "name")
    return others.filter(kind=ActorKind.PERSON).only("id", "name")


def _affiliation_form(access, actor, affiliation=None, data=None, choices=None) -> AffiliationForm:
    others = _affiliation_others(access, actor)
    if affiliation is None:
        return AffiliationForm(
            data, prefix="affiliation", others=others, person_side=actor.is_person
        )
    other = affiliation.organisation if actor.is_person else affiliation.person
    initial = {
        "other": other,
        "role_title": affiliation.role_title,
        "is_lead": affiliation.is_lead,
        "started_on": affiliation.started_on,
        "ended_on": affiliation.ended_on,
        "version": affiliation.version,
    }
    return AffiliationForm(
        data,
        prefix=f"affiliation-{affiliation.pk}",
        initial=initial,
        others=others,
        person_side=actor.is_person,
        choices=choices,
    )


def _affiliations(access, actor):
    rows = Affiliation.objects.filter(**{"person" if actor.is_person else "organisation": actor})
    rows = roles.hide_sensitive_references(rows, access, "person", "organisation")
    return rows.select_related("person", "organisation").order_by("-started_on", "id")


def _page(request, access, actor, *, bound=None, status=200, refused=None):
    """The edit page, every section's forms unbound but ``bound`` ({key: form}: the one just
    posted, with its errors)."""
    bound = bound or {}
    may_edit_all = access.can(Permission.MAP_EDIT_ALL)
    custom_form = bound.get("custom") or _custom_form(access, actor)
    context = {
        "access": access,
        "coalition": access.coalition,
        "actor": actor,
        "form": bound.get("actor") or _actor_form(access, actor),
        "custom_form": custom_form,
        # Lists and objects an import brought: kept, named, not typed over.
        "kept_fields": [n for n in (actor.custom_fields or {}) if n not in custom_form.names],
        "tag_names": Tag.objects.filter(coalition=access.coalition).values_list("name", flat=True),
        "may_edit_all": may_edit_all,
        "undo": _pending_undo(request, access, actor),
        "refused": refused,
    }
    if access.sees_contacts:
        # The roles that may not see contact details get no section at all: not a heading,
        # not a count.
        details = ContactDetail.objects.filter(actor=actor).order_by("-is_primary", "kind", "id")
        context["contacts"] = [
            (detail, bound.get(f"contact-{detail.pk}") or _contact_form(detail))
            for detail in details
        ]
        context["contact_form"] = bound.get("contact") or _contact_form()
    if actor.is_person:
        levels = actor.skill_levels.select_related("skill", "recorded_by").order_by(
            "skill__name", "-assessed_on", "-id"
        )
        context["skill_levels"] = list(levels)
        if may_edit_all:
            context["skill_form"] = bound.get("skill") or SkillLevelForm(
                prefix="skill", initial={"assessed_on": timezone.localdate()}
            )
            context["skill_names"] = Skill.objects.filter(coalition=access.coalition).values_list(
                "name", flat=True
            )
    affiliations = _affiliations(access, actor)
    if may_edit_all:
        new_affiliation = bound.get("affiliation") or _affiliation_form(access, actor)
        # Every row's select offers the same organisations (or people): read them once.
        choices = list(new_affiliation.fields["other"].choices)
        new_affiliation.fields["other"].choices = choices
        context["affiliations"] = [
            (
                row,
                bound.get(f"affiliation-{row.pk}")
                or _affiliation_form(access, actor, row, choices=choices),
            )
            for row in affiliations
        ]
        context["affiliation_form"] = new_affiliation
    else:
        context["affiliations"] = [(row, None) for row in affiliations]
    return render(request, "allies/actor_edit.html", context, status=status)


def _section(access, actor, anchor: str):
    url = reverse("actor-edit", args=[access.coalition.pk, actor.pk])
    return redirect(f"{url}#{anchor}")


@login_required
def actor_edit(request, coalition_id: int, actor_id: int):
    access, actor = _editable(request, coalition_id, actor_id)
    if request.method != "POST":
        return _page(request, access, actor)
    form = _actor_form(access, actor, request.POST)
    status = 400
    if form.is_valid():
        changes = dict(form.cleaned_data)
        version = changes.pop("version")
        done = attempt(
            request,
            lambda: actor_update(access=access, actor=actor, expected_version=version, **changes),
            form=form,
        )
        if not done.refused:
            messages.success(request, f"{done.result.name}: details saved.")
            return redirect("coalition-map", coalition_id=access.coalition.pk)
        status = done.status
    return _page(request, access, actor, bound={"actor": form}, status=status)


@login_required
@require_POST
def actor_custom_fields(request, coalition_id: int, actor_id: int):
    access, actor = _editable(request, coalition_id, actor_id)
    form = _custom_form(access, actor, request.POST)
    status = 400
    if form.is_valid():
        done = attempt(
            request,
            lambda: actor_update(
                access=access,
                actor=actor,
                expected_version=form.cleaned_data["version"],
                custom_fields=form.custom_fields(),
            ),
            form=form,
        )
        if not done.refused:
            messages.success(request, f"{actor.name}: fields saved.")
            return _section(access, actor, "custom-fields")
        status = done.status
    return _page(request, access, actor, bound={"custom": form}, status=status)


# ---------------------------------------------------------------------------------------------
# Contact details (stewards, organizers, weavers: CONTACTS_EDIT)


def _contacts_editable(request, coalition_id: int, actor_id: int):
    access, actor = _editable(request, coalition_id, actor_id)
    access.require(Permission.CONTACTS_EDIT)
    return access, actor


@login_required
@require_POST
def actor_contact_add(request, coalition_id: int, actor_id: int):
    access, actor = _contacts_editable(request, coalition_id, actor_id)
    form = _contact_form(data=request.POST)
    status = 400
    if form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        done = attempt(
            request,
            lambda: contact_detail_create(access=access, actor=actor, **data),
            form=form,
        )
        if not done.refused:
            messages.success(request, f"{actor.name}: contact detail added.")
            return _section(access, actor, "contacts")
        status = done.status
    return _page(request, access, actor, bound={"contact": form}, status=status)


@login_required
@require_POST
def actor_contact_change(request, coalition_id: int, actor_id: int, detail_id: int):
    access, actor = _contacts_editable(request, coalition_id, actor_id)
    detail = get_object_or_404(ContactDetail, actor=actor, pk=detail_id)
    if request.POST.get("action") == "delete":
        done = attempt(
            request,
            lambda: contact_detail_delete(
                access=access, detail=detail, expected_version=request.POST.get("version")
            ),
            redirecting=False,
        )
        if done.refused:
            return _page(request, access, actor, status=done.status, refused=done.refused)
        _offer_undo(request, access, actor, "contact", detail_id, ContactDetail, "contact detail")
        return _section(access, actor, "contacts")
    form = _contact_form(detail, request.POST)
    status = 400
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        done = attempt(
            request,
            lambda: contact_detail_update(
                access=access, detail=detail, expected_version=version, **data
            ),
            form=form,
        )
        if not done.refused:
            messages.success(request, f"{actor.name}: contact detail saved.")
            return _section(access, actor, "contacts")
        status = done.status
    return _page(request, access, actor, bound={f"contact-{detail.pk}": form}, status=status)


# ---------------------------------------------------------------------------------------------
# Skills (people; the roles that edit the whole map)


@login_required
@require_POST
def actor_skill_add(request, coalition_id: int, actor_id: int):
    access, actor = _editable(request, coalition_id, actor_id)
    access.require(Permission.MAP_EDIT_ALL)
    form = SkillLevelForm(request.POST, prefix="skill")
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        done = attempt(
            request,
            lambda: skill_level_record(
                access=access,
                actor=actor,
                skill_name=data["skill"],
                level=data["level"],
                assessed_on=data["assessed_on"],
                note=data["note"],
            ),
            form=form,
        )
        if not done.refused:
            messages.success(request, f"{actor.name}: {done.result.skill.name} recorded.")
            return _section(access, actor, "skills")
        status = done.status
        if not actor.is_person:
            # No skills section to show the refusal in: above the page.
            return _page(request, access, actor, status=status, refused=done.refused)
    return _page(request, access, actor, bound={"skill": form}, status=status)


# ---------------------------------------------------------------------------------------------
# Affiliations (the roles that edit the whole map; a member reads its own organisation's)


def _ends(actor, other) -> dict:
    return (
        {"person": actor, "organisation": other}
        if actor.is_person
        else {
            "person": other,
            "organisation": actor,
        }
    )


@login_required
@require_POST
def actor_affiliation_add(request, coalition_id: int, actor_id: int):
    access, actor = _editable(request, coalition_id, actor_id)
    access.require(Permission.MAP_EDIT_ALL)
    form = _affiliation_form(access, actor, data=request.POST)
    status = 400
    if form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        other = data.pop("other")
        done = attempt(
            request,
            lambda: affiliation_create(access=access, **_ends(actor, other), **data),
            form=form,
        )
        if not done.refused:
            messages.success(request, f"{actor.name}: affiliation added.")
            return _section(access, actor, "affiliations")
        status = done.status
    return _page(request, access, actor, bound={"affiliation": form}, status=status)


@login_required
@require_POST
def actor_affiliation_change(request, coalition_id: int, actor_id: int, affiliation_id: int):
    access, actor = _editable(request, coalition_id, actor_id)
    access.require(Permission.MAP_EDIT_ALL)
    affiliation = get_object_or_404(_affiliations(access, actor), pk=affiliation_id)
    if request.POST.get("action") == "delete":
        done = attempt(
            request,
            lambda: affiliation_delete(
                access=access,
                affiliation=affiliation,
                expected_version=request.POST.get("version"),
            ),
            redirecting=False,
        )
        if done.refused:
            return _page(request, access, actor, status=done.status, refused=done.refused)
        _offer_undo(
            request, access, actor, "affiliation", affiliation_id, Affiliation, "affiliation"
        )
        return _section(access, actor, "affiliations")
    form = _affiliation_form(access, actor, affiliation, request.POST)
    status = 400
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        other = data.pop("other")
        done = attempt(
            request,
            lambda: affiliation_update(
                access=access,
                affiliation=affiliation,
                expected_version=version,
                **_ends(actor, other),
                **data,
            ),
            form=form,
        )
        if not done.refused:
            messages.success(request, f"{actor.name}: affiliation saved.")
            return _section(access, actor, "affiliations")
        status = done.status
    return _page(
        request, access, actor, bound={f"affiliation-{affiliation.pk}": form}, status=status
    )


# ---------------------------------------------------------------------------------------------
# Undo of a deletion on this page


def _offer_undo(request, access, actor, kind: str, row_id: int, model, what: str) -> None:
    record = model.history.filter(id=row_id, history_type="-").latest("history_id")
    undo.offer(
        request,
        page=UNDO_PAGE,
        coalition_id=access.coalition.pk,
        summary=f"The {what} is deleted.",
        record={
            "kind": kind,
            "id": row_id,
            "history_id": record.history_id,
            "actor_id": actor.pk,
            "what": what,
        },
    )


def _pending_undo(request, access, actor) -> dict | None:
    """The offer, on the page of the actor it was made on (a contact's only for the roles
    that see contacts)."""
    pending = undo.pending(request, page=UNDO_PAGE, coalition_id=access.coalition.pk)
    if not pending or pending["record"]["actor_id"] != actor.pk:
        return None
    if pending["record"]["kind"] == "contact" and not access.sees_contacts:
        return None
    return pending


# kind → (the service that undoes its deletion, its id argument, the page's section)
RESTORES = {
    "contact": (contact_detail_restore, "detail_id", "contacts"),
    "affiliation": (affiliation_restore, "affiliation_id", "affiliations"),
}


@login_required
@require_POST
def actor_record_undo(request, coalition_id: int, actor_id: int):
    access, actor = _editable(request, coalition_id, actor_id)
    record = undo.posted(request, page=UNDO_PAGE, coalition_id=access.coalition.pk)
    if record is None or _pending_undo(request, access, actor) is None:
        messages.error(request, "There is nothing to undo here (undone already?).")
        return _section(access, actor, "top")
    restore, id_argument, anchor = RESTORES[record["kind"]]
    done = attempt(
        request,
        lambda: restore(
            access=access, **{id_argument: record["id"]}, history_id=record["history_id"]
        ),
    )
    if not done.refused:
        undo.clear(request, page=UNDO_PAGE, coalition_id=access.coalition.pk)
        messages.success(request, f"Deletion undone: the {record['what']} is back.")
    return _section(access, actor, anchor)
