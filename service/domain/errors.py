"""The one exception type that domain rules raise."""


class RuleViolation(ValueError):
    """A broken business rule, with a stable machine code and a message a worker can act on."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __repr__(self) -> str:
        return f"RuleViolation({self.code!r}, {self.message!r}, field={self.field!r})"
