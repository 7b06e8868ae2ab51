"""The one adapter to durable_rules: conditions in, matching facts out.

durable_rules (2.0.28) is old C code with sharp edges (see docs/decisions/
0002-durable-rules-adapter.md). This module is the only place that imports it,
and it guards every edge we know of:

* no ``Host``: it starts threads that never stop and runs actions later from a
  thread; we call ``durable_rules_engine`` directly and drain pending actions
  synchronously, so results are complete when ``match`` returns;
* a fresh ruleset per call, freed with ``delete_state`` then ``delete_ruleset``;
  a state's action context is left uninitialised by the engine until an action
  runs, so ``delete_state`` on a state that never matched frees a garbage
  pointer (seen as "free(): invalid pointer" or a segfault). Every call
  therefore asserts a sentinel fact matched by a sentinel rule, so one action
  always runs and the context is set and cleared before the state is deleted;
* fact ids are our own sequence numbers; nothing joins on ``id`` or ``sid``;
* facts are flat dicts of str/int/float/bool, at most ``MAX_PROPERTIES`` keys
  and strings of at most ``MAX_STRING`` bytes (larger ones are silently dropped
  by the engine together with their batch, so we refuse them loudly);
* at most ``MAX_TESTS`` tests in one condition and ``MAX_RULES`` rules in one
  ruleset (beyond those the engine errors or hangs);
* a condition with ``$or`` fires once per branch that holds (a fact matching two
  branches comes back twice): ``match`` returns each (rule, fact) pair once.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from typing import Any

import durable_rules_engine

from engine.errors import EngineError

MAX_PROPERTIES = 200
MAX_STRING = 1 << 20
MAX_TESTS = 60
MAX_RULES = 256

Condition = dict[str, Any]
FactValue = str | int | float | bool

_names = itertools.count()
_SENTINEL = "gm_sentinel"


def count_tests(condition: Any) -> int:
    if isinstance(condition, dict):
        total = 0
        for key, value in condition.items():
            if key in ("$and", "$or"):
                total += sum(count_tests(v) for v in value)
            elif key.startswith("$"):
                total += max(1, len(value)) if isinstance(value, dict) else 1
            else:
                total += 1
        return total
    return 1


def _check_fact(fact: Mapping[str, Any]) -> None:
    if len(fact) > MAX_PROPERTIES:
        raise EngineError(f"fact has {len(fact)} properties; the limit is {MAX_PROPERTIES}")
    for key, value in fact.items():
        if not isinstance(value, str | int | float | bool):
            raise EngineError(f"fact field {key!r} has unsupported type {type(value).__name__}")
        if isinstance(value, str) and len(value.encode()) > MAX_STRING:
            raise EngineError(f"fact field {key!r} is longer than {MAX_STRING} bytes")


def match(
    rules: Mapping[str, Condition], facts: Sequence[Mapping[str, FactValue]]
) -> list[tuple[str, int]]:
    """Every (rule name, fact index) pair whose condition holds, once each, in a stable order."""
    if not rules or not facts:
        return []
    if len(rules) > MAX_RULES:
        raise EngineError(f"{len(rules)} rules in one ruleset; the limit is {MAX_RULES}")
    if _SENTINEL in rules:
        raise EngineError(f"rule name {_SENTINEL} is reserved")
    for name, condition in rules.items():
        if count_tests(condition) > MAX_TESTS:
            raise EngineError(f"rule {name} has more than {MAX_TESTS} tests")
    definition = {_SENTINEL: {"all": [{"m": {_SENTINEL: 1}}]}}
    definition.update({name: {"all": [{"m": condition}]} for name, condition in rules.items()})
    payload: list[dict[str, Any]] = [{_SENTINEL: 1, "id": "sentinel", "sid": "0"}]
    for index, fact in enumerate(facts):
        _check_fact(fact)
        payload.append({**fact, "id": f"f{index}", "sid": "0", "gm_index": index})
    # The C engine keeps pointers into the name and definition strings it was
    # given; hold references until the ruleset is deleted.
    name = f"govmedia-{next(_names)}"
    definition_json = json.dumps(definition, ensure_ascii=False)
    facts_json = json.dumps(payload, ensure_ascii=False)
    handle = durable_rules_engine.create_ruleset(name, definition_json)
    matches: set[tuple[str, int]] = set()
    try:
        code, state_handle = durable_rules_engine.assert_facts(handle, facts_json)
        if code == 2:
            raise EngineError("durable_rules saw a fact id twice")
        started = durable_rules_engine.start_action_for_state(handle, state_handle)
        while started:
            message: str | None = started[1]
            while message:
                for rule_name, bound in json.loads(message).items():
                    if rule_name == _SENTINEL:
                        continue
                    # A fact that satisfies several branches of an "$or" is reported
                    # once per branch; the set keeps one.
                    matches.add((rule_name, int(bound["m"]["gm_index"])))
                message = durable_rules_engine.complete_and_start_action(handle, state_handle)
            started = durable_rules_engine.start_action_for_state(handle, state_handle)
    finally:
        durable_rules_engine.delete_state(handle, "0")
        durable_rules_engine.delete_ruleset(handle)
        del name, definition_json, facts_json
    return sorted(matches, key=lambda m: (m[1], m[0]))
