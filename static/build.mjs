// Bundles the page scripts of static/js/ into static/dist/ with esbuild, one bundle per page.
// Libraries come from node_modules, never from a CDN.
//
// static/js/ is split by page area (map/, dashboard/, workflow/, reports/, transfer/,
// surveys/), with shared/ for what several pages use. The templates load dist/<page>.js, so each page's
// entry is named here with the output name it keeps.
import { build } from "esbuild";

const pages = {
  map: "static/js/map/map.js",
  dashboard: "static/js/dashboard/dashboard.js",
  pipeline: "static/js/workflow/pipeline.js",
  report: "static/js/reports/report.js",
  import: "static/js/transfer/import.js",
  "survey-results": "static/js/surveys/results.js",
};

await build({
  entryPoints: Object.entries(pages).map(([out, source]) => ({ in: source, out })),
  bundle: true,
  format: "esm",
  target: ["chrome110", "firefox110", "safari16"],
  // WEFT_NO_MINIFY=1 npm run build: readable bundles, for profiling in the browser.
  minify: !process.env.WEFT_NO_MINIFY,
  sourcemap: true,
  outdir: "static/dist",
  logLevel: "info",
});
