"""Signatures on the public sign-on page: requested, confirmed by an emailed link,
withdrawn (recorded, never deleted), and asked again when a new version is published."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from allies.models import Actor
from coalitions.align.models import Signature, StatementStatus, StatementVersion, UnityStatement
from weft.errors import ApplicationError
from weft.links import public_url
from weft.tokens import new_token, row_for_token
from weft.validation import require_text
from weft.vocabulary import ActorKind


def signable_version(statement: UnityStatement) -> StatementVersion | None:
    """The version organisations sign: the latest published one, while the statement is not
    archived."""
    if statement.status == StatementStatus.ARCHIVED:
        return None
    return statement.versions.filter(published_at__isnull=False).order_by("-number").first()


def _send_signature_email(*, signature, token: str, reconfirm: bool) -> None:
    """Email the signer their confirmation (and withdrawal) link once the signature is
    committed. The address is used here and nowhere else: never logged."""

    statement = signature.version.statement
    confirm = public_url(reverse("sign-confirm", args=[token]))
    withdraw = public_url(reverse("sign-withdraw", args=[token]))
    if reconfirm:
        opening = (
            f'A new version (version {signature.version.number}) of "{statement.title}" '
            f"was published. {signature.organisation_name} signed an earlier version: "
            "please confirm that it signs this one too."
        )
    else:
        opening = (
            f'Someone signed "{statement.title}" for {signature.organisation_name} with '
            "this address. If it was you, confirm the signature:"
        )
    message = (
        f"{opening}\n\n{confirm}\n\n"
        f"To withdraw the signature at any time:\n{withdraw}\n\n"
        "If you did not sign, ignore this message: nothing is published without confirmation."
    )
    transaction.on_commit(
        lambda: send_mail(
            f"Confirm your signature: {statement.title}",
            message,
            settings.DEFAULT_FROM_EMAIL,
            [signature.signer_email],
        )
    )


@transaction.atomic
def signature_request(
    *,
    version: StatementVersion,
    organisation_name: str,
    signer_name: str,
    signer_email: str,
    signer_title: str = "",
    show_publicly: bool = True,
):
    """An organisation signs a published version; the signature counts once the signer
    confirms it by the emailed link. Returns the signature (unconfirmed)."""

    version = StatementVersion.objects.select_related("statement").get(pk=version.pk)
    current = signable_version(version.statement)
    if version.published_at is None or current is None or current.pk != version.pk:
        raise ApplicationError(
            "Only the published version of a statement can be signed.",
            field="version",
            status=409,
            code="not_published",
        )
    organisation_name = require_text(
        organisation_name, field="organisation_name", what="The organisation's name"
    )[:200]
    signer_name = require_text(signer_name, field="signer_name", what="Your name")[:200]
    signer_email = (signer_email or "").strip()
    try:
        validate_email(signer_email)
    except ValidationError:
        raise ApplicationError("Give a valid email address.", field="signer_email") from None
    key = Signature.key_for(organisation_name)
    if Signature.objects.filter(version=version, organisation_key=key, withdrawn_at__isnull=True):
        raise ApplicationError(
            f"{organisation_name} has already signed this version (or a signature is waiting "
            "for confirmation).",
            field="organisation_name",
            status=409,
            code="already_signed",
        )
    token, token_hash = new_token()
    signature = Signature.objects.create(
        version=version,
        organisation_name=organisation_name,
        organisation=_organisation_named(version.statement.coalition_id, key),
        signer_name=signer_name,
        signer_title=(signer_title or "").strip()[:200],
        signer_email=signer_email,
        show_publicly=bool(show_publicly),
        confirmation_token_hash=token_hash,
    )
    _send_signature_email(signature=signature, token=token, reconfirm=False)
    return signature


def _organisation_named(coalition_id: int, key: str):
    """The coalition's organisation of that name, if exactly one (so the weaver sees who
    signed without matching by hand)."""

    names = Actor.objects.filter(coalition_id=coalition_id).exclude(kind=ActorKind.PERSON)
    matches = [a for a in names.only("id", "name") if Signature.key_for(a.name) == key]
    return matches[0] if len(matches) == 1 else None


def _signature_for_token(token: str):

    signature = row_for_token(
        Signature.objects.select_for_update(), token, field="confirmation_token_hash"
    )
    if not token or signature is None:
        raise ApplicationError(
            "This link is not valid: it may have been mistyped.",
            field="token",
            status=404,
            code="unknown_token",
        )
    return signature


@transaction.atomic
def signature_confirm(*, token: str):
    signature = _signature_for_token(token)
    if signature.withdrawn_at is not None:
        raise ApplicationError(
            "This signature was withdrawn; sign again to rejoin.",
            field="token",
            status=409,
            code="withdrawn",
        )
    if signature.confirmed_at is None:
        signature.confirmed_at = timezone.now()
        signature.save(update_fields=["confirmed_at"])
    return signature


@transaction.atomic
def signature_withdraw(*, token: str):
    """Withdraw a signature: recorded with its date, never deleted."""
    signature = _signature_for_token(token)
    if signature.withdrawn_at is None:
        signature.withdrawn_at = timezone.now()
        signature.save(update_fields=["withdrawn_at"])
    return signature


def signatures_ask_reconfirm(*, version: StatementVersion) -> int:
    """A new version was published: every organisation whose signature counts on an earlier
    version is asked to confirm this one (a new, unconfirmed signature with its own link).
    Returns how many were asked."""

    earlier = (
        Signature.objects.filter(
            version__statement_id=version.statement_id,
            version__number__lt=version.number,
            confirmed_at__isnull=False,
            withdrawn_at__isnull=True,
        )
        # An erased signer's signature stands for its organisation (another signer confirmed
        # it) but has no one to ask: that other signer is asked.
        .exclude(signer_email="")
        .order_by("organisation_key", "-version__number")
    )
    already = set(version.signatures.values_list("organisation_key", flat=True))
    asked = 0
    for signature in earlier:
        if signature.organisation_key in already:
            continue
        already.add(signature.organisation_key)
        token, token_hash = new_token()
        fresh = Signature.objects.create(
            version=version,
            organisation=signature.organisation,
            organisation_name=signature.organisation_name,
            signer_name=signature.signer_name,
            signer_title=signature.signer_title,
            signer_email=signature.signer_email,
            show_publicly=signature.show_publicly,
            confirmation_token_hash=token_hash,
        )
        _send_signature_email(signature=fresh, token=token, reconfirm=True)
        asked += 1
    return asked
