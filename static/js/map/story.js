// Story mode (#18, item 10): a story is an ordered list of steps, each a saved camera, filters,
// layout, layers and colours with a caption (Markdown, rendered and sanitised by the server)
// and highlighted actors. The map's editors write it here (add a step from the current view,
// reorder, edit, remove); anyone who may see the map plays it full screen with next and back
// and the keyboard; a steward shares it read-only by link. The shared page plays the story
// it was opened for and nothing else.

const SHARED_COLOURS = new Set(["stance", "kind", "ally_kind", "community", "phase", "working_group"]);

export function setupStories(ctx) {
  const { app, api, graph, describeError, showAlert, clearAlert, filterForm, controls, loadMap, camera, setHighlight, select: selectActor, resize } = ctx;
  const shared = app.dataset.shared === "true";
  const canEdit = app.dataset.canEdit === "true";
  const player = document.getElementById("story-player");
  const captionShown = document.getElementById("story-caption-shown");
  const counter = document.getElementById("story-counter");
  const back = document.getElementById("story-back");
  const next = document.getElementById("story-next");
  const select = document.getElementById("story-select");
  const editor = document.getElementById("story-editor");
  const stepList = document.getElementById("story-steps");

  let stories = [];
  let story = null; // the story played or edited, as the API gives it (with its version)
  let index = 0;
  let playing = false;
  let queue = Promise.resolve(); // steps are shown one after another, never two at once

  // -- Showing one step -----------------------------------------------------------------------

  function applyFilters(filters) {
    for (const element of filterForm.elements) {
      if (!element.name || element.name === "inferred") continue;
      const given = filters[element.name];
      if (element.type === "checkbox") element.checked = Array.isArray(given) && given.includes(element.value);
      else element.value = given === undefined ? "" : String(given);
    }
  }

  function colourFor(step) {
    const wanted = step.colour_by || "stance";
    const offered = [...controls.colourBy.options].some((option) => option.value === wanted);
    if (!offered || (shared && !SHARED_COLOURS.has(wanted))) return "stance";
    return wanted;
  }

  async function apply(step) {
    applyFilters(step.filters || {});
    const layers = step.layers || {};
    if (controls.inferred) controls.inferred.checked = Boolean(layers.inferred);
    if (controls.hulls) controls.hulls.checked = Boolean(layers.hulls);
    controls.sizeBy.value = step.size_by || "influence";
    controls.layout.value = step.layout || "force";
    controls.colourBy.value = colourFor(step);
    if (controls.neighbourhood) controls.neighbourhood.value = "0"; // the whole map, as saved
    selectActor(null); // a step's own highlights, not the actor last clicked
    setHighlight([], []);
    await loadMap({ keepCamera: false });
    if (step.camera && step.camera.ratio) camera().setState({ angle: 0, ...step.camera });
    const chosen = new Set((step.highlighted || []).map(String).filter((node) => graph.hasNode(node)));
    if (chosen.size) {
      const edges = graph.filterEdges((edge, attributes, source, target) => chosen.has(source) && chosen.has(target));
      setHighlight([...chosen], edges);
    }
  }

  async function show(i) {
    if (!story || !story.steps.length) return;
    index = Math.max(0, Math.min(i, story.steps.length - 1));
    const step = story.steps[index];
    await apply(step);
    captionShown.innerHTML = step.caption_html || ""; // sanitised by the server (weft/markdown.py)
    counter.textContent = `Step ${index + 1} of ${story.steps.length}`;
    back.disabled = index === 0;
    next.disabled = index === story.steps.length - 1;
    app.dataset.storyStep = String(index + 1);
  }

  function go(i) {
    queue = queue.then(() => show(i)).catch((error) => showAlert(`The step could not be shown: ${error}`));
    return queue;
  }

  // -- Playing ---------------------------------------------------------------------------------

  // The legend goes with the player while a story plays (the tools it lives in are hidden).
  const legend = document.getElementById("map-legend");
  const legendHome = legend ? { parent: legend.parentNode, next: legend.nextSibling } : null;

  async function play(data) {
    if (!data.steps.length) {
      showAlert("This story has no steps yet.");
      return;
    }
    story = data;
    playing = true;
    document.getElementById("story-player-title").textContent = data.title;
    app.classList.add("story-playing");
    player.hidden = false;
    if (legend) player.append(legend);
    app.dataset.storyPlaying = "true";
    try {
      if (!shared && app.requestFullscreen && !document.fullscreenElement) await app.requestFullscreen();
    } catch {
      // Full screen refused (no gesture, an embedded page): the map fills the window anyway.
    }
    resize();
    await go(0);
    next.focus();
  }

  async function stop() {
    playing = false;
    app.classList.remove("story-playing");
    player.hidden = true;
    if (legend) legendHome.parent.insertBefore(legend, legendHome.next);
    app.dataset.storyPlaying = "false";
    if (document.fullscreenElement) await document.exitFullscreen().catch(() => {});
    resize();
    setHighlight([], []);
    document.getElementById("story-play")?.focus();
  }

  next.addEventListener("click", () => go(index + 1));
  back.addEventListener("click", () => go(index - 1));
  document.getElementById("story-close")?.addEventListener("click", () => stop());
  document.addEventListener("fullscreenchange", () => {
    if (!document.fullscreenElement && playing) resize();
  });
  document.addEventListener("keydown", (event) => {
    if (!playing || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.closest?.("input, textarea, select")) return;
    if (["ArrowRight", "PageDown", " "].includes(event.key)) {
      event.preventDefault();
      if (index < story.steps.length - 1) go(index + 1);
    } else if (["ArrowLeft", "PageUp"].includes(event.key)) {
      event.preventDefault();
      if (index > 0) go(index - 1);
    } else if (event.key === "Escape" && !shared) stop();
  });

  if (shared) {
    return api(app.dataset.storyUrl).then((result) => {
      if (!result.ok) {
        showAlert(`The story could not be loaded: ${describeError(result)}`);
        return;
      }
      return play(result.data);
    });
  }

  // -- Choosing, writing and sharing (inside the coalition) -------------------------------------

  async function refresh(chosen) {
    const result = await api("stories/?page_size=200");
    if (!result.ok) return;
    stories = result.data.results;
    select.replaceChildren(
      Object.assign(document.createElement("option"), { value: "", textContent: "Choose…" }),
      ...stories.map((s) => Object.assign(document.createElement("option"), { value: String(s.id), textContent: `${s.title} (${s.steps.length} steps)` })),
    );
    if (chosen) select.value = String(chosen);
    if (canEdit) edit(stories.find((s) => String(s.id) === select.value) || null);
  }

  document.getElementById("story-play").addEventListener("click", () => {
    const chosen = stories.find((s) => String(s.id) === select.value);
    if (chosen) play(chosen);
    else showAlert("Choose a story to play.");
  });
  select.addEventListener("change", () => {
    if (canEdit) edit(stories.find((s) => String(s.id) === select.value) || null);
  });

  if (!canEdit) return refresh();

  function edit(chosen) {
    story = chosen;
    editor.hidden = !chosen;
    if (!chosen) return;
    document.getElementById("story-editing").textContent = `Steps of “${chosen.title}”`;
    const history = document.getElementById("story-history");
    if (history) {
      history.href = history.dataset.pattern.replace(/\/0\/$/, `/${chosen.id}/`);
      history.hidden = false;
    }
    stepList.replaceChildren(...chosen.steps.map((step, i) => stepItem(step, i)));
    listLinks();
  }

  function button(text, onClick, label) {
    const element = Object.assign(document.createElement("button"), { type: "button", textContent: text });
    if (label) element.setAttribute("aria-label", label);
    element.addEventListener("click", onClick);
    return element;
  }

  function stepItem(step, i) {
    const item = document.createElement("li");
    const caption = Object.assign(document.createElement("span"), { className: "story-step-caption", textContent: step.caption || "(no caption)" });
    const row = document.createElement("div");
    row.className = "row";
    const n = i + 1;
    row.append(
      button("Show", () => go(i), `Show step ${n}`),
      button("Up", () => move(i, -1), `Move step ${n} up`),
      button("Down", () => move(i, 1), `Move step ${n} down`),
      button("Edit", () => editCaption(item, i), `Edit the caption of step ${n}`),
      button("Remove", () => saveSteps(story.steps.filter((_, j) => j !== i)), `Remove step ${n}`),
    );
    row.querySelectorAll("button")[1].disabled = i === 0;
    row.querySelectorAll("button")[2].disabled = i === story.steps.length - 1;
    item.append(caption, row);
    return item;
  }

  function editCaption(item, i) {
    const form = document.createElement("form");
    const id = `story-step-caption-${i}`;
    form.append(
      Object.assign(document.createElement("label"), { htmlFor: id, textContent: `Caption of step ${i + 1}` }),
      Object.assign(document.createElement("textarea"), { id, name: "caption", rows: 3, maxLength: 4000, value: story.steps[i].caption || "" }),
      Object.assign(document.createElement("button"), { type: "submit", textContent: "Save caption" }),
      button("Keep this view for the step", () => saveSteps(story.steps.map((s, j) => (j === i ? { ...currentStep(), key: s.key, caption: form.elements.caption.value } : s)))),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      saveSteps(story.steps.map((s, j) => (j === i ? { ...s, caption: form.elements.caption.value } : s)));
    });
    item.replaceChildren(form);
    form.elements.caption.focus();
  }

  function move(i, by) {
    const steps = [...story.steps];
    const [step] = steps.splice(i, 1);
    steps.splice(i + by, 0, step);
    return saveSteps(steps);
  }

  // What the map shows now, as a step.
  function currentStep() {
    const filters = {};
    for (const [key, value] of new FormData(filterForm)) {
      if (value === "" || key === "inferred") continue;
      if (key === "stance" || key === "kind") (filters[key] ||= []).push(value);
      else filters[key] = value;
    }
    const { x, y, ratio } = camera().getState();
    const selected = app.dataset.selected;
    const lifted = (app.dataset.highlighted || "").split(",").filter(Boolean);
    const highlighted = (lifted.length ? lifted : selected ? [selected] : []).slice(0, 50).map(Number);
    return {
      filters,
      layout: controls.layout.value,
      size_by: controls.sizeBy.value,
      colour_by: controls.colourBy.value,
      layers: { inferred: Boolean(controls.inferred?.checked), hulls: Boolean(controls.hulls?.checked) },
      camera: { x, y, ratio },
      highlighted,
    };
  }

  async function saveSteps(steps) {
    const result = await api(`stories/${story.id}/`, { method: "PATCH", body: { steps }, version: story.version });
    if (!result.ok) {
      showAlert(`The story was not saved: ${describeError(result)}`);
      if (result.status === 412) await refresh(story.id);
      return false;
    }
    clearAlert();
    await refresh(result.data.id);
    return true;
  }

  const addStep = document.getElementById("story-add-step");
  addStep.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!story) return;
    const step = { ...currentStep(), caption: addStep.elements.caption.value };
    if (await saveSteps([...story.steps, step])) addStep.reset();
  });

  const newForm = document.getElementById("story-new");
  newForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const result = await api("stories/", { method: "POST", body: { title: newForm.elements.title.value, steps: [] } });
    if (!result.ok) {
      showAlert(`The story was not started: ${describeError(result)}`);
      return;
    }
    clearAlert();
    newForm.reset();
    await refresh(result.data.id);
    document.getElementById("story-caption").focus();
  });

  const remove = document.getElementById("story-delete");
  remove.addEventListener("click", async () => {
    if (!story) return;
    if (remove.dataset.armed !== String(story.id)) {
      remove.dataset.armed = String(story.id);
      remove.textContent = "Click again to delete it";
      return;
    }
    delete remove.dataset.armed;
    remove.textContent = "Delete this story";
    const result = await api(`stories/${story.id}/`, { method: "DELETE", version: story.version });
    if (!result.ok) showAlert(`The story was not deleted: ${describeError(result)}`);
    await refresh();
  });

  // Sharing (stewards): the link is shown once; links can be revoked.
  const linkList = document.getElementById("story-links");
  const linkMade = document.getElementById("story-link-made");

  async function listLinks() {
    if (!linkList || !story) return;
    const result = await api("story-links/?page_size=200");
    if (!result.ok) return;
    const links = (result.data.results || result.data).filter((link) => link.story === story.id);
    linkList.replaceChildren(
      ...links.map((link) => {
        const item = document.createElement("li");
        const state = link.is_open ? `open until ${link.expires_at.slice(0, 10)}` : link.revoked_at ? "revoked" : "expired";
        item.append(`Link ${link.id}, ${state} `);
        if (link.is_open)
          item.append(
            button("Revoke", async () => {
              const revoked = await api(`story-links/${link.id}/revoke/`, { method: "POST" });
              if (!revoked.ok) showAlert(`The link was not revoked: ${describeError(revoked)}`);
              listLinks();
            }, `Revoke link ${link.id}`),
          );
        return item;
      }),
    );
  }

  document.getElementById("story-link-new")?.addEventListener("click", async () => {
    if (!story) return;
    const days = Number(document.getElementById("story-link-days").value || 30);
    const result = await api("story-links/", { method: "POST", body: { story: story.id, expires_in_days: days } });
    if (!result.ok) {
      showAlert(`No link was made: ${describeError(result)}`);
      return;
    }
    clearAlert();
    linkMade.hidden = false;
    linkMade.textContent = `Copy it now, it is shown only once: ${result.data.url}`;
    linkMade.dataset.url = result.data.url;
    listLinks();
  });

  return refresh();
}
