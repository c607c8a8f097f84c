"""The interchange format: import from case systems, export for socialudvalget."""
