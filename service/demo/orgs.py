"""Demo org tree: Zhengzhou's federation, its districts (GB/T 2260) and platform unions."""

from sqlalchemy import select

from service.extensions import db
from service.models.accounts import Admin
from service.models.orgs import Org

ROOT = ("ZZ", "郑州市总工会", "city_federation", "410100")
DISTRICTS = [
    ("ZY", "中原区总工会", "410102"), ("EQ", "二七区总工会", "410103"),
    ("GCHZ", "管城回族区总工会", "410104"), ("JS", "金水区总工会", "410105"),
    ("SJ", "上街区总工会", "410106"), ("HJ", "惠济区总工会", "410108"),
    ("ZM", "中牟县总工会", "410122"), ("GY", "巩义市总工会", "410181"),
    ("XY", "荥阳市总工会", "410182"), ("XM", "新密市总工会", "410183"),
    ("XZ", "新郑市总工会", "410184"), ("DF", "登封市总工会", "410185"),
]
# (code, name, kind, parent code, district, accepts members, auto approve)
OTHERS = [
    ("ZZ-XYT", "郑州市新业态工会联合会", "new_employment_federation", "ZZ", "410100", True, False),
    ("ZZ-MT", "美团外卖郑州骑手工会", "grassroots", "ZZ-XYT", "410105", True, True),
    ("ZZ-ELM", "饿了么郑州配送站联合工会", "grassroots", "ZZ-XYT", "410103", True, False),
    ("ZZ-SF", "顺丰速运郑州分公司工会", "grassroots", "ZZ-XYT", "410104", True, False),
    ("ZZ-DD", "滴滴出行郑州司机工会", "grassroots", "ZZ-XYT", "410105", True, False),
    ("ZZ-HY", "郑州货运司机工会联合会", "grassroots", "ZZ-XYT", "410122", True, False),
    ("ZZ-ZZK", "郑州市新就业形态劳动者入会周转库", "holding_pool", "ZZ-XYT", "410100",
     True, True),
    ("ZZ-JT", "郑州市交通运输产业工会", "industry_union", "ZZ", "410100", True, False),
    ("JS-XW", "金水区小微企业联合工会", "grassroots", "JS", "410105", True, False),
    ("EQ-HT", "二七区商贸企业联合工会", "grassroots", "EQ", "410103", True, False),
]
# (username, org code, roles)
ACCOUNTS = [
    ("city_admin", "ZZ", ["org_admin"]),
    ("city_finance", "ZZ", ["finance"]),
    ("jinshui_admin", "JS", ["org_admin"]),
    ("jinshui_reviewer", "JS", ["member_reviewer"]),
    ("jinshui_refunds", "JS", ["refund_reviewer"]),
    ("jinshui_stations", "JS", ["station_manager"]),
    ("erqi_refunds", "EQ", ["refund_reviewer"]),
    ("xyt_reviewer", "ZZ-XYT", ["member_reviewer"]),
]


def _org(code, name, kind, parent, district, accepts=True, auto=False) -> Org:
    from service.api.identity.orgs import create_org

    org = db.session.scalar(select(Org).where(Org.code == code))
    if org is None:
        org = create_org({"code": code, "name": name, "kind": kind, "district_code": district,
                          "accepts_members": accepts, "auto_approve": auto}, parent)
    return org


def seed_orgs(password: str) -> list[str]:
    """Create the tree and the accounts that are missing; return the account lines."""
    from service.commands import create_admin

    code, name, kind, district = ROOT
    root = _org(code, name, kind, None, district)
    orgs = {"ZZ": root}
    for code, name, district in DISTRICTS:
        orgs[code] = _org(code, name, "district_federation", root, district)
    for code, name, kind, parent, district, accepts, auto in OTHERS:
        orgs[code] = _org(code, name, kind, orgs[parent], district, accepts, auto)
    lines = [f"demo accounts (password {password}):"]
    for username, org_code, roles in ACCOUNTS:
        if db.session.scalar(select(Admin.id).where(Admin.username == username)) is None:
            create_admin(username, orgs[org_code], roles, password)
        lines.append(f"  {username:<18} {orgs[org_code].name} ({', '.join(roles)})")
    return lines
