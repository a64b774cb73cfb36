// Comments in the map's side panel (#22): the selected actor's comment count, its latest
// threads and a link to its comments page (where people write, reply, edit and resolve).
// Bodies come from the server already rendered by the one Markdown sanitiser (weft/markdown.py).
const LATEST = 3;

function pageUrl(apiRoot, kind, id) {
  // /api/v1/coalitions/3/ → /coalitions/3/comments/actor/12/
  return `${apiRoot.replace(/^\/api\/v1/, "")}comments/${kind}/${encodeURIComponent(id)}/`;
}

export async function showComments(node, { api, config }) {
  const panel = document.getElementById("side-panel");
  if (!panel) return;
  const result = await api(`comments/?actor=${encodeURIComponent(node)}`);
  if (!result.ok) return; // the panel stays as it was; comments are an extra
  panel.querySelector("#panel-comments")?.remove();
  const { count, open, results } = result.data;
  const section = document.createElement("section");
  section.id = "panel-comments";
  const heading = document.createElement("h3");
  heading.textContent = `Comments (${count})`;
  section.append(heading);
  if (open) {
    const note = document.createElement("p");
    note.className = "meta";
    note.textContent = `${open} open thread${open === 1 ? "" : "s"}`;
    section.append(note);
  }
  const list = document.createElement("ul");
  list.className = "comments";
  for (const comment of results.filter((c) => !c.deleted).slice(-LATEST)) {
    const item = document.createElement("li");
    const who = document.createElement("span");
    who.className = "meta";
    who.textContent = `${comment.author || "A former user"}${comment.resolved ? " · resolved" : ""}`;
    const body = document.createElement("div");
    body.innerHTML = comment.body_html; // sanitised on the server
    item.append(who, body);
    list.append(item);
  }
  if (list.children.length) section.append(list);
  const link = document.createElement("a");
  link.href = pageUrl(config.apiRoot, "actor", node);
  link.id = "panel-comments-link";
  link.textContent = count ? "Read and reply" : "Start a discussion";
  section.append(link);
  panel.append(section);
}
