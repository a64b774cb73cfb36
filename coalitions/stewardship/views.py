"""The steward's settings pages (members and roles, invitations, privacy policy, audit log)
and the pages an invitee opens."""

import csv

from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from coalitions import roles
from coalitions.models import AuditAction, Role, RoleName
from coalitions.roles import Permission
from coalitions.services import audit_record, coalition_update, role_grant, role_revoke
from coalitions.stewardship import selectors
from coalitions.stewardship.erasure import (
    erasure_preview_both,
    person_erase,
    person_for_erasure,
)
from coalitions.stewardship.forms import (
    RETENTION_FIELDS,
    AuditFilterForm,
    CoalitionDeletionForm,
    ErasureForm,
    InvitationForm,
    InvitedAccountForm,
    PrivacyForm,
    RoleForm,
)
from coalitions.stewardship.retention import retention_due
from coalitions.stewardship.services import (
    account_create_from_invitation,
    invitation_accept,
    invitation_create,
    invitation_for_token,
    invitation_revoke,
)
from coalitions.stewardship.whole import (
    EXPORT_FORMAT,
    coalition_delete,
    coalition_export_whole,
    deletion_preview,
)
from weft.errors import ApplicationError
from weft.pages import attempt, post_or_refuse
from weft.streaming import attachment

# The session key holding an opened invitation's token: the link is exchanged once for the
# session and the browser sent on to an address without it, so the token stays out of the
# address bar, the history and the Referer of the page the invitee goes on to.
INVITATION_SESSION_KEY = "weft_invitation_token"


def _steward(request, coalition_id) -> roles.Access:
    return roles.require(request.user, coalition_id, Permission.ROLES_MANAGE)


def _actor_choices(access) -> dict:
    return {
        "organisations": selectors.organisations(access.coalition),
        "people": selectors.people(access.coalition),
    }


@login_required
def settings_index(request, coalition_id: int):
    _steward(request, coalition_id)
    return redirect("settings-members", coalition_id)


