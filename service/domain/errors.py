"""Domain errors shared by the rule modules."""


class RuleViolation(ValueError):
    """A business rule was broken; `code` is stable, `message` is for people."""

    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
