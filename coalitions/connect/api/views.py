"""API of the Connect workflow: memberships, introductions, commitments, suggestions."""

import django_filters
from django.db.models import Prefetch, Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from allies.models import Actor
from coalitions import roles
from coalitions.api.viewsets import CoalitionScopedViewSet, WorkflowViewSet
from coalitions.connect.api.serializers import (
    CommitmentSerializer,
    DesigneeTermSerializer,
    IntroductionSerializer,
    MembershipSerializer,
    SuggestionAcceptSerializer,
    SuggestionDismissSerializer,
    SuggestionSerializer,
)
from coalitions.connect.models import (
    Commitment,
    CommitmentKind,
    Introduction,
    IntroductionOutcome,
    Membership,
    PhaseMove,
)
from coalitions.connect.selectors import designee_terms
from coalitions.connect.services import (
    commitment_create,
    commitment_delete,
    commitment_update,
    introduction_log,
    introduction_update,
    membership_create,
    membership_delete,
    membership_update,
    suggestion_accept,
    suggestion_dismiss,
)
from coalitions.roles import Permission, hide_sensitive_references
from networks.models import Suggestion, SuggestionKind, SuggestionStatus
from weft.vocabulary import MemberPhase


class MembershipFilter(django_filters.FilterSet):
    phase = django_filters.MultipleChoiceFilter(choices=MemberPhase.choices)
    organisation = django_filters.NumberFilter()
    designee = django_filters.NumberFilter()
    current = django_filters.BooleanFilter(
        field_name="left_on", lookup_expr="isnull", label="Has not left"
    )


class MembershipViewSet(WorkflowViewSet):
    """Member organisations and where each is in Connect-Align-Produce. Every change of
    phase is kept as a move: who moved the member, and when."""

    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter
    search_fields = ["organisation__name", "brings", "gets"]
    ordering_fields = ["id", "phase", "joined_on", "left_on", "created_at", "updated_at"]

    def scoped_queryset(self):
        memberships = Membership.objects.filter(coalition=self.access.coalition)
        memberships = hide_sensitive_references(
            memberships, self.access, "organisation", "designee"
        )
        # One query for the moves of the whole page, their movers joined in.
        moves = PhaseMove.objects.select_related("moved_by")
        return memberships.prefetch_related(Prefetch("moves", queryset=moves))

    def perform_create(self, serializer):
        return membership_create(
            coalition=self.access.coalition,
            created_by=self.request.user,
            **serializer.validated_data,
        )

    def perform_update(self, serializer, membership, expected_version):
        return membership_update(
            membership=membership,
            expected_version=expected_version,
            updated_by=self.request.user,
            **serializer.validated_data,
        )

    def perform_destroy(self, membership, expected_version):
        membership_delete(
            membership=membership, expected_version=expected_version, deleted_by=self.request.user
        )

    @extend_schema(
        responses=DesigneeTermSerializer(many=True),
        summary="Who was the organisation's designee, from when to when (newest first)",
    )
    @action(detail=True, methods=["get"])
    def designees(self, request, coalition_id, pk):
        membership = self.get_object()
        terms = designee_terms(self.access, [membership]).get(membership.pk, [])
        visible = set(
            Actor.objects.filter(pk__in=[t["designee_id"] for t in terms])
            .visible(include_sensitive=self.access.sees_sensitive)
            .values_list("pk", flat=True)
        )
        rows = [
            {**term, "designee": term["designee_id"] if term["designee_id"] in visible else None}
            for term in terms
        ]
        return Response(DesigneeTermSerializer(rows, many=True).data)


# ---------------------------------------------------------------------------------------------
# The weaver's workflow: introductions, commitments, proposals and votes, health checks,
# feedback rounds and comments, suggestions from metric runs
class IntroductionFilter(django_filters.FilterSet):
    outcome = django_filters.MultipleChoiceFilter(choices=IntroductionOutcome.choices)
    actor = django_filters.NumberFilter(method="filter_actor", label="Either actor")
    follow_up_before = django_filters.DateFilter(field_name="follow_up_on", lookup_expr="lte")

    def filter_actor(self, rows, name, value):
        return rows.filter(Q(introduced=value) | Q(introduced_to=value))


