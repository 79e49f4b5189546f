"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

import sys

from service import create_app
from service.config import ConfigError

try:
    app = create_app()
except ConfigError as error:  # the reasons in plain words, not a traceback
    print(f"服务拒绝启动。{error}", file=sys.stderr)
    # 4 is gunicorn's "App failed to load": its master stops instead of forking again.
    raise SystemExit(4) from None
