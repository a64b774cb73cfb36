"""The privacy scan: every page, PDF, CSV and API response a funder can reach for the demo
coalition, signed in as the funder and through a share link, scanned for every person's name,
email address and phone number and every sensitive actor's name in the database. None may
appear. The scan is shown to work: a name or a phone number planted in a published report is
found on every surface.
"""

import datetime
import html
import json
import re

import pypdfium2
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from allies.models import Actor, ContactDetail
from coalitions.align.models import Signature
from coalitions.models import Coalition, RoleName
from coalitions.reports import services as report_services
from coalitions.reports.models import Report
from demo.builder import DEFAULT_PASSWORD, DEMO_KEY, demo_load
from networks.metrics.models import MetricRun
from tests.networks.factories import MetricRunFactory
from weft.vocabulary import ActorKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    """The demo coalition, with metric runs at each month's end if the demo has none (the
    relationship and leadership figures are then real numbers, not "no data"), and a report
    of the last full quarter published after them."""
    settings.DEBUG = True
    today = timezone.localdate()
    demo_load(password=DEFAULT_PASSWORD, today=today)
    coalition = Coalition.objects.get(demo_key=DEMO_KEY)
    if not MetricRun.objects.filter(coalition=coalition, status="succeeded").exists():
        for months in range(18, -1, -1):
            day = today - datetime.timedelta(days=30 * months)
            MetricRunFactory(
                coalition=coalition,
                status="succeeded",
                input_hash=f"scan-{months}",
                computed_for=day,
                finished_at=timezone.now(),
                network={
                    "public": {
                        "density": 0.1,
                        "member_mean_strength": 0.4,
                        "strong_ties": 12,
                        "at_risk": 2,
                        "distributed_leadership": 0.6,
                        "leaders": 9,
                        "new_leaders": 2,
                        "mean_skill_level": 3.1,
                        "lead_roles": 7,
                        "directly_affected_share": 0.43,
                    }
                },
                leadership={},
            )
    organizer = get_user_model().objects.get(username=RoleName.ORGANIZER.value)
    report = report_services.report_create(coalition=coalition, created_by=organizer)
    report_services.report_publish(report=report, published_by=organizer)
    return coalition


def private_terms(coalition) -> set[str]:
    """Everything personal or hidden that the database holds for the coalition."""
    actors = Actor.objects.filter(coalition=coalition)
    terms = set(
        actors.filter(kind__in=(ActorKind.PERSON, ActorKind.OFFICIAL)).values_list(
            "name", flat=True
        )
    )
    terms |= set(actors.filter(is_sensitive=True).values_list("name", flat=True))
    terms |= set(
        ContactDetail.objects.filter(actor__coalition=coalition).values_list("value", flat=True)
    )
    for name, email in Signature.objects.filter(
        version__statement__coalition=coalition
    ).values_list("signer_name", "signer_email"):
        terms |= {name, email}
    # Every account's name and address but the funder's own, which their account menu shows
    # them.
    for user in get_user_model().objects.exclude(username="funder"):
        terms |= {user.email, user.get_full_name()}
    return {term for term in terms if term and term.strip()}


def pdf_text(content: bytes) -> str:
    document = pypdfium2.PdfDocument(content)
    return " ".join(page.get_textpage().get_text_range() for page in document)


def readable(response) -> str:
    """What a response says, in the forms a name could take in it."""
    kind = response["Content-Type"]
    if kind == "application/pdf":
        text = pdf_text(response.content)
    elif kind.startswith("application/json"):
        text = json.dumps(response.json(), ensure_ascii=False)
    else:
        raw = html.unescape(response.content.decode())
        text = raw + " " + re.sub(r"<[^>]+>", " ", raw)
    return re.sub(r"\s+", " ", text)


