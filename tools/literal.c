/*
 * literal.c -- parsing values typed on the command line into arrays.
 * Two passes: the first checks the syntax, finds the shape (lists must be
 * rectangular) and infers the dtype the way np.array() does -- bools,
 * then int64 (uint64 when a value needs it), float64, complex128; the
 * second writes the elements in that dtype.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "literal.h"

enum scalar_kind { S_BOOL, S_INT, S_UINT, S_FLOAT, S_COMPLEX };

struct scalar {
    enum scalar_kind kind;
    bool b;
    int64_t i;
    uint64_t u; /* S_UINT: above INT64_MAX */
    double re, im;
};

struct parser {
    const char *text, *p;
    char *err;
    size_t errlen;
    bool failed;
};

/* The value as parsed: a scalar or a list of nodes. */
struct node {
    bool is_list;
    size_t n;
    struct node *items;
    struct scalar s;
};

static int fail(struct parser *ps, const char *fmt, ...)
{
    if (ps->failed)
        return -1;
    ps->failed = true;
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (*ps->p == '\0')
        snprintf(ps->err, ps->errlen, "%s at the end", what);
    else
        snprintf(ps->err, ps->errlen, "%s at column %zu ('%c')", what,
                 (size_t)(ps->p - ps->text) + 1, *ps->p);
    return -1;
}

static void skip_space(struct parser *ps)
{
    while (isspace((unsigned char)*ps->p))
        ps->p++;
}

static bool word_at(const char *p, const char *w, bool nocase)
{
    size_t n = strlen(w);
    int c = nocase ? strncasecmp(p, w, n) : strncmp(p, w, n);
    return c == 0 && !isalnum((unsigned char)p[n]) && p[n] != '_';
}

/* A real number or an imaginary one (suffix j); *imag says which. */
static int parse_number(struct parser *ps, struct scalar *s, bool *imag)
{
    const char *start = ps->p;
    const char *p = ps->p;
    bool neg = false;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    *imag = false;
    double special = 0;
    size_t special_len = 0;
    static const struct {
        const char *w;
        double v;
    } words[] = {{"infinity", INFINITY}, {"inf", INFINITY}, {"nan", NAN}};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (strncasecmp(p, words[k].w, strlen(words[k].w)) == 0) {
            special = words[k].v;
            special_len = strlen(words[k].w);
            break;
        }
    if (special_len) {
        p += special_len;
        if (*p == 'j' || *p == 'J') {
            *imag = true;
            p++;
        }
        if (isalnum((unsigned char)*p) || *p == '_')
            return fail(ps, "invalid number");
        s->kind = S_FLOAT;
        s->re = neg ? -special : special;
        ps->p = p;
        return 0;
    }
    /* digits with optional '_' between them, in base 10 or 16/8/2 */
    char digits[512];
    size_t n = 0;
    int base = 10;
    if (p[0] == '0' && strchr("xXoObB", p[1]) && p[1] != '\0') {
        base = strchr("xX", p[1]) ? 16 : strchr("oO", p[1]) ? 8 : 2;
        p += 2;
        if (*p == '_') /* Python allows 0x_ff */
            p++;
    }
    bool is_float = false, seen_digit = false;
    for (; *p; p++) {
        char c = *p;
        if (c == '_' && seen_digit && isalnum((unsigned char)p[1]))
            continue;
        bool ok = base == 16   ? isxdigit((unsigned char)c)
                  : base == 10 ? isdigit((unsigned char)c)
                               : (c >= '0' && c < '0' + base);
        if (ok) {
            seen_digit = true;
        } else if (base == 10 && c == '.' && !is_float) {
            is_float = true;
        } else if (base == 10 && (c == 'e' || c == 'E') && seen_digit &&
                   (isdigit((unsigned char)p[1]) ||
                    ((p[1] == '+' || p[1] == '-') &&
                     isdigit((unsigned char)p[2])))) {
            is_float = true;
            if (n + 2 >= sizeof digits)
                return fail(ps, "number too long");
            digits[n++] = c;
            c = *++p; /* the exponent's sign or first digit */
        } else {
            break;
        }
        if (n + 1 >= sizeof digits)
            return fail(ps, "number too long");
        digits[n++] = c;
    }
    digits[n] = '\0';
    if (!seen_digit) {
        ps->p = start;
        return fail(ps, "expected a value");
    }
    if (*p == 'j' || *p == 'J') {
        *imag = true;
        is_float = true;
        p++;
    }
    if (isalnum((unsigned char)*p) || *p == '_' || *p == '.') {
        ps->p = p;
        return fail(ps, "invalid number");
    }
    ps->p = p;
    if (is_float) {
        if (base != 10)
            return fail(ps, "invalid number");
        s->kind = S_FLOAT;
        s->re = strtod(digits, NULL);
        if (neg)
            s->re = -s->re;
        return 0;
    }
    errno = 0;
    unsigned long long mag = strtoull(digits, NULL, base);
    if (errno == ERANGE)
        return fail(ps, "integer too large (at most 64 bits)");
    if (neg) {
        if (mag > (unsigned long long)INT64_MAX + 1)
            return fail(ps, "integer too small (at least -2**63)");
        s->kind = S_INT;
        s->i = (int64_t)(0 - (uint64_t)mag);
    } else if (mag > INT64_MAX) {
        s->kind = S_UINT;
        s->u = mag;
    } else {
        s->kind = S_INT;
        s->i = (int64_t)mag;
    }
    return 0;
}

