/*
 * check_strided.c -- lib/strided.c: ndshm__strided_copy and
 * ndshm__strided_fill against a naive reference (one memcpy per element,
 * walking every index) over many random windows: ndim 0 to 6 with some
 * 0- and 1-long dimensions, positive, negative and (source only) zero
 * strides, every item size from 1 to 16 and odd ones.  Windows are carved
 * from larger buffers: every byte outside the window (and between its
 * elements) must stay untouched, and the source must not change.  Also
 * ndshm__contiguous_strides and hand-made contiguous and mergeable cases.
 */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ndshm.h"
#include "strided.h"
#include "suites.h"

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define MAXD 6

/* xorshift64*: a fixed sequence per test, whatever the platform. */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

static int64_t rng_range(uint64_t *s, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(rng_next(s) % (uint64_t)(hi - lo + 1));
}

/* ---- the reference ---------------------------------------------------------- */

static int64_t elements(int ndim, const int64_t *shape)
{
    int64_t n = 1;
    for (int i = 0; i < ndim; i++)
        n *= shape[i];
    return n;
}

/* Visit every index in C order; value != NULL fills, else copies. */
static void ref_run(int ndim, const int64_t *shape, char *dst,
                    const int64_t *ds, const char *src, const int64_t *ss,
                    const void *value, size_t size)
{
    int64_t idx[NDSHM_MAXDIMS] = {0};
    int64_t n = elements(ndim, shape);
    for (int64_t e = 0; e < n; e++) {
        int64_t od = 0, os = 0;
        for (int k = 0; k < ndim; k++) {
            od += idx[k] * ds[k];
            if (ss)
                os += idx[k] * ss[k];
        }
        memcpy(dst + od, value ? value : src + os, size);
        for (int k = ndim - 1; k >= 0; k--) {
            if (++idx[k] < shape[k])
                break;
            idx[k] = 0;
        }
    }
}

/* ---- random windows ------------------------------------------------------- */

struct layout {
    int64_t strides[MAXD];
    int64_t base;   /* offset of element (0, ...) in the buffer */
    size_t buflen;  /* the whole buffer, guard bytes included */
};

/*
 * Strides for shape over a buffer with guard bytes on both sides.  The axes
 * are stacked in a random order, each spaced by the extent of the ones
 * inside it, times 1 or 2 (gaps between elements), with a random sign:
 * no two elements share a byte.  The
 * stride of a 0- or 1-long axis is never used: it may be anything.  With
 * broadcast, some strides are 0 (a source may repeat; a destination not).
 */
static void random_layout(uint64_t *rng, int ndim, const int64_t *shape,
                          size_t size, bool broadcast, struct layout *l)
{
    int order[MAXD];
    for (int i = 0; i < ndim; i++)
        order[i] = i;
    for (int i = ndim - 1; i > 0; i--) {
        int j = (int)rng_range(rng, 0, i);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    int64_t step = (int64_t)size * rng_range(rng, 1, 2);
    int64_t lo = 0, hi = 0; /* byte span of element starts */
    for (int k = 0; k < ndim; k++) {
        int ax = order[k];
        int64_t n = shape[ax];
        int64_t st = step * (rng_range(rng, 0, 1) ? -1 : 1);
        if (broadcast && rng_range(rng, 0, 3) == 0)
            st = 0;
        if (n <= 1 && rng_range(rng, 0, 2) == 0)
            st = rng_range(rng, -1000000, 1000000); /* never used */
        l->strides[ax] = st;
        if (n > 1) {
            if (st < 0)
                lo += (n - 1) * st;
            else
                hi += (n - 1) * st;
            /* the next axis steps over everything placed so far */
            step = (hi - lo + (int64_t)size) * rng_range(rng, 1, 2);
        }
    }
    int64_t guard = 16 + rng_range(rng, 0, 16);
    l->base = guard - lo;
    l->buflen = (size_t)(guard + (hi - lo) + (int64_t)size + guard);
}

static void pattern(unsigned char *p, size_t n, uint64_t *rng)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)rng_next(rng);
}

static const size_t sizes[] = {1, 2, 3, 4, 5, 8, 12, 16};

static void random_shape(uint64_t *rng, int *ndim, int64_t *shape)
{
    *ndim = (int)rng_range(rng, 0, MAXD);
    for (int i = 0; i < *ndim; i++) {
        int64_t r = rng_range(rng, 0, 19);
        shape[i] = r == 0 ? 0 : r < 5 ? 1 : rng_range(rng, 2, 5);
    }
    /* keep most windows non-empty: a 0 anywhere empties the whole */
    if (rng_range(rng, 0, 3) != 0)
        for (int i = 0; i < *ndim; i++)
            if (shape[i] == 0)
                shape[i] = 1 + rng_range(rng, 0, 3);
}

START_TEST(test_copy_random)
{
    size_t size = sizes[_i];
    uint64_t rng = UINT64_C(0x9e3779b97f4a7c15) + (uint64_t)_i;
    for (int trial = 0; trial < 1500; trial++) {
        int ndim;
        int64_t shape[MAXD];
        struct layout dl, sl;
        random_shape(&rng, &ndim, shape);
        random_layout(&rng, ndim, shape, size, false, &dl);
        random_layout(&rng, ndim, shape, size, true, &sl);

        unsigned char *src = malloc(sl.buflen);
        unsigned char *src0 = malloc(sl.buflen);
        unsigned char *dst = malloc(dl.buflen);
        unsigned char *want = malloc(dl.buflen);
        ck_assert(src && src0 && dst && want);
        pattern(src, sl.buflen, &rng);
        memcpy(src0, src, sl.buflen);
        pattern(dst, dl.buflen, &rng);
        memcpy(want, dst, dl.buflen);

        ref_run(ndim, shape, (char *)want + dl.base, dl.strides,
                (const char *)src + sl.base, sl.strides, NULL, size);
        ndshm__strided_copy(ndim, shape, dst + dl.base, dl.strides,
                            src + sl.base, sl.strides, size);

        ck_assert_msg(memcmp(dst, want, dl.buflen) == 0,
                      "trial %d: itemsize %zu ndim %d shape (%lld, %lld, "
                      "%lld, %lld, %lld, %lld) dst strides (%lld, %lld, "
                      "%lld, %lld, %lld, %lld)",
                      trial, size, ndim, (long long)shape[0],
                      (long long)shape[1], (long long)shape[2],
                      (long long)shape[3], (long long)shape[4],
                      (long long)shape[5], (long long)dl.strides[0],
                      (long long)dl.strides[1], (long long)dl.strides[2],
                      (long long)dl.strides[3], (long long)dl.strides[4],
                      (long long)dl.strides[5]);
        ck_assert_msg(memcmp(src, src0, sl.buflen) == 0,
                      "trial %d: the source changed", trial);
        free(src);
        free(src0);
        free(dst);
        free(want);
    }
}
END_TEST

