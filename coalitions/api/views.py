"""API views for coalitions and their roles, and for the coalition's workflow: targets,
memberships, unity statements and signatures, principles and endorsements, working groups and
their members, actions, wins and shifts in the political climate.

Workflow records are read by every role with WORKFLOW_VIEW (members included) and written by
the roles with WORKFLOW_EDIT; the one thing a member writes is their own organisation's
endorsements. A row that names a sensitive actor exists only for roles that may see it.
"""

import django_filters
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from allies.models import Actor
from coalitions import roles
from coalitions.api.fields import hide_sensitive_references, visible_actions
from coalitions.api.serializers import (
    COUNTED_SIGNATURE,
    PRIVACY_FIELDS,
    ActionSerializer,
    ClimateShiftSerializer,
    CoalitionSerializer,
    CommitmentSerializer,
    DesigneeTermSerializer,
    EndorsementSerializer,
    FeedbackCommentSerializer,
    FeedbackRoundSerializer,
    GroupMemberSerializer,
    HealthAnswerSerializer,
    HealthRoundSerializer,
    HealthSummarySerializer,
    IntroductionSerializer,
    MembershipSerializer,
    PrincipleSerializer,
    ProposalDecisionSerializer,
    ProposalSerializer,
    RoleSerializer,
    SignatureSerializer,
    StatementSerializer,
    StatementVersionSerializer,
    SuggestionAcceptSerializer,
    SuggestionDismissSerializer,
    SuggestionSerializer,
    TargetSerializer,
    VoteSerializer,
    WinSerializer,
    WorkingGroupSerializer,
)
from coalitions.models import (
    AuditAction,
    ClimateDirection,
    ClimateShift,
    Coalition,
    Commitment,
    CommitmentKind,
    DecisionRule,
    Endorsement,
    FeedbackRound,
    GroupKind,
    GroupMember,
    HealthCheckRound,
    Introduction,
    IntroductionOutcome,
    MemberPhase,
    Membership,
    PhaseMove,
    Principle,
    Proposal,
    Role,
    RoleName,
    Scale,
    Signature,
    StatementStatus,
    StatementVersion,
    Target,
    UnityStatement,
    Vote,
    Win,
    WorkingGroup,
)
from coalitions.selectors import designee_terms, health_round_summary
from coalitions.services import (
    audit_record,
    coalition_create,
    feedback_comment_add,
    feedback_round_open,
    health_answer_record,
    health_round_open,
    membership_spoken_for,
    proposal_decide,
    role_grant,
    role_revoke,
    statement_version_add,
    suggestion_accept,
    suggestion_dismiss,
    vote_cast,
)
from networks.models import Suggestion, SuggestionKind, SuggestionStatus
from weft.api import IF_MATCH, check_version, etag_for, expected_version, parse_if_match
from weft.api import CoalitionViewSet as ScopedViewSet
from weft.drf import PreconditionRequired
from weft.errors import ApplicationError

Permission = roles.Permission


class CoalitionFilter(django_filters.FilterSet):
    scale = django_filters.ChoiceFilter(choices=Scale.choices)
    role = django_filters.ChoiceFilter(field_name="user_role", choices=RoleName.choices)


class CoalitionViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Coalitions you hold a role in. Anyone signed in may create one and becomes its
    steward. Organizers and weavers edit its description; stewards its privacy policy."""

    serializer_class = CoalitionSerializer
    filterset_class = CoalitionFilter
    search_fields = ["name", "cause"]
    ordering_fields = ["id", "name", "created_at"]
    ordering = ["name", "id"]
    lookup_url_kwarg = "coalition_id"
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return Coalition.objects.for_user(self.request.user)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Resolved once per request (a 404 without a role); lists need none.
        self.access = (
            roles.access_for(request.user, kwargs["coalition_id"])
            if "coalition_id" in kwargs
            else None
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["access"] = getattr(self, "access", None)
        return context

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        coalition = coalition_create(created_by=request.user, **data)
        coalition.user_role = RoleName.STEWARD.value
        response = Response(self.get_serializer(coalition).data, status=status.HTTP_201_CREATED)
        response["ETag"] = etag_for(coalition)
        return response

    def retrieve(self, request, *args, **kwargs):
        coalition = self.get_object()
        response = Response(self.get_serializer(coalition).data)
        response["ETag"] = etag_for(coalition)
        return response

    @extend_schema(parameters=[IF_MATCH])
    def update(self, request, *args, partial=False, **kwargs):
        access = self.access
        if not isinstance(request.data, dict):
            raise ValidationError({"detail": "The body must be a JSON object of fields."})
        if any(field in request.data for field in PRIVACY_FIELDS):
            access.require(roles.Permission.PRIVACY_MANAGE)
        access.require(roles.Permission.WORKFLOW_EDIT)
        with transaction.atomic():
            coalition = Coalition.objects.select_for_update().get(pk=access.coalition.pk)
            check_version(coalition, expected_version(request), self.get_serializer)
            serializer = self.get_serializer(coalition, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            coalition = serializer.save_as(user=request.user)
            if any(field in request.data for field in PRIVACY_FIELDS):
                audit_record(
                    coalition=coalition,
                    user=request.user,
                    action=AuditAction.PRIVACY_CHANGED,
                    fields=sorted(f for f in PRIVACY_FIELDS if f in request.data),
                )
        coalition.user_role = access.role.value
        response = Response(self.get_serializer(coalition).data)
        response["ETag"] = etag_for(coalition)
        return response

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


class RoleFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=RoleName.choices)
    user = django_filters.CharFilter(field_name="user__username")


class RoleViewSet(ScopedViewSet):
    """Who holds which role (stewards only). Every grant, change and revocation is audited."""

    serializer_class = RoleSerializer
    read_permission = roles.Permission.ROLES_MANAGE
    write_permission = roles.Permission.ROLES_MANAGE
    versioned = False
    filterset_class = RoleFilter
    search_fields = ["user__username"]
    ordering_fields = ["id", "granted_at", "role"]

    def scoped_queryset(self):
        return (
            Role.objects.current()
            .filter(coalition=self.access.coalition)
            .select_related("user", "granted_by")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        role = role_grant(
            coalition=self.access.coalition,
            granted_by=request.user,
            **serializer.validated_data,
        )
        return Response(self.get_serializer(role).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        current = self.get_object()
        serializer = self.get_serializer(current, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        role = role_grant(
            coalition=self.access.coalition,
            user=current.user,
            role=data.get("role", current.role),
            organisation=data.get("organisation", current.organisation),
            person=data.get("person", current.person),
            granted_by=request.user,
        )
        return Response(self.get_serializer(role).data)

    def destroy(self, request, *args, **kwargs):
        current = self.get_object()
        role_revoke(coalition=self.access.coalition, user=current.user, revoked_by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------------------------------------
# The coalition's workflow


class WorkflowViewSet(ScopedViewSet):
    """Workflow records: every role with WORKFLOW_VIEW reads them (members included), the
    roles with WORKFLOW_EDIT write them, members write none."""

    read_permission = Permission.WORKFLOW_VIEW
    write_permission = Permission.WORKFLOW_EDIT

    def perform_create(self, serializer):
        return serializer.save_as(user=self.request.user, coalition=self.access.coalition)


class TargetFilter(django_filters.FilterSet):
    actor = django_filters.NumberFilter()
    is_primary = django_filters.BooleanFilter()


class TargetViewSet(WorkflowViewSet):
    """Decision-makers the coalition means to move, and what it demands of them."""

    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    search_fields = ["demand", "actor__name"]
    ordering_fields = ["id", "is_primary", "created_at", "updated_at"]

    def scoped_queryset(self):
        targets = Target.objects.filter(coalition=self.access.coalition)
        return hide_sensitive_references(targets, self.access, "actor")


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

    affects_metrics = True

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


class StatementFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=StatementStatus.choices)


def statement_rows(access):
    """Statements with the number of their latest text and their counted signatures, as
    subqueries: one query for a page of any size, and lockable (PostgreSQL refuses FOR
    UPDATE on a grouped query, which a join-and-Count would be)."""
    latest = StatementVersion.objects.filter(statement=OuterRef("pk")).order_by("-number")
    signed = (
        Signature.objects.filter(COUNTED_SIGNATURE, version__statement=OuterRef("pk"))
        .order_by()
        .values("version__statement")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        UnityStatement.objects.filter(coalition=access.coalition)
        .select_related("created_by")
        .annotate(
            latest_version_number=Subquery(latest.values("number")[:1]),
            counted_signatures=Coalesce(
                Subquery(signed, output_field=IntegerField()), 0, output_field=IntegerField()
            ),
        )
    )


def with_signature_counts(versions):
    """Versions with their confirmed, not withdrawn signatures counted (one query)."""
    counted = Q(signatures__confirmed_at__isnull=False, signatures__withdrawn_at__isnull=True)
    return versions.annotate(counted_signatures=Count("signatures", filter=counted))


@extend_schema_view(
    list=extend_schema(summary="Unity statements of the coalition"),
    create=extend_schema(summary="Start a unity statement (optionally with its first text)"),
)
class StatementViewSet(WorkflowViewSet):
    """Unity statements: drafted, circulated for feedback, published, archived. Versions of
    the text are added through ``versions/``; signatures are read through ``signatures/``.
    Statements are not deleted: archive them."""

    serializer_class = StatementSerializer
    filterset_class = StatementFilter
    search_fields = ["title"]
    ordering_fields = ["id", "title", "status", "created_at", "updated_at"]
    ordering = ["-created_at", "-id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def scoped_queryset(self):
        return statement_rows(self.access)

    def get_serializer_class(self):
        if self.action == "versions":
            return StatementVersionSerializer
        return StatementSerializer

    def check_version(self, statement):
        # This serializer's ``version`` is the number of the latest text. The row's own
        # version (the ETag) is ``row_version``: a body names it so; If-Match as everywhere.
        expected = parse_if_match(self.request.headers.get("If-Match"))
        if expected is None:
            body = self.request.data
            row_version = body.get("row_version") if hasattr(body, "get") else None
            if row_version is None:
                raise PreconditionRequired()
            try:
                expected = int(row_version)
            except (TypeError, ValueError):
                raise exceptions.ValidationError(
                    {"row_version": "must be a whole number."}
                ) from None
        check_version(statement, expected, self.get_serializer)

    def perform_create(self, serializer):
        statement = super().perform_create(serializer)
        return self.scoped_queryset().get(pk=statement.pk)  # with its counts

    @extend_schema(
        methods=["GET"],
        responses=StatementVersionSerializer(many=True),
        summary="The versions of a statement's text, oldest first",
    )
    @extend_schema(
        methods=["POST"],
        request=StatementVersionSerializer,
        responses={201: StatementVersionSerializer},
        summary="Add the next version of a statement's text (draft or feedback only)",
    )
    @action(detail=True, methods=["get", "post"])
    def versions(self, request, coalition_id, pk):
        statement = self.get_object()
        if request.method == "POST":
            self.check_write(statement)
            serializer = self.get_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            version = statement_version_add(
                statement=statement, body=serializer.validated_data["body"], created_by=request.user
            )
            version = with_signature_counts(StatementVersion.objects.filter(pk=version.pk))
            return Response(
                self.get_serializer(version.select_related("created_by").get()).data,
                status=status.HTTP_201_CREATED,
            )
        versions = with_signature_counts(statement.versions.select_related("created_by"))
        return Response(self.get_serializer(versions.order_by("number"), many=True).data)


class SignatureFilter(django_filters.FilterSet):
    statement = django_filters.NumberFilter(field_name="version__statement")
    statement_version = django_filters.NumberFilter(field_name="version")
    organisation = django_filters.NumberFilter()
    confirmed = django_filters.BooleanFilter(
        field_name="confirmed_at", lookup_expr="isnull", exclude=True
    )
    withdrawn = django_filters.BooleanFilter(
        field_name="withdrawn_at", lookup_expr="isnull", exclude=True
    )


class SignatureViewSet(WorkflowViewSet):
    """Signatures on the coalition's statements, read only: organisations sign on the
    public page. Signers' names, titles and emails are for roles that see contacts; members
    see which organisations signed publicly, nothing else."""

    serializer_class = SignatureSerializer
    filterset_class = SignatureFilter
    # Never the signer's fields: a search or an ordering on them would reveal them.
    search_fields = ["organisation_name"]
    ordering_fields = ["id", "organisation_name", "created_at", "confirmed_at"]
    ordering = ["version_id", "organisation_name", "id"]
    http_method_names = ["get", "head", "options"]
    versioned = False

    def scoped_queryset(self):
        signatures = Signature.objects.filter(
            version__statement__coalition=self.access.coalition
        ).select_related("version")
        signatures = hide_sensitive_references(signatures, self.access, "organisation")
        if self.access.role == RoleName.MEMBER:
            signatures = signatures.filter(COUNTED_SIGNATURE, show_publicly=True)
        return signatures


class PrincipleViewSet(WorkflowViewSet):
    """Shared principles, endorsed by member organisations."""

    serializer_class = PrincipleSerializer
    search_fields = ["title", "text"]
    ordering_fields = ["id", "position", "title", "created_at", "updated_at"]
    ordering = ["position", "id"]

    def scoped_queryset(self):
        endorsements = hide_sensitive_references(
            Endorsement.objects.filter(principle=OuterRef("pk"), withdrawn_at__isnull=True),
            self.access,
            "organisation",
        )
        counted = endorsements.order_by().values("principle").annotate(n=Count("pk")).values("n")
        return Principle.objects.filter(coalition=self.access.coalition).annotate(
            current_endorsements=Coalesce(
                Subquery(counted, output_field=IntegerField()), 0, output_field=IntegerField()
            )
        )


class EndorsementFilter(django_filters.FilterSet):
    principle = django_filters.NumberFilter()
    organisation = django_filters.NumberFilter()
    withdrawn = django_filters.BooleanFilter(
        field_name="withdrawn_at", lookup_expr="isnull", exclude=True
    )


class EndorsementViewSet(WorkflowViewSet):
    """Endorsements of principles. A member endorses (and withdraws) for their own
    organisation only; organizers, weavers and stewards for any. Withdrawal is recorded."""

    serializer_class = EndorsementSerializer
    # Members hold SIGN_AND_ENDORSE; check_write narrows them to their own organisation, and
    # requires WORKFLOW_EDIT of everyone else.
    write_permission = Permission.SIGN_AND_ENDORSE
    members_create = True
    filterset_class = EndorsementFilter
    search_fields = ["principle__title", "organisation__name"]
    ordering_fields = ["id", "endorsed_at", "withdrawn_at"]
    ordering = ["principle_id", "endorsed_at", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    versioned = False

    def scoped_queryset(self):
        endorsements = Endorsement.objects.filter(principle__coalition=self.access.coalition)
        endorsements = hide_sensitive_references(endorsements, self.access, "organisation")
        return endorsements.select_related("endorsed_by")

    def member_may_write(self, endorsement) -> bool:
        own = self.access.organisation_id
        return own is not None and endorsement.organisation_id == own

    def check_write(self, endorsement) -> None:
        if self.access.role != RoleName.MEMBER:
            self.access.require(Permission.WORKFLOW_EDIT)
        super().check_write(endorsement)
        if self.access.role == RoleName.MEMBER:
            membership_spoken_for(self.access)  # a member endorses as its designee

    def perform_create(self, serializer):
        return serializer.save_as(
            user=self.request.user, endorsed_by=self.request.user, endorsed_at=timezone.now()
        )


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
        return serializer.save_as(user=self.request.user)


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
        return serializer.save_as(user=self.request.user)


class ProposalFilter(django_filters.FilterSet):
    rule = django_filters.MultipleChoiceFilter(choices=DecisionRule.choices)
    decided = django_filters.BooleanFilter(
        field_name="decided_at", lookup_expr="isnull", exclude=True
    )


@extend_schema_view(
    list=extend_schema(summary="Proposals put to the member organisations"),
    create=extend_schema(summary="Put a proposal to the members, with its decision rule"),
)
class ProposalViewSet(WorkflowViewSet):
    """Proposals decided by the member organisations, one vote each through its designee,
    under the rule chosen for each (consensus, consent, majority); the outcome is recorded
    with a date to review it. Proposals are not deleted."""

    serializer_class = ProposalSerializer
    filterset_class = ProposalFilter
    search_fields = ["title", "text"]
    ordering_fields = ["id", "closes_at", "decided_at", "created_at", "updated_at"]
    ordering = ["-closes_at", "-id"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def initial(self, request, *args, **kwargs):
        if getattr(self, "action", None) == "votes" and request.method == "POST":
            # Members cast their own organisation's vote; the view checks which.
            self.write_permission = Permission.SIGN_AND_ENDORSE
        super().initial(request, *args, **kwargs)

    def scoped_queryset(self):
        return (
            Proposal.objects.filter(coalition=self.access.coalition)
            .select_related("created_by")
            .prefetch_related(
                Prefetch("votes", queryset=Vote.objects.only("id", "choice", "proposal"))
            )
        )

    def perform_create(self, serializer):
        proposal = serializer.save_as(user=self.request.user)
        return self.scoped_queryset().get(pk=proposal.pk)

    def get_serializer_class(self):
        if self.action == "votes":
            return VoteSerializer
        if self.action == "decide":
            return ProposalDecisionSerializer
        return ProposalSerializer

    @extend_schema(methods=["GET"], responses=VoteSerializer(many=True), summary="The votes cast")
    @extend_schema(
        methods=["POST"],
        request=VoteSerializer,
        responses={201: VoteSerializer},
        summary="Cast an organisation's vote (by its designee; once; while open)",
    )
    @action(detail=True, methods=["get", "post"])
    def votes(self, request, coalition_id, pk):
        proposal = self.get_object()
        if request.method == "POST":
            serializer = VoteSerializer(data=request.data, context=self.get_serializer_context())
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            if self.access.role == RoleName.MEMBER:
                if data["organisation"].pk != self.access.organisation_id:
                    raise roles.PermissionDeniedForRole(self.access, self.write_permission)
                # A member votes as themself: their account must be the designee's.
                membership = membership_spoken_for(self.access)
                if data["designee"].pk != membership.designee_id:
                    raise ApplicationError(
                        "Only the organisation's designee casts its vote.", field="designee",
                        status=403, code="not_designee",
                    )  # fmt: skip
            else:
                self.access.require(Permission.WORKFLOW_EDIT)
            vote = vote_cast(proposal=proposal, recorded_by=request.user, **data)
            return Response(VoteSerializer(vote).data, status=status.HTTP_201_CREATED)
        votes = hide_sensitive_references(
            Vote.objects.filter(proposal=proposal).select_related("recorded_by"),
            self.access,
            "organisation",
            "designee",
        )
        return Response(VoteSerializer(votes, many=True).data)

    @extend_schema(
        request=ProposalDecisionSerializer,
        responses={200: ProposalSerializer},
        summary="Record the outcome under the proposal's rule (after closing, or once all voted)",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, coalition_id, pk):
        proposal = self.get_object()
        serializer = ProposalDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = proposal_decide(
            proposal=proposal, decided_by=request.user, **serializer.validated_data
        )
        proposal = self.scoped_queryset().get(pk=proposal.pk)
        response = Response(
            ProposalSerializer(proposal, context=self.get_serializer_context()).data
        )
        response["ETag"] = etag_for(proposal)
        return response


class HealthRoundViewSet(WorkflowViewSet):
    """Rounds of the network health check. Each member organisation answers once per round
    (``answers/``); the weaver reads the round's averages, spread and trend (``summary/``),
    never one organisation's answers."""

    serializer_class = HealthRoundSerializer
    ordering_fields = ["id", "opens_on", "closes_on"]
    ordering = ["-opens_on", "-id"]
    http_method_names = ["get", "post", "head", "options"]
    versioned = False

    def initial(self, request, *args, **kwargs):
        if getattr(self, "action", None) == "answers":
            self.write_permission = Permission.SIGN_AND_ENDORSE
        elif getattr(self, "action", None) == "summary":
            self.read_permission = Permission.WORKFLOW_EDIT
        super().initial(request, *args, **kwargs)

    def scoped_queryset(self):
        return (
            HealthCheckRound.objects.filter(coalition=self.access.coalition)
            .select_related("opened_by")
            .annotate(answer_total=Count("answers"))
        )

    def get_serializer_class(self):
        if self.action == "answers":
            return HealthAnswerSerializer
        return HealthRoundSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        return health_round_open(
            coalition=self.access.coalition, opened_by=self.request.user, **data
        )

    def create(self, request, *args, **kwargs):
        self.access.require(Permission.WORKFLOW_EDIT)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        health_round = self.perform_create(serializer)
        health_round = self.scoped_queryset().get(pk=health_round.pk)
        return Response(self.get_serializer(health_round).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=HealthAnswerSerializer,
        responses={201: HealthAnswerSerializer},
        summary="An organisation's scores, 1 to 5 on each dimension (once per round)",
    )
    @action(detail=True, methods=["post"])
    def answers(self, request, coalition_id, pk):
        health_round = self.get_object()
        serializer = HealthAnswerSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organisation = data.pop("organisation")
        if self.access.role == RoleName.MEMBER:
            if organisation.pk != self.access.organisation_id:
                raise roles.PermissionDeniedForRole(self.access, self.write_permission)
            membership_spoken_for(self.access)  # the designee answers
        else:
            self.access.require(Permission.WORKFLOW_EDIT)
        answer = health_answer_record(
            round=health_round,
            organisation=organisation,
            answered_by=request.user,
            comment=data.pop("comment", ""),
            scores=data,
        )
        return Response(HealthAnswerSerializer(answer).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=HealthSummarySerializer, summary="Averages, spread and trend")
    @action(detail=True, methods=["get"])
    def summary(self, request, coalition_id, pk):
        return Response(health_round_summary(self.get_object()))


