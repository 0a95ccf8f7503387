#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A prometheus output's file written by two runs at once (an operator starting a
# second one with the same rule file): each says, once, that another writer
# replaced its file, as their figures then take turns in it. A run alone says
# nothing, through a reload that keeps the output and a file removed by hand.
# A directory the run cannot make files in (--user's, a read-only mount) is
# refused at start, exit 2, rather than failing every write.
. "$srcdir/lib.sh"
need_root

cat >"$TMP/r.yaml" <<YAML
version: 1
outputs:
  p: { type: prometheus, path: $TMP/d/r.prom, interval: 100ms }
rules:
  - { name: c, probe: sys_enter, filter: { comm: [rt-prom-two] }, outputs: [p] }
YAML
mkdir "$TMP/d"
warning="ruletrace: warning: output 'p' (prometheus): $TMP/d/r.prom was replaced since this run wrote it, by another writer (another ruletrace writing the same file?): the figures of both take turns in it"

# --- alone: a reload keeping the output, the file removed by hand ---
rt_start "$TMP/r.yaml"
sleep 0.5
hup "reloaded"
sleep 0.5
rm "$TMP/d/r.prom"
sleep 0.5
[ -f "$TMP/d/r.prom" ] || fail "alone: the removed file was not written again"
rt_stop INT
expect_eq "alone: exit status" "$RT_STATUS" 0
expect_eq "alone: warnings" "$(grep -c "warning" "$TMP/err")" 0

# --- two runs, one path ---
rt_start "$TMP/r.yaml"
first=$RT_PID
: >"$TMP/ready2"
"$RULETRACE" --ready-fd 9 "$TMP/r.yaml" >"$TMP/out2" 2>"$TMP/err2" 9>"$TMP/ready2" &
second=$!
rt_wait_ready "$second" "$TMP/ready2" "$TMP/err2"
# Each finds the other's file at its next write: 100 ms, 1 s at most here.
for _ in $(seq 1 100); do
	grep -qxF "$warning" "$TMP/err" && grep -qxF "$warning" "$TMP/err2" && break
	sleep 0.01
done
sleep 0.5	# more writes of both: still said once
kill -INT "$second"
st2=0
wait "$second" || st2=$?
rt_stop INT
expect_eq "second run: exit status" "$st2" 0
expect_eq "first run: exit status" "$RT_STATUS" 0
expect_eq "first run: warnings" "$(grep -cxF "$warning" "$TMP/err")" 1
expect_eq "second run: warnings" "$(grep -cxF "$warning" "$TMP/err2")" 1
expect_eq "files left" "$(ls -A "$TMP/d")" r.prom

# --- a directory the run cannot make files in: refused at start (2), not at every write ---
id nobody >/dev/null 2>&1 || skip "no user nobody"
mkdir -m 755 "$TMP/u"
cat >"$TMP/u.yaml" <<YAML
version: 1
outputs:
  p: { type: prometheus, path: $TMP/u/r.prom, interval: 100ms }
rules:
  - { name: c, probe: sys_enter, filter: { comm: [rt-prom-user] }, outputs: [p] }
YAML
st=0
"$RULETRACE" --ready-fd 9 --user nobody "$TMP/u.yaml" >"$TMP/out" 2>"$TMP/err" 9>"$TMP/ready" || st=$?
expect_eq "--user, a directory only root writes: exit status" "$st" 2
expect_eq "--user, a directory only root writes: message" "$(cat "$TMP/err")" \
	"ruletrace: $TMP/u.yaml:3:3: output 'p': open $TMP/u/r.prom: the --user user cannot make files in its directory: Permission denied"
[ -s "$TMP/ready" ] && fail "--user, a directory only root writes: attached anyway"
# The user's own directory, below one the user cannot search ($TMP: 0700): refused.
chown nobody "$TMP/u"
st=0
"$RULETRACE" --ready-fd 9 --user nobody "$TMP/u.yaml" >"$TMP/out" 2>"$TMP/err" 9>"$TMP/ready" || st=$?
expect_eq "--user, a directory the user cannot reach: exit status" "$st" 2
grep -qF "the --user user cannot make files in its directory: Permission denied" "$TMP/err" ||
	{ cat "$TMP/err"; fail "--user, a directory the user cannot reach: message"; }
# Reachable: written as that user.
chmod 711 "$TMP"
rt_start --user nobody "$TMP/u.yaml"
sleep 0.3
rt_stop INT
expect_eq "--user, the user's directory: exit status" "$RT_STATUS" 0
expect_eq "--user, the user's directory: the file's owner" "$(stat -c %U "$TMP/u/r.prom")" nobody
rm "$TMP/u/r.prom"
chown root "$TMP/u"
chmod 700 "$TMP"
# A read-only mount, without --user.
mkdir "$TMP/ro"
mount --bind "$TMP/u" "$TMP/ro" || skip "cannot bind-mount"
trap 'umount "$TMP/ro" 2>/dev/null; cleanup' EXIT
mount -o remount,bind,ro "$TMP/ro" || skip "cannot remount read-only"
sed "s#$TMP/u/#$TMP/ro/#" "$TMP/u.yaml" >"$TMP/ro.yaml"
st=0
"$RULETRACE" --ready-fd 9 "$TMP/ro.yaml" >"$TMP/out" 2>"$TMP/err" 9>"$TMP/ready" || st=$?
expect_eq "a read-only directory: exit status" "$st" 2
expect_eq "a read-only directory: message" "$(cat "$TMP/err")" \
	"ruletrace: $TMP/ro.yaml:3:3: output 'p': open $TMP/ro/r.prom: this run cannot make files in its directory: Read-only file system"
