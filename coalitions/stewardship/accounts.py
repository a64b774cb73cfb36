"""How django-allauth behaves in Weft: no open sign-up, and links built from the site's public
address."""

from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from weft.links import public_url


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts are made by invitation (coalitions/stewardship/views/), never by a stranger
        # who found the sign-up page.
        return False

    def get_reset_password_from_key_url(self, key: str) -> str:
        # allauth's own reverse of the reset address, with the key in place of its two parts.
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return public_url(path.replace("UID-KEY", quote(key)))
