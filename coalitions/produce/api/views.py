"""API of the Produce workflow: working groups and their seats, actions, wins and shifts
in the political climate."""

import django_filters
from django.db.models import Prefetch

from allies.models import Actor
from coalitions.api.viewsets import WorkflowViewSet
from coalitions.produce.api.serializers import (
    ActionSerializer,
    ClimateShiftSerializer,
    GroupMemberSerializer,
    WinSerializer,
    WorkingGroupSerializer,
)
from coalitions.produce.models import (
    ClimateDirection,
    ClimateShift,
    GroupKind,
    GroupMember,
    Win,
    WorkingGroup,
)
from coalitions.produce.selectors import visible_actions
from coalitions.roles import hide_sensitive_references


class WorkingGroupFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=GroupKind.choices)
    parent = django_filters.NumberFilter()
    top_level = django_filters.BooleanFilter(
        field_name="parent", lookup_expr="isnull", label="Sits in no other group"
    )


class WorkingGroupViewSet(WorkflowViewSet):
    """Working groups, hubs and caucuses; a group may sit inside another of the coalition."""

    serializer_class = WorkingGroupSerializer
    filterset_class = WorkingGroupFilter
    search_fields = ["name", "purpose"]
    ordering_fields = ["id", "name", "kind", "created_at", "updated_at"]
    ordering = ["name", "id"]

    def scoped_queryset(self):
        return WorkingGroup.objects.filter(coalition=self.access.coalition)


class GroupMemberFilter(django_filters.FilterSet):
    group = django_filters.NumberFilter()
    actor = django_filters.NumberFilter()
    is_lead = django_filters.BooleanFilter()
    current = django_filters.BooleanFilter(
        field_name="left_on", lookup_expr="isnull", label="Has not left"
    )


class GroupMemberViewSet(WorkflowViewSet):
    """Who sits in which group, and who leads it."""

    affects_metrics = True

    serializer_class = GroupMemberSerializer
    filterset_class = GroupMemberFilter
    search_fields = ["actor__name", "group__name"]
    ordering_fields = ["id", "is_lead", "joined_on", "left_on"]
    ordering = ["group_id", "-is_lead", "id"]
    versioned = False

    def scoped_queryset(self):
        seats = GroupMember.objects.filter(group__coalition=self.access.coalition)
        return hide_sensitive_references(seats, self.access, "actor")

    def perform_create(self, serializer):
        return serializer.save_as(user=self.request.user)


class ActionFilter(django_filters.FilterSet):
    is_convergence = django_filters.BooleanFilter()
    working_group = django_filters.NumberFilter()
    leader = django_filters.NumberFilter(field_name="leaders", distinct=True)
    participant = django_filters.NumberFilter(field_name="participants", distinct=True)
    starts_after = django_filters.DateFilter(field_name="starts_on", lookup_expr="gte")
    starts_before = django_filters.DateFilter(field_name="starts_on", lookup_expr="lte")


class ActionViewSet(WorkflowViewSet):
    """Joint actions and moments of convergence, with who led them and who took part."""

    affects_metrics = True

    serializer_class = ActionSerializer
    filterset_class = ActionFilter
    search_fields = ["title", "description", "place"]
    ordering_fields = ["id", "title", "starts_on", "created_at", "updated_at"]
    ordering = ["-starts_on", "id"]

    def scoped_queryset(self):
        # Ids only: two queries for the leaders and participants of a whole page.
        return visible_actions(self.access).prefetch_related(
            Prefetch("leaders", queryset=_ids_only()),
            Prefetch("participants", queryset=_ids_only()),
        )


def _ids_only():
    return Actor.objects.only("id").order_by("id")


class WinFilter(django_filters.FilterSet):
    action = django_filters.NumberFilter(field_name="actions", distinct=True)
    won_after = django_filters.DateFilter(field_name="won_on", lookup_expr="gte")
    won_before = django_filters.DateFilter(field_name="won_on", lookup_expr="lte")


class ActionLinksViewSet(WorkflowViewSet):
    """Wins and climate shifts, each with the ids of the actions (visible to the role) that
    brought it about: one query for the links of a whole page."""

    model: type

    def scoped_queryset(self):
        linked = Prefetch("actions", queryset=visible_actions(self.access).only("id"))
        return self.model.objects.filter(coalition=self.access.coalition).prefetch_related(linked)


class WinViewSet(ActionLinksViewSet):
    """Wins: the social change the coalition brought about."""

    model = Win
    serializer_class = WinSerializer
    filterset_class = WinFilter
    search_fields = ["title", "description"]
    ordering_fields = ["id", "title", "won_on", "created_at", "updated_at"]
    ordering = ["-won_on", "id"]


class ClimateShiftFilter(django_filters.FilterSet):
    direction = django_filters.ChoiceFilter(choices=ClimateDirection.choices)
    action = django_filters.NumberFilter(field_name="actions", distinct=True)
    recorded_after = django_filters.DateFilter(field_name="recorded_on", lookup_expr="gte")
    recorded_before = django_filters.DateFilter(field_name="recorded_on", lookup_expr="lte")


class ClimateShiftViewSet(ActionLinksViewSet):
    """Shifts in the political climate: how far a win (or a loss) moved what is thinkable."""

    model = ClimateShift
    serializer_class = ClimateShiftSerializer
    filterset_class = ClimateShiftFilter
    search_fields = ["title", "description"]
    ordering_fields = ["id", "title", "recorded_on", "created_at", "updated_at"]
    ordering = ["-recorded_on", "id"]
