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
    return s;
}
