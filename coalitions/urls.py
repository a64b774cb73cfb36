from django.urls import path

from coalitions import member_views, produce_views, report_views, views

urlpatterns = [
    path("", views.coalition_list, name="coalition-list"),
    path("coalitions/<int:coalition_id>/", views.coalition_home, name="coalition-home"),
    # The weaver's workspace
    path("coalitions/<int:coalition_id>/pipeline/", views.pipeline, name="workflow-pipeline"),
    path(
        "coalitions/<int:coalition_id>/pipeline/phase/",
        views.coalition_phase,
        name="workflow-coalition-phase",
    ),
    path("coalitions/<int:coalition_id>/connect/", views.connect, name="workflow-connect"),
    path("coalitions/<int:coalition_id>/statements/", views.statements, name="workflow-statements"),
    path(
        "coalitions/<int:coalition_id>/statements/<int:statement_id>/",
        views.statement_detail,
        name="workflow-statement",
    ),
    path(
        "coalitions/<int:coalition_id>/statements/<int:statement_id>/diff/",
        views.statement_diff,
        name="workflow-statement-diff",
    ),
    path("coalitions/<int:coalition_id>/proposals/", views.proposals, name="workflow-proposals"),
    path(
        "coalitions/<int:coalition_id>/proposals/<int:proposal_id>/",
        views.proposal_act,
        name="workflow-proposal",
    ),
    path("coalitions/<int:coalition_id>/health/", views.health, name="workflow-health"),
    path("coalitions/<int:coalition_id>/equity/", views.equity, name="workflow-equity"),
    path("coalitions/<int:coalition_id>/activity/", views.activity, name="workflow-activity"),
    path("coalitions/<int:coalition_id>/produce/", views.produce, name="workflow-produce"),
    path(
        "coalitions/<int:coalition_id>/produce/<slug:kind>/new/",
        produce_views.produce_item,
        name="workflow-produce-new",
    ),
    path(
        "coalitions/<int:coalition_id>/produce/<slug:kind>/<int:item_id>/",
        produce_views.produce_item,
        name="workflow-produce-edit",
    ),
    path(
        "coalitions/<int:coalition_id>/produce/groups/<int:group_id>/seats/",
        produce_views.produce_seats,
        name="workflow-produce-seats",
    ),
    # Member organisations: their designee votes and answers health checks.
    path(
        "coalitions/<int:coalition_id>/voting/",
        member_views.member_proposals,
        name="member-proposals",
    ),
    path(
        "coalitions/<int:coalition_id>/voting/<int:proposal_id>/",
        member_views.member_vote,
        name="member-vote",
    ),
    path(
        "coalitions/<int:coalition_id>/health-check/",
        member_views.member_health,
        name="member-health",
    ),
    path(
        "coalitions/<int:coalition_id>/health-check/<int:round_id>/",
        member_views.member_health_answer,
        name="member-health-answer",
    ),
    path(
        "coalitions/<int:coalition_id>/principles/",
        member_views.principles,
        name="workflow-principles",
    ),
    # Public: the sign-on page of a published statement, and the emailed links.
    path("sign/<int:statement_id>/", views.sign_on, name="sign-on"),
    path("sign/confirm/<str:token>/", views.sign_confirm, name="sign-confirm"),
    path("sign/withdraw/<str:token>/", views.sign_withdraw, name="sign-withdraw"),
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
