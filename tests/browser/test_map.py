"""The map page in a real browser: as organizer, member and funder, on hand-built networks
whose answers are known."""

import datetime
import io

import pytest
from PIL import Image

from allies.models import Actor
from networks.map.models import SavedView
from networks.models import ActorPosition, Tie
from tests.allies.factories import ActorFactory, AllyAssessmentFactory
from tests.coalitions.factories import MembershipFactory
from tests.conftest import PASSWORD
from tests.networks.factories import (
    ActorPositionFactory,
    InteractionFactory,
    InteractionParticipantFactory,
    TieFactory,
)
from weft.vocabulary import ActorKind

DAY = datetime.date(2026, 1, 10)


def assess(actor, stance, ally_kind="natural", on=DAY):
    return AllyAssessmentFactory(
        actor=actor,
        stance=stance,
        ally_kind=ally_kind,
        influence=3,
        proximity=3,
        commitment=3,
        assessed_on=on,
    )


@pytest.fixture
def network(coalition, personas, member_org):
    """Members Tenants Union and Faith Alliance; the Mayor (the target) is reached from
    Faith Alliance by a weak direct tie (1) or through the Council Clerk by two strong ones
    (5, 5): the strongest path goes through the clerk. A sensitive informant hangs off the
    union."""

    def actor(name, kind, x, y, **extra):
        row = ActorFactory(coalition=coalition, name=name, kind=kind, **extra)
        ActorPositionFactory(actor=row, x=x, y=y)
        return row

    faith = actor("Faith Alliance", ActorKind.GROUP, -300, 0)
    clerk = actor("Council Clerk", ActorKind.PERSON, 0, 250)
    mayor = actor("Mayor Reyes", ActorKind.OFFICIAL, 300, 0)
    bank = actor("Food Bank", ActorKind.ORGANISATION, 0, -250)
    informant = actor("Quiet Informant", ActorKind.PERSON, -300, -300, is_sensitive=True)
    ActorPositionFactory(actor=member_org, x=-500, y=200)
    assess(member_org, "active_ally")
    assess(faith, "active_ally")
    assess(clerk, "neutral", "strategic")
    assess(mayor, "passive_opposition", "strategic")
    assess(bank, "passive_ally")
    for org in (member_org, faith):
        MembershipFactory(coalition=coalition, organisation=org)

    def tie(source, target, strength):
        return TieFactory(coalition=coalition, source=source, target=target, strength=strength)

    ties = {
        "faith-mayor": tie(faith, mayor, 1),
        "faith-clerk": tie(faith, clerk, 5),
        "clerk-mayor": tie(clerk, mayor, 5),
        "union-faith": tie(member_org, faith, 3),
        "union-informant": tie(member_org, informant, 4),
    }
    names = {"union": member_org, "faith": faith, "clerk": clerk, "mayor": mayor, "bank": bank}
    return {"coalition": coalition, "ties": ties, "informant": informant, **names}


def open_map(page, sign_in, network, username, query=""):
    sign_in(page, username, PASSWORD)
    page.goto(f"{page.base}/coalitions/{network['coalition'].pk}/map/{query}")
    page.wait_for_function("window.weftMap && document.getElementById('map-app').dataset.loaded")


def loads(page):
    return int(page.get_attribute("#map-app", "data-loaded"))


def wait_reloaded(page, before):
    page.wait_for_function(f"Number(document.getElementById('map-app').dataset.loaded) > {before}")


def map_names(page):
    graph = "window.weftMap.graph"
    return set(page.evaluate(f"{graph}.nodes().map(n => {graph}.getNodeAttribute(n, 'name'))"))


def find(page, name):
    page.fill("#search-input", name)
    page.click("#map-search button[type=submit]")
    page.wait_for_selector(f"#panel-title:text-is('{name}')")


def test_the_map_draws_every_visible_actor_with_a_legend(browser_page, sign_in, network):
    open_map(browser_page, sign_in, network, "organizer")
    assert map_names(browser_page) == {
        "Tenants Union",
        "Faith Alliance",
        "Council Clerk",
        "Mayor Reyes",
        "Food Bank",
        "Quiet Informant",
    }
    legend = browser_page.inner_text("#map-legend")
    for words in ("Active ally", "Organisation", "Strategic ally", "Ended tie", "stronger"):
        assert words in legend
    assert browser_page.js_errors == []


