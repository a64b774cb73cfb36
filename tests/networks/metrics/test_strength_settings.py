"""The relationship strength settings page (stewards, issue 17): the weights and half-life,
the preview of band changes, saving (validated, versioned, audited) and the next run using and
recording them. Who may open the page: tests/coalitions/stewardship/test_settings_pages.py."""

import math

import pytest
from django.urls import reverse

from coalitions.models import AuditAction, AuditEntry, Coalition
from networks.metrics.models import RelationshipMetric
from networks.metrics.selectors import strength_preview
from networks.metrics.services import metric_run_execute, metric_run_request
from tests.allies.factories import ActorFactory
from tests.networks.factories import InteractionFactory, InteractionParticipantFactory, TieFactory
from weft.vocabulary import InteractionKind

pytestmark = pytest.mark.django_db


def page(coalition):
    return reverse("settings-strength", args=[coalition.pk])


def form_values(coalition, **changes):
    """The page's form as a steward sees it, with ``changes`` typed in."""
    values = {
        "half_life_days": 180,
        "co_affiliation_weight": 0.5,
        "weight_one_to_one": 1.0,
        "weight_joint_action": 0.8,
        "weight_working_group_session": 0.5,
        "weight_co_attended_event": 0.3,
        "weight_communication": 0.2,
        "weight_survey_report": 0.6,
        "version": Coalition.objects.get(pk=coalition.pk).version,
    }
    return {**values, **changes}


def interaction(coalition, kind, *actors):
    met = InteractionFactory(coalition=coalition, kind=kind)
    for actor in actors:
        InteractionParticipantFactory(interaction=met, actor=actor)


@pytest.fixture
def network(coalition):
    """Three relationships of known strength today, with the default settings:
    a–b one one-to-one meeting, 1 − e^(−1) ≈ 0.63 (strong); c–d one message, 1 − e^(−0.2) ≈
    0.18 (weak); e–f a declared 2 of 5 without evidence, 0.4 (medium)."""
    a, b, c, d, e, f = (ActorFactory(coalition=coalition, name=n) for n in "abcdef")
    interaction(coalition, InteractionKind.ONE_TO_ONE, a, b)
    interaction(coalition, InteractionKind.COMMUNICATION, c, d)
    TieFactory(coalition=coalition, source=e, target=f, strength=2)
    return a, b, c, d, e, f


def test_the_preview_counts_the_relationships_that_change_band(coalition, network):
    # One-to-ones weigh 0.3 (a–b: 1 − e^(−0.3) ≈ 0.26, strong to weak), messages 0.5 (c–d:
    # 1 − e^(−0.5) ≈ 0.39, weak to medium); e–f has no evidence and stays medium.
    preview = strength_preview(coalition.pk, {"weights": {"one_to_one": 0.3, "communication": 0.5}})
    assert preview["relationships"] == 3
    assert preview["changed"] == 2
    assert sorted((m["from"], m["to"], m["count"]) for m in preview["moves"]) == [
        ("strong", "weak", 1),
        ("weak", "medium", 1),
    ]
    assert preview["bands_before"] == {"weak": 1, "medium": 1, "strong": 1}
    assert preview["bands_after"] == {"weak": 1, "medium": 2, "strong": 0}


def test_the_preview_on_the_page_saves_nothing(client_for, coalition, network):
    response = client_for("steward").post(
        page(coalition),
        form_values(coalition, weight_one_to_one=0.3, weight_communication=0.5, preview="1"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>2</strong> of 3 relationships would change band" in html
    assert "1 from strong to weak" in html
    coalition.refresh_from_db()
    assert coalition.strength_settings == {}
    assert not AuditEntry.objects.filter(action=AuditAction.STRENGTH_SETTINGS_CHANGED).exists()


def test_a_weight_past_the_limit_is_refused_at_its_field_and_nothing_is_saved(
    client_for, coalition
):
    response = client_for("steward").post(
        page(coalition), form_values(coalition, weight_joint_action=11, save="1")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_weight_joint_action-errors"' in html
    assert "less than or equal to 10" in html
    coalition.refresh_from_db()
    assert coalition.strength_settings == {}


def test_a_half_life_of_zero_is_refused_at_its_field(client_for, coalition):
    response = client_for("steward").post(
        page(coalition), form_values(coalition, half_life_days=0, save="1")
    )
    assert response.status_code == 400
    assert 'id="id_half_life_days-errors"' in response.content.decode()
    coalition.refresh_from_db()
    assert coalition.strength_settings == {}


def test_a_stale_save_is_refused(client_for, coalition):
    stale = form_values(coalition, weight_one_to_one=0.4, save="1")
    client = client_for("steward")
    assert (
        client.post(page(coalition), form_values(coalition, half_life_days=90)).status_code == 302
    )
    response = client.post(page(coalition), stale)
    assert response.status_code == 400
    coalition.refresh_from_db()
    assert coalition.strength_settings["half_life_days"] == 90
    assert coalition.strength_settings["weights"]["one_to_one"] == 1.0


def test_saving_is_audited_and_the_next_run_uses_and_records_the_settings(
    client_for, coalition, network
):
    a, b, *_ = network
    response = client_for("steward").post(
        page(coalition), form_values(coalition, weight_one_to_one=0.3, save="1")
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuditAction.STRENGTH_SETTINGS_CHANGED)
    assert entry.details["fields"] == ["weights.one_to_one"]

    run, created = metric_run_request(coalition_id=coalition.pk, queue=False)
    assert created
    run = metric_run_execute(run_id=run.pk)
    assert run.strength_settings["weights"]["one_to_one"] == 0.3
    pair = RelationshipMetric.objects.get(run=run, source=min(a.pk, b.pk), target=max(a.pk, b.pk))
    assert pair.strength == pytest.approx(-math.expm1(-0.3))
    page_html = client_for("steward").get(page(coalition)).content.decode()
    assert 'value="0.3"' in page_html


def test_saving_the_same_values_again_changes_nothing(client_for, coalition):
    client = client_for("steward")
    client.post(page(coalition), form_values(coalition, half_life_days=90, save="1"))
    version = Coalition.objects.get(pk=coalition.pk).version
    client.post(page(coalition), form_values(coalition, half_life_days=90, save="1"))
    assert Coalition.objects.get(pk=coalition.pk).version == version
    assert AuditEntry.objects.filter(action=AuditAction.STRENGTH_SETTINGS_CHANGED).count() == 1


def test_a_kind_weighted_zero_takes_its_only_relationships_out(coalition, network):
    # c–d's only evidence is a message: weighted 0 it is no relationship at all.
    preview = strength_preview(coalition.pk, {"weights": {"communication": 0}})
    assert preview["changed"] == 1
    assert preview["moves"] == [{"from": "weak", "to": "none", "count": 1}]
