"""Erasure of a person (stewards; ``Permission.ERASE``): their personal data removed from
everywhere Weft holds it, in one transaction, for good.

What goes: the person's name (replaced by a stable pseudonym, "Erased person 7f3a", or the
actor removed with its ties: the steward chooses), their contact details, skills,
affiliations and interaction participation, every history row of these (so no restore can
bring them back), their signatures' signer name, title and email (the organisation's
signature stays if another signer of the organisation confirmed it, otherwise it is
withdrawn), invitations and survey links sent to them, the user account linked to
them (deactivated, its name and address cleared), and every mention of their name or contact
values in the coalition's other text, history and audit details included. Their first name
alone (a whole word, in any case: "Maria", not "Mariachi") is replaced too, in the free text of
what is tied to them (the interactions they took part in, rows about them): elsewhere a first
name alone may well be someone else's. The audit entry
says who erased, when and why, and names the person only by the pseudonym.

The preview is the erasure itself, run and rolled back: what it shows is exactly what goes.
"""

import hashlib
import re
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from allies.models import Actor, Affiliation, ContactDetail, SkillLevel
from coalitions.models import AuditAction, Coalition, Role
from coalitions.roles import Access, Permission
from coalitions.services import audit_record, layout_request_after_edit, metrics_request_after_edit
from coalitions.stewardship.models import Invitation
from coalitions.stewardship.ownership import (
    Tally,
    history_of,
    is_history,
    owned_rows,
    text_fields,
)
from weft.errors import ApplicationError
from weft.vocabulary import ActorKind


class Mode(models.TextChoices):
    PSEUDONYMISE = "pseudonymise", "Keep the actor under a pseudonym, with its ties"
    REMOVE = "remove", "Remove the actor and its ties"


ERASED = "[erased]"
MIN_TERM = 4  # shorter values are not searched for in free text (they would hit anything)


@dataclass(kw_only=True)
class Erasure(Tally):
    """What an erasure removed or replaced, per table (Tally), and the pseudonym it left."""

    pseudonym: str
    mode: str
    # Their signatures that stand for their organisation because another of its signers
    # confirmed it (the rest are withdrawn).
    signatures_kept: int = 0


class Word(str):
    """A term replaced only as a whole word (a first name alone: "Maria", not "Mariachi")."""


def pseudonym_for(actor: Actor) -> str:
    digest = hashlib.sha256(
        f"{settings.SECRET_KEY}:erased:{actor.coalition_id}:{actor.pk}".encode()
    ).hexdigest()
    return f"Erased person {digest[:4]}"


def person_for_erasure(access: Access, actor_id) -> Actor:
    access.require(Permission.ERASE)
    actor = Actor.objects.filter(
        coalition=access.coalition, pk=actor_id, kind=ActorKind.PERSON
    ).first()
    if actor is None:
        raise Http404("No such person.")
    return actor


class _Preview(Exception):
    def __init__(self, erasure: Erasure):
        self.erasure = erasure


def erasure_preview(*, access: Access, actor_id) -> Erasure:
    """What ``person_erase`` would remove, table by table, without removing it."""
    try:
        with transaction.atomic():
            erasure = _erase(access=access, actor_id=actor_id, mode=Mode.PSEUDONYMISE, reason="")
            raise _Preview(erasure)
    except _Preview as preview:
        return preview.erasure


def erasure_preview_both(*, access: Access, actor_id) -> dict[str, Erasure]:
    result = {}
    for mode in Mode.values:
        try:
            with transaction.atomic():
                raise _Preview(_erase(access=access, actor_id=actor_id, mode=mode, reason=""))
        except _Preview as preview:
            result[mode] = preview.erasure
    return result


@transaction.atomic
def person_erase(*, access: Access, actor_id, mode: str, reason: str, confirmation: str) -> Erasure:
    """Erase a person (see the module). ``confirmation`` must repeat the person's name."""
    actor = person_for_erasure(access, actor_id)
    if mode not in Mode.values:
        raise ApplicationError("Choose what becomes of the actor.", field="mode")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            "Say why the person is erased (kept in the audit log).", field="reason"
        )
    if " ".join((confirmation or "").split()).casefold() != " ".join(actor.name.split()).casefold():
        raise ApplicationError(
            "Type the person's name exactly to confirm the erasure.", field="confirmation"
        )
    return _erase(access=access, actor_id=actor.pk, mode=mode, reason=reason)


