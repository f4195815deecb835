/*
 * check_dtype.c -- lib/dtype.c: the fourteen element types, their NumPy
 * names, descrs, sizes and kinds, and the parsing of every spelling NumPy
 * accepts (names, aliases, one-letter codes, descrs with a byte-order mark).
 * The expectations are NumPy's: np.dtype(text).name and .byteorder for each
 * text below (NumPy 1.24, x86-64 Linux), or the error NumPy raises, or a
 * type ndshm does not hold (noted in the comment).
 */
#include "config.h"

#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "dtype.h"
#include "suites.h"

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* np.dtype(name): .name, .str, .itemsize, .kind */
static const struct {
    ndshm_dtype dtype;
    const char *name, *descr;
    size_t size;
    char kind;
} types[] = {
    {NDSHM_BOOL, "bool", "|b1", 1, 'b'},
    {NDSHM_INT8, "int8", "|i1", 1, 'i'},
    {NDSHM_INT16, "int16", "<i2", 2, 'i'},
    {NDSHM_INT32, "int32", "<i4", 4, 'i'},
    {NDSHM_INT64, "int64", "<i8", 8, 'i'},
    {NDSHM_UINT8, "uint8", "|u1", 1, 'u'},
    {NDSHM_UINT16, "uint16", "<u2", 2, 'u'},
    {NDSHM_UINT32, "uint32", "<u4", 4, 'u'},
    {NDSHM_UINT64, "uint64", "<u8", 8, 'u'},
    {NDSHM_FLOAT16, "float16", "<f2", 2, 'f'},
    {NDSHM_FLOAT32, "float32", "<f4", 4, 'f'},
    {NDSHM_FLOAT64, "float64", "<f8", 8, 'f'},
    {NDSHM_COMPLEX64, "complex64", "<c8", 8, 'c'},
    {NDSHM_COMPLEX128, "complex128", "<c16", 16, 'c'},
};

/*
 * Every spelling: the dtype NumPy gives (0: NumPy refuses it, or gives a
 * type ndshm does not hold) and whether NumPy's byte order is '>' (the data
 * must be swapped).  One-byte types have no byte order: ">i1" is int8.
 */
