/*
 * index.c -- names, the expression grammar, and NumPy basic indexing.
 *
 *   expr  := NAME ( '[' items ']' | '.T' )*
 *   items := item ( ',' item )* [ ',' ]
 *   item  := INT | [INT] ':' [INT] [ ':' [INT] ] | '...' | None | newaxis
 *
 * Application follows NumPy's get_view_from_index exactly, including its
 * quirk that an empty slice keeps the data pointer and the old stride.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "index.h"
#include "strided.h"

static bool is_ident_start(int c)
{
    return isalpha(c) || c == '_';
}

static bool is_ident(int c)
{
    return isalnum(c) || c == '_';
}

static bool is_ascii(int c)
{
    return c > 0 && c < 128;
}

int ndshm__name_check(const char *name)
{
    /* NULL is the caller's mistake, not an empty name: say which */
    if (name == NULL)
        return ndshm__err(NDSHM_EINVAL, "NULL name");
    if (*name == '\0')
        return ndshm__err(NDSHM_EINVAL, "empty name");
    size_t len = strlen(name);
    if (len > NDSHM_NAME_MAX)
        return ndshm__err(NDSHM_EINVAL,
                          "name is %zu bytes long; the limit "
                          "is %d",
                          len, NDSHM_NAME_MAX);
    bool at_start = true;
    for (const char *p = name; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (at_start) {
            if (!is_ascii(c) || !is_ident_start(c))
                return ndshm__err(NDSHM_EINVAL,
                                  "invalid name '%s': each '/'-separated part "
                                  "must start with a letter or '_'",
                                  name);
            at_start = false;
        } else if (c == '/') {
            at_start = true;
        } else if (!is_ascii(c) || !is_ident(c)) {
            return ndshm__err(NDSHM_EINVAL,
                              "invalid name '%s': only letters, digits, '_' "
                              "and '/' are allowed",
                              name);
        }
    }
    if (at_start)
        return ndshm__err(NDSHM_EINVAL, "invalid name '%s': it ends with '/'",
                          name);
    return 0;
}

/* ---- parsing ------------------------------------------------------------ */

struct parser {
    const char *text; /* the whole expression, for messages */
    const char *p;
    struct ndshm_expr *e;
    int cap_ops, cap_items, nitems;
};

static void skip_space(struct parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t')
        ps->p++;
}

static int syntax(struct parser *ps, const char *what)
{
    size_t col = (size_t)(ps->p - ps->text) + 1;
    if (*ps->p == '\0')
        return ndshm__err(NDSHM_EINVAL,
                          "invalid expression '%s': %s at the "
                          "end",
                          ps->text, what);
    return ndshm__err(NDSHM_EINVAL,
                      "invalid expression '%s': %s at column "
                      "%zu ('%c')",
                      ps->text, what, col, *ps->p);
}

static bool take_word(struct parser *ps, const char *word)
{
    size_t n = strlen(word);
    if (strncmp(ps->p, word, n) == 0 && !is_ident((unsigned char)ps->p[n])) {
        ps->p += n;
        return true;
    }
    return false;
}

/* An optionally signed integer; saturates to int64 as Python's slice does. */
static bool take_int(struct parser *ps, int64_t *out)
{
    const char *p = ps->p;
    bool neg = false;
    if (*p == '+' || *p == '-') {
        neg = *p == '-';
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
    }
    if (!isdigit((unsigned char)*p))
        return false;
    uint64_t mag = 0;
    bool big = false;
    for (; isdigit((unsigned char)*p) ||
           (*p == '_' && isdigit((unsigned char)p[1]));
         p++) {
        if (*p == '_')
            continue;
        unsigned d = (unsigned)(*p - '0');
        if (mag > (UINT64_MAX - d) / 10)
            big = true;
        else
            mag = mag * 10 + d;
    }
    if (big || mag > (uint64_t)INT64_MAX + neg)
        *out = neg ? INT64_MIN : INT64_MAX;
    else
        *out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
    ps->p = p;
    return true;
}

static struct ndshm_item *new_item(struct parser *ps)
{
    if (ps->nitems == ps->cap_items) {
        int cap = ps->cap_items ? ps->cap_items * 2 : 8;
        void *n = realloc(ps->e->items, (size_t)cap * sizeof *ps->e->items);
        if (n == NULL)
            return NULL;
        ps->e->items = n;
        ps->cap_items = cap;
    }
    struct ndshm_item *it = &ps->e->items[ps->nitems++];
    memset(it, 0, sizeof *it);
    return it;
}

