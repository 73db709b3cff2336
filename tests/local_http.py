"""A local HTTP file server on 127.0.0.1 for the download tests (the ``file_server`` fixture of
tests/conftest.py)."""
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FileServer:
    """Files served over HTTP on 127.0.0.1, with Range requests, as a checkpoint host does.

    ``add(name, data, truncate_once=True)`` makes the first GET of ``name`` announce the full
    Content-Length but close the connection halfway. ``requests`` records (path, Range header,
    bytes sent) per GET.
    """

    def __init__(self) -> None:
        self.files, self.truncate, self.requests = {}, set(), []
        self.httpd = ThreadingHTTPServer(('127.0.0.1', 0), self._handler())
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def _handler(self) -> type:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep pytest's output clean
                pass

            def do_GET(self) -> None:
                name, range_header = self.path.lstrip('/'), self.headers.get('Range')
                data = server.files.get(name)
                if data is None:
                    self.send_error(404)
                    server.requests.append((self.path, range_header, 0))
                    return
                match = re.fullmatch(r'bytes=(\d+)-', range_header or '')
                start = int(match.group(1)) if match else 0
                if match and start >= len(data):
                    self.send_response(416)
                    self.send_header('Content-Range', f'bytes */{len(data)}')
                    self.send_header('Content-Length', '0')
                    self.end_headers()
                    server.requests.append((self.path, range_header, 0))
                    return
                body = data[start:]
                self.send_response(206 if match else 200)
                if match:
                    self.send_header('Content-Range', f'bytes {start}-{len(data) - 1}/{len(data)}')
                self.send_header('Content-Length', str(len(body)))
                self.send_header('Content-Type', 'application/octet-stream')
                self.end_headers()
                if name in server.truncate:
                    server.truncate.discard(name)
                    body = body[:len(body) // 2]
                    self.close_connection = True
                self.wfile.write(body)
                server.requests.append((self.path, range_header, len(body)))

        return Handler

    def add(self, name: str, data: bytes, truncate_once: bool = False) -> str:
        """Serve ``data`` as ``name``; return its URL."""
        self.files[name] = data
        if truncate_once:
            self.truncate.add(name)
        return self.url(name)

    def url(self, name: str) -> str:
        return f'http://127.0.0.1:{self.httpd.server_address[1]}/{name}'

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
