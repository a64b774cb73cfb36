"""Admin for coalitions: roles, members, the unity statement, principles, groups and what
they achieve, and the (read-only) audit log.

Foreign keys to actors, coalitions and users are autocomplete widgets, and every changelist
selects the related rows it shows in one query. A signer's email is personal data: it is
searchable but never a changelist column.
"""

from django.contrib import admin

from coalitions.models import (
    Action,
    AuditEntry,
    ClimateShift,
    Coalition,
    Commitment,
    Endorsement,
    FeedbackComment,
    FeedbackRound,
    GroupMember,
    HealthCheckAnswer,
    HealthCheckRound,
    Introduction,
    Membership,
    PhaseMove,
    Principle,
    Proposal,
    Report,
    Role,
    ShareLink,
    Signature,
    StatementVersion,
    Target,
    UnityStatement,
    Vote,
    Win,
    WorkingGroup,
)

EDITABLE_READONLY = ("version", "created_at", "updated_at")


# Inlines ------------------------------------------------------------------------------------


class PhaseMoveInline(admin.TabularInline):
    model = PhaseMove
    fields = ("from_phase", "to_phase", "moved_by", "moved_at")
    autocomplete_fields = ("moved_by",)
    extra = 0


class StatementVersionInline(admin.StackedInline):
    model = StatementVersion
    fields = ("number", "body", "created_by", "published_at", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("created_by",)
    show_change_link = True
    extra = 0


class SignatureInline(admin.TabularInline):
    model = Signature
    fields = (
        "organisation",
        "organisation_name",
        "signer_name",
        "signer_title",
        "signer_email",
        "show_publicly",
        "confirmed_at",
        "withdrawn_at",
    )
    autocomplete_fields = ("organisation",)
    extra = 0


class FeedbackRoundInline(admin.TabularInline):
    model = FeedbackRound
    fields = ("opened_by", "opened_at", "closes_at")
    autocomplete_fields = ("opened_by",)
    show_change_link = True
    extra = 0


class FeedbackCommentInline(admin.TabularInline):
    model = FeedbackComment
    fields = ("paragraph", "organisation", "author", "body", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("organisation", "author")
    extra = 0


class EndorsementInline(admin.TabularInline):
    model = Endorsement
    fields = ("organisation", "endorsed_by", "endorsed_at", "withdrawn_at")
    autocomplete_fields = ("organisation", "endorsed_by")
    extra = 0


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    fields = ("actor", "is_lead", "joined_on", "left_on")
    autocomplete_fields = ("actor",)
    extra = 0


# Coalition, targets, roles, members --------------------------------------------------------


@admin.register(Coalition)
class CoalitionAdmin(admin.ModelAdmin):
    list_display = ("name", "scale", "phase", "created_by", "created_at")
    list_filter = ("scale", "phase")
    search_fields = ("name", "cause", "demo_key")
    list_select_related = ("created_by",)
    autocomplete_fields = ("created_by",)
    readonly_fields = ("demo_key", *EDITABLE_READONLY)


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("actor", "coalition", "is_primary")
    list_filter = ("is_primary", "coalition")
    search_fields = ("actor__name", "demand", "coalition__name")
    list_select_related = ("actor", "coalition")
    autocomplete_fields = ("coalition", "actor")
    readonly_fields = EDITABLE_READONLY


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "coalition", "organisation", "granted_at", "revoked_at")
    list_filter = ("role", ("revoked_at", admin.EmptyFieldListFilter), "coalition")
    search_fields = ("user__username", "user__email", "coalition__name", "organisation__name")
    list_select_related = ("user", "coalition", "organisation")
    autocomplete_fields = (
        "coalition", "user", "organisation", "person", "granted_by", "revoked_by",
    )  # fmt: skip
    date_hierarchy = "granted_at"


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("organisation", "coalition", "phase", "designee", "joined_on", "left_on")
    list_filter = ("phase", "coalition")
    search_fields = ("organisation__name", "designee__name", "coalition__name")
    list_select_related = ("organisation", "coalition", "designee")
    autocomplete_fields = ("coalition", "organisation", "designee")
    readonly_fields = EDITABLE_READONLY
    inlines = (PhaseMoveInline,)


@admin.register(PhaseMove)
class PhaseMoveAdmin(admin.ModelAdmin):
    list_display = ("__str__", "organisation", "coalition", "moved_by", "moved_at")
    list_filter = ("to_phase", "from_phase", "membership__coalition")
    search_fields = ("membership__organisation__name",)
    list_select_related = ("membership__organisation", "membership__coalition", "moved_by")
    autocomplete_fields = ("membership", "moved_by")
    date_hierarchy = "moved_at"

    @admin.display(ordering="membership__organisation__name")
    def organisation(self, obj):
        return obj.membership.organisation

    @admin.display(ordering="membership__coalition__name")
    def coalition(self, obj):
        return obj.membership.coalition


# The unity statement ------------------------------------------------------------------------


@admin.register(UnityStatement)
class UnityStatementAdmin(admin.ModelAdmin):
    list_display = ("title", "coalition", "status", "created_by", "created_at")
    list_filter = ("status", "coalition")
    search_fields = ("title", "coalition__name")
    list_select_related = ("coalition", "created_by")
    autocomplete_fields = ("coalition", "created_by")
    readonly_fields = EDITABLE_READONLY
    inlines = (StatementVersionInline,)


@admin.register(StatementVersion)
class StatementVersionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "statement", "number", "created_at", "published_at")
    list_filter = (("published_at", admin.EmptyFieldListFilter), "statement__coalition")
    search_fields = ("statement__title", "body")
    list_select_related = ("statement",)
    autocomplete_fields = ("statement", "created_by")
    readonly_fields = ("created_at",)
    inlines = (SignatureInline, FeedbackRoundInline)


