"""Pages: the inbox (every coalition's notifications, mark read, open the thing) and the
email settings (per kind: immediately, daily or weekly digest, off)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from coalitions.notifications import selectors, services
from coalitions.notifications.email import unsubscribe_read
from coalitions.notifications.models import Delivery, NotificationKind
from weft.pages import post_or_refuse

PAGE_SIZE = 100


@login_required
def inbox(request):
    rows = selectors.notifications_for(request.user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return render(
        request,
        "coalitions/notifications/inbox.html",
        {"notifications": rows[:PAGE_SIZE], "unread_only": unread_only},
    )


@login_required
def notification_open(request, notification_id: int):
    """Mark one notification read and go to what it is about."""
    notification = get_object_or_404(selectors.notifications_for(request.user), pk=notification_id)
    services.notifications_mark_read(user=request.user, ids=[notification.pk])
    if not url_has_allowed_host_and_scheme(notification.path, allowed_hosts=None):
        return redirect("notifications")
    return redirect(notification.path)


@login_required
@require_POST
def notifications_read(request):
    ids = request.POST.getlist("id") or None
    if ids is None:
        ids = list(selectors.notifications_for(request.user).values_list("pk", flat=True))
    if post_or_refuse(
        request, lambda: services.notifications_mark_read(user=request.user, ids=ids)
    ):
        messages.success(request, "Marked read.")
    return redirect("notifications")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    if request.method == "POST":
        for kind in NotificationKind.values:
            delivery = request.POST.get(kind)
            if delivery is not None and not post_or_refuse(
                request,
                lambda kind=kind, delivery=delivery: services.preference_set(
                    user=request.user, kind=kind, delivery=delivery
                ),
            ):
                break
        else:
            messages.success(request, "Your email settings are saved.")
            return redirect("notification-settings")
    chosen = selectors.preferences_for(request.user)
    rows = [
        {"kind": kind, "label": label, "delivery": chosen[kind]}
        for kind, label in NotificationKind.choices
    ]
    return render(
        request,
        "coalitions/notifications/settings.html",
        {"rows": rows, "deliveries": Delivery.choices},
    )


@csrf_exempt  # mail programs post here (RFC 8058); the signed token is the authority
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """One-click unsubscribe, without signing in: the link names one user and the kinds of
    one email, signed. GET asks (mail scanners open links); POST does it."""
    found = unsubscribe_read(token)
    if found is None:
        return render(
            request, "coalitions/notifications/unsubscribe.html", {"invalid": True}, status=400
        )
    user_id, kinds = found
    labels = [NotificationKind(kind).label for kind in kinds]
    done = False
    if request.method == "POST":
        services.unsubscribe(user_id=user_id, kinds=kinds)
        done = True
    return render(
        request, "coalitions/notifications/unsubscribe.html", {"labels": labels, "done": done}
    )