def ring_contrast(page, actor) -> int:
    """How much darker than its centre an actor is just inside its outline, as drawn on the
    map (0–255 luminance), looking left of the centre (labels are drawn on the right)."""
    x, y = settled_spot(page, actor)
    radius = page.evaluate(f"window.weftMap.renderer.getNodeDisplayData('{actor.pk}').size")
    shot = Image.open(io.BytesIO(page.screenshot())).convert("L")
    centre = shot.getpixel((round(x), round(y)))
    inside = [shot.getpixel((round(x) - step, round(y))) for step in range(int(radius) - 1)]
    return centre - min(inside)


def test_strategic_allies_wear_a_dark_ring_and_natural_allies_none(browser_page, sign_in, network):
    page = browser_page
    open_map(page, sign_in, network, "organizer")
    # The clerk and the mayor are strategic allies; the food bank and Faith Alliance natural.
    assert ring_contrast(page, network["clerk"]) > 60
    assert ring_contrast(page, network["mayor"]) > 60
    assert ring_contrast(page, network["bank"]) < 10
    assert ring_contrast(page, network["faith"]) < 10
    assert page.js_errors == []


def test_a_large_map_follows_the_wheel_and_is_drawn_again_once_still(
    browser_page, sign_in, coalition, personas
):
    """Over 1,000 actors, a zoom moves the frame on screen instead of redrawing every frame,
    and the map is drawn in full once the camera stops."""
    page = browser_page
    actors = Actor.objects.bulk_create(
        Actor(coalition=coalition, name=f"Group {i:04d}", kind=ActorKind.GROUP)
        for i in range(1_001)
    )
    ActorPosition.objects.bulk_create(
        ActorPosition(actor=actor, x=(i % 40) * 50.0, y=(i // 40) * 50.0)
        for i, actor in enumerate(actors)
    )
    Tie.objects.bulk_create(
        Tie(coalition=coalition, source=a, target=b, strength=3)
        for a, b in zip(actors[:-1], actors[1:], strict=True)
    )
    sign_in(page, "organizer", PASSWORD)
    page.goto(f"{page.base}/coalitions/{coalition.pk}/map/")
    page.wait_for_function("window.weftMap && document.getElementById('map-app').dataset.loaded")
    page.evaluate("window.weftMap.ready")
    page.evaluate(
        """() => { window.__draws = 0;
          window.weftMap.renderer.on("afterRender", () => { window.__draws += 1; }); }"""
    )
    box = page.locator("#map-canvas").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -480)  # zoom in
    stage = "document.querySelector('#map-canvas canvas')"
    page.wait_for_function(f"{stage}.style.transform.includes('scale')")
    assert page.evaluate("window.__draws") == 0  # following the camera, not redrawing
    page.wait_for_function(f"{stage}.style.transform === '' && window.__draws > 0")
    assert page.evaluate("window.weftMap.renderer.getCamera().getState().ratio") < 1
    # A click just after a zoom, before the map is drawn again, opens the actor under it.
    target = actors[500]
    page.mouse.wheel(0, -240)
    page.wait_for_function(f"{stage}.style.transform.includes('scale')")
    page.wait_for_function("!window.weftMap.renderer.getCamera().isAnimating()")
    where = page.evaluate(f"window.weftMap.nodeOnScreen({target.pk})")
    page.mouse.click(box["x"] + where["x"], box["y"] + where["y"])
    page.wait_for_selector(f"#panel-title:text-is('{target.name}')")
    # A pan held still is not drawn until the button is released (from between four actors;
    # the panel that opened made the canvas narrower).
    page.wait_for_function(f"{stage}.style.transform === ''")
    box = page.locator("#map-canvas").bounding_box()
    corner, across = (
        page.evaluate(f"window.weftMap.nodeOnScreen({a.pk})") for a in actors[500:542:41]
    )
    start = (box["x"] + (corner["x"] + across["x"]) / 2, box["y"] + (corner["y"] + across["y"]) / 2)
    page.mouse.move(*start)
    page.evaluate("window.__draws = 0")
    page.mouse.down()
    page.mouse.move(start[0] + 120, start[1] + 60, steps=8)
    page.wait_for_timeout(700)  # longer than the camera must be still for
    assert "translate" in page.evaluate(f"{stage}.style.transform")
    assert page.evaluate("window.__draws") == 0
    page.mouse.up()
    page.wait_for_function(f"{stage}.style.transform === '' && window.__draws > 0")
    assert page.js_errors == []


def test_an_organizer_adds_an_actor_draws_a_tie_and_changes_a_stance_and_all_persist(
    browser_page, sign_in, network
):
    page = browser_page
    open_map(page, sign_in, network, "organizer")
    before = loads(page)
    page.fill("#new-name", "Harbour Workers")
    page.select_option("#new-kind", "organisation")
    page.select_option("#new-stance", "neutral")
    page.click("#add-actor button[type=submit]")
    page.wait_for_selector("#panel-title:text-is('Harbour Workers')")
    wait_reloaded(page, before)
    # Draw a tie by keyboard: the panel's "Draw a tie to" field.
    page.fill("#add-tie input[name=target]", "Food Bank")
    page.select_option("#add-tie select[name=strength]", "4")
    page.press("#add-tie input[name=target]", "Enter")
    page.wait_for_selector("#ties-list li:has-text('Food Bank')")
    # Change the stance: a new assessment.
    page.select_option("#assess select[name=stance]", "active_ally")
    page.click("#assess button[type=submit]")
    page.wait_for_selector("#panel-title:text-is('Harbour Workers')")
    page.wait_for_selector("#side-panel .meta:has-text('Active ally')")

    page.reload()
    page.wait_for_function("document.getElementById('map-app').dataset.loaded")
    assert "Harbour Workers" in map_names(page)
    find(page, "Harbour Workers")
    assert "Active ally" in page.inner_text("#side-panel .meta")
    assert "Food Bank" in page.inner_text("#ties-list")
    history = page.inner_text("#assessment-history")
    assert "Active ally" in history and "Neutral" in history
    harbour = Actor.objects.get(name="Harbour Workers")
    tie = Tie.objects.get(source=harbour, target=network["bank"])
    assert tie.strength == 4
    assert harbour.assessments.latest().stance == "active_ally"
    # Placed beside its neighbour once it had one, or where the organizer was looking.
    assert ActorPosition.objects.filter(actor=harbour).exists()
    assert page.js_errors == []


def test_a_tie_is_drawn_by_mouse_from_one_node_to_another(browser_page, sign_in, network):
    page = browser_page
    open_map(page, sign_in, network, "organizer")

    def click_node(actor):
        # Opening the panel resizes the canvas and the camera may still be moving: read the
        # canvas box and the node's place once they have settled, not before.
        spot = None
        for _ in range(40):
            box = page.locator("#map-canvas").bounding_box()
            now = (box, page.evaluate(f"window.weftMap.nodeOnScreen({actor.pk})"))
            if now == spot:
                break
            spot = now
            page.wait_for_timeout(150)
        box, where = spot
        page.mouse.click(box["x"] + where["x"], box["y"] + where["y"])

    click_node(network["bank"])  # a click on a node opens its panel
    page.wait_for_selector("#panel-title:text-is('Food Bank')")
    page.click("#pick-target")
    click_node(network["clerk"])
    # Drawing opens the tie's form: nothing is saved until it is submitted.
    page.wait_for_selector("#tie-form")
    assert not Tie.objects.filter(source=network["bank"], target=network["clerk"]).exists()
    page.select_option("#tie-form select[name=kind]", "funding")
    page.select_option("#tie-form select[name=direction]", "directed")
    page.select_option("#tie-form select[name=strength]", "4")
    before = loads(page)
    page.click("#tie-form button[type=submit]")
    wait_reloaded(page, before)
    page.wait_for_selector("#tie-note:text-is('Tie added.')")
    tie = Tie.objects.get(source=network["bank"], target=network["clerk"])
    assert (tie.kind, tie.direction, tie.strength) == ("funding", "directed", 4)
    page.click("#tie-source")
    page.wait_for_selector("#ties-list li:has-text('Council Clerk')")
    assert page.js_errors == []


def settled_spot(page, actor):
    """Where an actor is on the page, once the canvas and the camera have stopped moving."""
    spot = None
    for _ in range(40):
        box = page.locator("#map-canvas").bounding_box()
        now = (box, page.evaluate(f"window.weftMap.nodeOnScreen({actor.pk})"))
        if now == spot:
            break
        spot = now
        page.wait_for_timeout(150)
    box, where = spot
    return box["x"] + where["x"], box["y"] + where["y"]


def drag(page, source, target):
    start, end = settled_spot(page, source), settled_spot(page, target)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move((start[0] + end[0]) / 2, (start[1] + end[1]) / 2, steps=5)
    page.mouse.move(*end, steps=5)
    page.mouse.up()


def add_drawn_tie(page):
    """Submit the form a drawn tie opens as it is, then go back to the first actor's panel."""
    page.wait_for_selector("#tie-form")
    before = loads(page)
    page.click("#tie-form button[type=submit]")
    wait_reloaded(page, before)
    page.wait_for_selector("#tie-note")
    page.click("#tie-source")


def test_a_tie_is_drawn_by_dragging_from_one_node_to_another_and_persists(
    browser_page, sign_in, network
):
    page = browser_page
    open_map(page, sign_in, network, "organizer")
    camera = page.evaluate("window.weftMap.renderer.getCamera().getState()")
    assert "drag from one actor to another" in page.inner_text("#draw-help")
    page.click("#draw-ties")
    assert page.get_attribute("#draw-ties", "aria-pressed") == "true"
    drag(page, network["bank"], network["mayor"])
    add_drawn_tie(page)
    page.wait_for_selector("#panel-title:text-is('Food Bank')")
    page.wait_for_selector("#ties-list li:has-text('Mayor Reyes')")
    assert Tie.objects.filter(source=network["bank"], target=network["mayor"]).exists()
    # Drawing a tie neither dragged the node (a dragged node is pinned) nor panned the camera.
    assert page.evaluate("window.weftMap.renderer.getCamera().getState()") == camera
    assert not ActorPosition.objects.get(actor=network["bank"]).is_pinned

    # Without the mode, Shift-drag draws a tie too; a plain drag moves the node.
    page.click("#draw-ties")
    page.keyboard.down("Shift")
    drag(page, network["clerk"], network["bank"])
    page.keyboard.up("Shift")
    add_drawn_tie(page)
    page.wait_for_selector("#ties-list li:has-text('Food Bank')")
    assert Tie.objects.filter(source=network["clerk"], target=network["bank"]).exists()

    page.reload()
    page.wait_for_function("document.getElementById('map-app').dataset.loaded")
    find(page, "Food Bank")
    ties = page.inner_text("#ties-list")
    assert "Mayor Reyes" in ties and "Council Clerk" in ties
    # A plain drag (no mode, no Shift) moves the actor and pins it where it was dropped.
    x, y = settled_spot(page, network["bank"])
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 80, y + 40, steps=8)
    page.mouse.up()
    for _ in range(50):
        if ActorPosition.objects.get(actor=network["bank"]).is_pinned:
            break
        page.wait_for_timeout(100)
    assert ActorPosition.objects.get(actor=network["bank"]).is_pinned
    assert Tie.objects.count() == 7  # no tie drawn by the plain drag
    assert page.js_errors == []


