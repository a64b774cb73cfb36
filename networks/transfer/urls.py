from django.urls import path

from networks.transfer import merge_pages, views

urlpatterns = [
    path("coalitions/<int:coalition_id>/import/", views.import_upload, name="transfer-import"),
    path(
        "coalitions/<int:coalition_id>/import/affiliations/",
        views.import_affiliations,
        name="transfer-import-affiliations",
    ),
    path(
        "coalitions/<int:coalition_id>/import/<int:job_id>/",
        views.import_job,
        name="transfer-import-job",
    ),
    path(
        "coalitions/<int:coalition_id>/import/<int:job_id>/confirm/",
        views.import_job_confirm,
        name="transfer-import-confirm",
    ),
    path(
        "coalitions/<int:coalition_id>/import/<int:job_id>/columns/",
        views.import_job_columns,
        name="transfer-import-columns",
    ),
    path(
        "coalitions/<int:coalition_id>/duplicates/",
        merge_pages.duplicates_page,
        name="transfer-duplicates",
    ),
    path(
        "coalitions/<int:coalition_id>/duplicates/merge/",
        merge_pages.duplicates_merge,
        name="transfer-duplicates-merge",
    ),
    path(
        "coalitions/<int:coalition_id>/duplicates/merges/<int:merge_id>/undo/",
        merge_pages.duplicates_undo,
        name="transfer-duplicates-undo",
    ),
]
