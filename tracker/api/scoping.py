"""Whose record an API request reads or writes, by the same rules as the pages.

A mother's own routes (``/api/v1/feeds/``) are hers alone: a clinician gets 404 there, as on
her pages. A clinician reads a patient's record under ``/api/v1/patients/<mother_id>/…``,
read-only, through ``tracker.access.get_patient_or_404`` on every request: the summary with
any active grant, the records only with a grant that covers the downloads. Anything else, a
revoked or expired grant included, is a 404 at once. Objects are fetched with
``get_owned_or_404`` over ``for_mother`` querysets, so another mother's id is a 404 too."""

from collections.abc import Callable

from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from rest_framework import mixins, permissions, viewsets

from accounts.models import User
from tracker.access import get_owned_or_404, get_patient_or_404
from tracker.api.idempotency import IdempotentMixin
from tracker.models import AuditEvent
from tracker.selectors.history import record_label
from tracker.sharing.services import audit_deleted, audit_record

#: The URL keyword naming the patient on a clinician's routes.
PATIENT_KWARG = "mother_id"


class RecordOwner(permissions.BasePermission):
    """Resolves ``view.mother`` (whose record this is) or answers 404."""

    def has_permission(self, request, view) -> bool:
        if not request.user.is_authenticated:
            return False
        view.mother = record_owner(request.user, view)
        return True


def record_owner(user: User, view) -> User:
    mother_id = view.kwargs.get(PATIENT_KWARG)
    if mother_id is None:
        if not user.is_mother:
            raise Http404("These routes are for a mother's own record; a clinician reads under patients/.")
        return user
    if user.role != User.Role.CLINICIAN:
        raise Http404("Patient routes are for clinician accounts.")
    return get_patient_or_404(user, mother_id, exports=view.needs_exports_scope)


class RecordViewSet(IdempotentMixin, viewsets.GenericViewSet):
    """The base of every resource: scoped to ``self.mother``; ``model`` names the record type.

    Subclasses pick the actions (list, retrieve, create…); ``read_only()`` makes the variant a
    clinician reads under ``patients/<mother_id>/``."""

    model = None
    lookup_value_regex = "[0-9]+"
    permission_classes = [permissions.IsAuthenticated, RecordOwner]
    #: A clinician needs a grant covering the downloads (not only the summary) to read these.
    needs_exports_scope = True
    #: Related rows each listed record shows (the baby, the regimen).
    list_select_related: tuple[str, ...] = ()
    mother: User

    @property
    def for_patient(self) -> bool:
        return PATIENT_KWARG in self.kwargs

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no request
            return self.model.objects.none()
        rows = self.model.objects.for_mother(self.mother)
        return rows.select_related(*self.list_select_related) if self.list_select_related else rows

    def get_object(self):
        return get_owned_or_404(self.model, self.mother, self.kwargs["pk"])

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "mother": getattr(self, "mother", None)}

    def destroy_audited(self, record: models.Model, delete: Callable[[], None]) -> None:
        """Delete ``record`` through ``delete`` (a service) and put the delete in her audit
        trail, as History and Undo do (both or neither); named in her time zone."""
        with timezone.override(self.mother.zone):
            what = record_label(record)
        with transaction.atomic():
            delete()
            audit_deleted(
                actor=self.request.user, mother=self.mother, what=what, how="the API", request=self.request
            )

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.for_patient:
            # Each read of her record by a clinician is in her audit trail, as on the pages.
            is_summary = not self.needs_exports_scope
            audit_record(
                actor=request.user,
                mother=self.mother,
                action=AuditEvent.Action.VIEW_SUMMARY if is_summary else AuditEvent.Action.API_READ,
                request=request,
                detail=f"API {self.basename} {self.action}",
            )


class ReadOnlyRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RecordViewSet):
    """List and read one: the whole of a clinician's variant."""


def patient_variant(viewset: type[RecordViewSet]) -> type[RecordViewSet]:
    """The read-only variant of ``viewset`` a clinician reads a patient's records through: its
    list and retrieve only, with no extra actions (they all write)."""
    read = [base for base in (mixins.ListModelMixin, mixins.RetrieveModelMixin) if issubclass(viewset, base)]
    attrs = {
        name: getattr(viewset, name)
        for name in (
            "model",
            "serializer_class",
            "filterset_class",
            "pagination_class",
            "list_select_related",
        )
        if hasattr(viewset, name)
    }
    attrs["needs_exports_scope"] = viewset.needs_exports_scope
    attrs["get_queryset"] = viewset.get_queryset
    attrs["lookup_value_regex"] = viewset.lookup_value_regex
    attrs["__doc__"] = f"A patient's {viewset.model._meta.verbose_name_plural}, read-only, for a clinician."
    attrs["get_extra_actions"] = classmethod(lambda cls: [])
    return type(f"Patient{viewset.__name__}", (*read, RecordViewSet), attrs)
