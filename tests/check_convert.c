/*
 * check_convert.c -- lib/convert.c: ndshm_convert between every pair of
 * dtypes (NumPy's casts, minus silent losses, which are NDSHM_ERANGE), and
 * the IEEE half-precision helpers ndshm__half_to_double and
 * ndshm__double_to_half, against known bit patterns and exhaustively.
 * Expected values of successful conversions are what NumPy 1.24 gives for
 * np.array([in], dtype=from).astype(to); for refused ones the comment says
 * what NumPy silently produces instead.
 */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "convert.h"
#include "dtype.h"
#include "suites.h"

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/*
 * One element of any dtype: i for signed integers, u for bool and unsigned
 * integers, u for float16 as its bit pattern, re/im for the others.
 */
struct num {
    int64_t i;
    uint64_t u;
    double re, im;
};

#define B(x) {.u = (x)}
#define I(x) {.i = (x)}
#define U(x) {.u = (x)}
#define H(bits) {.u = (bits)}
#define F(x) {.re = (x)}
#define C(r, m) {.re = (r), .im = (m)}
#define NONE {0}

/* The element's bytes as ndshm stores them (little-endian host). */
static void encode(ndshm_dtype t, const struct num *n, unsigned char *p)
{
    switch (t) {
    case NDSHM_BOOL: p[0] = (unsigned char)n->u; break;
    case NDSHM_INT8: { int8_t x = (int8_t)n->i; memcpy(p, &x, 1); break; }
    case NDSHM_INT16: { int16_t x = (int16_t)n->i; memcpy(p, &x, 2); break; }
    case NDSHM_INT32: { int32_t x = (int32_t)n->i; memcpy(p, &x, 4); break; }
    case NDSHM_INT64: memcpy(p, &n->i, 8); break;
    case NDSHM_UINT8: p[0] = (uint8_t)n->u; break;
    case NDSHM_UINT16:
    case NDSHM_FLOAT16: { uint16_t x = (uint16_t)n->u; memcpy(p, &x, 2); break; }
    case NDSHM_UINT32: { uint32_t x = (uint32_t)n->u; memcpy(p, &x, 4); break; }
    case NDSHM_UINT64: memcpy(p, &n->u, 8); break;
    case NDSHM_FLOAT32: { float x = (float)n->re; memcpy(p, &x, 4); break; }
    case NDSHM_FLOAT64: memcpy(p, &n->re, 8); break;
    case NDSHM_COMPLEX64: {
        float x[2] = {(float)n->re, (float)n->im};
        memcpy(p, x, 8);
        break;
    }
    case NDSHM_COMPLEX128:
        memcpy(p, &n->re, 8);
        memcpy(p + 8, &n->im, 8);
        break;
    }
}

/* The parts of an element of t that are floating point, or 0. */
static int float_parts(ndshm_dtype t, const unsigned char *p, double *v)
{
    switch (t) {
    case NDSHM_FLOAT16: {
        uint16_t h;
        memcpy(&h, p, 2);
        /* NaN: exponent all ones, fraction nonzero */
        v[0] = ((h & 0x7c00) == 0x7c00 && (h & 0x3ff)) ? NAN : 0;
        return 1;
    }
    case NDSHM_FLOAT32: { float f; memcpy(&f, p, 4); v[0] = f; return 1; }
    case NDSHM_FLOAT64: memcpy(v, p, 8); return 1;
    case NDSHM_COMPLEX64: {
        float f[2];
        memcpy(f, p, 8);
        v[0] = f[0];
        v[1] = f[1];
        return 2;
    }
    case NDSHM_COMPLEX128: memcpy(v, p, 16); return 2;
    default: return 0;
    }
}

/*
 * Whether the element at got equals the expected one: the same bytes, but a
 * NaN matches any NaN (payloads are not part of the contract).
 */
static bool same(ndshm_dtype t, const unsigned char *got,
                 const struct num *want)
{
    unsigned char w[16];
    double g[2], e[2];
    size_t size = ndshm_dtype_size(t);
    encode(t, want, w);
    int n = float_parts(t, got, g);
    if (n == 0)
        return memcmp(got, w, size) == 0;
    float_parts(t, w, e);
    size_t part = size / (size_t)n;
    for (int k = 0; k < n; k++) {
        size_t at = part * (size_t)k;
        bool ok = isnan(e[k]) ? isnan(g[k])
                              : memcmp(got + at, w + at, part) == 0;
        if (!ok)
            return false;
    }
    return true;
}

static void hex_bytes(char *buf, size_t len, const unsigned char *p,
                      size_t n)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && k + 3 < len; i++)
        k += (size_t)snprintf(buf + k, len - k, "%02x", p[i]);
}

/* ---- the table -------------------------------------------------------------- */

