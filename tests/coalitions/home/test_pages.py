"""Signing in, the coalition list, and a coalition's home page, per role."""

import pytest
from django.urls import reverse

from tests.allies.factories import ActorFactory
from weft.vocabulary import ActorKind

pytestmark = pytest.mark.django_db

ROLES = ["steward", "organizer", "weaver", "member", "funder"]


def test_the_login_page_renders_a_form(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="login"' in response.content and b'name="password"' in response.content


def test_signing_in_with_the_right_password_lands_on_the_coalition_list(client, personas):
    from tests.conftest import PASSWORD

    response = client.post(reverse("login"), {"login": "weaver", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("coalition-list")


def test_a_wrong_password_is_refused_with_a_message(client, personas):
    response = client.post(reverse("login"), {"login": "weaver", "password": "nope"})
    assert response.status_code == 200
    assert b"username and/or password you specified are not correct" in response.content


def test_anonymous_visitors_are_sent_to_sign_in(client, coalition):
    for url in (reverse("coalition-list"), reverse("coalition-home", args=[coalition.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_its_coalition_in_the_list(client_for, coalition, role):
    response = client_for(role).get(reverse("coalition-list"))
    assert response.status_code == 200
    assert coalition.name in response.content.decode()
    assert reverse("coalition-home", args=[coalition.pk]) in response.content.decode()


def test_a_user_with_no_role_sees_an_empty_list_and_a_404(client_for, coalition):
    client = client_for("outsider")
    listing = client.get(reverse("coalition-list")).content.decode()
    assert coalition.name not in listing
    assert "You hold no role in any coalition yet" in listing
    assert client.get(reverse("coalition-home", args=[coalition.pk])).status_code == 404


def test_a_coalition_that_does_not_exist_looks_like_one_you_cannot_see(client_for):
    assert client_for("steward").get("/coalitions/987654/").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_every_role_opens_the_coalition_home(client_for, coalition, role):
    response = client_for(role).get(reverse("coalition-home", args=[coalition.pk]))
    assert response.status_code == 200
    assert coalition.name in response.content.decode()


def test_the_home_counts_sensitive_actors_only_for_roles_that_may_see_them(client_for, coalition):
    ActorFactory(coalition=coalition, name="Open", kind=ActorKind.GROUP)
    ActorFactory(coalition=coalition, name="Hidden", kind=ActorKind.GROUP, is_sensitive=True)
    # The personas fixture adds the member organisation: 2 visible actors, 1 sensitive.
    assert (
        client_for("organizer")
        .get(reverse("coalition-home", args=[coalition.pk]))
        .context["overview"]["actors"]
        == 3
    )
    assert (
        client_for("member")
        .get(reverse("coalition-home", args=[coalition.pk]))
        .context["overview"]["actors"]
        == 2
    )


def test_a_funder_is_not_shown_the_maps_figures(client_for, coalition):
    response = client_for("funder").get(reverse("coalition-home", args=[coalition.pk]))
    assert "overview" not in response.context


def test_signing_in_is_throttled_per_address(client, personas, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "login": "3/min",
        },
    }
    statuses = [
        client.post(reverse("login"), {"login": "weaver", "password": "wrong"}).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
