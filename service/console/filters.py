"""Reading a list page's filters from its query string, as the API's query schemas do."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from service.core import clock
from service.domain.enums import OCCUPATIONS
from service.extensions import db
from service.identity.auth import scope_org_ids
from service.models.orgs import Org

PAGE_SIZE = 50
MAX_PAGE = 10_000


class FilterError(ValueError):
    """A filter that cannot be read: its Chinese message and the field."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.message, self.field = message, field


def _day(text: str, field: str, label: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FilterError(f"{label}格式不正确，请按“年-月-日”填写，如 2026-03-01", field) from None


def read_filters(source, *, statuses=None) -> dict:
    """`source` (request.args) as the args of the feature's query functions."""
    args: dict = {}
    status = source.get("status", "")
    if status and statuses is not None:
        if status not in statuses:
            raise FilterError("状态不正确，请从列表中选择", "status")
        args["status"] = status
    org_id = source.get("org_id", "")
    if org_id:
        if not org_id.isdigit() or not 0 < int(org_id) < 2**31:
            raise FilterError("组织不正确，请从列表中选择", "org_id")
        args["org_id"] = int(org_id)
    occupation = source.get("occupation", "")
    if occupation:
        if occupation not in OCCUPATIONS:
            raise FilterError("职业不正确，请从列表中选择", "occupation")
        args["occupation"] = occupation
    since, until = source.get("since", "").strip(), source.get("until", "").strip()
    if since:
        args["since"] = _start_of(_day(since, "since", "开始日期"))
    if until:
        args["until"] = _start_of(_day(until, "until", "结束日期") + timedelta(days=1))
    if since and until and args["since"] >= args["until"]:
        raise FilterError("结束日期不能早于开始日期", "until")
    q = source.get("q", "").strip()
    if q:
        if len(q) > 50:
            raise FilterError("搜索内容不能超过50个字", "q")
        args["q"] = q
    return args


def _start_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=clock.SHANGHAI)


def page_args(source) -> dict:
    page = source.get("page", "1")
    number = int(page) if page.isdigit() and 0 < int(page) <= MAX_PAGE else 1
    return {"page": number, "page_size": PAGE_SIZE}


def orgs_in_scope() -> list[Org]:
    """The caller's org and every org below it, tree order (for the org filter)."""
    return list(db.session.scalars(select(Org).where(Org.id.in_(scope_org_ids()))
                                   .order_by(Org.path)))
