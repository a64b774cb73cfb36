// The side panel of the selected actor: where they stand and how that changed, their ties,
// interactions, metrics and engagement plan; who can reach them; and, for editors, the edits.
import { recordRequests, recordsHtml } from "./actor-records.js";
import { historySection, historyUrl, wireHistory } from "./history.js";
import { labels, vocabulary } from "../shared/vocabulary.js";
import { ALLY_KINDS, KIND_LABEL, STANCES, STANCE_LABEL } from "./style.js";

const PHASE_LABEL = labels(vocabulary.member_phases);

const panel = document.getElementById("side-panel");
const EMPTY = panel.innerHTML;

export function closePanel() {
  panel.innerHTML = EMPTY;
  delete panel.dataset.actor;
}

function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

const today = () => new Date().toISOString().slice(0, 10);
const options = (pairs, chosen) =>
  pairs.map(([value, label]) => `<option value="${esc(value)}" ${value === chosen ? "selected" : ""}>${esc(label)}</option>`).join("");
const scores = (chosen) => options([1, 2, 3, 4, 5].map((n) => [String(n), String(n)]), String(chosen ?? 3));

async function loadDetails(node, { api, config }) {
  const requests = {
    actor: api(`actors/${node}/`),
    assessments: api(`assessments/?actor=${node}&ordering=-assessed_on&page_size=50`),
    ties: api(`ties/?actor=${node}&page_size=200`),
    interactions: api(`interactions/?actor=${node}&page_size=20`),
    ...recordRequests(node, api),
    support: api(`targets/support/?actor=${node}`),
  };
  if (config.seesPlans) requests.plans = api(`engagement-plans/?actor=${node}`);
  // The roles that edit the map run the pipeline too (coalitions/roles.py): its membership.
  if (config.canEdit) requests.memberships = api(`memberships/?organisation=${node}`);
  // The metrics endpoint answers 404 until a metric run has finished: ask only then.
  if (config.hasMetrics) requests.metrics = api(`metric-runs/latest/actors/?actor=${node}`);
  const entries = await Promise.all(Object.entries(requests).map(async ([key, p]) => [key, await p]));
  return Object.fromEntries(entries);
}

// Fields an imported file brought (Kumu's Image and extra columns, Gephi's attributes).
function fieldsHtml(fields, id) {
  const entries = Object.entries(fields || {}).filter(([, value]) => value !== "" && value !== null);
  if (!entries.length) return "";
  const shown = (value) => {
    const text = String(value);
    return /^https?:\/\//.test(text) ? `<a href="${esc(text)}" rel="noopener noreferrer">${esc(text)}</a>` : esc(text);
  };
  return `<dl class="fields"${id ? ` id="${id}"` : ""}>${entries.map(([name, value]) => `<dt>${esc(name)}</dt><dd>${shown(value)}</dd>`).join("")}</dl>`;
}

function nameOf(graph, id) {
  return graph.hasNode(String(id)) ? graph.getNodeAttribute(String(id), "name") : `actor ${id}`;
}

function metricsHtml(details) {
  const result = details.metrics;
  if (!result || result.status === 404) return "<p class='empty'>No metrics computed yet.</p>";
  if (!result.ok) return "<p class='empty'>Metrics could not be loaded.</p>";
  const row = (result.data.results || [])[0];
  if (!row) return "<p class='empty'>No metrics computed yet.</p>";
  const fixed = (n) => (typeof n === "number" ? n.toFixed(3) : "—");
  return `<dl class="metrics">
    <dt>Ties (degree)</dt><dd>${esc(row.degree)}</dd>
    <dt>Betweenness</dt><dd>${fixed(row.betweenness)}</dd>
    <dt>PageRank</dt><dd>${fixed(row.pagerank)}</dd>
    <dt>Community</dt><dd>${esc(row.community)}</dd>
    <dt>Role in the network</dt><dd>${row.is_broker ? "Broker" : row.is_peripheral ? "Peripheral" : "—"}</dd></dl>`;
}

function currentPlan(details) {
  return details.plans && details.plans.ok ? (details.plans.data.results || [])[0] || null : null;
}

// The plan's history page; a restore there comes back to the map.
function planHistoryLink(plan) {
  if (!plan) return "";
  const back = encodeURIComponent(window.location.pathname + window.location.search);
  return `<p><a id="plan-history" href="${esc(historyUrl("plan", plan.id))}?next=${back}">History of the plan</a></p>`;
}

