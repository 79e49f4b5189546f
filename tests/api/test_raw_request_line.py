"""What a query typed with raw Chinese gets, through gunicorn as deployed (nginx passes the
bytes on as they came)."""

import socket

import pytest

from tests.servers import Gunicorn

pytestmark = pytest.mark.slow


def _raw_get(port: int, target: bytes) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Connection: close\r\n\r\n")
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), head + b"\n" + body


def test_raw_utf8_query_is_read_as_utf8_and_other_bytes_get_json_400(database_url, tmp_path):
    env = {"DATABASE_URL": database_url, "SERVICE_ENV": "testing",
           "UPLOAD_DIR": str(tmp_path), "STATION_INDEX_WARM": "0"}
    with Gunicorn(env, workers=1) as server:
        status, answer = _raw_get(server.port,
                                  "/api/v1/stations/nearby?lat=34.7&lng=113.6&kind=驿站".encode())
        # Read as the Chinese word it is: refused as an unknown kind, naming it.
        assert status == 422 and "“驿站”".encode() in answer

        status, answer = _raw_get(server.port,
                                  b"/api/v1/stations/nearby?lat=34.7&lng=113.6&kind=\xff\xfe")
        assert status == 400
        assert b"application/json" in answer and b'"error":"query_not_utf8"' in answer
