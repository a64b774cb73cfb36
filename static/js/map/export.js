// Export of the map as shown (its filters, sizes, colours and highlight) as SVG or PNG,
// drawn from the graph itself rather than read back from WebGL.

function esc(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

function shapeSvg(shape, x, y, r, fill, stroke) {
  const ring = stroke ? ` stroke="#1d2330" stroke-width="${Math.max(1.5, r / 4)}"` : "";
  if (shape === "square") return `<rect x="${x - r}" y="${y - r}" width="${2 * r}" height="${2 * r}" fill="${fill}"${ring}/>`;
  if (shape === "triangle")
    return `<polygon points="${x},${y - r} ${x + r},${y + r * 0.8} ${x - r},${y + r * 0.8}" fill="${fill}"${ring}/>`;
  if (shape === "diamond") return `<polygon points="${x},${y - r} ${x + r},${y} ${x},${y + r} ${x - r},${y}" fill="${fill}"${ring}/>`;
  return `<circle cx="${x}" cy="${y}" r="${r}" fill="${fill}"${ring}/>`;
}

// meta: { title, date, filters: [text], colours: { title, entries: [[label, colour]] },
// ties: [[label, colour, dash]] }: what a reader of the picture needs without the page.
export function mapSvg(graph, { title = "Coalition map", date = "", filters = [], colours = null, ties = [] } = {}) {
  const nodes = graph.filterNodes((node, a) => !a.hidden).map((node) => ({ node, ...graph.getNodeAttributes(node) }));
  const xs = nodes.map((n) => n.x);
  const ys = nodes.map((n) => -n.y); // SVG's y grows downwards, the map's upwards
  const minX = Math.min(...xs, 0), maxX = Math.max(...xs, 1);
  const minY = Math.min(...ys, 0), maxY = Math.max(...ys, 1);
  // About 1,600 px across whatever the map's units; sizes are screen pixels, so scale them too.
  const scale = 1600 / Math.max(maxX - minX, maxY - minY, 1);
  const pad = 60;
  const top = 90; // the title, the date and the filters
  const legendWidth = 300;
  const px = (x) => (x - minX) * scale + pad;
  const py = (y) => (-y - minY) * scale + pad + top;
  const mapWidth = Math.ceil((maxX - minX) * scale + 2 * pad + 200);
  const width = mapWidth + legendWidth;
  const shown = new Set(nodes.map((n) => n.node));
  const edges = graph
    .filterEdges((edge, a, source, target) => shown.has(source) && shown.has(target))
    .map((edge) => {
      const a = graph.getEdgeAttributes(edge);
      const s = graph.getNodeAttributes(graph.source(edge)), t = graph.getNodeAttributes(graph.target(edge));
      const dash = a.dash ? ` stroke-dasharray="${a.dash} ${a.gap}"` : a.ended ? ' stroke-dasharray="6 4"' : "";
      return `<line x1="${px(s.x)}" y1="${py(s.y)}" x2="${px(t.x)}" y2="${py(t.y)}" stroke="${a.color}" stroke-width="${a.size}"${dash}/>`;
    });
  const shapes = nodes.map((n) => shapeSvg(n.shape, px(n.x), py(n.y), n.size, n.color, n.strategic));
  const labels = nodes.map(
    (n) => `<text x="${px(n.x) + n.size + 3}" y="${py(n.y) + 4}" font-size="12" font-family="sans-serif" fill="#1d2330">${esc(n.label)}</text>`,
  );
  const legend = [];
  let y = top + 20;
  const x = mapWidth + 10;
  const heading = (text) => {
    legend.push(`<text x="${x}" y="${y}" font-size="14" font-weight="600" font-family="sans-serif">${esc(text)}</text>`);
    y += 20;
  };
  const entry = (mark, text) => {
    legend.push(mark, `<text x="${x + 26}" y="${y + 4}" font-size="12" font-family="sans-serif">${esc(text)}</text>`);
    y += 18;
  };
  if (colours) {
    heading(`Colour: ${colours.title}`);
    for (const [label, colour] of colours.entries) entry(`<circle cx="${x + 8}" cy="${y}" r="6" fill="${colour}"/>`, label);
    y += 8;
  }
  if (ties.length) {
    heading("Ties");
    for (const [label, colour, dash] of ties)
      entry(`<line x1="${x}" y1="${y}" x2="${x + 20}" y2="${y}" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`, label);
    y += 8;
  }
  heading("Shape");
  for (const [shape, label] of [["circle", "Organisation"], ["triangle", "Group"], ["square", "Person"], ["diamond", "Institution or official"]])
    entry(shapeSvg(shape, x + 8, y, 6, "#6b7280", false), label);
  entry(shapeSvg("circle", x + 8, y, 6, "#ffffff", true), "Strategic ally (dark ring)");
  const height = Math.max(Math.ceil((maxY - minY) * scale + 2 * pad + top), y + 40);
  const header = [
    `<text x="${pad}" y="36" font-size="22" font-weight="600" font-family="sans-serif">${esc(title)}</text>`,
    `<text x="${pad}" y="60" font-size="13" font-family="sans-serif" fill="#3a4252">${esc(date)}</text>`,
    `<text x="${pad}" y="80" font-size="13" font-family="sans-serif" fill="#3a4252">${esc(filters.length ? `Filters: ${filters.join("; ")}` : "No filters: every actor you may see")}</text>`,
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<title>${esc(title)}</title><rect width="100%" height="100%" fill="#ffffff"/>
<g id="export-header">${header.join("")}</g><g>${edges.join("")}</g><g>${shapes.join("")}</g><g>${labels.join("")}</g><g id="export-legend">${legend.join("")}</g></svg>`;
}

function download(blob, filename) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

export function downloadSvg(graph, filename, meta) {
  download(new Blob([mapSvg(graph, meta)], { type: "image/svg+xml" }), filename);
}

// A print view (print, or save as PDF from the browser's dialog): the same picture, legend,
// title, date and filters, on a page of its own.
export function printView(graph, meta) {
  const view = window.open("", "_blank");
  if (!view) return false;
  view.document.write(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(meta.title)}</title>
<style>@page { size: landscape; margin: 10mm; } body { margin: 0; } svg { width: 100%; height: auto; }</style></head>
<body>${mapSvg(graph, meta)}</body></html>`);
  view.document.close();
  view.focus();
  view.print();
  return true;
}

export async function downloadPng(graph, filename, meta) {
  const svg = mapSvg(graph, meta);
  const image = new Image();
  const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  await new Promise((resolve, reject) => {
    image.onload = resolve;
    image.onerror = reject;
    image.src = url;
  });
  const canvas = document.createElement("canvas");
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.getContext("2d").drawImage(image, 0, 0);
  URL.revokeObjectURL(url);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
  download(blob, filename);
}
