"""A join code's printable poster: an A4 PNG with the union's name, the code, one line of help.

The Chinese text needs a CJK font on the machine (Debian's fonts-wqy-microhei, which the
system check installs); JOIN_POSTER_FONT may name another file. Without one the poster is
refused with 503 and a message saying which package to install.
"""

import io
from pathlib import Path

from flask import current_app

from service.models.join_codes import JoinCode
from service.web.errors import abort

# A4 at 150 dots per inch.
A4 = (1240, 1754)
FONT_FILES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
              "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc")
INSTRUCTION = "微信扫一扫，填写信息即可申请加入工会"


def font_file() -> Path:
    """The CJK font to draw with; 503 naming the package when there is none."""
    configured = current_app.config.get("JOIN_POSTER_FONT")
    for name in ((configured,) if configured else FONT_FILES):
        if Path(name).is_file():
            return Path(name)
    abort(503, "poster_font_missing",
          "服务器缺少中文字体，无法生成海报：请安装 fonts-wqy-microhei"
          "（或以 JOIN_POSTER_FONT 指定一个中文字体文件）")


def poster_png(code: JoinCode) -> bytes:
    """The poster of `code` as PNG bytes."""
    from PIL import Image, ImageDraw, ImageFont

    path = font_file()
    width, height = A4
    page = Image.new("RGB", A4, "white")
    draw = ImageDraw.Draw(page)
    title = ImageFont.truetype(str(path), 76)
    body = ImageFont.truetype(str(path), 44)
    small = ImageFont.truetype(str(path), 32)
    draw.rectangle((0, 0, width, 40), fill="#b3261e")

    def centred(y, text, font, fill="#1f2328"):
        box = draw.textbbox((0, 0), text, font=font)
        draw.text(((width - (box[2] - box[0])) / 2, y), text, font=font, fill=fill)

    centred(180, code.org.name, title)
    centred(300, "欢迎加入工会", body, "#b3261e")
    image = Image.open(io.BytesIO(code.image)).convert("RGB")
    side = 760
    image = image.resize((side, side))
    page.paste(image, ((width - side) // 2, 440))
    centred(1280, INSTRUCTION, body)
    centred(1380, f"渠道：{code.label}", small, "#57606a")
    draw.rectangle((0, height - 40, width, height), fill="#b3261e")
    out = io.BytesIO()
    page.save(out, "PNG", dpi=(150, 150))
    return out.getvalue()