def _erase(*, access: Access, actor_id, mode: str, reason: str) -> Erasure:
    access.require(Permission.ERASE)
    actor = (
        Actor.objects.select_for_update()
        .filter(coalition=access.coalition, pk=actor_id, kind=ActorKind.PERSON)
        .first()
    )
    if actor is None:
        raise Http404("No such person.")
    coalition = access.coalition
    erasure = Erasure(pseudonym=pseudonym_for(actor), mode=mode)
    emails, users, replacements = _identifying(actor, access, erasure)
    # Read before their participations go: the rows whose free text may name them by their
    # first name alone.
    tied, first_name = _rows_tied_to(actor), first_name_of(actor)

    _erase_signatures(coalition, actor, emails, erasure)
    # Invitations and survey links sent to them.
    _delete(
        Invitation.objects.filter(coalition=coalition).filter(
            Q(person=actor) | _email_in("email", emails)
        ),
        erasure,
    )
    respondent = apps.get_model("coalitions", "SurveyRespondent")
    _delete(
        respondent.objects.filter(round__coalition=coalition).filter(
            Q(person=actor) | _email_in("email", emails)
        ),
        erasure,
    )
    _deactivate(users, coalition, erasure)
    _erase_own_rows(actor, erasure)
    if mode == Mode.REMOVE:
        _remove_actor(actor, erasure)
    else:
        _pseudonymise_actor(actor, access, erasure)
    _replace_in_text(coalition, replacements, erasure)
    _replace_first_name(first_name, tied, erasure)
    audit_record(
        coalition=coalition,
        user=access.user,
        action=AuditAction.PERSON_ERASED,
        pseudonym=erasure.pseudonym,
        mode=mode,
        reason=_replaced(reason, replacements),
        rows=erasure.rows,
        tables=erasure.tables,
    )
    layout_request_after_edit(coalition_id=coalition.pk)
    metrics_request_after_edit(coalition_id=coalition.pk)
    return erasure


def _identifying(actor: Actor, access: Access, erasure: Erasure):
    """Their addresses, the accounts linked to them, and what names them in free text (the
    name first: it becomes the pseudonym; the other values become "[erased]")."""
    contacts = list(ContactDetail.objects.filter(actor=actor).values_list("kind", "value"))
    emails = {value.strip().casefold() for kind, value in contacts if kind == "email"}
    users = list(
        get_user_model().objects.filter(
            pk__in=Role.objects.filter(coalition=access.coalition, person=actor).values("user")
        )
    )
    if any(user.pk == access.user.pk for user in users):
        raise ApplicationError(
            "This person is your own account: another steward must erase it.",
            status=409,
            code="erase_self",
        )
    emails |= {user.email.strip().casefold() for user in users if user.email}
    replacements = {actor.name: erasure.pseudonym}
    for _kind, value in contacts:
        replacements.setdefault(value, ERASED)
    for user in users:
        for value in (user.email, user.get_full_name()):
            if value:
                replacements.setdefault(value, ERASED)
    return emails, users, replacements


def _erase_own_rows(actor: Actor, erasure: Erasure) -> None:
    """Their contact details, skills, affiliations and participations, and every history row
    of what belongs to them (other rows' history forgets the link to them)."""
    for model, condition in (
        (ContactDetail, Q(actor=actor)),
        (SkillLevel, Q(actor=actor)),
        (Affiliation, Q(person=actor)),
        (apps.get_model("networks", "InteractionParticipant"), Q(actor=actor)),
    ):
        _delete_at_once(model.objects.filter(condition), erasure)
    for model, fields in _history_models_pointing_at_actor():
        owned = [f for f in fields if f in _owned_fields(model)]
        if owned:
            _count(model.objects.filter(_pointing_at(owned, actor.pk)).delete(), erasure)
        for name in set(fields) - set(owned):
            n = model.objects.filter(**{f"{name}_id": actor.pk}).update(**{f"{name}_id": None})
            erasure.counts[model._meta.db_table] += n
    history = Actor.history.model
    erasure.counts[history._meta.db_table] += history.objects.filter(id=actor.pk).delete()[0]


def _pointing_at(fields, actor_id: int) -> Q:
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}_id": actor_id})
    return condition


def _remove_actor(actor: Actor, erasure: Erasure) -> None:
    tie, comment = apps.get_model("networks", "Tie"), apps.get_model("networks", "Comment")
    ties = tie.objects.filter(Q(source=actor) | Q(target=actor))
    # What the actor's delete would cascade to, each table at once (the ORM deletes a hundred
    # comments at a time, and writes a history record per tie only to drop it below): the
    # comments on them and on their ties (a reply is on its comment's item), the comments'
    # mentions, then the ties (only comments point at a tie).
    comments = comment.objects.filter(Q(actor=actor) | Q(tie__in=ties))
    _delete_at_once(comment.mentions.through.objects.filter(comment__in=comments), erasure)
    _delete_at_once(comments, erasure)
    _delete_at_once(ties, erasure)
    _delete(Actor.objects.filter(pk=actor.pk), erasure)
    # Deleting records each cascaded row in its history: those records go too.
    for model, fields in _history_models_pointing_at_actor():
        model.objects.filter(_pointing_at(fields, actor.pk)).delete()
    Actor.history.filter(id=actor.pk).delete()


