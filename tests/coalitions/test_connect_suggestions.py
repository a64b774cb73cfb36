"""The Connect page at real size: one suggestion per pair and kind across metric runs, its
decision kept from run to run, filtered and paginated, the query count independent of the
number of suggestions."""

import itertools
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from allies.models import ActorKind
from coalitions.connect.services import suggestion_dismiss
from networks.metrics.services import suggestions_record
from networks.models import Suggestion
from tests.allies.factories import ActorFactory
from tests.networks.factories import MetricRunFactory


def _run(coalition, n):
    return MetricRunFactory(coalition=coalition, input_hash=f"{n:064x}")


def _found(kind, actor, other, reason="2 partners in common, no tie yet", score=2.0):
    return SimpleNamespace(
        kind=kind, actor=actor.pk, other=other.pk if other else None, score=score, reason=reason
    )


def test_a_pair_found_by_two_runs_is_one_suggestion_whichever_way_round(coalition, orgs):
    suggestions_record(_run(coalition, 1), [_found("introduction", orgs[1], orgs[0])])
    second = _run(coalition, 2)
    suggestions_record(second, [_found("introduction", orgs[0], orgs[1], score=3.0)])
    suggestion = Suggestion.objects.get()
    assert (suggestion.actor, suggestion.other, suggestion.run, suggestion.score) == (
        orgs[0],
        orgs[1],
        second,
        3.0,
    )


def test_a_dismissed_suggestion_stays_dismissed_until_its_reason_changes(coalition, orgs, personas):
    suggestions_record(_run(coalition, 1), [_found("introduction", orgs[0], orgs[1])])
    suggestion = Suggestion.objects.get()
    suggestion_dismiss(suggestion=suggestion, decided_by=personas["weaver"], reason="Rivals")

    suggestions_record(_run(coalition, 2), [_found("introduction", orgs[0], orgs[1])])
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.dismissed_reason, suggestion.decided_by) == (
        "dismissed",
        "Rivals",
        personas["weaver"],
    )

    suggestions_record(
        _run(coalition, 3),
        [_found("introduction", orgs[0], orgs[1], reason="4 partners in common, no tie yet")],
    )
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by, suggestion.reason) == (
        "open",
        None,
        "4 partners in common, no tie yet",
    )
    assert Suggestion.objects.count() == 1


def test_an_open_suggestion_a_later_run_does_not_find_is_gone_a_decided_one_stays(
    coalition, orgs, personas
):
    suggestions_record(
        _run(coalition, 1),
        [_found("introduction", orgs[0], orgs[1]), _found("introduction", orgs[2], orgs[3])],
    )
    decided = Suggestion.objects.get(actor=orgs[2])
    suggestion_dismiss(suggestion=decided, decided_by=personas["weaver"], reason="Done already")
    suggestions_record(_run(coalition, 2), [_found("periphery", orgs[4], None)])
    assert sorted(Suggestion.objects.values_list("kind", "actor__name", "status")) == [
        ("introduction", "Org 2", "dismissed"),
        ("periphery", "Org 4", "open"),
    ]


def test_the_page_lists_each_pair_once_after_two_runs_and_keeps_the_decision(
    client_for, coalition, orgs
):
    for n in (1, 2):
        suggestions_record(
            _run(coalition, n),
            [_found("introduction", orgs[0], orgs[1]), _found("introduction", orgs[2], orgs[3])],
        )
    client = client_for("weaver")
    page = f"/coalitions/{coalition.pk}/connect/"
    html = client.get(page).content.decode()
    assert html.count("<tr data-suggestion=") == 2
    dismissed = Suggestion.objects.get(actor=orgs[2])
    client.post(page, {"action": "dismiss", "suggestion": dismissed.pk, "reason": "Rivals"})
    suggestions_record(
        _run(coalition, 3),
        [_found("introduction", orgs[0], orgs[1]), _found("introduction", orgs[2], orgs[3])],
    )
    html = client.get(page).content.decode()
    assert (
        html.count("<tr data-suggestion=") == 1 and "Org 3" not in html.split("Introductions")[-1]
    )
    decided = client.get(page + "?status=dismissed").content.decode()
    assert "Dismissed by weaver" in decided and "“Rivals”" in decided


def test_the_introduction_form_comes_before_the_suggestions(client_for, coalition):
    html = client_for("weaver").get(f"/coalitions/{coalition.pk}/connect/").content.decode()
    assert html.index('id="log-heading"') < html.index('id="suggestions-heading"')


def _many(coalition, actors, count):
    Suggestion.objects.all().delete()
    run = _run(coalition, count)
    Suggestion.objects.bulk_create(
        Suggestion(
            run=run,
            coalition=coalition,
            kind="introduction",
            actor=a,
            other=b,
            score=i,
            reason=f"{i} partners in common",
        )
        for i, (a, b) in enumerate(itertools.islice(itertools.combinations(actors, 2), count))
    )


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.django_db
def test_the_page_reads_the_same_number_of_queries_for_10_and_1000_suggestions(
    client_for, coalition, django_assert_num_queries
):
    client = client_for("weaver")
    page = f"/coalitions/{coalition.pk}/connect/"
    actors = [
        ActorFactory(coalition=coalition, name=f"Group {i:02}", kind=ActorKind.ORGANISATION)
        for i in range(47)
    ]
    _many(coalition, actors, 10)
    few, html = _queries(client, page)
    assert html.count("<tr data-suggestion=") == 10
    _many(coalition, actors, 1000)
    many, html = _queries(client, page)
    assert html.count("<tr data-suggestion=") == 25
    assert "Suggestions 1–25 of 1000" in html
    assert few == many, (few, many)
    # 9: session, user, the coalition and the role (access), the actors for the form, the
    # suggestions counted, one page of them (with both actors and who decided), the
    # introductions, and the header bell's unread count (#22)
    assert few == 9, few
    with django_assert_num_queries(few):
        client.get(page + "?page=40")


def test_filters_by_kind_status_and_name_and_pages_keep_them(client_for, coalition, orgs):
    run = _run(coalition, 1)
    suggestions_record(
        run,
        [_found("introduction", orgs[0], orgs[i]) for i in range(1, 7)]
        + [_found("periphery", orgs[5], None, reason="At the edge")],
    )
    client = client_for("weaver")
    page = f"/coalitions/{coalition.pk}/connect/"
    html = client.get(page + "?kind=periphery").content.decode()
    assert html.count("<tr data-suggestion=") == 1 and "At the edge" in html
    html = client.get(page + "?name=org 3").content.decode()
    assert html.count("<tr data-suggestion=") == 1
    assert client.get(page + "?status=accepted").content.decode().count("<tr data-suggestion=") == 0
    # a decision made on a filtered page comes back to that page
    one = Suggestion.objects.get(kind="periphery")
    response = client.post(
        page + "?kind=periphery", {"action": "dismiss", "suggestion": one.pk, "reason": "No"}
    )
    assert response.url == page + "?kind=periphery"
    assert timezone.now() >= Suggestion.objects.get(pk=one.pk).decided_at
