"""The pure figures module of funder reports (coalitions/reporting.py), on plain inputs with
known answers: periods, stance moves, each measure against the period before, the small-count
rule, organisation names, redaction, the CSV and the narrative."""

import csv
import datetime
import io

import lxml.html
import pytest

from coalitions.reports import figures as reporting
from coalitions.reports.figures import PeriodRecords, Privacy, RunFigures, Shift, Win
from coalitions.reports.narrative import render_narrative
from weft.vocabulary import HealthArea

D = datetime.date


def run(day, **figures):
    """A run whose report figures (its ``public`` figures: sensitive items left out) are
    ``figures``; the whole network's figures are deliberately different, so that a report
    that read them would show it."""
    whole = dict.fromkeys(figures, 999) | {"strong_tie_threshold": 0.6}
    return RunFigures(
        computed_for=day, network={**whole, "public": figures}, leadership={"leaders": 999}
    )


def figures_of(snapshot) -> dict:
    return {fig["key"]: fig for section in snapshot["sections"] for fig in section["figures"]}


# ---------------------------------------------------------------------------------------------
# Periods


def test_a_quarter_is_compared_with_the_calendar_quarter_before():
    assert reporting.quarter_of(D(2026, 8, 15)) == (D(2026, 7, 1), D(2026, 9, 30))
    assert reporting.previous_period(D(2026, 1, 1), D(2026, 3, 31)) == (
        D(2025, 10, 1),
        D(2025, 12, 31),
    )
    assert reporting.period_label(D(2026, 4, 1), D(2026, 6, 30)) == "Q2 2026"


def test_any_other_period_is_compared_with_as_many_days_just_before():
    assert reporting.previous_period(D(2026, 2, 10), D(2026, 2, 19)) == (
        D(2026, 1, 31),
        D(2026, 2, 9),
    )
    assert reporting.period_label(D(2026, 2, 10), D(2026, 2, 19)) == "2026-02-10 – 2026-02-19"


def test_the_last_full_quarter_is_the_default_period():
    assert reporting.last_full_quarter(D(2026, 12, 1)) == (D(2026, 7, 1), D(2026, 9, 30))
    assert reporting.last_full_quarter(D(2026, 1, 5)) == (D(2025, 10, 1), D(2025, 12, 31))


def test_the_run_closest_to_and_not_after_a_period_end_is_used():
    runs = [run(D(2026, 3, 1)), run(D(2026, 3, 31)), run(D(2026, 4, 2))]
    assert reporting.closest_run(runs, D(2026, 3, 31)).computed_for == D(2026, 3, 31)
    assert reporting.closest_run(runs, D(2026, 3, 30)).computed_for == D(2026, 3, 1)
    assert reporting.closest_run(runs, D(2026, 2, 1)) is None


# ---------------------------------------------------------------------------------------------
# Stance moves


def test_stance_moves_count_who_moved_between_the_period_ends_never_who():
    assessments = [
        (1, D(2025, 12, 1), "neutral"),
        (1, D(2026, 2, 1), "passive_ally"),  # neutral -> passive ally
        (2, D(2025, 11, 1), "neutral"),
        (2, D(2026, 3, 1), "passive_ally"),  # neutral -> passive ally
        (3, D(2025, 11, 1), "passive_ally"),
        (3, D(2026, 1, 15), "neutral"),
        (3, D(2026, 3, 20), "passive_ally"),  # went and came back: did not move
        (4, D(2026, 2, 1), "active_ally"),  # first assessed within: nowhere to move from
        (5, D(2025, 10, 1), "passive_opposition"),
        (5, D(2026, 4, 2), "neutral"),  # after the period
        (6, D(2025, 6, 1), "active_ally"),
        (6, D(2026, 1, 2), "passive_ally"),  # away from the cause
    ]
    moves = reporting.stance_moves(assessments, D(2026, 1, 1), D(2026, 3, 31))
    assert moves == {("neutral", "passive_ally"): 2, ("active_ally", "passive_ally"): 1}


# ---------------------------------------------------------------------------------------------
# The measures, period against period


