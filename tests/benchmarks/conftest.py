"""Benchmarks: figures on bigger data, collected only by ``make bench`` (``EDUCATION_BENCH=1``).

A benchmark prints what it measured, with the machine it ran on, and asserts only what must be
true however fast the machine is (counts, status codes), never a time. The figures worth
keeping are copied into ``tests/benchmarks/RESULTS.md``.
"""

import os
import platform
import sqlite3
import sys

from django.db import connection

import pytest


def machine_description():
    """Cores and how busy they are, Python and the database of this run, in one line."""
    try:
        cores = len(os.sched_getaffinity(0))  # what ``nproc`` says
    except AttributeError:
        cores = os.cpu_count()
    database = connection.vendor
    if database == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    elif database == "sqlite":
        database = f"SQLite {sqlite3.sqlite_version}"
    load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    return (
        f"{cores} cores (load average {load}), {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, {database}"
    )


@pytest.fixture
def report(db):
    """``report(title, columns, rows)`` prints the figures as a Markdown table, ready for
    RESULTS.md, under a title and a line describing the machine."""

    def print_table(title, columns, rows):
        rows = [[str(value) for value in row] for row in rows]
        widths = [
            max(len(str(column)), *(len(row[n]) for row in rows))
            for n, column in enumerate(columns)
        ]

        def line(cells):
            return (
                "| "
                + " | ".join(f"{cell:<{width}}" for cell, width in zip(cells, widths, strict=True))
                + " |"
            )

        lines = [f"\n{title}", f"{machine_description()}", "", line(columns)]
        lines.append(line(["-" * width for width in widths]))
        lines += [line(row) for row in rows]
        sys.stdout.write("\n".join(lines) + "\n")

    return print_table
