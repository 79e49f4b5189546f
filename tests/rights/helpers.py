"""A person with data in every corner of the service, and a scan of every table."""

import sqlalchemy as sa

from service.extensions import db
from tests.helpers import org_id
from tests.join.helpers import applied, form, make_code
from tests.refunds.helpers import enterprise_body

QUEUE = "/api/v1/admin/join/applications"
ALICE = {"name": "欧阳娜娜", "phone": "13655550001", "employer": "郑州阿尔法测试物流有限公司",
         "feedback": "驿站的饮水机坏了好几天", "bank": "6222020200112233445",
         "contact": "欧阳娜娜", "contact_phone": "13655550002", "wechat_phone": "13655550003"}


def give_alice_data(app, client, member, staff, add_station, refunds, seq: int = 31) -> dict:
    """alice: a scan, a rejected application, feedback, an enterprise and a draft refund."""
    headers = member("alice")
    code = make_code(client, staff("xyt_reviewer"), org_id(app, "ZZ-ELM"))
    client.get(f"/api/v1/join/scenes/{code['scene']}", headers=headers)
    body = form({"scene": code["scene"]}, seq=seq, name=ALICE["name"], phone=ALICE["phone"],
                employer=ALICE["employer"])
    application = applied(client, headers, body, verified=False)
    assert client.post("/api/v1/me/phone", json={"code": f"phone-{ALICE['wechat_phone']}"},
                       headers=headers).status_code == 200
    rejected = client.post(f"{QUEUE}/{application['id']}/reject", json={"reason": "材料不全"},
                           headers=staff("xyt_reviewer"))
    assert rejected.status_code == 200, rejected.get_json()
    station = add_station("花园路驿站")
    assert client.post(f"/api/v1/stations/{station}/feedback", headers=headers,
                       json={"type": "other", "content": ALICE["feedback"]}).status_code == 201
    enterprise = client.post("/api/v1/refunds/enterprises", headers=headers, json=enterprise_body(
        bank_account_no=ALICE["bank"], contact_name=ALICE["contact"],
        contact_phone=ALICE["contact_phone"]))
    assert enterprise.status_code == 201, enterprise.get_json()
    refund = refunds.create("alice", enterprise.get_json()["id"])
    assert refund.status_code == 201, refund.get_json()
    assert refunds.attach("alice", refund.get_json()["id"], filename="欧阳娜娜的完税证明.pdf"
                          ).status_code == 201
    return {"application": application, "id_number": body["id_number"],
            "enterprise": enterprise.get_json(), "refund": refund.get_json(),
            "station": station, "code": code}


def every_value(app) -> str:
    """Every value of every row of every table, decrypted, as one text."""
    with app.app_context():
        parts = []
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(sa.select(table)):
                parts.append(repr(tuple(row)))
        return "\n".join(parts)
