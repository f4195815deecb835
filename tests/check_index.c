/*
 * check_index.c -- lib/index.c: names, the expression parser, and NumPy
 * basic indexing applied to windows.  The centrepiece is the table in
 * index_cases.h, whose expected windows and errors come from NumPy (see
 * gen_index_cases.py); the other tests cover names, the parsed form of
 * expressions, parse-only errors, and the window helpers.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "index_cases.h"
#include "suites.h"

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- the NumPy table ------------------------------------------------------ */

/* The shape or strides of a window as "(a, b, c)" for failure messages. */
static const char *fmt_dims(char *buf, size_t len, int ndim,
                            const int64_t *v)
{
    size_t n = (size_t)snprintf(buf, len, "(");
    for (int i = 0; i < ndim && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, i ? ", %lld" : "%lld",
                              (long long)v[i]);
    if (n < len)
        snprintf(buf + n, len - n, ")");
    return buf;
}

START_TEST(test_table)
{
    const struct index_case *c = &index_cases[_i];
    struct ndshm_window w;
    struct ndshm_expr e;
    char a[512], b[512];

    memset(&w, 0x5a, sizeof w);
    ndshm__window_contiguous(&w, c->base_ndim, c->base_shape, 8, 0);
    int rc = ndshm__expr_parse(c->expr, &e);
    if (rc == 0) {
        ck_assert_str_eq(e.name, "a");
        rc = ndshm__window_apply(&w, &e);
        ndshm__expr_free(&e);
    }
    if (c->err != 0) {
        ck_assert_msg(rc == c->err, "'%s' over %s: got %d (%s), want %s",
                      c->expr,
                      fmt_dims(a, sizeof a, c->base_ndim, c->base_shape), rc,
                      ndshm_errname(rc), ndshm_errname(c->err));
        ck_assert_msg(ndshm_errmsg()[0] != '\0', "'%s': no message",
                      c->expr);
        return;
    }
    ck_assert_msg(rc == 0, "'%s' over %s: failed with %s: %s", c->expr,
                  fmt_dims(a, sizeof a, c->base_ndim, c->base_shape),
                  ndshm_errname(rc), ndshm_errmsg());
    ck_assert_msg(w.ndim == c->ndim, "'%s': ndim %d, want %d", c->expr,
                  w.ndim, c->ndim);
    ck_assert_msg(memcmp(w.shape, c->shape,
                         (size_t)c->ndim * sizeof w.shape[0]) == 0,
                  "'%s': shape %s, want %s", c->expr,
                  fmt_dims(a, sizeof a, w.ndim, w.shape),
                  fmt_dims(b, sizeof b, c->ndim, c->shape));
    ck_assert_msg(memcmp(w.strides, c->strides,
                         (size_t)c->ndim * sizeof w.strides[0]) == 0,
                  "'%s': strides %s, want %s", c->expr,
                  fmt_dims(a, sizeof a, w.ndim, w.strides),
                  fmt_dims(b, sizeof b, c->ndim, c->strides));
    ck_assert_msg(w.offset == c->offset, "'%s': offset %lld, want %lld",
                  c->expr, (long long)w.offset, (long long)c->offset);
}
END_TEST

/* The same table over a base at a nonzero offset: offsets just add. */
START_TEST(test_table_offset)
{
    const int64_t base = 4096 * 3;
    for (int i = 0; i < COUNT(index_cases); i++) {
        const struct index_case *c = &index_cases[i];
        if (c->err != 0)
            continue;
        struct ndshm_window w;
        struct ndshm_expr e;
        ndshm__window_contiguous(&w, c->base_ndim, c->base_shape, 8, base);
        int rc = ndshm__expr_parse(c->expr, &e);
        if (rc == 0) {
            rc = ndshm__window_apply(&w, &e);
            ndshm__expr_free(&e);
        }
        ck_assert_msg(rc == 0, "'%s': %s", c->expr, ndshm_errmsg());
        ck_assert_msg(w.offset == base + c->offset, "'%s': offset %lld",
                      c->expr, (long long)w.offset);
    }
}
END_TEST

