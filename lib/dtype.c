/*
 * dtype.c -- the element types ndshm holds, their NumPy names, aliases and
 * descr strings.  The table is the single source of truth for sizes.
 */
#include "config.h"

#include <string.h>

#include "dtype.h"
#include "error.h"

struct dtype_row {
    ndshm_dtype dtype;
    const char *name;  /* NumPy's canonical name */
    const char *descr; /* little-endian descr */
    char kind;
    size_t size;
};

static const struct dtype_row rows[] = {
    {NDSHM_BOOL, "bool", "|b1", 'b', 1},
    {NDSHM_INT8, "int8", "|i1", 'i', 1},
    {NDSHM_INT16, "int16", "<i2", 'i', 2},
    {NDSHM_INT32, "int32", "<i4", 'i', 4},
    {NDSHM_INT64, "int64", "<i8", 'i', 8},
    {NDSHM_UINT8, "uint8", "|u1", 'u', 1},
    {NDSHM_UINT16, "uint16", "<u2", 'u', 2},
    {NDSHM_UINT32, "uint32", "<u4", 'u', 4},
    {NDSHM_UINT64, "uint64", "<u8", 'u', 8},
    {NDSHM_FLOAT16, "float16", "<f2", 'f', 2},
    {NDSHM_FLOAT32, "float32", "<f4", 'f', 4},
    {NDSHM_FLOAT64, "float64", "<f8", 'f', 8},
    {NDSHM_COMPLEX64, "complex64", "<c8", 'c', 8},
    {NDSHM_COMPLEX128, "complex128", "<c16", 'c', 16},
};

/*
 * Other spellings NumPy accepts for the same types on a 64-bit Linux
 * machine (np.dtype(alias) == np.dtype(name)).
 */
static const struct {
    const char *alias;
    ndshm_dtype dtype;
} aliases[] = {
    {"bool_", NDSHM_BOOL},
    {"?", NDSHM_BOOL},
    {"b1", NDSHM_BOOL},
    {"byte", NDSHM_INT8},
    {"b", NDSHM_INT8},
    {"i1", NDSHM_INT8},
    {"short", NDSHM_INT16},
    {"h", NDSHM_INT16},
    {"i2", NDSHM_INT16},
    {"intc", NDSHM_INT32},
    {"i", NDSHM_INT32},
    {"i4", NDSHM_INT32},
    {"int", NDSHM_INT64},
    {"int_", NDSHM_INT64},
    {"long", NDSHM_INT64},
    {"longlong", NDSHM_INT64},
    {"intp", NDSHM_INT64},
    {"l", NDSHM_INT64},
    {"q", NDSHM_INT64},
    {"p", NDSHM_INT64},
    {"i8", NDSHM_INT64},
    {"ubyte", NDSHM_UINT8},
    {"B", NDSHM_UINT8},
    {"u1", NDSHM_UINT8},
    {"ushort", NDSHM_UINT16},
    {"H", NDSHM_UINT16},
    {"u2", NDSHM_UINT16},
    {"uintc", NDSHM_UINT32},
    {"I", NDSHM_UINT32},
    {"u4", NDSHM_UINT32},
    {"uint", NDSHM_UINT64},
    {"ulonglong", NDSHM_UINT64},
    {"uintp", NDSHM_UINT64},
    {"L", NDSHM_UINT64},
    {"Q", NDSHM_UINT64},
    {"P", NDSHM_UINT64},
    {"u8", NDSHM_UINT64},
    {"ulong", NDSHM_UINT64},
    {"bool8", NDSHM_BOOL},
    {"int0", NDSHM_INT64},
    {"uint0", NDSHM_UINT64},
    {"half", NDSHM_FLOAT16},
    {"e", NDSHM_FLOAT16},
    {"f2", NDSHM_FLOAT16},
    {"single", NDSHM_FLOAT32},
    {"f", NDSHM_FLOAT32},
    {"f4", NDSHM_FLOAT32},
    {"double", NDSHM_FLOAT64},
    {"float", NDSHM_FLOAT64},
    {"float_", NDSHM_FLOAT64},
    {"d", NDSHM_FLOAT64},
    {"f8", NDSHM_FLOAT64},
    {"csingle", NDSHM_COMPLEX64},
    {"singlecomplex", NDSHM_COMPLEX64},
    {"F", NDSHM_COMPLEX64},
    {"c8", NDSHM_COMPLEX64},
    {"cdouble", NDSHM_COMPLEX128},
    {"complex", NDSHM_COMPLEX128},
    {"complex_", NDSHM_COMPLEX128},
    {"cfloat", NDSHM_COMPLEX128},
    {"D", NDSHM_COMPLEX128},
    {"c16", NDSHM_COMPLEX128},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct dtype_row *row_of(int dtype)
{
    if (dtype < NDSHM_BOOL || dtype > NDSHM_COMPLEX128)
        return NULL;
    return &rows[dtype - NDSHM_BOOL];
}

bool ndshm__dtype_valid(int dtype)
{
    return row_of(dtype) != NULL;
}

const char *ndshm_dtype_name(ndshm_dtype dtype)
{
    const struct dtype_row *r = row_of(dtype);
    return r ? r->name : NULL;
}

const char *ndshm_dtype_descr(ndshm_dtype dtype)
{
    const struct dtype_row *r = row_of(dtype);
    return r ? r->descr : NULL;
}

size_t ndshm_dtype_size(ndshm_dtype dtype)
{
    const struct dtype_row *r = row_of(dtype);
    return r ? r->size : 0;
}

char ndshm__dtype_kind(ndshm_dtype dtype)
{
    const struct dtype_row *r = row_of(dtype);
    return r ? r->kind : '\0';
}

/*
 * Find text among the names, the aliases and the kind+size codes ("f8").
 * With codes_only, full names are skipped: NumPy accepts a byte-order
 * mark only before a code ("<f8", "=d"), never before a name ("<float64").
 */
static int lookup(const char *text, bool codes_only, ndshm_dtype *out)
{
    for (size_t i = 0; i < COUNT(rows); i++)
        if (strcmp(text, rows[i].descr + 1) == 0 ||
            (!codes_only && strcmp(text, rows[i].name) == 0)) {
            *out = rows[i].dtype;
            return 0;
        }
    for (size_t i = 0; i < COUNT(aliases); i++)
        if (strcmp(text, aliases[i].alias) == 0 &&
            (!codes_only || strlen(text) == 1)) {
            *out = aliases[i].dtype;
            return 0;
        }
    return NDSHM_EINVAL;
}

int ndshm__dtype_from_descr(const char *text, ndshm_dtype *out, bool *swap)
{
    *swap = false;
    if (text == NULL || *text == '\0')
        return ndshm__err(NDSHM_EINVAL, "empty data type");
    bool marked = strchr("<>|=", text[0]) != NULL;
    if (lookup(marked ? text + 1 : text, marked, out) != 0)
        return ndshm__err(NDSHM_EINVAL,
                          "data type '%s' not understood (ndshm holds bool, "
                          "int8..int64, uint8..uint64, float16, float32, "
                          "float64, complex64, complex128)",
                          text);
    *swap = text[0] == '>' && ndshm_dtype_size(*out) > 1;
    return 0;
}

int ndshm_dtype_parse(const char *text, ndshm_dtype *out)
{
    bool swap;
    int rc = ndshm__dtype_from_descr(text, out, &swap);
    if (rc != 0)
        return rc;
    if (swap)
        return ndshm__err(NDSHM_EINVAL,
                          "big-endian data type '%s': ndshm stores "
                          "little-endian data",
                          text);
    return 0;
}
