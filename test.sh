#!/usr/bin/env bash
# Runs the whole test suite (or one category) on a fresh Debian machine with the .NET SDK.
#   ./test.sh                 every tier: Unit, Integration, EndToEnd, Faults, Security, Console, Deployment, Upstream, Hil (Hil needs
#                             HIL_PORT and a rig: without one its test is reported as not run, with the reason, never as passed)
#   ./test.sh Integration     one category (TestCategory), e.g. Unit | Integration | EndToEnd | Faults | Security | Console | Deployment | Upstream
# Installs what is missing (mosquitto: also the platform broker of the Upstream tier; socat for the HIL runner's pty, chromium and a CJK font for the console's browser
# tests, systemd's systemd-analyze and systemd-sysusers for the Deployment tests, nats-server for the Upstream tests), builds Release, runs the MSTest projects of
# Devices.sln on Microsoft.Testing.Platform, and ends with one line: "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")"
category="${1:-}"

need_apt=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need_apt+=(mosquitto)
command -v mosquitto_passwd >/dev/null 2>&1 || need_apt+=(mosquitto-clients mosquitto)
# The HIL runner's CI run: the host twin on one end of a socat pseudo-terminal pair, the runner on the other.
[ -x /usr/bin/socat ] || need_apt+=(socat)
# The console's browser tests (category Console): Debian's chromium driven by Playwright, and a CJK font so the
# Chinese page (and its screenshot in docs/) renders characters, not boxes.
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need_apt+=(fonts-wqy-microhei)
# The Deployment tests check deploy/eldercare-gateway.service with systemd-analyze (verify, security) and run
# deploy/install.sh, which creates its user with systemd-sysusers: both come with Debian's systemd package.
{ command -v systemd-analyze >/dev/null 2>&1 && command -v systemd-sysusers >/dev/null 2>&1; } || need_apt+=(systemd)
# The Upstream tests start their own nats-server processes (one, or a 3-node JetStream cluster) on loopback free ports
# (tests/TestSupport/NatsCluster.cs); Debian's package, 2.9.
{ [ -x /usr/sbin/nats-server ] || [ -x /usr/bin/nats-server ] || command -v nats-server >/dev/null 2>&1; } || need_apt+=(nats-server)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null \
    || { echo "error: could not install ${need_apt[*]}"; echo "0 passed, 1 failed"; exit 1; }
fi
# The packaged service would hold port 1883; the tests start their own brokers on free ports.
if command -v systemctl >/dev/null 2>&1; then systemctl stop mosquitto >/dev/null 2>&1 || true; systemctl stop nats-server >/dev/null 2>&1 || true; fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results="$PWD/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"

echo "building (Release)..."
if ! dotnet build Devices.sln -c Release -nologo -v quiet -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

# One test project at a time: the Faults, Security and EndToEnd tiers each start real brokers,
# gateways and fleets; run side by side on 2 cores they would measure each other's load.
args=(--solution Devices.sln -c Release --no-build --results-directory "$results" --report-trx --ignore-exit-code 8 --max-parallel-test-modules 1)
[ -n "$category" ] && args+=(--filter "TestCategory=$category")
echo "running tests${category:+ (category $category)}..."
dotnet test "${args[@]}"
status=$?

# Sum the TRX counters of every test project (the MSTest summary alone is per project).
read -r passed failed skipped < <(
  total_p=0; total_f=0; total_s=0
  for f in "$results"/*.trx; do
    [ -f "$f" ] || continue
    line=$(grep -o '<Counters [^>]*>' "$f" | head -1)
    p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$line"); f_=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$line")
    t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$line"); e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$line")
    err=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$line"); to=$(sed -n 's/.* timeout="\([0-9]*\)".*/\1/p' <<<"$line")
    total_p=$((total_p + ${p:-0})); total_f=$((total_f + ${f_:-0} + ${err:-0} + ${to:-0}))
    total_s=$((total_s + ${t:-0} - ${e:-0}))
  done
  echo "$total_p $total_f $total_s"
)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "test run failed (exit $status) without a failed test in the reports: counting it as a failure"
  failed=1
fi
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  echo "no test ran${category:+ in category $category}"
  failed=1
fi
# Tests not run (Assert.Inconclusive, e.g. the Hil tier without a rig) are listed with their reason: never counted as passed.
for f in "$results"/*.trx; do
  [ -f "$f" ] && command -v python3 >/dev/null 2>&1 || continue
  python3 - "$f" <<'PY' 2>/dev/null || true
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
root = ET.parse(sys.argv[1]).getroot()
for r in root.iterfind(".//t:UnitTestResult", ns):
    if r.get("outcome") in ("NotExecuted", "Inconclusive"):
        message = r.find(".//t:Message", ns)
        reason = (message.text or "").strip().splitlines()[0] if message is not None and message.text else "no reason given"
        print(f"not run: {r.get('testName')}: {reason}")
PY
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