@admin.register(FeedbackRound)
class FeedbackRoundAdmin(admin.ModelAdmin):
    list_display = ("__str__", "statement", "opened_by", "opened_at", "closes_at")
    list_filter = ("opened_at", "version__statement__coalition")
    search_fields = ("version__statement__title",)
    list_select_related = ("version__statement", "opened_by")
    autocomplete_fields = ("version", "opened_by")
    inlines = (FeedbackCommentInline,)

    @admin.display(ordering="version__statement__title")
    def statement(self, obj):
        return obj.version.statement


@admin.register(FeedbackComment)
class FeedbackCommentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "statement", "organisation", "author", "created_at")
    list_filter = ("created_at", "round__version__statement__coalition")
    search_fields = ("body", "organisation__name", "round__version__statement__title")
    list_select_related = ("round__version__statement", "organisation", "author")
    autocomplete_fields = ("round", "organisation", "author")
    readonly_fields = ("created_at",)

    @admin.display(ordering="round__version__statement__title")
    def statement(self, obj):
        return obj.round.version.statement


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    # Personal data: signer_email is searchable by stewards but never a changelist column.
    list_display = (
        "organisation_name",
        "version",
        "signer_name",
        "show_publicly",
        "created_at",
        "confirmed_at",
        "withdrawn_at",
    )
    list_filter = (
        "show_publicly",
        ("confirmed_at", admin.EmptyFieldListFilter),
        ("withdrawn_at", admin.EmptyFieldListFilter),
        "version__statement__coalition",
    )
    search_fields = ("organisation_name", "signer_name", "signer_email")
    list_select_related = ("version",)
    autocomplete_fields = ("version", "organisation")
    readonly_fields = ("created_at",)


# Principles ---------------------------------------------------------------------------------


@admin.register(Principle)
class PrincipleAdmin(admin.ModelAdmin):
    list_display = ("title", "coalition", "position")
    list_filter = ("coalition",)
    search_fields = ("title", "text")
    list_select_related = ("coalition",)
    autocomplete_fields = ("coalition",)
    readonly_fields = EDITABLE_READONLY
    inlines = (EndorsementInline,)


@admin.register(Endorsement)
class EndorsementAdmin(admin.ModelAdmin):
    list_display = ("principle", "organisation", "endorsed_by", "endorsed_at", "withdrawn_at")
    list_filter = (("withdrawn_at", admin.EmptyFieldListFilter), "principle__coalition")
    search_fields = ("principle__title", "organisation__name")
    list_select_related = ("principle", "organisation", "endorsed_by")
    autocomplete_fields = ("principle", "organisation", "endorsed_by")


# Working groups -----------------------------------------------------------------------------


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "coalition", "parent")
    list_filter = ("kind", "coalition")
    search_fields = ("name", "purpose")
    list_select_related = ("coalition", "parent")
    autocomplete_fields = ("coalition", "parent")
    readonly_fields = EDITABLE_READONLY
    inlines = (GroupMemberInline,)


@admin.register(GroupMember)
class GroupMemberAdmin(admin.ModelAdmin):
    list_display = ("actor", "group", "is_lead", "joined_on", "left_on")
    list_filter = ("is_lead", "group__kind", "group__coalition")
    search_fields = ("actor__name", "group__name")
    list_select_related = ("actor", "group")
    autocomplete_fields = ("group", "actor")


# Actions, wins and shifts -------------------------------------------------------------------


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "coalition",
        "starts_on",
        "is_convergence",
        "working_group",
        "planned_turnout",
        "actual_turnout",
    )
    list_filter = ("is_convergence", "starts_on", "coalition")
    search_fields = ("title", "place", "description")
    list_select_related = ("coalition", "working_group")
    autocomplete_fields = ("coalition", "working_group", "leaders", "participants")
    readonly_fields = EDITABLE_READONLY
    date_hierarchy = "starts_on"


