"""The public site's account forms. Every field is bounded and Django's fields refuse
NUL characters, so hostile input is a form error; names and purposes are shown escaped."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _

from accounts import emails, mail_limits
from accounts.models import ResearcherProfile

NAME_MAX_LENGTH = 150  # Django's User.first_name, where the full name is kept
EMAIL_MAX_LENGTH = 150  # the email is also the username, which has this limit


def normalise_login(value: str) -> str:
    """Researchers sign in with their email, kept in lower case; staff usernames as typed."""
    return value.lower() if "@" in value else value


class SignInForm(auth_forms.AuthenticationForm):
    """Django's sign-in form, so the attempt goes through `authenticate` and django-axes.
    One message for every refusal: wrong password, unknown account, or an account not yet
    confirmed or approved, so the answer never tells which accounts exist."""

    username = auth_forms.UsernameField(
        label=_("Email or username"), widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _(
            "The email or username and password do not match an active account. If you registered recently, "
            "your account may still be waiting for email confirmation or for approval."
        ),
    }

    def clean_username(self) -> str:
        return normalise_login(self.cleaned_data["username"])


class ProfileFields(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=NAME_MAX_LENGTH)
    institution = forms.CharField(label=_("Institution"), max_length=200)
    purpose = forms.CharField(
        label=_("Purpose of your research"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you are researching and which material you hope to consult."),
    )


class RegistrationForm(ProfileFields):
    email = forms.EmailField(label=_("Email"), max_length=EMAIL_MAX_LENGTH)
    field_order = ["name", "email", "institution", "purpose"]

    def clean_email(self) -> str:
        return self.cleaned_data["email"].lower()


class ConfirmRegistrationForm(ProfileFields, auth_forms.SetPasswordForm):
    """The link in the confirmation email leads here: whoever holds the mailbox chooses
    the password and settles the details, so nobody can register someone else's address
    with a password of their own."""

    field_order = ["name", "institution", "purpose", "new_password1", "new_password2"]

    def __init__(self, user: AbstractBaseUser, *args, **kwargs) -> None:
        profile = getattr(user, "researcher_profile", None)  # None on an invalid link's page
        if profile is not None:
            kwargs["initial"] = {"name": user.first_name, "institution": profile.institution}
            kwargs["initial"]["purpose"] = profile.purpose
        super().__init__(user, *args, **kwargs)

    def save(self, commit: bool = True) -> AbstractBaseUser:
        self.user.first_name = self.cleaned_data["name"]
        user = super().save(commit=False)
        profile = user.researcher_profile
        profile.institution = self.cleaned_data["institution"]
        profile.purpose = self.cleaned_data["purpose"]
        profile.state = ResearcherProfile.State.PENDING_APPROVAL
        if commit:
            user.save()
            profile.save()
        return user


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form (only active accounts with a password get a message), with the
    message in the recipient's language and the link to BASE_URL."""

    email = forms.EmailField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def save(self, request, **kwargs) -> None:
        if not mail_limits.may_mail(request, self.cleaned_data["email"]):
            return
        for user in self.get_users(self.cleaned_data["email"]):
            emails.send_password_reset(user)


class RefusalForm(forms.Form):
    reason = forms.CharField(label=_("Reason (sent to the researcher)"), max_length=1000, required=False)
