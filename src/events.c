// SPDX-License-Identifier: GPL-2.0-only
/* events.c - event buffer consumer: decode, route by rule mask, fan out to sinks. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>

#include <bpf/libbpf.h>

#include "events.h"
#include "syscalls.h"
#include "util.h"

/* The BPF side was compiled by another compiler: hold it to the same layout. */
_Static_assert(sizeof(struct rt_event_hdr) == 56, "rt_event_hdr layout");
_Static_assert(__builtin_offsetof(struct rt_exec_event, data) == 56 + 48,
	       "rt_exec_event layout");
_Static_assert(sizeof(struct rt_syscall_event) == 64, "rt_syscall_event layout");
_Static_assert(sizeof(struct rt_ruleset) == 8 * (RT_PROBE_MAX + 19 + RT_CG_KINDS + 2) +
	       4 * RT_CONTAINER_LENS + RT_MAX_RULES * (sizeof(struct rt_rate) + 4),
	       "rt_ruleset layout");
_Static_assert(sizeof(struct rt_cgroup_val) == 8 * (RT_CG_KINDS + 1), "rt_cgroup_val layout");
_Static_assert(sizeof(struct rt_cgroup_name_key) == RT_CGROUP_NAME_LEN + 8,
	       "rt_cgroup_name_key layout");
_Static_assert(sizeof(struct rt_rule_stats) == 5 * 8, "rt_rule_stats layout");
_Static_assert(sizeof(struct rt_filter_val) == 32, "rt_filter_val layout");
_Static_assert(sizeof(struct rt_count_key) == RT_COMM_LEN + 24, "rt_count_key layout");
_Static_assert(RT_MAX_RULES <= 64, "rule masks are __u64");

static void event_wall_time(const struct events *ev, __u64 ts_ns, struct timespec *wall)
{
	int64_t real = (int64_t)ts_ns + ev->mono_to_real_ns;

	wall->tv_sec = real / 1000000000;
	wall->tv_nsec = real % 1000000000;
}

/* Add one to the field at off of each slot of rules. */
static void events_count_slots(struct events *ev, __u64 rules, size_t off)
{
	size_t i;

	for (i = 0; i < RT_MAX_RULES && rules; i++, rules >>= 1)
		if (rules & 1)
			(*(uint64_t *)((char *)&ev->slot[i] + off))++;
}

/* The lowest a failed execve returns: the kernel's -MAX_ERRNO. */
#define EVENTS_MIN_RESULT (-4095)

/*
 * Whether exec record e of size bytes holds what its lengths say: the filename one
 * string that ends where filename_len says, no more argument bytes than the whole
 * argument area, a result that is 0 or an errno. The formatters trust all this.
 */
static bool exec_well_formed(const struct rt_exec_event *e, size_t size)
{
	size_t head = __builtin_offsetof(struct rt_exec_event, data);

	if (size < head || e->filename_len < 1 || e->filename_len > RT_FILENAME_LEN ||
	    e->args_len > RT_ARGS_MAX || size - head < (size_t)e->filename_len + e->args_len)
		return false;
	if (strnlen(e->data, e->filename_len) != e->filename_len - 1)
		return false;
	return e->args_total >= e->args_len && e->result <= 0 && e->result >= EVENTS_MIN_RESULT;
}

/*
 * The arguments in the first avail bytes at args: no more than argc of them (bytes
 * past the last are not arguments), the last cut short where avail ends in it;
 * what of the total bytes of the argument area is not shown is cut.
 */
static void exec_view_args(struct sink_exec *x, const char *args, size_t avail, __u32 total)
{
	const char *nul;
	size_t off = 0;

	x->args = args;
	x->args_shown = 0;
	x->last_partial = false;
	while (x->args_shown < x->argc && off < avail) {
		x->args_shown++;
		nul = memchr(args + off, '\0', avail - off);
		if (!nul) {
			x->last_partial = true;
			off = avail;
			break;
		}
		off = (size_t)(nul - args) + 1;
	}
	x->args_len = off;
	/* Whole ones <= argc: the loop stops there. */
	x->args_cut = x->argc - (x->args_shown - x->last_partial);
	x->bytes_cut = total - (__u32)x->args_len;	/* total >= avail >= off */
}

