"""A weaver's day in the browser (Playwright on Debian's Chromium): move a member from
Connect to Align on the pipeline board, by keyboard and by drag and drop; log an
introduction from a suggestion; open a feedback round, comment, revise, compare and publish
the statement; then, signed out, sign it on its public page, confirm by the emailed link,
see the organisation on the signatory list, and withdraw; run a proposal to an outcome under
each of the three decision rules.

WEFT_SCREENSHOTS=1 also writes docs/pipeline.png and docs/sign-on.png."""

import os
import re
from pathlib import Path

import pytest
from django.core import mail

from coalitions.align.models import Signature
from coalitions.align.services.statements import statement_create
from coalitions.connect.models import Membership, PhaseMove
from coalitions.connect.services import commitment_create, membership_create, membership_update
from tests.conftest import PASSWORD
from tests.networks.factories import MetricRunFactory, SuggestionFactory
from weft.versions import ANY_VERSION

DOCS = Path(__file__).resolve().parents[2] / "docs"
SCREENSHOTS = os.environ.get("WEFT_SCREENSHOTS") == "1"


@pytest.fixture
def workspace(coalition, personas, orgs, people):
    weaver = personas["weaver"]
    details = [
        ("connect", "200 tenants and a phone tree", "Legal support"),
        ("connect", "A hall for meetings", "Contact with tenants"),
        ("align", "Research on rents", "Reach"),
        ("prospect", "", ""),
        ("produce", "Media contacts", "A voice at city hall"),
    ]
    rows = []
    for i, (phase, brings, gets) in enumerate(details):
        rows.append(
            membership_create(
                coalition=coalition,
                created_by=weaver,
                organisation=orgs[i],
                phase=phase,
                designee=people[i],
                brings=brings,
                gets=gets,
            )
        )
    commitment_create(
        membership=rows[0], kind="hours", amount=40, created_by=weaver, description="Canvassing"
    )
    return rows


def test_weaver_moves_a_member_from_connect_to_align(browser_page, sign_in, coalition, workspace):
    page = browser_page
    sign_in(page, "weaver", PASSWORD)
    # The sign-in page (base layout, not this feature's) asks for /favicon.ico; only the
    # workspace's own errors count here.
    page.js_errors.clear()
    page.goto(f"{page.base}/coalitions/{coalition.pk}/pipeline/")
    connect = page.locator('.column[data-phase="connect"]')
    align = page.locator('.column[data-phase="align"]')
    assert connect.locator(".member-card").count() == 2
    # By keyboard: Tab reaches the card's button, Enter moves it.
    button = page.get_by_role("button", name="Move Org 0 to Align")
    button.focus()
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Org 0 moved to Align").wait_for()
    assert align.locator(".member-card h3", has_text="Org 0").count() == 1
    # By drag and drop.
    page.locator('.member-card:has(h3:text-is("Org 1"))').drag_to(align)
    page.get_by_role("status").filter(has_text="Org 1 moved to Align").wait_for()
    assert align.locator(".member-card").count() == 3
    assert page.locator('[data-count="align"]').first.text_content() == "3"
    moves = PhaseMove.objects.filter(from_phase="connect", to_phase="align")
    assert moves.count() == 2
    assert {move.moved_by.username for move in moves} == {"weaver"}
    in_align = Membership.objects.filter(phase="align").values_list("organisation__name", flat=True)
    assert set(in_align) == {"Org 0", "Org 1", "Org 2"}
    if SCREENSHOTS:
        page.screenshot(path=str(DOCS / "pipeline.png"), full_page=True)
    assert page.js_errors == []


def test_a_stale_card_is_reported_not_overwritten(browser_page, sign_in, coalition, workspace):
    page = browser_page
    sign_in(page, "weaver", PASSWORD)
    page.goto(f"{page.base}/coalitions/{coalition.pk}/pipeline/")
    # Someone else moves Org 0 meanwhile.
    membership_update(
        expected_version=ANY_VERSION, membership=workspace[0], updated_by=None, phase="produce"
    )
    page.get_by_role("button", name="Move Org 0 to Align").click()
    page.get_by_role("status").filter(has_text="changed").wait_for()
    workspace[0].refresh_from_db()
    assert workspace[0].phase == "produce"


def test_signing_the_public_statement_confirming_and_withdrawing(browser_page, coalition, personas):
    statement = statement_create(
        coalition=coalition,
        title="Homes for all",
        status="published",
        body="We stand **together**.\n\n<script>document.title='owned'</script>",
        created_by=personas["weaver"],
    )
    page = browser_page
    page.goto(f"{page.base}/sign/{statement.pk}/")
    assert page.title() == "Homes for all"  # the script did not run
    page.fill("input[name=organisation_name]", "Faith Alliance")
    page.fill("input[name=signer_name]", "Rev. Amos")
    page.fill("input[name=signer_title]", "Chair")
    page.fill("input[name=signer_email]", "amos@example.org")
    page.check("input[name=authorised]")
    if SCREENSHOTS:
        page.screenshot(path=str(DOCS / "sign-on.png"), full_page=True)
    page.get_by_role("button", name="Sign").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    assert len(mail.outbox) == 1
    confirm = re.search(r"http://\S+(/sign/confirm/\S+/)", mail.outbox[0].body).group(1)
    withdraw = re.search(r"http://\S+(/sign/withdraw/\S+/)", mail.outbox[0].body).group(1)
    page.goto(page.base + confirm)
    page.get_by_role("button", name="Confirm the signature").click()
    page.get_by_role("heading", name="Signature confirmed").wait_for()
    page.get_by_role("link", name="See the signatories").click()
    page.locator(".signatories li", has_text="Faith Alliance").wait_for()
    assert "amos@example.org" not in page.content()
    page.goto(page.base + withdraw)
    page.get_by_role("button", name="Withdraw the signature").click()
    page.get_by_role("heading", name="Signature withdrawn").wait_for()
    assert Signature.objects.get().withdrawn_at is not None
    page.goto(f"{page.base}/sign/{statement.pk}/")
    assert page.locator(".signatories li").count() == 0
    assert page.js_errors == []


