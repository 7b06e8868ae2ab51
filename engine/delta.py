"""The hook's check in proportion to the change, not to the repository.

A full check judges every partition (the banner's facts, each account's; see
``engine.evaluate.Plan``) and compares all its violations with all the base's. The
pre-commit hook needs only what the staged change touches. A partition whose cache key
is the same at the base and in the index has the same violations on both sides, and
the same reported ones as long as the waivers and acknowledgements that count and the
check date are the same (``Plan.marks``). So the hook judges and compares only the
partitions whose keys differ, and counts the rest as unchanged from a small
``Summary`` that the previous run left under the base's records tree id: per
partition, its key and its counts. Nothing in proportion to the number of violations
already in the repository is read, built or written.

When the summary, or a changed partition's base result, is not in the cache, or the
waivers differ, ``judge_change`` returns None and the caller runs the full comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine import records
from engine.cache import Cache, result_key
from engine.evaluate import (
    PartitionResult,
    Plan,
    Result,
    Uncounted,
    cached_violations,
    calendar_reminders,
    finish_totals,
    judge_partitions,
    later_reminders,
    mark,
    partition_result,
    removed_violations,
    result_of,
    unmatched_waivers,
)
from engine.violations import Reminder, Violation

_FORMAT = "govmedia-summary/1"


@dataclass(frozen=True)
class PartitionSummary:
    key: str
    facts: dict[str, int]
    uncounted: Uncounted
    later: list[str]
    open: int  # violations reported open (after waivers)
    waived: int


@dataclass(frozen=True)
class Summary:
    """What a snapshot's evaluation leaves for the next hook: per partition id ("" for the
    banner, else the account id) its key and counts, the marks it was judged with, and
    the violations outside partitions (accounts removed from records/)."""

    marks: str
    partitions: dict[str, PartitionSummary]
    removed: list[Violation]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": _FORMAT,
            "marks": self.marks,
            "partitions": {
                pid: [
                    s.key,
                    s.facts,
                    [[y, a, name, n] for (y, a, name), n in sorted(s.uncounted.items())],
                    s.later,
                    s.open,
                    s.waived,
                ]
                for pid, s in self.partitions.items()
            },
            "removed": [v.to_dict() for v in self.removed],
        }

    @classmethod
    def from_json(cls, data: Any) -> Summary | None:
        """A summary read back from the cache, or None (a miss) if not shaped like one."""
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            return None
        marks, parts, removed = data.get("marks"), data.get("partitions"), data.get("removed")
        violations = cached_violations(removed)
        if not isinstance(marks, str) or not isinstance(parts, dict) or violations is None:
            return None
        partitions: dict[str, PartitionSummary] = {}
        for pid, item in parts.items():
            # The same checks as a partition's result (engine/evaluate.py partition_result).
            if not isinstance(item, list) or len(item) != 6 or not isinstance(item[0], str):
                return None
            shaped = partition_result(
                {"violations": [], "facts": item[1], "uncounted": item[2], "later": item[3]}
                | {"reminders": []}
            )
            if shaped is None or type(item[4]) is not int or type(item[5]) is not int:
                return None
            _, facts, uncounted, later, _ = shaped
            partitions[pid] = PartitionSummary(item[0], facts, uncounted, later, item[4], item[5])
        return cls(marks, partitions, violations)


def summary_key(tree: str, planned: Plan) -> str:
    """Where the summary of a records tree judged as ``planned`` judges is remembered."""
    return result_key(
        "summary", tree, planned.as_of.isoformat(), planned.policy.digest, f"{planned.as_stood}"
    )


def _summarise(
    result: PartitionResult, key: str, planned: Plan
) -> tuple[PartitionSummary, list[Violation]]:
    found, facts, uncounted, later, _ = result
    marked = mark(planned, found)
    waived = sum(1 for v in marked if v.status == "waived")
    open_ = sum(1 for v in marked if v.status == "open")
    return PartitionSummary(key, dict(facts), dict(uncounted), list(later), open_, waived), marked


def summarise(planned: Plan, results: dict[str, PartitionResult]) -> Summary:
    """The summary of a whole evaluation (every partition's result given)."""
    partitions = {p.pid: _summarise(results[p.pid], p.key, planned)[0] for p in planned.partitions}
    removed = mark(planned, removed_violations(planned))
    return Summary(planned.marks, partitions, removed)


@dataclass
class Change:
    """The index judged against the base, partition by partition (``judge_change``)."""

    result: Result  # the violations of the changed partitions only; totals over all
    base: list[Violation]  # the base's violations of the changed partitions
    unchanged_open: int  # open violations in partitions that did not change
    summary: Summary  # the index's summary, for the next hook run


def judge_change(planned: Plan, base: Summary, store: Cache) -> Change | None:
    """Judge only the partitions whose keys differ from the base's; None when the base's
    side cannot be had from the cache, or the marks differ (then: the full comparison)."""
    if planned.marks != base.marks:
        return None
    ours = {p.pid: p for p in planned.partitions}
    changed = sorted(
        pid
        for pid in set(ours) | set(base.partitions)
        if pid not in ours
        or pid not in base.partitions
        or ours[pid].key != base.partitions[pid].key
    )
    before: list[Violation] = []
    for pid in changed:
        if pid in base.partitions:
            cached = partition_result(store.get(base.partitions[pid].key))
            if cached is None:
                return None  # the base's result is gone from the cache
            before.extend(mark(planned, cached[0]))
    computed = judge_partitions(planned, [pid for pid in changed if pid in ours])
    partitions: dict[str, PartitionSummary] = {}
    violations: list[Violation] = []
    reminders: list[Reminder] = []
    for pid, part in ours.items():
        if pid in computed:
            summary, marked = _summarise(computed[pid], part.key, planned)
            violations.extend(marked)
            reminders.extend(computed[pid][4])
            partitions[pid] = summary
        else:
            partitions[pid] = base.partitions[pid]
    removed = mark(planned, removed_violations(planned))
    before.extend(base.removed)
    violations.extend(removed)
    unchanged = [s for pid, s in partitions.items() if pid not in computed]
    facts, tally, later = finish_totals(
        (s.facts, s.uncounted, s.later) for s in partitions.values()
    )
    # A waiver matching nothing is told only for the accounts the change touches.
    touched = tuple(f"{records.directory('account')}{pid}/" for pid in changed if pid)
    waivers = [w for w in planned.verdict.waivers if str(w.data["target"]).startswith(touched)]
    reminders += calendar_reminders(tally) + later_reminders(later, planned.as_of)
    reminders += unmatched_waivers(violations, waivers)
    result = result_of(
        planned,
        violations,
        facts,
        reminders,
        planned.hits + len(unchanged),
        waived_elsewhere=sum(s.waived for s in unchanged),
    )
    return Change(
        result=result,
        base=before,
        unchanged_open=sum(s.open for s in unchanged),
        summary=Summary(planned.marks, partitions, removed),
    )
