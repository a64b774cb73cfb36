"""One navigation for every page under a coalition: the coalition's name, the sections the
user's role may open (the current one marked), a switcher between the user's coalitions and
the account menu. Read once per page, in one query, by the template context processor."""

from dataclasses import dataclass

from django.urls import reverse

from coalitions.models import RoleName
from coalitions.notifications.selectors import unread_count
from coalitions.roles import Permission, role_allows
from coalitions.stewardship.middleware import current_memberships


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    url_name: str
    permission: Permission | None
    # Page names (URL names, or their prefixes ending in "-") that belong to this section.
    pages: tuple[str, ...]
    roles: frozenset | None = None  # only for these roles, whatever their permissions


SECTIONS = (
    Section("home", "Home", "coalition-home", None, ("coalition-home", "coalition-first-steps")),
    Section("map", "Map", "coalition-map", Permission.MAP_VIEW, ("coalition-map",)),
    Section("table", "Table", "coalition-map-table", Permission.MAP_VIEW, ("coalition-map-table",)),
    Section("dashboard", "Dashboard", "dashboard", Permission.DASHBOARD_VIEW, ("dashboard",)),
    Section(
        "workspace", "Workspace", "workflow-pipeline", Permission.WORKFLOW_EDIT, ("workflow-",)
    ),
    Section(
        "organisation",
        "Your organisation",
        "member-proposals",
        Permission.SIGN_AND_ENDORSE,
        ("member-",),
        roles=frozenset({RoleName.MEMBER}),
    ),
    Section("reports", "Reports", "report-list", Permission.REPORTS_VIEW, ("report-",)),
    Section(
        "transfer", "Import and export", "transfer-import", Permission.MAP_EDIT_ALL, ("transfer-",)
    ),
    Section("settings", "Settings", "settings-members", Permission.ROLES_MANAGE, ("settings-",)),
)


def _section_of(url_name: str, role: str) -> str | None:
    # A member reads statements and principles in the workspace's pages: for them, those pages
    # belong to "Your organisation".
    if role == RoleName.MEMBER and url_name.startswith("workflow-"):
        return "organisation"
    for section in SECTIONS:
        for page in section.pages:
            if url_name == page or (page.endswith("-") and url_name.startswith(page)):
                return section.key
    return None


def sections_for(coalition_id: int, role: str, url_name: str) -> list[dict]:
    current = _section_of(url_name or "", role)
    return [
        {
            "key": section.key,
            "label": section.label,
            "url": reverse(section.url_name, args=[coalition_id]),
            "current": section.key == current,
        }
        for section in SECTIONS
        if (section.permission is None or role_allows(role, section.permission))
        and (section.roles is None or role in section.roles)
    ]


def coalition_navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = getattr(request, "weft_memberships", None)
    if memberships is None:  # pages the two-factor rule leaves open (accounts, invitations)
        memberships = current_memberships(user)
    context = {
        "unread_notifications": unread_count(user, [m.coalition_id for m in memberships]),
        "my_coalitions": [
            {"pk": m.coalition_id, "name": m.coalition.name, "role": RoleName(m.role).label}
            for m in memberships
        ],
    }
    match = getattr(request, "resolver_match", None)
    coalition_id = match.kwargs.get("coalition_id") if match else None
    here = next((m for m in memberships if str(m.coalition_id) == str(coalition_id)), None)
    if here is not None:
        context["nav_coalition"] = here.coalition
        context["nav_role"] = RoleName(here.role)
        context["nav_sections"] = sections_for(here.coalition_id, here.role, match.url_name)
    return context
