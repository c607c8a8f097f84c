"""Myndighed's part: her worklist of the citizens she referred (/myndighed)."""
