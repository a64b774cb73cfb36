"""Which rows belong to a coalition: the one place that knows it, for every model of the
project (history tables and many-to-many tables included), by following foreign keys to the
coalition. The erasure of a person (its search of free text), the export of a whole coalition
and the deletion of a coalition all ask here; none keeps its own list of tables.

A row belongs to a coalition when it has a ``coalition`` key to it, or when one of its keys
(to anything but a user account) points at a row that belongs to it. A history row's keys may
point at a row deleted since: so a key is followed both into the live table and into that
table's history, and a history row is found as long as its parent's history is kept.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q

from coalitions.models import Coalition
from weft.tokens import token_hash

DEPTH = 4  # keys followed at most (a survey answer: respondent, round, coalition)

# Tasks in the outbox (weft.queue) whose first argument is the coalition's id, and those whose
# first argument is one of its import jobs' ids (networks.transfer; tested to match).
OUTBOX_COALITION_TASKS = (
    "networks.compute_layout",
    "networks.compute_metrics",
    "coalitions.notifications_send_immediate",
)
OUTBOX_IMPORT_TASKS = ("networks.preview_import", "networks.confirm_import")


def is_history(model) -> bool:
    """A django-simple-history model (the history of another model)."""
    return hasattr(model, "instance_type") and hasattr(model, "history_object")


def history_of(model):
    """The history model of ``model``, or None."""
    for candidate in apps.get_models():
        if is_history(candidate) and candidate.instance_type is model:
            return candidate
    return None


def _user_model():
    return apps.get_model(settings.AUTH_USER_MODEL)


def _keys(model):
    """The foreign keys that may lead to a coalition (not to accounts, not the history's
    bookkeeping, not to the model itself)."""
    for f in model._meta.concrete_fields:
        if not (f.is_relation and (f.many_to_one or f.one_to_one)):
            continue
        if f.related_model in (None, model, _user_model()) or f.name.startswith("history_"):
            continue
        yield f


def ownership(model, coalition_id: int, depth: int = DEPTH) -> Q | None:
    """The condition on ``model``'s rows that they belong to the coalition, or None when the
    model's rows belong to no coalition."""
    if model is Coalition:
        return Q(pk=coalition_id)
    if is_history(model) and model.instance_type is Coalition:
        return Q(id=coalition_id)
    for f in model._meta.concrete_fields:
        if f.name == "coalition" and f.is_relation and f.related_model is Coalition:
            return Q(coalition_id=coalition_id)
    if depth == 0:
        return None
    condition = None
    for f in _keys(model):
        target = f.related_model
        for parent in (target, history_of(target)):
            if parent is None:
                continue
            inner = ownership(parent, coalition_id, depth - 1)
            if inner is None:
                continue
            column = "id" if is_history(parent) else parent._meta.pk.attname
            ids = parent._base_manager.filter(inner).values(column)
            part = Q(**{f"{f.attname}__in": ids})
            condition = part if condition is None else condition | part
    return condition


def owned_models() -> list:
    """Every model (history and many-to-many tables included) whose rows may belong to a
    coalition, the coalition itself last."""
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy and model is not Coalition and ownership(model, 0) is not None
    ]
    return [*sorted(found, key=lambda m: m._meta.label), Coalition]


def owned_rows(model, coalition_id: int):
    """The rows of ``model`` that belong to the coalition, or None if none can."""
    condition = ownership(model, coalition_id)
    if condition is None:
        return None
    return model._base_manager.filter(condition)


def outbox_rows(coalition_id: int):
    """Tasks queued for the coalition or its import jobs (they hold ids, nothing more)."""
    outbox = apps.get_model("weft", "OutboxMessage")
    job = apps.get_model("networks", "ImportJob")
    jobs = list(job._base_manager.filter(coalition_id=coalition_id).values_list("pk", flat=True))
    return outbox.objects.filter(
        Q(task_name__in=OUTBOX_COALITION_TASKS, args__0=coalition_id)
        | Q(task_name__in=OUTBOX_IMPORT_TASKS, args__0__in=jobs)
    )


def accounts_of_only(coalition_id: int):
    """The accounts that hold or held a role in this coalition and in no other (staff
    excepted): they exist because the coalition invited them."""
    role = apps.get_model("coalitions", "Role")
    return (
        _user_model()
        .objects.filter(pk__in=role.objects.filter(coalition_id=coalition_id).values("user"))
        .exclude(pk__in=role.objects.exclude(coalition_id=coalition_id).values("user"))
        .exclude(is_staff=True)
        .exclude(is_superuser=True)
    )


def text_fields(model):
    for f in model._meta.concrete_fields:
        if f.is_relation or f.primary_key or f.choices:
            continue
        if isinstance(f, models.CharField | models.TextField | models.JSONField):
            yield f


# What a visitor's session may hold of a coalition (tested to match the views' keys): the
# share links opened (link id: token), the story links opened (ids), the survey link (the
# respondent's token hash) and the invitation being accepted (its token).
SESSION_SHARED_LINKS = "weft_shared_links"
SESSION_STORY_LINKS = "weft_story_links"
SESSION_SURVEY_LINK = "weft_survey_link"
SESSION_INVITATION = "weft_invitation_token"


def session_keys(coalition_id: int, account_ids) -> list[str]:
    """The sessions that hold something of the coalition (a link's token or id) or belong to
    one of ``account_ids``."""
    session = apps.get_model("sessions", "Session")

    def keys(label: str, column: str = "pk") -> set:
        return set(owned_rows(apps.get_model(label), coalition_id).values_list(column, flat=True))

    shared = {str(pk) for pk in keys("coalitions.ShareLink")}
    stories = keys("networks.StoryLink")
    respondents = keys("coalitions.SurveyRespondent", "token_hash")
    invitations = keys("coalitions.Invitation", "token_hash")
    accounts = {str(pk) for pk in account_ids}
    found = []
    for row in session.objects.iterator():
        data = row.get_decoded()
        invitation = data.get(SESSION_INVITATION)
        if (
            str(data.get("_auth_user_id")) in accounts
            or shared & set(data.get(SESSION_SHARED_LINKS) or {})
            or stories & set(data.get(SESSION_STORY_LINKS) or [])
            or (data.get(SESSION_SURVEY_LINK) or None) in respondents - {None, ""}
            or (invitation and token_hash(str(invitation)) in invitations)
        ):
            found.append(row.session_key)
    return found


@dataclass
class Tally:
    """Rows per table."""

    counts: Counter = field(default_factory=Counter)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def tables(self) -> int:
        return len([n for n in self.counts.values() if n])

    @property
    def table_rows(self) -> list[tuple[str, int]]:
        return sorted((table, n) for table, n in self.counts.items() if n)

    def summary(self) -> str:
        return f"{self.rows} rows in {self.tables} tables"