static const struct {
    const char *text;
    int dtype;
    bool swap;
} spellings[] = {
    {"bool", NDSHM_BOOL, false},
    {"int8", NDSHM_INT8, false},
    {"int16", NDSHM_INT16, false},
    {"int32", NDSHM_INT32, false},
    {"int64", NDSHM_INT64, false},
    {"uint8", NDSHM_UINT8, false},
    {"uint16", NDSHM_UINT16, false},
    {"uint32", NDSHM_UINT32, false},
    {"uint64", NDSHM_UINT64, false},
    {"float16", NDSHM_FLOAT16, false},
    {"float32", NDSHM_FLOAT32, false},
    {"float64", NDSHM_FLOAT64, false},
    {"complex64", NDSHM_COMPLEX64, false},
    {"complex128", NDSHM_COMPLEX128, false},
    {"bool_", NDSHM_BOOL, false},
    {"bool8", NDSHM_BOOL, false},
    {"byte", NDSHM_INT8, false},
    {"short", NDSHM_INT16, false},
    {"intc", NDSHM_INT32, false},
    {"int", NDSHM_INT64, false},
    {"int_", NDSHM_INT64, false},
    {"long", NDSHM_INT64, false},
    {"longlong", NDSHM_INT64, false},
    {"intp", NDSHM_INT64, false},
    {"int0", NDSHM_INT64, false},
    {"ubyte", NDSHM_UINT8, false},
    {"ushort", NDSHM_UINT16, false},
    {"uintc", NDSHM_UINT32, false},
    {"uint", NDSHM_UINT64, false},
    {"ulong", NDSHM_UINT64, false},
    {"ulonglong", NDSHM_UINT64, false},
    {"uintp", NDSHM_UINT64, false},
    {"uint0", NDSHM_UINT64, false},
    {"half", NDSHM_FLOAT16, false},
    {"single", NDSHM_FLOAT32, false},
    {"float", NDSHM_FLOAT64, false},
    {"float_", NDSHM_FLOAT64, false},
    {"double", NDSHM_FLOAT64, false},
    {"csingle", NDSHM_COMPLEX64, false},
    {"singlecomplex", NDSHM_COMPLEX64, false},
    {"cdouble", NDSHM_COMPLEX128, false},
    {"complex", NDSHM_COMPLEX128, false},
    {"complex_", NDSHM_COMPLEX128, false},
    {"cfloat", NDSHM_COMPLEX128, false},
    {"longdouble", 0, false}, /* numpy: float128 */
    {"longfloat", 0, false}, /* numpy: float128 */
    {"clongdouble", 0, false}, /* numpy: complex256 */
    {"clongfloat", 0, false}, /* numpy: complex256 */
    {"longcomplex", 0, false}, /* numpy: complex256 */
    {"float128", 0, false}, /* numpy: float128 */
    {"complex256", 0, false}, /* numpy: complex256 */
    {"object", 0, false}, /* numpy: object */
    {"object_", 0, false}, /* numpy: object */
    {"str", 0, false}, /* numpy: str */
    {"str_", 0, false}, /* numpy: str */
    {"unicode", 0, false}, /* numpy: str */
    {"bytes", 0, false}, /* numpy: bytes */
    {"bytes_", 0, false}, /* numpy: bytes */
    {"void", 0, false}, /* numpy: void */
    {"datetime64", 0, false}, /* numpy: datetime64 */
    {"timedelta64", 0, false}, /* numpy: timedelta64 */
    {"a", 0, false}, /* numpy: bytes */
    {"string_", 0, false}, /* numpy: bytes */
    {"Float64", 0, false}, /* numpy: TypeError */
    {"Int32", 0, false}, /* numpy: TypeError */
    {"Bool", 0, false}, /* numpy: TypeError */
    {"INT8", 0, false}, /* numpy: TypeError */
    {"float64 ", 0, false}, /* numpy: TypeError */
    {" float64", 0, false}, /* numpy: TypeError */
    {"float 64", 0, false}, /* numpy: TypeError */
    {"", 0, false}, /* numpy: TypeError */
    {"int128", 0, false}, /* numpy: TypeError */
    {"uint128", 0, false}, /* numpy: TypeError */
    {"float8", 0, false}, /* numpy: TypeError */
    {"complex32", 0, false}, /* numpy: TypeError */
    {"bool1", 0, false}, /* numpy: TypeError */
    {"int4", 0, false}, /* numpy: TypeError */
    {"float80", 0, false}, /* numpy: TypeError */
    {"float96", 0, false}, /* numpy: TypeError */
    {"?", NDSHM_BOOL, false},
    {"b", NDSHM_INT8, false},
    {"B", NDSHM_UINT8, false},
    {"h", NDSHM_INT16, false},
    {"H", NDSHM_UINT16, false},
    {"i", NDSHM_INT32, false},
    {"I", NDSHM_UINT32, false},
    {"l", NDSHM_INT64, false},
    {"L", NDSHM_UINT64, false},
    {"q", NDSHM_INT64, false},
    {"Q", NDSHM_UINT64, false},
    {"p", NDSHM_INT64, false},
    {"P", NDSHM_UINT64, false},
    {"e", NDSHM_FLOAT16, false},
    {"F", NDSHM_COMPLEX64, false},
    {"f", NDSHM_FLOAT32, false},
    {"d", NDSHM_FLOAT64, false},
    {"D", NDSHM_COMPLEX128, false},
    {"g", 0, false}, /* numpy: float128 */
    {"G", 0, false}, /* numpy: complex256 */
    {"O", 0, false}, /* numpy: object */
    {"S", 0, false}, /* numpy: bytes */
    {"U", 0, false}, /* numpy: str */
    {"V", 0, false}, /* numpy: void */
    {"M", 0, false}, /* numpy: datetime64 */
    {"m", 0, false}, /* numpy: timedelta64 */
    {"c", 0, false}, /* numpy: bytes8 */
    {"u", 0, false}, /* numpy: TypeError */
    {"x", 0, false}, /* numpy: TypeError */
    {"z", 0, false}, /* numpy: TypeError */
    {"k", 0, false}, /* numpy: TypeError */
    {"b1", NDSHM_BOOL, false},
    {"b2", 0, false}, /* numpy: TypeError */
    {"?1", 0, false}, /* numpy: TypeError */
    {"i1", NDSHM_INT8, false},
    {"i2", NDSHM_INT16, false},
    {"i4", NDSHM_INT32, false},
    {"i8", NDSHM_INT64, false},
    {"i16", 0, false}, /* numpy: TypeError */
    {"i0", 0, false}, /* numpy: TypeError */
    {"i3", 0, false}, /* numpy: TypeError */
    {"u1", NDSHM_UINT8, false},
    {"u2", NDSHM_UINT16, false},
    {"u4", NDSHM_UINT32, false},
    {"u8", NDSHM_UINT64, false},
    {"u16", 0, false}, /* numpy: TypeError */
    {"f2", NDSHM_FLOAT16, false},
    {"f4", NDSHM_FLOAT32, false},
    {"f8", NDSHM_FLOAT64, false},
    {"f16", 0, false}, /* numpy: float128 */
    {"f1", 0, false}, /* numpy: TypeError */
    {"f12", 0, false}, /* numpy: TypeError */
    {"c8", NDSHM_COMPLEX64, false},
    {"c16", NDSHM_COMPLEX128, false},
    {"c32", 0, false}, /* numpy: complex256 */
    {"c4", 0, false}, /* numpy: TypeError */
    {"c2", 0, false}, /* numpy: TypeError */
    {"S8", 0, false}, /* numpy: bytes64 */
    {"U4", 0, false}, /* numpy: str128 */
    {"V8", 0, false}, /* numpy: void64 */
    {"M8", 0, false}, /* numpy: datetime64 */
    {"m8", 0, false}, /* numpy: timedelta64 */
    {"M8[ns]", 0, false}, /* numpy: datetime64[ns] */
    {"O8", 0, false}, /* numpy: object */
    {"a5", 0, false}, /* numpy: bytes40 */
    {"e2", 0, false}, /* numpy: TypeError */
    {"d8", 0, false}, /* numpy: TypeError */
    {"q8", 0, false}, /* numpy: TypeError */
    {"<b1", NDSHM_BOOL, false},
    {"<i1", NDSHM_INT8, false},
    {"<i2", NDSHM_INT16, false},
    {"<i4", NDSHM_INT32, false},
    {"<i8", NDSHM_INT64, false},
    {"<u1", NDSHM_UINT8, false},
    {"<u2", NDSHM_UINT16, false},
    {"<u4", NDSHM_UINT32, false},
    {"<u8", NDSHM_UINT64, false},
    {"<f2", NDSHM_FLOAT16, false},
    {"<f4", NDSHM_FLOAT32, false},
    {"<f8", NDSHM_FLOAT64, false},
    {"<c8", NDSHM_COMPLEX64, false},
    {"<c16", NDSHM_COMPLEX128, false},
    {"<?", NDSHM_BOOL, false},
    {"<b", NDSHM_INT8, false},
    {"<B", NDSHM_UINT8, false},
    {"<h", NDSHM_INT16, false},
    {"<H", NDSHM_UINT16, false},
    {"<i", NDSHM_INT32, false},
    {"<I", NDSHM_UINT32, false},
    {"<l", NDSHM_INT64, false},
    {"<L", NDSHM_UINT64, false},
    {"<q", NDSHM_INT64, false},
    {"<Q", NDSHM_UINT64, false},
    {"<p", NDSHM_INT64, false},
    {"<P", NDSHM_UINT64, false},
    {"<e", NDSHM_FLOAT16, false},
    {"<f", NDSHM_FLOAT32, false},
    {"<d", NDSHM_FLOAT64, false},
    {"<F", NDSHM_COMPLEX64, false},
    {"<D", NDSHM_COMPLEX128, false},
    {"<g", 0, false}, /* numpy: float128 */
    {"<O", 0, false}, /* numpy: object */
    {"<U4", 0, false}, /* numpy: str128 */
    {"<S4", 0, false}, /* numpy: bytes32 */
    {"<V4", 0, false}, /* numpy: void32 */
    {"<float64", 0, false}, /* numpy: TypeError */
    {"<int32", 0, false}, /* numpy: TypeError */
    {"<bool", 0, false}, /* numpy: TypeError */
    {"<double", 0, false}, /* numpy: TypeError */
    {"<int", 0, false}, /* numpy: TypeError */
    {"<f16", 0, false}, /* numpy: float128 */
    {"<M8", 0, false}, /* numpy: datetime64 */
    {"<b2", 0, false}, /* numpy: TypeError */
    {">b1", NDSHM_BOOL, false},
    {">i1", NDSHM_INT8, false},
    {">i2", NDSHM_INT16, true},
    {">i4", NDSHM_INT32, true},
    {">i8", NDSHM_INT64, true},
    {">u1", NDSHM_UINT8, false},
    {">u2", NDSHM_UINT16, true},
    {">u4", NDSHM_UINT32, true},
    {">u8", NDSHM_UINT64, true},
    {">f2", NDSHM_FLOAT16, true},
    {">f4", NDSHM_FLOAT32, true},
    {">f8", NDSHM_FLOAT64, true},
    {">c8", NDSHM_COMPLEX64, true},
    {">c16", NDSHM_COMPLEX128, true},
    {">?", NDSHM_BOOL, false},
    {">b", NDSHM_INT8, false},
    {">B", NDSHM_UINT8, false},
    {">h", NDSHM_INT16, true},
    {">H", NDSHM_UINT16, true},
    {">i", NDSHM_INT32, true},
    {">I", NDSHM_UINT32, true},
    {">l", NDSHM_INT64, true},
    {">L", NDSHM_UINT64, true},
    {">q", NDSHM_INT64, true},
    {">Q", NDSHM_UINT64, true},
    {">p", NDSHM_INT64, true},
    {">P", NDSHM_UINT64, true},
    {">e", NDSHM_FLOAT16, true},
    {">f", NDSHM_FLOAT32, true},
    {">d", NDSHM_FLOAT64, true},
    {">F", NDSHM_COMPLEX64, true},
    {">D", NDSHM_COMPLEX128, true},
    {">g", 0, false}, /* numpy: float128 */
    {">O", 0, false}, /* numpy: object */
    {">U4", 0, false}, /* numpy: str128 */
    {">S4", 0, false}, /* numpy: bytes32 */
    {">V4", 0, false}, /* numpy: void32 */
    {">float64", 0, false}, /* numpy: TypeError */
    {">int32", 0, false}, /* numpy: TypeError */
    {">bool", 0, false}, /* numpy: TypeError */
    {">double", 0, false}, /* numpy: TypeError */
    {">int", 0, false}, /* numpy: TypeError */
    {">f16", 0, false}, /* numpy: float128 */
    {">M8", 0, false}, /* numpy: datetime64 */
    {">b2", 0, false}, /* numpy: TypeError */
    {"=b1", NDSHM_BOOL, false},
    {"=i1", NDSHM_INT8, false},
    {"=i2", NDSHM_INT16, false},
    {"=i4", NDSHM_INT32, false},
    {"=i8", NDSHM_INT64, false},
    {"=u1", NDSHM_UINT8, false},
    {"=u2", NDSHM_UINT16, false},
    {"=u4", NDSHM_UINT32, false},
    {"=u8", NDSHM_UINT64, false},
    {"=f2", NDSHM_FLOAT16, false},
    {"=f4", NDSHM_FLOAT32, false},
    {"=f8", NDSHM_FLOAT64, false},
    {"=c8", NDSHM_COMPLEX64, false},
    {"=c16", NDSHM_COMPLEX128, false},
    {"=?", NDSHM_BOOL, false},
    {"=b", NDSHM_INT8, false},
    {"=B", NDSHM_UINT8, false},
    {"=h", NDSHM_INT16, false},
    {"=H", NDSHM_UINT16, false},
    {"=i", NDSHM_INT32, false},
    {"=I", NDSHM_UINT32, false},
    {"=l", NDSHM_INT64, false},
    {"=L", NDSHM_UINT64, false},
    {"=q", NDSHM_INT64, false},
    {"=Q", NDSHM_UINT64, false},
    {"=p", NDSHM_INT64, false},
    {"=P", NDSHM_UINT64, false},
    {"=e", NDSHM_FLOAT16, false},
    {"=f", NDSHM_FLOAT32, false},
    {"=d", NDSHM_FLOAT64, false},
    {"=F", NDSHM_COMPLEX64, false},
    {"=D", NDSHM_COMPLEX128, false},
    {"=g", 0, false}, /* numpy: float128 */
    {"=O", 0, false}, /* numpy: object */
    {"=U4", 0, false}, /* numpy: str128 */
    {"=S4", 0, false}, /* numpy: bytes32 */
    {"=V4", 0, false}, /* numpy: void32 */
    {"=float64", 0, false}, /* numpy: TypeError */
    {"=int32", 0, false}, /* numpy: TypeError */
    {"=bool", 0, false}, /* numpy: TypeError */
    {"=double", 0, false}, /* numpy: TypeError */
    {"=int", 0, false}, /* numpy: TypeError */
    {"=f16", 0, false}, /* numpy: float128 */
    {"=M8", 0, false}, /* numpy: datetime64 */
    {"=b2", 0, false}, /* numpy: TypeError */
    {"|b1", NDSHM_BOOL, false},
    {"|i1", NDSHM_INT8, false},
    {"|i2", NDSHM_INT16, false},
    {"|i4", NDSHM_INT32, false},
    {"|i8", NDSHM_INT64, false},
    {"|u1", NDSHM_UINT8, false},
    {"|u2", NDSHM_UINT16, false},
    {"|u4", NDSHM_UINT32, false},
    {"|u8", NDSHM_UINT64, false},
    {"|f2", NDSHM_FLOAT16, false},
    {"|f4", NDSHM_FLOAT32, false},
    {"|f8", NDSHM_FLOAT64, false},
    {"|c8", NDSHM_COMPLEX64, false},
    {"|c16", NDSHM_COMPLEX128, false},
    {"|?", NDSHM_BOOL, false},
    {"|b", NDSHM_INT8, false},
    {"|B", NDSHM_UINT8, false},
    {"|h", NDSHM_INT16, false},
    {"|H", NDSHM_UINT16, false},
    {"|i", NDSHM_INT32, false},
    {"|I", NDSHM_UINT32, false},
    {"|l", NDSHM_INT64, false},
    {"|L", NDSHM_UINT64, false},
    {"|q", NDSHM_INT64, false},
    {"|Q", NDSHM_UINT64, false},
    {"|p", NDSHM_INT64, false},
    {"|P", NDSHM_UINT64, false},
    {"|e", NDSHM_FLOAT16, false},
    {"|f", NDSHM_FLOAT32, false},
    {"|d", NDSHM_FLOAT64, false},
    {"|F", NDSHM_COMPLEX64, false},
    {"|D", NDSHM_COMPLEX128, false},
    {"|g", 0, false}, /* numpy: float128 */
    {"|O", 0, false}, /* numpy: object */
    {"|U4", 0, false}, /* numpy: str128 */
    {"|S4", 0, false}, /* numpy: bytes32 */
    {"|V4", 0, false}, /* numpy: void32 */
    {"|float64", 0, false}, /* numpy: TypeError */
    {"|int32", 0, false}, /* numpy: TypeError */
    {"|bool", 0, false}, /* numpy: TypeError */
    {"|double", 0, false}, /* numpy: TypeError */
    {"|int", 0, false}, /* numpy: TypeError */
    {"|f16", 0, false}, /* numpy: float128 */
    {"|M8", 0, false}, /* numpy: datetime64 */
    {"|b2", 0, false}, /* numpy: TypeError */
    {"<<f8", 0, false}, /* numpy: TypeError */
    {"<>f8", 0, false}, /* numpy: TypeError */
    {"><f8", 0, false}, /* numpy: TypeError */
    {"f8<", 0, false}, /* numpy: TypeError */
    {"<", 0, false}, /* numpy: TypeError */
    {">", 0, false}, /* numpy: TypeError */
    {"=", 0, false}, /* numpy: TypeError */
    {"|", 0, false}, /* numpy: TypeError */
    {"<f8 ", 0, false}, /* numpy: TypeError */
    {" <f8", 0, false}, /* numpy: TypeError */
    {"<F8", 0, false}, /* numpy: TypeError */
    {"<I4", 0, false}, /* numpy: TypeError */
};