function planHtml(details, graph, edit) {
  if (!details.plans) return "";
  const plan = currentPlan(details);
  if (edit) {
    // Editable in place: a new plan is created on the first save, an existing one changed
    // with its version (If-Match), so a stale edit is refused with who changed what.
    const messenger = plan?.messenger ? nameOf(graph, plan.messenger) : "";
    return `<h3>Engagement plan</h3>${plan?.is_overdue ? "<p class='overdue'><strong>The next step is overdue.</strong></p>" : ""}
      <form id="plan" class="plan-form">
        <label>The ask<textarea name="ask" rows="2">${esc(plan?.ask)}</textarea></label>
        <label>The frame that speaks to them<textarea name="frame" rows="2">${esc(plan?.frame)}</textarea></label>
        <label>Messenger<input type="text" name="messenger" list="actor-names" value="${esc(messenger)}" placeholder="An actor on the map"></label>
        <label>Owner (username)<input type="text" name="owner" value="${esc(plan?.owner)}"></label>
        <label>Next step<input type="text" name="next_step" maxlength="300" value="${esc(plan?.next_step)}"></label>
        <label>By<input type="date" name="next_step_on" value="${esc(plan?.next_step_on)}"></label>
        <button type="submit">${plan ? "Save the plan" : "Create the plan"}</button>
      </form>${planHistoryLink(plan)}`;
  }
  if (!plan) return "<h3>Engagement plan</h3><p class='empty'>No engagement plan yet.</p>";
  return `<h3>Engagement plan</h3><dl class="plan">
    <dt>The ask</dt><dd>${esc(plan.ask) || "—"}</dd>
    <dt>The frame</dt><dd>${esc(plan.frame) || "—"}</dd>
    <dt>Messenger</dt><dd>${plan.messenger ? esc(nameOf(graph, plan.messenger)) : "—"}</dd>
    <dt>Owner</dt><dd>${esc(plan.owner) || "—"}</dd>
    <dt>Next step</dt><dd>${esc(plan.next_step) || "—"}${plan.next_step_on ? ` by ${esc(plan.next_step_on)}` : ""}${plan.is_overdue ? " <strong>(overdue)</strong>" : ""}</dd></dl>${planHistoryLink(plan)}`;
}

// The interaction pages (server-rendered, networks/interactions/): log one with this actor,
// or see and edit all of theirs; both come back to the map.
function interactionLinks(node) {
  const coalition = window.location.pathname.replace(/map\/.*$/, "");
  const back = encodeURIComponent(window.location.pathname + window.location.search);
  return `<p id="interaction-links"><a href="${esc(coalition)}interactions/new/?actor=${esc(node)}&next=${back}">Log an interaction</a> ·
    <a href="${esc(coalition)}actors/${esc(node)}/interactions/">All their interactions</a></p>`;
}

// The interactions this actor and another both took part in (networks/interactions/).
function pairLink(node, other, graph) {
  const coalition = window.location.pathname.replace(/map\/.*$/, "");
  return ` <a class="pair-interactions" href="${esc(coalition)}actors/${esc(node)}/interactions/with/${esc(other)}/">Interactions with ${esc(nameOf(graph, other))}</a>`;
}

// The coalition's pipeline (coalitions/connect/): an organisation that is not on it is added
// as a prospect from here; one that is links to its page there (designee, commitments…).
function pipelineHtml(actor, details, edit) {
  if (!edit || actor.kind === "person" || !details.memberships?.ok) return "";
  const membership = (details.memberships.data.results || [])[0];
  const coalition = window.location.pathname.replace(/map\/.*$/, "");
  if (membership) {
    return `<h3>Pipeline</h3><p id="pipeline-membership">${esc(PHASE_LABEL[membership.phase] || membership.phase)}
      · <a href="${esc(coalition)}pipeline/members/${esc(membership.id)}/">Its designee, commitments and notes</a></p>`;
  }
  return `<h3>Pipeline</h3><p class="meta">Not on the coalition's pipeline.</p>
    <button type="button" id="add-to-pipeline">Add ${esc(actor.name)} to the pipeline as a prospect</button>`;
}

// The actor's details page (server-rendered, allies/edit/): for the roles that edit the map,
// and for a member on its own organisation.
function editLink(node, edit) {
  const own = document.getElementById("map-app").dataset.ownOrganisation;
  if (!edit && own !== String(node)) return "";
  const coalition = window.location.pathname.replace(/map\/.*$/, "");
  return `<p><a id="edit-actor" href="${esc(coalition)}actors/${esc(node)}/edit/">Edit the details (kind, description, tags${edit ? ", sensitive" : ""}, directly affected)</a></p>`;
}

