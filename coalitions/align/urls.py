from django.urls import path

from coalitions.align.views.health import equity, health
from coalitions.align.views.members import (
    member_health,
    member_health_answer,
    member_proposals,
    member_vote,
    principles,
    principles_undo,
)
from coalitions.align.views.proposals import proposal_act, proposals
from coalitions.align.views.sign_on import sign_confirm, sign_on, sign_withdraw
from coalitions.align.views.statements import statement_detail, statement_diff, statements
from coalitions.align.views.targets import target_detail, targets, targets_undo

COALITION = "coalitions/<int:coalition_id>/"

urlpatterns = [
    # The weaver's workspace
    path(COALITION + "statements/", statements, name="workflow-statements"),
    path(
        COALITION + "statements/<int:statement_id>/",
        statement_detail,
        name="workflow-statement",
    ),
    path(
        COALITION + "statements/<int:statement_id>/diff/",
        statement_diff,
        name="workflow-statement-diff",
    ),
    path(COALITION + "proposals/", proposals, name="workflow-proposals"),
    path(COALITION + "proposals/<int:proposal_id>/", proposal_act, name="workflow-proposal"),
    path(COALITION + "health/", health, name="workflow-health"),
    path(COALITION + "equity/", equity, name="workflow-equity"),
    # Targets and their pillars of support (the roles that see the map read them).
    path(COALITION + "targets/", targets, name="workflow-targets"),
    path(COALITION + "targets/undo/", targets_undo, name="workflow-targets-undo"),
    path(COALITION + "targets/<int:target_id>/", target_detail, name="workflow-target"),
    # Member organisations: their designee votes, answers health checks and endorses.
    path(COALITION + "voting/", member_proposals, name="member-proposals"),
    path(COALITION + "voting/<int:proposal_id>/", member_vote, name="member-vote"),
    path(COALITION + "health-check/", member_health, name="member-health"),
    path(
        COALITION + "health-check/<int:round_id>/",
        member_health_answer,
        name="member-health-answer",
    ),
    path(COALITION + "principles/", principles, name="workflow-principles"),
    path(COALITION + "principles/undo/", principles_undo, name="workflow-principles-undo"),
    # Public: the sign-on page of a published statement, and the emailed links.
    path("sign/<int:statement_id>/", sign_on, name="sign-on"),
    path("sign/confirm/<str:token>/", sign_confirm, name="sign-confirm"),
    path("sign/withdraw/<str:token>/", sign_withdraw, name="sign-withdraw"),
]