START_TEST(test_table)
{
    ndshm_dtype t = types[_i].dtype;
    ck_assert(ndshm__dtype_valid(t));
    ck_assert_str_eq(ndshm_dtype_name(t), types[_i].name);
    ck_assert_str_eq(ndshm_dtype_descr(t), types[_i].descr);
    ck_assert_uint_eq(ndshm_dtype_size(t), types[_i].size);
    ck_assert_int_eq(ndshm__dtype_kind(t), types[_i].kind);
}
END_TEST

/* The numbers are part of the on-disk format and never change. */
START_TEST(test_numbers)
{
    ck_assert_int_eq(NDSHM_BOOL, 1);
    ck_assert_int_eq(NDSHM_INT8, 2);
    ck_assert_int_eq(NDSHM_INT16, 3);
    ck_assert_int_eq(NDSHM_INT32, 4);
    ck_assert_int_eq(NDSHM_INT64, 5);
    ck_assert_int_eq(NDSHM_UINT8, 6);
    ck_assert_int_eq(NDSHM_UINT16, 7);
    ck_assert_int_eq(NDSHM_UINT32, 8);
    ck_assert_int_eq(NDSHM_UINT64, 9);
    ck_assert_int_eq(NDSHM_FLOAT16, 10);
    ck_assert_int_eq(NDSHM_FLOAT32, 11);
    ck_assert_int_eq(NDSHM_FLOAT64, 12);
    ck_assert_int_eq(NDSHM_COMPLEX64, 13);
    ck_assert_int_eq(NDSHM_COMPLEX128, 14);
    ck_assert_int_eq(COUNT(types), 14);
}
END_TEST

