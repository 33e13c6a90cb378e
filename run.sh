#!/usr/bin/env bash
# The main job: the whole system on this machine.
#   ./run.sh                 gateway (embedded MQTT broker) + cloud stub + a community of
#                            virtual pendants; prints each alarm as it reaches the cloud.
#                            Type "sos pendant-0003" (or cancel/fall) to press buttons, "quiet pendant-0002" for an
#                            elder who stops moving (wellness alarm), "charge pendant-0004"; Ctrl-C stops all.
#   ./run.sh --smoke         same for a bounded time: presses SOS on one device and exits 0
#                            only if that SOS reached the cloud stub exactly once.
# Options: --devices N (default 20), --heartbeat-seconds S (default 30), --no-build (use the last Release build),
#          --wellness-minutes M (default 2 for the demo, waking hours all day; the device default is 180, 07:00-22:00).
# Ports (env): MQTT_PORT (1883), CLOUD_PORT (5080), GATEWAY_HTTP_PORT (8080); --smoke picks free ones.
set -euo pipefail
cd "$(dirname "$0")"

smoke=0; devices=20; heartbeat=30; build=1; wellness=2
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --no-build) build=0 ;;
    --devices) devices="$2"; shift ;;
    --heartbeat-seconds) heartbeat="$2"; shift ;;
    --wellness-minutes) wellness="$2"; shift ;;
    -h|--help) sed -n "2,11p" "$0" | sed "s/^# \{0,1\}//"; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$devices" in ''|*[!0-9]*) echo "run.sh: --devices must be a number" >&2; exit 2 ;; esac
case "$wellness" in ''|*[!0-9]*) echo "run.sh: --wellness-minutes must be a number" >&2; exit 2 ;; esac
[ "$devices" -ge 1 ] || { echo "run.sh: --devices must be at least 1" >&2; exit 2; }

if ! command -v curl >/dev/null 2>&1; then
  echo "installing curl..."
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq curl >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
root="$PWD"
run_dir="$root/.run"
if [ "$smoke" -eq 1 ]; then run_dir="$root/.run/smoke-$$"; fi
rm -rf "$run_dir"; mkdir -p "$run_dir"

gateway_dll="$root/edge/Gateway/bin/Release/net10.0/Eldercare.Edge.Gateway.dll"
cloud_dll="$root/cloud-stub/CloudStub/bin/Release/net10.0/Eldercare.CloudStub.dll"
device_dll="$root/firmware/VirtualDevice/bin/Release/net10.0/Eldercare.VirtualDevice.dll"
if [ "$build" -eq 1 ]; then
  echo "building (Release)..."
  dotnet build Devices.sln -c Release -nologo -v quiet -clp:ErrorsOnly >"$run_dir/build.log" 2>&1 || { cat "$run_dir/build.log"; exit 1; }
fi
for dll in "$gateway_dll" "$cloud_dll" "$device_dll"; do
  [ -f "$dll" ] || { echo "run.sh: $dll is missing; run without --no-build" >&2; exit 1; }
done

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() { local p; for _ in $(seq 1 200); do p=$((15000 + RANDOM % 17000)); if port_free "$p"; then echo "$p"; return; fi; done; echo "no free port" >&2; exit 1; }
if [ "$smoke" -eq 1 ]; then
  mqtt_port=$(free_port); cloud_port=$(free_port); http_port=$(free_port)
else
  mqtt_port="${MQTT_PORT:-1883}"; cloud_port="${CLOUD_PORT:-5080}"; http_port="${GATEWAY_HTTP_PORT:-8080}"
  for p in "$mqtt_port" "$cloud_port" "$http_port"; do
    port_free "$p" || { echo "run.sh: port $p is in use (set MQTT_PORT / CLOUD_PORT / GATEWAY_HTTP_PORT)" >&2; exit 1; }
  done
fi

