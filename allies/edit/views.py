"""The actor edit page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from allies.edit.forms import ActorForm
from allies.models import Actor, Tag
from allies.services.actors import actor_update
from coalitions import roles
from coalitions.roles import Permission
from weft.pages import attempt


@login_required
def actor_edit(request, coalition_id: int, actor_id: int):
    access = roles.require(request.user, coalition_id, Permission.MAP_EDIT)
    visible = Actor.objects.filter(coalition=access.coalition).visible(
        include_sensitive=access.sees_sensitive
    )
    actor = get_object_or_404(visible.prefetch_related("tags"), pk=actor_id)
    if not access.can_edit_actor(actor):
        # A member edits its own organisation and nothing else.
        raise PermissionDenied("You may edit your own organisation only.")
    initial = {
        "name": actor.name,
        "kind": actor.kind,
        "description": actor.description,
        "tags": ", ".join(sorted(tag.name for tag in actor.tags.all())),
        "is_sensitive": actor.is_sensitive,
        "is_directly_affected": actor.is_directly_affected,
        "version": actor.version,
    }
    form = ActorForm(request.POST or None, initial=initial, sees_sensitive=access.sees_sensitive)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            changes = dict(form.cleaned_data)
            version = changes.pop("version")
            done = attempt(
                request,
                lambda: actor_update(
                    access=access, actor=actor, expected_version=version, **changes
                ),
                form=form,
            )
            if not done.refused:
                messages.success(request, f"{done.result.name}: details saved.")
                return redirect("coalition-map", coalition_id=access.coalition.pk)
            status = done.status
    context = {
        "access": access,
        "coalition": access.coalition,
        "actor": actor,
        "form": form,
        "tag_names": Tag.objects.filter(coalition=access.coalition).values_list("name", flat=True),
    }
    return render(request, "allies/actor_edit.html", context, status=status)
