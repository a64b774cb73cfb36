"""The demo coalition: Riverside Homes for All, a city campaign for affordable housing.

``loaddemo`` builds it so that a newcomer opens Weft onto a coalition in full swing rather than
an empty page: a Mayor to move and the pillars that hold her up, tenants' unions, churches and
unions that are natural allies, people whose skills grow, a unity statement with signatures,
working groups, actions, wins and shifts in the political climate, all spread over the eighteen
months before ``today`` so that period-against-period reports show change.

Everything is declared as data below and built by :func:`demo_load` through the services a
user's pages and API requests call, each row written as the demo user whose role would write
it, so that the demo keeps the rules users are held to. Only what no user writes is written
directly: the accounts, and the stamps that give the story its past (demo/timemachine.py).
Whatever is randomised draws from one seeded ``random.Random``, and every date counts back from
``today``, so the same day always gives the same coalition. Names, emails (example.org) and
phone numbers (555-01xx) are fictional.
"""

import datetime
import random
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.test.utils import override_settings
from django.utils import timezone

from allies.models import Actor, AllyAssessment
from allies.services.actors import actor_create
from allies.services.affiliations import affiliation_create
from allies.services.assessments import assessment_add
from allies.services.contacts import contact_detail_create
from allies.services.plans import engagement_plan_create
from allies.services.skills import skill_create, skill_level_add
from coalitions.align.models import (
    Endorsement,
    FeedbackComment,
    FeedbackRound,
    Principle,
    Proposal,
    Signature,
    StatementStatus,
    StatementVersion,
    UnityStatement,
)
from coalitions.align.services.principles import endorsement_add, principle_create
from coalitions.align.services.signatures import signature_request
from coalitions.align.services.statements import (
    feedback_comment_add,
    feedback_round_open,
    statement_create,
    statement_update,
    statement_version_add,
)
from coalitions.align.services.targets import (
    pillar_create,
    proximity_record,
    proximity_update,
    target_create,
)
from coalitions.connect.models import Introduction, Membership, PhaseMove
from coalitions.connect.services import membership_create, membership_update
from coalitions.models import Coalition, RoleName
from coalitions.produce.models import (
    Action,
    ClimateDirection,
    ClimateShift,
    GroupKind,
    Win,
    WorkingGroup,
)
from coalitions.produce.selectors import visible_actions
from coalitions.produce.services import (
    action_create,
    climate_shift_create,
    group_seat_add,
    win_create,
    working_group_create,
)
from coalitions.roles import Access, access_for
from coalitions.services import coalition_create, role_grant
from demo.reports import demo_reports_load
from demo.timemachine import TimeMachine
from demo.workflow import build_workflow
from networks.map.services import layout_compute
from networks.metrics.services import metric_run_execute, metric_run_request
from networks.services import interaction_create, tie_create
from weft.errors import ApplicationError
from weft.versions import ANY_VERSION
from weft.vocabulary import (
    ActorKind,
    AllyKind,
    CoalitionPhase,
    ContactKind,
    Direction,
    InteractionKind,
    MemberPhase,
    Stance,
)
from weft.vocabulary import TieKind as T

DEMO_KEY = "riverside-housing-v1"
DEMO_NAME = "Riverside Homes for All"
# The demo's known password: harmless only because demo_load refuses to run without DEBUG.
DEFAULT_PASSWORD = "weft-demo"  # noqa: S105
# One demo user per role, named after it.
DEMO_USERNAMES = tuple(role.value for role in RoleName)
# A fixed seed: the demo must come out the same on every laptop (it is not a secret).
RANDOM_SEED = 1848
HISTORY_DAYS = 540  # eighteen months of history before today
TIE_COUNT = 180  # declared ties, affiliation ties, then generated ones up to this many

ORG, PERSON, GROUP, INST, OFFICIAL = (
    ActorKind.ORGANISATION,
    ActorKind.PERSON,
    ActorKind.GROUP,
    ActorKind.INSTITUTION,
    ActorKind.OFFICIAL,
)
NAT, STRAT = AllyKind.NATURAL, AllyKind.STRATEGIC

MAYOR = "Mayor Helen Draycott"
SOURCE = 'Housing Department source ("Sam")'


# The map -----------------------------------------------------------------------------------
# The tables below are kept one row per line (fmt: off) so they read as tables, not as code.


class ActorSeed(NamedTuple):
    name: str
    kind: str
    ally_kind: str
    stances: str  # the stance history, oldest first: "neutral > passive_ally > active_ally"
    influence: int
    proximity: int  # to the Mayor
    commitment: int  # to the cause, at the latest assessment
    tags: tuple[str, ...] = ()
    description: str = ""
    sensitive: bool = False
    affected: bool = False
    moved: tuple[int, ...] = ()  # days ago of each assessment; evenly spread when empty


