"""One navigation for every page under a coalition: the sections each role may open, the
current one marked, a switcher between the user's coalitions; styled error pages (#16)."""

import re

import pytest
from django.urls import reverse

from coalitions.services import coalition_create

pytestmark = pytest.mark.django_db

SECTIONS = {
    "steward": [
        "Home",
        "Map",
        "Table",
        "Dashboard",
        "Workspace",
        "Reports",
        "Import and export",
        "Settings",
    ],
    "organizer": ["Home", "Map", "Table", "Dashboard", "Workspace", "Reports", "Import and export"],
    "weaver": ["Home", "Map", "Table", "Dashboard", "Workspace", "Reports", "Import and export"],
    "member": ["Home", "Map", "Table", "Dashboard", "Your organisation", "Reports"],
    "funder": ["Home", "Reports"],
}


def nav_of(html: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Coalition".*?</nav>', html, re.S).group(0)
    return re.findall(r">([^<]+)</a>", nav)


def current_of(html: str) -> str:
    nav = re.search(r'<nav aria-label="Coalition".*?</nav>', html, re.S).group(0)
    return re.search(r'aria-current="page">([^<]+)<', nav).group(1)


@pytest.mark.parametrize("role", sorted(SECTIONS))
def test_each_role_sees_the_sections_it_may_open(client_for, coalition, role):
    html = client_for(role).get(reverse("coalition-home", args=[coalition.pk])).content.decode()
    assert nav_of(html) == SECTIONS[role]
    assert current_of(html) == "Home"
    assert coalition.name in html


@pytest.mark.parametrize(
    "url_name,section",
    [
        ("coalition-map", "Map"),
        ("coalition-map-table", "Table"),
        ("dashboard", "Dashboard"),
        ("workflow-pipeline", "Workspace"),
        ("workflow-statements", "Workspace"),
        ("report-list", "Reports"),
        ("transfer-import", "Import and export"),
        ("settings-audit", "Settings"),
    ],
)
def test_the_current_section_is_marked(client_for, coalition, url_name, section):
    html = client_for("steward").get(reverse(url_name, args=[coalition.pk])).content.decode()
    assert current_of(html) == section


def test_a_member_reads_principles_under_their_organisation(client_for, coalition):
    html = client_for("member").get(reverse("workflow-principles", args=[coalition.pk]))
    assert current_of(html.content.decode()) == "Your organisation"


def test_a_user_with_several_coalitions_can_switch(client_for, coalition, personas):
    other = coalition_create(name="Clean Air Riverside", created_by=personas["weaver"])
    html = client_for("weaver").get(reverse("coalition-home", args=[coalition.pk])).content.decode()
    switcher = re.search(r'id="coalition-switcher".*?</details>', html, re.S).group(0)
    assert reverse("coalition-home", args=[other.pk]) in switcher
    assert "Clean Air Riverside" in switcher and coalition.name in switcher


def test_the_account_menu_has_password_two_factor_and_sign_out(client_for, coalition):
    html = client_for("funder").get(reverse("coalition-list")).content.decode()
    menu = re.search(r'id="account-menu".*?</details>', html, re.S).group(0)
    assert reverse("account_change_password") in menu and reverse("mfa_index") in menu
    assert "Sign out" in menu and coalition.name in menu


def test_a_refused_page_says_why_and_links_back(client_for, coalition):
    response = client_for("funder").get(reverse("coalition-map", args=[coalition.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Not open to your role" in html
    assert f'href="{reverse("coalition-home", args=[coalition.pk])}"' in html


def test_an_unknown_page_is_a_styled_404_with_a_way_back(client_for):
    response = client_for("steward").get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and f'href="{reverse("coalition-list")}"' in html


def test_an_unknown_api_address_answers_json(client_for):
    response = client_for("steward").get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_a_server_error_page_needs_no_database(rf):
    from weft.views import server_error

    response = server_error(rf.get("/coalitions/1/"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


def test_the_api_docs_are_served_from_the_project(client_for):
    html = client_for("steward").get(reverse("api-docs")).content.decode()
    scripts = re.findall(r'src="([^"]+)"', html) + re.findall(r'href="([^"]+\.css)"', html)
    assert scripts and all(src.startswith("/static/") for src in scripts), scripts
