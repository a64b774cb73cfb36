// The map's encodings, in one place so the legend explains exactly what is drawn. The words and
// the stance colours are the server's vocabulary (shared/vocabulary.js); the shapes, glyphs,
// tie colours and sizes are the map's own.
import { labels, vocabulary } from "../shared/vocabulary.js";

// The legend and the stance menu list the spectrum from active ally down to active opposition:
// the vocabulary's order (opposition first, as on a power map's x axis) reversed.
export const STANCES = [...vocabulary.stances].reverse();
export const UNASSESSED = vocabulary.unassessed_colour;
export const STANCE_COLOUR = Object.fromEntries(STANCES.map(({ value, colour }) => [value, colour]));
export const STANCE_LABEL = labels(vocabulary.stances);
export const KIND_LABEL = labels(vocabulary.actor_kinds);
export const ALLY_KINDS = vocabulary.ally_kinds;
const ALLY_KIND_LABEL = labels(vocabulary.ally_kinds);

// Node shape by kind of actor (sigma's signed-distance shapes), and its glyph in the legend,
// in the legend's order.
export const KINDS = [
  ["organisation", "circle", "●"],
  ["group", "triangle", "▲"],
  ["person", "square", "■"],
  ["institution", "diamond", "◆"],
  ["official", "diamond", "◆"],
  // An imported type Weft does not know (its own words are the actor's type label).
  ["other", "circle", "○"],
];
export const KIND_SHAPE = Object.fromEntries(KINDS.map(([value, shape]) => [value, shape]));
// Officials and institutions share a shape; an official's label carries a mark.
export const OFFICIAL_MARK = " ⚑";

// How each kind of ally is drawn (strategic allies wear a dark ring), in the legend's order.
const ALLY_KIND_MARKS = [
  ["strategic", '<span class="ring"></span>', "dark ring"],
  ["natural", '<span class="swatch" style="background:#ccc"></span>', "no ring"],
];

export const ENDED_TIE = "#dde1e8";
export const TIE = "#9aa3b5";
// Inferred relationships (interactions, no declared tie): thin, dotted, violet-grey; off
// unless asked for.
export const INFERRED_TIE = "#b7a6dc";
export const INFERRED_DASH = [2, 4]; // screen pixels of dash, then of gap
export const HIGHLIGHT = "#f0b429";
export const FADED_NODE = "#e6e9ee";
export const FADED_EDGE = "#f1f3f6";

// Ties by kind: a colour each, and a dash for the kinds that are not a working relationship
// (conflict) or are only talk (communication). [kind, colour, dash px, gap px]
export const TIE_KINDS = [
  ["collaboration", "#8a94a8", 0, 0],
  ["affiliation", "#4f86b8", 0, 0],
  ["funding", "#c7920a", 0, 0],
  ["trust", "#2e9a73", 0, 0],
  ["influence", "#7b5cc4", 0, 0],
  ["communication", "#6fa8c9", 5, 3],
  ["conflict", "#d1495b", 8, 4],
];
export const TIE_KIND_STYLE = Object.fromEntries(TIE_KINDS.map(([kind, colour, dash, gap]) => [kind, { colour, dash, gap }]));
const TIE_KIND_LABEL = labels(vocabulary.tie_kinds);

export function nodeSize(value, max) {
  // 4 px for the least, 16 px for the most: readable at 5,000 actors and at 30.
  if (value === null || value === undefined) return 4;
  return 4 + 12 * Math.sqrt(value / Math.max(max, 1));
}

export function edgeSize(strength) {
  return strength ? 0.5 + strength * 0.7 : 1;
}

// An inferred relationship's strength is 0–1 (from interactions); never wider than a
// declared tie of 2 out of 5, so the declared ties stay the map's backbone.
export function inferredSize(strength) {
  return 0.5 + 1.2 * (strength || 0);
}

function lineSample(colour, dash, gap, width = 2) {
  const style = dash
    ? `border-top:${width}px dashed ${colour};border-image:repeating-linear-gradient(90deg,${colour} 0 ${dash}px,transparent ${dash}px ${dash + gap}px) 1`
    : `border-top:${width}px solid ${colour}`;
  return `<span class="line-sample" style="${style}"></span>`;
}

export function renderLegend(element, sizeLabel, { inferredShown = false, kinds = null, colourLegend = null } = {}) {
  const item = (mark, text) => `<li>${mark}<span>${text}</span></li>`;
  const open = element.querySelector("details")?.open ?? true;
  element.innerHTML = `<details ${open ? "open" : ""}><summary>Legend</summary>
    ${colourLegend ? `<h2>${colourLegend.title} (colour)</h2><ul id="colour-legend">${colourLegend.entries.map(([label, colour]) => item(`<span class="swatch" style="background:${colour}"></span>`, label)).join("")}</ul>` : `<h2>Stance (colour)</h2><ul id="colour-legend">${STANCES.map(({ label, colour }) => item(`<span class="swatch" style="background:${colour}"></span>`, label)).join("")}
      ${item(`<span class="swatch" style="background:${UNASSESSED}"></span>`, "Not assessed")}</ul>`}
    <h2>Kind (shape)</h2><ul>${KINDS.map(([value, , glyph]) => item(`<span class="shape" aria-hidden="true">${glyph}</span>`, KIND_LABEL[value] + (value === "official" ? ` (label ends with${OFFICIAL_MARK})` : ""))).join("")}</ul>
    <h2>Ally kind</h2><ul>${ALLY_KIND_MARKS.map(([value, mark, note]) => item(mark, `${ALLY_KIND_LABEL[value]} ally (${note})`)).join("")}</ul>
    <h2>Size</h2><ul>${item("", `Bigger: more ${sizeLabel}`)}</ul>
    <h2>Ties (colour and dash by kind)</h2><ul id="tie-kinds-legend">${TIE_KINDS.filter(([kind]) => !kinds || kinds.has(kind)).map(([kind, colour, dash, gap]) => item(lineSample(colour, dash, gap), TIE_KIND_LABEL[kind] || kind)).join("")}
      ${item('<span class="line-sample arrow">→</span>', "Arrow: directed tie (source to target)")}${item("", "Wider: stronger; curved: several ties between the same two")}${item(lineSample(ENDED_TIE, 0, 0), "Ended tie (pale)")}${inferredShown ? item(lineSample(INFERRED_TIE, 2, 4, 1), "Inferred relationship (dotted, violet): they interacted, but no tie is declared") : ""}</ul></details>`;
}