/* ---- names ---------------------------------------------------------------- */

static const char *const good_names[] = {
    "a", "_x1", "sim/temps", "A", "_", "__", "a1/b2/c3", "x_/_y",
    "Temperature_2024", "a/b/c/d/e/f", "z9",
};

static const char *const bad_names[] = {
    "",      "1a",    "a/",   "/a",    "a//b",  "a-b",    "a.b",
    "a b",   " a",    "a ",   "a\tb",  "/",     "a/1b",   "é",
    "a\xc3\xa9", "\xff", "a[0]", "a.T", "$a",   "a\\b",   "//",
    "a/b/",  "a*",    "9",
};

START_TEST(test_name_good)
{
    const char *name = good_names[_i];
    ck_assert_msg(ndshm__name_check(name) == 0, "'%s' refused: %s", name,
                  ndshm_errmsg());
}
END_TEST

START_TEST(test_name_bad)
{
    const char *name = bad_names[_i];
    ck_assert_msg(ndshm__name_check(name) == NDSHM_EINVAL,
                  "'%s' accepted", name);
    ck_assert_str_ne(ndshm_errmsg(), "");
}
END_TEST

START_TEST(test_name_length)
{
    char name[NDSHM_NAME_MAX + 2];
    ck_assert_int_eq(ndshm__name_check(NULL), NDSHM_EINVAL);

    memset(name, 'n', NDSHM_NAME_MAX);
    name[NDSHM_NAME_MAX] = '\0';
    ck_assert_int_eq(ndshm__name_check(name), 0); /* 255 bytes */
    name[100] = '/';                              /* still 255 */
    ck_assert_int_eq(ndshm__name_check(name), 0);

    memset(name, 'n', NDSHM_NAME_MAX + 1);
    name[NDSHM_NAME_MAX + 1] = '\0';
    ck_assert_int_eq(ndshm__name_check(name), NDSHM_EINVAL); /* 256 */
    ck_assert_ptr_nonnull(strstr(ndshm_errmsg(), "256"));
}
END_TEST

/* ---- the parsed form -------------------------------------------------------- */

START_TEST(test_parse_structure)
{
    struct ndshm_expr e;
    ck_assert_int_eq(ndshm__expr_parse(
                         " sim/temps[1:, ::-2, None, ..., -3].T[:4:, 5:6]",
                         &e),
                     0);
    ck_assert_str_eq(e.name, "sim/temps");
    ck_assert_int_eq(e.nops, 3);

    const struct ndshm_op *op = &e.ops[0];
    ck_assert_int_eq(op->kind, NDSHM_OP_INDEX);
    ck_assert_int_eq(op->nitems, 5);
    const struct ndshm_item *it = op->items;
    ck_assert_int_eq(it[0].kind, NDSHM_ITEM_SLICE);
    ck_assert(it[0].has_start && !it[0].has_stop && !it[0].has_step);
    ck_assert_int_eq(it[0].start, 1);
    ck_assert_int_eq(it[1].kind, NDSHM_ITEM_SLICE);
    ck_assert(!it[1].has_start && !it[1].has_stop && it[1].has_step);
    ck_assert_int_eq(it[1].step, -2);
    ck_assert_int_eq(it[2].kind, NDSHM_ITEM_NEWAXIS);
    ck_assert_int_eq(it[3].kind, NDSHM_ITEM_ELLIPSIS);
    ck_assert_int_eq(it[4].kind, NDSHM_ITEM_INT);
    ck_assert_int_eq(it[4].value, -3);

    ck_assert_int_eq(e.ops[1].kind, NDSHM_OP_TRANSPOSE);

    op = &e.ops[2];
    ck_assert_int_eq(op->kind, NDSHM_OP_INDEX);
    ck_assert_int_eq(op->nitems, 2);
    ck_assert(!op->items[0].has_start && op->items[0].has_stop &&
              !op->items[0].has_step);
    ck_assert_int_eq(op->items[0].stop, 4);
    ck_assert(op->items[1].has_start && op->items[1].has_stop &&
              !op->items[1].has_step);
    ck_assert_int_eq(op->items[1].start, 5);
    ck_assert_int_eq(op->items[1].stop, 6);
    ndshm__expr_free(&e);
    ck_assert_ptr_null(e.ops);
    ck_assert_ptr_null(e.items);
    ck_assert_int_eq(e.nops, 0);
}
END_TEST

