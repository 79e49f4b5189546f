"""Characters no person types and no spreadsheet can hold (XML 1.0, Unicode noncharacters).

One rule for the input guard (refuse) and the spreadsheet writer (drop): C0 controls other
than tab, line feed and carriage return, DEL, lone surrogates, U+FDD0..U+FDEF, and the last
two code points of every plane (U+FFFE, U+FFFF, U+1FFFE, ... U+10FFFF).
"""

import re

_PLANE_ENDS = "".join(f"{chr(plane << 16 | 0xFFFE)}-{chr(plane << 16 | 0xFFFF)}"
                      for plane in range(17))
UNSAFE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufdd0-\ufdef{_PLANE_ENDS}]")


def is_unsafe(text: str) -> bool:
    """Whether `text` holds a character refused at input and dropped from exports."""
    return UNSAFE.search(text) is not None


def drop_unsafe(text: str) -> str:
    """`text` without the characters of `UNSAFE`."""
    return UNSAFE.sub("", text)


def visible(text: str) -> str:
    """`text` with each unsafe character written as an escape (`\\u0000`), fit to echo back."""
    return UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
