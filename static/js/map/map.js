// The coalition map: draws GET …/map/ with sigma.js (WebGL) on a graphology graph. Positions
// come from the server (the layout task); the browser only draws, filters by asking the server
// again, and writes through the API with If-Match.
import Graph from "graphology";
import Sigma, { DEFAULT_STYLES } from "sigma";
import { layerDashed, layerFill, layerPlain, pathLine, sdfCircle, sdfDiamond, sdfSquare, sdfTriangle } from "sigma/rendering";

import { describeConflict, describeError, makeApi } from "../shared/api.js";
import { downloadPng, downloadSvg } from "./export.js";
import { closePanel, openPanel } from "./panel.js";
import {
  ENDED_TIE,
  HIGHLIGHT,
  INFERRED_DASH,
  INFERRED_TIE,
  KIND_SHAPE,
  OFFICIAL_MARK,
  STANCE_COLOUR,
  TIE,
  UNASSESSED,
  edgeSize,
  inferredSize,
  nodeSize,
  renderLegend,
} from "./style.js";
import { setupSavedViews } from "./saved-views.js";

const app = document.getElementById("map-app");
const config = {
  mapUrl: app.dataset.api,
  apiRoot: app.dataset.apiRoot,
  canEdit: app.dataset.canEdit === "true",
  seesPlans: app.dataset.seesPlans === "true",
  hasMetrics: app.dataset.hasMetrics === "true",
};
const api = makeApi(config.apiRoot, app.dataset.csrf);
const status = document.getElementById("map-status");
const alertBox = document.getElementById("map-alert");
const filterForm = document.getElementById("map-filters");
const sizeBy = document.getElementById("size-by");
const layoutSelect = document.getElementById("layout");
const SIZE_LABELS = { influence: "influence", degree: "ties", commitment: "commitment", proximity: "proximity to the target" };

const graph = new Graph({ multi: true, type: "mixed", allowSelfLoops: false });
let renderer = null;
let connectFrom = null; // the actor a tie is being drawn from (mouse: pick source, then target)
let tieDrag = null; // a tie being drawn by dragging: { source, moved }
let ignoreClickUntil = 0; // the click that ends a tie drag is not a click on the target
const drawTies = document.getElementById("draw-ties");
const tiePreview = document.getElementById("tie-preview");
let highlighted = { nodes: new Set(), edges: new Set() };
let shownAsOf = null; // the past date the map shows, or null for today

// Strategic allies wear a dark ring, drawn inside the node's outline by the node shader
// itself: drawn as a sigma backdrop (an extra program over every strategic actor, restyled
// by a function per node) it cost the 300-actor map a third of its time to interactive
// (bench/). Hovering still lifts a node on sigma's white backdrop.
const RING_PX = 2;
const RING_COLOUR = "vec4(0.114, 0.137, 0.188, 1.0)"; // #1d2330

function layerRing() {
  return {
    name: "ring",
    uniforms: [],
    attributes: [{ name: "ringWidth", size: 1, type: WebGL2RenderingContext.FLOAT, source: "ring" }],
    // context.sdf: distance to the outline in the node's own units, negative inside.
    glsl: `
vec4 layer_ring(float v_ringWidth) {
  if (v_ringWidth <= 0.0) return vec4(0.0);
  float width = v_ringWidth * context.pixelToUV;
  float alpha = smoothstep(-width - context.aaWidth, -width, context.sdf);
  return vec4(${RING_COLOUR}.rgb, alpha);
}`,
  };
}

const nodeStyles = {
  ...DEFAULT_STYLES.nodes,
  shape: { attribute: "shape", defaultValue: "circle" },
  ring: { attribute: "ring", defaultValue: 0 },
};