void events_exec_view(struct sink_exec *x, const struct rt_exec_event *e,
		      uint32_t max_argv_bytes)
{
	memset(x, 0, sizeof(*x));
	x->view_limit = max_argv_bytes;
	x->ppid = e->ppid;
	x->result = e->result;
	x->pcomm = e->pcomm;
	x->filename = e->data;
	x->filename_unread = e->flags & RT_EXEC_FILENAME_FAULT;
	x->filename_len = x->filename_unread ? 0 : e->filename_len - 1;
	x->filename_cut = !x->filename_unread && (e->flags & RT_EXEC_FILENAME_TRUNCATED);
	x->argc = e->argc;
	exec_view_args(x, e->data + e->filename_len,
		       e->args_len < max_argv_bytes ? e->args_len : max_argv_bytes,
		       e->args_total);	/* args_total >= args_len */
	x->exact = !(e->flags & RT_EXEC_ARGS_MORE);
	x->args_unread = e->flags & RT_EXEC_ARGS_FAULT;
}

void events_exec_narrow(struct sink_exec *x, const struct sink_exec *from,
			size_t max_argv_bytes)
{
	*x = *from;
	/* What from shows and what it cuts are the event's whole argument area. */
	exec_view_args(x, from->args, from->args_len < max_argv_bytes ? from->args_len :
		       max_argv_bytes, (__u32)from->args_len + from->bytes_cut);
}

/* Name cgroup id for se: its path, unit and container, found once per id in a row. */
static void events_label(struct events *ev, uint64_t id, struct sink_event *se)
{
	const char *path;

	if (!ev->cgroups || !id)
		return;
	if (ev->label.id != id) {
		ev->label.id = id;
		path = cgroups_path_of(ev->cgroups, id);
		ev->label.known = path != NULL;
		if (path) {
			snprintf(ev->label.path, sizeof(ev->label.path), "%s", path);
			ev->label.has_unit = cgroups_unit_of(ev->label.path, ev->label.unit);
			ev->label.has_container = cgroups_container_of(ev->label.path,
								       ev->label.container);
		}
	}
	if (!ev->label.known)
		return;
	se->cgroup = ev->label.path;
	se->unit = ev->label.has_unit ? ev->label.unit : NULL;
	se->container = ev->label.has_container ? ev->label.container : NULL;
}

/* Decode data into se (an exec into *exec, to be viewed per rule); 0 or -EINVAL. */
static int events_decode(struct events *ev, const void *data, size_t size,
			 struct sink_event *se, const struct rt_exec_event **exec)
{
	const struct rt_event_hdr *hdr = data;

	memset(se, 0, sizeof(*se));
	*exec = NULL;
	if (size < sizeof(*hdr))
		return -EINVAL;
	se->hdr = hdr;
	if (hdr->type == RT_EVENT_EXEC) {
		if (!exec_well_formed(data, size))
			return -EINVAL;
		*exec = data;
	} else if (hdr->type == RT_EVENT_SYSCALL) {
		if (size < sizeof(struct rt_syscall_event))
			return -EINVAL;
		se->sys = data;
		se->syscall_name = syscalls_name((unsigned long)se->sys->nr);
	} else {
		return -EINVAL;
	}
	event_wall_time(ev, hdr->ts_ns, &se->wall);
	events_label(ev, hdr->cgroup, se);
	return 0;
}

/*
 * Hand se to each output of the rule on slot sl, as that rule shows it: its name,
 * and an exec cut to its argument limit (x, viewed anew only when the limit is not
 * the one it was last viewed for).
 */
static void events_write(struct sink_event *se, const struct rt_exec_event *exec,
			 struct sink_exec *x, const struct events_slot *sl)
{
	size_t k;

	se->rule = sl->rule;
	se->slot = sl->index;
	if (exec && (!se->exec || x->view_limit != sl->max_argv_bytes)) {
		events_exec_view(x, exec, sl->max_argv_bytes);
		se->exec = x;
	}
	for (k = 0; k < sl->nsinks; k++)
		sink_write(sl->sinks[k], se);
}

/*
 * Deliver to the rules of only that took the event: a ring buffer's copy is its
 * rule's alone (its header names every rule it went to), a perf buffer's is for
 * them all. An exec is counted once, as its lowest rule's copy.
 */
