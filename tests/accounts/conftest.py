import re
from urllib.parse import urlsplit

import pytest

from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client

from accounts.models import ResearcherProfile
from heritage.access import ADMINISTRATORS

PASSWORD = "Mật-khẩu-đủ-dài-2026"
NEW_PASSWORD = "Một-mật-khẩu-khác-2027"


@pytest.fixture
def staff(django_user_model):
    """The demo's officer, reviewer and researcher with a known password, its superuser
    `admin`, and `quantri`, a member of Administrators who is not a superuser."""
    users = {name: django_user_model.objects.get(username=name) for name in ("officer", "reviewer", "researcher")}
    users["admin"] = django_user_model.objects.get(username="admin")
    users["quantri"] = django_user_model.objects.create_user("quantri", "quantri@example.org")
    users["quantri"].groups.add(Group.objects.get(name=ADMINISTRATORS))
    for user in users.values():
        user.set_password(PASSWORD)
        user.save()
    return users


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def links_in(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def path_of(link: str) -> str:
    return urlsplit(link).path


def register(client: Client, email: str, language: str = "vi", **fields):
    data = {"name": "Nguyễn Thị Hà", "email": email, "institution": "Viện Dân tộc học", "purpose": "Nghiên cứu lễ hội"}
    return client.post(f"/{language}/account/register/", {**data, **fields})


def confirm(client: Client, link: str, password: str = PASSWORD, **fields):
    """Open the confirmation link (which moves its token out of the address) and send the form."""
    response = client.get(path_of(link))
    assert response.status_code == 302, response.status_code
    form_url = response["Location"]
    data = {"name": "Nguyễn Thị Hà", "institution": "Viện Dân tộc học", "purpose": "Nghiên cứu lễ hội"}
    data |= {"new_password1": password, "new_password2": password, **fields}
    return client.post(form_url, data)


@pytest.fixture
def pending_researcher(django_user_model):
    """Someone who confirmed their email and now waits for approval."""
    mail.outbox.clear()
    client = Client()
    register(client, "cho.duyet@example.org")
    confirm(client, links_in(mail.outbox[-1])[0])
    mail.outbox.clear()
    user = django_user_model.objects.get(username="cho.duyet@example.org")
    assert user.researcher_profile.state == ResearcherProfile.State.PENDING_APPROVAL
    return user
