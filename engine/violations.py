"""Violations: what the engine reports, with a fingerprint that survives edits elsewhere."""

from __future__ import annotations

import copy
import hashlib
import operator
from collections import defaultdict, deque
from dataclasses import asdict, dataclass, field, replace
from itertools import repeat
from sys import intern
from typing import Any

_SCALARS = frozenset((str, int, float, bool, type(None)))


def fingerprint(rule: str, check: str, fact_key: str) -> str:
    """Stable identity: the rule, the check and the judged thing, not its line or wording."""
    return hashlib.sha256(f"{rule}/{check}/{fact_key}".encode()).hexdigest()[:16]


# Fields whose values repeat across violations (see ``Violation.from_dict``), and the
# longest evidence value worth sharing (dates, times, counts as text, ids).
_SHARED = frozenset(
    ("rule", "check", "severity", "path", "unit", "account", "day", "status", "waiver", "hint",
     "acknowledged", "check_name")
)  # fmt: skip
_SHORT = 40


@dataclass(frozen=True, slots=True)
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
    # Every fact the violation stands for, when it stands for several (a run of weeks
    # merged into one line); empty means just ``fact_key``.
    fact_keys: list[str] = field(default_factory=list)
    # The acknowledgement record (records/acknowledgements/) by which a clerk stated that
    # this violation is recorded as it really happened (如实登记). It stays a violation.
    acknowledged: str | None = None
    # The check that fired, as the rulebook names it within the version: its id, or
    # ``id#key`` for a check repeated per parameter-table entry (``each``). With ``read``
    # it lets ``govmedia explain`` trace the violation without judging anything again.
    check_name: str = ""
    # The fact fields the check's condition read (their values are in ``evidence``).
    read: list[str] = field(default_factory=list)

    @property
    def check_id(self) -> str:
        return f"{self.rule}/{self.check}"

    @property
    def keys(self) -> list[str]:
        """The judged things this violation is about (fact keys)."""
        return self.fact_keys or [self.fact_key]

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.path, self.line, self.rule, self.fingerprint)

    def date_key(self) -> tuple[str, str, str, int, str, int, str]:
        """Reading order for people: by date, then unit, account, article, place."""
        return (
            self.day, self.unit, self.account or "", self.article, self.path, self.line,
            self.fingerprint,
        )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """``dataclasses.asdict(self)``, without its recursive deep copy: the fields are
        text and numbers but for ``evidence`` (flat) and two lists of text, copied here
        (a nested value, never built by the engine, is deep-copied as asdict would)."""
        out = dict(zip(_NAMES, _FIELDS_OF(self), strict=True))
        out["evidence"] = _copied_dict(self.evidence)
        out["fact_keys"] = _copied_list(self.fact_keys)
        out["read"] = _copied_list(self.read)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Violation:
        """A violation from ``to_dict``'s dict (read back from the cache or a worker), its
        dict of evidence taken over. Its words that many violations repeat (rule, check,
        unit, day, evidence values...) are shared, not held once per violation: a whole
        check holds every violation at once (200,000 at the 10x workload)."""
        if data.keys() == _NAMES_SET:  # every field given (as to_dict gives them)
            return _from_values(cls, list(_VALUES(data)))
        fields: dict[str, Any] = {
            k: intern(v) if k in _SHARED and type(v) is str else v for k, v in data.items()
        }
        evidence = fields.get("evidence")
        if type(evidence) is dict:
            for key, value in evidence.items():
                if type(value) is str and len(value) <= _SHORT:
                    evidence[key] = intern(value)
        read = fields.get("read")
        if type(read) is list:
            fields["read"] = [intern(x) if type(x) is str else x for x in read]
        return cls(**fields)

    def waived_by(self, waiver_path: str) -> Violation:
        return replace(self, status="waived", waiver=waiver_path)

    def acknowledged_by(self, record_path: str) -> Violation:
        return replace(self, acknowledged=record_path)


_NAMES: tuple[str, ...] = Violation.__slots__  # the fields, in their order
_FIELDS_OF = operator.attrgetter(*_NAMES)


def _copied_dict(value: dict[str, Any]) -> dict[str, Any]:
    """A copy of a violation's dict, as ``asdict`` makes: shallow when it holds only text
    and numbers (as the engine's always do), else each nested value deep-copied."""
    if type(value) is dict and set(map(type, value.values())) <= _SCALARS:
        return value.copy()
    return {k: v if type(v) in _SCALARS else copy.deepcopy(v) for k, v in value.items()}