@pytest.fixture
def two_periods():
    current = PeriodRecords(
        start=D(2026, 1, 1),
        end=D(2026, 3, 31),
        run=run(
            D(2026, 3, 30),
            member_mean_strength=0.5,
            strong_ties=12,
            density=0.25,
            at_risk=1,
            distributed_leadership=0.7,
            leaders=8,
            new_leaders=3,
            mean_skill_level=3.2,
            mean_skill_level_change=0.4,
            lead_roles=10,
            lead_roles_directly_affected=6,
            directly_affected_share=0.6,
        ),
        wins=[Win("Rent freeze", D(2026, 2, 1), ("March on City Hall", "Testimony"))],
        shifts=[
            Shift("Editorial backs us", D(2026, 1, 5), "favourable"),
            Shift("Ad campaign against us", D(2026, 3, 5), "unfavourable"),
        ],
        stance_moves={("neutral", "passive_ally"): 4, ("passive_ally", "neutral"): 1},
        new_ties=7,
        actions=3,
        convergences=1,
        turnout=420,
        members_by_phase={"connect": ["A", "B", "C"], "produce": ["D", "E", "F", "G"]},
        signatories=["A", "B", "C"],
        signatory_count=5,
    )
    previous = PeriodRecords(
        start=D(2025, 10, 1),
        end=D(2025, 12, 31),
        run=run(
            D(2025, 12, 31),
            member_mean_strength=0.4,
            strong_ties=9,
            density=0.2,
            at_risk=3,
            distributed_leadership=0.5,
            leaders=6,
            new_leaders=2,
            mean_skill_level=2.9,
            mean_skill_level_change=None,
            lead_roles=8,
            lead_roles_directly_affected=4,
            directly_affected_share=0.5,
        ),
        wins=[],
        new_ties=5,
        actions=1,
        turnout=100,
        members_by_phase={"connect": ["A", "B"], "produce": ["D", "E", "F"]},
        signatory_count=2,
    )
    return current, previous


def test_each_measure_shows_its_value_the_previous_one_and_the_change(two_periods):
    snapshot = reporting.build_report(*two_periods, privacy=Privacy())
    figures = figures_of(snapshot)
    expected = {
        "wins": (1, 0, 1),
        "climate_shifts": (2, 0, 2),
        "favourable_shifts": (1, 0, 1),
        "moved_towards": (4, 0, 4),
        "member_mean_strength": (0.5, 0.4, 0.1),
        "strong_ties": (12, 9, 3),
        "density": (0.25, 0.2, 0.05),
        "new_ties": (7, 5, 2),
        "at_risk": (1, 3, -2),
        "leaders": (8, 6, 2),
        "new_leaders": (3, None, None),  # 2 is fewer than 3: withheld
        "mean_skill_level": (3.2, 2.9, 0.3),
        "mean_skill_level_change": (0.4, None, None),
        "distributed_leadership": (0.7, 0.5, 0.2),
        "directly_affected_share": (0.6, 0.5, 0.1),
        "members": (7, 5, 2),
        "signatories": (5, None, None),  # 2 is fewer than 3
        "actions": (3, 1, 2),
        "turnout": (420, 100, 320),
    }
    for key, (value, previous, change) in expected.items():
        fig = figures[key]
        assert (fig["value"], fig["previous"], fig["change"]) == (value, previous, change), key
        assert fig["explains"], key
    assert figures["new_leaders"]["previous_display"] == "fewer than 3"
    assert figures["directly_affected_share"]["display"] == "60%"
    assert figures["directly_affected_share"]["change_display"] == "+10 points"
    assert figures["at_risk"]["change_display"] == "-2"
    assert snapshot["wins"] == [
        {
            "title": "Rent freeze",
            "won_on": "2026-02-01",
            "actions": ["March on City Hall", "Testimony"],
        }
    ]


def test_a_small_count_is_shown_as_fewer_than_the_threshold_and_its_value_is_not_kept(
    two_periods,
):
    snapshot = reporting.build_report(*two_periods, privacy=Privacy(small_count_threshold=5))
    figures = figures_of(snapshot)
    assert figures["new_leaders"]["display"] == "fewer than 5"
    assert figures["new_leaders"]["value"] is None and figures["new_leaders"]["withheld"]
    assert figures["moved_towards"]["display"] == "fewer than 5"
    # 4 neutral -> passive ally, 1 back: both totals are small, so the moves are not listed
    # (each "fewer than 5" row under a total of "fewer than 5" would narrow it down).
    assert snapshot["stance_moves"] == []
    assert snapshot["stance_moves_withheld"] == ["moved_away", "moved_towards"]
    assert snapshot["signatories"]["count"] == "5"
    phases = {phase["phase"]: phase["count"] for phase in snapshot["phases"]}
    assert phases == {
        "prospect": "0",
        "connect": "fewer than 5",
        "align": "0",
        "produce": "fewer than 5",
    }
    # A withheld number is not kept anywhere in the figure: not as its value, nor a change.
    assert figures["new_leaders"]["change"] is None and figures["new_leaders"]["previous"] is None