static struct ndshm_op *new_op(struct parser *ps)
{
    if (ps->e->nops == ps->cap_ops) {
        int cap = ps->cap_ops ? ps->cap_ops * 2 : 4;
        void *n = realloc(ps->e->ops, (size_t)cap * sizeof *ps->e->ops);
        if (n == NULL)
            return NULL;
        ps->e->ops = n;
        ps->cap_ops = cap;
    }
    struct ndshm_op *op = &ps->e->ops[ps->e->nops++];
    memset(op, 0, sizeof *op);
    return op;
}

static int not_basic(struct parser *ps, const char *what)
{
    return ndshm__err(NDSHM_EINVAL,
                      "invalid expression '%s': %s; only "
                      "integers, slices (':'), ellipsis ('...') and None "
                      "are valid indices",
                      ps->text, what);
}

static int parse_item(struct parser *ps)
{
    skip_space(ps);
    struct ndshm_item *it = new_item(ps);
    if (it == NULL)
        return ndshm__err(NDSHM_ENOMEM, "out of memory parsing '%s'",
                          ps->text);
    if (strncmp(ps->p, "...", 3) == 0) {
        ps->p += 3;
        it->kind = NDSHM_ITEM_ELLIPSIS;
        return 0;
    }
    if (take_word(ps, "None") || take_word(ps, "newaxis") ||
        take_word(ps, "np.newaxis") || take_word(ps, "numpy.newaxis")) {
        it->kind = NDSHM_ITEM_NEWAXIS;
        return 0;
    }
    if (*ps->p == '[' || *ps->p == '(')
        return not_basic(ps, "advanced indexing with a list or array makes "
                             "a copy");
    if (take_word(ps, "True") || take_word(ps, "False"))
        return not_basic(ps, "boolean indexing makes a copy");

    int64_t v;
    bool have = take_int(ps, &v);
    skip_space(ps);
    if (have && *ps->p == '.')
        return not_basic(ps, "a float is not an index");
    if (*ps->p != ':') {
        if (!have)
            return syntax(ps, "expected an index");
        it->kind = NDSHM_ITEM_INT;
        it->value = v;
        return 0;
    }
    it->kind = NDSHM_ITEM_SLICE;
    it->has_start = have;
    it->start = v;
    ps->p++; /* ':' */
    skip_space(ps);
    it->has_stop = take_int(ps, &it->stop);
    skip_space(ps);
    if (*ps->p == ':') {
        ps->p++;
        skip_space(ps);
        it->has_step = take_int(ps, &it->step);
        if (it->has_step && it->step == 0)
            return ndshm__err(NDSHM_EINVAL,
                              "invalid expression '%s': slice "
                              "step cannot be zero",
                              ps->text);
    }
    skip_space(ps);
    if (*ps->p == '.')
        return not_basic(ps, "a float is not an index");
    return 0;
}

static int parse_brackets(struct parser *ps)
{
    int first = ps->nitems;
    ps->p++; /* '[' */
    skip_space(ps);
    if (*ps->p == ']')
        return syntax(ps, "empty index");
    for (;;) {
        int rc = parse_item(ps);
        if (rc != 0)
            return rc;
        skip_space(ps);
        if (*ps->p == ']')
            break;
        if (*ps->p != ',')
            return syntax(ps, "expected ',' or ']'");
        ps->p++;
        skip_space(ps);
        if (*ps->p == ']')
            break; /* trailing comma: arr[1,] */
    }
    ps->p++; /* ']' */
    struct ndshm_op *op = new_op(ps);
    if (op == NULL)
        return ndshm__err(NDSHM_ENOMEM, "out of memory parsing '%s'",
                          ps->text);
    op->kind = NDSHM_OP_INDEX;
    /* items may move while parsing: store the index, fix pointers later */
    op->nitems = ps->nitems - first;
    op->items = (struct ndshm_item *)(intptr_t)first;
    return 0;
}

void ndshm__expr_free(struct ndshm_expr *e)
{
    if (e == NULL)
        return;
    free(e->ops);
    free(e->items);
    memset(e, 0, sizeof *e);
}

