"""History as evidence: reviews recorded in git after the post they approve.

"先审后发" is judged from the dates clerks write. Git adds an independent witness:
the commit that first recorded a review. A review entry added to a post that an
earlier commit already recorded, in a commit made after the post's publication, was
written down after the fact (back-filled paperwork). This is reported to supervisors
for a look, not judged as a violation: a late record can be an honest correction.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from engine import gitsafe, records
from engine.cache import Cache, result_key
from engine.errors import InputError
from engine.lines import LineIndex
from engine.snapshot import SHALLOW_HINT
from engine.timeutil import CHINA_TZ, iso_local, parse_datetime
from engine.violations import Reminder

POSTS_PREFIX = records.directory("posts")


@dataclass(frozen=True)
class Backfill:
    path: str
    line: int
    account: str
    title: str
    published: str
    level: int
    review_at: str
    commit: str  # sha, or "" for the staged index
    recorded: str  # China time of the commit (or of the check, for the index)
    author: str


def _reviews(data: dict[str, Any]) -> dict[str, tuple[dict[str, Any], set[tuple[int, str]]]]:
    out = {}
    for post in data.get("post", []):
        published = iso_local(parse_datetime(str(post["published"])))
        reviews = {
            (
                int(r["level"]),
                iso_local(parse_datetime(str(r["at"]))) if "at" in r else str(r["day"]),
            )
            for r in post.get("review", [])
        }
        out[published] = (post, reviews)
    return out


def _parse(path: str, blob: bytes) -> dict[str, Any] | None:
    try:
        return records.parse_toml(path, blob)
    except InputError:  # an unparsable old version cannot witness anything
        return None


def compare(path: str, old: bytes, new: bytes) -> Iterator[tuple[int, dict[str, Any], int, str]]:
    """(post index, post, level, review time) of reviews in ``new`` added to posts ``old`` had."""
    before, after = _parse(path, old), _parse(path, new)
    if before is None or after is None:
        return
    old_reviews = _reviews(before)
    for index, post in enumerate(after.get("post", [])):
        published = iso_local(parse_datetime(str(post["published"])))
        if published not in old_reviews:
            continue
        _, had = old_reviews[published]
        for level, at in sorted(_reviews({"post": [post]})[published][1] - had):
            yield index, post, level, at


def _changed_posts(raw: str) -> Iterator[tuple[str, str, str]]:
    """(path, old blob, new blob) of the post files a ``--raw`` diff lists as modified."""
    for line in raw.splitlines():
        if not line.startswith(":") or "\t" not in line:
            continue
        meta, path = line.split("\t", 1)
        fields = meta.split()
        if fields[4] != "M" or not (path.startswith(POSTS_PREFIX) and "/posts/" in path):
            continue
        yield path, fields[2], fields[3]


def _findings(
    path: str, old: bytes, new: bytes, commit: str, when: str, author: str
) -> list[Backfill]:
    found = []
    index_lines: LineIndex | None = None
    for index, post, level, at in compare(path, old, new):
        published = iso_local(parse_datetime(str(post["published"])))
        if when <= published:
            continue  # recorded before the post went out: nothing suspicious
        if index_lines is None:
            index_lines = LineIndex(new.decode("utf-8", errors="replace"))
        found.append(
            Backfill(
                path=path,
                line=index_lines.line(("post", index)),
                account=path[len(POSTS_PREFIX) :].split("/", 1)[0],
                title=str(post["title"]),
                published=published,
                level=level,
                review_at=at,
                commit=commit,
                recorded=when,
                author=author,
            )
        )
    return found


def in_history(
    repo: gitsafe.Repo, rev: str = "HEAD", max_count: int | None = None
) -> list[Backfill]:
    """Back-filled reviews in every commit reachable from ``rev`` that changed post files
    (each compared with its first parent), read in one ``git log`` and one blob batch."""
    shallow = gitsafe.shallow_commits(repo)
    out = gitsafe.run(
        repo, "log", "--diff-merges=first-parent", "--raw", "--no-renames", "--no-abbrev",
        "--format=%x00%H%x09%P%x09%ct%x09%an", *([f"-n{max_count}"] if max_count else []),
        rev, "--", "records/accounts",
    )  # fmt: skip
    commits: list[tuple[str, str, str, list[tuple[str, str, str]]]] = []
    for chunk in out.split("\0"):
        if not chunk.strip():
            continue
        head, _, raw = chunk.partition("\n")
        sha, parents, stamp, author = head.split("\t", 3)
        if sha in shallow:
            # A shallow clone's oldest commit lists parents it does not have: what it
            # changed is unknown, and so is everything before it.
            raise InputError(
                f"此仓库是浅克隆(shallow clone),缺少提交 {sha[:10]} 之前的历史,"
                "无法核查其中的审核记录是何时写入的",
                hint=SHALLOW_HINT + "也可以用 --max-count 只核查已取回的较新提交。",
            )
        if not parents.strip():
            continue
        when = iso_local(datetime.fromtimestamp(int(stamp), CHINA_TZ))
        commits.append((sha, when, author, list(_changed_posts(raw))))
    contents = gitsafe.read_blobs(repo, (b for *_, c in commits for _, o, n in c for b in (o, n)))
    found: list[Backfill] = []
    for sha, when, author, changed in commits:
        for path, old, new in changed:
            found.extend(
                _findings(path, contents.get(old, b""), contents.get(new, b""), sha, when, author)
            )
    return found


def in_index(repo: gitsafe.Repo, now: str, raw: str | None = None) -> list[Backfill]:
    """Back-filled reviews the staged index would add on top of HEAD (``now``: China time).
    ``raw``: the caller's ``staged_diff`` of HEAD (lines outside the posts are ignored)."""
    if raw is None:
        if not gitsafe.has_commits(repo):
            return []
        raw = staged_diff(repo, "records/accounts")
    changed = list(_changed_posts(raw))
    contents = gitsafe.read_blobs(repo, (b for _, o, n in changed for b in (o, n)))
    found: list[Backfill] = []
    for path, old, new in changed:
        found.extend(_findings(path, contents.get(old, b""), contents.get(new, b""), "", now, ""))
    return found


