"""The demo's content files: the TOML files in ``content/``, next to this module.

They are read from the source tree, so they need no package data.
"""

import tomllib
from functools import cache
from pathlib import Path

CONTENT = Path(__file__).parent / "content"


@cache
def content(name):
    """The parsed ``content/<name>.toml``, read once. Callers must not change it."""
    with (CONTENT / f"{name}.toml").open("rb") as file:
        return tomllib.load(file)
