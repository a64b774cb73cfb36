"""Serializers of the coalitions API: coalitions and roles, and the coalition's workflow
(targets, memberships, unity statements and their signatures, principles and endorsements,
working groups, actions, wins and shifts in the political climate)."""

from django.contrib.auth import get_user_model
from django.db.models import Max, Prefetch, Q, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from allies.models import ActorKind
from coalitions.api.fields import (
    CoalitionRowField,
    NamedChoiceField,
    UnversionedSerializer,
    hide_sensitive_references,
    visible_actions,
)
from coalitions.models import (
    HEALTH_DIMENSIONS,
    Action,
    ClimateDirection,
    ClimateShift,
    Coalition,
    Commitment,
    CommitmentKind,
    DecisionRule,
    Endorsement,
    FeedbackComment,
    FeedbackRound,
    GroupMember,
    HealthCheckAnswer,
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
    Signature,
    StatementStatus,
    StatementVersion,
    Target,
    UnityStatement,
    Vote,
    VoteChoice,
    Win,
    WorkingGroup,
)
from coalitions.services import (
    commitment_create,
    commitment_update,
    introduction_log,
    introduction_update,
    membership_create,
    membership_update,
    proposal_create,
    proposal_update,
    statement_create,
    statement_update,
)
from networks.models import Suggestion
from weft.serializers import CoalitionActorField, WeftModelSerializer, validate_dates_in_order

PRIVACY_FIELDS = ("reports_show_organisation_names", "reports_small_count_threshold")


class CoalitionSerializer(WeftModelSerializer):
    role = serializers.SerializerMethodField(help_text="Your role in this coalition.")

    class Meta:
        model = Coalition
        fields = [
            "id", "name", "cause", "social_change_goal", "social_power_goal", "scale", "phase",
            "reports_show_organisation_names", "reports_small_count_threshold", "role",
            "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"reports_small_count_threshold": {"min_value": 1, "max_value": 100}}

    def get_role(self, coalition) -> str | None:
        role = getattr(coalition, "user_role", None)
        if role is None and self.context.get("access") is not None:
            role = self.context["access"].role.value
        return role

    def validate_name(self, value):
        if not value.strip():
            raise serializers.ValidationError("must not be blank.")
        return value.strip()


class RoleSerializer(serializers.ModelSerializer):
    """A user's current role in the coalition (stewards only). Changing it keeps the old one
    in the coalition's history and audit log."""

    user = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.filter(is_active=True)
    )
    role = serializers.ChoiceField(choices=RoleName.choices)
    organisation = CoalitionActorField(
        required=False, allow_null=True, help_text="For members: their own organisation."
    )
    person = CoalitionActorField(
        required=False,
        allow_null=True,
        help_text="Who the user is on the map (a person): a member votes, answers and endorses "
        "for their organisation while this person is its designee.",
    )
    granted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Role
        fields = ["id", "user", "role", "organisation", "person", "granted_by", "granted_at"]
        read_only_fields = ["granted_at"]

    def validate_person(self, person):
        if person is not None and person.kind != ActorKind.PERSON:
            raise serializers.ValidationError("must be a person.")
        return person

    def validate(self, attrs):
        if self.instance is not None and "user" in attrs and attrs["user"] != self.instance.user:
            raise serializers.ValidationError({"user": "cannot be changed; grant a new role."})
        return attrs


def coalition_of(serializer):
    return serializer.context["access"].coalition


def other_rows(serializer, rows):
    """``rows`` without the item being changed (for uniqueness checks on update)."""
    if serializer.instance is not None:
        return rows.exclude(pk=serializer.instance.pk)
    return rows


# ---------------------------------------------------------------------------------------------
# Targets and memberships


class DesigneeTermSerializer(serializers.Serializer):
    """One person's time as an organisation's designee, from the membership's history. A
    person the role may not see has no id or name here, only the dates."""

    designee = serializers.IntegerField(allow_null=True, help_text="The person's actor id.")
    name = serializers.CharField()
    since = serializers.DateTimeField()
    until = serializers.DateTimeField(allow_null=True, help_text="Empty: still the designee.")


