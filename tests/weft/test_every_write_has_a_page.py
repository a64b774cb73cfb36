"""Every write the API offers is also offered in the browser (issue 17): organizers and weavers
never open `curl`.

For each write route of the API (POST, PUT, PATCH, DELETE; the list comes from the URLconf, as
the permission matrix's does) this file says where a user makes the same write:

- ``Page(url_name, services)``: a server-rendered page. The page's view module and the API
  view's module must both call each named service function (one write path per use case), and
  the page must exist in the URLconf. ``"outer>inner"``: the page calls the service ``outer``,
  which calls the API's ``inner`` (a page's form that does two writes at once).
- ``Script(path, fragment, methods)``: a page's script calls the API route itself (the map's
  panels, the pipeline board, the dashboard's "Run now"): the script must hold the route's
  path fragment and each method it sends.

A new write route without an entry fails ``test_every_write_route_has_a_page``; so does an entry
whose page or service call went away. The few writes that are API-only on purpose are in
``API_ONLY``, each with its reason.
"""

import inspect
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import get_resolver

from tests.test_api_permissions import api_routes

ROOT = Path(__file__).resolve().parents[2]
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Page:
    url_name: str
    services: tuple[str, ...]

    def __init__(self, url_name: str, *services: str):
        object.__setattr__(self, "url_name", url_name)
        object.__setattr__(self, "services", services)


@dataclass(frozen=True)
class Script:
    path: str
    fragment: str
    methods: tuple[str, ...] = ("POST",)


MAP = "static/js/map/map.js"
PANEL = "static/js/map/panel.js"
TIE_FORM = "static/js/map/tie-form.js"
STORY = "static/js/map/story.js"
SAVED_VIEWS = "static/js/map/saved-views.js"

# Written on purpose only through the API, with why.
API_ONLY = {
    # Tokens are for a coalition's own scripts; a browser signs in with its session.
    "api-token": "tokens are for scripts",
}

