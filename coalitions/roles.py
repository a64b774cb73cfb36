"""Who may see and do what in a coalition: the one place that decides it.

Every page, API view, export and task asks this module; none keeps its own list of roles. The
table below is DESIGN.md's roles table, with one reading made explicit: sensitive actors and
ties are visible to organizers and stewards only (DESIGN.md, "Movement data is dangerous data").

A user with no current role in a coalition gets a 404 for everything under it: to them the
coalition does not exist. A user with a role that does not allow an action gets a 403.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from coalitions.models import Coalition, Role, RoleName


class Permission(StrEnum):
    MAP_VIEW = "map_view"
    MAP_EDIT = "map_edit"  # members: their own organisation only (see can_edit_actor)
    # The whole map: any actor or tie, restoring from history, imports and merges.
    MAP_EDIT_ALL = "map_edit_all"
    SENSITIVE_VIEW = "sensitive_view"
    CONTACTS_VIEW = "contacts_view"
    CONTACTS_EDIT = "contacts_edit"
    WORKFLOW_VIEW = "workflow_view"
    WORKFLOW_EDIT = "workflow_edit"
    SIGN_AND_ENDORSE = "sign_and_endorse"
    # Every signature with its signer; the others read which organisations signed publicly.
    SIGNATURES_VIEW = "signatures_view"
    DASHBOARD_VIEW = "dashboard_view"
    METRICS_RUN = "metrics_run"  # start a metric run by hand
    REPORTS_VIEW = "reports_view"
    REPORTS_EDIT = "reports_edit"  # write the narrative, publish (organizers and stewards)
    REPORTS_DRAFTS_VIEW = "reports_drafts_view"  # funders see published reports only
    REPORTS_SHARE = "reports_share"  # share links for people without an account (stewards)
    ROLES_MANAGE = "roles_manage"  # grant, change, revoke roles; invite
    AUDIT_VIEW = "audit_view"  # the audit log, on its page, as CSV and in the API
    PRIVACY_MANAGE = "privacy_manage"
    # The relationship strength formula's evidence weights and half-life (issue 17).
    STRENGTH_MANAGE = "strength_manage"
    EXPORT = "export"
    # A survey round's answers as CSV (issue 21): who said what about whom.
    SURVEY_EXPORT = "survey_export"
    ERASE = "erase"


STEWARD, ORGANIZER, WEAVER, MEMBER, FUNDER = (
    RoleName.STEWARD,
    RoleName.ORGANIZER,
    RoleName.WEAVER,
    RoleName.MEMBER,
    RoleName.FUNDER,
)

GRANTS: dict[Permission, frozenset[RoleName]] = {
    Permission.MAP_VIEW: frozenset({STEWARD, ORGANIZER, WEAVER, MEMBER}),
    Permission.MAP_EDIT: frozenset({STEWARD, ORGANIZER, WEAVER, MEMBER}),
    Permission.MAP_EDIT_ALL: frozenset({STEWARD, ORGANIZER, WEAVER}),
    Permission.SENSITIVE_VIEW: frozenset({STEWARD, ORGANIZER}),
    Permission.CONTACTS_VIEW: frozenset({STEWARD, ORGANIZER, WEAVER}),
    Permission.CONTACTS_EDIT: frozenset({STEWARD, ORGANIZER, WEAVER}),
    Permission.WORKFLOW_VIEW: frozenset({STEWARD, ORGANIZER, WEAVER, MEMBER}),
    Permission.WORKFLOW_EDIT: frozenset({STEWARD, ORGANIZER, WEAVER}),
    Permission.SIGN_AND_ENDORSE: frozenset({STEWARD, ORGANIZER, WEAVER, MEMBER}),
    Permission.SIGNATURES_VIEW: frozenset({STEWARD, ORGANIZER, WEAVER}),
    Permission.DASHBOARD_VIEW: frozenset({STEWARD, ORGANIZER, WEAVER, MEMBER}),
    Permission.METRICS_RUN: frozenset({STEWARD, ORGANIZER, WEAVER}),
    Permission.REPORTS_VIEW: frozenset({STEWARD, ORGANIZER, WEAVER, MEMBER, FUNDER}),
    Permission.REPORTS_EDIT: frozenset({STEWARD, ORGANIZER}),
    Permission.REPORTS_DRAFTS_VIEW: frozenset({STEWARD, ORGANIZER, WEAVER, MEMBER}),
    Permission.REPORTS_SHARE: frozenset({STEWARD}),
    Permission.ROLES_MANAGE: frozenset({STEWARD}),
    Permission.AUDIT_VIEW: frozenset({STEWARD}),
    Permission.PRIVACY_MANAGE: frozenset({STEWARD}),
    Permission.STRENGTH_MANAGE: frozenset({STEWARD}),
    Permission.EXPORT: frozenset({STEWARD}),
    Permission.SURVEY_EXPORT: frozenset({STEWARD, ORGANIZER}),
    Permission.ERASE: frozenset({STEWARD}),
}


def role_allows(role: str | None, permission: Permission) -> bool:
    return role is not None and role in GRANTS[permission]


class PermissionDeniedForRole(PermissionDenied):
    """Raised when a role exists but does not allow the action: a 403, not a 404 (Django and
    DRF both answer PermissionDenied with 403)."""

    def __init__(self, access: "Access", permission: Permission):
        self.access = access
        self.permission = permission
        super().__init__(f"the {access.role} role does not allow {permission.value}")


@dataclass(frozen=True)
class Access:
    """A user's standing in one coalition, resolved once per request."""

    user: object
    coalition: Coalition
    role: RoleName
    organisation_id: int | None = None
    # The person (an actor) the user is in this coalition: a member speaks for their
    # organisation (votes, answers, endorses) only while this person is its designee.
    person_id: int | None = None

    def can(self, permission: Permission) -> bool:
        return role_allows(self.role, permission)

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise PermissionDeniedForRole(self, permission)

    @property
    def sees_sensitive(self) -> bool:
        return self.can(Permission.SENSITIVE_VIEW)

    @property
    def sees_contacts(self) -> bool:
        return self.can(Permission.CONTACTS_VIEW)

    def can_edit_actor(self, actor) -> bool:
        """Organizers, weavers and stewards edit any actor they can see; a member edits only
        their own organisation; nobody edits what they may not see."""
        if actor.coalition_id != self.coalition.pk:
            return False
        if actor.is_sensitive and not self.sees_sensitive:
            return False
        if self.can(Permission.MAP_EDIT_ALL):
            return True
        return self.can(Permission.MAP_EDIT) and actor.pk == self.organisation_id

    def require_edit_actor(self, actor) -> None:
        if not self.can_edit_actor(actor):
            raise PermissionDeniedForRole(self, Permission.MAP_EDIT)

    def can_edit_tie(self, tie) -> bool:
        """Ties of the map: any for the roles that edit the whole map; a member records and
        edits the ties of their own organisation."""
        if self.can(Permission.MAP_EDIT_ALL):
            return True
        own = self.organisation_id
        return (
            self.can(Permission.MAP_EDIT)
            and own is not None
            and own
            in (
                tie.source_id,
                tie.target_id,
            )
        )

    def require_edit_tie(self, tie) -> None:
        if not self.can_edit_tie(tie):
            raise PermissionDeniedForRole(self, Permission.MAP_EDIT)

    def may_speak_for(self, organisation_id: int | None) -> bool:
        """Whose voice a user records (votes, answers, endorsements, comments): the roles that
        run the workflow, any member organisation's; a member, their own organisation's only
        (and only as its designee: coalitions.connect.services.membership_spoken_for)."""
        if self.can(Permission.WORKFLOW_EDIT):
            return True
        return self.can(Permission.SIGN_AND_ENDORSE) and organisation_id == self.organisation_id

    def require_speak_for(self, organisation_id: int | None) -> None:
        if not self.may_speak_for(organisation_id):
            raise PermissionDeniedForRole(self, Permission.SIGN_AND_ENDORSE)


