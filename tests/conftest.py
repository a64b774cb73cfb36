"""Shared fixtures: a coalition with one persona per role, plus an outsider with no role.

Like healthchecks' alice/bob/charlie: every permission test uses these personas, so adding a
role means adding it here once.
"""

import pytest
from django.contrib.auth import get_user_model

from coalitions.models import RoleName
from coalitions.services import coalition_create, role_grant
from tests.allies.factories import ActorFactory
from tests.coalitions.factories import MembershipFactory
from weft.vocabulary import ActorKind

PASSWORD = "correct-horse-battery"
ROLES = [r.value for r in RoleName]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2 is slow on purpose; tests create many users and are not guarding real passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """A private, empty cache per test: throttle counters must not leak between tests (and
    clearing a shared Redis cache would also flush the broker's database)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def make_user(db):
    def make(username: str):
        return get_user_model().objects.create_user(username=username, password=PASSWORD)

    return make


@pytest.fixture
def coalition(make_user):
    steward = make_user("steward")
    return coalition_create(
        name="Housing for All", created_by=steward, cause="Homes people can afford"
    )


@pytest.fixture
def member_org(coalition):
    return ActorFactory(coalition=coalition, name="Tenants Union", kind=ActorKind.ORGANISATION)


@pytest.fixture
def personas(coalition, member_org, make_user):
    """{role name: user} for every role, plus "outsider" (no role in the coalition)."""
    steward = coalition.roles.get(role=RoleName.STEWARD).user
    users = {"steward": steward}
    for role in ROLES:
        if role == RoleName.STEWARD:
            continue
        user = make_user(role)
        role_grant(
            coalition=coalition,
            user=user,
            role=role,
            granted_by=steward,
            organisation=member_org if role == RoleName.MEMBER else None,
        )
        users[role] = user
    users["outsider"] = make_user("outsider")
    return users


@pytest.fixture
def client_for(client, personas):
    """A test client signed in as the named persona."""

    def sign_in(name: str):
        client.force_login(personas[name])
        return client

    return sign_in


@pytest.fixture
def people(coalition):
    return [
        ActorFactory(coalition=coalition, name=f"Person {i}", kind=ActorKind.PERSON)
        for i in range(7)
    ]


@pytest.fixture
def member_designee(coalition, member_org, personas):
    """The member persona speaks for the member organisation: it is a member (Align), Ana Ruiz
    is its designee, and the persona's account is hers (the role's person)."""

    person = ActorFactory(coalition=coalition, name="Ana Ruiz", kind=ActorKind.PERSON)
    MembershipFactory(coalition=coalition, organisation=member_org, phase="align", designee=person)
    role_grant(
        coalition=coalition,
        user=personas["member"],
        role="member",
        granted_by=personas["steward"],
        organisation=member_org,
        person=person,
    )
    return person


@pytest.fixture
def orgs(coalition):
    return [
        ActorFactory(coalition=coalition, name=f"Org {i}", kind=ActorKind.ORGANISATION)
        for i in range(7)
    ]


@pytest.fixture
def hidden(coalition):
    """A sensitive person: only organizers and stewards may know of them."""
    return ActorFactory(
        coalition=coalition, name="Quiet Ally", kind=ActorKind.PERSON, is_sensitive=True
    )


@pytest.fixture
def tasks_in_process():
    """Run tasks eagerly even when REDIS_URL is set (the real worker has its own test)."""
    from weft.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before
