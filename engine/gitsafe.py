"""Git read as it is: no replace objects, no grafts, in every git this process starts.

``git replace`` (and ``git replace --graft``) makes git show another object in place
of the one a commit names; ``.git/info/grafts`` gives commits other parents. Both
would let a clerk make forged content or a forged history count (docs/decisions/
0011-threat-model.md). govmedia reads objects as their ids name them: this module
sets, for the whole process and every git it starts (subprocess and gitpython):

- ``GIT_NO_REPLACE_OBJECTS=1``: replace refs are ignored;
- ``GIT_GRAFT_FILE`` pointing at an empty file: ``info/grafts`` is ignored;
- ``advice.graftFileDeprecated=false`` (through ``GIT_CONFIG_COUNT``): git says
  nothing about the ignored grafts file on stderr.
"""

from __future__ import annotations

import os

_ADVICE = ("advice.graftFileDeprecated", "false")


def harden(environ: os._Environ[str] | dict[str, str] = os.environ) -> None:
    """Set the variables above in ``environ`` (idempotent)."""
    environ["GIT_NO_REPLACE_OBJECTS"] = "1"
    environ["GIT_GRAFT_FILE"] = os.devnull
    try:
        count = int(environ.get("GIT_CONFIG_COUNT", "0"))
    except ValueError:
        count = 0
    keys = {environ.get(f"GIT_CONFIG_KEY_{i}") for i in range(count)}
    if _ADVICE[0] not in keys:
        environ[f"GIT_CONFIG_KEY_{count}"] = _ADVICE[0]
        environ[f"GIT_CONFIG_VALUE_{count}"] = _ADVICE[1]
        environ["GIT_CONFIG_COUNT"] = str(count + 1)
