"""The map page in headless Chromium against a bare sigma.js page drawing the same graph.

For each size (300 actors / 1,000 ties and 5,000 / 25,000) the coalition is bulk-created
(``map_endpoint.build_coalition``: one assessment and one stored position per actor) and laid
out by the server's force layout (``layout_compute``, timed at the largest size), so both pages
draw the positions an organizer sees. A live server (Django's LiveServerThread, static files
from static/dist) serves it. Then, in the same Chromium (Debian's /usr/bin/chromium, never a
downloaded one), interleaved, best of ``REPEAT`` (5) after a warm-up:

* **map page**: navigation to ``/coalitions/<id>/map/`` until a click on a node is answered
  (sigma's ``clickNode`` fires): the page loads its bundle, fetches the map endpoint, builds
  the graph with every encoding and draws it;
* **bare page**: the same navigation to a page on the same server that fetches the same
  endpoint and draws it with sigma's defaults (x, y, a size, a colour and a label per node;
  straight edges, as the map page), no encodings, no panel, no legend: what sigma.js itself
  costs.

The click is tried every animation frame from the start of navigation, at the on-screen spot
of the first node, so "interactive" means drawn and answering. Also measured, on both pages
at 5,000 actors: the slowest frame (requestAnimationFrame gap) while the mouse wheel zooms in
and out, and the slowest frame after it, when the map is drawn again in full with every tie
(sigma hides ties while moving; the map page shows its last full frame scaled by CSS instead).

Targets: the map page at most 1.3x the bare page at both sizes; no frame over 200 ms while
zooming at 5,000 actors; the server layout for 5,000 actors under 10 s.
"""

import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench import map_endpoint

