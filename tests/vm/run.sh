#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# run.sh BUILDDIR SRCDIR: boot Debian's own kernels under QEMU, one after another
# (RULETRACE_VM_RELEASES, default "bookworm bullseye": 6.1, which has kprobes and
# bpf_loop, and 5.10, which has kprobes but neither bpf_loop nor memcg accounting
# of BPF memory), run the execve (attach modes; exec results, pcomm and argv against
# the workload's manifest), tracing, memlock and explain tests inside each on the
# binaries built here, and bring their results back over the serial console.
# Exit 0 only if every guest test passed on every kernel.
#
# /dev/kvm on this kind of machine is a paravirtual device that cannot run a stock
# kernel, so TCG is the default; RULETRACE_VM_ACCEL=kvm uses real hardware KVM.
set -euo pipefail
builddir=$(cd "$1" && pwd) srcdir=$(cd "$2" && pwd)
cache=${RULETRACE_VM_CACHE:-/var/cache/ruletrace-vm}
accel=${RULETRACE_VM_ACCEL:-tcg}
releases=${RULETRACE_VM_RELEASES:-bookworm bullseye}

command -v qemu-system-x86_64 >/dev/null || {
	echo "check-vm: qemu-system-x86_64 missing (apt-get install qemu-system-x86)" >&2
	exit 1
}
[ "$(uname -m)" = x86_64 ] || { echo "check-vm: x86_64 hosts only" >&2; exit 77; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash "$srcdir/tests/vm/mkinitramfs.sh" "$builddir" "$srcdir" "$work/initramfs.gz"

failed=0
for release in $releases; do
	kernel=$(sh "$srcdir/tests/vm/fetch-kernel.sh" "$cache" "$release")
	echo "check-vm: booting $(basename "$kernel") ($release) under qemu ($accel)"
	start=$(date +%s)
	timeout 900 qemu-system-x86_64 -accel "$accel" -m 1024 -smp 2 -nographic -no-reboot \
		-kernel "$kernel" -initrd "$work/initramfs.gz" -net none \
		-append "console=ttyS0 quiet panic=-1 oops=panic" </dev/null \
		>"$work/console" 2>&1 || true
	tr -d '\r' <"$work/console" | grep '^RT-VM' | tee "$work/results"
	echo "check-vm: $release guest ran $(( $(date +%s) - start )) s"
	if ! grep -q '^RT-VM: done 0$' "$work/results"; then
		echo "check-vm: $release FAILED (console tail follows)" >&2
		tr -d '\r' <"$work/console" | tail -40 >&2
		failed=1
	fi
done
[ "$failed" = 0 ] || exit 1
echo "check-vm: all guest tests passed on: $releases"