static const struct {
    ndshm_dtype from;
    struct num in;
    ndshm_dtype to;
    int rc;
    struct num out;
} cases[] = {
    {NDSHM_BOOL, B(1), NDSHM_BOOL, 0, B(1)},
    {NDSHM_BOOL, B(1), NDSHM_INT8, 0, I(1)},
    {NDSHM_BOOL, B(0), NDSHM_INT64, 0, I(0)},
    {NDSHM_BOOL, B(1), NDSHM_UINT64, 0, U(1)},
    {NDSHM_BOOL, B(1), NDSHM_FLOAT16, 0, H(0x3c00)},
    {NDSHM_BOOL, B(1), NDSHM_FLOAT32, 0, F(1.0)},
    {NDSHM_BOOL, B(0), NDSHM_FLOAT64, 0, F(0.0)},
    {NDSHM_BOOL, B(1), NDSHM_COMPLEX64, 0, C(1.0, 0.0)},
    {NDSHM_BOOL, B(1), NDSHM_COMPLEX128, 0, C(1.0, 0.0)},
    {NDSHM_INT8, I(-128), NDSHM_BOOL, 0, B(1)},
    {NDSHM_INT64, I(0), NDSHM_BOOL, 0, B(0)},
    {NDSHM_INT32, I(5), NDSHM_BOOL, 0, B(1)},
    {NDSHM_INT64, I(INT64_MIN), NDSHM_BOOL, 0, B(1)},
    {NDSHM_INT8, I(-128), NDSHM_INT64, 0, I(-128)},
    {NDSHM_INT64, I(127), NDSHM_INT8, 0, I(127)},
    {NDSHM_INT64, I(-128), NDSHM_INT8, 0, I(-128)},
    {NDSHM_INT64, I(128), NDSHM_INT8, NDSHM_ERANGE, NONE}, /* numpy: -128 */
    {NDSHM_INT64, I(-129), NDSHM_INT8, NDSHM_ERANGE, NONE}, /* numpy: 127 */
    {NDSHM_INT16, I(-32768), NDSHM_INT8, NDSHM_ERANGE, NONE}, /* numpy: 0 */
    {NDSHM_INT16, I(-32768), NDSHM_INT32, 0, I(-32768)},
    {NDSHM_INT64, I(INT64_MIN), NDSHM_INT32, NDSHM_ERANGE, NONE}, /* numpy: 0 */
    {NDSHM_INT64, I(-2147483648LL), NDSHM_INT32, 0, I(-2147483648LL)},
    {NDSHM_INT64, I(2147483647), NDSHM_INT32, 0, I(2147483647)},
    {NDSHM_INT64, I(2147483648LL), NDSHM_INT32, NDSHM_ERANGE, NONE}, /* numpy: -2147483648 */
    {NDSHM_INT32, I(32767), NDSHM_INT16, 0, I(32767)},
    {NDSHM_INT32, I(32768), NDSHM_INT16, NDSHM_ERANGE, NONE}, /* numpy: -32768 */
    {NDSHM_INT32, I(-32769), NDSHM_INT16, NDSHM_ERANGE, NONE}, /* numpy: 32767 */
    {NDSHM_INT64, I(9223372036854775807LL), NDSHM_INT64, 0, I(9223372036854775807LL)},
    {NDSHM_INT32, I(-2147483648LL), NDSHM_INT64, 0, I(-2147483648LL)},
    {NDSHM_INT8, I(-1), NDSHM_UINT8, NDSHM_ERANGE, NONE}, /* numpy: 255 */
    {NDSHM_INT64, I(255), NDSHM_UINT8, 0, U(255)},
    {NDSHM_INT64, I(256), NDSHM_UINT8, NDSHM_ERANGE, NONE}, /* numpy: 0 */
    {NDSHM_INT64, I(9223372036854775807LL), NDSHM_UINT64, 0, U(9223372036854775807ULL)},
    {NDSHM_INT64, I(-1), NDSHM_UINT64, NDSHM_ERANGE, NONE}, /* numpy: 18446744073709551615 */
    {NDSHM_INT32, I(-1), NDSHM_UINT32, NDSHM_ERANGE, NONE}, /* numpy: 4294967295 */
    {NDSHM_INT16, I(0), NDSHM_UINT16, 0, U(0)},
    {NDSHM_INT64, I(65535), NDSHM_UINT16, 0, U(65535)},
    {NDSHM_INT64, I(65536), NDSHM_UINT16, NDSHM_ERANGE, NONE}, /* numpy: 0 */
    {NDSHM_INT64, I(4294967295LL), NDSHM_UINT32, 0, U(4294967295ULL)},
    {NDSHM_INT64, I(4294967296LL), NDSHM_UINT32, NDSHM_ERANGE, NONE}, /* numpy: 0 */
    {NDSHM_INT8, I(127), NDSHM_UINT8, 0, U(127)},
    {NDSHM_INT64, I(INT64_MIN), NDSHM_UINT64, NDSHM_ERANGE, NONE}, /* numpy: 9223372036854775808 */
    {NDSHM_INT64, I(9223372036854775807LL), NDSHM_FLOAT64, 0, F(0x1p+63)},
    {NDSHM_INT64, I(9007199254740993LL), NDSHM_FLOAT64, 0, F(0x1p+53)},
    {NDSHM_INT64, I(INT64_MIN), NDSHM_FLOAT64, 0, F(-0x1p+63)},
    {NDSHM_INT32, I(16777217), NDSHM_FLOAT32, 0, F(16777216.0)},
    {NDSHM_INT64, I(65504), NDSHM_FLOAT16, 0, H(0x7bff)},
    {NDSHM_INT64, I(65519), NDSHM_FLOAT16, 0, H(0x7bff)},
    {NDSHM_INT64, I(65520), NDSHM_FLOAT16, NDSHM_ERANGE, NONE}, /* numpy: inf */
    {NDSHM_INT64, I(-65520), NDSHM_FLOAT16, NDSHM_ERANGE, NONE}, /* numpy: -inf */
    {NDSHM_INT16, I(-32768), NDSHM_FLOAT16, 0, H(0xf800)},
    {NDSHM_INT16, I(2049), NDSHM_FLOAT16, 0, H(0x6800)},
    {NDSHM_INT32, I(2051), NDSHM_FLOAT16, 0, H(0x6802)},
    {NDSHM_INT64, I(4611686293305294849LL), NDSHM_FLOAT32, 0, F(0x1.0000020000000p+62)},
    {NDSHM_INT64, I(-4611686293305294849LL), NDSHM_FLOAT32, 0, F(-0x1.0000020000000p+62)},
    {NDSHM_INT64, I(9223372036854775807LL), NDSHM_FLOAT32, 0, F(0x1p+63)},
    {NDSHM_INT8, I(-7), NDSHM_FLOAT16, 0, H(0xc700)},
    {NDSHM_INT64, I(1152921573326323713LL), NDSHM_FLOAT32, 0, F(0x1.0000020000000p+60)},
    {NDSHM_INT64, I(-3), NDSHM_COMPLEX128, 0, C(-3.0, 0.0)},
    {NDSHM_INT32, I(16777217), NDSHM_COMPLEX64, 0, C(16777216.0, 0.0)},
    {NDSHM_INT64, I(4611686293305294849LL), NDSHM_COMPLEX64, 0, C(0x1.0000020000000p+62, 0.0)},
    {NDSHM_INT64, I(9223372036854775807LL), NDSHM_COMPLEX128, 0, C(0x1p+63, 0.0)},
    {NDSHM_UINT64, U(UINT64_MAX), NDSHM_BOOL, 0, B(1)},
    {NDSHM_UINT8, U(0), NDSHM_BOOL, 0, B(0)},
    {NDSHM_UINT16, U(256), NDSHM_BOOL, 0, B(1)},
    {NDSHM_UINT64, U(9223372036854775808ULL), NDSHM_INT64, NDSHM_ERANGE, NONE}, /* numpy: -9223372036854775808 */
    {NDSHM_UINT64, U(9223372036854775807ULL), NDSHM_INT64, 0, I(9223372036854775807LL)},
    {NDSHM_UINT8, U(255), NDSHM_INT8, NDSHM_ERANGE, NONE}, /* numpy: -1 */
    {NDSHM_UINT8, U(127), NDSHM_INT8, 0, I(127)},
    {NDSHM_UINT16, U(65535), NDSHM_INT16, NDSHM_ERANGE, NONE}, /* numpy: -1 */
    {NDSHM_UINT32, U(4294967295ULL), NDSHM_INT64, 0, I(4294967295LL)},
    {NDSHM_UINT32, U(2147483648ULL), NDSHM_INT32, NDSHM_ERANGE, NONE}, /* numpy: -2147483648 */
    {NDSHM_UINT64, U(UINT64_MAX), NDSHM_INT8, NDSHM_ERANGE, NONE}, /* numpy: -1 */
    {NDSHM_UINT64, U(UINT64_MAX), NDSHM_UINT32, NDSHM_ERANGE, NONE}, /* numpy: 4294967295 */
    {NDSHM_UINT16, U(65535), NDSHM_UINT8, NDSHM_ERANGE, NONE}, /* numpy: 255 */
    {NDSHM_UINT8, U(255), NDSHM_UINT64, 0, U(255)},
    {NDSHM_UINT64, U(4294967295ULL), NDSHM_UINT32, 0, U(4294967295ULL)},
    {NDSHM_UINT64, U(UINT64_MAX), NDSHM_UINT64, 0, U(UINT64_MAX)},
    {NDSHM_UINT32, U(65536), NDSHM_UINT16, NDSHM_ERANGE, NONE}, /* numpy: 0 */
    {NDSHM_UINT64, U(UINT64_MAX), NDSHM_FLOAT64, 0, F(0x1p+64)},
    {NDSHM_UINT64, U(UINT64_MAX), NDSHM_FLOAT32, 0, F(0x1p+64)},
    {NDSHM_UINT32, U(4294967295ULL), NDSHM_FLOAT32, 0, F(4294967296.0)},
    {NDSHM_UINT16, U(65535), NDSHM_FLOAT16, NDSHM_ERANGE, NONE}, /* numpy: inf */
    {NDSHM_UINT8, U(255), NDSHM_FLOAT16, 0, H(0x5bf8)},
    {NDSHM_UINT64, U(UINT64_MAX), NDSHM_FLOAT16, NDSHM_ERANGE, NONE}, /* numpy: inf */
    {NDSHM_UINT64, U(4611686293305294849ULL), NDSHM_FLOAT32, 0, F(0x1.0000020000000p+62)},
    {NDSHM_UINT64, U(9223372586610589697ULL), NDSHM_FLOAT32, 0, F(0x1.0000020000000p+63)},
    {NDSHM_UINT64, U(UINT64_MAX), NDSHM_COMPLEX128, 0, C(0x1p+64, 0.0)},
    {NDSHM_UINT64, U(9223372586610589697ULL), NDSHM_COMPLEX64, 0, C(0x1.0000020000000p+63, 0.0)},
    {NDSHM_FLOAT64, F(0.0), NDSHM_BOOL, 0, B(0)},
    {NDSHM_FLOAT64, F(-0.0), NDSHM_BOOL, 0, B(0)},
    {NDSHM_FLOAT64, F(0.5), NDSHM_BOOL, 0, B(1)},
    {NDSHM_FLOAT64, F(NAN), NDSHM_BOOL, 0, B(1)},
    {NDSHM_FLOAT64, F(INFINITY), NDSHM_BOOL, 0, B(1)},
    {NDSHM_FLOAT16, H(0x8000), NDSHM_BOOL, 0, B(0)},
    {NDSHM_FLOAT16, H(0x0001), NDSHM_BOOL, 0, B(1)},
    {NDSHM_FLOAT32, F(0x1p-149), NDSHM_BOOL, 0, B(1)},
    {NDSHM_FLOAT64, F(2.7), NDSHM_INT8, 0, I(2)},
    {NDSHM_FLOAT64, F(-2.7), NDSHM_INT8, 0, I(-2)},
    {NDSHM_FLOAT64, F(127.9), NDSHM_INT8, 0, I(127)},
    {NDSHM_FLOAT64, F(-128.9), NDSHM_INT8, 0, I(-128)},
    {NDSHM_FLOAT64, F(128.0), NDSHM_INT8, NDSHM_ERANGE, NONE}, /* numpy: -128 */
    {NDSHM_FLOAT64, F(-129.0), NDSHM_INT8, NDSHM_ERANGE, NONE}, /* numpy: 127 */
    {NDSHM_FLOAT64, F(NAN), NDSHM_INT32, NDSHM_ERANGE, NONE}, /* numpy: -2147483648 */
    {NDSHM_FLOAT64, F(INFINITY), NDSHM_INT64, NDSHM_ERANGE, NONE}, /* numpy: -9223372036854775808 */
    {NDSHM_FLOAT64, F(-INFINITY), NDSHM_INT64, NDSHM_ERANGE, NONE}, /* numpy: -9223372036854775808 */
    {NDSHM_FLOAT64, F(0x1p+63), NDSHM_INT64, NDSHM_ERANGE, NONE}, /* numpy: -9223372036854775808 */
    {NDSHM_FLOAT64, F(-0x1p+63), NDSHM_INT64, 0, I(INT64_MIN)},
    {NDSHM_FLOAT64, F(0x1.fffffffffffffp+62), NDSHM_INT64, 0, I(9223372036854774784LL)},
    {NDSHM_FLOAT64, F(1e+300), NDSHM_INT64, NDSHM_ERANGE, NONE}, /* numpy: -9223372036854775808 */
    {NDSHM_FLOAT16, H(0x7bff), NDSHM_INT16, NDSHM_ERANGE, NONE}, /* numpy: -32 */
    {NDSHM_FLOAT16, H(0x7bff), NDSHM_INT32, 0, I(65504)},
    {NDSHM_FLOAT16, H(0x7e00), NDSHM_INT8, NDSHM_ERANGE, NONE}, /* numpy: 0 */
    {NDSHM_FLOAT16, H(0x7c00), NDSHM_INT16, NDSHM_ERANGE, NONE}, /* numpy: 0 */
    {NDSHM_FLOAT32, F(-0.5), NDSHM_INT8, 0, I(0)},
    {NDSHM_FLOAT32, F(3000000000.0), NDSHM_INT32, NDSHM_ERANGE, NONE}, /* numpy: -2147483648 */
    {NDSHM_FLOAT32, F(3000000000.0), NDSHM_INT64, 0, I(3000000000LL)},
    {NDSHM_FLOAT64, F(-0x1.00000001ccccdp+31), NDSHM_INT32, 0, I(-2147483648LL)},
    {NDSHM_FLOAT64, F(-0x1.0000000200000p+31), NDSHM_INT32, NDSHM_ERANGE, NONE}, /* numpy: -2147483648 */
    {NDSHM_FLOAT64, F(2147483647.9), NDSHM_INT32, 0, I(2147483647)},
    {NDSHM_FLOAT64, F(32767.5), NDSHM_INT16, 0, I(32767)},
    {NDSHM_FLOAT64, F(-32768.99), NDSHM_INT16, 0, I(-32768)},
    {NDSHM_FLOAT64, F(-32769.0), NDSHM_INT16, NDSHM_ERANGE, NONE}, /* numpy: 32767 */
    {NDSHM_FLOAT64, F(-0.5), NDSHM_UINT8, 0, U(0)},
    {NDSHM_FLOAT64, F(-1.0), NDSHM_UINT8, NDSHM_ERANGE, NONE}, /* numpy: 255 */
    {NDSHM_FLOAT64, F(255.9), NDSHM_UINT8, 0, U(255)},
    {NDSHM_FLOAT64, F(256.0), NDSHM_UINT8, NDSHM_ERANGE, NONE}, /* numpy: 0 */
    {NDSHM_FLOAT64, F(0x1p+64), NDSHM_UINT64, NDSHM_ERANGE, NONE}, /* numpy: 0 */
    {NDSHM_FLOAT64, F(0x1.fffffffffffffp+63), NDSHM_UINT64, 0, U(18446744073709549568ULL)},
    {NDSHM_FLOAT64, F(-0.0), NDSHM_UINT64, 0, U(0)},
    {NDSHM_FLOAT64, F(NAN), NDSHM_UINT16, NDSHM_ERANGE, NONE}, /* numpy: 0 */
    {NDSHM_FLOAT64, F(4294967295.5), NDSHM_UINT32, 0, U(4294967295ULL)},
    {NDSHM_FLOAT64, F(4294967296.0), NDSHM_UINT32, NDSHM_ERANGE, NONE}, /* numpy: 0 */
    {NDSHM_FLOAT64, F(1e-300), NDSHM_UINT8, 0, U(0)},
    {NDSHM_FLOAT32, F(-INFINITY), NDSHM_UINT32, NDSHM_ERANGE, NONE}, /* numpy: 0 */
    {NDSHM_FLOAT16, H(0x7bff), NDSHM_UINT16, 0, U(65504)},
    {NDSHM_FLOAT64, F(-0.999), NDSHM_UINT64, 0, U(0)},
    {NDSHM_FLOAT64, F(0x1p+63), NDSHM_UINT64, 0, U(9223372036854775808ULL)},
    {NDSHM_FLOAT64, F(65504.0), NDSHM_FLOAT16, 0, H(0x7bff)},
    {NDSHM_FLOAT64, F(65519.99), NDSHM_FLOAT16, 0, H(0x7bff)},
    {NDSHM_FLOAT64, F(65520.0), NDSHM_FLOAT16, NDSHM_ERANGE, NONE}, /* numpy: inf */
    {NDSHM_FLOAT64, F(-65520.0), NDSHM_FLOAT16, NDSHM_ERANGE, NONE}, /* numpy: -inf */
    {NDSHM_FLOAT64, F(INFINITY), NDSHM_FLOAT16, 0, H(0x7c00)},
    {NDSHM_FLOAT64, F(-INFINITY), NDSHM_FLOAT16, 0, H(0xfc00)},
    {NDSHM_FLOAT64, F(NAN), NDSHM_FLOAT16, 0, H(0x7e00)},
    {NDSHM_FLOAT64, F(1e-08), NDSHM_FLOAT16, 0, H(0x0000)},
    {NDSHM_FLOAT64, F(-1e-08), NDSHM_FLOAT16, 0, H(0x8000)},
    {NDSHM_FLOAT64, F(3e-08), NDSHM_FLOAT16, 0, H(0x0001)},
    {NDSHM_FLOAT64, F(0x1p-24), NDSHM_FLOAT16, 0, H(0x0001)},
    {NDSHM_FLOAT64, F(0.1), NDSHM_FLOAT16, 0, H(0x2e66)},
    {NDSHM_FLOAT64, F(0x1.5555555555555p-2), NDSHM_FLOAT16, 0, H(0x3555)},
    {NDSHM_FLOAT64, F(100000.0), NDSHM_FLOAT16, NDSHM_ERANGE, NONE}, /* numpy: inf */
    {NDSHM_FLOAT64, F(-0.0), NDSHM_FLOAT16, 0, H(0x8000)},
    {NDSHM_FLOAT64, F(0x1p-25), NDSHM_FLOAT16, 0, H(0x0000)},
    {NDSHM_FLOAT64, F(0x1.8000000000000p-24), NDSHM_FLOAT16, 0, H(0x0002)},
    {NDSHM_FLOAT64, F(0x1.0020000000000p+0), NDSHM_FLOAT16, 0, H(0x3c00)},
    {NDSHM_FLOAT64, F(0x1.0060000000000p+0), NDSHM_FLOAT16, 0, H(0x3c02)},
    {NDSHM_FLOAT64, F(2049.0), NDSHM_FLOAT16, 0, H(0x6800)},
    {NDSHM_FLOAT64, F(2051.0), NDSHM_FLOAT16, 0, H(0x6802)},
    {NDSHM_FLOAT64, F(0x1.ffc0000000000p-15), NDSHM_FLOAT16, 0, H(0x0400)},
    {NDSHM_FLOAT64, F(0x1.fffffe0000000p+127), NDSHM_FLOAT32, 0, F(0x1.fffffe0000000p+127)},
    {NDSHM_FLOAT64, F(0x1.ffffff0000000p+127), NDSHM_FLOAT32, NDSHM_ERANGE, NONE}, /* numpy: inf */
    {NDSHM_FLOAT64, F(0x1.fffffefffffffp+127), NDSHM_FLOAT32, 0, F(0x1.fffffe0000000p+127)},
    {NDSHM_FLOAT64, F(1e+39), NDSHM_FLOAT32, NDSHM_ERANGE, NONE}, /* numpy: inf */
    {NDSHM_FLOAT64, F(-1e+39), NDSHM_FLOAT32, NDSHM_ERANGE, NONE}, /* numpy: -inf */
    {NDSHM_FLOAT64, F(1e-50), NDSHM_FLOAT32, 0, F(0.0)},
    {NDSHM_FLOAT64, F(INFINITY), NDSHM_FLOAT32, 0, F(INFINITY)},
    {NDSHM_FLOAT64, F(-INFINITY), NDSHM_FLOAT32, 0, F(-INFINITY)},
    {NDSHM_FLOAT64, F(NAN), NDSHM_FLOAT32, 0, F(NAN)},
    {NDSHM_FLOAT64, F(0x1.5555555555555p-2), NDSHM_FLOAT32, 0, F(0x1.5555560000000p-2)},
    {NDSHM_FLOAT64, F(0x1.0000010000000p+0), NDSHM_FLOAT32, 0, F(1.0)},
    {NDSHM_FLOAT64, F(0x1.0000030000000p+0), NDSHM_FLOAT32, 0, F(0x1.0000040000000p+0)},
    {NDSHM_FLOAT64, F(0x1p-149), NDSHM_FLOAT32, 0, F(0x1p-149)},
    {NDSHM_FLOAT64, F(0x1p-150), NDSHM_FLOAT32, 0, F(0.0)},
    {NDSHM_FLOAT32, F(0x1.fffffe0000000p+127), NDSHM_FLOAT16, NDSHM_ERANGE, NONE}, /* numpy: inf */
    {NDSHM_FLOAT32, F(65504.0), NDSHM_FLOAT16, 0, H(0x7bff)},
    {NDSHM_FLOAT32, F(0x1.99999a0000000p-4), NDSHM_FLOAT16, 0, H(0x2e66)},
    {NDSHM_FLOAT32, F(-INFINITY), NDSHM_FLOAT16, 0, H(0xfc00)},
    {NDSHM_FLOAT32, F(NAN), NDSHM_FLOAT16, 0, H(0x7e00)},
    {NDSHM_FLOAT16, H(0x7bff), NDSHM_FLOAT64, 0, F(65504.0)},
    {NDSHM_FLOAT16, H(0x0001), NDSHM_FLOAT64, 0, F(0x1p-24)},
    {NDSHM_FLOAT16, H(0xfc00), NDSHM_FLOAT32, 0, F(-INFINITY)},
    {NDSHM_FLOAT32, F(0x1.99999a0000000p-4), NDSHM_FLOAT64, 0, F(0x1.99999a0000000p-4)},
    {NDSHM_FLOAT16, H(0x7e00), NDSHM_FLOAT64, 0, F(NAN)},
    {NDSHM_FLOAT16, H(0xc000), NDSHM_FLOAT32, 0, F(-2.0)},
    {NDSHM_FLOAT64, F(1.5), NDSHM_COMPLEX64, 0, C(1.5, 0.0)},
    {NDSHM_FLOAT64, F(1e+39), NDSHM_COMPLEX64, NDSHM_ERANGE, NONE}, /* numpy: (inf+0j) */
    {NDSHM_FLOAT64, F(INFINITY), NDSHM_COMPLEX64, 0, C(INFINITY, 0.0)},
    {NDSHM_FLOAT64, F(NAN), NDSHM_COMPLEX128, 0, C(NAN, 0.0)},
    {NDSHM_FLOAT16, H(0x3c00), NDSHM_COMPLEX128, 0, C(1.0, 0.0)},
    {NDSHM_FLOAT32, F(-0.0), NDSHM_COMPLEX64, 0, C(-0.0, 0.0)},
    {NDSHM_FLOAT64, F(0.1), NDSHM_COMPLEX64, 0, C(0x1.99999a0000000p-4, 0.0)},
    {NDSHM_COMPLEX128, C(0.0, 0.0), NDSHM_BOOL, 0, B(0)},
    {NDSHM_COMPLEX128, C(0.0, 1.0), NDSHM_BOOL, 0, B(1)},
    {NDSHM_COMPLEX128, C(NAN, 0.0), NDSHM_BOOL, 0, B(1)},
    {NDSHM_COMPLEX64, C(-0.0, -0.0), NDSHM_BOOL, 0, B(0)},
    {NDSHM_COMPLEX64, C(0.0, NAN), NDSHM_BOOL, 0, B(1)},
    {NDSHM_COMPLEX128, C(2.7, 0.0), NDSHM_INT8, 0, I(2)},
    {NDSHM_COMPLEX128, C(-2.7, 0.0), NDSHM_INT64, 0, I(-2)},
    {NDSHM_COMPLEX128, C(1.0, 1.0), NDSHM_INT32, NDSHM_ERANGE, NONE}, /* numpy: 1 */
    {NDSHM_COMPLEX128, C(1e+300, 0.0), NDSHM_INT64, NDSHM_ERANGE, NONE}, /* numpy: -9223372036854775808 */
    {NDSHM_COMPLEX128, C(NAN, 0.0), NDSHM_INT16, NDSHM_ERANGE, NONE}, /* numpy: 0 */
    {NDSHM_COMPLEX128, C(0.0, NAN), NDSHM_INT64, NDSHM_ERANGE, NONE}, /* numpy: 0 */
    {NDSHM_COMPLEX128, C(5.0, -0.0), NDSHM_INT32, 0, I(5)},
    {NDSHM_COMPLEX64, C(-128.0, 0.0), NDSHM_INT8, 0, I(-128)},
    {NDSHM_COMPLEX64, C(128.0, 0.0), NDSHM_INT8, NDSHM_ERANGE, NONE}, /* numpy: -128 */
    {NDSHM_COMPLEX128, C(3.0, 0.0), NDSHM_UINT8, 0, U(3)},
    {NDSHM_COMPLEX128, C(-1.0, 0.0), NDSHM_UINT8, NDSHM_ERANGE, NONE}, /* numpy: 255 */
    {NDSHM_COMPLEX128, C(3.0, 1e-300), NDSHM_UINT8, NDSHM_ERANGE, NONE}, /* numpy: 3 */
    {NDSHM_COMPLEX64, C(4294967040.0, 0.0), NDSHM_UINT32, 0, U(4294967040ULL)},
    {NDSHM_COMPLEX64, C(4294967296.0, 0.0), NDSHM_UINT32, NDSHM_ERANGE, NONE}, /* numpy: 0 */
    {NDSHM_COMPLEX128, C(1.5, 0.0), NDSHM_FLOAT32, 0, F(1.5)},
    {NDSHM_COMPLEX128, C(1.5, 2.0), NDSHM_FLOAT64, NDSHM_ERANGE, NONE}, /* numpy: 1.5 */
    {NDSHM_COMPLEX128, C(INFINITY, 0.0), NDSHM_FLOAT16, 0, H(0x7c00)},
    {NDSHM_COMPLEX128, C(70000.0, 0.0), NDSHM_FLOAT16, NDSHM_ERANGE, NONE}, /* numpy: inf */
    {NDSHM_COMPLEX128, C(1e+39, 0.0), NDSHM_FLOAT32, NDSHM_ERANGE, NONE}, /* numpy: inf */
    {NDSHM_COMPLEX64, C(1.0, 0.0), NDSHM_FLOAT16, 0, H(0x3c00)},
    {NDSHM_COMPLEX128, C(NAN, 0.0), NDSHM_FLOAT64, 0, F(NAN)},
    {NDSHM_COMPLEX64, C(0.0, -1.0), NDSHM_FLOAT64, NDSHM_ERANGE, NONE}, /* numpy: 0.0 */
    {NDSHM_COMPLEX128, C(0.0, INFINITY), NDSHM_FLOAT32, NDSHM_ERANGE, NONE}, /* numpy: 0.0 */
    {NDSHM_COMPLEX128, C(1e+39, 1.0), NDSHM_COMPLEX64, NDSHM_ERANGE, NONE}, /* numpy: (inf+1j) */
    {NDSHM_COMPLEX128, C(1.0, 1e+39), NDSHM_COMPLEX64, NDSHM_ERANGE, NONE}, /* numpy: (1+infj) */
    {NDSHM_COMPLEX128, C(INFINITY, NAN), NDSHM_COMPLEX64, 0, C(INFINITY, NAN)},
    {NDSHM_COMPLEX64, C(1.5, -2.5), NDSHM_COMPLEX128, 0, C(1.5, -2.5)},
    {NDSHM_COMPLEX128, C(0.1, 0.2), NDSHM_COMPLEX64, 0, C(0x1.99999a0000000p-4, 0x1.99999a0000000p-3)},
    {NDSHM_COMPLEX128, C(-INFINITY, 1e+38), NDSHM_COMPLEX64, 0, C(-INFINITY, 0x1.2ced320000000p+126)},
};