/* Many items and ops: the item storage grows while op pointers must follow. */
START_TEST(test_parse_many)
{
    char text[4096];
    size_t n = (size_t)snprintf(text, sizeof text, "big");
    for (int op = 0; op < 40; op++) {
        n += (size_t)snprintf(text + n, sizeof text - n, "[");
        for (int k = 0; k <= op % 7; k++)
            n += (size_t)snprintf(text + n, sizeof text - n, "%s%d",
                                  k ? "," : "", op * 10 + k);
        n += (size_t)snprintf(text + n, sizeof text - n, "]%s",
                              op % 3 == 0 ? ".T" : "");
    }
    struct ndshm_expr e;
    ck_assert_int_eq(ndshm__expr_parse(text, &e), 0);
    ck_assert_str_eq(e.name, "big");
    int seen = 0;
    for (int i = 0; i < e.nops; i++) {
        if (e.ops[i].kind == NDSHM_OP_TRANSPOSE)
            continue;
        ck_assert_int_eq(e.ops[i].nitems, seen % 7 + 1);
        for (int k = 0; k < e.ops[i].nitems; k++) {
            ck_assert_int_eq(e.ops[i].items[k].kind, NDSHM_ITEM_INT);
            ck_assert_int_eq(e.ops[i].items[k].value, seen * 10 + k);
        }
        seen++;
    }
    ck_assert_int_eq(seen, 40);
    ck_assert_int_eq(e.nops, 40 + 14);
    ndshm__expr_free(&e);
}
END_TEST

/* Integers beyond int64 saturate, as Python's slice indices do. */
START_TEST(test_parse_saturate)
{
    struct ndshm_expr e;
    ck_assert_int_eq(
        ndshm__expr_parse("a[1000000000000000000000000000000:"
                          "-1000000000000000000000000000000:"
                          "-9223372036854775808, 9223372036854775807, "
                          "-9223372036854775808, 9223372036854775808, "
                          "1_000_000]",
                          &e),
        0);
    ck_assert_int_eq(e.ops[0].nitems, 5);
    const struct ndshm_item *it = e.ops[0].items;
    ck_assert_int_eq(it[0].start, INT64_MAX);
    ck_assert_int_eq(it[0].stop, INT64_MIN);
    ck_assert_int_eq(it[0].step, INT64_MIN);
    ck_assert_int_eq(it[1].value, INT64_MAX);
    ck_assert_int_eq(it[2].value, INT64_MIN);
    ck_assert_int_eq(it[3].value, INT64_MAX);
    ck_assert_int_eq(it[4].value, 1000000);
    ndshm__expr_free(&e);
}
END_TEST

/* A bare name, and names with namespaces, parse to no ops. */
START_TEST(test_parse_names)
{
    struct ndshm_expr e;
    ck_assert_int_eq(ndshm__expr_parse("temps", &e), 0);
    ck_assert_str_eq(e.name, "temps");
    ck_assert_int_eq(e.nops, 0);
    ndshm__expr_free(&e);
    ck_assert_int_eq(ndshm__expr_parse("  a/b_2/c3 \t", &e), 0);
    ck_assert_str_eq(e.name, "a/b_2/c3");
    ck_assert_int_eq(e.nops, 0);
    ndshm__expr_free(&e);
    ck_assert_int_eq(ndshm__expr_parse("x/y.T.T", &e), 0);
    ck_assert_str_eq(e.name, "x/y");
    ck_assert_int_eq(e.nops, 2);
    ndshm__expr_free(&e);

    char text[NDSHM_NAME_MAX + 8];
    memset(text, 'q', NDSHM_NAME_MAX);
    strcpy(text + NDSHM_NAME_MAX, "[0]");
    ck_assert_int_eq(ndshm__expr_parse(text, &e), 0); /* 255-byte name */
    ck_assert_uint_eq(strlen(e.name), NDSHM_NAME_MAX);
    ndshm__expr_free(&e);
    ndshm__expr_free(NULL); /* a no-op */
}
END_TEST

