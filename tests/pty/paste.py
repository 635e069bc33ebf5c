"""Pastes a payload into `whi validate -` at a terminal and presses Ctrl-D once.

    python3 tests/pty/paste.py WHI PAYLOAD_FILE

Exits 0 when whi ended by itself within 20 s (printing whi's exit status
and output), 3 when it was still waiting for input (a second Ctrl-D) and
had to be killed. Used by tests/pty.rs; no fixed sleeps, a bounded wait.
"""
import os
import pty
import select
import sys
import time

whi, payload_file = sys.argv[1], sys.argv[2]
payload = open(payload_file, "rb").read()
pid, fd = pty.fork()
if pid == 0:
    os.environ["NO_COLOR"] = "1"
    os.execv(whi, [whi, "validate", "-"])

# Canonical mode: each line is delivered at its newline; Ctrl-D (VEOF) at
# the start of a line ends the input.
os.write(fd, payload.rstrip(b"\n") + b"\n")
os.write(fd, b"\x04")
output = b""
deadline = time.monotonic() + 20
status = None
while time.monotonic() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.2)
    if ready:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            chunk = b""
        output += chunk
    done, raw = os.waitpid(pid, os.WNOHANG)
    if done:
        status = os.waitstatus_to_exitcode(raw)
        break
if status is None:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    sys.stdout.write("still waiting for input after one Ctrl-D\n")
    sys.exit(3)
sys.stdout.write(f"exit {status}\n")
sys.stdout.write(output.decode("utf-8", "replace"))
