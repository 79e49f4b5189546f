"""Bulk loaders for benchmark data: rows straight into the tables, thousands at a time."""

import random
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, insert, select

from service.demo import DEMO_PASSWORD
from service.demo.orgs import seed_orgs
from service.domain.uscc import make_uscc
from service.extensions import db
from service.models.accounts import User
from service.models.orgs import Org
from service.models.refund_applications import RefundApplication
from service.models.refunds import Enterprise, RefundPolicy

BATCH = 2000
STATUSES = ("submitted", "approved", "rejected", "paid")


def batches(rows, size=BATCH):
    """Lists of `size` items of `rows` (the last one shorter)."""
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def ensure_orgs() -> None:
    """The demo org tree and staff accounts (idempotent)."""
    seed_orgs(DEMO_PASSWORD)
    db.session.commit()


def org_id(code: str) -> int:
    """The id of the demo org with this code."""
    return db.session.scalar(select(Org.id).where(Org.code == code))


def load_refund_applications(count: int, seed: int = 7) -> int:
    """`count` declared refund applications over the demo districts; returns the total."""
    rng = random.Random(seed)
    districts = db.session.execute(select(Org.id, Org.district_code).where(
        Org.kind == "district_federation")).all()
    policy = db.session.scalar(select(RefundPolicy).order_by(RefundPolicy.period_start))
    owner = User(openid="bench-refund-owner")
    db.session.add(owner)
    db.session.flush()
    start = (db.session.scalar(select(func.max(Enterprise.id))) or 0) + 1
    now = datetime.now(UTC)
    for batch in batches(range(start, start + count)):
        enterprises, applications = [], []
        for n in batch:
            org_id, district = rng.choice(districts)
            name = f"郑州基准测试企业{n:07d}有限公司"
            enterprises.append({
                "id": n, "user_id": owner.id, "org_id": org_id, "name": name,
                "uscc": make_uscc(f"914101{n:011d}"), "industry": "software_it",
                "employees": rng.randint(3, 90), "revenue_wan": Decimal(rng.randint(20, 900)),
                "assets_wan": None, "size_class": rng.choice(("micro", "small")),
                "district_code": district, "union_name": f"{name}工会委员会",
                "union_uscc": make_uscc(f"814101{n:011d}"),
                "union_established_on": date(2019, 6, 1),
                "bank_account_name": f"{name}工会委员会", "bank_name": "中国银行郑州分行",
                "bank_account_no": f"6217{n:015d}", "contact_name": "张三",
                "contact_phone": f"138{n % 10**8:08d}", "created_at": now, "updated_at": now})
            paid = rng.randint(10_000, 2_000_000)
            status = rng.choice(STATUSES)
            applications.append({
                "enterprise_id": n, "user_id": owner.id, "policy_id": policy.id,
                "org_id": org_id, "district_code": district, "size_class": "small",
                "year": 2021, "paid_fen": paid, "refundable_fen": round(paid * 0.35),
                "eligible": True, "ineligible_reasons": [], "status": status, "version": 1,
                "submitted_at": now, "payout_fen": round(paid * 0.35) if status == "paid" else None,
                "created_at": now, "updated_at": now})
        db.session.execute(insert(Enterprise), enterprises)
        db.session.execute(insert(RefundApplication), applications)
    db.session.commit()
    return db.session.scalar(select(func.count(RefundApplication.id)))
