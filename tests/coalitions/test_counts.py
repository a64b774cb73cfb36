"""One count for one thing (issue #17, item 12): signatories, members and health-check answers
are each counted by one selector, and every page, the API, the dashboard and the reports show
the same number, with the same words saying what counts. A published report keeps the figure
it was published with and says so."""

import datetime
import re
from html import escape

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coalitions.align.services.health import health_answer_record, health_round_open
from coalitions.align.services.signatures import (
    signature_confirm,
    signature_request,
    signature_withdraw,
)
from coalitions.align.services.statements import statement_create
from coalitions.reports.services import report_create, report_publish
from coalitions.roles import access_for
from tests.allies.factories import ActorFactory
from tests.coalitions.factories import MembershipFactory
from weft.vocabulary import (
    HEALTH_ANSWER_DEFINITION,
    MEMBER_DEFINITION,
    SIGNATORY_DEFINITION,
    ActorKind,
)


@pytest.fixture
def statement(coalition, personas):
    coalition.reports_small_count_threshold = 1  # the figures here are small on purpose
    coalition.save(update_fields=["reports_small_count_threshold"])
    return statement_create(
        coalition=coalition,
        title="Homes for all",
        body="We stand together.",
        status="published",
        created_by=personas["weaver"],
    )


@pytest.fixture
def sign(django_capture_on_commit_callbacks):
    def sign_as(statement, name: str, *, listed: bool = True) -> str:
        """Sign as ``name`` through the public page's service; returns the emailed token."""
        with django_capture_on_commit_callbacks(execute=True):
            signature_request(
                version=statement.versions.get(),
                organisation_name=name,
                signer_name="Amos Ndlovu",
                signer_email="amos@example.org",
                show_publicly=listed,
            )
        return re.search(r"/sign/confirm/([^/\s]+)/", mail.outbox[-1].body).group(1)

    return sign_as


@pytest.fixture
def signed(statement, sign):
    """Two signatories (one listed, one not), one signature never confirmed and one confirmed
    then withdrawn: two count."""
    signature_confirm(token=sign(statement, "Faith Alliance"))
    signature_confirm(token=sign(statement, "Quiet Union", listed=False))
    sign(statement, "Slow Co-op")  # never confirmed
    withdrawn = sign(statement, "Gone Tenants")
    signature_confirm(token=withdrawn)
    signature_withdraw(token=withdrawn)
    return statement


def report_figure(html: str, key: str) -> str:
    row = re.search(rf'<tr data-figure="{key}">.*?<td class="value">(.*?)</td>', html, re.S)
    return row.group(1).strip()


def shown(html: str, attribute: str) -> list[str]:
    return re.findall(rf'data-{attribute}="(\d+)"', html)


def this_quarter_report(coalition, user):
    today = timezone.localdate()
    return report_create(
        coalition=coalition,
        created_by=user,
        period_start=today.replace(day=1),
        period_end=today,
    )


def test_a_statement_shows_the_same_signatories_on_every_page_the_api_and_the_report(
    client, client_for, coalition, personas, signed
):
    statement = signed
    public = client.get(f"/sign/{statement.pk}/").content.decode()
    assert shown(public, "signatories") == ["2"]
    assert "Faith Alliance" in public and "Quiet Union" not in public
    assert "1 organisation that asked not to be listed" in public
    assert "Slow Co-op" not in public and "Gone Tenants" not in public
    assert escape(SIGNATORY_DEFINITION) in public

    organizer = client_for("organizer")
    page = organizer.get(
        reverse("workflow-statement", args=[coalition.pk, statement.pk])
    ).content.decode()
    assert shown(page, "signatories") == ["2"] and escape(SIGNATORY_DEFINITION) in page

    api = f"/api/v1/coalitions/{coalition.pk}/statements/"
    assert organizer.get(api).json()["results"][0]["signature_count"] == 2
    assert organizer.get(f"{api}{statement.pk}/").json()["signature_count"] == 2

    dashboard = organizer.get(f"/coalitions/{coalition.pk}/dashboard/").content.decode()
    assert shown(dashboard, "signatories") == ["2"] and escape(SIGNATORY_DEFINITION) in dashboard

    home = client_for("member").get(f"/coalitions/{coalition.pk}/").content.decode()
    assert shown(home, "signatories") == ["2"]

    report = this_quarter_report(coalition, personas["organizer"])
    html = organizer.get(reverse("report-detail", args=[coalition.pk, report.pk])).content
    assert report_figure(html.decode(), "signatories") == "2"
    assert escape(SIGNATORY_DEFINITION) in html.decode()


