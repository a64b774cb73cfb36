// The report page's trend charts (Chart.js, from npm) and its print button. The data is the
// report's own trend, embedded in the page as JSON (json_script): nothing is fetched.
import {
  CategoryScale,
  Chart,
  Filler,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";

Chart.register(CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Filler);

const ACCENT = "#2f6f5e";

function formatter(kind) {
  if (kind === "share") return (value) => `${Math.round(value * 100)}%`;
  if (kind === "ratio" || kind === "level") return (value) => value.toFixed(2);
  return (value) => (Number.isInteger(value) ? String(value) : "");
}

function drawCharts() {
  const data = document.getElementById("report-trend");
  if (!data) return [];
  const trend = JSON.parse(data.textContent);
  const charts = [];
  for (const series of trend.series) {
    const canvas = document.querySelector(`canvas[data-series="${series.key}"]`);
    if (!canvas) continue;
    const format = formatter(series.kind);
    charts.push(
      new Chart(canvas, {
        type: "line",
        data: {
          labels: trend.labels,
          datasets: [
            {
              label: series.label,
              data: series.values,
              borderColor: ACCENT,
              backgroundColor: "rgba(47, 111, 94, 0.12)",
              fill: true,
              spanGaps: false,
              tension: 0,
            },
          ],
        },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: true,
          aspectRatio: 2.2,
          plugins: {
            legend: { display: false },
            tooltip: { callbacks: { label: (item) => format(item.parsed.y) } },
          },
          scales: {
            y: { beginAtZero: series.kind !== "level", ticks: { callback: format } },
          },
        },
      }),
    );
  }
  return charts;
}

const charts = drawCharts();
document.body.dataset.chartsDrawn = String(charts.length);

// Charts are canvases: redraw them at the printed size before printing.
window.addEventListener("beforeprint", () => charts.forEach((chart) => chart.resize()));
window.addEventListener("afterprint", () => charts.forEach((chart) => chart.resize()));
document.getElementById("print-report")?.addEventListener("click", () => window.print());
