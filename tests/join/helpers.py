"""Helpers for the joining tests: valid people, the form, join codes, review."""

import itertools
from datetime import date

from service.domain.idcard import make_id_number
from service.joining.privacy import CURRENT_VERSION

PERSON_AREA = "410105"
_PHONE_CODES = itertools.count(1)


def id_number(seq: int = 1, birth: date = date(1990, 3, 7), area: str = PERSON_AREA) -> str:
    """A valid resident ID number; `seq` tells people apart (odd = male)."""
    return make_id_number(area, birth, seq)


def form(target: dict, seq: int = 1, **changes) -> dict:
    """The application form for person `seq`, sent to `target` ({"scene"} or {"org_id"})."""
    body = {**target, "name": f"张{'三四五六七八九十'[seq % 8]}", "id_number": id_number(seq),
            "phone": f"139{seq:08d}", "occupation": "food_delivery", "employer": "美团外卖",
            "household_type": "agricultural", "ethnicity": "01", "political_status": "masses",
            "education": "senior_high", "residence_district_code": "410105",
            "consent_version": CURRENT_VERSION}
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


def make_code(client, staff_headers, org: int, label: str = "饿了么二七站") -> dict:
    """Create a join code through the admin API and return its body."""
    response = client.post(f"/api/v1/admin/orgs/{org}/join-codes", json={"label": label},
                           headers=staff_headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def apply(client, headers, body: dict):
    """Submit an application."""
    return client.post("/api/v1/join/applications", json=body, headers=headers)


def verify_phone(client, headers, phone: str) -> None:
    """Bind `phone` to the account as WeChat's getPhoneNumber does (`POST /me/phone`)."""
    response = client.post("/api/v1/me/phone", headers=headers,
                           json={"code": f"phone-{phone}-{next(_PHONE_CODES)}"})
    assert response.status_code == 200, response.get_json()


def applied(client, headers, body: dict, verified: bool = True) -> dict:
    """Submit an application that must be accepted; return its body.

    As in the mini-program, the phone on the form is first verified by WeChat for the
    account (so an auto-approving org approves it) unless `verified` is False.
    """
    if verified:
        verify_phone(client, headers, "".join(body["phone"].split()))
    response = apply(client, headers, body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()