/* Errors found by the parser alone, whatever the array. */
static const char *const parse_errors[] = {
    NULL, "", "   ", "[0]", "1a[0]", "a-b", "a-b[0]", "a//b[0]", "a/[0]",
    "/a", "a/", "a[0]x", "a[", "a[]", "a[ ]", "a[0", "a[0,", "a[0,,1]",
    "a[0;1]", "a[::0]", "a[1:2:0]", "a[0:1:-0]", "a[1.5]", "a[1.]",
    "a[:1.5]", "a[::2.0]", "a[[0]]", "a[(0)]", "a[True]", "a[False]",
    "a[x]", "a[Nonesuch]", "a[newaxes]", "a[np.newaxes]", "a.T.", "a.t",
    "a.Tx", "a..T", "a[1]]", "a[..]", "a[1 2]", "a[:::]", "a[1:2:3:4]",
    "a[-]", "a[+]", "a[1e3]", "a[0x10]", "a[1__0]", "a[10_]", "a(0)",
    "a[0][", "a]", "a.T[0]..T", "a[\xc3\xa9]", "\xc3\xa9[0]",
};

START_TEST(test_parse_error)
{
    const char *text = parse_errors[_i];
    struct ndshm_expr e;
    memset(&e, 0x5a, sizeof e);
    int rc = ndshm__expr_parse(text, &e);
    ck_assert_msg(rc == NDSHM_EINVAL, "'%s': got %d, want EINVAL",
                  text ? text : "(null)", rc);
    ck_assert_str_ne(ndshm_errmsg(), "");
    /* on failure *out is zeroed */
    ck_assert_int_eq(e.nops, 0);
    ck_assert_ptr_null(e.ops);
    ck_assert_ptr_null(e.items);
    ck_assert_str_eq(e.name, "");
}
END_TEST

START_TEST(test_parse_long_name)
{
    char text[NDSHM_NAME_MAX + 8];
    struct ndshm_expr e;
    memset(text, 'q', NDSHM_NAME_MAX + 1);
    strcpy(text + NDSHM_NAME_MAX + 1, "[0]");
    ck_assert_int_eq(ndshm__expr_parse(text, &e), NDSHM_EINVAL);
    ck_assert_ptr_null(e.ops);
}
END_TEST

/* The messages name the expression and what is wrong. */
START_TEST(test_parse_messages)
{
    struct ndshm_expr e;
    ck_assert_int_eq(ndshm__expr_parse("a[1;2]", &e), NDSHM_EINVAL);
    ck_assert_ptr_nonnull(strstr(ndshm_errmsg(), "a[1;2]"));
    ck_assert_ptr_nonnull(strstr(ndshm_errmsg(), "column 4"));
    ck_assert_int_eq(ndshm__expr_parse("a[::0]", &e), NDSHM_EINVAL);
    ck_assert_ptr_nonnull(strstr(ndshm_errmsg(), "zero"));
    ck_assert_int_eq(ndshm__expr_parse("a[[1, 2]]", &e), NDSHM_EINVAL);
    ck_assert_ptr_nonnull(strstr(ndshm_errmsg(), "copy"));

    struct ndshm_window w;
    int64_t shape[2] = {3, 4};
    ndshm__window_contiguous(&w, 2, shape, 8, 0);
    ck_assert_int_eq(ndshm__expr_parse("a[1, 7]", &e), 0);
    ck_assert_int_eq(ndshm__window_apply(&w, &e), NDSHM_EINDEX);
    ck_assert_str_eq(ndshm_errmsg(),
                     "index 7 is out of bounds for axis 1 with size 4");
    ndshm__expr_free(&e);
}
END_TEST

/* ---- applying to windows of other item sizes ------------------------------ */

