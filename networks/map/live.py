"""The live map (issue #22): what changed on a coalition's map since a viewer last asked.

An open map polls ``GET …/map/changes/?since=<cursor>`` every few seconds. The cursor says
when the viewer last heard (server time) and which map it had (the map's validator,
``map_version``: one cheap query); when the map did not change the answer is a 304 with no
body, so an idle map costs one query and one Redis round trip per poll, and no worker waits
on anyone. Who else has the map open travels in a header of every answer, 304 or not: were
it part of the 304's condition, each arrival or departure would send every open map a 200,
and on a slow server (polls late, presence running out) nearly every poll would be one.

Otherwise the answer is the actors and ties that changed, read from the history rows every
write leaves (simple_history: who and when) and then as the map payload shapes them, through
the same role scoping and filters (``payload._node_rows`` / ``_tie_edges``): a member never
gets a sensitive actor or tie, nor a sign of one. What the viewer may no longer see (deleted,
made sensitive, filtered out) comes as removed ids, and only ids the viewer could have seen.

History rows are stamped when the row is saved, before its transaction commits: a write that
commits just after a poll carries a time before that poll's cursor. Each poll therefore
reads back ``OVERLAP`` before its cursor; applying a change twice is harmless (it is the
row's state now), and the page marks a change once per history row.
"""

import datetime
import re
from dataclasses import dataclass
from urllib.parse import quote

from allies.models import Actor, AllyAssessment
from coalitions.roles import Access
from networks.map.filters import MapFilters
from networks.map.payload import _node_rows, _tie_edges
from networks.models import ActorPosition, Tie

# How far back each poll reads before its cursor: longer than any map write's transaction.
OVERLAP = datetime.timedelta(seconds=10)
# A cursor older than this (a laptop asleep, a tab hidden for long) asks for a reload: the
# history since then may be long, and the page is better off fetching the map whole.
MAX_AGE = datetime.timedelta(minutes=10)

CURSOR = re.compile(r"^(?P<at>\d{1,20})-(?P<map>[0-9a-f]{0,64})$")


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Cursor:
    """Where a viewer is: when it last heard (microseconds since the epoch, server time) and
    the map version it had ("" when the filters have none)."""

    at: datetime.datetime
    map: str

    def __str__(self) -> str:
        micros = int(self.at.timestamp() * 1_000_000)
        return f"{micros}-{self.map}"

    @classmethod
    def parse(cls, text: str) -> "Cursor":
        found = CURSOR.match(text or "")
        if not found:
            raise BadCursor("since: not a cursor this map gave out.")
        try:
            at = datetime.datetime.fromtimestamp(int(found["at"]) / 1_000_000, tz=datetime.UTC)
        except (OverflowError, OSError, ValueError) as error:
            raise BadCursor("since: not a cursor this map gave out.") from error
        return cls(at=at, map=found["map"])


def present_header(present: list[str] | None) -> str:
    """Who else has the map open, for a header: usernames percent-encoded and joined by
    commas; "" for nobody, "?" when unknown (Redis away)."""
    if present is None:
        return "?"
    return ",".join(quote(name, safe="") for name in present)


def map_changes(access: Access, filters: MapFilters, since: datetime.datetime) -> dict:
    """The actors and ties changed since ``since`` (minus ``OVERLAP``), as this role sees
    them with these filters: current rows in the map payload's shape, each with who changed
    it last and when (``changed_by``, ``changed_at``, ``change``: the history row's id, so the
    page marks each change once), and the ids that left the viewer's map."""
    start = since - OVERLAP
    coalition = access.coalition
    who: dict[tuple[str, int], tuple] = {}

    def note(kind: str, rows) -> None:
        # The latest history row of each item in the window says who changed it.
        for item, history_id, when, user in rows:
            known = who.get((kind, item))
            if known is None or (when, history_id) > (known[1], known[0]):
                who[(kind, item)] = (history_id, when, user)

    actor_rows = list(
        Actor.history.filter(coalition=coalition, history_date__gte=start).values_list(
            "id", "history_id", "history_date", "history_user__username"
        )
    )
    note("actor", actor_rows)
    note(
        "actor",
        AllyAssessment.history.filter(
            history_date__gte=start, actor__coalition=coalition
        ).values_list("actor_id", "history_id", "history_date", "history_user__username"),
    )
    note(
        "actor",
        ActorPosition.history.filter(
            history_date__gte=start, actor__coalition=coalition
        ).values_list("actor_id", "history_id", "history_date", "history_user__username"),
    )
    # Layout runs write positions in bulk, without history: moved by nobody in particular.
    for actor_id, when in ActorPosition.objects.filter(
        actor__coalition=coalition, updated_at__gte=start
    ).values_list("actor_id", "updated_at"):
        who.setdefault(("actor", actor_id), (0, when, None))
    note(
        "tie",
        Tie.history.filter(coalition=coalition, history_date__gte=start).values_list(
            "id", "history_id", "history_date", "history_user__username"
        ),
    )
    actor_ids = {item for kind, item in who if kind == "actor"}
    tie_ids = {item for kind, item in who if kind == "tie"}
    nodes = _node_rows(access, filters, only=actor_ids) if actor_ids else []
    edges = _tie_edges(access, filters, only=tie_ids) if tie_ids else []
    gone_actors = actor_ids - {node["id"] for node in nodes}
    gone_ties = tie_ids - {edge["id"] for edge in edges}
    if not access.sees_sensitive:
        gone_actors, gone_ties = _ever_visible(gone_actors, gone_ties)

    def stamp(kind: str, item: int) -> dict:
        history_id, when, user = who[(kind, item)]
        return {
            "change": f"{kind[0]}{item}:{history_id}:{when.timestamp():.6f}",
            "changed_by": user,
            "changed_at": when,
        }

    return {
        "actors": [{**node, **stamp("actor", node["id"])} for node in nodes],
        "ties": [
            {
                **edge,
                "inferred": False,
                "relationship_strength": None,
                "interaction_count": None,
                **stamp("tie", edge["id"]),
            }
            for edge in edges
        ],
        "removed_actors": [{"id": a, **stamp("actor", a)} for a in sorted(gone_actors)],
        "removed_ties": [{"id": t, **stamp("tie", t)} for t in sorted(gone_ties)],
    }


def _ever_visible(actor_ids: set[int], tie_ids: set[int]) -> tuple[set[int], set[int]]:
    """Of the ids that left the map, those a role without sensitive access could ever have
    seen: an actor that was once not sensitive, a tie once not sensitive between two such
    actors. Anything else was never on that viewer's map, and its id is not theirs to learn."""
    ties = list(
        Tie.history.filter(id__in=tie_ids, is_sensitive=False)
        .values_list("id", "source_id", "target_id")
        .distinct()
    )
    ends = {end for _, source, target in ties for end in (source, target)}
    once_shown = set(
        Actor.history.filter(id__in=actor_ids | ends, is_sensitive=False)
        .values_list("id", flat=True)
        .distinct()
    )
    return (
        actor_ids & once_shown,
        {tie for tie, source, target in ties if source in once_shown and target in once_shown},
    )
