"""Pages about coalitions: the list a user sees after signing in, and a coalition's home."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from coalitions import roles
from coalitions.align.models import (
    StatementStatus,
    UnityStatement,
)
from coalitions.home.selectors import coalition_overview
from coalitions.models import RoleName
from coalitions.selectors import coalition_list_for


@login_required
def coalition_list(request):
    coalitions = list(coalition_list_for(request.user))
    for coalition in coalitions:
        coalition.role_label = RoleName(coalition.user_role).label
    return render(request, "coalitions/coalition_list.html", {"coalitions": coalitions})


@login_required
def coalition_home(request, coalition_id: int):
    access = roles.access_for(request.user, coalition_id)
    context = {
        "access": access,
        "coalition": access.coalition,
        "can_see_dashboard": access.can(roles.Permission.DASHBOARD_VIEW),
    }
    if access.can(roles.Permission.MAP_VIEW):
        context["overview"] = coalition_overview(
            access.coalition, include_sensitive=access.sees_sensitive
        )
    if access.can(roles.Permission.REPORTS_VIEW):
        context["reports_url"] = reverse("report-list", args=[access.coalition.pk])
    if access.can(roles.Permission.WORKFLOW_VIEW):
        # Members read and comment on statements from here (the list page is the weaver's).
        context["open_statements"] = UnityStatement.objects.filter(
            coalition=access.coalition,
            status__in=[StatementStatus.FEEDBACK, StatementStatus.PUBLISHED],
        ).order_by("-updated_at")[:5]
    return render(request, "coalitions/coalition_home.html", context)
