// Requests to Weft's server, the one helper every page script uses: JSON both ways,
// Accept: application/json, the session's CSRF token (X-CSRFToken) on writes,
// If-Match: "<version>" when a version is given, and the body parsed.
//
// makeApi(root, csrfToken) returns request(path, { method, body, version }), which resolves to
// { ok, status, data, etag, headers } and never throws on a 4xx or 5xx answer. A path starting with "/"
// is used as it is; any other is relative to root (e.g. the coalition's /api/v1/coalitions/3/).

export function makeApi(root = "", csrfToken = "") {
  async function request(path, { method = "GET", body, version } = {}) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET") headers["X-CSRFToken"] = csrfToken;
    if (version !== undefined && version !== null) headers["If-Match"] = `"${version}"`;
    const response = await fetch(path.startsWith("/") ? path : root + path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = { detail: text.slice(0, 200) };
      }
    }
    return { ok: response.ok, status: response.status, data, etag: response.headers.get("ETag"), headers: response.headers };
  }
  return request;
}

// A 4xx body as one sentence a person can act on: field names and their messages ("" when the
// answer had no body).
export function describeError(result) {
  const data = result.data || {};
  if (typeof data.detail === "string" && Object.keys(data).length <= 2) return data.detail;
  return Object.entries(data)
    .filter(([key]) => key !== "code")
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(" ") : JSON.stringify(value)}`)
    .join("; ");
}

// A stale write is answered 412 {"code": "stale_version", "changed_by", "changed_at",
// "changed_fields", ...} everywhere (weft/api.py): who changed the item, when and which fields.
// `outcome` says what the page did about it (the map shows the current version; a page that
// does not redraw the item asks for a reload).
export function describeConflict(
  result,
  what,
  { outcome = "Your change was not saved; the current version is shown." } = {},
) {
  const data = result.data || {};
  const who = data.changed_by || "someone else";
  const fields = (data.changed_fields || []).join(", ");
  const when = data.changed_at ? ` at ${new Date(data.changed_at).toLocaleString()}` : "";
  return `${who} changed ${fields ? `the ${fields} of ` : ""}${what}${when} since you opened it. ${outcome}`;
}