@admin.register(Win)
class WinAdmin(admin.ModelAdmin):
    list_display = ("title", "coalition", "won_on")
    list_filter = ("won_on", "coalition")
    search_fields = ("title", "description")
    list_select_related = ("coalition",)
    autocomplete_fields = ("coalition", "actions")
    readonly_fields = EDITABLE_READONLY
    date_hierarchy = "won_on"


@admin.register(ClimateShift)
class ClimateShiftAdmin(admin.ModelAdmin):
    list_display = ("title", "coalition", "direction", "recorded_on")
    list_filter = ("direction", "recorded_on", "coalition")
    search_fields = ("title", "description")
    list_select_related = ("coalition",)
    autocomplete_fields = ("coalition", "actions")
    readonly_fields = EDITABLE_READONLY
    date_hierarchy = "recorded_on"


# Audit log ----------------------------------------------------------------------------------


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log is evidence: it can be read here, never written, changed or deleted."""

    list_display = ("created_at", "action", "coalition", "user")
    list_filter = ("action", "coalition")
    search_fields = ("action", "coalition__name", "user__username")
    list_select_related = ("coalition", "user")
    readonly_fields = ("created_at", "coalition", "user", "action", "details")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Funder reports -----------------------------------------------------------------------------


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Reports are made and published in the app (coalitions/report_services.py); a published
    report is frozen, so its snapshot is shown, never edited here."""

    list_display = ("__str__", "coalition", "period_start", "period_end", "status", "published_at")
    list_filter = ("status", "coalition")
    list_select_related = ("coalition",)
    readonly_fields = (
        "coalition", "period_start", "period_end", "status", "snapshot", "created_by",
        "created_at", "updated_at", "published_at", "published_by",
    )  # fmt: skip
    date_hierarchy = "period_end"

    def has_add_permission(self, request):
        return False


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    """Share links are made in the app, where their token is shown once; the hash stays out of
    the admin (it looks a link up as well as the token does)."""

    list_display = ("__str__", "report", "created_at", "expires_at", "revoked_at")
    list_select_related = ("report",)
    exclude = ("token_hash",)
    # Revoking is done in the app, where it is audited.
    readonly_fields = (
        "report",
        "created_by",
        "created_at",
        "expires_at",
        "revoked_at",
        "revoked_by",
    )

    def has_add_permission(self, request):
        return False


# The weaver's workflow -----------------------------------------------------------------------


@admin.register(Introduction)
class IntroductionAdmin(admin.ModelAdmin):
    list_display = ("introduced_on", "introduced", "introduced_to", "outcome", "coalition")
    list_filter = ("outcome", "coalition")
    search_fields = ("reason", "introduced__name", "introduced_to__name")
    list_select_related = ("coalition", "introduced", "introduced_to")
    autocomplete_fields = ("coalition", "introduced", "introduced_to")
    raw_id_fields = ("interaction", "suggestion")
    readonly_fields = EDITABLE_READONLY
    date_hierarchy = "introduced_on"


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ("membership", "kind", "amount", "due_on", "kept")
    list_filter = ("kind", "kept")
    search_fields = ("description", "membership__organisation__name")
    list_select_related = ("membership",)
    raw_id_fields = ("membership",)
    readonly_fields = EDITABLE_READONLY


class VoteInline(admin.TabularInline):
    model = Vote
    fields = ("organisation", "designee", "choice", "reason", "recorded_by", "cast_at")
    raw_id_fields = ("organisation", "designee", "recorded_by")
    extra = 0


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("title", "rule", "closes_at", "outcome", "review_by", "coalition")
    list_filter = ("rule", "outcome", "coalition")
    search_fields = ("title", "text")
    list_select_related = ("coalition",)
    autocomplete_fields = ("coalition",)
    readonly_fields = EDITABLE_READONLY
    inlines = [VoteInline]


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ("proposal", "organisation", "choice", "cast_at")
    list_filter = ("choice",)
    search_fields = ("proposal__title", "organisation__name")
    list_select_related = ("proposal", "organisation")
    raw_id_fields = ("proposal", "organisation", "designee", "recorded_by")


@admin.register(HealthCheckRound)
class HealthCheckRoundAdmin(admin.ModelAdmin):
    list_display = ("title", "opens_on", "closes_on", "coalition")
    list_filter = ("coalition",)
    search_fields = ("title",)
    list_select_related = ("coalition",)
    autocomplete_fields = ("coalition",)


@admin.register(HealthCheckAnswer)
class HealthCheckAnswerAdmin(admin.ModelAdmin):
    """Answers are the organisation's own: listed by round, without the comment."""

    list_display = ("round", "organisation", "answered_at")
    search_fields = ("round__title", "organisation__name")
    list_select_related = ("round", "organisation")
    raw_id_fields = ("round", "organisation", "answered_by")
