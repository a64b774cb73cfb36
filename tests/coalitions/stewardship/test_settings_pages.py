"""The steward's settings pages: members and roles, invitations, the privacy policy and the
audit log (page, CSV, API), for every role."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse

from coalitions.models import AuditAction, AuditEntry, Role
from coalitions.stewardship.models import Invitation

pytestmark = pytest.mark.django_db

ROLES = ["steward", "organizer", "weaver", "member", "funder"]
PAGES = [
    "settings",
    "settings-members",
    "settings-privacy",
    "settings-strength",
    "settings-audit",
    "settings-audit-csv",
    "settings-erase",
    "settings-leave",
    "settings-leave-export",
]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_settings_pages_open_to_stewards_only(client_for, coalition, role, page):
    response = client_for(role).get(reverse(page, args=[coalition.pk]))
    expected = {"steward": (200, 302), "outsider": (404,)}.get(role, (403,))
    assert response.status_code in expected
    if response.status_code == 403:
        assert "Not open to your role" in response.content.decode()  # the styled page


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("settings-role-change", {"role_id": 1}),
        ("settings-role-revoke", {"role_id": 1}),
        ("settings-invitation-revoke", {"invitation_id": 1}),
    ],
)
@pytest.mark.parametrize("role", ["organizer", "weaver", "member", "funder"])
def test_only_stewards_post_to_the_settings(client_for, coalition, personas, role, name, kwargs):
    role_row = Role.objects.current().get(user=personas["weaver"], coalition=coalition)
    kwargs = {**kwargs, "role_id": role_row.pk} if "role_id" in kwargs else kwargs
    response = client_for(role).post(reverse(name, kwargs={"coalition_id": coalition.pk, **kwargs}))
    assert response.status_code == 403
    assert Role.objects.current().get(pk=role_row.pk).role == "weaver"


def test_a_steward_invites_from_the_members_page(
    client_for, coalition, django_capture_on_commit_callbacks
):
    client = client_for("steward")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("settings-members", args=[coalition.pk]),
            {"email": "new@example.org", "role": "organizer", "days": 7},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    page = client.get(reverse("settings-members", args=[coalition.pk])).content.decode()
    assert "new@example.org" in page and "state-sent" in page


def test_a_bad_invitation_form_shows_the_error_next_to_the_field(client_for, coalition):
    response = client_for("steward").post(
        reverse("settings-members", args=[coalition.pk]),
        {"email": "new@example.org", "role": "member", "days": 7},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_organisation-errors"' in html
    assert "choose which" in html
    assert not Invitation.objects.exists()


def test_a_steward_changes_and_revokes_roles(client_for, coalition, personas, member_org):
    client = client_for("steward")
    weaver_role = Role.objects.current().get(user=personas["weaver"], coalition=coalition)
    client.post(
        reverse("settings-role-change", args=[coalition.pk, weaver_role.pk]),
        {f"role-{weaver_role.pk}-role": "organizer"},
    )
    assert Role.objects.current().get(user=personas["weaver"], coalition=coalition).role == (
        "organizer"
    )
    funder_role = Role.objects.current().get(user=personas["funder"], coalition=coalition)
    client.post(reverse("settings-role-revoke", args=[coalition.pk, funder_role.pk]))
    assert not Role.objects.current().filter(user=personas["funder"], coalition=coalition).exists()
    actions = list(AuditEntry.objects.filter(coalition=coalition).values_list("action", flat=True))
    assert AuditAction.ROLE_CHANGED in actions and AuditAction.ROLE_REVOKED in actions


def test_the_last_steward_cannot_leave(client_for, coalition, personas):
    client = client_for("steward")
    own = Role.objects.current().get(user=personas["steward"], coalition=coalition)
    response = client.post(
        reverse("settings-role-revoke", args=[coalition.pk, own.pk]), follow=True
    )
    assert "keeps at least one steward" in response.content.decode()
    assert Role.objects.current().filter(pk=own.pk).exists()


def test_a_member_is_linked_to_a_person_and_an_organisation(
    client_for, coalition, personas, member_org, people
):
    client = client_for("steward")
    role = Role.objects.current().get(user=personas["member"], coalition=coalition)
    client.post(
        reverse("settings-role-change", args=[coalition.pk, role.pk]),
        {
            f"role-{role.pk}-role": "member",
            f"role-{role.pk}-organisation": member_org.pk,
            f"role-{role.pk}-person": people[0].pk,
        },
    )
    now = Role.objects.current().get(user=personas["member"], coalition=coalition)
    assert (now.organisation_id, now.person_id) == (member_org.pk, people[0].pk)


def test_the_privacy_policy_is_saved_and_audited(client_for, coalition):
    client = client_for("steward")
    response = client.post(
        reverse("settings-privacy", args=[coalition.pk]),
        {
            "reports_small_count_threshold": 5,
            "require_two_factor": "on",
            "version": coalition.version,
        },
    )
    assert response.status_code == 302
    coalition.refresh_from_db()
    assert coalition.reports_small_count_threshold == 5
    assert coalition.require_two_factor and not coalition.reports_show_organisation_names
    entry = AuditEntry.objects.filter(action=AuditAction.PRIVACY_CHANGED).get()
    assert "require_two_factor" in entry.details["fields"]


def test_a_stale_privacy_form_is_refused_and_changes_nothing(client_for, coalition):
    client = client_for("steward")
    response = client.post(
        reverse("settings-privacy", args=[coalition.pk]),
        {"reports_small_count_threshold": 9, "version": coalition.version - 1 or 99},
    )
    assert response.status_code == 400
    assert "changed" in response.content.decode()
    coalition.refresh_from_db()
    assert coalition.reports_small_count_threshold == 3


def test_a_threshold_out_of_range_is_refused_at_the_field(client_for, coalition):
    response = client_for("steward").post(
        reverse("settings-privacy", args=[coalition.pk]),
        {"reports_small_count_threshold": 0, "version": coalition.version},
    )
    assert response.status_code == 400
    assert 'id="id_reports_small_count_threshold-errors"' in response.content.decode()


def test_the_audit_log_filters_by_kind_and_downloads_as_csv(client_for, coalition, personas):
    client = client_for("steward")
    page = client.get(reverse("settings-audit", args=[coalition.pk]), {"action": "role_granted"})
    rows = page.context["entries"]
    assert rows and {entry.action for entry in rows} == {"role_granted"}
    csv_response = client.get(
        reverse("settings-audit-csv", args=[coalition.pk]), {"action": "role_granted"}
    )
    lines = list(csv.reader(io.StringIO(csv_response.content.decode())))
    assert lines[0] == ["when", "who", "what", "action", "details"]
    assert len(lines) - 1 == len(rows) and {line[3] for line in lines[1:]} == {"role_granted"}
    # Downloading the log is an export, and is itself audited.
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, details__what="audit_log").exists()


def test_the_audit_log_filters_by_date(client_for, coalition):
    client = client_for("steward")
    page = client.get(
        reverse("settings-audit", args=[coalition.pk]),
        {"since": "2001-01-01", "until": "2001-01-02"},
    )
    assert page.context["entries"] == []
    assert "Nothing recorded that matches" in page.content.decode()


def test_the_audit_api_lists_the_log_for_stewards(client_for, coalition):
    response = client_for("steward").get(
        f"/api/v1/coalitions/{coalition.pk}/audit/", {"action": "role_granted"}
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert results and {row["action"] for row in results} == {"role_granted"}
    assert {"id", "created_at", "user", "action", "details"} == set(results[0])


def test_a_steward_starts_a_coalition_and_lands_on_its_first_steps(client_for, coalition):
    client = client_for("organizer")
    response = client.post(
        reverse("coalition-new"),
        {
            "name": "Clean Air Now",
            "cause": "",
            "phase": "connect",
            "reports_small_count_threshold": 4,
        },
    )
    assert response.status_code == 302
    home = client.get(response["Location"])
    assert home.context["access"].role == "steward"
    html = home.content.decode()
    assert 'id="first-steps"' in html
    assert "Invite the people you organise with" in html and "Write the unity statement" in html


def test_a_coalition_without_a_name_is_refused_at_the_field(client_for, coalition):
    response = client_for("funder").post(
        reverse("coalition-new"),
        {"name": "", "phase": "connect", "reports_small_count_threshold": 3},
    )
    assert response.status_code == 400
    assert 'id="id_name-errors"' in response.content.decode()
