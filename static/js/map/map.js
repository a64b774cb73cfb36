// The coalition map: draws GET …/map/ with sigma.js (WebGL) on a graphology graph. Positions
// come from the server (the layout task); the browser only draws, filters by asking the server
// again, and writes through the API with If-Match.
import Graph from "graphology";
import Sigma, { DEFAULT_STYLES } from "sigma";
import {
  extremityArrow,
  layerDashed,
  layerFill,
  layerPlain,
  pathCurved,
  pathLine,
  sdfCircle,
  sdfDiamond,
  sdfSquare,
  sdfTriangle,
} from "sigma/rendering";

import { describeConflict, describeError, makeApi } from "../shared/api.js";
import { downloadPng, downloadSvg, mapSvg, printView } from "./export.js";
import { showComments } from "./comments.js";
import { closePanel, openPanel } from "./panel.js";
import {
  STANCES,
  ENDED_TIE,
  FADED_EDGE,
  FADED_NODE,
  HIGHLIGHT,
  INFERRED_DASH,
  INFERRED_TIE,
  KIND_LABEL,
  KIND_SHAPE,
  OFFICIAL_MARK,
  STANCE_COLOUR,
  TIE,
  TIE_KIND_STYLE,
  UNASSESSED,
  edgeSize,
  inferredSize,
  nodeSize,
  renderLegend,
} from "./style.js";
import { setupLive } from "./live.js";
import { setupSavedViews } from "./saved-views.js";
import { setupStories } from "./story.js";
import { openTieForm, openTiePanel } from "./tie-form.js";

const app = document.getElementById("map-app");
const config = {
  mapUrl: app.dataset.api,
  apiRoot: app.dataset.apiRoot,
  canEdit: app.dataset.canEdit === "true",
  seesPlans: app.dataset.seesPlans === "true",
  hasMetrics: app.dataset.hasMetrics === "true",
  shared: app.dataset.shared === "true", // a story opened through a share link (story.js)
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

// Labels: which ones are drawn is decided by declutterLabels() (no two overlapping, the
// biggest first, the hovered and selected always); sigma draws exactly those.
const LABEL_SIZE = 12;
const LABEL_FONT = "sans-serif";
const LABEL_MARGIN = 5; // sigma's gap between a node's edge and its label
const nodeStyles = {
  ...DEFAULT_STYLES.nodes,
  shape: { attribute: "shape", defaultValue: "circle" },
  ring: { attribute: "ring", defaultValue: 0 },
  labelSize: LABEL_SIZE,
  labelFont: LABEL_FONT,
  labelPosition: { attribute: "labelPosition", defaultValue: "right" },
  labelColor: { attribute: "labelColor", defaultValue: "#1d2330" },
  labelVisibility: { whenState: "isHovered", then: "visible", else: { attribute: "labelShown", defaultValue: "hidden" } },
  visibility: (attributes) => (attributes.hidden ? "hidden" : "visible"),
};

// Inferred relationships and some kinds of tie are dashed: a dashed layer over the plain one
// paints white gaps on edges whose "gap" is set (solid edges have none, and the layer leaves
// them to the plain one). Directed ties carry an arrow head (mutual ones a tail too).
function edgeStylesFor(features) {
  return {
    ...DEFAULT_STYLES.edges,
    ...(features.dashes ? { dash: { attribute: "dash", defaultValue: 0 }, gap: { attribute: "gap", defaultValue: 0 } } : {}),
    ...(features.arrows
      ? { head: { attribute: "head", defaultValue: "none" }, tail: { attribute: "tail", defaultValue: "none" } }
      : {}),
    visibility: (attributes) => (attributes.hidden ? "hidden" : "visible"),
  };
}
// A tie never joins an actor to itself (a database constraint), so there is no self-loop
// path: sigma's default carries one, and one shader serving both draws every edge as a
// 66-vertex strip, where a line needs 4 (bench/). Several ties between the same two actors
// are drawn as curves spread apart (sigma's parallel spread), only when the map has any.
// The renderer's programs carry only what the map shows: arrows when a tie is directed, the
// dashed layer when a tie is dashed, the shapes of the kinds present, the ring when a
// strategic ally is there. In headless software WebGL (bench/) the dashed layer's per-tie
// variables and the arrow heads cost the 300-actor map ~0.3 s of shader work before its
// first frame; a map without them need not pay it. A map that gains one (a filter, an edit,
// a live change) gets a new renderer (ensureRenderer).
function edgePrimitivesFor(features) {
  const primitives = { paths: features.curved ? [pathLine(), pathCurved({ segments: 10 })] : [pathLine()] };
  if (features.arrows) primitives.extremities = [extremityArrow({ lengthRatio: 3.5, widthRatio: 2.2 })];
  if (features.dashes) {
    primitives.variables = { dash: { type: "number", default: 0 }, gap: { type: "number", default: 0 } };
    primitives.layers = [
      layerPlain(),
      layerDashed({
        dashSize: { attribute: "dash", default: 0, mode: "pixels" },
        gapSize: { attribute: "gap", default: 0, mode: "pixels" },
        gapColor: "#fbfcfd",
      }),
    ];
  }
  return primitives;
}

const SDF_SHAPES = { circle: sdfCircle, square: sdfSquare, triangle: sdfTriangle, diamond: sdfDiamond };

// What the graph as it stands needs of the renderer's programs.
function rendererFeatures() {
  const shapes = new Set(["circle"]);
  let ring = false;
  graph.forEachNode((node, attributes) => {
    if (SDF_SHAPES[attributes.shape]) shapes.add(attributes.shape);
    if (attributes.ring) ring = true;
  });
  let arrows = false;
  let dashes = false;
  const pairs = new Set();
  let curved = false;
  graph.forEachEdge((edge, attributes, source, target) => {
    if (attributes.head !== "none" || attributes.tail !== "none") arrows = true;
    if (attributes.gap) dashes = true;
    const pair = source < target ? `${source}-${target}` : `${target}-${source}`;
    if (pairs.has(pair)) curved = true;
    pairs.add(pair);
  });
  return { shapes: Object.keys(SDF_SHAPES).filter((shape) => shapes.has(shape)), ring, arrows, dashes, curved };
}

let rendererKey = null; // the features the current renderer was made for

// A renderer whose programs draw everything the graph now holds: the current one, or a new
// one with the same camera when the graph gained (or lost) a feature. True when replaced.
function ensureRenderer() {
  const features = rendererFeatures();
  const key = JSON.stringify(features);
  if (renderer && key === rendererKey) return false;
  const camera = renderer ? renderer.getCamera().getState() : null;
  const frame = renderer ? renderer.getCustomBBox() : null;
  if (renderer) renderer.kill();
  renderer = null;
  createRenderer(features);
  rendererKey = key;
  if (frame) renderer.setCustomBBox(frame);
  if (camera) renderer.getCamera().setState(camera);
  return true;
}

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

// A node's and an edge's drawing attributes from their rows in the map payload (also the rows
// of the live map's changes).
function nodeAttributes(node, size) {
  const colour = STANCE_COLOUR[node.stance] || UNASSESSED;
  return {
    ...node,
    label: node.kind === "official" ? node.name + OFFICIAL_MARK : node.name,
    x: node.x,
    y: node.y,
    size,
    color: colour,
    baseColor: colour,
    shape: KIND_SHAPE[node.kind] || "circle",
    strategic: node.ally_kind === "strategic",
    ring: node.ally_kind === "strategic" ? RING_PX : 0,
  };
}

function edgeAttributes(edge, powerLayout) {
  const ended = edge.ended_on !== null;
  const style = edge.inferred
    ? { colour: INFERRED_TIE, dash: INFERRED_DASH[0], gap: INFERRED_DASH[1] }
    : TIE_KIND_STYLE[edge.kind] || { colour: TIE, dash: 0, gap: 0 };
  // On the power grid the ties are context, not the picture: faint until an actor is focused.
  const colour = ended ? ENDED_TIE : powerLayout ? FADED_POWER_TIE : style.colour;
  return {
    ...edge,
    size: edge.inferred ? inferredSize(edge.relationship_strength) : edgeSize(edge.strength),
    color: colour,
    baseColor: colour,
    ended,
    dash: style.dash,
    gap: style.gap,
    head: edge.direction === "directed" || edge.direction === "mutual" ? "arrow" : "none",
    tail: edge.direction === "mutual" ? "arrow" : "none",
  };
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
    graph.addNode(String(node.id), nodeAttributes(node, nodeSize(sizeValue(node, degree.get(node.id) || 0), max)));
  }
  let inferred = 0;
  const kinds = new Set();
  for (const edge of payload.edges) {
    if (!edge.inferred && edge.kind) kinds.add(edge.kind);
    // An inferred relationship has no tie id: it is keyed by its two actors.
    const key = edge.inferred ? `inferred:${edge.source}-${edge.target}` : String(edge.id);
    graph.addEdgeWithKey(key, String(edge.source), String(edge.target), edgeAttributes(edge, payload.powerLayout));
    if (edge.inferred) inferred += 1;
  }
  tieKindsShown = kinds;
  const names = document.getElementById("actor-names");
  names.replaceChildren(
    ...payload.nodes.map((n) => Object.assign(document.createElement("option"), { value: n.name })),
  );
  app.dataset.nodeCount = String(graph.order);
  app.dataset.edgeCount = String(graph.size - inferred);
  app.dataset.inferredCount = String(inferred);
  app.dataset.inferredAvailable = String(payload.inferred_count ?? inferred);
  app.dataset.hidden = String(payload.hidden ?? 0);
  app.dataset.actorsTotal = String(payload.actors_total ?? graph.order);
}

