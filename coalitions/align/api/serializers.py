"""Serializers of the Align API."""

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from allies.api.fields import CoalitionActorField
from coalitions.align.models import (
    DecisionRule,
    Endorsement,
    FeedbackComment,
    FeedbackRound,
    HealthCheckAnswer,
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
    VoteChoice,
)
from coalitions.align.selectors import health_answer_count, signatory_count
from coalitions.api.fields import (
    CoalitionRowField,
    NamedChoiceField,
    UnversionedSerializer,
)
from coalitions.roles import Permission, hide_sensitive_references
from weft.serializers import EDITABLE_ROW_FIELDS, WeftModelSerializer
from weft.vocabulary import HEALTH_ANSWER_DEFINITION, SIGNATORY_DEFINITION, HealthArea, PillarSector


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
    signature_count = serializers.SerializerMethodField(help_text=SIGNATORY_DEFINITION)
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
        fields = (
            ("id", "title", "status", "version", "row_version")
            + ("signature_count", "public_url", "body")
            + ("created_by", "created_at", "updated_at")
        )
        read_only_fields = ["created_at", "updated_at"]

    def get_version(self, statement) -> int | None:
        if hasattr(statement, "latest_version_number"):  # annotated by the list's query
            return statement.latest_version_number
        return statement.versions.aggregate(number=Max("number"))["number"]

    def get_signature_count(self, statement) -> int:
        if hasattr(statement, "signatory_count"):  # annotated by the list's query
            return statement.signatory_count or 0
        access = getattr(self.context.get("view"), "access", None)
        return signatory_count(statement, include_sensitive=bool(access and access.sees_sensitive))

    def get_public_url(self, statement) -> str | None:
        if statement.status != StatementStatus.PUBLISHED:
            return None
        return reverse("sign-on", args=[statement.pk])

    def validate(self, attrs):
        if self.instance is not None and "body" in attrs:
            raise serializers.ValidationError({"body": "add a new text through versions/."})
        return attrs


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
            "id",
            "number",
            "body",
            "created_by",
            "created_at",
            "published_at",
            "signature_count",
        ]
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
        fields = (
            ("id", "statement", "statement_version", "version_number")
            + ("organisation", "organisation_name", "signer_name", "signer_title", "signer_email")
            + ("show_publicly", "created_at", "confirmed_at", "withdrawn_at")
        )
        read_only_fields = fields

    def get_fields(self):
        fields = super().get_fields()
        access = self.context.get("access")
        if access is None or not access.sees_contacts:
            for name in SIGNER_FIELDS:
                fields.pop(name)
        if access is not None and not access.can(Permission.SIGNATURES_VIEW):
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
        fields = ("id", "title", "text", "position", "endorsement_count", *EDITABLE_ROW_FIELDS)
        read_only_fields = ["created_at", "updated_at"]

    def get_endorsement_count(self, principle) -> int:
        if hasattr(principle, "current_endorsements"):  # annotated by the list's query
            return principle.current_endorsements
        return principle.endorsements.filter(withdrawn_at__isnull=True).count()


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
        fields = (
            ("id", "principle", "organisation")
            + ("endorsed_by", "endorsed_at")
            + ("withdrawn", "withdrawn_at")
        )
        read_only_fields = ["endorsed_at", "withdrawn_at"]

    def validate(self, attrs):
        if self.instance is None:
            if attrs.pop("withdrawn", False):
                raise serializers.ValidationError({"withdrawn": "endorse first, then withdraw."})
            return attrs
        for field in ("principle", "organisation"):
            if field in attrs and attrs.pop(field) != getattr(self.instance, field):
                raise serializers.ValidationError(
                    {field: "cannot be changed; withdraw and endorse again."}
                )
        return attrs


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
        fields = (
            ("id", "title", "text", "rule", "closes_at")
            + ("outcome", "outcome_note", "decided_at", "review_by", "counts")
            + ("created_by",)
            + EDITABLE_ROW_FIELDS
        )
        read_only_fields = ["outcome_note", "decided_at", "created_at", "updated_at"]

    @extend_schema_field(VoteCountsSerializer)
    def get_counts(self, proposal) -> dict:
        counts = dict.fromkeys(VoteChoice.values, 0)
        for vote in proposal.votes.all():
            counts[vote.choice] += 1
        return counts


class VoteSerializer(serializers.ModelSerializer):
    """One member organisation's vote, cast by its designee (the person named on its
    membership). A member casts the vote of their own organisation only."""

    organisation = CoalitionActorField()
    designee = CoalitionActorField(help_text="The organisation's designee, casting the vote.")
    choice = NamedChoiceField(VoteChoice)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Vote
        fields = (
            ("id", "proposal", "organisation", "designee")
            + ("choice", "reason")
            + ("recorded_by", "cast_at")
        )
        read_only_fields = ["proposal", "cast_at"]


