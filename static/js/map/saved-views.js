// Saved views: the map's filters, layout, size, colours and camera, kept under a name. A view
// opened here can be updated to what the map shows now (at the version it was listed at: a
// view changed by someone else meanwhile is refused, naming who).

export function setupSavedViews({ api, describeError, describeConflict, showAlert, clearAlert, filterForm, controls, loadMap, camera }) {
  const select = document.getElementById("saved-view");
  const updateButton = document.getElementById("update-view");
  const updated = document.getElementById("view-updated");
  let views = [];

  async function refresh(chosen) {
    const result = await api("saved-views/?page_size=200");
    if (!result.ok) return;
    views = result.data.results;
    select.replaceChildren(
      Object.assign(document.createElement("option"), { value: "", textContent: "Choose…" }),
      ...views.map((view) => Object.assign(document.createElement("option"), { value: String(view.id), textContent: view.name })),
    );
    if (chosen) select.value = String(chosen);
    showUpdate();
  }

  function showUpdate() {
    if (!updateButton) return;
    const view = views.find((v) => String(v.id) === select.value);
    updateButton.hidden = !view;
    if (view) updateButton.textContent = `Update “${view.name}” to this view`;
  }
  select.addEventListener("change", () => {
    if (updated) updated.textContent = "";
    showUpdate();
  });

  function colourFor(view) {
    const wanted = view.colour_by || "stance";
    const offered = controls.colourBy && [...controls.colourBy.options].some((option) => option.value === wanted);
    return offered ? wanted : "stance";
  }

  // What the map shows now, as a saved view keeps it.
  function currentView() {
    const filters = {};
    for (const [key, value] of new FormData(filterForm)) {
      if (value === "") continue;
      if (key === "stance" || key === "kind") (filters[key] ||= []).push(value);
      else filters[key] = value;
    }
    const { x, y, ratio } = camera().getState();
    return {
      filters,
      layout: controls.layout.value,
      size_by: controls.sizeBy.value,
      colour_by: controls.colourBy ? controls.colourBy.value : "stance",
      camera: { x, y, ratio },
    };
  }

  function applyFilters(filters) {
    for (const element of filterForm.elements) {
      if (!element.name) continue;
      const given = filters[element.name];
      if (element.type === "checkbox") element.checked = Array.isArray(given) && given.includes(element.value);
      else element.value = given === undefined ? "" : String(given);
    }
  }

  document.getElementById("open-view").addEventListener("click", async () => {
    const view = views.find((v) => String(v.id) === select.value);
    if (!view) return;
    applyFilters(view.filters);
    controls.sizeBy.value = view.size_by;
    controls.layout.value = view.layout;
    if (controls.colourBy) controls.colourBy.value = colourFor(view);
    await loadMap({ keepCamera: false, query: true });
    if (view.camera && view.camera.ratio) camera().setState(view.camera);
  });

  const saveForm = document.getElementById("save-view");
  saveForm?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const result = await api("saved-views/", {
      method: "POST",
      body: { name: saveForm.elements.name.value, ...currentView() },
    });
    if (!result.ok) {
      showAlert(`The view was not saved: ${describeError(result)}`);
      return;
    }
    clearAlert();
    saveForm.reset();
    await refresh(result.data.id);
  });

  updateButton?.addEventListener("click", async () => {
    const view = views.find((v) => String(v.id) === select.value);
    if (!view) return;
    const result = await api(`saved-views/${view.id}/`, { method: "PATCH", body: currentView(), version: view.version });
    if (result.status === 412) {
      showAlert(describeConflict(result, `the saved view “${view.name}”`, { outcome: "Your update was not saved; open the view again to see its current version." }));
      await refresh(view.id);
      return;
    }
    if (!result.ok) {
      showAlert(`The view was not updated: ${describeError(result)}`);
      return;
    }
    clearAlert();
    await refresh(view.id);
    if (updated) updated.textContent = `Saved view “${view.name}” updated to this view.`;
  });

  return refresh();
}