START_TEST(test_fill_random)
{
    size_t size = sizes[_i];
    uint64_t rng = UINT64_C(0x243f6a8885a308d3) + (uint64_t)_i;
    for (int trial = 0; trial < 1500; trial++) {
        int ndim;
        int64_t shape[MAXD];
        struct layout dl;
        unsigned char value[16];
        random_shape(&rng, &ndim, shape);
        random_layout(&rng, ndim, shape, size, false, &dl);
        pattern(value, sizeof value, &rng);

        unsigned char *dst = malloc(dl.buflen);
        unsigned char *want = malloc(dl.buflen);
        ck_assert(dst && want);
        pattern(dst, dl.buflen, &rng);
        memcpy(want, dst, dl.buflen);

        ref_run(ndim, shape, (char *)want + dl.base, dl.strides, NULL, NULL,
                value, size);
        ndshm__strided_fill(ndim, shape, dst + dl.base, dl.strides, value,
                            size);
        ck_assert_msg(memcmp(dst, want, dl.buflen) == 0,
                      "trial %d: itemsize %zu ndim %d", trial, size, ndim);
        free(dst);
        free(want);
    }
}
END_TEST

/* ---- hand-made cases ---------------------------------------------------- */

/* C-contiguous both sides, and C-contiguous rows inside a larger buffer. */
START_TEST(test_contiguous)
{
    enum { N = 2 * 3 * 4 };
    int32_t src[N], dst[N + 2];
    for (int i = 0; i < N; i++)
        src[i] = i * 7 + 1;
    memset(dst, 0x11, sizeof dst);
    int64_t shape[3] = {2, 3, 4}, st[3];
    ndshm__contiguous_strides(3, shape, 4, st);
    ck_assert_int_eq(st[0], 48);
    ck_assert_int_eq(st[1], 16);
    ck_assert_int_eq(st[2], 4);
    ndshm__strided_copy(3, shape, dst + 1, st, src, st, 4);
    ck_assert_mem_eq(dst + 1, src, sizeof src);
    ck_assert_int_eq(dst[0], 0x11111111);
    ck_assert_int_eq(dst[N + 1], 0x11111111);

    /* the middle 2 columns of a (3, 4) int16 array, to a (3, 2) array */
    int16_t big[3][4] = {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}};
    int16_t small[3][2];
    int64_t sh[2] = {3, 2}, bs[2] = {8, 2}, ss[2] = {4, 2};
    ndshm__strided_copy(2, sh, small, ss, &big[0][1], bs, 2);
    int16_t expect[3][2] = {{2, 3}, {6, 7}, {10, 11}};
    ck_assert_mem_eq(small, expect, sizeof expect);

    /* reversed: dst = src[::-1, ::-1] */
    int16_t rev[3][4];
    int64_t sh2[2] = {3, 4}, rs[2] = {-8, -2}, cs[2] = {8, 2};
    ndshm__strided_copy(2, sh2, rev, cs, &big[2][3], rs, 2);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++)
            ck_assert_int_eq(rev[i][j], big[2 - i][3 - j]);
}
END_TEST

/* Broadcasting a row to every row (src stride 0), and a scalar to all. */
START_TEST(test_broadcast)
{
    double row[3] = {1.5, -2.5, 3.5}, out[4][3];
    int64_t shape[2] = {4, 3}, ds[2] = {24, 8}, ss[2] = {0, 8};
    ndshm__strided_copy(2, shape, out, ds, row, ss, 8);
    for (int i = 0; i < 4; i++)
        ck_assert_mem_eq(out[i], row, sizeof row);
    double one = 9.25;
    int64_t zero[2] = {0, 0};
    ndshm__strided_copy(2, shape, out, ds, &one, zero, 8);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++)
            ck_assert(out[i][j] == 9.25);
}
END_TEST

/* ndim 0 moves one element; an empty window moves none. */
START_TEST(test_edges)
{
    unsigned char src[16], dst[48];
    for (int i = 0; i < 16; i++)
        src[i] = (unsigned char)(i + 1);
    memset(dst, 0, sizeof dst);
    ndshm__strided_copy(0, NULL, dst + 16, NULL, src, NULL, 16);
    ck_assert_mem_eq(dst + 16, src, 16);
    for (int i = 0; i < 16; i++) {
        ck_assert_int_eq(dst[i], 0);
        ck_assert_int_eq(dst[32 + i], 0);
    }

    memset(dst, 0, sizeof dst);
    ndshm__strided_fill(0, NULL, dst + 5, NULL, src, 3);
    ck_assert_mem_eq(dst + 5, src, 3);
    ck_assert_int_eq(dst[4], 0);
    ck_assert_int_eq(dst[8], 0);

    /* a 0 anywhere: nothing is touched, whatever the other axes say */
    memset(dst, 0, sizeof dst);
    int64_t shape[3] = {1000000, 0, 1000000}, st[3] = {1, 1, 1};
    ndshm__strided_copy(3, shape, dst, st, src, st, 1);
    ndshm__strided_fill(3, shape, dst, st, src, 1);
    for (int i = 0; i < 48; i++)
        ck_assert_int_eq(dst[i], 0);

    /* 1-long axes: their strides, however wild, are never used */
    int64_t one[4] = {1, 3, 1, 1};
    int64_t wild_d[4] = {INT64_C(1) << 40, 4, -(INT64_C(1) << 40), 12345};
    int64_t wild_s[4] = {-(INT64_C(1) << 50), 2, 999, -7};
    memset(dst, 0, sizeof dst);
    ndshm__strided_copy(4, one, dst, wild_d, src, wild_s, 2);
    ck_assert_mem_eq(dst + 0, src + 0, 2);
    ck_assert_mem_eq(dst + 4, src + 2, 2);
    ck_assert_mem_eq(dst + 8, src + 4, 2);
    ck_assert_int_eq(dst[2], 0);
    ck_assert_int_eq(dst[3], 0);
    ck_assert_int_eq(dst[10], 0);
}
END_TEST