def funder_surfaces(coalition, *, only: Report | None = None) -> dict[str, str]:
    """Every page, file and API response the funder and a share link reach (for ``only`` one
    report's, when given): URL -> text."""
    funder = Client()
    funder.force_login(get_user_model().objects.get(username=RoleName.FUNDER.value))
    published = Report.objects.filter(coalition=coalition, status="published")
    assert published.count() >= 2
    if only is not None:
        published = published.filter(pk=only.pk)
    urls = [
        reverse("coalition-list"),
        reverse("coalition-home", args=[coalition.pk]),
        reverse("report-list", args=[coalition.pk]),
        f"/api/v1/coalitions/{coalition.pk}/",
        f"/api/v1/coalitions/{coalition.pk}/reports/",
    ]
    for report in published:
        args = [coalition.pk, report.pk]
        urls += [
            reverse("report-detail", args=args),
            reverse("report-pdf", args=args),
            reverse("report-csv", args=args),
            f"/api/v1/coalitions/{coalition.pk}/reports/{report.pk}/",
        ]
    surfaces = {}
    for url in urls:
        response = funder.get(url)
        assert response.status_code == 200, url
        surfaces[url] = readable(response)
    steward = get_user_model().objects.get(username=RoleName.STEWARD.value)
    anonymous = Client()
    for report in published:
        _, token = report_services.share_link_create(report=report, created_by=steward)
        for name in ("shared-report", "shared-report-pdf", "shared-report-csv"):
            url = reverse(name, args=[token])
            response = anonymous.get(url, follow=True)
            assert response.status_code == 200, url
            surfaces[f"{name} of report {report.pk}"] = readable(response)
    return surfaces


def leaks(surfaces: dict[str, str], terms: set[str]) -> dict[str, list[str]]:
    found = {}
    for where, text in surfaces.items():
        folded = text.casefold()
        hits = sorted(term for term in terms if term.casefold() in folded)
        if hits:
            found[where] = hits
    return found


def test_no_funder_surface_holds_any_personal_or_hidden_data(demo):
    terms = private_terms(demo)
    # The demo has people, emails, phones, signers and sensitive actors to look for.
    assert len(terms) > 60
    assert any("@" in term for term in terms) and any("555 01" in term for term in terms)
    surfaces = funder_surfaces(demo)
    assert len(surfaces) >= 5 + 4 * 2 + 3 * 2
    # The report is not empty: it has figures and the wins of the demo.
    latest = Report.objects.filter(coalition=demo, status="published").latest("published_at")
    report_page = surfaces[reverse("report-detail", args=[demo.pk, latest.pk])]
    assert "Stronger relationships" in report_page and 'id="no-trend"' not in report_page
    assert leaks(surfaces, terms) == {}


@pytest.mark.parametrize("planted", ["a person's name", "a phone number"])
def test_the_scan_finds_personal_data_planted_in_a_published_report(demo, planted, monkeypatch):
    """As if the builder had a bug: a name or a phone number written into a published
    report's snapshot must show up on every surface, and the scan must say so. (A published
    report is shown under the policy in force, which withholds such a name again: that is
    switched off here, as if it had a bug too.)"""
    from coalitions.reports import figures as reporting

    monkeypatch.setattr(reporting, "follow_policy", lambda snapshot, privacy: snapshot)
    person = Actor.objects.filter(coalition=demo, kind=ActorKind.PERSON).first()
    phone = ContactDetail.objects.filter(actor__coalition=demo, kind="phone").first()
    term = person.name if planted == "a person's name" else phone.value
    report = Report.objects.filter(coalition=demo, status="published").first()
    snapshot = report.snapshot
    if planted == "a person's name":
        snapshot["wins"].append(
            {"title": f"Won thanks to {term}", "won_on": "2026-01-02", "actions": []}
        )
    else:
        snapshot["narrative"] += f"\n\nCall {term} to join."
    Report.objects.filter(pk=report.pk).update(snapshot=snapshot)
    found = leaks(funder_surfaces(demo, only=report), private_terms(demo))
    surfaces_with_term = {where for where, hits in found.items() if term in hits}
    # The page, the PDF and the API of that report, and the page and PDF its link opens
    # (the CSV has the wins, not the narrative).
    expected = 5 if planted == "a phone number" else 7
    assert len(surfaces_with_term) >= expected, found
