"""Post facts as a table (``FactTable``): the judge's answers on a table are the plain
way's on the facts ``post_facts`` yields, with repeated keys, doubts, days before the
measures, days in other rule versions, and facts of the same kind besides the table."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta
from functools import partial
from typing import Any

from test_fast_cold import _files, _judged, _plain_judge, _random_post, _sample_facts

from engine import evaluate as evaluate_mod
from engine.facts import Fact, FactTable
from engine.facts.posts import post_facts, post_table


def _table(rnd: random.Random) -> tuple[FactTable, list[dict[str, Any]]]:
    posts = [_random_post(rnd) for _ in range(rnd.randint(1, 40))]
    # The same post recorded again (the same time: the same key), now and then.
    posts += [dict(rnd.choice(posts)) for _ in range(rnd.randrange(4))]
    rnd.shuffle(posts)
    return post_table(None, _files(posts)), posts  # type: ignore[arg-type]


def _shifted(table: FactTable, rnd: random.Random, shifts: list[int]) -> None:
    """Move the rows to other days: before the measures, into other rule versions."""
    shift = rnd.choice(shifts)
    table.days[:] = [d + timedelta(days=shift + rnd.randrange(3)) for d in table.days]


def test_a_table_makes_the_facts_post_facts_yields() -> None:
    rnd = random.Random(7)
    for _ in range(100):
        _, posts = _table(rnd)
        files = _files(posts)
        table = post_table(None, files)  # type: ignore[arg-type]
        made = list(post_facts(None, files))  # type: ignore[arg-type]
        assert table.facts() == made
        assert [len(t) for t in (table.names, table.fields, table.days)] == [len(made)] * 3
        rows = sorted(j for _, js in table.alike for j in js)
        assert rows == list(range(len(made)))


def test_judging_a_table_is_judging_its_facts() -> None:
    policy, ctx, _ = _sample_facts()
    rnd = random.Random(16)
    found = doubted = numbered = plain = 0
    for n in range(150):
        table, _ = _table(rnd)
        if n % 3:
            _shifted(table, rnd, [0, 0, -400, -1500, -2500, 365, 900])
        facts = table.facts()
        judged_from = rnd.choice([ctx.judged_from, min(table.days), max(table.days)])
        here = replace(ctx, judged_from=judged_from)
        fast = evaluate_mod.judge([], policy, here, {}, [table])
        fast_judged = ([v.to_dict() for v in fast[0]], [r.to_dict() for r in fast[1]], {})
        assert fast_judged == _judged(_plain_judge, facts, policy, here)
        found += len(fast[0])
        doubted += len(fast[1])
        numbered += sum("#" in v.fact_key for v in fast[0])
        plain += min(table.days) < judged_from
    assert found and doubted and numbered and plain, "every path is reached"


def test_a_table_with_facts_of_its_kind_besides_is_judged_with_them() -> None:
    policy, ctx, _ = _sample_facts()
    rnd = random.Random(3)
    for _ in range(40):
        table, _ = _table(rnd)
        other, _ = _table(rnd)
        before: list[Fact] = other.facts()
        fast = _judged(partial(evaluate_mod.judge, tables=[table]), before, policy, ctx)
        assert fast == _judged(_plain_judge, before + table.facts(), policy, ctx)


def test_two_tables_of_one_kind_are_judged_as_their_facts() -> None:
    policy, ctx, _ = _sample_facts()
    rnd = random.Random(4)
    for _ in range(40):
        first, _ = _table(rnd)
        second, _ = _table(rnd)
        expected = _judged(_plain_judge, first.facts() + second.facts(), policy, ctx)
        fast = _judged(partial(evaluate_mod.judge, tables=[first, second]), [], policy, ctx)
        assert fast == expected
