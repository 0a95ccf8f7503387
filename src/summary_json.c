// SPDX-License-Identifier: GPL-2.0-only
/* summary_json.c - the exit summary as one JSON object. */
#include <string.h>
#include <sys/utsname.h>

#include "config.h"
#include "escape.h"
#include "sink_format.h"
#include "summary_json.h"
#include "syscalls.h"

static void json_comms(struct strbuf *out, const char *key, char (*const v)[RT_COMM_LEN],
		       size_t n)
{
	size_t i;

	strbuf_addf(out, ",\"%s\":[", key);
	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addc(out, ',');
		escape_json_string(out, v[i], strnlen(v[i], RT_COMM_LEN));
	}
	strbuf_addc(out, ']');
}

static void json_nums(struct strbuf *out, const char *key, const uint32_t *v, size_t n)
{
	size_t i;

	strbuf_addf(out, ",\"%s\":[", key);
	for (i = 0; i < n; i++)
		strbuf_addf(out, "%s%u", i ? "," : "", v[i]);
	strbuf_addc(out, ']');
}

static void json_syscalls(struct strbuf *out, const char *key, const struct rules_filter *f)
{
	size_t i;

	strbuf_addf(out, ",\"%s\":[", key);
	for (i = 0; i < f->nsys; i++)
		strbuf_addf(out, "%s\"%s\"", i ? "," : "", syscalls_name(f->sys[i]));
	strbuf_addc(out, ']');
}

static void json_strings(struct strbuf *out, const char *key, char *const *v, size_t n)
{
	size_t i;

	strbuf_addf(out, ",\"%s\":[", key);
	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addc(out, ',');
		escape_json_string(out, v[i], strlen(v[i]));
	}
	strbuf_addc(out, ']');
}

static void json_filter(struct strbuf *out, const struct rules_rule *rule)
{
	strbuf_adds(out, ",\"filter\":{\"follow\":");
	strbuf_adds(out, rule->follow ? "true" : "false");
	json_comms(out, "comm", rule->include.comm, rule->include.ncomm);
	json_nums(out, "pid", rule->include.pid, rule->include.npid);
	json_nums(out, "uid", rule->include.uid, rule->include.nuid);
	json_syscalls(out, "syscalls", &rule->include);
	json_comms(out, "exclude_comm", rule->exclude.comm, rule->exclude.ncomm);
	json_nums(out, "exclude_pid", rule->exclude.pid, rule->exclude.npid);
	json_nums(out, "exclude_uid", rule->exclude.uid, rule->exclude.nuid);
	json_syscalls(out, "exclude_syscalls", &rule->exclude);
	json_strings(out, "cgroup", rule->include.cgroup, rule->include.ncgroup);
	json_strings(out, "unit", rule->include.unit, rule->include.nunit);
	json_strings(out, "container", rule->include.container, rule->include.ncontainer);
	json_strings(out, "exclude_cgroup", rule->exclude.cgroup, rule->exclude.ncgroup);
	json_strings(out, "exclude_unit", rule->exclude.unit, rule->exclude.nunit);
	json_strings(out, "exclude_container", rule->exclude.container,
		     rule->exclude.ncontainer);
	json_comms(out, "program", rule->include.program, rule->include.nprogram);
	json_comms(out, "exclude_program", rule->exclude.program, rule->exclude.nprogram);
	strbuf_addc(out, '}');
}

/* "rate_limit":{"events":E,"per_ms":P,"burst":B}, or null for a rule without one. */
static void json_rate(struct strbuf *out, const struct rules_rate *rate)
{
	if (!rate->events) {
		strbuf_adds(out, ",\"rate_limit\":null");
		return;
	}
	strbuf_addf(out, ",\"rate_limit\":{\"events\":%llu,\"per_ms\":%llu,\"burst\":%llu}",
		    (unsigned long long)rate->events, (unsigned long long)rate->per_ms,
		    (unsigned long long)rate->burst);
}

/* Each of the rule's outputs, by name: how many of its events that one did not write. */
static void json_outputs_lost(struct strbuf *out, const struct summary *sum,
			      const struct summary_rule *sr)
{
	const struct rules_rule *rule = sr->rule;
	size_t i;

	strbuf_adds(out, ",\"outputs_lost\":{");
	for (i = 0; i < rule->noutputs; i++) {
		const char *name = sum->sinks[rule->outputs[i]].output->name;

		if (i)
			strbuf_addc(out, ',');
		escape_json_string(out, name, strlen(name));
		strbuf_addf(out, ":%llu", (unsigned long long)sr->output_lost[rule->outputs[i]]);
	}
	strbuf_addc(out, '}');
}

