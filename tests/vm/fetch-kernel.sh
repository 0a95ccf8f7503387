#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# fetch-kernel.sh CACHE [RELEASE [ARCH]]: a Debian kernel (which has kprobes)
# unpacked into CACHE without installing it; prints the path of the image to boot.
# RELEASE bookworm (the default) is Debian 12's linux-image-ARCH, through apt (ARCH
# amd64, the default, or arm64: apt needs that architecture added, dpkg
# --add-architecture arm64); bullseye is Debian 11's 5.10 amd64 kernel (before
# bpf_loop, before memcg accounting of BPF memory), its package found in bullseye's
# own index on deb.debian.org. Only the package is downloaded; nothing on the host
# changes. An arm64 vmlinuz that is a gzip'd Image is unpacked beside it (Debian 12's
# is not; qemu-system-aarch64 boots only an uncompressed one).
set -eu
. "$(dirname "$0")/cache.sh"
cache=$1 release=${2:-bookworm} arch=${3:-amd64}
mkdir -p "$cache"
cd "$cache"

unpack() {	# unpack DIR DEB: keep only /boot of the package
	rm -rf "$1.tmp" "$1"
	dpkg-deb -x "$2" "$1.tmp"
	mkdir -p "$1"
	mv "$1.tmp/boot" "$1/boot"
	stamp "$1"
	rm -rf "$1.tmp" "$2"
}

fetch() {	# fetch URL FILE
	curl -fsS --retry 3 -o "$2" "$1"
}

case $release in
bookworm)
	# The dependency is named with its architecture (":arm64") when it is foreign.
	pkg=$(apt-cache depends "linux-image-$arch:$arch" 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { sub(/:.*/, "", $2); print $2; exit }')
	if [ -z "$pkg" ]; then
		apt-get update -qq >&2
		pkg=$(apt-cache depends "linux-image-$arch:$arch" |
			awk '/Depends: linux-image-[0-9]/ { sub(/:.*/, "", $2); print $2; exit }')
	fi
	[ -n "$pkg" ] || { echo "fetch-kernel: no linux-image-$arch:$arch in apt" >&2; exit 1; }
	if ! intact "$cache/$pkg"; then
		rm -f "$pkg"_*.deb
		# apt's sandbox user cannot write here; the download itself is the same.
		apt-get download -q "$pkg:$arch" >&2 2>/dev/null ||
			apt-get download "$pkg:$arch" >&2
		unpack "$pkg" "$pkg"_*.deb
	fi
	;;
bullseye)
	[ "$arch" = amd64 ] || { echo "fetch-kernel: bullseye is amd64 only here" >&2; exit 1; }
	pkg=$(ls -d linux-image-5.10.0-*-amd64 2>/dev/null | tail -1)
	if [ -z "$pkg" ] || ! intact "$pkg"; then
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
kernel=
for f in "$cache/$pkg"/boot/vmlinuz-*; do
	case $f in *.Image | *.tmp) ;; *) kernel=$f ;; esac	# not an image unpacked below
done
if [ "$arch" = arm64 ] && [ "$(od -An -tx1 -N2 "$kernel" | tr -d ' ')" = 1f8b ]; then
	[ -e "$kernel.Image" ] || gzip -dc "$kernel" >"$kernel.Image.tmp"
	[ -e "$kernel.Image" ] || mv "$kernel.Image.tmp" "$kernel.Image"
	kernel=$kernel.Image
fi
echo "$kernel"
