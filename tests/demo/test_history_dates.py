"""The demo's history is dated by its story (issue #17, item 13): every history record and every
activity entry happened before the demo was loaded, spread over the eighteen months the story
tells, never all at the moment of the load."""

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from coalitions.activity.selectors import activity_stream
from coalitions.models import Coalition, RoleName
from coalitions.roles import access_for
from demo.builder import DEMO_KEY


@pytest.fixture
def loaded(db, settings):
    settings.DEBUG = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    started = timezone.now()
    call_command("loaddemo", stdout=io.StringIO())
    return Coalition.objects.get(demo_key=DEMO_KEY), started


def test_every_history_record_and_activity_entry_is_dated_in_the_story_not_at_load(loaded):
    coalition, started = loaded
    days = set()
    for model in apps.get_models():
        if not model.__name__.startswith("Historical"):
            continue
        dates = list(model.objects.values_list("history_date", flat=True))
        late = [when for when in dates if when >= started]
        assert late == [], f"{model.__name__}: {len(late)} records dated at the load"
        days |= {when.date() for when in dates}
    assert min(days) <= (started - datetime.timedelta(days=365)).date()
    assert len(days) > 200  # spread over the story, not a few bulk days

    organizer = coalition.roles.get(role=RoleName.ORGANIZER).user
    entries = activity_stream(access_for(organizer, coalition.pk), limit=400)
    assert entries and all(entry["when"] < started for entry in entries)
    kinds = {entry["kind"] for entry in entries}
    assert {"votes", "health", "signatures", "endorsements", "interactions"} <= kinds
    assert len({entry["when"].date() for entry in entries}) > 30