/* One-byte fills: the memset path, a reversed and a gapped row. */
START_TEST(test_fill_bytes)
{
    unsigned char buf[32], v = 0xab;
    memset(buf, 0, sizeof buf);
    int64_t n[1] = {10}, s1[1] = {1}, sm1[1] = {-1}, s3[1] = {3};
    ndshm__strided_fill(1, n, buf + 1, s1, &v, 1);
    for (int i = 0; i < 32; i++)
        ck_assert_int_eq(buf[i], i >= 1 && i < 11 ? 0xab : 0);
    memset(buf, 0, sizeof buf);
    ndshm__strided_fill(1, n, buf + 20, sm1, &v, 1);
    for (int i = 0; i < 32; i++)
        ck_assert_int_eq(buf[i], i >= 11 && i <= 20 ? 0xab : 0);
    memset(buf, 0, sizeof buf);
    ndshm__strided_fill(1, n, buf, s3, &v, 1);
    for (int i = 0; i < 32; i++)
        ck_assert_int_eq(buf[i], i % 3 == 0 && i < 30 ? 0xab : 0);
}
END_TEST

START_TEST(test_contiguous_strides)
{
    int64_t st[4];
    int64_t a[4] = {4, 3, 2, 5};
    ndshm__contiguous_strides(4, a, 16, st);
    ck_assert_int_eq(st[0], 480);
    ck_assert_int_eq(st[1], 160);
    ck_assert_int_eq(st[2], 80);
    ck_assert_int_eq(st[3], 16);
    /* NumPy over a buffer: a 0-long axis counts as 1-long */
    int64_t b[3] = {3, 0, 2};
    ndshm__contiguous_strides(3, b, 8, st);
    ck_assert_int_eq(st[0], 16);
    ck_assert_int_eq(st[1], 16);
    ck_assert_int_eq(st[2], 8);
    int64_t c[2] = {0, 0};
    ndshm__contiguous_strides(2, c, 3, st);
    ck_assert_int_eq(st[0], 3);
    ck_assert_int_eq(st[1], 3);
    int64_t d[1] = {7};
    ndshm__contiguous_strides(1, d, 1, st);
    ck_assert_int_eq(st[0], 1);
}
END_TEST

/* ---- the fast paths: transposes, long fills, converting copies ----------
 *
 * strided.c moves a copy whose destination runs along its inner dimension
 * and whose source runs along another one (both at least 8 long) tile by
 * tile (128 x 128, in 8 x 8 blocks for 1, 2, 4 and 8-byte items); fills
 * contiguous runs of 4096 bytes or more with the string store from a
 * 64-byte aligned start; and converts through typed loops where the
 * conversion cannot fail.  Each is checked against the reference above on
 * buffers with guard bytes, at the lengths where its edges fall.
 */

/* For hot loops: ck_assert_* records every assertion that passes. */
#define REQUIRE(expr, ...)                                                    \
    do {                                                                      \
        if (!(expr))                                                          \
            ck_abort_msg(__VA_ARGS__);                                        \
    } while (0)

/* Random bytes, eight at a time. */
static void pattern_fast(unsigned char *p, size_t n, uint64_t *rng)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t r = rng_next(rng);
        memcpy(p + i, &r, 8);
    }
    for (; i < n; i++)
        p[i] = (unsigned char)rng_next(rng);
}

/* Lengths around the edges of the micro-blocks (8) and tiles (128). */
static const int64_t edges[] = {7, 8, 9, 63, 64, 65, 127, 128, 129, 130};

/* The typed blocks' sizes, and two that go element by element. */
static const size_t tsizes[] = {1, 2, 4, 8, 16, 3};

/*
 * A layout for shape with the axes in memory from order[0] (innermost)
 * outward.  The innermost steps by step elements (1: contiguous); each
 * next axis steps over everything inside it plus pad elements; a negative
 * sign[axis] reverses that axis.  64 guard bytes on each side.
 */
static void place(int ndim, const int64_t *shape, const int *order,
                  const int *sign, int64_t step, int64_t pad, size_t size,
                  struct layout *l)
{
    int64_t st = step * (int64_t)size, lo = 0, hi = 0;
    for (int k = 0; k < ndim; k++) {
        int ax = order[k];
        int64_t s = sign[ax] < 0 ? -st : st;
        l->strides[ax] = s;
        if (s < 0)
            lo += (shape[ax] - 1) * s;
        else
            hi += (shape[ax] - 1) * s;
        st = hi - lo + (int64_t)size * (1 + pad);
    }
    l->base = 64 - lo;
    l->buflen = (size_t)(64 + (hi - lo) + (int64_t)size + 64);
}

/* "(a, b, c)" */
static void format_dims(char *buf, size_t cap, int ndim, const int64_t *v)
{
    size_t k = (size_t)snprintf(buf, cap, "(");
    for (int i = 0; i < ndim && k < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%lld", i ? ", " : "",
                              (long long)v[i]);
    if (k < cap)
        snprintf(buf + k, cap - k, ")");
}

/* Fails with the window's description and the first wrong byte. */
static void window_failed(const char *what, int ndim, const int64_t *shape,
                          const struct layout *dl, const int64_t *src_strides,
                          size_t size, const unsigned char *got,
                          const unsigned char *want)
{
    char sh[200], ds[200], ss[200] = "-";
    size_t at = 0;
    while (got[at] == want[at])
        at++;
    format_dims(sh, sizeof sh, ndim, shape);
    format_dims(ds, sizeof ds, ndim, dl->strides);
    if (src_strides)
        format_dims(ss, sizeof ss, ndim, src_strides);
    ck_abort_msg("%s: itemsize %zu shape %s dst strides %s src strides %s: "
                 "byte %lld from the first element is 0x%02x, want 0x%02x",
                 what, size, sh, ds, ss, (long long)at - (long long)dl->base,
                 got[at], want[at]);
}

