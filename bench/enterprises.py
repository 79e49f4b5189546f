"""Small and micro enterprises with five years (2020-2024) of refund applications, as a real
ledger holds them: most paid, some rejected for good, drafts left by the ineligible, the
last year's approvals waiting for the payment and a short review backlog; every step in
the status history, amounts in integer fen, eligibility as the service assesses it."""

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select

from bench.data import batches
from bench.parallel import in_processes
from bench.people import _next_id
from service.domain.refund_eligibility import assess
from service.domain.sme import classify
from service.domain.uscc import make_uscc
from service.extensions import db
from service.models.accounts import User
from service.models.refund_applications import RefundApplication, RefundStatusChange
from service.models.refunds import Enterprise, RefundPolicy

ENTERPRISES = 20_000
YEARS = range(2020, 2025)
CHUNK = 2_000
OWNER_PREFIX = "bench-enterprise"
INDUSTRIES = ("industry", "wholesale", "retail", "catering", "software_it",
              "property_management", "transport", "other")
BANKS = ("中国工商银行郑州分行", "中国银行郑州分行", "中国建设银行郑州分行", "郑州银行")
REJECTED = "缴费凭证不清晰，请重新上传加盖银行印章的完税证明"
APPLICANT = ("member", None, "申请人")


def _enterprise(n: int, rng: random.Random, district: tuple, owner_id: int,
                now: datetime) -> dict:
    org_id, code = district
    while True:
        industry = rng.choice(INDUSTRIES)
        low, high = rng.choices(((2, 9), (10, 29), (30, 80)), (6, 3, 1))[0]
        employees = rng.randint(low, high)  # most small businesses employ a handful
        revenue = Decimal(employees * rng.randint(8, 40))
        size = classify(industry, employees, revenue, None)
        if size in ("micro", "small"):
            break
    name = f"郑州城区基准企业{n:06d}有限公司"
    union = f"{name}工会委员会"
    founded = date(2012, 1, 1) + timedelta(days=rng.randint(0, 365 * 12))
    return {"id": n, "user_id": owner_id, "org_id": org_id, "name": name,
            "uscc": make_uscc(f"9141019{n:010d}"), "industry": industry,
            "employees": employees, "revenue_wan": revenue, "assets_wan": None,
            "size_class": size, "district_code": code, "union_name": union,
            "union_uscc": make_uscc(f"8141019{n:010d}"), "union_established_on": founded,
            "bank_account_name": union, "bank_name": rng.choice(BANKS),
            "bank_account_no": f"6222{n:015d}", "contact_name": "王经理",
            "contact_phone": f"186{n:08d}", "created_at": now, "updated_at": now}


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(1 + rng.randint(0, 9), rng.randint(0, 59)), UTC)


def _steps(year: int, eligible: bool, rng: random.Random) -> list[str]:
    """The actions the application went through by now (its status is the last one's)."""
    if not eligible:
        return []
    draw = rng.random()
    if draw < 0.02:
        return []  # a draft never declared
    if draw < 0.09:
        return ["submit", "reject"]  # rejected, not resubmitted
    if draw < 0.14:
        return ["submit", "reject", "submit", "approve", "pay"]
    if year == YEARS[-1] and draw < 0.17:
        return ["submit"]  # the review backlog
    if year == YEARS[-1] and draw < 0.22:
        return ["submit", "approve"]  # approved, the payment to come
    return ["submit", "approve", "pay"]


STATUS_AFTER = {"submit": "submitted", "approve": "approved", "reject": "rejected",
                "pay": "paid"}


