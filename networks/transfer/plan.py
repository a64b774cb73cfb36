"""What an import would do, decided without the database: the file's rows matched against a
snapshot of the coalition (its actors, ties and interactions as plain values) into actors to
create or update, suggested duplicates, ties to create or update, and every problem.

Matching, in order: the row's ID against an actor's external key (or the ``weft-<id>`` a Weft
export writes for actors without one); then the label, the same name as written before the
same normalised name, for rows without an ID and for rows whose ID the map does not know (an
actor with another external key is another actor). An exact match always wins over a fuzzy
one, and one actor is matched by one row: a second row with its name falls to another actor of
that name, or is created. A re-imported file therefore updates what it created. Names that are
close but not equal are only suggested duplicates, created as new actors unless the user
chooses to merge them; they never refuse a file.

Ties: several edges between the same two actors (Gephi's parallel edges) are several ties; a
re-imported file updates the map's ties of each kind between two actors in order, and creates
what is left. An edge from an actor to itself is skipped with a warning."""

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
    # (source id, target id, kind) → the ids of those ties, oldest first
    ties: dict[tuple[int, int, str], list[int]] = field(default_factory=dict)
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


def _spelled(name: str) -> str:
    """A name as written, only case and spaces set aside: "Riverside Tenants' Union" and
    "Riverside Tenants Union" are two spellings, one normalised name."""
    return " ".join(name.casefold().split())


