"""Every sentence of the measures accounted for: the clause map of each rule against its text.

A rule file maps its article text, clause by clause, to the checks that enforce
each clause or to the reason it is not checked (``[[clauses]]``, loaded as
``Rule.clauses``). This module says whether that map is complete, and whether
the article texts still match the source of the measures.

Sentences. The article body is the text without its number prefix (第十三条) and
without any whitespace (spaces, line breaks, paragraph breaks). It is split into
sentences after each of 。;;::!!??; the separators themselves and empty pieces
are dropped. A sentence is accounted for when each of its characters, except
punctuation (Unicode category P*), lies inside some clause: a clause may be a
whole sentence, part of one (a sentence may be mapped piece by piece), or span
several. Each clause text must occur exactly once in the article text, so that
its place is known.

Source. ``policy/source/measures-2020.txt`` is a copy of the published text of the
measures. Its articles start at a line ``第N条`` of the attachment and run to the
next article or chapter heading; an article's text matches when it is equal to
the rule's ``text`` with all whitespace removed on both sides.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from engine.labels import article_zh
from engine.policy import Clause, Rule

SOURCE = Path(__file__).resolve().parent.parent / "policy" / "source" / "measures-2020.txt"

SENTENCE_END = "。;;::!!??"
_SPLIT = re.compile(f"[{re.escape(SENTENCE_END)}]")
_NUMBER = re.compile(r"^第[一二三四五六七八九十百零〇]+条")
_ARTICLE_START = re.compile(r"^\s*(第[一二三四五六七八九十百零〇]+条)(?=[\s\u3000])", re.MULTILINE)
_CHAPTER = re.compile(r"^\s*第[一二三四五六七八九十]+章", re.MULTILINE)
_SPACE = re.compile(r"\s+")


def compact(text: str) -> str:
    """``text`` without whitespace of any kind (including no-break and ideographic spaces)."""
    return _SPACE.sub("", text)


def body(text: str) -> str:
    """The article text without its number prefix and without whitespace."""
    return _NUMBER.sub("", compact(text), count=1)


def sentences(text: str) -> list[str]:
    """The sentences of an article text (see the module docstring for the rule)."""
    return [s for s in _SPLIT.split(body(text)) if s]


def _is_punctuation(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P")


def clause_problems(rule: Rule) -> list[str]:
    """What is wrong with the clause map of ``rule``: one line per problem, empty when complete."""
    problems: list[str] = []
    where = f"{rule.path}({rule.id})"
    text = body(rule.text)
    covered = [False] * len(text)
    if not rule.clauses:
        return [f"{where}: 没有逐句对照([[clauses]])"]
    for i, clause in enumerate(rule.clauses, start=1):
        problems += _single_clause(where, i, clause, rule.text)
        piece = compact(clause.text)
        start = text.find(piece)
        if start < 0 or not piece:
            continue
        if text.find(piece, start + 1) >= 0:
            problems.append(f"{where}: 第 {i} 个分句「{clause.text}」在条文中出现不止一次,加长它")
        for k in range(start, start + len(piece)):
            covered[k] = True
    position = 0
    for sentence in _SPLIT.split(text):
        start, position = position, position + len(sentence) + 1
        missing = "".join(
            ch
            for k, ch in enumerate(sentence, start=start)
            if not covered[k] and not _is_punctuation(ch)
        )
        if missing:
            problems.append(f"{where}: 句子「{sentence}」没有全部对照,缺「{missing}」")
    return problems


def _single_clause(where: str, i: int, clause: Clause, article: str) -> list[str]:
    problems = []
    if clause.text not in article:
        problems.append(f"{where}: 第 {i} 个分句「{clause.text}」不是条文原文")
    if not clause.checks and not clause.reason.strip():
        problems.append(f"{where}: 第 {i} 个分句「{clause.text}」既没有检查也没有不检查的理由")
    return problems


@dataclass(frozen=True)
class SourceArticle:
    number: str  # 第十三条
    text: str  # without whitespace, number prefix included


def source_articles(source: str) -> dict[str, SourceArticle]:
    """The articles of the measures in ``source``, by their number (第十三条)."""
    attachment = source.rfind("附件:")
    text = source[attachment:] if attachment >= 0 else source
    starts = list(_ARTICLE_START.finditer(text))
    chapters = [m.start() for m in _CHAPTER.finditer(text)]
    found: dict[str, SourceArticle] = {}
    for n, match in enumerate(starts):
        end = starts[n + 1].start() if n + 1 < len(starts) else len(text)
        end = min([end, *(c for c in chapters if c > match.start())])
        number = match.group(1)
        found[number] = SourceArticle(number, compact(text[match.start() : end]))
    return found


def source_problems(rules: list[Rule], source: str) -> list[str]:
    """Articles whose text differs from the source, or that the source or the rulebook lacks."""
    articles = source_articles(source)
    problems = []
    seen = set()
    for rule in sorted(rules, key=lambda r: r.article):
        number = article_zh(rule.article)
        seen.add(number)
        found = articles.get(number)
        if found is None:
            problems.append(f"{rule.path}({rule.id}): 原文中没有{number}")
        elif compact(rule.text) != found.text:
            problems.append(f"{rule.path}({rule.id}): 条文与原文{number}不一致")
    for number in articles:
        if number not in seen:
            problems.append(f"原文的{number}在规则集中没有对应的规则文件")
    return problems
