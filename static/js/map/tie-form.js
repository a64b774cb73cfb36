// A tie in the side panel: the form a drawn tie opens (kind, direction, strength, dates,
// description, sensitive) and, for a tie clicked on the map or chosen in an actor's panel, the
// same fields to edit, the other ties between the same two actors, the evidence (their
// interactions), the tie's history, and delete with undo. Writes go through the ties API with
// If-Match; a refusal is shown next to the field it names, a stale save names who changed what.
import { vocabulary } from "../shared/vocabulary.js";
import { wireHistory, historySection } from "./history.js";
import { closePanel } from "./panel.js";

const panel = () => document.getElementById("side-panel");
const FIELDS = ["kind", "direction", "strength", "started_on", "ended_on", "description", "is_sensitive"];

function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

const options = (pairs, chosen) =>
  pairs.map(([value, label]) => `<option value="${esc(value)}" ${String(value) === String(chosen) ? "selected" : ""}>${esc(label)}</option>`).join("");

function nameOf(graph, id) {
  return graph.hasNode(String(id)) ? graph.getNodeAttribute(String(id), "name") : `actor ${id}`;
}

function errorSlot(field) {
  return `<p class="error field-error" id="tie-error-${field}" role="alert" hidden></p>`;
}

// The fields of the form, filled from `tie` (a new tie: the defaults).
function fieldsHtml(tie) {
  const kinds = vocabulary.tie_kinds.map(({ value, label }) => [value, label]);
  const directions = vocabulary.directions.map(({ value, label }) => [value, label]);
  const strengths = [["", "not given"], ...[1, 2, 3, 4, 5].map((n) => [String(n), String(n)])];
  return `
    <p class="error" id="tie-error-form" role="alert" hidden></p>
    <label>Kind<select name="kind" aria-describedby="tie-error-kind">${options(kinds, tie.kind ?? "collaboration")}</select></label>${errorSlot("kind")}
    <label>Direction<select name="direction" aria-describedby="tie-error-direction">${options(directions, tie.direction ?? "undirected")}</select></label>${errorSlot("direction")}
    <label>Strength (1 weak, 5 strong)<select name="strength" aria-describedby="tie-error-strength">${options(strengths, tie.strength ?? "")}</select></label>${errorSlot("strength")}
    <div class="row"><label>Started<input type="date" name="started_on" value="${esc(tie.started_on)}" aria-describedby="tie-error-started_on"></label>
    <label>Ended<input type="date" name="ended_on" value="${esc(tie.ended_on)}" aria-describedby="tie-error-ended_on"></label></div>${errorSlot("started_on")}${errorSlot("ended_on")}
    <label>Description<textarea name="description" rows="3" aria-describedby="tie-error-description">${esc(tie.description)}</textarea></label>${errorSlot("description")}
    <label class="check"><input type="checkbox" name="is_sensitive" ${tie.is_sensitive ? "checked" : ""}> Sensitive (only organizers and stewards see it)</label>${errorSlot("is_sensitive")}`;
}

function readForm(form) {
  const e = form.elements;
  return {
    kind: e.kind.value,
    direction: e.direction.value,
    strength: e.strength.value === "" ? null : Number(e.strength.value),
    started_on: e.started_on.value || null,
    ended_on: e.ended_on.value || null,
    description: e.description.value,
    is_sensitive: e.is_sensitive.checked,
  };
}

// A 400 answer's messages next to the fields they name; the rest above the form.
function showErrors(form, result, context) {
  for (const slot of form.querySelectorAll(".error")) {
    slot.hidden = true;
    slot.textContent = "";
  }
  const data = result.data || {};
  let placed = false;
  for (const field of FIELDS) {
    if (!data[field]) continue;
    const slot = form.querySelector(`#tie-error-${field}`);
    slot.textContent = Array.isArray(data[field]) ? data[field].join(" ") : String(data[field]);
    slot.hidden = false;
    placed = true;
  }
  if (!placed) {
    const slot = form.querySelector("#tie-error-form");
    slot.textContent = `Not saved: ${context.describeError(result)}`;
    slot.hidden = false;
  }
}

