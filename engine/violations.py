"""Violations: what the engine reports, with a fingerprint that survives edits elsewhere."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, replace
from typing import Any


def fingerprint(rule: str, check: str, fact_key: str) -> str:
    """Stable identity: the rule, the check and the judged thing, not its line or wording."""
    return hashlib.sha256(f"{rule}/{check}/{fact_key}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Violation:
    rule: str
    check: str
    article: int
    version: int
    severity: str
    path: str
    line: int
    unit: str
    account: str | None
    message: str
    message_en: str
    hint: str
    fingerprint: str
    fact_key: str
    day: str
    evidence: dict[str, Any] = field(default_factory=dict)
    status: str = "open"  # "open" | "waived"
    waiver: str | None = None

    @property
    def check_id(self) -> str:
        return f"{self.rule}/{self.check}"

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.path, self.line, self.rule, self.fingerprint)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Violation:
        return cls(**data)

    def waived_by(self, waiver_path: str) -> Violation:
        return replace(self, status="waived", waiver=waiver_path)
