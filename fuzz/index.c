/*
 * fuzz/index.c -- libFuzzer target for the expression parser and NumPy
 * basic indexing (lib/index.c).
 *
 * The input, as a C string, goes to ndshm__expr_parse.  Beyond not
 * crashing, leaking or overflowing, it checks that:
 *  - a failure is NDSHM_EINVAL or NDSHM_ENOMEM, leaves the expression
 *    zeroed and sets a detail message;
 *  - a parsed expression printed back as text (every item spelled out)
 *    parses again to the same expression;
 *  - applied with ndshm__window_apply to each of a few fixed windows
 *    (0-d, (5,), (3,4), (2,3,4), an empty (2,0,3), and a (4,3) view with a
 *    negative stride), it either fails with NDSHM_EINDEX or NDSHM_EINVAL
 *    and a message, or gives a window whose extent (ndshm__window_extent)
 *    lies inside the base's bytes and whose every element is a distinct
 *    element of the base: a view never reaches outside its array, and
 *    basic indexing never repeats an element.
 */
#include "config.h"

#include <inttypes.h>

#include "error.h"
#include "fuzz.h"
#include "index.h"

#define DATA 4096 /* where a data file's elements start */

struct base {
    struct ndshm_window w;
    size_t itemsize;
    int64_t file_bytes; /* the elements' bytes: [DATA, DATA + file_bytes) */
};

/* The number of elements of w. */
static int64_t count_of(const struct ndshm_window *w)
{
    int64_t n;
    FUZZ_CHECK(ndshm__shape_size(w->ndim, w->shape, &n));
    return n;
}

/* The byte offsets of w's n elements into out, in C order. */
static void element_offsets(const struct ndshm_window *w, int64_t n,
                            int64_t *out)
{
    int64_t idx[NDSHM_MAXDIMS] = {0};
    for (int64_t k = 0; k < n; k++) {
        int64_t off = w->offset;
        for (int d = 0; d < w->ndim; d++) {
            int64_t step;
            FUZZ_CHECK(!__builtin_mul_overflow(idx[d], w->strides[d], &step));
            FUZZ_CHECK(!__builtin_add_overflow(off, step, &off));
        }
        out[k] = off;
        for (int d = w->ndim - 1; d >= 0; d--) {
            if (++idx[d] < w->shape[d])
                break;
            idx[d] = 0;
        }
    }
}

static void make_bases(struct base *b, int *nb)
{
    static const int64_t s5[] = {5}, s34[] = {3, 4}, s234[] = {2, 3, 4},
                         s203[] = {2, 0, 3};
    int n = 0;
    ndshm__window_contiguous(&b[n].w, 0, NULL, 8, DATA);
    b[n].itemsize = 8, b[n].file_bytes = 8, n++;
    ndshm__window_contiguous(&b[n].w, 1, s5, 8, DATA);
    b[n].itemsize = 8, b[n].file_bytes = 40, n++;
    ndshm__window_contiguous(&b[n].w, 2, s34, 4, DATA);
    b[n].itemsize = 4, b[n].file_bytes = 48, n++;
    ndshm__window_contiguous(&b[n].w, 3, s234, 8, DATA);
    b[n].itemsize = 8, b[n].file_bytes = 192, n++;
    ndshm__window_contiguous(&b[n].w, 3, s203, 8, DATA);
    b[n].itemsize = 8, b[n].file_bytes = 0, n++;
    /* f[::-1, 1::2] of a (4, 6) file of 2-byte elements */
    b[n].w = (struct ndshm_window){
        .ndim = 2, .offset = DATA + 3 * 12 + 2, .shape = {4, 3},
        .strides = {-12, 4}};
    b[n].itemsize = 2, b[n].file_bytes = 48, n++;
    *nb = n;
}

static void check_view(const struct base *b, const struct ndshm_window *v)
{
    FUZZ_CHECK(v->ndim >= 0 && v->ndim <= NDSHM_MAXDIMS);
    for (int d = 0; d < v->ndim; d++)
        FUZZ_CHECK(v->shape[d] >= 0);
    int64_t nbase = count_of(&b->w), n = count_of(v);
    FUZZ_CHECK(n <= nbase);
    if (n == 0)
        return;
    int64_t lo, hi;
    FUZZ_CHECK(ndshm__window_extent(v, b->itemsize, &lo, &hi));
    FUZZ_CHECK(lo >= DATA && hi <= DATA + b->file_bytes && lo < hi);

    int64_t base_off[64], view_off[64];
    bool used[64] = {false};
    FUZZ_CHECK(nbase <= 64);
    element_offsets(&b->w, nbase, base_off);
    element_offsets(v, n, view_off);
    for (int64_t k = 0; k < n; k++) {
        int64_t j = 0;
        while (j < nbase && base_off[j] != view_off[k])
            j++;
        FUZZ_CHECK(j < nbase); /* an element of the base */
        FUZZ_CHECK(!used[j]);  /* and not one seen already */
        used[j] = true;
    }
}

/* ---- printing an expression back ---------------------------------------- */

static void put(char **p, const char *end, const char *fmt, int64_t v,
                bool with_value)
{
    int w = with_value ? snprintf(*p, (size_t)(end - *p), fmt, v)
                       : snprintf(*p, (size_t)(end - *p), "%s", fmt);
    FUZZ_CHECK(w >= 0 && w < end - *p);
    *p += w;
}

