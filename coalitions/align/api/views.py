"""API of the Align workflow: statements and their versions and signatures, principles
and endorsements, proposals and votes, health-check rounds, feedback rounds."""

import django_filters
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from allies.models import Actor
from coalitions.align.api.serializers import (
    COUNTED_SIGNATURE,
    EndorsementSerializer,
    FeedbackCommentSerializer,
    FeedbackRoundSerializer,
    HealthAnswerSerializer,
    HealthRoundSerializer,
    HealthSummarySerializer,
    PillarProximitySerializer,
    PillarSerializer,
    PrincipleSerializer,
    ProposalDecisionSerializer,
    ProposalSerializer,
    SignatureSerializer,
    StatementSerializer,
    StatementVersionSerializer,
    SupportSerializer,
    TargetSerializer,
    VoteSerializer,
)
from coalitions.align.models import (
    DecisionRule,
    Endorsement,
    FeedbackRound,
    HealthCheckRound,
    Pillar,
    PillarProximity,
    Principle,
    Proposal,
    Signature,
    StatementStatus,
    StatementVersion,
    Target,
    UnityStatement,
    Vote,
)
from coalitions.align.selectors import (
    health_answer_count_subquery,
    health_round_summary,
    signatory_count_subquery,
    support_of,
)
from coalitions.align.services.health import health_answer_record, health_round_open
from coalitions.align.services.principles import (
    endorsement_add,
    endorsement_update,
    principle_create,
    principle_delete,
    principle_update,
)
from coalitions.align.services.proposals import (
    proposal_create,
    proposal_decide,
    proposal_update,
    vote_cast,
)
from coalitions.align.services.statements import (
    feedback_comment_add,
    feedback_round_open,
    statement_comment_add,
    statement_create,
    statement_update,
    statement_version_add,
)
from coalitions.align.services.targets import (
    pillar_create,
    pillar_delete,
    pillar_update,
    proximity_delete,
    proximity_record,
    proximity_update,
    target_create,
    target_delete,
    target_update,
)
from coalitions.api.viewsets import WorkflowViewSet
from coalitions.roles import Permission, hide_sensitive_references
from networks.comments.api.views import ItemCommentsMixin
from weft.api import etag_for, expected_version
from weft.errors import ApplicationError


class StatementFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=StatementStatus.choices)


