/*
 * strided.c -- the hot path: moving elements between strided windows.
 *
 * Every operation is reduced first: dimensions of length 1 go, and
 * adjacent dimensions that are contiguous in every operand merge, so that
 * a contiguous window becomes one memcpy and most others a short loop over
 * long rows.  Rows are then moved by loops specialised by element size.
 * A copy whose source runs along a different dimension than its
 * destination (a transpose) goes tile by tile, so that both sides stay in
 * cache.  Converting copies use a typed loop for the conversions that
 * cannot fail, and ndshm_convert's checks for the others.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "convert.h"
#include "error.h"
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

/* ---- rows ----------------------------------------------------------------
 */

/* Moves n elements of a row; ctx says how.  Nonzero stops the walk. */
typedef int (*row_fn)(char *d, int64_t ds, const char *s, int64_t ss,
                      int64_t n, const void *ctx);

struct copy_ctx {
    size_t size;
};

/* Rows of any element size (the common sizes have typed rows below). */
static int copy_row(char *d, int64_t ds, const char *s, int64_t ss, int64_t n,
                    const void *ctx)
{
    size_t size = ((const struct copy_ctx *)ctx)->size;
    if (ds == (int64_t)size && ss == (int64_t)size) {
        memcpy(d, s, (size_t)n * size);
        return 0;
    }
    if (size == 16) { /* complex128 */
        for (int64_t i = 0; i < n; i++, d += ds, s += ss)
            memcpy(d, s, 16);
        return 0;
    }
    for (int64_t i = 0; i < n; i++, d += ds, s += ss)
        memcpy(d, s, size);
    return 0;
}

struct fill_ctx {
    size_t size;
    const void *value;
};

static int fill_row(char *d, int64_t ds, const char *s, int64_t ss, int64_t n,
                    const void *ctx)
{
    (void)s;
    (void)ss;
    const struct fill_ctx *f = ctx;
    if (f->size == 16) { /* complex128 */
        for (int64_t i = 0; i < n; i++, d += ds)
            memcpy(d, f->value, 16);
        return 0;
    }
    for (int64_t i = 0; i < n; i++, d += ds)
        memcpy(d, f->value, f->size);
    return 0;
}

/*
 * A long contiguous fill of 2, 4 or 8-byte elements, at memset's speed:
 * on x86-64 the string store instruction takes any element pattern, and
 * the CPU's fast-string path (which glibc's memset uses too) applies.
 * Returns false where there is no such instruction.
 */
static inline bool fast_fill(void *d, const void *value, size_t size,
                             int64_t n)
{
#if defined(__x86_64__)
    if (n * (int64_t)size < 4096)
        return false;
    uint64_t v = 0;
    memcpy(&v, value, size);
    /* fast strings want an aligned destination: the head one by one */
    while (((uintptr_t)d & 63) != 0 && n > 0) {
        memcpy(d, value, size);
        d = (char *)d + size;
        n--;
    }
    size_t count = (size_t)n;
    switch (size) {
    case 8:
        __asm__ volatile("rep stosq"
                         : "+D"(d), "+c"(count)
                         : "a"(v)
                         : "memory");
        return true;
    case 4:
        __asm__ volatile("rep stosl"
                         : "+D"(d), "+c"(count)
                         : "a"(v)
                         : "memory");
        return true;
    case 2:
        __asm__ volatile("rep stosw"
                         : "+D"(d), "+c"(count)
                         : "a"(v)
                         : "memory");
        return true;
    }
#endif
    (void)d, (void)value, (void)size, (void)n;
    return false;
}

/* Typed rows for the common element sizes: the compiler sees the size,
 * so each move is one load and one store. */