/* A type's own name and descr parse back to it. */
START_TEST(test_round_trip)
{
    ndshm_dtype t = types[_i].dtype, got = 0;
    bool swap = true;
    ck_assert_int_eq(ndshm_dtype_parse(ndshm_dtype_name(t), &got), 0);
    ck_assert_int_eq(got, t);
    got = 0;
    ck_assert_int_eq(ndshm_dtype_parse(ndshm_dtype_descr(t), &got), 0);
    ck_assert_int_eq(got, t);
    got = 0;
    ck_assert_int_eq(ndshm__dtype_from_descr(ndshm_dtype_descr(t), &got,
                                             &swap),
                     0);
    ck_assert_int_eq(got, t);
    ck_assert(!swap);
}
END_TEST

static const int invalid[] = {0, -1, 15, 16, 100, 255, 256, INT_MAX, INT_MIN};

START_TEST(test_invalid_value)
{
    int v = invalid[_i];
    ck_assert(!ndshm__dtype_valid(v));
    ck_assert_ptr_null(ndshm_dtype_name((ndshm_dtype)v));
    ck_assert_ptr_null(ndshm_dtype_descr((ndshm_dtype)v));
    ck_assert_uint_eq(ndshm_dtype_size((ndshm_dtype)v), 0);
    ck_assert_int_eq(ndshm__dtype_kind((ndshm_dtype)v), '\0');
}
END_TEST

