"""factory_boy factories for the domain; times are UTC, days are local."""

from datetime import UTC, date, datetime, timedelta

import factory

from accounts.models import User
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

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"mother{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Mother {n}")
    time_zone = "Europe/Rome"
    role = User.Role.MOTHER
    password = factory.django.Password(PASSWORD)


class ClinicianFactory(UserFactory):
    email = factory.Sequence(lambda n: f"clinician{n}@example.org")
    role = User.Role.CLINICIAN


class PregnancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pregnancy

    mother = factory.SubFactory(UserFactory)
    due_date = date(2026, 11, 1)


class InfantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Infant

    mother = factory.SubFactory(UserFactory)
    pregnancy = factory.SubFactory(PregnancyFactory, mother=factory.SelfAttribute("..mother"))
    name = factory.Sequence(lambda n: f"Baby {n}")
    birth_at = datetime(2026, 10, 30, 6, 0, tzinfo=UTC)
    gestational_weeks = 39
    gestational_days = 5
    delivery_mode = Infant.DeliveryMode.VAGINAL
    birth_weight_g = 3400


class SupplementProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplementProduct

    mother = factory.SubFactory(UserFactory)
    name = "Multi-strain probiotic"
    brand = "Example"
    strains = "Lactobacillus paracasei\nBifidobacterium breve"
    cfu_per_dose = 4_500_000_000


class RegimenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Regimen

    mother = factory.SubFactory(UserFactory)
    product = factory.SubFactory(SupplementProductFactory, mother=factory.SelfAttribute("..mother"))
    preset = Regimen.Preset.CUSTOM
    pregnancy = None
    doses_per_day = factory.LazyAttribute(lambda o: len(o.dose_times))
    dose_times = factory.LazyFunction(lambda: ["08:00", "20:00"])
    start_date = date(2026, 10, 1)
    end_date = None


class DoseLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DoseLog

    regimen = factory.SubFactory(RegimenFactory)
    slot_date = date(2026, 10, 10)
    slot_time = factory.LazyAttribute(lambda o: o.regimen.slot_times[0])
    status = DoseLog.Status.TAKEN
    taken_at = factory.LazyAttribute(
        lambda o: o.regimen.slot_at(o.slot_date, o.slot_time) if o.status == DoseLog.Status.TAKEN else None
    )


class FeedingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedingSession

    infant = factory.SubFactory(InfantFactory)
    started_at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    ended_at = factory.LazyAttribute(lambda o: o.started_at + timedelta(minutes=20))
    method = FeedingSession.Method.BREAST
    start_side = "left"
    left_seconds = 600
    right_seconds = 600
    switches = 1

    class Params:
        #: ``FeedingSessionFactory(formula=True)``: a 90 ml bottle of formula, no breast.
        formula = factory.Trait(
            method=FeedingSession.Method.FORMULA,
            start_side="",
            left_seconds=0,
            right_seconds=0,
            switches=0,
            bottle_ml=90,
        )


class SymptomEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SymptomEntry

    infant = factory.SubFactory(InfantFactory)
    kind = SymptomEntry.Kind.REGURGITATION
    occurred_at = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    size = SymptomEntry.Size.SMALL


class DailyCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DailyCheck

    infant = factory.SubFactory(InfantFactory)
    day = date(2026, 11, 2)
    no_symptoms = True
    other_than_breast_milk = False


class CareGrantFactory(factory.django.DjangoModelFactory):
    """An accepted grant (summary only, no expiry) from a mother to a clinician."""

    class Meta:
        model = "tracker.CareGrant"

    mother = factory.SubFactory(UserFactory)
    clinician = factory.SubFactory(ClinicianFactory)
    invited_email = factory.LazyAttribute(lambda o: o.clinician.email if o.clinician else "dr@example.org")
    scope = "summary"
    accepted_at = factory.LazyFunction(lambda: datetime.now(UTC))


#: The states of a clinician's access to a mother's record that the access tests go through.
GRANT_STATES = ("none", "summary", "summary_exports", "revoked", "expired", "not_accepted", "other_mother")


def clinician_with_grant(state: str, *, mother, other_mother):
    """A new clinician whose grant from ``mother`` is in ``state`` (one of ``GRANT_STATES``):
    none at all, active with that scope, revoked or expired a minute ago, an invitation not yet
    accepted, or a grant from ``other_mother`` instead."""
    clinician = ClinicianFactory()
    now = datetime.now(UTC)
    full = {"mother": mother, "clinician": clinician, "scope": "summary_exports"}
    if state in ("summary", "summary_exports"):
        CareGrantFactory(**{**full, "scope": state})
    elif state == "revoked":
        CareGrantFactory(**full, revoked_at=now - timedelta(minutes=1))
    elif state == "expired":
        CareGrantFactory(**full, expires_at=now - timedelta(minutes=1))
    elif state == "not_accepted":
        CareGrantFactory(**{**full, "clinician": None}, accepted_at=None, invited_email=clinician.email)
    elif state == "other_mother":
        CareGrantFactory(**{**full, "mother": other_mother})
    return clinician
