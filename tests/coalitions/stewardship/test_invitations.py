"""Invitations: a steward invites by email with a role; the link works once, until it expires
or is revoked, and every step is in the audit log."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coalitions.models import AuditAction, AuditEntry, Role
from coalitions.roles import PermissionDeniedForRole, access_for
from coalitions.stewardship.models import Invitation
from coalitions.stewardship.services import (
    account_create_from_invitation,
    invitation_accept,
    invitation_create,
    invitation_revoke,
)
from tests.allies.factories import ActorFactory
from tests.conftest import PASSWORD
from weft.errors import ApplicationError
from weft.tokens import token_hash
from weft.vocabulary import ActorKind

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-new-password-41"


def invite(coalition, steward, **fields):
    fields.setdefault("email", "rosa@example.org")
    fields.setdefault("role", "organizer")
    with_token = invitation_create(access=access_for(steward, coalition.pk), **fields)
    return with_token


def link_in(message) -> str:
    return re.search(r"http\S+/invitations/\S+/", message.body).group(0)


def test_an_invitation_emails_a_link_and_keeps_only_the_tokens_hash(
    coalition, personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = invite(coalition, personas["steward"])
    assert len(token) >= 43  # 32 random bytes, URL-safe: 256 bits
    assert invitation.token_hash == token_hash(token)
    assert token not in str(Invitation.objects.values_list().get(pk=invitation.pk))
    [message] = mail.outbox
    assert message.to == ["rosa@example.org"]
    assert coalition.name in message.subject
    assert link_in(message).endswith(f"/invitations/{token}/")
    assert invitation.state == "sent"


def test_links_in_emails_use_the_public_address(
    coalition, personas, settings, django_capture_on_commit_callbacks
):
    settings.WEFT_PUBLIC_URL = "https://weft.example.net"
    with django_capture_on_commit_callbacks(execute=True):
        invite(coalition, personas["steward"])
    assert link_in(mail.outbox[0]).startswith("https://weft.example.net/invitations/")


@pytest.mark.parametrize("role", ["organizer", "weaver", "member", "funder"])
def test_only_stewards_invite(coalition, personas, role):
    with pytest.raises(PermissionDeniedForRole):
        invite(coalition, personas[role])
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"email": "not an address"}, "email"),
        ({"role": "overlord"}, "role"),
        ({"days": 0}, "days"),
        ({"days": 31}, "days"),
        ({"role": "member"}, "organisation"),  # a member speaks for an organisation
    ],
)
def test_a_bad_invitation_names_the_field_and_sends_nothing(coalition, personas, fields, field):
    with pytest.raises(ApplicationError) as refused:
        invite(coalition, personas["steward"], **fields)
    assert refused.value.field == field
    assert not Invitation.objects.exists() and not mail.outbox


def test_an_organisation_from_another_coalition_is_refused(coalition, personas, make_user):
    from coalitions.services import coalition_create

    other = coalition_create(name="Elsewhere", created_by=make_user("elsewhere"))
    foreign = ActorFactory(coalition=other, kind=ActorKind.ORGANISATION)
    with pytest.raises(ApplicationError) as refused:
        invite(coalition, personas["steward"], role="member", organisation=foreign)
    assert refused.value.field == "organisation"


def test_accepting_gives_the_role_once_and_audits_every_step(coalition, personas, member_org):
    invitation, token = invite(
        coalition, personas["steward"], role="member", organisation=member_org
    )
    user = account_create_from_invitation(token=token, username="rosa", password=NEW_PASSWORD)
    role = Role.objects.current().get(coalition=coalition, user=user)
    assert (role.role, role.organisation_id) == ("member", member_org.pk)
    assert user.email == "rosa@example.org" and user.check_password(NEW_PASSWORD)
    invitation.refresh_from_db()
    assert invitation.state == "accepted" and invitation.accepted_by == user
    with pytest.raises(ApplicationError) as again:
        invitation_accept(token=token, user=personas["outsider"])
    assert again.value.status == 410 and "already been used" in again.value.message
    actions = set(AuditEntry.objects.filter(coalition=coalition).values_list("action", flat=True))
    assert {AuditAction.INVITATION_SENT, AuditAction.INVITATION_ACCEPTED} <= actions
    # Audit rows hold ids, never the address.
    assert "rosa@example.org" not in str(list(AuditEntry.objects.values_list("details", flat=True)))


def test_an_expired_or_revoked_invitation_opens_nothing(coalition, personas):
    expired, expired_token = invite(coalition, personas["steward"])
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    revoked, revoked_token = invite(coalition, personas["steward"], email="b@example.org")
    invitation_revoke(
        access=access_for(personas["steward"], coalition.pk), invitation_id=revoked.pk
    )
    for token, words in ((expired_token, "expired"), (revoked_token, "withdrawn")):
        with pytest.raises(ApplicationError) as refused:
            account_create_from_invitation(token=token, username="x", password=NEW_PASSWORD)
        assert refused.value.status == 410 and words in refused.value.message
    assert not get_user_model().objects.filter(username="x").exists()
    assert AuditEntry.objects.filter(action=AuditAction.INVITATION_REVOKED).count() == 1


def test_a_taken_username_or_weak_password_makes_no_account_and_keeps_the_invitation(
    coalition, personas
):
    invitation, token = invite(coalition, personas["steward"])
    with pytest.raises(ApplicationError) as taken:
        account_create_from_invitation(token=token, username="Weaver", password=NEW_PASSWORD)
    assert taken.value.field == "username"
    with pytest.raises(ApplicationError) as weak:
        account_create_from_invitation(token=token, username="rosa", password="123")
    assert weak.value.field == "password1"
    invitation.refresh_from_db()
    assert invitation.state == "sent"
    assert not get_user_model().objects.filter(username="rosa").exists()


# -- The pages an invitee opens -------------------------------------------------------------


def test_the_link_is_exchanged_for_the_session_and_the_address_keeps_no_token(
    client, coalition, personas
):
    _invitation, token = invite(coalition, personas["steward"])
    response = client.get(reverse("invitation-open", args=[token]))
    assert response.status_code == 302 and response["Location"] == reverse("invitation-accept")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert token not in page.content.decode()
    assert "Join Housing for All" in page.content.decode()


def test_an_invitee_makes_an_account_and_lands_in_the_coalition(client, coalition, personas):
    _invitation, token = invite(coalition, personas["steward"], role="weaver")
    client.get(reverse("invitation-open", args=[token]))
    response = client.post(
        reverse("invitation-accept"),
        {"username": "rosa", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("coalition-home", args=[coalition.pk])
    home = client.get(response["Location"])
    assert home.status_code == 200 and home.context["access"].role == "weaver"


def test_an_account_form_with_errors_shows_them_next_to_the_fields(client, coalition, personas):
    _invitation, token = invite(coalition, personas["steward"])
    client.get(reverse("invitation-open", args=[token]))
    response = client.post(
        reverse("invitation-accept"),
        {"username": "weaver", "password1": NEW_PASSWORD, "password2": "different"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_password2-errors"' in html and "The two passwords differ." in html
    assert not Role.objects.filter(user__username="weaver", role="organizer").exists()


@pytest.mark.parametrize("state", ["unknown", "expired", "revoked", "accepted"])
def test_a_closed_link_gets_a_clear_page_and_creates_nothing(client, coalition, personas, state):
    invitation, token = invite(coalition, personas["steward"])
    if state == "unknown":
        token = "not-a-real-token"
    elif state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - datetime.timedelta(seconds=1)
        )
    elif state == "revoked":
        Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    else:
        invitation_accept(token=token, user=personas["outsider"])
    users_before = get_user_model().objects.count()
    response = client.get(reverse("invitation-open", args=[token]))
    assert response.status_code == (404 if state == "unknown" else 410)
    assert "This invitation cannot be used" in response.content.decode()
    # Nothing in the session either: the accept page refuses too.
    assert client.get(reverse("invitation-accept")).status_code == 404
    assert get_user_model().objects.count() == users_before


def test_someone_signed_in_is_asked_which_account_to_use(client_for, coalition, personas):
    _invitation, token = invite(coalition, personas["steward"], role="weaver")
    client = client_for("outsider")
    client.get(reverse("invitation-open", args=[token]))
    page = client.get(reverse("invitation-accept")).content.decode()
    assert "You are signed in as <strong>outsider</strong>" in page
    assert "Sign out and use another account" in page
    # Signing out keeps the invitation open in the new session.
    response = client.post(reverse("invitation-switch-account"))
    assert response["Location"] == reverse("invitation-accept")
    page = client.get(reverse("invitation-accept")).content.decode()
    assert "Make your account" in page
    assert not Role.objects.current().filter(user=personas["outsider"]).exists()


def test_accepting_as_the_signed_in_account(client_for, coalition, personas):
    _invitation, token = invite(coalition, personas["steward"], role="weaver")
    client = client_for("outsider")
    client.get(reverse("invitation-open", args=[token]))
    response = client.post(reverse("invitation-accept"))
    assert response.status_code == 302
    assert (
        Role.objects.current().get(user=personas["outsider"], coalition=coalition).role == "weaver"
    )


def test_an_existing_account_can_sign_in_with_its_password_first(client, coalition, personas):
    _invitation, token = invite(coalition, personas["steward"], email="x@example.org")
    client.get(reverse("invitation-open", args=[token]))
    page = client.get(reverse("invitation-accept")).content.decode()
    assert f"{reverse('login')}?next={reverse('invitation-accept')}" in page
    assert (
        client.post(
            reverse("login") + f"?next={reverse('invitation-accept')}",
            {"login": "outsider", "password": PASSWORD},
        ).status_code
        == 302
    )
    assert "Accept as outsider" in client.get(reverse("invitation-accept")).content.decode()
