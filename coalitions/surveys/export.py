"""A round's answers as CSV (stewards and organizers; audited): one row per answer, named
by the organisation or person who answered, as weavers see them in the review."""

import csv
import io

from coalitions.models import AuditAction
from coalitions.roles import Access, Permission
from coalitions.services import audit_record
from coalitions.surveys.models import RelationshipAnswer, SurveyAnswer, SurveyRound

COLUMNS = [
    "respondent",
    "question",
    "named",
    "on_the_map",
    "frequency",
    "strength",
    "collaboration",
    "introduce_to",
    "answer",
    "review",
]


def round_answers_csv(*, access: Access, survey_round: SurveyRound) -> str:
    access.require(Permission.SURVEY_EXPORT)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    relationships = (
        RelationshipAnswer.objects.filter(respondent__round=survey_round)
        .select_related(
            "respondent__organisation", "respondent__person", "question", "actor", "introduce_to"
        )
        .order_by("respondent_id", "id")
    )
    if not access.sees_sensitive:
        relationships = relationships.exclude(actor__is_sensitive=True)
    count = 0
    for row in relationships.iterator(chunk_size=2000):
        writer.writerow(
            [
                row.respondent.actor.name,
                row.question.text,
                row.actor.name if row.actor_id else row.other_name,
                "yes" if row.actor_id else "no",
                row.frequency,
                row.strength or "",
                " ".join(row.collaboration),
                row.introduce_to.name if row.introduce_to_id else "",
                "",
                row.review,
            ]
        )
        count += 1
    answers = (
        SurveyAnswer.objects.filter(respondent__round=survey_round)
        .select_related("respondent__organisation", "respondent__person", "question")
        .order_by("respondent_id", "question__position")
    )
    for answer in answers.iterator(chunk_size=2000):
        value = "; ".join(answer.choices) or (str(answer.scale) if answer.scale else answer.text)
        writer.writerow(
            [answer.respondent.actor.name, answer.question.text, "", "", "", "", "", "", value, ""]
        )
        count += 1
    audit_record(
        coalition=access.coalition,
        user=access.user,
        action=AuditAction.EXPORT,
        format="csv",
        what="survey_answers",
        round_id=survey_round.pk,
        rows=count,
    )
    return out.getvalue()
