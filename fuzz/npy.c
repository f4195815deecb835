/*
 * fuzz/npy.c -- libFuzzer target for the .npy header parser (lib/npy.c).
 *
 * The input is the start of a .npy file.  Beyond not crashing or reading
 * past the bytes it is given, it checks that:
 *  - ndshm__npy_header_len and ndshm__npy_parse agree: a parse succeeds
 *    only when the header length is known and within the input, and
 *    data_offset is that length;
 *  - the parse reads nothing past the header: on exactly the header's
 *    bytes (a copy with no slack) it gives the same result;
 *  - a failure sets a detail message;
 *  - a header it accepts has a valid dtype and 0 to NDSHM_MAXDIMS
 *    non-negative dimensions, and can be written back with
 *    ndshm__npy_write_header, both as numpy.save lays it out (64-byte
 *    aligned) and padded to a data file's 4096 bytes; each written header
 *    parses to the same dtype and shape, in C order and native byte order
 *    (the writer writes only those: ndshm's data files are C-ordered and
 *    native, and a Fortran or big-endian .npy is converted on import).
 */
#include "config.h"

#include "dtype.h"
#include "error.h"
#include "fuzz.h"
#include "npy.h"

static bool same(const struct ndshm_npy_header *a,
                 const struct ndshm_npy_header *b)
{
    if (a->dtype != b->dtype || a->swap != b->swap ||
        a->fortran != b->fortran || a->ndim != b->ndim ||
        a->data_offset != b->data_offset)
        return false;
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i])
            return false;
    return true;
}

static void check_rewrite(const struct ndshm_npy_header *h, size_t pad_to)
{
    static char buf[1 << 17];
    size_t n = ndshm__npy_write_header(buf, sizeof buf, h->dtype, h->ndim,
                                       h->shape, pad_to);
    FUZZ_CHECK(n > 0);
    if (pad_to)
        FUZZ_CHECK(n == pad_to);
    else
        FUZZ_CHECK(n % 64 == 0);
    FUZZ_CHECK(ndshm__npy_header_len((const unsigned char *)buf, n) == n);
    struct ndshm_npy_header again;
    int rc = ndshm__npy_parse((const unsigned char *)buf, n, &again);
    if (rc != 0)
        fprintf(stderr, "rewritten header does not parse: %s\n",
                ndshm_errmsg());
    FUZZ_CHECK(rc == 0);
    FUZZ_CHECK(again.dtype == h->dtype && again.ndim == h->ndim);
    for (int i = 0; i < h->ndim; i++)
        FUZZ_CHECK(again.shape[i] == h->shape[i]);
    FUZZ_CHECK(!again.fortran && !again.swap);
    FUZZ_CHECK(again.data_offset == n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ndshm__err(0, "%s", "");
    size_t hlen = ndshm__npy_header_len(data, size);
    if (hlen == 0)
        FUZZ_CHECK(ndshm_errmsg()[0] != '\0');
    else
        FUZZ_CHECK(hlen >= 10);

    struct ndshm_npy_header h;
    ndshm__err(0, "%s", "");
    int rc = ndshm__npy_parse(data, size, &h);
    if (rc != 0) {
        FUZZ_CHECK(rc < 0);
        FUZZ_CHECK(ndshm_errmsg()[0] != '\0');
    } else {
        FUZZ_CHECK(hlen != 0 && hlen <= size && h.data_offset == hlen);
    }

    /* The same bytes cut to the header: the same answer. */
    if (hlen != 0 && hlen <= size) {
        unsigned char *exact = malloc(hlen);
        FUZZ_CHECK(exact != NULL);
        memcpy(exact, data, hlen);
        struct ndshm_npy_header h2;
        int rc2 = ndshm__npy_parse(exact, hlen, &h2);
        FUZZ_CHECK(rc2 == rc);
        if (rc == 0)
            FUZZ_CHECK(same(&h, &h2));
        free(exact);
    }
    if (rc != 0)
        return 0;

    FUZZ_CHECK(ndshm__dtype_valid(h.dtype));
    FUZZ_CHECK(h.ndim >= 0 && h.ndim <= NDSHM_MAXDIMS);
    for (int i = 0; i < h.ndim; i++)
        FUZZ_CHECK(h.shape[i] >= 0);
    if (ndshm_dtype_size(h.dtype) == 1)
        FUZZ_CHECK(!h.swap); /* a byte has no byte order */
    check_rewrite(&h, 0);
    check_rewrite(&h, NDSHM_DATA_OFFSET);
    return 0;
}
