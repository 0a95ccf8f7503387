#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# fetch-userland.sh CACHE ARCH: Debian 12's busybox-static, bash and setpriv
# (util-linux) for ARCH with the libraries they load beyond the C library, unpacked
# into CACHE/userland-ARCH without installing them (those packages are not
# co-installable across architectures); prints that directory. The guest's C
# library and ruletrace's own libraries are the ARCH packages the cross build uses.
set -eu
. "$(dirname "$0")/cache.sh"
cache=$1 arch=$2
pkgs="busybox-static bash libtinfo6 util-linux libcap-ng0"
dir=$cache/userland-$arch
mkdir -p "$cache"
if [ "$(cat "$dir/.packages" 2>/dev/null)" != "$pkgs" ] || ! intact "$dir"; then
	rm -rf "$dir" "$dir.tmp" "$dir.debs"
	mkdir -p "$dir.tmp" "$dir.debs"
	for p in $pkgs; do
		# apt's sandbox user cannot write here; the download itself is the same.
		(cd "$dir.debs" && { apt-get download -q "$p:$arch" >/dev/null 2>&1 ||
			apt-get download "$p:$arch" >&2; })
	done
	for deb in "$dir.debs"/*.deb; do
		dpkg-deb -x "$deb" "$dir.tmp"
	done
	echo "$pkgs" >"$dir.tmp/.packages"
	stamp "$dir.tmp"
	rm -rf "$dir.debs"
	mv "$dir.tmp" "$dir"
fi
echo "$dir"