def test_a_mean_over_fewer_people_than_the_threshold_is_withheld(two_periods):
    current, previous = two_periods
    current.run.network["public"]["leaders"] = 2
    current.run.network["public"]["lead_roles"] = 2
    figures = figures_of(reporting.build_report(current, previous, privacy=Privacy()))
    for key in ("mean_skill_level", "mean_skill_level_change", "directly_affected_share"):
        assert figures[key]["value"] is None and figures[key]["withheld"], key
        assert figures[key]["display"] == "withheld (fewer than 3)"
    assert figures["leaders"]["display"] == "fewer than 3"


def test_organisation_names_appear_only_when_the_coalition_shows_them(two_periods):
    shown = reporting.build_report(*two_periods, privacy=Privacy(show_organisation_names=True))
    hidden = reporting.build_report(*two_periods, privacy=Privacy(show_organisation_names=False))
    assert shown["signatories"]["organisations"] == ["A", "B", "C"]
    assert {p["phase"]: p["organisations"] for p in shown["phases"]}["produce"] == list("DEFG")
    assert hidden["signatories"]["organisations"] == []
    assert all(phase["organisations"] == [] for phase in hidden["phases"])
    assert hidden["signatories"]["count"] == "5"
    # Where a count is withheld as small, the names that would give it away are too.
    few = reporting.build_report(*two_periods, privacy=Privacy(small_count_threshold=6))
    assert {p["phase"]: p["organisations"] for p in few["phases"]}["connect"] == []
    assert few["signatories"]["organisations"] == []


def test_withheld_names_are_redacted_from_titles_and_never_listed(two_periods):
    current, previous = two_periods
    current.wins = [
        Win("Rent freeze after Ada Lovelace spoke", D(2026, 2, 1), ("ADA LOVELACE's vigil",))
    ]
    current.signatories = ["A", "B", "Ada Lovelace"]
    snapshot = reporting.build_report(
        current, previous, privacy=Privacy(withheld=frozenset({"Ada Lovelace", "Ada"}))
    )
    assert snapshot["wins"][0]["title"] == "Rent freeze after [name withheld] spoke"
    assert snapshot["wins"][0]["actions"] == ["[name withheld]'s vigil"]
    assert snapshot["signatories"]["organisations"] == ["A", "B"]
    assert "ada" not in str(snapshot).lower()


def test_a_withheld_name_is_matched_as_a_whole_word():
    withheld = frozenset({"Sam", "+1 202 555 0101"})
    assert reporting.redact("Samuel and Sam met; call +1 202 555 0101.", withheld) == (
        "Samuel and [name withheld] met; call [name withheld]."
    )
    assert reporting.withheld_in("The same again", withheld) == []


def test_a_report_with_thousands_of_withheld_names_withholds_each_in_one_pattern(
    two_periods, monkeypatch
):
    """The withholding is one compiled pattern per set of names, not one per name per text
    (which made a report of 3,000 people take minutes: issue #24): counted, not timed, so that
    a loaded machine cannot fail it; and every name is still withheld wherever it appears."""
    import re

    compiled, compile_now = [], re.compile

    def counting_compile(pattern, flags=0):
        compiled.append(pattern)
        return compile_now(pattern, flags)

    monkeypatch.setattr(reporting.re, "compile", counting_compile)
    for cached in (value for value in vars(reporting).values() if hasattr(value, "cache_clear")):
        cached.cache_clear()
    people = [f"Person{i} Surname{i}" for i in range(1500)]
    emails = [f"person{i}@example.org" for i in range(1500)]
    withheld = frozenset(people + emails + ["Sam"])
    current, previous = two_periods
    current.signatories = [*people[::50], *emails[7::50], "Samuel Trust", "A", "B"]
    current.wins = [Win(f"{name} won, with Sam", D(2026, 2, 1), (name,)) for name in people[::100]]
    current.wins.append(Win("Mail PERSON3@example.org today", D(2026, 2, 2), ()))
    snapshot = reporting.build_report(current, previous, privacy=Privacy(withheld=withheld))
    # One pattern for all 3,001 names, and one per name actually found (18 here); it was one
    # per name per text, over 100,000.
    assert len(compiled) < 50, len(compiled)
    assert snapshot["signatories"]["organisations"] == ["A", "B", "Samuel Trust"]
    titles = [win["title"] for win in snapshot["wins"]]
    assert titles[:-1] == ["[name withheld] won, with [name withheld]"] * 15
    assert titles[-1] == "Mail [name withheld] today"
    assert all(win["actions"] in ([], ["[name withheld]"]) for win in snapshot["wins"])
    text = str(snapshot).lower()
    assert not any(term.lower() in text for term in people[::50] + emails[7::50])
    assert reporting.withheld_in("Person7 Surname7 and person8@example.org", withheld) == [
        "Person7 Surname7",
        "person8@example.org",
    ]


