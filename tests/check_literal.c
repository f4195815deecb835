/*
 * check_literal.c -- tools/literal.c: literal_parse (scalars, lists,
 * tuples, dtype inference exactly as np.array(ast.literal_eval(text))
 * infers it, syntax errors with their column), literal_broadcast (NumPy's
 * assignment broadcasting, including dropping leading length-1 dimensions
 * of the value) and shape_text.  Expected dtypes, shapes and values were
 * computed with NumPy 1.24.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "literal.h"
#include "suites.h"

struct lit_row {
    const char *text;
    const char *error; /* a substring of the message, or NULL */
    ndshm_dtype dtype;
    int ndim;
    int64_t shape[4];
    /*
     * The elements in C order, space-separated: bools as 1/0, integers in
     * decimal, floats as "%.17g" ("nan" for any NaN), complex as re,im.
     */
    const char *values;
};

static const struct lit_row rows[] = {
    {"0", NULL, NDSHM_INT64, 0, {0}, "0"},
    {"42", NULL, NDSHM_INT64, 0, {0}, "42"},
    {"-7", NULL, NDSHM_INT64, 0, {0}, "-7"},
    {"+5", NULL, NDSHM_INT64, 0, {0}, "5"},
    {"00", NULL, NDSHM_INT64, 0, {0}, "0"},
    {"9223372036854775807", NULL, NDSHM_INT64, 0, {0}, "9223372036854775807"},
    {"9223372036854775808", NULL, NDSHM_UINT64, 0, {0}, "9223372036854775808"},
    {"18446744073709551615",
     NULL, NDSHM_UINT64, 0, {0}, "18446744073709551615"},
    {"-9223372036854775808",
     NULL, NDSHM_INT64, 0, {0}, "-9223372036854775808"},
    {"0x1F", NULL, NDSHM_INT64, 0, {0}, "31"},
    {"0XfF", NULL, NDSHM_INT64, 0, {0}, "255"},
    {"0o17", NULL, NDSHM_INT64, 0, {0}, "15"},
    {"0O17", NULL, NDSHM_INT64, 0, {0}, "15"},
    {"0b101", NULL, NDSHM_INT64, 0, {0}, "5"},
    {"0B11", NULL, NDSHM_INT64, 0, {0}, "3"},
    {"-0x10", NULL, NDSHM_INT64, 0, {0}, "-16"},
    {"0xFFFFFFFFFFFFFFFF", NULL, NDSHM_UINT64, 0, {0}, "18446744073709551615"},
    {"-0x8000000000000000", NULL, NDSHM_INT64, 0, {0}, "-9223372036854775808"},
    {"1_000_000", NULL, NDSHM_INT64, 0, {0}, "1000000"},
    {"0b1111_0000", NULL, NDSHM_INT64, 0, {0}, "240"},
    {"0x_ff", NULL, NDSHM_INT64, 0, {0}, "255"},
    {"1.5", NULL, NDSHM_FLOAT64, 0, {0}, "1.5"},
    {"1e-3", NULL, NDSHM_FLOAT64, 0, {0}, "0.001"},
    {"1E5", NULL, NDSHM_FLOAT64, 0, {0}, "100000"},
    {"1e+5", NULL, NDSHM_FLOAT64, 0, {0}, "100000"},
    {".5", NULL, NDSHM_FLOAT64, 0, {0}, "0.5"},
    {"5.", NULL, NDSHM_FLOAT64, 0, {0}, "5"},
    {"-.5", NULL, NDSHM_FLOAT64, 0, {0}, "-0.5"},
    {"+.5e-2", NULL, NDSHM_FLOAT64, 0, {0}, "0.0050000000000000001"},
    {"-0.0", NULL, NDSHM_FLOAT64, 0, {0}, "-0"},
    {"0.1", NULL, NDSHM_FLOAT64, 0, {0}, "0.10000000000000001"},
    {"1_000.5", NULL, NDSHM_FLOAT64, 0, {0}, "1000.5"},
    {"1.7976931348623157e308",
     NULL, NDSHM_FLOAT64, 0, {0}, "1.7976931348623157e+308"},
    {"1e309", NULL, NDSHM_FLOAT64, 0, {0}, "inf"},
    {"-1e309", NULL, NDSHM_FLOAT64, 0, {0}, "-inf"},
    {"5e-324", NULL, NDSHM_FLOAT64, 0, {0}, "4.9406564584124654e-324"},
    {"2.5e-324", NULL, NDSHM_FLOAT64, 0, {0}, "4.9406564584124654e-324"},
    {"inf", NULL, NDSHM_FLOAT64, 0, {0}, "inf"},
    {"-inf", NULL, NDSHM_FLOAT64, 0, {0}, "-inf"},
    {"+inf", NULL, NDSHM_FLOAT64, 0, {0}, "inf"},
    {"nan", NULL, NDSHM_FLOAT64, 0, {0}, "nan"},
    {"NaN", NULL, NDSHM_FLOAT64, 0, {0}, "nan"},
    {"-nan", NULL, NDSHM_FLOAT64, 0, {0}, "nan"},
    {"Infinity", NULL, NDSHM_FLOAT64, 0, {0}, "inf"},
    {"-Infinity", NULL, NDSHM_FLOAT64, 0, {0}, "-inf"},
    {"INF", NULL, NDSHM_FLOAT64, 0, {0}, "inf"},
    {"2j", NULL, NDSHM_COMPLEX128, 0, {0}, "0,2"},
    {"2J", NULL, NDSHM_COMPLEX128, 0, {0}, "0,2"},
    {"1e3j", NULL, NDSHM_COMPLEX128, 0, {0}, "0,1000"},
    {"1.5j", NULL, NDSHM_COMPLEX128, 0, {0}, "0,1.5"},
    {"1+2j", NULL, NDSHM_COMPLEX128, 0, {0}, "1,2"},
    {"1 + 2j", NULL, NDSHM_COMPLEX128, 0, {0}, "1,2"},
    {"1-2j", NULL, NDSHM_COMPLEX128, 0, {0}, "1,-2"},
    {"-1.5-2e3j", NULL, NDSHM_COMPLEX128, 0, {0}, "-1.5,-2000"},
    {"(1+2j)", NULL, NDSHM_COMPLEX128, 0, {0}, "1,2"},
    {"((1+2j))", NULL, NDSHM_COMPLEX128, 0, {0}, "1,2"},
    {"infj", NULL, NDSHM_COMPLEX128, 0, {0}, "0,inf"},
    {"nanj", NULL, NDSHM_COMPLEX128, 0, {0}, "0,nan"},
    {"1+infj", NULL, NDSHM_COMPLEX128, 0, {0}, "1,inf"},
    {"0x10+1j", NULL, NDSHM_COMPLEX128, 0, {0}, "16,1"},
    {"18446744073709551615+1j",
     NULL, NDSHM_COMPLEX128, 0, {0}, "1.8446744073709552e+19,1"},
    {"True", NULL, NDSHM_BOOL, 0, {0}, "1"},
    {"False", NULL, NDSHM_BOOL, 0, {0}, "0"},
    {"true", NULL, NDSHM_BOOL, 0, {0}, "1"},
    {"false", NULL, NDSHM_BOOL, 0, {0}, "0"},
    {"[]", NULL, NDSHM_FLOAT64, 1, {0}, ""},
    {"[[]]", NULL, NDSHM_FLOAT64, 2, {1, 0}, ""},
    {"[[],[]]", NULL, NDSHM_FLOAT64, 2, {2, 0}, ""},
    {"[[], [], []]", NULL, NDSHM_FLOAT64, 2, {3, 0}, ""},
    {"[1, 2, 3]", NULL, NDSHM_INT64, 1, {3}, "1 2 3"},
    {"[[1, 2], [3, 4]]", NULL, NDSHM_INT64, 2, {2, 2}, "1 2 3 4"},
    {"[[[1]]]", NULL, NDSHM_INT64, 3, {1, 1, 1}, "1"},
    {"[[[1, 2, 3]], [[4, 5, 6]]]",
     NULL, NDSHM_INT64, 3, {2, 1, 3}, "1 2 3 4 5 6"},
    {"(1, 2)", NULL, NDSHM_INT64, 1, {2}, "1 2"},
    {"(1,)", NULL, NDSHM_INT64, 1, {1}, "1"},
    {"()", NULL, NDSHM_FLOAT64, 1, {0}, ""},
    {"(1)", NULL, NDSHM_INT64, 0, {0}, "1"},
    {"((1))", NULL, NDSHM_INT64, 0, {0}, "1"},
    {"[(1)]", NULL, NDSHM_INT64, 1, {1}, "1"},
    {"[(1,)]", NULL, NDSHM_INT64, 2, {1, 1}, "1"},
    {"((1, 2), [3, 4])", NULL, NDSHM_INT64, 2, {2, 2}, "1 2 3 4"},
    {"[(1, 2), (3, 4)]", NULL, NDSHM_INT64, 2, {2, 2}, "1 2 3 4"},
    {"[1, 2,]", NULL, NDSHM_INT64, 1, {2}, "1 2"},
    {"[[1, 2,], [3, 4],]", NULL, NDSHM_INT64, 2, {2, 2}, "1 2 3 4"},
    {"(1, 2,)", NULL, NDSHM_INT64, 1, {2}, "1 2"},
    {"  [ 1 ,2 ]  ", NULL, NDSHM_INT64, 1, {2}, "1 2"},
    {"[\n1,\t2\n]", NULL, NDSHM_INT64, 1, {2}, "1 2"},
    {"\t7\n", NULL, NDSHM_INT64, 0, {0}, "7"},
    {"[True, False]", NULL, NDSHM_BOOL, 1, {2}, "1 0"},
    {"[1, True]", NULL, NDSHM_INT64, 1, {2}, "1 1"},
    {"[True, 1]", NULL, NDSHM_INT64, 1, {2}, "1 1"},
    {"[1, 2.5]", NULL, NDSHM_FLOAT64, 1, {2}, "1 2.5"},
    {"[True, 2.5]", NULL, NDSHM_FLOAT64, 1, {2}, "1 2.5"},
    {"[1, 2j]", NULL, NDSHM_COMPLEX128, 1, {2}, "1,0 0,2"},
    {"[True, 2j]", NULL, NDSHM_COMPLEX128, 1, {2}, "1,0 0,2"},
    {"[1.5, 2j]", NULL, NDSHM_COMPLEX128, 1, {2}, "1.5,0 0,2"},
    {"[9223372036854775808, 1]",
     NULL, NDSHM_FLOAT64, 1, {2}, "9.2233720368547758e+18 1"},
    {"[9223372036854775808, -1]",
     NULL, NDSHM_FLOAT64, 1, {2}, "9.2233720368547758e+18 -1"},
    {"[18446744073709551615, 0]",
     NULL, NDSHM_FLOAT64, 1, {2}, "1.8446744073709552e+19 0"},
    {"[1.5, 18446744073709551615]",
     NULL, NDSHM_FLOAT64, 1, {2}, "1.5 1.8446744073709552e+19"},
    {"[True, 9223372036854775808]",
     NULL, NDSHM_UINT64, 1, {2}, "1 9223372036854775808"},
    {"[-1, 9223372036854775807]",
     NULL, NDSHM_INT64, 1, {2}, "-1 9223372036854775807"},
    {"[-9223372036854775808, 9223372036854775807]",
     NULL, NDSHM_INT64, 1, {2}, "-9223372036854775808 9223372036854775807"},
    {"[9223372036854775808, 2j]",
     NULL, NDSHM_COMPLEX128, 1, {2}, "9.2233720368547758e+18,0 0,2"},
    {"[1, 9223372036854775808]",
     NULL, NDSHM_FLOAT64, 1, {2}, "1 9.2233720368547758e+18"},
    {"[[9223372036854775808], [1]]",
     NULL, NDSHM_FLOAT64, 2, {2, 1}, "9.2233720368547758e+18 1"},
    {"[18446744073709551615, 9223372036854775808]",
     NULL, NDSHM_UINT64, 1, {2}, "18446744073709551615 9223372036854775808"},
    {"[9223372036854775808, True]",
     NULL, NDSHM_UINT64, 1, {2}, "9223372036854775808 1"},
    {"[9223372036854775808, 1.5]",
     NULL, NDSHM_FLOAT64, 1, {2}, "9.2233720368547758e+18 1.5"},
    {"[[True], [False]]", NULL, NDSHM_BOOL, 2, {2, 1}, "1 0"},
    {"[[1, 2.0], [3, 4]]", NULL, NDSHM_FLOAT64, 2, {2, 2}, "1 2 3 4"},
    {"[inf, 1]", NULL, NDSHM_FLOAT64, 1, {2}, "inf 1"},
    {"[nan, -inf]", NULL, NDSHM_FLOAT64, 1, {2}, "nan -inf"},
    {"[1+2j, 3]", NULL, NDSHM_COMPLEX128, 1, {2}, "1,2 3,0"},
    {"[1 +2j, -1.5-2e3j]", NULL, NDSHM_COMPLEX128, 1, {2}, "1,2 -1.5,-2000"},
    {"[[]]", NULL, NDSHM_FLOAT64, 2, {1, 0}, ""},
    {"[[], []]", NULL, NDSHM_FLOAT64, 2, {2, 0}, ""},
    {"[[[]]]", NULL, NDSHM_FLOAT64, 3, {1, 1, 0}, ""},
    {"[(), ()]", NULL, NDSHM_FLOAT64, 2, {2, 0}, ""},
    {"18446744073709551616", "integer too large", 0, 0, {0}, NULL},
    {"-9223372036854775809", "integer too small", 0, 0, {0}, NULL},
    {"0x10000000000000000", "integer too large", 0, 0, {0}, NULL},
    {"[[1, 2], [3]]", "inhomogeneous", 0, 0, {0}, NULL},
    {"[[], [1]]", "inhomogeneous", 0, 0, {0}, NULL},
    {"[1, [2]]", "inhomogeneous", 0, 0, {0}, NULL},
    {"[[1], 2]", "inhomogeneous", 0, 0, {0}, NULL},
    {"[[[1]], [2]]", "inhomogeneous", 0, 0, {0}, NULL},
    {"[[], [[]]]", "inhomogeneous", 0, 0, {0}, NULL},
    {"", "expected a value at the end", 0, 0, {0}, NULL},
    {"   ", "expected a value at the end", 0, 0, {0}, NULL},
    {"abc", "expected a value at column 1 ('a')", 0, 0, {0}, NULL},
    {"TRUE", "expected a value at column 1 ('T')", 0, 0, {0}, NULL},
    {"[1, 2", "expected ',' or ']' at the end", 0, 0, {0}, NULL},
    {"[1 2]", "expected ',' or ']' at column 4 ('2')", 0, 0, {0}, NULL},
    {"[1, 2)", "expected ',' or ']' at column 6 (')')", 0, 0, {0}, NULL},
    {"(1, 2]", "expected ',' or ')' at column 6 (']')", 0, 0, {0}, NULL},
    {"[1,,2]", "expected a value at column 4 (',')", 0, 0, {0}, NULL},
    {"[,]", "expected a value at column 2 (',')", 0, 0, {0}, NULL},
    {"[", "missing ']' at the end", 0, 0, {0}, NULL},
    {"[1,", "missing ']' at the end", 0, 0, {0}, NULL},
    {"1 2",
     "unexpected text after the value at column 3 ('2')", 0, 0, {0}, NULL},
    {"[1]]",
     "unexpected text after the value at column 4 (']')", 0, 0, {0}, NULL},
    {"1.2.3", "invalid number at column 4 ('.')", 0, 0, {0}, NULL},
    {"0b102", "invalid number at column 5 ('2')", 0, 0, {0}, NULL},
    {"0o8", "expected a value at column 1 ('0')", 0, 0, {0}, NULL},
    {"12abc", "invalid number at column 3 ('a')", 0, 0, {0}, NULL},
    {"1__000", "invalid number", 0, 0, {0}, NULL},
    {"1_", "invalid number", 0, 0, {0}, NULL},
    {"1e", "invalid number at column 2 ('e')", 0, 0, {0}, NULL},
    {"infinit", "invalid number", 0, 0, {0}, NULL},
    {"nanx", "invalid number", 0, 0, {0}, NULL},
    {"0x1.8", "invalid number", 0, 0, {0}, NULL},
    {".", "expected a value at column 1 ('.')", 0, 0, {0}, NULL},
    {"--1", "expected a value", 0, 0, {0}, NULL},
    {"1+2", "unexpected '+'", 0, 0, {0}, NULL},
    {"1+", "unexpected '+'", 0, 0, {0}, NULL},
    {"1+xj", "invalid complex number", 0, 0, {0}, NULL},
    {"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
     "more than 32 dimensions", 0, 0, {0}, NULL},
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void put_double(char *buf, size_t cap, size_t *n, double v)
{
    if (isnan(v))
        *n += (size_t)snprintf(buf + *n, cap - *n, "nan");
    else
        *n += (size_t)snprintf(buf + *n, cap - *n, "%.17g", v);
}

/* The literal's elements in the rows' notation. */
static void values_text(const struct literal *lit, char *buf, size_t cap)
{
    size_t n = 0;
    const unsigned char *p = lit->data;
    buf[0] = '\0';
    for (size_t i = 0; i < lit->count && n + 64 < cap; i++) {
        if (i > 0)
            buf[n++] = ' ';
        switch (lit->dtype) {
        case NDSHM_BOOL:
            n += (size_t)snprintf(buf + n, cap - n, "%d", p[i] ? 1 : 0);
            break;
        case NDSHM_INT64: {
            int64_t v;
            memcpy(&v, p + 8 * i, 8);
            n += (size_t)snprintf(buf + n, cap - n, "%" PRId64, v);
            break;
        }
        case NDSHM_UINT64: {
            uint64_t v;
            memcpy(&v, p + 8 * i, 8);
            n += (size_t)snprintf(buf + n, cap - n, "%" PRIu64, v);
            break;
        }
        case NDSHM_FLOAT64: {
            double v;
            memcpy(&v, p + 8 * i, 8);
            put_double(buf, cap, &n, v);
            break;
        }
        case NDSHM_COMPLEX128: {
            double c[2];
            memcpy(c, p + 16 * i, 16);
            put_double(buf, cap, &n, c[0]);
            buf[n++] = ',';
            put_double(buf, cap, &n, c[1]);
            break;
        }
        default:
            snprintf(buf, cap, "unexpected dtype %d", (int)lit->dtype);
            return;
        }
    }
}

START_TEST(test_parse_table)
{
    const struct lit_row *r = &rows[_i];
    struct literal lit;
    char err[256] = "";
    int rc = literal_parse(r->text, &lit, err, sizeof err);
    if (r->error) {
        ck_assert_msg(rc == -1, "row %d: '%s' parsed, want error '%s'", _i,
                      r->text, r->error);
        ck_assert_msg(strstr(err, r->error) != NULL,
                      "row %d: '%s': error '%s' lacks '%s'", _i, r->text,
                      err, r->error);
        literal_free(&lit);
        return;
    }
    ck_assert_msg(rc == 0, "row %d: '%s' failed: %s", _i, r->text, err);
    ck_assert_msg(lit.dtype == r->dtype, "row %d: '%s' is %s, NumPy says %s",
                  _i, r->text, ndshm_dtype_name(lit.dtype),
                  ndshm_dtype_name(r->dtype));
    ck_assert_msg(lit.ndim == r->ndim, "row %d: '%s' has ndim %d, want %d",
                  _i, r->text, lit.ndim, r->ndim);
    size_t count = 1;
    for (int k = 0; k < r->ndim; k++) {
        ck_assert_msg(lit.shape[k] == r->shape[k],
                      "row %d: '%s' dim %d is %" PRId64 ", want %" PRId64,
                      _i, r->text, k, lit.shape[k], r->shape[k]);
        count *= (size_t)r->shape[k];
    }
    ck_assert_uint_eq(lit.count, count);
    ck_assert_ptr_nonnull(lit.data);
    char got[1024];
    values_text(&lit, got, sizeof got);
    ck_assert_msg(strcmp(got, r->values) == 0,
                  "row %d: '%s' values '%s', want '%s'", _i, r->text, got,
                  r->values);
    literal_free(&lit);
    ck_assert_ptr_null(lit.data);
}
END_TEST

/* Errors are one line and name the place: "... at column N ('c')". */
START_TEST(test_error_is_one_line)
{
    for (int i = 0; i < COUNT(rows); i++) {
        if (rows[i].error == NULL)
            continue;
        struct literal lit;
        char err[256];
        memset(err, 'x', sizeof err);
        ck_assert_int_eq(literal_parse(rows[i].text, &lit, err, sizeof err),
                         -1);
        ck_assert_msg(memchr(err, '\0', sizeof err) != NULL,
                      "row %d: unterminated", i);
        ck_assert_msg(strchr(err, '\n') == NULL && err[0] != '\0',
                      "row %d: '%s'", i, err);
        literal_free(&lit);
    }
}
END_TEST

START_TEST(test_small_error_buffer)
{
    struct literal lit;
    char err[8];
    memset(err, 'x', sizeof err);
    ck_assert_int_eq(literal_parse("[1, 2", &lit, err, sizeof err), -1);
    ck_assert_str_eq(err, "expecte");
    literal_free(&lit);
}
END_TEST

START_TEST(test_max_dims)
{
    /* 32 nested lists are NumPy's limit and fine */
    char text[80];
    memset(text, '[', 32);
    text[32] = '5';
    memset(text + 33, ']', 32);
    text[65] = '\0';
    struct literal lit;
    char err[256];
    ck_assert_int_eq(literal_parse(text, &lit, err, sizeof err), 0);
    ck_assert_int_eq(lit.ndim, 32);
    for (int k = 0; k < 32; k++)
        ck_assert_int_eq(lit.shape[k], 1);
    ck_assert_uint_eq(lit.count, 1);
    literal_free(&lit);
    /* 32 levels of empty lists: the innermost has length 0 */
    memset(text, '[', 32);
    memset(text + 32, ']', 32);
    text[64] = '\0';
    ck_assert_int_eq(literal_parse(text, &lit, err, sizeof err), 0);
    ck_assert_int_eq(lit.ndim, 32);
    ck_assert_int_eq(lit.shape[31], 0);
    ck_assert_uint_eq(lit.count, 0);
    ck_assert_int_eq(lit.dtype, NDSHM_FLOAT64);
    literal_free(&lit);
}
END_TEST

START_TEST(test_long_list)
{
    /* 10000 elements, and a number of 400 digits */
    size_t cap = 10000 * 8 + 16;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    size_t n = 0;
    text[n++] = '[';
    for (int i = 0; i < 10000; i++)
        n += (size_t)snprintf(text + n, cap - n, i ? ", %d" : "%d", i);
    text[n++] = ']';
    text[n] = '\0';
    struct literal lit;
    char err[256];
    ck_assert_int_eq(literal_parse(text, &lit, err, sizeof err), 0);
    ck_assert_uint_eq(lit.count, 10000);
    ck_assert_int_eq(((int64_t *)lit.data)[9999], 9999);
    literal_free(&lit);
    /* 0.000...1 with 400 fraction digits: rounds to zero */
    memset(text, '0', 402);
    memcpy(text, "0.", 2);
    text[401] = '1';
    text[402] = '\0';
    ck_assert_int_eq(literal_parse(text, &lit, err, sizeof err), 0);
    ck_assert_int_eq(lit.dtype, NDSHM_FLOAT64);
    double v;
    memcpy(&v, lit.data, 8);
    ck_assert(v == 0 && !signbit(v)); /* below the smallest subnormal */
    literal_free(&lit);
    free(text);
}
END_TEST

/* ---- literal_broadcast ------------------------------------------------ */

struct bc_row {
    const char *value; /* parsed with literal_parse */
    int ndim;
    int64_t target[4];
    size_t itemsize;
    int64_t strides[4]; /* checked where target[k] > 1 */
    const char *error;  /* the whole message, or NULL */
};

/* Results checked with NumPy: a = np.zeros(target); a[...] = value. */
static const struct bc_row bc_rows[] = {
    {"5", 0, {0}, 8, {0}, NULL},
    {"5", 1, {3}, 8, {0}, NULL},
    {"[1, 2, 3]", 1, {3}, 8, {8}, NULL},
    {"[1, 2, 3]", 2, {2, 3}, 8, {0, 8}, NULL},
    {"[[1], [2]]", 2, {2, 3}, 8, {8, 0}, NULL},
    {"[[1, 2, 3]]", 1, {3}, 8, {8}, NULL},
    {"[[[1, 2, 3]]]", 1, {3}, 8, {8}, NULL},
    {"[[1, 2, 3]]", 2, {2, 3}, 8, {0, 8}, NULL},
    {"[1]", 0, {0}, 8, {0}, NULL},
    {"[[1]]", 0, {0}, 8, {0}, NULL},
    {"[]", 1, {0}, 8, {0}, NULL},
    {"[1]", 1, {0}, 8, {0}, NULL},
    {"[[1]]", 1, {0}, 8, {0}, NULL},
    {"[[1, 2, 3], [4, 5, 6]]", 3, {4, 2, 3}, 8, {0, 24, 8}, NULL},
    {"[[1, 2], [3, 4]]", 2, {2, 2}, 4, {8, 4}, NULL},
    {"[[1, 2], [3, 4]]", 3, {2, 2, 2}, 2, {0, 4, 2}, NULL},
    {"[[[5]]]", 1, {2}, 8, {0}, NULL},
    {"[[1], [2]]", 2, {2, 1}, 8, {8, 0}, NULL},
    {"[[1, 2]]", 3, {3, 1, 2}, 1, {0, 0, 1}, NULL},
    {"[1, 2]", 1, {3}, 8, {0},
     "could not broadcast input array from shape (2,) into shape (3,)"},
    {"[]", 1, {3}, 8, {0},
     "could not broadcast input array from shape (0,) into shape (3,)"},
    {"[1, 2]", 0, {0}, 8, {0},
     "could not broadcast input array from shape (2,) into shape ()"},
    {"[[1, 2], [3, 4]]", 1, {2}, 8, {0},
     "could not broadcast input array from shape (2,2) into shape (2,)"},
    {"[[1, 2], [3, 4]]", 1, {1}, 8, {0},
     "could not broadcast input array from shape (2,2) into shape (1,)"},
    {"[[1, 2]]", 3, {1, 2, 1}, 8, {0},
     "could not broadcast input array from shape (1,2) into shape "
     "(1,2,1)"},
    {"[[1, 2, 3]]", 2, {2, 0}, 8, {0},
     "could not broadcast input array from shape (1,3) into shape (2,0)"},
    {"[1, 2, 3]", 2, {3, 1}, 8, {0},
     "could not broadcast input array from shape (3,) into shape (3,1)"},
    {"[[[1, 2]], [[3, 4]]]", 2, {2, 2}, 8, {0},
     "could not broadcast input array from shape (2,1,2) into shape "
     "(2,2)"},
};

START_TEST(test_broadcast_table)
{
    const struct bc_row *r = &bc_rows[_i];
    struct literal lit;
    char err[512] = "";
    ck_assert_int_eq(literal_parse(r->value, &lit, err, sizeof err), 0);
    int64_t strides[4] = {-1, -1, -1, -1};
    int rc = literal_broadcast(&lit, r->itemsize, r->ndim, r->target,
                               strides, err, sizeof err);
    if (r->error) {
        ck_assert_msg(rc == -1, "row %d: '%s' broadcast", _i, r->value);
        ck_assert_str_eq(err, r->error);
    } else {
        ck_assert_msg(rc == 0, "row %d: '%s': %s", _i, r->value, err);
        for (int k = 0; k < r->ndim; k++)
            if (r->target[k] > 1)
                ck_assert_msg(strides[k] == r->strides[k],
                              "row %d: '%s' stride %d is %" PRId64
                              ", want %" PRId64,
                              _i, r->value, k, strides[k], r->strides[k]);
    }
    literal_free(&lit);
}
END_TEST

/* Reading the value through the strides gives NumPy's broadcast result. */
START_TEST(test_broadcast_reads)
{
    struct literal lit;
    char err[256];
    ck_assert_int_eq(literal_parse("[[10], [20]]", &lit, err, sizeof err),
                     0);
    int64_t target[3] = {2, 2, 3}, strides[3];
    ck_assert_int_eq(literal_broadcast(&lit, 8, 3, target, strides, err,
                                       sizeof err),
                     0);
    static const int64_t want[2][2][3] = {{{10, 10, 10}, {20, 20, 20}},
                                          {{10, 10, 10}, {20, 20, 20}}};
    const unsigned char *base = lit.data;
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            for (int k = 0; k < 3; k++) {
                int64_t v;
                memcpy(&v, base + i * strides[0] + j * strides[1] +
                               k * strides[2],
                       8);
                ck_assert_int_eq(v, want[i][j][k]);
            }
    literal_free(&lit);
}
END_TEST

/* ---- shape_text ------------------------------------------------------- */

START_TEST(test_shape_text)
{
    char buf[64];
    int64_t s3[] = {3}, s23[] = {2, 3}, s0[] = {0}, s4[] = {1, 0, 7, 2};
    int64_t big[] = {INT64_MAX, 1};
    ck_assert_str_eq(shape_text(1, s3, buf, sizeof buf), "(3,)");
    ck_assert_str_eq(shape_text(0, NULL, buf, sizeof buf), "()");
    ck_assert_str_eq(shape_text(2, s23, buf, sizeof buf), "(2, 3)");
    ck_assert_str_eq(shape_text(1, s0, buf, sizeof buf), "(0,)");
    ck_assert_str_eq(shape_text(4, s4, buf, sizeof buf), "(1, 0, 7, 2)");
    ck_assert_str_eq(shape_text(2, big, buf, sizeof buf),
                     "(9223372036854775807, 1)");
    /* the return value is buf */
    ck_assert_ptr_eq(shape_text(1, s3, buf, sizeof buf), buf);
    /* a short buffer truncates, terminated */
    char small[5];
    memset(small, 'x', sizeof small);
    shape_text(2, s23, small, sizeof small);
    ck_assert_str_eq(small, "(2, ");
    memset(small, 'x', sizeof small);
    shape_text(1, s3, small, 4);
    ck_assert_str_eq(small, "(3,");
    /* 32 dimensions */
    int64_t d32[32];
    for (int k = 0; k < 32; k++)
        d32[k] = k + 1;
    char wide[256];
    shape_text(32, d32, wide, sizeof wide);
    ck_assert(strncmp(wide, "(1, 2, 3, ", 10) == 0);
    ck_assert_str_eq(wide + strlen(wide) - 7, "31, 32)");
}
END_TEST

Suite *literal_suite(void)
{
    Suite *s = suite_create("literal");
    TCase *tc = tcase_create("parse");
    tcase_add_loop_test(tc, test_parse_table, 0, COUNT(rows));
    tcase_add_test(tc, test_error_is_one_line);
    tcase_add_test(tc, test_small_error_buffer);
    tcase_add_test(tc, test_max_dims);
    tcase_add_test(tc, test_long_list);
    suite_add_tcase(s, tc);
    tc = tcase_create("broadcast");
    tcase_add_loop_test(tc, test_broadcast_table, 0, COUNT(bc_rows));
    tcase_add_test(tc, test_broadcast_reads);
    tcase_add_test(tc, test_shape_text);
    suite_add_tcase(s, tc);
    return s;
}