def test_a_sensitive_signatory_is_counted_only_for_the_roles_that_may_see_it(
    client, client_for, coalition, statement, sign
):
    ActorFactory(
        coalition=coalition, name="Hidden Shelter", kind=ActorKind.ORGANISATION, is_sensitive=True
    )
    signature_confirm(token=sign(statement, "Hidden Shelter"))
    signature_confirm(token=sign(statement, "Faith Alliance"))
    api = f"/api/v1/coalitions/{coalition.pk}/statements/{statement.pk}/"
    assert client_for("organizer").get(api).json()["signature_count"] == 2
    assert client_for("member").get(api).json()["signature_count"] == 1
    public = client.get(f"/sign/{statement.pk}/").content.decode()
    assert shown(public, "signatories") == ["1"] and "Hidden Shelter" not in public


def test_a_published_report_keeps_its_figure_after_a_new_signature_and_says_so(
    client_for, coalition, personas, signed, sign
):
    report = this_quarter_report(coalition, personas["organizer"])
    report_publish(report=report, published_by=personas["organizer"])
    signature_confirm(token=sign(signed, "Late Tenants"))

    organizer = client_for("organizer")
    url = reverse("report-detail", args=[coalition.pk, report.pk])
    html = organizer.get(url).content.decode()
    assert report_figure(html, "signatories") == "2"
    published_on = timezone.localtime(report.published_at).strftime("%-d %B %Y")
    assert f"as published on {published_on}" in html
    # Everything that reads the data now says three.
    page = organizer.get(
        reverse("workflow-statement", args=[coalition.pk, signed.pk])
    ).content.decode()
    assert shown(page, "signatories") == ["3"]
    draft = this_quarter_report(coalition, personas["organizer"])
    live = organizer.get(reverse("report-detail", args=[coalition.pk, draft.pk])).content
    assert report_figure(live.decode(), "signatories") == "3"
    assert "as published on" not in live.decode()


def test_members_are_counted_alike_on_the_home_page_the_pipeline_and_the_dashboard(
    client_for, coalition, orgs
):
    MembershipFactory(coalition=coalition, organisation=orgs[0], phase="connect")
    MembershipFactory(coalition=coalition, organisation=orgs[1], phase="produce")
    MembershipFactory(coalition=coalition, organisation=orgs[2], phase="prospect")
    MembershipFactory(
        coalition=coalition,
        organisation=orgs[3],
        phase="align",
        left_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    organizer = client_for("organizer")
    for path in ("", "pipeline/", "dashboard/"):
        html = organizer.get(f"/coalitions/{coalition.pk}/{path}").content.decode()
        assert shown(html, "members") == ["2"], path
        assert escape(MEMBER_DEFINITION) in html, path


def test_health_answers_are_counted_alike_on_the_health_page_the_api_and_the_dashboard(
    client_for, coalition, orgs, personas
):
    today = timezone.localdate()
    health_round = health_round_open(
        coalition=coalition,
        title="Spring check",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=7),
        opened_by=personas["weaver"],
    )
    for org in orgs[:3]:
        MembershipFactory(coalition=coalition, organisation=org, phase="align")
        health_answer_record(
            access=access_for(personas["weaver"], coalition.pk),
            round=health_round,
            organisation=org,
            scores=dict.fromkeys(
                ("purpose", "participation", "relationships", "structures", "coordination"), 4
            ),
        )
    organizer = client_for("organizer")
    health = organizer.get(f"/coalitions/{coalition.pk}/health/").content.decode()
    assert shown(health, "answers") == ["3"] and escape(HEALTH_ANSWER_DEFINITION) in health
    rounds = organizer.get(f"/api/v1/coalitions/{coalition.pk}/health-checks/").json()
    assert rounds["results"][0]["answer_count"] == 3
    dashboard = organizer.get(f"/coalitions/{coalition.pk}/dashboard/").content.decode()
    assert shown(dashboard, "answers") == ["3"]
