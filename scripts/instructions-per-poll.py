#!/usr/bin/env python3
"""Instructions per multi-chat poll, counted by callgrind: a figure that does not move with the
machine's load (docs/performance.md, "Architecture step: before and after").

Usage: scripts/instructions-per-poll.py SERVER_BINARY LABEL PORT [POLLS] [RATE]
  Starts `SERVER_BINARY serve --demo` under `valgrind --tool=callgrind` on 127.0.0.1:PORT,
  provisions 50 accepted chats for agent3, then polls the LivePerson multi-chat retrieve POLLS
  times (default 300) at RATE polls/s (default 10) and prints the instructions per poll.
  MODE=b first posts one agent line to each chat before every poll (scenario (b)), and the
  cursor follows. Needs valgrind (`apt-get install valgrind`); data goes to /tmp/cgf-LABEL.
Compare two binaries with the same POLLS and RATE: the fragment cache re-renders a chatting
chat once a second, so only equal rates give comparable figures.
"""
import json, sys, subprocess, time, tempfile, urllib.request, os, glob, http.client
server, label, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
N = int(sys.argv[4]) if len(sys.argv) > 4 else 300
RATE = float(sys.argv[5]) if len(sys.argv) > 5 else 10
d = f"/tmp/cgf-{label}"; subprocess.run(["rm", "-rf", d]); os.makedirs(d)
env = dict(os.environ, CHATWIRE__THROTTLE__HASH_QUEUE_WAIT_MS="600000")
extra = []
p = subprocess.Popen(["valgrind", "--tool=callgrind", *extra, f"--callgrind-out-file={d}/cg.out", server, "serve", "--demo", "--data-dir", f"{d}/data", "--listen", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
conn = None
def req(method, path, body=None, headers={}):
    global conn
    if conn is None: conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    h = {"Content-Type": "application/json", "Accept": "application/json", **headers}
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=h)
    r = conn.getresponse(); b = r.read().decode()
    return r.status, b, r
for i in range(600):
    try:
        req("GET", "/metrics"); break
    except Exception:
        conn = None; time.sleep(0.5)
A = "/api/account/1000"
s, b, _ = req("POST", f"{A}/login?v=1.3", {"username": "agent3", "password": "demo-pass"})
bearer = json.loads(b)["bearer"]; auth = {"Authorization": f"Bearer {bearer}"}
s, b, r = req("POST", f"{A}/agentSession?v=1&NC=true", {"loginData": ""}, auth)
asid = r.getheader("Location").rstrip("/").split("/")[-1]
req("PUT", f"{A}/agentSession/{asid}/availability?v=1&NC=true", {"availability": {"chat": "Online"}}, auth)
keys = []
for i in range(50):
    s, b, r = req("POST", f"{A}/chat/request?v=1&NC=true", {"request": {"skill": "Support", "userAgent": "x", "visitorIp": "1.2.3.4"}}, {"Authorization": "LivePerson appKey=demo-app-key"})
    keys.append(r.getheader("Location").rstrip("/").split("/")[-1])
    req("POST", f"{A}/agentSession/{asid}/incomingRequests?v=1&NC=true", {}, auth)
url = f"{A}/agentSession/{asid}/chat?chatSessionKeys={','.join(keys)}&v=1&NC=true"
s, b, _ = req("GET", url, None, auth)
froms = ",".join("4" for _ in keys)
url = f"{A}/agentSession/{asid}/chat?chatSessionKeys={','.join(keys)}&fromEventIds={froms}&v=1&NC=true"
assert s == 200 and b.count('"error"') == 0, b[:300]
for i in range(20): req("GET", url, None, auth)
subprocess.run(["callgrind_control", "-z", str(p.pid)], capture_output=True)
t0 = time.time(); sizes = set()
for i in range(N):
    if os.environ.get("MODE") == "b":
        for k in keys:
            req("POST", f"{A}/agentSession/{asid}/chat/{k}/events?v=1&NC=true", {"event": {"@type": "line", "text": "hello there", "textType": "plain"}}, auth)
        fr = ",".join(str(4 + i) for _ in keys)
        url = f"{A}/agentSession/{asid}/chat?chatSessionKeys={','.join(keys)}&fromEventIds={fr}&v=1&NC=true"
    s, b, _ = req("GET", url, None, auth); sizes.add((s, len(b), b.count('"@type":"line"') if i < 3 else 0))
    nxt = t0 + (i + 1) / RATE
    if nxt > time.time(): time.sleep(nxt - time.time())
el = time.time() - t0
subprocess.run(["callgrind_control", "-d", str(p.pid)], capture_output=True)
time.sleep(2); p.terminate(); p.wait()
f = sorted(glob.glob(f"{d}/cg.out.*"))[0]
out = subprocess.run(["callgrind_annotate", f], capture_output=True, text=True).stdout
tot = int([l for l in out.splitlines() if "PROGRAM TOTALS" in l][0].split()[0].replace(",", ""))
print(f"{label}: {N} polls in {el:.1f}s, Ir={tot:,} Ir/poll={tot//N:,} answers={sorted(sizes)[:3]} file={f}")
