// The map's encodings, in one place so the legend explains exactly what is drawn.
export const STANCES = [
  ["active_ally", "Active ally", "#1a7f4e"],
  ["passive_ally", "Passive ally", "#7cc49a"],
  ["neutral", "Neutral", "#b9b9b9"],
  ["passive_opposition", "Passive opposition", "#f0a071"],
  ["active_opposition", "Active opposition", "#c0392b"],
];
export const UNASSESSED = "#6b7280";
export const STANCE_COLOUR = Object.fromEntries(STANCES.map(([value, , colour]) => [value, colour]));
export const STANCE_LABEL = Object.fromEntries(STANCES.map(([value, label]) => [value, label]));

// Node shape by kind of actor (sigma's signed-distance shapes).
export const KINDS = [
  ["organisation", "Organisation", "circle", "●"],
  ["group", "Group", "triangle", "▲"],
  ["person", "Person", "square", "■"],
  ["institution", "Institution", "diamond", "◆"],
  ["official", "Official", "diamond", "◆"],
];
export const KIND_SHAPE = Object.fromEntries(KINDS.map(([value, , shape]) => [value, shape]));
export const KIND_LABEL = Object.fromEntries(KINDS.map(([value, label]) => [value, label]));
// Officials and institutions share a shape; an official's label carries a mark.
export const OFFICIAL_MARK = " ⚑";

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
    <h2>Stance (colour)</h2><ul>${STANCES.map(([, label, colour]) => item(`<span class="swatch" style="background:${colour}"></span>`, label)).join("")}
      ${item(`<span class="swatch" style="background:${UNASSESSED}"></span>`, "Not assessed")}</ul>
    <h2>Kind (shape)</h2><ul>${KINDS.map(([value, label, , glyph]) => item(`<span class="shape" aria-hidden="true">${glyph}</span>`, label + (value === "official" ? ` (label ends with${OFFICIAL_MARK})` : ""))).join("")}</ul>
    <h2>Ally kind</h2><ul>${item('<span class="ring"></span>', "Strategic ally (dark ring)")}${item('<span class="swatch" style="background:#ccc"></span>', "Natural ally (no ring)")}</ul>
    <h2>Size</h2><ul>${item("", `Bigger: more ${sizeLabel}`)}</ul>
    <h2>Ties</h2><ul>${item('<span class="line-sample"></span>', "Wider: stronger relationship")}${item('<span class="line-sample ended"></span>', "Ended tie (pale)")}${item('<span class="line-sample inferred"></span>', "Inferred relationship (thin, dashed, violet): they interacted, but no tie is declared; the filters can hide these")}</ul></details>`;
}