def _pseudonymise_actor(actor: Actor, access: Access, erasure: Erasure) -> None:
    Actor.objects.filter(pk=actor.pk).update(
        name=erasure.pseudonym,
        description="",
        type_label="",
        external_key="",
        custom_fields={},
        updated_at=timezone.now(),
    )
    erasure.counts[Actor._meta.db_table] += 1
    actor.refresh_from_db()
    actor._history_user = access.user
    actor._change_reason = "erased"
    actor.save()  # its one history record: the pseudonym


def _email_in(field_name: str, emails: set[str]) -> Q:
    condition = Q(pk__in=[])
    for email in emails:
        condition |= Q(**{f"{field_name}__iexact": email})
    return condition


def _count(result, erasure: Erasure) -> None:
    for label, n in result[1].items():
        if n:
            erasure.counts[apps.get_model(label)._meta.db_table] += n


def _delete(queryset, erasure: Erasure) -> None:
    _count(queryset.delete(), erasure)


def _delete_at_once(queryset, erasure: Erasure) -> None:
    """One DELETE for rows no remaining row points at and whose history the erasure deletes
    next (if they keep any). A delete through the ORM would write a "deleted" history record
    per row only for it to be dropped a moment later, and the preview page would run a query
    per affiliation, participation or tie of the person."""
    n = queryset._raw_delete(queryset.db)
    if n:
        erasure.counts[queryset.model._meta.db_table] += n


def _erase_signatures(coalition: Coalition, actor: Actor, emails: set[str], erasure) -> None:
    """Their signatures keep no signer. The organisation's signature stays where another of
    its signers confirmed the organisation's signature on the same statement (and has not
    withdrawn it): the organisation still stands behind it. Otherwise it is withdrawn: a
    signature needs a signer who confirms it, and theirs is gone."""
    signature = apps.get_model("coalitions", "Signature")
    signatures = signature.objects.filter(version__statement__coalition=coalition)
    theirs = signatures.filter(
        _email_in("signer_email", emails) | Q(signer_name__iexact=actor.name)
    )
    confirmed_by_others = set(
        signatures.filter(confirmed_at__isnull=False, withdrawn_at__isnull=True)
        .exclude(pk__in=theirs.values("pk"))
        .values_list("version__statement_id", "organisation_key")
    )
    standing = theirs.filter(withdrawn_at__isnull=True).values_list(
        "pk", "version__statement_id", "organisation_key", "confirmed_at"
    )
    kept = [
        pk
        for pk, statement, key, confirmed_at in standing
        if confirmed_at is not None and (statement, key) in confirmed_by_others
    ]
    erasure.signatures_kept = len(kept)
    now = timezone.now()
    n = theirs.filter(withdrawn_at__isnull=True).exclude(pk__in=kept).update(withdrawn_at=now)
    n = (
        theirs.update(
            signer_name=erasure.pseudonym,
            signer_title="",
            signer_email="",
            confirmation_token_hash="",
        )
        or n
    )
    erasure.counts[signature._meta.db_table] += n


def _deactivate(users, coalition: Coalition, erasure: Erasure) -> None:
    """The account linked to the person: deactivated, its name and address cleared, its ways
    in (tokens, addresses, second factors) deleted, its role here revoked."""
    if not users:
        return
    User = get_user_model()
    now = timezone.now()
    for user in users:
        user.username = f"erased-{hashlib.sha256(f'{user.pk}:{now}'.encode()).hexdigest()[:10]}"
        user.email = ""
        user.first_name = ""
        user.last_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        erasure.counts[User._meta.db_table] += 1
    ids = [user.pk for user in users]
    for label in ("authtoken.Token", "account.EmailAddress", "mfa.Authenticator"):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        _delete(model.objects.filter(user_id__in=ids), erasure)
    revoked = Role.objects.current().filter(coalition=coalition, user_id__in=ids)
    erasure.counts[Role._meta.db_table] += revoked.update(revoked_at=now)


def _history_models_pointing_at_actor():
    """Historical models and their fields that point at an actor."""
    found = []
    for model in apps.get_models():
        if not is_history(model):
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is Actor and f.name != "history_relation"
        ]
        if fields:
            found.append((model, fields))
    return found