/*
 * A stream rule's figures: matched = events + suppressed + lost_in_kernel +
 * unread_at_stop + not_delivered_after_max_events; then each loss by where.
 */
static void json_stream(struct strbuf *out, const struct summary *sum,
			const struct summary_rule *sr)
{
	strbuf_addf(out, ",\"events\":%llu,\"matched\":%llu,\"lost_in_kernel\":%llu,"
		    "\"unread_at_stop\":%llu,\"not_delivered_after_max_events\":%llu,"
		    "\"suppressed\":%llu", (unsigned long long)sr->delivered,
		    (unsigned long long)sr->matched, (unsigned long long)sr->lost,
		    (unsigned long long)sr->unread, (unsigned long long)sr->past_max,
		    (unsigned long long)sr->suppressed);
	json_rate(out, &sr->rule->rate);
	strbuf_addf(out, ",\"lost\":{\"event_buffer\":%llu,\"unread_at_stop\":%llu,"
		    "\"follow_map_full\":%llu,\"outputs\":%llu}", (unsigned long long)sr->lost,
		    (unsigned long long)sr->unread, (unsigned long long)sr->follow_full,
		    (unsigned long long)sr->outputs_lost);
	json_outputs_lost(out, sum, sr);
	strbuf_addc(out, '}');
}

static const char *json_bool(bool b)
{
	return b ? "true" : "false";
}

/*
 * "expect":[{"measure","min","max","value","exact","bound","met","undecided",
 * "why"}]: the rule's expectations judged, max null for none, why null when the
 * figure is exact.
 */
static void json_expect(struct strbuf *out, const struct expect_report *r,
			const struct rules_rule *rule)
{
	bool first = true;
	size_t i;

	strbuf_adds(out, ",\"expect\":[");
	for (i = 0; r && i < r->n; i++) {
		const struct expect_result *x = &r->results[i];

		if (x->rule != rule)
			continue;
		strbuf_addf(out, "%s{\"measure\":\"%s\",\"min\":%llu,\"max\":", first ? "" : ",",
			    rules_measure_name(x->measure), (unsigned long long)x->min);
		if (x->max == UINT64_MAX)
			strbuf_adds(out, "null");
		else
			strbuf_addf(out, "%llu", (unsigned long long)x->max);
		strbuf_addf(out, ",\"value\":%llu,\"exact\":%s,\"bound\":\"%s\",\"met\":%s,"
			    "\"undecided\":%s,\"why\":", (unsigned long long)x->value,
			    json_bool(x->bound == EXPECT_EXACT), expect_bound_name(x->bound),
			    json_bool(x->verdict == EXPECT_MET),
			    json_bool(x->verdict == EXPECT_UNDECIDED));
		if (x->why[0])
			escape_json_string(out, x->why, strlen(x->why));
		else
			strbuf_adds(out, "null");
		strbuf_addc(out, '}');
		first = false;
	}
	strbuf_addc(out, ']');
}

static void json_rule(struct strbuf *out, const struct summary *sum,
		      const struct summary_rule *sr, const struct expect_report *expect)
{
	const struct rules_rule *rule = sr->rule;
	size_t i;
	bool first = true;

	strbuf_adds(out, "{\"name\":");
	escape_json_string(out, rule->name, strlen(rule->name));
	strbuf_addf(out, ",\"probe\":\"%s\",\"mode\":\"%s\",\"attach\":\"%s\"",
		    rules_probe_name(rule->probe), rules_mode_name(rule->mode), sr->attach);
	json_filter(out, rule);
	json_expect(out, expect, rule);
	if (rule->mode == RULES_MODE_STREAM) {
		json_stream(out, sum, sr);
		return;
	}
	strbuf_adds(out, ",\"group_by\":[");
	for (i = 0; i < RULES_GROUP_KINDS; i++) {
		if (!(rule->group_by & (1u << i)))
			continue;
		strbuf_addf(out, "%s\"%s\"", first ? "" : ",", rules_group_name((unsigned)i));
		first = false;
	}
	strbuf_addf(out, "],\"events\":%llu,", (unsigned long long)sr->counted);
	sink_format_json_counts(out, sr);
	strbuf_addf(out, ",\"lost\":{\"count_map_full\":%llu,\"follow_map_full\":%llu}}",
		    (unsigned long long)sr->count_full, (unsigned long long)sr->follow_full);
}