const FADED_POWER_TIE = "#e2e6ed";
let tieKindsShown = new Set();

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

const { ring: _ring, ...nodeStylesWithoutRing } = nodeStyles;

function createRenderer(features) {
  const large = graph.order > 1000;
  const nodePrimitives = {
    shapes: features.shapes.map((shape) => SDF_SHAPES[shape]()),
    ...(features.ring ? { variables: { ring: { type: "number", default: 0 } } } : {}),
    layers: features.ring ? [layerFill(), layerRing()] : [layerFill()],
    label: { margin: LABEL_MARGIN, font: { family: LABEL_FONT } },
  };
  renderer = new Sigma(graph, document.getElementById("map-canvas"), {
    primitives: { nodes: nodePrimitives, edges: edgePrimitivesFor(features) },
    styles: {
      nodes: features.ring ? nodeStyles : nodeStylesWithoutRing,
      edges: features.curved
        ? { ...edgeStylesFor(features), parallelPath: "curved", parallelSpread: 0.18 }
        : edgeStylesFor(features),
    },
    settings: {
      // On large maps a node being dragged is drawn without edges and labels until it is
      // dropped (camera moves are followed with the last frame: followCameraWithLastFrame).
      hideEdgesOnMove: large,
      hideLabelsOnMove: large,
      labelDensity: 1,
      labelGridCellSize: 60,
      labelRenderedSizeThreshold: 0,
      enableNodeDrag: config.canEdit,
      // A click on a tie opens its panel (tie-form.js). Not on large maps: a click there
      // may land while the last frame is followed (stale picking), and the actor's panel
      // lists its ties with their own buttons.
      enableEdgeEvents: !large,
      stagePadding: 40,
      // Picking at full resolution: at half (sigma's default) a 4 px actor is often missing
      // from the picking buffer and a click on it lands on the stage (seen on 1,000 actors).
      pickingDownSizingRatio: 1,
    },
  });
  if (large) followCameraWithLastFrame(renderer);
  renderer.on("clickNode", ({ node }) => {
    if (performance.now() < ignoreClickUntil) return;
    onNodeChosen(node);
  });
  renderer.on("clickEdge", ({ edge }) => {
    if (performance.now() < ignoreClickUntil || connectFrom) return;
    if (graph.getEdgeAttribute(edge, "inferred")) return; // no tie to open: the actor's panel explains it
    select(null);
    openTiePanel(edge, context);
  });
  renderer.on("clickStage", () => {
    if (connectFrom) cancelConnect();
    else if (selected) {
      closePanel();
      select(null);
    }
  });
  // Hovering an actor lifts it, its ties and its neighbours and fades the rest (on maps
  // small enough to restyle at pointer speed; a selection does it on any map).
  renderer.on("enterNode", ({ node }) => {
    hovered = node;
    if (graph.order <= HOVER_FOCUS_LIMIT) applyFocus();
    else scheduleDeclutter();
  });
  renderer.on("leaveNode", () => {
    hovered = null;
    if (graph.order <= HOVER_FOCUS_LIMIT) applyFocus();
    else scheduleDeclutter();
  });
  renderer.getCamera().on("updated", () => {
    scheduleDeclutter(large ? SETTLE_MS : 0);
    if (hullsToggle?.checked) requestAnimationFrame(drawHulls);
    if (layoutSelect.value === "power") requestAnimationFrame(drawPowerGrid);
  });
  renderer.on("afterRender", placeMarks); // the live map's "changed by" marks follow the camera
  renderer.on("resize", () => {
    scheduleDeclutter();
    drawPowerGrid();
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

// ---------------------------------------------------------------------------------------
// Labels without overlap: every label's box on screen, the selected and hovered first, then
// by size (the biggest actors always named); a label that would cover one already placed
// is not drawn. Recomputed when the camera settles, so zooming in names more actors.
const HOVER_FOCUS_LIMIT = 2000;
const ALWAYS_NAMED = 3;
const measureContext = document.createElement("canvas").getContext("2d");
const labelWidths = new Map();
let labelBoxes = [];
let declutterTimer = null;
let declutterFrame = null;

function labelWidth(text) {
  let width = labelWidths.get(text);
  if (width === undefined) {
    measureContext.font = `${LABEL_SIZE}px ${LABEL_FONT}`;
    width = measureContext.measureText(text).width;
    labelWidths.set(text, width);
  }
  return width;
}

function labelBox(node, attributes, side = "right", width = labelWidth(attributes.label)) {
  const centre = renderer.graphToViewport(attributes);
  const radius = renderer.scaleSize(attributes.size);
  const left = side === "right" ? centre.x + radius + LABEL_MARGIN : centre.x - radius - LABEL_MARGIN - width;
  const half = LABEL_SIZE * 0.65;
  // A pixel of air around the text, so that boxes that merely touch are not "overlapping".
  return { node, side, x: left - 1, y: centre.y - half - 1, w: width + 2, h: 2 * half + 2 };
}

function overlaps(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function declutterLabels() {
  declutterFrame = null;
  if (!renderer) return;
  const { width, height } = renderer.getDimensions();
  const always = [selected, hovered].filter((node) => node && graph.hasNode(node));
  const candidates = [];
  graph.forEachNode((node, attributes) => {
    if (attributes.hidden || !attributes.label || always.includes(node)) return;
    if (attributes.faded) return; // a focus names only the actors in it
    candidates.push([node, attributes]);
  });
  candidates.sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1));
  // The largest actors are always named (they are what the map is about).
  const largest = candidates.splice(0, Math.min(ALWAYS_NAMED, candidates.length)).map(([node]) => node);
  const cell = 80;
  const grid = new Map();
  const placed = [];
  const fits = (box) => {
    const x0 = Math.floor(box.x / cell);
    const x1 = Math.floor((box.x + box.w) / cell);
    const y0 = Math.floor(box.y / cell);
    const y1 = Math.floor((box.y + box.h) / cell);
    for (let gx = x0; gx <= x1; gx++)
      for (let gy = y0; gy <= y1; gy++) for (const other of grid.get(`${gx},${gy}`) || []) if (overlaps(box, other)) return false;
    return true;
  };
  const put = (box) => {
    placed.push(box);
    for (let gx = Math.floor(box.x / cell); gx <= Math.floor((box.x + box.w) / cell); gx++)
      for (let gy = Math.floor(box.y / cell); gy <= Math.floor((box.y + box.h) / cell); gy++) {
        const key = `${gx},${gy}`;
        if (!grid.has(key)) grid.set(key, []);
        grid.get(key).push(box);
      }
  };
  for (const node of always) put(labelBox(node, graph.getNodeAttributes(node)));
  for (const node of largest) {
    const attributes = graph.getNodeAttributes(node);
    const left = labelBox(node, attributes, "left");
    const right = labelBox(node, attributes, "right");
    if (fits(right)) put(right);
    else if (fits(left)) put(left);
  }
  // A label may not cover another actor either (its own is where it starts from).
  const discGrid = new Map();
  graph.forEachNode((node, attributes) => {
    if (attributes.hidden) return;
    const centre = renderer.graphToViewport(attributes);
    const r = renderer.scaleSize(attributes.size);
    const disc = { node, x: centre.x - r, y: centre.y - r, w: 2 * r, h: 2 * r };
    const key = `${Math.floor(centre.x / cell)},${Math.floor(centre.y / cell)}`;
    if (!discGrid.has(key)) discGrid.set(key, []);
    discGrid.get(key).push(disc);
  });
  const clearOfActors = (box) => {
    for (let gx = Math.floor(box.x / cell) - 1; gx <= Math.floor((box.x + box.w) / cell) + 1; gx++)
      for (let gy = Math.floor(box.y / cell) - 1; gy <= Math.floor((box.y + box.h) / cell) + 1; gy++)
        for (const disc of discGrid.get(`${gx},${gy}`) || []) if (disc.node !== box.node && overlaps(box, disc)) return false;
    return true;
  };
  // Only labels that fit whole on the canvas: a name cut off at the edge reads as another.
  const inside = (box) => box.x >= 0 && box.x + box.w <= width && box.y >= 0 && box.y + box.h <= height;
  // The first 2 px of a label's box lie inside the whole box on either side: where they do not
  // fit, the label cannot, and its text is never measured (on a crowded map of 5,000 actors
  // most are not named, and measuring every name cost ~0.2 s of the first frame).
  const placeable = (box) => inside(box) && fits(box) && clearOfActors(box);
  for (const [node, attributes] of candidates) {
    // Right of the actor, or else left of it.
    for (const side of ["right", "left"]) {
      if (!placeable(labelBox(node, attributes, side, 2))) continue;
      const box = labelBox(node, attributes, side);
      if (placeable(box)) {
        put(box);
        break;
      }
    }
  }
  const shown = new Map(placed.map((box) => [box.node, box.side]));
  graph.forEachNode((node, attributes) => {
    const value = shown.has(node) ? "visible" : "hidden";
    const side = shown.get(node) || "right";
    if (attributes.labelShown !== value || attributes.labelPosition !== side)
      graph.mergeNodeAttributes(node, { labelShown: value, labelPosition: side });
  });
  labelBoxes = placed;
  app.dataset.labels = String(placed.length);
}

function scheduleDeclutter(delay = 0) {
  clearTimeout(declutterTimer);
  if (delay) {
    declutterTimer = setTimeout(() => declutterLabels(), delay);
  } else if (!declutterFrame) {
    declutterFrame = requestAnimationFrame(() => declutterLabels());
  }
}

// ---------------------------------------------------------------------------------------
// Focus: the hovered or selected actor, its ties and its neighbours stand out and the rest
// fades; a highlighted path (who can reach them) stands out the same way. In neighbourhood
// mode only the actors within 1 or 2 steps of the selected one are drawn.
let selected = null;
let hovered = null;
const neighbourhoodSelect = document.getElementById("neighbourhood");

function within(node, steps) {
  const seen = new Set([node]);
  let frontier = [node];
  for (let step = 0; step < steps; step++) {
    const next = [];
    for (const current of frontier)
      for (const other of graph.neighbors(current))
        if (!seen.has(other)) {
          seen.add(other);
          next.push(other);
        }
    frontier = next;
  }
  return seen;
}

// A target's pillars of support, as the side panel read them (coalitions/align): on the power
// grid, one target is drawn with its pillars and the actors near them, not its neighbours.
const pillarSets = new Map();

function setSupport(node, support) {
  const target = support?.targets?.[0];
  const pillarActors = target ? target.pillars.map((p) => p.actor).filter((a) => a !== null) : [];
  const members = target && pillarActors.length ? [node, ...pillarActors.map(String), ...target.near.map(String)] : null;
  const before = pillarSets.get(node);
  pillarSets.set(node, members ? new Set(members.filter((n) => graph.hasNode(n))) : null);
  if (selected === node && String(before && [...before]) !== String(pillarSets.get(node) && [...pillarSets.get(node)])) {
    applyFocus();
    if (layoutSelect.value === "power" && Number(neighbourhoodSelect?.value || 0) > 0) fitTo(graph.filterNodes((n, a) => !a.hidden));
  }
}

function shownAround(node, steps) {
  const pillars = layoutSelect.value === "power" ? pillarSets.get(node) : null;
  return pillars || within(node, steps);
}

function applyFocus() {
  const steps = Number(neighbourhoodSelect?.value || 0);
  const shownOnly = selected && steps > 0 && graph.hasNode(selected) ? shownAround(selected, steps) : null;
  const pathFocus = highlighted.nodes.size > 0;
  const centre = hovered && graph.hasNode(hovered) ? hovered : selected && graph.hasNode(selected) ? selected : null;
  let keep = null;
  if (pathFocus) keep = highlighted.nodes;
  else if (centre) keep = new Set([centre, ...graph.neighbors(centre)]);
  graph.forEachNode((node, attributes) => {
    const hidden = shownOnly ? !shownOnly.has(node) : false;
    const faded = keep ? !keep.has(node) : false;
    const color = faded ? FADED_NODE : attributes.baseColor;
    const labelColor = faded ? "#9aa1ad" : "#1d2330";
    const zIndex = keep && !faded ? 1 : 0;
    if (attributes.hidden !== hidden || attributes.faded !== faded || attributes.color !== color || attributes.zIndex !== zIndex)
      graph.mergeNodeAttributes(node, { hidden, faded, color, labelColor, zIndex });
  });
  graph.forEachEdge((edge, attributes, source, target) => {
    const hidden = shownOnly ? !(shownOnly.has(source) && shownOnly.has(target)) : false;
    let on = false;
    if (pathFocus) on = highlighted.edges.has(edge);
    else if (centre) on = source === centre || target === centre;
    const faded = (pathFocus || centre) && !on;
    const color = pathFocus && on ? HIGHLIGHT : faded ? FADED_EDGE : attributes.baseColor;
    const size = pathFocus && on ? widthOf(attributes) + 2 : widthOf(attributes);
    const zIndex = on ? 1 : 0;
    if (attributes.hidden !== hidden || attributes.color !== color || attributes.size !== size || attributes.zIndex !== zIndex)
      graph.mergeEdgeAttributes(edge, { hidden, color, size, zIndex, faded });
  });
  app.dataset.focus = centre || "";
  app.dataset.faded = String(graph.filterNodes((node, a) => a.faded).length);
  scheduleDeclutter();
}

function select(node) {
  selected = node && graph.hasNode(node) ? node : null;
  app.dataset.selected = selected || "";
  applyFocus();
  if (Number(neighbourhoodSelect?.value || 0) > 0 && selected) fitTo(graph.filterNodes((n, a) => !a.hidden));
}

// The camera on some actors: their box in sigma's framed coordinates, with some air.
function fitTo(nodes, { duration = 300 } = {}) {
  if (!renderer || !nodes.length) return;
  const points = nodes.map((node) => renderer.getNodeDisplayData(node)).filter(Boolean);
  if (!points.length) return;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const ratio = Math.min(1, Math.max(0.08, Math.max(maxX - minX, maxY - minY) * 1.35));
  const target = { x: (minX + maxX) / 2, y: (minY + maxY) / 2, ratio, angle: 0 };
  if (duration) renderer.getCamera().animate(target, { duration });
  else renderer.getCamera().setState(target);
}

neighbourhoodSelect?.addEventListener("change", () => {
  applyFocus();
  const shown = graph.filterNodes((node, attributes) => !attributes.hidden);
  if (shown.length < graph.order) fitTo(shown);
  else renderer.getCamera().animate({ x: 0.5, y: 0.5, ratio: 1, angle: 0 }, { duration: 300 });
});

function summary() {
  const inferred = Number(app.dataset.inferredCount || 0);
  const ties = graph.size - inferred;
  const hidden = Number(app.dataset.hidden || 0);
  const actors = hidden ? `${graph.order} of ${app.dataset.actorsTotal} actors (the filters hide ${hidden})` : `${graph.order} actors`;
  return `${actors}, ${ties} ties${inferred ? `, ${inferred} inferred relationships` : ""}`;
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
    openTieForm(source, node, context); // a drawn tie opens its form (tie-form.js)
  });
  renderer.on("upStage", () => {
    if (tieDrag?.moved) ignoreClickUntil = performance.now() + 400;
    if (tieDrag) endTieDrag();
  });
}

