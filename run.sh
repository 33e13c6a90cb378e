#!/usr/bin/env bash
# The main job: the whole system on this machine.
#   ./run.sh                 gateway (embedded MQTT broker) + cloud stub + a community: pendants, 3 watches with GNSS,
#                            2 kiosks; prints each alarm and acknowledgement as it reaches the cloud, and what devices show.
#                            Type "sos pendant-0003" (or cancel/fall), "quiet pendant-0002" (wellness alarm),
#                            "wander watch-0001" (leaves its zone), "card kiosk-0001 04A1B2C3" + "service kiosk-0001 meal",
#                            "powercut pendant-0005" / "poweron pendant-0005" (device offline / online),
#                            "ack EVENT_ID" (an operator at the cloud stub: the device shows it), "config watch-0001 ver=2
#                            idle=60" (the platform sets settings; the device answers config_applied/rejected); Ctrl-C stops all.
#   ./run.sh --smoke         plays every flow (sos, fall, kiosk, geofence, wellness, offline, ack) with short timings,
#                            one line "smoke: <flow> PASS|FAIL (...)" each; exits 0 only if all pass.
# Options: --devices N pendants (default 20; the smoke needs 5), --heartbeat-seconds S (default 30), --no-build,
#          --wellness-minutes M (default 2 for the demo, waking hours all day; the device default is 180, 07:00-22:00),
#          --upstream http|jetstream|mqtt (default http; jetstream: a local 3-node NATS JetStream cluster on free loopback
#          ports, started and stopped here, carries the events to the stub and the acknowledgements back; apt-get installs
#          nats-server; mqtt: a local TLS, password-protected platform mosquitto carries the events, acknowledgements come
#          back by the HTTP long poll).
# Ports (env): MQTT_PORT (1883), CLOUD_PORT (5080), GATEWAY_HTTP_PORT (8080), CONSOLE_PORT (8090); --smoke picks free ones.
# The operator console (the community service center's alarm desk) opens on http://127.0.0.1:CONSOLE_PORT with a demo
# login (printed at start) and made-up elders' records for the simulated devices (card 04A1B2C3 is the first elder's).
set -euo pipefail
cd "$(dirname "$0")"

smoke=0; devices=20; heartbeat=30; build=1; wellness=2; upstream=http
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --no-build) build=0 ;;
    --devices) devices="$2"; shift ;;
    --heartbeat-seconds) heartbeat="$2"; shift ;;
    --wellness-minutes) wellness="$2"; shift ;;
    --upstream) upstream="${2:-}"; shift ;;
    -h|--help) sed -n "2,20p" "$0" | sed "s/^# \{0,1\}//"; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$devices" in ''|*[!0-9]*) echo "run.sh: --devices must be a number" >&2; exit 2 ;; esac
case "$wellness" in ''|*[!0-9]*) echo "run.sh: --wellness-minutes must be a number" >&2; exit 2 ;; esac
case "$upstream" in http|jetstream|mqtt) ;; *) echo "run.sh: --upstream must be http, jetstream or mqtt" >&2; exit 2 ;; esac
[ "$devices" -ge 1 ] || { echo "run.sh: --devices must be at least 1" >&2; exit 2; }
[ "$smoke" -eq 0 ] || [ "$devices" -ge 5 ] || { echo "run.sh: --smoke needs --devices 5 or more (sos, fall, ack, wellness, offline)" >&2; exit 2; }

if ! command -v curl >/dev/null 2>&1; then
  echo "installing curl..."
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq curl >/dev/null
fi

if [ "$upstream" = mqtt ] && { ! [ -x /usr/sbin/mosquitto ] && ! command -v mosquitto >/dev/null 2>&1 || ! command -v mosquitto_passwd >/dev/null 2>&1 || ! command -v openssl >/dev/null 2>&1; }; then
  echo "installing mosquitto, mosquitto-clients, openssl..."
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq mosquitto mosquitto-clients openssl >/dev/null
fi

nats_server=""
if [ "$upstream" = jetstream ]; then
  for candidate in /usr/sbin/nats-server /usr/bin/nats-server "$(command -v nats-server 2>/dev/null || true)"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] && { nats_server="$candidate"; break; }
  done
  if [ -z "$nats_server" ]; then
    echo "installing nats-server..."
    sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq nats-server >/dev/null
    nats_server=$(command -v nats-server || echo /usr/sbin/nats-server)
  fi
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
  mqtt_port=$(free_port); cloud_port=$(free_port); http_port=$(free_port); console_port=$(free_port)
else
  mqtt_port="${MQTT_PORT:-1883}"; cloud_port="${CLOUD_PORT:-5080}"; http_port="${GATEWAY_HTTP_PORT:-8080}"; console_port="${CONSOLE_PORT:-8090}"
  for p in "$mqtt_port" "$cloud_port" "$http_port" "$console_port"; do
    port_free "$p" || { echo "run.sh: port $p is in use (set MQTT_PORT / CLOUD_PORT / GATEWAY_HTTP_PORT / CONSOLE_PORT)" >&2; exit 1; }
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