START_TEST(test_table)
{
    unsigned char src[16], dst[16], want[16];
    char a[40], b[40];
    ndshm_dtype from = cases[_i].from, to = cases[_i].to;
    encode(from, &cases[_i].in, src);
    memset(dst, 0xa5, sizeof dst);
    int rc = ndshm_convert(to, dst, from, src, 1);
    hex_bytes(a, sizeof a, src, ndshm_dtype_size(from));
    if (cases[_i].rc != 0) {
        ck_assert_msg(rc == cases[_i].rc, "%s %s -> %s: got %s, want %s",
                      ndshm_dtype_name(from), a, ndshm_dtype_name(to),
                      ndshm_errname(rc), ndshm_errname(cases[_i].rc));
        ck_assert_ptr_nonnull(strstr(ndshm_errmsg(), ndshm_dtype_name(to)));
        ck_assert_ptr_null(strstr(ndshm_errmsg(), "element"));
        return;
    }
    ck_assert_msg(rc == 0, "%s %s -> %s: %s", ndshm_dtype_name(from), a,
                  ndshm_dtype_name(to), ndshm_errmsg());
    encode(to, &cases[_i].out, want);
    hex_bytes(b, sizeof b, dst, ndshm_dtype_size(to));
    char c[40];
    hex_bytes(c, sizeof c, want, ndshm_dtype_size(to));
    ck_assert_msg(same(to, dst, &cases[_i].out),
                  "%s %s -> %s: got %s, want %s", ndshm_dtype_name(from), a,
                  ndshm_dtype_name(to), b, c);
    /* nothing past the element is written */
    for (size_t k = ndshm_dtype_size(to); k < sizeof dst; k++)
        ck_assert_int_eq(dst[k], 0xa5);
}
END_TEST

