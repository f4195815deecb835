/*
 * convert.c -- checked conversion of elements between dtypes: NumPy's casts,
 * minus the silent losses (wrap-around, NaN to integer, overflow to inf).
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "convert.h"
#include "dtype.h"
#include "error.h"

double ndshm__half_to_double(uint16_t h)
{
    int sign = h >> 15, exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
    double v;
    if (exp == 0)
        v = ldexp(frac, -24);
    else if (exp == 31)
        v = frac ? NAN : INFINITY;
    else
        v = ldexp(frac | 0x400, exp - 25);
    return sign ? -v : v;
}

uint16_t ndshm__double_to_half(double d)
{
    uint16_t sign = signbit(d) ? 0x8000 : 0;
    double a = fabs(d);
    if (isnan(d))
        return sign | 0x7e00;
    if (a >= 65520.0) /* rounds past the largest half, 65504 */
        return sign | 0x7c00;
    if (a < ldexp(1, -14)) {
        /* Subnormal: a multiple of 2^-24, rounded to nearest even. */
        double m = nearbyint(ldexp(a, 24));
        return sign | (uint16_t)m;
    }
    int e;
    double f = frexp(a, &e);            /* a = f * 2^e, f in [0.5, 1) */
    double m = nearbyint(ldexp(f, 11)); /* 11 significant bits */
    if (m >= 2048.0) {
        m /= 2;
        e++;
    }
    uint16_t biased = (uint16_t)(e - 1 + 15);
    return sign | (uint16_t)(biased << 10) | ((uint16_t)m & 0x3ff);
}

/* One element in the widest form of its kind. */
struct value {
    char kind; /* 'b', 'i', 'u', 'f', 'c' */
    int64_t i;
    uint64_t u;
    double re, im;
};

static struct value load(ndshm_dtype t, const unsigned char *p)
{
    struct value v = {.kind = ndshm__dtype_kind(t)};
    switch (t) {
    case NDSHM_BOOL: v.u = *p != 0; break;
    case NDSHM_INT8: {
        int8_t x;
        memcpy(&x, p, 1);
        v.i = x;
        break;
    }
    case NDSHM_INT16: {
        int16_t x;
        memcpy(&x, p, 2);
        v.i = x;
        break;
    }
    case NDSHM_INT32: {
        int32_t x;
        memcpy(&x, p, 4);
        v.i = x;
        break;
    }
    case NDSHM_INT64: memcpy(&v.i, p, 8); break;
    case NDSHM_UINT8: v.u = *p; break;
    case NDSHM_UINT16: {
        uint16_t x;
        memcpy(&x, p, 2);
        v.u = x;
        break;
    }
    case NDSHM_UINT32: {
        uint32_t x;
        memcpy(&x, p, 4);
        v.u = x;
        break;
    }
    case NDSHM_UINT64: memcpy(&v.u, p, 8); break;
    case NDSHM_FLOAT16: {
        uint16_t x;
        memcpy(&x, p, 2);
        v.re = ndshm__half_to_double(x);
        break;
    }
    case NDSHM_FLOAT32: {
        float x;
        memcpy(&x, p, 4);
        v.re = x;
        break;
    }
    case NDSHM_FLOAT64: memcpy(&v.re, p, 8); break;
    case NDSHM_COMPLEX64: {
        float x[2];
        memcpy(x, p, 8);
        v.re = x[0];
        v.im = x[1];
        break;
    }
    case NDSHM_COMPLEX128:
        memcpy(&v.re, p, 8);
        memcpy(&v.im, p + 8, 8);
        break;
    }
    return v;
}

/* The value as text for a message, as NumPy would show it. */
static void describe(const struct value *v, char *buf, size_t len)
{
    switch (v->kind) {
    case 'b': snprintf(buf, len, "%s", v->u ? "True" : "False"); break;
    case 'i': snprintf(buf, len, "%" PRId64, v->i); break;
    case 'u': snprintf(buf, len, "%" PRIu64, v->u); break;
    case 'f': snprintf(buf, len, "%.17g", v->re); break;
    default: snprintf(buf, len, "(%.17g%+.17gj)", v->re, v->im); break;
    }
}