static char *expr_text(const struct ndshm_expr *e)
{
    size_t nitems = 0;
    for (int i = 0; i < e->nops; i++)
        nitems += (size_t)e->ops[i].nitems;
    size_t cap = 300 + 4 * (size_t)e->nops + 64 * nitems;
    char *text = malloc(cap), *p = text, *end = text + cap;
    FUZZ_CHECK(text != NULL);
    put(&p, end, e->name, 0, false);
    for (int i = 0; i < e->nops; i++) {
        const struct ndshm_op *op = &e->ops[i];
        if (op->kind == NDSHM_OP_TRANSPOSE) {
            put(&p, end, ".T", 0, false);
            continue;
        }
        put(&p, end, "[", 0, false);
        for (int k = 0; k < op->nitems; k++) {
            const struct ndshm_item *it = &op->items[k];
            if (k > 0)
                put(&p, end, ", ", 0, false);
            switch (it->kind) {
            case NDSHM_ITEM_INT: put(&p, end, "%" PRId64, it->value, true); break;
            case NDSHM_ITEM_ELLIPSIS: put(&p, end, "...", 0, false); break;
            case NDSHM_ITEM_NEWAXIS: put(&p, end, "None", 0, false); break;
            case NDSHM_ITEM_SLICE:
                if (it->has_start)
                    put(&p, end, "%" PRId64, it->start, true);
                put(&p, end, ":", 0, false);
                if (it->has_stop)
                    put(&p, end, "%" PRId64, it->stop, true);
                if (it->has_step)
                    put(&p, end, ":%" PRId64, it->step, true);
                break;
            default: FUZZ_CHECK(!"an item of no known kind");
            }
        }
        put(&p, end, "]", 0, false);
    }
    return text;
}

static bool same_item(const struct ndshm_item *a, const struct ndshm_item *b)
{
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case NDSHM_ITEM_INT: return a->value == b->value;
    case NDSHM_ITEM_SLICE:
        return a->has_start == b->has_start && a->has_stop == b->has_stop &&
               a->has_step == b->has_step &&
               (!a->has_start || a->start == b->start) &&
               (!a->has_stop || a->stop == b->stop) &&
               (!a->has_step || a->step == b->step);
    default: return true;
    }
}

static void check_reparse(const struct ndshm_expr *e)
{
    char *text = expr_text(e);
    struct ndshm_expr again;
    int rc = ndshm__expr_parse(text, &again);
    if (rc != 0)
        fprintf(stderr, "'%s' does not parse: %s\n", text, ndshm_errmsg());
    FUZZ_CHECK(rc == 0);
    FUZZ_CHECK(strcmp(e->name, again.name) == 0);
    FUZZ_CHECK(e->nops == again.nops);
    for (int i = 0; i < e->nops; i++) {
        const struct ndshm_op *a = &e->ops[i], *b = &again.ops[i];
        FUZZ_CHECK(a->kind == b->kind);
        if (a->kind != NDSHM_OP_INDEX)
            continue;
        FUZZ_CHECK(a->nitems == b->nitems);
        for (int k = 0; k < a->nitems; k++)
            FUZZ_CHECK(same_item(&a->items[k], &b->items[k]));
    }
    ndshm__expr_free(&again);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    struct ndshm_expr e;
    ndshm__err(0, "%s", "");
    int rc = ndshm__expr_parse(text, &e);
    if (rc != 0) {
        FUZZ_CHECK(rc == NDSHM_EINVAL || rc == NDSHM_ENOMEM);
        FUZZ_CHECK(ndshm_errmsg()[0] != '\0');
        FUZZ_CHECK(e.name[0] == '\0' && e.nops == 0 && e.ops == NULL &&
                   e.items == NULL);
        free(text);
        return 0;
    }
    FUZZ_CHECK(ndshm__name_check(e.name) == 0);
    FUZZ_CHECK(e.nops >= 0);
    for (int i = 0; i < e.nops; i++) {
        const struct ndshm_op *op = &e.ops[i];
        FUZZ_CHECK(op->kind == NDSHM_OP_INDEX ||
                   op->kind == NDSHM_OP_TRANSPOSE);
        if (op->kind == NDSHM_OP_INDEX)
            FUZZ_CHECK(op->nitems > 0);
        for (int k = 0; k < op->nitems; k++)
            if (op->items[k].kind == NDSHM_ITEM_SLICE &&
                op->items[k].has_step)
                FUZZ_CHECK(op->items[k].step != 0);
    }
    check_reparse(&e);

    struct base bases[8];
    int nb;
    make_bases(bases, &nb);
    for (int i = 0; i < nb; i++) {
        struct ndshm_window w = bases[i].w;
        ndshm__err(0, "%s", "");
        rc = ndshm__window_apply(&w, &e);
        if (rc != 0) {
            FUZZ_CHECK(rc == NDSHM_EINDEX || rc == NDSHM_EINVAL);
            FUZZ_CHECK(ndshm_errmsg()[0] != '\0');
            continue;
        }
        check_view(&bases[i], &w);
    }
    ndshm__expr_free(&e);
    FUZZ_CHECK(e.ops == NULL && e.items == NULL && e.nops == 0);
    free(text);
    return 0;
}
