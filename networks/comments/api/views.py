"""API of comments: on the map, list (``?actor=`` or ``?tie=``) and add here; on the workflow,
list and add under the item (``statements/<id>/comments/`` with ``paragraph``,
``proposals/<id>/comments/``, ``actions/<id>/comments/``: ItemCommentsMixin, in those
viewsets); read, edit and delete your own (``If-Match`` or ``version``) and resolve any of them
here by id. Visible to the roles that may see the item."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from coalitions import roles
from networks.comments import selectors, services
from networks.comments.views import html_of
from weft.versions import versions_in_if_match


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    actor = serializers.IntegerField(source="actor_id", read_only=True)
    tie = serializers.IntegerField(source="tie_id", read_only=True)
    statement = serializers.IntegerField(source="statement_id", read_only=True)
    paragraph = serializers.IntegerField(read_only=True)
    proposal = serializers.IntegerField(source="proposal_id", read_only=True)
    action = serializers.IntegerField(source="action_id", read_only=True)
    parent = serializers.IntegerField(source="parent_id", read_only=True)
    author = serializers.SerializerMethodField()
    body = serializers.CharField(read_only=True)
    body_html = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    resolved = serializers.SerializerMethodField()
    deleted = serializers.SerializerMethodField()

    def get_author(self, comment) -> str:
        return comment.author.get_username() if comment.author else ""

    def get_body_html(self, comment) -> str:
        return str(html_of(comment))

    def get_resolved(self, comment) -> bool:
        return comment.resolved_at is not None

    def get_deleted(self, comment) -> bool:
        return comment.deleted_at is not None


class NewCommentSerializer(serializers.Serializer):
    actor = serializers.IntegerField(required=False)
    tie = serializers.IntegerField(required=False)
    parent = serializers.IntegerField(required=False)
    body = serializers.CharField(max_length=services.MAX_LENGTH, allow_blank=True)

    def validate(self, data):
        if ("actor" in data) == ("tie" in data):
            raise serializers.ValidationError({"actor": ["Give an actor or a tie."]})
        return data


class EditCommentSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=services.MAX_LENGTH)
    version = serializers.IntegerField(required=False)


class NewItemCommentSerializer(serializers.Serializer):
    """A comment on a workflow item: a thread, or a reply (``parent``); on a statement, the
    ``paragraph`` of its latest text (1-based)."""

    parent = serializers.IntegerField(required=False)
    paragraph = serializers.IntegerField(required=False)
    body = serializers.CharField(max_length=services.MAX_LENGTH, allow_blank=True)


COMMENT_LIST = inline_serializer(
    "CommentList",
    {
        "count": serializers.IntegerField(),
        "open": serializers.IntegerField(),
        "results": CommentSerializer(many=True),
    },
)


def _access(request, coalition_id):
    return roles.require(request.user, coalition_id, roles.Permission.MAP_VIEW)


def comment_list_response(rows) -> Response:
    """The list's shape, everywhere: comments not deleted (``count``), open threads
    (``open``), and the comments, deleted ones in their place without their text."""
    rows = list(rows[:500])
    live = [row for row in rows if row.deleted_at is None]
    return Response(
        {
            "count": len(live),
            "open": sum(1 for row in live if row.resolved_at is None and not row.parent_id),
            "results": CommentSerializer(rows, many=True).data,
        }
    )


def _parent(rows, value):
    if not value:
        return None
    return get_object_or_404(rows, pk=value)


class ItemCommentsMixin:
    """``<item>/<id>/comments/`` on a workflow viewset: GET lists the item's comments (a
    statement's, ``?paragraph=`` narrows them to one paragraph), POST adds one. Whoever reads
    the item may comment on it (WORKFLOW_VIEW: members too); the item is found through the
    viewset's own scoped rows, so one the role may not see is a 404."""

    def initial(self, request, *args, **kwargs):
        if getattr(self, "action", None) == "comments":
            self.write_permission = roles.Permission.WORKFLOW_VIEW
        super().initial(request, *args, **kwargs)

    def comment_add(self, item, *, body: str, parent, paragraph):
        return services.comment_add(access=self.access, item=item, body=body, parent=parent)

    @extend_schema(
        methods=["GET"],
        parameters=[OpenApiParameter("paragraph", int, required=False)],
        responses=COMMENT_LIST,
        summary="The comments on this item, threads and replies, oldest first",
    )
    @extend_schema(
        methods=["POST"],
        request=NewItemCommentSerializer,
        responses={201: CommentSerializer},
        summary="Comment on this item (a thread, or a reply with parent); @mentions are told",
    )
    @action(detail=True, methods=["get", "post"], url_path="comments")
    def comments(self, request, coalition_id, pk):
        item = self.get_object()
        rows = selectors.comments_on(self.access, item)
        if request.method == "POST":
            body = NewItemCommentSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            data = body.validated_data
            comment = self.comment_add(
                item,
                body=data["body"],
                parent=_parent(rows, data.get("parent")),
                paragraph=data.get("paragraph"),
            )
            return Response(CommentSerializer(comment).data, status=201)
        paragraph = request.query_params.get("paragraph")
        if paragraph is not None:
            if not paragraph.isdigit():
                raise serializers.ValidationError({"paragraph": ["Give a paragraph number."]})
            rows = rows.filter(paragraph=int(paragraph))
        return comment_list_response(rows)


