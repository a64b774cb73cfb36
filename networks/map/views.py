"""Pages of the map: the canvas (a server-rendered shell the map module draws into) and its
table twin, the accessible alternative with the same filters."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from allies.models import EngagementPlan
from coalitions import roles
from coalitions.produce.models import WorkingGroup
from coalitions.roles import Permission
from networks.map.filters import MapFilters, map_filters_from
from networks.map.models import MapLayout
from networks.map.payload import map_rows
from networks.map.selectors import custom_field_keys
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
    nodes, edges = map_rows(access, context["filters"])
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
    if access.sees_contacts:  # plans name messengers and owners (see the plans API)
        overdue = EngagementPlan.objects.filter(
            actor__coalition=access.coalition, next_step_on__lt=timezone.localdate()
        )
        if not access.sees_sensitive:
            overdue = overdue.filter(actor__is_sensitive=False)
        context["overdue"] = overdue.select_related("actor", "owner").order_by("next_step_on")
    return render(request, "networks/map_table.html", context)
