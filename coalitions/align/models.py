"""Align: what binds the members. Unity statements (versions, feedback rounds, signatures),
shared principles and their endorsements, proposals decided one vote per organisation, and the
network health check."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from coalitions.models import Coalition
from weft.db import Editable, SameCoalition
from weft.vocabulary import HealthArea, PillarSector


class StatementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    FEEDBACK = "feedback", "Feedback round open"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class UnityStatement(Editable):
    """The text that draws the boundary of the network: organisations that sign it are in."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="statements")
    title = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=StatementStatus.choices, default=StatementStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["coalition_id", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=StatementStatus.values), name="coalitions_statement_status"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class StatementVersion(models.Model):
    """One version of a statement's text (Markdown). Versions are never edited once a later
    one exists; a signature points at the version signed."""

    statement = models.ForeignKey(UnityStatement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["statement_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "number"], name="coalitions_version_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="coalitions_version_positive"),
        ]

    def __str__(self) -> str:
        return f"Statement {self.statement_id} v{self.number}"


class FeedbackRound(models.Model):
    version = models.ForeignKey(
        StatementVersion, on_delete=models.CASCADE, related_name="feedback_rounds"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField()
    closes_at = models.DateTimeField()

    class Meta:
        ordering = ["version_id", "opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opened_at")), name="coalitions_round_closes_after_open"
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback round on version {self.version_id}"