/* One copy against the reference: every byte of dst outside the window
 * and between its elements stays, and src does not change. */
static void check_copy(const char *what, int ndim, const int64_t *shape,
                       const struct layout *dl, const struct layout *sl,
                       size_t size, uint64_t *rng)
{
    unsigned char *src = malloc(sl->buflen), *src0 = malloc(sl->buflen);
    unsigned char *dst = malloc(dl->buflen), *want = malloc(dl->buflen);
    ck_assert(src && src0 && dst && want);
    pattern_fast(src, sl->buflen, rng);
    memcpy(src0, src, sl->buflen);
    pattern_fast(dst, dl->buflen, rng);
    memcpy(want, dst, dl->buflen);
    ref_run(ndim, shape, (char *)want + dl->base, dl->strides,
            (const char *)src + sl->base, sl->strides, NULL, size);
    ndshm__strided_copy(ndim, shape, dst + dl->base, dl->strides,
                        src + sl->base, sl->strides, size);
    if (memcmp(dst, want, dl->buflen) != 0)
        window_failed(what, ndim, shape, dl, sl->strides, size, dst, want);
    REQUIRE(memcmp(src, src0, sl->buflen) == 0, "%s: the source changed",
            what);
    free(src);
    free(src0);
    free(dst);
    free(want);
}

/*
 * dst[i, j] = src[j, i] for every (rows, cols) pair of edge lengths: dst
 * C-ordered, src F-ordered (contiguous along the rows), as they are, with
 * reversed axes and gaps, and as a window of a wider source.
 */
START_TEST(test_transpose_2d)
{
    size_t size = tsizes[_i];
    uint64_t rng = UINT64_C(0x6a09e667f3bcc909) + (uint64_t)_i;
    static const int c_order[2] = {1, 0}, f_order[2] = {0, 1};
    static const struct {
        int dsign[2], ssign[2];
        int64_t dpad, spad;
    } variants[] = {
        {{1, 1}, {1, 1}, 0, 0},
        {{-1, 1}, {1, -1}, 3, 5},
        {{1, 1}, {-1, 1}, 0, 37}, /* src stride -size along k: no tiles */
        {{1, 1}, {1, 1}, 1, 37},
    };
    for (int r = 0; r < COUNT(edges); r++)
        for (int c = 0; c < COUNT(edges); c++)
            for (int v = 0; v < COUNT(variants); v++) {
                int64_t shape[2] = {edges[r], edges[c]};
                struct layout dl, sl;
                place(2, shape, c_order, variants[v].dsign, 1,
                      variants[v].dpad, size, &dl);
                place(2, shape, f_order, variants[v].ssign, 1,
                      variants[v].spad, size, &sl);
                char what[64];
                snprintf(what, sizeof what, "2-d transpose, variant %d", v);
                check_copy(what, 2, shape, &dl, &sl, size, &rng);
            }
}
END_TEST

static void shuffle(int *a, int n, uint64_t *rng)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rng_range(rng, 0, i);
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

/*
 * 3-d and 4-d windows whose destination is contiguous along its last axis
 * and whose source is contiguous along another (k, often a middle one),
 * the other axes in any order, reversed or not, with gaps, sometimes
 * broadcast in the source (stride 0) or 1 long.
 */
START_TEST(test_transpose_nd)
{
    size_t size = tsizes[_i];
    uint64_t rng = UINT64_C(0xbb67ae8584caa73b) + (uint64_t)_i;
    for (int trial = 0; trial < 150; trial++) {
        int ndim = (int)rng_range(&rng, 3, 4), in = ndim - 1;
        int k = (int)rng_range(&rng, 0, ndim - 2);
        int64_t shape[MAXD];
        shape[in] = edges[rng_range(&rng, 0, COUNT(edges) - 1)];
        shape[k] = edges[rng_range(&rng, 0, COUNT(edges) - 1)];
        bool big = shape[in] * shape[k] > 4000;
        for (int ax = 0; ax < in; ax++)
            if (ax != k)
                shape[ax] = rng_range(&rng, 1, big ? 2 : 3);
        /* dst: the last axis innermost and forward, the rest shuffled */
        int dorder[MAXD], sorder[MAXD], dsign[MAXD], ssign[MAXD];
        for (int i = 0; i < in; i++)
            dorder[i + 1] = i;
        dorder[0] = in;
        shuffle(dorder + 1, in, &rng);
        /* src: axis k innermost and forward, the rest shuffled */
        for (int i = 0, j = 1; i < ndim; i++)
            if (i != k)
                sorder[j++] = i;
        sorder[0] = k;
        shuffle(sorder + 1, ndim - 1, &rng);
        for (int ax = 0; ax < ndim; ax++) {
            dsign[ax] = ax == in || rng_range(&rng, 0, 1) ? 1 : -1;
            ssign[ax] = ax == k || rng_range(&rng, 0, 1) ? 1 : -1;
        }
        struct layout dl, sl;
        place(ndim, shape, dorder, dsign, 1, rng_range(&rng, 0, 2), size, &dl);
        place(ndim, shape, sorder, ssign, 1, rng_range(&rng, 0, 2), size, &sl);
        if (rng_range(&rng, 0, 3) == 0) { /* broadcast along another axis */
            int ax = (int)rng_range(&rng, 0, ndim - 1);
            if (ax != k)
                sl.strides[ax] = 0;
        }
        char what[64];
        snprintf(what, sizeof what, "%d-d transpose, k %d, trial %d", ndim, k,
                 trial);
        check_copy(what, ndim, shape, &dl, &sl, size, &rng);
    }
}
END_TEST

/*
 * Copies just outside the transpose's conditions (and a few inside them
 * that are unusual) must be right too: one side shorter than 8, the
 * source contiguous backwards, the destination's inner axis with gaps or
 * reversed, broadcast sources, 1-long axes with wild strides.
 */
