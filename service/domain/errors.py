"""The exception every domain rule raises."""


class RuleViolation(ValueError):
    """A domain rule refused the input: a machine code, a Chinese message, the field."""

    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
