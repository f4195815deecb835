/*
 * progress.c -- the calling thread's progress callback, and copies that
 * report to it as they go.
 */
#include "config.h"

#include <string.h>

#include "progress.h"
#include "strided.h"

/* Slices of this many bytes: a report every few tens of milliseconds at
 * memory speed, and well above strided.c's streaming threshold.  Tests
 * make it small, to cut small windows every way. */
static int64_t slice_bytes = (int64_t)64 << 20;

void ndshm__progress_set_slice(int64_t bytes)
{
    slice_bytes = bytes > 0 ? bytes : (int64_t)64 << 20;
}

static __thread struct {
    ndshm_progress_fn fn;
    void *ctx;
    uint64_t done, total;
    int unit;
} progress;

void ndshm_set_progress(ndshm_progress_fn fn, void *ctx)
{
    progress.fn = fn;
    progress.ctx = ctx;
}

void ndshm__progress_start(uint64_t total, int unit)
{
    progress.done = 0;
    progress.total = total;
    progress.unit = unit;
    if (progress.fn)
        progress.fn(0, total, unit, progress.ctx);
}

void ndshm__progress_add(uint64_t n)
{
    progress.done += n;
    if (progress.fn)
        progress.fn(progress.done, progress.total, progress.unit,
                    progress.ctx);
}

void ndshm__progress_end(void)
{
    if (progress.done != progress.total)
        ndshm__progress_add(progress.total - progress.done);
}

/* One copy of a sub-window, reported. */
static void copy_part(int ndim, const int64_t *shape, char *dst,
                      const int64_t *dst_strides, const char *src,
                      const int64_t *src_strides, size_t itemsize)
{
    ndshm__strided_copy(ndim, shape, dst, dst_strides, src, src_strides,
                        itemsize);
    int64_t bytes = (int64_t)itemsize;
    for (int i = 0; i < ndim; i++)
        bytes *= shape[i];
    ndshm__progress_add((uint64_t)bytes);
}

void ndshm__progress_copy(int ndim, const int64_t *shape, void *dst,
                          const int64_t *dst_strides, const void *src,
                          const int64_t *src_strides, size_t itemsize)
{
    int64_t count = 1;
    for (int i = 0; i < ndim; i++)
        count *= shape[i]; /* fits: the window lies inside a file */
    if (progress.fn == NULL || count == 0 || ndim == 0) {
        copy_part(ndim, shape, dst, dst_strides, src, src_strides, itemsize);
        return;
    }
    /* Axis k is cut: the axes after it fit in a slice whole (inner bytes
     * per index of k). */
    int k = ndim - 1;
    int64_t inner = (int64_t)itemsize;
    while (k > 0 && inner * shape[k] <= slice_bytes) {
        inner *= shape[k];
        k--;
    }
    int64_t outer = count * (int64_t)itemsize / (inner * shape[k]);
    int64_t sub[NDSHM_MAXDIMS];
    memcpy(sub, shape, (size_t)ndim * sizeof *sub);
    char *d = dst;
    const char *s = src;
    if (outer * inner <= slice_bytes) {
        /* Every index of the axes before k in each slice, so that the
         * kernels see the window's shape (a transpose stays tiled). */
        int64_t step = slice_bytes / (outer * inner);
        for (int64_t j = 0; j < shape[k]; j += step) {
            sub[k] = shape[k] - j < step ? shape[k] - j : step;
            copy_part(ndim, sub, d + j * dst_strides[k], dst_strides,
                      s + j * src_strides[k], src_strides, itemsize);
        }
        return;
    }
    /* The axes before k are too many for one slice even at one index of
     * k: they are walked one index at a time, and axis k cut for each. */
    int64_t step = slice_bytes / inner > 0 ? slice_bytes / inner : 1;
    int64_t idx[NDSHM_MAXDIMS];
    memset(idx, 0, sizeof idx);
    for (;;) {
        d = dst;
        s = src;
        for (int i = 0; i < k; i++) {
            d += idx[i] * dst_strides[i];
            s += idx[i] * src_strides[i];
        }
        for (int64_t j = 0; j < shape[k]; j += step) {
            sub[k] = shape[k] - j < step ? shape[k] - j : step;
            copy_part(ndim - k, sub + k, d + j * dst_strides[k],
                      dst_strides + k, s + j * src_strides[k],
                      src_strides + k, itemsize);
        }
        int i = k - 1;
        while (i >= 0 && ++idx[i] == shape[i])
            idx[i--] = 0;
        if (i < 0)
            break;
    }
}
