"""Querysets that know whose rows they hold.

Every record belongs to one mother. Views fetch through ``for_mother`` (and,
in ``tracker.access``, ``get_owned_or_404``), so another person's id is a 404
by construction.
"""

from django.db import models
from django.dispatch import Signal


class MotherScopedQuerySet(models.QuerySet):
    #: The lookup from this model to the mother who owns the row.
    owner_lookup = "mother"

    def for_mother(self, mother):
        return self.filter(**{self.owner_lookup: mother})


class RegimenScopedQuerySet(MotherScopedQuerySet):
    owner_lookup = "regimen__mother"


#: Sent after a bulk write of records (``update``, ``bulk_create``, ``bulk_update``), which
#: sends no ``post_save``: ``sender`` is the model, ``mother_ids`` the mothers whose rows it
#: touched. ``tracker.closed_days`` listens, to forget their cached totals.
bulk_written = Signal()


class RecordsQuerySet(MotherScopedQuerySet):
    """The rows the dashboard counts (logs, and the babies, pregnancies and regimens they are
    counted by). Their bulk writes (``update``, and ``bulk_update`` through it, ``bulk_create``)
    say whose rows they touched (``bulk_written``), as ``save()`` and ``delete()`` do through
    the model signals, so no caller has to remember it. Whatever fields or days they touch:
    being sure costs a cold dashboard once."""

    def update(self, **kwargs) -> int:
        # Django's bulk_update() runs through here too.
        first = self.owner_lookup.partition("__")[0]
        if first in kwargs or f"{first}_id" in kwargs:  # rows move to another owner: both change
            pks = list(self.values_list("pk", flat=True))
            before = self._mothers_of(pks)
            updated = super().update(**kwargs)
            self._written(before | self._mothers_of(pks))
            return updated
        mothers = set(self.values_list(self.owner_lookup, flat=True).distinct())
        updated = super().update(**kwargs)
        self._written(mothers)
        return updated

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        self._written(self._mothers_of_objects(created))
        return created

    def _mothers_of(self, pks) -> set[int]:
        rows = self.model._base_manager.filter(pk__in=pks)
        return set(rows.values_list(self.owner_lookup, flat=True))

    def _mothers_of_objects(self, objs) -> set[int]:
        """The mothers of unsaved or just-created rows, from their own foreign keys."""
        first, _, rest = self.owner_lookup.partition("__")
        owner_ids = {getattr(obj, f"{first}_id") for obj in objs}
        if not rest:
            return owner_ids
        related = self.model._meta.get_field(first).related_model
        return set(related._base_manager.filter(pk__in=owner_ids).values_list(rest, flat=True))

    def _written(self, mother_ids: set[int]) -> None:
        mother_ids.discard(None)
        if mother_ids:
            bulk_written.send(sender=self.model, mother_ids=mother_ids)


class InfantRecordsQuerySet(RecordsQuerySet):
    owner_lookup = "infant__mother"


class RegimenRecordsQuerySet(RecordsQuerySet):
    owner_lookup = "regimen__mother"