class TargetSerializer(WeftModelSerializer):
    actor = CoalitionActorField(help_text="The decision-maker the coalition means to move.")

    class Meta:
        model = Target
        fields = ["id", "actor", "demand", "is_primary", "version", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def validate_actor(self, actor):
        if other_rows(self, Target.objects.filter(actor=actor)).exists():
            raise serializers.ValidationError("is already a target of this coalition.")
        return actor


class PhaseMoveSerializer(serializers.ModelSerializer):
    # Plain text, not enums: the choices are the membership's phase (MemberPhaseEnum).
    from_phase = serializers.CharField(read_only=True, help_text="Blank for the first phase.")
    to_phase = serializers.CharField(read_only=True)
    moved_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = PhaseMove
        fields = ["id", "from_phase", "to_phase", "moved_by", "moved_at"]
        read_only_fields = fields


class MembershipSerializer(WeftModelSerializer):
    """A member organisation and its phase. Each change of phase adds a move (who, when)."""

    organisation = CoalitionActorField()
    designee = CoalitionActorField(
        required=False,
        allow_null=True,
        help_text="The person who speaks and votes for the organisation in the coalition.",
    )
    phase = NamedChoiceField(MemberPhase, required=False)
    moves = PhaseMoveSerializer(many=True, read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id", "organisation", "phase", "designee", "brings", "gets", "joined_on", "left_on",
            "moves", "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    def validate_organisation(self, organisation):
        if organisation.kind == ActorKind.PERSON:
            raise serializers.ValidationError("must be an organisation, group or institution.")
        if other_rows(self, Membership.objects.filter(organisation=organisation)).exists():
            raise serializers.ValidationError("is already a member of this coalition.")
        return organisation

    def validate_designee(self, designee):
        if designee is not None and designee.kind != ActorKind.PERSON:
            raise serializers.ValidationError("must be a person.")
        return designee

    def validate(self, attrs):
        validate_dates_in_order(attrs, self.instance, "joined_on", "left_on")
        return attrs

    def create(self, validated_data):
        return membership_create(created_by=self._acting_user, **validated_data)

    def update(self, membership, validated_data):
        return membership_update(
            membership=membership, updated_by=self._acting_user, **validated_data
        )


# ---------------------------------------------------------------------------------------------
# Unity statements and signatures


class StatementSerializer(WeftModelSerializer):
    """A unity statement. ``version`` is the number of its latest text; the row's own version
    (its ETag, what If-Match names) is ``row_version``."""

    status = NamedChoiceField(StatementStatus, required=False)
    version = serializers.SerializerMethodField(
        help_text="Number of the latest version of the text; null before the first."
    )
    row_version = serializers.IntegerField(
        source="version",
        read_only=True,
        help_text="Send it back as If-Match (or 'row_version') when you change this.",
    )
    signature_count = serializers.SerializerMethodField(
        help_text="Confirmed, not withdrawn signatures on the published versions."
    )
    public_url = serializers.SerializerMethodField(
        help_text="The public sign-on page; null until the statement is published."
    )
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    body = serializers.CharField(
        write_only=True,
        required=False,
        help_text="On creation: the text of version 1 (Markdown). Later texts: versions/.",
    )

    class Meta:
        model = UnityStatement
        fields = [
            "id", "title", "status", "version", "row_version", "signature_count", "public_url",
            "body", "created_by", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    def get_version(self, statement) -> int | None:
        if hasattr(statement, "latest_version_number"):  # annotated by the list's query
            return statement.latest_version_number
        return statement.versions.aggregate(number=Max("number"))["number"]

    def get_signature_count(self, statement) -> int:
        if hasattr(statement, "counted_signatures"):  # annotated by the list's query
            return statement.counted_signatures or 0
        return Signature.objects.filter(COUNTED_SIGNATURE, version__statement=statement).count()

    def get_public_url(self, statement) -> str | None:
        if statement.status != StatementStatus.PUBLISHED:
            return None
        return reverse("sign-on", args=[statement.pk])

    def validate_title(self, value):
        if not value.strip():
            raise serializers.ValidationError("must not be blank.")
        return value.strip()

    def validate(self, attrs):
        publishing = attrs.get("status") == StatementStatus.PUBLISHED and (
            self.instance is None or self.instance.status != StatementStatus.PUBLISHED
        )
        if publishing:
            has_text = bool(attrs.get("body")) or (
                self.instance is not None and self.instance.versions.exists()
            )
            if not has_text:
                raise serializers.ValidationError(
                    {"status": "a statement needs a text before it is published."}
                )
        if self.instance is not None and "body" in attrs:
            raise serializers.ValidationError({"body": "add a new text through versions/."})
        return attrs

    def create(self, validated_data):
        return statement_create(created_by=self._acting_user, **validated_data)

    def update(self, statement, validated_data):
        return statement_update(statement=statement, updated_by=self._acting_user, **validated_data)


# A signature that counts: confirmed by the signer, not withdrawn, on a published version.
COUNTED_SIGNATURE = Q(
    confirmed_at__isnull=False, withdrawn_at__isnull=True, version__published_at__isnull=False
)


class StatementVersionSerializer(serializers.ModelSerializer):
    """One version of a statement's text. Versions are added, never changed."""

    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    signature_count = serializers.SerializerMethodField(
        help_text="Confirmed, not withdrawn signatures on this version."
    )

    class Meta:
        model = StatementVersion
        fields = [
            "id", "number", "body", "created_by", "created_at", "published_at",
            "signature_count",
        ]  # fmt: skip
        read_only_fields = ["number", "created_at", "published_at"]

    def get_signature_count(self, version) -> int:
        if hasattr(version, "counted_signatures"):
            return version.counted_signatures
        return version.signatures.filter(
            confirmed_at__isnull=False, withdrawn_at__isnull=True
        ).count()

    def validate_body(self, value):
        if not value.strip():
            raise serializers.ValidationError("must not be blank.")
        return value


SIGNER_FIELDS = ("signer_name", "signer_title", "signer_email")
# What a member sees of a signature: which organisation signed what, nothing of the signer.
MEMBER_SIGNATURE_FIELDS = (
    "id",
    "statement",
    "statement_version",
    "version_number",
    "organisation_name",
)


class SignatureSerializer(serializers.ModelSerializer):
    """A signature (read only: organisations sign on the public page). The signer's name,
    title and email are personal data: absent for roles that may not see contacts."""

    statement = serializers.IntegerField(source="version.statement_id", read_only=True)
    statement_version = serializers.IntegerField(source="version_id", read_only=True)
    version_number = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = Signature
        fields = [
            "id", "statement", "statement_version", "version_number", "organisation",
            "organisation_name", "signer_name", "signer_title", "signer_email",
            "show_publicly", "created_at", "confirmed_at", "withdrawn_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_fields(self):
        fields = super().get_fields()
        access = self.context.get("access")
        if access is None or not access.sees_contacts:
            for name in SIGNER_FIELDS:
                fields.pop(name)
        if access is not None and access.role == RoleName.MEMBER:
            fields = {k: v for k, v in fields.items() if k in MEMBER_SIGNATURE_FIELDS}
        return fields


# ---------------------------------------------------------------------------------------------
# Principles and endorsements


class PrincipleSerializer(WeftModelSerializer):
    endorsement_count = serializers.SerializerMethodField(
        help_text="Organisations endorsing it now (withdrawn endorsements not counted)."
    )

    class Meta:
        model = Principle
        fields = [
            "id", "title", "text", "position", "endorsement_count", "version", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    def get_endorsement_count(self, principle) -> int:
        if hasattr(principle, "current_endorsements"):  # annotated by the list's query
            return principle.current_endorsements
        return principle.endorsements.filter(withdrawn_at__isnull=True).count()

    def validate_title(self, value):
        if not value.strip():
            raise serializers.ValidationError("must not be blank.")
        return value.strip()


class WithdrawnField(serializers.BooleanField):
    """Whether a withdrawal was recorded (read from ``withdrawn_at``)."""

    def get_attribute(self, instance):
        return instance.withdrawn_at is not None


class EndorsementSerializer(UnversionedSerializer):
    """An organisation endorses a principle. Withdrawing it (``withdrawn: true``) is recorded,
    not deleted; to endorse again, create a new endorsement."""

    principle = CoalitionRowField(Principle)
    organisation = CoalitionActorField()
    endorsed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    withdrawn = WithdrawnField(required=False, help_text="Send true to withdraw the endorsement.")

    class Meta:
        model = Endorsement
        fields = [
            "id", "principle", "organisation", "endorsed_by", "endorsed_at", "withdrawn",
            "withdrawn_at",
        ]  # fmt: skip
        read_only_fields = ["endorsed_at", "withdrawn_at"]

    def validate(self, attrs):
        if self.instance is None:
            if attrs.pop("withdrawn", False):
                raise serializers.ValidationError({"withdrawn": "endorse first, then withdraw."})
            current = Endorsement.objects.filter(
                principle=attrs["principle"],
                organisation=attrs["organisation"],
                withdrawn_at__isnull=True,
            )
            if current.exists():
                raise serializers.ValidationError(
                    {"organisation": "already endorses this principle."}
                )
            return attrs
        for field in ("principle", "organisation"):
            if field in attrs and attrs[field] != getattr(self.instance, field):
                raise serializers.ValidationError(
                    {field: "cannot be changed; withdraw and endorse again."}
                )
        withdrawn = attrs.pop("withdrawn", None)
        if withdrawn is False and self.instance.withdrawn_at is not None:
            raise serializers.ValidationError(
                {"withdrawn": "a withdrawal stands; endorse again instead."}
            )
        if withdrawn and self.instance.withdrawn_at is None:
            attrs["withdrawn_at"] = timezone.now()
        return attrs


# ---------------------------------------------------------------------------------------------
# Working groups and their members


class WorkingGroupSerializer(WeftModelSerializer):
    parent = CoalitionRowField(
        WorkingGroup,
        required=False,
        allow_null=True,
        help_text="The group (of this coalition) this one sits in, e.g. a regional hub.",
    )

    class Meta:
        model = WorkingGroup
        fields = [
            "id", "name", "kind", "parent", "purpose", "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    def validate_name(self, value):
        value = value.strip()
        if not value:
            raise serializers.ValidationError("must not be blank.")
        named = WorkingGroup.objects.filter(coalition=coalition_of(self), name__iexact=value)
        if other_rows(self, named).exists():
            raise serializers.ValidationError("another group of this coalition has this name.")
        return value

    def validate_parent(self, parent):
        if parent is None or self.instance is None:
            return parent
        # Walk up from the new parent: meeting this group means it would sit inside itself.
        parents = dict(
            WorkingGroup.objects.filter(coalition_id=self.instance.coalition_id).values_list(
                "id", "parent_id"
            )
        )
        group_id, seen = parent.pk, set()
        while group_id is not None and group_id not in seen:
            if group_id == self.instance.pk:
                raise serializers.ValidationError(
                    "must not be the group itself or one of the groups inside it."
                )
            seen.add(group_id)
            group_id = parents.get(group_id)
        return parent


class GroupMemberSerializer(UnversionedSerializer):
    group = CoalitionRowField(WorkingGroup)
    actor = CoalitionActorField()

    class Meta:
        model = GroupMember
        fields = ["id", "group", "actor", "is_lead", "joined_on", "left_on"]
        validators = []  # validate() names the field (actor) instead of non_field_errors

    def validate(self, attrs):
        group = attrs.get("group", getattr(self.instance, "group", None))
        actor = attrs.get("actor", getattr(self.instance, "actor", None))
        seat = GroupMember.objects.filter(group=group, actor=actor)
        if other_rows(self, seat).exists():
            raise serializers.ValidationError({"actor": "is already in this group."})
        validate_dates_in_order(attrs, self.instance, "joined_on", "left_on")
        return attrs


# ---------------------------------------------------------------------------------------------
# Actions, wins, shifts in the political climate


class ActionSerializer(WeftModelSerializer):
    """A joint action or moment of convergence. Who led it counts towards leadership."""

    working_group = CoalitionRowField(WorkingGroup, required=False, allow_null=True)
    leaders = CoalitionActorField(
        many=True, required=False, help_text="Ids of the actors who led it."
    )
    participants = CoalitionActorField(
        many=True, required=False, help_text="Ids of the actors who took part."
    )

    class Meta:
        model = Action
        fields = [
            "id", "title", "is_convergence", "description", "starts_on", "place",
            "working_group", "leaders", "participants", "planned_turnout", "actual_turnout",
            "outcome", "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    def validate_title(self, value):
        if not value.strip():
            raise serializers.ValidationError("must not be blank.")
        return value.strip()


class ActionLinksSerializer(WeftModelSerializer):
    """Wins and climate shifts name the actions that brought them about. A role that may not
    see an action (one with a sensitive actor) neither sees its id here nor unlinks it by
    sending the list it sees."""

    linked_by: str  # the name of the link from an action back to the item

    actions = CoalitionRowField(
        Action,
        rows=visible_actions,
        many=True,
        required=False,
        help_text="Ids of this coalition's actions that brought it about.",
    )

    def update(self, instance, validated_data):
        if "actions" in validated_data:
            access = self.context["access"]
            hidden = Action.objects.filter(**{self.linked_by: instance}).exclude(
                pk__in=visible_actions(access).values("pk")
            )
            validated_data["actions"] = [*validated_data["actions"], *hidden]
        return self._with_visible_actions(super().update(instance, validated_data))

    def create(self, validated_data):
        return self._with_visible_actions(super().create(validated_data))

    def _with_visible_actions(self, instance):
        """The saved item, its links read back as the role sees them (as the list does)."""
        visible = visible_actions(self.context["access"]).only("id")
        prefetch_related_objects([instance], Prefetch("actions", queryset=visible))
        return instance

    def validate_title(self, value):
        if not value.strip():
            raise serializers.ValidationError("must not be blank.")
        return value.strip()


class WinSerializer(ActionLinksSerializer):
    linked_by = "wins"

    class Meta:
        model = Win
        fields = [
            "id", "title", "won_on", "description", "actions", "version", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]


class ClimateShiftSerializer(ActionLinksSerializer):
    linked_by = "climate_shifts"
    direction = NamedChoiceField(ClimateDirection, required=False)

    class Meta:
        model = ClimateShift
        fields = [
            "id", "title", "recorded_on", "direction", "description", "actions", "version",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]


# ---------------------------------------------------------------------------------------------
# The weaver's workflow: introductions, commitments, proposals and votes, health checks,
# feedback rounds and comments, suggestions from metric runs


class IntroductionSerializer(WeftModelSerializer):
    """A weaver introduced ``introduced`` to ``introduced_to``. It is also an interaction of
    the two (``interaction``), so it feeds their relationship strength."""

    introduced = CoalitionActorField()
    introduced_to = CoalitionActorField()
    outcome = NamedChoiceField(IntroductionOutcome, required=False)
    introduced_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Introduction
        fields = [
            "id", "introduced", "introduced_to", "reason", "introduced_on", "follow_up_on",
            "outcome", "interaction", "suggestion", "introduced_by", "version", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = ["interaction", "suggestion", "created_at", "updated_at"]

    def validate(self, attrs):
        if self.instance is not None:
            for field in ("introduced", "introduced_to"):
                if field in attrs and attrs.pop(field) != getattr(self.instance, field):
                    raise serializers.ValidationError(
                        {field: "cannot be changed; log a new introduction."}
                    )
        validate_dates_in_order(attrs, self.instance, "introduced_on", "follow_up_on")
        return attrs

    def create(self, validated_data):
        return introduction_log(
            coalition=self.context["access"].coalition,
            introduced_by=self._acting_user,
            **validated_data,
        )

    def update(self, introduction, validated_data):
        return introduction_update(
            introduction=introduction, updated_by=self._acting_user, **validated_data
        )


def _visible_memberships(access):
    memberships = Membership.objects.filter(coalition=access.coalition)
    return hide_sensitive_references(memberships, access, "organisation", "designee")


class CommitmentSerializer(WeftModelSerializer):
    """What a member organisation promised (people, hours, money, reach), by when, and
    whether it kept it (null: not known yet)."""

    membership = CoalitionRowField(Membership, rows=_visible_memberships)
    kind = NamedChoiceField(CommitmentKind)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        model = Commitment
        fields = [
            "id", "membership", "kind", "amount", "description", "due_on", "kept", "version",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    def create(self, validated_data):
        return commitment_create(created_by=self._acting_user, **validated_data)

    def update(self, commitment, validated_data):
        return commitment_update(
            commitment=commitment, updated_by=self._acting_user, **validated_data
        )


class VoteCountsSerializer(serializers.Serializer):
    agree = serializers.IntegerField()
    abstain = serializers.IntegerField()
    disagree = serializers.IntegerField()
    block = serializers.IntegerField()


class ProposalSerializer(WeftModelSerializer):
    """A proposal to the member organisations, decided under its rule; one vote per
    organisation through ``votes/``, the outcome recorded through ``decide/``."""

    rule = NamedChoiceField(DecisionRule)
    outcome = serializers.CharField(
        read_only=True, help_text="adopted, rejected, or blank until decided."
    )
    counts = serializers.SerializerMethodField(help_text="Votes cast, by choice.")
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id", "title", "text", "rule", "closes_at", "outcome", "outcome_note",
            "decided_at", "review_by", "counts", "created_by", "version", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = ["outcome_note", "decided_at", "created_at", "updated_at"]

    @extend_schema_field(VoteCountsSerializer)
    def get_counts(self, proposal) -> dict:
        counts = dict.fromkeys(VoteChoice.values, 0)
        for vote in proposal.votes.all():
            counts[vote.choice] += 1
        return counts

    def validate(self, attrs):
        if self.instance is not None:
            if self.instance.outcome:
                raise serializers.ValidationError(
                    {"outcome": "the proposal has been decided; put a new one."}
                )
            changes_rule = "rule" in attrs and attrs["rule"] != self.instance.rule
            if changes_rule and self.instance.votes.exists():
                raise serializers.ValidationError(
                    {"rule": "cannot change once organisations have voted."}
                )
        return attrs

    def create(self, validated_data):
        return proposal_create(
            coalition=self.context["access"].coalition,
            created_by=self._acting_user,
            **validated_data,
        )

    def update(self, proposal, validated_data):
        return proposal_update(proposal=proposal, updated_by=self._acting_user, **validated_data)


class VoteSerializer(serializers.ModelSerializer):
    """One member organisation's vote, cast by its designee (the person named on its
    membership). A member casts the vote of their own organisation only."""

    organisation = CoalitionActorField()
    designee = CoalitionActorField(help_text="The organisation's designee, casting the vote.")
    choice = NamedChoiceField(VoteChoice)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Vote
        fields = [
            "id", "proposal", "organisation", "designee", "choice", "reason", "recorded_by",
            "cast_at",
        ]  # fmt: skip
        read_only_fields = ["proposal", "cast_at"]


class ProposalDecisionSerializer(serializers.Serializer):
    outcome_note = serializers.CharField(required=False, allow_blank=True, default="")
    review_by = serializers.DateField(required=False, allow_null=True, default=None)


class HealthRoundSerializer(serializers.ModelSerializer):
    """A round of the network health check. Answers are never listed; the round's summary
    (averages, spread, trend) is."""

    answer_count = serializers.SerializerMethodField()
    opened_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = HealthCheckRound
        fields = ["id", "title", "opens_on", "closes_on", "answer_count", "opened_by"]

    def get_answer_count(self, health_round) -> int:
        if hasattr(health_round, "answer_total"):
            return health_round.answer_total
        return health_round.answers.count()

    def validate(self, attrs):
        validate_dates_in_order(attrs, self.instance, "opens_on", "closes_on")
        return attrs


def _score():
    return serializers.IntegerField(min_value=1, max_value=5)


class HealthAnswerSerializer(serializers.ModelSerializer):
    """One organisation's scores, 1 to 5, in an open round (once per organisation)."""

    organisation = CoalitionActorField()
    purpose = _score()
    participation = _score()
    relationships = _score()
    structures = _score()
    coordination = _score()

    class Meta:
        model = HealthCheckAnswer
        fields = [
            "id", "round", "organisation", *HEALTH_DIMENSIONS, "comment", "answered_at",
        ]  # fmt: skip
        read_only_fields = ["round", "answered_at"]


class DimensionSpreadSerializer(serializers.Serializer):
    average = serializers.FloatField(allow_null=True)
    lowest = serializers.IntegerField(allow_null=True)
    highest = serializers.IntegerField(allow_null=True)
    spread = serializers.FloatField(allow_null=True, help_text="Standard deviation.")
    previous_average = serializers.FloatField(allow_null=True)
    change = serializers.FloatField(allow_null=True, help_text="Against the previous round.")


class HealthSummarySerializer(serializers.Serializer):
    round = serializers.IntegerField()
    answers = serializers.IntegerField()
    previous_round = serializers.IntegerField(allow_null=True)
    dimensions = serializers.DictField(child=DimensionSpreadSerializer())


class FeedbackRoundSerializer(serializers.ModelSerializer):
    """A feedback round on a statement's latest text, open to members until ``closes_at``."""

    statement = CoalitionRowField(
        UnityStatement, source="version.statement", help_text="The statement asked about."
    )
    version_number = serializers.IntegerField(source="version.number", read_only=True)
    opened_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    is_open = serializers.SerializerMethodField()

    class Meta:
        model = FeedbackRound
        fields = [
            "id", "statement", "version_number", "opened_by", "opened_at", "closes_at", "is_open",
        ]  # fmt: skip
        read_only_fields = ["opened_at"]

    def get_is_open(self, feedback_round) -> bool:
        return timezone.now() < feedback_round.closes_at


class FeedbackCommentSerializer(serializers.ModelSerializer):
    """A comment on one paragraph (1-based) of the text under feedback."""

    organisation = CoalitionActorField(
        required=False, allow_null=True, help_text="For members: their own organisation."
    )
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = FeedbackComment
        fields = ["id", "round", "paragraph", "organisation", "author", "body", "created_at"]
        read_only_fields = ["round", "created_at"]
        extra_kwargs = {"paragraph": {"min_value": 1, "max_value": 1000}}


class SuggestionSerializer(serializers.ModelSerializer):
    """Something a weaver could do, found by a metric run."""

    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Suggestion
        fields = [
            "id", "run", "kind", "actor", "other", "score", "reason", "status", "decided_by",
            "decided_at", "dismissed_reason",
        ]  # fmt: skip
        read_only_fields = fields


class SuggestionAcceptSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Defaults to the suggestion's."
    )
    follow_up_on = serializers.DateField(required=False, allow_null=True, default=None)


class SuggestionDismissSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Why it is not worth doing.")
