// The pipeline board: move a member between phases by drag and drop or by the buttons on
// its card (keyboard). Each move is a PATCH of the membership through the API with the
// version the card was drawn with (If-Match), so a move made meanwhile by someone else is
// reported instead of overwritten; the server records the move (who, when).
import { describeConflict, describeError, makeApi } from "../shared/api.js";
import { labels as labelsOf, vocabulary } from "../shared/vocabulary.js";

const board = document.getElementById("pipeline");
const status = document.getElementById("pipeline-status");
const api = makeApi("", board.dataset.csrf);
// The board's columns, in order: a member's phases (prospect, then the coalition's phases).
const phases = vocabulary.member_phases.map(({ value }) => value);
const labels = labelsOf(vocabulary.member_phases);

function announce(message, isError = false) {
  status.textContent = message;
  status.classList.toggle("error", isError);
}

function column(phase) {
  return board.querySelector(`.column[data-phase="${phase}"] ol`);
}

function refreshCounts() {
  const total = board.querySelectorAll(".member-card").length;
  for (const phase of phases) {
    const count = column(phase).children.length;
    for (const el of document.querySelectorAll(`[data-count="${phase}"]`)) el.textContent = count;
    for (const el of document.querySelectorAll(`[data-share="${phase}"]`)) {
      el.textContent = total ? Math.round((100 * count) / total) : 0;
    }
  }
}

function drawButtons(card) {
  const moves = card.querySelector(".moves");
  moves.replaceChildren();
  const at = phases.indexOf(card.dataset.phase);
  const name = card.querySelector("h3").textContent;
  for (const [step, arrow] of [[-1, "←"], [1, "→"]]) {
    const target = phases[at + step];
    if (!target) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = step < 0 ? `${arrow} ${labels[target]}` : `${labels[target]} ${arrow}`;
    button.setAttribute("aria-label", `Move ${name} to ${labels[target]}`);
    button.addEventListener("click", () => move(card, target, button));
    moves.append(button);
  }
}

async function move(card, phase, focusAfter) {
  if (phase === card.dataset.phase) return;
  const name = card.querySelector("h3").textContent;
  const result = await api(`${board.dataset.api}${card.dataset.id}/`, {
    method: "PATCH",
    body: { phase },
    version: card.dataset.version,
  });
  if (result.status === 412) {
    announce(describeConflict(result, name, { outcome: "Your move was not saved; reload the page to see it." }), true);
    return;
  }
  if (!result.ok) {
    announce(`${name} could not be moved: ${describeError(result) || `the server answered ${result.status}`}`, true);
    return;
  }
  const body = result.data;
  card.dataset.version = body.version;
  card.dataset.phase = body.phase;
  card.setAttribute("aria-label", `${name}, ${labels[body.phase]}`);
  column(body.phase).append(card);
  drawButtons(card);
  refreshCounts();
  announce(`${name} moved to ${labels[body.phase]}.`);
  if (focusAfter) card.focus();
}

for (const card of board.querySelectorAll(".member-card")) {
  drawButtons(card);
  card.addEventListener("dragstart", (event) => {
    event.dataTransfer.setData("text/plain", card.dataset.id);
    event.dataTransfer.effectAllowed = "move";
  });
}

for (const section of board.querySelectorAll(".column")) {
  section.addEventListener("dragover", (event) => {
    event.preventDefault();
    section.classList.add("drop-target");
  });
  section.addEventListener("dragleave", () => section.classList.remove("drop-target"));
  section.addEventListener("drop", (event) => {
    event.preventDefault();
    section.classList.remove("drop-target");
    const card = board.querySelector(`.member-card[data-id="${event.dataTransfer.getData("text/plain")}"]`);
    if (card) move(card, section.dataset.phase);
  });
}
