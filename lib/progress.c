/*
 * progress.c -- the calling thread's progress callback, and copies that
 * report to it as they go.
 */
#include "config.h"

#include <string.h>

#include "progress.h"
#include "strided.h"

/* Slices of this many bytes: a report every few tens of milliseconds at
 * memory speed, and well above strided.c's streaming threshold. */
#define SLICE ((int64_t)64 << 20)

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

void ndshm__progress_copy(int ndim, const int64_t *shape, void *dst,
                          const int64_t *dst_strides, const void *src,
                          const int64_t *src_strides, size_t itemsize)
{
    int64_t count = 1;
    for (int i = 0; i < ndim; i++)
        count *= shape[i]; /* fits: the window lies inside a file */
    ndshm__progress_start((uint64_t)count * itemsize, NDSHM_PROGRESS_BYTES);
    if (progress.fn == NULL || count == 0 || ndim == 0) {
        ndshm__strided_copy(ndim, shape, dst, dst_strides, src, src_strides,
                            itemsize);
        ndshm__progress_add((uint64_t)count * itemsize);
        return;
    }
    /* Axis k is sliced: the axes after it fit in a slice whole (inner
     * bytes per index of k), the axes before it are walked one index at
     * a time. */
    int k = ndim - 1;
    int64_t inner = (int64_t)itemsize;
    while (k > 0 && inner * shape[k] <= SLICE) {
        inner *= shape[k];
        k--;
    }
    int64_t step = SLICE / inner > 0 ? SLICE / inner : 1;
    int64_t idx[NDSHM_MAXDIMS];
    memset(idx, 0, sizeof idx);
    for (;;) {
        char *d = dst;
        const char *s = src;
        for (int i = 0; i < k; i++) {
            d += idx[i] * dst_strides[i];
            s += idx[i] * src_strides[i];
        }
        for (int64_t j = 0; j < shape[k]; j += step) {
            int64_t sub[NDSHM_MAXDIMS];
            memcpy(sub, shape + k, (size_t)(ndim - k) * sizeof *sub);
            sub[0] = shape[k] - j < step ? shape[k] - j : step;
            ndshm__strided_copy(ndim - k, sub, d + j * dst_strides[k],
                                dst_strides + k, s + j * src_strides[k],
                                src_strides + k, itemsize);
            ndshm__progress_add((uint64_t)(sub[0] * inner));
        }
        int i = k - 1;
        while (i >= 0 && ++idx[i] == shape[i])
            idx[i--] = 0;
        if (i < 0)
            break;
    }
}
