"""Dose reminder emails: finding due slots, claiming them once, sending, and the links in them."""
