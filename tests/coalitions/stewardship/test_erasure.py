"""Erasure of a person (#20): a steward erases Marisol Vega, the demo's member user on the map,
and then nothing of hers is left: not in any table (history tables included), not on any page
or API response or export of any role, and no restore brings her back."""

import json
import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from allies.models import Actor, ContactDetail
from coalitions.align.models import Signature
from coalitions.models import AuditAction, AuditEntry, RoleName
from coalitions.roles import access_for
from coalitions.services import role_grant
from coalitions.stewardship.erasure import erasure_preview, person_erase
from demo.builder import MEMBER_PERSON, TENANTS_UNION
from tests.demo.test_loaddemo import demo, dev_settings  # noqa: F401 - fixtures
from weft.errors import ApplicationError

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="([^"]+)"')
MAX_PAGES = 600


def her_values(coalition) -> set[str]:
    """Everything that identifies her: name, contact values, what her signatures and her
    account hold."""
    person = Actor.objects.get(coalition=coalition, name=MEMBER_PERSON)
    values = {person.name}
    values |= set(ContactDetail.objects.filter(actor=person).values_list("value", flat=True))
    emails = {v for v in values if "@" in v}
    for signature in Signature.objects.filter(signer_email__in=emails):
        values |= {signature.signer_name, signature.signer_email}
    member = get_user_model().objects.get(username=RoleName.MEMBER.value)
    values |= {member.email}
    assert len(values) >= 4
    return values


def found_in_database(values: set[str]) -> list[tuple[str, str]]:
    """Every (table, value) where a value is still held, in every model's text, JSON
    included, history tables included."""
    wanted = [v.casefold() for v in values]
    found = []
    for model in apps.get_models(include_auto_created=True):
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._base_manager.values_list(*fields).iterator():
            text = json.dumps(row, ensure_ascii=False, default=str).casefold()
            found += [(model._meta.db_table, v) for v in wanted if v in text]
    return found


def erase_her(coalition, mode="pseudonymise"):
    steward = get_user_model().objects.get(username=RoleName.STEWARD.value)
    person = Actor.objects.get(coalition=coalition, name=MEMBER_PERSON)
    return person, person_erase(
        access=access_for(steward, coalition.pk),
        actor_id=person.pk,
        mode=mode,
        reason=f"{MEMBER_PERSON} asked to be forgotten",
        confirmation=MEMBER_PERSON,
    )


def api_routes(coalition) -> list[str]:
    """Every coalition-scoped API list (and the map), for the crawl."""
    urls = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns)
            elif isinstance(p, URLPattern) and (p.name or "").endswith("-list"):
                try:
                    urls.append(reverse(p.name, kwargs={"coalition_id": coalition.pk}))
                except Exception:  # noqa: S112 - routes with other arguments
                    continue

    walk(get_resolver().url_patterns)
    return sorted(set(urls))


def crawl(client: Client, coalition) -> dict[str, str]:
    """Every page, file and API response a role reaches by following links from the
    coalition's home, and every API list: url -> text."""
    home = f"/coalitions/{coalition.pk}/"
    start = [home, "/", f"/api/v1/coalitions/{coalition.pk}/map/", *api_routes(coalition)]
    queue, seen, texts = deque(start), set(start), {}
    while queue:
        assert len(seen) < MAX_PAGES
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or not hasattr(response, "content"):
            continue
        text = response.content.decode(errors="ignore")
        texts[url] = text
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        for href in HREF.findall(text):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not href.startswith("/"):
                continue
            if href.startswith(("/static/", "/logout", "/accounts/")) or href in seen:
                continue
            seen.add(href)
            queue.append(href)
    return texts


