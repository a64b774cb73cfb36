"""API views for actors, their contact details and their assessments; affiliations, skills
and skill levels, and engagement plans."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from allies.api.serializers import (
    ActorSerializer,
    AffiliationSerializer,
    AssessmentSerializer,
    ContactDetailSerializer,
    EngagementPlanSerializer,
    SkillLevelSerializer,
    SkillSerializer,
)
from allies.models import Actor, Affiliation, ContactDetail, EngagementPlan, Skill, SkillLevel
from allies.selectors import actor_list, assessment_list, contact_list
from allies.services.actors import actor_create, actor_delete, actor_restore, actor_update
from allies.services.affiliations import (
    affiliation_create,
    affiliation_delete,
    affiliation_update,
)
from allies.services.assessments import assessment_add
from allies.services.contacts import (
    contact_detail_create,
    contact_detail_delete,
    contact_detail_update,
)
from allies.services.plans import (
    engagement_plan_create,
    engagement_plan_delete,
    engagement_plan_update,
)
from allies.services.skills import skill_create, skill_delete, skill_level_add, skill_update
from coalitions.api.viewsets import CoalitionScopedViewSet
from coalitions.roles import Permission, hide_sensitive_references
from weft.api import optional_version
from weft.history import HistoryEntrySerializer, history_entries
from weft.vocabulary import ActorKind, AllyKind, Stance


class ActorFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=ActorKind.choices)
    stance = django_filters.MultipleChoiceFilter(
        field_name="current_stance", choices=Stance.choices
    )
    ally_kind = django_filters.ChoiceFilter(
        field_name="current_ally_kind", choices=AllyKind.choices
    )
    tag = django_filters.CharFilter(field_name="tags__name", distinct=True)
    is_sensitive = django_filters.BooleanFilter()
    is_directly_affected = django_filters.BooleanFilter()
    external_key = django_filters.CharFilter()


@extend_schema_view(
    list=extend_schema(summary="Actors of the coalition visible to your role"),
    create=extend_schema(summary="Add an actor"),
)
class ActorViewSet(CoalitionScopedViewSet):
    serializer_class = ActorSerializer
    filterset_class = ActorFilter
    search_fields = ["name", "description"]
    ordering_fields = ["id", "name", "kind", "created_at", "updated_at", "current_stance"]

    def scoped_queryset(self):
        return actor_list(self.access)

    def perform_create(self, serializer):
        return actor_create(access=self.access, **serializer.validated_data)

    def perform_update(self, serializer, actor, expected_version):
        return actor_update(
            access=self.access,
            actor=actor,
            expected_version=expected_version,
            **serializer.validated_data,
        )

    def perform_destroy(self, actor, expected_version):
        actor_delete(access=self.access, actor=actor, expected_version=expected_version)

    @extend_schema(responses=HistoryEntrySerializer(many=True), summary="An actor's history")
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, coalition_id, pk):
        records = Actor.history.filter(id=pk, coalition_id=self.access.coalition.pk)
        return Response(history_entries(self.access, records))

    @extend_schema(
        request=None,
        responses={200: ActorSerializer},
        summary="Restore an actor to a version of its history (also a deleted actor and the "
        "ties deleted with it)",
    )
    @action(detail=True, methods=["post"], url_path=r"history/(?P<history_id>\d+)/restore")
    def restore(self, request, coalition_id, pk, history_id):
        actor = actor_restore(
            access=self.access,
            actor_id=int(pk),
            history_id=int(history_id),
            expected_version=optional_version(request),
        )
        return self.item_response(actor)


class ContactDetailFilter(django_filters.FilterSet):
    actor = django_filters.NumberFilter()
    kind = django_filters.CharFilter()


class ContactDetailViewSet(CoalitionScopedViewSet):
    """Personal data: for stewards, organizers and weavers only."""

    serializer_class = ContactDetailSerializer
    read_permission = Permission.CONTACTS_VIEW
    write_permission = Permission.CONTACTS_EDIT
    filterset_class = ContactDetailFilter
    search_fields = ["label"]
    ordering_fields = ["id", "actor", "kind"]

    def scoped_queryset(self):
        return contact_list(self.access)

    def perform_create(self, serializer):
        return contact_detail_create(access=self.access, **serializer.validated_data)

    def perform_update(self, serializer, detail, expected_version):
        return contact_detail_update(
            access=self.access,
            detail=detail,
            expected_version=expected_version,
            **serializer.validated_data,
        )

    def perform_destroy(self, detail, expected_version):
        contact_detail_delete(access=self.access, detail=detail, expected_version=expected_version)

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, coalition_id, pk):
        records = ContactDetail.history.filter(id=pk, actor__coalition=self.access.coalition)
        return Response(history_entries(self.access, records))


class AssessmentFilter(django_filters.FilterSet):
    actor = django_filters.NumberFilter()
    stance = django_filters.MultipleChoiceFilter(choices=Stance.choices)
    ally_kind = django_filters.ChoiceFilter(choices=AllyKind.choices)
    assessed_after = django_filters.DateFilter(field_name="assessed_on", lookup_expr="gte")
    assessed_before = django_filters.DateFilter(field_name="assessed_on", lookup_expr="lte")


class AssessmentViewSet(CoalitionScopedViewSet):
    """Ally assessments are history: read them all, add a new one; never change one."""

    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    search_fields = ["note"]
    ordering_fields = ["id", "assessed_on", "created_at"]
    ordering = ["actor_id", "assessed_on", "created_at", "id"]
    http_method_names = ["get", "post", "head", "options"]
    versioned = False

    def scoped_queryset(self):
        return assessment_list(self.access)

    def perform_create(self, serializer):
        return assessment_add(access=self.access, **serializer.validated_data)


# ---------------------------------------------------------------------------------------------
# Affiliations, skills, engagement plans: map records, edited by organizers, weavers and
# stewards (members read them, but do not write them, their own organisation's included).


class AffiliationFilter(django_filters.FilterSet):
    person = django_filters.NumberFilter()
    organisation = django_filters.NumberFilter()
    is_lead = django_filters.BooleanFilter()
    current = django_filters.BooleanFilter(
        field_name="ended_on", lookup_expr="isnull", label="Has not ended"
    )


class AffiliationViewSet(CoalitionScopedViewSet):
    """Who belongs to which organisation, group or institution, and who leads there."""

    serializer_class = AffiliationSerializer
    filterset_class = AffiliationFilter
    search_fields = ["role_title", "person__name", "organisation__name"]
    ordering_fields = ["id", "started_on", "ended_on", "created_at", "updated_at"]

    def scoped_queryset(self):
        affiliations = Affiliation.objects.filter(person__coalition=self.access.coalition)
        return hide_sensitive_references(affiliations, self.access, "person", "organisation")

    def perform_create(self, serializer):
        return affiliation_create(access=self.access, **serializer.validated_data)

    def perform_update(self, serializer, affiliation, expected_version):
        return affiliation_update(
            access=self.access,
            affiliation=affiliation,
            expected_version=expected_version,
            **serializer.validated_data,
        )

    def perform_destroy(self, affiliation, expected_version):
        affiliation_delete(
            access=self.access, affiliation=affiliation, expected_version=expected_version
        )


class SkillFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="iexact")


class SkillViewSet(CoalitionScopedViewSet):
    """The skills the coalition tracks (its own list; names are unique in it)."""

    serializer_class = SkillSerializer
    filterset_class = SkillFilter
    search_fields = ["name", "description"]
    ordering_fields = ["id", "name"]
    ordering = ["name", "id"]
    versioned = False

    def scoped_queryset(self):
        return Skill.objects.filter(coalition=self.access.coalition)

    def perform_create(self, serializer):
        return skill_create(access=self.access, **serializer.validated_data)

    def perform_update(self, serializer, skill, expected_version):
        return skill_update(access=self.access, skill=skill, **serializer.validated_data)

    def perform_destroy(self, skill, expected_version):
        skill_delete(access=self.access, skill=skill)


class SkillLevelFilter(django_filters.FilterSet):
    actor = django_filters.NumberFilter()
    skill = django_filters.NumberFilter()
    min_level = django_filters.NumberFilter(field_name="level", lookup_expr="gte")
    assessed_after = django_filters.DateFilter(field_name="assessed_on", lookup_expr="gte")
    assessed_before = django_filters.DateFilter(field_name="assessed_on", lookup_expr="lte")


class SkillLevelViewSet(CoalitionScopedViewSet):
    """Skill levels are history, like assessments: read them all, add a new one; never
    change one."""

    serializer_class = SkillLevelSerializer
    filterset_class = SkillLevelFilter
    search_fields = ["note", "skill__name"]
    ordering_fields = ["id", "level", "assessed_on", "created_at"]
    ordering = ["actor_id", "skill_id", "assessed_on", "id"]
    http_method_names = ["get", "post", "head", "options"]
    versioned = False

    def scoped_queryset(self):
        levels = SkillLevel.objects.filter(actor__coalition=self.access.coalition)
        return hide_sensitive_references(levels, self.access, "actor").select_related("recorded_by")

    def perform_create(self, serializer):
        return skill_level_add(access=self.access, **serializer.validated_data)


class EngagementPlanFilter(django_filters.FilterSet):
    actor = django_filters.NumberFilter()
    messenger = django_filters.NumberFilter()
    owner = django_filters.CharFilter(field_name="owner__username")
    overdue = django_filters.BooleanFilter(
        method="next_step_overdue", label="The next step is past its date"
    )
    due_before = django_filters.DateFilter(field_name="next_step_on", lookup_expr="lte")

    def next_step_overdue(self, queryset, name, value):
        late = Q(next_step_on__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)


class EngagementPlanViewSet(CoalitionScopedViewSet):
    """Engagement plans: the ask, the frame, the messenger, the owner, the next step."""

    serializer_class = EngagementPlanSerializer
    # Plans name who carries a message to whom and which user owns it: for the roles that
    # see contacts (stewards, organizers, weavers), not members or funders. Writing needs
    # MAP_EDIT as the other map records (the services: the whole map's editors).
    read_permission = Permission.CONTACTS_VIEW
    filterset_class = EngagementPlanFilter
    search_fields = ["ask", "frame", "next_step", "actor__name"]
    ordering_fields = ["id", "next_step_on", "created_at", "updated_at"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # A write answers with the plan (and a stale one with its current state): whoever
        # may not read plans may not write them either.
        self.access.require(self.read_permission)

    def scoped_queryset(self):
        plans = EngagementPlan.objects.filter(actor__coalition=self.access.coalition)
        plans = hide_sensitive_references(plans, self.access, "actor", "messenger")
        return plans.select_related("owner")

    def perform_create(self, serializer):
        return engagement_plan_create(access=self.access, **serializer.validated_data)

    def perform_update(self, serializer, plan, expected_version):
        return engagement_plan_update(
            access=self.access,
            plan=plan,
            expected_version=expected_version,
            **serializer.validated_data,
        )

    def perform_destroy(self, plan, expected_version):
        engagement_plan_delete(access=self.access, plan=plan, expected_version=expected_version)
