/*
 * format.c -- NumPy's array2string (numpy/core/arrayprint.py, 1.24) for
 * the dtypes ndshm holds, and JSON output.  The structure follows NumPy's
 * so that a reader can check one against the other: a formatter is set up
 * from the elements that will be shown (FloatingFormat.fillFormat), then
 * _formatArray lays them out, wrapping lines at 75 columns and summarising
 * arrays of more than 1000 elements with '...'.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "floatfmt.h"
#include "format.h"

#define THRESHOLD  1000
#define EDGE_ITEMS 3
#define LINE_WIDTH 75
#define PRECISION  8

/* ---- growable strings ----------------------------------------------------*/

struct sbuf {
    char *s;
    size_t len, cap;
    bool failed;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (p == NULL) {
            b->failed = true;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static void sb_spaces(struct sbuf *b, int n)
{
    for (int i = 0; i < n; i++)
        sb_add(b, " ", 1);
}

/* ---- elements ----------------------------------------------------------- */

static char kind_of(ndshm_dtype t)
{
    switch (t) {
    case NDSHM_BOOL: return 'b';
    case NDSHM_UINT8:
    case NDSHM_UINT16:
    case NDSHM_UINT32:
    case NDSHM_UINT64: return 'u';
    case NDSHM_FLOAT16:
    case NDSHM_FLOAT32:
    case NDSHM_FLOAT64: return 'f';
    case NDSHM_COMPLEX64:
    case NDSHM_COMPLEX128: return 'c';
    default: return 'i';
    }
}

static int bits_of(ndshm_dtype t)
{
    switch (t) {
    case NDSHM_FLOAT16: return 16;
    case NDSHM_FLOAT32:
    case NDSHM_COMPLEX64: return 32;
    default: return 64;
    }
}

struct elem {
    int64_t i;
    uint64_t u;
    double re, im;
};

static struct elem load(ndshm_dtype t, const void *p)
{
    struct elem e = {0, 0, 0, 0};
    switch (kind_of(t)) {
    case 'b':
    case 'i': ndshm_convert(NDSHM_INT64, &e.i, t, p, 1); break;
    case 'u': ndshm_convert(NDSHM_UINT64, &e.u, t, p, 1); break;
    case 'f': ndshm_convert(NDSHM_FLOAT64, &e.re, t, p, 1); break;
    default: {
        double c[2];
        ndshm_convert(NDSHM_COMPLEX128, c, t, p, 1);
        e.re = c[0];
        e.im = c[1];
        break;
    }
    }
    return e;
}

/* ---- FloatingFormat ----------------------------------------------------- */

struct floatfmt {
    int bits;
    bool plus; /* sign='+' (the imaginary part) */
    bool exp_format;
    int precision, min_digits, pad_left, pad_right, exp_size;
    enum ff_trim trim;
};

/* max/min computed in the dtype's own precision, as NumPy's scalars do. */
static double ratio_in(double max, double min, int bits)
{
    if (bits == 64)
        return max / min;
    double r = (double)((float)max / (float)min);
    return bits == 16 ? ff_round_to(r, 16) : r;
}

static void split_at(const char *s, char c, size_t *before, size_t *after)
{
    const char *p = strchr(s, c);
    *before = p ? (size_t)(p - s) : strlen(s);
    *after = p ? strlen(p + 1) : 0;
}

static void floatfmt_setup(struct floatfmt *f, const double *v, size_t n,
                           int bits, bool plus)
{
    memset(f, 0, sizeof *f);
    f->bits = bits;
    f->plus = plus;
    f->precision = PRECISION;
    double max = 0, min = INFINITY;
    size_t nfinite = 0;
    bool any_nonfinite = false, neg_inf = false;
    for (size_t k = 0; k < n; k++) {
        if (!isfinite(v[k])) {
            any_nonfinite = true;
            neg_inf |= isinf(v[k]) && v[k] < 0;
            continue;
        }
        nfinite++;
        double a = fabs(v[k]);
        if (a != 0) {
            max = a > max ? a : max;
            min = a < min ? a : min;
        }
    }
    if (max != 0 &&
        (max >= 1e8 || min < 0.0001 || ratio_in(max, min, bits) > 1000.))
        f->exp_format = true;

    char buf[128];
    if (nfinite == 0) {
        f->pad_left = f->pad_right = 0;
        f->trim = FF_TRIM_POINT;
        f->exp_size = -1;
        f->min_digits = -1;
    } else {
        struct ff_opts o = ff_defaults(f->exp_format);
        o.precision = PRECISION;
        o.trim = FF_TRIM_POINT;
        o.sign = plus;
        size_t int_max = 0, frac_max = 0, exp_max = 0;
        for (size_t k = 0; k < n; k++) {
            if (!isfinite(v[k]))
                continue;
            ff_format(v[k], bits, &o, buf, sizeof buf);
            size_t mant = strlen(buf), e_after = 0;
            if (f->exp_format)
                split_at(buf, 'e', &mant, &e_after);
            buf[mant] = '\0';
            size_t ip, fp;
            split_at(buf, '.', &ip, &fp);
            int_max = ip > int_max ? ip : int_max;
            frac_max = fp > frac_max ? fp : frac_max;
            exp_max = e_after > exp_max ? e_after : exp_max;
        }
        f->pad_left = (int)int_max;
        if (f->exp_format) {
            f->exp_size = (int)exp_max - 1; /* digits, without the sign */
            f->trim = FF_TRIM_KEEP;
            f->precision = f->min_digits = (int)frac_max;
            f->pad_right = f->exp_size + 2 + f->precision;
        } else {
            f->pad_right = (int)frac_max;
            f->exp_size = -1;
            f->trim = FF_TRIM_POINT;
            f->min_digits = 0;
        }
    }
    if (any_nonfinite) {
        int neginf = plus || neg_inf;
        int offset = f->pad_right + 1; /* +1 for the decimal point */
        int need_nan = 3 - offset, need_inf = 3 + neginf - offset;
        if (need_nan > f->pad_left)
            f->pad_left = need_nan;
        if (need_inf > f->pad_left)
            f->pad_left = need_inf;
    }
}

static void floatfmt_call(const struct floatfmt *f, double x, struct sbuf *b)
{
    char buf[256];
    if (!isfinite(x)) {
        const char *sign = isnan(x)  ? (f->plus ? "+" : "")
                           : x < 0   ? "-"
                           : f->plus ? "+"
                                     : "";
        snprintf(buf, sizeof buf, "%s%s", sign, isnan(x) ? "nan" : "inf");
        sb_spaces(b, f->pad_left + f->pad_right + 1 - (int)strlen(buf));
        sb_str(b, buf);
        return;
    }
    struct ff_opts o = ff_defaults(f->exp_format);
    o.precision = f->precision;
    o.min_digits = f->min_digits;
    o.trim = f->trim;
    o.sign = f->plus;
    o.pad_left = f->pad_left;
    if (f->exp_format)
        o.exp_digits = f->exp_size;
    else
        o.pad_right = f->pad_right;
    ff_format(x, f->bits, &o, buf, sizeof buf);
    sb_str(b, buf);
}

/* ---- the formatter of one array ----------------------------------------- */

struct printer {
    const struct fmt_array *a;
    char kind;
    bool summary;
    int int_width;
    struct floatfmt re, im;
};

static bool summarised(const struct printer *p, int axis)
{
    return p->summary && 2 * EDGE_ITEMS < p->a->shape[axis];
}

/* Visit the elements that will be shown, in order (_leading_trailing). */
static void visit(const struct printer *p, const unsigned char *ptr, int axis,
                  void (*fn)(const struct printer *, const void *, void *),
                  void *ctx)
{
    const struct fmt_array *a = p->a;
    if (axis == a->ndim) {
        fn(p, ptr, ctx);
        return;
    }
    int64_t len = a->shape[axis], stride = a->strides[axis];
    bool summ = summarised(p, axis);
    for (int64_t i = 0; i < len; i++) {
        if (summ && i == EDGE_ITEMS)
            i = len - EDGE_ITEMS;
        visit(p, ptr + i * stride, axis + 1, fn, ctx);
    }
}

struct collect {
    double *re, *im;
    size_t n;
    int64_t imax, imin;
    uint64_t umax;
};

static void collect_one(const struct printer *p, const void *ptr, void *ctx)
{
    struct collect *c = ctx;
    struct elem e = load(p->a->dtype, ptr);
    if (c->n == 0) {
        c->imax = c->imin = e.i;
        c->umax = e.u;
    }
    c->imax = e.i > c->imax ? e.i : c->imax;
    c->imin = e.i < c->imin ? e.i : c->imin;
    c->umax = e.u > c->umax ? e.u : c->umax;
    if (c->re)
        c->re[c->n] = e.re;
    if (c->im)
        c->im[c->n] = e.im;
    c->n++;
}

static int digits_i64(int64_t v)
{
    char buf[32];
    return snprintf(buf, sizeof buf, "%" PRId64, v);
}

static int digits_u64(uint64_t v)
{
    char buf[32];
    return snprintf(buf, sizeof buf, "%" PRIu64, v);
}

/* _get_format_function: set the printer up from the shown elements. */
static int printer_setup(struct printer *p, int64_t shown)
{
    struct collect c = {NULL, NULL, 0, 0, 0, 0};
    if (p->kind == 'f' || p->kind == 'c') {
        c.re = malloc((size_t)shown * sizeof *c.re);
        c.im = malloc((size_t)shown * sizeof *c.im);
        if (c.re == NULL || c.im == NULL) {
            free(c.re);
            free(c.im);
            return -1;
        }
    }
    visit(p, p->a->data, 0, collect_one, &c);
    int bits = bits_of(p->a->dtype);
    if (p->kind == 'i') {
        int a = digits_i64(c.imax), b = digits_i64(c.imin);
        p->int_width = a > b ? a : b;
    } else if (p->kind == 'u') {
        p->int_width = digits_u64(c.umax);
    } else if (p->kind == 'f') {
        floatfmt_setup(&p->re, c.re, c.n, bits, false);
    } else if (p->kind == 'c') {
        floatfmt_setup(&p->re, c.re, c.n, bits, false);
        floatfmt_setup(&p->im, c.im, c.n, bits, true);
    }
    free(c.re);
    free(c.im);
    return 0;
}

static void format_elem(const struct printer *p, const void *ptr,
                        struct sbuf *b)
{
    struct elem e = load(p->a->dtype, ptr);
    char buf[64];
    switch (p->kind) {
    case 'b': sb_str(b, e.i ? " True" : "False"); break;
    case 'i':
        snprintf(buf, sizeof buf, "%*" PRId64, p->int_width, e.i);
        sb_str(b, buf);
        break;
    case 'u':
        snprintf(buf, sizeof buf, "%*" PRIu64, p->int_width, e.u);
        sb_str(b, buf);
        break;
    case 'f': floatfmt_call(&p->re, e.re, b); break;
    default: {
        floatfmt_call(&p->re, e.re, b);
        struct sbuf im = {0};
        floatfmt_call(&p->im, e.im, &im);
        if (im.failed) {
            b->failed = true;
            break;
        }
        /* the 'j' goes before the padding of the imaginary part */
        size_t sp = im.len;
        while (sp > 0 && im.s[sp - 1] == ' ')
            sp--;
        sb_add(b, im.s, sp);
        sb_str(b, "j");
        sb_add(b, im.s + sp, im.len - sp);
        free(im.s);
        break;
    }
    }
}

/* _extendLine: wrap before word if the line would pass width. */
static void extend_line(struct sbuf *s, struct sbuf *line, const char *word,
                        size_t wlen, int width, int hang)
{
    bool wrap = (int)(line->len + wlen) > width;
    if ((int)line->len <= hang)
        wrap = false; /* wrapping would not help */
    if (wrap) {
        size_t n = line->len;
        while (n > 0 && line->s[n - 1] == ' ')
            n--;
        sb_add(s, line->s, n);
        sb_str(s, "\n");
        line->len = 0;
        sb_spaces(line, hang);
        if (line->s == NULL)
            sb_str(line, "");
    }
    sb_add(line, word, wlen);
}

/* _formatArray's recurser; appends the text of the sub-array to out. */
static void recurse(const struct printer *p, const unsigned char *ptr,
                    int axis, int hang, int width, struct sbuf *out)
{
    const struct fmt_array *a = p->a;
    if (axis == a->ndim) {
        format_elem(p, ptr, out);
        return;
    }
    int64_t len = a->shape[axis], stride = a->strides[axis];
    bool summ = summarised(p, axis);
    int64_t leading = summ ? EDGE_ITEMS : 0,
            trailing = summ ? EDGE_ITEMS : len;
    struct sbuf s = {0};
    sb_str(&s, "");
    if (a->ndim - axis == 1) {
        int elem_width = width - 1; /* room for ']' */
        struct sbuf line = {0}, word = {0};
        sb_spaces(&line, hang);
        sb_str(&line, "");
#define WORD(i)                                                               \
    do {                                                                      \
        word.len = 0;                                                         \
        recurse(p, ptr + (i)*stride, axis + 1, hang + 1, width - 1, &word);   \
        extend_line(&s, &line, word.s ? word.s : "", word.len, elem_width,    \
                    hang);                                                    \
    } while (0)
        for (int64_t i = 0; i < leading; i++) {
            WORD(i);
            sb_str(&line, " ");
        }
        if (summ) {
            extend_line(&s, &line, "...", 3, elem_width, hang);
            sb_str(&line, " ");
        }
        for (int64_t i = trailing; i > 1; i--) {
            WORD(len - i);
            sb_str(&line, " ");
        }
        WORD(len - 1);
#undef WORD
        sb_add(&s, line.s, line.len);
        s.failed |= line.failed || word.failed;
        free(line.s);
        free(word.s);
    } else {
        int newlines = a->ndim - axis - 1;
        for (int64_t i = 0; i < len; i++) {
            if (summ && i == leading) {
                sb_spaces(&s, hang);
                sb_str(&s, "...");
                for (int k = 0; k < newlines; k++)
                    sb_str(&s, "\n");
                i = len - trailing;
            }
            sb_spaces(&s, hang);
            recurse(p, ptr + i * stride, axis + 1, hang + 1, width - 1, &s);
            if (i < len - 1)
                for (int k = 0; k < newlines; k++)
                    sb_str(&s, "\n");
        }
    }
    sb_str(out, "[");
    if (s.len >= (size_t)hang)
        sb_add(out, s.s + hang, s.len - (size_t)hang);
    sb_str(out, "]");
    out->failed |= s.failed;
    free(s.s);
}

/* ---- scalars (0-d arrays print as NumPy scalars do) --------------------- */

/* NumPy's scalar str of a float: positional or scientific by magnitude. */
static void scalar_float(double v, int bits, bool sign, struct sbuf *b)
{
    char buf[128];
    if (!isfinite(v)) {
        snprintf(buf, sizeof buf, "%s%s",
                 isnan(v) ? (sign ? "+" : "")
                 : v < 0  ? "-"
                 : sign   ? "+"
                          : "",
                 isnan(v) ? "nan" : "inf");
    } else {
        double a = fabs(v);
        bool positional = a == 0 || (a >= 1e-4 && a < 1e16);
        struct ff_opts o = ff_defaults(!positional);
        o.trim = FF_TRIM_DPT_ZEROS;
        o.sign = sign;
        ff_format(v, bits, &o, buf, sizeof buf);
    }
    sb_str(b, buf);
}

static void format_scalar(const struct fmt_array *a, struct sbuf *b)
{
    struct elem e = load(a->dtype, a->data);
    char buf[128];
    int bits = bits_of(a->dtype);
    switch (kind_of(a->dtype)) {
    case 'b': sb_str(b, e.i ? "True" : "False"); break;
    case 'i':
        snprintf(buf, sizeof buf, "%" PRId64, e.i);
        sb_str(b, buf);
        break;
    case 'u':
        snprintf(buf, sizeof buf, "%" PRIu64, e.u);
        sb_str(b, buf);
        break;
    case 'f':
        ff_repr(e.re, bits, buf, sizeof buf);
        sb_str(b, buf);
        break;
    default:
        if (e.re == 0 && !signbit(e.re)) {
            scalar_float(e.im, bits, false, b);
            sb_str(b, "j");
            break;
        }
        sb_str(b, "(");
        scalar_float(e.re, bits, false, b);
        scalar_float(e.im, bits, true, b);
        sb_str(b, "j)");
        break;
    }
}

char *fmt_numpy_str(const struct fmt_array *a)
{
    struct sbuf b = {0};
    sb_str(&b, "");
    int64_t size = 1;
    for (int i = 0; i < a->ndim; i++)
        size *= a->shape[i];
    if (a->ndim == 0) {
        format_scalar(a, &b);
    } else if (size == 0) {
        sb_str(&b, "[]");
    } else {
        struct printer p = {a,  kind_of(a->dtype), size > THRESHOLD, 0, {0},
                            {0}};
        int64_t shown = 1;
        for (int i = 0; i < a->ndim; i++)
            shown *= summarised(&p, i) ? 2 * EDGE_ITEMS : a->shape[i];
        if (printer_setup(&p, shown) != 0)
            b.failed = true;
        else
            recurse(&p, a->data, 0, 1, LINE_WIDTH, &b);
    }
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

/* ---- JSON --------------------------------------------------------------- */

static void json_float(FILE *out, double v, int bits)
{
    if (isnan(v)) {
        fputs("NaN", out);
    } else if (isinf(v)) {
        fputs(v < 0 ? "-Infinity" : "Infinity", out);
    } else {
        char buf[128];
        ff_repr(v, bits, buf, sizeof buf);
        fputs(buf, out);
    }
}

static void json_elem(FILE *out, const struct fmt_array *a, const void *ptr)
{
    struct elem e = load(a->dtype, ptr);
    int bits = bits_of(a->dtype);
    switch (kind_of(a->dtype)) {
    case 'b': fputs(e.i ? "true" : "false", out); break;
    case 'i': fprintf(out, "%" PRId64, e.i); break;
    case 'u': fprintf(out, "%" PRIu64, e.u); break;
    case 'f': json_float(out, e.re, bits); break;
    default:
        fputc('[', out);
        json_float(out, e.re, bits);
        fputs(", ", out);
        json_float(out, e.im, bits);
        fputc(']', out);
        break;
    }
}

static void json_rec(FILE *out, const struct fmt_array *a,
                     const unsigned char *ptr, int axis)
{
    if (axis == a->ndim) {
        json_elem(out, a, ptr);
        return;
    }
    fputc('[', out);
    for (int64_t i = 0; i < a->shape[axis]; i++) {
        if (i > 0)
            fputs(", ", out);
        json_rec(out, a, ptr + i * a->strides[axis], axis + 1);
    }
    fputc(']', out);
}

int fmt_json(FILE *out, const struct fmt_array *a)
{
    json_rec(out, a, a->data, 0);
    return ferror(out) ? -1 : 0;
}