/* ---- every pair of dtypes, both ways --------------------------------------- */

/* k (0, 1 or 100) as an element of t; bool holds k != 0. */
static struct num small(ndshm_dtype t, int k)
{
    struct num n = {0};
    switch (ndshm__dtype_kind(t)) {
    case 'b': n.u = k != 0; break;
    case 'i': n.i = k; break;
    case 'u': n.u = (uint64_t)k; break;
    default:
        if (t == NDSHM_FLOAT16)
            n.u = k == 0 ? 0x0000 : k == 1 ? 0x3c00 : 0x5640;
        else
            n.re = k;
    }
    return n;
}

START_TEST(test_all_pairs)
{
    static const int values[] = {0, 1, 100};
    ndshm_dtype from = (ndshm_dtype)(NDSHM_BOOL + _i / 14);
    ndshm_dtype to = (ndshm_dtype)(NDSHM_BOOL + _i % 14);
    for (int v = 0; v < COUNT(values); v++) {
        if (from == NDSHM_BOOL && values[v] > 1)
            continue;
        unsigned char src[3 * 16], dst[3 * 16];
        struct num in = small(from, values[v]), out = small(to, values[v]);
        size_t ss = ndshm_dtype_size(from), ds = ndshm_dtype_size(to);
        /* three copies: count > 1 walks the elements at their sizes */
        for (int k = 0; k < 3; k++)
            encode(from, &in, src + ss * (size_t)k);
        memset(dst, 0xa5, sizeof dst);
        ck_assert_msg(ndshm_convert(to, dst, from, src, 3) == 0,
                      "%s %d -> %s: %s", ndshm_dtype_name(from), values[v],
                      ndshm_dtype_name(to), ndshm_errmsg());
        for (int k = 0; k < 3; k++)
            ck_assert_msg(same(to, dst + ds * (size_t)k, &out),
                          "%s %d -> %s: element %d wrong",
                          ndshm_dtype_name(from), values[v],
                          ndshm_dtype_name(to), k);
        for (size_t k = 3 * ds; k < sizeof dst; k++)
            ck_assert_int_eq(dst[k], 0xa5);
    }
}
END_TEST