// Inferred relationships are dashed: a dashed layer over the plain one paints white gaps on
// edges whose "gap" is set (solid edges have none, and the layer leaves them to the plain one).
const edgeStyles = {
  ...DEFAULT_STYLES.edges,
  dash: { attribute: "dash", defaultValue: 0 },
  gap: { attribute: "gap", defaultValue: 0 },
};
// A tie never joins an actor to itself (a database constraint), so edges are straight lines
// only: sigma's default also carries its self-loop path, and one shader serving both draws
// every edge as a 66-vertex strip, where a line needs 4 (a full frame of 25,000 ties took
// 3.4 s in headless software WebGL with the loop path, 1.35 s without; bench/).
const PATHS = [pathLine()];
const plainEdgePrimitives = { paths: PATHS, layers: [layerPlain()] };
const edgePrimitives = {
  paths: PATHS,
  variables: { dash: { type: "number", default: 0 }, gap: { type: "number", default: 0 } },
  layers: [
    layerPlain(),
    layerDashed({
      dashSize: { attribute: "dash", default: 0, mode: "pixels" },
      gapSize: { attribute: "gap", default: 0, mode: "pixels" },
      gapColor: "#ffffff",
    }),
  ],
};

function widthOf(attributes) {
  return attributes.inferred ? inferredSize(attributes.relationship_strength) : edgeSize(attributes.strength);
}

function showAlert(message, { retry } = {}) {
  alertBox.hidden = false;
  alertBox.textContent = message;
  if (retry) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Try again";
    button.addEventListener("click", retry);
    alertBox.append(button);
  }
}

function clearAlert() {
  alertBox.hidden = true;
  alertBox.textContent = "";
}

function filterQuery() {
  const params = new URLSearchParams();
  for (const [key, value] of new FormData(filterForm)) if (value !== "") params.append(key, value);
  if (layoutSelect.value !== "force") params.set("layout", layoutSelect.value);
  return params;
}

function placeUnpositioned(nodes, edges) {
  // The server places new actors beside their neighbours; one with no tie and no layout run
  // yet goes on a spiral around the middle, where it is easy to find.
  const placed = new Map(nodes.filter((n) => n.x !== null).map((n) => [n.id, n]));
  const xs = [...placed.values()].map((n) => n.x);
  const ys = [...placed.values()].map((n) => n.y);
  const cx = xs.length ? (Math.min(...xs) + Math.max(...xs)) / 2 : 0;
  const cy = ys.length ? (Math.min(...ys) + Math.max(...ys)) / 2 : 0;
  const spread = xs.length ? Math.max(Math.max(...xs) - Math.min(...xs), 100) / 10 : 100;
  let i = 0;
  for (const node of nodes) {
    if (node.x !== null) continue;
    const angle = i * 2.39996;
    const radius = spread * Math.sqrt(i + 1);
    node.x = cx + radius * Math.cos(angle);
    node.y = cy + radius * Math.sin(angle);
    i += 1;
  }
  return edges;
}

function sizeValue(node, degree) {
  if (sizeBy.value === "degree") return degree;
  return node[sizeBy.value];
}

function buildGraph(payload) {
  graph.clear();
  placeUnpositioned(payload.nodes, payload.edges);
  const degree = new Map();
  for (const edge of payload.edges) {
    degree.set(edge.source, (degree.get(edge.source) || 0) + 1);
    degree.set(edge.target, (degree.get(edge.target) || 0) + 1);
  }
  const max = Math.max(1, ...payload.nodes.map((n) => sizeValue(n, degree.get(n.id) || 0) || 0));
  for (const node of payload.nodes) {
    const colour = STANCE_COLOUR[node.stance] || UNASSESSED;
    graph.addNode(String(node.id), {
      ...node,
      label: node.kind === "official" ? node.name + OFFICIAL_MARK : node.name,
      x: node.x,
      y: node.y,
      size: nodeSize(sizeValue(node, degree.get(node.id) || 0), max),
      color: colour,
      baseColor: colour,
      shape: KIND_SHAPE[node.kind] || "circle",
      strategic: node.ally_kind === "strategic",
      ring: node.ally_kind === "strategic" ? RING_PX : 0,
    });
  }
  let inferred = 0;
  for (const edge of payload.edges) {
    const ended = edge.ended_on !== null;
    const colour = edge.inferred ? INFERRED_TIE : ended ? ENDED_TIE : TIE;
    // An inferred relationship has no tie id: it is keyed by its two actors.
    const key = edge.inferred ? `inferred:${edge.source}-${edge.target}` : String(edge.id);
    graph.addEdgeWithKey(key, String(edge.source), String(edge.target), {
      ...edge,
      size: edge.inferred ? inferredSize(edge.relationship_strength) : edgeSize(edge.strength),
      color: colour,
      baseColor: colour,
      ended,
      ...(edge.inferred ? { dash: INFERRED_DASH, gap: INFERRED_DASH } : {}),
    });
    if (edge.inferred) inferred += 1;
  }
  const names = document.getElementById("actor-names");
  names.replaceChildren(
    ...payload.nodes.map((n) => Object.assign(document.createElement("option"), { value: n.name })),
  );
  app.dataset.nodeCount = String(graph.order);
  app.dataset.edgeCount = String(graph.size - inferred);
  app.dataset.inferredCount = String(inferred);
}