START_TEST(test_transpose_edges)
{
    size_t size = tsizes[_i];
    int64_t z = (int64_t)size;
    uint64_t rng = UINT64_C(0x3c6ef372fe94f82b) + (uint64_t)_i;
    static const int64_t shapes[][2] = {{7, 200}, {200, 7}, {8, 8},
                                        {64, 64}, {129, 9}, {9, 129}};
    static const int c_order[2] = {1, 0}, f_order[2] = {0, 1};
    static const int fwd[2] = {1, 1}, rev0[2] = {-1, 1}, rev1[2] = {1, -1};
    for (int i = 0; i < COUNT(shapes); i++) {
        const int64_t *shape = shapes[i];
        struct layout dl, sl;
        /* the plain transpose, for comparison */
        place(2, shape, c_order, fwd, 1, 0, size, &dl);
        place(2, shape, f_order, fwd, 1, 0, size, &sl);
        check_copy("transpose", 2, shape, &dl, &sl, size, &rng);
        /* the source contiguous backwards along k */
        place(2, shape, f_order, rev0, 1, 0, size, &sl);
        check_copy("src backwards along k", 2, shape, &dl, &sl, size, &rng);
        /* the destination's inner axis with gaps, or reversed */
        place(2, shape, f_order, fwd, 1, 0, size, &sl);
        place(2, shape, c_order, fwd, 2, 0, size, &dl);
        check_copy("dst inner with gaps", 2, shape, &dl, &sl, size, &rng);
        place(2, shape, c_order, rev1, 1, 0, size, &dl);
        check_copy("dst inner reversed", 2, shape, &dl, &sl, size, &rng);
        /* both C-ordered: a plain copy; the source's rows reversed */
        place(2, shape, c_order, fwd, 1, 2, size, &dl);
        place(2, shape, c_order, rev1, 1, 1, size, &sl);
        check_copy("src rows reversed", 2, shape, &dl, &sl, size, &rng);
        /* a column broadcast along the rows (the tiles read stride 0) */
        sl.strides[0] = z;
        sl.strides[1] = 0;
        sl.base = 64;
        sl.buflen = (size_t)(128 + shape[0] * z);
        check_copy("src column broadcast", 2, shape, &dl, &sl, size, &rng);
        /* a row broadcast down the columns, gapped */
        sl.strides[0] = 0;
        sl.strides[1] = 3 * z;
        sl.buflen = (size_t)(128 + 3 * shape[1] * z);
        check_copy("src row broadcast", 2, shape, &dl, &sl, size, &rng);
        /* 1-long axes around the pair, with strides never used */
        int64_t shape4[4] = {1, shape[0], 1, shape[1]};
        struct layout dl4, sl4;
        place(2, shape, c_order, fwd, 1, 1, size, &dl);
        place(2, shape, f_order, rev1, 1, 3, size, &sl);
        dl4 = dl;
        sl4 = sl;
        int64_t wild_d[4] = {INT64_C(1) << 40, dl.strides[0], -12345,
                             dl.strides[1]};
        int64_t wild_s[4] = {-(INT64_C(1) << 41), sl.strides[0], 7,
                             sl.strides[1]};
        memcpy(dl4.strides, wild_d, sizeof wild_d);
        memcpy(sl4.strides, wild_s, sizeof wild_s);
        check_copy("1-long axes", 4, shape4, &dl4, &sl4, size, &rng);
    }
}
END_TEST

/* Fill sizes: the typed ones and the others. */
static const size_t fsizes[] = {1, 2, 3, 4, 5, 8, 12, 16};

/* One fill against the reference (every byte outside the window stays). */
static void check_fill(const char *what, int ndim, const int64_t *shape,
                       const struct layout *dl, size_t size,
                       unsigned char *dst, unsigned char *want,
                       const unsigned char *value, uint64_t *rng)
{
    pattern_fast(dst, dl->buflen, rng);
    memcpy(want, dst, dl->buflen);
    ref_run(ndim, shape, (char *)want + dl->base, dl->strides, NULL, NULL,
            value, size);
    ndshm__strided_fill(ndim, shape, dst + dl->base, dl->strides, value, size);
    if (memcmp(dst, want, dl->buflen) != 0)
        window_failed(what, ndim, shape, dl, NULL, size, dst, want);
}

/*
 * Contiguous rows of every length around 4096 bytes (where the string
 * store takes over), starting at every byte offset from a 64-byte
 * boundary: element-aligned ones reach the aligned start after a head;
 * the others never do.
 */
START_TEST(test_fill_alignment)
{
    size_t size = fsizes[_i];
    int64_t big = (4096 + (int64_t)size - 1) / (int64_t)size;
    const int64_t counts[] = {1,       2,       7,          8,       9,
                              63,      64,      65,         big - 1, big,
                              big + 1, big + 7, 3 * big + 5};
    size_t cap = (size_t)(64 + 64 + (3 * big + 5) * (int64_t)size + 64);
    unsigned char *dst = aligned_alloc(64, (cap + 63) / 64 * 64);
    unsigned char *want = malloc(cap);
    ck_assert(dst && want);
    uint64_t rng = UINT64_C(0xa54ff53a5f1d36f1) + (uint64_t)_i;
    unsigned char value[16];
    for (int off = 0; off < 64; off++)
        for (int c = 0; c < COUNT(counts); c++) {
            int64_t n = counts[c], stride = (int64_t)size;
            struct layout dl;
            dl.strides[0] = stride;
            dl.base = 64 + off;
            dl.buflen = (size_t)(64 + off + n * stride + 64);
            pattern(value, sizeof value, &rng);
            char what[64];
            snprintf(what, sizeof what, "fill of %lld at offset %d",
                     (long long)n, off);
            check_fill(what, 1, &n, &dl, size, dst, want, value, &rng);
        }
    free(dst);
    free(want);
}
END_TEST

/*
 * Long rows one after another at shifting alignments (rows with gaps, or
 * reversed), the two inner axes of 3-d windows, and long rows that are
 * not contiguous (gaps between the elements, or backwards).
 */
