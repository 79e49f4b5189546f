"""The admin routes of the authorization matrix: roles, and a request in or out of scope."""

import io
from collections.abc import Callable
from dataclasses import dataclass

from service.commands import create_admin
from service.demo import DEMO_PASSWORD
from service.extensions import db
from service.identity.auth import has_role
from service.models.accounts import ROLES, Admin
from service.models.orgs import Org

ANY_STAFF = object()
OWN, OTHER = "JS", "EQ"
DISTRICT_CODES = {"own": "410105", "other": "410103"}


class MatrixContext:
    """Accounts with one role each at 金水区, and objects made on demand per subtree."""

    def __init__(self, app, client, staff):
        self.app, self.client, self.staff = app, client, staff
        with app.app_context():
            from service.demo.orgs import seed_orgs

            seed_orgs(DEMO_PASSWORD)
            own = db.session.query(Org).filter_by(code=OWN).one()
            root = db.session.query(Org).filter_by(code="ZZ").one()
            for role in ROLES:
                create_admin(f"matrix_{role}", own, [role], DEMO_PASSWORD)
                create_admin(f"matrix_root_{role}", root, [role], DEMO_PASSWORD)
            from service.refunds.policies import ensure_default_policies

            ensure_default_policies()
            db.session.commit()
        # Inside the 2023-2024 refund policy's application window.
        app.config["FIXED_TODAY"] = "2024-03-15"
        self.cache = {}
        from tests.refunds.helpers import Refunds

        self.refunds = Refunds(app, client, self.member_login, staff)

    def member_login(self, name: str) -> dict:
        if name not in self.cache:
            token = self.client.post("/api/v1/auth/wechat-login",
                                     json={"code": f"user-{name}-1"}).get_json()["token"]
            self.cache[name] = {"Authorization": f"Bearer {token}"}
        return self.cache[name]

    def headers_for(self, role: str, at_root: bool = False) -> dict:
        return self.staff(f"matrix_root_{role}" if at_root else f"matrix_{role}")

    def member_headers(self) -> dict:
        return self.member_login("matrix-member")

    def has_role(self, role: str, required: str) -> bool:
        return has_role(Admin(roles_text=role), required)

    def org(self, where: str) -> int:
        with self.app.app_context():
            code = OWN if where == "own" else OTHER
            return db.session.query(Org.id).filter_by(code=code).scalar()

    def once(self, key, make: Callable):
        """Make an object once per test (as a root admin), e.g. a station in each subtree."""
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]

    def root_headers(self) -> dict:
        return self.staff("city_admin")

    def call(self, method, path, body, headers):
        if isinstance(body, Upload):
            return self.client.open(path, method=method, headers=headers,
                                    data={"file": (io.BytesIO(body.content), body.filename)},
                                    content_type="multipart/form-data")
        return self.client.open(path, method=method, json=body, headers=headers)


