"""Where govmedia's own files are: the rulebook (``policy/``) and the site's theme (``site/``).

In a checkout both sit next to ``engine/``. An installed govmedia (a wheel, or the
environment pre-commit builds for ``language: python``) ships them as the data-only
packages ``govmedia_policy`` and ``govmedia_theme`` (see ``[tool.setuptools]`` in
pyproject.toml), found through the import system.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

# The trust root (engine/authority.py): the supervising unit's keys, shipped with the
# rulebook, or the file an official check names (``--trust-root``, which sets the variable).
TRUST_ROOT_ENV = "GOVMEDIA_TRUST_ROOT"
TRUST_ROOT_FILE = "trust-root.toml"

_CHECKOUT = Path(__file__).resolve().parent.parent


def _located(checkout_dir: str, package: str, marker: str) -> Path:
    local = _CHECKOUT / checkout_dir
    if (local / marker).is_file():
        return local
    # Namespace packages (data only, no __init__.py): their search locations are the
    # directories themselves, in a wheel's install as in an editable one (Python 3.11's
    # importlib.resources.files() cannot open an editable namespace package).
    spec = importlib.util.find_spec(package)
    for location in (spec.submodule_search_locations or []) if spec else []:
        if (Path(location) / marker).is_file():
            return Path(location)
    return local  # neither a checkout nor an installed govmedia: errors name this path


def bundled_policy_dir() -> Path:
    """The rulebook shipped with govmedia."""
    return _located("policy", "govmedia_policy", "art-01.toml")


def theme_dir() -> Path:
    """The public site's theme overrides and styles (docs_dir of the bundled MkDocs config)."""
    return _located("site", "govmedia_theme", "overrides/main.html")


def installed_trust_root_file() -> Path:
    """``policy/trust-root.toml`` of the rulebook installed with govmedia."""
    return bundled_policy_dir() / TRUST_ROOT_FILE


def trust_root_file() -> Path:
    """Where the trust root is read from: ``GOVMEDIA_TRUST_ROOT`` (set by ``--trust-root``),
    else the installed rulebook's."""
    env = os.environ.get(TRUST_ROOT_ENV)
    return Path(env) if env else installed_trust_root_file()
