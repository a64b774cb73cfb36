from django.urls import path

from coalitions.reports.views import (
    report_csv,
    report_detail,
    report_list,
    report_narrative,
    report_new,
    report_pdf,
    report_publish,
    share_link_new,
    share_link_revoke,
    shared_link_exchange,
    shared_report,
    shared_report_csv,
    shared_report_pdf,
)

# Funder reports, and a report shared with someone without an account.
REPORT = "coalitions/<int:coalition_id>/reports/<int:report_id>/"
urlpatterns = [
    path("coalitions/<int:coalition_id>/reports/", report_list, name="report-list"),
    path("coalitions/<int:coalition_id>/reports/new/", report_new, name="report-new"),
    path(REPORT, report_detail, name="report-detail"),
    path(REPORT + "report.pdf", report_pdf, name="report-pdf"),
    path(REPORT + "figures.csv", report_csv, name="report-csv"),
    path(REPORT + "narrative/", report_narrative, name="report-narrative"),
    path(REPORT + "publish/", report_publish, name="report-publish"),
    path(REPORT + "share-links/", share_link_new, name="report-share-new"),
    path(
        REPORT + "share-links/<int:link_id>/revoke/",
        share_link_revoke,
        name="report-share-revoke",
    ),
    # A link's token is exchanged once for the visitor's session, then the browser is sent on
    # to an address without it (the "view" addresses): servers log paths, and the token stays
    # out of every one but the first request's.
    path("shared/reports/view/<int:link_id>/", shared_report, name="shared-report-view"),
    path(
        "shared/reports/view/<int:link_id>/report.pdf",
        shared_report_pdf,
        name="shared-report-view-pdf",
    ),
    path(
        "shared/reports/view/<int:link_id>/figures.csv",
        shared_report_csv,
        name="shared-report-view-csv",
    ),
    path("shared/reports/<str:token>/", shared_link_exchange, name="shared-report"),
    path(
        "shared/reports/<str:token>/report.pdf",
        shared_link_exchange,
        {"then": "shared-report-view-pdf"},
        name="shared-report-pdf",
    ),
    path(
        "shared/reports/<str:token>/figures.csv",
        shared_link_exchange,
        {"then": "shared-report-view-csv"},
        name="shared-report-csv",
    ),
]
