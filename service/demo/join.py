"""Demo joining data: join codes per channel and a few hundred applications and members."""

import random
from datetime import date, timedelta

from sqlalchemy import select

from service.core import clock
from service.core.pii import blind_index
from service.domain.idcard import make_id_number
from service.extensions import db
from service.joining.codes import create_join_code
from service.joining.membership import make_member
from service.joining.privacy import CURRENT_VERSION
from service.models.accounts import User
from service.models.join_codes import JoinCode
from service.models.members import JoinApplication
from service.models.orgs import Org
from service.wechat import WeChatError

CODES = [("ZZ-MT", "美团外卖金水站"), ("ZZ-MT", "集中入会活动"), ("ZZ-ELM", "饿了么二七站"),
         ("ZZ-SF", "顺丰中牟分拨中心"), ("ZZ-DD", "滴滴司机之家"), ("ZZ-HY", "货车司机之家"),
         ("JS-XW", "金水区集中入会活动")]
# org code -> the occupation most of its applicants have
OCCUPATION_OF = {"ZZ-MT": "food_delivery", "ZZ-ELM": "food_delivery", "ZZ-SF": "courier",
                 "ZZ-DD": "ride_hailing_driver", "ZZ-HY": "truck_driver",
                 "ZZ-ZZK": "other_platform", "JS-XW": "other", "EQ-HT": "other"}
APPLICATIONS = 300
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN_NAMES = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛",
               "明", "超", "秀英", "建华", "志强", "海燕", "晓东"]
AREAS = ["410102", "410103", "410104", "410105", "410122", "410181", "411302", "412726",
         "341221", "130102"]
REJECT_REASONS = ["工作单位填写不完整，请补充后重新提交",
                  "非本工会所属单位职工，请到所在单位工会申请"]
FIRST_USER = "demo-user-0000"


def seed_join() -> list[str]:
    """Add the missing join codes and, once, the demo applications; describe what exists."""
    orgs = {org.code: org for org in db.session.scalars(
        select(Org).where(Org.code.in_(set(OCCUPATION_OF) | {code for code, _ in CODES})))}
    lines = [_seed_codes(orgs)]
    if db.session.scalar(select(User.id).where(User.openid == FIRST_USER)) is None:
        _seed_applications(orgs, random.Random(2026))
    lines.append(f"demo join applications: {APPLICATIONS} (pending, approved and rejected)")
    return lines


def _seed_codes(orgs: dict[str, Org]) -> str:
    try:
        for org_code, label in CODES:
            org = orgs[org_code]
            exists = select(JoinCode.id).where(JoinCode.org_id == org.id, JoinCode.label == label)
            if db.session.scalar(exists) is None:
                create_join_code(org, label, None)
    except WeChatError:
        return "demo join codes: skipped, WeChat is unavailable (run seed-demo again later)"
    return f"demo join codes: {len(CODES)}"


def _seed_applications(orgs: dict[str, Org], rng: random.Random) -> None:
    now = clock.now()
    codes = {code.org_id: code for code in db.session.scalars(select(JoinCode))}
    decided = []
    for i in range(APPLICATIONS):
        org = orgs[rng.choice(list(OCCUPATION_OF))]
        created_at = now - timedelta(days=rng.randint(0, 330), minutes=rng.randint(0, 1439))
        application = _application(i, org, codes.get(org.id), created_at, now, rng)
        db.session.add(application)
        decided.append(application)
    db.session.flush()
    for application in decided:
        if application.status == "approved":
            make_member(application, application.reviewed_at)


def _application(i: int, org: Org, code: JoinCode | None, created_at, now,
                 rng: random.Random) -> JoinApplication:
    number = make_id_number(rng.choice(AREAS), date(rng.randint(1965, 2004), rng.randint(1, 12),
                                                    rng.randint(1, 28)), i)
    phone = f"13{rng.randint(5, 9)}{rng.randint(0, 99999999):08d}"
    roll = rng.random()
    status = ("approved" if org.auto_approve or roll < 0.6
              else "rejected" if roll < 0.75 else "pending")
    occupation = OCCUPATION_OF[org.code] if rng.random() < 0.85 else "other"
    person = blind_index("id_number", number)
    user = User(openid=f"demo-user-{i:04d}", created_at=created_at, id_number=number,
                id_number_index=person)  # one account, one person
    return JoinApplication(
        user=user, org=org, join_code=code, name=rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
        id_number=number, id_index=person,
        active_person_index=None if status == "rejected" else person,
        gender="male" if int(number[16]) % 2 else "female",
        birth_date=date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
        phone=phone, phone_index=blind_index("phone", phone), occupation=occupation,
        employer=org.name.removesuffix("工会"), household_type=rng.choice(
            ["agricultural", "agricultural", "non_agricultural"]),
        ethnicity="01", political_status=rng.choice(["masses", "masses", "cyl_member"]),
        education=rng.choice(["junior_high", "senior_high", "junior_college"]),
        residence_district_code=org.district_code, status=status, created_at=created_at,
        reviewed_at=None if status == "pending" else min(created_at + timedelta(hours=6), now),
        reject_reason=rng.choice(REJECT_REASONS) if status == "rejected" else None,
        consent_version=CURRENT_VERSION)
