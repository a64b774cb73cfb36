"""Retention (#20): each kind of data one day inside its period stays, one day past it goes,
the run's audit entry counts what went, and the privacy page shows what the next run will
remove. The clock is frozen: every run here is at NOW."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from allies.models import ContactDetail
from coalitions.align.models import Signature
from coalitions.models import AuditAction, AuditEntry
from coalitions.stewardship.models import Invitation
from coalitions.stewardship.retention import retention_due, retention_run
from coalitions.stewardship.tasks import retention_daily
from networks.models import Interaction
from tests.allies.factories import ContactDetailFactory
from tests.coalitions.factories import SignatureFactory, StatementVersionFactory
from tests.networks.factories import InteractionFactory, InteractionParticipantFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def ago(days: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


@pytest.fixture
def periods(coalition):
    coalition.retain_contacts_days = 100
    coalition.retain_interaction_notes_days = 200
    coalition.retain_signatures_days = 30
    coalition.retain_invitations_days = 10
    coalition.retain_audit_days = 400
    coalition.save()
    return coalition


def contact_changed(person, days: int, value: str) -> ContactDetail:
    contact = ContactDetailFactory(actor=person, value=value)
    ContactDetail.objects.filter(pk=contact.pk).update(updated_at=ago(days))
    return contact


def test_contact_details_of_people_with_no_interaction_go_after_their_period(periods, people):
    inside = contact_changed(people[0], 99, "inside@example.org")
    past = contact_changed(people[1], 101, "past@example.org")
    # Past the period, but the person met someone inside it: kept.
    active = contact_changed(people[2], 300, "active@example.org")
    meeting = InteractionFactory(coalition=periods, occurred_on=ago(99).date())
    InteractionParticipantFactory(interaction=meeting, actor=people[2])

    counts = retention_run(periods, NOW)

    assert set(ContactDetail.objects.values_list("pk", flat=True)) == {inside.pk, active.pk}
    assert not ContactDetail.history.filter(id=past.pk).exists()  # no restore brings it back
    assert counts["contacts"] == 1


def test_interaction_notes_are_cleared_after_their_period_history_too(periods):
    inside = InteractionFactory(coalition=periods, occurred_on=ago(199).date(), summary="kept")
    past = InteractionFactory(coalition=periods, occurred_on=ago(201).date(), summary="gone")

    counts = retention_run(periods, NOW)

    assert Interaction.objects.get(pk=inside.pk).summary == "kept"
    assert Interaction.objects.get(pk=past.pk).summary == ""
    assert set(Interaction.history.filter(id=past.pk).values_list("summary", flat=True)) == {""}
    assert counts["interaction_notes"] == 1


def test_withdrawn_and_unconfirmed_signatures_go_confirmed_ones_stay(periods):
    version = StatementVersionFactory(statement__coalition=periods)
    withdrawn_inside = SignatureFactory(version=version, withdrawn_at=ago(29))
    withdrawn_past = SignatureFactory(version=version, withdrawn_at=ago(31))
    unconfirmed_past = SignatureFactory(version=version)
    confirmed_old = SignatureFactory(version=version, confirmed_at=ago(500))
    Signature.objects.filter(pk__in=[unconfirmed_past.pk, confirmed_old.pk]).update(
        created_at=ago(31)
    )

    counts = retention_run(periods, NOW)

    assert set(Signature.objects.values_list("pk", flat=True)) == {
        withdrawn_inside.pk,
        confirmed_old.pk,
    }
    assert not Signature.objects.filter(pk=withdrawn_past.pk).exists()
    assert counts["signatures"] == 2


def invitation(coalition, n: int, **fields) -> Invitation:
    return Invitation.objects.create(
        coalition=coalition,
        email=f"invitee{n}@example.org",
        role="weaver",
        token_hash=str(n) * 64,
        expires_at=fields.pop("expires_at", NOW + 5 * DAY),
        **fields,
    )


def test_closed_invitations_go_after_their_period_open_ones_stay(periods):
    kept = [
        invitation(periods, 1),  # open
        invitation(periods, 2, revoked_at=ago(9)),
        invitation(periods, 3, expires_at=ago(9)),
    ]
    invitation(periods, 4, revoked_at=ago(11))
    invitation(periods, 5, accepted_at=ago(11))
    invitation(periods, 6, expires_at=ago(11))

    counts = retention_run(periods, NOW)

    assert set(Invitation.objects.values_list("pk", flat=True)) == {i.pk for i in kept}
    assert counts["invitations"] == 3


def test_audit_entries_go_after_their_period_and_each_run_is_audited(periods):
    AuditEntry.objects.filter(coalition=periods).delete()
    inside = AuditEntry.objects.create(coalition=periods, action=AuditAction.EXPORT)
    past = AuditEntry.objects.create(coalition=periods, action=AuditAction.EXPORT)
    AuditEntry.objects.filter(pk=inside.pk).update(created_at=ago(399))
    AuditEntry.objects.filter(pk=past.pk).update(created_at=ago(401))

    retention_run(periods, NOW)

    assert not AuditEntry.objects.filter(pk=past.pk).exists()
    assert AuditEntry.objects.filter(pk=inside.pk).exists()
    run = AuditEntry.objects.get(coalition=periods, action=AuditAction.RETENTION_RUN)
    assert run.details == {
        "contacts": 0,
        "interaction_notes": 0,
        "signatures": 0,
        "invitations": 0,
        "audit": 1,
    }


def test_keep_for_ever_keeps_everything(coalition, people):
    for field in (
        "retain_contacts_days",
        "retain_interaction_notes_days",
        "retain_signatures_days",
        "retain_invitations_days",
        "retain_audit_days",
    ):
        setattr(coalition, field, None)
    coalition.save()
    contact = contact_changed(people[0], 10_000, "old@example.org")
    old = InteractionFactory(coalition=coalition, occurred_on=ago(10_000).date(), summary="x")
    assert retention_run(coalition, NOW) == dict.fromkeys(
        ("contacts", "interaction_notes", "signatures", "invitations", "audit"), 0
    )
    assert ContactDetail.objects.filter(pk=contact.pk).exists()
    assert Interaction.objects.get(pk=old.pk).summary == "x"


def test_the_defaults_are_safe(coalition):
    assert coalition.retain_contacts_days == 730
    assert coalition.retain_audit_days == 1825


def test_the_daily_task_runs_on_the_frozen_clock_and_is_on_the_beat(periods, people):
    from weft.celery import app

    past = contact_changed(people[1], 101, "past@example.org")
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        retention_daily()
    assert not ContactDetail.objects.filter(pk=past.pk).exists()
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "coalitions.retention_daily" in tasks


def test_the_privacy_page_shows_what_the_next_run_removes(client_for, periods, people):
    contact_changed(people[1], 101, "past@example.org")
    contact_changed(people[2], 102, "past2@example.org")
    due = {d.kind: d.count for d in retention_due(periods)}
    assert due["contacts"] == 2
    page = client_for("steward").get(reverse("settings-privacy", args=[periods.pk]))
    text = page.content.decode()
    assert "The next retention run" in text
    assert "Contact details of people with no recent interaction" in text
    assert ContactDetail.objects.count() == 2  # showing removes nothing


def test_stewards_set_the_periods_on_the_privacy_page(client_for, coalition):
    client = client_for("steward")
    url = reverse("settings-privacy", args=[coalition.pk])
    response = client.post(
        url,
        {
            "reports_small_count_threshold": 3,
            "reports_show_organisation_names": "on",
            "retain_contacts_days": 365,
            "retain_interaction_notes_days": "",
            "retain_signatures_days": 30,
            "retain_invitations_days": 10,
            "retain_audit_days": 0,
            "version": coalition.version,
        },
    )
    assert response.status_code == 400  # 0 days is refused, next to its field
    assert "retain_audit_days" in response.content.decode()
    response = client.post(
        url,
        {
            "reports_small_count_threshold": 3,
            "reports_show_organisation_names": "on",
            "retain_contacts_days": 365,
            "retain_interaction_notes_days": "",
            "retain_signatures_days": 30,
            "retain_invitations_days": 10,
            "retain_audit_days": 3000,
            "version": coalition.version,
        },
    )
    assert response.status_code == 302
    coalition.refresh_from_db()
    assert coalition.retain_contacts_days == 365
    assert coalition.retain_interaction_notes_days is None
    entry = AuditEntry.objects.filter(action=AuditAction.PRIVACY_CHANGED).first()
    assert "retain_contacts_days" in entry.details["fields"]
    assert timezone.now()  # the clock is not frozen outside the runs
