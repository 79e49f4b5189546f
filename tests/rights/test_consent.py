"""The join form records the privacy notice version accepted; only the current one is
accepted on a new form, older versions stay readable."""

from sqlalchemy import select

from service.extensions import db
from service.joining.privacy import CURRENT_VERSION, NOTICES
from service.models.members import JoinApplication
from tests.helpers import assert_error, org_id
from tests.join.helpers import applied, apply, form

NOTICE = "/api/v1/privacy-notice"


def test_the_current_notice_is_served_in_chinese(client):
    body = client.get(NOTICE).get_json()
    assert body["version"] == CURRENT_VERSION and body["current"] is True
    assert "身份证号码" in body["text"] and body["published_on"]


def test_an_older_version_stays_readable_and_an_unknown_one_is_404(client):
    older = NOTICES[0]["version"]
    assert older != CURRENT_VERSION
    body = client.get(NOTICE, query_string={"version": older}).get_json()
    assert (body["version"], body["current"]) == (older, False)
    assert_error(client.get(NOTICE, query_string={"version": "1999-01"}), 404,
                 "privacy_notice_not_found")


def test_the_accepted_version_is_stored(app, client, member):
    applied(client, member("alice"), form({"org_id": org_id(app, "ZZ-ELM")}, seq=41))
    with app.app_context():
        assert db.session.scalar(select(JoinApplication.consent_version)) == CURRENT_VERSION


def test_missing_unknown_or_outdated_consent_is_422_naming_the_field(app, client, member):
    target = {"org_id": org_id(app, "ZZ-ELM")}
    for version in (None, "", "1999-01", NOTICES[0]["version"]):
        body = assert_error(apply(client, member("bob"), form(target, seq=42,
                                                              consent_version=version)),
                            422, "consent_required")
        assert "consent_version" in body["errors"]["json"]
        assert "隐私政策" in body["message"]
    with app.app_context():
        assert db.session.scalar(select(JoinApplication.id)) is None