int ndshm__expr_parse(const char *text, struct ndshm_expr *out)
{
    memset(out, 0, sizeof *out);
    if (text == NULL)
        return ndshm__err(NDSHM_EINVAL, "NULL expression");
    struct parser ps = {.text = text, .p = text, .e = out};
    skip_space(&ps);
    const char *name = ps.p;
    while (is_ident((unsigned char)*ps.p) || *ps.p == '/')
        ps.p++;
    size_t len = (size_t)(ps.p - name);
    if (len == 0)
        return syntax(&ps, "expected a name");
    if (len > NDSHM_NAME_MAX)
        return ndshm__err(NDSHM_EINVAL,
                          "invalid expression: the name is "
                          "longer than %d bytes",
                          NDSHM_NAME_MAX);
    memcpy(out->name, name, len);
    out->name[len] = '\0';
    int rc = ndshm__name_check(out->name);
    while (rc == 0) {
        skip_space(&ps);
        if (*ps.p == '\0')
            break;
        if (*ps.p == '[') {
            rc = parse_brackets(&ps);
        } else if (ps.p[0] == '.' && ps.p[1] == 'T' &&
                   !is_ident((unsigned char)ps.p[2])) {
            ps.p += 2;
            struct ndshm_op *op = new_op(&ps);
            if (op == NULL)
                rc = ndshm__err(NDSHM_ENOMEM, "out of memory");
            else
                op->kind = NDSHM_OP_TRANSPOSE;
        } else {
            rc = syntax(&ps, "expected '[' or '.T'");
        }
    }
    if (rc != 0) {
        ndshm__expr_free(out);
        return rc;
    }
    for (int i = 0; i < out->nops; i++)
        if (out->ops[i].kind == NDSHM_OP_INDEX)
            out->ops[i].items = out->items + (intptr_t)out->ops[i].items;
    return 0;
}

/* ---- application -------------------------------------------------------- */

bool ndshm__shape_size(int ndim, const int64_t *shape, int64_t *size)
{
    int64_t n = 1;
    bool overflow = false;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0)
            return false;
        if (__builtin_mul_overflow(n, shape[i], &n))
            overflow = true;
    }
    /* A zero dimension makes the product 0 whatever overflowed before. */
    for (int i = 0; i < ndim; i++)
        if (shape[i] == 0) {
            *size = 0;
            return true;
        }
    if (overflow)
        return false;
    *size = n;
    return true;
}

void ndshm__window_contiguous(struct ndshm_window *w, int ndim,
                              const int64_t *shape, size_t itemsize,
                              int64_t offset)
{
    w->ndim = ndim;
    w->offset = offset;
    if (ndim > 0)
        memcpy(w->shape, shape, (size_t)ndim * sizeof *shape);
    ndshm__contiguous_strides(ndim, shape, itemsize, w->strides);
}

bool ndshm__window_extent(const struct ndshm_window *w, size_t itemsize,
                          int64_t *lo, int64_t *hi)
{
    int64_t low = w->offset, high = w->offset;
    for (int i = 0; i < w->ndim; i++)
        if (w->shape[i] == 0) {
            *lo = *hi = w->offset;
            return true;
        }
    for (int i = 0; i < w->ndim; i++) {
        int64_t span;
        if (__builtin_mul_overflow(w->shape[i] - 1, w->strides[i], &span))
            return false;
        if (span < 0 ? __builtin_add_overflow(low, span, &low)
                     : __builtin_add_overflow(high, span, &high))
            return false;
    }
    if (__builtin_add_overflow(high, (int64_t)itemsize, &high))
        return false;
    *lo = low;
    *hi = high;
    return true;
}

/* Python's PySlice_Unpack + PySlice_AdjustIndices, on int64. */
static int64_t clamp_index(int64_t i, int64_t n, int64_t step)
{
    if (i < 0) {
        i += n;
        if (i < 0)
            i = step < 0 ? -1 : 0;
    } else if (i >= n) {
        i = step < 0 ? n - 1 : n;
    }
    return i;
}