@dataclass(frozen=True)
class Upload:
    """A multipart file body for routes that take an upload."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class Route:
    method: str
    rule: str
    roles: object  # ANY_STAFF or a tuple of roles
    build: Callable  # (ctx, where) -> (path, json body or None)
    scoped: bool = True
    at_root: bool = False  # the route serves staff of the root org only

    def request(self, ctx, where):
        path, body = self.build(ctx, where)
        return self.method, path, body


def _new_org(ctx, where):
    return ctx.once(("org", where), lambda: ctx.client.post(
        "/api/v1/admin/orgs", headers=ctx.root_headers(),
        json={"name": f"矩阵工会{where}", "kind": "grassroots",
              "parent_id": ctx.org(where)}).get_json()["id"])


ROUTES = [
    Route("GET", "/api/v1/admin/orgs", ANY_STAFF, lambda c, w: ("/api/v1/admin/orgs", None),
          scoped=False),
    Route("POST", "/api/v1/admin/orgs", ("org_admin",), lambda c, w: (
        "/api/v1/admin/orgs", {"name": f"新建{w}", "kind": "grassroots",
                               "parent_id": c.org(w)})),
    Route("GET", "/api/v1/admin/orgs/<int:org_id>", ANY_STAFF, lambda c, w: (
        f"/api/v1/admin/orgs/{_new_org(c, w)}", None)),
    Route("PATCH", "/api/v1/admin/orgs/<int:org_id>", ("org_admin",), lambda c, w: (
        f"/api/v1/admin/orgs/{_new_org(c, w)}", {"auto_approve": True})),
    Route("GET", "/api/v1/admin/audit", ("org_admin",), lambda c, w: (
        "/api/v1/admin/audit", None), scoped=False),
]


def _refund(ctx, where):
    """A submitted refund application of an enterprise in the own or other district."""
    def make():
        application = ctx.refunds.submitted(f"matrix-owner-{where}",
                                            district_code=DISTRICT_CODES[where])
        detail = ctx.client.get(f"/api/v1/refunds/applications/{application['id']}",
                                headers=ctx.member_login(f"matrix-owner-{where}")).get_json()
        return application["id"], detail["attachments"][0]["id"]
    return ctx.once(("refund", where), make)


def _policy(ctx, where):
    return ctx.once("policy", lambda: ctx.client.get("/api/v1/refunds/policies").get_json()[
        "items"][0]["id"])


REFUND_STAFF = ("refund_reviewer", "finance")
ROUTES += [
    Route("GET", "/api/v1/admin/refunds/applications", REFUND_STAFF, lambda c, w: (
        "/api/v1/admin/refunds/applications", None), scoped=False),
    Route("GET", "/api/v1/admin/refunds/applications/<int:application_id>", REFUND_STAFF,
          lambda c, w: (f"/api/v1/admin/refunds/applications/{_refund(c, w)[0]}", None)),
    Route("POST", "/api/v1/admin/refunds/applications/<int:application_id>/review",
          ("refund_reviewer",), lambda c, w: (
              f"/api/v1/admin/refunds/applications/{_refund(c, w)[0]}/review",
              {"decision": "approve", "note": "材料齐全"})),
    Route("POST", "/api/v1/admin/refunds/applications/<int:application_id>/pay", ("finance",),
          lambda c, w: (f"/api/v1/admin/refunds/applications/{_refund(c, w)[0]}/pay",
                        {"voucher_no": "PZ-1", "paid_at": "2024-03-15", "paid_fen": 1})),
    Route("GET", "/api/v1/admin/refunds/applications/<int:application_id>/attachments/"
          "<int:attachment_id>", REFUND_STAFF, lambda c, w: (
              "/api/v1/admin/refunds/applications/{}/attachments/{}".format(*_refund(c, w)),
              None)),
    Route("GET", "/api/v1/admin/refunds/applications/<int:application_id>/bank-account",
          ("finance",), lambda c, w: (
              f"/api/v1/admin/refunds/applications/{_refund(c, w)[0]}/bank-account"
              "?reason=拨付核对", None)),
    Route("GET", "/api/v1/admin/refunds/export", REFUND_STAFF, lambda c, w: (
        "/api/v1/admin/refunds/export", None), scoped=False),
    Route("GET", "/api/v1/admin/refunds/overview", REFUND_STAFF, lambda c, w: (
        "/api/v1/admin/refunds/overview", None), scoped=False),
    Route("POST", "/api/v1/admin/refunds/policies", ("finance", "org_admin"), lambda c, w: (
        "/api/v1/admin/refunds/policies", {
            "name": "2027年小额缴费工会经费返还", "period_start": "2027-01-01",
            "period_end": "2027-12-31", "apply_from": "2027-01-01",
            "apply_until": "2028-06-30", "eligible_size_classes": [], "max_paid_fen": 500000,
            "refund_ratio": "1.00", "grassroots_share": "0.65"}),
          scoped=False, at_root=True),
    Route("PATCH", "/api/v1/admin/refunds/policies/<int:policy_id>", ("finance", "org_admin"),
          lambda c, w: (f"/api/v1/admin/refunds/policies/{_policy(c, w)}",
                        {"name": "2020-2022年小微企业工会经费返还（修订）"}),
          scoped=False, at_root=True),
]


JOIN_ORGS = {"own": "JS-XW", "other": "EQ-HT"}


def _org_code_id(ctx, code):
    with ctx.app.app_context():
        return db.session.query(Org.id).filter_by(code=code).scalar()


def _join_org(ctx, where):
    return _org_code_id(ctx, JOIN_ORGS[where])


def _join_code(ctx, where):
    return ctx.once(("join_code", where), lambda: ctx.client.post(
        f"/api/v1/admin/orgs/{_join_org(ctx, where)}/join-codes", headers=ctx.root_headers(),
        json={"label": f"矩阵渠道{where}"}).get_json()["id"])


def _join_application(ctx, where, seq):
    """A pending application of person `seq` at the own or other grassroots union."""
    from tests.join.helpers import applied, form

    def make():
        headers = ctx.member_login(f"matrix-applicant-{where}-{seq}")
        return applied(ctx.client, headers, form({"org_id": _join_org(ctx, where)},
                                                 seq=seq + (50 if where == "other" else 0)))["id"]
    return ctx.once(("join_application", where, seq), make)


def _member(ctx, where):
    """An approved member of the own or other grassroots union: (member id, applicant)."""
    def make():
        application = _join_application(ctx, where, 9)
        ctx.client.post(f"/api/v1/admin/join/applications/{application}/approve",
                        headers=ctx.root_headers())
        listed = ctx.client.get(f"/api/v1/admin/members?org_id={_join_org(ctx, where)}",
                                headers=ctx.root_headers()).get_json()["items"]
        return listed[0]["id"]
    return ctx.once(("member", where), make)


def _dispute(ctx, where):
    """An open dispute: another account claims the pending applicant's ID number."""
    from tests.join.helpers import apply, form

    def make():
        _join_application(ctx, where, 11)
        claim = apply(ctx.client, ctx.member_login(f"claimant{where}"),
                      form({"org_id": _join_org(ctx, where)},
                           seq=11 + (50 if where == "other" else 0))).get_json()
        listed = ctx.client.get("/api/v1/admin/join/disputes?page_size=100",
                                headers=ctx.root_headers()).get_json()["items"]
        return next(item["id"] for item in listed
                    if item["claimant"]["application_id"] == claim["id"])
    return ctx.once(("dispute", where), make)