#define TYPED_ROWS(T)                                                         \
    static inline int copy_row_##T(char *d, int64_t ds, const char *s,        \
                                   int64_t ss, int64_t n, const void *ctx)    \
    {                                                                         \
        (void)ctx;                                                            \
        if (ss == -(int64_t)sizeof(T)) { /* read the source ascending */      \
            d += (n - 1) * ds, s += (n - 1) * ss;                             \
            ds = -ds, ss = -ss;                                               \
        }                                                                     \
        if (ds == (int64_t)sizeof(T) && ss == (int64_t)sizeof(T)) {           \
            memcpy(d, s, (size_t)n * sizeof(T));                              \
        } else if (ds == (int64_t)sizeof(T)) {                                \
            T *dp = (T *)(void *)d;                                           \
            _Pragma("GCC unroll 4") for (int64_t i = 0; i < n; i++)           \
                memcpy(&dp[i], s + i * ss, sizeof(T));                        \
        } else if (ss == (int64_t)sizeof(T)) {                                \
            const T *sp = (const T *)(const void *)s;                         \
            for (int64_t i = 0; i < n; i++)                                   \
                memcpy(d + i * ds, &sp[i], sizeof(T));                        \
        } else {                                                              \
            for (int64_t i = 0; i < n; i++)                                   \
                memcpy(d + i * ds, s + i * ss, sizeof(T));                    \
        }                                                                     \
        return 0;                                                             \
    }                                                                         \
    static inline int fill_row_##T(char *d, int64_t ds, const char *s,        \
                                   int64_t ss, int64_t n, const void *ctx)    \
    {                                                                         \
        (void)s;                                                              \
        (void)ss;                                                             \
        T v;                                                                  \
        memcpy(&v, ctx, sizeof v);                                            \
        if (ds == (int64_t)sizeof(T) && fast_fill(d, ctx, sizeof(T), n))      \
            return 0;                                                         \
        if (ds == (int64_t)sizeof(T) && (uintptr_t)d % _Alignof(T) == 0) {    \
            T *restrict p = (T *)(void *)d;                                   \
            for (int64_t i = 0; i < n; i++)                                   \
                p[i] = v;                                                     \
        } else {                                                              \
            for (int64_t i = 0; i < n; i++)                                   \
                memcpy(d + i * ds, &v, sizeof v);                             \
        }                                                                     \
        return 0;                                                             \
    }
TYPED_ROWS(uint8_t)
TYPED_ROWS(uint16_t)
TYPED_ROWS(uint32_t)
TYPED_ROWS(uint64_t)
#undef TYPED_ROWS

/* ---- streaming stores
 * --------------------------------------------------------------- */

#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#define HAVE_STREAM 1

/* Bytes a simplified window covers, saturating (a broadcast source may
 * name more elements than fit in memory). */
static size_t loop_bytes(const struct loop *l, size_t itemsize)
{
    size_t n = itemsize;
    for (int i = 0; i < l->ndim; i++)
        if (__builtin_mul_overflow(n, (size_t)l->shape[i], &n))
            return SIZE_MAX;
    return n;
}

/* memcpy with streaming stores of whole cache lines: a line written in
 * part by streaming stores costs the memory a read and a write. */
static void stream_bytes(char *d, const char *s, size_t n)
{
    size_t head = (size_t)(-(uintptr_t)d & 63);
    if (head > n)
        head = n;
    memcpy(d, s, head);
    d += head, s += head, n -= head;
    for (; n >= 64; n -= 64, d += 64, s += 64) {
        const __m128i *sp = (const __m128i *)(const void *)s;
        __m128i *dp = (__m128i *)(void *)d;
        __m128i a = _mm_loadu_si128(sp), b = _mm_loadu_si128(sp + 1);
        __m128i c = _mm_loadu_si128(sp + 2), e = _mm_loadu_si128(sp + 3);
        _mm_stream_si128(dp, a);
        _mm_stream_si128(dp + 1, b);
        _mm_stream_si128(dp + 2, c);
        _mm_stream_si128(dp + 3, e);
    }
    memcpy(d, s, n);
}

/* Shorter rows are copied as usual: between short runs of streaming
 * stores the ordinary stores to the lines at their ends cost more than
 * streaming saves (a 4-d window with 512-byte rows read 25% slower). */
#define STREAM_ROW 1024

/* 16 bytes of elements ss bytes apart, in registers: going through memory
 * would stall each 16-byte load on the narrower stores before it. */