def statement_rows(access):
    """Statements with the number of their latest text and their signatories, as
    subqueries: one query for a page of any size, and lockable (PostgreSQL refuses FOR
    UPDATE on a grouped query, which a join-and-Count would be)."""
    latest = StatementVersion.objects.filter(statement=OuterRef("pk")).order_by("-number")
    return (
        UnityStatement.objects.filter(coalition=access.coalition)
        .select_related("created_by")
        .annotate(
            latest_version_number=Subquery(latest.values("number")[:1]),
            signatory_count=signatory_count_subquery(include_sensitive=access.sees_sensitive),
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
class StatementViewSet(ItemCommentsMixin, WorkflowViewSet):
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

    def comment_add(self, statement, *, body, parent, paragraph):
        # A statement's comments are on one paragraph of its latest text.
        return statement_comment_add(
            access=self.access, statement=statement, paragraph=paragraph, body=body, parent=parent
        )

    def expected_version(self):
        # This serializer's ``version`` is the number of the latest text. The row's own
        # version (the ETag) is ``row_version``: a body names it so; If-Match as everywhere.
        return expected_version(self.request, field="row_version")

    def perform_create(self, serializer):
        return statement_create(
            coalition=self.access.coalition,
            created_by=self.request.user,
            **serializer.validated_data,
        )

    def perform_update(self, serializer, statement, expected_version):
        return statement_update(
            statement=statement,
            expected_version=expected_version,
            updated_by=self.request.user,
            **serializer.validated_data,
        )

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
        if not self.access.can(Permission.SIGNATURES_VIEW):
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

    def perform_create(self, serializer):
        return principle_create(
            coalition=self.access.coalition,
            created_by=self.request.user,
            **serializer.validated_data,
        )

    def perform_update(self, serializer, principle, expected_version):
        return principle_update(
            principle=principle,
            expected_version=expected_version,
            updated_by=self.request.user,
            **serializer.validated_data,
        )

    def perform_destroy(self, principle, expected_version):
        principle_delete(
            principle=principle, expected_version=expected_version, deleted_by=self.request.user
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
    # Members hold SIGN_AND_ENDORSE; the services narrow them to their own organisation, as
    # its designee (coalitions.connect.services.require_voice).
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

    def perform_create(self, serializer):
        return endorsement_add(access=self.access, **serializer.validated_data)

    def perform_update(self, serializer, endorsement, expected_version):
        return endorsement_update(
            access=self.access, endorsement=endorsement, **serializer.validated_data
        )


class ProposalFilter(django_filters.FilterSet):
    rule = django_filters.MultipleChoiceFilter(choices=DecisionRule.choices)
    decided = django_filters.BooleanFilter(
        field_name="decided_at", lookup_expr="isnull", exclude=True
    )


@extend_schema_view(
    list=extend_schema(summary="Proposals put to the member organisations"),
    create=extend_schema(summary="Put a proposal to the members, with its decision rule"),
)
class ProposalViewSet(ItemCommentsMixin, WorkflowViewSet):
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
        return proposal_create(
            coalition=self.access.coalition,
            created_by=self.request.user,
            **serializer.validated_data,
        )

    def perform_update(self, serializer, proposal, expected_version):
        return proposal_update(
            proposal=proposal,
            expected_version=expected_version,
            updated_by=self.request.user,
            **serializer.validated_data,
        )

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
            vote = vote_cast(access=self.access, proposal=proposal, **serializer.validated_data)
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
            .annotate(
                answer_total=health_answer_count_subquery(
                    include_sensitive=self.access.sees_sensitive
                )
            )
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
        scores = dict(serializer.validated_data)
        answer = health_answer_record(
            access=self.access,
            round=health_round,
            organisation=scores.pop("organisation"),
            comment=scores.pop("comment", ""),
            scores=scores,
        )
        return Response(HealthAnswerSerializer(answer).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=HealthSummarySerializer, summary="Averages, spread and trend")
    @action(detail=True, methods=["get"])
    def summary(self, request, coalition_id, pk):
        return Response(
            health_round_summary(self.get_object(), include_sensitive=self.access.sees_sensitive)
        )


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
            comment = feedback_comment_add(
                access=self.access, round=feedback_round, **serializer.validated_data
            )
            return Response(FeedbackCommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        comments = hide_sensitive_references(
            feedback_round.comments.select_related("author"), self.access, "organisation"
        )
        return Response(FeedbackCommentSerializer(comments, many=True).data)


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

    @extend_schema(
        parameters=[OpenApiParameter("actor", int, required=True)],
        responses=SupportSerializer,
        summary="The pillars of support around one actor (the map's panel)",
    )
    @action(detail=False, methods=["get"])
    def support(self, request, coalition_id):
        """For ``?actor=``: the targets it is, with their pillars, and its proximity to each
        pillar of the coalition's targets."""
        actor_id = request.query_params.get("actor", "")
        actor = None
        if actor_id.isdigit():
            actor = (
                Actor.objects.filter(coalition=self.access.coalition, pk=int(actor_id))
                .visible(include_sensitive=self.access.sees_sensitive)
                .first()
            )
        if actor is None:
            raise Http404("No such actor.")
        return Response(SupportSerializer(support_of(self.access, actor)).data)

    def perform_create(self, serializer):
        return target_create(
            coalition=self.access.coalition,
            created_by=self.request.user,
            **serializer.validated_data,
        )

    def perform_update(self, serializer, target, expected_version):
        return target_update(
            target=target,
            expected_version=expected_version,
            updated_by=self.request.user,
            **serializer.validated_data,
        )

    def perform_destroy(self, target, expected_version):
        target_delete(
            target=target, expected_version=expected_version, deleted_by=self.request.user
        )


class PillarFilter(django_filters.FilterSet):
    target = django_filters.NumberFilter()
    actor = django_filters.NumberFilter()
    sector = django_filters.CharFilter()


class PillarViewSet(WorkflowViewSet):
    """The pillars of support of the coalition's targets: the institutions and groups that
    hold each one up. A pillar whose actor (or target) the role may not see is not listed."""

    serializer_class = PillarSerializer
    filterset_class = PillarFilter
    search_fields = ["name", "note"]
    ordering_fields = ["id", "name", "sector", "created_at", "updated_at"]

    def scoped_queryset(self):
        pillars = Pillar.objects.filter(target__coalition=self.access.coalition)
        return hide_sensitive_references(pillars, self.access, "target__actor", "actor")

    def perform_create(self, serializer):
        return pillar_create(created_by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer, pillar, expected_version):
        changes = dict(serializer.validated_data)
        if changes.get("target", pillar.target) != pillar.target:
            raise ApplicationError("A pillar stays with its target.", field="target")
        changes.pop("target", None)
        if "name" in changes and not changes["name"].strip() and changes.get("actor"):
            changes["name"] = changes["actor"].name
        return pillar_update(
            pillar=pillar,
            expected_version=expected_version,
            updated_by=self.request.user,
            **changes,
        )

    def perform_destroy(self, pillar, expected_version):
        pillar_delete(
            pillar=pillar, expected_version=expected_version, deleted_by=self.request.user
        )


class ProximityFilter(django_filters.FilterSet):
    pillar = django_filters.NumberFilter()
    actor = django_filters.NumberFilter()
    target = django_filters.NumberFilter(field_name="pillar__target")


class PillarProximityViewSet(WorkflowViewSet):
    """How close each actor stands to each pillar of support (1–5), one row per actor and
    pillar; a change is an update, kept in the row's history."""

    serializer_class = PillarProximitySerializer
    filterset_class = ProximityFilter
    ordering_fields = ["id", "proximity", "created_at", "updated_at"]

    def scoped_queryset(self):
        rows = PillarProximity.objects.filter(pillar__target__coalition=self.access.coalition)
        return hide_sensitive_references(
            rows, self.access, "actor", "pillar__actor", "pillar__target__actor"
        )

    def perform_create(self, serializer):
        return proximity_record(recorded_by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer, row, expected_version):
        return proximity_update(
            pillar_proximity=row,
            expected_version=expected_version,
            updated_by=self.request.user,
            **serializer.validated_data,
        )

    def perform_destroy(self, row, expected_version):
        proximity_delete(
            pillar_proximity=row, expected_version=expected_version, deleted_by=self.request.user
        )
