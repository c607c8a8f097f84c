"""Aggregate statistics: the one implementation behind pages, exports, API and CLI."""