static inline __m128i gather_uint64_t(const char *s, int64_t ss)
{
    uint64_t a, b;
    memcpy(&a, s, 8);
    memcpy(&b, s + ss, 8);
    return _mm_set_epi64x((long long)b, (long long)a);
}

static inline __m128i gather_uint32_t(const char *s, int64_t ss)
{
    uint32_t v[4];
    for (int j = 0; j < 4; j++)
        memcpy(&v[j], s + j * ss, 4);
    return _mm_set_epi32((int)v[3], (int)v[2], (int)v[1], (int)v[0]);
}

static inline __m128i gather_uint16_t(const char *s, int64_t ss)
{
    uint16_t v[8];
    for (int j = 0; j < 8; j++)
        memcpy(&v[j], s + j * ss, 2);
    return _mm_set_epi16((short)v[7], (short)v[6], (short)v[5], (short)v[4],
                         (short)v[3], (short)v[2], (short)v[1], (short)v[0]);
}

static inline __m128i gather_uint8_t(const char *s, int64_t ss)
{
    char v[16];
    for (int j = 0; j < 16; j++)
        v[j] = s[j * ss];
    return _mm_set_epi8(v[15], v[14], v[13], v[12], v[11], v[10], v[9], v[8],
                        v[7], v[6], v[5], v[4], v[3], v[2], v[1], v[0]);
}

/*
 * A row into a contiguous destination (ascending or descending),
 * streamed: a contiguous source as bytes, a strided one gathered 16 bytes
 * at a time, a cache line per round.  Any other row (a
 * strided destination) is copied as usual.
 */
#define STREAM_ROWS(T)                                                        \
    static inline int stream_row_##T(char *d, int64_t ds, const char *s,      \
                                     int64_t ss, int64_t n, const void *ctx)  \
    {                                                                         \
        enum { PER = 16 / sizeof(T) };                                        \
        if (n * (int64_t)sizeof(T) < STREAM_ROW)                              \
            return copy_row_##T(d, ds, s, ss, n, ctx);                        \
        if (ds == -(int64_t)sizeof(T)) { /* the same bytes, ascending */      \
            d += (n - 1) * ds, s += (n - 1) * ss;                             \
            ds = -ds, ss = -ss;                                               \
        }                                                                     \
        if (ds != (int64_t)sizeof(T))                                         \
            return copy_row_##T(d, ds, s, ss, n, ctx);                        \
        if (ss == (int64_t)sizeof(T)) {                                       \
            stream_bytes(d, s, (size_t)n * sizeof(T));                        \
            return 0;                                                         \
        }                                                                     \
        for (; ((uintptr_t)d & 63) != 0 && n > 0; n--, d += sizeof(T),        \
                                                  s += ss)                    \
            memcpy(d, s, sizeof(T));                                          \
        for (; n >= 4 * PER; n -= 4 * PER) {                                  \
            for (int q = 0; q < 4; q++, d += 16, s += PER * ss)               \
                _mm_stream_si128((__m128i *)(void *)d, gather_##T(s, ss));    \
        }                                                                     \
        return copy_row_##T(d, ds, s, ss, n, ctx);                            \
    }
STREAM_ROWS(uint8_t)
STREAM_ROWS(uint16_t)
STREAM_ROWS(uint32_t)
STREAM_ROWS(uint64_t)
#undef STREAM_ROWS

/* A fill row streamed, a cache line per round. */
#define STREAM_FILL_ROWS(T)                                                   \
    static inline int stream_fill_row_##T(char *d, int64_t ds, const char *s, \
                                          int64_t ss, int64_t n,              \
                                          const void *ctx)                    \
    {                                                                         \
        enum { PER = 16 / sizeof(T) };                                        \
        if (ds != (int64_t)sizeof(T) || n * (int64_t)sizeof(T) < STREAM_ROW)  \
            return fill_row_##T(d, ds, s, ss, n, ctx);                        \
        T v[PER];                                                             \
        for (int j = 0; j < PER; j++)                                         \
            memcpy(&v[j], ctx, sizeof(T));                                    \
        for (; ((uintptr_t)d & 63) != 0 && n > 0; n--, d += sizeof(T))       \
            memcpy(d, v, sizeof(T));                                          \
        __m128i x;                                                            \
        memcpy(&x, v, 16);                                                    \
        for (; n >= 4 * PER; n -= 4 * PER, d += 64) {                         \
            __m128i *dp = (__m128i *)(void *)d;                               \
            _mm_stream_si128(dp, x);                                          \
            _mm_stream_si128(dp + 1, x);                                      \
            _mm_stream_si128(dp + 2, x);                                      \
            _mm_stream_si128(dp + 3, x);                                      \
        }                                                                     \
        return fill_row_##T(d, ds, s, ss, n, ctx);                            \
    }