def _application(enterprise: dict, year: int, policy, rng: random.Random, app_id: int,
                 actors: dict) -> tuple[dict, list[dict]] | None:
    """The year's application and its history, or None when the enterprise did not apply."""
    if enterprise["union_established_on"].year > year:
        return None
    wages_fen = enterprise["employees"] * rng.randint(3_500, 8_000) * 12 * 100
    paid_fen = wages_fen * 2 // 100  # the union fee: 2% of the payroll
    opened = max(policy.apply_from, date(year + 1, 1, 1))
    filed = opened + timedelta(days=rng.randint(0, min(170, (policy.apply_until - opened).days)))
    result = assess(policy, size_class=enterprise["size_class"], paid_fen=paid_fen,
                    union_established_on=enterprise["union_established_on"], today=filed)
    if not result.eligible and rng.random() < 0.7:
        return None  # told at once it does not qualify: no draft kept
    created = _at(filed, rng)
    history = [(created, None, "draft", None, APPLICANT)]
    moment, status, submitted = created, "draft", None
    for action in _steps(year, result.eligible, rng):
        moment += timedelta(days=rng.randint(1, 40), minutes=rng.randint(0, 600))
        actor = {"submit": APPLICANT, "pay": actors["finance"]}.get(
            action, actors.get(enterprise["org_id"], actors["finance"]))
        target = STATUS_AFTER[action]
        history.append((moment, status, target, REJECTED if action == "reject" else None,
                        actor))
        submitted = moment if action == "submit" else submitted
        status = target
    paid = status == "paid"
    row = {"id": app_id, "enterprise_id": enterprise["id"], "user_id": enterprise["user_id"],
           "policy_id": policy.id, "org_id": enterprise["org_id"],
           "district_code": enterprise["district_code"], "size_class": enterprise["size_class"],
           "year": year, "paid_fen": paid_fen, "refundable_fen": result.refundable_fen,
           "eligible": result.eligible, "ineligible_reasons": list(result.reasons),
           "status": status, "version": len(history), "submitted_at": submitted,
           "decided_at": moment if status in ("approved", "rejected", "paid") else None,
           "payout_fen": result.refundable_fen if paid else None,
           "payout_on": moment.date() if paid else None,
           "payout_voucher_no": f"ZZGH-FH-{app_id:08d}" if paid else None,
           "created_at": created, "updated_at": moment}
    changes = [{"application_id": app_id, "at": at, "actor_kind": actor[0],
                "actor_id": actor[1], "actor_name": actor[2], "from_status": before,
                "to_status": after, "note": note}
               for at, before, after, note, actor in history]
    return row, changes


def load_enterprise_chunk(numbers: range, first_user_id: int, first_enterprise_id: int,
                          first_application_id: int, districts: list[tuple],
                          actors: dict) -> int:
    """Enterprises `numbers` with their owners' accounts and their applications."""
    policies = {year: db.session.scalar(select(RefundPolicy).where(
        RefundPolicy.period_start <= date(year, 12, 31),
        RefundPolicy.period_end >= date(year, 1, 1))) for year in YEARS}
    now = datetime.now(UTC)
    for batch in batches(numbers, 500):
        users, enterprises, applications, changes = [], [], [], []
        for n in batch:
            rng = random.Random(7_000_000 + n)
            users.append({"id": first_user_id + n, "openid": f"{OWNER_PREFIX}-{n}",
                          "created_at": now})
            enterprise = _enterprise(first_enterprise_id + n, rng, rng.choice(districts),
                                     first_user_id + n, now)
            enterprises.append(enterprise)
            for year in YEARS:
                made = _application(enterprise, year, policies[year], rng,
                                    first_application_id + n * len(YEARS) + year - YEARS[0],
                                    actors)
                if made:
                    applications.append(made[0])
                    changes.extend(made[1])
        db.session.execute(insert(User), users)
        db.session.execute(insert(Enterprise), enterprises)
        if applications:
            db.session.execute(insert(RefundApplication), applications)
            db.session.execute(insert(RefundStatusChange), changes)
    return len(numbers)


def owners() -> int:
    return db.session.scalar(select(func.count(User.id)).where(
        User.openid.like(f"{OWNER_PREFIX}-%")))


def load_enterprises(settings: dict | None, districts: list[tuple], actors: dict,
                     count: int = ENTERPRISES) -> int:
    """`count` enterprises over `districts` ((org id, district code) of the district
    federations), topped up to what is missing; `actors` maps an org id to the (kind, id,
    name) of its refund reviewer, and "finance" to the city's payer. Their applications."""
    loaded = owners()
    if loaded < count:
        first = (_next_id(User) - loaded, _next_id(Enterprise) - loaded,
                 _next_id(RefundApplication) - loaded * len(YEARS))
        jobs = [(range(start, min(count, start + CHUNK)), *first, districts, actors)
                for start in range(loaded, count, CHUNK)]
        if settings is None:
            for job in jobs:
                load_enterprise_chunk(*job)
        else:
            in_processes(settings, load_enterprise_chunk, jobs)
        db.session.commit()
    return db.session.scalar(select(func.count(RefundApplication.id)).where(
        RefundApplication.enterprise_id.in_(select(Enterprise.id).join(
            User, User.id == Enterprise.user_id).where(User.openid.like(f"{OWNER_PREFIX}-%")))))
