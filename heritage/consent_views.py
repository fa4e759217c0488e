"""The admin's consent records (a snippet listing under "Consent") and their withdrawal,
open to Officers, Reviewers and Administrators (migration 0005)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from wagtail.admin import messages
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.snippets.views.snippets import CreateView, IndexView, SnippetViewSet

from heritage.consent import withdraw
from heritage.models.consent import ConsentRecord

WITHDRAW_PERMISSION = "heritage.change_consentrecord"
WITHDRAW_URL_NAME = "wagtailsnippets_heritage_consentrecord:withdraw"


class ConsentRecordIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.withdrawn_at is None and self.request.user.has_perm(WITHDRAW_PERMISSION):
            url = reverse(WITHDRAW_URL_NAME, args=[instance.pk])
            buttons.append(MenuItem(_("Withdraw consent"), url=url, icon_name="cross", priority=40))
        return buttons


class ConsentRecordCreateView(CreateView):
    def save_instance(self):
        # Who recorded the consent is the person signed in, never a form field.
        self.form.instance.recorded_by = self.request.user
        return super().save_instance()


class WithdrawConsentView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "heritage/admin/withdraw_consent.html"
    page_title = _("Withdraw consent")
    header_icon = "cross"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.has_perm(WITHDRAW_PERMISSION):
            raise PermissionDenied
        self.record = get_object_or_404(ConsentRecord.objects.select_related("entry", "contributor"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self) -> str:
        return str(self.record)

    def get_context_data(self, **kwargs):
        return super().get_context_data(record=self.record, **kwargs)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        withdraw(self.record, request.user)
        messages.success(
            request,
            _("Consent of %(person)s withdrawn: “%(entry)s” and its recordings are no longer shown outside staff.")
            % {"person": self.record.contributor, "entry": self.record.entry.title},
        )
        return redirect("wagtailsnippets_heritage_consentrecord:list")


class ConsentRecordViewSet(SnippetViewSet):
    model = ConsentRecord
    icon = "doc-full"
    menu_label = _("Consent")
    menu_name = "consent"
    add_to_admin_menu = True
    menu_order = 250
    index_view_class = ConsentRecordIndexView
    add_view_class = ConsentRecordCreateView
    list_display = ["contributor", "entry", "status_label", "given_on", "ends_on", "recorded_by"]
    list_filter = ["scope"]
    copy_view_enabled = False

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [path("withdraw/<int:pk>/", WithdrawConsentView.as_view(), name="withdraw")]
