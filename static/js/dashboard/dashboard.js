// The dashboard's trend charts (Chart.js) and the latest run's progress.
import {
  CategoryScale,
  Chart,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";

import { describeError, makeApi } from "../shared/api.js";

Chart.register(CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip);

function drawTrends() {
  const source = document.getElementById("trend-data");
  if (!source) return;
  const trend = JSON.parse(source.textContent);
  for (const series of trend.series) {
    const canvas = document.getElementById(`chart-${series.key}`);
    if (!canvas) continue;
    new Chart(canvas, {
      type: "line",
      data: {
        labels: trend.labels,
        datasets: [{ label: series.label, data: series.values, borderColor: "#2f6f5e", tension: 0.2 }],
      },
      options: { animation: false, plugins: { legend: { display: false } }, spanGaps: true },
    });
  }
  // The table twin: the same numbers for keyboards and screen readers.
  const body = document.getElementById("trend-rows");
  trend.labels.forEach((label, i) => {
    const row = body.insertRow();
    row.insertCell().textContent = label;
    for (const series of trend.series) {
      const value = series.values[i];
      row.insertCell().textContent =
        value === null || value === undefined ? "—" : Number.isInteger(value) ? value : value.toFixed(2);
    }
  });
}

function describe(run) {
  const status = { pending: "waiting for a worker", running: "running", failed: "failed", succeeded: "finished" };
  let text = `Latest run: ${status[run.status] ?? run.status}`;
  if (run.status === "running") text += `, ${run.progress}% (${run.stage})`;
  if (run.status === "failed") text += ` (${run.error})`;
  return `${text}.`;
}

function followRun(api, panel, runId) {
  const progress = document.getElementById("run-progress");
  const bar = document.getElementById("run-bar");
  const poll = async () => {
    const result = await api(`${panel.dataset.runsUrl}${runId}/`);
    if (!result.ok) return;
    const run = result.data;
    progress.textContent = describe(run);
    if (bar) bar.value = run.progress;
    if (run.status === "succeeded") {
      progress.textContent += " Reloading the figures…";
      window.location.reload();
    } else if (run.status !== "failed") {
      setTimeout(poll, 1500);
    }
  };
  poll();
}

function setUpRuns() {
  const panel = document.getElementById("run-status");
  if (!panel) return;
  const { runId, runStatus } = panel.dataset;
  const start = document.getElementById("start-run");
  const api = makeApi("", start?.dataset.csrf);
  if (runId && (runStatus === "pending" || runStatus === "running")) followRun(api, panel, runId);
  if (!start) return;
  start.addEventListener("click", async () => {
    start.disabled = true;
    const result = await api(panel.dataset.runsUrl, { method: "POST" });
    const run = result.data || {};
    const progress = document.getElementById("run-progress");
    if (!result.ok) {
      progress.textContent = describeError(result) || "The run could not be started.";
      start.disabled = false;
      return;
    }
    if (result.status === 200 && run.status === "succeeded") {
      progress.textContent = "Nothing changed since the latest run: its figures are current.";
      start.disabled = false;
      return;
    }
    followRun(api, panel, run.id);
  });
}

drawTrends();
setUpRuns();
