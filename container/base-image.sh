#!/bin/sh
# Builds the container base image from Debian packages, for machines that reach Debian's archive
# but no container registry: a minimal Debian with python3 and its venv module, made by
# debootstrap and imported into podman. Does nothing when the image is there already.
#
#   container/base-image.sh [IMAGE] [SUITE] [MIRROR]
set -eu
IMAGE=${1:-localhost/b2b-mock-base:bookworm}
SUITE=${2:-bookworm}
MIRROR=${3:-http://deb.debian.org/debian}
PODMAN=${PODMAN:-podman}

if $PODMAN image exists "$IMAGE"; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "container/base-image.sh: debootstrap needs root; run it with sudo" >&2
    exit 2
fi
command -v debootstrap >/dev/null || {
    echo "container/base-image.sh: debootstrap is missing (apt-get install debootstrap)" >&2
    exit 2
}
work=$(mktemp -d "${TMPDIR:-/var/tmp}/b2b-mock-base.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "building $IMAGE: debootstrap $SUITE from $MIRROR" >&2
debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
    "$SUITE" "$work/rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 || {
    tail -20 "$work/debootstrap.log" >&2
    exit 1
}
# The certificate authorities this machine added (a TLS-inspecting proxy's, say) are trusted in
# the image too, so that pip reaches PyPI from the build as it does from here.
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
    cp /usr/local/share/ca-certificates/*.crt "$work/rootfs/usr/local/share/ca-certificates/"
    chroot "$work/rootfs" update-ca-certificates >/dev/null 2>&1
fi
rm -rf "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/lib/apt/lists/* \
       "$work"/rootfs/var/log/*
tar --numeric-owner -C "$work/rootfs" -c . \
    | $PODMAN import --quiet --change 'CMD ["python3"]' - "$IMAGE" >/dev/null
echo "built $IMAGE" >&2
