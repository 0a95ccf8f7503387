#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# run.sh BUILDDIR SRCDIR [ARCH]: boot Debian's own kernels for ARCH under QEMU, one
# after another, run the execve (attach modes; exec results, pcomm and argv against
# the workload's manifest), tracing, memlock, explain and cgroup tests inside each
# on the binaries built in BUILDDIR (for ARCH), and bring their results back over
# the serial console. Exit 0 only if every guest test passed on every kernel.
#
# ARCH amd64 (the default): RULETRACE_VM_RELEASES, default "bookworm bullseye":
# 6.1, which has kprobes and bpf_loop, and 5.10, which has kprobes but neither
# bpf_loop nor memcg accounting of BPF memory; busybox, bash and setpriv are this
# machine's. ARCH arm64: Debian 12's 6.1 on qemu's virt machine with its newest CPU
# (-cpu max, under TCG), and Debian 12's arm64 busybox, bash and setpriv
# (fetch-userland.sh).
#
# /dev/kvm on this kind of machine is a paravirtual device that cannot run a stock
# kernel, so TCG is the default; RULETRACE_VM_ACCEL=kvm uses real hardware KVM.
#
# An amd64 guest runs its two vCPUs in one host thread (tcg,thread=single). With a
# thread per vCPU (QEMU 7.2), about one guest in four locked up: a vCPU stuck for
# good on a jump label that was being patched as a tracepoint was switched on
# (text_poke_bp's int3; seen at syscall_trace_enter as ruletrace attached sys_enter,
# and at do_exit's), the other vCPU idle or trapping at the same place. One thread
# runs the vCPUs in turn, each code write done before the other runs again. An
# arm64 kernel patches a jump label as one instruction, with no trap, and its
# guest keeps a thread per vCPU.
set -euo pipefail
builddir=$(cd "$1" && pwd) srcdir=$(cd "$2" && pwd) arch=${3:-amd64}
cache=${RULETRACE_VM_CACHE:-/var/cache/ruletrace-vm}
accel=${RULETRACE_VM_ACCEL:-tcg}
accel_opts=$accel

case $arch in
amd64)
	releases=${RULETRACE_VM_RELEASES:-bookworm bullseye}
	qemu=qemu-system-x86_64 qemu_pkg=qemu-system-x86
	machine=() console=ttyS0
	# The guest's busybox, bash and setpriv are this machine's own.
	[ "$(uname -m)" = x86_64 ] || { echo "check-vm: x86_64 hosts only" >&2; exit 77; }
	userland=
	[ "$accel" = tcg ] && accel_opts=tcg,thread=single
	;;
arm64)
	releases=${RULETRACE_VM_RELEASES:-bookworm}
	qemu=qemu-system-aarch64 qemu_pkg=qemu-system-arm
	# Debian's arm64 kernel signs and checks return addresses (pointer
	# authentication) in every function: with QEMU's own cheap signature rather
	# than the architected QARMA, which TCG computes slowly, the guest runs 3 times
	# faster (77 s, not 236 s, on the CI machine); the CPU still has the feature.
	machine=(-M virt -cpu max,pauth-impdef=on) console=ttyAMA0
	userland=$(sh "$srcdir/tests/vm/fetch-userland.sh" "$cache" arm64)
	;;
*)
	echo "check-vm: unknown architecture $arch (amd64, arm64)" >&2
	exit 1
	;;
esac
command -v $qemu >/dev/null || {
	echo "check-vm: $qemu missing (apt-get install $qemu_pkg)" >&2
	exit 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash "$srcdir/tests/vm/mkinitramfs.sh" "$builddir" "$srcdir" "$work/initramfs.gz" "$arch" \
	"$userland"

# A guest kernel stuck on a CPU for 20 s (a soft lockup) panics at once, with every
# CPU's backtrace on the console (loglevel 5 shows them), rather than sit out the
# timeout.
failed=0
for release in $releases; do
	kernel=$(sh "$srcdir/tests/vm/fetch-kernel.sh" "$cache" "$release" "$arch")
	echo "check-vm: booting $(basename "$kernel") ($release, $arch) under qemu ($accel_opts)"
	start=$(date +%s)
	status=0
	timeout 900 $qemu "${machine[@]}" -accel "$accel_opts" -m 1024 -smp 2 -nographic \
		-no-reboot -kernel "$kernel" -initrd "$work/initramfs.gz" -net none \
		-append "console=$console loglevel=5 panic=-1 oops=panic softlockup_panic=1 softlockup_all_cpu_backtrace=1" \
		</dev/null \
		>"$work/console" 2>&1 || status=$?
	# No result line at all (a kernel or init that never ran the tests) is a
	# failure to show, not a reason for grep to end the script unexplained.
	tr -d '\r' <"$work/console" | { grep '^RT-VM' || true; } | tee "$work/results"
	[ "$status" != 124 ] || echo "check-vm: $release guest timed out after 900 s" >&2
	echo "check-vm: $release guest ran $(( $(date +%s) - start )) s"
	if ! grep -q '^RT-VM: done 0$' "$work/results"; then
		echo "check-vm: $release FAILED (console tail follows)" >&2
		tr -d '\r' <"$work/console" | grep -v '^RT-VM' | tail -80 >&2
		failed=1
	fi
done
[ "$failed" = 0 ] || exit 1
echo "check-vm: all guest tests passed on $arch: $releases"
