"""Exact lookups by a full ID number or phone: personal-data reads, audited and limited.

A staff search box that matches a full number exactly answers "is this person ours?", so
each such search is recorded (who, when, which field, found or not; never the value) and
counted per staff account (service/web/limits.py, EXACT_LOOKUP_LIMIT). Name searches are
neither. Partial numbers are never matched against the hidden digits, so the masked forms
shown to staff cannot be completed by searching; the member roster matches a phone's last
four digits only against the four its masked form shows anyway (service/joining/roster.py).
"""

from sqlalchemy import Select, select

from service.domain.search_terms import exact_lookup
from service.extensions import db
from service.identity import audit

__all__ = ["exact_lookup", "record_lookup"]


def record_lookup(query: Select, field: str, object_type: str) -> None:
    """Audit an exact lookup by `field`; found means `query` (scoped, filtered) has a row."""
    found = bool(db.session.scalar(select(query.order_by(None).exists())))
    audit.record("pii.exact_lookup", object_type=object_type,
                 detail={"field": field, "found": found})