class ProposalDecisionSerializer(serializers.Serializer):
    outcome_note = serializers.CharField(required=False, allow_blank=True, default="")
    review_by = serializers.DateField(required=False, allow_null=True, default=None)


class HealthRoundSerializer(serializers.ModelSerializer):
    """A round of the network health check. Answers are never listed; the round's summary
    (averages, spread, trend) is."""

    answer_count = serializers.SerializerMethodField(help_text=HEALTH_ANSWER_DEFINITION)
    opened_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = HealthCheckRound
        fields = ["id", "title", "opens_on", "closes_on", "answer_count", "opened_by"]

    def get_answer_count(self, health_round) -> int:
        if hasattr(health_round, "answer_total"):
            return health_round.answer_total
        access = getattr(self.context.get("view"), "access", None)
        return health_answer_count(
            health_round, include_sensitive=bool(access and access.sees_sensitive)
        )


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
        fields = ["id", "round", "organisation", *HealthArea.values, "comment", "answered_at"]
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
    withheld = serializers.BooleanField(
        help_text="Fewer answers than the coalition's small-count threshold: no figure is shown."
    )
    threshold = serializers.IntegerField(help_text="The coalition's small-count threshold.")
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
        fields = (
            ("id", "statement", "version_number")
            + ("opened_by", "opened_at")
            + ("closes_at", "is_open")
        )
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


class TargetSerializer(WeftModelSerializer):
    actor = CoalitionActorField(help_text="The decision-maker the coalition means to move.")

    class Meta:
        model = Target
        fields = ["id", "actor", "demand", "is_primary", "version", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


def _visible_targets(access):
    return hide_sensitive_references(
        Target.objects.filter(coalition=access.coalition), access, "actor"
    )


def _visible_pillars(access):
    return hide_sensitive_references(
        Pillar.objects.filter(target__coalition=access.coalition), access, "target__actor", "actor"
    )


class PillarSerializer(WeftModelSerializer):
    """A pillar of support of a target: an institution or group that holds it up."""

    target = CoalitionRowField(Target, rows=_visible_targets, help_text="The target it holds up.")
    actor = CoalitionActorField(
        required=False, allow_null=True, help_text="The institution on the map, if it is there."
    )
    name = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Empty: the actor's name."
    )
    sector = NamedChoiceField(PillarSector, required=False)

    class Meta:
        model = Pillar
        fields = ["id", "target", "name", "actor", "sector", "note", *EDITABLE_ROW_FIELDS]
        read_only_fields = ["created_at", "updated_at"]
        # The service refuses a name the target's pillars already have (in any case), and
        # takes the actor's name for an empty one: DRF's own unique check would require it.
        validators = []


class PillarProximitySerializer(WeftModelSerializer):
    """How close an actor stands to a pillar of support, 1 (far) to 5 (inside it); its
    history keeps each earlier value."""

    pillar = CoalitionRowField(Pillar, rows=_visible_pillars)
    actor = CoalitionActorField()
    proximity = serializers.IntegerField(min_value=1, max_value=5)

    class Meta:
        model = PillarProximity
        fields = ["id", "pillar", "actor", "proximity", "note", *EDITABLE_ROW_FIELDS]
        read_only_fields = ["created_at", "updated_at"]
        # One per actor and pillar: the service refuses a second, naming the actor.
        validators = []


# What the map's actor panel reads of the pillars of support around one actor.
class SupportPillarSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    sector = serializers.CharField()
    actor = serializers.IntegerField(
        allow_null=True, help_text="Null when the role may not see it."
    )


class SupportTargetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    actor = serializers.IntegerField()
    demand = serializers.CharField(allow_blank=True)
    is_primary = serializers.BooleanField()
    pillars = SupportPillarSerializer(many=True)
    near = serializers.ListField(
        child=serializers.IntegerField(), help_text="Actors with a proximity to its pillars."
    )


class SupportProximitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    pillar = serializers.IntegerField()
    pillar_name = serializers.CharField()
    target = serializers.IntegerField()
    target_name = serializers.CharField()
    proximity = serializers.IntegerField()


class SupportSerializer(serializers.Serializer):
    """The targets an actor is (with their pillars) and its proximity to each pillar."""

    targets = SupportTargetSerializer(many=True)
    proximities = SupportProximitySerializer(many=True)
