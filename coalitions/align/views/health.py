"""The weaver's health-check and equity pages."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from coalitions.align.models import (
    HealthCheckRound,
)
from coalitions.align.selectors import (
    equity_check,
    health_round_summary,
)
from coalitions.align.services.health import health_round_open
from coalitions.align.views.proposals import _refused
from coalitions.roles import require_workspace
from weft.pages import date_or_none, post_or_refuse
from weft.vocabulary import HEALTH_ANSWER_DEFINITION, HealthArea


# -- Network health check and the equity check
@login_required
def health(request, coalition_id: int):
    """Health-check rounds: each round's averages, spread and change against the one before.
    No organisation's answers are shown."""
    access = require_workspace(request, coalition_id)
    if request.method == "POST":

        def write():
            health_round_open(
                coalition=access.coalition,
                title=request.POST.get("title", ""),
                opens_on=date_or_none(request.POST.get("opens_on", ""))
                or _refused("Give the opening date.", "opens_on"),
                closes_on=date_or_none(request.POST.get("closes_on", ""))
                or _refused("Give the closing date.", "closes_on"),
                opened_by=request.user,
            )

        if post_or_refuse(request, write):
            messages.success(request, "Health-check round opened.")
            return redirect("workflow-health", coalition_id=access.coalition.pk)
    rounds = [
        {
            "round": health_round,
            **health_round_summary(health_round, include_sensitive=access.sees_sensitive),
        }
        for health_round in HealthCheckRound.objects.filter(coalition=access.coalition)
    ]
    context = {
        "access": access,
        "coalition": access.coalition,
        "rounds": rounds,
        "labels": HEALTH_LABELS,
        "answer_definition": HEALTH_ANSWER_DEFINITION,
    }
    return render(request, "coalitions/workflow/health.html", context)


HEALTH_LABELS = dict(HealthArea.choices)


def _quarter_ends(today: datetime.date, count: int) -> list[datetime.date]:
    ends = []
    year, quarter = today.year, (today.month - 1) // 3
    for _ in range(count):
        # The last day of the previous quarter, going back one quarter at a time.
        first_of_quarter = datetime.date(year, 3 * quarter + 1, 1)
        ends.append(first_of_quarter - datetime.timedelta(days=1))
        quarter -= 1
        if quarter < 0:
            year, quarter = year - 1, 3
    return list(reversed(ends))


@login_required
def equity(request, coalition_id: int):
    access = require_workspace(request, coalition_id)
    today = timezone.localdate()
    check = equity_check(access.coalition, on=today)
    trend = [
        {"on": on, **equity_check(access.coalition, on=on)["coalition"]}
        for on in _quarter_ends(today, 4)
    ]
    context = {"access": access, "coalition": access.coalition, "check": check, "trend": trend}
    return render(request, "coalitions/workflow/equity.html", context)