# fmt: off
ACTORS = (
    # name, kind, ally kind, stance history, influence, proximity, commitment, tags, ...
    # The decision-makers and the institutions around them.
    ActorSeed(MAYOR, OFFICIAL, STRAT, "passive_opposition > neutral", 5, 5, 2, ("government",),
              "Second term; up for re-election next year.", moved=(535, 15)),
    ActorSeed("Deputy Mayor Tom Whitlock", OFFICIAL, STRAT, "passive_opposition", 4, 5, 2,
              ("government",), "Planning portfolio; close to the developers."),
    ActorSeed("Councillor Ama Mensah", OFFICIAL, NAT, "active_ally", 4, 4, 5, ("government",),
              "Chairs the housing committee."),
    ActorSeed("Councillor Gareth Pike", OFFICIAL, STRAT, "active_opposition", 3, 4, 1,
              ("government",)),
    ActorSeed("Councillor Rosa Delgado", OFFICIAL, STRAT, "neutral > passive_ally", 4, 4, 3,
              ("government",), "The swing vote on the housing committee."),
    ActorSeed("Housing Director Nadia Osei", OFFICIAL, STRAT, "neutral", 3, 5, 3, ("government",)),
    ActorSeed("State Representative Luis Ferrante", OFFICIAL, NAT, "passive_ally", 3, 2, 3,
              ("government",)),
    ActorSeed("Riverside City Council", INST, STRAT, "neutral", 5, 5, 2, ("government",)),
    ActorSeed("Riverside Housing Department", INST, STRAT, "neutral", 4, 5, 2, ("government",)),
    ActorSeed("Riverside Planning Commission", INST, STRAT, "passive_opposition", 4, 5, 2,
              ("government",)),
    ActorSeed("Riverside Housing Court", INST, STRAT, "neutral", 3, 3, 2, ("government",)),
    ActorSeed("Riverside Housing Authority", INST, NAT, "passive_ally", 3, 3, 3,
              ("housing providers",)),
    ActorSeed("Riverside Community College", INST, NAT, "passive_ally", 2, 2, 3),
    ActorSeed("Riverside Public Library", INST, NAT, "passive_ally", 1, 2, 3),
    ActorSeed("St. Brigid's Hospital", INST, NAT, "neutral", 2, 2, 2),
    # The Mayor's pillars of support: strategic, close to her, worth peeling away.
    ActorSeed("Riverside Developers' Association", ORG, STRAT, "active_opposition", 5, 5, 1,
              ("business", "pillar of support")),
    ActorSeed("Riverside Chamber of Commerce", ORG, STRAT,
              "active_opposition > passive_opposition", 4, 5, 1, ("business", "pillar of support")),
    ActorSeed("Crestline Property Group", ORG, STRAT, "active_opposition", 4, 4, 1,
              ("business", "pillar of support"), "Owns 4,000 units, Maple Court among them."),
    ActorSeed("The Riverside Courier", ORG, STRAT, "passive_opposition > neutral > passive_ally",
              4, 4, 2, ("media", "pillar of support"), moved=(520, 265, 200)),
    ActorSeed("Riverside Police Benevolent Association", ORG, STRAT, "passive_opposition", 3, 4, 1,
              ("labour", "pillar of support"), "The police union; endorsed the Mayor last time."),
    ActorSeed("Riverside Board of Realtors", ORG, STRAT, "passive_opposition", 3, 4, 1,
              ("business", "pillar of support")),
    ActorSeed("Harbor Savings Bank", ORG, STRAT, "neutral", 3, 4, 2,
              ("business", "pillar of support")),
    ActorSeed("Building Trades Council", ORG, STRAT, "passive_opposition > neutral", 3, 4, 2,
              ("labour", "pillar of support"), moved=(515, 110)),
    ActorSeed("Greenway Neighbours Association", ORG, STRAT, "passive_opposition", 2, 3, 1,
              ("neighbourhood",), "Homeowners against density on the north side."),
    ActorSeed("Small Landlords Network", ORG, STRAT, "passive_opposition", 2, 3, 1, ("business",)),
    # Natural allies.
    ActorSeed("Riverside Tenants Union", ORG, NAT, "active_ally", 3, 2, 5, ("tenants",),
              affected=True),
    ActorSeed("Eastside Tenants Association", ORG, NAT, "passive_ally > active_ally", 2, 2, 5,
              ("tenants",), affected=True),
    ActorSeed("St. Anne's Church", ORG, NAT, "neutral > passive_ally > active_ally", 2, 3, 4,
              ("faith",), "The Mayor's own parish.", moved=(510, 330, 150)),
    ActorSeed("Bethel AME Church", ORG, NAT, "active_ally", 3, 3, 5, ("faith",)),
    ActorSeed("Riverside Interfaith Council", ORG, NAT, "passive_ally > active_ally", 3, 3, 4,
              ("faith",)),
    ActorSeed("Masjid al-Noor", ORG, NAT, "passive_ally", 2, 2, 3, ("faith",)),
    ActorSeed("Congregation Beth Shalom", ORG, NAT, "passive_ally", 2, 2, 3, ("faith",)),
    ActorSeed("Service Workers Union Local 512", ORG, NAT, "active_ally", 4, 3, 4, ("labour",)),
    ActorSeed("Riverside Teachers Federation", ORG, NAT, "passive_ally > active_ally", 3, 3, 4,
              ("labour",)),
    ActorSeed("Hotel and Restaurant Workers Local 88", ORG, NAT,
              "passive_ally > active_ally > passive_ally", 2, 2, 3, ("labour",)),
    ActorSeed("Riverside Legal Aid", ORG, NAT, "active_ally", 3, 2, 5, ("legal",)),
    ActorSeed("Northside Community Land Trust", ORG, NAT, "active_ally", 3, 3, 4,
              ("housing providers", "neighbourhood")),
    ActorSeed("Riverside Senior Advocates", ORG, NAT, "passive_ally", 2, 2, 3,
              ("seniors and disability",)),
    ActorSeed("Disability Rights Riverside", ORG, NAT, "passive_ally", 2, 2, 4,
              ("seniors and disability",)),
    ActorSeed("Riverside Habitat Partners", ORG, NAT, "neutral > passive_ally", 2, 3, 3,
              ("housing providers",)),
    ActorSeed("Riverside Community Foundation", ORG, NAT, "passive_ally", 3, 3, 3, ("funders",)),
    # Groups without staff or a bank account.
    ActorSeed("Undocumented Tenants Circle", GROUP, NAT, "active_ally", 1, 1, 5, ("tenants",),
              "Meets in a member's home; never named in public.", sensitive=True, affected=True),
    ActorSeed("Maple Court Tenants' Committee", GROUP, NAT, "neutral > passive_ally > active_ally",
              2, 1, 5, ("tenants",), affected=True),
    ActorSeed("Eviction Defence Rapid Response", GROUP, NAT, "active_ally", 2, 1, 5,
              ("tenants", "legal"), affected=True),
    ActorSeed("Riverside Mutual Aid Network", GROUP, NAT, "active_ally", 1, 1, 4,
              ("neighbourhood",)),
    ActorSeed("Students for Fair Rent", GROUP, NAT, "passive_ally", 1, 1, 3, ("youth",)),
    ActorSeed("Youth for Housing Justice", GROUP, NAT, "passive_ally > active_ally", 2, 1, 5,
              ("youth",), affected=True),
    ActorSeed("Riverside Artists' Collective", GROUP, NAT, "neutral > passive_ally", 1, 1, 3),
    # People.
    ActorSeed("Marisol Vega", PERSON, NAT, "active_ally", 3, 2, 5, ("tenants",), affected=True),
    ActorSeed("Darnell Brooks", PERSON, NAT, "passive_ally > active_ally", 3, 2, 5, ("tenants",),
              affected=True),
    ActorSeed("Keisha Grant", PERSON, NAT, "neutral > passive_ally > active_ally", 2, 1, 5,
              ("tenants",), "Became a leader after the Maple Court blockade.", affected=True),
    ActorSeed("Lucia Ferreira", PERSON, NAT, "active_ally", 2, 1, 5, ("tenants",),
              sensitive=True, affected=True),
    ActorSeed(SOURCE, PERSON, NAT, "neutral > passive_ally", 2, 4, 3, ("government",),
              "Whistleblower inside the housing department. Never contact at work.",
              sensitive=True),
    ActorSeed("Rev. Grace Okafor", PERSON, NAT, "neutral > passive_ally > active_ally", 3, 3, 4,
              ("faith",), moved=(505, 330, 150)),
    ActorSeed("Rev. Samuel Whitfield", PERSON, NAT, "active_ally", 3, 3, 5, ("faith",)),
    ActorSeed("Imam Yusuf Haddad", PERSON, NAT, "passive_ally", 2, 2, 3, ("faith",)),
    ActorSeed("Mei Tanaka", PERSON, NAT, "passive_ally > active_ally", 2, 2, 4, ("faith",)),
    ActorSeed("Priya Raman", PERSON, NAT, "active_ally", 4, 3, 4, ("labour",)),
    ActorSeed("Jamal Whitaker", PERSON, NAT, "passive_ally > active_ally", 3, 3, 4, ("labour",)),
    ActorSeed("Inés Morales", PERSON, NAT, "passive_ally", 2, 2, 3, ("labour",)),
    ActorSeed("Owen Kessler", PERSON, NAT, "active_ally", 3, 2, 5, ("legal",)),
    ActorSeed("Benjamin Park", PERSON, NAT, "active_ally", 3, 3, 4, ("housing providers",)),
    ActorSeed("Ruth Abernathy", PERSON, NAT, "passive_ally", 2, 2, 3, ("seniors and disability",)),
    ActorSeed("Tomás Alvarez", PERSON, NAT, "passive_ally > active_ally", 2, 1, 5, ("youth",),
              affected=True),
    ActorSeed("Dana Whitcombe", PERSON, NAT, "passive_ally", 2, 2, 4, ("seniors and disability",)),
    ActorSeed("Ellen Marsh", PERSON, STRAT, "neutral > passive_ally", 3, 3, 2, ("media",)),
    ActorSeed("Aisha Bello", PERSON, STRAT, "neutral", 4, 5, 2, ("government",),
              "The Mayor's chief of staff."),
    ActorSeed("Victor Crane", PERSON, STRAT, "active_opposition", 5, 5, 1, ("business",)),
    ActorSeed("Hannah Liu", PERSON, STRAT, "active_opposition > passive_opposition", 4, 5, 1,
              ("business",)),
    ActorSeed("Gordon Hale", PERSON, STRAT, "active_opposition", 4, 4, 1, ("business",)),
    ActorSeed("Frank Doyle", PERSON, STRAT, "passive_opposition", 3, 4, 1, ("labour",)),
    ActorSeed("Carlos Medina", PERSON, STRAT, "passive_opposition > neutral", 3, 4, 2,
              ("labour",), moved=(515, 110)),
)
# fmt: on

# Why the latest assessment moved, for the movers a demo is meant to show.
MOVE_NOTES = {
    MAYOR: "Named housing the city's first priority at the accountability session.",
    "St. Anne's Church": "The parish council voted to join after the vigil.",
    "The Riverside Courier": "Editorial board backed rent stabilisation.",
    "Building Trades Council": "Dropped its opposition after the local-hire clause.",
    "Hotel and Restaurant Workers Local 88": "Stepped back after a leadership change.",
    "Keisha Grant": "Co-chairs the Maple Court committee since the blockade.",
}

# People at risk leave no number or address: one way to reach them, through someone they trust.
REACH_AT_RISK = {
    "Lucia Ferreira": "Through Marisol Vega only.",
    SOURCE: "Through Owen Kessler only; never at work.",
}

TARGETS = (
    (
        MAYOR,
        True,
        "Sign the Homes for All ordinance: rent stabilisation, 30% affordable homes in every new "
        "development, and a public land trust for city-owned lots.",
    ),
    ("Councillor Rosa Delgado", False, "Vote yes on the ordinance at first reading."),
)

# The Mayor's pillars of support (the actors tagged "pillar of support"): the sector each
# stands in, and a note where the organizers know why it matters.
PILLARS = (
    ("Riverside Developers' Association", "business", "Her largest donors; write the zoning."),
    ("Riverside Chamber of Commerce", "business", ""),
    ("Crestline Property Group", "business", ""),
    ("The Riverside Courier", "media", "Endorsed her twice; softening on rents since spring."),
    ("Riverside Police Benevolent Association", "security", "Endorsed the Mayor last time."),
    ("Riverside Board of Realtors", "business", ""),
    ("Harbor Savings Bank", "business", ""),
    ("Building Trades Council", "labour", "Wants the jobs more than the developers' terms."),
)

# Who in the coalition stands close to a pillar: (actor, pillar, proximities oldest first,
# note). A second value is a move, kept in the proximity's history.
PROXIMITIES = (
    ("Ellen Marsh", "The Riverside Courier", (3, 4), "Writes the Courier's housing column."),
    ("Jamal Whitaker", "Building Trades Council", (2, 4), "On its apprenticeship board."),
    ("Priya Raman", "Building Trades Council", (3,), ""),
    ("Benjamin Park", "Riverside Developers' Association", (2,), "A member until 2019."),
    ("Rev. Samuel Whitfield", "Riverside Police Benevolent Association", (2,), ""),
    ("Riverside Community Foundation", "Harbor Savings Bank", (3,), "Shares a board member."),
)


class AffiliationSeed(NamedTuple):
    person: str
    organisation: str
    role_title: str
    is_lead: bool
    since: int  # days ago
    ended: int | None = None  # days ago


# fmt: off
AFFILIATIONS = (
    AffiliationSeed("Marisol Vega", "Riverside Tenants Union", "Lead organiser", True, 2100),
    AffiliationSeed("Marisol Vega", "Riverside Mutual Aid Network", "Volunteer", False, 700),
    AffiliationSeed("Darnell Brooks", "Eastside Tenants Association", "Chair", True, 1500),
    AffiliationSeed("Darnell Brooks", "Bethel AME Church", "Deacon", False, 3500),
    AffiliationSeed("Keisha Grant", "Maple Court Tenants' Committee", "Co-chair", True, 400),
    AffiliationSeed("Keisha Grant", "Riverside Tenants Union", "Member", False, 500),
    AffiliationSeed("Keisha Grant", "Eviction Defence Rapid Response", "Responder", False, 380),
    AffiliationSeed("Lucia Ferreira", "Undocumented Tenants Circle", "Organiser", True, 900),
    AffiliationSeed(SOURCE, "Riverside Housing Department", "Caseworker", False, 2500),
    AffiliationSeed("Rev. Grace Okafor", "St. Anne's Church", "Pastor", True, 3000),
    AffiliationSeed("Rev. Samuel Whitfield", "Bethel AME Church", "Senior pastor", True, 4000),
    AffiliationSeed("Imam Yusuf Haddad", "Masjid al-Noor", "Imam", True, 2000),
    AffiliationSeed("Mei Tanaka", "Riverside Interfaith Council", "Coordinator", True, 1200),
    AffiliationSeed("Mei Tanaka", "Congregation Beth Shalom", "Member", False, 3000),
    AffiliationSeed("Priya Raman", "Service Workers Union Local 512", "Political director", True,
                    1800),
    AffiliationSeed("Jamal Whitaker", "Riverside Teachers Federation", "President", True, 1100),
    AffiliationSeed("Inés Morales", "Hotel and Restaurant Workers Local 88", "Organiser", False,
                    900),
    AffiliationSeed("Owen Kessler", "Riverside Legal Aid", "Housing attorney", False, 2200),
    AffiliationSeed("Owen Kessler", "Eviction Defence Rapid Response", "Legal observer", False,
                    420),
    AffiliationSeed("Benjamin Park", "Northside Community Land Trust", "Executive director", True,
                    1600),
    AffiliationSeed("Ruth Abernathy", "Riverside Senior Advocates", "Chair", True, 1300),
    AffiliationSeed("Tomás Alvarez", "Students for Fair Rent", "Founder", True, 1400, ended=380),
    AffiliationSeed("Tomás Alvarez", "Youth for Housing Justice", "Coordinator", True, 370),
    AffiliationSeed("Dana Whitcombe", "Disability Rights Riverside", "Policy lead", True, 1000),
    AffiliationSeed("Ellen Marsh", "The Riverside Courier", "Housing reporter", False, 1700),
    AffiliationSeed("Victor Crane", "Riverside Developers' Association", "President", True, 2600),
    AffiliationSeed("Hannah Liu", "Riverside Chamber of Commerce", "Chief executive", True, 1500),
    AffiliationSeed("Gordon Hale", "Crestline Property Group", "Chief executive", True, 3000),
    AffiliationSeed("Frank Doyle", "Riverside Police Benevolent Association", "President", True,
                    2000),
    AffiliationSeed("Carlos Medina", "Building Trades Council", "Business manager", True, 1900),
)
# fmt: on


