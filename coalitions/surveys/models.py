"""Relationship surveys: rounds of questions that members answer about their relationships,
so that the map is drawn by the people in it (issue 21).

A round is drafted (questions, respondents), opened (each respondent gets a personal link),
answered, closed, and then reviewed: nothing a respondent says enters the map until a weaver
accepts it.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coalitions.models import Coalition

STRENGTH_RANGE = (1, 5)


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class SurveyRound(models.Model):
    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="survey_rounds")
    title = models.CharField(max_length=200)
    message = models.TextField(blank=True, help_text="Shown to respondents above the questions.")
    opens_on = models.DateField()
    closes_on = models.DateField(help_text="Links work until the end of this day.")
    reminder_every_days = models.PositiveSmallIntegerField(
        default=3,
        help_text="Remind respondents who have not answered every this many days (0: never).",
    )
    status = models.CharField(max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_on", "-id"]
        indexes = [models.Index(fields=["coalition", "status"])]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="surveys_round_title_not_empty"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="surveys_round_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RoundStatus.values), name="surveys_round_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def expires_at(self) -> datetime.datetime:
        """The moment links stop working: the end of the closing day, in the site's zone."""
        next_day = datetime.datetime.combine(
            self.closes_on + datetime.timedelta(days=1), datetime.time.min
        )
        return timezone.make_aware(next_day)

    def is_answerable(self) -> bool:
        return self.status == RoundStatus.OPEN and timezone.now() < self.expires_at


class QuestionKind(models.TextChoices):
    RELATIONSHIP_GRID = "relationship_grid", "Relationship grid"
    SINGLE_CHOICE = "single_choice", "Single choice"
    MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
    SCALE = "scale", "Scale 1–5"
    FREE_TEXT = "free_text", "Free text"


CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)


class SurveyQuestion(models.Model):
    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    text = models.CharField(max_length=500)
    help_text = models.CharField(max_length=500, blank=True)
    choices = models.JSONField(default=list, blank=True, help_text="For choice questions.")
    required = models.BooleanField(default=False)

    class Meta:
        ordering = ["round_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=QuestionKind.values), name="surveys_question_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="surveys_question_text_not_empty"),
        ]

    def __str__(self) -> str:
        return self.text