pids=()
cleanup() {
  trap - INT TERM EXIT
  if [ -f "$run_dir/follower.pid" ]; then pids+=("$(cat "$run_dir/follower.pid")"); fi
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # Give each process 10 s to stop cleanly, then SIGKILL: Ctrl-C must never hang.
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'echo; echo "stopping..."; exit 130' INT TERM

wait_for_line() { # file pattern seconds
  local deadline=$((SECONDS + $3))
  until grep -q "$2" "$1" 2>/dev/null; do
    [ $SECONDS -lt "$deadline" ] || { echo "timed out waiting for '$2' in $1:"; tail -20 "$1"; return 1; }
    sleep 0.2
  done
}

echo "provisioning $devices virtual pendants..."
dotnet "$device_dll" provision --count "$devices" --prefix pendant --out "$run_dir/devices.csv" >/dev/null
registry="$run_dir/gateway/devices.json"
mkdir -p "$run_dir/gateway"
tail -n +2 "$run_dir/devices.csv" | while IFS=, read -r id secret; do
  dotnet "$gateway_dll" devices add --id "$id" --secret "$secret" --registry "$registry" --kind pendant >/dev/null
done

echo "starting cloud stub on 127.0.0.1:$cloud_port..."
dotnet "$cloud_dll" --urls "http://127.0.0.1:$cloud_port" --CloudStub:DataDirectory="$run_dir/cloud" >"$run_dir/cloud.log" 2>&1 &
pids+=($!)
wait_for_line "$run_dir/cloud.log" "cloud-stub ready" 30

echo "starting gateway (embedded broker on :$mqtt_port, console on :$http_port)..."
dotnet "$gateway_dll" \
  --Gateway:Mqtt:Port="$mqtt_port" --Gateway:Http:Port="$http_port" --Gateway:Http:BindAddress=127.0.0.1 \
  --Gateway:Store:DataDirectory="$run_dir/gateway" --Gateway:Registry:Path="$registry" \
  --Gateway:Forwarder:CloudUrl="http://127.0.0.1:$cloud_port" >"$run_dir/gateway.log" 2>&1 &
pids+=($!)
wait_for_line "$run_dir/gateway.log" "gateway ready" 30

# Alarms as they reach the cloud, live.
( echo "$BASHPID" >"$run_dir/follower.pid"; exec tail -n +1 -F "$run_dir/cloud.log" 2>/dev/null ) | grep --line-buffered "^ALARM" | sed -u 's/^/[cloud] /' &
pids+=($!)

if [ "$smoke" -eq 0 ]; then
  echo "running: $devices pendants, heartbeat every ${heartbeat}s. Logs in $run_dir."
  echo "type 'sos pendant-0003', 'cancel pendant-0003', 'fall pendant-0003', 'quiet pendant-0002' (wellness alarm after ${wellness} min still; 'active pendant-0002' ends it),"
  echo "'charge pendant-0004' / 'unplug pendant-0004', or Ctrl-C to stop."
  # A background job's stdin is /dev/null unless redirected: hand it the terminal so commands can be typed.
  dotnet "$device_dll" run --broker "127.0.0.1:$mqtt_port" --devices "$run_dir/devices.csv" \
    --data-dir "$run_dir/devices" --heartbeat-seconds "$heartbeat" \
    --wellness-minutes "$wellness" --waking-hours 00:00-24:00 <&0 &
  devices_pid=$!
  pids+=($devices_pid)
  wait "$devices_pid" || true
  exit 0
fi

sos_device="pendant-$(printf '%04d' $(( (devices + 1) / 2 )))"
echo "smoke: $devices pendants; pressing SOS on $sos_device..."
dotnet "$device_dll" run --broker "127.0.0.1:$mqtt_port" --devices "$run_dir/devices.csv" \
  --data-dir "$run_dir/devices" --heartbeat-seconds 5 --sos "$sos_device" --sos-after-seconds 2 --duration-seconds 12 \
  </dev/null >"$run_dir/devices.log" 2>&1 &
devices_pid=$!
pids+=($devices_pid)

count_sos() {
  local body
  body=$(curl -sf "http://127.0.0.1:$cloud_port/api/v1/events?dev=$sos_device&type=sos") || { echo 0; return; }
  printf '%s' "$body" | grep -o '"id"' | wc -l || true
}
deadline=$((SECONDS + 30)); n=0
while [ $SECONDS -lt $deadline ]; do
  n=$(count_sos)
  [ "$n" -ge 1 ] && break
  sleep 0.2
done
wait "$devices_pid" || true
sleep 1 # let any straggling duplicate reach the cloud before counting again
n=$(count_sos)
pressed=$(grep -m1 "SOS pressed on $sos_device" "$run_dir/devices.log" | sed -n 's/.* at=\([0-9]*\).*/\1/p')
stored=$(curl -sf "http://127.0.0.1:$cloud_port/api/v1/events?dev=$sos_device&type=sos" | grep -o '"cloudRx":[0-9]*' | head -1 | cut -d: -f2)
heartbeats=$(curl -sf "http://127.0.0.1:$cloud_port/api/v1/events?type=heartbeat" | grep -o '"id"' | wc -l || true)
echo "smoke: cloud stub holds $n SOS from $sos_device and $heartbeats heartbeats from the community"
if [ -n "${pressed:-}" ] && [ -n "${stored:-}" ]; then
  echo "smoke: button press to cloud stub: $((stored - pressed)) ms (includes the 2 s long press)"
fi
if [ "$n" -eq 1 ]; then
  echo "smoke: PASS (SOS reached the cloud exactly once)"
  exit 0
fi
echo "smoke: FAIL (expected exactly 1 SOS at the cloud, found $n); logs in $run_dir"
tail -n 5 "$run_dir/gateway.log" "$run_dir/devices.log"
exit 1