@login_required
@require_http_methods(["GET", "POST"])
def settings_members(request, coalition_id: int):
    """Who holds which role, and the invitations sent; the form to invite someone."""
    access = _steward(request, coalition_id)
    choices = _actor_choices(access)
    form = InvitationForm(request.POST or None, **choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(
            request,
            lambda: invitation_create(
                access=access,
                email=data["email"],
                role=data["role"],
                organisation=data["organisation"],
                person=data["person"],
                days=data["days"],
            ),
            form=form,
        )
        if done.refused is None:
            messages.success(request, "Invitation sent.")
            return redirect("settings-members", coalition_id)
    members = list(selectors.current_roles(access.coalition))
    for role in members:
        role.form = RoleForm(
            initial={
                "role": role.role,
                "organisation": role.organisation_id,
                "person": role.person_id,
            },
            prefix=f"role-{role.pk}",
            **choices,
        )
    context = {
        "coalition": access.coalition,
        "access": access,
        "members": members,
        "invitations": selectors.invitations(access.coalition),
        "form": form,
        "here": "members",
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "coalitions/settings/members.html", context, status=status)


@login_required
@require_POST
def settings_role_change(request, coalition_id: int, role_id: int):
    access = _steward(request, coalition_id)
    current = get_object_or_404(Role.objects.current(), coalition=access.coalition, pk=role_id)
    form = RoleForm(request.POST, prefix=f"role-{role_id}", **_actor_choices(access))
    if not form.is_valid():
        messages.error(request, "Choose a role, and an organisation and person of this coalition.")
        return redirect("settings-members", coalition_id)
    data = form.cleaned_data
    if post_or_refuse(
        request,
        lambda: role_grant(
            coalition=access.coalition,
            user=current.user,
            role=data["role"],
            organisation=data["organisation"],
            person=data["person"],
            granted_by=request.user,
        ),
    ):
        messages.success(
            request, f"{current.user.get_username()} is now {RoleName(data['role']).label.lower()}."
        )
    return redirect("settings-members", coalition_id)


@login_required
@require_POST
def settings_role_revoke(request, coalition_id: int, role_id: int):
    access = _steward(request, coalition_id)
    current = get_object_or_404(Role.objects.current(), coalition=access.coalition, pk=role_id)
    if post_or_refuse(
        request,
        lambda: role_revoke(coalition=access.coalition, user=current.user, revoked_by=request.user),
    ):
        messages.success(request, f"{current.user.get_username()} no longer holds a role here.")
        if current.user == request.user:
            return redirect("coalition-list")
    return redirect("settings-members", coalition_id)


@login_required
@require_POST
def settings_invitation_revoke(request, coalition_id: int, invitation_id: int):
    access = _steward(request, coalition_id)
    if post_or_refuse(
        request, lambda: invitation_revoke(access=access, invitation_id=invitation_id)
    ):
        messages.success(request, "Invitation revoked: its link opens nothing now.")
    return redirect("settings-members", coalition_id)


@login_required
@require_http_methods(["GET", "POST"])
def settings_privacy(request, coalition_id: int):
    access = roles.require(request.user, coalition_id, Permission.PRIVACY_MANAGE)
    coalition = access.coalition
    initial = {
        "reports_small_count_threshold": coalition.reports_small_count_threshold,
        "reports_show_organisation_names": coalition.reports_show_organisation_names,
        "require_two_factor": coalition.require_two_factor,
        **{name: getattr(coalition, name) for name in RETENTION_FIELDS},
        "version": coalition.version,
    }
    form = PrivacyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        done = attempt(
            request,
            lambda: coalition_update(access=access, expected_version=version, **data),
            form=form,
        )
        if done.refused is None:
            messages.success(request, "Privacy policy saved.")
            return redirect("settings-privacy", coalition_id)
    context = {
        "coalition": coalition,
        "access": access,
        "form": form,
        "here": "privacy",
        "retention_due": retention_due(coalition),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "coalitions/settings/privacy.html", context, status=status)


@login_required
def settings_erase(request, coalition_id: int):
    """Choose the person to erase."""
    access = roles.require(request.user, coalition_id, Permission.ERASE)
    context = {
        "coalition": access.coalition,
        "access": access,
        "people": selectors.people(access.coalition),
        "here": "erase",
    }
    return render(request, "coalitions/settings/erase.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def settings_erase_person(request, coalition_id: int, actor_id: int):
    """What erasing this person removes, and the typed confirmation that does it."""
    access = roles.require(request.user, coalition_id, Permission.ERASE)
    person = person_for_erasure(access, actor_id)
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(
            request,
            lambda: person_erase(
                access=access,
                actor_id=person.pk,
                mode=data["mode"],
                reason=data["reason"],
                confirmation=data["confirmation"],
            ),
            form=form,
        )
        if done.refused is None:
            messages.success(
                request,
                f"Erased: {done.result.summary()}. The map now shows {done.result.pseudonym}"
                if data["mode"] == "pseudonymise"
                else f"Erased: {done.result.summary()}.",
            )
            return redirect("settings-erase", coalition_id)
    previews = attempt(request, lambda: erasure_preview_both(access=access, actor_id=person.pk))
    context = {
        "coalition": access.coalition,
        "access": access,
        "person": person,
        "form": form,
        "previews": previews.result or {},
        "here": "erase",
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "coalitions/settings/erase_person.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def settings_leave(request, coalition_id: int):
    """The whole coalition: download everything, or delete it with a typed confirmation."""
    access = roles.require(request.user, coalition_id, Permission.ERASE)
    form = CoalitionDeletionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            lambda: coalition_delete(access=access, confirmation=form.cleaned_data["confirmation"]),
            form=form,
        )
        if done.refused is None:
            messages.success(request, f"Coalition deleted: {done.result.summary()}.")
            return redirect("coalition-list")
    context = {
        "coalition": access.coalition,
        "access": access,
        "form": form,
        "preview": deletion_preview(access=access),
        "export_format": EXPORT_FORMAT,
        "here": "leave",
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "coalitions/settings/leave.html", context, status=status)


@login_required
def settings_leave_export(request, coalition_id: int):
    """Everything the coalition holds as one Weft JSON file (audited)."""
    access = roles.require(request.user, coalition_id, Permission.EXPORT)
    chunks, filename = coalition_export_whole(access=access)
    return attachment(chunks, content_type="application/json; charset=utf-8", filename=filename)


def _audit_rows(request, access):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.audit_entries(
        access.coalition,
        action=filters.get("action") or None,
        since=filters.get("since"),
        until=filters.get("until"),
    )
    return form, entries


@login_required
def settings_audit(request, coalition_id: int):
    access = roles.require(request.user, coalition_id, Permission.AUDIT_VIEW)
    form, entries = _audit_rows(request, access)
    entries = list(entries[:500])
    for entry in entries:
        entry.described = selectors.describe_details(entry.details)
    context = {
        "coalition": access.coalition,
        "access": access,
        "form": form,
        "entries": entries,
        "query": request.GET.urlencode(),
        "here": "audit",
    }
    return render(request, "coalitions/settings/audit.html", context)


@login_required
def settings_audit_csv(request, coalition_id: int):
    """The audit log as filtered on the page, whole, as CSV. Downloading it is itself audited."""
    access = roles.require(request.user, coalition_id, Permission.AUDIT_VIEW)
    _form, entries = _audit_rows(request, access)
    audit_record(
        coalition=access.coalition,
        user=request.user,
        action=AuditAction.EXPORT,
        format="csv",
        what="audit_log",
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    writer = csv.writer(response)
    writer.writerow(["when", "who", "what", "action", "details"])
    for entry in entries.iterator():
        writer.writerow(
            [
                entry.created_at.isoformat(),
                entry.user.get_username() if entry.user else "",
                entry.get_action_display(),
                entry.action,
                selectors.describe_details(entry.details),
            ]
        )
    return response


# -- The invitee's pages --------------------------------------------------------------------


def invitation_open(request, token: str):
    """The link in the email: checked, then exchanged for the session (see above)."""
    try:
        invitation_for_token(token)
    except ApplicationError as error:
        return render(
            request,
            "coalitions/invitations/closed.html",
            {"why": error.message},
            status=error.status,
        )
    request.session[INVITATION_SESSION_KEY] = token
    return redirect("invitation-accept")


@require_http_methods(["GET", "POST"])
def invitation_accept_page(request):
    """Accept as the signed-in account, or make an account (or sign in) first. Someone signed
    in is asked which account to use: this one, or another after signing out."""
    token = request.session.get(INVITATION_SESSION_KEY, "")
    try:
        invitation = invitation_for_token(token)
    except ApplicationError as error:
        request.session.pop(INVITATION_SESSION_KEY, None)
        return render(
            request,
            "coalitions/invitations/closed.html",
            {"why": error.message},
            status=error.status,
        )
    form = InvitedAccountForm(
        request.POST if request.method == "POST" and not request.user.is_authenticated else None
    )
    if request.method == "POST":
        if request.user.is_authenticated:
            done = attempt(request, lambda: invitation_accept(token=token, user=request.user))
        elif form.is_valid():
            data = form.cleaned_data
            done = attempt(
                request,
                lambda: account_create_from_invitation(
                    token=token, username=data["username"], password=data["password1"]
                ),
                form=form,
            )
            if done.refused is None:
                login(request, done.result, backend="django.contrib.auth.backends.ModelBackend")
        else:
            done = None
        if done is not None and done.refused is None:
            request.session.pop(INVITATION_SESSION_KEY, None)
            messages.success(
                request,
                f"Welcome to {invitation.coalition.name}: you are "
                f"{RoleName(invitation.role).label.lower()} here.",
            )
            return redirect("coalition-home", invitation.coalition_id)
    has_account = get_user_model().objects.filter(email__iexact=invitation.email).exists()
    context = {
        "invitation": invitation,
        "role_label": RoleName(invitation.role).label,
        "inviter": invitation.created_by,
        "form": form,
        "has_account": has_account,
        "login_url": f"{reverse('login')}?next={reverse('invitation-accept')}",
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "coalitions/invitations/accept.html", context, status=status)


@require_POST
def invitation_switch_account(request):
    """Sign out, keeping the opened invitation, to accept it with another account."""
    token = request.session.get(INVITATION_SESSION_KEY, "")
    logout(request)
    if token:
        request.session[INVITATION_SESSION_KEY] = token
    return redirect("invitation-accept")
