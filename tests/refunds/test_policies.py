"""Refund policies are data: listed publicly, changed by finance or admins at the root."""

import sqlalchemy as sa
from flask_migrate import upgrade

from service import create_app
from service.extensions import db
from service.models.audit import AuditEntry
from tests.helpers import assert_error

PUBLIC = "/api/v1/refunds/policies"
ADMIN = "/api/v1/admin/refunds/policies"
NEW = {"name": "2025-2026年度小额缴费工会组织工会经费返还", "period_start": "2025-01-01",
       "period_end": "2026-12-31", "apply_from": "2025-07-01", "apply_until": "2027-06-30",
       "eligible_size_classes": ["micro"], "max_paid_fen": 800_000, "refund_ratio": "1.00",
       "grassroots_share": "0.65"}


def _audit(app, action):
    with app.app_context():
        return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


def test_the_two_known_periods_are_listed_with_ratios_as_text(client):
    body = client.get(PUBLIC).get_json()
    assert body["total"] == 2
    newest, oldest = body["items"]
    assert (oldest["period_start"], oldest["period_end"]) == ("2020-01-01", "2022-12-31")
    assert oldest["eligible_size_classes"] == ["micro", "small"]
    assert oldest["max_paid_fen"] is None
    assert (newest["period_start"], newest["period_end"]) == ("2023-01-01", "2024-12-31")
    assert newest["eligible_size_classes"] == [] and newest["max_paid_fen"] == 1_000_000
    for policy in (newest, oldest):
        assert policy["refund_ratio"] == "1.00" and policy["grassroots_share"] == "0.65"
        assert set(policy) == {"id", "name", "period_start", "period_end", "apply_from",
                               "apply_until", "eligible_size_classes", "max_paid_fen",
                               "refund_ratio", "grassroots_share"}


def test_the_migration_seeds_the_policies(tmp_path):
    app = create_app({"SERVICE_ENV": "testing", "LOG_LEVEL": "WARNING",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.db'}"})
    with app.app_context():
        upgrade()
        names = db.session.scalars(sa.text("SELECT name FROM refund_policies")).all()
        db.engine.dispose()
    assert len(names) == 2


def test_root_finance_adds_a_policy_and_it_is_audited(app, client, staff):
    response = client.post(ADMIN, json=NEW, headers=staff("city_finance"))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["eligible_size_classes"] == ["micro"]
    assert client.get(PUBLIC).get_json()["total"] == 3
    [entry] = _audit(app, "refund_policy.create")
    assert entry.actor_name == "city_finance"
    assert entry.detail["after"]["max_paid_fen"] == 800_000


def test_only_finance_or_org_admin_at_the_root(client, staff, member):
    assert_error(client.post(ADMIN, json=NEW, headers=staff("jinshui_admin")), 403,
                 "root_org_required")
    assert_error(client.post(ADMIN, json=NEW, headers=staff("jinshui_refunds")), 403,
                 "role_required")
    assert_error(client.post(ADMIN, json=NEW, headers=member("alice")), 403, "admin_only")
    assert client.post(ADMIN, json=NEW, headers=staff("city_admin")).status_code == 201


def test_overlapping_periods_are_409(client, staff):
    overlapping = {**NEW, "period_start": "2024-06-01"}
    assert_error(client.post(ADMIN, json=overlapping, headers=staff("city_finance")), 409,
                 "policy_overlap")


def test_invalid_policies_are_422_naming_the_field(client, staff):
    headers = staff("city_finance")
    cases = [
        ({"refund_ratio": "0.655555"}, "refund_ratio"),
        ({"refund_ratio": "0.60"}, "grassroots_share"),  # share above the ratio
        ({"period_end": "2024-12-31"}, "period_end"),
        ({"eligible_size_classes": [], "max_paid_fen": None}, "eligible_size_classes"),
        ({"eligible_size_classes": ["tiny"]}, "eligible_size_classes"),
    ]
    for change, field in cases:
        error = assert_error(client.post(ADMIN, json={**NEW, **change}, headers=headers), 422)
        assert field in error["errors"]["json"], (change, error)


def test_staff_change_the_threshold_and_the_audit_keeps_before_and_after(app, client, staff):
    policy = client.get(PUBLIC).get_json()["items"][0]
    response = client.patch(f"{ADMIN}/{policy['id']}", headers=staff("city_finance"),
                            json={"max_paid_fen": 1_200_000, "grassroots_share": 0.6})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["max_paid_fen"] == 1_200_000
    assert response.get_json()["grassroots_share"] == "0.60"
    [entry] = _audit(app, "refund_policy.update")
    assert entry.detail["before"]["max_paid_fen"] == 1_000_000
    assert entry.detail["after"]["grassroots_share"] == "0.60"
    assert entry.detail["fields"] == ["grassroots_share", "max_paid_fen"]
    assert_error(client.patch(f"{ADMIN}/99999", json={"name": "x"},
                              headers=staff("city_finance")), 404)