// While the camera moves (a wheel zoom, a pan, a pinch), sigma redraws the whole map every
// frame: in headless software WebGL a frame of 5,000 actors cost 300–500 ms even with the
// edges hidden, so a zoom stuttered (bench/). Instead, on large maps, the frame on screen is
// moved and scaled by CSS to follow the camera (the compositor's work, a few milliseconds,
// and the ties stay in sight), and sigma draws once, when the camera has been still for
// SETTLE_MS. The drawn frame and the CSS change reach the screen together, so the map never
// jumps back. (This replaces sigma's render() on the instance; scheduleRender() leaves its
// frame handle set until render() clears it, which is why the handle is cleared here too.)
const SETTLE_MS = 300;

function followCameraWithLastFrame(sigma) {
  const camera = sigma.getCamera();
  const stage = sigma.getContainer().querySelector("canvas");
  const draw = sigma.render.bind(sigma);
  let onScreen = camera.getState(); // the camera of the frame being shown
  let moving = false;
  let timer = null;

  function follow() {
    const now = camera.getState();
    if (now.angle !== onScreen.angle) return false; // a turn is not a scale: draw it
    const { width, height } = sigma.getDimensions();
    const from = [
      { x: 0, y: 0 },
      { x: width, y: height },
    ].map((corner) => sigma.framedGraphToViewport(sigma.viewportToFramedGraph(corner, { cameraState: onScreen })));
    const scale = (from[1].x - from[0].x) / width;
    stage.style.transformOrigin = "0 0";
    stage.style.transform = `translate(${from[0].x}px, ${from[0].y}px) scale(${scale})`;
    return true;
  }

  sigma.render = () => {
    if (moving) {
      if (sigma.renderFrame) cancelAnimationFrame(sigma.renderFrame);
      sigma.renderFrame = null;
      if (follow()) return sigma;
    }
    stage.style.transform = "";
    draw();
    onScreen = camera.getState();
    return sigma;
  };

  const drawNow = () => {
    clearTimeout(timer);
    moving = false;
    sigma.render();
  };
  // A pan held still is not over: the map is drawn when the button is released.
  let held = false;
  let panned = false;
  const settleSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!(held && panned)) drawNow();
    }, SETTLE_MS);
  };
  // A press is answered from the picking buffer of the last frame drawn: draw the current
  // view first, or a click just after a zoom would find what was under it before the zoom.
  sigma.getContainer().addEventListener("pointerdown", () => {
    if (moving) drawNow();
    held = true;
    panned = false;
  });
  const onPointerUp = () => {
    held = false;
    if (moving) settleSoon();
  };
  window.addEventListener("pointerup", onPointerUp);
  // The map replaces its renderer when inferred relationships appear: nothing of this one
  // may outlive it.
  sigma.on("kill", () => {
    clearTimeout(timer);
    window.removeEventListener("pointerup", onPointerUp);
  });
  // An animation (a wheel step, a search centring an actor) starts moving before its first
  // update: sigma's own start-of-zoom state change would otherwise draw a frame in full.
  const startMoving = () => {
    moving = true;
    if (held) panned = true;
    settleSoon();
  };
  camera.on("animationStart", startMoving);
  camera.on("updated", startMoving);
}

