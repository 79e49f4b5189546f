"""Operator commands, run the way an operator runs them."""

from sqlalchemy import func, select

from service.extensions import db
from service.models.accounts import Admin
from service.models.orgs import Org


def test_bootstrap_root_org_and_first_admin(app, client, runner):
    result = runner.invoke(args=["org", "create", "--code", "ZZ", "--name", "郑州市总工会",
                                 "--kind", "city_federation", "--district", "410100"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["org", "create", "--code", "JS", "--name", "金水区总工会",
                                 "--kind", "district_federation", "--parent", "ZZ",
                                 "--district", "410105"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["admin", "create", "--username", "root", "--org", "ZZ",
                                 "--role", "org_admin", "--role", "finance",
                                 "--password-stdin"], input="Correct horse battery 9\n")
    assert result.exit_code == 0, result.output
    assert "orrect horse" not in result.output
    login = client.post("/api/v1/admin/auth/login",
                        json={"username": "root", "password": "Correct horse battery 9"})
    assert login.status_code == 200
    assert login.get_json()["must_change_password"] is False, "the operator chose it"
    assert login.get_json()["admin"]["roles"] == ["org_admin", "finance"]
    orgs = client.get("/api/v1/admin/orgs",
                      headers={"Authorization": f"Bearer {login.get_json()['token']}"})
    assert [o["code"] for o in orgs.get_json()["items"]] == ["ZZ", "JS"]
    with app.app_context():
        child = db.session.scalar(select(Org).where(Org.code == "JS"))
        assert child.district_code == "410105" and child.parent.code == "ZZ"


def test_second_root_and_unknown_parent_are_refused(runner):
    runner.invoke(args=["org", "create", "--code", "ZZ", "--name", "a", "--kind",
                        "city_federation"])
    again = runner.invoke(args=["org", "create", "--code", "ZZ2", "--name", "b", "--kind",
                                "city_federation"])
    assert again.exit_code != 0 and "root org exists" in again.output
    orphan = runner.invoke(args=["org", "create", "--code", "X", "--name", "c", "--kind",
                                 "grassroots", "--parent", "NOPE"])
    assert orphan.exit_code != 0 and "no org with code NOPE" in orphan.output


def test_generated_password_is_printed_once(runner, client):
    runner.invoke(args=["org", "create", "--code", "ZZ", "--name", "a", "--kind",
                        "city_federation"])
    result = runner.invoke(args=["admin", "create", "--username", "ops", "--org", "ZZ",
                                 "--role", "member_reviewer"])
    assert result.exit_code == 0
    password = result.output.strip().splitlines()[-1].removeprefix("password: ")
    login = client.post("/api/v1/admin/auth/login", json={"username": "ops", "password": password})
    assert login.status_code == 200
    assert login.get_json()["must_change_password"] is True, "a generated password is one-time"


def test_admin_create_uses_the_account_rules(app, runner):
    runner.invoke(args=["org", "create", "--code", "ZZ", "--name", "a", "--kind",
                        "city_federation"])

    def create(username, password):
        return runner.invoke(args=["admin", "create", "--username", username, "--org", "ZZ",
                                   "--role", "org_admin", "--password-stdin"],
                             input=password + "\n")

    weak = create("root", "correct horse battery")
    assert weak.exit_code != 0 and "至少3类" in weak.output
    same = create("ops.admin.1", "OPS.ADMIN.1")
    assert same.exit_code != 0 and "不能与用户名相同" in same.output
    assert "小写字母开头" in create("Root", "Str0ng-enough!").output
    assert create("root", "Str0ng-enough!").exit_code == 0
    taken = create("root", "Str0ng-enough!")
    assert taken.exit_code != 0 and "已被使用" in taken.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Admin)) == 1


def test_seed_demo_is_idempotent(app, runner):
    def counts():
        with app.app_context():
            return {table.name: db.session.scalar(select(func.count()).select_from(table))
                    for table in db.metadata.sorted_tables}

    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "city_admin" in first.output
    after_first = counts()
    assert after_first["orgs"] > 10 and after_first["admins"] >= 8
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert counts() == after_first
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Admin)) == \
            after_first["admins"]
