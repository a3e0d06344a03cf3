"""Sharing a mother's record with clinicians: invitations, grants and the audit trail."""
