"""Past join applications of people who never became members: most rejected over the last
two years (those decided before the retention period stored as the purge leaves them), and
the review queue of the last weeks, pending with its due dates. Spread over the grassroots
unions as the members are (bench/city.py Spread); loaded in bulk, personal values encrypted
by the columns' own type."""

import random
from datetime import date, datetime, timedelta
from functools import cache

from sqlalchemy import func, insert, select

from bench.city import Spread
from bench.data import batches
from bench.parallel import in_processes
from bench.people import _next_id, person
from service.core import clock
from service.core.pii import blind_index
from service.core.workdays import due_on
from service.domain.idcard import parse_id_number
from service.extensions import db
from service.identity.erasure import ERASED_INDEX, ERASED_NAME, ERASED_TEXT
from service.joining.privacy import CURRENT_VERSION
from service.models.accounts import User
from service.models.members import JoinApplication
from service.models.orgs import Org

APPLICANT_PREFIX = "bench-applicant"
PAST_APPLICATIONS = 200_000
PENDING = 3_500  # the review queue: submitted in the last QUEUE_DAYS days
QUEUE_DAYS = 25  # 15 working days to answer: the oldest of the queue are overdue
HISTORY_DAYS = 730
RETENTION_DAYS = 180  # the deploy's default (service/config.py RETENTION_DAYS)
CHUNK = 20_000
SPREAD_OFFSET = 50_000_000  # applicant n draws its union as "member" SPREAD_OFFSET + n
REASONS = ("所填工作单位不属于本基层工会，请选择所在单位的工会",
           "经核实非本单位职工，请向实际工作单位工会申请",
           "身份证号码与姓名不一致，请核对后重新申请",
           "工作单位信息不完整，请补充后重新申请",
           "已在其他工会组织办理入会，请先办理会籍转移")


@cache
def _due(day: date) -> tuple[date, bool]:
    return due_on(datetime.combine(day, datetime.min.time(), clock.SHANGHAI))


def application_row(n: int, now: datetime, pending: int, spread: Spread) -> dict:
    """Applicant n's application: the first `pending` are the queue, the rest decided."""
    rng = random.Random(SPREAD_OFFSET + n)
    fields = person(n, "410104", "135")
    identity = parse_id_number(fields["id_number"], now.date())
    index = blind_index("id_number", identity.number)
    if n < pending:
        created = now - timedelta(days=rng.random() * QUEUE_DAYS)
    else:
        created = now - timedelta(days=QUEUE_DAYS + rng.random() * (HISTORY_DAYS - QUEUE_DAYS))
    due, estimated = _due(created.astimezone(clock.SHANGHAI).date())
    row = {**fields, "gender": identity.gender, "birth_date": identity.birth_date,
           "phone_index": blind_index("phone", fields["phone"]), "id_index": index,
           "org_id": spread.union_of(SPREAD_OFFSET + n), "created_at": created,
           "due_on": due, "due_on_estimated": estimated, "consent_version": CURRENT_VERSION,
           "status": "pending", "active_person_index": index, "reject_reason": None,
           "reviewed_at": None, "erased_at": None}
    if n >= pending:
        reviewed = created + timedelta(days=rng.random() * 20)
        row.update(status="rejected", active_person_index=None, reviewed_at=reviewed,
                   reject_reason=rng.choice(REASONS))
        if reviewed < now - timedelta(days=RETENTION_DAYS):  # as the daily purge left it
            row.update(name=ERASED_NAME, id_number="", phone="", phone_index=ERASED_INDEX,
                       id_index=ERASED_INDEX, reject_reason=ERASED_TEXT,
                       birth_date=date(identity.birth_date.year, 1, 1),
                       erased_at=reviewed + timedelta(days=RETENTION_DAYS + 1))
    return row


def load_applicant_chunk(numbers: range, first_user_id: int, first_application_id: int,
                         unions: list[int], pending: int) -> int:
    """Applicants `numbers`: their WeChat accounts (bound to their ID number until purged)
    and their applications."""
    spread, now = Spread(unions), clock.now()
    for batch in batches(numbers):
        users, applications = [], []
        for n in batch:
            row = application_row(n, now, pending, spread)
            user_id = first_user_id + n
            bound = row["erased_at"] is None
            users.append({"id": user_id, "openid": f"{APPLICANT_PREFIX}-{n}",
                          "created_at": row["created_at"],
                          "id_number": row["id_number"] if bound else None,
                          "id_number_index": row["id_index"] if bound else None})
            applications.append({**row, "id": first_application_id + n, "user_id": user_id})
        db.session.execute(insert(User), users)
        db.session.execute(insert(JoinApplication), applications)
    return len(numbers)


def applicants() -> int:
    return db.session.scalar(select(func.count(User.id)).where(
        User.openid.like(f"{APPLICANT_PREFIX}-%")))


def load_past_applications(settings: dict | None, count: int = PAST_APPLICATIONS,
                           pending: int = PENDING) -> int:
    """`count` past applications of non-members, `pending` of them in the review queue,
    topped up to what is missing; in worker processes when `settings` are given."""
    unions = list(db.session.scalars(select(Org.id).where(Org.code.like("CG-%"))
                                     .order_by(Org.id)))
    if not unions:
        raise RuntimeError("the city tree comes first (bench/city.py load_city_tree)")
    loaded = applicants()
    if loaded >= count:
        return loaded
    first_user_id, first_application_id = _next_id(User), _next_id(JoinApplication)
    jobs = [(range(start, min(count, start + CHUNK)), first_user_id - loaded,
             first_application_id - loaded, unions, pending)
            for start in range(loaded, count, CHUNK)]
    if settings is None:
        for job in jobs:
            load_applicant_chunk(*job)
    else:
        in_processes(settings, load_applicant_chunk, jobs)
    db.session.commit()
    return applicants()
