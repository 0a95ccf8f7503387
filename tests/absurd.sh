#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Rule files that are valid YAML but absurd, or not files at all: each a clear
# error and exit status 2 within a second, in bounded memory (256 MiB address
# space; not under ASan, which reserves terabytes of it), never a hang.
. "$srcdir/lib.sh"

absurd() {	# absurd WHAT FILE EXPECTED-MESSAGE
	local st=0
	( [ -n "${SANITIZED:-}" ] || ulimit -v 262144
	  exec timeout 1 "$RULETRACE" --check "$2" ) >"$TMP/out" 2>"$TMP/err" || st=$?
	[ "$st" = 124 ] && fail "$1: still running after a second"
	expect_eq "$1: exit status" "$st" 2
	grep -qF -- "$3" "$TMP/err" || { cat "$TMP/err"; fail "$1: message"; }
}

python3 - "$TMP" <<'PY'
import sys
t = sys.argv[1]
with open(f"{t}/many-rules.yaml", "w") as f:
    f.write("version: 1\nrules:\n")
    for i in range(10000):
        f.write(f"  - {{ name: r{i}, probe: sys_enter }}\n")
with open(f"{t}/big-list.yaml", "w") as f:
    f.write("version: 1\nrules:\n  - name: a\n    probe: sys_enter\n    filter:\n      pid: [")
    f.write(", ".join(str(1 + i % 4000000) for i in range(1500000)))
    f.write("]\n")
with open(f"{t}/deep.yaml", "w") as f:
    f.write("version: 1\nrules: " + "[" * 100000 + "]" * 100000 + "\n")
with open(f"{t}/laughs.yaml", "w") as f:
    f.write("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
    for i in range(1, 10):
        prev = "a" if i == 1 else f"l{i-1}"
        f.write(f"l{i}: &l{i} [" + ", ".join([f"*{prev}"] * 9) + "]\n")
with open(f"{t}/binary.yaml", "wb") as f:
    f.write(b"version: 1\nrules:\n  - name: \xff\xfe\x00\x01\n")
with open(f"{t}/many-keys.yaml", "w") as f:
    f.write("version: 1\n" + "".join(f"k{i}: 1\n" for i in range(40000)))
PY
absurd "10,000 rules" "$TMP/many-rules.yaml" "many-rules.yaml:67:5: too many rules (at most 64)"
absurd "a 10 MB list" "$TMP/big-list.yaml" "big-list.yaml: larger than 1048576 bytes"
absurd "100,000 levels of nesting" "$TMP/deep.yaml" "deep.yaml:2:23: nested more than 16 levels deep"
absurd "billion laughs" "$TMP/laughs.yaml" "laughs.yaml:1:4: anchors are not supported"
absurd "non-UTF-8 bytes" "$TMP/binary.yaml" "binary.yaml:3:"
absurd "40,000 unknown keys" "$TMP/many-keys.yaml" "more errors not shown"
absurd "a directory" "$TMP" "$TMP: not a regular file"
absurd "/dev/zero" /dev/zero "/dev/zero: not a regular file"
mkfifo "$TMP/fifo"
absurd "a FIFO" "$TMP/fifo" "$TMP/fifo: not a regular file"
echo "ok: every absurd rule file refused within a second"
