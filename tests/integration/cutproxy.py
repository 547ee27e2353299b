#!/usr/bin/env python3
"""cutproxy.py PORT_FILE UPSTREAM_PORT CUT LOG: an HTTP proxy on 127.0.0.1
for GET and HEAD to a registry on 127.0.0.1:UPSTREAM_PORT. The first GET of
a blob larger than 2*CUT bytes is cut: headers and CUT bytes of the body,
then the connection is closed. Every request is logged to LOG as
"METHOD PATH range=RANGE status=STATUS sent=BYTES". Writes its port to
PORT_FILE once listening."""
import http.client, http.server, sys, threading

port_file, upstream, cut, log = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
state = {"cut": False}
lock = threading.Lock()


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def relay(self, body):
        c = http.client.HTTPConnection("127.0.0.1", upstream)
        hdrs = {k: v for k, v in self.headers.items() if k.lower() in ("accept", "authorization", "range")}
        c.request(self.command, self.path, headers=hdrs)
        r = c.getresponse()
        size = int(r.getheader("Content-Length") or 0)
        with lock:
            cutting = body and "/blobs/" in self.path and size > 2 * cut and not state["cut"]
            state["cut"] = state["cut"] or cutting
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("connection", "transfer-encoding"):
                self.send_header(k, v)
        self.end_headers()
        sent = 0
        while body:
            chunk = r.read(min(65536, cut - sent) if cutting else 65536)
            if not chunk:
                break
            self.wfile.write(chunk)
            sent += len(chunk)
            if cutting and sent >= cut:
                self.close_connection = True
                break
        with open(log, "a") as f:
            f.write("%s %s range=%s status=%d sent=%d\n" % (self.command, self.path,
                    self.headers.get("Range", "-"), r.status, sent))
        c.close()

    def do_GET(self):
        self.relay(True)

    def do_HEAD(self):
        self.relay(False)

    def log_message(self, *a):
        pass


s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
with open(port_file + ".tmp", "w") as f:
    f.write(str(s.server_address[1]))
import os
os.rename(port_file + ".tmp", port_file)
s.serve_forever()
