#!/usr/bin/env python3
"""The cloud stub's CPU per event on its own (bench/README.md "Issue 12: ingest CPU").

Starts the Release stub on a free port with a fresh data directory, POSTs 20 warm-up batches, then N batches of
B heartbeat events (1,000 devices, the gateway's wire format) over one keep-alive connection, and prints the stub's
CPU time (/proc/<pid>/stat) per event. PERF=file also records `perf record -g` of the stub over the measured batches
(run with DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 for managed names).

  dotnet build cloud-stub/CloudStub -c Release
  python3 bench/stub-intake.py cloud-stub/CloudStub/bin/Release/net10.0/Eldercare.CloudStub.dll 400 250
"""
import http.client, json, os, shutil, subprocess, sys, tempfile, time

dll, batches, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = tempfile.mkdtemp(prefix="stub-intake-")
stub = subprocess.Popen(["dotnet", dll, "--urls=http://127.0.0.1:0", f"--CloudStub:DataDirectory={data}",
                         "--CloudStub:PrintAlarms=false"], stdout=subprocess.PIPE, text=True)
try:
    port = None
    for line in stub.stdout:
        if line.startswith("cloud-stub ready"):
            port = int(line.strip().split("=")[-1])
            break

    def body(start):
        events = []
        for n in range(start, start + size):
            dev, seq = "bench-%05d" % (n % 1000), n // 1000 + 1
            eid, ts = f"{dev}:1:{seq}", 1796303431834 + n
            payload = json.dumps({"v": 1, "id": eid, "dev": dev, "boot": 1, "seq": seq, "type": "heartbeat", "ts": ts, "bat": 87}, separators=(",", ":"))
            events.append({"id": eid, "dev": dev, "type": "heartbeat", "lane": "telemetry", "boot": 1, "seq": seq, "ts": ts, "rx": ts + 5, "payload": payload})
        return json.dumps({"gateway": "gw-01", "events": events}, separators=(",", ":")).encode()

    warm = [body(10_000_000 + b * size) for b in range(20)]
    measured = [body(b * size) for b in range(batches)]
    connection = http.client.HTTPConnection("127.0.0.1", port)

    def post(payload):
        connection.request("POST", "/api/v1/events", payload, {"Content-Type": "application/json"})
        answer = connection.getresponse()
        text = answer.read()
        assert answer.status == 200, (answer.status, text[:200])

    def cpu_seconds():
        fields = open(f"/proc/{stub.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    for payload in warm:
        post(payload)
    perf = None
    if os.environ.get("PERF"):
        perf = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-p", str(stub.pid), "-o", os.environ["PERF"]], stderr=subprocess.DEVNULL)
        time.sleep(0.3)
    c0, t0 = cpu_seconds(), time.time()
    for payload in measured:
        post(payload)
    c1, t1 = cpu_seconds(), time.time()
    if perf:
        perf.send_signal(2)
        perf.wait()
    n = batches * size
    print(f"stub cpu {(c1 - c0) / n * 1e6:.1f} us/event over {n} events (batch {size}), wall {t1 - t0:.2f}s, {n / (t1 - t0):.0f} ev/s")
finally:
    stub.terminate()
    stub.wait()
    shutil.rmtree(data, ignore_errors=True)