class TieSeed(NamedTuple):
    source: str
    target: str
    kind: str
    strength: int | None
    description: str = ""
    since: int | None = None  # days ago; drawn at random when None
    ended: int | None = None  # days ago
    sensitive: bool = False


# Influence and money flow one way; trust is mutual; the rest has no direction.
DIRECTION_OF = {
    T.INFLUENCE: Direction.DIRECTED,
    T.FUNDING: Direction.DIRECTED,
    T.AFFILIATION: Direction.DIRECTED,
    T.COMMUNICATION: Direction.UNDIRECTED,
    T.TRUST: Direction.MUTUAL,
    T.COLLABORATION: Direction.UNDIRECTED,
    T.CONFLICT: Direction.UNDIRECTED,
}

# fmt: off
TIES = (
    # The pillars hold up the Mayor.
    TieSeed("Riverside Developers' Association", MAYOR, T.FUNDING, 5,
            "Largest donor bloc to her campaign committee."),
    TieSeed("Riverside Developers' Association", MAYOR, T.INFLUENCE, 5),
    TieSeed("Riverside Chamber of Commerce", MAYOR, T.INFLUENCE, 4),
    TieSeed("Crestline Property Group", MAYOR, T.FUNDING, 4),
    TieSeed("The Riverside Courier", MAYOR, T.INFLUENCE, 4),
    TieSeed("Riverside Police Benevolent Association", MAYOR, T.INFLUENCE, 4,
            "Endorsed her in the last election."),
    TieSeed("Riverside Board of Realtors", MAYOR, T.FUNDING, 3),
    TieSeed("Harbor Savings Bank", MAYOR, T.FUNDING, 3),
    TieSeed("Building Trades Council", MAYOR, T.INFLUENCE, 4),
    TieSeed("Aisha Bello", MAYOR, T.TRUST, 5),
    TieSeed("Deputy Mayor Tom Whitlock", MAYOR, T.TRUST, 4),
    TieSeed("Riverside City Council", MAYOR, T.INFLUENCE, 4),
    TieSeed("Riverside Planning Commission", MAYOR, T.INFLUENCE, 3),
    TieSeed("Housing Director Nadia Osei", MAYOR, T.COMMUNICATION, 3),
    TieSeed("Rev. Grace Okafor", MAYOR, T.COMMUNICATION, 2, "The Mayor worships at St. Anne's."),
    TieSeed("Service Workers Union Local 512", MAYOR, T.INFLUENCE, 2),
    # The pillars among themselves.
    TieSeed("Riverside Developers' Association", "Riverside Chamber of Commerce", T.COLLABORATION,
            4),
    TieSeed("Crestline Property Group", "Riverside Developers' Association", T.AFFILIATION, 4),
    TieSeed("Riverside Board of Realtors", "Riverside Developers' Association", T.COLLABORATION,
            3),
    TieSeed("Harbor Savings Bank", "Crestline Property Group", T.FUNDING, 4),
    TieSeed("Riverside Developers' Association", "Councillor Gareth Pike", T.FUNDING, 4),
    TieSeed("Riverside Developers' Association", "The Riverside Courier", T.FUNDING, 2,
            "Full-page advertising."),
    TieSeed("Riverside Developers' Association", "Riverside Planning Commission", T.INFLUENCE, 4),
    TieSeed("Greenway Neighbours Association", "Councillor Gareth Pike", T.INFLUENCE, 3),
    TieSeed("Small Landlords Network", "Riverside Board of Realtors", T.AFFILIATION, 3),
    TieSeed("Building Trades Council", "Riverside Developers' Association", T.COLLABORATION, 4,
            "Joint lobbying on zoning; ended with the local-hire deal.", since=1500, ended=110),
    # Between the coalition and the decision-makers.
    TieSeed("Councillor Ama Mensah", "Riverside Tenants Union", T.TRUST, 4),
    TieSeed("Councillor Ama Mensah", "Councillor Rosa Delgado", T.COMMUNICATION, 3),
    TieSeed("Ellen Marsh", "Riverside Tenants Union", T.COMMUNICATION, 3, since=260),
    TieSeed("State Representative Luis Ferrante", "Service Workers Union Local 512", T.TRUST, 4),
    TieSeed("Building Trades Council", "Service Workers Union Local 512", T.COLLABORATION, 3,
            since=120),
    TieSeed("Riverside Community Foundation", "Northside Community Land Trust", T.FUNDING, 4),
    TieSeed("Riverside Community Foundation", "Riverside Legal Aid", T.FUNDING, 3),
    TieSeed("Riverside Community Foundation", "Riverside Tenants Union", T.FUNDING, 2, since=200),
    TieSeed("Service Workers Union Local 512", "Riverside Tenants Union", T.FUNDING, 3),
    TieSeed("Riverside Housing Authority", "Northside Community Land Trust", T.COLLABORATION, 2),
    # Conflict.
    TieSeed("Councillor Gareth Pike", "Councillor Ama Mensah", T.CONFLICT, 3),
    TieSeed("Riverside Tenants Union", "Crestline Property Group", T.CONFLICT, 5),
    TieSeed("Maple Court Tenants' Committee", "Crestline Property Group", T.CONFLICT, 5,
            since=420),
    TieSeed("Greenway Neighbours Association", "Northside Community Land Trust", T.CONFLICT, 3),
    TieSeed("Riverside Chamber of Commerce", "Service Workers Union Local 512", T.CONFLICT, 2),
    # The backbone of the coalition.
    TieSeed("Riverside Tenants Union", "Eastside Tenants Association", T.COLLABORATION, 5),
    TieSeed("Riverside Tenants Union", "Riverside Legal Aid", T.COLLABORATION, 5),
    TieSeed("Riverside Interfaith Council", "St. Anne's Church", T.AFFILIATION, 4),
    TieSeed("Riverside Interfaith Council", "Bethel AME Church", T.AFFILIATION, 4),
    TieSeed("Riverside Interfaith Council", "Masjid al-Noor", T.AFFILIATION, 3),
    TieSeed("Riverside Interfaith Council", "Congregation Beth Shalom", T.AFFILIATION, 3),
    TieSeed("Hotel and Restaurant Workers Local 88", "Riverside Tenants Union", T.COLLABORATION,
            3, since=450, ended=45),
    # Sensitive: they would put people at risk if they leaked.
    TieSeed(SOURCE, "Owen Kessler", T.TRUST, 4, "Passes on eviction-filing data.", since=300,
            sensitive=True),
    TieSeed(SOURCE, "Marisol Vega", T.COMMUNICATION, 3, since=280, sensitive=True),
    TieSeed("Undocumented Tenants Circle", "Riverside Tenants Union", T.COLLABORATION, 4,
            sensitive=True),
    TieSeed("Undocumented Tenants Circle", "Masjid al-Noor", T.TRUST, 3,
            "The mosque hosts their meetings.", sensitive=True),
    TieSeed("Lucia Ferreira", "Riverside Legal Aid", T.TRUST, 5, sensitive=True),
    TieSeed("Lucia Ferreira", "Marisol Vega", T.TRUST, 5, sensitive=True),
    TieSeed("Councillor Rosa Delgado", "Riverside Tenants Union", T.COMMUNICATION, 2,
            "Back channel: she shares the committee's timing ahead of votes.", since=180,
            sensitive=True),
)
# fmt: on

# Generated ties between natural allies: mostly working together and talking, some trust.
GENERATED_TIE_KINDS = ((T.COLLABORATION, 4), (T.COMMUNICATION, 3), (T.TRUST, 2))


# Skills and engagement -----------------------------------------------------------------------

SKILLS = (
    ("Facilitation", "Running a meeting where everyone is heard and something is decided."),
    ("Media", "Telling the coalition's story to reporters and online."),
    ("Research", "Eviction data, ownership records, policy drafting."),
    ("Canvassing", "Door-knocking and one-to-one conversations at scale."),
    ("Negotiation", "Sitting across the table from landlords and officials."),
    ("Public speaking", "Testimony, rallies, the pulpit."),
)

