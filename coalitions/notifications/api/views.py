"""API of notifications: a user's own, per coalition (list, mark read), and their email
preferences (every kind: immediately, daily, weekly or off)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from coalitions import roles
from coalitions.notifications import selectors, services
from coalitions.notifications.models import Delivery, Notification, NotificationKind

LIST_LIMIT = 200


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "path", "created_at", "read_at", "read"]

    def get_read(self, notification) -> bool:
        return notification.read_at is not None


class NotificationListView(APIView):
    """Your notifications in this coalition, newest first (``?unread=1``: unread only)."""

    @extend_schema(
        parameters=[OpenApiParameter("unread", str, required=False, enum=["1", "true"])],
        responses=inline_serializer(
            "NotificationList",
            {"unread": serializers.IntegerField(), "results": NotificationSerializer(many=True)},
        ),
    )
    def get(self, request, coalition_id):
        roles.access_for(request.user, coalition_id)
        rows = selectors.notifications_for(request.user, coalition_id=int(coalition_id))
        if request.query_params.get("unread") in ("1", "true"):
            rows = rows.filter(read_at__isnull=True)
        return Response(
            {
                "unread": rows.filter(read_at__isnull=True).count(),
                "results": NotificationSerializer(rows[:LIST_LIMIT], many=True).data,
            }
        )


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=500)


class NotificationReadView(APIView):
    """Mark your notifications in this coalition read: ``{"ids": [...]}``, or all of them."""

    @extend_schema(
        request=MarkReadSerializer,
        responses=inline_serializer("MarkedRead", {"marked_read": serializers.IntegerField()}),
    )
    def post(self, request, coalition_id):
        access = roles.access_for(request.user, coalition_id)
        body = MarkReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = body.validated_data.get("ids")
        if ids is None:
            ids = selectors.notifications_for(
                request.user, coalition_id=access.coalition.pk
            ).values_list("pk", flat=True)
        changed = services.notifications_mark_read(user=request.user, ids=list(ids))
        return Response({"marked_read": changed})


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    delivery = serializers.ChoiceField(choices=Delivery.choices)


class PreferencesView(APIView):
    """How each kind of notification reaches you by email. PUT a list of {kind, delivery}."""

    @extend_schema(responses=PreferenceSerializer(many=True))
    def get(self, request):
        chosen = selectors.preferences_for(request.user)
        return Response([{"kind": k, "delivery": v} for k, v in chosen.items()])

    @extend_schema(
        request=PreferenceSerializer(many=True), responses=PreferenceSerializer(many=True)
    )
    def put(self, request):
        body = PreferenceSerializer(data=request.data, many=True)
        body.is_valid(raise_exception=True)
        for row in body.validated_data:
            services.preference_set(user=request.user, **row)
        return self.get(request)
