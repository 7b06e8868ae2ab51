"""The one error type for bad input; the CLI turns it into exit code 2."""

from __future__ import annotations


class InputError(Exception):
    """Invalid input from a user: a record, a ref, an option.

    ``message`` says what is wrong and ``hint`` how to fix it, both in Chinese;
    ``path`` and ``line`` point at the place when there is one.
    """

    def __init__(
        self, message: str, *, path: str | None = None, line: int | None = None, hint: str = ""
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.hint = hint

    def render(self) -> str:
        from engine.textsafe import clean  # values quoted from records are shown escaped

        where = ""
        if self.path:
            path = clean(self.path)
            where = f"{path}:{self.line}: " if self.line else f"{path}: "
        text = f"错误: {where}{clean(self.message)}"
        if self.hint:
            text += "\n  修改方法: " + "\n".join(clean(line) for line in self.hint.split("\n"))
        return text


class InputErrors(InputError):
    """Several input errors found in one pass, reported together."""

    def __init__(self, errors: list[InputError]) -> None:
        super().__init__(errors[0].message, path=errors[0].path, line=errors[0].line)
        self.errors = errors

    def render(self) -> str:
        shown = self.errors[:50]
        text = "\n".join(e.render() for e in shown)
        if len(self.errors) > len(shown):
            text += f"\n……另有 {len(self.errors) - len(shown)} 处错误未列出"
        return text


class EngineError(RuntimeError):
    """durable_rules misbehaved or a limit would be crossed: an internal error (exit 3).
    Raised by engine/rules_engine.py; here so that the command line catches it without
    importing the rule matcher."""
