from django.urls import path

from networks.comments.api.views import CommentDetailView, CommentListView, CommentResolveView

COALITION = "coalitions/<int:coalition_id>/"

urlpatterns = [
    path(COALITION + "comments/", CommentListView.as_view(), name="comments-list"),
    path(COALITION + "comments/<int:pk>/", CommentDetailView.as_view(), name="comments-detail"),
    path(
        COALITION + "comments/<int:pk>/resolve/",
        CommentResolveView.as_view(),
        name="comments-resolve",
    ),
]
