"""What an import would do, decided without the database: the file's rows matched against a
snapshot of the coalition (its actors, ties and interactions as plain values) into actors to
create or update, suggested duplicates, ties to create or update, and every problem.

Matching, in order: the row's ID against an actor's external key (or the ``weft-<id>`` a Weft
export writes for actors without one); then, for rows without an ID only, the normalised label.
A re-imported file therefore updates what it created. Names that are close but not equal are
suggested duplicates, created as new actors unless the user chooses to merge them."""

import re
from dataclasses import dataclass, field

from networks.transfer.names import DEFAULT_THRESHOLD, NameIndex, match_within, normalise_name
from networks.transfer.parsed import ActorRow, InteractionRow, ParsedMap, Problem, TieRow

WEFT_ID = re.compile(r"^weft-(\d+)$")
CREATE, UPDATE, MERGE = "create", "update", "merge"


def weft_id(actor_id: int) -> str:
    return f"weft-{actor_id}"


@dataclass(frozen=True)
class ExistingActor:
    id: int
    name: str
    external_key: str = ""


@dataclass
class Snapshot:
    """The coalition as the importing user may see it."""

    actors: list[ExistingActor] = field(default_factory=list)
    # External keys of actors the user may not see: reusing one is refused without saying more.
    hidden_keys: set[str] = field(default_factory=set)
    # (source id, target id, kind) → tie id
    ties: dict[tuple[int, int, str], int] = field(default_factory=dict)
    # (kind, occurred_on ISO, summary, sorted participant ids)
    interactions: set[tuple] = field(default_factory=set)


@dataclass
class ActorAction:
    row: ActorRow
    action: str  # create | update
    actor_id: int | None = None
    matched_by: str = ""  # id | key | label | merge
    merged_into: int | None = None  # index of the row this one was folded into (within a file)


@dataclass
class TieAction:
    row: TieRow
    # An end is ("row", index into actor actions) or ("actor", existing actor id).
    source: tuple[str, int]
    target: tuple[str, int]
    action: str
    tie_id: int | None = None


@dataclass
class InteractionAction:
    row: InteractionRow
    participants: list[tuple[str, int]]


@dataclass
class Plan:
    actors: list[ActorAction] = field(default_factory=list)
    ties: list[TieAction] = field(default_factory=list)
    interactions: list[InteractionAction] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def summary(self) -> dict:
        live = [a for a in self.actors if a.merged_into is None]
        return {
            "actors_created": sum(a.action == CREATE for a in live),
            "actors_updated": sum(a.action == UPDATE for a in live),
            "ties_created": sum(t.action == CREATE for t in self.ties),
            "ties_updated": sum(t.action == UPDATE for t in self.ties),
            "interactions_created": len(self.interactions),
            "duplicates": self.duplicates,
            "errors": [p.as_dict() for p in self.problems],
            "warnings": [p.as_dict() for p in self.warnings],
        }


def row_key(row) -> str:
    return f"{row.sheet}:{row.row}"


@dataclass
class _Existing:
    """The snapshot's actors, as a file names them: by ID (external key, or the ``weft-<id>``
    of a Weft export), by normalised name, or by a name close to theirs."""

    by_key: dict[str, ExistingActor]
    by_id: dict[int, ExistingActor]
    by_name: dict[str, ExistingActor]
    index: NameIndex

    @classmethod
    def of(cls, snapshot: Snapshot) -> "_Existing":
        by_name: dict[str, ExistingActor] = {}
        index = NameIndex()
        for actor in snapshot.actors:
            name = normalise_name(actor.name)
            by_name.setdefault(name, actor)
            index.add(actor.id, name)
        return cls(
            by_key={a.external_key: a for a in snapshot.actors if a.external_key},
            by_id={a.id: a for a in snapshot.actors},
            by_name=by_name,
            index=index,
        )

    def for_key(self, key: str) -> ExistingActor | None:
        if key in self.by_key:
            return self.by_key[key]
        found = WEFT_ID.match(key)
        if found and int(found.group(1)) in self.by_id:
            candidate = self.by_id[int(found.group(1))]
            return None if candidate.external_key else candidate
        return None


