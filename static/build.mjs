// Bundles every page module in static/js/ (one entry per page: map.js, dashboard.js, ...) into
// static/dist/ with esbuild. Libraries come from node_modules, never from a CDN.
import { readdirSync } from "node:fs";
import { build } from "esbuild";

const entryPoints = readdirSync("static/js")
  .filter((name) => name.endsWith(".js") && !name.startsWith("_"))
  .map((name) => `static/js/${name}`);

await build({
  entryPoints,
  bundle: true,
  format: "esm",
  target: ["chrome110", "firefox110", "safari16"],
  minify: true,
  sourcemap: true,
  outdir: "static/dist",
  logLevel: "info",
});