static int refuse(const struct value *v, ndshm_dtype to, size_t index,
                  size_t count, const char *why)
{
    char text[96], where[48] = "";
    describe(v, text, sizeof text);
    if (count > 1)
        snprintf(where, sizeof where, "element %zu: ", index);
    return ndshm__err(NDSHM_ERANGE, "%svalue %s %s %s", where, text, why,
                      ndshm_dtype_name(to));
}

/* Integer targets: [lo, hi] as both exact integers and doubles. */
static bool int_range(ndshm_dtype t, int64_t *lo, uint64_t *hi)
{
    switch (t) {
    case NDSHM_INT8:
        *lo = INT8_MIN;
        *hi = INT8_MAX;
        return true;
    case NDSHM_INT16:
        *lo = INT16_MIN;
        *hi = INT16_MAX;
        return true;
    case NDSHM_INT32:
        *lo = INT32_MIN;
        *hi = INT32_MAX;
        return true;
    case NDSHM_INT64:
        *lo = INT64_MIN;
        *hi = INT64_MAX;
        return true;
    case NDSHM_UINT8:
        *lo = 0;
        *hi = UINT8_MAX;
        return true;
    case NDSHM_UINT16:
        *lo = 0;
        *hi = UINT16_MAX;
        return true;
    case NDSHM_UINT32:
        *lo = 0;
        *hi = UINT32_MAX;
        return true;
    case NDSHM_UINT64:
        *lo = 0;
        *hi = UINT64_MAX;
        return true;
    default: return false;
    }
}

/* An in-range integer as its two's complement bits: the low bytes are it. */
static void store_int(ndshm_dtype t, unsigned char *p, uint64_t bits)
{
    memcpy(p, &bits, ndshm_dtype_size(t)); /* little-endian host */
}

static int store(ndshm_dtype t, unsigned char *p, const struct value *v,
                 size_t index, size_t count)
{
    double re = v->re, im = v->im;
    if (v->kind == 'i')
        re = (double)v->i;
    else if (v->kind == 'u' || v->kind == 'b')
        re = (double)v->u;
    if (v->kind != 'c')
        im = 0;

    if (t == NDSHM_BOOL) {
        bool nz = v->kind == 'i'                       ? v->i != 0
                  : (v->kind == 'u' || v->kind == 'b') ? v->u != 0
                                                       : (re != 0 || im != 0);
        *p = nz;
        return 0;
    }
    if (ndshm__dtype_kind(t) != 'c' && im != 0)
        return refuse(v, t, index, count,
                      "has a nonzero imaginary part: cannot convert to");

    int64_t lo;
    uint64_t hi;
    if (int_range(t, &lo, &hi)) {
        if (v->kind == 'i') {
            if (v->i < lo || (v->i > 0 && (uint64_t)v->i > hi))
                return refuse(v, t, index, count, "is out of range for");
            store_int(t, p, (uint64_t)v->i);
            return 0;
        }
        if (v->kind == 'u' || v->kind == 'b') {
            if (v->u > hi)
                return refuse(v, t, index, count, "is out of range for");
            store_int(t, p, v->u);
            return 0;
        }
        if (isnan(re) || isinf(re))
            return refuse(v, t, index, count, "cannot be converted to");
        double x = trunc(re);
        /* -2^63 and 2^64 are exact doubles; hi + 1 is a power of two. */
        double top = ldexp((double)(hi / 2 + 1), 1);
        if (x < (double)lo || x >= top)
            return refuse(v, t, index, count, "is out of range for");
        store_int(t, p, x < 0 ? (uint64_t)(int64_t)x : (uint64_t)x);
        return 0;
    }

    /* Float and complex targets: overflow of a finite value is an error. */
    double limit = t == NDSHM_FLOAT16 ? 65520.0
                   : (t == NDSHM_FLOAT32 || t == NDSHM_COMPLEX64)
                       ? 0x1.ffffffp127 /* rounds to FLT_MAX below this */
                       : INFINITY;
    if ((isfinite(re) && fabs(re) >= limit) ||
        (isfinite(im) && fabs(im) >= limit))
        return refuse(v, t, index, count, "is out of range for");
    /* Integers go to float directly: through double they would round
     * twice (2^62 + 2^38 + 1 must become 0x1.000002p62, not 2^62). */
    float re32 = v->kind == 'i'                       ? (float)v->i
                 : (v->kind == 'u' || v->kind == 'b') ? (float)v->u
                                                      : (float)re;
    switch (t) {
    case NDSHM_FLOAT16: {
        uint16_t h = ndshm__double_to_half(re);
        memcpy(p, &h, 2);
        break;
    }
    case NDSHM_FLOAT32: memcpy(p, &re32, 4); break;
    case NDSHM_FLOAT64: memcpy(p, &re, 8); break;
    case NDSHM_COMPLEX64: {
        float f[2] = {re32, (float)im};
        memcpy(p, f, 8);
        break;
    }
    default:
        memcpy(p, &re, 8);
        memcpy(p + 8, &im, 8);
        break;
    }
    return 0;
}

