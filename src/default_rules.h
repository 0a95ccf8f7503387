/* SPDX-License-Identifier: GPL-2.0-only */
/* default_rules.h - rules/default.yaml compiled in (generated default_rules.c). */
#ifndef DEFAULT_RULES_H
#define DEFAULT_RULES_H

#include <stddef.h>

#define DEFAULT_RULES_NAME "<built-in default>"

extern const char default_rules_yaml[];
extern const size_t default_rules_yaml_len;

#endif /* DEFAULT_RULES_H */
