"""The Django admin has every model, and each list page renders."""

import pytest
from django.contrib import admin
from django.test import Client

from accounts.models import User
from tests.factories import DailyCheckFactory, DoseLogFactory, FeedingSessionFactory, SymptomEntryFactory
from tracker.models import (
    DailyCheck,
    DoseLog,
    FeedingSession,
    Infant,
    Pregnancy,
    Regimen,
    SupplementProduct,
    SymptomEntry,
)

MODELS = [
    User,
    Pregnancy,
    Infant,
    SupplementProduct,
    Regimen,
    DoseLog,
    FeedingSession,
    SymptomEntry,
    DailyCheck,
]


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=[m.__name__ for m in MODELS])
def test_every_model_is_in_the_admin_with_a_working_list(model):
    DoseLogFactory()
    FeedingSessionFactory()
    SymptomEntryFactory()
    DailyCheckFactory()
    assert admin.site.is_registered(model)
    staff = User.objects.create_superuser(email="admin@example.org", password="x-admin-pass-1")
    client = Client()
    client.force_login(staff)
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == model.objects.count() > 0
