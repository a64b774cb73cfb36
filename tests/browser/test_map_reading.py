"""The map as a newcomer reads it (issue #18): the demo opens laid out and fitted, with no two
actors on top of each other and no two labels overlapping; focus, find, filters that fit the
camera and say what they hide; an edit moves only the newcomer and its neighbours."""

import math

import pytest
from django.utils import timezone

from coalitions.align.models import PillarProximity, Target
from coalitions.models import Coalition
from demo.builder import DEFAULT_PASSWORD, DEMO_KEY, demo_load
from networks.map.models import LayoutRun
from networks.map.services import layout_compute
from networks.models import ActorPosition
from tests.browser.test_map import (
    find,
    loads,
    network,  # noqa: F401 (the hand-built network fixture)
    open_map,
    wait_reloaded,
)

MIN_GAP_PX = 6

# These tests poll the page with wait_for_function, which evaluates strings: a policy without
# 'unsafe-eval' refuses it, so it is allowed for them (conftest.py). The map under the real
# policy: tests/browser/test_csp.py.


def open_demo(page, sign_in, coalition, query=""):
    sign_in(page, "organizer", DEFAULT_PASSWORD)
    page.goto(f"{page.base}/coalitions/{coalition.pk}/map/{query}")
    page.wait_for_function("window.weftMap && document.getElementById('map-app').dataset.loaded")
    page.wait_for_timeout(300)  # the label pass runs on the next animation frame


def on_screen(page):
    return page.evaluate(
        """() => { const m = window.weftMap; return Object.fromEntries(
             m.graph.filterNodes((n, a) => !a.hidden).map((n) => {
               const p = m.nodeOnScreen(n); return [n, [p.x, p.y]]; })); }"""
    )


