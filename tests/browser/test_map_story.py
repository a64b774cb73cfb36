"""Story mode in a real browser (#18, item 10): an organizer writes a story of three steps on
the map, plays it forward and back (buttons and keyboard); a story opened through a shared
link shows no sensitive actor and no person's name, from an address without the token."""

from coalitions.roles import access_for
from networks.map.models import Story
from networks.map.selectors import PERSON_LABEL
from networks.map.services import story_create, story_link_create
from tests.browser.test_map import (
    find,
    loads,
    map_names,
    network,  # noqa: F401, F811 (the hand-built network fixture)
    open_map,
    wait_reloaded,
)

APP = "document.getElementById('map-app').dataset"


def wait_step(page, number):
    page.wait_for_function(f"{APP}.storyStep === '{number}'")
    page.wait_for_timeout(100)


def add_step(page, caption):
    before = page.locator("#story-steps li").count()
    page.fill("#story-caption", caption)
    page.click("#story-add-step button[type=submit]")
    page.wait_for_function(f"document.querySelectorAll('#story-steps li').length === {before + 1}")


def test_a_story_of_three_steps_plays_forward_and_back(browser_page, sign_in, network):  # noqa: F811
    page = browser_page
    open_map(page, sign_in, network, "organizer")
    page.fill("#story-title", "How we reach the mayor")
    page.click("#story-new button[type=submit]")
    page.wait_for_selector("#story-editor:not([hidden])")

    # 1: the whole map.
    add_step(page, "All of us, and those we want to move")
    # 2: the allies only.
    before = loads(page)
    page.check("#map-filters input[name=stance][value=active_ally]")
    page.click("#map-filters button[type=submit]")
    wait_reloaded(page, before)
    add_step(page, "Our allies")
    # 3: the power map, the mayor lifted out.
    before = loads(page)
    page.click("#clear-filters")
    wait_reloaded(page, before)
    before = loads(page)
    page.select_option("#layout", "power")
    wait_reloaded(page, before)
    find(page, "Mayor Reyes")
    add_step(page, "**Who decides**: the mayor")

    story = Story.objects.get(title="How we reach the mayor")
    # Its history is a link away (#17 item 6).
    history = page.get_attribute("#story-history", "href")
    assert history.endswith(f"/history/story/{story.pk}/")
    # Reorder (and back), and edit a caption, on the page.
    page.click("button[aria-label='Move step 2 up']")
    page.wait_for_selector("#story-steps li:first-child .story-step-caption:text-is('Our allies')")
    story.refresh_from_db()
    assert [step["caption"] for step in story.steps][:2] == [
        "Our allies",
        "All of us, and those we want to move",
    ]
    page.click("button[aria-label='Move step 1 down']")
    page.wait_for_selector("#story-steps li:nth-child(2) .story-step-caption:text-is('Our allies')")
    page.click("button[aria-label='Edit the caption of step 1']")
    page.fill("#story-step-caption-0", "All of us")
    page.click("#story-steps button:text-is('Save caption')")
    page.wait_for_selector("#story-steps li:first-child .story-step-caption:text-is('All of us')")
    story.refresh_from_db()
    assert [step["caption"] for step in story.steps][1] == "Our allies"
    assert story.steps[1]["filters"] == {"stance": ["active_ally"]}
    assert story.steps[2]["layout"] == "power"
    assert story.steps[2]["highlighted"] == [network["mayor"].pk]

    # Reload the page: what is played is what was saved.
    page.goto(f"{page.base}/coalitions/{network['coalition'].pk}/map/")
    page.wait_for_function(f"window.weftMap && {APP}.loaded")
    page.wait_for_selector(f"#story-select option[value='{story.pk}']", state="attached")
    page.select_option("#story-select", str(story.pk))
    page.click("#story-play")
    wait_step(page, 1)
    assert page.is_visible("#story-player") and not page.is_visible("#map-tools")
    assert page.text_content("#story-counter") == "Step 1 of 3"
    assert "Quiet Informant" in map_names(page)  # an organizer sees the sensitive
    assert page.is_disabled("#story-back")
    assert page.is_visible("#story-player #map-legend")  # the legend plays along

    page.click("#story-next")
    wait_step(page, 2)
    assert map_names(page) == {"Tenants Union", "Faith Alliance"}
    assert page.text_content("#story-caption-shown").strip() == "Our allies"

    page.keyboard.press("ArrowRight")
    wait_step(page, 3)
    assert page.get_attribute("#map-app", "data-highlighted") == str(network["mayor"].pk)
    assert page.inner_html("#story-caption-shown").startswith("<p><strong>Who decides</strong>")
    assert page.is_disabled("#story-next")
    assert page.is_visible("#power-grid")

    page.keyboard.press("ArrowLeft")
    wait_step(page, 2)
    assert map_names(page) == {"Tenants Union", "Faith Alliance"}
    page.click("#story-back")
    wait_step(page, 1)
    assert len(map_names(page)) == 6
    assert page.get_attribute("#map-app", "data-highlighted") == ""

    page.keyboard.press("Escape")
    page.wait_for_selector("#story-player", state="hidden")
    assert page.is_visible("#map-tools #map-legend")
    assert page.js_errors == []


def test_a_shared_story_link_shows_no_sensitive_actor(browser_page, network, personas):  # noqa: F811
    page = browser_page
    coalition = network["coalition"]
    steward = access_for(personas["steward"], coalition.pk)
    informant = network["informant"]
    story = story_create(
        access=steward,
        title="The road to the mayor",
        steps=[
            {"caption": "Our *members*", "highlighted": [network["union"].pk, informant.pk]},
            {"caption": "Quiet Informant tipped us off", "layout": "power"},
            {"caption": "The mayor", "highlighted": [network["mayor"].pk]},
        ],
    )
    _, token = story_link_create(access=steward, story=story, expires_in_days=3)

    page.goto(f"{page.base}/shared/stories/open/{token}/")
    page.wait_for_function(f"window.weftMap && {APP}.loaded")
    wait_step(page, 1)
    assert token not in page.url
    names = map_names(page)
    assert "Quiet Informant" not in names
    assert "Council Clerk" not in names and PERSON_LABEL in names  # a person: no name
    assert {"Tenants Union", "Mayor Reyes"} <= names
    assert page.get_attribute("#map-app", "data-highlighted") == str(network["union"].pk)
    assert "Quiet Informant" not in page.content()

    page.click("#story-next")
    wait_step(page, 2)
    assert "Informant" not in page.text_content("#story-caption-shown")
    page.keyboard.press("ArrowRight")
    wait_step(page, 3)
    page.keyboard.press("ArrowLeft")
    wait_step(page, 2)
    assert not page.is_visible("#map-tools") and not page.is_visible("#side-panel")
    assert page.js_errors == []