def current_role(user, coalition_id: int) -> Role | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Role.objects.current()
        .filter(user=user, coalition_id=coalition_id)
        .select_related("coalition")
        .first()
    )


def access_for(user, coalition_id) -> Access:
    """The user's access to a coalition, or Http404 when they hold no current role in it
    (or it does not exist: the two are indistinguishable on purpose)."""
    try:
        coalition_id = int(coalition_id)
    except (TypeError, ValueError):
        raise Http404("No such coalition.") from None
    if not 0 < coalition_id < 2**63:  # beyond any id the database can hold
        raise Http404("No such coalition.")
    role = current_role(user, coalition_id)
    if role is None:
        raise Http404("No such coalition.")
    return Access(
        user=user,
        coalition=role.coalition,
        role=RoleName(role.role),
        organisation_id=role.organisation_id,
        person_id=role.person_id,
    )


def require(user, coalition_id, permission: Permission) -> Access:
    """Access for a permission: 404 without a role, PermissionDeniedForRole (403) without
    the permission."""
    access = access_for(user, coalition_id)
    access.require(permission)
    return access


# ---------------------------------------------------------------------------------------------
# The weaver's workspace (organizers, weavers and stewards: WORKFLOW_EDIT). A member or a
# funder gets 403, someone without a role 404, as everywhere.
def require_workspace(request, coalition_id) -> Access:
    """The weaver's workspace pages (organizers, weavers and stewards: WORKFLOW_EDIT). A
    member or a funder gets 403, someone without a role 404, as everywhere."""
    return require(request.user, coalition_id, Permission.WORKFLOW_EDIT)


# ---------------------------------------------------------------------------------------------
# What a role may see
def hide_sensitive_references(rows: QuerySet, access: Access, *actor_paths: str) -> QuerySet:
    """``rows`` without those that reference a sensitive actor through any of ``actor_paths``,
    for roles that may not see sensitive actors: such a row would reveal the actor."""
    if access.sees_sensitive:
        return rows
    for path in actor_paths:
        rows = rows.filter(Q(**{f"{path}__isnull": True}) | Q(**{f"{path}__is_sensitive": False}))
    return rows