// Pillars of support (coalitions/align): for a target, the institutions and groups that hold
// it up; for any actor, how close it stands to each pillar. Edited on the target's page.
const SECTOR_LABEL = labels(vocabulary.pillar_sectors);

function supportHtml(details, graph) {
  const support = details.support && details.support.ok ? details.support.data : null;
  if (!support) return "";
  const coalition = window.location.pathname.replace(/map\/.*$/, "");
  const page = (id) => `${esc(coalition)}targets/${esc(id)}/`;
  const targets = support.targets
    .map((t) => {
      const pillars = t.pillars
        .map((p) => {
          const name = p.actor !== null && graph.hasNode(String(p.actor)) ? nameOf(graph, p.actor) : p.name;
          return `<li data-pillar="${p.id}">${esc(name)} <span class="meta">${esc(SECTOR_LABEL[p.sector] || p.sector)}</span></li>`;
        })
        .join("");
      return `<div class="target-support" data-target="${t.id}">
        <p><strong>A target${t.is_primary ? " (primary)" : ""}</strong>${t.demand ? `: ${esc(t.demand)}` : ""}</p>
        ${pillars ? `<ul class="pillars-list">${pillars}</ul>` : "<p class='empty'>No pillars of support recorded yet.</p>"}
        <p><a class="target-page" href="${page(t.id)}">Pillars of support and proximities</a></p></div>`;
    })
    .join("");
  const near = support.proximities
    .map((p) => `<li data-proximity="${p.id}">${esc(p.pillar_name)} <span class="meta">(holds up ${esc(p.target_name)})</span>: proximity <strong>${esc(p.proximity)}</strong> of 5 · <a href="${page(p.target)}">target page</a></li>`)
    .join("");
  if (!targets && !near) return "";
  return `<section id="pillars-of-support"><h3>Pillars of support</h3>${targets}
    ${near ? `<p class="meta">How close they stand to the pillars that hold up a target:</p><ul id="proximities-list">${near}</ul>` : ""}</section>`;
}

function standing(current, onMap, asOf) {
  const now = current ? `${STANCE_LABEL[current.stance]}, ${current.ally_kind} ally` : "not assessed yet";
  if (!asOf) return esc(now);
  // The map shows a past date: where they stood then, and where they stand now.
  const then = onMap.stance ? `${STANCE_LABEL[onMap.stance]}, ${onMap.ally_kind} ally` : "not assessed";
  return `on ${esc(asOf)}: ${esc(then)} (now: ${esc(now)})`;
}