# route name → where the same write is made in the browser (one entry per way, all methods).
WHERE: dict[str, tuple] = {
    "api-coalition-list": (Page("coalition-new", "coalition_create"),),
    "api-coalition-detail": (Page("settings-privacy", "coalition_update"),),
    "api-coalition-deletion": (Page("settings-leave", "coalition_delete"),),
    # The map: actors, assessments, ties, positions, plans, stories are written by its panels.
    "actors-list": (Script(MAP, '"actors/"'),),
    "actors-detail": (
        Page("actor-edit", "actor_update"),
        Script(PANEL, "actors/${node}/", ("PATCH", "DELETE")),
    ),
    "actors-restore": (Script(PANEL, "actors/${node}/history/${"),),
    "assessments-list": (Script(MAP, '"assessments/"'),),
    "ties-list": (Script(TIE_FORM, '"ties/"'),),
    "ties-detail": (Script(TIE_FORM, "ties/${tie.id}/", ("PATCH", "DELETE")),),
    "ties-restore": (Script(TIE_FORM, "ties/${tie.id}/history/${"),),
    "api-position": (Script(MAP, "positions/${", ("PUT",)),),
    "engagement-plans-list": (Script(PANEL, '"engagement-plans/"'),),
    "engagement-plans-detail": (
        Script(PANEL, "engagement-plans/${plan.id}/", ("PATCH", "DELETE")),
    ),
    "stories-list": (Script(STORY, '"stories/"'),),
    "stories-detail": (Script(STORY, "stories/${story.id}/", ("PATCH", "DELETE")),),
    "story-links-list": (Script(STORY, '"story-links/"'),),
    "story-links-revoke": (Script(STORY, "story-links/${link.id}/revoke/"),),
    "saved-views-list": (Script(SAVED_VIEWS, '"saved-views/"'),),
    "saved-views-detail": (Page("map-saved-views", "saved_view_update", "saved_view_delete"),),
    # The actor's page: its custom fields, contacts, skills and affiliations.
    "contact-details-list": (Page("actor-contact-add", "contact_detail_create"),),
    "contact-details-detail": (
        Page("actor-contact-change", "contact_detail_update", "contact_detail_delete"),
    ),
    "affiliations-list": (Page("actor-affiliation-add", "affiliation_create"),),
    "affiliations-detail": (
        Page("actor-affiliation-change", "affiliation_update", "affiliation_delete"),
    ),
    "skill-levels-list": (Page("actor-skill-add", "skill_level_record>skill_level_add"),),
    "skills-list": (
        Page("coalition-skills", "skill_create"),
        Page("actor-skill-add", "skill_level_record>skill_create"),
    ),
    "skills-detail": (Page("coalition-skill-change", "skill_update", "skill_delete"),),
    "interactions-list": (Page("interaction-new", "interaction_create"),),
    "interactions-detail": (Page("interaction-edit", "interaction_update", "interaction_delete"),),
    "metric-runs-list": (Script("static/js/dashboard/dashboard.js", "runsUrl"),),
    # Import.
    "api-imports": (Page("transfer-import", "import_preview"),),
    "api-import-confirm": (Page("transfer-import-confirm", "import_confirm"),),
    "api-import-affiliations": (
        Page("transfer-import-affiliations", "affiliations_import_upload"),
    ),
    # Duplicates and merges.
    "api-merge-preview": (Page("transfer-duplicates", "actor_merge_preview"),),
    "api-merges": (Page("transfer-duplicates-merge", "actor_merge"),),
    "api-merge-undo": (Page("transfer-duplicates-undo", "actor_merge_undo"),),
    "api-import-columns": (Page("transfer-import-columns", "import_columns"),),
    # Connect.
    # The pipeline: memberships (the board, the map's panel) and their commitments.
    "memberships-list": (
        Page("workflow-membership-add", "membership_create"),
        Script(PANEL, '"memberships/"'),
    ),
    "memberships-detail": (
        Page("workflow-membership", "membership_update"),
        Page("workflow-membership-remove", "membership_delete"),
        Script("static/js/workflow/pipeline.js", "board.dataset.api", ("PATCH",)),
    ),
    "commitments-list": (Page("workflow-commitment-add", "commitment_create"),),
    "commitments-detail": (
        Page("workflow-commitment-change", "commitment_update", "commitment_delete"),
    ),
    "introductions-list": (Page("workflow-connect", "introduction_log"),),
    "introductions-detail": (Page("workflow-connect", "introduction_update"),),
    "suggestions-accept": (Page("workflow-connect", "suggestion_accept"),),
    "suggestions-dismiss": (Page("workflow-connect", "suggestion_dismiss"),),
    # Align.
    "targets-list": (Page("workflow-targets", "target_create"),),
    "targets-detail": (Page("workflow-target", "target_update", "target_delete"),),
    "pillars-list": (Page("workflow-target", "pillar_create"),),
    "pillars-detail": (Page("workflow-target", "pillar_update", "pillar_delete"),),
    "pillar-proximities-list": (Page("workflow-target", "proximity_record"),),
    "pillar-proximities-detail": (Page("workflow-target", "proximity_update", "proximity_delete"),),
    "statements-list": (Page("workflow-statements", "statement_create"),),
    "statements-detail": (Page("workflow-statement", "statement_update"),),
    "statements-versions": (Page("workflow-statement", "statement_version_add"),),
    "statements-comments": (Page("workflow-statement", "statement_comment_add"),),
    "feedback-rounds-list": (Page("workflow-statement", "feedback_round_open"),),
    "feedback-rounds-comments": (Page("workflow-statement", "feedback_comment_add"),),
    "principles-list": (Page("workflow-principles", "principle_create"),),
    "principles-detail": (Page("workflow-principles", "principle_update", "principle_delete"),),
    "endorsements-detail": (Page("workflow-principles", "endorsement_update"),),
    "endorsements-list": (Page("workflow-principles", "endorsement_add"),),
    "proposals-list": (Page("workflow-proposals", "proposal_create"),),
    "proposals-detail": (Page("workflow-proposal", "proposal_update"),),
    "proposals-decide": (Page("workflow-proposal", "proposal_decide"),),
    "proposals-votes": (Page("member-vote", "vote_cast"),),
    "health-checks-list": (Page("workflow-health", "health_round_open"),),
    "health-checks-answers": (Page("member-health-answer", "health_answer_record"),),
    "proposals-comments": (Page("workflow-proposal", "comment_add"),),
    # Produce.
    "working-groups-list": (Page("workflow-produce-new", "working_group_create"),),
    "working-groups-detail": (
        Page("workflow-produce-edit", "working_group_update"),
        Page("workflow-produce-delete", "working_group_delete"),
    ),
    "actions-list": (Page("workflow-produce-new", "action_create"),),
    "actions-detail": (
        Page("workflow-produce-edit", "action_update"),
        Page("workflow-produce-delete", "action_delete"),
    ),
    "wins-list": (Page("workflow-produce-new", "win_create"),),
    "wins-detail": (
        Page("workflow-produce-edit", "win_update"),
        Page("workflow-produce-delete", "win_delete"),
    ),
    "climate-shifts-list": (Page("workflow-produce-new", "climate_shift_create"),),
    "climate-shifts-detail": (
        Page("workflow-produce-edit", "climate_shift_update"),
        Page("workflow-produce-delete", "climate_shift_delete"),
    ),
    "group-members-list": (Page("workflow-produce-seats", "group_seat_add"),),
    "group-members-detail": (
        Page("workflow-produce-seats", "group_seat_update", "group_seat_remove"),
    ),
    "actions-comments": (Page("workflow-action", "comment_add"),),
    # Reports.
    "reports-list": (Page("report-new", "report_create"),),
    "reports-detail": (Page("report-narrative", "report_narrative_update"),),
    "reports-publish": (Page("report-publish", "report_publish"),),
    "share-links-list": (Page("report-share-new", "share_link_create"),),
    "share-links-revoke": (Page("report-share-revoke", "share_link_revoke"),),
    # Stewardship.
    "roles-list": (Page("settings-members", "role_grant"),),
    "roles-detail": (Page("settings-role-change", "role_grant", "role_revoke"),),
    "invitations-list": (Page("settings-members", "invitation_create"),),
    "invitations-detail": (Page("settings-invitation-revoke", "invitation_revoke"),),
    "people-erasure": (Page("settings-erase-person", "person_erase"),),
    "api-strength-settings": (Page("settings-strength", "strength_settings_update"),),
    # Surveys.
    "survey-rounds-list": (Page("workflow-surveys", "round_create"),),
    "survey-rounds-open": (Page("workflow-survey", "round_open"),),
    "survey-rounds-close": (Page("workflow-survey", "round_close"),),
    "survey-questions-list": (Page("workflow-survey", "question_add"),),
    "survey-questions-detail": (Page("workflow-survey", "question_remove"),),
    "survey-respondents-list": (Page("workflow-survey", "respondent_add"),),
    "survey-respondents-detail": (Page("workflow-survey", "respondent_remove"),),
    # Notifications and comments.
    "notifications-read": (Page("notifications-read-page", "notifications_mark_read"),),
    "api-notification-preferences": (Page("notification-settings", "preference_set"),),
    "comments-list": (Page("comments-page", "comment_add"),),
    "comments-detail": (Page("comment-edit", "comment_edit", "comment_delete"),),
    "comments-resolve": (Page("comment-resolve", "comment_resolve"),),
}