def test_an_erased_person_is_nowhere_and_cannot_be_restored(demo):  # noqa: F811
    values = her_values(demo)
    assert found_in_database(values)  # the scan finds her before
    person = Actor.objects.get(coalition=demo, name=MEMBER_PERSON)
    old_versions = list(person.history.values_list("history_id", flat=True))
    contact_ids = list(ContactDetail.objects.filter(actor=person).values_list("pk", flat=True))
    steward_client = Client()
    steward_client.force_login(get_user_model().objects.get(username=RoleName.STEWARD.value))
    before = steward_client.get(f"/api/v1/coalitions/{demo.pk}/contact-details/?page_size=1000")
    contact_values = ContactDetail.objects.filter(actor=person).values_list("value", flat=True)
    assert all(v in before.content.decode() for v in contact_values)  # the API shows them before

    _, erasure = erase_her(demo)

    assert found_in_database(values) == []
    # Her account is deactivated; the member's pages are read by another member of the union.
    assert not get_user_model().objects.filter(username=RoleName.MEMBER.value).exists()
    steward = get_user_model().objects.get(username=RoleName.STEWARD.value)
    reader = get_user_model().objects.create_user(username="another-member", password="x")
    role_grant(
        coalition=demo,
        user=reader,
        role=RoleName.MEMBER,
        granted_by=steward,
        organisation=Actor.objects.get(coalition=demo, name=TENANTS_UNION),
    )
    lowered = {v.casefold() for v in values}
    for username in ("steward", "organizer", "weaver", "funder", "another-member"):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        texts = crawl(client, demo)
        assert len(texts) > 10
        leaks = [(url, v) for url, text in texts.items() for v in lowered if v in text.casefold()]
        assert leaks == [], username
    # No restore brings her back: her earlier versions are gone, and so are her contacts'.
    client = Client()
    client.force_login(steward)
    for history_id in old_versions:
        url = f"/api/v1/coalitions/{demo.pk}/actors/{person.pk}/restore/{history_id}/"
        assert client.post(url).status_code == 404
    for contact_id in contact_ids:
        url = f"/api/v1/coalitions/{demo.pk}/contact-details/{contact_id}/history/"
        assert client.get(url).status_code == 404
    entry = AuditEntry.objects.get(coalition=demo, action=AuditAction.PERSON_ERASED)
    assert entry.details["pseudonym"] == erasure.pseudonym
    assert erasure.pseudonym in entry.details["reason"]
    assert erasure.rows > 10


def test_removing_the_actor_takes_its_ties_and_leaves_no_history(demo):  # noqa: F811
    values = her_values(demo)
    person, erasure = erase_her(demo, mode="remove")
    assert not Actor.objects.filter(pk=person.pk).exists()
    assert not Actor.history.filter(id=person.pk).exists()
    assert found_in_database(values) == []
    assert erasure.counts["networks_tie"] > 0


def test_the_preview_counts_what_the_erasure_removes_and_removes_nothing(demo):  # noqa: F811
    steward = get_user_model().objects.get(username=RoleName.STEWARD.value)
    person = Actor.objects.get(coalition=demo, name=MEMBER_PERSON)
    preview = erasure_preview(access=access_for(steward, demo.pk), actor_id=person.pk)
    assert Actor.objects.get(pk=person.pk).name == MEMBER_PERSON
    assert ContactDetail.objects.filter(actor=person).exists()
    _, erasure = erase_her(demo)
    assert preview.summary() == erasure.summary()
    assert re.fullmatch(r"\d+ rows in \d+ tables", preview.summary())


def test_the_page_shows_the_preview_and_wants_the_name_typed(demo, client):  # noqa: F811
    client.force_login(get_user_model().objects.get(username=RoleName.STEWARD.value))
    person = Actor.objects.get(coalition=demo, name=MEMBER_PERSON)
    url = reverse("settings-erase-person", args=[demo.pk, person.pk])
    assert person.name in client.get(reverse("settings-erase", args=[demo.pk])).content.decode()
    page = client.get(url).content.decode()
    assert re.search(r"\d+ rows in \d+ tables", page)
    refused = client.post(
        url, {"mode": "pseudonymise", "reason": "asked", "confirmation": "Marisol"}
    )
    assert refused.status_code == 400
    assert "Type the person" in refused.content.decode()
    assert Actor.objects.get(pk=person.pk).name == MEMBER_PERSON
    done = client.post(
        url, {"mode": "pseudonymise", "reason": "asked", "confirmation": MEMBER_PERSON}
    )
    assert done.status_code == 302
    assert Actor.objects.get(pk=person.pk).name.startswith("Erased person ")


@pytest.mark.parametrize("role", ["organizer", "weaver", "member", "funder"])
def test_only_stewards_erase(client_for, coalition, people, role):
    person = people[0]
    client = client_for(role)
    assert client.get(reverse("settings-erase", args=[coalition.pk])).status_code == 403
    url = reverse("settings-erase-person", args=[coalition.pk, person.pk])
    assert client.get(url).status_code == 403
    answer = client.post(url, {"mode": "remove", "reason": "x", "confirmation": person.name})
    assert answer.status_code == 403
    assert Actor.objects.filter(pk=person.pk).exists()


def test_a_steward_cannot_erase_their_own_person(coalition, personas, people):
    steward = personas["steward"]
    role_grant(
        coalition=coalition,
        user=steward,
        role=RoleName.STEWARD,
        granted_by=steward,
        person=people[0],
    )
    with pytest.raises(ApplicationError) as refused:
        person_erase(
            access=access_for(steward, coalition.pk),
            actor_id=people[0].pk,
            mode="pseudonymise",
            reason="x",
            confirmation=people[0].name,
        )
    assert refused.value.code == "erase_self"