function remember(query) {
  history.replaceState(null, "", `${location.pathname}${query.toString() ? `?${query}` : ""}`);
}

// After an edit the server's warm layout moves a few actors: they glide to their new place
// instead of jumping, and everyone else stays still.
const GLIDE_MS = 600;

function glide(from) {
  const moving = [];
  graph.forEachNode((node, attributes) => {
    const before = from.get(node);
    if (before && Math.hypot(before.x - attributes.x, before.y - attributes.y) > 1e-6) {
      moving.push([node, before, { x: attributes.x, y: attributes.y }]);
    }
  });
  app.dataset.moved = moving.map(([node]) => node).join(",");
  if (!moving.length || moving.length > 500 || !renderer) return;
  for (const [node, before] of moving) graph.mergeNodeAttributes(node, before);
  const start = performance.now();
  const step = (now) => {
    const t = Math.min(1, (now - start) / GLIDE_MS);
    const eased = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
    for (const [node, a, b] of moving) {
      if (!graph.hasNode(node)) continue;
      graph.mergeNodeAttributes(node, { x: a.x + (b.x - a.x) * eased, y: a.y + (b.y - a.y) * eased });
    }
    if (t < 1) requestAnimationFrame(step);
    else scheduleDeclutter();
  };
  requestAnimationFrame(step);
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
  // The live map goes on from this read (not for a past date, nor a shared story).
  if (config.shared || result.data.as_of) live.stop();
  else live.start(result.headers?.get("Weft-Map-Cursor"));
  const camera = renderer && keepCamera ? renderer.getCamera().getState() : null;
  const previous = new Map();
  if (keepCamera) graph.forEachNode((node, a) => previous.set(node, { x: a.x, y: a.y }));
  shownAsOf = result.data.as_of;
  result.data.powerLayout = layoutSelect.value === "power";
  buildGraph(result.data);
  ensureRenderer(); // programs for what this map shows (parallel ties curved, arrows, dashes …)
  // A new map, a filter, another layout: the camera fits what is shown (sigma frames the
  // graph's extent at ratio 1). An edit keeps the person's view.
  // The power grid frames the whole grid, whichever cells have actors.
  renderer.setCustomBBox(layoutSelect.value === "power" ? powerFrame() : null);
  renderer.getCamera().setState(camera || { x: 0.5, y: 0.5, ratio: 1, angle: 0 });
  if (selected && !graph.hasNode(selected)) selected = null;
  applyFocus();
  if (keepCamera && previous.size) glide(previous);
  document.getElementById("power-axes").hidden = layoutSelect.value !== "power";
  // After sigma has framed the new bounding box (the next frame).
  drawPowerGrid();
  requestAnimationFrame(() => requestAnimationFrame(drawPowerGrid));
  await applyColours();
  const asOf = result.data.as_of ? ` as it stood on ${result.data.as_of}` : "";
  status.textContent = `${summary()}${asOf}.`;
  const inferredCount = document.getElementById("inferred-count");
  if (inferredCount) inferredCount.textContent = app.dataset.inferredAvailable;
  const hidden = Number(app.dataset.hidden || 0);
  clearFilters.hidden = !(hidden > 0 || filtersSet());
  clearFilters.textContent = hidden > 0 ? `Clear filters (show all ${app.dataset.actorsTotal})` : "Clear filters";
  const table = document.getElementById("table-link");
  if (table) table.href = `${table.pathname}${query.toString() ? `?${query}` : ""}`;
  declutterLabels();
  app.dataset.loaded = String(Number(app.dataset.loaded || 0) + 1);
}

