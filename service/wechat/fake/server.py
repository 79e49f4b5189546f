"""A local fake of the WeChat server API, for development and tests only.

Run it with `python -m service.wechat.fake --host 127.0.0.1 --port 9900`.
"""

import argparse
import json
import threading
import time

from flask import Flask, Response, request
from werkzeug.serving import WSGIRequestHandler, make_server

from service.wechat.fake.routes import error_answer, json_answer, register_wechat_routes
from service.wechat.fake.state import FakeState


def create_fake_app(state: FakeState | None = None) -> Flask:
    """Build the fake WeChat API as a Flask app."""
    app = Flask(__name__)
    state = state or FakeState()
    app.extensions["fake_wechat"] = state

    @app.before_request
    def inject_fault():
        if request.path.startswith("/__fake__/"):
            return None
        fault = state.record_request(request.method, request.path)
        if fault is None:
            return None
        if fault["mode"] in ("timeout", "delay"):
            time.sleep(fault["seconds"])
            return error_answer(-1, "system error") if fault["mode"] == "timeout" else None
        if fault["mode"] == "http500":
            return Response("<html><body>500 Internal Server Error</body></html>", 500,
                            content_type="text/html")
        return error_answer(-1, "system error")

    register_wechat_routes(app, state)
    _add_control_routes(app, state)
    return app


def _add_control_routes(app: Flask, state: FakeState) -> None:
    @app.get("/__fake__/log")
    def fake_log():
        return json_answer(state.snapshot())

    @app.post("/__fake__/reset")
    def fake_reset():
        state.reset()
        return error_answer(0, "ok")

    @app.post("/__fake__/expire-tokens")
    def fake_expire_tokens():
        state.expire_tokens(int((request.get_json(silent=True) or {}).get("errcode", 40001)))
        return error_answer(0, "ok")

    @app.post("/__fake__/unsubscribe")
    def fake_unsubscribe():
        state.unsubscribe(str((request.get_json(silent=True) or {}).get("openid", "")))
        return error_answer(0, "ok")

    @app.post("/__fake__/faults")
    def fake_faults():
        body = request.get_json(silent=True) or {}
        try:
            state.add_fault(str(body.get("path", "")), str(body.get("mode", "")),
                            body.get("count", 1), body.get("seconds", 2.0))
        except (TypeError, ValueError) as exc:
            return Response(json.dumps({"error": str(exc)}), 400,
                            content_type="application/json")
        return error_answer(0, "ok")


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


class FakeWeChatServer:
    """The fake served on a background thread; `start()` returns its base URL."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, token_ttl: int = 7200,
                 quiet: bool = True):
        self.state = FakeState(token_ttl=token_ttl)
        self.app = create_fake_app(self.state)
        handler = _QuietHandler if quiet else WSGIRequestHandler
        self._server = make_server(host, port, self.app, threaded=True, request_handler=handler)
        self.base_url = f"http://{host}:{self._server.server_port}"
        self._thread: threading.Thread | None = None

    def start(self) -> str:
        """Serve in a daemon thread and return the base URL."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
            self._thread.start()
        return self.base_url

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> "FakeWeChatServer":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def log(self) -> dict:
        """Requests, per-path counts, stable_token calls and delivered messages."""
        return self.state.snapshot()

    @property
    def stable_token_calls(self) -> int:
        """How many stable_token requests arrived."""
        return self.log()["stable_token_calls"]

    @property
    def messages(self) -> list[dict]:
        """Subscribe messages accepted so far."""
        return self.log()["messages"]

    def reset(self) -> None:
        """Forget everything (tokens, codes, faults, log)."""
        self.state.reset()

    def expire_tokens(self, errcode: int = 40001) -> None:
        """Invalidate all issued tokens."""
        self.state.expire_tokens(errcode)

    def unsubscribe(self, openid: str) -> None:
        """Make subscribe messages to `openid` fail with 43101."""
        self.state.unsubscribe(openid)

    def fault(self, path: str, mode: str, count: int = 1, seconds: float = 2.0) -> None:
        """Inject `count` faults ("timeout", "delay", "http500", "busy") into `path`."""
        self.state.add_fault(path, mode, count, seconds)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point: serve the fake until interrupted."""
    parser = argparse.ArgumentParser(description="Fake WeChat API for local development")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9900)
    parser.add_argument("--token-ttl", type=int, default=7200)
    args = parser.parse_args(argv)
    server = make_server(args.host, args.port,
                         create_fake_app(FakeState(token_ttl=args.token_ttl)), threaded=True)
    print(f"fake WeChat API on http://{args.host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