let rendererDashes = false; // whether the renderer has the dashed layer (inferred relationships)

function createRenderer(withDashes) {
  const large = graph.order > 1000;
  rendererDashes = withDashes;
  // The dashed layer costs a little on every edge drawn: only when there is something dashed.
  const nodePrimitives = {
    shapes: [sdfCircle(), sdfSquare(), sdfTriangle(), sdfDiamond()],
    variables: { ring: { type: "number", default: 0 } },
    layers: [layerFill(), layerRing()],
  };
  renderer = new Sigma(graph, document.getElementById("map-canvas"), {
    primitives: { nodes: nodePrimitives, edges: withDashes ? edgePrimitives : plainEdgePrimitives },
    styles: { nodes: nodeStyles, edges: withDashes ? edgeStyles : DEFAULT_STYLES.edges },
    settings: {
      // On large maps a node being dragged is drawn without edges and labels until it is
      // dropped (camera moves are followed with the last frame: followCameraWithLastFrame).
      hideEdgesOnMove: large,
      hideLabelsOnMove: large,
      labelRenderedSizeThreshold: large ? 9 : 5,
      labelDensity: 0.6,
      enableNodeDrag: config.canEdit,
      stagePadding: 40,
    },
  });
  if (large) followCameraWithLastFrame(renderer);
  renderer.on("clickNode", ({ node }) => {
    if (performance.now() < ignoreClickUntil) return;
    onNodeChosen(node);
  });
  renderer.on("clickStage", () => {
    if (connectFrom) cancelConnect();
  });
  if (config.canEdit) {
    listenForTieDrags();
    renderer.on("nodeDragEnd", async ({ node }) => {
      const { x, y } = graph.getNodeAttributes(node);
      const result = await api(`positions/${node}/`, { method: "PUT", body: { x, y, is_pinned: true } });
      if (!result.ok) showAlert(`The new position was not saved: ${describeError(result)}`);
    });
  }
}

function summary() {
  const inferred = Number(app.dataset.inferredCount || 0);
  const ties = graph.size - inferred;
  return `${graph.order} actors, ${ties} ties${inferred ? `, ${inferred} inferred relationships` : ""}`;
}

// Drawing a tie by dragging from one actor to another: in the "draw ties" mode, or with Shift
// held down. Otherwise dragging an actor moves it (and pins it there).
function drawingTies(event) {
  return drawTies?.getAttribute("aria-pressed") === "true" || Boolean(event?.original?.shiftKey);
}

function previewTo(source, point) {
  const from = renderer.graphToViewport(graph.getNodeAttributes(source));
  const line = tiePreview.querySelector("line");
  line.setAttribute("x1", from.x);
  line.setAttribute("y1", from.y);
  line.setAttribute("x2", point.x);
  line.setAttribute("y2", point.y);
  tiePreview.hidden = false;
}

function endTieDrag() {
  tieDrag = null;
  tiePreview.hidden = true;
  app.classList.remove("drawing-tie");
}

drawTies?.addEventListener("click", () => {
  const on = drawTies.getAttribute("aria-pressed") !== "true";
  drawTies.setAttribute("aria-pressed", String(on));
  drawTies.textContent = on ? "Drawing ties: on (drag from one actor to another)" : "Draw ties by dragging";
  app.classList.toggle("tie-mode", on);
});

function listenForTieDrags() {
  // The node is not moved while a tie is drawn from it.
  renderer.on("nodeDragStart", (payload) => {
    if (tieDrag) payload.preventSigmaDefault();
  });
  renderer.on("downNode", ({ node, event }) => {
    if (!drawingTies(event)) return;
    tieDrag = { source: node, moved: false };
    app.classList.add("drawing-tie");
  });
  renderer.on("moveBody", ({ event, preventSigmaDefault }) => {
    if (!tieDrag) return;
    // The camera does not pan while a tie is being drawn.
    preventSigmaDefault();
    tieDrag.moved = true;
    previewTo(tieDrag.source, event);
  });
  renderer.on("upNode", async ({ node }) => {
    if (!tieDrag) return;
    const { source, moved } = tieDrag;
    endTieDrag();
    if (!moved || node === source) return; // a click: the panel opens as usual
    ignoreClickUntil = performance.now() + 400;
    if (await createTie(source, node)) await showActor(source);
  });
  renderer.on("upStage", () => {
    if (tieDrag?.moved) ignoreClickUntil = performance.now() + 400;
    if (tieDrag) endTieDrag();
  });
}

