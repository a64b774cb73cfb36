// The live map (#22): while the tab is visible, ask every few seconds what changed since the
// last answer (GET …/map/changes/?since=<cursor>; a 304 when nothing did) and hand the
// changes to the map, which applies them to the graph without moving the camera. Says who
// else has the map open. Never touches the side panel's forms: an open edit stays as typed,
// and saving it after someone else's change is refused (412) as before.
//
// When the endpoint cannot be reached the page says so ("the map may have changed: reload")
// and keeps asking; the cursor is kept, so the next answer brings what was missed.

const POLL_MS = 2500;
const RETRY_MS = 5000;
const CURSOR_HEADER = "Weft-Map-Cursor";
const PRESENT_HEADER = "Weft-Map-Present"; // usernames, percent-encoded, by commas; "?": unknown

function presentFrom(response) {
  const header = response.headers.get(PRESENT_HEADER);
  if (header === null) return undefined;
  if (header === "?") return null;
  return header ? header.split(",").map(decodeURIComponent) : [];
}

export function setupLive({ changesUrl, query, apply, reload, paused, presenceBox, noticeBox }) {
  let cursor = null;
  let timer = null;
  let inFlight = false;

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(poll, delay);
  }

  function showNotice(show) {
    if (!noticeBox) return;
    if (!show) {
      noticeBox.hidden = true;
      noticeBox.replaceChildren();
      return;
    }
    if (!noticeBox.hidden) return;
    const button = Object.assign(document.createElement("button"), { type: "button", textContent: "Reload" });
    button.addEventListener("click", () => location.reload());
    noticeBox.replaceChildren("The map may have changed and live updates are not reaching this page: reload to see the latest. ", button);
    noticeBox.hidden = false;
  }

  function showPresence(present) {
    if (!presenceBox) return;
    if (present === undefined) return;
    if (present === null) {
      presenceBox.textContent = "Who else has this map open is not known right now.";
      presenceBox.hidden = false;
    } else if (!present.length) {
      presenceBox.textContent = "";
      presenceBox.hidden = true;
    } else {
      presenceBox.textContent = `Also on this map: ${present.join(", ")}`;
      presenceBox.hidden = false;
    }
    presenceBox.dataset.present = (present || []).join(",");
  }

  async function poll() {
    if (!cursor || inFlight) return;
    if (document.hidden || paused()) {
      schedule(POLL_MS);
      return;
    }
    inFlight = true;
    const params = query();
    params.set("since", cursor);
    let delay = POLL_MS;
    try {
      const response = await fetch(`${changesUrl}?${params}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (response.ok || response.status === 304) showPresence(presentFrom(response));
      if (response.status === 304) {
        cursor = response.headers.get(CURSOR_HEADER) || cursor;
        showNotice(false);
      } else if (response.ok) {
        const body = await response.json();
        showNotice(false);
        if (body.reload) {
          // Too long away (a hidden tab, a laptop asleep): the map whole, camera kept.
          await reload();
        } else {
          cursor = body.since;
          await apply(body);
        }
      } else {
        showNotice(true);
        delay = RETRY_MS;
      }
    } catch {
      showNotice(true);
      delay = RETRY_MS;
    } finally {
      inFlight = false;
    }
    schedule(delay);
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) schedule(0);
  });

  return {
    // Each map read brings its own cursor: polling goes on from there.
    start(mapCursor) {
      if (!mapCursor) return;
      cursor = mapCursor;
      schedule(POLL_MS);
    },
    stop() {
      cursor = null;
      clearTimeout(timer);
    },
    pollNow: () => schedule(0),
  };
}