def write_routes() -> dict[str, set[str]]:
    routes: dict[str, set[str]] = {}
    for name, method in api_routes():
        if method in WRITES:
            routes.setdefault(name, set()).add(method)
    return routes


def _callbacks() -> dict[str, object]:
    """URL name → view callback, API and pages."""
    found = {}

    def walk(patterns):
        for entry in patterns:
            if hasattr(entry, "url_patterns"):
                walk(entry.url_patterns)
            elif entry.name and entry.name not in found:
                found[entry.name] = entry.callback

    walk(get_resolver().url_patterns)
    return found


def _module_source(callback) -> str:
    """The source of the modules that define the view: its own, and those of the classes it
    inherits from (a mixin may hold the write)."""
    view = (
        getattr(callback, "cls", None)
        or getattr(callback, "view_class", None)
        or getattr(callback, "__wrapped__", callback)
    )
    classes = view.__mro__ if isinstance(view, type) else (view,)
    modules = {
        cls.__module__
        for cls in classes
        if cls.__module__.split(".")[0] in ("allies", "coalitions", "networks", "weft")
    }
    return "\n".join(Path(sys.modules[name].__file__).read_text() for name in sorted(modules))


def _function_source(callback, name: str) -> str:
    """The source of the function ``name`` as the view's module sees it."""
    view = getattr(callback, "__wrapped__", callback)
    return inspect.getsource(vars(sys.modules[view.__module__])[name])


def _calls(source: str, service: str) -> bool:
    return re.search(rf"\b{re.escape(service)}\b", source) is not None


def test_every_write_route_has_a_page():
    routes = write_routes()
    missing = sorted(set(routes) - set(WHERE) - set(API_ONLY))
    assert missing == [], f"API writes with no page or panel making the same write: {missing}"
    stale = sorted((set(WHERE) | set(API_ONLY)) - set(routes))
    assert stale == [], f"entries for write routes that do not exist: {stale}"


@pytest.mark.parametrize("route", sorted(WHERE))
def test_the_page_makes_the_same_write(route):
    callbacks = _callbacks()
    if route not in write_routes():
        pytest.skip("not a write route (reported by the test above)")
    api_source = _module_source(callbacks[route])
    for where in WHERE[route]:
        if isinstance(where, Page):
            try:
                page = callbacks[where.url_name]
            except KeyError:
                raise AssertionError(f"{route}: no page named {where.url_name!r}") from None
            page_source = _module_source(page)
            for service in where.services:
                outer, _, service = service.rpartition(">")
                assert _calls(api_source, service), f"{route}: the API does not call {service}"
                if outer:
                    assert _calls(page_source, outer), f"{route}: the page never calls {outer}"
                    assert _calls(_function_source(page, outer), service), (
                        f"{route}: {outer} does not call {service}"
                    )
                else:
                    assert _calls(page_source, service), (
                        f"{route}: the page {where.url_name} does not call {service}"
                    )
        else:
            script = (ROOT / where.path).read_text()
            assert where.fragment in script, f"{route}: {where.path} never calls it"
            for method in where.methods:
                if method != "POST":
                    assert f'"{method}"' in script, f"{route}: {where.path} never sends {method}"