def _verify_code(ctx, where):
    _member(ctx, where)
    return ctx.client.get("/api/v1/me/card", headers=ctx.member_login(
        f"matrix-applicant-{where}-9")).get_json()["verify_code"]


REVIEWERS = ("member_reviewer",)
ROUTES += [
    Route("GET", "/api/v1/admin/orgs/<int:org_id>/join-codes", REVIEWERS, lambda c, w: (
        f"/api/v1/admin/orgs/{_join_org(c, w)}/join-codes", None)),
    Route("POST", "/api/v1/admin/orgs/<int:org_id>/join-codes", REVIEWERS, lambda c, w: (
        f"/api/v1/admin/orgs/{_join_org(c, w)}/join-codes", {"label": "骑手驿站"})),
    Route("PATCH", "/api/v1/admin/join-codes/<int:join_code_id>", REVIEWERS, lambda c, w: (
        f"/api/v1/admin/join-codes/{_join_code(c, w)}", {"enabled": False})),
    Route("GET", "/api/v1/admin/join-codes/<int:join_code_id>/image", ANY_STAFF, lambda c, w: (
        f"/api/v1/admin/join-codes/{_join_code(c, w)}/image", None)),
    Route("GET", "/api/v1/admin/join/applications", REVIEWERS, lambda c, w: (
        "/api/v1/admin/join/applications", None), scoped=False),
    Route("GET", "/api/v1/admin/join/applications/<int:application_id>", REVIEWERS,
          lambda c, w: (f"/api/v1/admin/join/applications/{_join_application(c, w, 1)}",
                        None)),
    Route("POST", "/api/v1/admin/join/applications/<int:application_id>/approve", REVIEWERS,
          lambda c, w: (f"/api/v1/admin/join/applications/{_join_application(c, w, 2)}"
                        "/approve", None)),
    Route("POST", "/api/v1/admin/join/applications/<int:application_id>/reject", REVIEWERS,
          lambda c, w: (f"/api/v1/admin/join/applications/{_join_application(c, w, 3)}"
                        "/reject", {"reason": "材料不全"})),
    Route("POST", "/api/v1/admin/join/applications/<int:application_id>/unbind", REVIEWERS,
          lambda c, w: (f"/api/v1/admin/join/applications/{_join_application(c, w, 4)}"
                        "/unbind", {"reason": "身份证号填错"})),
    Route("GET", "/api/v1/admin/join/disputes", REVIEWERS, lambda c, w: (
        "/api/v1/admin/join/disputes", None), scoped=False),
    Route("GET", "/api/v1/admin/join/disputes/<int:dispute_id>", REVIEWERS, lambda c, w: (
        f"/api/v1/admin/join/disputes/{_dispute(c, w)}", None)),
    Route("POST", "/api/v1/admin/join/disputes/<int:dispute_id>/resolve", REVIEWERS,
          lambda c, w: (f"/api/v1/admin/join/disputes/{_dispute(c, w)}/resolve",
                        {"decision": "reject", "note": "未能核实"})),
    Route("GET", "/api/v1/admin/members", REVIEWERS, lambda c, w: (
        "/api/v1/admin/members", None), scoped=False),
    Route("GET", "/api/v1/admin/members/<int:member_id>", REVIEWERS, lambda c, w: (
        f"/api/v1/admin/members/{_member(c, w)}", None)),
    Route("POST", "/api/v1/admin/members/<int:member_id>/transfer", REVIEWERS, lambda c, w: (
        f"/api/v1/admin/members/{_member(c, w)}/transfer",
        {"to_org_id": _org_code_id(c, "JS"), "reason": "换了工作单位"})),
    Route("GET", "/api/v1/admin/members/export", REVIEWERS, lambda c, w: (
        "/api/v1/admin/members/export", None), scoped=False),
    Route("POST", "/api/v1/admin/members/verify-card", ANY_STAFF, lambda c, w: (
        "/api/v1/admin/members/verify-card", {"verify_code": _verify_code(c, w)}),
          scoped=False),
    Route("GET", "/api/v1/admin/stats/overview", ANY_STAFF, lambda c, w: (
        f"/api/v1/admin/stats/overview?org_id={_join_org(c, w)}", None)),
    Route("GET", "/api/v1/admin/stats/groups", ANY_STAFF, lambda c, w: (
        f"/api/v1/admin/stats/groups?org_id={_join_org(c, w)}", None)),
    Route("GET", "/api/v1/admin/stats/join-codes", ANY_STAFF, lambda c, w: (
        f"/api/v1/admin/stats/join-codes?org_id={_join_org(c, w)}", None)),
]


