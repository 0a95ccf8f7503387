# SPDX-License-Identifier: GPL-2.0-only
# cache.sh, sourced by fetch-kernel.sh and fetch-userland.sh: what they unpack is
# checksummed, and a directory whose files no longer match (a kernel cut short, a
# half-unpacked package) is fetched again rather than booted.

stamp() {	# stamp DIR: record the checksums of every file below DIR
	(cd "$1" && find . -type f ! -name '.sha256*' -exec sha256sum {} + >.sha256.tmp &&
		mv .sha256.tmp .sha256)
}

intact() {	# intact DIR: its files are still those stamp recorded
	[ -s "$1/.sha256" ] && (cd "$1" && sha256sum --check --quiet --status .sha256)
}
