// A survey round's results charts (Chart.js): the response rate day by day, and the answers to
// the choice and scale questions. The numbers come from the page (json_script), the same as
// its tables; a count under the coalition's small-count rule has no bar, only its label
// ("fewer than N"), so the chart never shows what the table withholds.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  LinearScale,
  Tooltip,
} from "chart.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

const COLOUR = "#2f6f5e";

function drawResponse(data) {
  const canvas = document.getElementById("chart-response");
  if (!canvas || !data.over_time.labels.length) return;
  // Bars rather than a line: a round answered in one day is one full bar, not a lone dot.
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.over_time.labels,
      datasets: [{ label: "Answered (%)", data: data.over_time.shares, backgroundColor: COLOUR }],
    },
    options: {
      animation: false,
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item) => `${item.formattedValue}% (${data.over_time.answered[item.dataIndex]} answered)`,
          },
        },
      },
      scales: { y: { min: 0, max: 100, ticks: { callback: (value) => `${value}%` } } },
    },
  });
}

function drawQuestion(question) {
  const canvas = document.getElementById(`chart-question-${question.id}`);
  if (!canvas) return;
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: question.labels,
      datasets: [{ label: question.text, data: question.counts, backgroundColor: COLOUR }],
    },
    options: {
      animation: false,
      indexAxis: "y",
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (item) => question.shown[item.dataIndex] } },
      },
      scales: {
        x: { beginAtZero: true, ticks: { precision: 0 } },
        // Withheld counts are named on the axis: "Active (fewer than 3)".
        y: {
          ticks: {
            callback(value, index) {
              const label = this.getLabelForValue(value);
              return question.counts[index] === null ? `${label} (${question.shown[index]})` : label;
            },
          },
        },
      },
    },
  });
}

function draw() {
  const source = document.getElementById("survey-charts");
  if (!source) return;
  const data = JSON.parse(source.textContent);
  drawResponse(data);
  for (const question of data.questions) drawQuestion(question);
  document.body.dataset.chartsDrawn = String(Object.keys(Chart.instances).length);
}

draw();
