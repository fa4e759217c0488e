"""Single-use, expiring links: a registration is confirmed by a link whose token is
Django's password-reset token under another salt (so neither kind of link opens the
other's form), tied to the account's state, so it dies once used or after
PASSWORD_RESET_TIMEOUT."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class RegistrationConfirmationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.tokens.RegistrationConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp: int) -> str:
        profile = getattr(user, "researcher_profile", None)
        state = profile.state if profile else ""
        return f"{super()._make_hash_value(user, timestamp)}{state}"


confirmation_token = RegistrationConfirmationTokenGenerator()