def build_plan(
    parsed: ParsedMap,
    snapshot: Snapshot,
    *,
    decisions: dict[str, str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> Plan:
    """``decisions`` maps a duplicate's ``key`` (sheet:row of the incoming row) to ``merge`` or
    ``create``; a suggested duplicate without a decision is created."""
    decisions = decisions or {}
    plan = Plan(problems=list(parsed.problems), warnings=list(parsed.warnings))
    existing = _Existing.of(snapshot)
    names = [normalise_name(row.label) for row in parsed.actors]
    claimed: dict[int, int] = {}  # existing actor id → the action index that updates it
    for i, row in enumerate(parsed.actors):
        action = _match_actor(plan, row, names[i], snapshot, existing)
        if action.action == CREATE:
            _suggest_existing_duplicate(plan, action, names[i], existing, decisions, threshold)
        if action.actor_id is not None:
            if action.actor_id in claimed:
                first = parsed.actors[claimed[action.actor_id]]
                plan.problems.append(
                    Problem(
                        row.sheet,
                        row.row,
                        "Label",
                        f"this row and row {first.row} both match the same actor "
                        f"({existing.by_id[action.actor_id].name!r})",
                    )
                )
            claimed[action.actor_id] = i
        plan.actors.append(action)
    _suggest_duplicates_within(plan, names, decisions, threshold)
    ends = _Ends(plan, existing, names)
    _plan_ties(plan, parsed, snapshot, ends)
    _plan_interactions(plan, parsed, snapshot, ends)
    return plan


def _match_actor(
    plan: Plan, row: ActorRow, name: str, snapshot: Snapshot, existing: _Existing
) -> ActorAction:
    """An update of the actor the row's ID names or, for a row without an ID, of the actor with
    its name; else a creation. The ID of an actor the user may not see is a problem."""
    action = ActorAction(row=row, action=CREATE)
    if row.key and row.key in snapshot.hidden_keys:
        plan.problems.append(
            Problem(row.sheet, row.row, "ID", f"the ID {row.key!r} is already in use")
        )
    elif row.key:
        found = existing.for_key(row.key)
        if found is not None:
            action.action, action.actor_id, action.matched_by = UPDATE, found.id, "id"
    elif name in existing.by_name:
        found = existing.by_name[name]
        action.action, action.actor_id, action.matched_by = UPDATE, found.id, "label"
    return action


def _suggest_existing_duplicate(
    plan: Plan,
    action: ActorAction,
    name: str,
    existing: _Existing,
    decisions: dict[str, str],
    threshold: float,
) -> None:
    """A new row named like an actor of the map is a suggested duplicate of the closest one,
    and updates it instead when the user chose to merge them."""
    best = existing.index.search(name, threshold=threshold)
    if not best:
        return
    other, score = best[0]
    row = action.row
    key = row_key(row)
    plan.duplicates.append(
        {
            "key": key,
            "sheet": row.sheet,
            "row": row.row,
            "label": row.label,
            "existing_actor": other,
            "existing_label": existing.by_id[other].name,
            "score": score,
            "choice": MERGE if decisions.get(key) == MERGE else CREATE,
        }
    )
    if decisions.get(key) == MERGE:
        action.action, action.actor_id, action.matched_by = UPDATE, other, MERGE


def _suggest_duplicates_within(
    plan: Plan, names: list[str], decisions: dict[str, str], threshold: float
) -> None:
    """Within the file: new rows that look like each other; the later one is folded into the
    earlier when the user chose to merge them."""
    new_names = {i: names[i] for i, a in enumerate(plan.actors) if a.action == CREATE}
    suggested = {d["key"] for d in plan.duplicates}
    for match in match_within(new_names, threshold=threshold):
        first, second = plan.actors[match.left], plan.actors[match.right]
        key = row_key(second.row)
        if key in suggested:
            continue
        suggested.add(key)
        choice = MERGE if decisions.get(key) == MERGE else CREATE
        plan.duplicates.append(
            {
                "key": key,
                "sheet": second.row.sheet,
                "row": second.row.row,
                "label": second.row.label,
                "file_row": first.row.row,
                "file_label": first.row.label,
                "score": match.score,
                "choice": choice,
            }
        )
        if choice == MERGE and first.merged_into is None:
            second.merged_into = match.left


class _Ends:
    """The actor a connection or interaction names: a row of the file (by ID, label or
    normalised label; a row merged into another stands for that one), else an actor of the
    map (by ID or normalised name)."""

    def __init__(self, plan: Plan, existing: _Existing, names: list[str]):
        self.plan = plan
        self.existing = existing
        self.keys: dict[str, int] = {}
        self.labels: dict[str, int] = {}
        self.normalised: dict[str, int] = {}
        for i, action in enumerate(plan.actors):
            row = action.row
            if row.key:
                self.keys.setdefault(row.key, i)
            self.labels.setdefault(row.label, i)
            self.normalised.setdefault(names[i], i)

    def find(self, ref: str) -> tuple[str, int] | None:
        """("row", index of the row's action) or ("actor", id); None when nothing matches."""
        if not ref:
            return None
        i = self.keys.get(ref)
        if i is None:
            found = self.existing.for_key(ref)
            if found is not None:
                return ("actor", found.id)
            i = self.labels.get(ref)
        if i is None:
            i = self.normalised.get(normalise_name(ref))
        if i is not None:
            return self._row_end(i)
        found = self.existing.by_name.get(normalise_name(ref))
        return ("actor", found.id) if found is not None else None

    def _row_end(self, i: int) -> tuple[str, int]:
        action = self.plan.actors[i]
        while action.merged_into is not None:
            i = action.merged_into
            action = self.plan.actors[i]
        if action.actor_id is not None:
            return ("actor", action.actor_id)
        return ("row", i)


def _plan_ties(plan: Plan, parsed: ParsedMap, snapshot: Snapshot, ends: _Ends) -> None:
    planned: dict[tuple, int] = {}
    for row in parsed.ties:
        tie = _tie_action(plan, parsed, snapshot, row, ends)
        if tie is None:
            continue
        identity = (tie.source, tie.target, row.kind)
        if identity in planned:
            # The same connection twice in one file: the later row wins, counted once.
            plan.ties[planned[identity]] = tie
            continue
        planned[identity] = len(plan.ties)
        plan.ties.append(tie)


def _tie_action(
    plan: Plan, parsed: ParsedMap, snapshot: Snapshot, row: TieRow, ends: _Ends
) -> TieAction | None:
    """What a connection row does: create a tie, or update the map's tie of its kind between
    the same actors. None when it cannot (a problem, unless its row or an end's row was
    refused already)."""
    source, target = ends.find(row.source), ends.find(row.target)
    ok = not row.invalid
    for column, ref, resolved in (("From", row.source, source), ("To", row.target, target)):
        if resolved is None and ref in parsed.refused:
            ok = False
        elif resolved is None and ref:
            plan.problems.append(
                Problem(
                    row.sheet,
                    row.row,
                    column,
                    f"no element has the ID or label {ref!r}, in this file or the map",
                )
            )
            ok = False
    if not ok:
        return None
    if source == target:
        plan.problems.append(
            Problem(row.sheet, row.row, "To", "a connection cannot join an actor to itself")
        )
        return None
    tie = TieAction(row=row, source=source, target=target, action=CREATE)
    if source[0] == "actor" and target[0] == "actor":
        tie_id = _existing_tie(snapshot, source[1], target[1], row)
        if tie_id is not None:
            tie.action, tie.tie_id = UPDATE, tie_id
    return tie


def _existing_tie(snapshot: Snapshot, source: int, target: int, row: TieRow) -> int | None:
    """The map's tie of the row's kind from ``source`` to ``target`` (or back, unless the row
    is directed)."""
    tie_id = snapshot.ties.get((source, target, row.kind))
    if tie_id is None and row.direction != "directed":
        tie_id = snapshot.ties.get((target, source, row.kind))
    return tie_id


def _plan_interactions(plan: Plan, parsed: ParsedMap, snapshot: Snapshot, ends: _Ends) -> None:
    for row in parsed.interactions:
        participants = []
        for ref in row.participants:
            resolved = ends.find(ref)
            if resolved is None:
                plan.problems.append(
                    Problem(row.sheet, row.row, "participants", f"no actor has the ID {ref!r}")
                )
                break
            participants.append(resolved)
        else:
            if all(kind == "actor" for kind, _ in participants):
                signature = (
                    row.kind,
                    row.occurred_on.isoformat(),
                    row.summary,
                    tuple(sorted(i for _, i in participants)),
                )
                if signature in snapshot.interactions:
                    continue  # already recorded: a re-import adds nothing
            plan.interactions.append(InteractionAction(row=row, participants=participants))
