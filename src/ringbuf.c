// SPDX-License-Identifier: GPL-2.0-only
/* ringbuf.c - read a BPF ring buffer map through its shared pages (ringbuf.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "ringbuf.h"

/* Records taken between two stores of our position: each store is a cache line
 * the producing CPUs read, so not one per record; but never more than a sixteenth
 * of the ring held back from the kernel (exec records are large). */
#define RINGBUF_RELEASE_EVERY 64

uint32_t ringbuf_map_id(int map_fd)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return 0;
	return info.id;
}

int ringbuf_open(struct ringbuf *rb, int map_fd)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	void *p;
	int ret;

	memset(rb, 0, sizeof(*rb));
	rb->fd = -1;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return -errno;
	if (info.type != BPF_MAP_TYPE_RINGBUF || !info.max_entries ||
	    info.max_entries & (info.max_entries - 1))
		return -EINVAL;
	rb->fd = fcntl(map_fd, F_DUPFD_CLOEXEC, 3);
	if (rb->fd < 0)
		return -errno;
	rb->id = info.id;
	rb->size = info.max_entries;	/* from here ringbuf_close closes fd */
	rb->page = (size_t)sysconf(_SC_PAGESIZE);
	p = mmap(NULL, rb->page, PROT_READ | PROT_WRITE, MAP_SHARED, rb->fd, 0);
	if (p == MAP_FAILED)
		goto fail;
	rb->consumer_pos = p;
	p = mmap(NULL, rb->page + 2 * rb->size, PROT_READ, MAP_SHARED, rb->fd,
		 (off_t)rb->page);
	if (p == MAP_FAILED)
		goto fail;
	rb->producer_pos = p;
	rb->data = (const char *)p + rb->page;
	return 0;
fail:
	ret = -errno;
	ringbuf_close(rb);
	return ret;
}

bool ringbuf_pending(const struct ringbuf *rb)
{
	if (!rb->data)
		return false;
	return __atomic_load_n(rb->consumer_pos, __ATOMIC_RELAXED) <
	       __atomic_load_n(rb->producer_pos, __ATOMIC_ACQUIRE);
}

int ringbuf_consume(struct ringbuf *rb, int max, ringbuf_fn fn, void *ctx, bool *stopped)
{
	unsigned long cons, prod, released;
	int taken = 0, since = 0, ret = 0;

	*stopped = false;
	if (!rb->data)
		return 0;
	cons = released = __atomic_load_n(rb->consumer_pos, __ATOMIC_RELAXED);
	prod = __atomic_load_n(rb->producer_pos, __ATOMIC_ACQUIRE);
	while (taken < max) {
		const __u32 *hdr;
		__u32 len;

		if (cons >= prod) {
			/* What was committed meanwhile is taken in the same turn. */
			prod = __atomic_load_n(rb->producer_pos, __ATOMIC_ACQUIRE);
			if (cons >= prod)
				break;
		}
		hdr = (const __u32 *)(rb->data + (cons & (rb->size - 1)));
		len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		if (len & BPF_RINGBUF_BUSY_BIT)
			break;	/* reserved, not committed yet: records after it wait */
		cons += ((len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT)) +
			 BPF_RINGBUF_HDR_SZ + 7) & ~7UL;
		taken++;
		if (!(len & BPF_RINGBUF_DISCARD_BIT))
			ret = fn(ctx, hdr + 2, len & ~(BPF_RINGBUF_BUSY_BIT |
						       BPF_RINGBUF_DISCARD_BIT));
		if (ret) {
			*stopped = true;
			break;
		}
		if (++since == RINGBUF_RELEASE_EVERY || cons - released >= rb->size / 16) {
			/* The record is read: the kernel may write over it now. */
			__atomic_store_n(rb->consumer_pos, cons, __ATOMIC_RELEASE);
			released = cons;
			since = 0;
		}
	}
	__atomic_store_n(rb->consumer_pos, cons, __ATOMIC_RELEASE);
	return taken;
}

void ringbuf_close(struct ringbuf *rb)
{
	if (rb->consumer_pos)
		munmap(rb->consumer_pos, rb->page);
	if (rb->producer_pos)
		munmap((void *)rb->producer_pos, rb->page + 2 * rb->size);
	if (rb->fd > 0 && rb->size)
		close(rb->fd);
	memset(rb, 0, sizeof(*rb));
	rb->fd = -1;
}