// ---------------------------------------------------------------------------------------
// The live map (#22): others' edits arrive every few seconds (live.js) and are applied here,
// actor by actor and tie by tie: the camera stays, nothing is rebuilt, and the side panel is
// left as it is (an open form keeps what was typed; a note says someone changed the actor).
// Each change someone else made wears a small "changed by" mark for a while.
const MARK_MS = 20000;
const marksBox = document.getElementById("map-marks");
const liveBox = document.getElementById("map-live");
const marks = new Map(); // key ("n:12" or "e:40") → { element, until }
const seenChanges = new Set();

function markPosition(key) {
  const [kind, id] = [key.slice(0, 1), key.slice(2)];
  if (kind === "n" && graph.hasNode(id)) return graph.getNodeAttributes(id);
  if (kind === "e" && graph.hasEdge(id)) {
    const [a, b] = graph.extremities(id).map((n) => graph.getNodeAttributes(n));
    return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  }
  return null;
}

function placeMarks() {
  if (!renderer || !marksBox) return;
  const now = Date.now();
  for (const [key, mark] of marks) {
    const at = markPosition(key);
    if (!at || mark.until < now) {
      mark.element.remove();
      marks.delete(key);
      continue;
    }
    const point = renderer.graphToViewport(at);
    mark.element.style.transform = `translate(${Math.round(point.x)}px, ${Math.round(point.y)}px)`;
  }
  marksBox.dataset.count = String(marks.size);
}

