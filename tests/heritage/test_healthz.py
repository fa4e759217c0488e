"""`/healthz` as a load balancer, an operator and a stranger meet it: status for everyone,
details for staff and for the monitoring token, no storage writes from anonymous calls."""

import pytest
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from django.core.files.storage import default_storage

TOKEN = "monitoring-token-3f9a7c"
SECRET_DETAIL = "bucket heritage-private-7731 denied for key AKIAEXAMPLE"


@pytest.fixture(autouse=True)
def _token(settings):
    settings.HEALTHZ_TOKEN = TOKEN


@pytest.fixture(autouse=True)
def _no_job_waiting(db):
    """The session's demo load leaves its media jobs queued for a worker these tests never
    start, and after two minutes the queue counts as stuck; the queue's health is tested with
    real workers in tests/engines/test_media_workers.py."""
    DBTaskResult.objects.all().delete()


@pytest.fixture
def storage_calls(monkeypatch):
    """Every save and delete made on the default storage during the test."""
    calls = []
    storage_class = default_storage.__class__
    for method in ("save", "delete"):
        original = getattr(storage_class, method)

        def recording(self, *args, _original=original, _method=method, **kwargs):
            calls.append(_method)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(storage_class, method, recording)
    return calls


@pytest.fixture
def broken_storage(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError(SECRET_DETAIL)

    for method in ("exists", "save", "open"):
        monkeypatch.setattr(default_storage.__class__, method, refuse)


def with_token(token=TOKEN):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def assert_detailed(body):
    assert set(body["checks"]) == {"database", "storage", "worker"}
    assert "duration_ms" in body
    # Without a search node there is no node index to report (see the engine test for one).
    assert body["search_index"] == {"backend": "database"}


# Anonymous: status only ----------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_callers_get_the_status_only_and_cause_no_storage_writes(client, storage_calls):
    for _ in range(3):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json")
        assert response.json() == {"status": "ok"}
        assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert storage_calls == []


@pytest.mark.django_db
def test_a_failing_check_answers_503_without_its_error_to_anonymous_callers(client, broken_storage):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "failing"}
    assert "heritage-private" not in response.content.decode()


@pytest.mark.django_db
def test_a_failing_check_is_named_with_its_error_for_the_token(client, broken_storage):
    response = client.get("/healthz", **with_token())
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["storage"]["ok"] is False
    assert SECRET_DETAIL in body["checks"]["storage"]["error"]
    assert body["checks"]["database"]["ok"] is True


# Details for the token and for staff --------------------------------------------------------------


@pytest.mark.django_db
def test_the_token_sees_every_check_and_storage_is_written_and_read(client, storage_calls):
    response = client.get("/healthz", **with_token())
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert_detailed(body)
    for part in ("database", "storage", "worker"):
        assert body["checks"][part]["ok"] is True, part
    assert body["checks"]["worker"]["backend"] == "database"
    assert "queued" in body["checks"]["worker"]
    assert storage_calls == ["save", "delete"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "authorization",
    ["Bearer wrong-token", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}", TOKEN, "Bearer ", ""],
)
def test_a_wrong_token_gets_the_status_only(client, authorization):
    response = client.get("/healthz", HTTP_AUTHORIZATION=authorization)
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_no_token_configured_opens_nothing(client, settings):
    settings.HEALTHZ_TOKEN = ""
    assert client.get("/healthz", **with_token("")).json() == {"status": "ok"}
    assert client.get("/healthz", HTTP_AUTHORIZATION="Bearer").json() == {"status": "ok"}


@pytest.mark.django_db
def test_staff_see_the_details(client, officer):
    client.force_login(officer)
    assert_detailed(client.get("/healthz").json())


@pytest.mark.django_db
def test_signed_in_visitors_without_admin_access_get_the_status_only(client, researcher):
    client.force_login(researcher)
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
@hypothesis_settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(authorization=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=60))
def test_no_authorization_header_breaks_the_check_or_opens_the_details(client, authorization):
    response = client.get("/healthz", HTTP_AUTHORIZATION=authorization)
    assert response.status_code == 200
    words = authorization.split()
    expected_details = len(words) == 2 and words[0].lower() == "bearer" and words[1] == TOKEN
    assert ("checks" in response.json()) == expected_details
