"""Accounts (django-allauth in Weft's pages): sign-in by username or email, no open sign-up,
password reset that never says whether an address exists, and two-factor sign-in when a
coalition requires it of its stewards and organizers."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.totp import fresh_totp_code, totp_code

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-password-77"


def sign_in(client, login, password=PASSWORD):
    return client.post(reverse("login"), {"login": login, "password": password})


def test_signing_in_by_email_works_like_by_username(client, personas):
    personas["weaver"].email = "weaver@example.org"
    personas["weaver"].save()
    response = sign_in(client, "weaver@example.org")
    assert response.status_code == 302
    assert client.get(reverse("coalition-list")).status_code == 200


def test_there_is_no_open_sign_up(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "stranger",
            "email": "s@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="stranger").exists()


def test_allauths_own_sign_in_address_is_throttled_too(client, personas, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "login": "2/min",
        },
    }
    statuses = [
        client.post("/accounts/login/", {"login": "weaver", "password": "x"}).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_password_reset_end_to_end(client, personas, settings):
    settings.WEFT_PUBLIC_URL = "https://weft.example.net"
    personas["weaver"].email = "weaver@example.org"
    personas["weaver"].save()
    response = client.post(reverse("account_reset_password"), {"email": "weaver@example.org"})
    assert response.status_code == 302
    [message] = mail.outbox
    link = re.search(r"https://weft\.example\.net(/accounts/password/reset/key/\S+/)", message.body)
    assert link, message.body
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    client.logout()
    assert sign_in(client, "weaver", NEW_PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, "weaver", PASSWORD).status_code == 200  # the old one is gone


def test_password_reset_never_says_whether_an_address_exists(client, personas):
    personas["weaver"].email = "weaver@example.org"
    personas["weaver"].save()
    known = client.post(reverse("account_reset_password"), {"email": "weaver@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    # The unknown address is told nothing about any account, and no reset link goes there.
    to_unknown = [m for m in mail.outbox if m.to == ["nobody@example.org"]]
    assert all("/password/reset/key/" not in m.body for m in to_unknown)


def test_changing_the_password_from_the_account_menu(client_for):
    client = client_for("organizer")
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    client.logout()
    assert sign_in(client, "organizer", NEW_PASSWORD).status_code == 302


def test_a_wrong_current_password_is_shown_next_to_its_field(client_for):
    response = client_for("organizer").post(
        reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert 'id="id_oldpassword-errors"' in response.content.decode()


# -- Two-factor sign-in ---------------------------------------------------------------------


def activate_authenticator(client, password=PASSWORD) -> tuple[str, str]:
    """Set up an authenticator app as a person does: confirm the password again (allauth asks
    before any change to the second factor), read the secret, type the app's code. Returns the
    secret and the code used (it cannot be used again)."""
    page = client.get(reverse("mfa_activate_totp"), follow=True)
    if page.redirect_chain and "reauthenticate" in page.redirect_chain[-1][0]:
        client.post(
            reverse("account_reauthenticate"),
            {"password": password, "next": reverse("mfa_activate_totp")},
        )
        page = client.get(reverse("mfa_activate_totp"))
    html = page.content.decode()
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', html)
    secret = secret or re.search(r'value="([A-Z2-7]+)"[^>]*id="authenticator_secret"', html)
    secret = secret.group(1)
    code = totp_code(secret)
    activated = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert activated.status_code == 302
    return secret, code


def require_two_factor(coalition):
    coalition.require_two_factor = True
    coalition.save(update_fields=["require_two_factor"])


@pytest.mark.parametrize("role", ["steward", "organizer"])
def test_a_required_second_factor_is_set_up_before_any_page(client, coalition, personas, role):
    require_two_factor(coalition)
    sign_in(client, role)
    response = client.get(reverse("coalition-home", args=[coalition.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    activate_authenticator(client)
    assert Authenticator.objects.filter(user=personas[role], type="totp").exists()
    assert client.get(reverse("coalition-home", args=[coalition.pk])).status_code == 200


@pytest.mark.parametrize("role", ["weaver", "member", "funder"])
def test_the_rule_leaves_the_other_roles_alone(client_for, coalition, role):
    require_two_factor(coalition)
    assert client_for(role).get(reverse("coalition-home", args=[coalition.pk])).status_code == 200


def test_with_a_second_factor_sign_in_asks_for_the_code(client, coalition, personas):
    require_two_factor(coalition)
    sign_in(client, "organizer")
    secret, used = activate_authenticator(client)
    client.logout()
    response = sign_in(client, "organizer")
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    # Not signed in until the code is given.
    assert client.get(reverse("coalition-list")).status_code == 302
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and 'id="id_code-errors"' in wrong.content.decode()
    right = client.post(reverse("mfa_authenticate"), {"code": fresh_totp_code(secret, used)})
    assert right.status_code == 302
    assert client.get(reverse("coalition-home", args=[coalition.pk])).status_code == 200
