/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * prom.h - a summary's figures in the Prometheus text exposition format (0.0.4),
 * as a prometheus output writes them for node_exporter's textfile collector.
 * Pure: a summary in, text out. Every family always has its HELP and TYPE lines
 * and a series, zero or not, for each rule or output it applies to, so that a
 * rate() works from the first scrape.
 */
#ifndef PROM_H
#define PROM_H

#include <stdint.h>

#include "summary.h"
#include "util.h"

/*
 * The text of output out (an index into sum->sinks) appended to sb: the run's
 * families, every output's, and those of the rules that name out; each count
 * rule's counters as at most out's max_series series, largest first, the rest
 * counted in ruletrace_syscalls_cut_total and ruletrace_series_cut. written is
 * what out's own written figure shows: its file writes, this one included.
 */
void prom_format(struct strbuf *sb, const struct summary *sum, unsigned out, uint64_t written);

#endif /* PROM_H */