function render(node, details, context, records = "") {
  const { graph, config } = context;
  const actor = details.actor.data;
  const current = actor.current_assessment;
  const assessments = details.assessments.ok ? details.assessments.data.results : [];
  const ties = details.ties.ok ? details.ties.data.results : [];
  const interactions = details.interactions.ok ? details.interactions.data.results : [];
  const edit = config.canEdit;
  const tieItems = ties
    .map((tie) => {
      const other = String(tie.source) === node ? tie.target : tie.source;
      const ended = tie.ended_on ? ` (ended ${esc(tie.ended_on)})` : "";
      const control = edit
        ? `<form class="tie-strength row" data-tie="${tie.id}" data-version="${tie.version}">
             <label>Strength with ${esc(nameOf(graph, other))}<select name="strength">${options([["", "—"], ...[1, 2, 3, 4, 5].map((n) => [String(n), String(n)])], tie.strength === null ? "" : String(tie.strength))}</select></label>
             <button type="submit">Save</button></form>`
        : "";
      const kind = tie.type_label ? `${esc(tie.type_label)} (${esc(tie.kind)})` : esc(tie.kind);
      const weight = tie.declared_weight !== null && tie.declared_weight !== undefined ? ` · weight ${esc(tie.declared_weight)}` : "";
      const open = `<button type="button" class="link open-tie" data-tie="${tie.id}" aria-label="Open the tie with ${esc(nameOf(graph, other))}">${edit ? "Edit" : "Open"}</button>`;
      return `<li><span>${esc(nameOf(graph, other))} · ${kind} · strength ${tie.strength ?? "not given"}${weight}${ended}</span> ${open}${edit ? pairLink(node, other, graph) : ""}${fieldsHtml(tie.custom_fields)}${control}</li>`;
    })
    .join("");
  // Inferred relationships are on the map already (the map endpoint computes them).
  const inferredItems = graph
    .edges(node)
    .map((edge) => graph.getEdgeAttributes(edge))
    .filter((a) => a.inferred)
    .map((a) => {
      const other = String(a.source) === node ? a.target : a.source;
      const declare = edit ? ` <button type="button" class="declare-tie" data-other="${esc(other)}">Declare this tie</button>` : "";
      return `<li><span>${esc(nameOf(graph, other))} · ${a.interaction_count} interaction${a.interaction_count === 1 ? "" : "s"} · strength ${Number(a.relationship_strength).toFixed(2)} of 1</span>${declare}</li>`;
    })
    .join("");
  const history = assessments
    .map((a) => `<li>${esc(a.assessed_on)}: ${esc(STANCE_LABEL[a.stance])}, ${esc(a.ally_kind)}, influence ${a.influence}${a.assessed_by ? ` (by ${esc(a.assessed_by)})` : ""}</li>`)
    .join("");
  const meetings = interactions
    .map((i) => `<li>${esc(i.occurred_on)}: ${esc(i.kind.replaceAll("_", " "))}${i.summary ? ` · ${esc(i.summary)}` : ""}${i.follow_up ? ` · next: ${esc(i.follow_up)}${i.follow_up_on ? ` by ${esc(i.follow_up_on)}` : ""}` : ""}</li>`)
    .join("");
  panel.innerHTML = `
    <button type="button" class="close" aria-label="Close the panel">×</button>
    <h2 id="panel-title">${esc(actor.name)}</h2>
    <p class="meta">${esc(KIND_LABEL[actor.kind])}${actor.type_label ? ` (${esc(actor.type_label)})` : ""}${actor.is_sensitive ? " · sensitive" : ""} ·
      ${standing(current, graph.getNodeAttributes(node), context.asOf())}</p>
    ${actor.description ? `<p>${esc(actor.description)}</p>` : ""}
    ${fieldsHtml(actor.custom_fields, "actor-fields")}
    ${editLink(node, edit)}
    ${records}
    ${edit ? `<form id="rename" class="row"><label>Name<input type="text" name="name" value="${esc(actor.name)}" maxlength="200" required></label><button type="submit">Rename</button></form>` : ""}
    ${edit ? `<h3>Change the assessment</h3>
      <form id="assess">
        <div class="row"><label>Stance<select name="stance">${options(STANCES.map(({ value, label }) => [value, label]), current?.stance ?? "neutral")}</select></label>
        <label>Ally kind<select name="ally_kind">${options(ALLY_KINDS.map(({ value, label }) => [value, label]), current?.ally_kind ?? "natural")}</select></label></div>
        <div class="row"><label>Influence<select name="influence">${scores(current?.influence)}</select></label>
        <label>Proximity<select name="proximity">${scores(current?.proximity)}</select></label>
        <label>Commitment<select name="commitment">${scores(current?.commitment)}</select></label></div>
        <button type="submit">Save assessment</button></form>` : ""}
    ${supportHtml(details, graph)}
    <h3>Assessment history</h3>${history ? `<ul id="assessment-history">${history}</ul>` : "<p class='empty'>Never assessed.</p>"}
    <h3>Ties</h3>${tieItems ? `<ul id="ties-list">${tieItems}</ul>` : "<p class='empty'>No ties yet.</p>"}
    ${edit ? `<form id="add-tie"><div class="row"><label>Draw a tie to<input type="text" name="target" list="actor-names" required></label>
        <label>Strength<select name="strength">${options([["", "—"], ...[1, 2, 3, 4, 5].map((n) => [String(n), String(n)])], "")}</select></label></div>
        <button type="submit">Add tie</button> <button type="button" id="pick-target">Pick the other end on the map</button></form>` : ""}
    ${inferredItems ? `<h3>Inferred relationships</h3><p class="meta">They interacted, but no tie is declared.</p><ul id="inferred-list">${inferredItems}</ul>` : ""}
    <h3>Interactions</h3>${meetings ? `<ul>${meetings}</ul>` : "<p class='empty'>No interactions recorded.</p>"}
    ${edit ? interactionLinks(node) : ""}
    <h3>Metrics</h3>${metricsHtml(details)}
    ${planHtml(details, graph, edit)}
    ${pipelineHtml(actor, details, edit)}
    <h3>Who can reach them</h3>
    <button type="button" id="find-paths">Show the strongest paths from our members</button>
    <ol id="paths-list"></ol>
    ${historySection("actor", node)}
    ${edit ? `<h3>Remove</h3><button type="button" class="danger" id="delete-actor">Delete ${esc(actor.name)}</button>` : ""}`;
  panel.dataset.actor = node;
  panel.dataset.version = String(actor.version);
}

