from django.urls import path

from coalitions.stewardship import views

urlpatterns = [
    path("coalitions/<int:coalition_id>/settings/", views.settings_index, name="settings"),
    path(
        "coalitions/<int:coalition_id>/settings/members/",
        views.settings_members,
        name="settings-members",
    ),
    path(
        "coalitions/<int:coalition_id>/settings/members/<int:role_id>/",
        views.settings_role_change,
        name="settings-role-change",
    ),
    path(
        "coalitions/<int:coalition_id>/settings/members/<int:role_id>/revoke/",
        views.settings_role_revoke,
        name="settings-role-revoke",
    ),
    path(
        "coalitions/<int:coalition_id>/settings/invitations/<int:invitation_id>/revoke/",
        views.settings_invitation_revoke,
        name="settings-invitation-revoke",
    ),
    path(
        "coalitions/<int:coalition_id>/settings/privacy/",
        views.settings_privacy,
        name="settings-privacy",
    ),
    path(
        "coalitions/<int:coalition_id>/settings/audit/",
        views.settings_audit,
        name="settings-audit",
    ),
    path(
        "coalitions/<int:coalition_id>/settings/audit.csv",
        views.settings_audit_csv,
        name="settings-audit-csv",
    ),
    path(
        "coalitions/<int:coalition_id>/settings/erase/",
        views.settings_erase,
        name="settings-erase",
    ),
    path(
        "coalitions/<int:coalition_id>/settings/erase/<int:actor_id>/",
        views.settings_erase_person,
        name="settings-erase-person",
    ),
    path(
        "coalitions/<int:coalition_id>/settings/leave/",
        views.settings_leave,
        name="settings-leave",
    ),
    path(
        "coalitions/<int:coalition_id>/settings/leave/export.json",
        views.settings_leave_export,
        name="settings-leave-export",
    ),
    path(
        "invitations/switch-account/",
        views.invitation_switch_account,
        name="invitation-switch-account",
    ),
    path("invitations/accept/", views.invitation_accept_page, name="invitation-accept"),
    path("invitations/<str:token>/", views.invitation_open, name="invitation-open"),
]
