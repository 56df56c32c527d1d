"""One debugging session on a running program, the same steps for godbg and for Delve, so the
suite's experiments can be run with either (bench/reliability.sh compares them).

A session: attach; set a breakpoint whose condition never holds; optionally hit one whose
condition holds (stop, then delete it); let the program run; end the session in one of WAYS.
"""
import json
import os
import pty
import re
import select
import signal
import socket
import subprocess
import time

from reliability import DLV, Godbg, internal_text, is_stop

# How a session ends. godbg: an interrupt (SIGINT, as Ctrl-C) then `detach` or `quit`; SIGTERM
# or SIGHUP to godbg while the program runs; Ctrl-C typed at a terminal then `detach` typed.
WAYS = ("detach", "quit", "sigterm", "sighup", "ctrl-c+detach")


class GodbgSession:
    name = "godbg"

    def __init__(self, pid, way, func="main.serve", var="n"):
        self.way = way
        self.func, self.var = func, var
        self.g = Godbg(pid, tty=(way == "ctrl-c+detach"))
        self.problems = []

    def attach(self):
        got = self.g.read_until(is_stop, 20)
        if not got or got[-1].get("event") != "stop":
            self.problems.append(f"no attach stop: {self.g.text[-400:]!r}")
            return False
        return True

    def add_false(self):
        return self._break(f"break {self.func} if {self.var} < 0")

    def _break(self, line):
        got = self.g.command(line, lambda r: "breakpoint" in r or "error" in r)
        if not got or "error" in got[-1]:
            self.problems.append(f"{line}: {got}")
            return None
        return got[-1]["breakpoint"]["id"]

    def hit_true(self):
        """A breakpoint that holds: one stop there, then it is deleted."""
        bp = self._break(f"break {self.func} if {self.var} > 0")
        if bp is None:
            return False
        got = self.g.command("continue", is_stop, 30)
        ok = bool(got) and got[-1].get("reason") == "breakpoint" and got[-1].get("breakpoint") == bp
        if not ok:
            self.problems.append(f"no stop at the true breakpoint: {got}")
            return False
        self.g.send(f"delete {bp}")
        return True

    def run(self):
        self.g.send("continue")

    def end(self, timeout=10):
        """Ends the session the trial's way; True when godbg ended within timeout."""
        w = self.way
        if w in ("detach", "quit"):
            self.g.signal(signal.SIGINT)
            got = self.g.read_until(is_stop, timeout)
            if not got or got[-1].get("reason") != "interrupt":
                self.problems.append(f"no interrupt stop: {got}")
            self.g.send(w)
            if w == "detach":
                self.g.send("quit")
            self.g.close_stdin()
        elif w == "sigterm":
            self.g.signal(signal.SIGTERM)
        elif w == "sighup":
            self.g.signal(signal.SIGHUP)
        elif w == "ctrl-c+detach":
            self.g.ctrl_c()
            got = self.g.read_until(is_stop, timeout)
            if not got or got[-1].get("reason") != "interrupt":
                self.problems.append(f"no interrupt stop after Ctrl-C: {got}")
            self.g.send("detach")
            self.g.read_until(lambda r: "message" in r, timeout)
            self.g.send("quit")
        ended = self.g.wait(timeout)
        if not ended:
            self.problems.append(f"godbg did not end within {timeout}s ({w})")
            self.g.kill()
        return ended

    def messages(self):
        return self.g.text

    def internal(self):
        return internal_text(self.g.text)

    def close(self):
        self.g.close()


