"""Story mode (#18, item 10): ordered steps through the map, written by the editors, played by
every map viewer as their role sees it, shared read-only by a steward through a link that is
exchanged for the session, expires, is revoked and audited, and shows no sensitive actor and
no person's name."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from coalitions.models import AuditAction, AuditEntry
from networks.map.models import Story, StoryLink
from networks.map.selectors import CAPTION_WITHHELD, PERSON_LABEL
from tests.allies.factories import ActorFactory
from tests.api_helpers import patch, post, url
from tests.networks.factories import TieFactory
from weft.vocabulary import ActorKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(coalition, member_org):
    council = ActorFactory(coalition=coalition, name="City Council", kind=ActorKind.OFFICIAL)
    informant = ActorFactory(
        coalition=coalition, name="Quiet Insider", kind=ActorKind.PERSON, is_sensitive=True
    )
    organiser = ActorFactory(coalition=coalition, name="Maria Lopez", kind=ActorKind.PERSON)
    TieFactory(coalition=coalition, source=member_org, target=council)
    TieFactory(coalition=coalition, source=informant, target=council, is_sensitive=True)
    TieFactory(coalition=coalition, source=organiser, target=member_org)
    return {"council": council, "informant": informant, "organiser": organiser}


def story_body(cast, member_org):
    return {
        "title": "Why the council will move",
        "steps": [
            {"caption": "**Tenants** organise", "highlighted": [member_org.pk]},
            {
                "caption": "They reach the council",
                "filters": {"stance": ["neutral"]},
                "layout": "power",
                "colour_by": "community",
                "layers": {"inferred": True},
                "camera": {"x": 0.3, "y": 0.6, "ratio": 0.5},
                "highlighted": [cast["council"].pk, cast["informant"].pk],
            },
            {"caption": "Quiet Insider tells us the vote date"},
        ],
    }


def test_an_organizer_writes_a_story_and_a_member_plays_it_without_the_sensitive(
    client_for, coalition, cast, member_org
):
    made = post(client_for("organizer"), url(coalition, "stories"), story_body(cast, member_org))
    assert made.status_code == 201, made.json()
    story = made.json()
    assert [s["caption"] for s in story["steps"]][0] == "**Tenants** organise"
    assert story["steps"][0]["caption_html"] == "<p><strong>Tenants</strong> organise</p>"
    assert story["steps"][1]["layers"] == {"inferred": True, "hulls": False}
    assert story["steps"][1]["highlighted"] == [cast["council"].pk, cast["informant"].pk]
    keys = [s["key"] for s in story["steps"]]
    assert len(set(keys)) == 3

    played = client_for("member").get(url(coalition, "stories", story["id"])).json()
    assert played["steps"][1]["highlighted"] == [cast["council"].pk]
    assert played["steps"][2]["caption"] == CAPTION_WITHHELD
    assert "Insider" not in str(played)


def test_reordering_keeps_each_step_and_a_stale_edit_is_refused(
    client_for, coalition, cast, member_org
):
    client = client_for("organizer")
    story = post(client, url(coalition, "stories"), story_body(cast, member_org)).json()
    reordered = [story["steps"][2], story["steps"][0], story["steps"][1]]
    moved = patch(client, url(coalition, "stories", story["id"]), {"steps": reordered})
    assert moved.status_code == 200, moved.json()
    assert [s["key"] for s in moved.json()["steps"]] == [s["key"] for s in reordered]
    stale = patch(client, url(coalition, "stories", story["id"]), {"title": "B"}, if_match='"1"')
    assert stale.status_code == 412
    assert Story.objects.get(pk=story["id"]).title == "Why the council will move"


def test_a_weaver_editing_keeps_what_they_could_not_see(client_for, coalition, cast, member_org):
    story = post(
        client_for("organizer"), url(coalition, "stories"), story_body(cast, member_org)
    ).json()
    client = client_for("weaver")
    read = client.get(url(coalition, "stories", story["id"])).json()
    assert read["steps"][2]["caption"] == CAPTION_WITHHELD
    steps = read["steps"]
    steps[0]["caption"] = "Tenants organise, together"
    saved = patch(client, url(coalition, "stories", story["id"]), {"steps": steps}, if_match='"1"')
    assert saved.status_code == 200, saved.json()
    kept = Story.objects.get(pk=story["id"]).steps
    assert kept[0]["caption"] == "Tenants organise, together"
    assert kept[2]["caption"] == "Quiet Insider tells us the vote date"
    assert kept[1]["highlighted"] == [cast["council"].pk, cast["informant"].pk]
    # ...and a weaver cannot highlight a sensitive actor in a new step.
    steps.append({"caption": "x", "highlighted": [cast["informant"].pk]})
    refused = patch(client, url(coalition, "stories", story["id"]), {"steps": steps}, '"2"')
    assert refused.status_code == 400 and "step 4" in str(refused.json())


def test_a_member_may_play_but_not_write(client_for, coalition, cast, member_org):
    refused = post(client_for("member"), url(coalition, "stories"), story_body(cast, member_org))
    assert refused.status_code == 403
    bad = post(
        client_for("organizer"),
        url(coalition, "stories"),
        {"title": "x", "steps": [{"colour_by": "shoe size", "camera": {"x": "left"}}]},
    )
    assert bad.status_code == 400
    assert "colour_by" in str(bad.json()) and "camera" in str(bad.json())


def share(client, coalition, story_id, days=7):
    return post(client, url(coalition, "story-links"), {"story": story_id, "expires_in_days": days})


def test_a_shared_story_shows_no_sensitive_actor_and_no_persons_name(
    client_for, coalition, cast, member_org
):
    story = post(
        client_for("organizer"), url(coalition, "stories"), story_body(cast, member_org)
    ).json()
    assert share(client_for("organizer"), coalition, story["id"]).status_code == 403
    made = share(client_for("steward"), coalition, story["id"])
    assert made.status_code == 201, made.json()
    link = made.json()["url"]
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert not StoryLink.objects.filter(token_hash__contains=token).exists()

    visitor = Client()
    opened = visitor.get(link)
    assert opened.status_code == 302
    page = opened["Location"]
    assert token not in page and opened["Referrer-Policy"] == "no-referrer"
    shown = visitor.get(page)
    assert shown.status_code == 200
    assert b"Quiet Insider" not in shown.content

    nodes = visitor.get(f"{page}map/").json()["nodes"]
    names = {node["name"] for node in nodes}
    assert "City Council" in names and "Tenants Union" in names
    assert "Quiet Insider" not in names and "Maria Lopez" not in names
    assert PERSON_LABEL in names
    assert not any(node["is_sensitive"] for node in nodes)

    steps = visitor.get(f"{page}story/").json()["steps"]
    assert len(steps) == 3
    assert steps[1]["highlighted"] == [cast["council"].pk]
    assert steps[2]["caption"] == CAPTION_WITHHELD
    assert visitor.get(f"{page}map/colours/?by=tag").status_code == 400

    # Without having opened the link, the address shows nothing.
    assert Client().get(page).status_code == 404
    actions = list(
        AuditEntry.objects.filter(coalition=coalition, action__startswith="story_link")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [AuditAction.STORY_LINK_CREATED, AuditAction.STORY_LINK_OPENED]
    assert token not in str(AuditEntry.objects.values_list("details", flat=True))


def test_a_revoked_or_expired_link_opens_nothing(client_for, coalition, cast, member_org):
    story = post(
        client_for("organizer"), url(coalition, "stories"), story_body(cast, member_org)
    ).json()
    steward = client_for("steward")
    made = share(steward, coalition, story["id"]).json()
    visitor = Client()
    page = visitor.get(made["url"])["Location"]
    revoked = post(steward, url(coalition, "story-links", made["id"], "revoke"), {})
    assert revoked.status_code == 200 and revoked.json()["is_open"] is False
    assert visitor.get(page).status_code == 410
    assert visitor.get(f"{page}map/").status_code == 410
    assert Client().get(made["url"]).status_code == 410

    other = share(steward, coalition, story["id"]).json()
    StoryLink.objects.filter(pk=other["id"]).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert Client().get(other["url"]).status_code == 410
    assert AuditEntry.objects.filter(action=AuditAction.STORY_LINK_REFUSED).count() == 2
    assert Client().get("/shared/stories/open/not-a-token/").status_code == 404


def test_an_empty_story_is_not_shared(client_for, coalition):
    story = post(client_for("organizer"), url(coalition, "stories"), {"title": "Soon"}).json()
    refused = share(client_for("steward"), coalition, story["id"])
    assert refused.status_code == 409 and "step" in str(refused.json())