def test_an_organisation_is_not_a_person_to_erase(coalition, personas, member_org):
    from django.http import Http404

    with pytest.raises(Http404):
        person_erase(
            access=access_for(personas["steward"], coalition.pk),
            actor_id=member_org.pk,
            mode="remove",
            reason="x",
            confirmation=member_org.name,
        )


# -- Signatures another signer confirmed; her first name alone ---------------------------------


@pytest.fixture
def maria(coalition):
    from tests.allies.factories import ActorFactory, ContactDetailFactory

    person = ActorFactory(coalition=coalition, name="Maria Lopez", kind="person")
    ContactDetailFactory(actor=person, kind="email", value="maria.lopez@example.org")
    return person


def erase(personas, coalition, person):
    return person_erase(
        access=access_for(personas["steward"], coalition.pk),
        actor_id=person.pk,
        mode="pseudonymise",
        reason="asked to be forgotten",
        confirmation=person.name,
    )


def test_her_signature_stays_where_another_signer_confirmed_the_organisation(
    coalition, personas, maria
):
    from django.utils import timezone

    from coalitions.align.services.signatures import signatures_ask_reconfirm
    from tests.coalitions.factories import StatementVersionFactory, UnityStatementFactory

    now = timezone.now()
    statement = UnityStatementFactory(coalition=coalition)
    first = StatementVersionFactory(statement=statement, number=1, published_at=now)
    second = StatementVersionFactory(statement=statement, number=2, published_at=now)

    def sign(version, organisation, name, email, confirmed=True):
        return Signature.objects.create(
            version=version,
            organisation_name=organisation,
            signer_name=name,
            signer_email=email,
            confirmed_at=now if confirmed else None,
        )

    # Tenants Union: she signed the first version, Amos (also authorised) confirmed the second.
    backed = sign(first, "Tenants Union", "Maria Lopez", "maria.lopez@example.org")
    sign(second, "Tenants Union", "Amos Ndlovu", "amos@example.org")
    # Food Bank: she is its only signer.
    alone = sign(first, "Food Bank", "Maria Lopez", "maria.lopez@example.org")
    # Youth Forum: Amos confirmed, but hers was never confirmed: nothing of hers to keep.
    pending = sign(first, "Youth Forum", "Maria Lopez", "maria.lopez@example.org", False)
    sign(second, "Youth Forum", "Amos Ndlovu", "amos@example.org")

    erasure = erase(personas, coalition, maria)

    assert erasure.signatures_kept == 1
    backed.refresh_from_db()
    assert backed.withdrawn_at is None and backed.confirmed_at is not None
    assert backed.signer_name == erasure.pseudonym and backed.signer_email == ""
    for signature in (alone, pending):
        signature.refresh_from_db()
        assert signature.withdrawn_at is not None, signature.organisation_name
        assert signature.signer_email == "" and signature.signer_name == erasure.pseudonym
    # A new version asks the organisation's other signer, never the erased one.
    third = StatementVersionFactory(statement=statement, number=3, published_at=now)
    signatures_ask_reconfirm(version=third)
    asked = set(third.signatures.values_list("organisation_name", "signer_email"))
    assert ("Tenants Union", "amos@example.org") in asked
    assert all(email for _, email in asked)


def test_her_first_name_alone_is_replaced_in_notes_about_her_and_nowhere_else(
    coalition, personas, maria, member_org
):
    from networks.models import Interaction
    from tests.networks.factories import InteractionFactory, InteractionParticipantFactory

    met = InteractionFactory(
        coalition=coalition, summary="Maria brought the Mariachi band; MARIA calls back Monday"
    )
    InteractionParticipantFactory(interaction=met, actor=maria)
    InteractionParticipantFactory(interaction=met, actor=member_org)
    met.summary = "Maria brought the Mariachi band; MARIA calls back Monday."
    met.save()  # a second history row holding her first name
    other = InteractionFactory(coalition=coalition, summary="Maria from the bakery union came")
    InteractionParticipantFactory(interaction=other, actor=member_org)

    erasure = erase(personas, coalition, maria)

    met.refresh_from_db()
    expected = f"{erasure.pseudonym} brought the Mariachi band; {erasure.pseudonym} calls back"
    assert met.summary.startswith(expected)
    history = Interaction.history.filter(id=met.pk).values_list("summary", flat=True)
    assert len(history) >= 2
    assert not any(re.search(r"\bmaria\b", text, re.IGNORECASE) for text in history)
    assert all("Mariachi" in text for text in history)
    # Another Maria's interaction, without her, is left as it was.
    other.refresh_from_db()
    assert other.summary == "Maria from the bakery union came"
