"""Admin for comments (the map's and the workflow's)."""

from django.contrib import admin

from networks.comments.models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "coalition", "author", "created_at", "resolved_at", "deleted_at")
    list_select_related = ("coalition", "author")
    raw_id_fields = (
        *("coalition", "actor", "tie", "statement", "proposal", "action", "parent"),
        *("author", "resolved_by", "mentions"),
    )
    search_fields = ("coalition__name",)
