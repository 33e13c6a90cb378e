#!/usr/bin/env bash
# Fleet-scale benchmark (issues 5, 12 and 13's acknowledgement round trip). Not part of the tests.
#   ./bench.sh           full run (<= 14 min on 2 cores): ingest vs RabbitMQ, NATS and mosquitto over 5 rounds,
#                        1k/5k/10k devices, 100k-event drain, 85 events/s on a 1M-event store
#   ./bench.sh --quick   smaller N, 2 ingest rounds (<= 3 min)
#   ./bench.sh --only ingest|fleet|ack|drain|steady   one scenario (figures of the others are absent)
# Builds Release, starts the gateway, the cloud stub and the peer brokers (mosquitto, RabbitMQ, NATS) on free
# loopback ports (each with its own data directory), prints one `name=value` line per figure and writes
# bench/results.md.
set -euo pipefail
cd "$(dirname "$0")"

sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { $sudo_cmd apt-get update -qq >/dev/null || true; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "$@" >/dev/null
}
if ! [ -x /usr/sbin/mosquitto ] || ! command -v mosquitto_passwd >/dev/null 2>&1; then
  echo "installing mosquitto (baseline broker)"
  apt_install mosquitto mosquitto-clients
fi
# Durable peers of the ingest comparison (bench/README.md "Peers"). Not fatal: a peer that is missing prints
# unavailable(...) instead of its figures and the bench goes on.
if ! [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
  echo "installing rabbitmq-server (durable peer)"
  apt_install rabbitmq-server || echo "# could not install rabbitmq-server: its figures will read unavailable(...)"
fi
if ! [ -x /usr/sbin/nats-server ] && ! command -v nats-server >/dev/null 2>&1; then
  echo "installing nats-server (durable peer)"
  apt_install nats-server || echo "# could not install nats-server: its figures will read unavailable(...)"
fi
# The bench starts each broker itself (own ports, data directory, config); a service the package started is stopped.
if command -v systemctl >/dev/null 2>&1; then
  for service in mosquitto rabbitmq-server nats-server; do systemctl stop "$service" >/dev/null 2>&1 || true; done
fi

# 10,000 device sockets on each side (simulator, gateway, mosquitto) plus files: raise the limit for
# this shell and every process it starts. Root may raise the hard limit too.
ulimit -Hn 65536 2>/dev/null || true
ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 20000 2>/dev/null || true
echo "# open files limit: $(ulimit -n)"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
echo "# building (Release)..."
for project in edge/Gateway cloud-stub/CloudStub bench/FleetSim bench/DetectorBench; do
  dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
done

work="${TMPDIR:-/tmp}/eldercare-bench-$$"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

echo "# fall detector cost (bench/DetectorBench)..."
dotnet bench/DetectorBench/bin/Release/net10.0/DetectorBench.dll > "$work/detector.txt"

# The simulator's own gen0 budget, 256 MB (a runtime setting with no runtimeconfig name; ChildProcess keeps it from the
# servers FleetSim starts): its collections run on nice-10 threads and stop its nice-0 alarm senders too, ~80 ms each
# in the storm; ~3x fewer of them (bench/README.md "Storm: the stub's share of the tail").
DOTNET_GCgen0size=0x10000000 dotnet bench/FleetSim/bin/Release/net10.0/FleetSim.dll bench --repo "$PWD" --work "$work" \
  --results bench/results.md --detector-output "$work/detector.txt" "$@"
echo "# wrote bench/results.md"
