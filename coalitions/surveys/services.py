"""Writes of relationship surveys: drafting a round, opening it (personal links by email),
answering, revoking links, closing. One transaction each; a refusal is an ApplicationError
naming the field."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from allies.models import Actor, ContactDetail
from coalitions.connect.models import Membership
from coalitions.notifications.models import NotificationKind
from coalitions.notifications.selectors import recipients
from coalitions.notifications.services import notify
from coalitions.roles import Access, Permission
from coalitions.surveys.models import (
    CHOICE_KINDS,
    STRENGTH_RANGE,
    Collaboration,
    Frequency,
    QuestionKind,
    RelationshipAnswer,
    RoundStatus,
    SurveyAnswer,
    SurveyQuestion,
    SurveyRespondent,
    SurveyRound,
)
from coalitions.surveys.templates import TEMPLATES
from weft.errors import ApplicationError
from weft.links import public_url
from weft.tokens import new_token, row_for_token
from weft.vocabulary import ActorKind, ContactKind

MAX_CHOICES = 30
MAX_REMINDER_DAYS = 60


def _round_for_edit(access: Access, round_id: int, *, lock: bool = True) -> SurveyRound:
    access.require(Permission.WORKFLOW_EDIT)
    rows = SurveyRound.objects.filter(coalition=access.coalition, pk=round_id)
    if lock:
        rows = rows.select_for_update()
    survey_round = rows.first()
    if survey_round is None:
        raise ApplicationError("No such survey round.", status=404, code="not_found")
    return survey_round


def _require_draft(survey_round: SurveyRound, what: str) -> None:
    if survey_round.status != RoundStatus.DRAFT:
        raise ApplicationError(
            f"This round is {survey_round.get_status_display().lower()}: {what} only while it "
            "is a draft.",
            status=409,
            code="round_not_draft",
        )


# -- Rounds and questions -------------------------------------------------------------------


@transaction.atomic
def round_create(
    *,
    access: Access,
    title: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    message: str = "",
    template: str = "",
    reminder_every_days: int | None = 3,
) -> SurveyRound:
    """A draft round; with ``template``, the template's questions."""
    access.require(Permission.WORKFLOW_EDIT)
    title = (title or "").strip()
    if not title:
        raise ApplicationError("Give the round a title.", field="title")
    if opens_on is None:
        raise ApplicationError("Choose the day the round opens.", field="opens_on")
    if closes_on is None or closes_on < opens_on:
        raise ApplicationError("The round closes on or after the day it opens.", field="closes_on")
    reminder_every_days = 3 if reminder_every_days is None else reminder_every_days
    if not 0 <= reminder_every_days <= MAX_REMINDER_DAYS:
        raise ApplicationError(
            f"Remind every 0 to {MAX_REMINDER_DAYS} days.", field="reminder_every_days"
        )
    if template and template not in TEMPLATES:
        raise ApplicationError("Choose a template Weft ships.", field="template")
    survey_round = SurveyRound.objects.create(
        coalition=access.coalition,
        title=title,
        message=message or "",
        opens_on=opens_on,
        closes_on=closes_on,
        reminder_every_days=reminder_every_days or 0,
        created_by=access.user,
    )
    for position, question in enumerate(TEMPLATES[template]["questions"] if template else ()):
        SurveyQuestion.objects.create(round=survey_round, position=position, **question)
    return survey_round


def _clean_choices(kind: str, choices) -> list[str]:
    if kind not in CHOICE_KINDS:
        return []
    cleaned = []
    for choice in choices or []:
        choice = str(choice).strip()
        if choice and choice not in cleaned:
            cleaned.append(choice[:200])
    if len(cleaned) < 2:
        raise ApplicationError("A choice question offers at least two choices.", field="choices")
    if len(cleaned) > MAX_CHOICES:
        raise ApplicationError(f"At most {MAX_CHOICES} choices.", field="choices")
    return cleaned


@transaction.atomic
def question_add(
    *,
    access: Access,
    round_id: int,
    kind: str,
    text: str,
    choices: list[str] | None = None,
    help_text: str = "",
    required: bool = False,
) -> SurveyQuestion:
    survey_round = _round_for_edit(access, round_id)
    _require_draft(survey_round, "questions are added")
    if kind not in QuestionKind.values:
        raise ApplicationError("Choose a kind of question.", field="kind")
    text = (text or "").strip()
    if not text:
        raise ApplicationError("Write the question.", field="text")
    if (
        kind == QuestionKind.RELATIONSHIP_GRID
        and survey_round.questions.filter(kind=QuestionKind.RELATIONSHIP_GRID).exists()
    ):
        raise ApplicationError("A round has one relationship grid.", field="kind")
    position = survey_round.questions.count()
    return SurveyQuestion.objects.create(
        round=survey_round,
        position=position,
        kind=kind,
        text=text[:500],
        help_text=(help_text or "")[:500],
        choices=_clean_choices(kind, choices),
        required=required,
    )


