/*
 * fuzz/record.c -- libFuzzer target for the catalog's value decoders
 * (lib/catalog.c): the same bytes go to ndshm__record_decode (a name's
 * record) and to ndshm__file_decode (a data file's record).
 *
 * Beyond not crashing or reading past the value, it checks that:
 *  - a failure is NDSHM_ECORRUPT or NDSHM_EVERSION with a detail message;
 *  - a decoded name record has a known kind and dtype and 0 to
 *    NDSHM_MAXDIMS non-negative dimensions, and encodes back to exactly
 *    the bytes it came from (so decoding again gives the same record);
 *  - a decoded file record keeps the id the caller set (it is the key,
 *    not part of the value), has a valid dtype and dimensions and an owner
 *    of at most NDSHM_NAME_MAX bytes, and encodes back to the bytes it
 *    came from but for byte 3 (reserved: written 0, ignored when read);
 *    decoding that again gives the same record.
 */
#include "config.h"

#include "catalog.h"
#include "dtype.h"
#include "error.h"
#include "fuzz.h"

static bool same_window(const struct ndshm_window *a,
                        const struct ndshm_window *b)
{
    if (a->ndim != b->ndim || a->offset != b->offset)
        return false;
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i] || a->strides[i] != b->strides[i])
            return false;
    return true;
}

static bool same_file(const struct ndshm_file *a, const struct ndshm_file *b)
{
    if (a->id != b->id || a->dtype != b->dtype || a->ndim != b->ndim ||
        a->refs != b->refs || strcmp(a->owner, b->owner) != 0)
        return false;
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i])
            return false;
    return true;
}

static void check_failure(int rc)
{
    FUZZ_CHECK(rc == NDSHM_ECORRUPT || rc == NDSHM_EVERSION);
    FUZZ_CHECK(ndshm_errmsg()[0] != '\0');
}

static void fuzz_record(const uint8_t *data, size_t size)
{
    struct ndshm_record r;
    ndshm__err(0, "%s", "");
    int rc = ndshm__record_decode(data, size, &r);
    if (rc != 0) {
        check_failure(rc);
        return;
    }
    FUZZ_CHECK(r.kind == NDSHM_KIND_ARRAY || r.kind == NDSHM_KIND_VIEW);
    FUZZ_CHECK(ndshm__dtype_valid(r.dtype));
    FUZZ_CHECK(r.win.ndim >= 0 && r.win.ndim <= NDSHM_MAXDIMS);
    for (int i = 0; i < r.win.ndim; i++)
        FUZZ_CHECK(r.win.shape[i] >= 0);

    unsigned char buf[24 + 16 * NDSHM_MAXDIMS];
    size_t n = ndshm__record_encode(&r, buf, sizeof buf);
    FUZZ_CHECK(n == size && memcmp(buf, data, size) == 0);
    struct ndshm_record again;
    FUZZ_CHECK(ndshm__record_decode(buf, n, &again) == 0);
    FUZZ_CHECK(again.kind == r.kind && again.flags == r.flags &&
               again.id == r.id && again.dtype == r.dtype &&
               same_window(&again.win, &r.win));
}

static void fuzz_file(const uint8_t *data, size_t size)
{
    const uint64_t id = 0x0123456789abcdefu;
    struct ndshm_file f;
    f.id = id;
    ndshm__err(0, "%s", "");
    int rc = ndshm__file_decode(data, size, &f);
    FUZZ_CHECK(f.id == id);
    if (rc != 0) {
        check_failure(rc);
        return;
    }
    FUZZ_CHECK(ndshm__dtype_valid(f.dtype));
    FUZZ_CHECK(f.ndim >= 0 && f.ndim <= NDSHM_MAXDIMS);
    for (int i = 0; i < f.ndim; i++)
        FUZZ_CHECK(f.shape[i] >= 0);
    FUZZ_CHECK(memchr(f.owner, '\0', sizeof f.owner) != NULL);

    unsigned char buf[8 + 8 * NDSHM_MAXDIMS + 2 + NDSHM_NAME_MAX];
    size_t n = ndshm__file_encode(&f, buf, sizeof buf);
    FUZZ_CHECK(n == size);
    FUZZ_CHECK(memcmp(buf, data, 3) == 0 && buf[3] == 0 &&
               memcmp(buf + 4, data + 4, size - 4) == 0);
    struct ndshm_file again;
    again.id = id;
    FUZZ_CHECK(ndshm__file_decode(buf, n, &again) == 0);
    FUZZ_CHECK(same_file(&again, &f));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_record(data, size);
    fuzz_file(data, size);
    return 0;
}
