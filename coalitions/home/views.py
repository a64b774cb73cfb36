"""Pages about coalitions: the list a user sees after signing in, and a coalition's home."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from coalitions import roles
from coalitions.align.models import (
    StatementStatus,
    UnityStatement,
)
from coalitions.align.selectors import signatory_count_subquery
from coalitions.home.selectors import coalition_overview, first_steps
from coalitions.models import Coalition, RoleName
from coalitions.selectors import coalition_list_for
from coalitions.services import coalition_create
from weft.pages import attempt
from weft.vocabulary import MEMBER_DEFINITION, SIGNATORY_DEFINITION


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
    if access.can(roles.Permission.ROLES_MANAGE):
        steps = first_steps(access.coalition)
        if not all(step["done"] for step in steps):
            context["first_steps"] = steps
    if access.can(roles.Permission.MAP_VIEW):
        context["overview"] = coalition_overview(
            access.coalition, include_sensitive=access.sees_sensitive
        )
    if access.can(roles.Permission.REPORTS_VIEW):
        context["reports_url"] = reverse("report-list", args=[access.coalition.pk])
    if access.can(roles.Permission.WORKFLOW_VIEW):
        # Members read and comment on statements from here (the list page is the weaver's).
        context["open_statements"] = (
            UnityStatement.objects.filter(
                coalition=access.coalition,
                status__in=[StatementStatus.FEEDBACK, StatementStatus.PUBLISHED],
            )
            .annotate(signatories=signatory_count_subquery(include_sensitive=access.sees_sensitive))
            .order_by("-updated_at")[:5]
        )
        context["signatory_definition"] = SIGNATORY_DEFINITION
    context["member_definition"] = MEMBER_DEFINITION
    return render(request, "coalitions/coalition_home.html", context)


class CoalitionForm(forms.ModelForm):
    class Meta:
        model = Coalition
        fields = ["name", "cause", "phase", "reports_small_count_threshold"]
        labels = {
            "cause": "Description",
            "phase": "Where you are",
            "reports_small_count_threshold": "Smallest count shown in funder reports",
        }
        widgets = {"cause": forms.Textarea(attrs={"rows": 3})}


@login_required
@require_http_methods(["GET", "POST"])
def coalition_new(request):
    """Start a coalition: its creator becomes its steward and lands on its first steps."""
    form = CoalitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        done = attempt(
            request,
            lambda: coalition_create(created_by=request.user, **data),
            form=form,
        )
        if done.refused is None:
            return redirect("coalition-home", done.result.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "coalitions/coalition_new.html", {"form": form}, status=status)
