#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# fetch-kernel.sh CACHE [RELEASE]: a Debian kernel (which has kprobes) unpacked into
# CACHE without installing it; prints the path of its vmlinuz. RELEASE bookworm
# (the default) is this system's linux-image-amd64, through apt; bullseye is
# Debian 11's 5.10 kernel (before bpf_loop, before memcg accounting of BPF memory),
# its package found in bullseye's own index on deb.debian.org. Only the package is
# downloaded; nothing on the host changes.
set -eu
cache=$1 release=${2:-bookworm}
mkdir -p "$cache"
cd "$cache"

unpack() {	# unpack DIR DEB: keep only /boot of the package
	rm -rf "$1.tmp"
	dpkg-deb -x "$2" "$1.tmp"
	mkdir -p "$1"
	mv "$1.tmp/boot" "$1/boot"
	rm -rf "$1.tmp" "$2"
}

fetch() {	# fetch URL FILE
	curl -fsS --retry 3 -o "$2" "$1"
}

case $release in
bookworm)
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
		unpack "$pkg" "$pkg"_*.deb
	fi
	;;
bullseye)
	pkg=$(ls -d linux-image-5.10.0-*-amd64 2>/dev/null | tail -1)
	if [ -z "$pkg" ] || ! ls "$pkg"/boot/vmlinuz-* >/dev/null 2>&1; then
		mirror=http://deb.debian.org/debian-security
		fetch "$mirror/dists/bullseye-security/main/binary-amd64/Packages.xz" Packages.xz
		file=$(xz -dc Packages.xz | awk '
			/^Package: linux-image-5\.10\.0-[0-9]+-amd64$/ { want = 1 }
			/^$/ { want = 0 }
			want && /^Filename:/ { f = $2 }
			END { print f }')
		rm -f Packages.xz
		[ -n "$file" ] || { echo "fetch-kernel: no 5.10 kernel in bullseye-security" >&2; exit 1; }
		pkg=$(basename "$file" | sed 's/_.*//')
		fetch "$mirror/$file" "$pkg.deb"
		unpack "$pkg" "$pkg.deb"
	fi
	;;
*)
	echo "fetch-kernel: unknown release $release (bookworm, bullseye)" >&2
	exit 1
	;;
esac
ls "$cache/$pkg"/boot/vmlinuz-*