START_TEST(test_fill_strided)
{
    size_t size = fsizes[_i];
    int64_t big = (4096 + (int64_t)size - 1) / (int64_t)size;
    uint64_t rng = UINT64_C(0x510e527fade682d1) + (uint64_t)_i;
    static const int c2[2] = {1, 0}, c3[3] = {2, 1, 0};
    static const int signs[][3] = {
        {1, 1, 1}, {-1, 1, 1}, {1, -1, 1}, {1, 1, -1}, {-1, -1, -1}};
    const int64_t lens[] = {9, big - 1, big, big + 3, 2 * big + 1};
    unsigned char value[16];
    for (int li = 0; li < COUNT(lens); li++)
        for (int si = 0; si < COUNT(signs); si++)
            for (int64_t pad = 0; pad <= 5; pad++)
                for (int64_t step = 1; step <= 2; step++) {
                    int64_t shape2[2] = {5, lens[li]};
                    int64_t shape3[3] = {3, 2, lens[li]};
                    struct layout l2, l3;
                    int sign2[2] = {signs[si][0], signs[si][2]};
                    place(2, shape2, c2, sign2, step, pad, size, &l2);
                    place(3, shape3, c3, signs[si], step, pad, size, &l3);
                    size_t cap = l2.buflen > l3.buflen ? l2.buflen : l3.buflen;
                    unsigned char *dst = malloc(cap), *want = malloc(cap);
                    ck_assert(dst && want);
                    pattern(value, sizeof value, &rng);
                    check_fill("2-d fill", 2, shape2, &l2, size, dst, want,
                               value, &rng);
                    check_fill("3-d fill", 3, shape3, &l3, size, dst, want,
                               value, &rng);
                    free(dst);
                    free(want);
                }
}
END_TEST

/* ---- converting copies -------------------------------------------------- */

/*
 * Values of dtype t worth converting, as bytes (at most 16 each): the ends
 * of the integer ranges and their neighbours, floats that fit some
 * targets and not others, NaN and infinities, complex numbers with and
 * without an imaginary part.  Returns how many.
 */
static int value_pool(ndshm_dtype t, unsigned char (*out)[16])
{
    static const uint8_t b[] = {0, 1, 0x80};
    static const int8_t i8[] = {INT8_MIN, -1, 0, 1, 100, INT8_MAX};
    static const int16_t i16[] = {INT16_MIN, -129, -1,  0,
                                  1,         255,  256, INT16_MAX};
    static const int32_t i32[] = {INT32_MIN, -32769, -1,       0,        1,
                                  65535,     65536,  16777217, INT32_MAX};
    static const int64_t i64[] = {INT64_MIN,
                                  -(INT64_C(1) << 31) - 1,
                                  -1,
                                  0,
                                  1,
                                  INT64_C(1) << 32,
                                  (INT64_C(1) << 53) + 1,
                                  (INT64_C(1) << 62) + (INT64_C(1) << 38) + 1,
                                  INT64_MAX};
    static const uint8_t u8[] = {0, 1, 127, 128, 255};
    static const uint16_t u16[] = {0, 1, 255, 256, 32768, 65535};
    static const uint32_t u32[] = {
        0, 1, 65535, 65536, UINT32_C(1) << 31, UINT32_MAX};
    static const uint64_t u64[] = {0,
                                   1,
                                   UINT64_C(1) << 32,
                                   UINT64_C(1) << 63,
                                   (UINT64_C(1) << 62) + (UINT64_C(1) << 38) +
                                       1,
                                   UINT64_MAX};
    static const uint16_t f16[] = {0x0000, 0x8000, 0x3c00, 0xbc00, 0x7bff,
                                   0x0001, 0x5640, 0x7c00, 0xfc00, 0x7e00};
    static const float f32[] = {
        0.0f, -0.0f,           1.5f,      -2.5f,    100.0f,
        3e9f, 0x1.fffffep127f, 0x1p-149f, INFINITY, NAN};
    static const double f64[] = {
        0.0,  -0.0,  0.5,    -128.9,    255.9,    65519.99,  65520.,
        1e39, 1e300, 0x1p63, 0x1p-1074, INFINITY, -INFINITY, NAN};
    static const float c64[][2] = {{1.5f, 0.0f},  {0.0f, 1.0f},
                                   {NAN, 0.0f},   {3.0f, -0.0f},
                                   {1e38f, 0.0f}, {-7.0f, 0.0f}};
    static const double c128[][2] = {{1.5, 0.0},  {0.0, 1.0}, {1e300, 0.0},
                                     {-7.0, 0.0}, {NAN, NAN}, {INFINITY, 0.0}};
    int n = 0;
#define PUT(a)                                                                \
    for (size_t i_ = 0; i_ < sizeof(a) / sizeof((a)[0]); i_++)                \
    memcpy(out[n++], &(a)[i_], sizeof((a)[0]))
    switch (t) {
    case NDSHM_BOOL: PUT(b); break;
    case NDSHM_INT8: PUT(i8); break;
    case NDSHM_INT16: PUT(i16); break;
    case NDSHM_INT32: PUT(i32); break;
    case NDSHM_INT64: PUT(i64); break;
    case NDSHM_UINT8: PUT(u8); break;
    case NDSHM_UINT16: PUT(u16); break;
    case NDSHM_UINT32: PUT(u32); break;
    case NDSHM_UINT64: PUT(u64); break;
    case NDSHM_FLOAT16: PUT(f16); break;
    case NDSHM_FLOAT32: PUT(f32); break;
    case NDSHM_FLOAT64: PUT(f64); break;
    case NDSHM_COMPLEX64: PUT(c64); break;
    case NDSHM_COMPLEX128: PUT(c128); break;
    }
#undef PUT
    return n;
}

/* The byte offsets of the elements of a window, in C order; returns how
 * many (at most cap). */
static int64_t offsets(int ndim, const int64_t *shape, const int64_t *strides,
                       int64_t *out, int64_t cap)
{
    int64_t idx[NDSHM_MAXDIMS] = {0};
    int64_t n = elements(ndim, shape);
    ck_assert_int_le(n, cap);
    for (int64_t e = 0; e < n; e++) {
        int64_t o = 0;
        for (int k = 0; k < ndim; k++)
            o += idx[k] * strides[k];
        out[e] = o;
        for (int k = ndim - 1; k >= 0; k--) {
            if (++idx[k] < shape[k])
                break;
            idx[k] = 0;
        }
    }
    return n;
}

