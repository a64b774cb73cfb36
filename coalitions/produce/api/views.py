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
from coalitions.produce.services import (
    action_create,
    action_delete,
    action_update,
    climate_shift_create,
    climate_shift_delete,
    climate_shift_update,
    group_seat_add,
    group_seat_remove,
    group_seat_update,
    win_create,
    win_delete,
    win_update,
    working_group_create,
    working_group_delete,
    working_group_update,
)
from coalitions.roles import hide_sensitive_references
from networks.comments.api.views import ItemCommentsMixin


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

    def perform_create(self, serializer):
        return working_group_create(
            coalition=self.access.coalition,
            created_by=self.request.user,
            **serializer.validated_data,
        )

    def perform_update(self, serializer, group, expected_version):
        return working_group_update(
            group=group,
            expected_version=expected_version,
            updated_by=self.request.user,
            **serializer.validated_data,
        )

    def perform_destroy(self, group, expected_version):
        working_group_delete(
            group=group, expected_version=expected_version, deleted_by=self.request.user
        )


class GroupMemberFilter(django_filters.FilterSet):
    group = django_filters.NumberFilter()
    actor = django_filters.NumberFilter()
    is_lead = django_filters.BooleanFilter()
    current = django_filters.BooleanFilter(
        field_name="left_on", lookup_expr="isnull", label="Has not left"
    )


class GroupMemberViewSet(WorkflowViewSet):
    """Who sits in which group, and who leads it."""

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
        return group_seat_add(added_by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer, seat, expected_version):
        return group_seat_update(
            seat=seat, updated_by=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, seat, expected_version):
        group_seat_remove(seat=seat, removed_by=self.request.user)


class ActionFilter(django_filters.FilterSet):
    is_convergence = django_filters.BooleanFilter()
    working_group = django_filters.NumberFilter()
    leader = django_filters.NumberFilter(field_name="leaders", distinct=True)
    participant = django_filters.NumberFilter(field_name="participants", distinct=True)
    starts_after = django_filters.DateFilter(field_name="starts_on", lookup_expr="gte")
    starts_before = django_filters.DateFilter(field_name="starts_on", lookup_expr="lte")


class ActionViewSet(ItemCommentsMixin, WorkflowViewSet):
    """Joint actions and moments of convergence, with who led them and who took part."""

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

    def perform_create(self, serializer):
        return action_create(
            coalition=self.access.coalition,
            created_by=self.request.user,
            **serializer.validated_data,
        )

    def perform_update(self, serializer, action, expected_version):
        return action_update(
            action=action,
            expected_version=expected_version,
            updated_by=self.request.user,
            **serializer.validated_data,
        )

    def perform_destroy(self, action, expected_version):
        action_delete(
            action=action, expected_version=expected_version, deleted_by=self.request.user
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

    def perform_create(self, serializer):
        return win_create(
            coalition=self.access.coalition,
            created_by=self.request.user,
            visible_actions=visible_actions(self.access),
            **serializer.validated_data,
        )

    def perform_update(self, serializer, win, expected_version):
        return win_update(
            win=win,
            expected_version=expected_version,
            updated_by=self.request.user,
            visible_actions=visible_actions(self.access),
            **serializer.validated_data,
        )

    def perform_destroy(self, win, expected_version):
        win_delete(win=win, expected_version=expected_version, deleted_by=self.request.user)


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

    def perform_create(self, serializer):
        return climate_shift_create(
            coalition=self.access.coalition,
            created_by=self.request.user,
            visible_actions=visible_actions(self.access),
            **serializer.validated_data,
        )

    def perform_update(self, serializer, shift, expected_version):
        return climate_shift_update(
            shift=shift,
            expected_version=expected_version,
            updated_by=self.request.user,
            visible_actions=visible_actions(self.access),
            **serializer.validated_data,
        )

    def perform_destroy(self, shift, expected_version):
        climate_shift_delete(
            shift=shift, expected_version=expected_version, deleted_by=self.request.user
        )
