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

export function mapSvg(graph, { title = "Coalition map" } = {}) {
  const nodes = graph.mapNodes((node, a) => ({ node, ...a }));
  const xs = nodes.map((n) => n.x);
  const ys = nodes.map((n) => -n.y); // SVG's y grows downwards, the map's upwards
  const minX = Math.min(...xs, 0), maxX = Math.max(...xs, 1);
  const minY = Math.min(...ys, 0), maxY = Math.max(...ys, 1);
  // About 1,600 px across whatever the map's units; sizes are screen pixels, so scale them too.
  const scale = 1600 / Math.max(maxX - minX, maxY - minY, 1);
  const pad = 60;
  const px = (x) => (x - minX) * scale + pad;
  const py = (y) => (-y - minY) * scale + pad;
  const width = Math.ceil((maxX - minX) * scale + 2 * pad + 200);
  const height = Math.ceil((maxY - minY) * scale + 2 * pad);
  const edges = graph.mapEdges((edge, a, source, target) => {
    const s = graph.getNodeAttributes(source), t = graph.getNodeAttributes(target);
    const dash = a.inferred ? ' stroke-dasharray="3 3"' : a.ended ? ' stroke-dasharray="6 4"' : "";
    return `<line x1="${px(s.x)}" y1="${py(s.y)}" x2="${px(t.x)}" y2="${py(t.y)}" stroke="${a.color}" stroke-width="${a.size}"${dash}/>`;
  });
  const shapes = nodes.map((n) => shapeSvg(n.shape, px(n.x), py(n.y), n.size, n.color, n.strategic));
  const labels = nodes.map(
    (n) => `<text x="${px(n.x) + n.size + 3}" y="${py(n.y) + 4}" font-size="12" font-family="sans-serif" fill="#1d2330">${esc(n.label)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<title>${esc(title)}</title><rect width="100%" height="100%" fill="#ffffff"/>
<g>${edges.join("")}</g><g>${shapes.join("")}</g><g>${labels.join("")}</g></svg>`;
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

export function downloadSvg(graph, filename, title) {
  download(new Blob([mapSvg(graph, { title })], { type: "image/svg+xml" }), filename);
}

export async function downloadPng(graph, filename, title) {
  const svg = mapSvg(graph, { title });
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