// The form a drawn tie opens: nothing is saved until "Add the tie".
export function openTieForm(source, target, context) {
  const { graph } = context;
  const element = panel();
  element.innerHTML = `
    <button type="button" class="close" aria-label="Close the panel">×</button>
    <h2 id="panel-title" tabindex="-1">New tie</h2>
    <p class="meta">From <strong>${esc(nameOf(graph, source))}</strong> to <strong>${esc(nameOf(graph, target))}</strong></p>
    <form id="tie-form" novalidate>${fieldsHtml({})}
      <button type="submit">Add the tie</button> <button type="button" id="tie-cancel">Cancel</button>
    </form>`;
  element.dataset.tieDraft = `${source}-${target}`;
  delete element.dataset.actor;
  const form = element.querySelector("#tie-form");
  const cancel = () => {
    delete element.dataset.tieDraft;
    context.showActor(String(source));
  };
  element.querySelector(".close").addEventListener("click", cancel);
  element.querySelector("#tie-cancel").addEventListener("click", cancel);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const result = await context.api("ties/", {
      method: "POST",
      body: { source: Number(source), target: Number(target), ...readForm(form) },
    });
    if (!result.ok) return showErrors(form, result, context);
    delete element.dataset.tieDraft;
    context.clearAlert();
    await context.loadMap();
    await openTiePanel(result.data.id, context, { note: "Tie added." });
  });
  element.querySelector("#panel-title").focus?.();
}

async function loadTie(tieId, context) {
  const { api } = context;
  const tie = await api(`ties/${tieId}/`);
  if (!tie.ok) return { tie };
  const { source, target } = tie.data;
  const [between, interactions] = await Promise.all([
    api(`ties/?actor=${source}&page_size=200`),
    api(`interactions/?actor=${source}&page_size=200`),
  ]);
  const pair = new Set([String(source), String(target)]);
  const others = (between.ok ? between.data.results : []).filter(
    (t) => t.id !== tie.data.id && pair.has(String(t.source)) && pair.has(String(t.target)),
  );
  const evidence = (interactions.ok ? interactions.data.results : []).filter((i) =>
    (i.participants || []).map(String).includes(String(target)),
  );
  return { tie, others, evidence };
}