def test_a_stale_edit_shows_who_changed_what_and_reloads_the_item(browser_page, sign_in, network):
    page = browser_page
    open_map(page, sign_in, network, "organizer")
    find(page, "Faith Alliance")
    # Meanwhile a weaver renames it.
    faith = network["faith"]
    faith.name = "Faith Alliance United"
    faith._history_user = network["coalition"].roles.get(user__username="weaver").user
    faith.save()
    page.fill("#rename input[name=name]", "Faith Coalition")
    page.click("#rename button[type=submit]")
    alert = page.wait_for_selector("#map-alert:not([hidden])")
    message = alert.inner_text()
    assert "weaver changed the name of Faith Alliance" in message
    assert "not saved" in message
    # The item is reloaded as it now is.
    page.wait_for_selector("#panel-title:text-is('Faith Alliance United')")
    faith.refresh_from_db()
    assert faith.name == "Faith Alliance United"


def test_a_stale_tie_strength_edit_names_who_changed_it(browser_page, sign_in, network):
    page = browser_page
    open_map(page, sign_in, network, "organizer")
    find(page, "Food Bank")
    page.fill("#add-tie input[name=target]", "Council Clerk")
    page.click("#add-tie button[type=submit]")
    page.wait_for_selector("#ties-list li:has-text('Council Clerk')")
    tie = Tie.objects.get(source=network["bank"], target=network["clerk"])
    tie.strength = 2
    tie._history_user = network["coalition"].roles.get(user__username="steward").user
    tie.save()
    page.select_option(".tie-strength select[name=strength]", "5")
    page.click(".tie-strength button[type=submit]")
    message = page.wait_for_selector("#map-alert:not([hidden])").inner_text()
    assert "steward changed the strength of this tie" in message
    tie.refresh_from_db()
    assert tie.strength == 2