class IntroductionViewSet(WorkflowViewSet):
    """Who a weaver introduced to whom, why, and what came of it. Logging one also logs the
    interaction of the two, so it feeds their relationship strength."""

    serializer_class = IntroductionSerializer
    filterset_class = IntroductionFilter
    search_fields = ["reason", "introduced__name", "introduced_to__name"]
    ordering_fields = ["id", "introduced_on", "follow_up_on", "created_at", "updated_at"]
    ordering = ["-introduced_on", "-id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def scoped_queryset(self):
        rows = Introduction.objects.filter(coalition=self.access.coalition)
        rows = hide_sensitive_references(rows, self.access, "introduced", "introduced_to")
        return rows.select_related("introduced_by")

    def perform_create(self, serializer):
        return introduction_log(
            coalition=self.access.coalition,
            introduced_by=self.request.user,
            **serializer.validated_data,
        )

    def perform_update(self, serializer, introduction, expected_version):
        return introduction_update(
            introduction=introduction,
            expected_version=expected_version,
            updated_by=self.request.user,
            **serializer.validated_data,
        )


class CommitmentFilter(django_filters.FilterSet):
    membership = django_filters.NumberFilter()
    kind = django_filters.MultipleChoiceFilter(choices=CommitmentKind.choices)
    kept = django_filters.BooleanFilter()
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")


class CommitmentViewSet(WorkflowViewSet):
    """What member organisations committed (people, hours, money, reach) and whether they
    kept it."""

    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilter
    search_fields = ["description"]
    ordering_fields = ["id", "due_on", "amount", "created_at", "updated_at"]
    ordering = ["due_on", "id"]

    def scoped_queryset(self):
        rows = Commitment.objects.filter(membership__coalition=self.access.coalition)
        return hide_sensitive_references(
            rows, self.access, "membership__organisation", "membership__designee"
        )

    def perform_create(self, serializer):
        return commitment_create(created_by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer, commitment, expected_version):
        return commitment_update(
            commitment=commitment,
            expected_version=expected_version,
            updated_by=self.request.user,
            **serializer.validated_data,
        )

    def perform_destroy(self, commitment, expected_version):
        commitment_delete(
            commitment=commitment, expected_version=expected_version, deleted_by=self.request.user
        )


class SuggestionFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=SuggestionKind.choices)
    status = django_filters.MultipleChoiceFilter(choices=SuggestionStatus.choices)


class SuggestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """What the metric runs suggest a weaver do (for the roles that run the workflow). One
    click turns a suggestion into a logged introduction (``accept/``) or dismisses it with a
    reason (``dismiss/``). Suggestions come from metric runs: there is no create."""

    serializer_class = SuggestionSerializer
    filterset_class = SuggestionFilter
    filter_backends = CoalitionScopedViewSet.filter_backends
    ordering_fields = ["id", "score", "decided_at"]
    ordering = ["-score", "id"]
    lookup_value_regex = r"\d+"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.access = roles.require(
            request.user, kwargs.get("coalition_id"), Permission.WORKFLOW_EDIT
        )

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Suggestion.objects.none()
        rows = Suggestion.objects.filter(coalition=self.access.coalition)
        return hide_sensitive_references(rows, self.access, "actor", "other").select_related(
            "decided_by"
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["access"] = getattr(self, "access", None)
        return context

    def get_serializer_class(self):
        if self.action == "accept":
            return SuggestionAcceptSerializer
        if self.action == "dismiss":
            return SuggestionDismissSerializer
        return SuggestionSerializer

    @extend_schema(
        request=SuggestionAcceptSerializer,
        responses={201: IntroductionSerializer},
        summary="Turn the suggestion into a logged introduction",
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, coalition_id, pk):
        suggestion = self.get_object()
        serializer = SuggestionAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        introduction = suggestion_accept(
            suggestion=suggestion, decided_by=request.user, **serializer.validated_data
        )
        data = IntroductionSerializer(introduction, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=SuggestionDismissSerializer,
        responses={200: SuggestionSerializer},
        summary="Dismiss the suggestion, with a reason",
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request, coalition_id, pk):
        suggestion = self.get_object()
        serializer = SuggestionDismissSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        suggestion = suggestion_dismiss(
            suggestion=suggestion,
            decided_by=request.user,
            reason=serializer.validated_data["reason"],
        )
        return Response(SuggestionSerializer(suggestion).data)
