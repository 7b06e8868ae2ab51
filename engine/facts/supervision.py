"""Supervision facts (articles 23, 24): rectification orders and ordered closures against deadlines."""

from __future__ import annotations

from collections.abc import Iterator

from engine import records
from engine.banner import AccountFiles
from engine.errors import InputError
from engine.facts import Context, Fact, banner_fact, declare
from engine.records import Record
from engine.timeutil import parse_date

SUPERVISION_DIR = records.directory("supervision")


def _unit_of(ctx: Context, record: Record) -> str:
    unit = record.data.get("unit")
    if unit:
        return str(unit)
    return ctx.banner.accounts[str(record.data["account"])].unit


RECTIFICATION = declare("rectification", {"closed": bool, "days_late": int})


@banner_fact("rectification")
def rectifications(ctx: Context) -> Iterator[Fact]:
    """Each rectification order issued by the check date.

    ``days_late`` is the number of days from the deadline to the closing day, or to
    the check date while the order is open; zero or less means still in time.
    """
    for record in ctx.banner.supervision:
        data = record.data
        if data["type"] != "rectification-order":
            continue
        issued = parse_date(data["issued"])
        if issued > ctx.as_of:
            continue
        deadline = parse_date(data["deadline"])
        closed = parse_date(data["closed"]) if "closed" in data else None
        if closed is not None and closed > ctx.as_of:
            closed = None  # not yet closed as of the check date
        end = closed if closed is not None else ctx.as_of
        yield Fact(
            kind="rectification",
            key=f"rectification/{record.path.rsplit('/', 1)[-1]}",
            day=deadline,
            record=record,
            where=("closed",) if closed is not None else ("deadline",),
            unit=_unit_of(ctx, record),
            account=str(data["account"]) if "account" in data else None,
            fields={"closed": closed is not None, "days_late": (end - deadline).days},
            context={
                "issue": str(data["issue"]),
                "issued": issued.isoformat(),
                "deadline": deadline.isoformat(),
                "closed_on": closed.isoformat() if closed else "未完成",
            },
        )


ORDERED_CLOSURE = declare("ordered-closure", {"closed": bool, "days_late": int})


@banner_fact("ordered-closure")
def ordered_closures(ctx: Context) -> Iterator[Fact]:
    """Each order to close an account (责令关闭) made by the check date, against the account's closure.

    ``days_late`` counts from the deadline to the closure date, or to the check date
    while the account is still open.
    """
    for record in ctx.banner.supervision:
        data = record.data
        if data["type"] != "sanction" or data["measure"] != "ordered-closure":
            continue
        ordered = parse_date(data["date"])
        if ordered > ctx.as_of:
            continue
        files = ctx.banner.accounts[str(data["account"])]
        deadline = parse_date(data["deadline"])
        closed = files.closed_on
        if closed is not None and closed > ctx.as_of:
            closed = None
        end = closed if closed is not None else ctx.as_of
        yield Fact(
            kind="ordered-closure",
            key=f"ordered-closure/{record.path.rsplit('/', 1)[-1]}",
            day=deadline,
            record=record,
            where=("deadline",),
            unit=files.unit,
            account=files.id,
            fields={"closed": closed is not None, "days_late": (end - deadline).days},
            context={
                "ordered": ordered.isoformat(),
                "deadline": deadline.isoformat(),
                "closed_on": closed.isoformat() if closed else "未关停",
                "reason": str(data.get("reason", "")) or "未记录",
                "order": record.path.removeprefix(SUPERVISION_DIR).removesuffix(".toml"),
            },
        )


def closure_order(ctx: Context, files: AccountFiles, closure: Record) -> Record | None:
    """The order (责令关闭) a closure record says it carries out; None for a closure 因工作原因.

    A closure with ``ground = "ordered"`` names its order by file name (``order``, the
    name of a file in records/supervision/ without ``.toml``). The order must exist, be
    an ordered closure (``type = "sanction"``, ``measure = "ordered-closure"``) of the
    same account, and be dated on or before the closure: anything else is a broken
    cross-reference, an input error (exit 2), not a violation of either article. An order
    that is recorded but lacks authority (not signed by its unit) does not count yet: the
    closure is then judged as the unit's own, by art. 13.

    A closure record that states no ground (neither ``ground`` nor ``order``) carries out
    the account's ordered closure if one was issued on or before the closure day; only
    ``ground = "work"`` says in so many words that the unit closed it for its own reasons.
    """
    data = closure.data
    name = str(data.get("order", ""))
    if "ground" not in data and not name:
        return _standing_order(ctx, files, closure)
    ground = str(data.get("ground", "work"))
    if ground != "ordered":
        if name:
            raise InputError(
                '关停记录写了责令关闭的处置记录 order,但没有写 ground = "ordered"',
                path=closure.path,
                line=closure.line("order"),
                hint='被主管部门责令关闭的,写 ground = "ordered" 和 order;'
                "本单位因工作原因关停的,删去 order。",
            )
        return None
    path = f"{SUPERVISION_DIR}{name}.toml"
    if path in ctx.banner.withheld:
        # The order is recorded but its unit has not signed it (engine/authority.py): the
        # report warns about it, and until it counts the closure is the unit's own (art. 13).
        return None
    order = next((r for r in ctx.banner.supervision if r.path == path), None)

    def broken(message: str, hint: str) -> InputError:
        return InputError(message, path=closure.path, line=closure.line("order"), hint=hint)

    if order is None:
        raise broken(
            f"关停记录所依据的责令关闭处置记录 {path} 不存在",
            "order 写 records/supervision/ 下责令关闭处置记录的文件名(不含 .toml),"
            '例如 order = "2026-11-24-sanction-rlgs-wx";先登记该处置记录,或改正拼写。',
        )
    if order.data["type"] != "sanction" or order.data.get("measure") != "ordered-closure":
        raise broken(
            f'{path} 不是责令关闭的处置记录(应为 type = "sanction"、measure = "ordered-closure")',
            "order 只能指向责令关闭的处置记录;不是被责令关闭的,删去 ground 和 order。",
        )
    if str(order.data["account"]) != files.id:
        raise broken(
            f"{path} 责令关闭的是账号「{order.data['account']}」,不是本账号「{files.id}」",
            "改正 order,指向责令关闭本账号的处置记录。",
        )
    ordered, closed = parse_date(order.data["date"]), parse_date(data["date"])
    if closed < ordered:
        raise InputError(
            f"关停日期 {closed.isoformat()} 早于责令关闭的日期 {ordered.isoformat()}({path})",
            path=closure.path,
            line=closure.line("date"),
            hint="责令关闭之前已经关停的账号不是按该处置关停的:删去 ground 和 order"
            "(按第十三条的因工作原因关停处理);两个日期都须按实际登记。",
        )
    return order


def _standing_order(ctx: Context, files: AccountFiles, closure: Record) -> Record | None:
    """The latest ordered closure of this account issued on or before ``closure``'s day."""
    closed = parse_date(closure.data["date"])
    orders = [
        r
        for r in ctx.banner.supervision
        if r.data["type"] == "sanction"
        and r.data.get("measure") == "ordered-closure"
        and r.data.get("account") == files.id
        and parse_date(r.data["date"]) <= closed
    ]
    return max(orders, key=lambda r: str(r.data["date"]), default=None)
