from django.urls import path

from uploads.hooks import tusd_hooks

urlpatterns = [path("hooks/", tusd_hooks, name="uploads-tusd-hooks")]
