"""The public site's account pages: sign in and out, registration confirmed by email,
password reset, and the account page. Staff use the same sign-in; only people with
admin access are ever sent to /admin/."""

from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import get_language
from django.views.decorators.debug import sensitive_post_parameters

from wagtail.users.models import UserProfile

from accounts import emails, mail_limits
from accounts.approval import approvers
from accounts.forms import ConfirmRegistrationForm, PasswordResetForm, RegistrationForm, SignInForm
from accounts.middleware import has_admin_access, is_admin_path
from accounts.models import ResearcherProfile
from accounts.tokens import confirmation_token


def home_url() -> str:
    return reverse("wagtail_serve", args=("",))


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm

    def get_redirect_url(self) -> str:
        """`next` only to a path of this site (Django checks host and scheme), and never
        into the admin for someone without admin access."""
        target = super().get_redirect_url()
        user = self.request.user
        if target and is_admin_path(target) and user.is_authenticated and not has_admin_access(user):
            return ""
        return target

    def get_default_redirect_url(self) -> str:
        return reverse("accounts:account")


class SignOutView(auth_views.LogoutView):
    """Signing out is a POST with the CSRF token. GET shows that form: the header links
    here rather than holding a form, so pages carry no per-response token and two
    refusals still look exactly alike."""

    http_method_names = ["get", "post", "options"]
    template_name = "accounts/logout.html"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(home_url())
        return render(request, self.template_name)

    def get_default_redirect_url(self) -> str:
        return home_url()


@login_required
def account(request: HttpRequest) -> HttpResponse:
    profile = ResearcherProfile.objects.filter(user=request.user).first()
    return render(
        request, "accounts/account.html", {"profile": profile, "has_admin_access": has_admin_access(request.user)}
    )


@sensitive_post_parameters()
def register(request: HttpRequest) -> HttpResponse:
    """The same answer, and one message to the address, whether or not it has an account."""
    if request.user.is_authenticated:
        return redirect("accounts:account")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if refused := mail_limits.refusal(request):
            return refused
        if mail_limits.may_mail(request, form.cleaned_data["email"]):
            _register(form.cleaned_data)
        return redirect("accounts:register-sent")
    return render(request, "accounts/register.html", {"form": form})


def _register(data: dict) -> None:
    email = data["email"]
    user_model = get_user_model()
    existing = user_model.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).order_by("pk").first()
    if existing is None:
        try:
            with transaction.atomic():
                user = user_model.objects.create_user(
                    username=email, email=email, first_name=data["name"], is_active=False
                )
                ResearcherProfile.objects.create(user=user, institution=data["institution"], purpose=data["purpose"])
                UserProfile.objects.update_or_create(user=user, defaults={"preferred_language": get_language()})
        except IntegrityError:  # the same address registered at the same moment
            return
        emails.send_confirmation(user)
    elif getattr(existing, "researcher_profile", None) and existing.researcher_profile.state == (
        ResearcherProfile.State.PENDING_EMAIL
    ):
        # Not confirmed yet: the holder of the mailbox settles the details on the confirmation page.
        emails.send_confirmation(existing)
    elif existing.email:
        emails.send_already_registered(existing)


def register_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_sent.html")


class ConfirmRegistrationView(auth_views.PasswordResetConfirmView):
    """Django's reset-link view (the token leaves the address before the form is shown)
    with the registration token and form; confirmed researchers then wait for approval."""

    template_name = "accounts/confirm.html"
    form_class = ConfirmRegistrationForm
    token_generator = confirmation_token
    reset_url_token = "confirm"
    success_url = reverse_lazy("accounts:confirmed")

    def get_user(self, uidb64: str):
        user = super().get_user(uidb64)
        profile = getattr(user, "researcher_profile", None) if user else None
        if profile is None or profile.state != ResearcherProfile.State.PENDING_EMAIL:
            return None
        return user

    def form_valid(self, form):
        response = super().form_valid(form)
        for approver in approvers():
            emails.send_awaiting_approval(approver, form.user)
        return response


def confirmed(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/confirmed.html")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password-reset-sent")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        if refused := mail_limits.refusal(self.request):
            return refused
        return super().form_valid(form)


def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_sent.html")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-done")


def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_done.html")
