#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Output paths a root process must not trust (issue 10): a FIFO is refused at once
# with the output's FILE:LINE:COL (at start exit 2; at reload the running rules
# stay and events keep flowing); a directory symlink another user planted is not
# followed; an existing file another user owns or may write is not used; with
# --user the files created belong to that user, a reload reopens them, and a rule
# file that user owns is refused at reload as at start. The kernel's own
# protections (fs.protected_symlinks, fs.protected_regular) are off meanwhile.
. "$srcdir/lib.sh"
need_root
command -v setpriv >/dev/null || skip "setpriv (util-linux) not installed"
id nobody >/dev/null 2>&1 || skip "no user 'nobody'"
nobody_uid=$(id -u nobody)
as_nobody() { setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$@"; }

old_symlinks=$(sysctl -n fs.protected_symlinks) && old_regular=$(sysctl -n fs.protected_regular) ||
	skip "no fs.protected_symlinks or fs.protected_regular"
restore() {
	sysctl -qw fs.protected_symlinks="$old_symlinks" fs.protected_regular="$old_regular"
	cleanup
}
trap restore EXIT
sysctl -qw fs.protected_symlinks=0 fs.protected_regular=0 || skip "cannot set fs.protected_*"

chmod 711 "$TMP"	# nobody may reach what is inside, not list it
pub="$TMP/pub"
mkdir -m 755 "$pub"
shared="$TMP/tmp"	# a /tmp of our own: sticky, anyone may add entries
mkdir -m 1777 "$shared"
rules="$pub/rules.yaml"

rules() {	# rules OUTPUT: exec rule for comm rt-out to output 'bad' (at 3:3) and a CSV
	bad_good_rules "$rules" rt-out "$1"
	chmod 644 "$rules"
}
rows() { grep -c ',exec,' "$1"; }

# refused WHAT OUTPUT MESSAGE [ARGS...]: exit 2 within a second, MESSAGE, nothing attached.
refused() {
	local st=0 t0 ms
	rules "$2"
	t0=$(date +%s%N)
	timeout 10 "$RULETRACE" --ready-fd 9 -d 2s "${@:4}" "$rules" >"$TMP/out" 2>"$TMP/err" \
		9>"$TMP/ready" || st=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	expect_eq "$1: exit status" "$st" 2
	[ "$ms" -lt 1000 ] || fail "$1: took ${ms} ms"
	grep -qF -- "$3" "$TMP/err" || { cat "$TMP/err"; fail "$1: message '$3'"; }
	[ -s "$TMP/ready" ] && fail "$1: attached anyway"
	echo "ok: $1 refused in ${ms} ms"
}

# --- FIFOs: refused at once, never waited on ---
mkfifo "$TMP/fifo"
refused "csv output on a FIFO" "{ type: csv, path: $TMP/fifo }" \
	"ruletrace: $rules:3:3: output 'bad': open $TMP/fifo: is a FIFO, not a regular file"
refused "json output on a FIFO" "{ type: json, path: $TMP/fifo, append: true }" \
	"ruletrace: $rules:3:3: output 'bad': open $TMP/fifo: is a FIFO, not a regular file"
refused "--summary-json on a FIFO" "{ type: csv, path: $TMP/a.csv }" \
	"ruletrace: --summary-json: open $TMP/fifo: is a FIFO, not a regular file" -j "$TMP/fifo"

# At reload: refused, the running rules stay, events keep flowing.
rules "{ type: csv, path: $TMP/a.csv }"
rt_start "$rules"
"$WORKLOAD" --comm rt-out --exec 2 -- /bin/true
rules "{ type: csv, path: $TMP/fifo }"
kill -HUP "$RT_PID"
for _ in $(seq 1 40); do grep -q "reload" "$TMP/err" && break; sleep 0.05; done
grep -qF "ruletrace: reload: $rules:3:3: output 'bad': open $TMP/fifo: is a FIFO" "$TMP/err" ||
	{ cat "$TMP/err"; fail "FIFO at reload: message"; }
grep -q "reload failed: the running rules stay as they were" "$TMP/err" ||
	fail "FIFO at reload: not reported as a failed reload"
"$WORKLOAD" --comm rt-out --exec 3 -- /bin/true
sleep 0.3
rt_stop INT
expect_eq "FIFO at reload: exit status" "$RT_STATUS" 0
expect_eq "FIFO at reload: rows in the running output" "$(rows "$TMP/a.csv")" 5
expect_eq "FIFO at reload: rows in the other output" "$(rows "$TMP/good.csv")" 5

# --- a directory symlink another user planted in a shared directory ---
mkdir -m 700 "$TMP/secret"
echo secret >"$TMP/secret/audit.csv" && chmod 600 "$TMP/secret/audit.csv"
as_nobody ln -s "$TMP/secret" "$shared/rt-dir" || fail "nobody cannot make a symlink"
refused "directory symlink owned by nobody" "{ type: csv, path: $shared/rt-dir/audit.csv }" \
	"output 'bad': open $shared/rt-dir/audit.csv: $shared/rt-dir is a symbolic link owned by another user (uid $nobody_uid;"
expect_eq "root's file behind nobody's symlink" "$(cat "$TMP/secret/audit.csv")" secret
# root's own symbolic links (as /var/run -> /run) are followed.
mkdir "$TMP/real" && ln -s "$TMP/real" "$shared/root-dir"
rules "{ type: csv, path: $shared/root-dir/audit.csv }"
st=0
"$RULETRACE" -d 200ms "$rules" >"$TMP/out" 2>"$TMP/err" || st=$?
expect_eq "directory symlink owned by root: exit status" "$st" 0
[ -f "$TMP/real/audit.csv" ] || fail "root's symlink not followed"
echo "ok: root's directory symlink followed"

# --- an existing file another user owns or may write ---
as_nobody sh -c "echo planted >'$shared/audit.csv' && chmod 666 '$shared/audit.csv'" ||
	fail "nobody cannot make a file"
refused "file owned by nobody, mode 0666" "{ type: csv, path: $shared/audit.csv }" \
	"output 'bad': open $shared/audit.csv: is owned by another user (uid $nobody_uid, mode 0666"
expect_eq "nobody's file untouched" "$(cat "$shared/audit.csv")" planted
echo planted >"$shared/root.csv" && chmod 666 "$shared/root.csv"
refused "file owned by root, mode 0666" "{ type: json, path: $shared/root.csv, append: true }" \
	"output 'bad': open $shared/root.csv: is writable by every user (uid 0, mode 0666"
refused "--summary-json to nobody's file" "{ type: csv, path: $TMP/a.csv }" \
	"ruletrace: --summary-json: open $shared/audit.csv: is owned by another user" \
	-j "$shared/audit.csv"
expect_eq "nobody's file untouched" "$(cat "$shared/audit.csv")" planted
rules "{ type: csv, path: $shared/audit.csv }"
st=0
"$RULETRACE" --check "$rules" >"$TMP/out" 2>"$TMP/err" || st=$?
expect_eq "--check of nobody's output file: exit status" "$st" 0
grep -qF "ruletrace: warning: $rules:3:3: output 'bad': open $shared/audit.csv: is owned by another user" \
	"$TMP/err" || { cat "$TMP/err"; fail "--check does not warn"; }
echo "ok: --check warns"

# --- --user: files created for that user, reopened by a reload ---
rm -f "$TMP/good.csv" "$TMP/j.json" "$TMP/s.json"
rules "{ type: json, path: $TMP/j.json }"
rt_start --user nobody -j "$TMP/s.json" "$rules"
for f in "$TMP/good.csv" "$TMP/j.json" "$TMP/s.json"; do
	expect_eq "--user: owner of $f" "$(stat -c '%U %a' "$f")" "nobody 640"
done
"$WORKLOAD" --comm rt-out --exec 2 -- /bin/true
# The two rows written before the rotation (the consumer may still hold them a
# moment after the workload ends).
for _ in $(seq 1 100); do [ "$(rows "$TMP/good.csv")" -ge 2 ] && break; sleep 0.02; done
# Rotated as logrotate's "create 0640 nobody" does: the reload opens the new file.
mv "$TMP/good.csv" "$TMP/good.csv.1"
install -o nobody -m 0640 /dev/null "$TMP/good.csv"
kill -HUP "$RT_PID"
for _ in $(seq 1 40); do grep -q "reload" "$TMP/err" && break; sleep 0.05; done
grep -qF "ruletrace: reloaded $rules: 1 rule" "$TMP/err" ||
	{ cat "$TMP/err"; fail "--user: the reload could not reopen the outputs"; }
"$WORKLOAD" --comm rt-out --exec 3 -- /bin/true
# A rule file nobody owns: refused at reload, as at start (the trusted uid is root's).
chown nobody "$rules"
kill -HUP "$RT_PID"
for _ in $(seq 1 40); do grep -q "reload failed" "$TMP/err" && break; sleep 0.05; done
grep -qF "ruletrace: reload: $rules is owned by another user (uid $nobody_uid, mode 0644)" \
	"$TMP/err" || { cat "$TMP/err"; fail "--user: reload accepted nobody's rule file"; }
"$WORKLOAD" --comm rt-out --exec 1 -- /bin/true
sleep 0.3
rt_stop INT
expect_eq "--user: exit status" "$RT_STATUS" 0
expect_eq "--user: rows before the rotation" "$(rows "$TMP/good.csv.1")" 2
expect_eq "--user: rows in the file reopened by the reload" "$(rows "$TMP/good.csv")" 4
expect_eq "--user: json lines, kept open by the reload" "$(grep -c '"event":"exec"' "$TMP/j.json")" 6
[ -s "$TMP/s.json" ] || fail "--user: no summary JSON"
st=0
"$RULETRACE" --user nobody -d 1s "$rules" >"$TMP/out" 2>"$TMP/err" || st=$?
expect_eq "--user: nobody's rule file at start: exit status" "$st" 2
grep -qF "ruletrace: $rules is owned by another user (uid $nobody_uid, mode 0644)" "$TMP/err" ||
	{ cat "$TMP/err"; fail "start: message"; }
echo "ok: --user reload reopens its files; a rule file nobody owns is refused at reload as at start"
