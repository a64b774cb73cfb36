"""The comments page of an actor or a tie: its threads, a form to write, reply, edit, delete
and resolve. The map's panel links here and shows the latest (static/js/map/comments.js).
Editing, deleting and resolving any comment (the workflow's too: statement, proposal and
action pages, with templates/networks/comments/_threads.html) go through the views here, which
send the author back to the thread's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from allies.models import Actor
from coalitions import roles
from networks.comments import selectors, services
from weft.markdown import render_markdown
from weft.pages import attempt, post_or_refuse

COMMENT_TAGS = frozenset(
    {"p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a"}
)


def html_of(comment) -> str:
    return "" if comment.deleted_at else render_markdown(comment.body, tags=COMMENT_TAGS)


def _item(access, kind: str, item_id: int):
    if kind == "actor":
        return selectors.item_for(access, actor_id=item_id)
    if kind == "tie":
        return selectors.item_for(access, tie_id=item_id)
    raise Http404("No such kind of item.")


def _page_of(comment):
    return redirect(services.comments_path(comment))


def parent_from(rows, value):
    """The thread a reply answers, among ``rows`` (the comments on the item as the role sees
    them); 404 for anything else."""
    if not value:
        return None
    if not str(value).isdigit():
        raise Http404("No such comment.")
    return get_object_or_404(rows, pk=int(value))


def with_html(threads):
    """The threads with each comment's sanitised HTML (``html``), for the templates."""
    for thread in threads:
        thread.html = html_of(thread)
        for reply in thread.thread_replies:
            reply.html = html_of(reply)
    return threads


@login_required
@require_http_methods(["GET", "POST"])
def comments_page(request, coalition_id: int, kind: str, item_id: int):
    access = roles.require(request.user, coalition_id, roles.Permission.MAP_VIEW)
    item = _item(access, kind, item_id)
    refused = None
    if request.method == "POST":
        parent = None
        if request.POST.get("parent"):
            parent = get_object_or_404(
                selectors.visible_comments(access), pk=request.POST["parent"]
            )
        done = attempt(
            request,
            lambda: services.comment_add(
                access=access, item=item, body=request.POST.get("body", ""), parent=parent
            ),
            redirecting=False,
        )
        if done.refused is None:
            messages.success(request, "Comment added.")
            return redirect(services.comments_path(done.result))
        refused = done.refused
    threads = with_html(selectors.threads_on(access, item))
    title = item.name if isinstance(item, Actor) else f"{item.source.name} – {item.target.name}"
    return render(
        request,
        "networks/comments/comments.html",
        {
            "coalition": access.coalition,
            "access": access,
            "item_title": title,
            "kind": kind,
            "threads": threads,
            "refused": refused,
            "can_resolve": access.can(roles.Permission.MAP_EDIT_ALL),
            "body": request.POST.get("body", "") if refused else "",
        },
        status=refused.status if refused else 200,
    )


def _comment(request, coalition_id, comment_id):
    access = roles.access_for(request.user, coalition_id)
    return access, get_object_or_404(selectors.visible_comments(access), pk=comment_id)


@login_required
@require_POST
def comment_edit(request, coalition_id: int, comment_id: int):
    access, comment = _comment(request, coalition_id, comment_id)
    post_or_refuse(
        request,
        lambda: services.comment_edit(
            access=access,
            comment=comment,
            body=request.POST.get("body", ""),
            expected_version=request.POST.get("version"),
        ),
    )
    return _page_of(comment)


@login_required
@require_POST
def comment_delete(request, coalition_id: int, comment_id: int):
    access, comment = _comment(request, coalition_id, comment_id)
    post_or_refuse(
        request,
        lambda: services.comment_delete(
            access=access, comment=comment, expected_version=request.POST.get("version")
        ),
    )
    return _page_of(comment)


@login_required
@require_POST
def comment_resolve(request, coalition_id: int, comment_id: int):
    access, comment = _comment(request, coalition_id, comment_id)
    post_or_refuse(
        request,
        lambda: services.comment_resolve(
            access=access, comment=comment, resolved=request.POST.get("resolved") != "0"
        ),
    )
    return _page_of(comment)
