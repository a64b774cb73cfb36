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
// Inferred relationships (interactions, no declared tie): thin, dashed, violet-grey.
export const INFERRED_TIE = "#a08cc8";
export const INFERRED_DASH = 6; // screen pixels of dash, then as much gap
export const HIGHLIGHT = "#f0b429";

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

export function renderLegend(element, sizeLabel) {
  const item = (mark, text) => `<li>${mark}<span>${text}</span></li>`;
  const open = element.querySelector("details")?.open ?? true;
  element.innerHTML = `<details ${open ? "open" : ""}><summary>Legend</summary>
    <h2>Stance (colour)</h2><ul>${STANCES.map(({ label, colour }) => item(`<span class="swatch" style="background:${colour}"></span>`, label)).join("")}
      ${item(`<span class="swatch" style="background:${UNASSESSED}"></span>`, "Not assessed")}</ul>
    <h2>Kind (shape)</h2><ul>${KINDS.map(([value, , glyph]) => item(`<span class="shape" aria-hidden="true">${glyph}</span>`, KIND_LABEL[value] + (value === "official" ? ` (label ends with${OFFICIAL_MARK})` : ""))).join("")}</ul>
    <h2>Ally kind</h2><ul>${ALLY_KIND_MARKS.map(([value, mark, note]) => item(mark, `${ALLY_KIND_LABEL[value]} ally (${note})`)).join("")}</ul>
    <h2>Size</h2><ul>${item("", `Bigger: more ${sizeLabel}`)}</ul>
    <h2>Ties</h2><ul>${item('<span class="line-sample"></span>', "Wider: stronger relationship")}${item('<span class="line-sample ended"></span>', "Ended tie (pale)")}${item('<span class="line-sample inferred"></span>', "Inferred relationship (thin, dashed, violet): they interacted, but no tie is declared; the filters can hide these")}</ul></details>`;
}