def _copied_list(value: list[Any]) -> list[Any]:
    """``_copied_dict`` for a violation's lists."""
    if type(value) is list and set(map(type, value)) <= _SCALARS:
        return value.copy()
    return [v if type(v) in _SCALARS else copy.deepcopy(v) for v in value]


_NAMES_SET = frozenset(_NAMES)
_VALUES = operator.itemgetter(*_NAMES)
_SHARED_AT = tuple(i for i, name in enumerate(_NAMES) if name in _SHARED)
_EVIDENCE_AT, _READ_AT = _NAMES.index("evidence"), _NAMES.index("read")
_SET = object.__setattr__


def _from_values(cls: type[Violation], values: list[Any]) -> Violation:
    """``Violation.from_dict`` of a dict with every field: the same sharing of words, the
    fields set without the generated ``__init__`` (a cold check of the many-violations
    banner reads 20,000 back from its workers, 200,000 at the 10x workload)."""
    for i in _SHARED_AT:
        value = values[i]
        if type(value) is str:
            values[i] = intern(value)
    evidence = values[_EVIDENCE_AT]
    if type(evidence) is dict:
        for key, value in evidence.items():
            if type(value) is str and len(value) <= _SHORT:
                evidence[key] = intern(value)
    read = values[_READ_AT]
    if type(read) is list:
        values[_READ_AT] = [intern(x) if type(x) is str else x for x in read]
    made = cls.__new__(cls)
    deque(map(_SET, repeat(made), _NAMES, values), maxlen=0)
    return made


@dataclass
class Comparison:
    """Open violations now, measured against every violation at a base.

    - ``new``: no counterpart at the base; these block a commit.
    - ``changed``: the same judged thing (fact key) under the same article was already
      a violation at the base, under another check or as another piece of a run (an
      unanswered message now answered late, an unreviewed post now reviewed late, a
      run of missed weeks split by a late post); each comes with its counterparts at
      the base. They do not block.
    - ``fixed``: open at the base, with no counterpart now.
    - ``unchanged``: the same fingerprint was already at the base.

    Decision and reasons: docs/decisions/0006-changed-violations.md.
    """

    new: list[Violation] = field(default_factory=list)
    changed: list[tuple[Violation, list[Violation]]] = field(default_factory=list)
    fixed: list[Violation] = field(default_factory=list)
    unchanged: list[Violation] = field(default_factory=list)


def compare(current: list[Violation], base: list[Violation]) -> Comparison:
    """Sort the open violations of ``current`` against ``base`` (both: all violations,
    waived ones included; a violation waived now is not listed as fixed)."""
    out = Comparison()
    now = {v.fingerprint for v in current}
    before = {b.fingerprint for b in base}
    by_key: dict[tuple[int, str], list[Violation]] = defaultdict(list)
    for b in base:
        for key in b.keys:
            by_key[(b.article, key)].append(b)
    matched: set[str] = set()
    for v in current:
        if v.status != "open":
            continue
        if v.fingerprint in before:
            out.unchanged.append(v)
            continue
        olds: dict[str, Violation] = {}
        for key in v.keys:
            for b in by_key.get((v.article, key), ()):
                olds.setdefault(b.fingerprint, b)
        if not olds:
            out.new.append(v)
            continue
        matched.update(olds)
        out.changed.append((v, sorted(olds.values(), key=Violation.date_key)))
    out.fixed = [
        b
        for b in base
        if b.status == "open" and b.fingerprint not in now and b.fingerprint not in matched
    ]
    out.new.sort(key=Violation.sort_key)
    out.changed.sort(key=lambda pair: pair[0].sort_key())
    out.fixed.sort(key=Violation.sort_key)
    return out


@dataclass(frozen=True, slots=True)
class Reminder:
    """Something the check could not judge, or that people should look at, that is not a
    violation of any unit: a calendar year that is not recorded yet, a review known only
    to the day of publication, a back-filled record, a waiver that matches nothing.

    Reminders never block and never count as violations. ``kind`` is a stable id
    (``calendar-missing``, ``review-same-day``, ``backfilled``, ``waiver-unmatched``, ...);
    ``message`` is the Chinese sentence shown to people (no ids, no field names), ``hint``
    says what to do. ``path``/``line`` point at the record when there is one.
    """

    kind: str
    message: str
    hint: str = ""
    message_en: str = ""
    path: str = ""
    line: int = 0
    article: int = 0
    unit: str = ""
    account: str | None = None
    day: str = ""

    def sort_key(self) -> tuple[str, str, str, int]:
        return (self.kind, self.day, self.path, self.line)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
