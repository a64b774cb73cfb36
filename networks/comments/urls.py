from django.urls import path

from networks.comments import views

COALITION = "coalitions/<int:coalition_id>/"

urlpatterns = [
    path(
        COALITION + "comments/<str:kind>/<int:item_id>/",
        views.comments_page,
        name="comments-page",
    ),
    path(COALITION + "comment/<int:comment_id>/edit/", views.comment_edit, name="comment-edit"),
    path(
        COALITION + "comment/<int:comment_id>/delete/", views.comment_delete, name="comment-delete"
    ),
    path(
        COALITION + "comment/<int:comment_id>/resolve/",
        views.comment_resolve,
        name="comment-resolve",
    ),
]