def _member_user(ctx, where):
    """The member of the own or other grassroots union, as the mini-program calls."""
    _member(ctx, where)
    return ctx.member_login(f"matrix-applicant-{where}-9")


def _transfer_out(ctx, where):
    """A transfer asked by the member of the own or other union, waiting for release."""
    return ctx.once(("transfer_out", where), lambda: ctx.client.post(
        "/api/v1/me/transfers", headers=_member_user(ctx, where),
        json={"org_id": _org_code_id(ctx, "ZZ-ELM"), "reason": "换平台"}).get_json()["id"])


def _transfer_in(ctx, where):
    """A released transfer coming into the own or other union (from the opposite one)."""
    def make():
        source = "other" if where == "own" else "own"
        transfer = ctx.client.post("/api/v1/me/transfers", headers=_member_user(ctx, source),
                                   json={"org_id": _join_org(ctx, where),
                                         "reason": "换单位"}).get_json()["id"]
        ctx.client.post(f"/api/v1/admin/transfers/{transfer}/release",
                        headers=ctx.root_headers())
        return transfer
    return ctx.once(("transfer_in", where), make)


def _withdrawal(ctx, where):
    return ctx.once(("withdrawal", where), lambda: ctx.client.post(
        "/api/v1/me/withdrawal", headers=_member_user(ctx, where),
        json={"reason": "不再从事该行业"}).get_json()["id"])


