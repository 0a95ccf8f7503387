#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# fetch-kernel.sh CACHE: Debian's own kernel (linux-image-amd64, which has kprobes)
# unpacked into CACHE, without installing it: prints the path of its vmlinuz.
# Only the package is downloaded; nothing on the host changes.
set -eu
cache=$1
mkdir -p "$cache"
cd "$cache"
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
if [ -z "$pkg" ]; then
	apt-get update -qq >&2
	pkg=$(apt-cache depends linux-image-amd64 |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
fi
[ -n "$pkg" ] || { echo "fetch-kernel: no linux-image-amd64 in apt" >&2; exit 1; }
if ! ls "$cache/$pkg"/boot/vmlinuz-* >/dev/null 2>&1; then
	rm -f "$pkg"_*.deb
	# apt's sandbox user cannot write here; the download itself is the same.
	apt-get download -q "$pkg" >&2 2>/dev/null || apt-get download "$pkg" >&2
	rm -rf "$pkg.tmp"
	dpkg-deb -x "$pkg"_*.deb "$pkg.tmp"
	mkdir -p "$pkg"
	mv "$pkg.tmp/boot" "$pkg/boot"
	rm -rf "$pkg.tmp" "$pkg"_*.deb
fi
ls "$cache/$pkg"/boot/vmlinuz-*