def _owned_fields(history_model) -> set[str]:
    """The fields by which a row belongs to the actor (deleted with it)."""
    original = history_model.instance_type
    return set(getattr(original, "deleted_with_actor", ())) | {"actor", "person"}


# -- Free text -------------------------------------------------------------------------------


def _replaced(text: str, replacements: dict[str, str]) -> str:
    for term, new in replacements.items():
        if isinstance(term, Word):
            pattern = rf"(?<!\w){re.escape(term)}(?!\w)"
        elif len(term) >= MIN_TERM:
            pattern = re.escape(term)
        else:
            continue
        text = re.sub(pattern, new, text, flags=re.IGNORECASE)
    return text


def _replaced_json(value, replacements):
    if isinstance(value, str):
        return _replaced(value, replacements)
    if isinstance(value, list):
        return [_replaced_json(v, replacements) for v in value]
    if isinstance(value, dict):
        return {
            _replaced(k, replacements): _replaced_json(v, replacements) for k, v in value.items()
        }
    return value


def _replace_in_text(coalition: Coalition, replacements: dict[str, str], erasure: Erasure):
    terms = [t for t in replacements if len(t) >= MIN_TERM]
    if not terms:
        return
    for model in apps.get_models():
        rows = owned_rows(model, coalition.pk)
        if rows is None:
            continue
        pk = model._meta.pk.attname
        for f in text_fields(model):
            if isinstance(f, models.JSONField):
                candidates = rows.exclude(**{f"{f.attname}__isnull": True})
            else:
                condition = Q()
                for term in terms:
                    condition |= Q(**{f"{f.attname}__icontains": term})
                candidates = rows.filter(condition)
            for key, value in candidates.values_list(pk, f.attname).iterator():
                new = (
                    _replaced_json(value, replacements)
                    if isinstance(f, models.JSONField)
                    else _replaced(value or "", replacements)
                )
                if new != value:
                    if not isinstance(f, models.JSONField):
                        new = new[: f.max_length] if f.max_length else new
                    model._base_manager.filter(**{pk: key}).update(**{f.attname: new})
                    erasure.counts[model._meta.db_table] += 1


# -- Their first name alone, where it names them ----------------------------------------------


def first_name_of(actor: Actor) -> str | None:
    """The first word of a name of two words or more ("Maria" of "Maria Lopez"), or None."""
    words = re.findall(r"\w[\w'-]*", actor.name)
    return words[0] if len(words) >= 2 and len(words[0]) >= 2 else None


def _rows_tied_to(actor: Actor) -> list[tuple[type[models.Model], list]]:
    """The rows whose free text is about the person: the interactions they took part in, and
    every row that points at them (an assessment of them, a plan to engage them)."""
    interaction = apps.get_model("networks", "Interaction")
    tied = [
        (
            interaction,
            list(
                interaction.objects.filter(participations__actor=actor).values_list("pk", flat=True)
            ),
        )
    ]
    for model in apps.get_models():
        if is_history(model) or model is Actor:
            continue
        pointing = [
            f.attname
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is Actor
        ]
        if not pointing or not any(True for _ in text_fields(model)):
            continue
        condition = Q()
        for attname in pointing:
            condition |= Q(**{attname: actor.pk})
        keys = list(model._base_manager.filter(condition).values_list("pk", flat=True))
        if keys:
            tied.append((model, keys))
    return tied


def _replace_first_name(first: str | None, tied, erasure: Erasure) -> None:
    if first is None:
        return
    words = {Word(first): erasure.pseudonym}
    for model, keys in tied:
        for table in (model, history_of(model)):
            if table is None or not keys:
                continue
            rows = table._base_manager.filter(
                **{"id__in" if table is not model else "pk__in": keys}
            )
            _replace_words(table, rows, words, erasure)


def _replace_words(model, rows, words: dict[str, str], erasure) -> None:
    pk = model._meta.pk.attname
    for f in text_fields(model):
        if isinstance(f, models.JSONField):
            candidates = rows.exclude(**{f"{f.attname}__isnull": True})
        else:
            candidates = rows.filter(**{f"{f.attname}__icontains": next(iter(words))})
        for key, value in candidates.values_list(pk, f.attname).iterator():
            new = (
                _replaced_json(value, words)
                if isinstance(f, models.JSONField)
                else _replaced(value or "", words)
            )
            if new != value:
                if not isinstance(f, models.JSONField) and f.max_length:
                    new = new[: f.max_length]
                model._base_manager.filter(**{pk: key}).update(**{f.attname: new})
                erasure.counts[model._meta.db_table] += 1