# The community: pendants, watches (GNSS), kiosks; each registered at the gateway with its kind.
watches=3; kiosks=2
[ "$smoke" -eq 1 ] && watches=1
echo "provisioning $devices pendants, $watches watches and $kiosks kiosks..."
registry="$run_dir/gateway/devices.json"
mkdir -p "$run_dir/gateway"
: >"$run_dir/devices.csv"
for group in "pendant:$devices" "watch:$watches" "kiosk:$kiosks"; do
  kind="${group%%:*}"; count="${group##*:}"
  dotnet "$device_dll" provision --count "$count" --prefix "$kind" --out "$run_dir/$kind.csv" >/dev/null
  if [ -s "$run_dir/devices.csv" ]; then tail -n +2 "$run_dir/$kind.csv" >>"$run_dir/devices.csv"; else cat "$run_dir/$kind.csv" >"$run_dir/devices.csv"; fi
  tail -n +2 "$run_dir/$kind.csv" | while IFS=, read -r id secret; do
    dotnet "$gateway_dll" devices add --id "$id" --secret "$secret" --registry "$registry" --kind "$kind" >/dev/null
  done
done

# The console: a demo operator (an admin, to see every page) and made-up elders' records for the simulated devices.
demo_user="demo"; demo_password="demo-desk-2026"
CONSOLE_PASSWORD="$demo_password" dotnet "$gateway_dll" console add-user "$demo_user" --role admin --data "$run_dir/gateway" >/dev/null
surnames=(王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 胡 朱 高 林 何 郭 马 罗)
given=(秀英 建国 桂兰 淑芬 志强 玉兰 国华 凤英 德明 丽华 文杰 桂芳 振华 秀珍 永福 翠花 宝山 美兰 长顺 金凤)
streets=(柳巷街道 五一路 和平北路 迎泽大街 府西街 南内环街 并州路 建设路)
districts=(迎泽区 杏花岭区 万柏林区 小店区)
{
  echo "record_no,name,address,emergency_contacts,devices,cards"
  i=0
  tail -n +2 "$run_dir/devices.csv" | cut -d, -f1 | grep -v '^kiosk' | while read -r id; do
    card=""; [ "$i" -eq 0 ] && card="04A1B2C3"
    echo "R-$(printf %04d $((i + 1))),${surnames[$((i % 20))]}${given[$(((i * 7) % 20))]},\"${districts[$((i % 4))]}${streets[$((i % 8))]} $((i + 3)) 号 $((i % 6 + 1)) 单元\",\"子女 139 0351 $(printf %04d $((i + 1)))\",$id,$card"
    i=$((i + 1))
  done
} >"$run_dir/elders.csv"
dotnet "$gateway_dll" console import-elders "$run_dir/elders.csv" --data "$run_dir/gateway" >/dev/null

gateway_id="gw-01"
cloud_upstream=(); gateway_upstream=(); cloud_env=(); gateway_env=()
if [ "$upstream" = jetstream ]; then
  # A local 3-node JetStream cluster (replicas 3) on free loopback ports: each node its config and store in .run/nats.
  client_ports=(); route_ports=()
  for i in 1 2 3; do client_ports+=("$(free_port)"); route_ports+=("$(free_port)"); done
  nats_url=""
  for i in 0 1 2; do nats_url="$nats_url${nats_url:+,}nats://127.0.0.1:${client_ports[$i]}"; done
  echo "starting a 3-node NATS JetStream cluster ($nats_url)..."
  for i in 0 1 2; do
    node="n$((i + 1))"; mkdir -p "$run_dir/nats/$node"
    routes=""
    for j in 0 1 2; do [ "$j" -eq "$i" ] || routes="$routes${routes:+, }nats-route://127.0.0.1:${route_ports[$j]}"; done
    cat >"$run_dir/nats/$node.conf" <<CONF
server_name: $node
listen: 127.0.0.1:${client_ports[$i]}
jetstream { store_dir: "$run_dir/nats/$node", max_memory_store: 64MB, max_file_store: 1GB }
cluster { name: eldercare-demo, listen: 127.0.0.1:${route_ports[$i]}, routes: [$routes] }
CONF
    "$nats_server" -c "$run_dir/nats/$node.conf" >"$run_dir/nats/$node.log" 2>&1 &
    pids+=($!)
  done
  for i in 0 1 2; do wait_for_line "$run_dir/nats/n$((i + 1)).log" "Server is ready" 30; done
  cloud_upstream=(--CloudStub:JetStream:Url="$nats_url" --CloudStub:JetStream:Replicas=3)
  gateway_upstream=(--Gateway:Upstream:Kind=JetStream --Gateway:Upstream:JetStream:Url="$nats_url")
