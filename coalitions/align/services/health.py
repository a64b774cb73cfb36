"""The network health check: rounds, and one answer per member organisation."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coalitions.align.models import HealthCheckAnswer, HealthCheckRound
from coalitions.connect.services import require_voice, voting_membership
from coalitions.models import Coalition
from coalitions.notifications.models import NotificationKind
from coalitions.notifications.selectors import member_organisation_users
from coalitions.notifications.services import notify
from coalitions.roles import Access
from weft.errors import ApplicationError
from weft.validation import require_text
from weft.vocabulary import HealthArea


# -- Network health check
@transaction.atomic
def health_round_open(*, coalition: Coalition, title: str, opens_on, closes_on, opened_by):

    title = require_text(title, field="title", what="The title")
    if closes_on < opens_on:
        raise ApplicationError("The round must close on or after it opens.", field="closes_on")
    health_round = HealthCheckRound.objects.create(
        coalition=coalition,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        opened_by=opened_by,
    )
    notify(
        coalition_id=coalition.pk,
        kind=NotificationKind.HEALTH_CHECK,
        title=f"Health check open until {closes_on:%d %b %Y}: {health_round.title}",
        path=reverse("member-health", args=[coalition.pk]),
        user_ids=member_organisation_users(coalition.pk),
        key=f"health:{health_round.pk}",
        exclude=opened_by,
    )
    return health_round


@transaction.atomic
def health_answer_record(
    *, access: Access, round, organisation, scores: dict[str, int], comment: str = ""
):
    """One organisation's scores (1 to 5 on each dimension) in an open round, once (recorded
    by the roles that run the workflow, or given by the organisation's designee)."""
    require_voice(access, organisation)

    today = timezone.localdate()
    if not round.opens_on <= today <= round.closes_on:
        raise ApplicationError(
            f"This round is open from {round.opens_on} to {round.closes_on}.",
            field="round",
            status=409,
            code="round_closed",
        )
    if voting_membership(round.coalition, organisation) is None:
        raise ApplicationError("Only member organisations answer.", field="organisation")
    for name in HealthArea.values:
        score = scores.get(name)
        if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
            raise ApplicationError("Score it from 1 to 5.", field=name)
    if HealthCheckAnswer.objects.filter(round=round, organisation=organisation).exists():
        raise ApplicationError(
            "This organisation has already answered this round.",
            field="organisation",
            status=409,
            code="already_answered",
        )
    return HealthCheckAnswer.objects.create(
        round=round,
        organisation=organisation,
        answered_by=access.user,
        comment=(comment or "").strip(),
        answered_at=timezone.now(),
        **{name: scores[name] for name in HealthArea.values},
    )