/* ---- arrays, errors and messages -------------------------------------------- */

START_TEST(test_array_messages)
{
    int64_t src[4] = {1, -2, 300, 4};
    int8_t dst[4];
    ck_assert_int_eq(ndshm_convert(NDSHM_INT8, dst, NDSHM_INT64, src, 4),
                     NDSHM_ERANGE);
    ck_assert_str_eq(ndshm_errmsg(),
                     "element 2: value 300 is out of range for int8");
    ck_assert_int_eq(ndshm_convert(NDSHM_INT8, dst, NDSHM_INT64, src, 2), 0);
    ck_assert_int_eq(dst[0], 1);
    ck_assert_int_eq(dst[1], -2);
    ck_assert_int_eq(ndshm_convert(NDSHM_INT8, dst, NDSHM_INT64, src + 2, 1),
                     NDSHM_ERANGE);
    ck_assert_str_eq(ndshm_errmsg(), "value 300 is out of range for int8");

    double d[3] = {1.5, NAN, 2.0};
    int32_t i32[3];
    ck_assert_int_eq(ndshm_convert(NDSHM_INT32, i32, NDSHM_FLOAT64, d, 3),
                     NDSHM_ERANGE);
    ck_assert_str_eq(ndshm_errmsg(),
                     "element 1: value nan cannot be converted to int32");

    double z[2] = {1.0, 1.0};
    double re;
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT64, &re, NDSHM_COMPLEX128, z, 1),
                     NDSHM_ERANGE);
    ck_assert_ptr_nonnull(strstr(ndshm_errmsg(), "(1+1j)"));
    ck_assert_ptr_nonnull(strstr(ndshm_errmsg(), "imaginary"));

    uint64_t big = UINT64_MAX;
    int64_t i64;
    ck_assert_int_eq(ndshm_convert(NDSHM_INT64, &i64, NDSHM_UINT64, &big, 1),
                     NDSHM_ERANGE);
    ck_assert_str_eq(ndshm_errmsg(),
                     "value 18446744073709551615 is out of range for int64");
}
END_TEST

START_TEST(test_invalid)
{
    double d = 1, out = 0;
    ck_assert_int_eq(ndshm_convert((ndshm_dtype)0, &out, NDSHM_FLOAT64, &d, 1),
                     NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT64, &out, (ndshm_dtype)15, &d, 1),
                     NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_convert((ndshm_dtype)-1, &out, (ndshm_dtype)99,
                                   &d, 0),
                     NDSHM_EINVAL);
    ck_assert(out == 0);
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT64, NULL, NDSHM_FLOAT64, &d, 1),
                     NDSHM_EINVAL);
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT64, &out, NDSHM_INT8, NULL, 1),
                     NDSHM_EINVAL);
    /* nothing to convert: NULL buffers are fine */
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT64, NULL, NDSHM_INT8, NULL, 0),
                     0);
    ck_assert_int_eq(ndshm_convert(NDSHM_INT8, NULL, NDSHM_INT8, NULL, 0), 0);
}
END_TEST

/* The same dtype copies the bytes as they are, NaN payloads included. */
START_TEST(test_same_type)
{
    uint16_t h[4] = {0x7c01, 0xfe00, 0x0001, 0x8000}, h2[4];
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT16, h2, NDSHM_FLOAT16, h, 4), 0);
    ck_assert_mem_eq(h, h2, sizeof h);
    uint64_t nan_bits = UINT64_C(0x7ff0000000000123), out;
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT64, &out, NDSHM_FLOAT64,
                                   &nan_bits, 1),
                     0);
    ck_assert_uint_eq(out, nan_bits);
    unsigned char b[3] = {0, 1, 7}, b2[3];
    ck_assert_int_eq(ndshm_convert(NDSHM_BOOL, b2, NDSHM_BOOL, b, 3), 0);
    ck_assert_mem_eq(b, b2, 3);
}
END_TEST

/* Any nonzero byte in a bool source is True. */
START_TEST(test_bool_source)
{
    unsigned char b[3] = {0, 1, 0x80};
    int32_t out[3];
    ck_assert_int_eq(ndshm_convert(NDSHM_INT32, out, NDSHM_BOOL, b, 3), 0);
    ck_assert_int_eq(out[0], 0);
    ck_assert_int_eq(out[1], 1);
    ck_assert_int_eq(out[2], 1);
}
END_TEST

/* ---- half precision ------------------------------------------------------- */

/* np.array([bits], np.uint16).view(np.float16) */
static const struct {
    uint16_t bits;
    double value;
} halves[] = {
    {0x0000, 0.0},
    {0x8000, -0.0},
    {0x3c00, 1.0},
    {0xbc00, -1.0},
    {0x7bff, 65504.0},
    {0xfbff, -65504.0},
    {0x0001, 5.960464477539063e-08}, /* 2^-24 */
    {0x8001, -5.960464477539063e-08},
    {0x03ff, 6.097555160522461e-05}, /* the largest subnormal */
    {0x0400, 6.103515625e-05},       /* the smallest normal, 2^-14 */
    {0x0200, 3.0517578125e-05},
    {0x3555, 0.333251953125},
    {0x2e66, 0.0999755859375},
    {0x4000, 2.0},
    {0xc000, -2.0},
    {0x3800, 0.5},
    {0x5640, 100.0},
    {0xc700, -7.0},
    {0x3bff, 0.99951171875},
    {0x3c01, 1.0009765625},
    {0x7c00, INFINITY},
    {0xfc00, -INFINITY},
};

START_TEST(test_half_to_double)
{
    double v = ndshm__half_to_double(halves[_i].bits);
    ck_assert_msg(memcmp(&v, &halves[_i].value, sizeof v) == 0,
                  "0x%04x -> %.17g, want %.17g", halves[_i].bits, v,
                  halves[_i].value);
}
END_TEST

START_TEST(test_half_nan)
{
    static const uint16_t nans[] = {0x7c01, 0x7e00, 0x7fff, 0xfc01, 0xfe00,
                                    0xffff, 0x7d00};
    for (int i = 0; i < COUNT(nans); i++) {
        double v = ndshm__half_to_double(nans[i]);
        ck_assert_msg(isnan(v), "0x%04x is not NaN", nans[i]);
        ck_assert_int_eq(!!signbit(v), nans[i] >> 15);
    }
    uint16_t h = ndshm__double_to_half(NAN);
    ck_assert_uint_eq(h & 0x7c00, 0x7c00);
    ck_assert_uint_ne(h & 0x03ff, 0);
    ck_assert_uint_eq(h & 0x8000, 0);
    h = ndshm__double_to_half(-NAN);
    ck_assert_uint_eq(h & 0x7c00, 0x7c00);
    ck_assert_uint_ne(h & 0x03ff, 0);
}
END_TEST