# Levels observed over time, oldest first: the leadership the coalition is growing.
SKILL_GROWTH = (
    ("Marisol Vega", "Facilitation", (2, 3, 4)),
    ("Marisol Vega", "Negotiation", (1, 2, 3)),
    ("Darnell Brooks", "Canvassing", (2, 3, 4)),
    ("Darnell Brooks", "Public speaking", (1, 2, 3)),
    ("Keisha Grant", "Public speaking", (1, 2, 4)),
    ("Keisha Grant", "Facilitation", (1, 2)),
    ("Tomás Alvarez", "Media", (2, 3, 4)),
    ("Tomás Alvarez", "Canvassing", (2, 3)),
    ("Owen Kessler", "Research", (4, 5)),
    ("Owen Kessler", "Negotiation", (3, 4)),
    ("Priya Raman", "Negotiation", (4, 4, 5)),
    ("Priya Raman", "Facilitation", (3, 4)),
    ("Rev. Grace Okafor", "Public speaking", (4, 5)),
    ("Rev. Grace Okafor", "Facilitation", (2, 3)),
    ("Mei Tanaka", "Facilitation", (2, 3, 4)),
    ("Benjamin Park", "Research", (3, 4)),
    ("Jamal Whitaker", "Canvassing", (2, 3)),
    ("Inés Morales", "Canvassing", (3, 3)),
    ("Dana Whitcombe", "Research", (2, 3)),
    ("Lucia Ferreira", "Facilitation", (1, 2, 3)),
)


class PlanSeed(NamedTuple):
    actor: str
    ask: str
    frame: str
    messenger: str | None
    next_step: str
    due_in: int  # days from today; negative is overdue


# fmt: off
ENGAGEMENT_PLANS = (
    PlanSeed(MAYOR, "Hold the public hearing and sign the ordinance.",
             "Her legacy: the mayor who kept Riverside's families in Riverside.",
             "Rev. Grace Okafor", "Confirm the hearing date she promised at the session.", 10),
    PlanSeed("Councillor Rosa Delgado", "Vote yes at first reading.",
             "Her district has the city's highest eviction rate.", "Darnell Brooks",
             "Tenant delegation at her district office hours.", -12),
    PlanSeed("Building Trades Council", "Endorse the ordinance with a local-hire clause.",
             "Affordable homes are union jobs.", "Priya Raman",
             "Send the local-hire amendment text.", -5),
    PlanSeed("The Riverside Courier", "Run a series on evictions.",
             "Riverside's families are being priced out of their own city.", "Tomás Alvarez",
             "Pitch the Maple Court follow-up story.", 7),
    PlanSeed("Riverside Chamber of Commerce", "Stay neutral on the ordinance.",
             "Workers who cannot afford to live here cannot staff your businesses.",
             "Inés Morales", "Meet the Chamber's small-business council.", -30),
    PlanSeed("Riverside Police Benevolent Association", "Stay out of the ordinance fight.",
             "Officers cannot afford to live in the city they police.",
             "State Representative Luis Ferrante",
             "Ask Rep. Ferrante to raise it at the union's spring meeting.", 21),
    PlanSeed("Harbor Savings Bank", "Finance the land trust's next acquisition.",
             "Community reinvestment that shows up in the bank's rating.", "Benjamin Park",
             "Send the land trust's portfolio.", 14),
    PlanSeed("Masjid al-Noor", "Join the coalition and sign the unity statement.",
             "Faith in action: the mosque already shelters the tenants who are most at risk.",
             "Mei Tanaka", "Invite the imam to the interfaith breakfast.", -3),
    PlanSeed("Riverside Habitat Partners", "Join the coalition.",
             "Permanent affordability protects the homes you build.", "Benjamin Park",
             "Introduce them to the Policy and Research group.", 30),
    PlanSeed("Carlos Medina", "Speak at the ordinance hearing.",
             "The trades build the homes the city needs.", "Priya Raman",
             "One-to-one over coffee.", 5),
    PlanSeed("Riverside Teachers Federation", "Sign the unity statement.",
             "Teachers see every family that is pushed out: in empty desks.", "Jamal Whitaker",
             "Board vote on signing.", 9),
)
# fmt: on


# Connect-Align-Produce ---------------------------------------------------------------------


class MembershipSeed(NamedTuple):
    organisation: str
    phases: str  # the path through the phases, oldest first
    designee: str | None
    brings: str
    gets: str
    moved: tuple[int, ...] = ()  # days ago of each move; spread when empty


# fmt: off
MEMBERSHIPS = (
    MembershipSeed("Riverside Tenants Union", "prospect > connect > align > produce",
                   "Marisol Vega", "Tenant leaders in every ward; the campaign's origin.",
                   "Allies with money, pulpits and votes."),
    MembershipSeed("Eastside Tenants Association", "prospect > connect > align > produce",
                   "Darnell Brooks", "300 members in the Eastside towers.",
                   "Legal support and a citywide voice."),
    MembershipSeed("Service Workers Union Local 512", "prospect > connect > align > produce",
                   "Priya Raman", "Political staff, a phone bank, a line to Rep. Ferrante.",
                   "Members who can afford to live where they work."),
    MembershipSeed("Bethel AME Church", "prospect > connect > align > produce",
                   "Rev. Samuel Whitfield", "A hall, a choir and moral authority.",
                   "A campaign its congregation can act in."),
    MembershipSeed("Northside Community Land Trust", "prospect > connect > align > produce",
                   "Benjamin Park", "A working model of permanent affordability.",
                   "Public land for the trust."),
    MembershipSeed("Riverside Legal Aid", "prospect > connect > align > produce", "Owen Kessler",
                   "Eviction defence and ordinance drafting.", "Clients organised before court."),
    MembershipSeed("Riverside Interfaith Council", "prospect > connect > align", "Mei Tanaka",
                   "Twenty congregations.", "A shared project across faiths."),
    MembershipSeed("St. Anne's Church", "prospect > connect > align", "Rev. Grace Okafor",
                   "The Mayor's own parish.", "A way to act on its social teaching."),
    MembershipSeed("Riverside Teachers Federation", "prospect > connect > align",
                   "Jamal Whitaker", "2,000 members and a strike fund's credibility.",
                   "Stable homes for students and teachers."),
    MembershipSeed("Maple Court Tenants' Committee", "prospect > connect > align",
                   "Keisha Grant", "The campaign's story, told by those who live it.",
                   "Protection from Crestline's evictions."),
    # Not linear: Local 88 stepped back to Connect after a leadership change.
    MembershipSeed("Hotel and Restaurant Workers Local 88",
                   "prospect > connect > align > connect", "Inés Morales",
                   "Hospitality workers on every shift.", "Housing near the hotels.",
                   moved=(480, 420, 250, 40)),
    MembershipSeed("Youth for Housing Justice", "prospect > connect", "Tomás Alvarez",
                   "Energy, design and social media.", "Training and a seat at the table."),
    MembershipSeed("Riverside Senior Advocates", "prospect > connect", "Ruth Abernathy",
                   "Voters who turn out.", "Protection for seniors on fixed incomes."),
    MembershipSeed("Disability Rights Riverside", "prospect > connect", "Dana Whitcombe",
                   "Accessibility expertise.", "Accessible units written into the ordinance."),
    MembershipSeed("Masjid al-Noor", "prospect", "Imam Yusuf Haddad",
                   "A community the coalition has not reached yet.", "Allies for its members."),
    MembershipSeed("Riverside Habitat Partners", "prospect", None,
                   "Building know-how.", "Land and permanent affordability."),
)
# fmt: on

STATEMENT_TITLE = "Riverside Homes for All: our unity statement"
STATEMENT_V1 = """\
Riverside is our home. Nurses, cooks, teachers and retirees are being priced out of the city \
they keep running.

We demand rent stabilisation so that no family faces an increase it cannot plan for.

We demand that every new development include homes that working families can afford.

We will act together until the Mayor signs."""
STATEMENT_V2 = """\
Riverside is our home. Nurses, cooks, teachers, students and retirees are being priced out of \
the city they keep running, and those who rent are the first to go.

We demand rent stabilisation so that no family faces an increase it cannot plan for, and a \
right to counsel for every tenant facing eviction.

We demand that every new development include 30% homes that working families can afford, and \
that city-owned land go to a public land trust.

We stand with every tenant, whatever their immigration status, age or disability.

Those most affected lead this campaign. We will act together until the Mayor signs."""

# fmt: off
# Feedback on version 1: paragraph (1-based), the commenter's organisation (None: a weaver).
FEEDBACK = (
    (2, "Riverside Tenants Union",
     "Rent stabilisation alone will not stop evictions: add a right to counsel."),
    (3, "Northside Community Land Trust",
     "Name a number. 'Homes families can afford' is what the developers say too."),
    (4, None,
     "Undocumented tenants are the most exposed; say we stand with them, without naming anyone."),
)
# Signatures on version 2: organisation, listed publicly, confirmed and withdrawn (days ago).
SIGNATURES = (
    ("Riverside Tenants Union", True, 205, None),
    ("Eastside Tenants Association", True, 204, None),
    ("Service Workers Union Local 512", True, 200, None),
    ("Bethel AME Church", True, 198, None),
    ("Northside Community Land Trust", True, 190, None),
    # Legal Aid is funded by the city and Maple Court fears Crestline: both asked not to be
    # listed on the public page.
    ("Riverside Legal Aid", False, 185, None),
    ("Maple Court Tenants' Committee", False, 150, None),
    ("St. Anne's Church", True, 140, None),
    ("Hotel and Restaurant Workers Local 88", True, 196, 42),
)

PRINCIPLES = (
    ("Housing is a home, not a commodity",
     "We judge every proposal by whether people can stay."),
    ("Those most affected lead",
     "Tenants facing eviction speak first and decide first."),
    ("No one is left behind",
     "Every tenant, whatever their status; we never trade one group's safety for another's."),
    ("Autonomy with accountability",
     "Members act in their own way and tell the network what they did."),
    ("Repair before we move on",
     "Conflict is named and worked through, face to face."),
)
# fmt: on


class GroupSeed(NamedTuple):
    name: str
    kind: str
    parent: str | None
    since: int  # days ago
    purpose: str
    leads: tuple[str, ...]
    members: tuple[str, ...]


