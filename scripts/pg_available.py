"""Exit 0 when the PostgreSQL server at the given URL answers, 1 otherwise."""

import sys

import psycopg

try:
    with psycopg.connect(sys.argv[1], connect_timeout=3) as conn:
        conn.execute("SELECT 1")
except psycopg.Error:
    sys.exit(1)
