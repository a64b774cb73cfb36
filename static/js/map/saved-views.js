// Saved views: the map's filters, layout, size and camera, kept under a name.

export function setupSavedViews({ api, describeError, showAlert, clearAlert, filterForm, controls, loadMap, camera }) {
  const select = document.getElementById("saved-view");
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
    await loadMap({ keepCamera: false, query: true });
    if (view.camera && view.camera.ratio) camera().setState(view.camera);
  });

  const saveForm = document.getElementById("save-view");
  saveForm?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const filters = {};
    for (const [key, value] of new FormData(filterForm)) {
      if (value === "") continue;
      if (key === "stance" || key === "kind") (filters[key] ||= []).push(value);
      else filters[key] = value;
    }
    const { x, y, ratio } = camera().getState();
    const result = await api("saved-views/", {
      method: "POST",
      body: {
        name: saveForm.elements.name.value,
        filters,
        layout: controls.layout.value,
        size_by: controls.sizeBy.value,
        camera: { x, y, ratio },
      },
    });
    if (!result.ok) {
      showAlert(`The view was not saved: ${describeError(result)}`);
      return;
    }
    clearAlert();
    saveForm.reset();
    await refresh(result.data.id);
  });

  return refresh();
}
