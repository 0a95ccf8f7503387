#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Least privilege: a rule file other users could change is refused (and --check
# warns); ruletrace traces with only CAP_BPF, CAP_PERFMON and CAP_DAC_READ_SEARCH
# as an ordinary user; --user drops to that user with no effective capabilities
# while events flow, and a reload after the drop can still attach a new probe.
. "$srcdir/lib.sh"
need_root
command -v setpriv >/dev/null || skip "setpriv (util-linux) not installed"
id nobody >/dev/null 2>&1 || skip "no user 'nobody'"
nobody_uid=$(id -u nobody)

# The rule files live where nobody can read them (lib.sh's $TMP is 0700).
chmod 711 "$TMP"
pub="$TMP/pub"
mkdir -m 755 "$pub"
cat >"$pub/rules.yaml" <<YAML
version: 1
rules:
  - name: execs
    probe: execve
    filter: { comm: [rt-priv] }
YAML
chmod 644 "$pub/rules.yaml"

# --- rule files others could change ---
refused() {	# refused WHAT FILE MESSAGE
	local st=0
	"$RULETRACE" -d 1s "$2" >"$TMP/out" 2>"$TMP/err" || st=$?
	expect_eq "$1: exit status" "$st" 2
	grep -qF "$3" "$TMP/err" || { cat "$TMP/err"; fail "$1: message '$3'"; }
	[ ! -s "$TMP/out" ] || fail "$1: something ran"
}
cp "$pub/rules.yaml" "$pub/world.yaml" && chmod 666 "$pub/world.yaml"
refused "world-writable" "$pub/world.yaml" \
	"$pub/world.yaml is writable by every user (uid 0, mode 0666): a privileged run refuses it"
cp "$pub/rules.yaml" "$pub/group.yaml" && chgrp nogroup "$pub/group.yaml" &&
	chmod 664 "$pub/group.yaml"
refused "group-writable" "$pub/group.yaml" "$pub/group.yaml is writable by its group"
cp "$pub/rules.yaml" "$pub/theirs.yaml" && chown nobody "$pub/theirs.yaml"
refused "another user's" "$pub/theirs.yaml" \
	"$pub/theirs.yaml is owned by another user (uid $nobody_uid, mode 0644)"
mkdir -m 777 "$TMP/open" && cp "$pub/rules.yaml" "$TMP/open/rules.yaml"
refused "in a world-writable directory" "$TMP/open/rules.yaml" \
	"$TMP/open/rules.yaml: directory $TMP/open is writable by every user"
chmod 1777 "$TMP/open"	# sticky, as /tmp: others cannot replace our file
"$RULETRACE" --check "$TMP/open/rules.yaml" >/dev/null 2>"$TMP/err" ||
	fail "a rule file in a sticky directory refused"
[ ! -s "$TMP/err" ] || { cat "$TMP/err"; fail "sticky directory: warning"; }
echo "ok: a sticky directory is accepted"
st=0
"$RULETRACE" --check "$pub/world.yaml" >"$TMP/out" 2>"$TMP/err" || st=$?
expect_eq "--check of a world-writable file: exit status" "$st" 0
grep -qF "ruletrace: warning: $pub/world.yaml is writable by every user" "$TMP/err" ||
	fail "--check does not warn"
echo "ok: --check warns"

# --- only the capabilities documented in ruletrace(8), as nobody ---
setpriv --reuid=nobody --regid=nogroup --clear-groups \
	--inh-caps=-all,+bpf,+perfmon,+dac_read_search \
	--ambient-caps=-all,+bpf,+perfmon,+dac_read_search \
	"$RULETRACE" --ready-fd 9 "$pub/rules.yaml" >"$TMP/out" 2>"$TMP/err" 9>"$TMP/ready-nobody" &
RT_PID=$!
rt_wait_ready "$RT_PID" "$TMP/ready-nobody"
grep -q "^CapEff:	000000c000000004$" "/proc/$RT_PID/status" ||
	{ grep ^Cap "/proc/$RT_PID/status"; fail "capability-limited run: unexpected CapEff"; }
expect_eq "capability-limited run: uid" "$(awk '/^Uid:/ { print $3 }' "/proc/$RT_PID/status")" \
	"$nobody_uid"
"$WORKLOAD" --comm rt-priv --exec 5 -- /bin/true
"$WORKLOAD" --comm rt-other --exec 3 -- /bin/true
rt_stop INT
expect_eq "capability-limited run: exit status" "$RT_STATUS" 0
expect_eq "capability-limited run: exec lines" "$(grep -c ' rt-priv .*/bin/true' "$TMP/out")" 5
grep -q "^execs: 5$" "$TMP/out" || { cat "$TMP/out"; fail "capability-limited run: execs"; }

# --- --user: events flow after the drop; a reload can still attach ---
cat >"$pub/rules.yaml" <<YAML
version: 1
rules:
  - name: calls
    probe: sys_enter
    mode: stream
    filter: { comm: [rt-priv], syscalls: [getppid] }
YAML
rt_start --user nobody -j "$TMP/s.json" "$pub/rules.yaml"
grep -q "running as nobody (uid $nobody_uid), no effective capabilities" "$TMP/err" ||
	fail "--user: no message"
status=/proc/$RT_PID/status
expect_eq "--user: Uid (real, effective, saved, fs)" \
	"$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "$status")" \
	"$nobody_uid $nobody_uid $nobody_uid $nobody_uid"
expect_eq "--user: CapEff" "$(awk '/^CapEff:/ { print $2 }' "$status")" 0000000000000000
expect_eq "--user: CapInh" "$(awk '/^CapInh:/ { print $2 }' "$status")" 0000000000000000
expect_eq "--user: Groups" "$(awk '/^Groups:/ { print $2 }' "$status")" "$(id -g nobody)"
"$WORKLOAD" --comm rt-priv --getppid 50

# A reload that needs what only the kept capabilities give (the execve
# tracepoint: its id in tracefs, a perf event) succeeds after the drop.
cat >>"$pub/rules.yaml" <<YAML
  - name: execs
    probe: execve
    filter: { comm: [rt-priv] }
YAML
kill -HUP "$RT_PID"
for _ in $(seq 1 100); do grep -q "reload" "$TMP/err" && break; sleep 0.05; done
grep -q "ruletrace: reloaded $pub/rules.yaml: 2 rules" "$TMP/err" ||
	{ cat "$TMP/err"; fail "--user: the reload could not attach execve"; }
expect_eq "--user: CapEff after the reload" "$(awk '/^CapEff:/ { print $2 }' "$status")" \
	0000000000000000
"$WORKLOAD" --comm rt-priv --exec 4 -- /bin/true
rt_stop INT
expect_eq "--user: exit status" "$RT_STATUS" 0
expect_eq "--user: getppid lines" "$(grep -c ' rt-priv .*getppid' "$TMP/out")" 50
expect_eq "--user: exec lines after the reload" "$(grep -c ' rt-priv .*/bin/true' "$TMP/out")" 4
[ -s "$TMP/s.json" ] || fail "--user: no summary JSON (opened before the drop)"
echo "ok: --user ran as nobody with no effective capabilities; events and reload worked"

refused_user() {
	local st=0
	"$RULETRACE" --user no-such-user-rt -d 1s "$pub/rules.yaml" >/dev/null 2>"$TMP/err" || st=$?
	expect_eq "--user of an unknown user: exit status" "$st" 2
	grep -qF "ruletrace: --user no-such-user-rt: no such user" "$TMP/err" || fail "unknown user message"
}
refused_user
