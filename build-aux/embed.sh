#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# embed.sh FILE SYMBOL OUT.c: make FILE's bytes a C array SYMBOL plus SYMBOL_len,
# so the binary carries its default rules and runs from any directory.
set -e
in=$1 sym=$2 out=$3
tmp="$out.tmp"
{
	printf '/* Generated from %s by build-aux/embed.sh: do not edit. */\n' "$(basename "$in")"
	printf '#include <stddef.h>\n\nconst char %s[] = {\n' "$sym"
	od -An -v -tx1 "$in" | sed -e 's/  */ /g' -e 's/^ //' -e '/^$/d' \
		-e 's/\([0-9a-f][0-9a-f]\)/0x\1,/g' -e 's/^/\t/'
	printf '\t0x00\n};\nconst size_t %s_len = sizeof(%s) - 1;\n' "$sym" "$sym"
} >"$tmp"
mv "$tmp" "$out"
