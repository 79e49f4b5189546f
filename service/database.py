"""The column type's first home, kept because the frozen migrations import it from here."""

from service.core.database import UTCDateTime

__all__ = ["UTCDateTime"]