static int events_deliver_to(struct events *ev, const void *data, size_t size, __u64 only)
{
	const struct rt_exec_event *exec;
	struct sink_event se;
	struct sink_exec x;
	bool delivered = false, first;
	__u64 rules;
	size_t i;

	if (events_decode(ev, data, size, &se, &exec)) {
		ev->malformed++;
		return -EINVAL;
	}
	if (!(se.hdr->rules & only)) {
		ev->malformed++;
		return -EINVAL;
	}
	if (events_done(ev)) {
		ev->past_max++;
		events_count_slots(ev, se.hdr->rules & only, offsetof(struct events_slot, past_max));
		return 0;
	}
	/*
	 * Each rule that took it, to each of its outputs, under its own name (with
	 * ring buffers each rule has its own copy; with perf buffers one copy names
	 * them all): two rules sharing an output write it there twice.
	 */
	rules = se.hdr->rules & only;
	first = !(se.hdr->rules & ((rules & -rules) - 1));	/* none below its lowest */
	for (i = 0; i < RT_MAX_RULES && rules; i++, rules >>= 1) {
		struct events_slot *sl = &ev->slot[i];

		if (!(rules & 1))
			continue;
		if (!sl->rule) {
			sl->retired_seen++;
			continue;
		}
		sl->delivered++;
		events_write(&se, exec, &x, sl);
		delivered = delivered || sl->nsinks;
	}
	if (delivered) {
		ev->delivered++;
		if (exec && first)
			ev->execs++;
	}
	return 0;
}

int events_deliver(struct events *ev, const void *data, size_t size)
{
	return events_deliver_to(ev, data, size, ~0ULL);
}

/* Read slot's events from the ring buffer map fd (-1: none), unless it does already. */
static int events_map_ring(struct events *ev, unsigned slot, int fd, char *err, size_t errlen)
{
	struct ringbuf *rb = &ev->ring[slot];
	struct epoll_event e = { .events = EPOLLIN, .data.u32 = slot };
	int ret;

	if (fd >= 0 && rb->data && rb->id == ringbuf_map_id(fd))
		return 0;
	/* Another ring, or none: the slot's last rule has no events left in this one. */
	ringbuf_close(rb);
	if (fd < 0)
		return 0;
	if ((ret = ringbuf_open(rb, fd)) != 0 ||
	    (epoll_ctl(ev->epfd, EPOLL_CTL_ADD, rb->fd, &e) && (ret = -errno))) {
		ringbuf_close(rb);
		snprintf(err, errlen, "read the event ring buffer of rule slot %u: %s", slot,
			 strerror(-ret));
		return ret;
	}
	return 0;
}

int events_route(struct events *ev, const struct plan *p, struct sink *const *sinks,
		 const int *ring_fd, char *err, size_t errlen)
{
	size_t i, j;
	int ret;

	for (i = 0; i < p->rules.nrules; i++) {
		const struct rules_rule *r = &p->rules.rules[i];
		unsigned slot = p->rule[i].slot % RT_MAX_RULES;
		struct events_slot *sl = &ev->slot[slot];

		if (ev->rings && (ret = events_map_ring(ev, slot, ring_fd[slot], err,
							     errlen)) != 0)
			return ret;
		if (p->rule[i].change == PLAN_RULE_NEW || p->rule[i].change == PLAN_RULE_REPLACED) {
			memset(sl, 0, sizeof(*sl));
			/* What outputs lost of the slot's last rule is not this one's. */
			for (j = 0; j < p->rules.noutputs; j++)
				sinks[j]->lost_by_slot[slot] = 0;
		}
		sl->rule = r->name;
		sl->index = slot;
		/* Never 0 once loaded; a rule made otherwise shows the default. */
		sl->max_argv_bytes = r->max_argv_bytes ? r->max_argv_bytes : RT_ARGS_DEFAULT;
		sl->retired = false;
		sl->nsinks = 0;
		for (j = 0; j < r->noutputs; j++)
			sl->sinks[sl->nsinks++] = sinks[r->outputs[j]];
	}
	return 0;
}

void events_retire(struct events *ev, unsigned slot, uint64_t owed)
{
	struct events_slot *sl = &ev->slot[slot % RT_MAX_RULES];

	sl->rule = NULL;
	sl->nsinks = 0;
	sl->retired = true;
	sl->owed = owed;
	sl->retired_seen = 0;
	/*
	 * A rule's own ring goes with it: what is left in it is counted already,
	 * and a rule that takes the slot later gets a ring of its own. Only a
	 * shared perf buffer holds the slot's events among others'.
	 */
	if (ev->rings) {
		ringbuf_close(&ev->ring[slot % RT_MAX_RULES]);
		sl->owed = 0;
	}
}

uint64_t events_busy_slots(const struct events *ev)
{
	uint64_t busy = 0;
	unsigned i;

	for (i = 0; i < RT_MAX_RULES; i++)
		if (ev->slot[i].retired && ev->slot[i].retired_seen < ev->slot[i].owed)
			busy |= 1ULL << i;
	return busy;
}