/* Itemsize 4 at offset 4096: numbers worked by hand from NumPy's rules. */
START_TEST(test_apply_itemsize)
{
    struct ndshm_window w;
    struct ndshm_expr e;
    int64_t shape[3] = {2, 3, 5};
    ndshm__window_contiguous(&w, 3, shape, 4, 4096);
    ck_assert_int_eq(w.strides[0], 60);
    ck_assert_int_eq(w.strides[1], 20);
    ck_assert_int_eq(w.strides[2], 4);
    ck_assert_int_eq(ndshm__expr_parse("a[-1, ::-2, 1:4].T", &e), 0);
    ck_assert_int_eq(ndshm__window_apply(&w, &e), 0);
    ndshm__expr_free(&e);
    /* a[1, 2, 1] is at 60 + 40 + 4 */
    ck_assert_int_eq(w.offset, 4096 + 104);
    ck_assert_int_eq(w.ndim, 2);
    ck_assert_int_eq(w.shape[0], 3);
    ck_assert_int_eq(w.shape[1], 2);
    ck_assert_int_eq(w.strides[0], 4);
    ck_assert_int_eq(w.strides[1], -40);
}
END_TEST

/*
 * A huge positive step leaves one element.  The stride of a 1-long axis is
 * never used (NumPy's own is an overflowed product), so only the shape and
 * the offset are checked.
 */
START_TEST(test_apply_huge_step)
{
    struct ndshm_window w;
    struct ndshm_expr e;
    int64_t shape[2] = {5, 3};
    ndshm__window_contiguous(&w, 2, shape, 8, 0);
    ck_assert_int_eq(
        ndshm__expr_parse("a[2::1000000000000000000000000000000, "
                          "::9223372036854775807]",
                          &e),
        0);
    ck_assert_int_eq(ndshm__window_apply(&w, &e), 0);
    ndshm__expr_free(&e);
    ck_assert_int_eq(w.ndim, 2);
    ck_assert_int_eq(w.shape[0], 1);
    ck_assert_int_eq(w.shape[1], 1);
    ck_assert_int_eq(w.offset, 48);
}
END_TEST

/* ---- window helpers ------------------------------------------------------- */

START_TEST(test_contiguous_strides)
{
    struct ndshm_window w;
    /* NumPy over a buffer (as a mapped .npy): (3, 0, 2) -> (16, 16, 8) */
    int64_t s1[3] = {3, 0, 2};
    ndshm__window_contiguous(&w, 3, s1, 8, 7);
    ck_assert_int_eq(w.ndim, 3);
    ck_assert_int_eq(w.offset, 7);
    ck_assert_int_eq(w.strides[0], 16);
    ck_assert_int_eq(w.strides[1], 16);
    ck_assert_int_eq(w.strides[2], 8);
    ck_assert_int_eq(w.shape[1], 0);
    int64_t s2[2] = {0, 3};
    ndshm__window_contiguous(&w, 2, s2, 2, 0);
    ck_assert_int_eq(w.strides[0], 6);
    ck_assert_int_eq(w.strides[1], 2);
    int64_t s3[4] = {4, 3, 2, 5};
    ndshm__window_contiguous(&w, 4, s3, 16, 0);
    ck_assert_int_eq(w.strides[0], 480);
    ck_assert_int_eq(w.strides[1], 160);
    ck_assert_int_eq(w.strides[2], 80);
    ck_assert_int_eq(w.strides[3], 16);
    ndshm__window_contiguous(&w, 0, s3, 16, 5);
    ck_assert_int_eq(w.ndim, 0);
    ck_assert_int_eq(w.offset, 5);
}
END_TEST

