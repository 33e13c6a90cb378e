#!/usr/bin/env bash
# Publishes the gateway self-contained (no .NET on the target) and packs it for deploy/install.sh.
#   deploy/publish.sh ARCH [OUTPUT_DIR]     ARCH: linux-arm64 (Raspberry Pi OS 64-bit) | linux-x64
# Writes OUTPUT_DIR/eldercare-gateway-ARCH.tar.gz (default OUTPUT_DIR: artifacts/deploy) holding
# eldercare-gateway/{app/, install.sh, eldercare-gateway.service, eldercare-gateway.sysusers}.
set -euo pipefail
usage="usage: deploy/publish.sh linux-arm64|linux-x64 [OUTPUT_DIR]"
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "$usage" >&2
  exit 2
fi
arch="$1"
case "$arch" in
  linux-arm64|linux-x64) ;;
  *) echo "error: unknown ARCH '$arch': expected linux-arm64 or linux-x64" >&2; echo "$usage" >&2; exit 2 ;;
esac
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
out="${2:-$repo/artifacts/deploy}"
mkdir -p "$out" || { echo "error: cannot create output directory '$out'" >&2; exit 1; }
out="$(cd "$out" && pwd)"
command -v dotnet >/dev/null 2>&1 || { echo "error: dotnet (the .NET SDK) is not on PATH" >&2; exit 1; }

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
pkg="$stage/eldercare-gateway"
mkdir -p "$pkg/app"
echo "publishing the gateway for $arch (self-contained)..."
# Its own build folder (--artifacts-path): a publish never touches the obj/ and bin/ that a build of the solution uses.
if ! dotnet publish "$repo/edge/Gateway/Eldercare.Edge.Gateway.csproj" -c Release -r "$arch" --self-contained true \
    --artifacts-path "$stage/build" -p:DebugType=none -o "$pkg/app" -nologo -v quiet -clp:ErrorsOnly; then
  echo "error: dotnet publish failed for $arch" >&2
  exit 1
fi
[ -x "$pkg/app/Eldercare.Edge.Gateway" ] || { echo "error: publish produced no Eldercare.Edge.Gateway executable" >&2; exit 1; }
cp "$here/install.sh" "$here/eldercare-gateway.service" "$here/eldercare-gateway.sysusers" "$pkg/"
chmod +x "$pkg/install.sh"
tarball="$out/eldercare-gateway-$arch.tar.gz"
tar -C "$stage" -czf "$tarball" eldercare-gateway
echo "wrote $tarball"
