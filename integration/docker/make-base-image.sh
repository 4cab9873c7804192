#!/usr/bin/env bash
# Makes the local base image docker.io/library/debian:bookworm-slim with debootstrap, for
# machines that cannot reach a container registry (podman then finds the image locally and
# `FROM debian:bookworm-slim` builds unchanged). Does nothing when the image already exists.
#
# The image is a debootstrap "minbase" bookworm made to look like the official slim image:
# the same deb822 sources (bookworm, bookworm-updates, bookworm-security), the same dpkg
# filter that keeps documentation, manual pages and translations out (for later installs
# too), and no package caches or lists.
# Takes about a minute and needs root, debootstrap and network access to the Debian mirror.
#
#   integration/docker/make-base-image.sh [--force]
set -euo pipefail

IMAGE=docker.io/library/debian:bookworm-slim
SOURCES=/etc/apt/sources.list.d/debian.sources

if [ "${1:-}" != "--force" ] && podman image exists "$IMAGE"; then
  echo "make-base-image: $IMAGE already present"
  exit 0
fi

# The mirror this machine's apt uses (first URIs: line), so the image needs nothing more
# than the host does; deb.debian.org otherwise.
mirror=http://deb.debian.org/debian
if [ -r "$SOURCES" ]; then
  found="$(awk '/^URIs:/ {print $2; exit}' "$SOURCES")"
  [ -n "$found" ] && mirror="$found"
fi
security="${mirror%/debian}/debian-security"

rootfs="$(mktemp -d /tmp/gregor-bookworm-rootfs.XXXXXX)"
trap 'rm -rf "$rootfs"' EXIT

echo "make-base-image: debootstrap bookworm from $mirror (about a minute)"
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || {
  tail -n 30 "$rootfs.log" >&2
  rm -f "$rootfs.log"
  exit 1
}
rm -f "$rootfs.log"

# Same apt sources as the official image, in deb822 form.
rm -f "$rootfs/etc/apt/sources.list"
cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<SOURCES_EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES_EOF

# The slim variant's filter (debuerreotype-slimify): later installs skip these paths too.
cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<DPKG_EOF
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/overrides/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/man/*
DPKG_EOF
find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "$rootfs"/usr/share/info/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/lintian/overrides/*
find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +

rm -rf "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
  "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log "$rootfs"/tmp/*

old_id="$(podman image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)"
tar -C "$rootfs" --numeric-owner -c . |
  podman import --quiet --change 'CMD ["bash"]' - "$IMAGE" >/dev/null
# A --force run leaves the previous image untagged; remove it unless something uses it.
[ -z "$old_id" ] || podman rmi "$old_id" >/dev/null 2>&1 || true
echo "make-base-image: imported $IMAGE ($(podman image inspect -f '{{.Size}}' "$IMAGE") bytes)"