def test_weaver_logs_an_introduction_from_a_suggestion(
    browser_page, sign_in, coalition, personas, orgs
):
    from django.utils import timezone

    run = MetricRunFactory(
        coalition=coalition, input_hash="3" * 64, computed_for=timezone.localdate()
    )
    SuggestionFactory(
        run=run,
        coalition=coalition,
        kind="introduction",
        actor=orgs[0],
        other=orgs[1],
        score=2,
        reason="Two partners in common",
    )
    page = browser_page
    sign_in(page, "weaver", PASSWORD)
    page.js_errors.clear()
    page.goto(f"{page.base}/coalitions/{coalition.pk}/connect/")
    page.get_by_role("button", name="Log the introduction of Org 0 to Org 1").click()
    page.get_by_text("Introduction logged from the suggestion.").wait_for()
    row = page.locator("table tr", has_text="Org 0 → Org 1")
    assert "Two partners in common" in row.text_content()
    row.get_by_label("Outcome").select_option("met")
    row.get_by_role("button", name="Save").click()
    page.get_by_text("Outcome recorded.").wait_for()
    from coalitions.connect.models import Introduction

    assert Introduction.objects.get().outcome == "met"
    assert page.js_errors == []


def test_weaver_opens_a_feedback_round_revises_and_publishes(
    browser_page, sign_in, coalition, personas
):
    statement = statement_create(
        coalition=coalition,
        title="Homes for all",
        body="We stand together.\n\nRents must fall.",
        created_by=personas["weaver"],
    )
    page = browser_page
    sign_in(page, "weaver", PASSWORD)
    page.js_errors.clear()
    page.goto(f"{page.base}/coalitions/{coalition.pk}/statements/{statement.pk}/")
    page.fill("#closes_at", "2099-01-01T12:00")
    page.get_by_role("button", name="Open the feedback round").click()
    page.get_by_text("Feedback round opened.").wait_for()
    page.get_by_label("Comment on paragraph 2").fill("Say by how much.")
    page.locator("#p2").get_by_role("button", name="Comment").click()
    page.locator("#p2 .comments", has_text="Say by how much.").wait_for()
    page.get_by_label("Revise (saved as a new version)").fill(
        "We stand together.\n\nRents must fall by ten per cent."
    )
    page.get_by_role("button", name="Save as a new version").click()
    page.get_by_text("New version saved.").wait_for()
    page.get_by_role("link", name="Compare versions").click()
    page.locator("tr.added", has_text="ten per cent").wait_for()
    page.go_back()
    page.get_by_role("button", name="Publish version 2").click()
    page.get_by_text("Published: the sign-on page is open.").wait_for()
    statement.refresh_from_db()
    assert statement.status == "published"
    assert statement.versions.get(number=2).published_at is not None
    assert page.js_errors == []


@pytest.mark.parametrize(
    "rule,choices,outcome",
    [
        ("consensus", ["agree", "block"], "Not adopted"),
        ("consent", ["agree", "disagree"], "Adopted"),
        ("majority", ["agree", "agree"], "Adopted"),
    ],
)
def test_weaver_runs_a_proposal_to_an_outcome(
    browser_page, sign_in, coalition, workspace, rule, choices, outcome
):
    page = browser_page
    sign_in(page, "weaver", PASSWORD)
    page.js_errors.clear()
    Membership.objects.filter(phase__in=["prospect", "produce", "align"]).update(
        left_on="2026-01-01", joined_on=None
    )  # two voting members remain: Org 0 and Org 1
    page.goto(f"{page.base}/coalitions/{coalition.pk}/proposals/")
    page.fill("#title", "Join the rent strike")
    page.select_option("#rule", rule)
    page.fill("#closes_at", "2099-01-01T12:00")
    page.get_by_role("button", name="Put it to the members").click()
    page.get_by_text("Proposal put to the members.").wait_for()
    card = page.locator("article.proposal")
    for organisation, choice in zip(["Org 0", "Org 1"], choices, strict=True):
        card.get_by_label("Member organisation (its designee votes)").select_option(
            label=f"{organisation} — Person {organisation[-1]}"
        )
        card.get_by_label("Vote", exact=True).select_option(choice)
        card.get_by_role("button", name="Record the vote").click()
        page.get_by_text(f"Vote of {organisation} recorded.").wait_for()
    card.get_by_role("button", name="Decide").click()
    page.locator("[data-outcome]", has_text=f"Outcome: {outcome}").wait_for()
    assert page.js_errors == []