class FeedbackComment(models.Model):
    round = models.ForeignKey(FeedbackRound, on_delete=models.CASCADE, related_name="comments")
    paragraph = models.PositiveSmallIntegerField(help_text="1-based paragraph of the version.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "allies.Actor", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round_id", "paragraph", "created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(paragraph__gte=1), name="coalitions_comment_para"),
            models.CheckConstraint(condition=~Q(body=""), name="coalitions_comment_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Comment on paragraph {self.paragraph}"


class Signature(models.Model):
    """An organisation's signature on one published version, given by an authorised signer.
    The signer's name, title and email are personal data. Withdrawal is recorded, never
    deleted."""

    version = models.ForeignKey(
        StatementVersion, on_delete=models.CASCADE, related_name="signatures"
    )
    organisation = models.ForeignKey(
        "allies.Actor", null=True, blank=True, on_delete=models.SET_NULL, related_name="signatures"
    )
    organisation_name = models.CharField(max_length=200)
    organisation_key = models.CharField(
        max_length=200, editable=False, help_text="The name normalised, for one signature each."
    )
    signer_name = models.CharField(max_length=200)
    signer_title = models.CharField(max_length=200, blank=True)
    signer_email = models.EmailField()
    show_publicly = models.BooleanField(
        default=True, help_text="The organisation agreed to be listed as a signatory."
    )
    confirmation_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["version_id", "organisation_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation_key"],
                condition=Q(withdrawn_at__isnull=True),
                name="coalitions_one_signature_per_organisation",
            ),
            models.CheckConstraint(
                condition=~Q(organisation_key=""), name="coalitions_signature_key_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"Signature {self.pk} on version {self.version_id}"

    def save(self, *args, **kwargs):
        self.organisation_key = self.key_for(self.organisation_name)
        super().save(*args, **kwargs)

    @staticmethod
    def key_for(organisation_name: str) -> str:
        return " ".join(organisation_name.casefold().split())


class Principle(Editable):
    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="principles")
    title = models.CharField(max_length=200)
    text = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["coalition_id", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Endorsement(models.Model):
    """A member organisation endorses a principle, once, through its designee."""

    principle = models.ForeignKey(Principle, on_delete=models.CASCADE, related_name="endorsements")
    organisation = models.ForeignKey(
        "allies.Actor", on_delete=models.CASCADE, related_name="endorsements"
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    endorsed_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["principle_id", "endorsed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["principle", "organisation"],
                condition=Q(withdrawn_at__isnull=True),
                name="coalitions_endorse_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Endorsement of principle {self.principle_id} by {self.organisation_id}"


class DecisionRule(models.TextChoices):
    """How a proposal is decided (as Loomio names them). Consensus: everyone agrees or stands
    aside; one block or disagreement stops it. Consent: it passes unless someone has a
    paramount objection (a block). Majority: more agree than are against."""

    CONSENSUS = "consensus", "Consensus"
    CONSENT = "consent", "Consent"
    MAJORITY = "majority", "Majority"


class ProposalOutcome(models.TextChoices):
    UNDECIDED = "", "Not decided yet"
    ADOPTED = "adopted", "Adopted"
    REJECTED = "rejected", "Not adopted"


class Proposal(Editable):
    """A proposal put to the member organisations: one vote each, by its designee."""

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="proposals")
    title = models.CharField(max_length=200)
    text = models.TextField(blank=True)
    rule = models.CharField(max_length=10, choices=DecisionRule.choices)
    closes_at = models.DateTimeField()
    outcome = models.CharField(
        max_length=10, choices=ProposalOutcome.choices, blank=True, default=""
    )
    outcome_note = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    review_by = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["coalition_id", "-closes_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rule__in=DecisionRule.values), name="coalitions_proposal_rule_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=ProposalOutcome.values),
                name="coalitions_proposal_outcome_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcome="", decided_at__isnull=True)
                | (~Q(outcome="") & Q(decided_at__isnull=False)),
                name="coalitions_proposal_decided_with_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now=None) -> bool:
        return self.outcome == "" and (now or timezone.now()) < self.closes_at


class VoteChoice(models.TextChoices):
    AGREE = "agree", "Agree"
    ABSTAIN = "abstain", "Abstain / stand aside"
    DISAGREE = "disagree", "Disagree"
    BLOCK = "block", "Block (paramount objection)"


class Vote(models.Model):
    """One member organisation's vote on a proposal, cast by its designee."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    organisation = models.ForeignKey("allies.Actor", on_delete=models.CASCADE, related_name="+")
    designee = models.ForeignKey(
        "allies.Actor",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The organisation's designee, who cast the vote.",
    )
    choice = models.CharField(max_length=10, choices=VoteChoice.choices)
    reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cast_at = models.DateTimeField()

    class Meta:
        ordering = ["proposal_id", "cast_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "organisation"], name="coalitions_one_vote_per_organisation"
            ),
            models.CheckConstraint(
                condition=Q(choice__in=VoteChoice.values), name="coalitions_vote_choice_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.choice} by {self.organisation_id} on proposal {self.proposal_id}"


class HealthCheckRound(models.Model):
    """A round of the network health check: each member organisation scores the coalition."""

    coalition = models.ForeignKey(
        Coalition, on_delete=models.CASCADE, related_name="health_check_rounds"
    )
    title = models.CharField(max_length=200)
    opens_on = models.DateField()
    closes_on = models.DateField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["coalition_id", "-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="coalitions_health_round_closes_after_open",
            ),
        ]

    def __str__(self) -> str:
        return self.title


def _score_field(area: str):
    label = HealthArea(area).label
    return models.PositiveSmallIntegerField(help_text=f"{label}, 1 (poor) to 5 (strong).")


class HealthCheckAnswer(models.Model):
    """One organisation's scores in a round. Never shown to other members: only the round's
    averages and spread are."""

    round = models.ForeignKey(HealthCheckRound, on_delete=models.CASCADE, related_name="answers")
    organisation = models.ForeignKey("allies.Actor", on_delete=models.CASCADE, related_name="+")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    purpose = _score_field("purpose")
    participation = _score_field("participation")
    relationships = _score_field("relationships")
    structures = _score_field("structures")
    coordination = _score_field("coordination")
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["round_id", "answered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation"], name="coalitions_one_answer_per_organisation"
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"coalitions_health_{name}_1_to_5",
                )
                for name in HealthArea.values
            ),
        ]

    def __str__(self) -> str:
        return f"Answer of {self.organisation_id} in round {self.round_id}"


class Target(Editable, SameCoalition):
    """A decision-maker the coalition means to move, and what it demands of them. Its pillars
    of support (``pillars``) are the institutions and groups that hold it up."""

    coalition_actor_fields = ("actor",)

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="targets")
    actor = models.ForeignKey("allies.Actor", on_delete=models.CASCADE, related_name="targeted_by")
    demand = models.TextField(blank=True, help_text="What the coalition wants them to do.")
    is_primary = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coalition", "actor"], name="coalitions_target_once"),
        ]

    def __str__(self) -> str:
        return f"Target {self.actor_id} of coalition {self.coalition_id}"


class Pillar(Editable, SameCoalition):
    """An institution or group that holds a target up: one of its pillars of support (the
    strategic allies the coalition means to peel away). ``actor`` is that institution on the
    map, when it is there."""

    coalition_actor_fields = ("actor",)

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="pillars")
    name = models.CharField(max_length=200)
    actor = models.ForeignKey(
        "allies.Actor",
        null=True,
        blank=True,
        # The pillar stays (as a name) when its actor leaves the map.
        on_delete=models.SET_NULL,
        related_name="pillar_of",
    )
    sector = models.CharField(
        max_length=20, choices=PillarSector.choices, default=PillarSector.OTHER
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["target_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["target", "name"], name="coalitions_pillar_name_once"),
            models.CheckConstraint(
                condition=Q(sector__in=PillarSector.values), name="coalitions_pillar_sector"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def coalition_id_for_check(self) -> int | None:
        return self.target.coalition_id if self.target_id else None


class PillarProximity(Editable, SameCoalition):
    """How close an actor is to one pillar of support, 1 (far) to 5 (inside it). One row per
    actor and pillar; each change is kept in its history, so a move closer or away is seen."""

    # Deleted with the actor it points at, in one batch that a restore brings back
    # (allies/services/actors.py).
    deleted_with_actor = ("actor",)
    coalition_actor_fields = ("actor",)

    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, related_name="proximities")
    actor = models.ForeignKey(
        "allies.Actor", on_delete=models.CASCADE, related_name="pillar_proximities"
    )
    proximity = models.PositiveSmallIntegerField(help_text="Closeness to the pillar, 1–5.")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["pillar_id", "-proximity", "actor_id"]
        verbose_name_plural = "pillar proximities"
        constraints = [
            models.UniqueConstraint(
                fields=["pillar", "actor"], name="coalitions_pillar_proximity_once"
            ),
            models.CheckConstraint(
                condition=Q(proximity__gte=1, proximity__lte=5),
                name="coalitions_pillar_proximity_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Actor {self.actor_id} at {self.proximity} from pillar {self.pillar_id}"

    def coalition_id_for_check(self) -> int | None:
        return self.pillar.target.coalition_id if self.pillar_id else None
