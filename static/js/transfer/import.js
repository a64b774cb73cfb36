// The import page while a worker reads a large file: poll the import's status, show its
// progress, and reload the page (which then shows the preview) once it is read.
const section = document.getElementById("import-progress");

async function poll() {
  const response = await fetch(section.dataset.url, {
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  });
  if (!response.ok) return;
  const job = await response.json();
  const bar = section.querySelector("progress");
  bar.value = job.progress;
  bar.textContent = `${job.progress}%`;
  if (job.status === "queued") {
    setTimeout(poll, 1500);
  } else {
    window.location.reload();
  }
}

if (section) setTimeout(poll, 1000);
