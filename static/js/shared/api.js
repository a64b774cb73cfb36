// Requests to the coalition's API: JSON, the session's CSRF token, and If-Match on writes.

export function makeApi(root, csrfToken) {
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
    return { ok: response.ok, status: response.status, data, etag: response.headers.get("ETag") };
  }
  return request;
}

// A 4xx body as one sentence a person can act on: field names and their messages.
export function describeError(result) {
  const data = result.data || {};
  if (typeof data.detail === "string" && Object.keys(data).length <= 2) return data.detail;
  return Object.entries(data)
    .filter(([key]) => key !== "code")
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(" ") : JSON.stringify(value)}`)
    .join("; ");
}

// The 412 answer names who changed the item, when and which fields (weft/api.py).
export function describeConflict(result, what) {
  const data = result.data || {};
  const who = data.changed_by || "someone else";
  const fields = (data.changed_fields || []).join(", ");
  const when = data.changed_at ? ` at ${new Date(data.changed_at).toLocaleString()}` : "";
  return `${who} changed ${fields ? `the ${fields} of ` : ""}${what}${when} since you opened it. Your change was not saved; the current version is shown.`;
}
