/*
 * fuzz/literal.c -- libFuzzer target for the tool's value literals
 * (tools/literal.c).
 *
 * The input, as a C string, goes to literal_parse.  Beyond not crashing,
 * leaking or overflowing, it checks that:
 *  - a failure returns -1 with a reason in err and allocates nothing;
 *  - a parsed literal has 0 to NDSHM_MAXDIMS dimensions, count equal to
 *    the product of its shape, and one of the dtypes np.array() infers;
 *  - literal_convert to its own dtype gives back exactly the bytes the
 *    parse gave; to any of the 14 dtypes it succeeds (and then holds that
 *    dtype) or fails with a reason and leaves the literal unchanged;
 *  - literal_broadcast to its own shape gives its C-contiguous strides
 *    and to (2, own shape...) the same with a 0 stride in front; to every
 *    shape tried, every element it presents lies inside the data.
 */
#include "config.h"

#include "fuzz.h"
#include "literal.h"

static bool inferred(ndshm_dtype t)
{
    return t == NDSHM_BOOL || t == NDSHM_INT64 || t == NDSHM_UINT64 ||
           t == NDSHM_FLOAT64 || t == NDSHM_COMPLEX128;
}

static void check_broadcast(const struct literal *lit, int ndim,
                            const int64_t *target, bool must_work)
{
    char err[256] = "";
    int64_t strides[NDSHM_MAXDIMS];
    size_t itemsize = ndshm_dtype_size(lit->dtype);
    int rc = literal_broadcast(lit, itemsize, ndim, target, strides, err,
                               sizeof err);
    if (rc != 0) {
        FUZZ_CHECK(rc == -1 && !must_work);
        FUZZ_CHECK(err[0] != '\0' && memchr(err, '\0', sizeof err));
        return;
    }
    /* The farthest element from the start must lie inside the data. */
    int64_t far = 0;
    bool empty = false;
    for (int i = 0; i < ndim; i++) {
        FUZZ_CHECK(strides[i] >= 0);
        if (target[i] == 0)
            empty = true;
        else
            far += (target[i] - 1) * strides[i];
    }
    if (!empty)
        FUZZ_CHECK(lit->count > 0 &&
                   (uint64_t)far + itemsize <= lit->count * itemsize);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    struct literal lit;
    char err[256] = "";
    int rc = literal_parse(text, &lit, err, sizeof err);
    if (rc != 0) {
        FUZZ_CHECK(rc == -1);
        FUZZ_CHECK(err[0] != '\0');
        FUZZ_CHECK(lit.data == NULL && lit.scalars == NULL);
        free(text);
        return 0;
    }
    FUZZ_CHECK(lit.ndim >= 0 && lit.ndim <= NDSHM_MAXDIMS);
    size_t count = 1;
    for (int i = 0; i < lit.ndim; i++) {
        FUZZ_CHECK(lit.shape[i] >= 0);
        count *= (size_t)lit.shape[i];
    }
    FUZZ_CHECK(count == lit.count);
    FUZZ_CHECK(inferred(lit.dtype));
    FUZZ_CHECK(lit.data != NULL && lit.scalars != NULL);

    /* Converting to its own dtype changes nothing. */
    ndshm_dtype own = lit.dtype;
    size_t nbytes = lit.count * ndshm_dtype_size(own);
    void *parsed = malloc(nbytes ? nbytes : 1);
    FUZZ_CHECK(parsed != NULL);
    memcpy(parsed, lit.data, nbytes);
    rc = literal_convert(&lit, own, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "'%s' to %s: %s\n", text, ndshm_dtype_name(own), err);
    FUZZ_CHECK(rc == 0 && lit.dtype == own);
    FUZZ_CHECK(memcmp(parsed, lit.data, nbytes) == 0);
    free(parsed);

    char shape[1024];
    shape_text(lit.ndim, lit.shape, shape, sizeof shape);
    FUZZ_CHECK(memchr(shape, '\0', sizeof shape) != NULL);

    for (int t = NDSHM_BOOL; t <= NDSHM_COMPLEX128; t++) {
        void *before = lit.data;
        ndshm_dtype was = lit.dtype;
        err[0] = '\0';
        rc = literal_convert(&lit, (ndshm_dtype)t, err, sizeof err);
        if (rc == 0) {
            FUZZ_CHECK(lit.dtype == (ndshm_dtype)t && lit.data != NULL);
        } else {
            FUZZ_CHECK(rc == -1 && err[0] != '\0');
            FUZZ_CHECK(lit.data == before && lit.dtype == was);
        }

        /* Broadcasting, in whichever dtype the literal now holds. */
        static const int64_t shapes[][3] = {{0}, {3}, {2, 3}, {4, 1, 3}};
        static const int ndims[] = {0, 1, 2, 3};
        for (int k = 0; k < 4; k++)
            check_broadcast(&lit, ndims[k], shapes[k], lit.ndim == 0);
        check_broadcast(&lit, lit.ndim, lit.shape, true);
        if (lit.ndim < NDSHM_MAXDIMS) {
            int64_t more[NDSHM_MAXDIMS];
            more[0] = 2;
            memcpy(more + 1, lit.shape, (size_t)lit.ndim * sizeof *more);
            check_broadcast(&lit, lit.ndim + 1, more, true);
        }
    }

    /* Its own shape: the C-contiguous strides (a length-1 dimension may
     * have any); (2, its shape...): the same after a 0. */
    int64_t strides[NDSHM_MAXDIMS], more[NDSHM_MAXDIMS],
        more_strides[NDSHM_MAXDIMS];
    size_t itemsize = ndshm_dtype_size(lit.dtype);
    FUZZ_CHECK(literal_broadcast(&lit, itemsize, lit.ndim, lit.shape, strides,
                                 err, sizeof err) == 0);
    int64_t s = (int64_t)itemsize;
    for (int i = lit.ndim - 1; i >= 0; i--) {
        FUZZ_CHECK(lit.shape[i] == 1 || strides[i] == s);
        s *= lit.shape[i] ? lit.shape[i] : 1;
    }
    if (lit.ndim < NDSHM_MAXDIMS) {
        more[0] = 2;
        memcpy(more + 1, lit.shape, (size_t)lit.ndim * sizeof *more);
        FUZZ_CHECK(literal_broadcast(&lit, itemsize, lit.ndim + 1, more,
                                     more_strides, err, sizeof err) == 0);
        FUZZ_CHECK(more_strides[0] == 0);
        for (int i = 0; i < lit.ndim; i++)
            FUZZ_CHECK(lit.shape[i] == 1 ||
                       more_strides[i + 1] == strides[i]);
    }

    literal_free(&lit);
    FUZZ_CHECK(lit.data == NULL && lit.scalars == NULL);
    free(text);
    return 0;
}