ROUTES += [
    Route("GET", "/api/v1/admin/transfers", REVIEWERS, lambda c, w: (
        "/api/v1/admin/transfers", None), scoped=False),
    Route("POST", "/api/v1/admin/transfers/<int:transfer_id>/release", REVIEWERS,
          lambda c, w: (f"/api/v1/admin/transfers/{_transfer_out(c, w)}/release", None)),
    Route("POST", "/api/v1/admin/transfers/<int:transfer_id>/accept", REVIEWERS,
          lambda c, w: (f"/api/v1/admin/transfers/{_transfer_in(c, w)}/accept", None)),
    Route("POST", "/api/v1/admin/transfers/<int:transfer_id>/refuse", REVIEWERS,
          lambda c, w: (f"/api/v1/admin/transfers/{_transfer_in(c, w)}/refuse",
                        {"reason": "不属本单位"})),
    Route("GET", "/api/v1/admin/withdrawals", REVIEWERS, lambda c, w: (
        "/api/v1/admin/withdrawals", None), scoped=False),
    Route("GET", "/api/v1/admin/reminders", REVIEWERS, lambda c, w: (
        "/api/v1/admin/reminders", None), scoped=False),
    Route("POST", "/api/v1/admin/withdrawals/<int:withdrawal_id>/confirm", REVIEWERS,
          lambda c, w: (f"/api/v1/admin/withdrawals/{_withdrawal(c, w)}/confirm", None)),
]


STATION_ORGS = {"own": "JS", "other": "EQ"}
NEW_STATION = {"kind": "love_station", "name": "矩阵驿站", "address": "郑州市",
               "lat": 34.7869, "lng": 113.6705, "services": ["water"],
               "hours": {"always_open": True}}


def _station(ctx, where):
    return ctx.once(("station", where), lambda: ctx.client.post(
        "/api/v1/admin/stations", headers=ctx.root_headers(), json={
            **NEW_STATION, "external_code": f"MX-{where}",
            "org_id": _org_code_id(ctx, STATION_ORGS[where])}).get_json()["id"])


def _feedback(ctx, where):
    def make():
        station = _station(ctx, where)
        ctx.client.post(f"/api/v1/stations/{station}/feedback", headers=ctx.member_headers(),
                        json={"type": "wrong_info", "content": f"电话打不通{where}"})
        listed = ctx.client.get("/api/v1/admin/stations/feedback?page_size=100",
                                headers=ctx.root_headers()).get_json()["items"]
        return next(item["id"] for item in listed if item["content"] == f"电话打不通{where}")
    return ctx.once(("feedback", where), make)


def _ledger(ctx, where):
    header = "编号,站点名称,类型,所属区县,地址,经度,纬度,服务项目,开放时间\n"
    row = f"MX-IMPORT-{where},导入驿站,爱心驿站,410105,郑州市金水区,113.67,34.78,饮水,24小时\n"
    return Upload("stations.csv", (header + row).encode())