async function conflictOrError(result, what, node, context) {
  if (result.status === 412) context.showAlert(context.describeConflict(result, what));
  else context.showAlert(`Not saved: ${context.describeError(result)}`);
  await openPanel(node, context, { keepAlert: true });
}

function wire(node, details, context) {
  const { api, graph, loadMap, clearAlert } = context;
  const actor = details.actor.data;
  panel.querySelector(".close").addEventListener("click", () => {
    closePanel();
    context.setHighlight([], []);
    context.select(null);
  });
  wireHistory(panel, context, async (message) => {
    await loadMap();
    await openPanel(node, context);
    panel.querySelector("#panel-title")?.insertAdjacentHTML("afterend", `<p class="meta" role="status" id="history-restored">${esc(message)}</p>`);
  });
  panel.querySelector("#rename")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const result = await api(`actors/${node}/`, {
      method: "PATCH",
      body: { name: event.target.elements.name.value },
      version: actor.version,
    });
    if (!result.ok) return conflictOrError(result, actor.name, node, context);
    clearAlert();
    await loadMap();
    await openPanel(node, context);
  });
  panel.querySelector("#assess")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target.elements;
    const result = await api("assessments/", {
      method: "POST",
      body: {
        actor: Number(node),
        stance: form.stance.value,
        ally_kind: form.ally_kind.value,
        influence: Number(form.influence.value),
        proximity: Number(form.proximity.value),
        commitment: Number(form.commitment.value),
        assessed_on: today(),
      },
    });
    if (!result.ok) return conflictOrError(result, actor.name, node, context);
    clearAlert();
    await loadMap();
    await openPanel(node, context);
  });
  for (const form of panel.querySelectorAll(".tie-strength")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const value = form.elements.strength.value;
      const result = await api(`ties/${form.dataset.tie}/`, {
        method: "PATCH",
        body: { strength: value === "" ? null : Number(value) },
        version: form.dataset.version,
      });
      if (!result.ok) return conflictOrError(result, "this tie", node, context);
      clearAlert();
      await loadMap();
      await openPanel(node, context);
    });
  }
  for (const button of panel.querySelectorAll(".open-tie")) {
    button.addEventListener("click", () => context.openTiePanel(button.dataset.tie));
  }
  panel.querySelector("#add-tie")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target.elements;
    const target = context.findActor(form.target.value);
    if (!target) {
      context.showAlert(`No actor called “${form.target.value}” on this map.`);
      return;
    }
    const strength = form.strength.value === "" ? null : Number(form.strength.value);
    if (await context.createTie(node, target, { strength })) await openPanel(node, context);
  });
  panel.querySelector("#plan")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target.elements;
    const plan = currentPlan(details);
    let messenger = null;
    if (form.messenger.value.trim()) {
      messenger = context.findActor(form.messenger.value);
      if (!messenger) {
        context.showAlert(`Not saved: messenger: no actor called “${form.messenger.value}” on this map.`);
        return;
      }
    }
    const body = {
      ask: form.ask.value,
      frame: form.frame.value,
      messenger: messenger === null ? null : Number(messenger),
      owner: form.owner.value.trim() || null,
      next_step: form.next_step.value,
      next_step_on: form.next_step_on.value || null,
    };
    const result = plan
      ? await api(`engagement-plans/${plan.id}/`, { method: "PATCH", body, version: plan.version })
      : await api("engagement-plans/", { method: "POST", body: { actor: Number(node), ...body } });
    if (!result.ok) return conflictOrError(result, `the engagement plan for ${actor.name}`, node, context);
    clearAlert();
    await openPanel(node, context);
    panel.querySelector("#plan")?.insertAdjacentHTML("beforebegin", "<p class='meta' id='plan-saved' role='status'>Plan saved.</p>");
  });
  for (const button of panel.querySelectorAll(".declare-tie")) {
    button.addEventListener("click", async () => {
      if (await context.createTie(node, button.dataset.other)) await openPanel(node, context);
    });
  }
  panel.querySelector("#add-to-pipeline")?.addEventListener("click", async () => {
    const result = await api("memberships/", { method: "POST", body: { organisation: Number(node) } });
    if (!result.ok) {
      context.showAlert(`${actor.name} was not added to the pipeline: ${context.describeError(result)}`);
      return;
    }
    clearAlert();
    await openPanel(node, context);
    panel.querySelector("#pipeline-membership")?.insertAdjacentHTML(
      "beforebegin",
      `<p class='meta' id='pipeline-added' role='status'>${esc(actor.name)} is on the pipeline as a prospect.</p>`,
    );
  });
  panel.querySelector("#pick-target")?.addEventListener("click", () => context.startConnect(node));
  panel.querySelector("#find-paths").addEventListener("click", async () => {
    const result = await api(`paths/?to=${node}`);
    const list = panel.querySelector("#paths-list");
    if (!result.ok) {
      list.innerHTML = `<li>${esc(context.describeError(result))}</li>`;
      return;
    }
    const paths = result.data.paths;
    if (!paths.length) {
      list.innerHTML = "<li>No member of the coalition is connected to them yet.</li>";
      context.setHighlight([], []);
      return;
    }
    // Each path explained: every hand-over with its tie's kind and strength; neutrals on the
    // way are marked (the ask relies on someone who has not taken a side).
    const step = (s) => `${esc(s.kind)}, ${s.strength ?? "3 (not given)"} of 5`;
    list.innerHTML = paths
      .map((p) => {
        const neutral = new Set(p.neutrals.map(String));
        const names = p.actors.map((a) => `${esc(nameOf(graph, a))}${neutral.has(String(a)) ? " <span class='neutral-mark'>(neutral)</span>" : ""}`);
        const chain = names.map((name, i) => (i < p.steps.length ? `${name} <span class="meta">—${step(p.steps[i])}→</span>` : name)).join(" ");
        return `<li>${chain} <span class="meta">(path strength ${p.strength.toFixed(2)}: the product of each step's strength out of 5)</span>${p.neutrals.length ? " <strong>Through a neutral.</strong>" : ""}</li>`;
      })
      .join("");
    list.insertAdjacentHTML("afterend", "<p class='meta' id='paths-note'>Never through an opponent nor along a conflict tie.</p>");
    // The strongest path stands out on the map.
    const best = paths[0];
    context.setHighlight(best.actors.map(String), best.ties.map(String).filter((t) => graph.hasEdge(t)));
  });
  panel.querySelector("#delete-actor")?.addEventListener("click", async () => {
    if (!window.confirm(`Delete ${actor.name} and their ties? You can undo this right after.`)) return;
    const result = await api(`actors/${node}/`, { method: "DELETE", version: actor.version });
    if (!result.ok) return conflictOrError(result, actor.name, node, context);
    closePanel();
    clearAlert();
    await loadMap();
    offerUndo(node, actor.name, context);
  });
}