bool events_done(const struct events *ev)
{
	return ev->max_events && ev->delivered >= ev->max_events;
}

/* Stands for "stop consuming": libbpf passes a callback's negative value up. */
#define EVENTS_YIELD (-ECANCELED)

/* An event left unread at stop: counted against every rule it matched. */
static void events_count_unread(struct events *ev, const void *data, size_t size,
				__u64 only)
{
	if (size < sizeof(struct rt_event_hdr)) {
		ev->malformed++;
		return;
	}
	ev->unread++;
	events_count_slots(ev, ((const struct rt_event_hdr *)data)->rules & only,
			   offsetof(struct events_slot, unread));
}

/* Whether the consumer should hand the loop back: its slice is over or a signal came. */
static bool events_should_yield(struct events *ev)
{
	if (ev->interrupted && ev->interrupted())
		return true;
	if (++ev->slice_events < 64)
		return false;
	ev->slice_events = 0;
	return mono_seconds() >= ev->slice_end;
}

static int on_ringbuf(void *ctx, const void *data, size_t size)
{
	struct events *ev = ctx;
	__u64 only = 1ULL << ev->reading;

	if (ev->counting) {
		events_count_unread(ev, data, size, only);
		return 0;
	}
	/* A malformed event is counted, not a reason to stop. */
	events_deliver_to(ev, data, size, only);
	/* The ring has taken this record back already when the callback stops it. */
	if (events_should_yield(ev)) {
		ev->yielded = true;
		return EVENTS_YIELD;
	}
	return 0;
}

static void on_perf(void *ctx, int cpu, void *data, __u32 size)
{
	struct events *ev = ctx;

	(void)cpu;
	if (ev->counting) {
		events_count_unread(ev, data, size, ~0ULL);
		return;
	}
	if ((uintptr_t)data % _Alignof(struct rt_event_hdr)) {
		if (size > sizeof(ev->aligned)) {
			ev->malformed++;
			return;
		}
		memcpy(ev->aligned, data, size);
		data = ev->aligned;
	}
	events_deliver(ev, data, size);
}

static void on_perf_lost(void *ctx, int cpu, __u64 lost)
{
	struct events *ev = ctx;

	(void)cpu;
	ev->perf_lost += lost;
}

int events_open(struct events *ev, int perf_fd, const struct plan *p, char *err,
		size_t errlen)
{
	struct timespec mono, real;
	unsigned i;
	int ret;

	memset(ev, 0, sizeof(*ev));
	for (i = 0; i < RT_MAX_RULES; i++)
		ev->ring[i].fd = -1;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	ev->mono_to_real_ns = (real.tv_sec - mono.tv_sec) * 1000000000LL +
			      (real.tv_nsec - mono.tv_nsec);
	if (p->ringbuf) {
		if ((ev->epfd = epoll_create1(EPOLL_CLOEXEC)) >= 0) {
			ev->rings = true;
			return 0;
		}
		ret = -errno;
		snprintf(err, errlen, "epoll_create1: %s", strerror(-ret));
		return ret;
	}
	ev->pb = perf_buffer__new(perf_fd, p->buffer_size / 4096, on_perf, on_perf_lost, ev,
				  NULL);
	if (!ev->pb) {
		ret = -errno;
		snprintf(err, errlen, "open perf buffer: %s", strerror(-ret));
		return ret;
	}
	return 0;
}

int events_learn_cgroups(struct events *ev, int births_fd, char *err, size_t errlen)
{
	int ret;

	if (births_fd < 0 || !ev->cgroups)
		return 0;
	if ((ret = ringbuf_open(&ev->births, births_fd)) != 0)
		snprintf(err, errlen, "read the cgroup births ring buffer: %s", strerror(-ret));
	return ret;
}

/*
 * A cgroup made: named below ruletrace's mount as its parent is, plus its last
 * part (the kernel's path is from the hierarchy's root, which a cgroup namespace
 * hides); by the kernel's path when the parent is not known.
 */
static int on_birth(void *ctx, const void *data, size_t size)
{
	const struct rt_cgroup_birth *b = data;
	struct events *ev = ctx;
	const char *parent, *leaf;
	char path[CGROUPS_PATH_MAX];

	if (size < sizeof(*b) || !memchr(b->path, '\0', sizeof(b->path)))
		return 0;
	leaf = strrchr(b->path, '/');
	parent = b->parent ? cgroups_path_of(ev->cgroups, b->parent) : NULL;
	if (parent && leaf) {
		snprintf(path, sizeof(path), "%s/%s", strcmp(parent, "/") ? parent : "", leaf + 1);
		cgroups_learn(ev->cgroups, b->id, path);
	} else {
		cgroups_learn(ev->cgroups, b->id, b->path);
	}
	return 0;
}