@transaction.atomic
def question_remove(*, access: Access, round_id: int, question_id: int) -> None:
    survey_round = _round_for_edit(access, round_id)
    _require_draft(survey_round, "questions are removed")
    deleted, _ = survey_round.questions.filter(pk=question_id).delete()
    if not deleted:
        raise ApplicationError("No such question.", status=404, code="not_found")


# -- Respondents ----------------------------------------------------------------------------


def _email_of(person: Actor | None) -> str:
    if person is None:
        return ""
    contact = (
        ContactDetail.objects.filter(actor=person, kind=ContactKind.EMAIL)
        .order_by("-is_primary", "id")
        .first()
    )
    return contact.value if contact else ""


def _who_answers(access: Access, survey_round, *, organisation_id, person_id, email):
    """The organisation (with its designee) or the person a new respondent is, and the
    respondents of the round that would be the same."""
    actors = Actor.objects.filter(coalition=access.coalition).visible(
        include_sensitive=access.sees_sensitive
    )
    if organisation_id:
        membership = (
            Membership.objects.filter(
                coalition=access.coalition, organisation_id=organisation_id, left_on__isnull=True
            )
            .select_related("organisation", "designee")
            .first()
        )
        if membership is None or not actors.filter(pk=organisation_id).exists():
            raise ApplicationError(
                "Choose a member organisation of this coalition.", field="organisation"
            )
        if membership.designee is None and not email:
            raise ApplicationError(
                "This organisation has no designee: name one, or give an address.",
                field="organisation",
            )
        same = survey_round.respondents.filter(organisation=membership.organisation)
        return membership.organisation, membership.designee, same
    if person_id:
        person = actors.filter(pk=person_id, kind=ActorKind.PERSON).first()
        if person is None:
            raise ApplicationError("Choose a person on this coalition's map.", field="person")
        same = survey_round.respondents.filter(organisation__isnull=True, person=person)
        return None, person, same
    raise ApplicationError("Choose an organisation or a person.", field="organisation")


@transaction.atomic
def respondent_add(
    *,
    access: Access,
    round_id: int,
    organisation_id: int | None = None,
    person_id: int | None = None,
    email: str = "",
) -> SurveyRespondent:
    """A member organisation (answered by its designee) or a named person on the map. The
    link goes to ``email``, or else to the person's (or designee's) email on the map."""
    survey_round = _round_for_edit(access, round_id)
    if survey_round.status == RoundStatus.CLOSED:
        raise ApplicationError("This round is closed.", status=409, code="round_closed")
    organisation, person, duplicate = _who_answers(
        access, survey_round, organisation_id=organisation_id, person_id=person_id, email=email
    )
    if duplicate.exists():
        raise ApplicationError("Already a respondent of this round.", field="organisation")
    email = (email or "").strip() or _email_of(person)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ApplicationError("Enter a valid email address.", field="email") from None
    respondent = SurveyRespondent.objects.create(
        round=survey_round, organisation=organisation, person=person, email=email
    )
    if survey_round.status == RoundStatus.OPEN:
        _issue_link(respondent)
    return respondent


@transaction.atomic
def respondent_remove(*, access: Access, round_id: int, respondent_id: int) -> None:
    survey_round = _round_for_edit(access, round_id)
    _require_draft(survey_round, "respondents are removed")
    deleted, _ = survey_round.respondents.filter(pk=respondent_id).delete()
    if not deleted:
        raise ApplicationError("No such respondent.", status=404, code="not_found")


def _issue_link(respondent: SurveyRespondent) -> str:
    """A new personal link (any earlier one stops working) emailed after the commit."""
    token, hashed = new_token()
    respondent.token_hash = hashed
    respondent.link_sent_at = timezone.now()
    respondent.link_revoked_at = None
    respondent.save(update_fields=["token_hash", "link_sent_at", "link_revoked_at"])
    if respondent.email:
        _send_link(respondent, token)
    return token