STREAM_FILL_ROWS(uint8_t)
STREAM_FILL_ROWS(uint16_t)
STREAM_FILL_ROWS(uint32_t)
STREAM_FILL_ROWS(uint64_t)
#undef STREAM_FILL_ROWS

static int stream_row(char *d, int64_t ds, const char *s, int64_t ss,
                      int64_t n, const void *ctx)
{
    size_t size = ((const struct copy_ctx *)ctx)->size;
    if (ds != (int64_t)size || ss != (int64_t)size)
        return copy_row(d, ds, s, ss, n, ctx);
    stream_bytes(d, s, (size_t)n * size);
    return 0;
}
#endif

struct convert_ctx {
    ndshm_dtype dst_type, src_type;
    ndshm__convert_fn fast; /* NULL: checked, one element at a time */
};

static int convert_row(char *d, int64_t ds, const char *s, int64_t ss,
                       int64_t n, const void *ctx)
{
    const struct convert_ctx *c = ctx;
    if (c->fast) {
        c->fast(d, ds, s, ss, n);
        return 0;
    }
    for (int64_t i = 0; i < n; i++, d += ds, s += ss) {
        int rc = ndshm_convert(c->dst_type, d, c->src_type, s, 1);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* ---- walking the outer dimensions ------------------------------------------
 */

/*
 * Inlined into each caller with a constant row function, so that the
 * typed row loops below are inlined too: no call per row.
 */
static inline __attribute__((always_inline)) int
run(const struct loop *l, char *dst, const char *src, row_fn row,
    const void *ctx)
{
    if (l->ndim == 0)
        return row(dst, 0, src, 0, 1, ctx);
    int inner = l->ndim - 1;
    if (inner == 0)
        return row(dst, l->stride[0][0], src, l->stride[1][0], l->shape[0],
                   ctx);
    /* the two inner dimensions as plain loops, the rest as an odometer */
    int next = inner - 1;
    int64_t ds = l->stride[0][inner], ss = l->stride[1][inner];
    int64_t n = l->shape[inner], rows = l->shape[next];
    int64_t dr = l->stride[0][next], sr = l->stride[1][next];
    int64_t idx[NDSHM_MAXDIMS] = {0};
    for (;;) {
        char *d = dst;
        const char *s = src;
        for (int64_t r = 0; r < rows; r++, d += dr, s += sr) {
            int rc = row(d, ds, s, ss, n, ctx);
            if (rc != 0)
                return rc;
        }
        /* advance the outer index like an odometer */
        int k = next - 1;
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
            return 0;
    }
}

/* ---- transposes
 * -------------------------------------------------------------- */

/* Tiles of TILE x TILE elements, moved as MICRO x MICRO blocks. */
#define TILE  128
#define MICRO 8

static int64_t abs64(int64_t v)
{
    return v < 0 ? -v : v;
}

/*
 * One MICRO x MICRO block: the source's MICRO columns are read as whole
 * runs into a local block, which is written out as the destination's
 * MICRO rows -- every cache line touched is used whole.
 */
#define MICRO_BLOCK(T)                                                        \
    static void block_##T(char *d, int64_t dk, const char *s, int64_t si)     \
    {                                                                         \
        T b[MICRO][MICRO];                                                    \
        for (int j = 0; j < MICRO; j++)                                       \
            memcpy(b[j], s + j * si, sizeof b[j]);                            \
        for (int i = 0; i < MICRO; i++) {                                     \
            T r[MICRO];                                                       \
            for (int j = 0; j < MICRO; j++)                                   \
                r[j] = b[j][i];                                               \
            memcpy(d + i * dk, r, sizeof r);                                  \
        }                                                                     \
    }
MICRO_BLOCK(uint8_t)
MICRO_BLOCK(uint16_t)
MICRO_BLOCK(uint32_t)
MICRO_BLOCK(uint64_t)
#undef MICRO_BLOCK

/* The elements of [k0, k1) x [i0, i1) one by one (tile edges, odd sizes). */
static void tile_edge(char *dst, const char *src, int64_t k0, int64_t k1,
                      int64_t i0, int64_t i1, int64_t dk, int64_t di,
                      int64_t sk, int64_t si, size_t size)
{
    for (int64_t a = k0; a < k1; a++) {
        char *d = dst + a * dk + i0 * di;
        const char *s = src + a * sk + i0 * si;
        for (int64_t b = i0; b < i1; b++, d += di, s += si)
            memcpy(d, s, size);
    }
}

static void tile(char *dst, const char *src, int64_t k0, int64_t k1,
                 int64_t i0, int64_t i1, int64_t dk, int64_t di, int64_t sk,
                 int64_t si, size_t size)
{
    void (*block)(char *, int64_t, const char *, int64_t) =
        size == 1   ? block_uint8_t
        : size == 2 ? block_uint16_t
        : size == 4 ? block_uint32_t
        : size == 8 ? block_uint64_t
                    : NULL;
    int64_t km = block ? k0 + (k1 - k0) / MICRO * MICRO : k0;
    int64_t im = block ? i0 + (i1 - i0) / MICRO * MICRO : i0;
    for (int64_t a = k0; a < km; a += MICRO)
        for (int64_t b = i0; b < im; b += MICRO)
            block(dst + a * dk + b * di, dk, src + a * sk + b * si, si);
    tile_edge(dst, src, km, k1, i0, i1, dk, di, sk, si, size);
    tile_edge(dst, src, k0, km, im, i1, dk, di, sk, si, size);
}

/*
 * A copy whose destination runs along its inner dimension while the
 * source runs along another one (k): copying row by row would touch a
 * new source cache line for every element.  Going tile by tile over the
 * two dimensions reads and writes whole lines.  Returns false when the
 * copy is not such a transpose.
 */
static bool transposed(struct loop *l, char *dst, const char *src, size_t size)
{
    int inner = l->ndim - 1;
    if (l->ndim < 2 || l->stride[0][inner] != (int64_t)size ||
        abs64(l->stride[1][inner]) == (int64_t)size)
        return false;
    int k = -1;
    for (int i = 0; i < inner; i++)
        if (l->stride[1][i] == (int64_t)size)
            k = i;
    if (k < 0 || l->shape[inner] < MICRO || l->shape[k] < MICRO)
        return false;

    /* The other dimensions are walked outside, the pair (k, inner) as
     * tiles: a loop with those two dimensions set to length 1. */
    struct loop outer = *l;
    outer.shape[k] = 1;
    outer.shape[inner] = 1;
    int64_t nk = l->shape[k], ni = l->shape[inner];
    int64_t dk = l->stride[0][k], di = l->stride[0][inner];
    int64_t sk = l->stride[1][k], si = l->stride[1][inner];
    int64_t idx[NDSHM_MAXDIMS] = {0};
    for (;;) {
        for (int64_t k0 = 0; k0 < nk; k0 += TILE)
            for (int64_t i0 = 0; i0 < ni; i0 += TILE)
                tile(dst, src, k0, k0 + TILE < nk ? k0 + TILE : nk, i0,
                     i0 + TILE < ni ? i0 + TILE : ni, dk, di, sk, si, size);
        int d;
        for (d = inner - 1; d >= 0; d--) {
            if (outer.shape[d] == 1)
                continue;
            dst += outer.stride[0][d];
            src += outer.stride[1][d];
            if (++idx[d] < outer.shape[d])
                break;
            dst -= outer.stride[0][d] * outer.shape[d];
            src -= outer.stride[1][d] * outer.shape[d];
            idx[d] = 0;
        }
        if (d < 0)
            return true;
    }
}

/* ---- entry points
 * -------------------------------------------------------------- */

void ndshm__strided_copy(int ndim, const int64_t *shape, void *dst,
                         const int64_t *dst_strides, const void *src,
                         const int64_t *src_strides, size_t itemsize)
{
    struct loop l;
    if (!simplify(&l, ndim, shape, dst_strides, src_strides, 2))
        return;
    if (transposed(&l, dst, src, itemsize))
        return;
    struct copy_ctx c = {itemsize};
#ifdef HAVE_STREAM
    if (loop_bytes(&l, itemsize) >= NDSHM__STREAM_MIN) {
        switch (itemsize) {
        case 1: run(&l, dst, src, stream_row_uint8_t, NULL); break;
        case 2: run(&l, dst, src, stream_row_uint16_t, NULL); break;
        case 4: run(&l, dst, src, stream_row_uint32_t, NULL); break;
        case 8: run(&l, dst, src, stream_row_uint64_t, NULL); break;
        default: run(&l, dst, src, stream_row, &c); break;
        }
        /* streaming stores are weakly ordered: make them visible before
         * anything the caller does next (a version bump, an unlock) */
        _mm_sfence();
        return;
    }
#endif
    switch (itemsize) {
    case 1: run(&l, dst, src, copy_row_uint8_t, NULL); break;
    case 2: run(&l, dst, src, copy_row_uint16_t, NULL); break;
    case 4: run(&l, dst, src, copy_row_uint32_t, NULL); break;
    case 8: run(&l, dst, src, copy_row_uint64_t, NULL); break;
    default: run(&l, dst, src, copy_row, &c); break;
    }
}

void ndshm__strided_fill(int ndim, const int64_t *shape, void *dst,
                         const int64_t *dst_strides, const void *value,
                         size_t itemsize)
{
    struct loop l;
    struct fill_ctx f = {itemsize, value};
    /* src is never read in a fill; dst stands in so that the odometer's
     * arithmetic stays on a real pointer (its strides are all 0) */
    if (!simplify(&l, ndim, shape, dst_strides, NULL, 1))
        return;
#ifdef HAVE_STREAM
    if (loop_bytes(&l, itemsize) >= NDSHM__STREAM_MIN && itemsize <= 8 &&
        (itemsize & (itemsize - 1)) == 0) {
        switch (itemsize) {
        case 1: run(&l, dst, dst, stream_fill_row_uint8_t, value); break;
        case 2: run(&l, dst, dst, stream_fill_row_uint16_t, value); break;
        case 4: run(&l, dst, dst, stream_fill_row_uint32_t, value); break;
        case 8: run(&l, dst, dst, stream_fill_row_uint64_t, value); break;
        }
        _mm_sfence();
        return;
    }
#endif
    switch (itemsize) {
    case 1: run(&l, dst, dst, fill_row_uint8_t, value); break;
    case 2: run(&l, dst, dst, fill_row_uint16_t, value); break;
    case 4: run(&l, dst, dst, fill_row_uint32_t, value); break;
    case 8: run(&l, dst, dst, fill_row_uint64_t, value); break;
    default: run(&l, dst, dst, fill_row, &f); break;
    }
}

int ndshm__strided_convert(int ndim, const int64_t *shape, void *dst,
                           const int64_t *dst_strides, ndshm_dtype dst_type,
                           const void *src, const int64_t *src_strides,
                           ndshm_dtype src_type)
{
    if (dst_type == src_type) {
        ndshm__strided_copy(ndim, shape, dst, dst_strides, src, src_strides,
                            ndshm_dtype_size(dst_type));
        return 0;
    }
    struct loop l;
    struct convert_ctx c = {dst_type, src_type,
                            ndshm__fast_converter(dst_type, src_type)};
    if (!simplify(&l, ndim, shape, dst_strides, src_strides, 2))
        return 0;
    return run(&l, dst, src, convert_row, &c);
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
