#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# mkinitramfs.sh BUILDDIR SRCDIR OUT [ARCH [USERLAND]]: a gzip'd cpio initramfs
# holding busybox, bash and setpriv, the built ruletrace and test workload, the
# shared libraries they load, and the guest test scripts. Built on the host each
# run; the guest only runs it. ARCH is amd64 (the default) or arm64; busybox, bash
# and setpriv come from USERLAND (fetch-userland.sh), by default this machine's.
# Libraries are found in USERLAND, then in this machine's directories for ARCH
# (the cross build's :arm64 packages): by the programs' ELF headers, not ldd, which
# cannot read a foreign program.
set -euo pipefail
builddir=$1 srcdir=$2 out=$3 arch=${4:-amd64} userland=${5:-}
case $arch in
amd64) triplet=x86_64-linux-gnu ;;
arm64) triplet=aarch64-linux-gnu ;;
*) echo "mkinitramfs: unknown architecture $arch (amd64, arm64)" >&2; exit 1 ;;
esac
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,run,rt,etc,usr/bin} "$root"/sys/kernel/tracing
# The applet links are made by the guest's busybox at boot (init): this machine
# cannot run another architecture's to list them.
cp "$userland/bin/busybox" "$root/bin/busybox"

# find_lib NAME: the path of library NAME for ARCH.
find_lib() {
	local d
	for d in "$userland/lib/$triplet" "$userland/usr/lib/$triplet" "/lib/$triplet" \
		"/usr/lib/$triplet"; do
		[ -e "$d/$1" ] && { echo "$d/$1"; return 0; }
	done
	return 1
}
# add_deps ELF: its program interpreter and every library it needs, recursively,
# at the paths the guest's loader looks in.
add_deps() {
	local elf=$1 interp lib path
	interp=$(readelf -l "$elf" | sed -n 's/.*program interpreter: \(.*\)]$/\1/p')
	if [ -n "$interp" ] && [ ! -e "$root$interp" ]; then
		mkdir -p "$root$(dirname "$interp")"
		if [ -e "$userland$interp" ]; then
			cp -L "$userland$interp" "$root$interp"
		else
			cp -L "$interp" "$root$interp"
		fi
	fi
	for lib in $(readelf -d "$elf" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
		[ -e "$root/lib/$triplet/$lib" ] && continue
		path=$(find_lib "$lib") ||
			{ echo "mkinitramfs: no $arch $lib (needed by $elf)" >&2; exit 1; }
		mkdir -p "$root/lib/$triplet"
		cp -L "$path" "$root/lib/$triplet/$lib"
		add_deps "$path"
	done
}
# install_elf FILE DEST: FILE at DEST in the initramfs, with what it loads.
install_elf() {
	cp -L "$1" "$root$2"
	add_deps "$1"
}
install_elf "$builddir/ruletrace" /rt/ruletrace
install_elf "$builddir/tests/workload" /rt/workload
install_elf "$userland/bin/bash" /bin/bash
# util-linux's setpriv (busybox's cannot change uids), ahead of busybox on PATH.
install_elf "$userland/usr/bin/setpriv" /usr/bin/setpriv
# Every guest-only test goes in: init's list alone says which run, and in what order.
cp "$srcdir/tests/lib.sh" "$srcdir/tests/trace-count.sh" "$srcdir/tests/trace-exec.sh" \
	"$srcdir/tests/trace-filter.sh" "$srcdir/tests/follow.sh" "$srcdir/tests/memlock.sh" \
	"$srcdir"/tests/vm/guest-*.sh "$root/rt/"
cp "$srcdir/tests/vm/init" "$root/init"
chmod +x "$root/init" "$root"/rt/*.sh
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
