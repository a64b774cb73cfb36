"""The duplicates page: the coalition's likely duplicate actors, a side-by-side preview of
what merging a pair would move and drop, the merge, and the recent merges with their undo.
Organizers and stewards (a merge moves sensitive rows too). Thin: the merge services (the
same the API calls) do the work and refuse what they must."""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coalitions import roles
from coalitions.roles import Permission
from networks.transfer.duplicates import actor_facts, coalition_duplicates
from networks.transfer.merge import (
    actor_merge,
    actor_merge_preview,
    actor_merge_undo,
    require_merger,
    rows_name,
)
from networks.transfer.models import ActorMerge
from weft.pages import attempt

PAIRS_PAGE = 20
RECENT_MERGES = 20

# What a moved row is, for a person: the participant rows of an interaction are its
# interactions, a tie is a tie whichever end moved.
FRIENDLY = {
    "networks.InteractionParticipant": ("interaction", "interactions"),
    "allies.AllyAssessment": ("assessment", "assessments"),
    "allies.ContactDetail": ("contact detail", "contact details"),
    "coalitions.Membership": ("membership", "memberships"),
}


def _merger(request, coalition_id: int):
    access = roles.require(request.user, coalition_id, Permission.MAP_EDIT)
    require_merger(access)
    return access


def _readable(label: str, count: int) -> str:
    if label in FRIENDLY:
        one, many = FRIENDLY[label]
        return f"{count} {one if count == 1 else many}"
    return f"{count} {rows_name(apps.get_model(label), count)}"


def _why(score: float) -> str:
    if score >= 100:
        return (
            "Same name once case, accents, punctuation, a leading “The” and legal forms are "
            "set aside."
        )
    return f"Names {score:.0f}% alike (word order and small typos forgiven)."


def _preview(request, access):
    """The preview the query asks for (``keep`` and ``merge``), or None; a refusal is shown
    on the page."""
    keep, merge = request.GET.get("keep"), request.GET.get("merge")
    if keep is None and merge is None:
        return None, None
    done = attempt(
        request,
        lambda: actor_merge_preview(access=access, kept_id=keep, merged_id=merge),
        redirecting=False,
    )
    if done.refused:
        return None, done.refused
    preview = done.result
    moved = [_readable(label, count) for label, count in sorted(preview["moved"].items()) if count]
    dropped_counts: dict[str, int] = {}
    for row in preview["dropped"]:
        dropped_counts[row["model"]] = dropped_counts.get(row["model"], 0) + 1
    dropped = [_readable(label, count) for label, count in sorted(dropped_counts.items())]
    return {
        "keep": int(keep),
        "merge": int(merge),
        "moved": moved,
        "dropped": dropped,
        "field_conflicts": preview["field_conflicts"],
    }, None


@login_required
def duplicates_page(request, coalition_id: int):
    access = _merger(request, coalition_id)
    preview, refused = _preview(request, access)
    pairs = Paginator(coalition_duplicates(access), PAIRS_PAGE).get_page(request.GET.get("page"))
    wanted = {pair["actor"] for pair in pairs} | {pair["other"] for pair in pairs}
    if preview:
        wanted |= {preview["keep"], preview["merge"]}
    facts = actor_facts(access, wanted)
    rows = [
        {
            **pair,
            "left": facts[pair["actor"]],
            "right": facts[pair["other"]],
            "why": _why(pair["score"]),
        }
        for pair in pairs
        if pair["actor"] in facts and pair["other"] in facts
    ]
    if preview:
        preview["kept"] = facts[preview["keep"]]
        preview["merged"] = facts[preview["merge"]]
    merges = list(
        ActorMerge.objects.filter(coalition=access.coalition)
        .select_related("kept", "merged_by", "undone_by")
        .order_by("-merged_at", "-id")[:RECENT_MERGES]
    )
    context = {
        "access": access,
        "coalition": access.coalition,
        "pairs": pairs,
        "rows": rows,
        "preview": preview,
        "refused": refused,
        "merges": merges,
    }
    return render(
        request,
        "networks/duplicates.html",
        context,
        status=refused.status if refused else 200,
    )


@login_required
@require_POST
def duplicates_merge(request, coalition_id: int):
    access = _merger(request, coalition_id)
    keep, merge = request.POST.get("keep"), request.POST.get("merge")
    done = attempt(
        request,
        lambda: actor_merge(
            access=access,
            kept_id=keep,
            merged_id=merge,
            kept_version=request.POST.get("keep_version", ""),
            merged_version=request.POST.get("merge_version", ""),
        ),
    )
    if done.refused:
        # Back to the preview, drawn again from the actors as they are now.
        response = redirect("transfer-duplicates", coalition_id=access.coalition.pk)
        if done.refused.code == "stale_version":
            response["Location"] += f"?keep={int(keep)}&merge={int(merge)}"
        return response
    merged = done.result
    messages.success(
        request,
        f"“{merged.merged_name}” merged into “{merged.kept.name}”. "
        "Recent merges below can undo it.",
    )
    return redirect("transfer-duplicates", coalition_id=access.coalition.pk)


@login_required
@require_POST
def duplicates_undo(request, coalition_id: int, merge_id: int):
    access = _merger(request, coalition_id)
    done = attempt(request, lambda: actor_merge_undo(access=access, merge_id=merge_id))
    if not done.refused:
        messages.success(
            request,
            f"Merge undone: “{done.result.merged_name}” is back, with everything that moved.",
        )
    return redirect("transfer-duplicates", coalition_id=access.coalition.pk)
