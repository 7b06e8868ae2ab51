"""GitHub Actions workflow commands: one annotation per open violation.

``::error file=PATH,line=N,title=TITLE::MESSAGE`` (``::warning`` for warnings).
Escaping follows the runner's rules (actions/toolkit ``command.ts``): in the
message ``%``, ``\\r`` and ``\\n``; in property values also ``:`` and ``,``.
Waived violations are not annotated.
"""

from __future__ import annotations

from engine.labels import article_zh
from engine.report import Report, message, register
from engine.violations import Violation


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


@register("github")
def render(report: Report) -> str:
    return "".join(annotation(v, report.lang) + "\n" for v in report.shown)
