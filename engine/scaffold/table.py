"""The per-kind knowledge of ``govmedia new``, as one table.

Each entry says which record (schema) a KIND writes, which fields are asked for and
in which order, which of them name other records, where the record goes, how it is
written (a file of its own, appended to a month or registry file, or an answer added
to an existing message) and what makes two records "the same" (a duplicate is
refused with its path). Field types, enums and descriptions come from the JSON
schemas; Chinese labels from ``engine.labels``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine import labels, records


@dataclass(frozen=True)
class Kind:
    name: str  # the KIND of ``govmedia new KIND``
    record: str  # records.KINDS entry, i.e. the schema
    variant: str | None = None  # the ``type`` const of an event or supervision record
    # Fields asked for, in order (dotted for a field of a table: contact.name). None:
    # every field of the schema part, required ones first. Location keys come first.
    ask: tuple[str, ...] | None = None
    location: tuple[str, ...] = ()  # keys that place the record but are not stored in it
    # Where it goes: a str.format template over the values (``{day:field}`` is the
    # field's date, ``{month:field}`` its YYYY-MM).
    path: str = ""
    # "file": a file of its own (``numbered``: -2, -3 … when the name is taken);
    # "append": one more [[container]] table at the end of the file;
    # "answer": the answer added to an existing message.
    mode: str = "file"
    numbered: bool = False
    container: str | None = None
    same: tuple[str, ...] = ()  # fields whose equal values make a duplicate
    refs: Mapping[str, str] = field(default_factory=dict)  # field -> "unit" | "account"
    strict: Mapping[str, Mapping[Any, str]] = field(default_factory=dict)  # closed vocabularies


# Labels of enum values: the vocabulary each field's ids come from (engine/labels.py).
CHOICES: dict[str, Mapping[Any, str]] = {
    "platform": labels.PLATFORM,
    "unit.type": labels.UNIT_TYPE,
    "sectors": labels.SECTOR,
    "category": labels.CATEGORY,
    "evidence.type": labels.EVIDENCE_TYPE,
    "incident.kind": labels.INCIDENT_TYPE,
    "measure": labels.MEASURE,
    "level": labels.REVIEW_LEVEL,
}

_EVENT = "records/accounts/{account}/events/{day}-{type}.toml"

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "unit",
            "unit",
            ask=(
                "name",
                "type",
                "supervising_office",
                "newmedia_office",
                "website_office",
                "superior",
                "sectors",
                "public_functions",
                "classified",
                "administrative_functions",
                "internal_bodies",
                "publishes_via",
                "contact.name",
                "contact.phone",
            ),
            location=("id",),
            path="records/units/{id}/unit.toml",
            refs={"superior": "unit", "publishes_via": "account"},
        ),
        Kind(
            "account",
            "account",
            ask=(
                "unit",
                "name",
                "platform",
                "certification",
                "opened",
                "purpose",
                "operated_by",
                "outsourced_from",
                "tracked_from",
                "url",
                "logo",
                "collects",
                "needs",
                "login_holder",
            ),
            location=("id",),
            path="records/accounts/{id}/account.toml",
            refs={"unit": "unit"},
            strict={"platform": labels.PLATFORM},
        ),
        Kind(
            "post",
            "posts",
            ask=(
                "published",
                "title",
                "category",
                "review",
                "url",
                "ad",
                "personal_opinion",
                "personal_data",
                "repost.source_unit",
                "repost.original_title",
                "repost.source_url",
            ),
            location=("account",),
            path="records/accounts/{account}/posts/{month:published}.toml",
            mode="append",
            container="post",
            same=("published", "title"),
        ),
        Kind(
            "message",
            "messages",
            ask=("received", "topic", "channel", "asker", "contact", "answered", "answer"),
            location=("account",),
            path="records/accounts/{account}/messages/{month:received}.toml",
            mode="append",
            container="message",
            same=("received", "topic"),
        ),
        Kind(
            "answer",
            "messages",
            ask=("received", "answered", "answer"),
            location=("account",),
            path="records/accounts/{account}/messages/{month:received}.toml",
            mode="answer",
            container="message",
        ),
        Kind(
            "evidence",
            "evidence",
            ask=("type", "title", "document", "adopted", "reviewed", "note"),
            location=("unit",),
            path="records/units/{unit}/evidence/{day:adopted}-{type}.toml",
            numbered=True,
            same=("type", "adopted", "document"),
        ),
        Kind(
            "calendar",
            "calendar",
            ask=("year", "complete", "source", "day"),
            path="records/calendar/{year}.toml",
        ),
        *(
            Kind(
                event,
                "event",
                variant=event,
                location=("account",),
                path=_EVENT.replace("{day}", "{day:" + date_field + "}"),
                numbered=True,
                same=same,
                refs={"with": "unit"},
            )
            for event, date_field, same in (
                ("opening", "date", ("date",)),
                ("closure-decision", "date", ("date",)),
                ("filing", "date", ("date", "with")),
                ("notice", "start", ("start", "end")),
                ("closure", "date", ("date",)),
                ("responsible", "from", ("from", "person")),
                ("contract", "start", ("contractor", "start", "end")),
                ("incident", "date", ("date", "kind", "description")),
            )
        ),
        *(
            Kind(
                variant,
                "supervision",
                variant=variant,
                path="records/supervision/{day:" + date_field + "}-{type}.toml",
                numbered=True,
                same=same,
                refs={"unit": "unit", "account": "account", "issued_by": "unit"},
            )
            for variant, date_field, same in (
                ("rectification-order", "issued", ("unit", "issued", "issue")),
                ("sanction", "date", ("account", "date", "measure")),
            )
        ),
        Kind(
            "waiver",
            "waiver",
            ask=(
                "rule",
                "target",
                "fingerprint",
                "reason",
                "approved_by",
                "approver",
                "approved",
                "expires",
            ),
            path="records/waivers/{day:approved}-{rule_name}.toml",
            numbered=True,
            same=("rule", "target", "fingerprint", "approved"),
            refs={"approved_by": "unit", "target": "file"},
        ),
        Kind(
            "signer",
            "authority",
            ask=("unit", "name", "email", "key"),
            path="records/authority.toml",
            mode="append",
            container="identity",
            same=("key",),
            refs={"unit": "unit"},
        ),
        Kind(
            "acknowledgement",
            "acknowledgement",
            ask=("fingerprint", "reason", "recorded", "rule", "target", "message"),
            path="records/acknowledgements/{day:recorded}-{fingerprint}.toml",
            same=("fingerprint",),
            refs={"target": "file"},
        ),
    )
}

# The Chinese name of each KIND, for prompts and messages (its home: engine/labels.py).
TITLE = labels.NEW_KIND


def record_name(name: str) -> str:
    """「发布记录」「专人负责记录」: the kind's title as a kind of record."""
    title = TITLE[name]
    return title if title.endswith("记录") else f"{title}记录"


