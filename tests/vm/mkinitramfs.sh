#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# mkinitramfs.sh BUILDDIR SRCDIR OUT: a gzip'd cpio initramfs holding busybox, bash,
# the built ruletrace and test workload, the shared libraries they load, and the
# guest test scripts. Built on the host each run; the guest only runs it.
set -euo pipefail
builddir=$1 srcdir=$2 out=$3
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,run,rt,etc} "$root"/sys/kernel/tracing
cp /bin/busybox "$root/bin/busybox"
for app in $(/bin/busybox --list); do
	[ -e "$root/bin/$app" ] || ln -s busybox "$root/bin/$app"
done
# Programs and every library they load, at the paths the loader expects.
copy_with_libs() {
	local f lib
	for f in "$@"; do
		cp -L "$f" "$root/rt/" 2>/dev/null || true
		for lib in $(ldd "$f" | awk '/=>/ { print $3 } /^\t\/lib/ { print $1 }'); do
			mkdir -p "$root$(dirname "$lib")"
			[ -e "$root$lib" ] || cp -L "$lib" "$root$lib"
		done
	done
}
copy_with_libs "$builddir/ruletrace" "$builddir/tests/workload" /bin/bash /usr/bin/setpriv
rm -f "$root/bin/bash"
cp -L /bin/bash "$root/bin/bash"
# util-linux's setpriv (busybox's cannot change uids), ahead of busybox on PATH.
mkdir -p "$root/usr/bin"
mv "$root/rt/setpriv" "$root/usr/bin/setpriv"
cp "$srcdir/tests/lib.sh" "$srcdir/tests/trace-count.sh" "$srcdir/tests/trace-exec.sh" \
	"$srcdir/tests/trace-filter.sh" "$srcdir/tests/follow.sh" "$srcdir/tests/memlock.sh" \
	"$srcdir/tests/vm/guest-execve.sh" "$srcdir/tests/vm/guest-explain.sh" \
	"$srcdir/tests/vm/guest-exec-truth.sh" "$srcdir/tests/vm/guest-cgroup.sh" "$root/rt/"
cp "$srcdir/tests/vm/init" "$root/init"
chmod +x "$root/init" "$root"/rt/*.sh
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
