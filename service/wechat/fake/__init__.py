"""The local fake WeChat API server, spoken to over HTTP on loopback by development and tests."""

from service.wechat.fake.server import FakeWeChatServer, main

__all__ = ["FakeWeChatServer", "main"]
