/* strided.h -- copy and fill kernels over strided windows (internal). */
#ifndef NDSHM_STRIDED_H
#define NDSHM_STRIDED_H

#include <stddef.h>
#include <stdint.h>

#include "ndshm.h"

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