/*
 * One converting copy against ndshm_convert element by element (in C
 * order, stopping at the first refusal).  Source elements are drawn from
 * the pool: from the values that convert when !mixed, else from all.
 * Without a refusal dst must be the reference exactly; with one, the code
 * must be the reference's, the message must name the target, and every
 * byte outside the elements must stay, every element before the refused
 * one being untouched or the reference's.
 */
static void check_convert(const char *what, int ndim, const int64_t *shape,
                          const struct layout *dl, ndshm_dtype to,
                          const struct layout *sl, ndshm_dtype from,
                          bool mixed, uint64_t *rng)
{
    enum { MAXE = 16384 }; /* 5^6: random_shape's largest */
    static int64_t doff[MAXE], soff[MAXE];
    size_t dsize = ndshm_dtype_size(to), ssize = ndshm_dtype_size(from);
    unsigned char pool[32][16], scratch[16];
    int ok[32], nok = 0;
    int np = value_pool(from, pool);
    for (int i = 0; i < np; i++)
        if (ndshm_convert(to, scratch, from, pool[i], 1) == 0)
            ok[nok++] = i;
    ck_assert_int_gt(nok, 0);

    int64_t n = offsets(ndim, shape, dl->strides, doff, MAXE);
    offsets(ndim, shape, sl->strides, soff, MAXE);
    unsigned char *src = malloc(sl->buflen), *dst = malloc(dl->buflen);
    unsigned char *orig = malloc(dl->buflen), *want = malloc(dl->buflen);
    ck_assert(src && dst && orig && want);
    pattern_fast(src, sl->buflen, rng);
    for (int64_t e = 0; e < n; e++) {
        int pick = mixed ? (int)rng_range(rng, 0, np - 1)
                         : ok[rng_range(rng, 0, nok - 1)];
        memcpy(src + sl->base + soff[e], pool[pick], ssize);
    }
    pattern_fast(dst, dl->buflen, rng);
    memcpy(orig, dst, dl->buflen);
    memcpy(want, dst, dl->buflen);

    int want_rc = 0;
    int64_t refused = n;
    for (int64_t e = 0; e < n && want_rc == 0; e++) {
        want_rc = ndshm_convert(to, want + dl->base + doff[e], from,
                                src + sl->base + soff[e], 1);
        if (want_rc != 0)
            refused = e;
    }
    int rc = ndshm__strided_convert(ndim, shape, dst + dl->base, dl->strides,
                                    to, src + sl->base, sl->strides, from);
    REQUIRE(rc == want_rc, "%s: %s -> %s: %s, want %s (%s)", what,
            ndshm_dtype_name(from), ndshm_dtype_name(to), ndshm_errname(rc),
            ndshm_errname(want_rc), ndshm_errmsg());
    if (rc == 0) {
        if (memcmp(dst, want, dl->buflen) != 0)
            window_failed(what, ndim, shape, dl, sl->strides, dsize, dst,
                          want);
    } else {
        REQUIRE(strstr(ndshm_errmsg(), ndshm_dtype_name(to)) != NULL,
                "%s: message '%s'", what, ndshm_errmsg());
        /* the elements' bytes: before the refused one, the reference's
         * or untouched; the others, and every other byte, untouched */
        for (int64_t e = 0; e < refused; e++) {
            size_t at = (size_t)(dl->base + doff[e]);
            REQUIRE(memcmp(dst + at, want + at, dsize) == 0 ||
                        memcmp(dst + at, orig + at, dsize) == 0,
                    "%s: element %lld before the refused one is wrong", what,
                    (long long)e);
            memcpy(dst + at, orig + at, dsize);
        }
        REQUIRE(memcmp(dst, orig, dl->buflen) == 0,
                "%s: bytes outside the converted elements changed", what);
    }
    free(src);
    free(dst);
    free(orig);
    free(want);
}

/*
 * Every (to, from) pair of dtypes: random windows of ndim 0 to 6 with
 * reversed and gapped axes (broadcast in the source), values that all
 * convert and values that may not; then long rows, contiguous and not,
 * where the typed loops run whole vectors.
 */
START_TEST(test_convert_pairs)
{
    ndshm_dtype to = (ndshm_dtype)(NDSHM_BOOL + _i / 14);
    ndshm_dtype from = (ndshm_dtype)(NDSHM_BOOL + _i % 14);
    size_t dsize = ndshm_dtype_size(to), ssize = ndshm_dtype_size(from);
    uint64_t rng = UINT64_C(0x9b05688c2b3e6c1f) + (uint64_t)_i;
    for (int trial = 0; trial < 60; trial++) {
        int ndim;
        int64_t shape[MAXD];
        struct layout dl, sl;
        random_shape(&rng, &ndim, shape);
        random_layout(&rng, ndim, shape, dsize, false, &dl);
        random_layout(&rng, ndim, shape, ssize, true, &sl);
        char what[64];
        snprintf(what, sizeof what, "trial %d", trial);
        check_convert(what, ndim, shape, &dl, to, &sl, from, trial % 3 == 2,
                      &rng);
    }
    static const int c_order[2] = {1, 0}, f_order[2] = {0, 1};
    static const int fwd[2] = {1, 1}, rev0[2] = {-1, 1}, rev1[2] = {1, -1};
    int64_t row[1] = {1000}, rows[2] = {3, 300}, cols[2] = {40, 33};
    struct layout dl, sl;
    /* one long contiguous row */
    place(1, row, f_order, fwd, 1, 0, dsize, &dl);
    place(1, row, f_order, fwd, 1, 0, ssize, &sl);
    check_convert("long row", 1, row, &dl, to, &sl, from, false, &rng);
    check_convert("long row, mixed", 1, row, &dl, to, &sl, from, true, &rng);
    /* contiguous rows with gaps between them, the source's reversed */
    place(2, rows, c_order, fwd, 1, 3, dsize, &dl);
    place(2, rows, c_order, rev0, 1, 1, ssize, &sl);
    check_convert("rows", 2, rows, &dl, to, &sl, from, false, &rng);
    /* backwards, and a source that runs down the columns */
    place(2, rows, c_order, rev1, 1, 0, dsize, &dl);
    place(2, rows, f_order, fwd, 1, 0, ssize, &sl);
    check_convert("reversed rows", 2, rows, &dl, to, &sl, from, false, &rng);
    place(2, cols, c_order, fwd, 1, 0, dsize, &dl);
    place(2, cols, f_order, rev0, 1, 2, ssize, &sl);
    check_convert("columns", 2, cols, &dl, to, &sl, from, false, &rng);
    /* with gaps in the rows on both sides */
    place(2, rows, c_order, fwd, 2, 0, dsize, &dl);
    place(2, rows, c_order, fwd, 3, 0, ssize, &sl);
    check_convert("gapped rows", 2, rows, &dl, to, &sl, from, false, &rng);
}
END_TEST