// A tie's panel: its fields (editable for editors), the other ties between the two actors,
// its evidence and its history.
export async function openTiePanel(tieId, context, { note = "", keepAlert = false } = {}) {
  const { graph, config } = context;
  if (!keepAlert) context.clearAlert();
  const details = await loadTie(tieId, context);
  const element = panel();
  if (!details.tie.ok) {
    closePanel();
    context.showAlert("This tie is no longer on the map.");
    return;
  }
  const tie = details.tie.data;
  const edit = config.canEdit;
  const kindLabel = Object.fromEntries(vocabulary.tie_kinds.map(({ value, label }) => [value, label]));
  const others = details.others
    .map((t) => `<li><button type="button" class="link open-tie" data-tie="${t.id}">${esc(kindLabel[t.kind] || t.kind)} · strength ${t.strength ?? "not given"}${t.ended_on ? ` (ended ${esc(t.ended_on)})` : ""}</button></li>`)
    .join("");
  // The interaction pages (server-rendered, networks/interactions/), back to the map after.
  const coalition = window.location.pathname.replace(/map\/.*$/, "");
  const back = encodeURIComponent(window.location.pathname + window.location.search);
  const evidence = details.evidence
    .map((i) => `<li>${esc(i.occurred_on)}: ${esc(i.kind.replaceAll("_", " "))}${i.summary ? ` · ${esc(i.summary)}` : ""}${i.follow_up ? ` · next: ${esc(i.follow_up)}${i.follow_up_on ? ` by ${esc(i.follow_up_on)}` : ""}` : ""}${edit ? ` <a href="${esc(coalition)}interactions/${i.id}/?next=${back}">Edit</a>` : ""}</li>`)
    .join("");
  const logLink = edit
    ? `<p><a id="tie-log-interaction" href="${esc(coalition)}interactions/new/?actor=${tie.source}&with=${tie.target}&next=${back}">Log an interaction between them</a> ·
       <a id="tie-pair-interactions" href="${esc(coalition)}actors/${tie.source}/interactions/with/${tie.target}/">All their interactions, with follow-ups</a></p>`
    : "";
  const summary = `${esc(kindLabel[tie.kind] || tie.kind)} · ${esc(tie.direction)} · strength ${tie.strength ?? "not given"}${tie.started_on ? ` · since ${esc(tie.started_on)}` : ""}${tie.ended_on ? ` · ended ${esc(tie.ended_on)}` : ""}${tie.is_sensitive ? " · sensitive" : ""}`;
  element.innerHTML = `
    <button type="button" class="close" aria-label="Close the panel">×</button>
    <h2 id="panel-title" tabindex="-1">Tie: ${esc(nameOf(graph, tie.source))} – ${esc(nameOf(graph, tie.target))}</h2>
    ${note ? `<p class="meta" role="status" id="tie-note">${esc(note)}</p>` : ""}
    <p class="meta" id="tie-summary">${summary}</p>
    ${tie.description && !edit ? `<p>${esc(tie.description)}</p>` : ""}
    <p><button type="button" class="link" id="tie-source">${esc(nameOf(graph, tie.source))}</button> · <button type="button" class="link" id="tie-target">${esc(nameOf(graph, tie.target))}</button></p>
    ${edit ? `<form id="tie-form" novalidate>${fieldsHtml(tie)}<button type="submit">Save the tie</button></form>` : ""}
    <h3>Other ties between them</h3>${others ? `<ul id="tie-others">${others}</ul>` : "<p class='empty'>No other tie between them.</p>"}
    <h3>Evidence</h3><p class="meta">Interactions both took part in: the relationship strength is computed from them at the next metric run.</p>
    ${evidence ? `<ul id="tie-evidence">${evidence}</ul>` : "<p class='empty'>No interaction of the two recorded.</p>"}
    ${logLink}
    ${historySection("tie", tie.id)}
    ${edit ? `<h3>Remove</h3><button type="button" class="danger" id="delete-tie">Delete this tie</button>` : ""}`;
  element.dataset.tie = String(tie.id);
  wireHistory(element, context, async (message) => {
    await context.loadMap();
    await openTiePanel(tie.id, context, { note: message });
  });
  delete element.dataset.actor;
  element.querySelector(".close").addEventListener("click", () => {
    closePanel();
    context.select(null);
  });
  element.querySelector("#tie-source").addEventListener("click", () => context.showActor(String(tie.source)));
  element.querySelector("#tie-target").addEventListener("click", () => context.showActor(String(tie.target)));
  for (const button of element.querySelectorAll(".open-tie")) {
    button.addEventListener("click", () => openTiePanel(button.dataset.tie, context));
  }
  const form = element.querySelector("#tie-form");
  form?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const result = await context.api(`ties/${tie.id}/`, { method: "PATCH", body: readForm(form), version: tie.version });
    if (result.status === 412) {
      context.showAlert(context.describeConflict(result, "this tie"));
      await context.loadMap();
      return openTiePanel(tie.id, context, { keepAlert: true });
    }
    if (!result.ok) return showErrors(form, result, context);
    await context.loadMap();
    await openTiePanel(tie.id, context, { note: "Tie saved." });
  });
  element.querySelector("#delete-tie")?.addEventListener("click", async () => {
    const who = `${nameOf(graph, tie.source)} – ${nameOf(graph, tie.target)}`;
    if (!window.confirm(`Delete the tie ${who}? You can undo this right after.`)) return;
    const result = await context.api(`ties/${tie.id}/`, { method: "DELETE", version: tie.version });
    if (result.status === 412) {
      context.showAlert(context.describeConflict(result, "this tie"));
      return openTiePanel(tie.id, context, { keepAlert: true });
    }
    if (!result.ok) {
      context.showAlert(`Not deleted: ${context.describeError(result)}`);
      return;
    }
    context.clearAlert();
    await context.loadMap();
    await context.showActor(String(tie.source));
    offerUndo(tie, who, context);
  });
  element.querySelector("#panel-title").focus?.();
}

function offerUndo(tie, who, context) {
  const stage = document.querySelector(".map-stage");
  stage.querySelector(".toast")?.remove();
  const toast = document.createElement("div");
  toast.className = "toast";
  toast.setAttribute("role", "status");
  toast.innerHTML = `Deleted the tie ${esc(who)}. <button type="button">Undo</button>`;
  stage.append(toast);
  toast.querySelector("button").addEventListener("click", async () => {
    const history = await context.api(`ties/${tie.id}/history/`);
    const deletion = history.ok ? history.data.find((entry) => entry.change === "deleted") : null;
    toast.remove();
    if (!deletion) {
      context.showAlert("The deletion could not be undone: its history was not found.");
      return;
    }
    const restored = await context.api(`ties/${tie.id}/history/${deletion.history_id}/restore/`, { method: "POST" });
    if (!restored.ok) {
      context.showAlert(`The deletion could not be undone: ${context.describeError(restored)}`);
      return;
    }
    await context.loadMap();
    await openTiePanel(tie.id, context, { note: "Tie restored." });
  });
  setTimeout(() => toast.remove(), 15000);
}
