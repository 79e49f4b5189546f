"""Validators whose published form a browser or a code generator reads the same way."""


from marshmallow import validate


class FullMatch(validate.Regexp):
    """The whole value must match `pattern`.

    The OpenAPI document shows the pattern anchored with ^ and $, which ECMA-262 (what a
    mini-program or any JavaScript client runs) reads as Python's fullmatch does; Python's
    own `\\Z` would be a literal "Z" there.
    """

    def __init__(self, pattern: str, error: str | None = None):
        super().__init__(f"^(?:{pattern})$", error=error)

    def __call__(self, value: str) -> str:
        if self.regex.fullmatch(value) is None:
            raise validate.ValidationError(self._format_error(value))
        return value