# fmt: off
# Sensitive actors sit in no group: a group's roster is visible to every member of the
# coalition.
GROUPS = (
    GroupSeed("Neighbourhood Organising", GroupKind.WORKING_GROUP, None, 500,
              "Door-knocking, tenant meetings and the hubs.", ("Marisol Vega",),
              ("Darnell Brooks", "Riverside Tenants Union", "Eastside Tenants Association",
               "Riverside Mutual Aid Network", "Jamal Whitaker", "Inés Morales")),
    GroupSeed("Eastside Hub", GroupKind.HUB, "Neighbourhood Organising", 420,
              "The Eastside towers and the streets around Bethel.", ("Darnell Brooks",),
              ("Rev. Samuel Whitfield", "Bethel AME Church", "Eastside Tenants Association",
               "Ruth Abernathy")),
    GroupSeed("Northside Hub", GroupKind.HUB, "Neighbourhood Organising", 300,
              "The land trust's blocks and the mosque's neighbourhood.", ("Benjamin Park",),
              ("Northside Community Land Trust", "Imam Yusuf Haddad", "Dana Whitcombe")),
    GroupSeed("Policy and Research", GroupKind.WORKING_GROUP, None, 460,
              "Draft the ordinance; track filings and owners.", ("Owen Kessler", "Priya Raman"),
              ("Riverside Legal Aid", "Benjamin Park", "Dana Whitcombe",
               "Service Workers Union Local 512")),
    GroupSeed("Media and Storytelling", GroupKind.WORKING_GROUP, None, 330,
              "Rent stories, the exhibition, the press.", ("Tomás Alvarez",),
              ("Mei Tanaka", "Keisha Grant", "Riverside Artists' Collective",
               "Youth for Housing Justice")),
    GroupSeed("Tenants' Caucus", GroupKind.CAUCUS, None, 400,
              "Directly affected members set the campaign's demands.",
              ("Marisol Vega", "Keisha Grant"),
              ("Darnell Brooks", "Tomás Alvarez", "Riverside Tenants Union",
               "Eastside Tenants Association", "Maple Court Tenants' Committee")),
)
# fmt: on


# Actions and success ---------------------------------------------------------------------


class ActionSeed(NamedTuple):
    title: str
    days_ago: int
    is_convergence: bool
    place: str
    group: str | None
    leaders: tuple[str, ...]
    participants: tuple[str, ...]  # a convergence adds every member past Prospect
    planned: int
    actual: int
    outcome: str


# fmt: off
ACTIONS = (
    ActionSeed("Kitchen-table listening sessions", 520, False, "Members' homes",
               "Neighbourhood Organising", ("Marisol Vega", "Darnell Brooks"),
               ("Riverside Tenants Union", "Eastside Tenants Association", "Bethel AME Church",
                "Keisha Grant"), 60, 74,
               "74 tenants told their rent stories; three demands came out of them."),
    ActionSeed("Maple Court eviction blockade", 400, False, "Maple Court, Building C", None,
               ("Keisha Grant", "Owen Kessler"),
               ("Maple Court Tenants' Committee", "Riverside Tenants Union",
                "Eviction Defence Rapid Response", "Riverside Legal Aid",
                "Riverside Mutual Aid Network"), 40, 55,
               "Crestline's agents left; the court stayed twelve evictions."),
    ActionSeed("Faith leaders' vigil for housing", 330, False, "Steps of St. Anne's Church", None,
               ("Rev. Grace Okafor", "Rev. Samuel Whitfield", "Mei Tanaka"),
               ("St. Anne's Church", "Bethel AME Church", "Riverside Interfaith Council",
                "Congregation Beth Shalom", "Masjid al-Noor"), 150, 120,
               "Smaller than hoped, but St. Anne's parish council asked to join."),
    ActionSeed("Homes for All march", 270, True, "From Eastside to City Hall", None,
               ("Marisol Vega", "Priya Raman", "Tomás Alvarez"),
               ("Students for Fair Rent", "Riverside Artists' Collective"), 1500, 2200,
               "The largest housing march in Riverside in twenty years; front page of the "
               "Courier."),
    ActionSeed("Meeting with the Courier's editorial board", 220, False,
               "The Riverside Courier offices", "Media and Storytelling",
               ("Tomás Alvarez", "Owen Kessler"), ("Riverside Tenants Union", "Keisha Grant"),
               8, 8,
               "The board asked for the ordinance draft; an editorial followed three weeks "
               "later."),
    ActionSeed("Rent stories exhibition", 180, False, "Riverside Public Library",
               "Media and Storytelling", ("Tomás Alvarez", "Keisha Grant"),
               ("Riverside Artists' Collective", "Riverside Public Library",
                "Youth for Housing Justice", "Riverside Community College"), 300, 410,
               "410 visitors; 60 signed up for the tenants' caucus mailing."),
    ActionSeed("Testimony to the council housing committee", 130, False, "City Hall, Room 2",
               "Policy and Research", ("Owen Kessler", "Darnell Brooks", "Keisha Grant"),
               ("Riverside Legal Aid", "Northside Community Land Trust",
                "Riverside Senior Advocates", "Disability Rights Riverside"), 80, 95,
               "The committee voted 4-1 to send the ordinance to first reading."),
    ActionSeed("Eastside door-knocking weekend", 95, False, "Eastside towers", "Eastside Hub",
               ("Darnell Brooks", "Rev. Samuel Whitfield"),
               ("Eastside Tenants Association", "Bethel AME Church", "Ruth Abernathy",
                "Jamal Whitaker"), 50, 38,
               "1,140 doors, 412 conversations, 96 pledge cards; fewer volunteers than planned."),
    ActionSeed("Budget hearing pack-in", 60, True, "City Hall council chamber", None,
               ("Priya Raman", "Jamal Whitaker", "Marisol Vega"),
               ("Riverside Community College",), 600, 780,
               "The council added a right-to-counsel pilot to the budget."),
    ActionSeed("Accountability session with the Mayor", 20, False, "Bethel AME Church hall",
               None, ("Rev. Grace Okafor", "Marisol Vega", "Keisha Grant"),
               ("Bethel AME Church", "St. Anne's Church", "Riverside Tenants Union",
                "Eastside Tenants Association", "Service Workers Union Local 512"), 400, 460,
               "The Mayor committed in public to a hearing on the ordinance before the summer "
               "recess."),
)

# Title, days ago, the actions that won it, description.
WINS = (
    ("Twelve Maple Court evictions stayed", 395, ("Maple Court eviction blockade",),
     "The housing court stayed the evictions pending repairs."),
    ("Ordinance sent to first reading", 128,
     ("Testimony to the council housing committee", "Homes for All march"),
     "The housing committee voted 4-1."),
    ("Right-to-counsel pilot funded", 55, ("Budget hearing pack-in",),
     "Two years of eviction defence for tenants in the Eastside and Northside."),
    ("Mayor commits to a public hearing", 18,
     ("Accountability session with the Mayor", "Budget hearing pack-in"), ""),
)

# Title, days ago, direction, the actions behind it, description.
CLIMATE_SHIFTS = (
    ("Developers launch an ad campaign against rent control", 300,
     ClimateDirection.UNFAVOURABLE, (), "Full pages in the Courier for six weeks."),
    ("The Courier's editorial board backs rent stabilisation", 200, ClimateDirection.FAVOURABLE,
     ("Meeting with the Courier's editorial board", "Homes for All march"), ""),
    ("Building Trades Council drops its opposition", 110, ClimateDirection.MIXED,
     ("Testimony to the council housing committee",),
     "In exchange for a local-hire clause; the Chamber is now isolated."),
    ("The Mayor names housing the city's first priority", 15, ClimateDirection.FAVOURABLE,
     ("Accountability session with the Mayor",), ""),
)
# fmt: on

EVENTS = (
    "City council meeting",
    "Planning commission hearing",
    "Neighbourhood fair",
    "Housing forum at the community college",
    "Interfaith breakfast",
    "Union hall open day",
    "Library town hall on rents",
)


# The build ---------------------------------------------------------------------------------

TENANTS_UNION = "Riverside Tenants Union"  # the member user's organisation
MEMBER_PERSON = "Marisol Vega"  # the member user on the map: the union's designee

# The demo's signers are fictional (example.org) and their signatures stand confirmed: the
# confirmation emails that signature_request sends once the build commits go nowhere.
NO_MAIL = "django.core.mail.backends.dummy.EmailBackend"


class _Planned(NamedTuple):
    """An interaction to record, before it has a row."""

    kind: str
    days_ago: int
    summary: str
    names: set[str]  # the participants
    action: Action | None = None
    group: WorkingGroup | None = None


class _TieRow(NamedTuple):
    """A tie to declare, before it has a row."""

    source: str
    target: str
    kind: str
    strength: int | None
    started_on: datetime.date | None
    ended_on: datetime.date | None
    is_sensitive: bool = False
    description: str = ""


@dataclass(frozen=True)
class DemoResult:
    coalition: Coalition
    usernames: tuple[str, ...]
    password: str
    counts: dict[str, int]


def demo_password_set(*, password: str) -> int:
    """Give the demo users of the loaded demo coalition this password (a second `make run
    DEMO_PASSWORD=…`). Only the accounts that hold a role in the demo coalition, and only with
    DEBUG on. Returns how many accounts changed."""
    if not settings.DEBUG:
        raise ApplicationError("loaddemo runs only with DEBUG on.", code="demo_refused")
    if not password:
        raise ApplicationError("The demo users need a password.", field="password")
    users = (
        get_user_model()
        .objects.filter(
            username__in=DEMO_USERNAMES,
            coalition_roles__coalition__demo_key=DEMO_KEY,
            coalition_roles__revoked_at__isnull=True,
        )
        .distinct()
    )
    changed = 0
    with transaction.atomic():
        for user in users:
            user.set_password(password)
            user.save(update_fields=["password"])
            changed += 1
    return changed


def demo_load(*, password: str, today: datetime.date) -> DemoResult | None:
    """Build the demo coalition and its users, or return None if it is already loaded.

    Refused without DEBUG (the demo users have known passwords) and when a demo username is
    taken by someone else's account. Two runs at once cannot both build it: the second fails on
    the unique usernames or demo key, and its transaction rolls back whole.
    """
    if not settings.DEBUG:
        raise ApplicationError(
            "loaddemo runs only with DEBUG on: the demo users have known passwords and must "
            "never reach a production database.",
            code="demo_refused",
        )
    if not password:
        raise ApplicationError("The demo users need a password.", field="password")
    with override_settings(EMAIL_BACKEND=NO_MAIL), transaction.atomic():
        if Coalition.objects.filter(demo_key=DEMO_KEY).exists():
            return None
        taken = list(
            get_user_model()
            .objects.filter(username__in=DEMO_USERNAMES)
            .order_by("username")
            .values_list("username", flat=True)
        )
        if taken:
            raise ApplicationError(
                f"The demo coalition is not loaded, but user(s) {', '.join(taken)} already "
                "exist. loaddemo will not take over existing accounts; rename or remove them "
                "first.",
                code="demo_refused",
            )
        return _DemoBuilder(password=password, today=today).build()


