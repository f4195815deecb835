/*
 * progress.h -- telling the callback of ndshm_set_progress how far a long
 * operation has got.  The callback is the calling thread's: operations
 * report from the thread that called them.
 */
#ifndef NDSHM_PROGRESS_H
#define NDSHM_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

#include "ndshm.h"

/* An operation of total units (NDSHM_PROGRESS_*) begins: reports 0. */
void ndshm__progress_start(uint64_t total, int unit);

/* n more units are done. */
void ndshm__progress_add(uint64_t n);

/* The operation is over: reports done == total if it has not yet. */
void ndshm__progress_end(void);

/*
 * ndshm__strided_copy, adding the bytes copied to the operation's report
 * (the caller starts it): with a callback set, the window is copied in
 * slices of at most 64 MiB (each still big enough for the streaming
 * stores of strided.c), with a report after each.
 */
void ndshm__progress_copy(int ndim, const int64_t *shape, void *dst,
                          const int64_t *dst_strides, const void *src,
                          const int64_t *src_strides, size_t itemsize);

/* For tests: slices of bytes bytes (0: the default, 64 MiB). */
void ndshm__progress_set_slice(int64_t bytes);

#endif
