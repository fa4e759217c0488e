import pytest


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.get(username="officer")


@pytest.fixture
def researcher(django_user_model):
    return django_user_model.objects.get(username="researcher")