function addMark(key, text) {
  if (!marksBox) return;
  let mark = marks.get(key);
  if (!mark) {
    const element = document.createElement("span");
    element.className = "live-mark";
    element.dataset.key = key;
    marksBox.append(element);
    mark = { element };
    marks.set(key, mark);
  }
  mark.element.textContent = text;
  mark.until = Date.now() + MARK_MS;
}

setInterval(placeMarks, 1000); // marks run out even when nothing is drawn

function nodeSizeNow(row) {
  let max = 1;
  graph.forEachNode((node, a) => {
    max = Math.max(max, sizeValue(a, graph.degree(node)) || 0);
  });
  return nodeSize(sizeValue(row, graph.hasNode(String(row.id)) ? graph.degree(String(row.id)) : 0), max);
}

function panelNote(node, text) {
  // The side panel on this actor: a note on top, the forms below it untouched.
  const panel = document.getElementById("side-panel");
  if (panel.dataset.actor !== node) return;
  let note = panel.querySelector(".live-note");
  if (!note) {
    note = Object.assign(document.createElement("p"), { className: "live-note" });
    note.setAttribute("role", "status");
    panel.querySelector("h2")?.after(note);
  }
  note.textContent = `${text} What you are editing here is kept; saving it now would be refused as out of date, so reopen the actor to see their change first.`;
}

