/*
 * strided.c -- the hot path: moving elements between strided windows.
 * Dimensions of length 1 are dropped and adjacent dimensions that are
 * contiguous in every operand are merged, so that a contiguous window
 * becomes one memcpy and most others a short loop over long rows.
 */
#include "config.h"

#include <string.h>

#include "ndshm.h"
#include "strided.h"

/* A window simplified for iteration: at most NDSHM_MAXDIMS dimensions. */
struct loop {
    int ndim;
    int64_t shape[NDSHM_MAXDIMS];
    int64_t stride[2][NDSHM_MAXDIMS]; /* [0] dst, [1] src */
};

/* Returns 0 when the window is empty. */
static int simplify(struct loop *l, int ndim, const int64_t *shape,
                    const int64_t *ds, const int64_t *ss, int nops)
{
    l->ndim = 0;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] == 0)
            return 0;
        if (shape[i] == 1)
            continue;
        int k = l->ndim;
        l->shape[k] = shape[i];
        l->stride[0][k] = ds[i];
        l->stride[1][k] = nops > 1 ? ss[i] : 0;
        /* merge into the previous (outer) dimension when contiguous */
        if (k > 0 && l->stride[0][k - 1] == ds[i] * shape[i] &&
            (nops < 2 || l->stride[1][k - 1] == ss[i] * shape[i])) {
            l->shape[k - 1] *= shape[i];
            l->stride[0][k - 1] = ds[i];
            l->stride[1][k - 1] = l->stride[1][k];
            continue;
        }
        l->ndim++;
    }
    return 1;
}

/* One row: n elements, typed moves for the common sizes. */
static void copy_row(char *d, int64_t ds, const char *s, int64_t ss, int64_t n,
                     size_t size)
{
    if (ds == (int64_t)size && ss == (int64_t)size) {
        memcpy(d, s, (size_t)n * size);
        return;
    }
#define ROW(SZ)                                                               \
    for (int64_t i = 0; i < n; i++, d += ds, s += ss)                         \
        memcpy(d, s, SZ);                                                     \
    return;
    switch (size) {
    case 1: ROW(1)
    case 2: ROW(2)
    case 4: ROW(4)
    case 8: ROW(8)
    case 16: ROW(16)
    default: ROW(size)
    }
#undef ROW
}

static void fill_row(char *d, int64_t ds, const void *v, int64_t n,
                     size_t size)
{
#define ROW(SZ)                                                               \
    for (int64_t i = 0; i < n; i++, d += ds)                                  \
        memcpy(d, v, SZ);                                                     \
    return;
    switch (size) {
    case 1:
        if (ds == 1) {
            memset(d, *(const unsigned char *)v, (size_t)n);
            return;
        }
        ROW(1)
    case 2: ROW(2)
    case 4: ROW(4)
    case 8: ROW(8)
    case 16: ROW(16)
    default: ROW(size)
    }
#undef ROW
}

static void run(struct loop *l, char *dst, const char *src, const void *value,
                size_t size)
{
    if (l->ndim == 0) {
        if (value)
            memcpy(dst, value, size);
        else
            memcpy(dst, src, size);
        return;
    }
    int inner = l->ndim - 1;
    int64_t idx[NDSHM_MAXDIMS] = {0};
    for (;;) {
        if (value)
            fill_row(dst, l->stride[0][inner], value, l->shape[inner], size);
        else
            copy_row(dst, l->stride[0][inner], src, l->stride[1][inner],
                     l->shape[inner], size);
        /* advance the outer index like an odometer */
        int k = inner - 1;
        for (; k >= 0; k--) {
            dst += l->stride[0][k];
            src += l->stride[1][k];
            if (++idx[k] < l->shape[k])
                break;
            dst -= l->stride[0][k] * l->shape[k];
            src -= l->stride[1][k] * l->shape[k];
            idx[k] = 0;
        }
        if (k < 0)
            return;
    }
}

void ndshm__strided_copy(int ndim, const int64_t *shape, void *dst,
                         const int64_t *dst_strides, const void *src,
                         const int64_t *src_strides, size_t itemsize)
{
    struct loop l;
    if (simplify(&l, ndim, shape, dst_strides, src_strides, 2))
        run(&l, dst, src, NULL, itemsize);
}

void ndshm__strided_fill(int ndim, const int64_t *shape, void *dst,
                         const int64_t *dst_strides, const void *value,
                         size_t itemsize)
{
    struct loop l;
    /* src is never read in a fill; dst stands in so that the odometer's
     * arithmetic stays on a real pointer (its strides are all 0) */
    if (simplify(&l, ndim, shape, dst_strides, NULL, 1))
        run(&l, dst, dst, value, itemsize);
}

void ndshm__contiguous_strides(int ndim, const int64_t *shape, size_t itemsize,
                               int64_t *strides)
{
    /* NumPy gives a 0-long dimension the stride a 1-long one would have */
    int64_t s = (int64_t)itemsize;
    for (int i = ndim - 1; i >= 0; i--) {
        strides[i] = s;
        s *= shape[i] ? shape[i] : 1;
    }
}
