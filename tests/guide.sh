#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# docs/guide.md works as written: every ```sh block runs, in order, from a build
# directory (as the guide tells the reader), each under bash -e -o pipefail, and
# succeeds; its output shows what the guide says it shows; every code name the
# guide gives exists, and every program, map and global of the object is named.
. "$srcdir/lib.sh"
need_root
PATH=$PATH:/usr/sbin:/sbin
guide="$srcdir/../docs/guide.md"
top="$srcdir/.."
builddir=$(cd "$(dirname "$RULETRACE")" && pwd)
obj="$builddir/src/ruletrace.bpf.o"
skel="$builddir/src/ruletrace.skel.h"
if [ ! -f "$obj" ] || [ ! -f "$skel" ]; then
	fail "no $obj or $skel: build first"
fi
for tool in bpftool readelf llvm-objdump strings timeout; do
	command -v "$tool" >/dev/null || skip "needs $tool (scripts/deps.sh installs it)"
done

# A build directory of our own, so that the guide's scratch files stay out of the
# real one: the binary and the two generated files it inspects, linked.
run="$TMP/build"
mkdir -p "$run/src"
ln -s "$RULETRACE" "$run/ruletrace"
ln -s "$obj" "$run/src/ruletrace.bpf.o"
ln -s "$skel" "$run/src/ruletrace.skel.h"

# The blocks: $TMP/block-N.sh, and "N LINE" (LINE: its first line in the guide).
awk -v dir="$TMP" '
	/^```sh$/ { n++; f = sprintf("%s/block-%d.sh", dir, n); printf "" >f
		    print n, NR + 1 >(dir "/blocks"); inb = 1; next }
	inb && /^```$/ { inb = 0; close(f); next }
	inb { print >f }
	END { exit inb }' "$guide" || fail "docs/guide.md: an sh block is not closed"
[ -s "$TMP/blocks" ] || fail "docs/guide.md: no sh blocks"

# Read by each block's bash before the block: stop at the first failing command and
# name it; stop whatever the block left running in the background.
cat >"$TMP/prelude.sh" <<'EOF'
unset BASH_ENV
set -e -o pipefail
trap 'rc=$?; echo "guide.sh: docs/guide.md:$((GUIDE_LINE + LINENO - 1)): exit status $rc: $BASH_COMMAND" >&2' ERR
trap 'j=$(jobs -p); [ -z "$j" ] || { kill $j; wait; } 2>/dev/null' EXIT
EOF

: >"$TMP/all"
while read -r n line; do
	b="$TMP/block-$n.sh"
	if ! (cd "$run" && GUIDE_LINE=$line BASH_ENV="$TMP/prelude.sh" timeout 30 bash "$b") \
			</dev/null >"$TMP/out-$n" 2>&1; then
		echo "--- docs/guide.md:$line, sh block $n:" >&2
		cat "$b" >&2
		echo "--- its output:" >&2
		cat "$TMP/out-$n" >&2
		fail "docs/guide.md:$line: sh block $n failed"
	fi
	cat "$TMP/out-$n" >>"$TMP/all"
	echo "ok: docs/guide.md:$line: $(grep -m1 . "$b")"
done <"$TMP/blocks"
left=$(find "$run" -mindepth 1 -maxdepth 1 ! -name ruletrace ! -name src -printf '%f ')
[ -z "$left" ] || fail "docs/guide.md: the clean-up block left $left"

# What the guide says the commands show.
expect() {
	grep -qE -- "$2" "$TMP/all" || fail "docs/guide.md: no $1 in the output of its commands"
	echo "ok: the output shows $1"
}
expect "the program sections (readelf -SW)" '^ *\[ *[0-9]+\] raw_tracepoint/sys_enter '
expect "the relocation of rt_generation" 'R_BPF_64_64[[:space:]]+rt_generation$'
expect "the license" 'Dual BSD/GPL'
expect "struct rt_event_hdr from BTF" '^struct rt_event_hdr \{'
expect "the programs (bpftool prog list)" 'name rt_sys_enter '
expect "rt_rename loaded" 'name rt_rename '
expect "rt_exit loaded" 'name rt_exit '
expect "the execve program loaded" 'name rt_execve_(tp|kprob)'
expect "rt_exec_done loaded" 'name rt_exec_done '
expect "the execve return program loaded" 'name rt_execve_(exit_tp|kretprobe) '
expect "the sys_enter link" "tp 'sys_enter'"
expect "the sched_process_exec link" "tp 'sched_process_exec'"
expect "rt_args_cap in .rodata" '"rt_args_cap": [0-9]+$'
expect "exec_ok_rules of the live ruleset" '"exec_ok_rules": 1,$'
expect "helper names (prog dump xlated)" 'call bpf_get_current_pid_tgid'
expect "the comm filter entry in filter set 1" '"set": 1$'
expect "the exec header" '^TIME +RULE +PID +PPID +UID +COMM +PCOMM +RESULT +FILENAME ARGS$'
expect "the exec line" ' hello +[0-9]+ +[0-9]+ +0 +guide-sh +guide-sh +ok +/bin/true /bin/true one two$'
expect "the failed exec with result: any" \
	' hello-any +[0-9]+ +[0-9]+ +0 +guide-sh +guide-sh +ENOENT +/no/such/program /no/such/program x$'
expect "the cut argument list" '^ 1048 1\.\.\. \[cut: 51 args, 254 bytes\]$'
expect "the perf event array" 'perf_event_array +name rt_events '
expect "the counter key of guide-sh" '"comm": "guide-sh"'
expect "the exit status in JSON" '"exit_status":0'
pid=$(sed -n 's/^ruletrace is pid \([0-9][0-9]*\)$/\1/p' "$TMP/all")
[ -n "$pid" ] || fail "docs/guide.md: no 'ruletrace is pid N' line"
expect "rt_self_tgid = the pid of ruletrace" "\"rt_self_tgid\": $pid\$"

# Every name the guide gives in backquotes (outside code blocks) that has an
# underscore is real: in the sources, the skeleton, the man pages or libbpf's headers.
sed '/^```/,/^```/d' "$guide" | grep -o '`[^`]*`' | grep -oE '[A-Za-z_][A-Za-z0-9_]*' |
	grep _ | sort -u >"$TMP/names"
[ -s "$TMP/names" ] || fail "docs/guide.md: no names found"
where=("$top"/src/*.[ch] "$top"/bpf/*.[ch] "$top"/tests/*.c "$top"/docs/*.[58] \
	"$top"/Makefile.am "$skel" /usr/include/bpf/*.h /usr/include/linux/bpf.h)
# Not code: what bpftool prints.
outside="map_ids perf_event perf_event_array"
while read -r name; do
	case " $outside " in *" $name "*) continue ;; esac
	grep -qw -- "$name" "${where[@]}" 2>/dev/null ||
		fail "docs/guide.md names '$name', which is nowhere in the code"
done <"$TMP/names"
echo "ok: the $(wc -l <"$TMP/names") code names in docs/guide.md exist"

# Every program, map and global of the object is in the guide.
llvm-objdump -t "$obj" | awk '$2 == "g" && ($3 == "F" || $3 == "O") && $4 != "license" &&
	!($3 == "F" && $4 == ".text") { print $NF }' >"$TMP/symbols"
[ "$(wc -l <"$TMP/symbols")" -ge 20 ] || fail "llvm-objdump -t: too few symbols"
while read -r sym; do
	grep -qw -- "$sym" "$guide" || fail "docs/guide.md does not name $sym"
done <"$TMP/symbols"
echo "ok: docs/guide.md names all $(wc -l <"$TMP/symbols") programs, maps and globals"
