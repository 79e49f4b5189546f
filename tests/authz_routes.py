"""The admin routes of the authorization matrix: roles, and a request in or out of scope."""

from collections.abc import Callable
from dataclasses import dataclass

from service.auth import has_role
from service.commands import create_admin
from service.demo import DEMO_PASSWORD
from service.extensions import db
from service.models.accounts import ROLES, Admin
from service.models.orgs import Org

ANY_STAFF = object()
OWN, OTHER = "JS", "EQ"


class MatrixContext:
    """Accounts with one role each at 金水区, and objects made on demand per subtree."""

    def __init__(self, app, client, staff):
        self.app, self.client, self.staff = app, client, staff
        with app.app_context():
            from service.demo.orgs import seed_orgs

            seed_orgs(DEMO_PASSWORD)
            own = db.session.query(Org).filter_by(code=OWN).one()
            for role in ROLES:
                create_admin(f"matrix_{role}", own, [role], DEMO_PASSWORD)
            db.session.commit()
        self.cache = {}

    def headers_for(self, role: str) -> dict:
        return self.staff(f"matrix_{role}")

    def member_headers(self) -> dict:
        if "member" not in self.cache:
            token = self.client.post("/api/v1/auth/wechat-login",
                                     json={"code": "user-matrix-member-1"}).get_json()["token"]
            self.cache["member"] = {"Authorization": f"Bearer {token}"}
        return self.cache["member"]

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
        return self.client.open(path, method=method, json=body, headers=headers)


@dataclass(frozen=True)
class Route:
    method: str
    rule: str
    roles: object  # ANY_STAFF or a tuple of roles
    build: Callable  # (ctx, where) -> (path, json body or None)
    scoped: bool = True

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
