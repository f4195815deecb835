/*
 * npy.c -- the NumPy .npy header: "\x93NUMPY", a version, a length, and a
 * Python dict literal {'descr': ..., 'fortran_order': ..., 'shape': (...)}.
 * The writer produces what numpy.save produces; the parser accepts what
 * numpy.save has ever written (versions 1.0 to 3.0, either quote style).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtype.h"
#include "error.h"
#include "npy.h"

#define MAGIC                  "\x93NUMPY"
#define MAGIC_LEN              6
#define ALIGN                  64
#define GROWTH_AXIS_MAX_DIGITS 21 /* numpy's spare room for the first axis */

/* The dict text as numpy writes it: keys sorted, "(3,)" for 1-d shapes. */
static size_t dict_text(char *buf, size_t cap, ndshm_dtype dtype, int ndim,
                        const int64_t *shape)
{
    size_t n = 0;
    int w = snprintf(buf, cap,
                     "{'descr': '%s', 'fortran_order': False, "
                     "'shape': (",
                     ndshm_dtype_descr(dtype));
    if (w < 0 || (size_t)w >= cap)
        return 0;
    n = (size_t)w;
    for (int i = 0; i < ndim; i++) {
        w = snprintf(buf + n, cap - n, i == 0 ? "%lld" : ", %lld",
                     (long long)shape[i]);
        if (w < 0 || (size_t)w >= cap - n)
            return 0;
        n += (size_t)w;
    }
    w = snprintf(buf + n, cap - n, "%s), }", ndim == 1 ? "," : "");
    if (w < 0 || (size_t)w >= cap - n)
        return 0;
    n += (size_t)w;
    if (ndim > 0) {
        /* numpy pads for the repr of shape[0] to grow to 21 digits */
        char first[24];
        int digits =
            snprintf(first, sizeof first, "%lld", (long long)shape[0]);
        int spare = GROWTH_AXIS_MAX_DIGITS - digits;
        for (int i = 0; i < spare; i++) {
            if (n + 1 >= cap)
                return 0;
            buf[n++] = ' ';
        }
        buf[n] = '\0';
    }
    return n;
}

size_t ndshm__npy_write_header(char *buf, size_t cap, ndshm_dtype dtype,
                               int ndim, const int64_t *shape, size_t pad_to)
{
    const size_t pre = MAGIC_LEN + 2 + 2; /* magic, version, u16 length */
    if (cap < pre + 1)
        return 0;
    size_t dict = dict_text(buf + pre, cap - pre, dtype, ndim, shape);
    if (dict == 0)
        return 0;
    size_t total;
    if (pad_to != 0) {
        total = pad_to;
    } else {
        size_t hlen = dict + 1; /* the final '\n' */
        total = pre + hlen + (ALIGN - (pre + hlen) % ALIGN) % ALIGN;
        /* numpy always pads: (pre + hlen) % 64 == 0 still adds 64 */
        if ((pre + hlen) % ALIGN == 0)
            total += ALIGN;
    }
    if (total > cap || pre + dict + 1 > total || total - pre > 0xffff)
        return 0;
    memcpy(buf, MAGIC, MAGIC_LEN);
    buf[6] = 1;
    buf[7] = 0;
    size_t hlen = total - pre;
    buf[8] = (char)(hlen & 0xff);
    buf[9] = (char)(hlen >> 8);
    memset(buf + pre + dict, ' ', total - pre - dict - 1);
    buf[total - 1] = '\n';
    return total;
}

size_t ndshm__npy_header_len(const unsigned char *pre, size_t len)
{
    if (len < 10 || memcmp(pre, MAGIC, MAGIC_LEN) != 0) {
        ndshm__err(NDSHM_EINVAL, "not a .npy file (no \\x93NUMPY magic)");
        return 0;
    }
    unsigned major = pre[6];
    if (pre[7] != 0)
        major = 0; /* NumPy knows only 1.0, 2.0 and 3.0 */
    if (major == 1)
        return 10 + (size_t)(pre[8] | pre[9] << 8);
    if (major == 2 || major == 3) {
        if (len < 12) {
            ndshm__err(NDSHM_EINVAL, "truncated .npy header");
            return 0;
        }
        return 12 + ((size_t)pre[8] | (size_t)pre[9] << 8 |
                     (size_t)pre[10] << 16 | (size_t)pre[11] << 24);
    }
    ndshm__err(NDSHM_EINVAL, ".npy format version %u.%u is not supported",
               pre[6], pre[7]);
    return 0;
}

/* ---- a tiny reader for the header's Python literal ---------------------- */

struct lit {
    const char *p, *end;
};

static void lit_space(struct lit *l)
{
    while (l->p < l->end && isspace((unsigned char)*l->p))
        l->p++;
}