fi
if [ "$upstream" = mqtt ]; then
  # The platform's broker as tests/TestSupport/PlatformBroker.cs configures it: TLS only (a self-signed certificate for
  # 127.0.0.1 made here), a user for the gateway and one for the consumer, an ACL (the gateway writes only its own
  # upstream topics), persistence and no queue limits, so a PUBACK is not dropped later.
  broker_dir="$run_dir/platform-broker"; mkdir -p "$broker_dir/persist"
  platform_port=$(free_port)
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=platform-broker" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -addext "extendedKeyUsage=serverAuth" -keyout "$broker_dir/platform.key" -out "$broker_dir/platform.crt" >/dev/null 2>&1
  gateway_secret="gw-secret-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"; consumer_secret="consumer-secret-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
  printf '%s:%s\ncloud-stub:%s\n' "$gateway_id" "$gateway_secret" "$consumer_secret" >"$broker_dir/passwd"
  mosquitto_passwd -U "$broker_dir/passwd"
  printf 'user %s\ntopic write eldercare/v1/platform/%s/events/#\n\nuser cloud-stub\ntopic read eldercare/v1/platform/+/events/#\n' "$gateway_id" "$gateway_id" >"$broker_dir/acl"
  { [ "$(id -u)" -eq 0 ] && echo "user root"
    cat <<CONF
listener $platform_port 127.0.0.1
certfile $broker_dir/platform.crt
keyfile $broker_dir/platform.key
allow_anonymous false
password_file $broker_dir/passwd
acl_file $broker_dir/acl
persistence true
persistence_location $broker_dir/persist/
max_queued_messages 0
max_inflight_messages 0
log_dest stdout
CONF
  } >"$broker_dir/mosquitto.conf"
  mosquitto_bin=/usr/sbin/mosquitto; [ -x "$mosquitto_bin" ] || mosquitto_bin=$(command -v mosquitto)
  echo "starting the platform's MQTT broker (mosquitto, TLS) on 127.0.0.1:$platform_port..."
  "$mosquitto_bin" -c "$broker_dir/mosquitto.conf" >"$broker_dir/mosquitto.log" 2>&1 &
  pids+=($!)
  # mosquitto buffers its log when it is a file: wait for the listener itself.
  for _ in $(seq 1 150); do port_free "$platform_port" || break; sleep 0.2; done
  port_free "$platform_port" && { echo "the platform broker did not listen on $platform_port:" >&2; cat "$broker_dir/mosquitto.log" >&2; exit 1; }
  cloud_upstream=(--CloudStub:Mqtt:Host=127.0.0.1 --CloudStub:Mqtt:Port="$platform_port" --CloudStub:Mqtt:TrustedCaPath="$broker_dir/platform.crt"
                  --CloudStub:Mqtt:Username=cloud-stub)
  # Passwords through the environment, not the command line (ps shows arguments to every user).
  cloud_env=(CloudStub__Mqtt__Password="$consumer_secret"); gateway_env=(Gateway__Upstream__Mqtt__Password="$gateway_secret")
  gateway_upstream=(--Gateway:Upstream:Kind=Mqtt --Gateway:Upstream:Mqtt:Host=127.0.0.1 --Gateway:Upstream:Mqtt:Port="$platform_port"
                    --Gateway:Upstream:Mqtt:TrustedCaPath="$broker_dir/platform.crt" --Gateway:Upstream:Mqtt:Username="$gateway_id")
fi

consuming=""
[ "$upstream" = jetstream ] && consuming=" (consuming the JetStream events stream)"
[ "$upstream" = mqtt ] && consuming=" (consuming the platform broker's event topics)"
echo "starting cloud stub on 127.0.0.1:$cloud_port$consuming..."
env "${cloud_env[@]}" dotnet "$cloud_dll" --urls "http://127.0.0.1:$cloud_port" --CloudStub:DataDirectory="$run_dir/cloud" "${cloud_upstream[@]}" >"$run_dir/cloud.log" 2>&1 &
pids+=($!)
wait_for_line "$run_dir/cloud.log" "cloud-stub ready" 60

# Device offline: the gateway expects the devices' heartbeat period; the smoke shortens every timer to seconds.
if [ "$smoke" -eq 1 ]; then
  heartbeat=5
  health=(--Gateway:DeviceHealth:HeartbeatIntervalSeconds=5 --Gateway:DeviceHealth:MissedHeartbeats=3
          --Gateway:DeviceHealth:StartupGraceSeconds=5 --Gateway:DeviceHealth:LostConnectionGraceSeconds=3)
