"""Pages of the map: the canvas (a server-rendered shell the map module draws into) and its
table twin, the accessible alternative with the same filters."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from rest_framework.exceptions import ValidationError

from allies.models import Actor, EngagementPlan
from coalitions import roles
from coalitions.produce.models import WorkingGroup
from coalitions.roles import Permission
from networks.map.bulk_pages import pending_undo
from networks.map.filters import MapFilters, map_filters_from
from networks.map.models import MapLayout, StoryLink
from networks.map.payload import map_payload, map_rows_counted
from networks.map.selectors import (
    anonymise_people,
    colour_values,
    custom_field_keys,
    shared_access,
    story_steps_for,
)
from networks.map.services import story_link_open
from networks.metrics.models import MetricRun, MetricRunStatus
from weft.vocabulary import ActorKind, AllyKind, Stance, TieKind


def _filter_choices(access, query_params) -> dict:
    """What the filter form offers and which values are chosen, shared by both pages."""
    try:
        filters = map_filters_from(query_params)
        filter_error = None
    except ValidationError as error:
        filters, filter_error = MapFilters(), error.detail
    return {
        "filters": filters,
        "filter_error": filter_error,
        "stances": Stance.choices,
        "kinds": ActorKind.choices,
        "ally_kinds": AllyKind.choices,
        "tie_kinds": TieKind.choices,
        "layouts": MapLayout.choices,
        "working_groups": WorkingGroup.objects.filter(coalition=access.coalition).order_by("name"),
        "query": query_params.urlencode(),
        # The coalition navigation's Map and Table links keep the filters (base.html).
        "map_query": query_params.urlencode(),
    }


@login_required
def map_page(request, coalition_id: int):
    access = roles.require(request.user, coalition_id, Permission.MAP_VIEW)
    context = {
        "access": access,
        "coalition": access.coalition,
        # Members see the map read-only (DESIGN.md: they edit their own organisation only,
        # which the API enforces; the map page offers no edit controls to them).
        "can_edit": access.can(Permission.MAP_EDIT_ALL),
        "can_share": access.can(Permission.REPORTS_SHARE),
        # Merging duplicates moves sensitive rows too: organizers and stewards (transfer/merge).
        "can_merge": access.can(Permission.MAP_EDIT) and access.sees_sensitive,
        "has_metrics": MetricRun.objects.filter(
            coalition=access.coalition, status=MetricRunStatus.SUCCEEDED
        ).exists(),
        "custom_fields": custom_field_keys(access.coalition),
        **_filter_choices(access, request.GET),
    }
    return render(request, "networks/map.html", context)


TABLE_PAGE = 50


def _without(query_params, *names) -> str:
    query = query_params.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@login_required
def map_table(request, coalition_id: int):
    access = roles.require(request.user, coalition_id, Permission.MAP_VIEW)
    context = {"access": access, "coalition": access.coalition}
    context.update(_filter_choices(access, request.GET))
    nodes, edges, counts = map_rows_counted(access, context["filters"])
    context["inferred_count"] = counts["inferred_count"]  # the layer's label says how many
    names = {node["id"]: node["name"] for node in nodes}
    stance_labels, kind_labels = dict(Stance.choices), dict(ActorKind.choices)
    for node in nodes:
        node["stance_label"] = stance_labels.get(node["stance"], "Not assessed")
        node["kind_label"] = kind_labels[node["kind"]]
    for edge in edges:
        edge["source_name"], edge["target_name"] = names[edge["source"]], names[edge["target"]]
    ties = [edge for edge in edges if not edge["inferred"]]
    inferred = [edge for edge in edges if edge["inferred"]]
    # Paged: a table of 5,000 actors is a 41,000 px page nobody scrolls (issue #18). Each
    # table has its own page number; the filters stay in every page link.
    context.update(
        nodes=nodes,
        edges=ties,
        inferred=inferred,
        actors_page=Paginator(nodes, TABLE_PAGE).get_page(request.GET.get("page")),
        ties_page=Paginator(ties, TABLE_PAGE).get_page(request.GET.get("ties_page")),
        inferred_page=Paginator(inferred, TABLE_PAGE).get_page(request.GET.get("inferred_page")),
        query_without_pages=_without(request.GET, "page", "ties_page", "inferred_page"),
    )
    # Bulk edit (organizers, weavers, stewards): each selected row carries the version it was
    # shown at, so a row changed since is refused by name.
    if access.can(Permission.MAP_EDIT_ALL):
        ids = [node["id"] for node in context["actors_page"]]
        versions = dict(
            Actor.objects.filter(coalition=access.coalition, pk__in=ids).values_list(
                "pk", "version"
            )
        )
        for node in context["actors_page"]:
            node["version"] = versions.get(node["id"])
        context.update(
            can_bulk=True,
            bulk_undo=pending_undo(request, access.coalition.pk),
            bulk_stances=Stance.choices,
        )
    if access.sees_contacts:  # plans name messengers and owners (see the plans API)
        overdue = EngagementPlan.objects.filter(
            actor__coalition=access.coalition, next_step_on__lt=timezone.localdate()
        )
        if not access.sees_sensitive:
            overdue = overdue.filter(actor__is_sensitive=False)
        context["overdue"] = overdue.select_related("actor", "owner").order_by("next_step_on")
    return render(request, "networks/map_table.html", context)


# ---------------------------------------------------------------------------------------------
# A story through a share link, without an account. The link's token is exchanged once for
# the visitor's session and the browser sent on to an address without it (as invitations
# are): the token leaves the address bar, the history and any later request.

STORY_LINKS_SESSION_KEY = "weft_story_links"


@never_cache
def shared_story_open(request, token: str):
    link = story_link_open(token=token)
    if link is None:
        response = render(request, "networks/story_closed.html", status=410)
    else:
        opened = [i for i in request.session.get(STORY_LINKS_SESSION_KEY, []) if i != link.pk]
        request.session[STORY_LINKS_SESSION_KEY] = [*opened[-19:], link.pk]
        response = redirect("shared-story", link_id=link.pk)
    response["Referrer-Policy"] = "no-referrer"
    return response


def _session_link(request, link_id: int) -> StoryLink:
    """The link this visitor opened, while it is still open (a revoked one closes at once)."""
    if link_id not in request.session.get(STORY_LINKS_SESSION_KEY, []):
        raise Http404("No such story.")
    link = StoryLink.objects.select_related("story__coalition").filter(pk=link_id).first()
    if link is None:
        raise Http404("No such story.")
    if not link.is_open(timezone.now()):
        raise LinkClosed
    return link


class LinkClosed(Exception):
    pass


def _shared(view):
    def wrapped(request, link_id: int):
        try:
            link = _session_link(request, link_id)
        except LinkClosed:
            return render(request, "networks/story_closed.html", status=410)
        response = view(request, link)
        response["Referrer-Policy"] = "no-referrer"
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return never_cache(wrapped)


@_shared
def shared_story(request, link):
    """The map playing one story, full screen, read only."""
    access = shared_access(link.story.coalition)
    base = reverse("shared-story", args=[link.pk])
    context = {
        "access": access,
        "coalition": access.coalition,
        "shared": True,
        "story": link.story,
        "shared_root": base,
        "can_edit": False,
        "has_metrics": MetricRun.objects.filter(
            coalition=access.coalition, status=MetricRunStatus.SUCCEEDED
        ).exists(),
        "custom_fields": [],
        **_filter_choices(access, QueryDict()),
    }
    return render(request, "networks/map.html", context)


@_shared
def shared_story_map(request, link):
    """The map as the link shows it: no sensitive actor or tie, no person's name."""
    access = shared_access(link.story.coalition)
    try:
        filters = map_filters_from(request.GET)
    except ValidationError as error:
        return JsonResponse(error.detail, status=400, safe=False)
    return HttpResponse(
        anonymise_people(map_payload(access, filters)), content_type="application/json"
    )


# What a shared story may colour by: nothing that could carry a personal detail.
SHARED_COLOURS = ("community", "phase", "working_group")


@_shared
def shared_story_colours(request, link):
    by = request.GET.get("by", "")
    if by not in SHARED_COLOURS:
        return JsonResponse({"by": [f"one of {', '.join(SHARED_COLOURS)}."]}, status=400)
    values, title = colour_values(shared_access(link.story.coalition), by)
    return JsonResponse({"by": by, "title": title, "values": values})


@_shared
def shared_story_steps(request, link):
    """The story's steps as the link shows them (see ``story_steps_for``)."""
    access = shared_access(link.story.coalition)
    return JsonResponse(
        {
            "id": link.story.pk,
            "title": link.story.title,
            "steps": story_steps_for(link.story, access, shared=True),
        }
    )
