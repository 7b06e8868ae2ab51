"""govmedia: policy-as-code rules engine for the banner's government new-media measures."""

from __future__ import annotations

from engine import gitsafe

__version__ = "0.1.0"

# Every git this process starts reads objects as their ids name them (no replace
# objects, no grafts): engine/gitsafe.py.
gitsafe.harden()