async function applyLiveChanges(changes) {
  if (layoutSelect.value === "power") {
    // Positions on the power grid come from everyone's stance and influence: redraw whole.
    if (changes.actors.length || changes.ties.length || changes.removed_actors.length || changes.removed_ties.length) await loadMap();
    return;
  }
  // The graph's extent is held as it is: a new actor beyond it would otherwise rescale the
  // whole drawing under a camera that did not move (sigma frames the extent). The next full
  // read of the map frames it again.
  if (renderer && !renderer.getCustomBBox()) renderer.setCustomBBox(renderer.getBBox());
  const me = app.dataset.user;
  const said = [];
  const fresh = (row) => {
    const seen = seenChanges.has(row.change);
    seenChanges.add(row.change);
    return !seen && row.changed_by !== me;
  };
  const nameOfNode = (id) => (graph.hasNode(String(id)) ? graph.getNodeAttribute(String(id), "name") : `actor ${id}`);
  const moved = new Map();
  for (const row of changes.actors) {
    const key = String(row.id);
    const isNew = !graph.hasNode(key);
    const news = fresh(row);
    if (isNew) {
      if (row.x === null) {
        // No place yet (no layout run since): where the viewer is looking, until one comes.
        const middle = renderer.viewportToGraph({ x: renderer.getDimensions().width / 2, y: renderer.getDimensions().height / 2 });
        row.x = middle.x;
        row.y = middle.y;
      }
      graph.addNode(key, nodeAttributes(row, nodeSizeNow(row)));
    } else {
      const before = graph.getNodeAttributes(key);
      if (row.x === null) {
        row.x = before.x;
        row.y = before.y;
      } else if (Math.hypot(before.x - row.x, before.y - row.y) > 1e-6) moved.set(key, { x: before.x, y: before.y });
      graph.mergeNodeAttributes(key, { ...nodeAttributes(row, nodeSizeNow(row)), labelShown: before.labelShown, labelPosition: before.labelPosition });
    }
    if (news && row.changed_by) {
      const what = isNew ? "added" : "changed";
      addMark(`n:${key}`, `${what} by ${row.changed_by}`);
      said.push(`${row.changed_by} ${what} ${row.name}`);
      panelNote(key, `${row.changed_by} changed ${row.name} just now.`);
    }
  }
  for (const row of changes.removed_actors) {
    const key = String(row.id);
    if (!graph.hasNode(key)) continue;
    const name = nameOfNode(row.id);
    if (fresh(row) && row.changed_by) said.push(`${row.changed_by} removed ${name}`);
    panelNote(key, `${row.changed_by || "Someone"} removed ${name} from the map just now.`);
    graph.dropNode(key);
    if (selected === key) selected = null;
  }
  for (const row of changes.removed_ties) {
    const key = String(row.id);
    if (!graph.hasEdge(key)) continue;
    if (fresh(row) && row.changed_by) said.push(`${row.changed_by} removed a tie`);
    graph.dropEdge(key);
  }
  for (const row of changes.ties) {
    const key = String(row.id);
    const [source, target] = [String(row.source), String(row.target)];
    if (!graph.hasNode(source) || !graph.hasNode(target)) continue; // an end not on this map
    const isNew = !graph.hasEdge(key);
    if (!isNew && (graph.source(key) !== source || graph.target(key) !== target)) graph.dropEdge(key);
    if (graph.hasEdge(key)) graph.mergeEdgeAttributes(key, edgeAttributes(row, false));
    else graph.addEdgeWithKey(key, source, target, edgeAttributes(row, false));
    if (fresh(row) && row.changed_by) {
      const what = isNew ? "added" : "changed";
      addMark(`e:${key}`, `tie ${what} by ${row.changed_by}`);
      said.push(`${row.changed_by} ${what} a tie between ${nameOfNode(row.source)} and ${nameOfNode(row.target)}`);
    }
  }
  if (seenChanges.size > 5000) seenChanges.clear();
  ensureRenderer(); // a first directed or dashed tie, a new shape: programs that draw it
  let inferred = 0;
  graph.forEachEdge((edge, a) => {
    if (a.inferred) inferred += 1;
  });
  app.dataset.nodeCount = String(graph.order);
  app.dataset.edgeCount = String(graph.size - inferred);
  document.getElementById("actor-names").replaceChildren(
    ...graph.mapNodes((node, a) => Object.assign(document.createElement("option"), { value: a.name })),
  );
  // Coloured by something the rows do not carry (a community, a phase): ask for it again.
  if (colourBy.value !== "stance" && (changes.actors.length || changes.removed_actors.length)) await applyColours();
  else applyFocus();
  if (moved.size) glide(moved);
  scheduleDeclutter();
  placeMarks();
  if (said.length) {
    liveBox.textContent = `${said.slice(0, 3).join("; ")}${said.length > 3 ? ` and ${said.length - 3} more` : ""}.`;
    liveBox.hidden = false;
    status.textContent = `${summary()}.`;
  }
  app.dataset.liveApplied = String(Number(app.dataset.liveApplied || 0) + 1);
}

const live = setupLive({
  changesUrl: `${config.apiRoot}map/changes/`,
  query: filterQuery,
  apply: applyLiveChanges,
  reload: () => loadMap(),
  paused: () => Boolean(shownAsOf) || config.shared,
  presenceBox: document.getElementById("map-presence"),
  noticeBox: document.getElementById("map-live-notice"),
});

// ---------------------------------------------------------------------------------------
// Colour by anything: stance (the default), kind, ally kind from the payload; community,
// member phase, working group, tag or a custom field from the colours endpoint. The legend
// follows; groups can be drawn as soft hulls behind the actors.
const colourBy = document.getElementById("colour-by");
const hullsToggle = document.getElementById("hulls");
const hullsCanvas = document.getElementById("map-hulls");
const PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#17becf", "#bcbd22", "#7f7f7f"];
const NO_VALUE = "#c9ced6";
let colourLegend = null;

function paletteColour(i) {
  if (i < PALETTE.length) return PALETTE[i];
  return `hsl(${Math.round((i * 137.508) % 360)}, 55%, 52%)`; // golden angle: many, distinct
}

function renderMapLegend() {
  renderLegend(document.getElementById("map-legend"), SIZE_LABELS[sizeBy.value], {
    inferredShown: Number(app.dataset.inferredCount) > 0,
    kinds: tieKindsShown,
    colourLegend,
  });
}

async function valuesFor(by) {
  if (by === "kind") return { title: "Kind of actor", values: Object.fromEntries(graph.mapNodes((n, a) => [n, KIND_LABEL[a.kind] || a.kind])) };
  if (by === "ally_kind")
    return { title: "Natural or strategic", values: Object.fromEntries(graph.filterNodes((n, a) => a.ally_kind).map((n) => [n, `${graph.getNodeAttribute(n, "ally_kind")} ally`])) };
  const result = await api(`map/colours/?by=${encodeURIComponent(by)}`);
  if (!result.ok) {
    showAlert(`The colours could not be loaded: ${describeError(result)}`);
    return { title: by, values: {} };
  }
  return { title: result.data.title, values: result.data.values };
}

async function applyColours() {
  const by = colourBy?.value || "stance";
  if (by === "stance") {
    colourLegend = null;
    graph.forEachNode((node, a) => graph.setNodeAttribute(node, "baseColor", STANCE_COLOUR[a.stance] || UNASSESSED));
    graph.forEachNode((node) => graph.setNodeAttribute(node, "group", null));
  } else {
    const { title, values } = await valuesFor(by);
    const counts = new Map();
    for (const node of graph.nodes()) {
      const value = values[node];
      if (value !== undefined) counts.set(value, (counts.get(value) || 0) + 1);
    }
    // The biggest group gets the first colour; ties broken by name, so colours are stable.
    const order = [...counts.keys()].sort((a, b) => counts.get(b) - counts.get(a) || String(a).localeCompare(String(b)));
    const colourOf = new Map(order.map((value, i) => [value, paletteColour(i)]));
    graph.forEachNode((node) => {
      const value = values[node];
      graph.mergeNodeAttributes(node, { baseColor: value === undefined ? NO_VALUE : colourOf.get(value), group: value ?? null });
    });
    colourLegend = {
      title,
      entries: [...order.map((value) => [`${value} (${counts.get(value)})`, colourOf.get(value)]), ...(counts.size < graph.order ? [["None", NO_VALUE]] : [])],
    };
  }
  const used = new Set(graph.mapNodes((node, a) => a.baseColor));
  app.dataset.colours = String(by === "stance" ? used.size : colourLegend.entries.filter(([label]) => label !== "None").length);
  app.dataset.colourBy = by;
  document.getElementById("hulls-control").hidden = by === "stance";
  applyFocus();
  renderMapLegend();
  drawHulls();
}

colourBy?.addEventListener("change", () => applyColours());
hullsToggle?.addEventListener("change", () => drawHulls());

