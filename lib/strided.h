/* strided.h -- copy and fill kernels over strided windows (internal). */
#ifndef NDSHM_STRIDED_H
#define NDSHM_STRIDED_H

#include <stddef.h>
#include <stdint.h>

#include "ndshm.h"

/*
 * A copy this large streams its stores past the cache (on x86-64).  An
 * ordinary store first reads the line it writes into (read for
 * ownership), so a copy out of cache moves three bytes over the memory bus
 * for every byte it copies; a streaming store moves two.  Below the size
 * of a last-level cache the data is better left in it for the caller.  A
 * fixed size, because the L3 size virtual machines report (320 MiB on the
 * build machine) is that of the whole socket; glibc's memcpy takes its own
 * threshold from that figure and so does not stream a 128 MiB copy there.
 */
#define NDSHM__STREAM_MIN ((size_t)16 << 20)

/*
 * Copy every element of an ndim-dimensional window of shape from src (with
 * src_strides) to dst (with dst_strides).  Strides are in bytes and may be
 * negative or zero (for src: broadcasting).  The windows must not overlap.
 */
void ndshm__strided_copy(int ndim, const int64_t *shape, void *dst,
                         const int64_t *dst_strides, const void *src,
                         const int64_t *src_strides, size_t itemsize);

/* Set every element of the window at dst to the itemsize bytes at value. */
void ndshm__strided_fill(int ndim, const int64_t *shape, void *dst,
                         const int64_t *dst_strides, const void *value,
                         size_t itemsize);

/*
 * Copy converting every element from src_type to dst_type, with
 * ndshm_convert's checks: NDSHM_ERANGE (elements before the refused one
 * may have been written).
 */
int ndshm__strided_convert(int ndim, const int64_t *shape, void *dst,
                           const int64_t *dst_strides, ndshm_dtype dst_type,
                           const void *src, const int64_t *src_strides,
                           ndshm_dtype src_type);

/* C-contiguous strides for shape. */
void ndshm__contiguous_strides(int ndim, const int64_t *shape, size_t itemsize,
                               int64_t *strides);

#endif
