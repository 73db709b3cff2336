"""A local HTTP file server on 127.0.0.1 for the download tests (the ``file_server`` fixture of
tests/conftest.py)."""
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FileServer:
    """Files served over HTTP on 127.0.0.1, with Range requests, as a checkpoint host does.

    ``add(name, data, truncate_once=True)`` makes the first GET of ``name`` announce the full
    Content-Length but close the connection halfway; with ``length=False`` no answer of ``name``
    carries a Content-Length (a truncated one then ends cleanly, as a dynamic server's does)
    and a whole-file answer gives no length at all. ``requests`` lists (path, Range header,
    bytes sent) per GET in the order they came; each is recorded before its answer is sent, so
    a client that has its response always finds its request there.
    """

    def __init__(self) -> None:
        self.files, self.truncate, self.requests = {}, set(), []
        self.no_length = set()
        self.httpd = ThreadingHTTPServer(('127.0.0.1', 0), self._handler())
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def _handler(self) -> type:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep pytest's output clean
                pass

            def do_GET(self) -> None:
                status, headers, body = server.answer(self.path, self.headers.get('Range'))
                # record before answering: the client may read ``requests`` as soon as it
                # has the response, before this thread would get to a line after the write
                server.requests.append((self.path, self.headers.get('Range'), len(body)))
                if status == 404:
                    self.send_error(404)
                    return
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                # HTTP/1.0: the connection closes after the body, which ends an answer without
                # a Content-Length (or cuts a truncated one short)
                self.close_connection = True
                self.wfile.write(body)

        return Handler

    def answer(self, path: str, range_header: str | None) -> tuple:
        """The (status, headers, body) a GET of ``path`` gets; a truncated file's first answer
        announces the full length but carries half of it."""
        name = path.lstrip('/')
        data = self.files.get(name)
        if data is None:
            return 404, {}, b''
        match = re.fullmatch(r'bytes=(\d+)-', range_header or '')
        start = int(match.group(1)) if match else 0
        if match and start >= len(data):
            return 416, {'Content-Range': f'bytes */{len(data)}', 'Content-Length': '0'}, b''
        body = data[start:]
        headers = {'Content-Length': str(len(body)), 'Content-Type': 'application/octet-stream'}
        if match:
            headers['Content-Range'] = f'bytes {start}-{len(data) - 1}/{len(data)}'
        if name in self.truncate:
            self.truncate.discard(name)
            body = body[:len(body) // 2]
        if name in self.no_length:
            del headers['Content-Length']
        return (206 if match else 200), headers, body

    def add(self, name: str, data: bytes, truncate_once: bool = False,
            length: bool = True) -> str:
        """Serve ``data`` as ``name`` (which may hold folders, ``a/b.pth``); return its URL."""
        self.files[name] = data
        if truncate_once:
            self.truncate.add(name)
        if not length:
            self.no_length.add(name)
        return self.url(name)

    def url(self, name: str) -> str:
        return f'http://127.0.0.1:{self.httpd.server_address[1]}/{name}'

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
