"""Invitations: how a citizen gets her login for /mig (single-use link, 7 days)."""
