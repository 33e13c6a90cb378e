#!/usr/bin/env bash
# Installs or upgrades the gateway from an unpacked deploy/publish.sh tarball (see edge/README.md "Deployment").
#   sudo ./install.sh [--root DIR] [--no-start]
# Run from the unpacked eldercare-gateway/ folder (app/, eldercare-gateway.service, eldercare-gateway.sysusers).
#   --root DIR   install into DIR as if it were / (an image being built, or the tests): no systemctl calls
#   --no-start   install and enable, but do not (re)start the service
# What it does, on a fresh install and on an upgrade alike:
#   - the system user eldercare-gateway (systemd-sysusers, from eldercare-gateway.sysusers)
#   - the program into /opt/eldercare-gateway (replaced whole; the previous one kept until the new one is in place)
#   - appsettings.json: replaced only if nobody edited it since it was installed; an edited one is kept and the
#     new default written beside it as appsettings.json.new
#   - the store in /var/lib/eldercare-gateway: never touched (created empty if missing)
#   - the device registry /var/lib/eldercare-gateway/devices.json: created empty if missing, never overwritten
#   - the unit /etc/systemd/system/eldercare-gateway.service (local changes belong in a drop-in: systemctl edit)
set -euo pipefail
name=eldercare-gateway
usage="usage: install.sh [--root DIR] [--no-start]"
root=/
start=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --root) [ $# -ge 2 ] || { echo "error: --root needs a directory" >&2; echo "$usage" >&2; exit 2; }; root="$2"; shift 2 ;;
    --no-start) start=no; shift ;;
    -h|--help) echo "$usage"; exit 0 ;;
    *) echo "error: unknown argument '$1'" >&2; echo "$usage" >&2; exit 2 ;;
  esac
done
[ -d "$root" ] || { echo "error: --root '$root' is not a directory" >&2; exit 2; }
root="$(cd "$root" && pwd)"
[ "$root" = "/" ] && prefix="" || prefix="$root"
[ "$(id -u)" -eq 0 ] || { echo "error: run as root (sudo ./install.sh): it creates a system user and writes /opt, /etc and /var/lib" >&2; exit 1; }

pkg="$(cd "$(dirname "$0")" && pwd)"
for f in app/Eldercare.Edge.Gateway app/appsettings.json "$name.service" "$name.sysusers"; do
  [ -e "$pkg/$f" ] || { echo "error: $pkg/$f is missing: run install.sh from an unpacked deploy/publish.sh tarball" >&2; exit 1; }
done
[ -x "$pkg/app/Eldercare.Edge.Gateway" ] || { echo "error: $pkg/app/Eldercare.Edge.Gateway is not executable" >&2; exit 1; }

opt="$prefix/opt/$name"
state="$prefix/var/lib/$name"
unit="$prefix/etc/systemd/system/$name.service"
live=no
[ "$root" = "/" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1 && live=yes

# 1. The user.
install -d -m 0755 "$prefix/etc" "$prefix/usr/lib/sysusers.d"
install -m 0644 "$pkg/$name.sysusers" "$prefix/usr/lib/sysusers.d/$name.conf"
if command -v systemd-sysusers >/dev/null 2>&1; then
  systemd-sysusers --root="$root" "$prefix/usr/lib/sysusers.d/$name.conf" \
    || { echo "error: systemd-sysusers could not create the user $name" >&2; exit 1; }
elif [ "$root" = "/" ]; then
  id -u "$name" >/dev/null 2>&1 || useradd --system --home-dir "/var/lib/$name" --no-create-home --shell /usr/sbin/nologin "$name" \
    || { echo "error: useradd could not create the user $name" >&2; exit 1; }
else
  echo "error: --root needs systemd-sysusers to create the user" >&2; exit 1
fi
uid="$(awk -F: -v n="$name" '$1 == n { print $3 }' "$prefix/etc/passwd")"
gid="$(awk -F: -v n="$name" '$1 == n { print $4 }' "$prefix/etc/passwd")"
[ -n "$uid" ] && [ -n "$gid" ] || { echo "error: user $name not found in $prefix/etc/passwd" >&2; exit 1; }

# 2. Stop a running gateway before its files change (a PUBACKed event is on disk already: nothing is lost).
was_active=no
if [ "$live" = yes ] && systemctl is-active --quiet "$name"; then
  was_active=yes
  echo "stopping $name for the upgrade..."
  systemctl stop "$name"
fi

# 3. The program, staged beside the old one, then swapped.
upgrade=no; [ -d "$opt" ] && upgrade=yes
new="$opt.new"
rm -rf "$new"
install -d -m 0755 "$new"
cp -a "$pkg/app/." "$new/"
chown -R 0:0 "$new"
shipped_hash="$(sha256sum "$new/appsettings.json" | cut -d' ' -f1)"
if [ -f "$opt/appsettings.json" ]; then
  current_hash="$(sha256sum "$opt/appsettings.json" | cut -d' ' -f1)"
  installed_hash="$(cat "$opt/.appsettings.installed.sha256" 2>/dev/null || true)"
  if [ "$current_hash" != "$installed_hash" ]; then
    # Edited by the installer (or of unknown origin): keep it, offer the new default beside it.
    cp "$new/appsettings.json" "$new/appsettings.json.new"
    cp -p "$opt/appsettings.json" "$new/appsettings.json"
    echo "kept your edited $opt/appsettings.json; the new default is $opt/appsettings.json.new (compare them)"
  fi
fi
echo "$shipped_hash" > "$new/.appsettings.installed.sha256"
if [ "$(sha256sum "$new/appsettings.json" | cut -d' ' -f1)" != "$shipped_hash" ]; then
  # Kept edited file: its hash is not the shipped one, so the next upgrade keeps it too.
  sha256sum "$new/appsettings.json.new" | cut -d' ' -f1 > "$new/.appsettings.installed.sha256"
fi
# appsettings may hold upstream credentials: readable by root and the service only.
chown "0:$gid" "$new/appsettings.json"; chmod 0640 "$new/appsettings.json"
if [ -d "$opt" ]; then
  rm -rf "$opt.old"
  mv "$opt" "$opt.old"
fi
mv "$new" "$opt"
rm -rf "$opt.old"

# 4. The store and the registry: created if missing, never replaced.
install -d -m 0750 -o "$uid" -g "$gid" "$state"
if [ ! -f "$state/devices.json" ]; then
  # The registry file's shape is owned by edge/Gateway/Registry/DeviceRegistryFile.cs (no devices yet); add devices with
  # sudo -u eldercare-gateway /opt/eldercare-gateway/Eldercare.Edge.Gateway devices add --registry /var/lib/eldercare-gateway/devices.json ...
  printf '{\n  "devices": []\n}\n' > "$state/devices.json"
  chown "$uid:$gid" "$state/devices.json"; chmod 0640 "$state/devices.json"
  echo "created an empty device registry $state/devices.json"
fi

# 5. The unit.
install -d -m 0755 "$(dirname "$unit")"
install -m 0644 "$pkg/$name.service" "$unit"

if [ "$live" = yes ]; then
  systemctl daemon-reload
  systemctl enable "$name" >/dev/null
  if [ "$start" = yes ]; then
    systemctl restart "$name"
    echo "$name started: journalctl -u $name -f"
  elif [ "$was_active" = yes ]; then
    echo "note: $name was running and is now stopped (--no-start)"
  fi
else
  echo "installed into $root (no systemctl calls): enable with systemctl enable --now $name on the target"
fi
[ "$upgrade" = yes ] && echo "upgraded $name (store and registry kept)" || echo "installed $name"