function convexHull(points) {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (sorted.length < 3) return sorted;
  const cross = (o, a, b) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const half = (list) => {
    const hull = [];
    for (const p of list) {
      while (hull.length >= 2 && cross(hull[hull.length - 2], hull[hull.length - 1], p) <= 0) hull.pop();
      hull.push(p);
    }
    hull.pop();
    return hull;
  };
  return [...half(sorted), ...half(sorted.reverse())];
}

function drawHulls() {
  if (!hullsCanvas || !renderer) return;
  const { width, height } = renderer.getDimensions();
  const ratio = window.devicePixelRatio || 1;
  hullsCanvas.width = width * ratio;
  hullsCanvas.height = height * ratio;
  hullsCanvas.style.width = `${width}px`;
  hullsCanvas.style.height = `${height}px`;
  const context = hullsCanvas.getContext("2d");
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  const on = hullsToggle?.checked && colourBy?.value !== "stance";
  app.dataset.hulls = "0";
  if (!on) return;
  const groups = new Map();
  graph.forEachNode((node, a) => {
    if (a.group === null || a.group === undefined || a.hidden) return;
    const p = renderer.graphToViewport(a);
    if (!groups.has(a.group)) groups.set(a.group, { colour: a.baseColor, points: [] });
    groups.get(a.group).points.push([p.x, p.y]);
  });
  let drawn = 0;
  for (const { colour, points } of groups.values()) {
    if (points.length < 3) continue;
    const hull = convexHull(points);
    context.beginPath();
    hull.forEach(([x, y], i) => (i ? context.lineTo(x, y) : context.moveTo(x, y)));
    context.closePath();
    context.globalAlpha = 0.12;
    context.fillStyle = colour;
    context.strokeStyle = colour;
    context.lineJoin = "round";
    context.lineWidth = 36; // soft: the hull's edge stands well clear of its actors
    context.stroke();
    context.fill();
    drawn += 1;
  }
  context.globalAlpha = 1;
  app.dataset.hulls = String(drawn);
}

// ---------------------------------------------------------------------------------------
// The power grid: support across, influence up, drawn behind the actors with its axes and
// the quadrant names organizers use (networks/graph/layout.py places the actors).
const POWER_CELL = 320; // layout.py: POWER_COLUMN, POWER_ROW
const POWER_COLUMNS = [-3, -2, -1, 0, 1, 2];
const POWER_BANDS = [
  // [first column, last column, lowest row, highest row, name]
  [-2, -1, 4, 5, "Opponents to isolate: peel off their pillars"],
  [0, 0, 4, 5, "Neutrals to move"],
  [1, 2, 4, 5, "Allies to keep close and mobilise"],
  [-2, -1, 1, 3, "Opponents to watch"],
  [0, 0, 1, 3, "Neutrals to win over"],
  [1, 2, 1, 3, "Allies to grow"],
  [-3, -3, 1, 5, "Not assessed yet"],
];
const powerGrid = document.getElementById("power-grid");

function powerFrame() {
  // Room below for the stance names and left for the influence scores.
  return {
    x: [(-3.5 - 0.35) * POWER_CELL, 2.5 * POWER_CELL],
    y: [(0.5 - 0.45) * POWER_CELL, (5.5 + 0.1) * POWER_CELL],
  };
}

function drawPowerGrid() {
  if (!powerGrid) return;
  const on = layoutSelect.value === "power" && renderer;
  // An <svg> has no "hidden" property: the attribute itself.
  if (on) powerGrid.removeAttribute("hidden");
  else powerGrid.setAttribute("hidden", "");
  if (!on) return;
  const at = (x, y) => renderer.graphToViewport({ x, y });
  const stanceNames = { "-3": "Not assessed", ...Object.fromEntries(STANCES.map(({ label }, i) => [String(2 - i), label])) };
  const parts = [];
  const line = (a, b, cls) => parts.push(`<line class="${cls}" x1="${a.x}" y1="${a.y}" x2="${b.x}" y2="${b.y}"/>`);
  const text = (p, words, cls, anchor = "middle") => parts.push(`<text class="${cls}" x="${p.x}" y="${p.y}" text-anchor="${anchor}">${words}</text>`);
  const left = -3.5 * POWER_CELL;
  const right = 2.5 * POWER_CELL;
  for (let c = -3; c <= 3; c++) line(at((c - 0.5) * POWER_CELL, 0.5 * POWER_CELL), at((c - 0.5) * POWER_CELL, 5.5 * POWER_CELL), c === -2 || c === 3 ? "axis" : "cell");
  for (let r = 0; r <= 5; r++) line(at(left, (r + 0.5) * POWER_CELL), at(right, (r + 0.5) * POWER_CELL), r === 0 ? "axis" : "cell");
  for (const c of POWER_COLUMNS) text(at(c * POWER_CELL, 0.5 * POWER_CELL), stanceNames[String(c)], "stance-name");
  for (let r = 1; r <= 5; r++) text(at(left, r * POWER_CELL), String(r), "influence-score", "end");
  const bottom = at(0, 0.5 * POWER_CELL);
  parts.push(`<text class="axis-title" x="${at(-0.5 * POWER_CELL, 0).x}" y="${bottom.y + 30}" text-anchor="middle">Support → (opposition on the left, allies on the right)</text>`);
  const side = at(left, 3 * POWER_CELL);
  parts.push(`<text class="axis-title" transform="translate(${side.x - 22} ${side.y}) rotate(-90)" text-anchor="middle">Influence ↑</text>`);
  for (const [from, to, low, high, name] of POWER_BANDS) {
    const corner = at((from - 0.5) * POWER_CELL, (high + 0.5) * POWER_CELL);
    const far = at((to + 0.5) * POWER_CELL, (low - 0.5) * POWER_CELL);
    parts.push(`<rect class="band" x="${corner.x}" y="${corner.y}" width="${far.x - corner.x}" height="${far.y - corner.y}"/>`);
    parts.push(`<text class="band-name" x="${corner.x + 4}" y="${corner.y + 12}">${name}</text>`);
  }
  const { width, height } = renderer.getDimensions();
  powerGrid.setAttribute("viewBox", `0 0 ${width} ${height}`);
  powerGrid.innerHTML = parts.join("");
}

// Filters narrow the actors or the ties; layers (inferred relationships) and the date are
// not filters that "hide" anything the clear button should bring back... except the date.
const FILTER_NAMES = ["stance", "kind", "ally_kind", "working_group", "tag", "min_strength", "as_of"];
const clearFilters = document.getElementById("clear-filters");

function filtersSet() {
  const data = new FormData(filterForm);
  return FILTER_NAMES.some((name) => data.getAll(name).some((value) => value !== ""));
}