def test_without_metric_runs_the_relationship_and_leadership_figures_say_no_data():
    empty = PeriodRecords(start=D(2026, 1, 1), end=D(2026, 3, 31))
    before = PeriodRecords(start=D(2025, 10, 1), end=D(2025, 12, 31))
    snapshot = reporting.build_report(empty, before, privacy=Privacy(), trend=[empty, before])
    figures = figures_of(snapshot)
    assert figures["density"]["display"] == "no data"
    assert figures["leaders"]["display"] == "no data"
    assert figures["wins"]["display"] == "0"
    assert snapshot["trend"]["labels"] == []


def test_the_trend_has_one_point_per_period_with_a_run(two_periods):
    current, previous = two_periods
    gap = PeriodRecords(start=D(2025, 7, 1), end=D(2025, 9, 30))
    trend = reporting.build_trend([gap, previous, current], privacy=Privacy())
    assert trend["labels"] == ["Q4 2025", "Q1 2026"]
    series = {s["key"]: s["values"] for s in trend["series"]}
    assert series["member_mean_strength"] == [0.4, 0.5]
    assert series["leaders"] == [6, 8]


# ---------------------------------------------------------------------------------------------
# Formats


def test_the_csv_has_every_figure_with_its_display_values(two_periods):
    snapshot = reporting.build_report(*two_periods, privacy=Privacy())
    rows = list(csv.reader(io.StringIO(reporting.figures_csv(snapshot))))
    assert rows[0] == ["section", "figure", "Q1 2026", "Q4 2025", "change", "what it measures"]
    by_label = {row[1]: row for row in rows[1:]}
    assert by_label["New leaders"][2:5] == ["3", "fewer than 3", "—"]
    assert by_label["Ties at risk"][2:5] == ["1", "3", "-2"]


def test_csv_cells_that_a_spreadsheet_would_run_are_defused(two_periods):
    current, previous = two_periods
    current.wins = [Win('=HYPERLINK("http://evil")', D(2026, 2, 1), ("@SUM(A1)",))]
    rows = list(
        csv.reader(
            io.StringIO(
                reporting.figures_csv(reporting.build_report(current, previous, privacy=Privacy()))
            )
        )
    )
    win = next(row for row in rows if row[0] == "Wins" and "HYPERLINK" in row[1])
    assert win[1].startswith("'=") and win[5].startswith("'@")


def test_the_narrative_is_rendered_from_markdown_without_anything_that_runs():
    typed = (
        "**Bold** and [a link](https://example.org)\n\n<script>alert(1)</script>"
        '<img src=x onerror="alert(2)"> [bad](javascript:alert(3))'
    )
    html = render_narrative(typed)
    assert "<strong>Bold</strong>" in html
    assert 'href="https://example.org"' in html
    page = lxml.html.fragment_fromstring(html, create_parent="div")
    # Nothing that runs: no script or image element, no event handler, no script link...
    assert not page.xpath("//script | //img | //@*[starts-with(name(), 'on')]")
    assert [a.get("href") for a in page.iter("a")] == ["https://example.org"]
    # ...and what was typed is shown as the text it is.
    assert '<script>alert(1)</script><img src=x onerror="alert(2)">' in page.text_content()


def test_the_pdf_chart_is_an_svg_line_with_gaps_for_missing_values():
    svg = reporting.trend_svg([0.1, None, 0.3, 0.4], ["Q1 2025", "b", "c", "Q4 2025"])
    assert svg.startswith("<svg") and svg.count("<polyline") == 2 and svg.count("<circle") == 3
    assert reporting.trend_svg([None, None], ["a", "b"]) == ""


def test_the_report_shows_each_health_area_members_score_with_its_label(two_periods):
    from coalitions.align.models import HealthCheckAnswer

    figures = figures_of(reporting.build_report(*two_periods, privacy=Privacy()))
    answer_fields = {field.name for field in HealthCheckAnswer._meta.get_fields()}
    for area in HealthArea:
        assert figures[f"health_{area.value}"]["label"] == area.label
        assert area.value in answer_fields  # each area is a score a member gives
