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

#include <stdbool.h>
#include <stdint.h>
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
    return s;
}
