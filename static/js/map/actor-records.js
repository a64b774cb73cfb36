// An actor's records in the side panel (#17, item 2): contact details (present only for the
// roles the API gives them to: the others see no section, not even a count), skill levels
// (people) and affiliations. Read here; edited on the actor's page (allies/edit/), where each
// section has its own form. Kept apart from panel.js so the panel's other sections change
// without touching these.

function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function nameOf(graph, id) {
  return graph.hasNode(String(id)) ? graph.getNodeAttribute(String(id), "name") : `actor ${id}`;
}

const results = (answer) => (answer && answer.ok ? answer.data.results || [] : []);

// The requests the panel adds to its own (run alongside them).
export function recordRequests(node, api) {
  return {
    skillLevels: api(`skill-levels/?actor=${node}&page_size=100&ordering=-assessed_on`),
    affiliationsAsPerson: api(`affiliations/?person=${node}&page_size=100`),
    affiliationsAsOrganisation: api(`affiliations/?organisation=${node}&page_size=100`),
  };
}

function contactsHtml(actor) {
  if (!Array.isArray(actor.contact_details)) return "";
  const kinds = { email: "Email", phone: "Phone", address: "Postal address", messaging: "Messaging", other: "Other" };
  const items = actor.contact_details
    .map((c) => `<li>${esc(kinds[c.kind] || c.kind)}${c.label ? ` (${esc(c.label)})` : ""}: ${esc(c.value)}${c.is_primary ? " · primary" : ""}</li>`)
    .join("");
  return `<h3>Contact details</h3>${items ? `<ul id="actor-contacts">${items}</ul>` : "<p class='empty'>No contact details recorded.</p>"}`;
}

async function skillsHtml(actor, details) {
  if (actor.kind !== "person") return "";
  // The latest level per skill; the names come from the coalition's skills list.
  const levels = results(details.skillLevels);
  if (!levels.length) return "<h3>Skills</h3><p class='empty'>No skills recorded.</p>";
  const latest = new Map();
  for (const level of levels) if (!latest.has(level.skill)) latest.set(level.skill, level);
  const names = details.skillNames || {};
  const items = [...latest.values()]
    .map((l) => `<li>${esc(names[l.skill] || `skill ${l.skill}`)}: ${esc(l.level)} of 5 <span class="meta">(${esc(l.assessed_on)})</span></li>`)
    .join("");
  return `<h3>Skills</h3><ul id="actor-skills">${items}</ul>`;
}

function affiliationsHtml(actor, details, graph) {
  const rows = [...results(details.affiliationsAsPerson), ...results(details.affiliationsAsOrganisation)];
  const heading = actor.kind === "person" ? "Organisations" : "People";
  if (!rows.length) return `<h3>${heading}</h3><p class='empty'>No affiliations recorded.</p>`;
  const items = rows
    .map((a) => {
      const other = String(a.person) === String(actor.id) ? a.organisation : a.person;
      const dates = `${a.started_on ? ` · from ${esc(a.started_on)}` : ""}${a.ended_on ? ` · until ${esc(a.ended_on)}` : ""}`;
      return `<li>${esc(nameOf(graph, other))}${a.role_title ? ` · ${esc(a.role_title)}` : ""}${a.is_lead ? " · lead" : ""}${dates}</li>`;
    })
    .join("");
  return `<h3>${heading}</h3><ul id="actor-affiliations">${items}</ul>`;
}

// The sections, and where to edit them (for whoever may edit the actor).
export async function recordsHtml(actor, details, graph, { api, editable }) {
  if (actor.kind === "person" && results(details.skillLevels).length) {
    const skills = await api("skills/?page_size=500");
    details.skillNames = Object.fromEntries(results(skills).map((s) => [s.id, s.name]));
  }
  const coalition = window.location.pathname.replace(/map\/.*$/, "");
  const link = editable
    ? `<p><a id="edit-actor-records" href="${esc(coalition)}actors/${esc(actor.id)}/edit/#custom-fields">Edit the fields${Array.isArray(actor.contact_details) ? ", contact details" : ""}, ${actor.kind === "person" ? "skills, organisations" : "people"}</a></p>`
    : "";
  return `<section id="actor-records">${contactsHtml(actor)}${await skillsHtml(actor, details)}${affiliationsHtml(actor, details, graph)}${link}</section>`;
}