/* np.array([value]).astype(np.float16).view(np.uint16) */
static const struct {
    double value;
    uint16_t bits;
} to_half[] = {
    {1.0, 0x3c00},
    {-1.0, 0xbc00},
    {65504.0, 0x7bff},
    {65519.0, 0x7bff},
    {65519.999, 0x7bff},
    {65520.0, 0x7c00}, /* the tie above 65504 rounds to even: inf */
    {-65520.0, 0xfc00},
    {65488.0, 0x7bfe},
    {65505.0, 0x7bff},
    {1e10, 0x7c00},
    {INFINITY, 0x7c00},
    {-INFINITY, 0xfc00},
    {5.960464477539063e-08, 0x0001},   /* 2^-24 */
    {2.9802322387695312e-08, 0x0000},  /* 2^-25: tie to even 0 */
    {-2.9802322387695312e-08, 0x8000},
    {2.980232536792755e-08, 0x0001},   /* just above 2^-25 */
    {8.940696716308594e-08, 0x0002},   /* 1.5 * 2^-24: tie to even */
    {1.4901161193847656e-07, 0x0002},  /* 2.5 * 2^-24: tie to even */
    {6.1005353927612305e-05, 0x0400},  /* 1023.5 * 2^-24 rounds up to normal */
    {6.103515625e-05, 0x0400},
    {1.00048828125, 0x3c00},           /* 1 + 2^-11: tie to even */
    {1.00146484375, 0x3c02},           /* 1 + 3 * 2^-11: tie to even */
    {0.500244140625, 0x3800},
    {2049.0, 0x6800},
    {2051.0, 0x6802},
    {0.1, 0x2e66},
    {0.3333333333333333, 0x3555},
    {0.0, 0x0000},
    {-0.0, 0x8000},
    {1e-300, 0x0000},
    {5e-324, 0x0000},
    {-5e-324, 0x8000},
};

START_TEST(test_double_to_half)
{
    uint16_t h = ndshm__double_to_half(to_half[_i].value);
    ck_assert_msg(h == to_half[_i].bits, "%.17g -> 0x%04x, want 0x%04x",
                  to_half[_i].value, h, to_half[_i].bits);
}
END_TEST

/* Every half bit pattern survives half -> double -> half. */
START_TEST(test_half_round_trip)
{
    for (uint32_t b = 0; b <= 0xffff; b++) {
        uint16_t h = (uint16_t)b;
        double d = ndshm__half_to_double(h);
        uint16_t back = ndshm__double_to_half(d);
        if ((h & 0x7c00) == 0x7c00 && (h & 0x03ff) != 0) {
            ck_assert_msg(isnan(d), "0x%04x -> %g", h, d);
            ck_assert_msg((back & 0x7c00) == 0x7c00 && (back & 0x03ff) != 0,
                          "NaN 0x%04x came back as 0x%04x", h, back);
            ck_assert_msg((back & 0x8000) == (h & 0x8000),
                          "NaN 0x%04x lost its sign: 0x%04x", h, back);
            continue;
        }
        ck_assert_msg(back == h, "0x%04x -> %.17g -> 0x%04x", h, d, back);
    }
}
END_TEST

/*
 * Halves in order of bits are in order of value, and every double between
 * two neighbours rounds to the nearer one, a tie to the one with an even
 * last bit (round to nearest even), for every pair of neighbours.
 */
START_TEST(test_half_rounding)
{
    for (uint32_t b = 0; b < 0x7c00; b++) {
        for (int neg = 0; neg < 2; neg++) {
            uint16_t s = neg ? 0x8000 : 0;
            uint16_t lo = (uint16_t)(s | b), hi = (uint16_t)(s | (b + 1));
            double x = fabs(ndshm__half_to_double(lo));
            double y = b + 1 == 0x7c00 ? 65536.0 /* as if unbounded */
                                       : fabs(ndshm__half_to_double(hi));
            ck_assert_msg(x < y, "0x%04x >= next", b);
            double mid = (x + y) / 2; /* exact in double */
            double sign = neg ? -1 : 1;
            uint16_t even = (b & 1) ? hi : lo;
            ck_assert_uint_eq(ndshm__double_to_half(sign * mid), even);
            ck_assert_uint_eq(ndshm__double_to_half(sign * nextafter(mid, 0)),
                              lo);
            ck_assert_uint_eq(
                ndshm__double_to_half(sign * nextafter(mid, INFINITY)), hi);
        }
    }
}
END_TEST

/* ---- the typed loops of conversions that cannot fail ---------------------
 *
 * ndshm__fast_converter gives a plain C loop for some pairs; ndshm_convert
 * and the strided converting copy use it instead of the checked path.
 * For every pair it gives one for, the loop must give exactly what the
 * checked path gives, for the values at the ends of the source's range.
 * The checked path is reached through complex types (no typed loop goes
 * to complex): src -> complex128 -> dst, or through complex64 for float32
 * targets, where a trip through double could round twice.  A second
 * reference decodes the source into a long double (exact for every
 * integer and float here: 64 bits of mantissa) and rounds once.
 */

/* For hot loops: ck_assert_* records every assertion that passes. */
#define REQUIRE(expr, ...)                                                    \
    do {                                                                      \
        if (!(expr))                                                          \
            ck_abort_msg(__VA_ARGS__);                                        \
    } while (0)

/*
 * The values of t at the ends of its range and where rounding to float32
 * or float64 is a tie (to even: 2^24 + 1, 2^53 + 1, 2^31 + 128, 2^64 -
 * 1024, 2^64 - 2^39; away: 2^24 + 3, 2^53 + 3, 2^31 + 384) or would round
 * twice through double (2^62 + 2^38 + 1, 2^63 + 2^39 + 1); finite floats
 * only.  Returns how many, as bytes in out.
 */
static int boundary_values(ndshm_dtype t, unsigned char (*out)[16])
{
    static const int8_t i8[] = {INT8_MIN, INT8_MIN + 1, -2,      -1, 0, 1,
                                2,        INT8_MAX - 1, INT8_MAX};
    static const int16_t i16[] = {INT16_MIN, INT16_MIN + 1, -129, -1,       0,
                                  1,         255,           256,  INT16_MAX};
    static const int32_t i32[] = {
        INT32_MIN, INT32_MIN + 1, -16777217,      -1,       0, 1,
        16777217,  16777219,      INT32_MAX - 64, INT32_MAX};
    static const int64_t i64[] = {
        INT64_MIN,
        INT64_MIN + 1,
        -(INT64_C(1) << 53) - 1,
        -((INT64_C(1) << 62) + (INT64_C(1) << 38) + 1),
        -1,
        0,
        1,
        (INT64_C(1) << 24) + 1,
        (INT64_C(1) << 53) + 1,
        (INT64_C(1) << 53) + 3,
        (INT64_C(1) << 62) + (INT64_C(1) << 38) + 1,
        INT64_MAX - 1024,
        INT64_MAX,
    };
    static const uint8_t u8[] = {0, 1, 127, 128, 254, 255};
    static const uint16_t u16[] = {0, 1, 255, 256, 32767, 32768, 65534, 65535};
    static const uint32_t u32[] = {
        0,
        1,
        16777217,
        INT32_MAX,
        UINT32_C(1) << 31,
        (UINT32_C(1) << 31) + 128,
        (UINT32_C(1) << 31) + 384,
        UINT32_MAX - 1,
        UINT32_MAX,
    };
    static const uint64_t u64[] = {
        0,
        1,
        UINT32_MAX,
        (UINT64_C(1) << 53) + 1,
        UINT64_C(1) << 63,
        (UINT64_C(1) << 63) + 1,
        (UINT64_C(1) << 63) + (UINT64_C(1) << 39) + 1,
        UINT64_MAX - 2048,
        UINT64_MAX - 1024,
        UINT64_MAX - 1023,
        UINT64_MAX - (UINT64_C(1) << 39) - 1,
        UINT64_MAX - (UINT64_C(1) << 39) + 1,
        UINT64_MAX,
    };
    static const float f32[] = {0.0f,
                                -0.0f,
                                0x1p-149f,
                                -0x1p-149f,
                                0x1.fffffcp-127f,
                                0x1p-126f,
                                0x1.99999ap-4f,
                                1.0f,
                                -2.5f,
                                16777216.0f,
                                0x1.fffffep127f,
                                -0x1.fffffep127f};
    static const uint16_t f16[] = {0x0000, 0x8000, 0x0001, 0x03ff, 0x0400,
                                   0x3c00, 0xbc00, 0x7bff, 0xfbff};
    static const double f64[] = {0.0,   -0.0,    0x1p-1074,
                                 0.1,   -2.5,    0x1p63,
                                 1e300, -1e-300, 0x1.fffffffffffffp1023};
    int n = 0;
#define PUT(a)                                                                \
    for (size_t i_ = 0; i_ < sizeof(a) / sizeof((a)[0]); i_++)                \
    memcpy(out[n++], &(a)[i_], sizeof((a)[0]))
    switch (t) {
    case NDSHM_BOOL: {
        static const uint8_t b[] = {0, 1};
        PUT(b);
        break;
    }
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
    case NDSHM_COMPLEX64:
    case NDSHM_COMPLEX128: {
        /* real parts only: (v, 0) */
        static const double re[] = {0.0, -2.5, 1e30};
        for (size_t i = 0; i < sizeof re / sizeof re[0]; i++) {
            memset(out[n], 0, 16);
            if (t == NDSHM_COMPLEX64) {
                float f = (float)re[i];
                memcpy(out[n], &f, 4);
            } else {
                memcpy(out[n], &re[i], 8);
            }
            n++;
        }
        break;
    }
    }
#undef PUT
    return n;
}