def get(name: str) -> Kind:
    from engine.errors import InputError

    kind = KINDS.get(name)
    if kind is None:
        by_title = {v: k for k, v in TITLE.items()}
        kind = KINDS.get(by_title.get(name, ""))
    if kind is None:
        raise InputError(
            f"不认识的记录种类「{name}」",
            hint="可以新建: "
            + "、".join(f"{k}({TITLE[k]})" for k in KINDS)
            + "。例如 govmedia new responsible --set account=wx-xxx。",
        )
    return kind


def properties(kind: Kind) -> tuple[dict[str, Any], list[str]]:
    """The schema properties of one record of ``kind`` and its required fields."""
    schema = records.schema(kind.record)
    if kind.variant is not None:
        for part in schema.get("allOf", []):
            if (
                part.get("if", {}).get("properties", {}).get("type", {}).get("const")
                == kind.variant
            ):
                then = part["then"]
                props = {k: v for k, v in then["properties"].items() if k != "type"}
                return props, [r for r in then["required"] if r != "type"]
        raise KeyError(kind.variant)
    if kind.container is not None:
        item = schema["properties"][kind.container]["items"]
        return dict(item["properties"]), list(item.get("required", []))
    return dict(schema["properties"]), list(schema.get("required", []))


def asked(kind: Kind) -> list[str]:
    """The fields ``new`` asks for, in order (location keys first)."""
    props, required = properties(kind)
    if kind.ask is not None:
        names = list(kind.ask)
    else:
        names = [*required, *(k for k in props if k not in required and k != "note")]
    return [*kind.location, *names]


def choices(kind: Kind, name: str) -> Mapping[Any, str] | None:
    """The labelled vocabulary of a field, if its values are ids with Chinese labels."""
    for key in (f"{kind.record}.{name}", f"{kind.variant}.{name}", name):
        if key in CHOICES:
            return CHOICES[key]
    return None
