"""Demo refunds: enterprises in Jinshui and Erqi, applications in every state."""

import io
from datetime import date

from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from service.domain.refund_eligibility import assess
from service.domain.sme import classify
from service.domain.uscc import make_uscc
from service.extensions import db
from service.models.accounts import Admin, User
from service.models.refund_applications import RefundApplication, RefundAttachment
from service.models.refunds import Enterprise
from service.refunds import files, workflow
from service.refunds.applications import REQUIRED_KINDS, existing_application
from service.refunds.enterprises import district_org
from service.refunds.policies import ensure_default_policies, policy_for_year
from service.wechat.fake.state import fake_openid

# (owner, serial, name, industry, employees, revenue, assets, district, union founded)
ENTERPRISES = [
    ("owner1", "001", "郑州金水云帆软件有限公司", "software_it", 18, "420", None,
     "410105", date(2019, 5, 20)),
    ("owner1", "002", "金水区花园路惠民便利店", "retail", 6, "80", None, "410105",
     date(2020, 3, 8)),
    ("owner2", "003", "郑州金水鼎盛物业服务有限公司", "property_management", 120, "800",
     None, "410105", date(2021, 6, 1)),
    ("owner3", "004", "郑州二七福顺餐饮有限公司", "catering", 25, "300", None, "410103",
     date(2018, 11, 12)),
    ("owner3", "005", "郑州二七德兴商贸有限公司", "wholesale", 8, "900", None, "410103",
     date(2022, 4, 18)),
]
# (enterprise serial, year, paid fen, the status to reach)
APPLICATIONS = [
    ("001", 2021, 864_000, "paid"), ("001", 2023, 912_345, "submitted"),
    ("002", 2022, 120_050, "approved"), ("002", 2023, 98_760, "draft"),
    ("003", 2022, 1_536_000, "rejected"),
    ("004", 2022, 453_321, "paid"), ("004", 2024, 476_500, "submitted"),
    ("005", 2023, 223_456, "rejected"), ("005", 2024, 1_500_000, "draft"),
]
STEPS = {"draft": [], "submitted": ["submit"], "approved": ["submit", "approve"],
         "rejected": ["submit", "reject"], "paid": ["submit", "approve", "pay"]}
TINY_PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                         "1f15c4890000000d49444154789c63f8ffff3f0005fe02fea7d6a4530000"
                         "000049454e44ae426082")
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _user(owner: str) -> User:
    """The owner's WeChat account: the one the fake WeChat gives the code `user-<owner>-1`."""
    openid = fake_openid(current_app.config["WECHAT_APPID"], owner)
    user = db.session.scalar(select(User).where(User.openid == openid))
    if user is None:
        user = User(openid=openid)
        db.session.add(user)
        db.session.flush()
    return user


def _enterprise(row) -> Enterprise:
    owner, serial, name, industry, employees, revenue, assets, district, founded = row
    uscc = make_uscc(f"91{district}MA9DEM{serial}")
    enterprise = db.session.scalar(select(Enterprise).where(Enterprise.uscc == uscc))
    if enterprise is None:
        union_name = f"{name}工会委员会"
        enterprise = Enterprise(
            user_id=_user(owner).id, org=district_org(district), name=name, uscc=uscc,
            industry=industry, employees=employees, revenue_wan=revenue, assets_wan=assets,
            size_class=classify(industry, employees, revenue, assets), district_code=district,
            union_name=union_name, union_uscc=make_uscc(f"81{district}MC9DEM{serial}"),
            union_established_on=founded, bank_account_name=union_name,
            bank_name="中国工商银行郑州分行", bank_account_no=f"1702020109000{serial}888",
            contact_name="王经理", contact_phone=f"13800138{serial[1:]}0")
        db.session.add(enterprise)
        db.session.flush()
    return enterprise


def _application(enterprise, year, paid_fen, actors) -> RefundApplication:
    policy = policy_for_year(year)
    # Demo applications were filed inside their window, which lies in the past by now.
    result = assess(policy, size_class=enterprise.size_class, paid_fen=paid_fen,
                    union_established_on=enterprise.union_established_on,
                    today=policy.apply_until)
    application = RefundApplication(
        enterprise=enterprise, user_id=enterprise.user_id, policy=policy, year=year,
        paid_fen=paid_fen, status="draft", org_id=enterprise.org_id,
        district_code=enterprise.district_code, size_class=enterprise.size_class,
        eligible=result.eligible, ineligible_reasons=list(result.reasons),
        refundable_fen=result.refundable_fen)
    db.session.add(application)
    db.session.flush()
    workflow.record_creation(application, actors["member"])
    return application


def _attach(application, kinds) -> None:
    for kind in kinds:
        data = TINY_PDF if kind != "business_license" else TINY_PNG
        with files.stored_upload(FileStorage(io.BytesIO(data))) as stored:
            db.session.add(RefundAttachment(
                application_id=application.id, kind=kind, content_type=stored.content_type,
                size_bytes=stored.size_bytes, sha256=stored.sha256, storage_name=stored.name,
                original_name=f"{kind}.{files.EXTENSIONS[stored.content_type]}"))
            db.session.flush()


def _advance(application, status, actors) -> None:
    notes = {"reject": "缴费凭证不清晰，请重新上传加盖银行印章的完税证明"}
    for action in STEPS[status]:
        extra = {}
        if action == "pay":
            extra = {"payout_fen": application.refundable_fen, "payout_on": date(2025, 3, 18),
                     "payout_voucher_no": f"ZZGH-FH-{application.id:06d}"}
        who = {"submit": "member", "pay": "finance"}.get(action, application.district_code)
        workflow.move(application, action, note=notes.get(action), actor=actors[who], **extra)


def seed_refunds() -> list[str]:
    """Create what is missing of the demo refunds; return a line describing them."""
    ensure_default_policies()
    staff = {a.username: a for a in db.session.scalars(select(Admin).where(
        Admin.username.in_(["jinshui_refunds", "erqi_refunds", "city_finance"])))}
    actors = {"member": ("member", None, "申请人"),
              "410105": workflow.admin_actor(staff["jinshui_refunds"]),
              "410103": workflow.admin_actor(staff["erqi_refunds"]),
              "finance": workflow.admin_actor(staff["city_finance"])}
    enterprises = {row[1]: _enterprise(row) for row in ENTERPRISES}
    for serial, year, paid_fen, status in APPLICATIONS:
        enterprise = enterprises[serial]
        if existing_application(enterprise.id, year) is not None:
            continue
        application = _application(enterprise, year, paid_fen, actors)
        _attach(application, list(REQUIRED_KINDS) if status != "draft" else ["tax_receipt"])
        _advance(application, status, actors)
    return [f"refund demo: {len(ENTERPRISES)} enterprises (their owners log in with the codes "
            "user-owner1-N, user-owner2-N, user-owner3-N: any N, once each), "
            f"{len(APPLICATIONS)} applications in every state"]