MANAGERS = ("station_manager",)
ROUTES += [
    Route("GET", "/api/v1/admin/stations", MANAGERS, lambda c, w: (
        "/api/v1/admin/stations", None), scoped=False),
    Route("POST", "/api/v1/admin/stations", MANAGERS, lambda c, w: (
        "/api/v1/admin/stations", {**NEW_STATION, "external_code": f"MX-NEW-{w}",
                                   "org_id": _org_code_id(c, STATION_ORGS[w])})),
    Route("GET", "/api/v1/admin/stations/<int:station_id>", MANAGERS, lambda c, w: (
        f"/api/v1/admin/stations/{_station(c, w)}", None)),
    Route("PATCH", "/api/v1/admin/stations/<int:station_id>", MANAGERS, lambda c, w: (
        f"/api/v1/admin/stations/{_station(c, w)}", {"phone": "0371-65550002"})),
    Route("DELETE", "/api/v1/admin/stations/<int:station_id>", MANAGERS, lambda c, w: (
        f"/api/v1/admin/stations/{_station(c, w)}", None)),
    Route("GET", "/api/v1/admin/stations/feedback", MANAGERS, lambda c, w: (
        "/api/v1/admin/stations/feedback", None), scoped=False),
    Route("POST", "/api/v1/admin/stations/feedback/<int:feedback_id>/resolve", MANAGERS,
          lambda c, w: (f"/api/v1/admin/stations/feedback/{_feedback(c, w)}/resolve",
                        {"note": "已核实"})),
    Route("POST", "/api/v1/admin/stations/import", MANAGERS, lambda c, w: (
        "/api/v1/admin/stations/import", _ledger(c, w)), scoped=False),
    Route("GET", "/api/v1/admin/stations/import-template", MANAGERS, lambda c, w: (
        "/api/v1/admin/stations/import-template", None), scoped=False),
]


def _account(ctx, where):
    """A member_reviewer account at the own or other district, made by the city's org_admin."""
    return ctx.once(("account", where), lambda: ctx.client.post(
        "/api/v1/admin/accounts", headers=ctx.root_headers(), json={
            "username": f"matrix_staff_{where}", "display_name": "矩阵审核员",
            "org_id": ctx.org(where), "roles": ["member_reviewer"]}).get_json()["id"])


ACCOUNT_ADMINS = ("org_admin",)
ROUTES += [
    Route("GET", "/api/v1/admin/accounts", ACCOUNT_ADMINS, lambda c, w: (
        f"/api/v1/admin/accounts?org_id={c.org(w)}", None)),
    Route("POST", "/api/v1/admin/accounts", ACCOUNT_ADMINS, lambda c, w: (
        "/api/v1/admin/accounts", {"username": f"matrix_new_{w}", "display_name": "新同事",
                                   "org_id": c.org(w), "roles": ["station_manager"]})),
    Route("PATCH", "/api/v1/admin/accounts/<int:account_id>", ACCOUNT_ADMINS, lambda c, w: (
        f"/api/v1/admin/accounts/{_account(c, w)}", {"display_name": "改名"})),
    Route("POST", "/api/v1/admin/accounts/<int:account_id>/reset-password", ACCOUNT_ADMINS,
          lambda c, w: (f"/api/v1/admin/accounts/{_account(c, w)}/reset-password", None)),
]


def _claim(ctx, where, purpose):
    """A pending claim to an enterprise squatted in the own or other district."""
    def make():
        from tests.refunds.helpers import PDF

        enterprise = ctx.refunds.enterprise(f"squatter{where}{purpose}",
                                            district_code=DISTRICT_CODES[where])
        response = ctx.client.post(
            "/api/v1/refunds/enterprise-claims", content_type="multipart/form-data",
            headers=ctx.member_login(f"claimant{where}{purpose}"),
            data={"uscc": enterprise["uscc"], "file": (io.BytesIO(PDF), "licence.pdf")})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]
    return ctx.once(("claim", where, purpose), make)


CLAIM_STAFF = ("refund_reviewer", "org_admin")
CLAIMS = "/api/v1/admin/refunds/enterprise-claims"
ROUTES += [
    Route("GET", CLAIMS, CLAIM_STAFF, lambda c, w: (CLAIMS, None), scoped=False),
    Route("GET", CLAIMS + "/<int:claim_id>/licence", CLAIM_STAFF, lambda c, w: (
        f"{CLAIMS}/{_claim(c, w, 'read')}/licence", None)),
    Route("POST", CLAIMS + "/<int:claim_id>/approve", CLAIM_STAFF, lambda c, w: (
        f"{CLAIMS}/{_claim(c, w, 'approve')}/approve", {"note": "营业执照相符"})),
    Route("POST", CLAIMS + "/<int:claim_id>/reject", CLAIM_STAFF, lambda c, w: (
        f"{CLAIMS}/{_claim(c, w, 'reject')}/reject", {"note": "营业执照不符"})),
]
