"""The public sign-on page of a published statement: no login, CSRF protected, a
honeypot, throttled per client address. No email address is ever shown on it."""

from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from coalitions.align.forms import SignOnForm
from coalitions.align.models import Signature, UnityStatement
from coalitions.align.selectors import public_signatories
from coalitions.align.services.signatures import (
    signable_version,
    signature_confirm,
    signature_request,
    signature_withdraw,
)
from weft.markdown import render_markdown
from weft.pages import attempt
from weft.tokens import row_for_token
from weft.vocabulary import SIGNATORY_DEFINITION

# ---------------------------------------------------------------------------------------------
# The public sign-on page of a published statement: no login, CSRF protected, a honeypot,
# throttled per client address. No email address is ever shown on it.
SIGN_ON_WINDOW_SECONDS = 600


SIGN_ON_ATTEMPTS = 5  # per address and window: enough for a person, too few for a script


def _sign_on_throttled(request) -> bool:
    """Count a sign-on attempt for the client's address; True when it is one too many. The
    address is only a cache key, never stored with the signature or logged."""
    key = f"sign-on-attempts:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, SIGN_ON_WINDOW_SECONDS)
    return cache.incr(key) > SIGN_ON_ATTEMPTS


def _public_statement(statement_id: int):
    statement = get_object_or_404(
        UnityStatement.objects.select_related("coalition"), pk=statement_id
    )
    version = signable_version(statement)
    if version is None:
        raise Http404("This statement is not published.")
    return statement, version


def sign_on(request, statement_id: int):
    statement, version = _public_statement(statement_id)
    status = 200
    form = SignOnForm(request.POST or None)
    if request.method == "POST":
        if _sign_on_throttled(request):
            form.add_error(None, "Too many signatures from your address. Wait a few minutes.")
            status = 429
        elif form.is_valid():
            if form.cleaned_data["website"]:
                # A bot filled the honeypot: answer as if it worked, record nothing.
                return render(request, "public/sign_on_sent.html", {"statement": statement})
            data = {
                k: v for k, v in form.cleaned_data.items() if k not in ("website", "authorised")
            }
            signed = attempt(request, lambda: signature_request(version=version, **data), form=form)
            if not signed.refused:
                return render(request, "public/sign_on_sent.html", {"statement": statement})
            status = signed.status
        else:
            status = 400
    context = {
        "statement": statement,
        "version": version,
        "body": render_markdown(version.body),
        "signatories": public_signatories(statement),
        "signatory_definition": SIGNATORY_DEFINITION,
        "form": form,
    }
    return render(request, "public/sign_on.html", context, status=status)


def _token_page(request, token: str, *, withdraw: bool):
    if request.method == "POST":
        write = signature_withdraw if withdraw else signature_confirm
        done = attempt(request, lambda: write(token=token), redirecting=False)
        if done.refused:
            return render(
                request,
                "public/sign_token.html",
                {"error": done.refused.message},
                status=done.status,
            )
        return render(
            request,
            "public/sign_token.html",
            {"signature": done.result, "done": True, "withdraw": withdraw},
        )
    # A GET only shows the button: mail scanners open links, and must not sign anything.
    signature = row_for_token(
        Signature.objects.select_related("version__statement"),
        token,
        field="confirmation_token_hash",
    )
    if signature is None:
        return render(
            request,
            "public/sign_token.html",
            {"error": "This link is not valid: it may have been mistyped."},
            status=404,
        )
    return render(request, "public/sign_token.html", {"signature": signature, "withdraw": withdraw})


def sign_confirm(request, token: str):
    return _token_page(request, token, withdraw=False)


def sign_withdraw(request, token: str):
    return _token_page(request, token, withdraw=True)
