"""Driving the refund API in tests: valid bodies, files and whole application journeys."""

import io
import itertools

from service.domain.uscc import make_uscc

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
REQUIRED = ("tax_receipt", "business_license", "union_certificate")
_serials = itertools.count(1)


def codes() -> tuple[str, str]:
    """A fresh valid enterprise credit code and a union code starting with 81."""
    serial = next(_serials)
    return make_uscc(f"914101{serial:011d}"), make_uscc(f"814101{serial:011d}")


def enterprise_body(**overrides) -> dict:
    uscc, union_uscc = codes()
    name = f"郑州测试科技有限公司{uscc[-5:]}"
    body = {
        "name": name, "uscc": uscc, "industry": "software_it", "employees": 20,
        "revenue_wan": "300.00", "assets_wan": None, "district_code": "410105",
        "union_name": f"{name}工会委员会", "union_uscc": union_uscc,
        "union_established_on": "2020-01-01", "bank_account_name": f"{name}工会委员会",
        "bank_name": "中国银行郑州金水支行", "bank_account_no": "6217 0000 1234 5678 901",
        "contact_name": "李四", "contact_phone": "138 0013 8000",
    }
    if "union_name" in overrides and "bank_account_name" not in overrides:
        body["bank_account_name"] = overrides["union_name"]
    body.update(overrides)
    return body


def upload(data: bytes, filename: str, kind: str = "tax_receipt") -> dict:
    return {"kind": kind, "file": (io.BytesIO(data), filename)}


class Refunds:
    """A thin driver over the refund endpoints for one test."""

    def __init__(self, app, client, member, staff):
        self.app, self.client, self.member, self.staff = app, client, member, staff

    def enterprise(self, owner: str = "alice", **overrides) -> dict:
        response = self.client.post("/api/v1/refunds/enterprises", headers=self.member(owner),
                                    json=enterprise_body(**overrides))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def create(self, owner: str, enterprise_id: int, year: int = 2023,
               paid_fen: int = 123_456):
        return self.client.post("/api/v1/refunds/applications", headers=self.member(owner),
                                json={"enterprise_id": enterprise_id, "year": year,
                                      "paid_fen": paid_fen})

    def application(self, owner: str = "alice", year: int = 2023, paid_fen: int = 123_456,
                    **enterprise) -> dict:
        created = self.create(owner, self.enterprise(owner, **enterprise)["id"], year, paid_fen)
        assert created.status_code == 201, created.get_json()
        return created.get_json()

    def attach(self, owner: str, application_id: int, kind: str = "tax_receipt",
               data: bytes = PDF, filename: str = "receipt.pdf"):
        return self.client.post(f"/api/v1/refunds/applications/{application_id}/attachments",
                                headers=self.member(owner), data=upload(data, filename, kind),
                                content_type="multipart/form-data")

    def fill(self, owner: str, application_id: int, kinds=REQUIRED) -> None:
        for kind in kinds:
            response = self.attach(owner, application_id, kind)
            assert response.status_code == 201, response.get_json()

    def submit(self, owner: str, application_id: int):
        return self.client.post(f"/api/v1/refunds/applications/{application_id}/submit",
                                headers=self.member(owner))

    def submitted(self, owner: str = "alice", **options) -> dict:
        """An application that waits for review."""
        application = self.application(owner, **options)
        self.fill(owner, application["id"])
        response = self.submit(owner, application["id"])
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def review(self, username: str, application_id: int, decision: str = "approve",
               note: str | None = None):
        return self.client.post(f"/api/v1/admin/refunds/applications/{application_id}/review",
                                headers=self.staff(username),
                                json={"decision": decision, "note": note})

    def pay(self, username: str, application_id: int, **body):
        return self.client.post(f"/api/v1/admin/refunds/applications/{application_id}/pay",
                                headers=self.staff(username), json=body)

    def approved(self, owner: str = "alice", **options) -> dict:
        application = self.submitted(owner, **options)
        response = self.review("jinshui_refunds", application["id"])
        assert response.status_code == 200, response.get_json()
        return response.get_json()