/* ndshm__dtype_from_descr accepts big-endian descrs and reports the swap. */
START_TEST(test_from_descr)
{
    const char *text = spellings[_i].text;
    ndshm_dtype got = 0;
    bool swap = !spellings[_i].swap;
    int rc = ndshm__dtype_from_descr(text, &got, &swap);
    if (spellings[_i].dtype == 0) {
        ck_assert_msg(rc == NDSHM_EINVAL, "'%s' accepted as %s", text,
                      rc == 0 ? ndshm_dtype_name(got) : "?");
        ck_assert_str_ne(ndshm_errmsg(), "");
        return;
    }
    ck_assert_msg(rc == 0, "'%s' refused: %s", text, ndshm_errmsg());
    ck_assert_msg((int)got == spellings[_i].dtype, "'%s' -> %s, want %s",
                  text, ndshm_dtype_name(got),
                  ndshm_dtype_name((ndshm_dtype)spellings[_i].dtype));
    ck_assert_msg(swap == spellings[_i].swap, "'%s': swap %d", text, swap);
}
END_TEST

/* ndshm_dtype_parse accepts the same but refuses big-endian data. */
START_TEST(test_parse)
{
    const char *text = spellings[_i].text;
    ndshm_dtype got = 0;
    int rc = ndshm_dtype_parse(text, &got);
    if (spellings[_i].dtype == 0 || spellings[_i].swap) {
        ck_assert_msg(rc == NDSHM_EINVAL, "'%s' accepted as %s", text,
                      rc == 0 ? ndshm_dtype_name(got) : "?");
        ck_assert_ptr_nonnull(strstr(ndshm_errmsg(), text));
        if (spellings[_i].swap)
            ck_assert_ptr_nonnull(strstr(ndshm_errmsg(), "big-endian"));
        return;
    }
    ck_assert_msg(rc == 0, "'%s' refused: %s", text, ndshm_errmsg());
    ck_assert_msg((int)got == spellings[_i].dtype, "'%s' -> %s, want %s",
                  text, ndshm_dtype_name(got),
                  ndshm_dtype_name((ndshm_dtype)spellings[_i].dtype));
}
END_TEST