def overlapping_labels(page):
    boxes = page.evaluate("window.weftMap.labelBoxes()")
    drawn = set(page.evaluate("window.weftMap.displayedLabels()"))
    pairs = [
        (a["node"], b["node"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a["x"] < b["x"] + b["w"]
        and b["x"] < a["x"] + a["w"]
        and a["y"] < b["y"] + b["h"]
        and b["y"] < a["y"] + a["h"]
    ]
    return boxes, drawn, pairs


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    demo_load(password=DEFAULT_PASSWORD, today=timezone.localdate())
    return Coalition.objects.get(demo_key=DEMO_KEY)


def test_the_demo_opens_laid_out_fitted_and_readable(browser_page, sign_in, demo):
    page = browser_page
    open_demo(page, sign_in, demo)
    dimensions = page.evaluate("window.weftMap.renderer.getDimensions()")
    width, height = dimensions["width"], dimensions["height"]
    spots = on_screen(page)
    assert len(spots) == 72
    # Fitted: everyone on the canvas; laid out: no two actors within 6 px.
    assert all(0 <= x <= width and 0 <= y <= height for x, y in spots.values())
    points = list(spots.values())
    closest = min(math.dist(a, b) for i, a in enumerate(points) for b in points[i + 1 :])
    assert closest >= MIN_GAP_PX
    # Labels: many drawn, none overlapping, and sigma draws exactly those.
    boxes, drawn, pairs = overlapping_labels(page)
    assert len(boxes) >= 20 and pairs == []
    assert drawn == {box["node"] for box in boxes}
    # The largest actor is always named.
    largest = page.evaluate(
        "(() => { const g = window.weftMap.graph; return g.nodes().sort((a, b) =>"
        " g.getNodeAttribute(b, 'size') - g.getNodeAttribute(a, 'size'))[0]; })()"
    )
    assert largest in drawn
    # Inferred relationships are off, the toggle says how many there are.
    assert page.get_attribute("#map-app", "data-inferred-count") == "0"
    assert int(page.inner_text("#inferred-count")) > 100
    # Ties drawn by kind, in the legend.
    legend = page.inner_text("#tie-kinds-legend")
    for kind in ("Conflict", "Funding", "Collaboration"):
        assert kind in legend

    # Zoomed in, more names, still none overlapping.
    page.evaluate("window.weftMap.renderer.getCamera().setState({x: 0.5, y: 0.5, ratio: 0.4})")
    page.wait_for_timeout(400)
    closer, _, pairs = overlapping_labels(page)
    assert pairs == []

    # Find by name: zooms in, selects, names it, fades everyone who is not a neighbour.
    find(page, "Mayor Helen Draycott")
    page.wait_for_timeout(500)
    mayor = page.get_attribute("#map-app", "data-selected")
    state = page.evaluate(
        """(mayor) => { const g = window.weftMap.graph;
             const near = new Set([mayor, ...g.neighbors(mayor)]);
             return { near: near.size,
                      fadedFar: g.filterNodes((n, a) => !near.has(n) && a.faded).length,
                      fadedNear: g.filterNodes((n, a) => near.has(n) && a.faded).length,
                      ratio: window.weftMap.renderer.getCamera().getState().ratio }; }""",
        mayor,
    )
    assert state["fadedNear"] == 0 and state["fadedFar"] == 72 - state["near"]
    assert state["ratio"] <= 0.6
    assert mayor in page.evaluate("window.weftMap.displayedLabels()")
    # Neighbourhood mode: only the mayor's neighbours are drawn, and the camera fits them.
    page.select_option("#neighbourhood", "1")
    page.wait_for_timeout(500)
    shown = on_screen(page)
    assert len(shown) == state["near"]
    assert all(0 <= x <= width and 0 <= y <= height for x, y in shown.values())
    page.select_option("#neighbourhood", "0")
    assert page.js_errors == []


def test_a_filter_fits_the_camera_says_what_it_hides_and_clears_in_one_click(
    browser_page, sign_in, demo
):
    page = browser_page
    open_demo(page, sign_in, demo)
    before = loads(page)
    page.check("#map-filters input[name=stance][value=active_opposition]")
    page.click("#map-filters button[type=submit]")
    wait_reloaded(page, before)
    shown = int(page.get_attribute("#map-app", "data-node-count"))
    hidden = int(page.get_attribute("#map-app", "data-hidden"))
    assert 0 < shown < 72 and shown + hidden == 72
    assert f"the filters hide {hidden}" in page.inner_text("#map-status")
    width = page.evaluate("window.weftMap.renderer.getDimensions().width")
    xs = [x for x, _ in on_screen(page).values()]
    # Fitted to the result: spread across the canvas, none outside it.
    assert min(xs) >= 0 and max(xs) <= width and max(xs) - min(xs) > width / 3
    before = loads(page)
    page.click("#clear-filters")
    wait_reloaded(page, before)
    assert page.get_attribute("#map-app", "data-node-count") == "72"
    assert page.is_hidden("#clear-filters")
    assert "stance" not in page.url
    assert page.js_errors == []


def test_adding_an_actor_moves_no_pinned_actor_and_no_more_than_its_neighbours(
    browser_page,
    sign_in,
    network,  # noqa: F811
    tasks_in_process,
    settings,
):
    settings.WEFT_LAYOUT_DEBOUNCE_SECONDS = 0  # every edit laid out at once, in-process
    coalition = network["coalition"]
    layout_compute(coalition_id=coalition.pk, full=True)
    ActorPosition.objects.filter(actor=network["faith"]).update(is_pinned=True)
    before = dict(ActorPosition.objects.values_list("actor_id", "x"))
    page = browser_page
    open_map(page, sign_in, network, "organizer")
    loaded = loads(page)
    page.fill("#new-name", "Harbour Workers")
    page.click("#add-actor button[type=submit]")
    page.wait_for_selector("#panel-title:text-is('Harbour Workers')")
    wait_reloaded(page, loaded)
    page.fill("#add-tie input[name=target]", "Food Bank")
    page.press("#add-tie input[name=target]", "Enter")
    page.wait_for_selector("#ties-list li:has-text('Food Bank')")
    page.wait_for_function("document.getElementById('map-app').dataset.moved !== undefined")
    after = dict(ActorPosition.objects.values_list("actor_id", "x"))
    moved = {actor for actor, x in before.items() if after.get(actor) != x}
    # Warm runs laid the newcomer out (after it was added, and after its tie).
    warm = LayoutRun.objects.filter(coalition=coalition, is_full=False)
    assert warm.count() >= 2 and warm.filter(moved__gte=1).exists()
    assert network["faith"].pk not in moved
    assert moved <= {network["bank"].pk}
    assert page.js_errors == []


def test_colour_by_community_shows_as_many_colours_as_the_run_has_communities(
    browser_page, sign_in, demo
):
    from networks.metrics.models import ActorMetric, MetricRun

    run = MetricRun.objects.filter(coalition=demo, status="succeeded").latest("finished_at")
    communities = set(ActorMetric.objects.filter(run=run).values_list("community", flat=True))
    page = browser_page
    open_demo(page, sign_in, demo)
    page.select_option("#colour-by", "community")
    page.wait_for_function("document.getElementById('map-app').dataset.colourBy === 'community'")
    assert int(page.get_attribute("#map-app", "data-colours")) == len(communities)
    drawn = page.evaluate(
        "[...new Set(window.weftMap.graph.filterNodes((n, a) => a.group !== null)"
        ".map((n) => window.weftMap.graph.getNodeAttribute(n, 'color')))].length"
    )
    assert drawn == len(communities)
    legend = page.inner_text("#colour-legend")
    assert all(f"Community {c + 1}" in legend for c in communities)
    page.check("#hulls")
    assert int(page.get_attribute("#map-app", "data-hulls")) >= 1
    # Back to stance: the stance legend again.
    page.select_option("#colour-by", "stance")
    page.wait_for_function("document.getElementById('map-app').dataset.colourBy === 'stance'")
    assert "Active ally" in page.inner_text("#colour-legend")
    assert page.js_errors == []


def test_the_power_grid_is_readable_and_drawn_for_one_target_and_its_pillars(
    browser_page, sign_in, demo
):
    page = browser_page
    open_demo(page, sign_in, demo, query="?layout=power")
    page.wait_for_timeout(300)
    grid = page.inner_html("#power-grid")
    for words in ("Opponents to isolate", "Neutrals to move", "Allies to keep close", "Influence"):
        assert words in grid
    assert page.is_visible("#power-grid")
    dimensions = page.evaluate("window.weftMap.renderer.getDimensions()")
    spots = on_screen(page)
    points = list(spots.values())
    assert min(math.dist(a, b) for i, a in enumerate(points) for b in points[i + 1 :]) >= MIN_GAP_PX
    assert all(0 <= x <= dimensions["width"] and 0 <= y <= dimensions["height"] for x, y in points)
    _, _, pairs = overlapping_labels(page)
    assert pairs == []
    # One target and its pillars: the Mayor, her recorded pillars of support and the actors
    # with a proximity to one of them (coalitions/align), on the same grid; not her ties.
    find(page, "Mayor Helen Draycott")
    page.wait_for_selector("#pillars-of-support .pillars-list")
    page.select_option("#neighbourhood", "1")
    page.wait_for_timeout(500)
    target = Target.objects.get(coalition=demo, is_primary=True)
    drawn = {target.actor_id}
    drawn |= set(target.pillars.values_list("actor_id", flat=True))
    drawn |= set(
        PillarProximity.objects.filter(pillar__target=target).values_list("actor", flat=True)
    )
    assert {int(node) for node in on_screen(page)} == drawn
    neighbours = page.evaluate(f"window.weftMap.graph.neighbors('{target.actor_id}').length")
    assert neighbours + 1 != len(drawn)
    assert page.js_errors == []


def test_on_a_phone_the_tools_are_a_sheet_the_actor_a_drawer_and_touch_moves_the_map(
    chromium,
    live_server,
    sign_in,
    network,  # noqa: F811
):
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.base = live_server.url
    open_map(page, sign_in, network, "organizer")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("document.documentElement.scrollHeight") <= 844

    def top_of(selector):
        return page.evaluate(f"document.querySelector('{selector}').getBoundingClientRect().top")

    assert top_of("#map-tools") >= 844  # the sheet is closed
    page.click("#tools-toggle")
    page.wait_for_timeout(400)
    assert top_of("#map-tools") < 844
    page.fill("#search-input", "Food Bank")
    page.click("#map-search button[type=submit]")
    page.wait_for_selector("#panel-title:text-is('Food Bank')")
    page.wait_for_timeout(400)
    assert top_of("#map-tools") >= 844 and 0 < top_of("#side-panel") < 844
    page.click("#side-panel .close")
    page.wait_for_timeout(400)
    assert top_of("#side-panel") >= 844

    # One finger pans, two fingers pinch to zoom.
    cdp = context.new_cdp_session(page)
    camera = "window.weftMap.renderer.getCamera().getState()"
    before = page.evaluate(camera)

    def touch(kind, points):
        cdp.send(
            "Input.dispatchTouchEvent",
            {"type": kind, "touchPoints": [{"x": x, "y": y} for x, y in points]},
        )

    touch("touchStart", [(195, 300)])
    for step in range(1, 6):
        touch("touchMove", [(195 + 20 * step, 300)])
    touch("touchEnd", [])
    page.wait_for_timeout(600)
    panned = page.evaluate(camera)
    assert panned["x"] != before["x"]
    touch("touchStart", [(175, 400), (215, 400)])
    for step in range(1, 6):
        touch("touchMove", [(175 - 20 * step, 400), (215 + 20 * step, 400)])
    touch("touchEnd", [])
    page.wait_for_timeout(600)
    assert page.evaluate(camera)["ratio"] < panned["ratio"]
    assert errors == []
    context.close()
