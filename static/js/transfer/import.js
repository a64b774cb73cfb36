// The import page while a worker reads a large file: poll the import's status, show its
// progress, and reload the page (which then shows the preview) once it is read; the same
// while a worker applies a large confirmed import.
import { makeApi } from "../shared/api.js";

const section = document.getElementById("import-progress");
const api = makeApi();

async function poll() {
  const result = await api(section.dataset.url);
  if (!result.ok) return;
  const job = result.data;
  const bar = section.querySelector("progress");
  bar.value = job.progress;
  bar.textContent = `${job.progress}%`;
  const text = section.querySelector("#import-progress-text");
  if (job.status === "applying") {
    const rows = `${job.rows_done.toLocaleString()} of ${job.rows_total.toLocaleString()} rows written`;
    text.textContent = job.stage ? `${rows} · ${job.stage}` : rows;
  } else {
    text.textContent = job.stage;
  }
  if (job.status === "queued" || job.status === "applying") {
    setTimeout(poll, 1500);
  } else {
    window.location.reload();
  }
}

if (section) setTimeout(poll, 1000);
