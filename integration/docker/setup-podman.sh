#!/usr/bin/env bash
# Makes podman usable for the container tests on the project's Debian bookworm machines:
#
#   1. installs podman, podman-compose, runc, iptables (netavark, podman's network backend,
#      runs it but does not depend on it) and debootstrap (for make-base-image.sh) when
#      they are missing;
#   2. writes the drop-in /etc/containers/containers.conf.d/50-gregor.conf: runc as the
#      runtime and modest default ulimits, because crun fails on these kernels' hybrid
#      cgroups and neither runtime may raise the limits podman asks for by default. This
#      changes podman's settings for the whole machine (the test machines are disposable);
#      delete the file to undo it.
#
# Needs root (or sudo). Safe to run again.
set -euo pipefail

PACKAGES=(podman podman-compose runc iptables debootstrap)
DROP_IN=/etc/containers/containers.conf.d/50-gregor.conf

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-podman: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -f "$DROP_IN" ]; then
  echo "setup-podman: writing $DROP_IN (runtime runc, default ulimits)"
  $SUDO mkdir -p "$(dirname "$DROP_IN")"
  $SUDO tee "$DROP_IN" >/dev/null <<'CONF'
# Written by gregor's integration/docker/setup-podman.sh: crun fails on this kernel's
# hybrid cgroups, and raising the open-files and process limits to podman's defaults is
# not permitted here.
[containers]
default_ulimits = ["nofile=16384:16384", "nproc=4096:4096"]

[engine]
runtime = "runc"
CONF
fi
echo "setup-podman: $(podman --version), $(podman-compose --version 2>/dev/null | grep -i 'podman-compose' | head -n1)"