def test_a_filter_hides_the_right_nodes(browser_page, sign_in, network):
    page = browser_page
    open_map(page, sign_in, network, "organizer")
    before = loads(page)
    page.check("input[name=stance][value=active_ally]")
    page.check("input[name=stance][value=passive_ally]")
    page.click("#map-filters button[type=submit]")
    wait_reloaded(page, before)
    assert map_names(page) == {"Tenants Union", "Faith Alliance", "Food Bank"}
    assert page.get_attribute("#map-app", "data-edge-count") == "1"  # union – faith only
    assert "stance=active_ally" in page.url
    # The table twin opens with the same filters.
    page.click("#table-link")
    rows = page.locator("#actors-table tbody th").all_inner_texts()
    assert sorted(rows) == ["Faith Alliance", "Food Bank", "Tenants Union"]
    assert page.js_errors == []


def test_the_date_control_shows_the_map_as_it_stood(browser_page, sign_in, network):
    page = browser_page
    assess(network["bank"], "active_opposition", on=DAY + datetime.timedelta(days=30))
    open_map(page, sign_in, network, "organizer", query="?as_of=2026-01-20")
    find(page, "Food Bank")
    assert "on 2026-01-20: Passive ally" in page.inner_text("#side-panel .meta")
    assert "now: Active opposition" in page.inner_text("#side-panel .meta")
    stance = page.evaluate(
        f"window.weftMap.graph.getNodeAttribute('{network['bank'].pk}', 'stance')"
    )
    assert stance == "passive_ally"
    assert "as it stood on 2026-01-20" in page.inner_text("#map-status")


