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
# Under TCG a guest runs its two vCPUs in one host thread (tcg,thread=single): with
# a thread per vCPU (QEMU 7.2), code the guest kernel rewrites as it runs is not
# always seen by the other vCPU. On amd64 about one guest in four locked up: a vCPU
# stuck for good on a jump label that was being patched as a tracepoint was
# switched on (text_poke_bp's int3; seen at syscall_trace_enter as ruletrace
# attached sys_enter, and at do_exit's). On arm64, which patches a jump label as
# one instruction, about one start in six counted nothing for the whole run: its
# sys_enter program never ran (run_cnt 0 with kernel.bpf_stats_enabled) while
# its other programs did (20 of 114 starts with a thread per vCPU, none of 46 in
# one thread). One thread runs the vCPUs in turn, each code write done before the
# other runs again. RULETRACE_VM_ACCEL=tcg,thread=multi brings the fault back.
set -euo pipefail
builddir=$(cd "$1" && pwd) srcdir=$(cd "$2" && pwd) arch=${3:-amd64}
cache=${RULETRACE_VM_CACHE:-/var/cache/ruletrace-vm}
accel=${RULETRACE_VM_ACCEL:-tcg}
accel_opts=$accel
[ "$accel" = tcg ] && accel_opts=tcg,thread=single

case $arch in
amd64)
	releases=${RULETRACE_VM_RELEASES:-bookworm bullseye}
	qemu=qemu-system-x86_64 qemu_pkg=qemu-system-x86
	machine=() console=ttyS0
	# The guest's busybox, bash and setpriv are this machine's own.
	[ "$(uname -m)" = x86_64 ] || { echo "check-vm: x86_64 hosts only" >&2; exit 77; }
	userland=
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
#
# failed_tests RESULTS: the guest's failed tests, a line each, from whole status
# lines only ("RT-VM: NAME N", N not 0; a kernel message can land inside a console
# line), and the test it was in when it ended without its "done" line (a crash, or
# the timeout).
failed_tests() {
	awk '$1 != "RT-VM:" || NF != 3 { next }
		$2 == "start" { running = $3; next }
		$2 == "done" { done = 1; next }
		$2 ~ /^[a-z0-9-]+$/ && $3 ~ /^[0-9]+$/ {
			if ($2 == running) running = ""
			if ($3 != 0) print $2
		}
		END {
			if (done) exit
			if (running != "") print running " (unfinished: the guest ended inside it)"
			else print "(the guest ended before its tests did)"
		}' "$1"
}

# test_log RESULTS NAME: what test NAME printed, indented.
test_log() {
	awk -v p="RT-VM-LOG: $2: " 'index($0, p) == 1 { print "  " substr($0, length(p) + 1) }' "$1"
}

failed=0 summary=
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
	tr -d '\r' <"$work/console" | { grep -a '^RT-VM' || true; } | tee "$work/results"
	[ "$status" != 124 ] || echo "check-vm: $release guest timed out after 900 s" >&2
	echo "check-vm: $release guest ran $(( $(date +%s) - start )) s"
	grep -q '^RT-VM: done 0$' "$work/results" && continue
	echo "check-vm: $release FAILED (console tail follows)" >&2
	tr -d '\r' <"$work/console" | { grep -av '^RT-VM' || true; } | tail -60 >&2
	# Each failed test's own log comes last, its FAIL lines first, where a CI page
	# that keeps only the end of the output still shows them; and after every
	# kernel, one line each for those that failed.
	tests=$(failed_tests "$work/results")
	while read -r t rest; do
		[ -n "$t" ] && [ -z "$rest" ] || continue	# unfinished: its log never came
		echo "check-vm: $release ($arch) $t FAILED:" >&2
		test_log "$work/results" "$t" | { grep -a '^  \(FAIL\|SKIP\)' || true; } | tail -5 >&2
		echo "check-vm: $release ($arch) $t: the end of its log:" >&2
		test_log "$work/results" "$t" | tail -30 >&2
	done <<<"$tests"
	summary+="check-vm: $release ($arch) FAILED: $(echo "$tests" | paste -sd, - | sed 's/,/, /g')"$'\n'
	failed=1
done
if [ "$failed" != 0 ]; then
	printf '%s' "$summary" >&2
	exit 1
fi
echo "check-vm: all guest tests passed on $arch: $releases"
