"""Bulk edit from the map's table: the selected rows changed at once (one transaction, see
networks/map/bulk.py), and that change undone with one button."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from coalitions import roles
from coalitions.roles import Permission
from networks.map.bulk import actors_bulk_undo, actors_bulk_update
from weft import undo
from weft.pages import attempt

# What the last bulk change of a coalition did, kept in the session of who made it behind a
# one-time token (weft/undo.py) until it is undone or replaced by the next one.
UNDO_PAGE = "bulk"
SENSITIVE = {"": None, "set": True, "unset": False}


def _back(request, coalition_id: int):
    query = request.POST.get("query", "")
    url = reverse("coalition-map-table", args=[coalition_id])
    return redirect(f"{url}?{query}" if query else url)


def _versions(post) -> dict:
    found = {}
    for name, value in post.items():
        if name.startswith("version-") and value.isdigit():
            found[name.removeprefix("version-")] = int(value)
    return found


@login_required
@require_POST
def map_table_bulk(request, coalition_id: int):
    access = roles.require(request.user, coalition_id, Permission.MAP_EDIT_ALL)
    sensitive = request.POST.get("is_sensitive", "")
    if sensitive not in SENSITIVE:
        messages.error(request, "Sensitive: choose set, unset or leave unchanged.")
        return _back(request, coalition_id)
    group = request.POST.get("working_group", "")
    if group and not group.isdigit():
        messages.error(request, "Working group: choose one from the list.")
        return _back(request, coalition_id)
    working_group = int(group) if group else None
    selected = request.POST.getlist("actor_ids")
    if request.POST.get("select_page"):  # "select all on this page", without script
        selected = [*selected, *request.POST.getlist("page_ids")]
    done = attempt(
        request,
        lambda: actors_bulk_update(
            access=access,
            actor_ids=selected,
            versions=_versions(request.POST),
            stance=request.POST.get("stance", ""),
            add_tag=request.POST.get("add_tag", ""),
            is_sensitive=SENSITIVE[sensitive],
            working_group_id=working_group,
        ),
    )
    if not done.refused:
        count = len(set(selected))
        changed = len(done.result["actors"])
        undo.offer(
            request,
            page=UNDO_PAGE,
            coalition_id=coalition_id,
            summary=f"Bulk edit: {changed} of {count} selected actor{'s' if count != 1 else ''} "
            "changed.",
            record=done.result,
        )
    return _back(request, coalition_id)


@login_required
@require_POST
def map_table_bulk_undo(request, coalition_id: int):
    access = roles.require(request.user, coalition_id, Permission.MAP_EDIT_ALL)
    record = undo.posted(request, page=UNDO_PAGE, coalition_id=coalition_id)
    if record is None:
        messages.error(request, "There is no bulk change to undo (it was undone already).")
        return _back(request, coalition_id)
    done = attempt(request, lambda: actors_bulk_undo(access=access, record=record))
    if not done.refused:
        undo.clear(request, page=UNDO_PAGE, coalition_id=coalition_id)
        messages.success(request, f"Bulk edit undone: {done.result} actors put back.")
    return _back(request, coalition_id)


def pending_undo(request, coalition_id: int) -> dict | None:
    """The bulk change this person may still undo on the table, if any."""
    return undo.pending(request, page=UNDO_PAGE, coalition_id=coalition_id)
