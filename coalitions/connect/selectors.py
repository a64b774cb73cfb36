"""Reads of the Connect workspace: the pipeline board, suggestions and introductions,
and who was an organisation's designee when."""

from django.db.models import Max, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from allies.models import Actor
from coalitions.connect.models import Commitment, Introduction, Membership
from coalitions.roles import hide_sensitive_references
from networks.models import InteractionParticipant, Suggestion, SuggestionKind, SuggestionStatus
from weft.vocabulary import ActorKind, MemberPhase

COLD_AFTER_DAYS = 60  # no interaction for two months: the card says the member is going cold


# ---------------------------------------------------------------------------------------------
# Members: one definition, used by the home page, the pipeline, the dashboard, the votes and
# the reports.
def current_members(coalition, *, include_sensitive: bool):
    """The memberships that make their organisation a member (MEMBER_DEFINITION), sensitive
    organisations left out for readers that may not see them."""
    rows = Membership.objects.filter(coalition=coalition, left_on__isnull=True).exclude(
        phase=MemberPhase.PROSPECT
    )
    if not include_sensitive:
        rows = rows.exclude(organisation__is_sensitive=True)
    return rows


def member_count(coalition, *, include_sensitive: bool) -> int:
    """How many members the coalition has (MEMBER_DEFINITION; one query)."""
    return current_members(coalition, include_sensitive=include_sensitive).count()


def pipeline_board(access) -> dict:
    """Every member and prospect of the coalition by phase, each with its designee, value
    proposition, commitments and the days since its last interaction (three queries: the
    memberships with their organisation and designee and last interaction, the
    commitments, and the phase counts come from the same rows)."""

    last_seen = (
        InteractionParticipant.objects.filter(actor=OuterRef("organisation"))
        .order_by()
        .values("actor")
        .annotate(last=Max("interaction__occurred_on"))
        .values("last")
    )
    memberships = hide_sensitive_references(
        Membership.objects.filter(coalition=access.coalition, left_on__isnull=True),
        access,
        "organisation",
        "designee",
    )
    memberships = (
        memberships.select_related("organisation", "designee")
        .annotate(last_interaction=Subquery(last_seen[:1]))
        .prefetch_related(
            Prefetch("commitments", queryset=Commitment.objects.order_by("due_on", "id"))
        )
        .order_by("organisation__name", "id")
    )
    today = timezone.localdate()
    columns = {phase: [] for phase in MemberPhase.values}
    for membership in memberships:
        last = membership.last_interaction
        membership.days_since_contact = (today - last).days if last else None
        membership.is_cold = last is None or (today - last).days > COLD_AFTER_DAYS
        columns[membership.phase].append(membership)
    total = sum(len(rows) for rows in columns.values())
    return {
        "member_count": member_count(access.coalition, include_sensitive=access.sees_sensitive),
        "columns": [
            {
                "phase": phase,
                "label": MemberPhase(phase).label,
                "members": rows,
                "share": round(100 * len(rows) / total) if total else 0,
            }
            for phase, rows in columns.items()
        ],
        "total": total,
    }


def connect_actors(access) -> list:
    """The actors a weaver may introduce: the coalition's, as the role may see them."""

    return list(
        Actor.objects.filter(coalition=access.coalition)
        .visible(include_sensitive=access.sees_sensitive)
        .only("id", "name")
        .order_by("name", "id")
    )


def open_suggestions(access):

    rows = Suggestion.objects.filter(coalition=access.coalition, status=SuggestionStatus.OPEN)
    rows = hide_sensitive_references(rows, access, "actor", "other")
    return rows.select_related("actor", "other").order_by("-score", "id")


def suggestions_for(access, *, status: str = "", kind: str = "", name: str = ""):
    """The Connect page's suggestions, one row per pair and kind (see ``Suggestion``), as the
    role may see them: by status (``""``: every status), kind, and a name either actor's
    contains; best first. The page counts them and reads one page (two queries), whatever
    the number of suggestions: who decided comes in the same query."""

    rows = Suggestion.objects.filter(coalition=access.coalition)
    if status in SuggestionStatus.values:
        rows = rows.filter(status=status)
    if kind in SuggestionKind.values:
        rows = rows.filter(kind=kind)
    name = (name or "").strip()
    if name:
        rows = rows.filter(Q(actor__name__icontains=name) | Q(other__name__icontains=name))
    rows = hide_sensitive_references(rows, access, "actor", "other")
    return rows.select_related("actor", "other", "decided_by").order_by("-score", "id")


def introductions_for(access):

    rows = Introduction.objects.filter(coalition=access.coalition)
    rows = hide_sensitive_references(rows, access, "introduced", "introduced_to")
    return rows.select_related("introduced", "introduced_to", "introduced_by").order_by(
        "-introduced_on", "-id"
    )


def designee_terms(access, memberships) -> dict[int, list[dict]]:
    """Who was each membership's designee, from when to when (``until`` None: still is),
    newest first, from the memberships' history (two queries: the history rows, the names
    of the people, as the role may see them). A designee the role may not see is shown as
    hidden, not left out, so the dates stay honest."""

    ids = [m.pk for m in memberships]
    if not ids:
        return {}
    rows = (
        Membership.history.filter(id__in=ids)
        .order_by("id", "history_date", "history_id")
        .values_list("id", "designee_id", "history_date", "history_type")
    )
    terms: dict[int, list[dict]] = {}
    for membership_id, designee_id, when, history_type in rows:
        own = terms.setdefault(membership_id, [])
        current = own[-1] if own and own[-1]["until"] is None else None
        if history_type == "-":
            if current:
                current["until"] = when
            continue
        if current is not None and current["designee_id"] == designee_id:
            continue
        if current is not None:
            current["until"] = when
        if designee_id is not None:
            own.append({"designee_id": designee_id, "since": when, "until": None})
    people = {t["designee_id"] for own in terms.values() for t in own}
    visible = Actor.objects.filter(pk__in=people).visible(include_sensitive=access.sees_sensitive)
    names = dict(visible.values_list("pk", "name"))
    for own in terms.values():
        for term in own:
            term["name"] = names.get(term["designee_id"], "a person you may not see")
        own.reverse()
    return terms


def memberships_for(access):
    """The coalition's memberships (current and former) as the role may see them: one whose
    organisation or designee is sensitive exists only for the roles that see sensitive
    actors (as on the board and in the API)."""

    rows = hide_sensitive_references(
        Membership.objects.filter(coalition=access.coalition), access, "organisation", "designee"
    )
    return rows.select_related("organisation", "designee")


def organisations_off_the_pipeline(access) -> list:
    """The organisations a weaver may add to the pipeline as prospects: the coalition's
    actors that are not people and have no membership yet, as the role may see them."""

    return list(
        Actor.objects.filter(coalition=access.coalition)
        .visible(include_sensitive=access.sees_sensitive)
        .exclude(kind=ActorKind.PERSON)
        .exclude(memberships__isnull=False)
        .only("id", "name")
        .order_by("name", "id")
    )


def coalition_people(access) -> list:
    """The people a weaver may name as an organisation's designee."""

    return list(
        Actor.objects.filter(coalition=access.coalition, kind=ActorKind.PERSON)
        .visible(include_sensitive=access.sees_sensitive)
        .only("id", "name")
        .order_by("name", "id")
    )