def test_who_can_reach_them_highlights_the_strongest_path(browser_page, sign_in, network):
    page = browser_page
    open_map(page, sign_in, network, "organizer")
    find(page, "Mayor Reyes")
    page.click("#find-paths")
    first = page.wait_for_selector("#paths-list li").inner_text()
    # Explained step by step; the clerk is neutral, and marked so.
    assert first.startswith(
        "Faith Alliance —collaboration, 5 of 5→ Council Clerk (neutral) —collaboration, 5 of 5→"
        " Mayor Reyes"
    )
    assert "Through a neutral" in first
    expected = {str(network[k].pk) for k in ("faith", "clerk", "mayor")}
    assert set(page.get_attribute("#map-app", "data-highlighted").split(",")) == expected
    assert page.js_errors == []


def test_delete_asks_first_and_can_be_undone(browser_page, sign_in, network):
    page = browser_page
    open_map(page, sign_in, network, "organizer")
    find(page, "Council Clerk")
    clerk = network["clerk"].pk
    where = f"['x', 'y'].map((k) => window.weftMap.graph.getNodeAttribute('{clerk}', k))"
    placed = page.evaluate(where)
    page.once("dialog", lambda dialog: dialog.accept())
    before = loads(page)
    page.click("#delete-actor")
    wait_reloaded(page, before)
    assert "Council Clerk" not in map_names(page)
    assert not Actor.objects.filter(name="Council Clerk").exists()
    before = loads(page)
    page.click(".toast button")
    wait_reloaded(page, before)
    page.wait_for_selector("#panel-title:text-is('Council Clerk')")
    assert "Council Clerk" in map_names(page)
    assert Tie.objects.filter(source=network["faith"], target_id=network["clerk"].pk).exists()
    # Back where it was, not wherever a newcomer would go.
    assert page.evaluate(where) == placed
    assert page.js_errors == []


def test_a_member_sees_the_map_read_only_without_sensitive_actors(browser_page, sign_in, network):
    page = browser_page
    open_map(page, sign_in, network, "member")
    names = map_names(page)
    assert "Quiet Informant" not in names and "Faith Alliance" in names
    assert page.locator("#add-actor").count() == 0
    find(page, "Tenants Union")
    for control in ("#rename", "#assess", "#add-tie", "#delete-actor", ".tie-strength"):
        assert page.locator(control).count() == 0, control
    assert "Quiet Informant" not in page.inner_text("#side-panel")
    assert page.js_errors == []