class SurveyRespondent(models.Model):
    """Who answers: a member organisation (through its designee) or a named person on the map.
    The personal link's token is 256 bits; only its SHA-256 is kept, so a copy of the database
    opens no survey. The link works while the round is open and until it closes, unless
    revoked."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="respondents")
    organisation = models.ForeignKey(
        "allies.Actor", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The person who answers (the organisation's designee, or the named person). Answers are
    # erased with them.
    person = models.ForeignKey(
        "allies.Actor", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(blank=True, help_text="Where the link goes. Weavers only.")
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    link_sent_at = models.DateTimeField(null=True, blank=True)
    link_revoked_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(person__isnull=False),
                name="surveys_respondent_is_someone",
            ),
            models.UniqueConstraint(
                fields=["round", "organisation"],
                condition=Q(organisation__isnull=False),
                name="surveys_respondent_organisation_once",
            ),
            models.UniqueConstraint(
                fields=["round", "person"],
                condition=Q(organisation__isnull=True),
                name="surveys_respondent_person_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Respondent {self.pk} of round {self.round_id}"

    @property
    def actor(self):
        """Who the answers speak for on the map: the organisation, else the person."""
        return self.organisation if self.organisation_id else self.person

    @property
    def actor_id(self) -> int:
        return self.organisation_id or self.person_id

    @property
    def has_answered(self) -> bool:
        return self.submitted_at is not None


class SurveyAnswer(models.Model):
    """One answer to a question other than the grid (the grid's are RelationshipAnswer)."""

    respondent = models.ForeignKey(
        SurveyRespondent, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    choices = models.JSONField(default=list, blank=True)
    scale = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["respondent_id", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["respondent", "question"], name="surveys_answer_once_per_question"
            ),
            models.CheckConstraint(
                condition=Q(scale__isnull=True)
                | Q(scale__gte=STRENGTH_RANGE[0], scale__lte=STRENGTH_RANGE[1]),
                name="surveys_answer_scale_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Answer of respondent {self.respondent_id} to question {self.question_id}"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    MONTHLY = "monthly", "Every month"
    QUARTERLY = "quarterly", "A few times a year"
    YEARLY = "yearly", "Once a year or less"
    NEVER = "never", "Not yet"


class Collaboration(models.TextChoices):
    INFORMATION = "information", "Share information"
    JOINT_ACTION = "joint_action", "Act together"
    RESOURCES = "resources", "Share resources or funding"
    PLANNING = "planning", "Plan campaigns together"
    SUPPORT = "support", "Support and advice"


class Review(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    ACCEPTED = "accepted", "Accepted into the map"
    REJECTED = "rejected", "Left out of the map"


class RelationshipAnswer(models.Model):
    """One row of the relationship grid: the respondent's relationship with an actor of the
    map, or with someone not on it (``other_name``)."""

    respondent = models.ForeignKey(
        SurveyRespondent, on_delete=models.CASCADE, related_name="relationships"
    )
    question = models.ForeignKey(
        SurveyQuestion, on_delete=models.CASCADE, related_name="relationships"
    )
    actor = models.ForeignKey(
        "allies.Actor", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    other_name = models.CharField(max_length=200, blank=True)
    other_kind = models.CharField(max_length=20, blank=True)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, blank=True)
    strength = models.PositiveSmallIntegerField(null=True, blank=True)
    collaboration = models.JSONField(default=list, blank=True)
    introduce_to = models.ForeignKey(
        "allies.Actor",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Someone the respondent would introduce this actor to.",
    )
    updated_at = models.DateTimeField(default=timezone.now)
    # The weaver's review: nothing a respondent says enters the map before it is accepted.
    review = models.CharField(max_length=10, choices=Review.choices, default=Review.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # What it became: the tie the evidence is on, and the actor a name not on the map became
    # (a new prospect, or an actor the weaver recognised).
    tie = models.ForeignKey(
        "networks.Tie", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mapped_actor = models.ForeignKey(
        "allies.Actor", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["respondent_id", "id"]
        indexes = [models.Index(fields=["question", "actor"]), models.Index(fields=["review"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(actor__isnull=False) & Q(other_name=""))
                | (Q(actor__isnull=True) & ~Q(other_name="")),
                name="surveys_relationship_names_one",
            ),
            models.UniqueConstraint(
                fields=["respondent", "question", "actor"],
                condition=Q(actor__isnull=False),
                name="surveys_relationship_actor_once",
            ),
            models.CheckConstraint(
                condition=Q(strength__isnull=True)
                | Q(strength__gte=STRENGTH_RANGE[0], strength__lte=STRENGTH_RANGE[1]),
                name="surveys_relationship_strength_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(review__in=Review.values), name="surveys_relationship_review_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Relationship {self.pk} of respondent {self.respondent_id}"


class AcceptanceStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    APPLYING = "applying", "Being accepted"
    APPLIED = "applied", "Accepted"
    FAILED = "failed", "Failed: nothing was accepted"


class SurveyAcceptance(models.Model):
    """ "Accept all" of a round too large for a page's request (more pending answers than
    WEFT_SURVEY_ACCEPT_ASYNC_ANSWERS): applied by a worker in one transaction, under a lease
    its heartbeat renews; a worker that died is replaced (or the acceptance fails saying so)
    by the reaper. The review page shows where it stands."""

    survey_round = models.ForeignKey(
        SurveyRound, on_delete=models.CASCADE, related_name="acceptances"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Answers naming someone not on the map that the weaver recognised: {answer id: actor id
    # or None}, as the review form sent them.
    same_as = models.JSONField(default=dict, blank=True)
    pending = models.PositiveIntegerField(default=0, help_text="Answers waiting when asked.")
    status = models.CharField(
        max_length=10, choices=AcceptanceStatus.choices, default=AcceptanceStatus.QUEUED
    )
    accepted = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    task_id = models.CharField(max_length=255, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AcceptanceStatus.values),
                name="surveys_acceptance_status_valid",
            ),
            # One acceptance at a time per round.
            models.UniqueConstraint(
                fields=["survey_round"],
                condition=Q(status__in=("queued", "applying")),
                name="surveys_one_acceptance_under_way",
            ),
        ]

    def __str__(self) -> str:
        return f"accept all of round {self.survey_round_id}: {self.status}"