START_TEST(test_parse_null)
{
    ndshm_dtype got;
    bool swap = true;
    ck_assert_int_eq(ndshm_dtype_parse(NULL, &got), NDSHM_EINVAL);
    ck_assert_str_ne(ndshm_errmsg(), "");
    ck_assert_int_eq(ndshm__dtype_from_descr(NULL, &got, &swap),
                     NDSHM_EINVAL);
    ck_assert(!swap);
}
END_TEST

/* "<float64" is refused as NumPy refuses it; the message says why. */
START_TEST(test_parse_message)
{
    ndshm_dtype got;
    ck_assert_int_eq(ndshm_dtype_parse("<float64", &got), NDSHM_EINVAL);
    ck_assert_ptr_nonnull(strstr(ndshm_errmsg(), "'<float64'"));
    ck_assert_int_eq(ndshm_dtype_parse("object", &got), NDSHM_EINVAL);
    ck_assert_ptr_nonnull(strstr(ndshm_errmsg(), "'object'"));
    ck_assert_int_eq(ndshm_dtype_parse(">f8", &got), NDSHM_EINVAL);
    ck_assert_ptr_nonnull(strstr(ndshm_errmsg(), "big-endian"));
}
END_TEST

Suite *dtype_suite(void)
{
    Suite *s = suite_create("dtype");
    TCase *tc = tcase_create("table");
    tcase_add_loop_test(tc, test_table, 0, COUNT(types));
    tcase_add_test(tc, test_numbers);
    tcase_add_loop_test(tc, test_round_trip, 0, COUNT(types));
    tcase_add_loop_test(tc, test_invalid_value, 0, COUNT(invalid));
    suite_add_tcase(s, tc);

    tc = tcase_create("parse");
    tcase_add_loop_test(tc, test_from_descr, 0, COUNT(spellings));
    tcase_add_loop_test(tc, test_parse, 0, COUNT(spellings));
    tcase_add_test(tc, test_parse_null);
    tcase_add_test(tc, test_parse_message);
    suite_add_tcase(s, tc);
    return s;
}