def test_the_map_is_refused_to_a_funder(browser_page, sign_in, network):
    page = browser_page
    sign_in(page, "funder", PASSWORD)
    response = page.goto(f"{page.base}/coalitions/{network['coalition'].pk}/map/")
    assert response.status == 403
    response = page.goto(f"{page.base}/coalitions/{network['coalition'].pk}/map/table/")
    assert response.status == 403


def test_a_saved_view_keeps_filters_and_layout_and_a_member_opens_it(
    browser_page, second_page, sign_in, network
):
    page = browser_page
    open_map(page, sign_in, network, "organizer")
    page.check("input[name=stance][value=active_ally]")
    page.select_option("#layout", "power")
    page.fill("#view-name", "Our allies on the grid")
    page.click("#save-view button[type=submit]")
    page.wait_for_selector("#saved-view option:text-is('Our allies on the grid')", state="attached")
    view = SavedView.objects.get(name="Our allies on the grid")
    assert view.filters == {"stance": ["active_ally"]} and view.layout == "power"

    member = second_page
    open_map(member, sign_in, network, "member")
    assert map_names(member) != {"Tenants Union", "Faith Alliance"}
    before = loads(member)
    member.select_option("#saved-view", label="Our allies on the grid")
    member.click("#open-view")
    wait_reloaded(member, before)
    assert map_names(member) == {"Tenants Union", "Faith Alliance"}
    assert member.input_value("#layout") == "power"
    assert "layout=power" in member.url and "stance=active_ally" in member.url
    member.context.close()


def test_the_power_map_places_actors_by_stance_and_influence(browser_page, sign_in, network):
    page = browser_page
    open_map(page, sign_in, network, "organizer", query="?layout=power")
    assert page.is_visible("#power-axes")

    def x_of(actor):
        return page.evaluate(f"window.weftMap.graph.getNodeAttribute('{actor.pk}', 'x')")

    # Active allies right of passive allies, right of the neutral clerk, right of the mayor.
    assert x_of(network["faith"]) > x_of(network["bank"]) > x_of(network["clerk"])
    assert x_of(network["clerk"]) > x_of(network["mayor"]) > x_of(network["informant"])
    assert page.js_errors == []


def test_the_map_exports_as_svg_and_png(browser_page, sign_in, network):
    page = browser_page
    open_map(page, sign_in, network, "organizer", query="?kind=group&kind=person")
    with page.expect_download() as svg_download:
        page.click("#export-svg")
    with open(svg_download.value.path(), encoding="utf-8") as exported:
        svg = exported.read()
    assert svg.startswith("<svg") and "Council Clerk" in svg and "<line" in svg
    # The picture carries its title, date, filters and legend.
    header = svg[
        svg.index('id="export-header"') : svg.index("</g>", svg.index('id="export-header"'))
    ]
    assert "Housing" in header or "Map" in header
    assert "As of " in header and "Filters: kind: Person, Group" in header
    assert "of 6 actors hidden" in header
    legend = svg[svg.index('id="export-legend"') :]
    assert "Colour: Stance" in legend and "Active ally" in legend and "collaboration" in legend
    with page.expect_download() as png_download:
        page.click("#export-png")
    assert svg_download.value.suggested_filename.endswith(".svg")
    with open(png_download.value.path(), "rb") as png:
        assert png.read(8) == b"\x89PNG\r\n\x1a\n"
    assert page.js_errors == []


