"""Writes to her record: every change to doses, feeds, symptoms, babies, regimens and reminder
settings goes through a function here (sharing, reminder emails and accounts have their own)."""
