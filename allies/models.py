"""The actors of a coalition's map and where they stand.

Personal data of activists lives only in ContactDetail, so that it can be guarded, left out of
responses and exports, and erased in one place. Assessments are never edited: each change of
stance is a new row, which is what lets a map show who moved, and when.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from allies.managers import ActorQuerySet, AssessmentQuerySet
from weft.db import Editable, SameCoalition
from weft.vocabulary import ActorKind, AllyKind, ContactKind, Stance

SCORE_RANGE = (1, 5)


def _score_check(field: str) -> models.CheckConstraint:
    low, high = SCORE_RANGE
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": low, f"{field}__lte": high}),
        name=f"%(app_label)s_%(class)s_{field}_1_to_5",
    )


class Tag(models.Model):
    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="tags"
    )
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["coalition", "name"], name="allies_tag_unique_name"),
            models.CheckConstraint(condition=~Q(name=""), name="allies_tag_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class Actor(Editable):
    """An organisation, person, group, institution or official on the coalition's map."""

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="actors"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ActorKind.choices)
    type_label = models.CharField(
        max_length=120,
        blank=True,
        help_text="The type an imported file gave the actor, in its own words (Kumu's free-text "
        "type), kept beside Weft's kind.",
    )
    description = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="actors")
    is_sensitive = models.BooleanField(
        default=False, help_text="Hidden from every role but organizers and stewards."
    )
    is_directly_affected = models.BooleanField(
        default=False,
        help_text="Directly affected by the issue: whose leadership the coalition centres.",
    )
    external_key = models.CharField(
        max_length=200, blank=True, help_text="The actor's id in the map it was imported from."
    )
    custom_fields = models.JSONField(default=dict, blank=True)

    objects = ActorQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["coalition", "kind"]),
            models.Index(fields=["coalition", "is_sensitive"]),
            models.Index(fields=["coalition", "name"]),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="allies_actor_name_not_empty"),
            models.CheckConstraint(
                condition=Q(kind__in=ActorKind.values), name="allies_actor_kind_valid"
            ),
            models.UniqueConstraint(
                fields=["coalition", "external_key"],
                condition=~Q(external_key=""),
                name="allies_actor_unique_external_key",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_person(self) -> bool:
        return self.kind == ActorKind.PERSON


class ContactDetail(Editable):
    """Personal data. Shown only to roles that need it; never logged, never in a URL,
    never in a funder's view; erased with the person."""

    # Deleted with the actor it points at, in one batch that a restore brings back
    # (allies/services/actors.py).
    deleted_with_actor = ("actor",)

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="contact_details")
    kind = models.CharField(max_length=20, choices=ContactKind.choices)
    value = models.CharField(max_length=300)
    label = models.CharField(max_length=80, blank=True, help_text="e.g. work, mobile")
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["actor_id", "-is_primary", "kind", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(value=""), name="allies_contact_value_not_empty"),
            models.CheckConstraint(
                condition=Q(kind__in=ContactKind.values), name="allies_contact_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        # Deliberately not the value: a contact detail's text must not leak into logs or admin
        # change messages.
        return f"{self.get_kind_display()} of actor {self.actor_id}"


class EngagementPlan(Editable):
    """How the coalition means to move one actor: the ask, the frame that speaks to them,
    who carries the message, who owns the plan and when the next step is due."""

    # Deleted with the actor it points at, in one batch that a restore brings back
    # (allies/services/actors.py).
    deleted_with_actor = ("actor",)

    actor = models.OneToOneField(Actor, on_delete=models.CASCADE, related_name="engagement_plan")
    ask = models.TextField(blank=True, help_text="What we ask of them.")
    frame = models.TextField(blank=True, help_text="The language and story that speaks to them.")
    messenger = models.ForeignKey(
        Actor,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messenger_for",
        help_text="Who is best placed to carry the ask.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="engagement_plans",
    )
    next_step = models.CharField(max_length=300, blank=True)
    next_step_on = models.DateField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(messenger=F("actor")), name="allies_plan_messenger_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"Engagement plan for actor {self.actor_id}"


class Affiliation(Editable, SameCoalition):
    """A person's place in an organisation, group or institution; ``is_lead`` marks a lead role,
    which counts towards the coalition's leadership."""

    # Deleted with the actor it points at, in one batch that a restore brings back
    # (allies/services/actors.py).
    deleted_with_actor = ("person", "organisation")

    coalition_actor_fields = ("organisation",)

    person = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="affiliations")
    organisation = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="affiliated_people"
    )
    role_title = models.CharField(max_length=120, blank=True)
    is_lead = models.BooleanField(default=False)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["person_id", "-started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(person=F("organisation")), name="allies_affiliation_not_self"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="allies_affiliation_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Affiliation {self.person_id} → {self.organisation_id}"

    def coalition_id_for_check(self) -> int | None:
        return self.person.coalition_id if self.person_id else None


class Skill(models.Model):
    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="skills"
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["coalition", "name"], name="allies_skill_unique_name"),
            models.CheckConstraint(condition=~Q(name=""), name="allies_skill_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class SkillLevel(models.Model):
    """One observation of a person's level in a skill (1 beginner … 5 can teach it). Kept as
    history, so that skills growth over a period can be measured."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="skill_levels")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField()
    assessed_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["actor_id", "skill_id", "assessed_on", "id"]
        indexes = [models.Index(fields=["actor", "skill", "assessed_on"])]
        constraints = [_score_check("level")]

    def __str__(self) -> str:
        return f"Skill {self.skill_id} of actor {self.actor_id}: {self.level}"


class AllyAssessment(models.Model):
    """Where an actor stood on a given day. Rows are appended, never changed: the latest row on
    or before a date is the actor's assessment on that date."""

    # Deleted with the actor it points at, in one batch that a restore brings back
    # (allies/services/actors.py).
    deleted_with_actor = ("actor",)

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="assessments")
    stance = models.CharField(max_length=20, choices=Stance.choices)
    ally_kind = models.CharField(max_length=10, choices=AllyKind.choices)
    influence = models.PositiveSmallIntegerField(help_text="Influence over the outcome, 1–5.")
    proximity = models.PositiveSmallIntegerField(
        help_text="Closeness to the target (the decision-maker), 1–5."
    )
    commitment = models.PositiveSmallIntegerField(help_text="Commitment to the cause, 1–5.")
    assessed_on = models.DateField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()
    # Assessments are never changed, but deleting an actor deletes them: kept so a restore
    # brings them back.
    history = HistoricalRecords()

    class Meta:
        ordering = ["actor_id", "assessed_on", "created_at", "id"]
        get_latest_by = ["assessed_on", "created_at", "id"]
        indexes = [models.Index(fields=["actor", "assessed_on"])]
        constraints = [
            _score_check("influence"),
            _score_check("proximity"),
            _score_check("commitment"),
            models.CheckConstraint(
                condition=Q(stance__in=Stance.values), name="allies_assessment_stance_valid"
            ),
            models.CheckConstraint(
                condition=Q(ally_kind__in=AllyKind.values), name="allies_assessment_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Actor {self.actor_id}: {self.stance} on {self.assessed_on}"

    def previous(self) -> "AllyAssessment | None":
        return (
            AllyAssessment.objects.filter(actor_id=self.actor_id)
            .filter(
                Q(assessed_on__lt=self.assessed_on)
                | Q(assessed_on=self.assessed_on, created_at__lt=self.created_at)
            )
            .order_by("-assessed_on", "-created_at", "-id")
            .first()
        )

    def moved_from(self) -> str | None:
        """The stance this assessment moved the actor from, or None if it did not move them
        (first assessment, or the same stance as before)."""
        before = self.previous()
        if before is None or before.stance == self.stance:
            return None
        return before.stance
