#!/usr/bin/env python3
"""The dashboard in a real browser (ctest cli.dashboard.chromium).

Starts `pinas dashboard` on an empty experiment folder, loads the page in
headless Chromium (driven over the DevTools protocol), then starts a small
synthetic search into that folder and checks, in the same page session
without a reload, that the front grows as trials complete. Once the search
has finished it checks the page's elements against the store (`pinas status
--json`, `pinas pareto --json`), sorts and filters the trial table, and saves
a screenshot. Exits 77 ("skipped") where Chromium is absent.

usage: chromium_check.py PINAS CONFIG WORKDIR SCREENSHOT.png
"""
import base64
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request


class DevTools:
    """A minimal DevTools-protocol client over one WebSocket (RFC 6455)."""

    def __init__(self, ws_url):
        match = re.match(r"ws://([^:/]+):(\d+)(/.*)", ws_url)
        host, port, path = match.group(1), int(match.group(2)), match.group(3)
        self.sock = socket.create_connection((host, port), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                   f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(request.encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("DevTools closed the connection during the handshake")
            response += chunk
        if b" 101 " not in response.split(b"\r\n", 1)[0]:
            raise RuntimeError(f"DevTools refused the WebSocket: {response[:200]!r}")
        self.buffer = response.split(b"\r\n\r\n", 1)[1]
        self.next_id = 0
        self.exceptions = []

    def _read(self, count):
        while len(self.buffer) < count:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise RuntimeError("DevTools closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def _send(self, text):
        payload = text.encode()
        header = bytes([0x81])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        elif len(payload) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(payload))
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _receive(self):
        message = b""
        while True:
            first, second = self._read(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(length)
            opcode = first & 0x0F
            if opcode == 0x8:
                raise RuntimeError("DevTools closed the WebSocket")
            if opcode in (0x1, 0x0):
                message += payload
                if first & 0x80:
                    return json.loads(message)

    def call(self, method, **params):
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = self._receive()
            if message.get("method") == "Runtime.exceptionThrown":
                self.exceptions.append(message["params"]["exceptionDetails"])
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {expression}: {result['exceptionDetails']}")
        return result["result"].get("value")


# What the test reads off the page: counts the page's script writes as data-*
# attributes, and the table's rows.
PAGE_STATE = """JSON.stringify({
  renders: +document.body.dataset.renders, mode: document.body.dataset.mode,
  history: (document.body.dataset.frontHistory || "").split(",").filter(Boolean).map(Number),
  summary: document.getElementById("summary").textContent,
  error: document.getElementById("error").hidden ? "" : document.getElementById("error").textContent,
  points: +document.getElementById("front").dataset.points, front: +document.getElementById("front").dataset.front,
  curves: +document.getElementById("curves").dataset.curves, finished: +document.getElementById("progress").dataset.finished,
  layers: +document.getElementById("layer-chart").dataset.layers || 0,
  layerCaption: document.getElementById("layers-caption").textContent,
  rows: [...document.querySelectorAll("#trial-body tr")].map((r) => +r.dataset.trial),
  frontPoints: document.querySelectorAll("#front circle[data-trial]").length,
})"""


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def wait_for(what, predicate, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    fail(f"timed out after {timeout} s waiting for {what}")


def main():
    pinas, config, work, screenshot = sys.argv[1:5]
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not chromium:
        print("skipped: headless Chromium is not installed (Debian package chromium, in scripts/setup)")
        return 77
    shutil.rmtree(work, ignore_errors=True)
    folder = os.path.join(work, "experiment")
    os.makedirs(folder)
    processes = []
    try:
        dashboard = subprocess.Popen([pinas, "dashboard", folder, "--port", "0"], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        processes.append(dashboard)
        line = dashboard.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        if not match:
            fail(f"pinas dashboard printed no address: {line!r}")
        url = match.group(1)
        browser = subprocess.Popen([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                    "--remote-debugging-port=0", f"--user-data-dir={work}/chromium-profile",
                                    "--no-first-run", "--window-size=1400,2300", "about:blank"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        processes.append(browser)
        devtools_port = None
        while devtools_port is None:
            line = browser.stderr.readline()
            if not line:
                fail("Chromium exited before opening its DevTools port")
            found = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            devtools_port = found and found.group(1)
        # Keep draining Chromium's log so a full pipe never stalls it.
        threading.Thread(target=lambda: [None for _ in browser.stderr], daemon=True).start()
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{devtools_port}/json/list", timeout=30))
        page = next(t for t in targets if t.get("type") == "page")
        tools = DevTools(page["webSocketDebuggerUrl"])
        tools.call("Runtime.enable")
        tools.call("Page.enable")
        tools.call("Emulation.setDeviceMetricsOverride", width=1400, height=2300, deviceScaleFactor=1, mobile=False)
        tools.call("Page.navigate", url=url)
        state = lambda: json.loads(tools.evaluate(f"document.getElementById('front') ? {PAGE_STATE} : '{{}}'"))
        # Before the search: the page is up and says it cannot read the store yet.
        wait_for("the page to report the missing store",
                 lambda: "cannot read the experiment" in tools.evaluate(
                     "(document.getElementById('error') || {}).textContent || ''"), 60)
        search = subprocess.Popen([pinas, "search", "--config", config, "--out", folder],
                                  stdout=open(os.path.join(work, "search.log"), "w"), stderr=subprocess.STDOUT)
        processes.append(search)
        first = wait_for("the first render of the running search", lambda: (lambda s: s if s.get("renders") else None)(state()), 60)
        if "running" not in first["summary"]:
            fail(f"the first render does not show a running search: {first['summary']}")
        if search.wait(timeout=300) != 0:
            fail(f"pinas search failed: see {work}/search.log")
        last = wait_for("a render of the finished search",
                        lambda: (lambda s: s if s["summary"].startswith("finished") else None)(state()), 60)
        history = last["history"]
        print(f"front points seen by one page session (one entry per poll): {history}")
        if not history or history[-1] <= history[0]:
            fail(f"the front did not grow while the page was open: {history}")
        # The page against the store.
        status = json.loads(subprocess.check_output([pinas, "status", folder, "--json"], text=True))
        pareto = [t for t in json.loads(subprocess.check_output([pinas, "pareto", folder, "--json"], text=True))
                  if not t.get("reduced")]
        complete = status["by_status"].get("complete", 0)
        checks = [
            (last["mode"] == "live", f"mode {last['mode']}"),
            (last["error"] == "", f"error shown: {last['error']}"),
            (sorted(last["rows"]) == list(range(status["trials"])), f"table rows {len(last['rows'])} of {status['trials']} trials"),
            (last["points"] == complete and last["frontPoints"] == complete, f"front points {last['points']} / {last['frontPoints']}, complete trials {complete}"),
            (last["front"] == len(pareto), f"front size {last['front']}, pinas pareto {len(pareto)}"),
            (last["curves"] == status["trained"], f"learning curves {last['curves']}, trained {status['trained']}"),
            (last["finished"] > 0, f"progress chart finished {last['finished']}"),
            (last["layers"] > 0 and f"trial {status['best']['trial']}:" in last["layerCaption"] and "ReLUs" in last["layerCaption"],
             f"layer breakdown: {last['layers']} layers, caption {last['layerCaption']!r}"),
            (f"best {100 * status['best']['val_accuracy']:.2f}%" in last["summary"], f"summary {last['summary']!r}"),
        ]
        # Sorting (two clicks on "val acc": descending then ascending) and filtering.
        tools.evaluate("document.querySelector('#trial-head th[data-key=val_accuracy]').click()")
        top = tools.evaluate("+document.querySelector('#trial-body tr').dataset.trial")
        checks.append((top == status["best"]["trial"], f"sorted by val acc, first row trial {top}, best {status['best']['trial']}"))
        tools.evaluate("(() => { const s = document.getElementById('trial-status'); s.value = 'complete';"
                       " s.dispatchEvent(new Event('input')); })()")
        shown = tools.evaluate("document.querySelectorAll('#trial-body tr').length")
        checks.append((shown == complete, f"status filter complete: {shown} rows, {complete} complete"))
        tools.evaluate("(() => { const s = document.getElementById('trial-status'); s.value = '';"
                       " s.dispatchEvent(new Event('input')); })()")
        checks.append((not tools.exceptions, f"uncaught page exceptions: {tools.exceptions}"))
        for ok, what in checks:
            print(("ok   " if ok else "FAIL ") + what)
        shot = tools.call("Page.captureScreenshot", format="png")
        with open(screenshot, "wb") as out:
            out.write(base64.b64decode(shot["data"]))
        print(f"screenshot: {screenshot}")
        # The static report of the same folder: the same page, data inlined, nothing served.
        report = os.path.join(work, "report.html")
        subprocess.check_call([pinas, "report", folder, "--out", report], stdout=subprocess.DEVNULL)
        dashboard.terminate()
        tools.call("Page.navigate", url="file://" + os.path.abspath(report))
        static = wait_for("the report to render", lambda: (lambda s: s if s.get("mode") == "report" else None)(state()), 60)
        checks.append((static["rows"] == sorted(last["rows"]) and static["points"] == last["points"]
                       and static["front"] == last["front"] and static["layers"] == last["layers"],
                       f"static report: {len(static['rows'])} rows, {static['points']} points, {static['front']} on the front, {static['layers']} layers"))
        checks.append((not tools.exceptions, f"uncaught report exceptions: {tools.exceptions}"))
        for ok, what in checks[-2:]:
            print(("ok   " if ok else "FAIL ") + what)
        if not all(ok for ok, _ in checks):
            fail("the page does not match the store")
        print(f"OK: the front grew from {history[0]} to {history[-1]} points in one page session; "
              f"{len(checks)} element checks passed")
        return 0
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()


if __name__ == "__main__":
    sys.exit(main())