/* The element at p as a long double (bool, integers, float16/32/64). */
static long double decode_ld(ndshm_dtype t, const unsigned char *p)
{
    switch (t) {
    case NDSHM_BOOL: return *p != 0;
    case NDSHM_INT8: return (int8_t)p[0];
    case NDSHM_INT16: {
        int16_t x;
        memcpy(&x, p, 2);
        return x;
    }
    case NDSHM_INT32: {
        int32_t x;
        memcpy(&x, p, 4);
        return x;
    }
    case NDSHM_INT64: {
        int64_t x;
        memcpy(&x, p, 8);
        return x;
    }
    case NDSHM_UINT8: return p[0];
    case NDSHM_UINT16: {
        uint16_t x;
        memcpy(&x, p, 2);
        return x;
    }
    case NDSHM_UINT32: {
        uint32_t x;
        memcpy(&x, p, 4);
        return x;
    }
    case NDSHM_UINT64: {
        uint64_t x;
        memcpy(&x, p, 8);
        return x;
    }
    case NDSHM_FLOAT16: {
        uint16_t h;
        memcpy(&h, p, 2);
        return ndshm__half_to_double(h);
    }
    case NDSHM_FLOAT32: {
        float x;
        memcpy(&x, p, 4);
        return x;
    }
    case NDSHM_FLOAT64: {
        double x;
        memcpy(&x, p, 8);
        return x;
    }
    default: ck_abort_msg("decode_ld: %s", ndshm_dtype_name(t));
    }
    return 0;
}

/*
 * v (exactly a value the target can hold, or to be rounded once) as an
 * element of t; false for targets this reference does not do.
 */
static bool encode_ld(ndshm_dtype t, long double v, unsigned char *p)
{
    switch (t) {
    case NDSHM_INT8: {
        int8_t x = (int8_t)v;
        memcpy(p, &x, 1);
        return (long double)x == v;
    }
    case NDSHM_INT16: {
        int16_t x = (int16_t)v;
        memcpy(p, &x, 2);
        return (long double)x == v;
    }
    case NDSHM_INT32: {
        int32_t x = (int32_t)v;
        memcpy(p, &x, 4);
        return (long double)x == v;
    }
    case NDSHM_INT64: {
        int64_t x = (int64_t)v;
        memcpy(p, &x, 8);
        return (long double)x == v;
    }
    case NDSHM_UINT8: {
        uint8_t x = (uint8_t)v;
        memcpy(p, &x, 1);
        return (long double)x == v;
    }
    case NDSHM_UINT16: {
        uint16_t x = (uint16_t)v;
        memcpy(p, &x, 2);
        return (long double)x == v;
    }
    case NDSHM_UINT32: {
        uint32_t x = (uint32_t)v;
        memcpy(p, &x, 4);
        return (long double)x == v;
    }
    case NDSHM_UINT64: {
        uint64_t x = (uint64_t)v;
        memcpy(p, &x, 8);
        return (long double)x == v;
    }
    case NDSHM_FLOAT32: {
        float x = (float)v; /* one rounding, to nearest even */
        memcpy(p, &x, 4);
        return true;
    }
    case NDSHM_FLOAT64: {
        double x = (double)v;
        memcpy(p, &x, 8);
        return true;
    }
    default: return false;
    }
}

/* The checked path: through complex64 for float32, else complex128. */
static int checked_convert(ndshm_dtype to, void *dst, ndshm_dtype from,
                           const void *src)
{
    ndshm_dtype via = to == NDSHM_FLOAT32 ? NDSHM_COMPLEX64 : NDSHM_COMPLEX128;
    unsigned char mid[16];
    REQUIRE(ndshm__fast_converter(via, from) == NULL &&
                ndshm__fast_converter(to, via) == NULL,
            "%s -> %s -> %s is no longer the checked path",
            ndshm_dtype_name(from), ndshm_dtype_name(via),
            ndshm_dtype_name(to));
    int rc = ndshm_convert(via, mid, from, src, 1);
    if (rc == 0)
        rc = ndshm_convert(to, dst, via, mid, 1);
    return rc;
}

/*
 * Every pair with a typed loop: the loop over boundary values, contiguous
 * (long enough for whole vectors), strided with gaps and backwards, and
 * ndshm_convert over the same values, all equal to the checked path and
 * the long double reference, and no byte written past the elements.
 */
START_TEST(test_fast_converter)
{
    ndshm_dtype to = (ndshm_dtype)(NDSHM_BOOL + _i / 14);
    ndshm_dtype from = (ndshm_dtype)(NDSHM_BOOL + _i % 14);
    ndshm__convert_fn fn = ndshm__fast_converter(to, from);
    if (fn == NULL)
        return;
    ck_assert_int_ne(to, from);
    unsigned char vals[32][16];
    int nv = boundary_values(from, vals);
    int64_t ds = (int64_t)ndshm_dtype_size(to);
    int64_t ss = (int64_t)ndshm_dtype_size(from);

    /* the reference for each value: it never fails */
    unsigned char want[32][16], other[16];
    for (int v = 0; v < nv; v++) {
        int rc = checked_convert(to, want[v], from, vals[v]);
        char hex[40];
        hex_bytes(hex, sizeof hex, vals[v], (size_t)ss);
        ck_assert_msg(rc == 0,
                      "%s -> %s has a typed loop, but the checked path "
                      "refuses %s: %s",
                      ndshm_dtype_name(from), ndshm_dtype_name(to), hex,
                      ndshm_errmsg());
        ck_assert_msg(encode_ld(to, decode_ld(from, vals[v]), other),
                      "%s -> %s: %s does not fit", ndshm_dtype_name(from),
                      ndshm_dtype_name(to), hex);
        ck_assert_msg(memcmp(want[v], other, (size_t)ds) == 0,
                      "%s -> %s of %s: the references differ",
                      ndshm_dtype_name(from), ndshm_dtype_name(to), hex);
    }

    /* N elements cycling through the values, in four layouts */
    enum { N = 67, GUARD = 32 };
    static unsigned char src[GUARD + 3 * N * 16 + GUARD];
    static unsigned char dst[GUARD + 3 * N * 16 + GUARD];
    static unsigned char fresh[sizeof dst];
    static const struct {
        int64_t dstep, sstep; /* in elements; negative: backwards */
        const char *name;
    } layouts[] = {
        {1, 1, "contiguous"},
        {3, 2, "strided"},
        {-1, -2, "backwards"},
        {1, 3, "gathering"},
    };
    for (int li = 0; li < COUNT(layouts); li++) {
        int64_t dst_st = layouts[li].dstep * ds,
                src_st = layouts[li].sstep * ss;
        /* the first element's offset: at the far end when backwards */
        int64_t d0 = GUARD + (dst_st < 0 ? -(N - 1) * dst_st : 0);
        int64_t s0 = GUARD + (src_st < 0 ? -(N - 1) * src_st : 0);
        memset(src, 0xee, sizeof src);
        for (int64_t e = 0; e < N; e++)
            memcpy(src + s0 + e * src_st, vals[e % nv], (size_t)ss);
        for (size_t k = 0; k < sizeof fresh; k++)
            fresh[k] = (unsigned char)(k * 131 + 7);
        memcpy(dst, fresh, sizeof dst);
        fn((char *)dst + d0, dst_st, (const char *)src + s0, src_st, N);
        for (int64_t e = 0; e < N; e++) {
            unsigned char *got = dst + d0 + e * dst_st;
            REQUIRE(memcmp(got, want[e % nv], (size_t)ds) == 0,
                    "%s -> %s, %s: element %lld (value %d) differs from the "
                    "checked path",
                    ndshm_dtype_name(from), ndshm_dtype_name(to),
                    layouts[li].name, (long long)e, (int)(e % nv));
            memcpy(got, fresh + (got - dst), (size_t)ds);
        }
        REQUIRE(memcmp(dst, fresh, sizeof dst) == 0,
                "%s -> %s, %s: bytes outside the elements changed",
                ndshm_dtype_name(from), ndshm_dtype_name(to),
                layouts[li].name);
    }

    /* ndshm_convert takes the loop for contiguous buffers */
    memcpy(dst, fresh, sizeof dst);
    for (int64_t e = 0; e < N; e++)
        memcpy(src + e * ss, vals[e % nv], (size_t)ss);
    ck_assert_int_eq(ndshm_convert(to, dst, from, src, N), 0);
    for (int64_t e = 0; e < N; e++)
        REQUIRE(memcmp(dst + e * ds, want[e % nv], (size_t)ds) == 0,
                "ndshm_convert %s -> %s: element %lld differs",
                ndshm_dtype_name(from), ndshm_dtype_name(to), (long long)e);
    REQUIRE(memcmp(dst + N * ds, fresh + N * ds,
                   sizeof dst - (size_t)(N * ds)) == 0,
            "ndshm_convert %s -> %s wrote past the end",
            ndshm_dtype_name(from), ndshm_dtype_name(to));
}
END_TEST

