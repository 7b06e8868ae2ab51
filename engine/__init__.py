"""govmedia: policy-as-code rules engine for the banner's government new-media measures."""

from __future__ import annotations

__version__ = "0.1.0"