def _path(steps: str) -> list[str]:
    """The steps of a path written oldest first, such as "neutral > passive_ally"."""
    return [step.strip() for step in steps.split(">")]


def _email_for(name: str) -> str:
    """marisol.vega@example.org: titles dropped, accents folded."""
    words = [w for w in name.split() if not w.endswith(".") and w not in ("Imam",)]
    folded = unicodedata.normalize("NFKD", ".".join(words)).encode("ascii", "ignore").decode()
    return f"{folded.lower()}@example.org"


def _contacts_of(seed: ActorSeed, number: int) -> list[tuple[str, str, str, bool]]:
    """A person's contact details: kind, value, label, primary."""
    if seed.sensitive:
        # People at risk leave no number or address: one way to reach them, through someone
        # they trust.
        return [(ContactKind.OTHER, REACH_AT_RISK[seed.name], "only channel", True)]
    return [
        (ContactKind.EMAIL, _email_for(seed.name), "work", True),
        (ContactKind.PHONE, f"+1 202 555 01{number:02d}", "mobile", False),
    ]


class _DemoBuilder:
    """Writes the demo through the services a user's pages and API requests call, as the demo
    user whose role would write each row, so that the demo is held to the rules users are."""

    def __init__(self, *, password: str, today: datetime.date):
        self.password = password
        self.today = today
        # The services check what is open or due against the real clock; the story counts
        # from ``today``, which is the real day when loaddemo runs (a test may name another).
        self.shift = timezone.localdate() - today
        self.rng = random.Random(RANDOM_SEED)  # noqa: S311 - demo content, not a secret
        self.actors: dict[str, Actor] = {}
        self.entered: dict[str, datetime.date] = {}  # the day each actor was put on the map
        self.access: dict[RoleName, Access] = {}
        self.past = TimeMachine(
            stamped=(
                Coalition,
                Actor,
                Membership,
                UnityStatement,
                StatementVersion,
                FeedbackComment,
                Signature,
                Principle,
                WorkingGroup,
                Action,
                Win,
                ClimateShift,
                Introduction,
                Proposal,
            )
        )

    # Dates ---------------------------------------------------------------------------------

    def ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def at(self, day: datetime.date, hour: int = 18) -> datetime.datetime:
        return datetime.datetime.combine(
            day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
        )

    def real(self, when):
        """A date or time of the story on the real clock, for a service that compares it with
        the present (the same, unless a test builds the demo for another day)."""
        return when + self.shift

    def happened(self, row, day: datetime.date, hour: int = 18) -> None:
        """In the story, the write just made to ``row`` happened on ``day`` (timemachine.py)."""
        self.past.happened(row, self.at(day, hour))

    def on_map(self, *names: str) -> datetime.date:
        """The day the last of these actors was put on the map."""
        return max(self.entered[name] for name in names)

    def spread(self, steps: int, *, first: int, last: int) -> list[int]:
        """Days ago of ``steps`` events from about ``first`` to about ``last`` days ago."""
        start = first - self.rng.randint(0, 30)
        if steps == 1:
            return [start]
        end = last + self.rng.randint(0, 20)
        return [round(start - (start - end) * i / (steps - 1)) for i in range(steps)]

    def recent_day(self) -> int:
        """Days ago of an interaction: the coalition grows, so recent months are busier."""
        return 1 + int((HISTORY_DAYS - 2) * self.rng.random() ** 1.4)

    # Who writes ------------------------------------------------------------------------------

    def writer(self, role: RoleName, *actors: Actor | None) -> Access:
        """The access of the demo user in ``role``; the organizer's instead when the row names
        a sensitive actor that the role may not see (a weaver is never offered one)."""
        access = self.access[role]
        if not access.sees_sensitive and any(a is not None and a.is_sensitive for a in actors):
            return self.access[RoleName.ORGANIZER]
        return access

    def voice_of(self, organisation: str) -> Access:
        """Who records a member organisation's voice: the member user for the tenants' union
        (its designee), the weaver for the others."""
        return self.access[RoleName.MEMBER if organisation == TENANTS_UNION else RoleName.WEAVER]

    # Build -----------------------------------------------------------------------------------

    def build(self) -> DemoResult:
        self.users = self.build_users()
        self.coalition = coalition_create(
            name=DEMO_NAME,
            created_by=self.users[RoleName.STEWARD],
            cause="Homes that the people who keep Riverside running can afford to live in.",
            social_change_goal="The Mayor signs the Homes for All ordinance: rent stabilisation, "
            "30% affordable homes in new developments and a public land trust; and affordable "
            "housing becomes a question no Riverside politician can dodge.",
            social_power_goal="Tenants leading in every ward, faith and labour tied to them by "
            "trust, and a network that outlasts this campaign.",
            phase=CoalitionPhase.PRODUCE,
            demo_key=DEMO_KEY,
        )
        self.happened(self.coalition, self.ago(HISTORY_DAYS + 14))
        self.grant_roles(RoleName.ORGANIZER, RoleName.WEAVER)  # they draw the map
        self.build_map()
        self.grant_roles(RoleName.MEMBER, RoleName.FUNDER)  # the member is someone on it
        self.build_skills()
        self.build_engagement_plans()
        self.build_memberships()
        self.build_statement()
        self.build_principles()
        self.build_groups()
        self.build_actions()
        self.build_interactions()
        self.build_success()
        build_workflow(self)  # introductions, commitments, proposals, health checks (#7)
        self.past.travel()
        self.build_metric_runs()
        # Laid out before anyone opens it: the first screen of Weft is this map (issue #18).
        layout_compute(coalition_id=self.coalition.pk, full=True)
        # Funder reports last: they are built from everything above (keep after metric runs).
        demo_reports_load(coalition=self.coalition, users=self.users, today=self.today)
        return DemoResult(
            coalition=self.coalition,
            usernames=DEMO_USERNAMES,
            password=self.password,
            counts=self.counts(),
        )

    def build_users(self) -> dict[RoleName, models.Model]:
        """Accounts are no coalition's data: written directly, as createsuperuser would."""
        User = get_user_model()
        # One hash for the five users: hashing is most of the build's time, and a salt of
        # their own would hide nothing, since they share a password that is printed anyway.
        password_hash = make_password(self.password)
        return {
            role: User.objects.create(
                username=role.value,
                email=f"{role.value}@example.org",
                password=password_hash,
                first_name="Demo",
                last_name=role.label,
            )
            for role in RoleName
        }

    def grant_roles(self, *roles: RoleName) -> None:
        steward = self.users[RoleName.STEWARD]
        for role in roles:
            member = role == RoleName.MEMBER
            role_grant(
                coalition=self.coalition,
                user=self.users[role],
                role=role,
                granted_by=steward,
                organisation=self.actors[TENANTS_UNION] if member else None,
                # The member user is Marisol Vega, the union's designee: she votes, answers the
                # health check and endorses for it.
                person=self.actors[MEMBER_PERSON] if member else None,
            )
            self.access[role] = access_for(self.users[role], self.coalition.pk)

    # The map -----------------------------------------------------------------------------------

    def build_map(self) -> None:
        organizer = self.access[RoleName.ORGANIZER]  # the organizer sees sensitive actors
        for seed in ACTORS:
            self.actors[seed.name] = actor_create(
                access=organizer,
                name=seed.name,
                kind=seed.kind,
                description=seed.description,
                tags=seed.tags,
                is_sensitive=seed.sensitive,
                is_directly_affected=seed.affected,
            )
        self.build_assessments()
        self.build_contacts()
        self.build_affiliations()
        self.build_ties()
        for name, is_primary, demand in TARGETS:
            target = target_create(
                coalition=self.coalition,
                actor=self.actors[name],
                created_by=organizer.user,
                demand=demand,
                is_primary=is_primary,
            )
            self.happened(target, self.on_map(name))
            if name == MAYOR:
                self.build_pillars(target, organizer.user)

    def build_pillars(self, target, user) -> None:
        """The Mayor's pillars of support, and how close some actors are to them: each on a
        day of the story (its actors on the map), the later moves spread towards today."""
        pillars = {}
        for name, sector, note in PILLARS:
            pillars[name] = pillar_create(
                target=target, actor=self.actors[name], sector=sector, note=note, created_by=user
            )
            self.happened(pillars[name], self.on_map(MAYOR, name))
        for name, pillar, values, note in PROXIMITIES:
            first = self.on_map(MAYOR, name, pillar)
            row = proximity_record(
                pillar=pillars[pillar],
                actor=self.actors[name],
                proximity=values[0],
                note=note,
                recorded_by=user,
            )
            self.happened(row, first)
            days = (self.today - first).days
            for i, value in enumerate(values[1:], start=1):
                row = proximity_update(
                    pillar_proximity=row,
                    expected_version=row.version,
                    updated_by=user,
                    proximity=value,
                )
                self.happened(row, first + datetime.timedelta(days=days * i // len(values)))

    def build_assessments(self) -> None:
        for seed in ACTORS:
            actor = self.actors[seed.name]
            stances = [Stance(step) for step in _path(seed.stances)]
            days = seed.moved or self.spread(len(stances), first=HISTORY_DAYS, last=30)
            # An actor is put on the map with its first assessment.
            self.entered[seed.name] = self.ago(days[0])
            self.happened(actor, self.entered[seed.name])
            latest = Stance.position(stances[-1])
            for i, (stance, days_ago) in enumerate(zip(stances, days, strict=True)):
                # Commitment follows the stance: an actor further from the cause was less
                # committed to it.
                commitment = seed.commitment - (latest - Stance.position(stance))
                is_latest = i == len(stances) - 1
                # The organizer and the weaver take turns.
                role = RoleName.ORGANIZER if i % 2 == 0 else RoleName.WEAVER
                assessment = assessment_add(
                    access=self.writer(role, actor),
                    actor=actor,
                    stance=stance,
                    ally_kind=seed.ally_kind,
                    influence=seed.influence,
                    proximity=seed.proximity,
                    commitment=min(5, max(1, commitment)),
                    assessed_on=self.ago(days_ago),
                    note=MOVE_NOTES.get(seed.name, "") if is_latest and i else "",
                )
                self.happened(assessment, assessment.assessed_on)

    def build_contacts(self) -> None:
        organizer = self.access[RoleName.ORGANIZER]
        people = [seed for seed in ACTORS if seed.kind == PERSON]
        for number, seed in enumerate(people):
            for kind, value, label, is_primary in _contacts_of(seed, number):
                detail = contact_detail_create(
                    access=organizer,
                    actor=self.actors[seed.name],
                    kind=kind,
                    value=value,
                    label=label,
                    is_primary=is_primary,
                )
                self.happened(detail, self.entered[seed.name])

    def build_affiliations(self) -> None:
        organizer = self.access[RoleName.ORGANIZER]
        for seed in AFFILIATIONS:
            affiliation = affiliation_create(
                access=organizer,
                person=self.actors[seed.person],
                organisation=self.actors[seed.organisation],
                role_title=seed.role_title,
                is_lead=seed.is_lead,
                started_on=self.ago(seed.since),
                ended_on=self.ago(seed.ended) if seed.ended is not None else None,
            )
            self.happened(affiliation, self.on_map(seed.person, seed.organisation))

    def build_ties(self) -> None:
        organizer = self.access[RoleName.ORGANIZER]
        for row in self.tie_rows():
            tie = tie_create(
                access=organizer,
                source=self.actors[row.source],
                target=self.actors[row.target],
                kind=row.kind,
                direction=DIRECTION_OF[row.kind],
                strength=row.strength,
                started_on=row.started_on,
                ended_on=row.ended_on,
                is_sensitive=row.is_sensitive,
                description=row.description,
            )
            # A tie goes on the map once both of its actors are on it.
            self.happened(tie, self.on_map(row.source, row.target))

    def tie_rows(self) -> list[_TieRow]:
        """The declared ties, a tie for each affiliation, then generated ones up to
        TIE_COUNT."""
        sensitive = {seed.name for seed in ACTORS if seed.sensitive}
        seeds = list(TIES)
        # A person's place in an organisation is also a tie on the map.
        seeds += [
            TieSeed(
                a.person,
                a.organisation,
                T.AFFILIATION,
                4 if a.is_lead else 3,
                a.role_title,
                since=a.since,
                ended=a.ended,
                sensitive=a.person in sensitive,
            )
            for a in AFFILIATIONS
        ]
        rows = [
            _TieRow(
                seed.source,
                seed.target,
                seed.kind,
                seed.strength,
                started_on=self.ago(
                    seed.since if seed.since is not None else self.rng.randint(200, 2000)
                ),
                ended_on=self.ago(seed.ended) if seed.ended is not None else None,
                is_sensitive=seed.sensitive,
                description=seed.description,
            )
            for seed in seeds
        ]
        seen = {(frozenset((s.source, s.target)), s.kind) for s in seeds}
        while len(rows) < TIE_COUNT:
            row = self.generated_tie(seen)
            if row is not None:
                rows.append(row)
        return rows

    def generated_tie(self, seen: set) -> _TieRow | None:
        """A tie between natural allies (or an ally and a strategic person), or None when the
        draw gives a pair and kind already tied (``seen``)."""
        natural = [
            seed.name
            for seed in ACTORS
            if seed.ally_kind == NAT and not seed.sensitive and seed.kind != OFFICIAL
        ]
        strategic_people = [
            seed.name for seed in ACTORS if seed.ally_kind == STRAT and seed.kind == PERSON
        ]
        kinds, weights = zip(*GENERATED_TIE_KINDS, strict=True)
        if self.rng.random() < 0.15:
            # Organizers talk to the other side too.
            source, target = self.rng.choice(natural), self.rng.choice(strategic_people)
            kind = T.COMMUNICATION
        else:
            source, target = self.rng.sample(natural, 2)
            kind = self.rng.choices(kinds, weights)[0]
        if (frozenset((source, target)), kind) in seen:
            return None
        seen.add((frozenset((source, target)), kind))
        since = self.rng.randint(30, 1400)
        ended = self.rng.randint(1, since - 1) if self.rng.random() < 0.1 else None
        strength = self.rng.choices((1, 2, 3, 4, 5), (1, 3, 4, 3, 1))[0]
        undated = self.rng.random() < 0.08
        # A quarter were never given a strength: it comes from the evidence alone.
        strength = strength if self.rng.random() < 0.75 else None
        if undated:
            return _TieRow(source, target, kind, strength, started_on=None, ended_on=None)
        return _TieRow(
            source,
            target,
            kind,
            strength,
            started_on=self.ago(since),
            ended_on=self.ago(ended) if ended is not None else None,
        )

    # Skills and engagement -------------------------------------------------------------------

    def build_skills(self) -> None:
        weaver = self.access[RoleName.WEAVER]
        skills = {
            name: skill_create(access=weaver, name=name, description=description)
            for name, description in SKILLS
        }
        for skill in skills.values():  # named before the first level is observed (500+ days)
            self.happened(skill, self.ago(HISTORY_DAYS - 10))
        for person, skill, levels in SKILL_GROWTH:
            actor = self.actors[person]
            days = self.spread(len(levels), first=500, last=20)
            for level, days_ago in zip(levels, days, strict=True):
                observation = skill_level_add(
                    access=self.writer(RoleName.WEAVER, actor),
                    actor=actor,
                    skill=skills[skill],
                    level=level,
                    assessed_on=self.ago(days_ago),
                )
                self.happened(observation, observation.assessed_on)

    def build_engagement_plans(self) -> None:
        owners = (RoleName.ORGANIZER, RoleName.WEAVER)
        for i, plan in enumerate(ENGAGEMENT_PLANS):
            owner = owners[i % 2]  # each owner writes their own plan
            actor = self.actors[plan.actor]
            messenger = self.actors[plan.messenger] if plan.messenger else None
            written = engagement_plan_create(
                access=self.writer(owner, actor, messenger),
                actor=actor,
                ask=plan.ask,
                frame=plan.frame,
                messenger=messenger,
                owner=self.users[owner],
                next_step=plan.next_step,
                next_step_on=self.today + datetime.timedelta(days=plan.due_in),
            )
            # Written a few weeks before its next step falls due (never after today).
            self.happened(written, self.ago(max(1, 21 - plan.due_in + i)))

    # Connect-Align-Produce -------------------------------------------------------------------

    def build_memberships(self) -> None:
        moves = []
        for seed in MEMBERSHIPS:
            phases = [MemberPhase(step) for step in _path(seed.phases)]
            if seed.moved:
                days = list(seed.moved)
            elif len(phases) == 1:
                days = [self.rng.randint(30, 120)]
            else:
                days = self.spread(len(phases), first=520, last=40)
            membership = None
            for phase, days_ago in zip(phases, days, strict=True):
                membership = self.move_member(seed, membership, phase, self.ago(days_ago))
                self.happened(membership, self.ago(days_ago), hour=11)
            # The time machine: each move was made on its day of the story, not today.
            for move, days_ago in zip(membership.moves.order_by("pk"), days, strict=True):
                move.moved_at = self.at(self.ago(days_ago), hour=11)
                moves.append(move)
                self.past.happened(move, move.moved_at)  # its history record, too
        PhaseMove.objects.bulk_update(moves, ["moved_at"])
        # The moves' history records keep the row as written: the story's time there too.
        for move in moves:
            PhaseMove.history.filter(id=move.pk).update(moved_at=move.moved_at)

    def move_member(self, seed: MembershipSeed, membership, phase: str, day: datetime.date):
        """The pipeline board's writes: a membership created in its first phase, then moved
        to the next (a phase move each). It joined on the day it left Prospect."""
        weaver = self.users[RoleName.WEAVER]
        changes = {"phase": phase}
        if phase != MemberPhase.PROSPECT and (membership is None or membership.joined_on is None):
            changes["joined_on"] = day
        if membership is None:
            return membership_create(
                coalition=self.coalition,
                created_by=weaver,
                organisation=self.actors[seed.organisation],
                designee=self.actors[seed.designee] if seed.designee else None,
                brings=seed.brings,
                gets=seed.gets,
                **changes,
            )
        return membership_update(
            membership=membership, expected_version=ANY_VERSION, updated_by=weaver, **changes
        )

    def build_statement(self) -> None:
        weaver = self.users[RoleName.WEAVER]
        statement = statement_create(
            coalition=self.coalition, title=STATEMENT_TITLE, created_by=weaver, body=STATEMENT_V1
        )
        self.happened(statement, self.ago(255))
        self.happened(statement.versions.get(), self.ago(255))
        self.collect_feedback(statement)
        second = statement_version_add(statement=statement, body=STATEMENT_V2, created_by=weaver)
        self.happened(statement, self.ago(215))
        self.happened(second, self.ago(215))
        statement_update(
            statement=statement,
            expected_version=ANY_VERSION,
            updated_by=weaver,
            status=StatementStatus.PUBLISHED,
        )
        published_at = self.at(self.ago(210), hour=10)
        self.past.happened(statement, published_at)
        self.past.happened(second, published_at)
        # The time machine: version 2 was published on its day of the story.
        StatementVersion.objects.filter(pk=second.pk).update(published_at=published_at)
        self.collect_signatures(second)

    def collect_feedback(self, statement: UnityStatement) -> None:
        # A round takes comments only while it is open: it is opened now, commented on, and
        # then the time machine puts it where the story has it.
        feedback = feedback_round_open(
            statement=statement,
            closes_at=timezone.now() + datetime.timedelta(days=1),
            opened_by=self.users[RoleName.WEAVER],
        )
        self.happened(statement, self.ago(250))  # open for feedback
        for i, (paragraph, organisation, body) in enumerate(FEEDBACK):
            # The member user speaks for the tenants' union; the others came in by email and
            # were entered by the weaver.
            comment = feedback_comment_add(
                access=self.voice_of(organisation),
                round=feedback,
                paragraph=paragraph,
                body=body,
                organisation=self.actors[organisation] if organisation else None,
            )
            self.happened(comment, self.ago(245 - 4 * i))
        FeedbackRound.objects.filter(pk=feedback.pk).update(
            opened_at=self.at(self.ago(250), hour=9), closes_at=self.at(self.ago(229), hour=23)
        )

    def collect_signatures(self, version: StatementVersion) -> None:
        designees = {seed.organisation: seed.designee for seed in MEMBERSHIPS}
        titles = {(a.person, a.organisation): a.role_title for a in AFFILIATIONS}
        signatures = []
        for organisation, show_publicly, confirmed, withdrawn in SIGNATURES:
            signer = designees[organisation]
            signature = signature_request(
                version=version,
                organisation_name=organisation,
                signer_name=signer,
                signer_email=_email_for(signer),
                signer_title=titles.get((signer, organisation), ""),
                show_publicly=show_publicly,
            )
            # Signers confirm (and withdraw) by the link emailed to them, which the service
            # does not hand back: the demo writes when they followed it.
            signature.confirmed_at = self.at(self.ago(confirmed), hour=20)
            signature.withdrawn_at = self.at(self.ago(withdrawn), hour=9) if withdrawn else None
            signatures.append(signature)
            self.happened(signature, self.ago(confirmed + 1))
        Signature.objects.bulk_update(signatures, ["confirmed_at", "withdrawn_at"])

    def build_principles(self) -> None:
        endorsers = [
            seed.organisation
            for seed in MEMBERSHIPS
            if _path(seed.phases)[-1] in (MemberPhase.ALIGN, MemberPhase.PRODUCE)
        ]
        endorsements = []
        for position, (title, text) in enumerate(PRINCIPLES, start=1):
            principle = principle_create(
                coalition=self.coalition,
                title=title,
                text=text,
                position=position,
                created_by=self.users[RoleName.WEAVER],
            )
            self.happened(principle, self.ago(240))
            for organisation in self.rng.sample(endorsers, self.rng.randint(5, len(endorsers))):
                endorsement = endorsement_add(
                    access=self.voice_of(organisation),
                    principle=principle,
                    organisation=self.actors[organisation],
                )
                # The time machine: endorsed on its day of the story.
                endorsement.endorsed_at = self.at(self.ago(self.rng.randint(60, 230)), hour=19)
                endorsements.append(endorsement)
                self.past.happened(endorsement, endorsement.endorsed_at)
        Endorsement.objects.bulk_update(endorsements, ["endorsed_at"])

    def build_groups(self) -> None:
        weaver = self.users[RoleName.WEAVER]
        self.groups: dict[str, WorkingGroup] = {}
        for seed in GROUPS:
            group = working_group_create(
                coalition=self.coalition,
                created_by=weaver,
                name=seed.name,
                kind=seed.kind,
                parent=self.groups[seed.parent] if seed.parent else None,
                purpose=seed.purpose,
            )
            self.groups[seed.name] = group
            self.happened(group, self.ago(seed.since))
            for name in seed.leads + seed.members:
                seat = group_seat_add(
                    group=group,
                    actor=self.actors[name],
                    added_by=weaver,
                    is_lead=name in seed.leads,
                    joined_on=self.ago(seed.since - self.rng.randint(0, 60)),
                )
                self.happened(seat, seat.joined_on)

    # Actions, interactions and success -------------------------------------------------------

    def build_actions(self) -> None:
        # A moment of convergence: the whole network acts together.
        network = {
            seed.organisation
            for seed in MEMBERSHIPS
            if _path(seed.phases) != [MemberPhase.PROSPECT]
        }
        self.actions: dict[str, Action] = {}
        self.turnout: dict[str, list[str]] = {}  # who took part, for the interactions
        for seed in ACTIONS:
            participants = set(seed.participants) | (network if seed.is_convergence else set())
            action = action_create(
                coalition=self.coalition,
                created_by=self.users[RoleName.WEAVER],
                title=seed.title,
                starts_on=self.ago(seed.days_ago),
                leaders=[self.actors[name] for name in seed.leaders],
                participants=[self.actors[name] for name in sorted(participants)],
                is_convergence=seed.is_convergence,
                place=seed.place,
                working_group=self.groups[seed.group] if seed.group else None,
                planned_turnout=seed.planned,
                actual_turnout=seed.actual,
                outcome=seed.outcome,
            )
            self.actions[seed.title] = action
            self.turnout[seed.title] = sorted(participants | set(seed.leaders))
            # Actions are put on the map when they are planned, about a month ahead.
            self.happened(action, self.ago(seed.days_ago + 30))

    def build_interactions(self) -> None:
        """Evidence of relationships: one-to-ones, messages, group sessions, events attended
        together and joint actions, over the eighteen months before today."""
        organizer = self.access[RoleName.ORGANIZER]  # sensitive people take part in some
        planned = self.planned_conversations()
        planned += self.planned_sessions()
        planned += self.planned_joint_actions()
        for kind, days_ago, summary, names, action, group in planned:
            interaction = interaction_create(
                access=organizer,
                kind=kind,
                occurred_on=self.ago(days_ago),
                participants=[self.actors[name] for name in sorted(names)],
                summary=summary,
                action=action,
                working_group=group,
            )
            self.happened(interaction, interaction.occurred_on)

    def planned_conversations(self) -> list[_Planned]:
        """One-to-ones, calls and events attended together."""
        people = [
            seed.name
            for seed in ACTORS
            if seed.kind == PERSON and seed.ally_kind == NAT and not seed.sensitive
        ]
        reachable = [seed.name for seed in ACTORS if not seed.sensitive]
        allies = [
            seed.name
            for seed in ACTORS
            if seed.ally_kind == NAT and not seed.sensitive and seed.kind != OFFICIAL
        ]
        one, call, event = (
            InteractionKind.ONE_TO_ONE,
            InteractionKind.COMMUNICATION,
            InteractionKind.CO_ATTENDED_EVENT,
        )
        first = {"Marisol Vega", "Rev. Grace Okafor"}
        circle = {"Lucia Ferreira", "Undocumented Tenants Circle", "Riverside Legal Aid"}
        planned = [
            _Planned(one, HISTORY_DAYS, "First one-to-one: why housing, why now", first),
            _Planned(one, 290, "Eviction filings, by landlord", {SOURCE, "Owen Kessler"}),
            _Planned(call, 120, "Tenant hotline cases from the circle", circle),
        ]
        for _ in range(90):
            pair = set(self.rng.sample(people, 2))
            planned.append(_Planned(one, self.recent_day(), "Relational meeting", pair))
        for _ in range(55):
            talkers = set(self.rng.sample(allies, self.rng.randint(2, 4)))
            planned.append(_Planned(call, self.recent_day(), "Campaign call", talkers))
        for _ in range(20):
            summary = self.rng.choice(EVENTS)
            present = set(self.rng.sample(reachable, self.rng.randint(4, 10)))
            planned.append(_Planned(event, self.recent_day(), summary, present))
        return planned

    def planned_sessions(self) -> list[_Planned]:
        """Each working group meets every three to five weeks since it started."""
        planned = []
        for seed in GROUPS:
            group = self.groups[seed.name]
            days_ago = seed.since - self.rng.randint(0, 14)
            while days_ago > 0:
                present = set(seed.leads) | set(
                    self.rng.sample(seed.members, self.rng.randint(2, len(seed.members)))
                )
                summary = f"{seed.name} session"
                kind = InteractionKind.WORKING_GROUP_SESSION
                planned.append(_Planned(kind, days_ago, summary, present, group=group))
                days_ago -= self.rng.randint(18, 35)
        return planned

    def planned_joint_actions(self) -> list[_Planned]:
        planned = []
        for seed in ACTIONS:
            action = self.actions[seed.title]
            crowd = self.turnout[seed.title]
            # A convergence comes in waves (feeder marches, a second shift).
            for _ in range(2 if seed.is_convergence else 1):
                present = set(seed.leaders) | set(
                    self.rng.sample(crowd, min(len(crowd), self.rng.randint(3, 8)))
                )
                planned.append(
                    _Planned(
                        InteractionKind.JOINT_ACTION,
                        seed.days_ago,
                        seed.title,
                        present,
                        action=action,
                        group=action.working_group,
                    )
                )
        return planned

    def build_success(self) -> None:
        weaver = self.access[RoleName.WEAVER]
        linked = {
            "coalition": self.coalition,
            "created_by": weaver.user,
            "visible_actions": visible_actions(weaver),
        }
        for title, days_ago, actions, description in WINS:
            win = win_create(
                **linked,
                title=title,
                won_on=self.ago(days_ago),
                description=description,
                actions=[self.actions[a] for a in actions],
            )
            self.happened(win, win.won_on)
        for title, days_ago, direction, actions, description in CLIMATE_SHIFTS:
            shift = climate_shift_create(
                **linked,
                title=title,
                recorded_on=self.ago(days_ago),
                direction=direction,
                description=description,
                actions=[self.actions[a] for a in actions],
            )
            self.happened(shift, shift.recorded_on)

    def build_metric_runs(self) -> None:
        """A metric run at the end of each of the last three quarters and today, as the nightly
        runs would have left them: the dashboard's trends and the funder report's periods."""
        for days_ago in (273, 182, 91, 0):
            run, _ = metric_run_request(
                coalition_id=self.coalition.pk,
                trigger="nightly",
                on=self.ago(days_ago),
                queue=False,
            )
            metric_run_execute(run_id=run.pk)

    def counts(self) -> dict[str, int]:
        coalition = self.coalition
        return {
            "actors": coalition.actors.count(),
            "ties": coalition.ties.count(),
            "interactions": coalition.interactions.count(),
            "assessments": AllyAssessment.objects.filter(actor__coalition=coalition).count(),
            "members": coalition.memberships.count(),
            "groups": coalition.groups.count(),
            "actions": coalition.actions.count(),
            "wins": coalition.wins.count(),
        }