function offerUndo(node, name, context) {
  const stage = document.querySelector(".map-stage");
  stage.querySelector(".toast")?.remove();
  const toast = document.createElement("div");
  toast.className = "toast";
  toast.setAttribute("role", "status");
  toast.innerHTML = `Deleted ${esc(name)}. <button type="button">Undo</button>`;
  stage.append(toast);
  toast.querySelector("button").addEventListener("click", async () => {
    const history = await context.api(`actors/${node}/history/`);
    const deletion = history.ok ? history.data.find((entry) => entry.change === "deleted") : null;
    if (!deletion) {
      context.showAlert("The deletion could not be undone: its history was not found.");
      return;
    }
    const restored = await context.api(`actors/${node}/history/${deletion.history_id}/restore/`, { method: "POST" });
    toast.remove();
    if (!restored.ok) {
      context.showAlert(`The deletion could not be undone: ${context.describeError(restored)}`);
      return;
    }
    await context.loadMap();
    await openPanel(node, context);
  });
  setTimeout(() => toast.remove(), 15000);
}

export async function openPanel(node, context, { keepAlert = false } = {}) {
  if (!keepAlert) context.clearAlert();
  const details = await loadDetails(node, context);
  if (!details.actor.ok) {
    closePanel();
    context.showAlert("This actor is no longer on the map.");
    return;
  }
  const own = document.getElementById("map-app").dataset.ownOrganisation === String(node);
  const records = await recordsHtml(details.actor.data, details, context.graph, {
    api: context.api,
    editable: context.config.canEdit || own,
  });
  render(node, details, context, records);
  wire(node, details, context);
  context.setSupport?.(node, details.support && details.support.ok ? details.support.data : null);
  panel.querySelector("#panel-title").focus?.();
}
