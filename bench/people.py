"""Applicants and members for the benchmarks: valid, distinct people, loaded in bulk."""

import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from bench.data import batches
from bench.parallel import in_processes
from service.core.pii import blind_index
from service.domain.enums import OCCUPATIONS
from service.domain.idcard import make_id_number, parse_id_number
from service.extensions import db
from service.identity.auth import MEMBER, issue_token
from service.joining.membership import member_number
from service.joining.privacy import CURRENT_VERSION
from service.models.accounts import User
from service.models.members import JoinApplication, Member
from service.models.orgs import Org

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
APPLY_PATH = "/api/v1/join/applications"
MEMBER_PREFIX = "bench-member"
MEMBER_CHUNK = 25_000  # members per job (one commit each)


def person(n: int, area: str, mobile_prefix: str) -> dict:
    """Applicant number `n` of a population: a valid ID number and a phone of their own.

    One population per area code and mobile prefix, so two populations never share a person.
    """
    rng = random.Random(n)
    id_number = make_id_number(area, date(1975, 1, 1) + timedelta(days=n // 1000), n % 1000)
    return {"name": rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2))),
            "id_number": id_number, "phone": f"{mobile_prefix}{n:08d}",
            "occupation": rng.choice(list(OCCUPATIONS))}


def _add_users(prefix: str, first_id: int, numbers: range) -> None:
    now = datetime.now(UTC)
    for batch in batches(numbers):
        db.session.execute(insert(User.__table__), [
            {"id": first_id + n, "openid": f"{prefix}-{n}", "created_at": now} for n in batch])


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def load_users(prefix: str, count: int) -> list[int]:
    """`count` WeChat users with openids `<prefix>-<n>`; returns their ids in order."""
    first_id = _next_id(User)
    _add_users(prefix, first_id, range(count))
    db.session.commit()
    return list(range(first_id, first_id + count))


def write_replay(path: Path, user_ids: list[int], org_id: int) -> None:
    """One sign-up per user for lua/replay.lua: path, the user's member token, the form."""
    with path.open("w") as out:
        for n, user_id in enumerate(user_ids):
            token, _ = issue_token(MEMBER, user_id)
            form = {"org_id": org_id, **person(n, "410105", "139"),
                    "consent_version": CURRENT_VERSION}
            out.write(f"{APPLY_PATH}\t{token}\t{json.dumps(form, ensure_ascii=False)}\n")


def load_member_chunk(numbers: range, first_user_id: int, first_application_id: int) -> int:
    """Members `numbers` of the population, with their users and approved applications.

    Member n gets user id first_user_id + n and application id first_application_id + n.
    """
    orgs = list(db.session.scalars(select(Org).where(Org.accepts_members.is_(True))
                                   .order_by(Org.id)))
    _add_users(MEMBER_PREFIX, first_user_id, numbers)
    return insert_members(numbers, lambda n: orgs[n % len(orgs)], first_user_id,
                          first_application_id, "410103", "137")


def insert_members(numbers: range, org_of, first_user_id: int, first_application_id: int,
                   county: str, phone_prefix: str) -> int:
    """Members `numbers` (each in `org_of(n)`) with their approved applications, in bulk,
    their personal values encrypted and indexed as the service stores them."""
    now = datetime.now(UTC)
    for batch in batches(numbers):
        applications, members = [], []
        for n in batch:
            org, application_id = org_of(n), first_application_id + n
            fields = person(n, county, phone_prefix)
            identity = parse_id_number(fields["id_number"], now.date())
            index = blind_index("id_number", identity.number)
            details = {**fields, "gender": identity.gender, "birth_date": identity.birth_date,
                       "phone_index": blind_index("phone", fields["phone"]),
                       "user_id": first_user_id + n, "org_id": org.id}
            applications.append({**details, "id": application_id, "id_index": index,
                                 "active_person_index": index, "status": "approved",
                                 "reviewed_at": now, "created_at": now})
            members.append({**details, "application_id": application_id,
                            "person_index": index, "status": "active", "joined_at": now,
                            "updated_at": now, "phone_tail": fields["phone"][-4:],
                            "member_no": member_number(org, now, application_id)})
        # Core inserts: the rows as given, without the ORM's bulk bookkeeping
        db.session.execute(insert(JoinApplication.__table__), applications)
        db.session.execute(insert(Member.__table__), members)
    return len(numbers)


def load_members(settings: dict, count: int) -> int:
    """`count` members over the accepting orgs, loaded in worker processes; the total."""
    first_user_id, first_application_id = _next_id(User), _next_id(JoinApplication)
    jobs = [(range(start, min(count, start + MEMBER_CHUNK)), first_user_id, first_application_id)
            for start in range(0, count, MEMBER_CHUNK)]
    in_processes(settings, load_member_chunk, jobs)
    db.session.commit()  # end the read transaction: the next one sees the workers' rows
    return db.session.scalar(select(func.count(Member.id)))
