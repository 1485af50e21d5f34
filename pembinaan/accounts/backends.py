from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from pembinaan.accounts.services import phone_login_accounts
from pembinaan.lib.identifiers import parse_phone


class EmailOrPhoneBackend(ModelBackend):
    """Log in with an e-mail address, or (owners only) with a confirmed mobile number in any spelling.

    Staff and council accounts use e-mail only: a phone number is easier to guess and to
    share, and those accounts reach personal data or the council's figures.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        User = get_user_model()
        identifier = username.strip()
        candidates = []
        if "@" in identifier:
            candidates = list(User.objects.filter(email=identifier.lower())[:1])
        else:
            try:
                phone = parse_phone(identifier)
            except ValidationError:
                phone = None
            if phone:
                # A confirmed number only, where codes can confirm numbers (accounts.services).
                candidates = phone_login_accounts(phone)
        if not candidates:
            # Spend the same time as a real check so that timing does not reveal accounts.
            User().set_password(password)
            return None
        for user in candidates:
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
        return None