static int parse_scalar(struct parser *ps, struct scalar *s)
{
    const char *start = ps->p;
    memset(s, 0, sizeof *s);
    if (word_at(ps->p, "True", false) || word_at(ps->p, "true", false)) {
        ps->p += 4;
        s->kind = S_BOOL;
        s->b = true;
        return 0;
    }
    if (word_at(ps->p, "False", false) || word_at(ps->p, "false", false)) {
        ps->p += 5;
        s->kind = S_BOOL;
        return 0;
    }
    bool imag;
    if (parse_number(ps, s, &imag) != 0)
        return -1;
    if (imag) {
        /* Python's -2j is -(0+2j): its real part is -0.0 */
        bool neg = *start == '-';
        double im = s->kind == S_FLOAT ? s->re : (double)s->i;
        s->kind = S_COMPLEX;
        s->re = neg ? -0.0 : 0.0;
        s->im = im;
        return 0;
    }
    /* real part followed by +/- imaginary part: 1+2j */
    const char *save = ps->p;
    skip_space(ps);
    if ((*ps->p == '+' || *ps->p == '-') && s->kind != S_BOOL) {
        struct scalar t = {0};
        const char *q = ps->p;
        ps->p++;
        skip_space(ps);
        char sign = *q;
        /* re-read with the sign attached */
        char buf[600];
        size_t len = strcspn(ps->p, ",])( \t\n");
        if (len + 2 < sizeof buf && len > 0 &&
            (ps->p[len - 1] == 'j' || ps->p[len - 1] == 'J')) {
            buf[0] = sign;
            memcpy(buf + 1, ps->p, len);
            buf[len + 1] = '\0';
            struct parser sub = *ps;
            sub.text = buf;
            sub.p = buf;
            bool im2;
            if (parse_number(&sub, &t, &im2) == 0 && im2 && *sub.p == '\0') {
                double re = s->kind == S_FLOAT  ? s->re
                            : s->kind == S_UINT ? (double)s->u
                                                : (double)s->i;
                s->kind = S_COMPLEX;
                s->re = re;
                s->im = t.re;
                ps->p += len;
                return 0;
            }
            if (sub.failed) {
                ps->p += len;
                return fail(ps, "invalid complex number");
            }
        }
        return fail(ps, "unexpected '%c'", sign);
    }
    ps->p = save;
    return 0;
}

static void free_node(struct node *n)
{
    if (n->is_list) {
        for (size_t i = 0; i < n->n; i++)
            free_node(&n->items[i]);
        free(n->items);
    }
}

static int parse_node(struct parser *ps, struct node *out, int depth)
{
    memset(out, 0, sizeof *out);
    skip_space(ps);
    char open = *ps->p;
    if (open != '[' && open != '(')
        return parse_scalar(ps, &out->s);
    if (depth >= NDSHM_MAXDIMS)
        return fail(ps, "more than %d dimensions", NDSHM_MAXDIMS);
    char close = open == '[' ? ']' : ')';
    ps->p++;
    size_t cap = 0;
    bool comma = false;
    out->is_list = true;
    for (;;) {
        skip_space(ps);
        if (*ps->p == close)
            break;
        if (out->n > 0) {
            if (*ps->p != ',')
                return fail(ps, "expected ',' or '%c'", close);
            ps->p++;
            comma = true;
            skip_space(ps);
            if (*ps->p == close)
                break;
        }
        if (*ps->p == '\0')
            return fail(ps, "missing '%c'", close);
        if (out->n == cap) {
            cap = cap ? 2 * cap : 8;
            void *p = realloc(out->items, cap * sizeof *out->items);
            if (p == NULL)
                return fail(ps, "out of memory");
            out->items = p;
        }
        int rc = parse_node(ps, &out->items[out->n], depth + 1);
        out->n++; /* counted even on failure, so free_node frees it */
        if (rc != 0)
            return -1;
    }
    ps->p++;
    if (open == '(' && out->n == 1 && !comma) {
        /* (x) without a comma is x in parentheses, as in Python */
        struct node inner = out->items[0];
        free(out->items);
        *out = inner;
    }
    return 0;
}