/*
 * Hand-checked results of the typed loops where rounding is easy to get
 * wrong: ties to even, carries to the next power of two, and a value that
 * a trip through double would round twice (NumPy 1.24 agrees on each).
 */
START_TEST(test_fast_converter_values)
{
    float f;
    double d;
    int64_t i64;
    uint64_t u64;
    int32_t i32;
    uint32_t u32;

    i64 = (INT64_C(1) << 62) + (INT64_C(1) << 38) + 1;
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT32, &f, NDSHM_INT64, &i64, 1),
                     0);
    ck_assert(f == 0x1.000002p62f);
    i64 = INT64_MAX;
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT32, &f, NDSHM_INT64, &i64, 1),
                     0);
    ck_assert(f == 0x1p63f);
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT64, &d, NDSHM_INT64, &i64, 1),
                     0);
    ck_assert(d == 0x1p63);
    i64 = INT64_MIN;
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT64, &d, NDSHM_INT64, &i64, 1),
                     0);
    ck_assert(d == -0x1p63);
    i64 = (INT64_C(1) << 53) + 1;
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT64, &d, NDSHM_INT64, &i64, 1),
                     0);
    ck_assert(d == 0x1p53);
    i64 = (INT64_C(1) << 53) + 3;
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT64, &d, NDSHM_INT64, &i64, 1),
                     0);
    ck_assert(d == 0x1p53 + 4);

    u64 = UINT64_MAX;
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT64, &d, NDSHM_UINT64, &u64, 1),
                     0);
    ck_assert(d == 0x1p64);
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT32, &f, NDSHM_UINT64, &u64, 1),
                     0);
    ck_assert(f == 0x1p64f);
    u64 = UINT64_MAX - 1024; /* 2^64 - 1025: below the tie */
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT64, &d, NDSHM_UINT64, &u64, 1),
                     0);
    ck_assert(d == 0x1p64 - 2048);
    u64 = (UINT64_C(1) << 63) + (UINT64_C(1) << 39) + 1;
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT32, &f, NDSHM_UINT64, &u64, 1),
                     0);
    ck_assert(f == 0x1.000002p63f);
    u64 = UINT64_C(1) << 63;
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT64, &d, NDSHM_UINT64, &u64, 1),
                     0);
    ck_assert(d == 0x1p63); /* not read as a negative int64 */

    i32 = 16777217;
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT32, &f, NDSHM_INT32, &i32, 1),
                     0);
    ck_assert(f == 16777216.0f);
    i32 = INT32_MIN;
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT32, &f, NDSHM_INT32, &i32, 1),
                     0);
    ck_assert(f == -0x1p31f);
    u32 = UINT32_MAX;
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT32, &f, NDSHM_UINT32, &u32, 1),
                     0);
    ck_assert(f == 0x1p32f);
    ck_assert_int_eq(ndshm_convert(NDSHM_INT64, &i64, NDSHM_UINT32, &u32, 1),
                     0);
    ck_assert_int_eq(i64, 4294967295LL); /* zero-extended */
    ck_assert_int_eq(ndshm_convert(NDSHM_UINT64, &u64, NDSHM_UINT32, &u32, 1),
                     0);
    ck_assert_uint_eq(u64, 4294967295ULL);
    uint16_t u16 = 65535;
    ck_assert_int_eq(ndshm_convert(NDSHM_INT32, &i32, NDSHM_UINT16, &u16, 1),
                     0);
    ck_assert_int_eq(i32, 65535);
    int8_t i8 = -128;
    ck_assert_int_eq(ndshm_convert(NDSHM_INT64, &i64, NDSHM_INT8, &i8, 1), 0);
    ck_assert_int_eq(i64, -128); /* sign-extended */
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT64, &d, NDSHM_INT8, &i8, 1), 0);
    ck_assert(d == -128.0);

    float fmax = 0x1.fffffep127f, sub = 0x1p-149f, nz = -0.0f;
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT64, &d, NDSHM_FLOAT32, &fmax, 1),
                     0);
    ck_assert(d == 0x1.fffffep127);
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT64, &d, NDSHM_FLOAT32, &sub, 1),
                     0);
    ck_assert(d == 0x1p-149);
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT64, &d, NDSHM_FLOAT32, &nz, 1),
                     0);
    ck_assert(d == 0 && signbit(d));
}
END_TEST

/* The typed loops exist (the tests above are not empty), and none is
 * offered where the checked path can refuse a value. */
START_TEST(test_fast_converter_which)
{
    ck_assert_ptr_nonnull(ndshm__fast_converter(NDSHM_FLOAT64, NDSHM_INT32));
    ck_assert_ptr_nonnull(ndshm__fast_converter(NDSHM_FLOAT64, NDSHM_FLOAT32));
    static const ndshm_dtype risky[][2] = {
        /* to, from */
        {NDSHM_INT32, NDSHM_FLOAT64},      {NDSHM_INT64, NDSHM_FLOAT32},
        {NDSHM_INT8, NDSHM_INT16},         {NDSHM_INT32, NDSHM_UINT32},
        {NDSHM_INT64, NDSHM_UINT64},       {NDSHM_UINT64, NDSHM_INT64},
        {NDSHM_UINT32, NDSHM_INT8},        {NDSHM_FLOAT32, NDSHM_FLOAT64},
        {NDSHM_FLOAT16, NDSHM_FLOAT32},    {NDSHM_FLOAT16, NDSHM_INT8},
        {NDSHM_FLOAT64, NDSHM_COMPLEX128}, {NDSHM_UINT8, NDSHM_INT8},
    };
    for (int i = 0; i < COUNT(risky); i++)
        ck_assert_msg(ndshm__fast_converter(risky[i][0], risky[i][1]) == NULL,
                      "a typed loop for %s -> %s, which can fail",
                      ndshm_dtype_name(risky[i][1]),
                      ndshm_dtype_name(risky[i][0]));
}
END_TEST

/* NaN through float32 -> float64: a NaN, its sign kept. */
START_TEST(test_fast_converter_nan)
{
    float f[40];
    double d[40];
    for (int i = 0; i < 40; i++)
        f[i] = i % 2 ? NAN : -NAN;
    ck_assert_int_eq(ndshm_convert(NDSHM_FLOAT64, d, NDSHM_FLOAT32, f, 40), 0);
    for (int i = 0; i < 40; i++) {
        ck_assert(isnan(d[i]));
        ck_assert_int_eq(!!signbit(d[i]), !!signbit(f[i]));
    }
}
END_TEST

Suite *convert_suite(void)
{
    Suite *s = suite_create("convert");
    TCase *tc = tcase_create("convert");
    tcase_add_loop_test(tc, test_table, 0, COUNT(cases));
    tcase_add_loop_test(tc, test_all_pairs, 0, 14 * 14);
    tcase_add_test(tc, test_array_messages);
    tcase_add_test(tc, test_invalid);
    tcase_add_test(tc, test_same_type);
    tcase_add_test(tc, test_bool_source);
    suite_add_tcase(s, tc);

    tc = tcase_create("half");
    tcase_add_loop_test(tc, test_half_to_double, 0, COUNT(halves));
    tcase_add_test(tc, test_half_nan);
    tcase_add_loop_test(tc, test_double_to_half, 0, COUNT(to_half));
    tcase_add_test(tc, test_half_round_trip);
    tcase_add_test(tc, test_half_rounding);
    suite_add_tcase(s, tc);

    tc = tcase_create("typed loops");
    tcase_add_loop_test(tc, test_fast_converter, 0, 14 * 14);
    tcase_add_test(tc, test_fast_converter_values);
    tcase_add_test(tc, test_fast_converter_which);
    tcase_add_test(tc, test_fast_converter_nan);
    suite_add_tcase(s, tc);
    return s;
}
