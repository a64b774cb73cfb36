"""The activity stream page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from coalitions.activity.selectors import KIND_CHOICES, activity_stream
from coalitions.roles import require_workspace


@login_required
def activity(request, coalition_id: int):
    """What changed, by whom, when: a weaver back after a week catches up here."""
    access = require_workspace(request, coalition_id)
    known = {key for key, _ in KIND_CHOICES}
    chosen = [k for k in request.GET.getlist("kind") if k in known]
    context = {
        "access": access,
        "coalition": access.coalition,
        "entries": activity_stream(access, kinds=chosen or None),
        "kinds": KIND_CHOICES,
        "chosen": chosen,
    }
    return render(request, "coalitions/workflow/activity.html", context)
