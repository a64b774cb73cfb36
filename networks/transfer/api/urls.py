from django.urls import path

from networks.transfer.api.twomode import AffiliationImportView
from networks.transfer.api.views import (
    DuplicatesView,
    ExportView,
    ImportColumnsView,
    ImportConfirmView,
    ImportDetailView,
    ImportListView,
    ImportProblemsView,
    MergeListView,
    MergePreviewView,
    MergeUndoView,
)

COALITION = "coalitions/<int:coalition_id>"

urlpatterns = [
    path(f"{COALITION}/imports/", ImportListView.as_view(), name="api-imports"),
    path(
        f"{COALITION}/imports/affiliations/",
        AffiliationImportView.as_view(),
        name="api-import-affiliations",
    ),
    path(f"{COALITION}/imports/<int:import_id>/", ImportDetailView.as_view(), name="api-import"),
    path(
        f"{COALITION}/imports/<int:import_id>/problems/",
        ImportProblemsView.as_view(),
        name="api-import-problems",
    ),
    path(
        f"{COALITION}/imports/<int:import_id>/confirm/",
        ImportConfirmView.as_view(),
        name="api-import-confirm",
    ),
    path(
        f"{COALITION}/imports/<int:import_id>/columns/",
        ImportColumnsView.as_view(),
        name="api-import-columns",
    ),
    path(f"{COALITION}/export/", ExportView.as_view(), name="api-export"),
    path(f"{COALITION}/duplicates/", DuplicatesView.as_view(), name="api-duplicates"),
]
urlpatterns += [
    path(f"{COALITION}/merges/", MergeListView.as_view(), name="api-merges"),
    path(f"{COALITION}/merges/preview/", MergePreviewView.as_view(), name="api-merge-preview"),
    path(
        f"{COALITION}/merges/<int:merge_id>/undo/", MergeUndoView.as_view(), name="api-merge-undo"
    ),
]