/* ---- conversions that cannot fail, as typed loops ---------------------- */

/* One loop per (source, destination) C type pair: contiguous, aligned
 * rows run as plain array loops the compiler vectorizes; a caller's
 * buffer may be unaligned, and then every element goes through memcpy. */
#define CONVERTER(NAME, S, D)                                                 \
    static void NAME(char *d, int64_t ds, const char *s, int64_t ss,          \
                     int64_t n)                                               \
    {                                                                         \
        if (ds == (int64_t)sizeof(D) && ss == (int64_t)sizeof(S) &&           \
            (uintptr_t)d % _Alignof(D) == 0 &&                                \
            (uintptr_t)s % _Alignof(S) == 0) {                                \
            D *restrict dp = (D *)(void *)d;                                  \
            const S *restrict sp = (const S *)(const void *)s;                \
            for (int64_t i = 0; i < n; i++)                                   \
                dp[i] = (D)sp[i];                                             \
            return;                                                           \
        }                                                                     \
        for (int64_t i = 0; i < n; i++, d += ds, s += ss) {                   \
            S x;                                                              \
            memcpy(&x, s, sizeof x);                                          \
            D y = (D)x;                                                       \
            memcpy(d, &y, sizeof y);                                          \
        }                                                                     \
    }

CONVERTER(i8_f64, int8_t, double)
CONVERTER(i16_f64, int16_t, double)
CONVERTER(i32_f64, int32_t, double)
CONVERTER(i64_f64, int64_t, double)
CONVERTER(u8_f64, uint8_t, double)
CONVERTER(u16_f64, uint16_t, double)
CONVERTER(u32_f64, uint32_t, double)
CONVERTER(u64_f64, uint64_t, double)
CONVERTER(f32_f64, float, double)
CONVERTER(i8_f32, int8_t, float)
CONVERTER(i16_f32, int16_t, float)
CONVERTER(i32_f32, int32_t, float)
CONVERTER(i64_f32, int64_t, float)
CONVERTER(u8_f32, uint8_t, float)
CONVERTER(u16_f32, uint16_t, float)
CONVERTER(u32_f32, uint32_t, float)
CONVERTER(u64_f32, uint64_t, float)
CONVERTER(i8_i64, int8_t, int64_t)
CONVERTER(i16_i64, int16_t, int64_t)
CONVERTER(i32_i64, int32_t, int64_t)
CONVERTER(u8_i64, uint8_t, int64_t)
CONVERTER(u16_i64, uint16_t, int64_t)
CONVERTER(u32_i64, uint32_t, int64_t)
CONVERTER(i8_i32, int8_t, int32_t)
CONVERTER(i16_i32, int16_t, int32_t)
CONVERTER(u8_i32, uint8_t, int32_t)
CONVERTER(u16_i32, uint16_t, int32_t)
CONVERTER(u8_u64, uint8_t, uint64_t)
CONVERTER(u16_u64, uint16_t, uint64_t)
CONVERTER(u32_u64, uint32_t, uint64_t)
#undef CONVERTER