function remember(query) {
  history.replaceState(null, "", `${location.pathname}${query.toString() ? `?${query}` : ""}`);
}

async function loadMap({ keepCamera = true, query: updateUrl = false } = {}) {
  const query = filterQuery();
  if (updateUrl) remember(query);
  status.textContent = "Loading the map…";
  const result = await api(`${config.mapUrl}?${query}`);
  if (!result.ok) {
    status.textContent = "The map could not be loaded.";
    showAlert(`The map could not be loaded: ${describeError(result)}`, { retry: () => loadMap() });
    return;
  }
  const camera = renderer && keepCamera ? renderer.getCamera().getState() : null;
  shownAsOf = result.data.as_of;
  buildGraph(result.data);
  const needsDashes = Number(app.dataset.inferredCount) > 0;
  if (renderer && needsDashes && !rendererDashes) {
    renderer.kill(); // inferred relationships appeared: a renderer that can dash them
    renderer = null;
  }
  if (!renderer) {
    createRenderer(needsDashes);
    if (camera) renderer.getCamera().setState(camera);
  } else if (camera) renderer.getCamera().setState(camera);
  else renderer.getCamera().setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
  document.getElementById("power-axes").hidden = layoutSelect.value !== "power";
  renderLegend(document.getElementById("map-legend"), SIZE_LABELS[sizeBy.value]);
  const asOf = result.data.as_of ? ` as it stood on ${result.data.as_of}` : "";
  status.textContent = `${summary()}${asOf}.`;
  const table = document.getElementById("table-link");
  table.href = `${table.pathname}${query.toString() ? `?${query}` : ""}`;
  app.dataset.loaded = String(Number(app.dataset.loaded || 0) + 1);
}

function findActor(text) {
  const wanted = text.trim().toLowerCase();
  if (!wanted) return null;
  let partial = null;
  for (const node of graph.nodes()) {
    const name = graph.getNodeAttribute(node, "name").toLowerCase();
    if (name === wanted) return node;
    if (!partial && name.includes(wanted)) partial = node;
  }
  return partial;
}

function centreOn(node) {
  const display = renderer.getNodeDisplayData(node);
  // Keep the person's zoom unless they are far out: then come close enough to read labels.
  const ratio = Math.min(renderer.getCamera().getState().ratio, graph.order > 200 ? 0.3 : 1);
  if (display) renderer.getCamera().animate({ x: display.x, y: display.y, ratio }, { duration: 300 });
}

function setHighlight(nodes, edges) {
  highlighted = { nodes: new Set(nodes), edges: new Set(edges) };
  const any = highlighted.nodes.size > 0;
  graph.forEachNode((node, attributes) => {
    const on = highlighted.nodes.has(node);
    graph.setNodeAttribute(node, "color", !any || on ? attributes.baseColor : "#e3e6ec");
    graph.setNodeAttribute(node, "zIndex", on ? 1 : 0);
  });
  graph.forEachEdge((edge, attributes) => {
    const on = highlighted.edges.has(edge);
    graph.setEdgeAttribute(edge, "color", on ? HIGHLIGHT : any ? "#eef0f4" : attributes.baseColor);
    graph.setEdgeAttribute(edge, "size", on ? widthOf(attributes) + 2 : widthOf(attributes));
  });
  app.dataset.highlighted = [...highlighted.nodes].join(",");
}

function startConnect(source) {
  connectFrom = source;
  app.classList.add("connecting");
  status.textContent = `Drawing a tie from ${graph.getNodeAttribute(source, "name")}: click the other actor (Escape cancels).`;
}

function cancelConnect() {
  connectFrom = null;
  app.classList.remove("connecting");
  status.textContent = `${summary()}.`;
}

