"""Attachments: type by content, 10 MB each, private storage, served to the right people."""

import hashlib
import io
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage

from service.refunds import files
from tests.helpers import assert_error
from tests.refunds.helpers import JPEG, PDF, PNG, upload

MB = 1024 * 1024


def _stored(app) -> list[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_pdf_named_jpg_is_accepted_by_its_content(app, client, refunds):
    application = refunds.application("alice")
    response = refunds.attach("alice", application["id"], data=PDF, filename="发票.jpg")
    assert response.status_code == 201, response.get_json()
    attachment = response.get_json()
    assert attachment["content_type"] == "application/pdf"
    assert attachment["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert attachment["original_name"] == "发票.jpg"
    [path] = _stored(app)
    assert path.read_bytes() == PDF and "发票" not in str(path) and "jpg" not in path.name
    download = client.get(
        f"/api/v1/refunds/applications/{application['id']}/attachments/{attachment['id']}",
        headers=refunds.member("alice"))
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("data", "content_type"), [(PNG, "image/png"), (JPEG, "image/jpeg")])
def test_images_are_accepted(refunds, data, content_type):
    application = refunds.application("alice")
    response = refunds.attach("alice", application["id"], "business_license", data, "x.pdf")
    assert response.status_code == 201 and response.get_json()["content_type"] == content_type


def test_a_text_file_named_pdf_is_415_and_nothing_is_kept(app, client, refunds):
    application = refunds.application("alice")
    response = refunds.attach("alice", application["id"], data=b"just some text\n",
                              filename="receipt.pdf")
    assert_error(response, 415, "unsupported_file_type")
    assert _stored(app) == []
    detail = client.get(f"/api/v1/refunds/applications/{application['id']}",
                        headers=refunds.member("alice")).get_json()
    assert detail["attachments"] == []


def test_eleven_megabytes_is_413_and_nothing_is_kept(app, refunds):
    application = refunds.application("alice")
    response = refunds.attach("alice", application["id"], data=PDF + b"0" * (11 * MB),
                              filename="big.pdf")
    body = assert_error(response, 413, "file_too_large")
    assert "10MB" in body["message"]
    assert _stored(app) == []


def test_exactly_ten_megabytes_is_accepted(refunds):
    application = refunds.application("alice")
    data = PDF + b"0" * (10 * MB - len(PDF))
    assert refunds.attach("alice", application["id"], data=data).status_code == 201


def test_a_body_above_the_request_limit_is_413(client, refunds):
    application = refunds.application("alice")
    response = refunds.attach("alice", application["id"], data=PDF + b"0" * (17 * MB))
    assert_error(response, 413, "payload_too_large")


def test_kind_and_file_are_required_and_checked(app, client, refunds):
    application = refunds.application("alice")
    url = f"/api/v1/refunds/applications/{application['id']}/attachments"
    headers = refunds.member("alice")
    error = assert_error(client.post(url, headers=headers, data=upload(PDF, "a.pdf", "photo"),
                                     content_type="multipart/form-data"), 422)
    assert "kind" in error["errors"]["multipart"]
    error = assert_error(client.post(url, headers=headers, data={"kind": "tax_receipt"},
                                     content_type="multipart/form-data"), 422)
    assert error["message"] == "文件为必填项"
    error = assert_error(client.post(url, headers=headers,
                                     data={"kind": "tax_receipt", "file": "a.pdf"},
                                     content_type="multipart/form-data"), 422)
    assert error["message"] == "文件应为上传的文件"
    assert error["errors"]["multipart"] == {"file": ["应为上传的文件"]}
    assert _stored(app) == []


def test_a_file_is_removed_from_a_draft(app, client, refunds):
    application = refunds.application("alice")
    attachment = refunds.attach("alice", application["id"]).get_json()
    url = f"/api/v1/refunds/applications/{application['id']}/attachments/{attachment['id']}"
    assert client.delete(url, headers=refunds.member("alice")).status_code == 204
    assert _stored(app) == []
    assert_error(client.get(url, headers=refunds.member("alice")), 404)


def test_a_failure_after_writing_leaves_no_orphan(app):
    with app.app_context():
        with pytest.raises(RuntimeError):
            with files.stored_upload(FileStorage(io.BytesIO(PDF))) as stored:
                assert files.path_of(stored.name).is_file()
                raise RuntimeError("the database refused the row")
    assert _stored(app) == []
