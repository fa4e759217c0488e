"""Administrators approve researchers into the Researchers group, or refuse them. Only
superusers and members of Administrators may (Officers and Reviewers may not, and
nobody decides on their own registration); each decision is mailed to the researcher."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts import emails
from accounts.models import ResearcherProfile
from heritage.access import ADMINISTRATORS, RESEARCHERS


def may_approve(user: AbstractBaseUser) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.groups.filter(name=ADMINISTRATORS).exists()


def approvers() -> QuerySet:
    """Who is told that a researcher is waiting."""
    return (
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(groups__name=ADMINISTRATORS), is_active=True)
        .exclude(email="")
        .distinct()
    )


def decide(profile_pk: int, approver: AbstractBaseUser, approve: bool, reason: str = "") -> ResearcherProfile | None:
    """Approve or refuse a registration waiting for approval; None when there is no such
    registration or `approver` may not decide on it."""
    if not may_approve(approver):
        return None
    with transaction.atomic():
        profile = (
            ResearcherProfile.objects.select_for_update()
            .filter(pk=profile_pk, state=ResearcherProfile.State.PENDING_APPROVAL)
            .exclude(user=approver)
            .select_related("user")
            .first()
        )
        if profile is None:
            return None
        user = profile.user
        profile.state = ResearcherProfile.State.APPROVED if approve else ResearcherProfile.State.REFUSED
        profile.refusal_reason = "" if approve else reason
        profile.decided_at = timezone.now()
        profile.decided_by = approver
        profile.save()
        user.is_active = approve
        user.save(update_fields=["is_active"])
        if approve:
            user.groups.add(Group.objects.get(name=RESEARCHERS))
    emails.send_decision(user)
    return profile