class CommentListView(APIView):
    @extend_schema(
        operation_id="comments_list",
        parameters=[
            OpenApiParameter("actor", int, required=False),
            OpenApiParameter("tie", int, required=False),
        ],
        responses=COMMENT_LIST,
    )
    def get(self, request, coalition_id):
        access = _access(request, coalition_id)
        rows = selectors.visible_comments(access)
        for field in ("actor", "tie"):
            value = request.query_params.get(field)
            if value is not None:
                if not value.isdigit():
                    raise serializers.ValidationError({field: ["Give an id."]})
                rows = rows.filter(**{f"{field}_id": int(value)})
        return comment_list_response(rows)

    @extend_schema(request=NewCommentSerializer, responses={201: CommentSerializer})
    def post(self, request, coalition_id):
        access = _access(request, coalition_id)
        body = NewCommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        item = selectors.item_for(access, actor_id=data.get("actor"), tie_id=data.get("tie"))
        parent = None
        if data.get("parent"):
            parent = get_object_or_404(selectors.visible_comments(access), pk=data["parent"])
        comment = services.comment_add(access=access, item=item, body=data["body"], parent=parent)
        return Response(CommentSerializer(comment).data, status=201)


def _any_access(request, coalition_id):
    # Any comment by id, on the map or the workflow: visible_comments asks for the map or
    # the workflow as the comment's item needs.
    return roles.access_for(request.user, coalition_id)


class CommentDetailView(APIView):
    def _get(self, request, coalition_id, pk):
        access = _any_access(request, coalition_id)
        return access, get_object_or_404(selectors.visible_comments(access), pk=pk)

    def _version(self, request, comment):
        header = request.headers.get("If-Match")
        if header:
            return versions_in_if_match(header)
        return request.data.get("version")

    @extend_schema(responses=CommentSerializer)
    def get(self, request, coalition_id, pk):
        _, comment = self._get(request, coalition_id, pk)
        return Response(CommentSerializer(comment).data)

    @extend_schema(request=EditCommentSerializer, responses=CommentSerializer)
    def patch(self, request, coalition_id, pk):
        access, comment = self._get(request, coalition_id, pk)
        comment = services.comment_edit(
            access=access,
            comment=comment,
            body=str(request.data.get("body", "")),
            expected_version=self._version(request, comment),
        )
        return Response(CommentSerializer(comment).data)

    @extend_schema(responses={204: None})
    def delete(self, request, coalition_id, pk):
        access, comment = self._get(request, coalition_id, pk)
        services.comment_delete(
            access=access, comment=comment, expected_version=self._version(request, comment)
        )
        return Response(status=204)


class CommentResolveView(APIView):
    @extend_schema(
        request=inline_serializer(
            "ResolveComment", {"resolved": serializers.BooleanField(required=False)}
        ),
        responses=CommentSerializer,
    )
    def post(self, request, coalition_id, pk):
        access = _any_access(request, coalition_id)
        comment = get_object_or_404(selectors.visible_comments(access), pk=pk)
        comment = services.comment_resolve(
            access=access, comment=comment, resolved=request.data.get("resolved", True) is not False
        )
        return Response(CommentSerializer(comment).data)
