"""Demo rows written with ``bulk_create``, in batches."""

from collections import Counter, defaultdict

from django.db import models

from accounts.models import User


class RowSink:
    """Collects unsaved rows per model and writes them with ``bulk_create`` in batches."""

    def __init__(self, batch_size: int) -> None:
        self.batch_size = batch_size
        self.pending: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.counts: Counter = Counter()

    def add(self, row: models.Model) -> None:
        rows = self.pending[type(row)]
        rows.append(row)
        if len(rows) >= self.batch_size:
            self._flush(type(row))

    def create(self, rows: list) -> list:
        """Write ``rows`` (one model) now, so that children can point at them."""
        if rows:
            type(rows[0]).objects.bulk_create(rows, batch_size=self.batch_size)
            model = type(rows[0])
            self.counts["mothers" if model is User else model._meta.verbose_name_plural] += len(rows)
        return rows

    def flush(self) -> None:
        for model in list(self.pending):
            self._flush(model)

    def _flush(self, model: type[models.Model]) -> None:
        self.create(self.pending.pop(model, []))