START_TEST(test_shape_size)
{
    int64_t size = -1;
    ck_assert(ndshm__shape_size(0, NULL, &size));
    ck_assert_int_eq(size, 1);
    int64_t a[3] = {2, 3, 7};
    ck_assert(ndshm__shape_size(3, a, &size));
    ck_assert_int_eq(size, 42);
    int64_t b[3] = {2, 0, 7};
    ck_assert(ndshm__shape_size(3, b, &size));
    ck_assert_int_eq(size, 0);
    /* overflows int64 */
    int64_t c[3] = {INT64_C(1) << 32, INT64_C(1) << 32, 2};
    ck_assert(!ndshm__shape_size(3, c, &size));
    int64_t d[2] = {INT64_MAX, 1};
    ck_assert(ndshm__shape_size(2, d, &size));
    ck_assert_int_eq(size, INT64_MAX);
    /* a zero anywhere makes the product 0, even after an overflow */
    int64_t e[4] = {INT64_C(1) << 40, INT64_C(1) << 40, 3, 0};
    ck_assert(ndshm__shape_size(4, e, &size));
    ck_assert_int_eq(size, 0);
    /* negative dimensions are refused */
    int64_t f[2] = {3, -1};
    ck_assert(!ndshm__shape_size(2, f, &size));
    int64_t g[2] = {0, -1};
    ck_assert(!ndshm__shape_size(2, g, &size));
}
END_TEST

START_TEST(test_window_extent)
{
    struct ndshm_window w = {0};
    int64_t lo = -1, hi = -1;

    /* 0-d: one element */
    w.offset = 100;
    ck_assert(ndshm__window_extent(&w, 8, &lo, &hi));
    ck_assert_int_eq(lo, 100);
    ck_assert_int_eq(hi, 108);

    /* a[::-1, 1:] over (3, 4) int64: offset of a[2, 1] = 72 */
    w.ndim = 2;
    w.offset = 72;
    w.shape[0] = 3;
    w.shape[1] = 3;
    w.strides[0] = -32;
    w.strides[1] = 8;
    ck_assert(ndshm__window_extent(&w, 8, &lo, &hi));
    ck_assert_int_eq(lo, 8);
    ck_assert_int_eq(hi, 96);

    /* broadcast (stride 0) axis */
    w.strides[0] = 0;
    ck_assert(ndshm__window_extent(&w, 8, &lo, &hi));
    ck_assert_int_eq(lo, 72);
    ck_assert_int_eq(hi, 96);

    /* empty: lo == hi == offset */
    w.shape[1] = 0;
    w.strides[0] = -32;
    ck_assert(ndshm__window_extent(&w, 8, &lo, &hi));
    ck_assert_int_eq(lo, 72);
    ck_assert_int_eq(hi, 72);

    /* overflow */
    w.shape[1] = INT64_C(1) << 62;
    w.strides[1] = 8;
    ck_assert(!ndshm__window_extent(&w, 8, &lo, &hi));
    w.shape[1] = 2;
    w.strides[1] = INT64_MAX;
    ck_assert(!ndshm__window_extent(&w, 8, &lo, &hi));
    w.shape[0] = 1;
    w.shape[1] = 1;
    w.offset = INT64_MAX - 4;
    ck_assert(!ndshm__window_extent(&w, 8, &lo, &hi));
}
END_TEST

Suite *index_suite(void)
{
    Suite *s = suite_create("index");
    TCase *tc = tcase_create("numpy_table");
    tcase_add_loop_test(tc, test_table, 0, COUNT(index_cases));
    tcase_add_test(tc, test_table_offset);
    suite_add_tcase(s, tc);

    tc = tcase_create("names");
    tcase_add_loop_test(tc, test_name_good, 0, COUNT(good_names));
    tcase_add_loop_test(tc, test_name_bad, 0, COUNT(bad_names));
    tcase_add_test(tc, test_name_length);
    suite_add_tcase(s, tc);

    tc = tcase_create("parse");
    tcase_add_test(tc, test_parse_structure);
    tcase_add_test(tc, test_parse_many);
    tcase_add_test(tc, test_parse_saturate);
    tcase_add_test(tc, test_parse_names);
    tcase_add_loop_test(tc, test_parse_error, 0, COUNT(parse_errors));
    tcase_add_test(tc, test_parse_long_name);
    tcase_add_test(tc, test_parse_messages);
    suite_add_tcase(s, tc);

    tc = tcase_create("window");
    tcase_add_test(tc, test_apply_itemsize);
    tcase_add_test(tc, test_apply_huge_step);
    tcase_add_test(tc, test_contiguous_strides);
    tcase_add_test(tc, test_shape_size);
    tcase_add_test(tc, test_window_extent);
    suite_add_tcase(s, tc);
    return s;
}
