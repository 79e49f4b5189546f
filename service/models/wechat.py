"""The shared WeChat access token row (used when no Redis is configured)."""

from service.extensions import db
from service.wechat import define_token_table

wechat_tokens = define_token_table(db.metadata)
