"""Keeping only what may be kept: citizens long gone are anonymised, old access-log rows
deleted."""
