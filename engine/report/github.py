"""GitHub Actions workflow commands: one annotation per open violation.

``::error file=PATH,line=N,title=TITLE::MESSAGE`` (``::warning`` for warnings).
Escaping follows the runner's rules (actions/toolkit ``command.ts``): in the
message ``%``, ``\\r`` and ``\\n``; in property values also ``:`` and ``,``.
Waived violations are not annotated. Reminders are ``::notice`` annotations (the
runner shows them and never fails a step for them), on their record when they
have one.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.labels import REMINDER, REMINDER_HINT, article_zh
from engine.report import Report, message, register, reminders
from engine.violations import Reminder, Violation


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(v: Violation, lang: str) -> str:
    en = lang == "en"
    level = "error" if v.severity == "error" else "warning"
    title = (
        f"{v.check_id} (article {v.article}, v{v.version})"
        if en
        else f"{v.check_id} {article_zh(v.article)} v{v.version}"
    )
    body = message(v, lang)
    if not en:
        body += f"\n怎么改: {v.hint}"
    body += f"\n{'fingerprint' if en else '指纹'} {v.fingerprint}"
    props = f"file={escape_property(v.path)},line={v.line},title={escape_property(title)}"
    return f"::{level} {props}::{escape_data(body)}"


def notice(m: Reminder, lang: str) -> str:
    en = lang == "en"
    title = f"{'reminder' if en else REMINDER} {m.kind}"
    body = message(m, lang)
    if m.hint and not en:
        body += f"\n{REMINDER_HINT}: {m.hint}"
    props = [f"file={escape_property(m.path)}"] if m.path else []
    if m.path and m.line > 0:
        props.append(f"line={m.line}")
    props.append(f"title={escape_property(title)}")
    return f"::notice {','.join(props)}::{escape_data(body)}"


def render(report: Report) -> str:
    return "".join(chunks(report))


@register("github")
def chunks(report: Report) -> Iterator[str]:
    """One workflow command a line, each made as it is written."""
    for v in report.shown:
        yield annotation(v, report.lang) + "\n"
    for m in reminders(report):
        yield notice(m, report.lang) + "\n"
