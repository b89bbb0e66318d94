"""A CSV export the server cuts off cannot look complete to the client.

The server here is a small HTTP/1.1 server written for the test: it runs the real Django WSGI
application, sends the body with chunked transfer encoding as gunicorn does for a streaming response,
and, like gunicorn's arbiter killing a worker that exceeded its timeout, can stop mid-body and close the
socket. It runs in the test's own thread (so it sees the test's database on SQLite and PostgreSQL alike);
the client, a plain `http.client` connection, runs in a second thread.
"""

from __future__ import annotations

import http.client
import io
import socket
import threading

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections

from tests.factories import make_trial
from trials.exports import check_complete

pytestmark = pytest.mark.django_db

URL = "/api/v1/trials/?format=csv"


def _serve_once(listener: socket.socket, *, kill_after_chunks: int | None) -> None:
    """Answer one request with the Django app; with `kill_after_chunks`, die after that many body
    chunks (no terminating zero-length chunk, socket closed: what a killed worker leaves)."""
    conn, _addr = listener.accept()
    with conn:
        request = b""
        while b"\r\n\r\n" not in request:
            request += conn.recv(65536)
        line = request.split(b"\r\n", 1)[0].decode()
        _method, target, _version = line.split(" ")
        path, _sep, query = target.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "HTTP_HOST": "localhost",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": io.StringIO(),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
        }
        started = {}

        def start_response(status, headers, exc_info=None):
            started["status"], started["headers"] = status, headers

        # As Django's test client does: the request must not close the test's connection (it is
        # inside the test's transaction).
        signals.request_started.disconnect(close_old_connections)
        try:
            body = WSGIHandler()(environ, start_response)
        finally:
            signals.request_started.connect(close_old_connections)
        head = f"HTTP/1.1 {started['status']}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in started["headers"])
        conn.sendall((head + "Transfer-Encoding: chunked\r\n\r\n").encode())
        sent = 0
        try:
            for chunk in body:
                if kill_after_chunks is not None and sent >= kill_after_chunks:
                    conn.shutdown(socket.SHUT_RDWR)  # the worker is gone
                    return
                if chunk:
                    conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    sent += 1
            conn.sendall(b"0\r\n\r\n")
        finally:
            body.close()


def _download(kill_after_chunks: int | None) -> dict:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    result: dict = {}

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("GET", URL)
            response = connection.getresponse()
            result["status"] = response.status
            result["chunked"] = response.chunked
            result["body"] = response.read().decode()
        except (http.client.IncompleteRead, ConnectionError) as exc:
            result["error"] = exc
            partial = getattr(exc, "partial", b"")
            result["body"] = partial.decode(errors="replace")
        finally:
            connection.close()

    thread = threading.Thread(target=client)
    thread.start()
    try:
        _serve_once(listener, kill_after_chunks=kill_after_chunks)
    finally:
        listener.close()
        thread.join(30)
    return result


@pytest.fixture
def trials():
    return [make_trial(f"NCT000001{n:02d}") for n in range(30)]


def test_a_complete_export_ends_with_its_trailer(trials):
    result = _download(kill_after_chunks=None)
    assert result["status"] == 200 and result["chunked"]
    assert "error" not in result
    rows = check_complete(result["body"])
    assert len(rows) == 31  # header + 30 trials
    assert result["body"].endswith("# end of export: 30 trials\r\n")


def test_an_export_cut_by_the_server_is_an_error_and_has_no_trailer(trials):
    result = _download(kill_after_chunks=10)  # header + 9 rows, then the worker dies
    assert result["status"] == 200  # the status line was already sent: only the body can tell
    assert isinstance(result["error"], http.client.IncompleteRead)  # chunked: the client sees it
    # A client that ignores transport errors (or a proxy that buffered the body) still cannot take
    # it for complete: the trailer is missing.
    assert result["body"].count("\n") == 10
    with pytest.raises(ValueError, match="incomplete"):
        check_complete(result["body"])


def test_check_complete_refuses_a_trailer_whose_count_differs():
    text = "nct_id\r\nNCT00000001\r\n# end of export: 2 trials\r\n"
    with pytest.raises(ValueError, match="1 of 2"):
        check_complete(text)


def test_the_complete_dump_is_built_atomically_and_served_with_its_count(
    client, settings, tmp_path, trials
):
    import gzip

    from django.core.management import call_command

    settings.EXPORT_ROOT = tmp_path / "exports"
    make_trial("NCT00000999", publish=False)  # a draft is never exported
    assert client.get("/api/v1/trials/dump/").status_code == 404  # not built yet

    call_command("build_trial_dump", verbosity=0)

    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == [
        "ion-trials-all.csv.gz",
        "ion-trials-all.json",
    ]  # no temporary file left behind
    response = client.get("/api/v1/trials/dump/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/gzip"
    assert response["X-Row-Count"] == "30"
    assert response["X-Generated-At"]
    rows = check_complete(gzip.decompress(b"".join(response.streaming_content)).decode())
    assert len(rows) == 31 and "NCT00000999" not in {r[0] for r in rows}
