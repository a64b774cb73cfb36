"""Admin for statements, signatures, principles, proposals and health checks."""

from django.contrib import admin

from coalitions.align.models import (
    Endorsement,
    FeedbackComment,
    FeedbackRound,
    HealthCheckAnswer,
    HealthCheckRound,
    Pillar,
    PillarProximity,
    Principle,
    Proposal,
    Signature,
    StatementVersion,
    Target,
    UnityStatement,
    Vote,
)
from weft.admin import EDITABLE_READONLY


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


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("actor", "coalition", "is_primary")
    list_filter = ("is_primary", "coalition")
    search_fields = ("actor__name", "demand", "coalition__name")
    list_select_related = ("actor", "coalition")
    autocomplete_fields = ("coalition", "actor")
    readonly_fields = EDITABLE_READONLY


@admin.register(Pillar)
class PillarAdmin(admin.ModelAdmin):
    list_display = ("name", "target", "sector", "actor")
    list_filter = ("sector",)
    search_fields = ("name", "note", "target__actor__name")
    list_select_related = ("target__actor", "actor")
    raw_id_fields = ("target", "actor")
    readonly_fields = EDITABLE_READONLY


@admin.register(PillarProximity)
class PillarProximityAdmin(admin.ModelAdmin):
    list_display = ("actor", "pillar", "proximity", "updated_at")
    search_fields = ("actor__name", "pillar__name")
    list_select_related = ("actor", "pillar")
    raw_id_fields = ("pillar", "actor")
    readonly_fields = EDITABLE_READONLY