ndshm__convert_fn ndshm__fast_converter(ndshm_dtype dst, ndshm_dtype src)
{
    static const struct {
        ndshm_dtype dst, src;
        ndshm__convert_fn fn;
    } table[] = {
        {NDSHM_FLOAT64, NDSHM_INT8, i8_f64},
        {NDSHM_FLOAT64, NDSHM_INT16, i16_f64},
        {NDSHM_FLOAT64, NDSHM_INT32, i32_f64},
        {NDSHM_FLOAT64, NDSHM_INT64, i64_f64},
        {NDSHM_FLOAT64, NDSHM_UINT8, u8_f64},
        {NDSHM_FLOAT64, NDSHM_UINT16, u16_f64},
        {NDSHM_FLOAT64, NDSHM_UINT32, u32_f64},
        {NDSHM_FLOAT64, NDSHM_UINT64, u64_f64},
        {NDSHM_FLOAT64, NDSHM_FLOAT32, f32_f64},
        {NDSHM_FLOAT32, NDSHM_INT8, i8_f32},
        {NDSHM_FLOAT32, NDSHM_INT16, i16_f32},
        {NDSHM_FLOAT32, NDSHM_INT32, i32_f32},
        {NDSHM_FLOAT32, NDSHM_INT64, i64_f32},
        {NDSHM_FLOAT32, NDSHM_UINT8, u8_f32},
        {NDSHM_FLOAT32, NDSHM_UINT16, u16_f32},
        {NDSHM_FLOAT32, NDSHM_UINT32, u32_f32},
        {NDSHM_FLOAT32, NDSHM_UINT64, u64_f32},
        {NDSHM_INT64, NDSHM_INT8, i8_i64},
        {NDSHM_INT64, NDSHM_INT16, i16_i64},
        {NDSHM_INT64, NDSHM_INT32, i32_i64},
        {NDSHM_INT64, NDSHM_UINT8, u8_i64},
        {NDSHM_INT64, NDSHM_UINT16, u16_i64},
        {NDSHM_INT64, NDSHM_UINT32, u32_i64},
        {NDSHM_INT32, NDSHM_INT8, i8_i32},
        {NDSHM_INT32, NDSHM_INT16, i16_i32},
        {NDSHM_INT32, NDSHM_UINT8, u8_i32},
        {NDSHM_INT32, NDSHM_UINT16, u16_i32},
        {NDSHM_UINT64, NDSHM_UINT8, u8_u64},
        {NDSHM_UINT64, NDSHM_UINT16, u16_u64},
        {NDSHM_UINT64, NDSHM_UINT32, u32_u64},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].dst == dst && table[i].src == src)
            return table[i].fn;
    return NULL;
}

int ndshm_convert(ndshm_dtype dst_type, void *dst, ndshm_dtype src_type,
                  const void *src, size_t count)
{
    if (!ndshm__dtype_valid(dst_type) || !ndshm__dtype_valid(src_type))
        return ndshm__err(NDSHM_EINVAL, "invalid dtype");
    if (count > 0 && (dst == NULL || src == NULL))
        return ndshm__err(NDSHM_EINVAL, "NULL buffer");
    size_t dsize = ndshm_dtype_size(dst_type);
    size_t ssize = ndshm_dtype_size(src_type);
    if (dst_type == src_type) {
        if (count > 0)
            memmove(dst, src, count * dsize);
        return 0;
    }
    ndshm__convert_fn fast = ndshm__fast_converter(dst_type, src_type);
    if (fast) {
        fast(dst, (int64_t)dsize, src, (int64_t)ssize, (int64_t)count);
        return 0;
    }
    unsigned char *d = dst;
    const unsigned char *s = src;
    for (size_t k = 0; k < count; k++) {
        struct value v = load(src_type, s + k * ssize);
        int rc = store(dst_type, d + k * dsize, &v, k, count);
        if (rc != 0)
            return rc;
    }
    return 0;
}