class DelveSession:
    """Delve 1.2x: `dlv attach --headless` driven through its JSON-RPC API (for detach, quit and
    the signals), or its terminal client in a pseudo-terminal (Ctrl-C, then quit without
    killing)."""
    name = "dlv"

    def __init__(self, pid, way, func="main.serve", var="n"):
        self.way = way
        self.func, self.var = func, var
        self.pid = pid
        self.problems = []
        self.text = ""
        self.rpc = None
        self.cont = None
        self.next_id = 0
        if way == "ctrl-c+detach":
            self.cpid, self.fd = pty.fork()
            if self.cpid == 0:
                try:
                    os.execve(DLV, [DLV, "attach", str(pid)], dict(os.environ, TERM="dumb"))
                finally:
                    os._exit(127)
        else:
            self.p = subprocess.Popen([DLV, "attach", str(pid), "--headless", "--api-version=2",
                                       "--listen=127.0.0.1:0"], stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
            self.cpid = self.p.pid

    # -- the terminal client
    def _read_tty(self, pattern, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if re.search(pattern, self.text):
                return True
            r, _, _ = select.select([self.fd], [], [], 0.1)
            if r:
                try:
                    chunk = os.read(self.fd, 1 << 16)
                except OSError:
                    return False
                if not chunk:
                    return False
                self.text += chunk.decode(errors="replace")
        return False

    def _type(self, line):
        self.mark = len(self.text)
        os.write(self.fd, (line + "\r").encode())

    # -- the JSON-RPC client
    def _call(self, method, params, timeout=30):
        self.next_id += 1
        i = self.next_id
        msg = {"method": "RPCServer." + method, "params": [params], "id": i}
        self.rpc.sendall((json.dumps(msg) + "\n").encode())
        return self._answer(i, timeout)

    def _send(self, method, params):
        self.next_id += 1
        msg = {"method": "RPCServer." + method, "params": [params], "id": self.next_id}
        self.rpc.sendall((json.dumps(msg) + "\n").encode())
        return self.next_id

    def _answer(self, i, timeout):
        deadline = time.time() + timeout
        while True:
            for n, line in enumerate(self.lines):
                if line.get("id") == i:
                    del self.lines[n]
                    return line
            left = deadline - time.time()
            if left <= 0:
                return None
            r, _, _ = select.select([self.rpc], [], [], left)
            if not r:
                return None
            chunk = self.rpc.recv(1 << 20)
            if not chunk:
                return None
            self.partial += chunk
            while b"\n" in self.partial:
                line, self.partial = self.partial.split(b"\n", 1)
                if line.strip():
                    self.lines.append(json.loads(line))

    def attach(self):
        if self.way == "ctrl-c+detach":
            if not self._read_tty(r"\(dlv\) ", 30):
                self.problems.append(f"dlv: no prompt: {self.text[-300:]!r}")
                return False
            return True
        line = self.p.stdout.readline()
        self.text += line
        m = re.search(r"listening at: ([\d.]+):(\d+)", line)
        if not m:
            self.problems.append(f"dlv did not start: {line!r}")
            return False
        self.rpc = socket.create_connection((m.group(1), int(m.group(2))))
        self.lines, self.partial = [], b""
        return True

    def add_false(self):
        self.bp = self._break(f"{self.var} < 0")
        return self.bp

    def _break(self, cond):
        if self.way == "ctrl-c+detach":
            self._type(f"break {self.func}")
            self._read_tty(r"Breakpoint \d+ set", 20)
            n = re.findall(r"Breakpoint (\d+) set", self.text)
            self._type(f"condition {n[-1]} {cond}")
            self._read_tty(r"\(dlv\) $", 20)
            return int(n[-1])
        a = self._call("CreateBreakpoint", {"Breakpoint": {"FunctionName": self.func, "Cond": cond}})
        if not a or a.get("error"):
            self.problems.append(f"dlv CreateBreakpoint: {a}")
            return None
        return a["result"]["Breakpoint"]["id"]

    def hit_true(self):
        """Delve keeps one breakpoint per place: the false one's condition is made true for one
        stop, then false again."""
        bp = self.bp
        if self.way == "ctrl-c+detach":
            self._type(f"condition {bp} {self.var} > 0")
            self._read_tty(r"\(dlv\) $", 20)
            self._type("continue")
            ok = self._read_tty(r"\(dlv\) $", 30)
            self._type(f"condition {bp} {self.var} < 0")
            self._read_tty(r"\(dlv\) $", 20)
            return ok
        got = self._call("GetBreakpoint", {"Id": bp})
        b = (got or {}).get("result", {}).get("Breakpoint")
        if not b:
            self.problems.append(f"dlv GetBreakpoint: {got}")
            return False
        b["Cond"] = f"{self.var} > 0"
        self._call("AmendBreakpoint", {"Breakpoint": b})
        a = self._call("Command", {"name": "continue"})
        st = (a or {}).get("result", {}).get("State", {})
        ok = bool(st.get("currentThread", {}).get("breakPoint"))
        if not ok:
            self.problems.append(f"dlv: no stop at the true breakpoint: {a}")
        b["Cond"] = f"{self.var} < 0"
        self._call("AmendBreakpoint", {"Breakpoint": b})
        return ok

    def run(self):
        if self.way == "ctrl-c+detach":
            self._type("continue")
        else:
            self.cont = self._send("Command", {"name": "continue"})

    def end(self, timeout=10):
        w = self.way
        if w in ("detach", "quit"):
            # Delve's API has no quit that keeps the program: halt, then detach without kill.
            if self.rpc:
                if self.cont is not None:
                    self._send("Command", {"name": "halt"})
                    self._answer(self.cont, timeout)
                self._call("Detach", {"Kill": False}, timeout)
        elif w == "sigterm":
            os.kill(self.cpid, signal.SIGTERM)
        elif w == "sighup":
            os.kill(self.cpid, signal.SIGHUP)
        elif w == "ctrl-c+detach":
            os.write(self.fd, b"\x03")
            self._read_tty(r"\(dlv\) $", timeout)
            self._type("quit")
            if self._read_tty(r"kill the process\?", timeout):
                self._type("n")
        deadline = time.time() + timeout
        while time.time() < deadline:
            pid, _ = os.waitpid(self.cpid, os.WNOHANG)
            if pid:
                return True
            time.sleep(0.05)
        self.problems.append(f"dlv did not end within {timeout}s ({w})")
        os.kill(self.cpid, signal.SIGKILL)
        os.waitpid(self.cpid, 0)
        return False

    def messages(self):
        return self.text

    def internal(self):
        return []

    def close(self):
        if self.rpc:
            self.rpc.close()
        if self.way == "ctrl-c+detach":
            os.close(self.fd)
        else:
            try:
                self.p.stdout.close()
            except OSError:
                pass


def session_class(name):
    return {"godbg": GodbgSession, "dlv": DelveSession}[name]