def _send_link(respondent: SurveyRespondent, token: str, *, reminder: bool = False) -> None:
    survey_round = respondent.round
    link = public_url(reverse("survey-open", args=[token]))
    opening = "A reminder: " if reminder else ""
    message = (
        f"{opening}{survey_round.coalition.name} asks you to answer “{survey_round.title}”.\n\n"
        f"{survey_round.message}\n\n"
        f"Your personal link (it works until {survey_round.closes_on:%d %B %Y}; you can save "
        f"and finish later):\n{link}\n\n"
        "Your answers are seen by the coalition's weavers, organizers and stewards; other "
        "members see only totals."
    )
    subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{survey_round.title}"
    address = respondent.email
    transaction.on_commit(
        lambda: send_mail(subject, message, settings.DEFAULT_FROM_EMAIL, [address])
    )


@transaction.atomic
def respondent_link_revoke(*, access: Access, respondent_id: int) -> SurveyRespondent:
    respondent = _respondent_for_edit(access, respondent_id)
    if respondent.token_hash is None or respondent.link_revoked_at is not None:
        raise ApplicationError("This respondent has no working link.", status=409, code="no_link")
    respondent.link_revoked_at = timezone.now()
    respondent.save(update_fields=["link_revoked_at"])
    return respondent


@transaction.atomic
def respondent_link_resend(*, access: Access, respondent_id: int) -> SurveyRespondent:
    """A new link for a respondent (after a revocation, or a lost email)."""
    respondent = _respondent_for_edit(access, respondent_id)
    if respondent.round.status != RoundStatus.OPEN:
        raise ApplicationError("Links are sent only while the round is open.", status=409)
    if not respondent.email:
        raise ApplicationError("This respondent has no email address.", field="email")
    _issue_link(respondent)
    return respondent


def _respondent_for_edit(access: Access, respondent_id: int) -> SurveyRespondent:
    access.require(Permission.WORKFLOW_EDIT)
    respondent = (
        SurveyRespondent.objects.select_for_update(of=("self",))
        .select_related("round__coalition")
        .filter(round__coalition=access.coalition, pk=respondent_id)
        .first()
    )
    if respondent is None:
        raise ApplicationError("No such respondent.", status=404, code="not_found")
    return respondent


# -- Opening and closing --------------------------------------------------------------------


@transaction.atomic
def round_open(*, access: Access, round_id: int) -> SurveyRound:
    """Open a draft round: each respondent gets a personal link by email."""
    survey_round = _round_for_edit(access, round_id)
    _require_draft(survey_round, "it is opened")
    if not survey_round.questions.exists():
        raise ApplicationError("Add at least one question first.", field="questions")
    respondents = list(survey_round.respondents.select_related("round__coalition"))
    if not respondents:
        raise ApplicationError("Add at least one respondent first.", field="respondents")
    if survey_round.closes_on < timezone.localdate():
        raise ApplicationError("The closing day has passed: move it first.", field="closes_on")
    survey_round.status = RoundStatus.OPEN
    survey_round.opened_at = timezone.now()
    survey_round.save(update_fields=["status", "opened_at"])
    for respondent in respondents:
        respondent.round = survey_round
        _issue_link(respondent)
    notify(
        coalition_id=survey_round.coalition_id,
        kind=NotificationKind.SURVEY,
        title=f"Survey open until {survey_round.closes_on:%d %b %Y}: {survey_round.title}",
        path=reverse("survey-answer-signed-in", args=[survey_round.coalition_id, survey_round.pk]),
        user_ids=recipients(
            survey_round.coalition_id,
            organisation_ids=[r.organisation_id for r in respondents if r.organisation_id],
            person_ids=[r.person_id for r in respondents if r.person_id],
        ),
        key=f"survey:{survey_round.pk}",
        exclude=access.user,
    )
    return survey_round


@transaction.atomic
def round_close(*, access: Access, round_id: int) -> SurveyRound:
    survey_round = _round_for_edit(access, round_id)
    if survey_round.status == RoundStatus.CLOSED:
        raise ApplicationError("This round is already closed.", status=409, code="round_closed")
    if survey_round.status == RoundStatus.DRAFT:
        raise ApplicationError("This round was never opened.", status=409, code="round_not_open")
    survey_round.status = RoundStatus.CLOSED
    survey_round.closed_at = timezone.now()
    survey_round.save(update_fields=["status", "closed_at"])
    return survey_round


# -- Answering ------------------------------------------------------------------------------

CLOSED_LINK = {
    "revoked": "This link was withdrawn by the coalition. Ask its weaver for a new one.",
    "expired": "This survey has closed: the link no longer works.",
    "submitted": "These answers were already sent. Thank you!",
}


def respondent_for_token(token: str, *, lock: bool = False) -> SurveyRespondent:
    """The respondent a link opens, or an ApplicationError saying plainly why not (unknown:
    404; revoked, expired, already sent: 410)."""
    unknown = ApplicationError("This survey link is not valid.", status=404, code="unknown")
    if not token:
        raise unknown
    rows = SurveyRespondent.objects.select_related("round__coalition", "organisation", "person")
    if lock:
        rows = rows.select_for_update(of=("self",))
    respondent = row_for_token(rows, token)
    if respondent is None:
        raise unknown
    _require_answerable(respondent)
    return respondent