/* What the kernel said of the cgroups made since: before the events from them. */
static void events_births(struct events *ev)
{
	bool stopped;

	if (ev->births.data)
		ringbuf_consume(&ev->births, INT_MAX, on_birth, ev, &stopped);
}

/*
 * One fair pass over the rings: each in turn hands over at most EVENTS_RING_TURN
 * records, round after round, until all are empty or the callback yields; the
 * next pass starts with the ring after the one that yielded. Records taken.
 */
static int events_rings_pass(struct events *ev)
{
	int total = 0, got, n;
	unsigned k, slot;
	bool stopped;

	do {
		got = 0;
		events_births(ev);
		for (k = 0; k < RT_MAX_RULES; k++) {
			slot = (ev->next_ring + k) % RT_MAX_RULES;
			if (!ev->ring[slot].data)
				continue;
			ev->reading = slot;
			n = ringbuf_consume(&ev->ring[slot], EVENTS_RING_TURN, on_ringbuf, ev,
					    &stopped);
			got += n;
			if (stopped) {
				ev->next_ring = (slot + 1) % RT_MAX_RULES;
				return total + got;
			}
		}
		total += got;
	} while (got);
	return total;
}

/*
 * Wait up to timeout_ms (-1: not at all) for a ring to have records, then a pass.
 * After a pass that found records, more are on their way: a short sleep lets them
 * gather rather than each one waking the loop (a wakeup costs the traced task
 * more than the record does). The rings hold far more than come in that time.
 */
static int events_rings_poll(struct events *ev, int timeout_ms)
{
	struct epoll_event e[RT_MAX_RULES];
	struct timespec gather = { 0, EVENTS_GATHER_US * 1000L };
	int n = 0, got;

	if (timeout_ms >= 0 && ev->busy && timeout_ms * 1000L >= EVENTS_GATHER_US)
		nanosleep(&gather, NULL);	/* a signal cuts it short: fine */
	else if (timeout_ms >= 0) {
		n = epoll_wait(ev->epfd, e, RT_MAX_RULES, timeout_ms);
		if (n < 0)
			return errno == EINTR ? 0 : -errno;
	}
	got = events_rings_pass(ev);
	ev->busy = got > 0;
	return got;
}

/* One bounded pass: a perf buffer pass is bounded by its size, a ring buffer's by yield. */
static int events_pass(struct events *ev, int timeout_ms, double slice_end)
{
	int ret;

	ev->slice_end = slice_end;
	ev->slice_events = 0;
	ev->yielded = false;
	if (ev->rings)
		return events_rings_poll(ev, timeout_ms);
	ret = timeout_ms >= 0 ? perf_buffer__poll(ev->pb, timeout_ms)
			      : perf_buffer__consume(ev->pb);
	return ret == -EINTR ? 0 : ret;
}

int events_poll(struct events *ev, int timeout_ms)
{
	return events_pass(ev, timeout_ms < 0 ? 0 : timeout_ms,
			   mono_seconds() + EVENTS_SLICE_MS / 1000.0);
}

int events_drain(struct events *ev, int limit_ms)
{
	double end = mono_seconds() + limit_ms / 1000.0;
	int ret, total = 0;

	/* Detached: the buffer only empties now, so each pass finds less. */
	while (!ev->counting) {
		ret = events_pass(ev, -1, end);
		if (ret < 0)
			return ret;
		total += ret;
		if (!ev->yielded)
			break;	/* the buffer is empty */
		if (mono_seconds() >= end || (ev->interrupted && ev->interrupted()))
			ev->counting = true;
	}
	if (ev->counting) {	/* out of time: the rest is counted, not delivered */
		ret = events_pass(ev, -1, end);
		if (ret < 0)
			return ret;
	}
	return total;
}

void events_close(struct events *ev)
{
	unsigned i;

	if (ev->rings) {
		for (i = 0; i < RT_MAX_RULES; i++)
			ringbuf_close(&ev->ring[i]);
		ringbuf_close(&ev->births);
		close(ev->epfd);
		ev->rings = false;
	}
	perf_buffer__free(ev->pb);
	ev->pb = NULL;
}
