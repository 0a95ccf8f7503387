/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ringbuf.h - one BPF ring buffer map, mapped for reading: its records in order,
 * a bounded number at a time, so that a consumer of many rings can take turns.
 * libbpf's ring_buffer reads a ring until it is empty, which a ring that fills as
 * fast as it is read never is.
 */
#ifndef RINGBUF_H
#define RINGBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ringbuf {
	int fd;				/* our own descriptor of the map: -1 when closed */
	uint32_t id;			/* the map's id: which ring this is */
	unsigned long *consumer_pos;	/* the page we write */
	const unsigned long *producer_pos;	/* ... and the pages the kernel writes */
	const char *data;		/* the ring, mapped twice in a row: a record that
					 * wraps reads as one piece */
	size_t size;			/* bytes of the ring, a power of two */
	size_t page;
};

/* Handed each record; 0 to go on, else consumption stops after this record. */
typedef int (*ringbuf_fn)(void *ctx, const void *data, size_t size);

/*
 * Map the ring buffer map map_fd (which the caller keeps and may close).
 * 0 or -errno.
 */
int ringbuf_open(struct ringbuf *rb, int map_fd);

/* The id of the map map_fd, 0 when it cannot be told. */
uint32_t ringbuf_map_id(int map_fd);

/*
 * Hand at most max records to fn, in order. Returns the records taken (a
 * discarded one included); *stopped says whether fn stopped it (after taking
 * the record it was handed).
 */
int ringbuf_consume(struct ringbuf *rb, int max, ringbuf_fn fn, void *ctx, bool *stopped);

/* Whether the kernel has committed records not read yet. */
bool ringbuf_pending(const struct ringbuf *rb);

/* Unmap and close; safe on a closed or zeroed ring. */
void ringbuf_close(struct ringbuf *rb);

#endif /* RINGBUF_H */