def _require_answerable(respondent: SurveyRespondent) -> None:
    if respondent.link_revoked_at is not None:
        why = "revoked"
    elif not respondent.round.is_answerable():
        why = "expired"
    elif respondent.submitted_at is not None:
        why = "submitted"
    else:
        return
    raise ApplicationError(CLOSED_LINK[why], status=410, code=f"link_{why}")


def visible_actors(respondent: SurveyRespondent, *, sees_sensitive: bool = False):
    """The actors a respondent may name: the coalition's map, never a sensitive actor unless
    the respondent is signed in with a role that sees them, never the respondent itself."""
    return (
        Actor.objects.filter(coalition_id=respondent.round.coalition_id)
        .visible(include_sensitive=sees_sensitive)
        .exclude(pk=respondent.actor_id)
    )


def _start(respondent: SurveyRespondent) -> None:
    if respondent.started_at is None:
        respondent.started_at = timezone.now()
        respondent.save(update_fields=["started_at"])


def _locked_respondent(respondent_id: int) -> SurveyRespondent:
    respondent = (
        SurveyRespondent.objects.select_for_update(of=("self",))
        .select_related("round__coalition", "organisation", "person")
        .get(pk=respondent_id)
    )
    _require_answerable(respondent)
    return respondent


def _question_of(respondent: SurveyRespondent, question_id, kinds) -> SurveyQuestion:
    question = SurveyQuestion.objects.filter(
        round_id=respondent.round_id, pk=question_id, kind__in=kinds
    ).first()
    if question is None:
        raise ApplicationError("No such question in this survey.", field="question")
    return question


@transaction.atomic
def answer_save(
    *,
    respondent_id: int,
    question_id: int,
    choices: list[str] | None = None,
    scale: int | None = None,
    text: str = "",
) -> SurveyAnswer:
    """Save (or replace) the answer to one question other than the grid."""
    respondent = _locked_respondent(respondent_id)
    question = _question_of(
        respondent, question_id, [k for k in QuestionKind.values if k != "relationship_grid"]
    )
    choices = [c for c in (choices or []) if c]
    if question.kind in CHOICE_KINDS:
        if any(c not in question.choices for c in choices):
            raise ApplicationError("Choose among the choices offered.", field=f"q{question.pk}")
        if question.kind == QuestionKind.SINGLE_CHOICE and len(choices) > 1:
            raise ApplicationError("Choose one.", field=f"q{question.pk}")
    else:
        choices = []
    if question.kind == QuestionKind.SCALE:
        if scale is not None and not STRENGTH_RANGE[0] <= scale <= STRENGTH_RANGE[1]:
            raise ApplicationError("Choose 1 to 5.", field=f"q{question.pk}")
    else:
        scale = None
    text = (text or "").strip()[:5000] if question.kind == QuestionKind.FREE_TEXT else ""
    _start(respondent)
    answer, _ = SurveyAnswer.objects.update_or_create(
        respondent=respondent,
        question=question,
        defaults={"choices": choices, "scale": scale, "text": text, "updated_at": timezone.now()},
    )
    return answer


def _check_relationship(frequency: str, strength: int | None, collaboration) -> list[str]:
    if frequency and frequency not in Frequency.values:
        raise ApplicationError("Choose how often you work together.", field="frequency")
    if strength is not None and not STRENGTH_RANGE[0] <= strength <= STRENGTH_RANGE[1]:
        raise ApplicationError("Choose a strength from 1 to 5.", field="strength")
    collaboration = list(dict.fromkeys(collaboration or []))
    if any(c not in Collaboration.values for c in collaboration):
        raise ApplicationError("Choose among the kinds of collaboration.", field="collaboration")
    return collaboration