/* Shape: depth of the first scalar, lengths of the first list per level. */
static void find_shape(const struct node *n, int depth, struct literal *lit,
                       bool *found_leaf, int *deepest)
{
    if (!n->is_list) {
        if (!*found_leaf) {
            *found_leaf = true;
            lit->ndim = depth;
        }
        return;
    }
    if (depth + 1 > *deepest) {
        *deepest = depth + 1;
        lit->shape[depth] = (int64_t)n->n;
    }
    if (n->n > 0)
        find_shape(&n->items[0], depth + 1, lit, found_leaf, deepest);
}

static bool check_shape(const struct node *n, int depth,
                        const struct literal *lit)
{
    if (depth == lit->ndim)
        return !n->is_list;
    if (!n->is_list || (int64_t)n->n != lit->shape[depth])
        return false;
    for (size_t i = 0; i < n->n; i++)
        if (!check_shape(&n->items[i], depth + 1, lit))
            return false;
    return true;
}

struct kinds {
    bool any_int, any_big, any_float, any_complex;
};

static void note_kinds(const struct node *n, struct kinds *k)
{
    if (n->is_list) {
        for (size_t i = 0; i < n->n; i++)
            note_kinds(&n->items[i], k);
        return;
    }
    switch (n->s.kind) {
    case S_BOOL: break;
    case S_INT: k->any_int = true; break;
    case S_UINT: k->any_big = true; break;
    case S_FLOAT: k->any_float = true; break;
    case S_COMPLEX: k->any_complex = true; break;
    }
}

/*
 * np.array's choice.  An integer above int64's range is uint64, any other
 * integer int64, and the two together promote to float64 (NumPy 1.24):
 * [2**63, 1] is float64, [2**63, True] uint64.
 */
static ndshm_dtype infer(const struct kinds *k, bool empty)
{
    if (k->any_complex)
        return NDSHM_COMPLEX128;
    if (k->any_float || empty || (k->any_big && k->any_int))
        return NDSHM_FLOAT64;
    if (k->any_big)
        return NDSHM_UINT64;
    if (k->any_int)
        return NDSHM_INT64;
    return NDSHM_BOOL;
}

static void store(const struct scalar *s, ndshm_dtype t, unsigned char *dst)
{
    switch (t) {
    case NDSHM_BOOL: *dst = s->b; break;
    case NDSHM_INT64: {
        int64_t v = s->kind == S_BOOL ? s->b : s->i;
        memcpy(dst, &v, 8);
        break;
    }
    case NDSHM_UINT64: {
        uint64_t v = s->kind == S_BOOL   ? s->b
                     : s->kind == S_UINT ? s->u
                                         : (uint64_t)s->i;
        memcpy(dst, &v, 8);
        break;
    }
    default: {
        double c[2] = {s->re, s->im};
        if (s->kind == S_BOOL)
            c[0] = s->b;
        else if (s->kind == S_INT)
            c[0] = (double)s->i;
        else if (s->kind == S_UINT)
            c[0] = (double)s->u;
        memcpy(dst, c, t == NDSHM_COMPLEX128 ? 16 : 8);
        break;
    }
    }
}

/* The scalars of the tree in C order. */
static void flatten(const struct node *n, struct scalar **dst)
{
    if (n->is_list) {
        for (size_t i = 0; i < n->n; i++)
            flatten(&n->items[i], dst);
        return;
    }
    *(*dst)++ = n->s;
}

/* The dtype a scalar is held in exactly. */
static ndshm_dtype own_dtype(const struct scalar *s)
{
    switch (s->kind) {
    case S_BOOL: return NDSHM_BOOL;
    case S_INT: return NDSHM_INT64;
    case S_UINT: return NDSHM_UINT64;
    case S_FLOAT: return NDSHM_FLOAT64;
    default: return NDSHM_COMPLEX128;
    }
}