static void json_time(struct strbuf *out, const char *key, const struct timespec *ts)
{
	strbuf_addf(out, "\"%s\":\"", key);
	sink_format_rfc3339(out, ts);
	strbuf_adds(out, "\",");
}

void summary_json_format(struct strbuf *out, const struct summary *sum,
			 const struct summary_json_run *run)
{
	uint64_t kernel_lost = 0, sinks_lost = 0, unread = 0;
	struct utsname u;
	size_t i;

	if (uname(&u))
		strcpy(u.release, "unknown");
	strbuf_adds(out, "{\"ruletrace\":\"" PACKAGE_VERSION "\",\"kernel\":");
	escape_json_string(out, u.release, strlen(u.release));
	strbuf_adds(out, ",\"arch\":\"" SYSCALLS_ARCH "\",\"rules_file\":");
	escape_json_string(out, run->rules_path, strlen(run->rules_path));
	strbuf_addc(out, ',');
	json_time(out, "start", &run->start);
	json_time(out, "end", &run->end);
	strbuf_addf(out, "\"duration_s\":%.3f,\"exit_status\":%d,", sum->run_seconds,
		    run->exit_status);
	if (run->max_events)
		strbuf_addf(out, "\"max_events\":%llu,", (unsigned long long)run->max_events);
	else
		strbuf_adds(out, "\"max_events\":null,");
	strbuf_addf(out, "\"execs\":%llu,\"suppressed\":%llu,\"rules\":[",
		    (unsigned long long)sum->execs, (unsigned long long)summary_suppressed(sum));
	for (i = 0; i < sum->nrules; i++) {
		if (i)
			strbuf_addc(out, ',');
		json_rule(out, sum, &sum->rules[i], run->expect);
		kernel_lost += sum->rules[i].lost;
		unread += sum->rules[i].unread;
	}
	strbuf_adds(out, "],\"outputs\":[");
	for (i = 0; i < sum->nsinks; i++) {
		const struct summary_sink *ss = &sum->sinks[i];

		strbuf_addf(out, "%s{\"name\":", i ? "," : "");
		escape_json_string(out, ss->output->name, strlen(ss->output->name));
		strbuf_addf(out, ",\"type\":\"%s\",\"written\":%llu,\"lost\":%llu,"
			    "\"dropped\":%llu,", rules_output_type_name(ss->output->type),
			    (unsigned long long)ss->written, (unsigned long long)ss->lost,
			    (unsigned long long)ss->dropped);
		/* Its written counts file writes: it takes no events. */
		if (ss->output->type == RULES_OUT_PROMETHEUS)
			strbuf_addf(out, "\"failed_writes\":%llu,",
				    (unsigned long long)ss->failed_writes);
		strbuf_adds(out, "\"error\":");
		if (ss->error) {
			const char *e = strerror(-ss->error);

			escape_json_string(out, e, strlen(e));
		} else {
			strbuf_adds(out, "null");
		}
		strbuf_addc(out, '}');
		sinks_lost += ss->lost;
	}
	strbuf_addf(out, "],\"lost\":{\"total\":%llu,\"event_buffer\":%llu,"
		    "\"unread_at_stop\":%llu,\"count_map_full\":%llu,\"follow_map_full\":%llu,"
		    "\"outputs\":%llu,\"removed_rules\":%llu,\"cgroup_filter_full\":%llu},"
		    "\"not_delivered_after_max_events\":%llu,\"reloads\":[",
		    (unsigned long long)summary_lost(sum), (unsigned long long)kernel_lost,
		    (unsigned long long)unread, (unsigned long long)sum->count_map_full,
		    (unsigned long long)sum->follow_map_full, (unsigned long long)sinks_lost,
		    (unsigned long long)sum->removed_lost,
		    (unsigned long long)sum->cgroup_filter_full,
		    (unsigned long long)run->past_max);
	for (i = 0; i < sum->reloads && i < ARRAY_SIZE(sum->reload_at); i++)
		strbuf_addf(out, "%s%.3f", i ? "," : "", sum->reload_at[i]);
	strbuf_addf(out, "],\"reload_count\":%u,", sum->reloads);
	if (run->expect)
		strbuf_addf(out, "\"expectations\":{\"met\":%u,\"failed\":%u,\"undecided\":%u}}\n",
			    run->expect->met, run->expect->failed, run->expect->undecided);
	else
		strbuf_adds(out, "\"expectations\":{\"met\":0,\"failed\":0,\"undecided\":0}}\n");
}
