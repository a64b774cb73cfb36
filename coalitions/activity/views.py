"""The activity stream page, and one item's history with "restore this version"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from coalitions.activity.history import item_history, tracked, version_restore
from coalitions.activity.selectors import KIND_CHOICES, activity_stream
from coalitions.roles import access_for, require_workspace
from weft.pages import attempt


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


def _next_page(request) -> str:
    """Where to go after a restore: the page the form came from, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@login_required
def item_history_page(request, coalition_id: int, kind: str, item_id: int):
    """One item's history: the page, or (``?fragment=1``) the part the map's panels load."""
    access = access_for(request.user, coalition_id)
    history = item_history(access, kind, item_id)
    context = {
        "access": access,
        "coalition": access.coalition,
        "next": _next_page(request),
        **history,
    }
    if request.GET.get("fragment"):
        return render(request, "coalitions/history/_history.html", context)
    return render(request, "coalitions/history/page.html", context)


@login_required
@require_POST
def item_history_restore(request, coalition_id: int, kind: str, item_id: int, history_id: int):
    """Restore one version (the form says which version of the item it was drawn on). The
    map's panels post here from script and read a JSON answer; pages are redirected."""
    access = access_for(request.user, coalition_id)
    from_script = request.headers.get("X-Requested-With") == "fetch"
    done = attempt(
        request,
        lambda: version_restore(
            access=access,
            kind=kind,
            item_id=item_id,
            history_id=history_id,
            expected_version=request.POST.get("version"),
        ),
        redirecting=not from_script,
    )
    label = tracked(kind).label
    if from_script:
        if done.refused:
            return JsonResponse(done.refused.as_dict(), status=done.refused.status)
        return JsonResponse({"detail": f"The {label} is back to that version."})
    if not done.refused:
        messages.success(request, f"The {label} is back to that version.")
    return redirect(
        _next_page(request) or reverse("item-history", args=[access.coalition.pk, kind, item_id])
    )