@transaction.atomic
def relationship_save(
    *,
    respondent_id: int,
    question_id: int,
    actor_id: int | None = None,
    other_name: str = "",
    other_kind: str = "",
    frequency: str = "",
    strength: int | None = None,
    collaboration: list[str] | None = None,
    introduce_to_id: int | None = None,
    sees_sensitive: bool = False,
) -> RelationshipAnswer:
    """Add or change one row of the grid. An actor the respondent may not see is refused as
    if it did not exist."""
    respondent = _locked_respondent(respondent_id)
    question = _question_of(respondent, question_id, [QuestionKind.RELATIONSHIP_GRID])
    actors = visible_actors(respondent, sees_sensitive=sees_sensitive)
    other_name = (other_name or "").strip()[:200]
    if actor_id:
        actor = actors.filter(pk=actor_id).first()
        if actor is None:
            raise ApplicationError("Choose someone on the coalition's map.", field="actor")
        other_name = other_kind = ""
    elif other_name:
        actor = None
        if other_kind not in (ActorKind.ORGANISATION, ActorKind.PERSON):
            other_kind = ActorKind.ORGANISATION
    else:
        raise ApplicationError(
            "Choose someone on the map, or name someone who is not on it.", field="actor"
        )
    collaboration = _check_relationship(frequency, strength, collaboration)
    introduce_to = None
    if introduce_to_id:
        introduce_to = actors.filter(pk=introduce_to_id).first()
        if introduce_to is None or introduce_to.pk == actor_id:
            raise ApplicationError("Choose someone else on the map.", field="introduce_to")
    _start(respondent)
    values = {
        "frequency": frequency,
        "strength": strength,
        "collaboration": collaboration,
        "introduce_to": introduce_to,
        "other_kind": other_kind,
        "updated_at": timezone.now(),
    }
    if actor is not None:
        row, _ = RelationshipAnswer.objects.update_or_create(
            respondent=respondent, question=question, actor=actor, defaults=values
        )
        return row
    row, _ = RelationshipAnswer.objects.update_or_create(
        respondent=respondent, question=question, other_name=other_name, defaults=values
    )
    return row


@transaction.atomic
def relationship_remove(*, respondent_id: int, relationship_id: int) -> None:
    respondent = _locked_respondent(respondent_id)
    deleted, _ = respondent.relationships.filter(pk=relationship_id).delete()
    if not deleted:
        raise ApplicationError("No such answer.", status=404, code="not_found")


@transaction.atomic
def respondent_submit(*, respondent_id: int) -> SurveyRespondent:
    """Send the answers: after this the link opens nothing more. Required questions must
    have an answer."""
    respondent = _locked_respondent(respondent_id)
    questions = respondent.round.questions.filter(required=True)
    for question in questions:
        if question.kind == QuestionKind.RELATIONSHIP_GRID:
            answered = respondent.relationships.filter(question=question).exists()
        else:
            answered = respondent.answers.filter(question=question).exists()
        if not answered:
            raise ApplicationError(
                f"Answer “{question.text}” before sending.", field=f"q{question.pk}"
            )
    now = timezone.now()
    respondent.submitted_at = now
    respondent.started_at = respondent.started_at or now
    respondent.save(update_fields=["submitted_at", "started_at"])
    return respondent


# -- Reminders ------------------------------------------------------------------------------


def reminders_due(now=None, *, respondent_id: int | None = None) -> list[int]:
    """Respondents of open rounds who have not sent their answers, have a working link and an
    address, and were last written to (link or reminder) at least the round's interval ago."""
    now = now or timezone.now()
    due = []
    rows = SurveyRespondent.objects.filter(
        round__status=RoundStatus.OPEN,
        round__reminder_every_days__gt=0,
        round__closes_on__gte=timezone.localdate(now),
        submitted_at__isnull=True,
        link_revoked_at__isnull=True,
        token_hash__isnull=False,
    ).exclude(email="")
    if respondent_id is not None:
        rows = rows.filter(pk=respondent_id)
    for pk, every, sent, reminded in rows.values_list(
        "pk", "round__reminder_every_days", "link_sent_at", "reminded_at"
    ):
        last = max(t for t in (sent, reminded) if t is not None) if (sent or reminded) else None
        if last is None or last + datetime.timedelta(days=every) <= now:
            due.append(pk)
    return due


@transaction.atomic
def respondent_remind(*, respondent_id: int, now=None) -> bool:
    """Email one respondent a reminder with a fresh link (only the hash of the first was
    kept, so the reminder carries a new one; the answers saved so far stay). Claimed with a
    conditional update, so two workers never send the same reminder. True if sent."""
    now = now or timezone.now()
    if not reminders_due(now, respondent_id=respondent_id):
        return False
    respondent = SurveyRespondent.objects.select_related("round__coalition").get(pk=respondent_id)
    claimed = SurveyRespondent.objects.filter(
        pk=respondent_id, reminded_at=respondent.reminded_at, submitted_at__isnull=True
    ).update(reminded_at=now, reminder_count=respondent.reminder_count + 1)
    if not claimed:
        return False
    token, hashed = new_token()
    SurveyRespondent.objects.filter(pk=respondent_id).update(token_hash=hashed)
    _send_link(respondent, token, reminder=True)
    return True
