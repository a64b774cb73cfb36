"""The dashboard's figures: what is shown and charted, read from the metric runs."""

from dataclasses import dataclass

from django.db.models import Max

from allies.models import Actor, Affiliation, SkillLevel
from coalitions.align.models import HealthCheckRound, StatementStatus, UnityStatement
from coalitions.align.selectors import health_answer_count_subquery, signatory_count_subquery
from coalitions.connect.selectors import member_count
from networks.graph.metrics import DEFINITIONS
from networks.metrics.models import MetricRun
from networks.models import Interaction, Tie
from weft.vocabulary import HEALTH_ANSWER_DEFINITION, MEMBER_DEFINITION, SIGNATORY_DEFINITION

TOP = 10


def coalition_counts(access) -> dict:
    """The coalition's headline counts, each from the one selector that counts it (the same
    number as on the home page, the pipeline, the statement and public pages, the API and the
    reports): members, each published statement's signatories, and the answers to the latest
    health-check round (three queries)."""
    include_sensitive = access.sees_sensitive
    statements = (
        UnityStatement.objects.filter(coalition=access.coalition, status=StatementStatus.PUBLISHED)
        .annotate(signatories=signatory_count_subquery(include_sensitive=include_sensitive))
        .order_by("-updated_at", "-id")
    )
    latest_round = (
        HealthCheckRound.objects.filter(coalition=access.coalition)
        .annotate(answer_count=health_answer_count_subquery(include_sensitive=include_sensitive))
        .order_by("-opens_on", "-id")
        .first()
    )
    return {
        "members": member_count(access.coalition, include_sensitive=include_sensitive),
        "statements": list(statements),
        "health_round": latest_round,
        "definitions": {
            "members": MEMBER_DEFINITION,
            "signatories": SIGNATORY_DEFINITION,
            "answers": HEALTH_ANSWER_DEFINITION,
        },
    }


# The help under the figures: each metric's definition and normalisation, from the module that
# computes them (networks/graph/metrics.py), so the two cannot drift apart.
METRIC_HELP = [
    {"key": key, "name": name, "definition": definition, "convention": convention}
    for key, name, definition, convention in DEFINITIONS
]


# (key in the run's JSON, label, what it measures): the figures shown and charted.
NETWORK_FIGURES = [
    (
        "network",
        "mean_strength",
        "Mean relationship strength",
        "Average strength (0–1) of every relationship, from interactions and declared ties.",
    ),
    (
        "network",
        "member_mean_strength",
        "Strength between members",
        "Average strength of the relationships between member organisations.",
    ),
    (
        "network",
        "strong_ties",
        "Strong ties",
        "Relationships at least as strong as the strong-tie threshold (0.6).",
    ),
    (
        "network",
        "at_risk",
        "Relationships at risk",
        "Relationships that lost a third of their strength or more since the previous run.",
    ),
    (
        "network",
        "density",
        "Density",
        "Share of all possible pairs of actors that have a relationship.",
    ),
    ("network", "components", "Components", "Separate pieces the network falls into."),
    ("network", "communities", "Clusters", "Communities found in the network (Leiden)."),
    (
        "network",
        "co_affiliation_relationships",
        "Relationships from shared groups",
        "Pairs of actors who belong to the same organisation, board, event or campaign: "
        "affiliations (two-mode data) projected onto their members, counted as evidence.",
    ),
    (
        "network",
        "distributed_leadership",
        "Distributed leadership",
        "1 − betweenness centralization: 1 when no one stands between everyone, 0 for a star.",
    ),
]


LEADERSHIP_FIGURES = [
    (
        "leadership",
        "leaders",
        "Leaders",
        "People who led an action or held a lead role in the 91 days to the run.",
    ),
    ("leadership", "new_leaders", "New leaders", "Leaders who had led nothing before."),
    (
        "leadership",
        "mean_skill_level",
        "Mean skill level of leaders",
        "Latest level (1–5) of each skill of each leader, averaged.",
    ),
    (
        "leadership",
        "directly_affected_share",
        "Lead roles held by the directly affected",
        "Share of lead roles held by people marked as directly affected by the issue.",
    ),
]


# The figures also charted over the runs: three of the network's, three of leadership's.
CHARTED = {
    *("mean_strength", "strong_ties", "distributed_leadership"),
    *("leaders", "new_leaders", "mean_skill_level"),
}


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    explanation: str
    value: object
    previous: object

    @property
    def change(self):
        if isinstance(self.value, int | float) and isinstance(self.previous, int | float):
            return self.value - self.previous
        return None

    @property
    def shown(self) -> str:
        return _shown(self.value)

    @property
    def change_shown(self) -> str:
        change = self.change
        if change is None:
            return ""
        return ("+" if change > 0 else "") + _shown(change)


def _shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.2f}"


def map_changed_since(coalition_id: int, when) -> bool:
    """Whether anything a run computes from was edited after ``when``: from the history kept
    for actors, ties, interactions, lead roles and skill levels (five small queries)."""
    latest_edit = max(
        (
            stamp
            for stamp in (
                Actor.history.filter(coalition_id=coalition_id).aggregate(m=Max("history_date"))[
                    "m"
                ],
                Tie.history.filter(coalition_id=coalition_id).aggregate(m=Max("history_date"))["m"],
                Interaction.history.filter(coalition_id=coalition_id).aggregate(
                    m=Max("history_date")
                )["m"],
                Affiliation.history.filter(person__coalition_id=coalition_id).aggregate(
                    m=Max("history_date")
                )["m"],
                SkillLevel.objects.filter(actor__coalition_id=coalition_id).aggregate(
                    m=Max("created_at")
                )["m"],
            )
            if stamp is not None
        ),
        default=None,
    )
    return latest_edit is not None and latest_edit > when


def figures_of(run: MetricRun, previous: MetricRun | None, spec) -> list[Figure]:
    return [
        Figure(
            key=key,
            label=label,
            explanation=explanation,
            value=getattr(run, part).get(key),
            previous=getattr(previous, part).get(key) if previous else None,
        )
        for part, key, label, explanation in spec
    ]
