"""A coalition started and run from the browser (#16): a steward starts a coalition, invites
an organizer by email, the organizer accepts and sets a password, the steward requires two
factors and the organizer signs in with an authenticator code and opens the map; a member
invited for an organisation votes as its designee; a password is reset end to end; the audit
log lists all of it. The same flows on a phone-sized screen, with no sideways scrolling."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from coalitions.models import AuditEntry, Coalition, Role
from tests.allies.factories import ActorFactory
from tests.coalitions.factories import MembershipFactory, ProposalFactory
from tests.totp import fresh_totp_code, totp_code
from weft.vocabulary import ActorKind

SIZES = {"laptop": {"width": 1280, "height": 860}, "phone": {"width": 390, "height": 844}}
STEWARD_PASSWORD = "steward-first-password-1"
ORGANIZER_PASSWORD = "organizer-chosen-password-2"
MEMBER_PASSWORD = "member-chosen-password-3"


@pytest.fixture(params=sorted(SIZES))
def screen(request, chromium, live_server, transactional_db):
    """A fresh browser per person (cookies of their own), at the size under test."""
    contexts = []

    def open_browser():
        options = {"viewport": SIZES[request.param]}
        if request.param == "phone":
            options.update(is_mobile=True, has_touch=True, device_scale_factor=2)
        context = chromium.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.base = live_server.url
        return page

    open_browser.size = request.param
    yield open_browser
    for context in contexts:
        context.close()


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{page.url} is {width}px wide on a {viewport}px screen"


def sign_in(page, login, password):
    page.goto(f"{page.base}/login/")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def open_nav(page):
    """On a phone the sections may wrap; they are links in the header either way."""
    return page.locator("#coalition-nav")


def link_from_mail(address: str) -> str:
    message = next(m for m in reversed(mail.outbox) if address in m.to)
    return re.search(r"https?://\S+", message.body).group(0)


def confirm_password(page, password):
    """allauth asks for the password again before a second factor is added."""
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/")


def accept_invitation(page, link, username, password):
    page.goto(link)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("The password again").fill(password)
    no_sideways_scroll(page)
    page.get_by_role("button", name="Make my account and join").click()
    page.wait_for_load_state("networkidle")


def test_a_steward_starts_a_coalition_invites_and_requires_two_factors(screen, django_user_model):
    django_user_model.objects.create_user("founder", "founder@example.org", STEWARD_PASSWORD)
    steward = screen()
    sign_in(steward, "founder", STEWARD_PASSWORD)
    steward.get_by_role("link", name="New coalition").first.click()
    steward.get_by_label("Name").fill("Clean Air Riverside")
    steward.get_by_label("Description").fill("Air our children can breathe.")
    no_sideways_scroll(steward)
    steward.get_by_role("button", name="Start the coalition").click()
    steward.locator("#first-steps").wait_for()
    no_sideways_scroll(steward)
    coalition = Coalition.objects.get(name="Clean Air Riverside")
    assert "Settings" in open_nav(steward).text_content()

    # Invite an organizer by email, from the first steps.
    steward.get_by_role("link", name="Invite the people you organise with").click()
    form = steward.locator("#invite-form")
    form.get_by_label("Email address").fill("ola@example.org")
    form.get_by_label("Role").select_option("organizer")
    form.get_by_role("button", name="Send the invitation").click()
    steward.get_by_text("Invitation sent.").wait_for()
    assert "Sent" in steward.locator("#invitations").text_content()
    no_sideways_scroll(steward)

    organizer = screen()
    accept_invitation(organizer, link_from_mail("ola@example.org"), "ola", ORGANIZER_PASSWORD)
    organizer.get_by_text("you are organizer here").wait_for()
    assert Role.objects.current().get(user__username="ola", coalition=coalition).role == "organizer"
    assert "Settings" not in open_nav(organizer).text_content()

    # The steward requires two factors of stewards and organizers.
    steward.get_by_role("link", name="Privacy policy").click()
    steward.get_by_label("Stewards and organizers must sign in with two factors").check()
    steward.get_by_role("button", name="Save the policy").click()
    steward.get_by_text("Privacy policy saved.").wait_for()
    # The steward is led through it at once, on the next page.
    steward.goto(f"{steward.base}/coalitions/{coalition.pk}/")
    confirm_password(steward, STEWARD_PASSWORD)
    steward_secret = steward.locator("#authenticator_secret").input_value()
    steward.get_by_label("Authenticator code").fill(totp_code(steward_secret))
    # Until the activation's answer has loaded (an idle network can come before it starts).
    with steward.expect_navigation():
        steward.get_by_role("button", name="Activate").click()

    # The organizer signs in again: set up the authenticator, then sign in with a code.
    organizer.context.clear_cookies()
    sign_in(organizer, "ola", ORGANIZER_PASSWORD)
    organizer.goto(f"{organizer.base}/coalitions/{coalition.pk}/map/")
    assert "requires two-factor sign-in" in organizer.content()
    confirm_password(organizer, ORGANIZER_PASSWORD)
    no_sideways_scroll(organizer)
    secret = organizer.locator("#authenticator_secret").input_value()
    activation_code = totp_code(secret)
    organizer.get_by_label("Authenticator code").fill(activation_code)
    with organizer.expect_navigation():
        organizer.get_by_role("button", name="Activate").click()
    organizer.context.clear_cookies()
    sign_in(organizer, "ola@example.org", ORGANIZER_PASSWORD)  # by email, this time
    organizer.wait_for_url("**/accounts/2fa/authenticate/")
    organizer.get_by_label("Code").fill(fresh_totp_code(secret, activation_code))
    organizer.get_by_role("button", name="Sign In").click()
    organizer.wait_for_load_state("networkidle")
    organizer.goto(f"{organizer.base}/coalitions/{coalition.pk}/map/")
    organizer.locator("#map-app").wait_for()
    assert open_nav(organizer).locator("[aria-current=page]").text_content() == "Map"

    # The audit log lists all of it.
    steward.goto(f"{steward.base}/coalitions/{coalition.pk}/settings/audit/")
    log = steward.locator("#audit-log").text_content()
    for what in (
        "Coalition created",
        "Invitation sent",
        "Invitation accepted",
        "Role granted",
        "Privacy policy changed",
    ):
        assert what in log
    no_sideways_scroll(steward)


def test_a_member_invited_for_an_organisation_votes_as_its_designee(screen, coalition, personas):
    union = ActorFactory(coalition=coalition, name="Riverside Tenants", kind=ActorKind.ORGANISATION)
    ana = ActorFactory(coalition=coalition, name="Ana Ruiz", kind=ActorKind.PERSON)
    MembershipFactory(coalition=coalition, organisation=union, phase="align", designee=ana)
    proposal = ProposalFactory(
        coalition=coalition,
        title="Join the rent strike",
        rule="majority",
        closes_at=timezone.now() + datetime.timedelta(days=3),
    )
    from tests.conftest import PASSWORD

    steward = screen()
    sign_in(steward, "steward", PASSWORD)
    steward.goto(f"{steward.base}/coalitions/{coalition.pk}/settings/members/")
    form = steward.locator("#invite-form")
    form.get_by_label("Email address").fill("ana@example.org")
    form.get_by_label("Role").select_option("member")
    form.get_by_label("Organisation").select_option(label="Riverside Tenants")
    form.get_by_label("Person").select_option(label="Ana Ruiz")
    form.get_by_role("button", name="Send the invitation").click()
    steward.get_by_text("Invitation sent.").wait_for()

    member = screen()
    accept_invitation(member, link_from_mail("ana@example.org"), "ana", MEMBER_PASSWORD)
    member.get_by_role("link", name="Your organisation").click()
    card = member.locator(f'[data-proposal="{proposal.pk}"]')
    card.get_by_label("Agree", exact=True).check()
    card.get_by_role("button", name="Cast Riverside Tenants's vote").click()
    member.get_by_text("Vote of Riverside Tenants recorded.").wait_for()
    no_sideways_scroll(member)
    assert AuditEntry.objects.filter(coalition=coalition, action="invitation_accepted").exists()


def test_a_password_is_reset_end_to_end(screen, personas, settings):
    personas["weaver"].email = "weaver@example.org"
    personas["weaver"].save()
    page = screen()
    page.goto(f"{page.base}/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("weaver@example.org")
    no_sideways_scroll(page)
    page.get_by_role("button", name="Reset My Password").click()
    page.wait_for_load_state("networkidle")
    page.goto(link_from_mail("weaver@example.org"))
    page.get_by_label("New Password", exact=True).fill("a-brand-new-password-9")
    page.get_by_label("New Password (again)").fill("a-brand-new-password-9")
    page.get_by_role("button", name="Change Password").click()
    page.wait_for_load_state("networkidle")
    sign_in(page, "weaver", "a-brand-new-password-9")
    page.locator("#coalition-list").wait_for()