else
  health=(--Gateway:DeviceHealth:HeartbeatIntervalSeconds="$heartbeat" --Gateway:DeviceHealth:MissedHeartbeats=3
          --Gateway:DeviceHealth:StartupGraceSeconds=$((2 * heartbeat)) --Gateway:DeviceHealth:LostConnectionGraceSeconds=10)
fi
echo "starting gateway $gateway_id (upstream $upstream, embedded broker on :$mqtt_port, /health and /metrics on :$http_port, operator console on :$console_port)..."
env "${gateway_env[@]}" dotnet "$gateway_dll" "${health[@]}" --Gateway:Forwarder:GatewayId="$gateway_id" \
  --Gateway:Mqtt:Port="$mqtt_port" --Gateway:Http:Port="$http_port" --Gateway:Http:BindAddress=127.0.0.1 \
  --Gateway:Store:DataDirectory="$run_dir/gateway" --Gateway:Registry:Path="$registry" \
  --Gateway:Forwarder:CloudUrl="http://127.0.0.1:$cloud_port" \
  --Gateway:Console:Enabled=true --Gateway:Console:Port="$console_port" "${gateway_upstream[@]}" >"$run_dir/gateway.log" 2>&1 &
pids+=($!)
wait_for_line "$run_dir/gateway.log" "gateway ready" 30
echo "operator console: http://127.0.0.1:$console_port/  (demo login: $demo_user / $demo_password; 中文, English at the top right)"

# Alarms and acknowledgements as they reach the cloud, live.
( echo "$BASHPID" >"$run_dir/follower.pid"; exec tail -n +1 -F "$run_dir/cloud.log" 2>/dev/null ) | grep --line-buffered -E "^(ALARM|ACK) " | sed -u 's/^/[cloud] /' &
pids+=($!)

if [ "$smoke" -eq 0 ]; then
  # The watches replay the recorded walk of ../shared/datasets/gnss (README: the only real walk; 100 m zone left ~113 s in).
  gnss_log="$root/../shared/datasets/gnss/gnss_lib_py/pixel6.nmea"
  gnss_args=()
  if [ -f "$gnss_log" ]; then
    gnss_args=(--gnss-log "$gnss_log")
  else
    echo "note: no recorded GNSS walk at ../shared/datasets/gnss/gnss_lib_py/pixel6.nmea: the watches run without GNSS ('wander' says so)"
  fi
  echo "running: $devices pendants, $watches watches, $kiosks kiosks, heartbeat every ${heartbeat}s, gateway $gateway_id. Logs in $run_dir."
  echo "type 'sos pendant-0003', 'cancel pendant-0003', 'fall pendant-0003', 'quiet pendant-0002' (wellness alarm after ${wellness} min still; 'active pendant-0002' ends it),"
  echo "'wander watch-0001' (walks out of its 100 m zone: geofence alarm ~2.5 min in), 'card kiosk-0001 04A1B2C3' then 'service kiosk-0001 meal',"
  echo "'powercut pendant-0005' (offline alarm after ~10 s) / 'poweron pendant-0005', 'charge pendant-0004' / 'unplug pendant-0004',"
  echo "'ack EVENT_ID' (an operator acknowledges at the cloud stub; the device shows HelpComing / Accepted), or Ctrl-C to stop."
  # A background job's stdin is /dev/null unless redirected: hand it the terminal so commands can be typed.
  dotnet "$device_dll" run --broker "127.0.0.1:$mqtt_port" --devices "$run_dir/devices.csv" \
    --data-dir "$run_dir/devices" --heartbeat-seconds "$heartbeat" --cloud "http://127.0.0.1:$cloud_port" "${gnss_args[@]}" \
    --wellness-minutes "$wellness" --waking-hours 00:00-24:00 <&0 &
  devices_pid=$!
  pids+=($devices_pid)
  wait "$devices_pid" || true
  exit 0
fi

# The smoke: the flows and their checks are the virtual-device CLI's "smoke" command (firmware/VirtualDevice/Smoke).
echo "smoke: $devices pendants, $watches watch, $kiosks kiosks; flows sos, fall, kiosk, geofence, wellness, offline, ack (logs in $run_dir)"
set +e
dotnet "$device_dll" smoke --broker "127.0.0.1:$mqtt_port" --cloud "http://127.0.0.1:$cloud_port" --devices "$run_dir/devices.csv" \
  --data-dir "$run_dir/devices" --gateway-id "$gateway_id" --heartbeat-seconds "$heartbeat" --wellness-minutes 1 \
  --log "$run_dir/devices.log" </dev/null &
smoke_pid=$!
pids+=($smoke_pid)
wait "$smoke_pid"
status=$?
set -e
if [ "$status" -ne 0 ]; then
  echo "smoke: FAIL (exit $status); logs in $run_dir"
  tail -n 5 "$run_dir/gateway.log" "$run_dir/devices.log"
fi
exit "$status"
