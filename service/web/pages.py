"""Bounded lists: every list endpoint pages through `paginate`."""

from sqlalchemy import func, select

from service.extensions import db


def paginate(statement, args: dict) -> dict:
    """Run `statement` for one page; return the envelope of API.md."""
    page, page_size = args["page"], args["page_size"]
    total = db.session.scalar(
        select(func.count()).select_from(statement.order_by(None).subquery()))
    items = db.session.scalars(
        statement.limit(page_size).offset((page - 1) * page_size)).unique().all()
    return {"items": items, "total": total, "page": page, "page_size": page_size}
