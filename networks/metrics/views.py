"""The relationship strength settings page (stewards, issue 17): the evidence weights and the
half-life, a preview of how many relationships would change band, and saving them for the next
metric run."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from coalitions import roles
from coalitions.roles import Permission
from networks.graph.compute import MEDIUM_TIE_THRESHOLD, STRONG_TIE_THRESHOLD
from networks.graph.strength import StrengthSettings
from networks.metrics.forms import StrengthSettingsForm
from networks.metrics.selectors import latest_run, strength_preview
from networks.metrics.services import strength_settings_update
from weft.pages import attempt


@login_required
@require_http_methods(["GET", "POST"])
def settings_strength(request, coalition_id: int):
    access = roles.require(request.user, coalition_id, Permission.STRENGTH_MANAGE)
    coalition = access.coalition
    initial = StrengthSettingsForm.initial_from(coalition.strength_settings, coalition.version)
    form = StrengthSettingsForm(request.POST or None, initial=initial)
    preview = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and "preview" in request.POST:
            preview = strength_preview(coalition.pk, form.settings())
            status = 200
        elif form.is_valid():
            version = form.cleaned_data["version"]
            done = attempt(
                request,
                lambda: strength_settings_update(
                    access=access, expected_version=version, settings=form.settings()
                ),
                form=form,
            )
            if done.refused is None:
                messages.success(
                    request, "Strength settings saved: they apply from the next metric run."
                )
                return redirect("settings-strength", coalition_id)
    run = latest_run(coalition.pk)
    context = {
        "coalition": coalition,
        "access": access,
        "form": form,
        "preview": preview,
        "latest_run": run,
        # Runs from before runs recorded their settings hold {} (read as the defaults).
        "latest_run_current": run is not None
        and StrengthSettings.from_overrides(run.strength_settings)
        == StrengthSettings.from_overrides(coalition.strength_settings),
        "medium_threshold": MEDIUM_TIE_THRESHOLD,
        "strong_threshold": STRONG_TIE_THRESHOLD,
        "here": "strength",
    }
    return render(request, "coalitions/settings/strength.html", context, status=status)
