// An item's history in the map's panels: the server renders it (the same part as the item's
// history page, coalitions/activity/history.py), the panel shows it and posts its "Restore
// this version" forms from script, so the map redraws in place. A restore over a newer change
// is refused by the server, naming who made it.
function coalitionPath() {
  return window.location.pathname.replace(/map\/.*$/, ""); // "/coalitions/3/"
}

export function historyUrl(kind, id) {
  return `${coalitionPath()}history/${encodeURIComponent(kind)}/${encodeURIComponent(id)}/`;
}

// The History section of a panel; wireHistory fills it.
export function historySection(kind, id) {
  return `<section class="panel-history" id="${kind}-history" data-kind="${kind}" data-item="${id}" aria-labelledby="${kind}-history-heading">
    <h3 id="${kind}-history-heading">History</h3>
    <div class="history-body"><p class="meta">Loading the history…</p></div>
    <p><a href="${historyUrl(kind, id)}" class="meta history-page">Open the history as a page</a></p></section>`;
}

// Load the versions into the panel's History section. `onRestored(message)` redraws the map
// and the panel after a restore.
export async function wireHistory(panel, context, onRestored) {
  const section = panel.querySelector(".panel-history");
  if (!section) return;
  await loadHistory(section, section.dataset.kind, section.dataset.item, context, onRestored);
}

async function loadHistory(section, kind, id, context, onRestored) {
  const body = section.querySelector(".history-body");
  const response = await fetch(`${historyUrl(kind, id)}?fragment=1`, { credentials: "same-origin" });
  if (!response.ok) {
    body.innerHTML = "<p class='empty'>The history could not be loaded.</p>";
    return;
  }
  body.innerHTML = await response.text(); // rendered and escaped by the server's template
  for (const form of body.querySelectorAll("form.restore-version")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const answer = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      });
      let detail = "";
      try {
        detail = (await answer.json()).detail || "";
      } catch {
        detail = answer.status === 403 ? "your role cannot restore it." : `the server answered ${answer.status}.`;
      }
      if (!answer.ok) {
        context.showAlert(`Not restored: ${detail}`);
        return;
      }
      context.clearAlert();
      await onRestored(detail);
    });
  }
}