clearFilters.addEventListener("click", async () => {
  for (const element of filterForm.elements) {
    if (!FILTER_NAMES.includes(element.name)) continue;
    if (element.type === "checkbox") element.checked = false;
    else element.value = "";
  }
  setHighlight([], []);
  await loadMap({ keepCamera: false, query: true });
});

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
  // Zoom in on the actor and its neighbours, close enough to read every name around it.
  const ratio = Math.min(renderer.getCamera().getState().ratio, graph.order > 200 ? 0.3 : 0.6);
  if (display) renderer.getCamera().animate({ x: display.x, y: display.y, ratio }, { duration: 300 });
}

function setHighlight(nodes, edges) {
  highlighted = { nodes: new Set(nodes), edges: new Set(edges) };
  applyFocus();
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
  if (config.shared) return select(node); // a shared story: focus only, no side panel
  if (connectFrom) {
    const source = connectFrom;
    cancelConnect();
    if (source !== node) openTieForm(source, node, context);
    return;
  }
  await showActor(node);
}

async function showActor(node) {
  if (!graph.hasNode(node)) {
    closePanel();
    select(null);
    return;
  }
  select(node);
  await openPanel(node, context);
  await showComments(node, context); // #22: the actor's comments under the panel
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
  openTiePanel: (tie) => openTiePanel(tie, context),
  findActor,
  showActor,
  select,
  setSupport,
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
  // The camera fits what the filters leave: nothing is clipped behind the panels.
  await loadMap({ query: true, keepCamera: false });
});

// A layer, not a filter: switched at once, the camera kept.
document.getElementById("f-inferred")?.addEventListener("change", () => loadMap({ query: true }));

sizeBy.addEventListener("change", () => loadMap());
layoutSelect.addEventListener("change", () => loadMap({ keepCamera: false, query: true }));

const exportName = `map-${app.dataset.coalition}-${new Date().toISOString().slice(0, 10)}`;

// What the picture says about itself: title, date, the filters in force, the legend.
function exportMeta() {
  const labelsOf = (name) =>
    [...filterForm.querySelectorAll(`[name="${name}"]`)]
      .filter((input) => (input.type === "checkbox" ? input.checked : input.value))
      .map((input) => (input.tagName === "SELECT" ? input.selectedOptions[0].textContent.trim() : input.type === "checkbox" ? input.closest("label").textContent.trim() : input.value));
  const filters = [];
  const add = (title, name) => {
    const values = labelsOf(name);
    if (values.length) filters.push(`${title}: ${values.join(", ")}`);
  };
  add("stance", "stance");
  add("kind", "kind");
  add("ally kind", "ally_kind");
  add("working group", "working_group");
  add("tag", "tag");
  add("minimum tie strength", "min_strength");
  const hidden = Number(app.dataset.hidden || 0);
  if (hidden) filters.push(`${hidden} of ${app.dataset.actorsTotal} actors hidden`);
  if (Number(neighbourhoodSelect?.value || 0) > 0 && selected)
    filters.push(
      layoutSelect.value === "power" && pillarSets.get(selected)
        ? `${graph.getNodeAttribute(selected, "name")} with the pillars of support`
        : `within ${neighbourhoodSelect.value} step(s) of ${graph.getNodeAttribute(selected, "name")}`,
    );
  const today = new Date().toISOString().slice(0, 10);
  const date = shownAsOf ? `As it stood on ${shownAsOf} (exported ${today})` : `As of ${today}`;
  const colours = colourLegend || {
    title: "Stance",
    entries: [...STANCES.map(({ label, colour }) => [label, colour]), ["Not assessed", UNASSESSED]],
  };
  const ties = [...tieKindsShown].map((kind) => {
    const style = TIE_KIND_STYLE[kind] || { colour: TIE, dash: 0, gap: 0 };
    return [kind, style.colour, style.dash ? `${style.dash} ${style.gap}` : ""];
  });
  if (Number(app.dataset.inferredCount) > 0) ties.push(["inferred relationship", INFERRED_TIE, INFERRED_DASH.join(" ")]);
  const layout = layoutSelect.value === "power" ? "Power map" : "Map";
  return { title: `${layout} · ${document.title.replace(/^Map · /, "")}`, date, filters, colours, ties };
}

document.getElementById("export-svg").addEventListener("click", () => downloadSvg(graph, `${exportName}.svg`, exportMeta()));
document.getElementById("export-png").addEventListener("click", () =>
  downloadPng(graph, `${exportName}.png`, exportMeta()).catch((error) => showAlert(`The PNG could not be made: ${error}`)),
);
document.getElementById("export-print")?.addEventListener("click", () => {
  if (!printView(graph, exportMeta())) showAlert("The print view was blocked: allow pop-ups for this site.");
});
window.weftExportSvg = () => mapSvg(graph, exportMeta());

// Phones: the tools are a sheet, opened and closed by a button (and closed by a search or a
// filter, so that the result is in view).
const tools = document.getElementById("map-tools");
const toolsToggle = document.getElementById("tools-toggle");
function showTools(open) {
  tools.classList.toggle("open", open);
  toolsToggle.setAttribute("aria-expanded", String(open));
}
// The map fills what the top bar leaves of the screen (its height varies with the names in it).
function fitUnderTopbar() {
  const bar = document.querySelector(".topbar");
  if (bar) document.documentElement.style.setProperty("--topbar", `${bar.offsetHeight}px`);
}
fitUnderTopbar();
window.addEventListener("resize", fitUnderTopbar);
toolsToggle.addEventListener("click", () => showTools(!tools.classList.contains("open")));
tools.querySelector(".tools-close").addEventListener("click", () => showTools(false));
filterForm.addEventListener("submit", () => showTools(false));
document.getElementById("map-search").addEventListener("submit", () => showTools(false));

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
  // The label boxes drawn (viewport pixels) and whose labels sigma draws.
  labelBoxes: () => labelBoxes.map((box) => ({ ...box })),
  // The renderer's programs follow what the graph holds (after changing it in place).
  ensureRenderer,
  displayedLabels: () => [...renderer.getNodeDisplayedLabels()],
  ready: loadMap({ keepCamera: false }).then(() =>
    Promise.all([
      config.shared
        ? null
        : setupSavedViews({
            api,
            describeError,
            describeConflict,
            showAlert,
            clearAlert,
            filterForm,
            controls: { sizeBy, layout: layoutSelect, colourBy },
            loadMap,
            camera: () => renderer.getCamera(),
          }),
      setupStories({
        app,
        api,
        graph,
        describeError,
        showAlert,
        clearAlert,
        filterForm,
        controls: {
          sizeBy,
          layout: layoutSelect,
          colourBy,
          hulls: hullsToggle,
          inferred: document.getElementById("f-inferred"),
          neighbourhood: neighbourhoodSelect,
        },
        loadMap,
        camera: () => renderer.getCamera(),
        setHighlight,
        select,
        resize: () => {
          renderer?.resize();
          renderer?.refresh();
        },
      }),
    ]),
  ),
};