def test_inferred_relationships_are_dashed_explained_and_filtered(
    browser_page, second_page, sign_in, network
):
    """Food Bank met the union and the informant, but no tie is declared: inferred
    relationships, drawn dashed and explained in the legend; the filter hides them; a member
    sees neither the informant's nor (the meeting was the informant's too) any other."""

    coalition, bank = network["coalition"], network["bank"]
    for others in ((network["union"],), (network["faith"], network["informant"])):
        meeting = InteractionFactory(coalition=coalition, kind="one_to_one", occurred_on=DAY)
        for actor in (bank, *others):
            InteractionParticipantFactory(interaction=meeting, actor=actor)
    page = browser_page
    # Off by default, the toggle saying how many there are; switched on at once.
    open_map(page, sign_in, network, "organizer")
    assert page.get_attribute("#map-app", "data-inferred-count") == "0"
    assert page.inner_text("#inferred-count") == "4"
    assert "Inferred relationship" not in page.inner_text("#map-legend")
    before = loads(page)
    page.check("#f-inferred")
    wait_reloaded(page, before)
    edges = page.evaluate(
        """() => { const g = window.weftMap.graph;
          return g.filterEdges((e, a) => a.inferred).map((e) => {
            const a = g.getEdgeAttributes(e);
            return [a.source, a.target, a.gap > 0, a.color]; }); }"""
    )
    pairs = {frozenset((s, t)) for s, t, _, _ in edges}
    expected = {
        frozenset((bank.pk, network[other].pk)) for other in ("union", "faith", "informant")
    } | {frozenset((network["faith"].pk, network["informant"].pk))}
    assert pairs == expected
    assert all(dashed for _, _, dashed, _ in edges)
    assert page.get_attribute("#map-app", "data-inferred-count") == "4"
    assert "Inferred relationship" in page.inner_text("#map-legend")
    assert "4 inferred relationships" in page.inner_text("#map-status")
    find(page, "Food Bank")
    assert "Tenants Union" in page.inner_text("#inferred-list")

    assert "inferred=true" in page.url
    before = loads(page)
    page.uncheck("#f-inferred")
    wait_reloaded(page, before)
    assert page.get_attribute("#map-app", "data-inferred-count") == "0"
    assert "inferred" not in page.url
    assert page.js_errors == []

    member = second_page
    open_map(member, sign_in, network, "member", query="?inferred=true")
    member_edges = member.evaluate(
        "() => window.weftMap.graph.filterEdges((e, a) => a.inferred)"
        ".map((e) => window.weftMap.graph.getEdgeAttributes(e)).map((a) => [a.source, a.target])"
    )
    assert [frozenset(p) for p in member_edges] == [frozenset((bank.pk, network["union"].pk))]


def test_the_engagement_plan_is_edited_in_the_panel_and_a_stale_edit_is_refused(
    browser_page, sign_in, network
):
    from allies.models import EngagementPlan

    page = browser_page
    open_map(page, sign_in, network, "organizer")
    find(page, "Mayor Reyes")
    page.fill("#plan textarea[name=ask]", "Fund the tenant advocates")
    page.fill("#plan textarea[name=frame]", "Fiscal prudence: evictions cost the city more")
    page.fill("#plan input[name=messenger]", "Council Clerk")
    page.fill("#plan input[name=owner]", "organizer")
    page.fill("#plan input[name=next_step]", "Ask the clerk for a meeting")
    page.fill("#plan input[name=next_step_on]", "2026-02-01")
    page.click("#plan button[type=submit]")
    page.wait_for_selector("#plan-saved")
    plan = EngagementPlan.objects.get(actor=network["mayor"])
    assert plan.ask == "Fund the tenant advocates" and plan.messenger == network["clerk"]
    assert plan.owner.username == "organizer"
    assert plan.next_step_on == datetime.date(2026, 2, 1)

    page.reload()
    page.wait_for_function("document.getElementById('map-app').dataset.loaded")
    find(page, "Mayor Reyes")
    assert page.input_value("#plan input[name=messenger]") == "Council Clerk"
    assert page.input_value("#plan textarea[name=frame]").startswith("Fiscal prudence")

    # Meanwhile a weaver changes the ask; the organizer's edit is refused and the plan reloaded.
    plan.ask = "Fund the advocates and the hotline"
    plan._history_user = network["coalition"].roles.get(user__username="weaver").user
    plan.save()
    page.fill("#plan input[name=next_step]", "Call the chief of staff")
    page.click("#plan button[type=submit]")
    message = page.wait_for_selector("#map-alert:not([hidden])").inner_text()
    assert "weaver changed the ask of the engagement plan for Mayor Reyes" in message
    assert "not saved" in message
    page.wait_for_function(
        "document.querySelector('#plan textarea[name=ask]')?.value"
        " === 'Fund the advocates and the hotline'"
    )
    plan.refresh_from_db()
    assert plan.next_step == "Ask the clerk for a meeting"
    # A wrong owner is refused, naming the field.
    page.fill("#plan input[name=owner]", "nobody-here")
    page.click("#plan button[type=submit]")
    page.wait_for_function("document.getElementById('map-alert').innerText.includes('owner')")
