"""Every URL of the tracker, each path and name written out (the root map adds no prefix)."""

from django.urls import path

from tracker.exports.daily import DAILY
from tracker.exports.dictionary import DICTIONARY
from tracker.exports.records import CHECKS, DOSES, FEEDS, SYMPTOMS
from tracker.exports.weekly import WEEKLY
from tracker.views import (
    clinician,
    cohort,
    dashboard,
    documents,
    exports,
    health,
    history,
    push,
    pwa,
    reminder_links,
    reminder_settings,
    setup,
    sharing,
    today,
)

urlpatterns = [
    path("", today.today, name="today"),
    path("healthz", health.healthz, name="healthz"),
    # The installable app: at the root, so the service worker's scope is every page
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    # Today's one-tap actions
    path("today/dose/", today.dose_take, name="dose_take"),
    path("today/dose/slot/", today.dose_slot, name="dose_slot"),
    path("today/feed/start/", today.feed_start, name="feed_start"),
    path("today/feed/<int:pk>/switch/", today.feed_switch, name="feed_switch"),
    path("today/feed/<int:pk>/stop/", today.feed_stop, name="feed_stop"),
    path("today/symptom/", today.symptom_quick, name="symptom_quick"),
    path("today/crying/start/", today.crying_start, name="crying_start"),
    path("today/crying/<int:pk>/stop/", today.crying_stop, name="crying_stop"),
    path("today/check/", today.daily_check, name="daily_check"),
    path("today/undo/", today.undo, name="undo"),
    # Set-up
    path("setup/", setup.overview, name="setup"),
    path("setup/due-date/", setup.due_date, name="setup_due_date"),
    path("setup/baby/add/", setup.infant_add, name="infant_add"),
    path("setup/baby/<int:pk>/edit/", setup.infant_edit, name="infant_edit"),
    path("setup/baby/<int:pk>/delete/", setup.infant_delete, name="infant_delete"),
    path("setup/regimen/add/", setup.regimen_add, name="regimen_add"),
    path("setup/regimen/<int:pk>/edit/", setup.regimen_edit, name="regimen_edit"),
    # Reminder emails: her settings, and the links in each email
    path("settings/reminders/", reminder_settings.reminder_settings, name="reminder_settings"),
    path("settings/reminders/devices/", push.push_subscribe, name="push_subscribe"),
    path("settings/reminders/devices/<int:pk>/remove/", push.push_device_remove, name="push_device_remove"),
    path("r/push/took/<str:token>/", push.push_took, name="reminder_push_took"),
    path("r/push/snooze/<str:token>/", push.push_snooze, name="reminder_push_snooze"),
    path("r/took/<str:token>/", reminder_links.took, name="reminder_took"),
    path("r/skip/<str:token>/", reminder_links.skip, name="reminder_skip"),
    path("r/snooze/<str:token>/", reminder_links.snooze, name="reminder_snooze"),
    path("r/unsubscribe/<str:token>/", reminder_links.unsubscribe, name="reminder_unsubscribe"),
    # History
    path("history/doses/", history.dose_list, name="history_doses"),
    path("history/doses/add/", history.dose_add, name="dose_add"),
    path("history/doses/<int:pk>/edit/", history.dose_edit, name="dose_edit"),
    path("history/doses/<int:pk>/delete/", history.dose_delete, name="dose_delete"),
    path("history/feeds/", history.feed_list, name="history_feeds"),
    path("history/feeds/add/", history.feed_add, name="feed_add"),
    path("history/feeds/<int:pk>/edit/", history.feed_edit, name="feed_edit"),
    path("history/feeds/<int:pk>/delete/", history.feed_delete, name="feed_delete"),
    path("history/symptoms/", history.symptom_list, name="history_symptoms"),
    path("history/symptoms/add/", history.symptom_add, name="symptom_add"),
    path("history/symptoms/<int:pk>/edit/", history.symptom_edit, name="symptom_edit"),
    path("history/symptoms/<int:pk>/delete/", history.symptom_delete, name="symptom_delete"),
    path("history/checks/", history.check_list, name="history_checks"),
    path("history/checks/<int:pk>/edit/", history.check_edit, name="check_edit"),
    path("history/checks/<int:pk>/delete/", history.check_delete, name="check_delete"),
    # Her downloads
    path("exports/", exports.export_index, name="export_index"),
    path("exports/all.zip", exports.export_archive, name="export_archive"),
    path("exports/doses.csv", exports.export_csv, {"export": DOSES}, name="export_doses"),
    path("exports/feeds.csv", exports.export_csv, {"export": FEEDS}, name="export_feeds"),
    path("exports/symptoms.csv", exports.export_csv, {"export": SYMPTOMS}, name="export_symptoms"),
    path("exports/checks.csv", exports.export_csv, {"export": CHECKS}, name="export_checks"),
    path("exports/daily.csv", exports.export_csv, {"export": DAILY}, name="export_daily"),
    path("exports/weekly.csv", exports.export_csv, {"export": WEEKLY}, name="export_weekly"),
    path("exports/dictionary.csv", exports.export_csv, {"export": DICTIONARY}, name="export_dictionary"),
    path("exports/summary.pdf", documents.export_pdf, name="export_pdf"),
    path("exports/bundle.json", documents.export_fhir, name="export_fhir"),
    # Sharing with clinicians
    path("sharing/", sharing.sharing, name="sharing"),
    path("sharing/<int:pk>/revoke/", sharing.grant_revoke, name="grant_revoke"),
    path("sharing/invite/<str:token>/", sharing.invite_accept, name="invite_accept"),
    # The clinician's screens and her patients' downloads
    path("clinician/", clinician.clinician_home, name="clinician_home"),
    path("clinician/<int:mother_id>/", clinician.clinician_patient, name="clinician_patient"),
    path("clinician/cohort.csv", cohort.cohort_export, name="clinician_cohort"),
    path("clinician/cohort-weekly.csv", cohort.cohort_weekly_export, name="clinician_cohort_weekly"),
    path(
        "clinician/<int:mother_id>/exports/doses.csv",
        clinician.clinician_export_csv,
        {"export": DOSES},
        name="clinician_export_doses",
    ),
    path(
        "clinician/<int:mother_id>/exports/feeds.csv",
        clinician.clinician_export_csv,
        {"export": FEEDS},
        name="clinician_export_feeds",
    ),
    path(
        "clinician/<int:mother_id>/exports/symptoms.csv",
        clinician.clinician_export_csv,
        {"export": SYMPTOMS},
        name="clinician_export_symptoms",
    ),
    path(
        "clinician/<int:mother_id>/exports/checks.csv",
        clinician.clinician_export_csv,
        {"export": CHECKS},
        name="clinician_export_checks",
    ),
    path(
        "clinician/<int:mother_id>/exports/daily.csv",
        clinician.clinician_export_csv,
        {"export": DAILY},
        name="clinician_export_daily",
    ),
    path(
        "clinician/<int:mother_id>/exports/weekly.csv",
        clinician.clinician_export_csv,
        {"export": WEEKLY},
        name="clinician_export_weekly",
    ),
    path(
        "clinician/<int:mother_id>/exports/dictionary.csv",
        clinician.clinician_export_csv,
        {"export": DICTIONARY},
        name="clinician_export_dictionary",
    ),
    path(
        "clinician/<int:mother_id>/exports/summary.pdf",
        documents.clinician_export_pdf,
        name="clinician_export_pdf",
    ),
    path(
        "clinician/<int:mother_id>/exports/bundle.json",
        documents.clinician_export_fhir,
        name="clinician_export_fhir",
    ),
]