int literal_convert(struct literal *lit, ndshm_dtype dtype, char *err,
                    size_t errlen)
{
    size_t size = ndshm_dtype_size(dtype);
    unsigned char *out = malloc(lit->count ? lit->count * size : 1);
    if (out == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    const struct scalar *sc = lit->scalars;
    for (size_t k = 0; k < lit->count; k++) {
        unsigned char tmp[16];
        ndshm_dtype own = own_dtype(&sc[k]);
        store(&sc[k], own, tmp);
        if (ndshm_convert(dtype, out + k * size, own, tmp, 1) != 0) {
            if (lit->ndim == 0)
                snprintf(err, errlen, "%s", ndshm_errmsg());
            else
                snprintf(err, errlen, "element %zu: %s", k, ndshm_errmsg());
            free(out);
            return -1;
        }
    }
    free(lit->data);
    lit->data = out;
    lit->dtype = dtype;
    return 0;
}

int literal_parse(const char *text, struct literal *out, char *err,
                  size_t errlen)
{
    memset(out, 0, sizeof *out);
    struct parser ps = {text, text, err, errlen, false};
    struct node root;
    int rc = parse_node(&ps, &root, 0);
    if (rc == 0) {
        skip_space(&ps);
        if (*ps.p != '\0')
            rc = fail(&ps, "unexpected text after the value");
    }
    if (rc == 0) {
        bool leaf = false;
        int deepest = 0;
        find_shape(&root, 0, out, &leaf, &deepest);
        if (!leaf)
            out->ndim = deepest;
        if (!check_shape(&root, 0, out)) {
            snprintf(err, errlen,
                     "inhomogeneous shape: the lists are not "
                     "all of the same length and depth");
            rc = -1;
        }
    }
    if (rc == 0) {
        struct kinds k = {false, false, false, false};
        note_kinds(&root, &k);
        size_t count = 1;
        for (int i = 0; i < out->ndim; i++)
            count *= (size_t)out->shape[i];
        out->dtype = infer(&k, count == 0);
        out->count = count;
        size_t size = ndshm_dtype_size(out->dtype);
        out->data = malloc(count ? count * size : 1);
        out->scalars = malloc(count ? count * sizeof(struct scalar) : 1);
        if (out->data == NULL || out->scalars == NULL) {
            snprintf(err, errlen, "out of memory");
            literal_free(out);
            rc = -1;
        } else {
            struct scalar *sc = out->scalars;
            flatten(&root, &sc);
            sc = out->scalars;
            for (size_t i = 0; i < count; i++)
                store(&sc[i], out->dtype,
                      (unsigned char *)out->data + i * size);
        }
    }
    free_node(&root);
    return rc;
}

void literal_free(struct literal *lit)
{
    free(lit->data);
    free(lit->scalars);
    lit->data = lit->scalars = NULL;
}

char *shape_text(int ndim, const int64_t *shape, char *buf, size_t cap)
{
    size_t n = 0;
    n += (size_t)snprintf(buf + n, cap - n, "(");
    for (int i = 0; i < ndim && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, i ? ", %lld" : "%lld",
                              (long long)shape[i]);
    if (n < cap)
        snprintf(buf + n, cap - n, ndim == 1 ? ",)" : ")");
    return buf;
}

/* NumPy's broadcast messages write shapes without blanks: "(2,3)". */
static char *compact_shape(int ndim, const int64_t *shape, char *buf,
                           size_t cap)
{
    size_t n = 0;
    buf[n++] = '(';
    for (int i = 0; i < ndim && n + 24 < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, i ? ",%lld" : "%lld",
                              (long long)shape[i]);
    snprintf(buf + n, cap - n, ndim == 1 ? ",)" : ")");
    return buf;
}

int literal_broadcast(const struct literal *lit, size_t itemsize, int ndim,
                      const int64_t *target, int64_t *strides, char *err,
                      size_t errlen)
{
    /* C-contiguous strides of the value itself */
    int64_t own[NDSHM_MAXDIMS];
    int64_t s = (int64_t)itemsize;
    for (int i = lit->ndim - 1; i >= 0; i--) {
        own[i] = s;
        s *= lit->shape[i] ? lit->shape[i] : 1;
    }
    /* NumPy drops leading length-1 dimensions of an assigned value */
    int skip = 0;
    while (lit->ndim - skip > ndim && lit->shape[skip] == 1)
        skip++;
    int vnd = lit->ndim - skip;
    bool ok = vnd <= ndim;
    for (int i = 0; ok && i < ndim; i++) {
        int v = i - (ndim - vnd); /* the value's aligned dimension */
        if (v < 0) {
            strides[i] = 0;
        } else if (lit->shape[skip + v] == target[i]) {
            strides[i] = own[skip + v];
        } else if (lit->shape[skip + v] == 1) {
            strides[i] = 0;
        } else {
            ok = false;
        }
    }
    if (!ok) {
        char a[700], b[700];
        snprintf(err, errlen,
                 "could not broadcast input array from shape "
                 "%s into shape %s",
                 compact_shape(lit->ndim, lit->shape, a, sizeof a),
                 compact_shape(ndim, target, b, sizeof b));
        return -1;
    }
    return 0;
}
