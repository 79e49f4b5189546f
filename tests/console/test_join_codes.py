"""入会码 in the console: create, counts, rename, disable, the image and the A4 poster."""

import io

from PIL import Image
from sqlalchemy import select

from service.extensions import db
from service.models.join_codes import JoinCode
from tests.console.helpers import csrf_token, post_form, sign_in, text
from tests.console.test_stations import org_id

CODE_PATH = "/wxa/getwxacodeunlimit"


def make(client, app, org_code="JS-XW", label="金水区集中入会活动"):
    org = org_id(app, org_code)
    response = post_form(client, "/console/join-codes/new", {"org_id": org, "label": label},
                         form_page=f"/console/join-codes?org_id={org}")
    assert response.status_code == 302, text(response)
    with app.app_context():
        return db.session.scalar(select(JoinCode.id).where(JoinCode.label == label))


def test_a_code_is_made_counted_renamed_and_disabled(client, app):
    sign_in(client, "jinshui_reviewer")
    code_id = make(client, app)
    page = text(client.get(f"/console/join-codes?org_id={org_id(app, 'JS-XW')}"))
    assert "金水区集中入会活动" in page and f"/console/join-codes/{code_id}/image" in page
    image = client.get(f"/console/join-codes/{code_id}/image")
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    form = f"/console/join-codes?org_id={org_id(app, 'JS-XW')}"
    post_form(client, f"/console/join-codes/{code_id}", {"action": "rename",
                                                         "label": "花园路骑手站"}, form)
    post_form(client, f"/console/join-codes/{code_id}", {"action": "disable"}, form)
    with app.app_context():
        code = db.session.get(JoinCode, code_id)
        assert (code.label, code.enabled) == ("花园路骑手站", False)
    empty = post_form(client, f"/console/join-codes/{code_id}", {"action": "rename",
                                                                 "label": ""}, form)
    assert empty.status_code == 422


def test_the_poster_is_an_a4_png(client, app):
    sign_in(client, "jinshui_reviewer")
    code_id = make(client, app)
    poster = client.get(f"/console/join-codes/{code_id}/poster")
    assert poster.status_code == 200 and poster.mimetype == "image/png"
    image = Image.open(io.BytesIO(poster.data))
    assert image.size == (1240, 1754)
    assert image.getpixel((620, 20)) != (255, 255, 255)  # the red band at the top
    title = image.crop((0, 180, 1240, 270)).convert("L")
    assert title.getextrema()[0] < 100  # the union's name is drawn


def test_a_missing_font_is_named(client, app):
    sign_in(client, "jinshui_reviewer")
    code_id = make(client, app)
    app.config["JOIN_POSTER_FONT"] = "/nonexistent/font.ttc"
    poster = client.get(f"/console/join-codes/{code_id}/poster")
    assert poster.status_code == 503 and "fonts-wqy-microhei" in text(poster)


def test_wechat_down_is_shown_in_the_page_with_the_label_kept(client, app, wechat_fake):
    wechat_fake.fault(CODE_PATH, "http500")
    sign_in(client, "jinshui_reviewer")
    org = org_id(app, "JS-XW")
    response = post_form(client, "/console/join-codes/new", {"org_id": org, "label": "骑手驿站"},
                         form_page=f"/console/join-codes?org_id={org}")
    assert response.status_code == 503
    assert 'value="骑手驿站"' in text(response)
    with app.app_context():
        assert db.session.scalar(select(JoinCode)) is None


def test_scope_role_and_token(client, app):
    sign_in(client, "jinshui_reviewer")
    other = org_id(app, "EQ-HT")
    assert client.get(f"/console/join-codes?org_id={other}").status_code == 404
    token = csrf_token(client, "/console/join-codes")
    refused = client.post("/console/join-codes/new",
                          data={"csrf_token": token, "org_id": other, "label": "越权"})
    assert refused.status_code in (403, 404)
    assert client.post("/console/join-codes/new",
                       data={"org_id": org_id(app, "JS-XW"), "label": "x"}).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(JoinCode)) is None
    refunds = app.test_client()
    sign_in(refunds, "jinshui_refunds")
    assert refunds.get("/console/join-codes").status_code == 403