/*
 * Copies of more than NDSHM__STREAM_MIN bytes stream their stores: rows
 * into a contiguous destination from a contiguous, a gapped and a
 * reversed source, the destination at an odd address, a reversed
 * destination, and a gapped one (which does not stream).  Rows of an odd length, so that
 * every row has a head before the first 16-byte boundary and a tail.
 */
START_TEST(test_stream)
{
    size_t size = tsizes[_i];
    uint64_t rng = UINT64_C(0xbb67ae8584caa73b) + (uint64_t)_i;
    static const int order[2] = {1, 0}, fwd[2] = {1, 1}, rev[2] = {1, -1};
    int64_t cols = 4099;
    int64_t rows = (int64_t)(NDSHM__STREAM_MIN / size) / cols + 2;
    int64_t shape[2] = {rows, cols};
    struct layout dl, sl;

    place(2, shape, order, fwd, 1, 0, size, &dl);
    place(2, shape, order, fwd, 1, 0, size, &sl);
    check_copy("contiguous", 2, shape, &dl, &sl, size, &rng);
    place(2, shape, order, fwd, 2, 1, size, &sl);
    check_copy("gapped source", 2, shape, &dl, &sl, size, &rng);
    place(2, shape, order, rev, 1, 0, size, &sl);
    check_copy("reversed source", 2, shape, &dl, &sl, size, &rng);
    /* the destination one byte past a 16-byte boundary */
    dl.base += 1;
    dl.buflen += 1;
    check_copy("odd destination", 2, shape, &dl, &sl, size, &rng);
    place(2, shape, order, fwd, 2, 1, size, &sl);
    check_copy("odd destination, gapped source", 2, shape, &dl, &sl, size,
               &rng);
    place(2, shape, order, rev, 1, 0, size, &dl);
    place(2, shape, order, fwd, 2, 0, size, &sl);
    check_copy("reversed destination", 2, shape, &dl, &sl, size, &rng);
    place(2, shape, order, fwd, 2, 0, size, &dl);
    place(2, shape, order, fwd, 1, 0, size, &sl);
    check_copy("gapped destination", 2, shape, &dl, &sl, size, &rng);
}
END_TEST

/*
 * Fills of more than NDSHM__STREAM_MIN bytes stream their stores too:
 * rows of an odd length with gaps between them, one long row, a reversed
 * window, one at an odd address, and a gapped one (which does not stream).
 */
START_TEST(test_stream_fill)
{
    size_t size = fsizes[_i];
    uint64_t rng = UINT64_C(0x3c6ef372fe94f82b) + (uint64_t)_i;
    static const int order[2] = {1, 0}, fwd[2] = {1, 1}, rev[2] = {-1, -1};
    int64_t cols = 4099;
    int64_t rows = (int64_t)(NDSHM__STREAM_MIN / size) / cols + 2;
    int64_t shape[2] = {rows, cols}, flat[1] = {rows * cols};
    static const int one[1] = {0}, up[1] = {1};
    unsigned char value[16];
    pattern(value, sizeof value, &rng);
    struct layout l[5];
    place(2, shape, order, fwd, 1, 3, size, &l[0]);
    place(1, flat, one, up, 1, 0, size, &l[1]);
    place(2, shape, order, rev, 1, 3, size, &l[2]);
    l[3] = l[0];
    l[3].base += 1;
    l[3].buflen += 1;
    place(2, shape, order, fwd, 2, 0, size, &l[4]);
    static const char *what[5] = {"gapped rows", "one row", "reversed",
                                  "odd address", "gapped elements"};
    for (int k = 0; k < 5; k++) {
        unsigned char *dst = malloc(l[k].buflen), *want = malloc(l[k].buflen);
        ck_assert(dst && want);
        check_fill(what[k], k == 1 ? 1 : 2, k == 1 ? flat : shape, &l[k],
                   size, dst, want, value, &rng);
        free(dst);
        free(want);
    }
}
END_TEST

Suite *strided_suite(void)
{
    Suite *s = suite_create("strided");
    TCase *tc = tcase_create("random");
    tcase_add_loop_test(tc, test_copy_random, 0, COUNT(sizes));
    tcase_add_loop_test(tc, test_fill_random, 0, COUNT(sizes));
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("cases");
    tcase_add_test(tc, test_contiguous);
    tcase_add_test(tc, test_broadcast);
    tcase_add_test(tc, test_edges);
    tcase_add_test(tc, test_fill_bytes);
    tcase_add_test(tc, test_contiguous_strides);
    suite_add_tcase(s, tc);

    tc = tcase_create("fast paths");
    tcase_add_loop_test(tc, test_transpose_2d, 0, COUNT(tsizes));
    tcase_add_loop_test(tc, test_transpose_nd, 0, COUNT(tsizes));
    tcase_add_loop_test(tc, test_transpose_edges, 0, COUNT(tsizes));
    tcase_add_loop_test(tc, test_fill_alignment, 0, COUNT(fsizes));
    tcase_add_loop_test(tc, test_fill_strided, 0, COUNT(fsizes));
    tcase_add_loop_test(tc, test_convert_pairs, 0, 14 * 14);
    tcase_add_loop_test(tc, test_stream, 0, COUNT(tsizes));
    tcase_add_loop_test(tc, test_stream_fill, 0, COUNT(fsizes));
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}
