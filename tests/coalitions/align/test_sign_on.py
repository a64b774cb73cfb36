"""The public sign-on page of a published statement: no login, CSRF protected, a honeypot,
throttled per address, confirmation by emailed link, bound to the version signed, the public
list of organisation names (only when they agreed), withdrawal recorded, re-confirmation
when a new version is published. And text rendered safely."""

import re

import pytest
from django.core import mail
from django.test import Client

from coalitions.align.models import Signature, StatementStatus
from coalitions.align.services.signatures import signature_request
from coalitions.align.services.statements import (
    statement_create,
    statement_update,
    statement_version_add,
)
from coalitions.align.views.sign_on import SIGN_ON_ATTEMPTS
from weft.errors import ApplicationError
from weft.versions import ANY_VERSION

BODY = (
    "We stand **together** for homes.\n\n<script>alert('owned')</script>\n\n"
    "[x](javascript:alert(1))"
)


@pytest.fixture
def published(coalition, personas):
    return statement_create(
        coalition=coalition,
        title="Homes for all",
        body=BODY,
        status="published",
        created_by=personas["weaver"],
    )


def sign(client, statement, **overrides):
    data = {
        "organisation_name": "Faith Alliance",
        "signer_name": "Rev. Amos",
        "signer_title": "Chair",
        "signer_email": "amos@example.org",
        "show_publicly": "on",
        "authorised": "on",
        "website": "",
    }
    data.update(overrides)
    return client.post(f"/sign/{statement.pk}/", data)


def link_in(message, kind):
    return re.search(rf"http://\S+(/sign/{kind}/\S+/)", message.body).group(1)


def test_the_page_shows_the_published_text_with_script_escaped(client, published):
    response = client.get(f"/sign/{published.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>together</strong>" in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html


def test_sign_confirm_by_email_link_then_listed_then_withdraw(
    client, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign(client, published)
    assert response.status_code == 200 and b"Check your email" in response.content
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["amos@example.org"]
    # Not listed until confirmed; the GET of the link confirms nothing (mail scanners).
    assert b"Faith Alliance" not in client.get(f"/sign/{published.pk}/").content
    confirm = link_in(mail.outbox[0], "confirm")
    client.get(confirm)
    assert Signature.objects.get().confirmed_at is None
    client.post(confirm)
    signature = Signature.objects.get()
    assert signature.confirmed_at is not None
    assert signature.version == published.versions.get()
    page = client.get(f"/sign/{published.pk}/").content.decode()
    assert "Faith Alliance" in page
    assert "amos@example.org" not in page and "Rev. Amos" not in page
    client.post(link_in(mail.outbox[0], "withdraw"))
    signature.refresh_from_db()
    assert signature.withdrawn_at is not None  # recorded, not deleted
    assert "Faith Alliance" not in client.get(f"/sign/{published.pk}/").content.decode()


def test_an_organisation_that_did_not_agree_is_counted_but_not_listed(client, published):
    sign(client, published, show_publicly="")
    Signature.objects.update(confirmed_at="2026-05-01T10:00:00Z")
    page = client.get(f"/sign/{published.pk}/").content.decode()
    assert "Faith Alliance" not in page
    assert 'data-signatories="1"' in page
    assert "1 organisation that asked not to be listed" in page


def test_a_second_signature_by_the_same_organisation_is_refused(client, published):
    sign(client, published)
    response = sign(
        client, published, organisation_name="  faith   ALLIANCE ", signer_email="b@example.org"
    )
    assert response.status_code == 409
    assert "has already signed this version" in response.content.decode()
    assert Signature.objects.count() == 1


def test_a_draft_cannot_be_signed(client, coalition, personas):
    draft = statement_create(
        coalition=coalition, title="Draft", body="Not yet", created_by=personas["weaver"]
    )
    assert client.get(f"/sign/{draft.pk}/").status_code == 404
    assert sign(client, draft).status_code == 404
    with pytest.raises(ApplicationError) as caught:
        signature_request(
            version=draft.versions.get(),
            organisation_name="X",
            signer_name="Y",
            signer_email="y@example.org",
        )
    assert caught.value.field == "version"
    assert not Signature.objects.exists()


def test_the_honeypot_records_nothing(client, published):
    response = sign(client, published, website="http://spam.example")
    assert response.status_code == 200
    assert not Signature.objects.exists() and not mail.outbox


def test_the_form_needs_csrf(published):
    csrf_client = Client(enforce_csrf_checks=True)
    assert sign(csrf_client, published).status_code == 403
    page = csrf_client.get(f"/sign/{published.pk}/")
    token = page.cookies["csrftoken"].value
    response = sign(csrf_client, published, csrfmiddlewaretoken=token)
    assert response.status_code == 200 and Signature.objects.count() == 1


def test_sign_on_is_throttled_per_address(client, published):
    for i in range(SIGN_ON_ATTEMPTS):
        assert sign(client, published, organisation_name=f"Org {i}").status_code == 200
    response = sign(client, published, organisation_name="One too many")
    assert response.status_code == 429
    assert Signature.objects.count() == SIGN_ON_ATTEMPTS
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert sign(other, published, organisation_name="Elsewhere").status_code == 200


def test_a_bad_email_is_refused_naming_the_field(client, published):
    response = sign(client, published, signer_email="not-an-email")
    assert response.status_code == 400
    assert "Enter a valid email address" in response.content.decode()


def test_a_new_published_version_asks_earlier_signers_to_reconfirm(
    client, published, personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign(client, published)
    client.post(link_in(mail.outbox[0], "confirm"))
    weaver = personas["weaver"]
    statement_update(
        statement=published,
        expected_version=ANY_VERSION,
        updated_by=weaver,
        status=StatementStatus.DRAFT,
    )
    statement_version_add(statement=published, body="A better text.", created_by=weaver)
    with django_capture_on_commit_callbacks(execute=True):
        statement_update(
            statement=published,
            expected_version=ANY_VERSION,
            updated_by=weaver,
            status=StatementStatus.PUBLISHED,
        )
    assert len(mail.outbox) == 2 and "new version" in mail.outbox[1].body
    fresh = Signature.objects.get(version__number=2)
    assert fresh.confirmed_at is None and fresh.organisation_name == "Faith Alliance"
    # The page now shows version 2; the organisation is listed again once it re-confirms.
    assert "Faith Alliance" not in client.get(f"/sign/{published.pk}/").content.decode()
    client.post(link_in(mail.outbox[1], "confirm"))
    assert "Faith Alliance" in client.get(f"/sign/{published.pk}/").content.decode()


def test_an_unknown_token_is_a_404(client, db):
    assert client.post("/sign/confirm/nonsense/").status_code == 404
    assert client.get("/sign/withdraw/nonsense/").status_code == 404
