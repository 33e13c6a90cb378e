#!/usr/bin/env bash
# Flashes an ESP32 pendant, watch or kiosk over USB (Linux/macOS; Windows: flash.cmd, same steps and exit codes).
#   ./flash.sh KIND PORT [DEVICE_ID]
#     KIND       pendant | watch | kiosk
#     PORT       the board's serial port, e.g. /dev/ttyUSB0 (Linux) or /dev/cu.usbserial-0001 (macOS)
#     DEVICE_ID  optional: also deploy that device's provisioned files (device.txt, ca.pem) to its I: drive
# Steps: check nanoff; flash the nanoCLR firmware (nanoff --update --target ESP32_REV3); deploy the application image
# at 0x1E0000, the deployment region of the ESP32 4 MB partition table (nanoff's built-in fallback, 0x1B0000, is the
# C3's); then, with DEVICE_ID, nanoff --filedeployment of the files provisioning wrote for it.
# Environment: ELDERCARE_BUILD_DIR (default firmware/Devices/<Kind>/bin/Release) holds Eldercare.<Kind>.bin;
# ELDERCARE_PROVISION_DIR (default provisioning/) holds <DEVICE_ID>/device.txt and optionally ca.pem.
# Exit codes: 2 usage or unknown kind, 3 serial port missing, 4 nanoff missing, 5 build output missing,
# 6 nanoCLR flash failed, 7 deploy failed, 8 device id invalid or not provisioned, 9 file deployment failed.
set -uo pipefail
cd "$(dirname "$0")"

readonly TARGET=ESP32_REV3
readonly DEPLOY_ADDRESS=0x1E0000

fail() { echo "flash: error: $2" >&2; exit "$1"; }
usage() { echo "usage: ./flash.sh pendant|watch|kiosk PORT [DEVICE_ID]" >&2; exit 2; }

[ $# -ge 2 ] && [ $# -le 3 ] || usage
kind="$1"; port="$2"; device_id="${3:-}"
case "$kind" in
  pendant) project=Pendant ;;
  watch) project=Watch ;;
  kiosk) project=Kiosk ;;
  *) fail 2 "unknown kind '$kind': use pendant, watch or kiosk" ;;
esac

[ -n "$port" ] || fail 3 "no serial port given"
[ -e "$port" ] || fail 3 "serial port $port not found: plug the board in (USB data cable) and check 'ls /dev/ttyUSB* /dev/ttyACM* /dev/cu.*'"

nanoff_cmd="$(command -v nanoff 2>/dev/null || true)"
[ -z "$nanoff_cmd" ] && [ -x "$HOME/.dotnet/tools/nanoff" ] && nanoff_cmd="$HOME/.dotnet/tools/nanoff"
if [ -z "$nanoff_cmd" ]; then
  if [ -t 0 ] && command -v dotnet >/dev/null 2>&1; then
    read -r -p "nanoff is not installed. Install it now with 'dotnet tool install -g nanoff'? [y/N] " answer
    if [ "$answer" = "y" ] || [ "$answer" = "Y" ]; then
      dotnet tool install -g nanoff && nanoff_cmd="$HOME/.dotnet/tools/nanoff"
    fi
  fi
  [ -n "$nanoff_cmd" ] || fail 4 "nanoff not found: install it with 'dotnet tool install -g nanoff' (and put ~/.dotnet/tools on PATH)"
fi

build_dir="${ELDERCARE_BUILD_DIR:-firmware/Devices/$project/bin/Release}"
image="$build_dir/Eldercare.$project.bin"
[ -f "$image" ] || fail 5 "build output missing: $image (build firmware/Devices/$project/$project.nfproj in Release first, see firmware/README.md)"

files_json=""
if [ -n "$device_id" ]; then
  [[ "$device_id" =~ ^[a-z0-9-]{1,32}$ ]] || fail 8 "device id '$device_id' is not 1-32 of a-z, 0-9, '-'"
  provision_dir="${ELDERCARE_PROVISION_DIR:-provisioning}/$device_id"
  [ -f "$provision_dir/device.txt" ] || fail 8 "no provisioning for $device_id: $provision_dir/device.txt missing (provision the device first)"
  files_json="$(mktemp "${TMPDIR:-/tmp}/eldercare-files.XXXXXX")"
  trap 'rm -f "$files_json"' EXIT
  entries="{\"DestinationFilePath\":\"I:\\\\device.txt\",\"SourceFilePath\":\"$(cd "$provision_dir" && pwd)/device.txt\"}"
  if [ -f "$provision_dir/ca.pem" ]; then
    entries="$entries,{\"DestinationFilePath\":\"I:\\\\ca.pem\",\"SourceFilePath\":\"$(cd "$provision_dir" && pwd)/ca.pem\"}"
  fi
  printf '{"serialport":"%s","files":[%s]}\n' "$port" "$entries" > "$files_json"
fi

echo "flash: $kind on $port: nanoCLR ($TARGET)..."
"$nanoff_cmd" --update --target "$TARGET" --serialport "$port" \
  || fail 6 "flashing the nanoCLR firmware failed (nanoff exit $?): hold BOOT while plugging in, or try --masserase"

echo "flash: deploying $image at $DEPLOY_ADDRESS..."
"$nanoff_cmd" --deploy --image "$image" --address "$DEPLOY_ADDRESS" --serialport "$port" \
  || fail 7 "deploying $image failed (nanoff exit $?)"

if [ -n "$files_json" ]; then
  echo "flash: provisioning $device_id (I:\\device.txt)..."
  "$nanoff_cmd" --filedeployment "$files_json" \
    || fail 9 "deploying the provisioned files of $device_id failed (nanoff exit $?)"
fi

echo "flash: $kind on $port done${device_id:+ ($device_id)}"