static int64_t slice_adjust(int64_t n, const struct ndshm_item *it,
                            int64_t *start_out, int64_t *step_out)
{
    int64_t step = it->has_step ? it->step : 1;
    if (step < -INT64_MAX)
        step = -INT64_MAX;
    int64_t start = it->has_start ? it->start : step < 0 ? INT64_MAX : 0;
    int64_t stop = it->has_stop ? it->stop : step < 0 ? INT64_MIN : INT64_MAX;
    start = clamp_index(start, n, step);
    stop = clamp_index(stop, n, step);
    int64_t len = 0;
    if (step > 0 && start < stop)
        len = (stop - start - 1) / step + 1;
    else if (step < 0 && stop < start)
        len = (start - stop - 1) / (-step) + 1;
    *start_out = start;
    *step_out = step;
    return len;
}

static int apply_items(struct ndshm_window *w, const struct ndshm_op *op)
{
    int consumers = 0, ellipses = 0;
    for (int i = 0; i < op->nitems; i++) {
        enum ndshm_item_kind k = op->items[i].kind;
        consumers += k == NDSHM_ITEM_INT || k == NDSHM_ITEM_SLICE;
        ellipses += k == NDSHM_ITEM_ELLIPSIS;
    }
    if (ellipses > 1)
        return ndshm__err(NDSHM_EINVAL, "an index can only have a single "
                                        "ellipsis ('...')");
    if (consumers > w->ndim)
        return ndshm__err(NDSHM_EINDEX,
                          "too many indices for array: array "
                          "is %d-dimensional, but %d were indexed",
                          w->ndim, consumers);

    struct ndshm_window r = {.ndim = 0, .offset = w->offset};
    int in = 0, out_ndim = 0;
    for (int i = 0; i < op->nitems; i++)
        out_ndim += op->items[i].kind == NDSHM_ITEM_SLICE ||
                    op->items[i].kind == NDSHM_ITEM_NEWAXIS;
    out_ndim += w->ndim - consumers;
    if (out_ndim > NDSHM_MAXDIMS)
        return ndshm__err(NDSHM_EINDEX,
                          "number of dimensions must be within "
                          "[0, %d], indexing result would have %d",
                          NDSHM_MAXDIMS, out_ndim);

    for (int i = 0; i < op->nitems; i++) {
        const struct ndshm_item *it = &op->items[i];
        switch (it->kind) {
        case NDSHM_ITEM_INT: {
            int64_t n = w->shape[in], v = it->value;
            int64_t k = v < 0 ? v + n : v;
            if (v == INT64_MIN || k < 0 || k >= n)
                return ndshm__err(NDSHM_EINDEX,
                                  "index %lld is out of bounds "
                                  "for axis %d with size %lld",
                                  (long long)v, in, (long long)n);
            r.offset += k * w->strides[in];
            in++;
            break;
        }
        case NDSHM_ITEM_SLICE: {
            int64_t start, step;
            int64_t len = slice_adjust(w->shape[in], it, &start, &step);
            int64_t stride = w->strides[in];
            if (len > 0) {
                r.offset += start * stride;
                int64_t s;
                if (!__builtin_mul_overflow(stride, step, &s))
                    stride = s; /* a 1-long axis never uses its stride */
            }
            r.shape[r.ndim] = len;
            r.strides[r.ndim++] = stride;
            in++;
            break;
        }
        case NDSHM_ITEM_ELLIPSIS:
            for (int k = 0; k < w->ndim - consumers; k++, in++) {
                r.shape[r.ndim] = w->shape[in];
                r.strides[r.ndim++] = w->strides[in];
            }
            break;
        case NDSHM_ITEM_NEWAXIS:
            r.shape[r.ndim] = 1;
            r.strides[r.ndim++] = 0;
            break;
        }
    }
    for (; in < w->ndim; in++) {
        r.shape[r.ndim] = w->shape[in];
        r.strides[r.ndim++] = w->strides[in];
    }
    *w = r;
    return 0;
}

int ndshm__window_apply(struct ndshm_window *w, const struct ndshm_expr *e)
{
    for (int i = 0; i < e->nops; i++) {
        const struct ndshm_op *op = &e->ops[i];
        if (op->kind == NDSHM_OP_TRANSPOSE) {
            for (int a = 0, b = w->ndim - 1; a < b; a++, b--) {
                int64_t t = w->shape[a];
                w->shape[a] = w->shape[b];
                w->shape[b] = t;
                t = w->strides[a];
                w->strides[a] = w->strides[b];
                w->strides[b] = t;
            }
        } else {
            int rc = apply_items(w, op);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}