class FeedbackRoundFilter(django_filters.FilterSet):
    statement = django_filters.NumberFilter(field_name="version__statement")


class FeedbackRoundViewSet(WorkflowViewSet):
    """Rounds of feedback on a statement's text; members comment per paragraph while a
    round is open (``comments/``)."""

    serializer_class = FeedbackRoundSerializer
    filterset_class = FeedbackRoundFilter
    ordering_fields = ["id", "opened_at", "closes_at"]
    ordering = ["-opened_at", "-id"]
    http_method_names = ["get", "post", "head", "options"]
    versioned = False

    def initial(self, request, *args, **kwargs):
        if getattr(self, "action", None) == "comments":
            self.write_permission = Permission.SIGN_AND_ENDORSE
        super().initial(request, *args, **kwargs)

    def scoped_queryset(self):
        return FeedbackRound.objects.filter(
            version__statement__coalition=self.access.coalition
        ).select_related("version", "opened_by")

    def get_serializer_class(self):
        if self.action == "comments":
            return FeedbackCommentSerializer
        return FeedbackRoundSerializer

    def create(self, request, *args, **kwargs):
        self.access.require(Permission.WORKFLOW_EDIT)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        feedback_round = feedback_round_open(
            statement=data["version"]["statement"],
            closes_at=data["closes_at"],
            opened_by=request.user,
        )
        return Response(self.get_serializer(feedback_round).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"], responses=FeedbackCommentSerializer(many=True), summary="Comments"
    )
    @extend_schema(
        methods=["POST"],
        request=FeedbackCommentSerializer,
        responses={201: FeedbackCommentSerializer},
        summary="Comment on a paragraph while the round is open",
    )
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, coalition_id, pk):
        feedback_round = self.get_object()
        context = self.get_serializer_context()
        if request.method == "POST":
            serializer = FeedbackCommentSerializer(data=request.data, context=context)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            organisation = data.get("organisation")
            if self.access.role == RoleName.MEMBER:
                own = self.access.organisation_id
                if organisation is not None and organisation.pk != own:
                    raise roles.PermissionDeniedForRole(self.access, self.write_permission)
                organisation = Actor.objects.filter(pk=own).first() if own else None
            comment = feedback_comment_add(
                round=feedback_round,
                paragraph=data["paragraph"],
                body=data["body"],
                author=request.user,
                organisation=organisation,
            )
            return Response(FeedbackCommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        comments = hide_sensitive_references(
            feedback_round.comments.select_related("author"), self.access, "organisation"
        )
        return Response(FeedbackCommentSerializer(comments, many=True).data)


class SuggestionFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=SuggestionKind.choices)
    status = django_filters.MultipleChoiceFilter(choices=SuggestionStatus.choices)


class SuggestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """What the metric runs suggest a weaver do (for the roles that run the workflow). One
    click turns a suggestion into a logged introduction (``accept/``) or dismisses it with a
    reason (``dismiss/``). Suggestions come from metric runs: there is no create."""

    serializer_class = SuggestionSerializer
    filterset_class = SuggestionFilter
    filter_backends = ScopedViewSet.filter_backends
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