SIZES = ((300, 1_000), (5_000, 25_000))
SMOKE_SIZES = ((300, 1_000),)
REPEAT = 5
MAX_RATIO = 1.3
MAX_FRAME_MS = 200.0
MAX_LAYOUT_S = 10.0
PASSWORD = "bench-browser-password"  # noqa: S105 (a throwaway user in a throwaway database)
ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("WEFT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

BARE_JS = """
import Graph from "graphology";
import Sigma from "sigma";
import { pathLine } from "sigma/rendering";
const response = await fetch(document.body.dataset.api, { credentials: "same-origin" });
const payload = await response.json();
const graph = new Graph({ multi: true, type: "mixed" });
for (const n of payload.nodes) {
  graph.addNode(String(n.id), { x: n.x, y: n.y, size: 6, color: "#2f6f5e", label: n.name });
}
for (const e of payload.edges) {
  const ends = [String(e.source), String(e.target)];
  graph.addEdgeWithKey(String(e.id), ...ends, { size: 1, color: "#ccc" });
}
const large = graph.order > 1000;
const renderer = new Sigma(graph, document.getElementById("canvas"), {
  // Straight lines only, as on the map page (sigma's default shader also carries self-loops).
  primitives: { edges: { paths: [pathLine()] } },
  // The map page's rendering settings (static/js/map/map.js, createRenderer): the same
  // picking (full resolution, ties clickable on small maps) and padding, so that the ratio
  // is what the map page adds to sigma, not a setting. Labels stay sigma's own choice (the
  // map page chooses its labels itself, declutterLabels, and sigma draws those).
  settings: {
    hideEdgesOnMove: large,
    hideLabelsOnMove: large,
    enableEdgeEvents: !large,
    stagePadding: 40,
    pickingDownSizingRatio: 1,
  },
});
window.benchRenderer = renderer;
"""

BARE_HTML = """<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<style>body{margin:0}#canvas{position:absolute;inset:0}</style></head>
<body data-api="{api}"><div id="canvas"></div>
<script type="module" src="/bench-bare/bare.js"></script></body></html>"""

# Added to every document (an init script): from navigation on, each frame, notes the
# on-screen spot of the first node once sigma has drawn, and records when sigma answers a
# click on it (performance.now(): milliseconds since the navigation started).
INTERACTIVE_JS = """
window.__benchAnswer = null;
window.__benchClickAt = null;
const benchTick = () => {
  const renderer = window.benchRenderer || (window.weftMap && window.weftMap.renderer);
  if (renderer && renderer.getGraph().order > 0) {
    if (!renderer.__benchListening) {
      renderer.__benchListening = true;
      renderer.on("clickNode", () => { window.__benchAnswer ??= performance.now(); });
    }
    const graph = renderer.getGraph();
    const node = graph.nodes()[0];
    const spot = renderer.graphToViewport(graph.getNodeAttributes(node));
    const box = renderer.getContainer().getBoundingClientRect();
    window.__benchClickAt = [box.left + spot.x, box.top + spot.y];
  }
  if (window.__benchAnswer === null) requestAnimationFrame(benchTick);
};
requestAnimationFrame(benchTick);
"""

# Notes every animation frame (its end time and the gap before it), every frame sigma draws
# in full (afterRender) and every wheel event, from the moment it is called until
# __benchStopFrames().
ZOOM_JS = """
async () => {
  const renderer = window.benchRenderer || window.weftMap.renderer;
  const frames = [];
  const draws = [];
  let last = performance.now();
  let running = true;
  const frame = (now) => {
    frames.push([now, now - last]);
    last = now;
    if (running) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const onDraw = () => draws.push(performance.now());
  renderer.on("afterRender", onDraw);
  // When the page handled each wheel event (a busy page handles them late).
  const wheels = [];
  const onWheel = () => wheels.push(performance.now());
  window.addEventListener("wheel", onWheel, { capture: true, passive: true });
  window.__benchFrames = { frames, draws, wheels };
  window.__benchStopFrames = () => {
    running = false;
    renderer.off("afterRender", onDraw);
    window.removeEventListener("wheel", onWheel, { capture: true });
    return { frames, draws, wheels };
  };
}
"""
# Resolves once ten frames in a row came at most 50 ms apart.
QUIET_JS = """
() => new Promise((resolve) => {
  let last = performance.now();
  let calm = 0;
  const frame = (now) => {
    calm = now - last <= 50 ? calm + 1 : 0;
    last = now;
    if (calm >= 10) resolve(); else requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})
"""
MAP_READY = "window.weftMap && window.weftMap.renderer"
BARE_READY = "window.benchRenderer"
WHEEL_STEPS = 40
# sigma's wheel zoom animates the camera for this long after each wheel step.
ZOOM_ANIMATION_MS = 250


def build_bare_bundle(target: Path) -> None:
    """The bare page's module, bundled by the project's esbuild from the same node_modules
    (read from stdin, so imports resolve from the project's root)."""
    esbuild = ROOT / "node_modules" / ".bin" / "esbuild"
    command = [
        str(esbuild),
        "--bundle",
        "--format=esm",
        "--minify",
        "--sourcefile=bare.js",
        f"--outfile={target / 'bare.js'}",
        "--log-level=warning",
    ]
    # Our own esbuild on our own source.
    subprocess.run(command, input=BARE_JS, text=True, check=True, cwd=ROOT)  # noqa: S603


def fulfil_with(content_type: str, body):
    """A Playwright route handler answering with ``body`` (the bare page, on the server's
    origin, so it shares the signed-in session)."""
    return lambda route: route.fulfill(content_type=content_type, body=body)


def start_server():
    from django.conf import settings
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    server = LiveServerThread("127.0.0.1", StaticFilesHandler)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    return server, f"http://127.0.0.1:{server.port}"


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def time_to_interactive(page, url: str) -> float:
    """Navigation start to a clickNode answered, in seconds (the page's own clock)."""
    page.goto("about:blank")
    page.goto(url, wait_until="commit")
    deadline = time.perf_counter() + 120
    while time.perf_counter() < deadline:
        spot = page.evaluate("window.__benchClickAt")
        if spot:
            page.mouse.click(spot[0], spot[1])
            answered = page.evaluate("window.__benchAnswer")
            if answered is not None:
                return answered / 1000
        else:
            page.wait_for_timeout(5)
    raise TimeoutError(f"{url} never became interactive")


def zoom_frames(page, url: str, ready_js: str) -> dict:
    """The mouse wheel zooms in 20 steps and out 20 steps, 50 ms apart, at the centre of the
    map. Returns the slowest frame while zooming (from the first step until the camera
    animation of the last one ends) and the slowest frame after it (the map drawn again in
    full once the camera is still), in milliseconds."""
    page.goto(url)
    page.wait_for_function(ready_js)
    page.evaluate("() => window.weftMap ? window.weftMap.ready : null")
    page.evaluate(QUIET_JS)  # the first full frame has reached the screen
    box = page.locator(".sigma-stage").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(500)
    page.evaluate(ZOOM_JS)
    started = page.evaluate("performance.now()")
    for step in range(WHEEL_STEPS):
        page.mouse.wheel(0, -240 if step < WHEEL_STEPS // 2 else 240)
        page.wait_for_timeout(50)
    # The zoom ends when the camera animation of the last wheel step the page handled ends.
    page.wait_for_function(f"window.__benchFrames.wheels.length >= {WHEEL_STEPS}", timeout=120_000)
    zoomed = page.evaluate("window.__benchFrames.wheels.at(-1)") + ZOOM_ANIMATION_MS
    # Until the map has been drawn in full after the zoom and a second has passed since that
    # draw (or 30 s without one: then full_draws_after says 0).
    page.wait_for_function(
        """(zoomed) => {
          const { frames, draws } = window.__benchFrames;
          const drawn = draws.filter((at) => at > zoomed).pop();
          const latest = frames.length ? frames[frames.length - 1][0] : 0;
          return drawn !== undefined ? latest - drawn > 1000 : latest - zoomed > 30000;
        }""",
        arg=zoomed,
        timeout=120_000,
    )
    log = page.evaluate("window.__benchStopFrames()")
    frames = [(end, gap) for end, gap in log["frames"][1:] if end > started]
    during = [gap for end, gap in frames if end <= zoomed]
    after = [gap for end, gap in frames if end > zoomed]
    return {
        "while_zooming_ms": round(max(during, default=0.0), 1),
        "redraw_after_ms": round(max(after, default=0.0), 1),
        "full_draws_after": sum(1 for at in log["draws"] if at > zoomed),
    }


def measure_layout(coalition_id: int) -> float:
    from networks.map.services import layout_compute

    started = time.perf_counter()
    layout_compute(coalition_id=coalition_id)
    return time.perf_counter() - started


def check_prerequisites() -> None:
    """Stops before anything is built when Chromium or the map page's bundle is missing."""
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"bench: {CHROMIUM} is missing (apt-get install chromium)")
    if not (ROOT / "static" / "dist" / "map.js").exists():
        raise SystemExit("bench: static/dist/map.js is missing: run `make static`")


def build_coalitions(sizes) -> list[tuple[int, int, dict]]:
    """(actors, ties, the built coalition) per size; its user signs in with PASSWORD."""
    built = []
    for n_actors, n_ties in sizes:
        print(f"building {n_actors} actors / {n_ties} ties …", flush=True)
        coalition = map_endpoint.build_coalition(n_actors, n_ties)
        coalition["user"].set_password(PASSWORD)
        coalition["user"].save(update_fields=["password"])
        built.append((n_actors, n_ties, coalition))
    return built


def lay_out(built) -> float:
    """Lays out every coalition with the server's force layout; the seconds it took at the
    largest size."""
    layout_s = 0.0
    for n_actors, _, coalition in built:
        seconds = measure_layout(coalition["coalition"].pk)
        if n_actors == built[-1][0]:
            layout_s = round(seconds, 2)
    return layout_s


def interactive_times(page, urls: dict[str, str]) -> dict[str, list[float]]:
    """Seconds to interactive of each page, REPEAT times, after a warm-up."""
    times = {name: [] for name in urls}
    for url in urls.values():  # warm-up: caches, compiled shaders
        time_to_interactive(page, url)
    for _ in range(REPEAT):
        for name, url in urls.items():  # interleaved: both see the same load
            times[name].append(time_to_interactive(page, url))
    return times


def serve_both_pages(page, base: str, bare_js: bytes, coalition: dict) -> dict[str, str]:
    """Signs the coalition's user in and routes the bare page; the URL of each page."""
    cid = coalition["coalition"].pk
    api = f"/api/v1/coalitions/{cid}/map/"
    bare_html = BARE_HTML.replace("{api}", api)
    page.route(f"{base}/bench-bare/page", fulfil_with("text/html", bare_html))
    page.route(f"{base}/bench-bare/bare.js", fulfil_with("text/javascript", bare_js))
    sign_in(page, base, coalition["user"].get_username())
    return {
        "map page": f"{base}/coalitions/{cid}/map/",
        "bare page": f"{base}/bench-bare/page",
    }


def measure_size(browser, base: str, bare_js: bytes, built_size: tuple, *, smoke: bool) -> dict:
    """The figures of one size: time to interactive of both pages (best and median) and, at
    5,000 actors or in a smoke run, their slowest frames while zooming."""
    n_actors, n_ties, coalition = built_size
    context = browser.new_context(viewport={"width": 1280, "height": 860}, bypass_csp=True)
    context.add_init_script(INTERACTIVE_JS)
    page = context.new_page()
    urls = serve_both_pages(page, base, bare_js, coalition)
    times = interactive_times(page, urls)
    row = {
        "actors": n_actors,
        "ties": n_ties,
        "map_page_s": round(min(times["map page"]), 3),
        "bare_page_s": round(min(times["bare page"]), 3),
        "map_page_median_s": round(statistics.median(times["map page"]), 3),
        "bare_page_median_s": round(statistics.median(times["bare page"]), 3),
    }
    row["ratio"] = round(row["map_page_s"] / row["bare_page_s"], 2)
    map_s, bare_s = row["map_page_s"], row["bare_page_s"]
    print(
        f"{n_actors:>6} actors {n_ties:>6} ties: map page {map_s:.2f} s, "
        f"bare {bare_s:.2f} s, ratio {row['ratio']:.2f}",
        flush=True,
    )
    if n_actors >= 5_000 or smoke:
        measure_zoom(page, urls, row)
    context.close()
    return row


def measure_zoom(page, urls: dict[str, str], row: dict) -> None:
    """Adds the zoom figures of both pages to ``row``."""
    zoom = {
        "map page": zoom_frames(page, urls["map page"], MAP_READY),
        "bare page": zoom_frames(page, urls["bare page"], BARE_READY),
    }
    row["zoom"] = zoom
    row["slowest_zoom_frame_ms"] = zoom["map page"]["while_zooming_ms"]
    for name, figures in zoom.items():
        print(
            f"{'':>20}zoom, {name}: slowest frame while zooming "
            f"{figures['while_zooming_ms']} ms, redraw after it "
            f"{figures['redraw_after_ms']} ms",
            flush=True,
        )


def missed_targets(results: list[dict], layout_s: float, *, smoke: bool) -> list[str]:
    misses = []
    for row in results:
        if not smoke and row["ratio"] > MAX_RATIO:
            misses.append(f"{row['actors']} actors: {row['ratio']}x the bare page (> {MAX_RATIO}x)")
        if row["actors"] >= 5_000 and row.get("slowest_zoom_frame_ms", 0) > MAX_FRAME_MS:
            misses.append(
                f"slowest zoom frame {row['slowest_zoom_frame_ms']} ms (> {MAX_FRAME_MS})"
            )
    if not smoke and layout_s > MAX_LAYOUT_S:
        misses.append(f"server layout {layout_s} s (> {MAX_LAYOUT_S} s)")
    return misses


def run(*, smoke: bool = False, cleanup: bool = True) -> tuple[dict, list[str]]:
    from playwright.sync_api import sync_playwright

    check_prerequisites()
    built = build_coalitions(SMOKE_SIZES if smoke else SIZES)
    map_endpoint.vacuum_analyze()
    # The server's force layout first (measured at the largest size), so that both pages draw
    # what an organizer sees: the layout's positions, not the random ones the builder stored.
    layout_s = lay_out(built)
    print(f"server layout for {built[-1][0]} actors: {layout_s} s", flush=True)
    server, base = start_server()
    bare_dir = Path(tempfile.mkdtemp(prefix="weft-bench-"))
    results = []
    try:
        build_bare_bundle(bare_dir)
        bare_js = (bare_dir / "bare.js").read_bytes()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for built_size in built:
                results.append(measure_size(browser, base, bare_js, built_size, smoke=smoke))
            browser.close()
    finally:
        server.terminate()
        shutil.rmtree(bare_dir, ignore_errors=True)
        if cleanup:
            for _, _, coalition in built:
                map_endpoint.remove_coalition(coalition)
    misses = missed_targets(results, layout_s, smoke=smoke)
    figures = {"sizes": results, "layout_actors": built[-1][0], "layout_s": layout_s}
    return figures, misses