static bool lit_char(struct lit *l, char c)
{
    lit_space(l);
    if (l->p < l->end && *l->p == c) {
        l->p++;
        return true;
    }
    return false;
}

/* A quoted string into out (cap bytes). */
static bool lit_string(struct lit *l, char *out, size_t cap)
{
    lit_space(l);
    if (l->p >= l->end || (*l->p != '\'' && *l->p != '"'))
        return false;
    char q = *l->p++;
    size_t n = 0;
    while (l->p < l->end && *l->p != q) {
        if (n + 1 >= cap)
            return false;
        out[n++] = *l->p++;
    }
    if (l->p >= l->end)
        return false;
    l->p++;
    out[n] = '\0';
    return true;
}

static bool lit_word(struct lit *l, const char *w)
{
    lit_space(l);
    size_t n = strlen(w);
    if ((size_t)(l->end - l->p) >= n && memcmp(l->p, w, n) == 0) {
        l->p += n;
        return true;
    }
    return false;
}

static int bad(const char *why)
{
    return ndshm__err(NDSHM_EINVAL, "invalid .npy header: %s", why);
}

static int parse_shape(struct lit *l, struct ndshm_npy_header *h)
{
    if (!lit_char(l, '('))
        return bad("'shape' is not a tuple");
    h->ndim = 0;
    for (;;) {
        if (lit_char(l, ')'))
            return 0;
        lit_space(l);
        if (l->p >= l->end || !isdigit((unsigned char)*l->p))
            return bad("'shape' holds something other than integers");
        if (h->ndim == NDSHM_MAXDIMS)
            return bad("more than 32 dimensions");
        int64_t v = 0;
        while (l->p < l->end && isdigit((unsigned char)*l->p)) {
            if (__builtin_mul_overflow(v, 10, &v) ||
                __builtin_add_overflow(v, *l->p - '0', &v))
                return bad("a dimension is too large");
            l->p++;
        }
        if (l->p < l->end && (*l->p == 'L' || *l->p == 'l'))
            l->p++; /* Python 2's long suffix */
        h->shape[h->ndim++] = v;
        if (!lit_char(l, ',')) {
            if (!lit_char(l, ')'))
                return bad("'shape' is not a tuple");
            return 0;
        }
    }
}

int ndshm__npy_parse(const unsigned char *buf, size_t len,
                     struct ndshm_npy_header *out)
{
    memset(out, 0, sizeof *out);
    size_t hlen = ndshm__npy_header_len(buf, len);
    if (hlen == 0)
        return NDSHM_EINVAL;
    if (hlen > len)
        return bad("truncated");
    size_t start = buf[6] == 1 ? 10 : 12;
    struct lit l = {(const char *)buf + start, (const char *)buf + hlen};
    bool seen_descr = false, seen_order = false, seen_shape = false;

    if (!lit_char(&l, '{'))
        return bad("not a dict");
    while (!lit_char(&l, '}')) {
        char key[32];
        if (!lit_string(&l, key, sizeof key) || !lit_char(&l, ':'))
            return bad("expected a key");
        if (strcmp(key, "descr") == 0) {
            char descr[64];
            lit_space(&l);
            if (l.p < l.end && *l.p == '[')
                return ndshm__err(NDSHM_EINVAL,
                                  "structured dtypes are not "
                                  "supported (ndshm holds numbers and bools)");
            if (!lit_string(&l, descr, sizeof descr))
                return bad("'descr' is not a string");
            const char *code = descr;
            if (*code != '\0' && strchr("<>|=", *code) != NULL)
                code++;
            if (*code != '\0' && strchr("OUSVaMm", *code) != NULL)
                return ndshm__err(NDSHM_EINVAL,
                                  "dtype '%s' is not "
                                  "supported (ndshm holds numbers and bools, "
                                  "not objects, strings or dates)",
                                  descr);
            int rc = ndshm__dtype_from_descr(descr, &out->dtype, &out->swap);
            if (rc != 0)
                return rc;
            seen_descr = true;
        } else if (strcmp(key, "fortran_order") == 0) {
            if (lit_word(&l, "True"))
                out->fortran = true;
            else if (!lit_word(&l, "False"))
                return bad("'fortran_order' is not True or False");
            seen_order = true;
        } else if (strcmp(key, "shape") == 0) {
            int rc = parse_shape(&l, out);
            if (rc != 0)
                return rc;
            seen_shape = true;
        } else {
            return bad("unexpected key");
        }
        if (!lit_char(&l, ',')) {
            if (!lit_char(&l, '}'))
                return bad("expected ',' or '}'");
            break;
        }
    }
    if (!seen_descr || !seen_order || !seen_shape)
        return bad("missing 'descr', 'fortran_order' or 'shape'");
    lit_space(&l);
    if (l.p != l.end)
        return bad("text after the dict");
    out->data_offset = hlen;
    return 0;
}