async function createTie(source, target, { strength = null, kind = "collaboration" } = {}) {
  const result = await api("ties/", {
    method: "POST",
    body: { source: Number(source), target: Number(target), kind, strength },
  });
  if (!result.ok) {
    showAlert(`The tie was not added: ${describeError(result)}`);
    return false;
  }
  clearAlert();
  await loadMap();
  return true;
}

async function onNodeChosen(node) {
  if (connectFrom) {
    const source = connectFrom;
    cancelConnect();
    if (source !== node && (await createTie(source, node))) await showActor(source);
    return;
  }
  await showActor(node);
}

async function showActor(node) {
  if (!graph.hasNode(node)) {
    closePanel();
    return;
  }
  await openPanel(node, context);
}

// What the side panel needs from the map.
const context = {
  api,
  config,
  graph,
  loadMap,
  showAlert,
  clearAlert,
  describeError,
  describeConflict,
  setHighlight,
  startConnect,
  createTie,
  findActor,
  showActor,
  asOf: () => shownAsOf,
};

document.getElementById("map-search").addEventListener("submit", async (event) => {
  event.preventDefault();
  const node = findActor(document.getElementById("search-input").value);
  if (!node) {
    status.textContent = "No actor by that name on this map.";
    return;
  }
  centreOn(node);
  await showActor(node);
});

filterForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  setHighlight([], []);
  await loadMap({ query: true });
});

sizeBy.addEventListener("change", () => loadMap());
layoutSelect.addEventListener("change", () => loadMap({ keepCamera: false, query: true }));

const exportName = `map-${app.dataset.coalition}-${new Date().toISOString().slice(0, 10)}`;
document.getElementById("export-svg").addEventListener("click", () => downloadSvg(graph, `${exportName}.svg`, document.title));
document.getElementById("export-png").addEventListener("click", () =>
  downloadPng(graph, `${exportName}.png`, document.title).catch((error) => showAlert(`The PNG could not be made: ${error}`)),
);

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && connectFrom) cancelConnect();
  if (event.key === "Escape" && tieDrag) endTieDrag();
});

const addForm = document.getElementById("add-actor");
if (addForm) {
  addForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = addForm.elements.name.value;
    const created = await api("actors/", { method: "POST", body: { name, kind: addForm.elements.kind.value } });
    if (!created.ok) {
      showAlert(`The actor was not added: ${describeError(created)}`);
      return;
    }
    const actorId = created.data.id;
    const stance = addForm.elements.stance.value;
    if (stance) {
      const assessed = await api("assessments/", {
        method: "POST",
        body: {
          actor: actorId,
          stance,
          ally_kind: stance.endsWith("opposition") ? "strategic" : "natural",
          influence: 3,
          proximity: 3,
          commitment: 3,
          assessed_on: new Date().toISOString().slice(0, 10),
        },
      });
      if (!assessed.ok) showAlert(`The actor was added, but not its stance: ${describeError(assessed)}`);
    }
    // Placed where the person is looking: the middle of the current view, until it gets ties.
    const middle = renderer.viewportToGraph({
      x: renderer.getDimensions().width / 2,
      y: renderer.getDimensions().height / 2,
    });
    await api(`positions/${actorId}/`, { method: "PUT", body: { x: middle.x, y: middle.y, is_pinned: false } });
    addForm.reset();
    clearAlert();
    await loadMap();
    await showActor(String(actorId));
  });
}

// For the browser tests and the benchmark: where a node is on screen, and when the map is ready.
window.weftMap = {
  graph,
  get renderer() {
    return renderer;
  },
  nodeOnScreen(node) {
    const attributes = graph.getNodeAttributes(String(node));
    return renderer.graphToViewport({ x: attributes.x, y: attributes.y });
  },
  ready: loadMap({ keepCamera: false }).then(() =>
    setupSavedViews({
      api,
      describeError,
      showAlert,
      clearAlert,
      filterForm,
      controls: { sizeBy, layout: layoutSelect },
      loadMap,
      camera: () => renderer.getCamera(),
    }),
  ),
};
