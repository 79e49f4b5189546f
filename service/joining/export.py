"""The member roster as xlsx rows, read in id order a batch at a time."""

from collections.abc import Iterator

from sqlalchemy import Select, String, func, select, type_coerce

from service.core import clock
from service.core.keyset import in_id_order
from service.core.pii import keyring
from service.core.spreadsheets import xlsx_response
from service.domain.enums import (
    EDUCATIONS,
    ETHNICITIES,
    GENDERS,
    HOUSEHOLD_TYPES,
    OCCUPATIONS,
    POLITICAL_STATUSES,
)
from service.domain.masking import mask_id_number, mask_phone
from service.extensions import db
from service.identity import audit
from service.identity.auth import has_role
from service.joining.roster import member_query, scope_root
from service.models.accounts import Admin
from service.models.members import Member
from service.models.orgs import Org, covers_every_org
from service.web.errors import abort

HEADER = ["会员号", "姓名", "性别", "出生日期", "身份证号码", "手机号码", "职业", "工作单位",
          "户籍类型", "民族", "政治面貌", "学历", "居住地区县", "所属组织", "入会时间", "状态"]
BIRTH = HEADER.index("出生日期")
EXPORT_BATCH = 1000  # members a query
STATUSES = {"active": "在会", "held": "保留会籍", "withdrawn": "已退会"}


def header(full: bool) -> list[str]:
    """Beside a masked ID number only the birth year (service/domain/masking.py says why)."""
    return HEADER if full else [*HEADER[:BIRTH], "出生年份", *HEADER[BIRTH + 1:]]


def roster_query() -> Select:
    """Plain columns, not entities: nothing piles up in the session's identity map. The
    numbers come as stored, opened by `roster_rows` with the keyring at hand."""
    return (select(Member.id, Member.member_no, Member.name, Member.gender, Member.birth_date,
                   _sealed(Member.id_number), _sealed(Member.phone), Member.occupation,
                   Member.employer, Member.household_type, Member.ethnicity,
                   Member.political_status, Member.education, Member.residence_district_code,
                   Org.name.label("org_name"), Member.joined_at, Member.status)
            .join(Org, Org.id == Member.org_id))


def _sealed(column):
    return type_coerce(column, String).label(column.key)


def roster_rows(query: Select, full: bool, by_ids: bool = False) -> Iterator[list]:
    """Rows for `xlsx_response`, one per member: a tight loop, since a city's roster is
    1.72 million of them. `by_ids` for a share of the city (keyset.in_id_order)."""
    decrypt = keyring().decrypt

    def _open(sealed: str | None) -> str | None:
        return None if sealed is None else decrypt(sealed)

    id_number_cell = _open if full else lambda sealed: mask_id_number(_open(sealed))
    phone_cell = _open if full else lambda sealed: mask_phone(_open(sealed))
    for (_, member_no, name, gender, birth_date, id_number, phone, occupation, employer,
         household_type, ethnicity, political_status, education, residence, org_name,
         joined_at, status) in in_id_order(query, Member, EXPORT_BATCH,
                                                       by_ids=by_ids):
        yield [member_no, name, GENDERS.get(gender, gender),
               birth_date.isoformat() if full else birth_date.year,
               id_number_cell(id_number), phone_cell(phone),
               OCCUPATIONS.get(occupation, occupation), employer,
               HOUSEHOLD_TYPES.get(household_type), ETHNICITIES.get(ethnicity),
               POLITICAL_STATUSES.get(political_status), EDUCATIONS.get(education),
               residence, org_name, f"{joined_at.astimezone(clock.SHANGHAI):%Y-%m-%d %H:%M}",
               STATUSES.get(status, status)]


def roster_footer(written: int) -> list[list]:
    """The totals row under `written` members (xlsx_response's footer)."""
    return [["合计", f"{written}人"]]


def whole_city(filters: dict) -> bool:
    """Whether `filters` keep every member of the city (the city's scope, nothing else):
    the one roster read along the primary key; any other is read by its ids."""
    narrowing = [name for name, value in filters.items()
                 if name != "org_id" and value not in (None, "")]
    return not narrowing and covers_every_org(scope_root(filters.get("org_id")))


def export_roster(admin: Admin, args: dict):
    """The roster of `args`' filters as a streamed xlsx download, audited before the first
    byte (a download cut short still counts). Full numbers need org_admin and a reason."""
    full = bool(args.get("full"))
    if full and not has_role(admin, "org_admin"):
        abort(403, "role_required", "导出完整身份证号码和手机号码需要组织管理员权限")
    filters = {k: v for k, v in args.items() if k not in ("full", "reason")}
    query = member_query(filters, roster_query())
    today = f"{clock.today_shanghai():%Y%m%d}"
    rows = db.session.scalar(select(func.count()).select_from(query.subquery()))
    response = xlsx_response(f"会员名册-{today}.xlsx", "会员名册", header(full),
                             roster_rows(query, full, not whole_city(filters)),
                             footer=roster_footer)
    audit.record("member.export", object_type="member", org_id=admin.org_id,
                 reason=args.get("reason"),
                 detail={"rows": rows, "full": full,
                         "filters": {k: str(v) for k, v in filters.items() if k != "q"}})
    return response
