"""A policy change reaches reports already published or shared: their figures stay frozen,
but names and small counts follow the stricter of the policy then and the policy now, on the
page, the PDF, the CSV, the API and through a share link (issue #20, item 4)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from coalitions.reports import figures as reporting
from coalitions.reports import selectors as report_selectors
from coalitions.reports import services as report_services
from coalitions.reports.figures import PeriodRecords, Privacy, RunFigures, Win
from tests.allies.factories import ActorFactory
from tests.coalitions.factories import WinFactory
from tests.coalitions.reports.test_services import Q1, history  # noqa: F401 (fixture)
from tests.coalitions.reports.test_suppression import Attack, figures_of, members
from weft.vocabulary import ActorKind

D = datetime.date


def period(start, end, phases, *, leaders, wins=()):
    run = RunFigures(
        computed_for=end,
        network={"public": {"leaders": leaders, "mean_skill_level": 3.0}},
        leadership={},
    )
    return PeriodRecords(
        start=start,
        end=end,
        run=run,
        members_by_phase=phases,
        wins=list(wins),
        stance_moves={("neutral", "passive_ally"): 4},
    )


@pytest.fixture
def published():
    """A snapshot as published under a threshold of 3, names shown."""
    current = period(
        D(2026, 1, 1),
        D(2026, 3, 31),
        members(prospect=2, connect=4, align=7),
        leaders=4,
        wins=[Win("Rent freeze won with Org Alpha", D(2026, 2, 1), ("March of Sam Doe",))],
    )
    previous = period(D(2025, 10, 1), D(2025, 12, 31), members(connect=6, align=6), leaders=8)
    snapshot = reporting.build_report(
        current, previous, privacy=Privacy(), trend=[previous, current]
    )
    snapshot["narrative"] = "Sam Doe spoke for us."
    return snapshot


def test_a_stricter_threshold_now_withholds_what_was_shown_and_keeps_the_figures(published):
    shown = reporting.follow_policy(published, Privacy(small_count_threshold=5))
    figures = figures_of(shown)
    assert shown["privacy"]["small_count_threshold"] == 5
    assert figures["leaders"]["display"] == "fewer than 5" and figures["leaders"]["value"] is None
    assert figures["leaders"]["change"] is None
    assert figures["mean_skill_level"]["display"] == "withheld (fewer than 5)"
    assert figures["moved_towards"]["display"] == "fewer than 5"
    phases = {p["phase"]: p for p in shown["phases"]}
    assert phases["prospect"]["count"] == "fewer than 5"
    # Connect (4) was shown under 3 and is small under 5; Align (7) then goes too, or the
    # member total (11, prospects are not members) would give Connect away: 11 - 7 - 0.
    assert phases["connect"]["count"] == "fewer than 5"
    assert phases["connect"]["organisations"] == []
    assert phases["align"]["count"] == reporting.COMPLEMENTARY_DISPLAY
    assert phases["align"]["organisations"] == []
    # Frozen: what stays shown is what was published.
    assert figures["wins"]["value"] == 1 and figures["members"]["previous"] == 12
    assert figures["members"]["display"] == "11" and phases["produce"]["count"] == "0"
    trend = {series["key"]: series["values"] for series in shown["trend"]["series"]}
    assert trend["leaders"] == [8, None]
    # And the stricter report gives nothing away either, alone or beside the one published.
    assert Attack([shown]).recovered() == {}
    # The snapshot itself is not changed: the page shows it anew each time.
    assert figures_of(published)["leaders"]["value"] == 4


def test_a_looser_threshold_now_shows_nothing_that_was_withheld(published):
    shown = reporting.follow_policy(published, Privacy(small_count_threshold=2))
    assert shown["privacy"]["small_count_threshold"] == 3
    assert {p["phase"]: p["count"] for p in shown["phases"]}["prospect"] == "fewer than 3"
    assert shown == reporting.follow_policy(published, Privacy(small_count_threshold=3))


def test_names_hidden_or_withheld_since_publication_are_hidden(published):
    assert {p["phase"]: p for p in published["phases"]}["align"]["organisations"]
    now = Privacy(show_organisation_names=False, withheld=frozenset({"Org Alpha", "Sam Doe"}))
    shown = reporting.follow_policy(published, now)
    assert shown["privacy"]["organisation_names_shown"] is False
    assert all(phase["organisations"] == [] for phase in shown["phases"])
    assert shown["wins"][0]["title"] == "Rent freeze won with [name withheld]"
    assert shown["wins"][0]["actions"] == ["March of [name withheld]"]
    assert shown["narrative"] == "[name withheld] spoke for us."
    # Names shown now do not come back where the report was published without them.
    hidden = reporting.follow_policy(published, Privacy(show_organisation_names=False))
    assert reporting.follow_policy(hidden, Privacy())["phases"] == hidden["phases"]


def test_a_report_published_before_some_figures_existed_is_still_shown(published):
    for section in published["sections"]:
        section["figures"] = [f for f in section["figures"] if f["key"] != "members"]
    published.pop("stance_moves_withheld")
    shown = reporting.follow_policy(published, Privacy(small_count_threshold=5))
    assert {p["phase"]: p["count"] for p in shown["phases"]}["connect"] != "4"
    assert "members" not in figures_of(shown)


# ---------------------------------------------------------------------------------------------
# Every surface of a published, shared report


def surfaces(coalition, report, funder_user, token):
    funder = Client()
    funder.force_login(funder_user)
    args = [coalition.pk, report.pk]
    texts = {
        "page": funder.get(reverse("report-detail", args=args)).content.decode(),
        "csv": funder.get(reverse("report-csv", args=args)).content.decode(),
        "api": funder.get(
            f"/api/v1/coalitions/{coalition.pk}/reports/{report.pk}/"
        ).content.decode(),
    }
    anonymous = Client()
    texts["shared"] = anonymous.get(
        reverse("shared-report", args=[token]), follow=True
    ).content.decode()
    texts["shared csv"] = anonymous.get(
        reverse("shared-report-csv", args=[token]), follow=True
    ).content.decode()
    return texts


@pytest.mark.django_db
def test_a_policy_change_reaches_a_published_and_shared_report_everywhere(
    coalition,
    personas,
    history,  # noqa: F811
):
    ActorFactory(coalition=coalition, name="Greenway Trust", kind=ActorKind.ORGANISATION)
    WinFactory(
        coalition=coalition, title="Greenway Trust joins the rent strike", won_on=D(2026, 3, 2)
    )
    report = report_services.report_create(
        coalition=coalition, created_by=personas["organizer"], period_start=Q1[0], period_end=Q1[1]
    )
    report = report_services.report_publish(report=report, published_by=personas["organizer"])
    _, token = report_services.share_link_create(report=report, created_by=personas["steward"])
    before = surfaces(coalition, report, personas["funder"], token)
    for where, text in before.items():
        assert "Greenway Trust" in text, where
    # Four organisations moved towards the cause: shown under the threshold of 3.
    assert figures_of(report_selectors.report_figures(report))["moved_towards"]["display"] == "4"

    coalition.reports_small_count_threshold = 5
    coalition.reports_show_organisation_names = False
    coalition.save(
        update_fields=["reports_small_count_threshold", "reports_show_organisation_names"]
    )
    report.refresh_from_db()
    after = surfaces(coalition, report, personas["funder"], token)
    for where, text in after.items():
        assert "Greenway Trust" not in text, where
        assert "fewer than 5" in text, where
    figures = figures_of(report_selectors.report_figures(report))
    assert figures["moved_towards"]["display"] == "fewer than 5"
    assert figures["wins"]["value"] == 3  # frozen: the figures are as published
