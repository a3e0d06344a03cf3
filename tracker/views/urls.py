from django.urls import include, path

from tracker.views import dashboard, health, history, reminder_links, reminder_settings, setup, today

urlpatterns = [
    path("", today.today, name="today"),
    path("healthz", health.healthz, name="healthz"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("today/dose/", today.dose_take, name="dose_take"),
    path("today/dose/slot/", today.dose_slot, name="dose_slot"),
    path("today/feed/start/", today.feed_start, name="feed_start"),
    path("today/feed/<int:pk>/switch/", today.feed_switch, name="feed_switch"),
    path("today/feed/<int:pk>/stop/", today.feed_stop, name="feed_stop"),
    path("today/symptom/", today.symptom_quick, name="symptom_quick"),
    path("today/crying/start/", today.crying_start, name="crying_start"),
    path("today/crying/<int:pk>/stop/", today.crying_stop, name="crying_stop"),
    path("today/check/", today.daily_check, name="daily_check"),
    path("setup/", setup.overview, name="setup"),
    path("setup/due-date/", setup.due_date, name="setup_due_date"),
    path("setup/baby/add/", setup.infant_add, name="infant_add"),
    path("setup/baby/<int:pk>/edit/", setup.infant_edit, name="infant_edit"),
    path("setup/baby/<int:pk>/delete/", setup.infant_delete, name="infant_delete"),
    path("setup/regimen/add/", setup.regimen_add, name="regimen_add"),
    path("setup/regimen/<int:pk>/edit/", setup.regimen_edit, name="regimen_edit"),
    path("settings/reminders/", reminder_settings.reminder_settings, name="reminder_settings"),
    path("r/took/<str:token>/", reminder_links.took, name="reminder_took"),
    path("r/skip/<str:token>/", reminder_links.skip, name="reminder_skip"),
    path("r/snooze/<str:token>/", reminder_links.snooze, name="reminder_snooze"),
    path("r/unsubscribe/<str:token>/", reminder_links.unsubscribe, name="reminder_unsubscribe"),
    path("history/", include(history.urlpatterns)),
]