@dataclass
class _Existing:
    """The snapshot's actors, as a file names them: by ID (external key, or the ``weft-<id>``
    of a Weft export), by name as written, by normalised name, or by a name close to theirs."""

    by_key: dict[str, ExistingActor]
    by_id: dict[int, ExistingActor]
    by_spelling: dict[str, list[ExistingActor]]
    by_name: dict[str, list[ExistingActor]]
    index: NameIndex

    @classmethod
    def of(cls, snapshot: Snapshot) -> "_Existing":
        by_spelling: dict[str, list[ExistingActor]] = {}
        by_name: dict[str, list[ExistingActor]] = {}
        index = NameIndex()
        for actor in snapshot.actors:
            name = normalise_name(actor.name)
            by_spelling.setdefault(_spelled(actor.name), []).append(actor)
            by_name.setdefault(name, []).append(actor)
            index.add(actor.id, name)
        return cls(
            by_key={a.external_key: a for a in snapshot.actors if a.external_key},
            by_id={a.id: a for a in snapshot.actors},
            by_spelling=by_spelling,
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

    def named(
        self, label: str, *, taken: dict | None = None, keyless: bool = False, exact=False
    ) -> ExistingActor | None:
        """The actor with this name: the same spelling first, then (unless ``exact``) the
        same normalised name; one not in ``taken`` (already matched by another row) and, with
        ``keyless``, one without an external key of its own."""
        if not self.by_id:
            return None  # an empty map: nothing to look up
        spelled = self.by_spelling.get(_spelled(label), ())
        for found in (spelled, () if exact else self.by_name.get(normalise_name(label), ())):
            for actor in found:
                if taken and actor.id in taken:
                    continue
                if keyless and actor.external_key:
                    continue
                return actor
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
    # Exact matches first (by ID, by the name as written), then the same normalised names
    # among the actors left: an exact match always wins.
    plan.actors = [_match_actor(plan, row, snapshot, existing, claimed) for row in parsed.actors]
    for i, action in enumerate(plan.actors):
        if action.action == CREATE:
            _match_normalised(action, existing, claimed, i)
    if snapshot.actors:  # an empty map has no duplicates to suggest
        for i, action in enumerate(plan.actors):
            if action.action == CREATE:
                _suggest_existing_duplicate(plan, action, names[i], existing, decisions, threshold)
    _suggest_duplicates_within(plan, names, decisions, threshold)
    ends = _Ends(plan, existing, names)
    _plan_ties(plan, parsed, snapshot, ends)
    _plan_interactions(plan, parsed, snapshot, ends)
    return plan


def _match_actor(
    plan: Plan, row: ActorRow, snapshot: Snapshot, existing: _Existing, claimed: dict
) -> ActorAction:
    """An update of the actor the row's ID names, else of the actor with its name as written
    (for a row with an ID the map does not know, only an actor without an ID of its own);
    else a creation, for now. The ID of an actor the user may not see is a problem."""
    action = ActorAction(row=row, action=CREATE)
    if row.key and row.key in snapshot.hidden_keys:
        plan.problems.append(
            Problem(row.sheet, row.row, "ID", f"the ID {row.key!r} is already in use")
        )
        action.matched_by = "hidden"
        return action
    found = existing.for_key(row.key) if row.key else None
    matched_by = "id"
    if found is None:
        found = existing.named(row.label, taken=claimed, keyless=bool(row.key), exact=True)
        matched_by = "label"
    if found is not None and found.id not in claimed:
        action.action, action.actor_id, action.matched_by = UPDATE, found.id, matched_by
        claimed[found.id] = row
    return action


def _match_normalised(action: ActorAction, existing: _Existing, claimed: dict, i: int) -> None:
    """A row not matched exactly updates an actor with its normalised name, if one is left."""
    if action.matched_by == "hidden":
        return
    row = action.row
    found = existing.named(row.label, taken=claimed, keyless=bool(row.key))
    if found is not None:
        action.action, action.actor_id, action.matched_by = UPDATE, found.id, "label"
        claimed[found.id] = i


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
        # What each name a connection gives resolves to: a node is named by thousands of
        # edges, and the rows and actors do not change while ties are planned.
        self.found: dict[str, tuple[str, int] | None] = {}
        for i, action in enumerate(plan.actors):
            row = action.row
            if row.key:
                self.keys.setdefault(row.key, i)
            self.labels.setdefault(row.label, i)
            self.normalised.setdefault(names[i], i)

    def find(self, ref: str) -> tuple[str, int] | None:
        """("row", index of the row's action) or ("actor", id); None when nothing matches."""
        if ref in self.found:
            return self.found[ref]
        found = self.found[ref] = self._find(ref)
        return found

    def _find(self, ref: str) -> tuple[str, int] | None:
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
        found = self.existing.named(ref)
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
    used: dict[int, None] = {}  # the map's ties a row updates already
    for row in parsed.ties:
        tie = _tie_action(plan, parsed, snapshot, row, ends, used)
        if tie is not None:
            plan.ties.append(tie)


def _tie_action(
    plan: Plan, parsed: ParsedMap, snapshot: Snapshot, row: TieRow, ends: _Ends, used: dict
) -> TieAction | None:
    """What a connection row does: create a tie, or update a tie of the map of its kind
    between the same actors (one not updated by an earlier row). None when it cannot (a
    problem, unless its row or an end's row was refused already; a warning for a loop)."""
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
        plan.warnings.append(
            Problem(row.sheet, row.row, "To", "a connection from an actor to itself is skipped")
        )
        return None
    tie = TieAction(row=row, source=source, target=target, action=CREATE)
    if source[0] == "actor" and target[0] == "actor":
        tie_id = _existing_tie(snapshot, source[1], target[1], row, used)
        if tie_id is not None:
            tie.action, tie.tie_id = UPDATE, tie_id
            used[tie_id] = None
    return tie


def _existing_tie(
    snapshot: Snapshot, source: int, target: int, row: TieRow, used: dict
) -> int | None:
    """The first tie of the map of the row's kind from ``source`` to ``target`` (or back,
    unless the row is directed) that no earlier row updates."""
    candidates = list(snapshot.ties.get((source, target, row.kind), ()))
    if row.direction != "directed":
        candidates += snapshot.ties.get((target, source, row.kind), ())
    return next((tie_id for tie_id in candidates if tie_id not in used), None)


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
