"""Report pages, PDF, CSV and API per role: funders read published reports only and nothing
else; organizers and stewards write and publish; stewards share; share links open without an
account until they expire or are revoked."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coalitions.models import AuditAction, AuditEntry
from coalitions.reports import services as report_services
from coalitions.reports.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(coalition, personas):
    organizer = personas["organizer"]
    published = report_services.report_create(
        coalition=coalition, created_by=organizer, narrative="A **strong** quarter."
    )
    published = report_services.report_publish(report=published, published_by=organizer)
    draft = report_services.report_create(
        coalition=coalition,
        created_by=organizer,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31),
    )
    return {"published": published, "draft": draft}


def page(name, report):
    return reverse(name, args=[report.coalition_id, report.pk])


def test_a_funder_lists_and_reads_published_reports_only(client_for, coalition, reports):
    client = client_for("funder")
    listing = client.get(reverse("report-list", args=[coalition.pk])).content.decode()
    assert page("report-detail", reports["published"]) in listing
    assert page("report-detail", reports["draft"]) not in listing
    assert "Start a draft" not in listing
    body = client.get(page("report-detail", reports["published"])).content.decode()
    for heading in ("Wins", "Political climate", "Stronger relationships", "More leaders"):
        assert heading in body
    assert "<strong>strong</strong>" in body
    assert 'id="report-trend"' in body
    assert 'id="publish"' not in body and "Share links" not in body
    for name in ("report-detail", "report-pdf", "report-csv"):
        assert client.get(page(name, reports["draft"])).status_code == 404


def test_a_funder_sees_nothing_else_of_the_coalition(client_for, coalition, reports):
    client = client_for("funder")
    home = client.get(reverse("coalition-home", args=[coalition.pk])).content.decode()
    assert reverse("report-list", args=[coalition.pk]) in home
    assert "Actors" not in home  # the map's headline counts
    for url in (
        f"/api/v1/coalitions/{coalition.pk}/map/",
        f"/api/v1/coalitions/{coalition.pk}/actors/",
        f"/api/v1/coalitions/{coalition.pk}/wins/",
        f"/api/v1/coalitions/{coalition.pk}/share-links/",
    ):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", ["steward", "organizer", "weaver", "member"])
def test_other_roles_see_drafts_too(client_for, coalition, reports, role):
    listing = client_for(role).get(reverse("report-list", args=[coalition.pk])).content.decode()
    assert page("report-detail", reports["draft"]) in listing


def test_the_pdf_is_a_pdf_and_the_csv_has_the_figures(client_for, reports):
    client = client_for("funder")
    pdf = client.get(page("report-pdf", reports["published"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf["Content-Disposition"]
    csv = client.get(page("report-csv", reports["published"]))
    assert csv["Content-Type"].startswith("text/csv")
    assert "Mean strength between member organisations" in csv.content.decode()


def test_an_organizer_writes_the_narrative_and_publishes(client_for, reports):
    client = client_for("organizer")
    draft = reports["draft"]
    client.post(page("report-narrative", draft), {"narrative": "We *grew*.", "version": 1})
    draft.refresh_from_db()
    assert draft.narrative == "We *grew*."
    client.post(page("report-publish", draft))
    draft.refresh_from_db()
    assert draft.is_published() and draft.snapshot["narrative"] == "We *grew*."


def test_a_narrative_naming_a_person_is_refused_on_the_page(client_for, reports, people):
    client = client_for("organizer")
    response = client.post(
        page("report-narrative", reports["draft"]),
        {"narrative": f"Thanks {people[0].name}", "version": 1},
        follow=True,
    )
    assert "may not show" in response.content.decode()
    reports["draft"].refresh_from_db()
    assert reports["draft"].narrative == ""


@pytest.mark.parametrize("role", ["weaver", "member", "funder"])
def test_roles_without_reports_edit_cannot_write_or_publish(client_for, reports, role):
    client = client_for(role)
    for name in ("report-narrative", "report-publish"):
        assert client.post(page(name, reports["draft"]), {"narrative": "x"}).status_code in (
            403,
            404,
        )
    assert (
        client.post(reverse("report-new", args=[reports["draft"].coalition_id])).status_code == 403
    )


def test_an_organizer_starts_a_draft_from_the_list(client_for, coalition):
    response = client_for("organizer").post(
        reverse("report-new", args=[coalition.pk]),
        {"period_start": "2026-04-01", "period_end": "2026-06-30"},
    )
    report = Report.objects.get(coalition=coalition)
    assert response["Location"] == page("report-detail", report)
    assert report.period_label == "Q2 2026"


def test_a_steward_shares_a_report_and_the_link_opens_it_without_an_account(client_for, reports):
    from django.test import Client

    steward = client_for("steward")
    client = Client()  # nobody signed in
    response = steward.post(page("report-share-new", reports["published"]), {"expires_in_days": 7})
    shown = steward.get(response["Location"]).content.decode()
    url = shown.split('id="new-share-url">')[1].split("<")[0]
    token = url.rstrip("/").rsplit("/", 1)[1]
    # Shown once only.
    assert url not in steward.get(page("report-detail", reports["published"])).content.decode()
    exchanged = client.get(reverse("shared-report", args=[token]))
    # The token is exchanged for the session: the report is at an address without it.
    assert exchanged.status_code == 302
    assert token not in exchanged["Location"]
    opened = client.get(exchanged["Location"])
    assert opened.status_code == 200
    assert token not in opened.content.decode()
    assert opened["Referrer-Policy"] == "no-referrer"
    assert "A <strong>strong</strong> quarter." in opened.content.decode()
    pdf = client.get(reverse("shared-report-pdf", args=[token]), follow=True)
    assert pdf.content.startswith(b"%PDF")
    assert client.get(reverse("shared-report-csv", args=[token]), follow=True).status_code == 200
    # Without the session, the token-free address opens nothing.
    assert Client().get(exchanged["Location"]).status_code == 404
    assert AuditEntry.objects.filter(action=AuditAction.SHARE_LINK_OPENED).count() == 3
    link = reports["published"].share_links.get()
    steward.post(
        reverse("report-share-revoke", args=[link.report.coalition_id, link.report_id, link.pk])
    )
    assert client.get(reverse("shared-report", args=[token]), follow=True).status_code == 410


def test_an_expired_link_and_an_unknown_one_are_refused(client, personas, reports):
    link, token = report_services.share_link_create(
        report=reports["published"], created_by=personas["steward"]
    )
    link.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    link.save()
    assert client.get(reverse("shared-report", args=[token]), follow=True).status_code == 410
    assert client.get(reverse("shared-report", args=["not-a-token"])).status_code == 404


@pytest.mark.parametrize("role", ["organizer", "weaver", "member", "funder"])
def test_only_stewards_make_share_links(client_for, reports, role):
    response = client_for(role).post(page("report-share-new", reports["published"]))
    assert response.status_code in (403, 404)
    assert not reports["published"].share_links.exists()


# ---------------------------------------------------------------------------------------------
# The API


def api(coalition, *parts):
    return "/api/v1/coalitions/{}/{}".format(coalition.pk, "".join(f"{p}/" for p in parts))


def test_the_api_gives_a_funder_the_same_figures_as_the_page(client_for, coalition, reports):
    client = client_for("funder")
    listing = client.get(api(coalition, "reports")).json()
    assert [r["id"] for r in listing["results"]] == [reports["published"].pk]
    detail = client.get(api(coalition, "reports", reports["published"].pk)).json()
    assert detail["figures"]["sections"] == reports["published"].snapshot["sections"]
    assert detail["narrative_html"] == "<p>A <strong>strong</strong> quarter.</p>"
    assert client.get(api(coalition, "reports", reports["draft"].pk)).status_code == 404


def test_the_api_creates_writes_and_publishes_for_organizers(client_for, coalition):
    client = client_for("organizer")
    created = client.post(
        api(coalition, "reports"),
        {"period_start": "2026-04-01", "period_end": "2026-06-30"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created["ETag"] == '"1"'
    unsaid = client.patch(
        api(coalition, "reports", pk), {"narrative": "Good."}, content_type="application/json"
    )
    assert unsaid.status_code == 428  # a write must say which version it changes
    written = client.patch(
        api(coalition, "reports", pk),
        {"narrative": "Good."},
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
    )
    assert written.status_code == 200 and written.json()["narrative"] == "Good."
    assert written["ETag"] == '"2"' and written.json()["version"] == 2
    assert client.get(api(coalition, "reports", pk))["ETag"] == '"2"'
    published = client.post(api(coalition, "reports", pk, "publish"))
    assert published.json()["status"] == "published"
    again = client.post(api(coalition, "reports", pk, "publish"))
    assert again.status_code == 409 and again.json()["field"] == "status"
    bad = client.post(
        api(coalition, "reports"),
        {"period_start": "2026-06-30", "period_end": "2026-04-01"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "period_end"


def test_the_api_share_link_is_shown_once_and_can_be_revoked(
    client, client_for, coalition, reports
):
    steward = client_for("steward")
    created = steward.post(
        api(coalition, "share-links"),
        {"report": reports["published"].pk, "expires_in_days": 3},
        content_type="application/json",
    ).json()
    assert created["url"] and created["is_open"]
    listed = steward.get(api(coalition, "share-links")).json()["results"]
    assert listed[0]["url"] is None
    revoked = steward.post(api(coalition, "share-links", created["id"], "revoke")).json()
    assert revoked["is_open"] is False
    draft = steward.post(
        api(coalition, "share-links"),
        {"report": reports["draft"].pk},
        content_type="application/json",
    )
    assert draft.status_code == 400 and "report" in draft.json()


def test_two_writers_saving_the_narrative_at_once_do_not_overwrite_each_other(client_for, reports):
    """A steward and an organizer both opened the draft at version 1; the first save wins,
    the second is refused naming who saved in between, and keeps the second writer's text on
    the page for them."""
    draft = reports["draft"]
    form = page("report-narrative", draft)
    saved = client_for("steward").post(form, {"narrative": "Mine.", "version": 1})
    assert saved.status_code == 302
    stale = client_for("organizer").post(form, {"narrative": "Theirs.", "version": 1})
    assert stale.status_code == 412  # a stale write, as on the API
    body = stale.content.decode()
    assert "changed by steward" in body and "your text was not saved" in body
    assert "Theirs." in body and "Mine." in body  # both texts on the page
    draft.refresh_from_db()
    assert draft.narrative == "Mine." and draft.version == 2


def test_a_stale_narrative_through_the_api_is_a_412_naming_who_saved_it(client_for, reports):
    draft = reports["draft"]
    client = client_for("organizer")
    path = api(draft.coalition, "reports", draft.pk)
    first = client.patch(
        path, {"narrative": "One."}, content_type="application/json", HTTP_IF_MATCH='"1"'
    )
    assert first.status_code == 200
    stale = client.patch(
        path, {"narrative": "Two."}, content_type="application/json", HTTP_IF_MATCH='"1"'
    )
    assert stale.status_code == 412
    body = stale.json()
    assert body["current_version"] == 2 and body["changed_by"] == "organizer"
    assert body["changed_fields"] == ["narrative"] and body["current"]["narrative"] == "One."
    draft.refresh_from_db()
    assert draft.narrative == "One."
