"""The words Weft's users think in, defined once: the ally spectrum and the kinds of ally,
actors, ties, evidence, the phases of Connect-Align-Produce and the areas of the network health
check, each with its label (and, where the map draws it, its colour).

Plain Python, no Django: the models take their choices from here, the pure modules (report
figures, graph maths) their order and labels, and the browser receives the same table as JSON
(``browser_vocabulary``, rendered into every page by ``weft.context_processors``), so no page
script keeps a copy.
"""

import enum
from typing import Any


class _ChoicesType(enum.EnumType):
    """What Django's model and form fields, DRF and django-filter read from a list of choices
    (``choices``, ``values``, ``labels``), without importing Django."""

    @property
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]

    @property
    def values(cls) -> list[str]:
        return [member.value for member in cls]

    @property
    def labels(cls) -> list[str]:
        return [member.label for member in cls]

    def __contains__(cls, value: object) -> bool:
        # "active_ally" in Stance: a plain value is a member when one has it (Python 3.11
        # raises TypeError for a non-member otherwise).
        if isinstance(value, enum.Enum):
            return super().__contains__(value)
        return value in cls._value2member_map_


class Choices(enum.StrEnum, metaclass=_ChoicesType):
    """A closed list of words: each member is its stored value (a str), with a label for
    people and, where the map draws it, a colour."""

    def __new__(cls, value: str, label: str, colour: str = ""):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.colour = colour
        return member

    # Templates must not call the class (Django calls callables it finds in a context).
    do_not_call_in_templates = enum.nonmember(True)


class ActorKind(Choices):
    ORGANISATION = "organisation", "Organisation"
    PERSON = "person", "Person"
    GROUP = "group", "Group"
    INSTITUTION = "institution", "Institution"
    OFFICIAL = "official", "Official"
    # A type from an imported file that matches none of the above (its own words are kept
    # as the actor's type label).
    OTHER = "other", "Other"


class ContactKind(Choices):
    """How to reach a person (the value itself is personal data, kept apart: ContactDetail)."""

    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    ADDRESS = "address", "Postal address"
    MESSAGING = "messaging", "Messaging handle"
    OTHER = "other", "Other"


class Stance(Choices):
    """The spectrum of allies, from those working against the cause to those working for it
    (the spectrum of allies, Training for Change). The order is the spectrum's."""

    ACTIVE_OPPOSITION = "active_opposition", "Active opposition", "#c0392b"
    PASSIVE_OPPOSITION = "passive_opposition", "Passive opposition", "#f0a071"
    NEUTRAL = "neutral", "Neutral", "#b9b9b9"
    PASSIVE_ALLY = "passive_ally", "Passive ally", "#7cc49a"
    ACTIVE_ALLY = "active_ally", "Active ally", "#1a7f4e"

    @classmethod
    def position(cls, stance: str) -> int:
        """-2 (active opposition) … +2 (active ally): the x axis of a power map, and the
        direction of a move along the spectrum."""
        return cls.values.index(stance) - 2


# The colour of an actor nobody has assessed yet.
UNASSESSED_COLOUR = "#6b7280"


class AllyKind(Choices):
    """Natural allies share the cause; strategic allies prop up the decision-maker and are
    worth peeling away (Davies and Oyolu, Harvard Negotiation and Mediation Clinical Program)."""

    NATURAL = "natural", "Natural"
    STRATEGIC = "strategic", "Strategic"


class PillarSector(Choices):
    """Where a pillar of support stands in society: the institutions and groups that hold a
    decision-maker up (the pillars of support of Gene Sharp and the Otpor trainers; the
    strategic allies "closest to the political leadership, those who help prop it up the
    most", worth peeling away)."""

    GOVERNMENT = "government", "Government and civil service"
    SECURITY = "security", "Police and security"
    BUSINESS = "business", "Business"
    MEDIA = "media", "Media"
    LABOUR = "labour", "Organised labour"
    FAITH = "faith", "Faith communities"
    EDUCATION = "education", "Education"
    YOUTH = "youth", "Youth and students"
    CIVIL_SOCIETY = "civil_society", "Civil society"
    OTHER = "other", "Other"


