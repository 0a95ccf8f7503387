// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_rules.c - libFuzzer target for everything a rule file reaches before the
 * kernel: the YAML loader, validation and the encoding into BPF map contents.
 * Built and run by `make fuzz` (clang, -fsanitize=fuzzer,address,undefined).
 */
#include <stddef.h>
#include <stdint.h>

#include "rules.h"
#include "settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct settings s;
	struct rules r;
	char err[2048];

	if (rules_load_buffer("fuzz", (const char *)data, size, &r, err, sizeof(err)))
		return 0;
	if (!settings_build(&r, NULL, &s, err, sizeof(err)))
		settings_free(&s);
	rules_free(&r);
	return 0;
}
