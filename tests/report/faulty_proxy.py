"""A faulty ECS endpoint for report checks: the mock behind a proxy that rewrites some answers.

It fixes the contract's "dees" typo (a documented fault), serves XML errors as
`text/xml; charset=utf-8` (an observed one) and drops `Recommend` (a permitted difference, seen
only at the chosen level). Usage: faulty_proxy.py UPSTREAM_HOST:PORT LISTEN_PORT (0: any free port, printed)
"""
import http.server
import re
import sys
import urllib.request

UPSTREAM = sys.argv[1]
PORT = int(sys.argv[2])


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        request = urllib.request.Request(
            f"http://{UPSTREAM}{self.path}", data=body, method=self.command
        )
        for name, value in self.headers.items():
            if name.lower() not in ("content-length", "connection", "host"):
                request.add_header(name, value)
        request.add_header("Host", self.headers.get("Host", UPSTREAM))
        try:
            with urllib.request.urlopen(request) as r:
                status, headers, data = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            status, headers, data = e.code, e.headers, e.read()
        ctype = headers.get("Content-Type", "")
        text = data.decode("utf-8", "replace")
        if not self.path.startswith("/ecs-conformance/"):
            text = text.replace("dees not support", "does not support")
            text = re.sub(r"<Recommend>.*?</Recommend>", "", text)
            text = re.sub(r',?"Recommend":"[^"]*"', "", text)
            if ctype == "text/xml;charset=utf-8" and "<Error>" in text:
                ctype = "text/xml; charset=utf-8"
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = forward

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
print(f"faulty proxy listening on 127.0.0.1:{server.server_address[1]}", flush=True)
server.serve_forever()
