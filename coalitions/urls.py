from django.urls import path

from . import report_views, views

urlpatterns = [
    path("", views.coalition_list, name="coalition-list"),
    path("coalitions/<int:coalition_id>/", views.coalition_home, name="coalition-home"),
]

# Funder reports (coalitions/report_views.py).
REPORT = "coalitions/<int:coalition_id>/reports/<int:report_id>/"
urlpatterns += [
    path("coalitions/<int:coalition_id>/reports/", report_views.report_list, name="report-list"),
    path("coalitions/<int:coalition_id>/reports/new/", report_views.report_new, name="report-new"),
    path(REPORT, report_views.report_detail, name="report-detail"),
    path(REPORT + "report.pdf", report_views.report_pdf, name="report-pdf"),
    path(REPORT + "figures.csv", report_views.report_csv, name="report-csv"),
    path(REPORT + "narrative/", report_views.report_narrative, name="report-narrative"),
    path(REPORT + "publish/", report_views.report_publish, name="report-publish"),
    path(REPORT + "share-links/", report_views.share_link_new, name="report-share-new"),
    path(
        REPORT + "share-links/<int:link_id>/revoke/",
        report_views.share_link_revoke,
        name="report-share-revoke",
    ),
    path("shared/reports/<str:token>/", report_views.shared_report, name="shared-report"),
    path(
        "shared/reports/<str:token>/report.pdf",
        report_views.shared_report_pdf,
        name="shared-report-pdf",
    ),
    path(
        "shared/reports/<str:token>/figures.csv",
        report_views.shared_report_csv,
        name="shared-report-csv",
    ),
]