def staged_diff(repo: gitsafe.Repo, *paths: str) -> str:
    """``git diff-index --cached --raw --no-renames`` of HEAD under ``paths`` (HEAD exists)."""
    return gitsafe.run(
        repo, "diff-index", "--cached", "--raw", "--no-renames", "--no-abbrev", "HEAD", "--",
        *paths,
    )  # fmt: skip


def backfill_reminders(
    repo: gitsafe.Repo, sha: str, paths: set[str], store: Cache
) -> list[Reminder]:
    """The back-filled reviews of ``in_history(repo, sha)`` whose post file is among
    ``paths``, as reminders for ``check`` and the site: evidence of paperwork written
    after the fact, not a violation. Remembered per commit in ``store``; nothing for a
    shallow clone, whose history cannot tell."""
    key = result_key("backfilled", sha)
    cached = store.get(key)
    found: list[Backfill] | None = None
    if isinstance(cached, list) and all(isinstance(b, dict) for b in cached):
        try:
            found = [Backfill(**b) for b in cached]
        except TypeError:
            found = None
    if found is None:
        try:
            found = in_history(repo, sha)
        except InputError:
            return []
        store.put(key, [asdict(b) for b in found])
    # One reminder per review: the commit that first recorded it (history is walked
    # newest first, so the last finding of a review is its earliest recording).
    first: dict[tuple[str, str, str, int, str], Backfill] = {}
    for b in found:
        if b.path in paths:
            first[(b.path, b.published, b.title, b.level, b.review_at)] = b
    return [_reminder(b) for b in first.values()]


def _reminder(b: Backfill) -> Reminder:
    # The commit's author is a person: not named (reminders reach public reports).
    return Reminder(
        kind="backfilled",
        message=f"「{b.title}」({b.published.replace('T', ' ')} 发布)的第 {b.level} 级"
        f"审核(记为 {b.review_at.replace('T', ' ')})在 {b.recorded.replace('T', ' ')} "
        f"才写入记录(提交 {b.commit[:10]}),晚于发布时间,可能是事后补录",
        hint="请主管单位核实这一级审核是否确在发布前完成(第十四条「先审后发」);"
        "审核时间照实记录,事后补审不能替代先审。",
        message_en=f"review level {b.level} of a post published {b.published} was "
        f"recorded in git only on {b.recorded} (commit {b.commit[:10]})",
        path=b.path,
        line=b.line,
        article=14,
        account=b.account,
        day=b.published[:10],
    )
