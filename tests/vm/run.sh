#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# run.sh BUILDDIR SRCDIR: boot Debian's own kernel (which has kprobes) under QEMU,
# run the execve and tracing tests inside it on the binaries built here, and bring
# their results back over the serial console. Exit 0 only if every guest test passed.
#
# /dev/kvm on this kind of machine is a paravirtual device that cannot run a stock
# kernel, so TCG is the default; RULETRACE_VM_ACCEL=kvm uses real hardware KVM.
set -euo pipefail
builddir=$(cd "$1" && pwd) srcdir=$(cd "$2" && pwd)
cache=${RULETRACE_VM_CACHE:-/var/cache/ruletrace-vm}
accel=${RULETRACE_VM_ACCEL:-tcg}

command -v qemu-system-x86_64 >/dev/null || {
	echo "check-vm: qemu-system-x86_64 missing (apt-get install qemu-system-x86)" >&2
	exit 1
}
[ "$(uname -m)" = x86_64 ] || { echo "check-vm: x86_64 hosts only" >&2; exit 77; }

kernel=$(sh "$srcdir/tests/vm/fetch-kernel.sh" "$cache")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash "$srcdir/tests/vm/mkinitramfs.sh" "$builddir" "$srcdir" "$work/initramfs.gz"

echo "check-vm: booting $(basename "$kernel") under qemu ($accel)"
start=$(date +%s)
timeout 900 qemu-system-x86_64 -accel "$accel" -m 1024 -smp 2 -nographic -no-reboot \
	-kernel "$kernel" -initrd "$work/initramfs.gz" -net none \
	-append "console=ttyS0 quiet panic=-1 oops=panic" </dev/null >"$work/console" 2>&1 || true
tr -d '\r' <"$work/console" | grep '^RT-VM' | tee "$work/results"
echo "check-vm: guest ran $(( $(date +%s) - start )) s"

grep -q '^RT-VM: done 0$' "$work/results" || {
	echo "check-vm: FAILED (console tail follows)" >&2
	tr -d '\r' <"$work/console" | tail -40 >&2
	exit 1
}
echo "check-vm: all guest tests passed"