class TieKind(Choices):
    COLLABORATION = "collaboration", "Collaboration"
    AFFILIATION = "affiliation", "Affiliation"
    FUNDING = "funding", "Funding"
    COMMUNICATION = "communication", "Communication"
    TRUST = "trust", "Trust"
    INFLUENCE = "influence", "Influence"
    CONFLICT = "conflict", "Conflict"
    # A connection type from an imported file that matches none of the above (its own words
    # are kept as the tie's type label).
    OTHER = "other", "Other"


class Direction(Choices):
    UNDIRECTED = "undirected", "Undirected"
    DIRECTED = "directed", "Directed (source → target)"
    MUTUAL = "mutual", "Mutual"


class InteractionKind(Choices):
    """Evidence of a relationship. Weights per kind are per-coalition settings
    (networks/graph/strength.py documents the defaults)."""

    ONE_TO_ONE = "one_to_one", "One-to-one relational meeting"
    JOINT_ACTION = "joint_action", "Joint action"
    WORKING_GROUP_SESSION = "working_group_session", "Working-group session"
    CO_ATTENDED_EVENT = "co_attended_event", "Co-attended event"
    COMMUNICATION = "communication", "Communication"
    # A relationship a respondent reported in a survey round, accepted by a weaver (issue 21).
    SURVEY_REPORT = "survey_report", "Reported in a relationship survey"


class CoalitionPhase(Choices):
    """Connect-Align-Produce (Network Weaver / Blueprints for Change). Not linear: a coalition
    can go back to Connect when it needs new partners."""

    CONNECT = "connect", "Connect"
    ALIGN = "align", "Align"
    PRODUCE = "produce", "Produce"


class MemberPhase(Choices):
    """Where a member organisation is: a prospect, then the coalition's phases."""

    PROSPECT = "prospect", "Prospect"
    CONNECT = "connect", "Connect"
    ALIGN = "align", "Align"
    PRODUCE = "produce", "Produce"


class HealthArea(Choices):
    """The five areas member organisations score in a network health check, 1 (poor) to 5
    (strong); the values are the answer's field names."""

    PURPOSE = "purpose", "Purpose and principles"
    PARTICIPATION = "participation", "Participation"
    RELATIONSHIPS = "relationships", "Relationships and trust"
    STRUCTURES = "structures", "Structures and agreements"
    COORDINATION = "coordination", "Coordination"


def _terms(choices: type[Choices]) -> list[dict[str, Any]]:
    terms = []
    for member in choices:
        term = {"value": member.value, "label": member.label}
        if member.colour:
            term["colour"] = member.colour
        terms.append(term)
    return terms


def browser_vocabulary() -> dict[str, Any]:
    """The vocabulary as the page scripts read it (a JSON script tag on every page)."""
    return {
        "actor_kinds": _terms(ActorKind),
        "stances": _terms(Stance),
        "unassessed_colour": UNASSESSED_COLOUR,
        "ally_kinds": _terms(AllyKind),
        "tie_kinds": _terms(TieKind),
        "directions": _terms(Direction),
        "interaction_kinds": _terms(InteractionKind),
        "coalition_phases": _terms(CoalitionPhase),
        "member_phases": _terms(MemberPhase),
        "health_areas": _terms(HealthArea),
        "pillar_sectors": _terms(PillarSector),
    }


# ---------------------------------------------------------------------------------------------
# What counts, in the words every page, the API and the reports show next to the figure. The
# selectors that count (coalitions.align.selectors.counted_signatures, counted_health_answers;
# coalitions.connect.selectors.current_members) follow these words; the report figures, which
# import no app, show them too.
SIGNATORY_DEFINITION = (
    "A signatory is an organisation whose signature on the statement's published text is "
    "confirmed and not withdrawn; each organisation counts once, listed publicly or not. "
    "Unconfirmed and withdrawn signatures do not count."
)
MEMBER_DEFINITION = (
    "A member is an organisation whose membership is current (it has not left) and past the "
    "prospect stage: in Connect, Align or Produce. Prospects are not counted."
)
HEALTH_ANSWER_DEFINITION = (
    "An answer is one member organisation's scores in a health-check round: each organisation "
    "answers once per round, and its answer counts as soon as it is sent."
)
SURVEY_ANSWER_DEFINITION = (
    "A survey answer counts once its respondent has sent it; answers saved but not sent do "
    "not count, and each respondent counts once per round."
)
