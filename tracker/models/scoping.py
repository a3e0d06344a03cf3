"""Querysets that know whose rows they hold.

Every record belongs to one mother. Views fetch through ``for_mother`` (and,
in ``tracker.access``, ``get_owned_or_404``), so another person's id is a 404
by construction.
"""

from django.db import models


class MotherScopedQuerySet(models.QuerySet):
    #: The lookup from this model to the mother who owns the row.
    owner_lookup = "mother"

    def for_mother(self, mother):
        return self.filter(**{self.owner_lookup: mother})


class InfantScopedQuerySet(MotherScopedQuerySet):
    owner_lookup = "infant__mother"


class RegimenScopedQuerySet(MotherScopedQuerySet):
    owner_lookup = "regimen__mother"
