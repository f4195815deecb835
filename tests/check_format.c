/*
 * check_format.c -- tools/format.c: fmt_numpy_str against str() of the same
 * NumPy 1.24 array, and fmt_json against the JSON Python writes (floats
 * as the NumPy scalar's shortest repr).  Rows cover every dtype, 0-d
 * arrays (NumPy scalar str), empty arrays, wrapping at 75 columns,
 * summarisation above 1000 elements in 1-d, 2-d and 3-d, positional vs
 * scientific switching, nan/inf padding, negative zero, complex parts,
 * bool alignment, extreme integers, and transposed, reversed (negative
 * stride) and stepped layouts.  The expected texts were printed by NumPy.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "suites.h"

#define MAXD 4

/*
 * One array: base is a C-contiguous array of dtype and shape holding the
 * values (whitespace-separated; "re,im" for complex), or, when values is
 * NULL, element i = i * mul + add (complex: imaginary part 2 * that - 1;
 * bool: i % 3 == 0; integers wrap to the dtype as NumPy's astype does),
 * with element poke_at set to poke when poke_set.  Then view applies, in
 * order: 'T' transposes, 'R' reverses axis 0 (a negative stride), 'S'
 * takes every second element of the last axis.
 */
struct fmt_row {
    ndshm_dtype dtype;
    int ndim;
    int64_t shape[MAXD];
    const char *values;
    double mul, add;
    bool poke_set;
    int64_t poke_at;
    double poke;
    const char *view;
    const char *want; /* str(a) */
    const char *json; /* NULL: not checked (summarised rows) */
};

static const struct fmt_row rows[] = {
    /* bool aligns True with a space */
    {.dtype = NDSHM_BOOL, .ndim = 1, .shape = {3}, .values = "1 0 1",
     .want = "[ True False  True]",
     .json = "[true, false, true]"},
    {.dtype = NDSHM_BOOL, .ndim = 2, .shape = {2, 2}, .values = "1 0 0 0",
     .want = "[[ True False]\n"
         " [False False]]",
     .json = "[[true, false], [false, false]]"},
    {.dtype = NDSHM_BOOL, .ndim = 1, .shape = {2}, .values = "0 0",
     .want = "[False False]",
     .json = "[false, false]"},
    {.dtype = NDSHM_BOOL, .ndim = 0, .values = "1",
     .want = "True",
     .json = "true"},
    {.dtype = NDSHM_BOOL, .ndim = 0, .values = "0",
     .want = "False",
     .json = "false"},
    /* the issue */
    {.dtype = NDSHM_INT64, .ndim = 1, .shape = {3}, .values = "1 10 3",
     .want = "[ 1 10  3]",
     .json = "[1, 10, 3]"},
    /* int8 min is 4 wide */
    {.dtype = NDSHM_INT8, .ndim = 1, .shape = {3}, .values = "-128 0 127",
     .want = "[-128    0  127]",
     .json = "[-128, 0, 127]"},
    {.dtype = NDSHM_INT16, .ndim = 1, .shape = {4},
     .values = "1 -2 300 -32768",
     .want = "[     1     -2    300 -32768]",
     .json = "[1, -2, 300, -32768]"},
    /* transposed */
    {.dtype = NDSHM_INT32, .ndim = 2, .shape = {2, 3},
     .values = "1 2 3 4 5 6", .view = "T",
     .want = "[[1 4]\n"
         " [2 5]\n"
         " [3 6]]",
     .json = "[[1, 4], [2, 5], [3, 6]]"},
    {.dtype = NDSHM_INT64, .ndim = 1, .shape = {2},
     .values = "-9223372036854775808 9223372036854775807",
     .want = "[-9223372036854775808  9223372036854775807]",
     .json = "[-9223372036854775808, 9223372036854775807]"},
    {.dtype = NDSHM_UINT8, .ndim = 1, .shape = {3}, .values = "0 7 255",
     .want = "[  0   7 255]",
     .json = "[0, 7, 255]"},
    {.dtype = NDSHM_UINT16, .ndim = 1, .shape = {2}, .values = "65535 1",
     .want = "[65535     1]",
     .json = "[65535, 1]"},
    {.dtype = NDSHM_UINT32, .ndim = 1, .shape = {2}, .values = "4294967295 0",
     .want = "[4294967295          0]",
     .json = "[4294967295, 0]"},
    /* big uint64 */
    {.dtype = NDSHM_UINT64, .ndim = 1, .shape = {2},
     .values = "0 18446744073709551615",
     .want = "[                   0 18446744073709551615]",
     .json = "[0, 18446744073709551615]"},
    {.dtype = NDSHM_INT64, .ndim = 0, .values = "-5",
     .want = "-5",
     .json = "-5"},
    {.dtype = NDSHM_UINT64, .ndim = 0, .values = "18446744073709551615",
     .want = "18446744073709551615",
     .json = "18446744073709551615"},
    {.dtype = NDSHM_INT8, .ndim = 0, .values = "-128",
     .want = "-128",
     .json = "-128"},
    /* negative stride */
    {.dtype = NDSHM_INT64, .ndim = 1, .shape = {5}, .values = "1 2 3 4 5",
     .view = "R",
     .want = "[5 4 3 2 1]",
     .json = "[5, 4, 3, 2, 1]"},
    /* negative and step strides */
    {.dtype = NDSHM_INT64, .ndim = 2, .shape = {3, 4}, .mul = 1.0,
     .view = "RS",
     .want = "[[ 8 10]\n"
         " [ 4  6]\n"
         " [ 0  2]]",
     .json = "[[8, 10], [4, 6], [0, 2]]"},
    /* 3-d transposed */
    {.dtype = NDSHM_INT32, .ndim = 3, .shape = {2, 3, 4}, .mul = 1.0,
     .view = "T",
     .want = "[[[ 0 12]\n"
         "  [ 4 16]\n"
         "  [ 8 20]]\n"
         "\n"
         " [[ 1 13]\n"
         "  [ 5 17]\n"
         "  [ 9 21]]\n"
         "\n"
         " [[ 2 14]\n"
         "  [ 6 18]\n"
         "  [10 22]]\n"
         "\n"
         " [[ 3 15]\n"
         "  [ 7 19]\n"
         "  [11 23]]]",
     .json = "[[[0, 12], [4, 16], [8, 20]], [[1, 13], [5, 17], [9, 21]], [[2, "
         "14], [6, 18], [10, 22]], [[3, 15], [7, 19], [11, 23]]]"},
    /* wraps at 75 columns */
    {.dtype = NDSHM_INT64, .ndim = 1, .shape = {40}, .mul = 1000001,
     .want = "[       0  1000001  2000002  3000003  4000004  5000005  6000006 "
         " 7000007\n"
         "  8000008  9000009 10000010 11000011 12000012 13000013 14000014 "
         "15000015\n"
         " 16000016 17000017 18000018 19000019 20000020 21000021 22000022 "
         "23000023\n"
         " 24000024 25000025 26000026 27000027 28000028 29000029 30000030 "
         "31000031\n"
         " 32000032 33000033 34000034 35000035 36000036 37000037 38000038 "
         "39000039]",
     .json = "[0, 1000001, 2000002, 3000003, 4000004, 5000005, 6000006, 700000"
         "7, 8000008, 9000009, 10000010, 11000011, 12000012, 13000013, 140"
         "00014, 15000015, 16000016, 17000017, 18000018, 19000019, 2000002"
         "0, 21000021, 22000022, 23000023, 24000024, 25000025, 26000026, 2"
         "7000027, 28000028, 29000029, 30000030, 31000031, 32000032, 33000"
         "033, 34000034, 35000035, 36000036, 37000037, 38000038, 39000039]"},
    /* 2-d wrapping keeps the hanging indent */
    {.dtype = NDSHM_INT16, .ndim = 2, .shape = {2, 20}, .mul = 997,
     .add = -9000,
     .want = "[[-9000 -8003 -7006 -6009 -5012 -4015 -3018 -2021 -1024   -27   "
         "970  1967\n"
         "   2964  3961  4958  5955  6952  7949  8946  9943]\n"
         " [10940 11937 12934 13931 14928 15925 16922 17919 18916 19913 20"
         "910 21907\n"
         "  22904 23901 24898 25895 26892 27889 28886 29883]]",
     .json = "[[-9000, -8003, -7006, -6009, -5012, -4015, -3018, -2021, -1024,"
         " -27, 970, 1967, 2964, 3961, 4958, 5955, 6952, 7949, 8946, 9943]"
         ", [10940, 11937, 12934, 13931, 14928, 15925, 16922, 17919, 18916"
         ", 19913, 20910, 21907, 22904, 23901, 24898, 25895, 26892, 27889,"
         " 28886, 29883]]"},
    /* blank line between 2-d blocks */
    {.dtype = NDSHM_INT64, .ndim = 3, .shape = {2, 3, 4}, .mul = 1.0,
     .want = "[[[ 0  1  2  3]\n"
         "  [ 4  5  6  7]\n"
         "  [ 8  9 10 11]]\n"
         "\n"
         " [[12 13 14 15]\n"
         "  [16 17 18 19]\n"
         "  [20 21 22 23]]]",
     .json = "[[[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]], [[12, 13, 14, 15]"
         ", [16, 17, 18, 19], [20, 21, 22, 23]]]"},
    /* two blank lines at the outer axis */
    {.dtype = NDSHM_INT64, .ndim = 4, .shape = {2, 2, 2, 2}, .mul = 1.0,
     .want = "[[[[ 0  1]\n"
         "   [ 2  3]]\n"
         "\n"
         "  [[ 4  5]\n"
         "   [ 6  7]]]\n"
         "\n"
         "\n"
         " [[[ 8  9]\n"
         "   [10 11]]\n"
         "\n"
         "  [[12 13]\n"
         "   [14 15]]]]",
     .json = "[[[[0, 1], [2, 3]], [[4, 5], [6, 7]]], [[[8, 9], [10, 11]], [[12"
         ", 13], [14, 15]]]]"},
    {.dtype = NDSHM_INT64, .ndim = 3, .shape = {1, 1, 1}, .values = "7",
     .want = "[[[7]]]",
     .json = "[[[7]]]"},
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {3},
     .values = "1.0 2.5 -3.0",
     .want = "[ 1.   2.5 -3. ]",
     .json = "[1.0, 2.5, -3.0]"},
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {3},
     .values = "0.1 0.25 0.3333333333333333",
     .want = "[0.1        0.25       0.33333333]",
     .json = "[0.1, 0.25, 0.3333333333333333]"},
    /* >= 1e8: scientific */
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {2},
     .values = "100000000.0 1.0",
     .want = "[1.e+08 1.e+00]",
     .json = "[100000000.0, 1.0]"},
    /* just below 1e8: positional */
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {2},
     .values = "99999999.0 1.0",
     .want = "[9.9999999e+07 1.0000000e+00]",
     .json = "[99999999.0, 1.0]"},
    /* 1e-4 is not < 1e-4 */
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {2},
     .values = "0.0001 0.001",
     .want = "[0.0001 0.001 ]",
     .json = "[0.0001, 0.001]"},
    /* < 1e-4: scientific */
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {2}, .values = "9e-05 0.5",
     .want = "[9.e-05 5.e-01]",
     .json = "[9e-05, 0.5]"},
    /* ratio > 1000: scientific */
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {2}, .values = "1.0 1001.0",
     .want = "[1.000e+00 1.001e+03]",
     .json = "[1.0, 1001.0]"},
    /* ratio 1000: positional */
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {2}, .values = "1.0 1000.0",
     .want = "[   1. 1000.]",
     .json = "[1.0, 1000.0]"},
    /* zeros ignored in min */
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {3},
     .values = "0.0 1e-05 0.0",
     .want = "[0.e+00 1.e-05 0.e+00]",
     .json = "[0.0, 1e-05, 0.0]"},
    /* nan/inf padded */
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {3}, .values = "nan 1.0 inf",
     .want = "[nan  1. inf]",
     .json = "[NaN, 1.0, Infinity]"},
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {2}, .values = "-inf 1.5",
     .want = "[-inf  1.5]",
     .json = "[-Infinity, 1.5]"},
    /* only non-finite */
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {3},
     .values = "-inf nan inf",
     .want = "[-inf  nan  inf]",
     .json = "[-Infinity, NaN, Infinity]"},
    /* negative zero */
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {2}, .values = "-0.0 0.0",
     .want = "[-0.  0.]",
     .json = "[-0.0, 0.0]"},
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {3},
     .values = "-0.0 -1.5 2.25",
     .want = "[-0.   -1.5   2.25]",
     .json = "[-0.0, -1.5, 2.25]"},
    /* nan padded to the scientific width */
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {2}, .values = "1e-300 nan",
     .want = "[1.e-300     nan]",
     .json = "[1e-300, NaN]"},
    /* 3-digit exponents */
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {3},
     .values = "1e+100 -1e-100 inf",
     .want = "[ 1.e+100 -1.e-100      inf]",
     .json = "[1e+100, -1e-100, Infinity]"},
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {2},
     .values = "123456789.0 0.5",
     .want = "[1.23456789e+08 5.00000000e-01]",
     .json = "[123456789.0, 0.5]"},
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {4},
     .values = "1.5 2.0 3.25 100.125",
     .want = "[  1.5     2.      3.25  100.125]",
     .json = "[1.5, 2.0, 3.25, 100.125]"},
    /* 8-digit cutoff, ties to even */
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {2},
     .values = "0.001953125 1.0",
     .want = "[0.00195312 1.        ]",
     .json = "[0.001953125, 1.0]"},
    /* carry at the cutoff */
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {2},
     .values = "9.9999999999 1.0",
     .want = "[10.  1.]",
     .json = "[9.9999999999, 1.0]"},
    {.dtype = NDSHM_FLOAT32, .ndim = 1, .shape = {3}, .values = "0.1 0.2 0.3",
     .want = "[0.1 0.2 0.3]",
     .json = "[0.1, 0.2, 0.3]"},
    /* ratio in float32 */
    {.dtype = NDSHM_FLOAT32, .ndim = 1, .shape = {2},
     .values = "1.0 1000.0001",
     .want = "[1.0000000e+00 1.0000001e+03]",
     .json = "[1.0, 1000.0001]"},
    {.dtype = NDSHM_FLOAT32, .ndim = 1, .shape = {3},
     .values = "3.4028234663852886e+38 -1.0 1.17549435e-38",
     .want = "[ 3.4028235e+38 -1.0000000e+00  1.1754944e-38]",
     .json = "[3.4028235e+38, -1.0, 1.1754944e-38]"},
    /* float16: 8224 with min_digits 0 */
    {.dtype = NDSHM_FLOAT16, .ndim = 1, .shape = {3},
     .values = "8224.0 1.5 -2.0",
     .want = "[ 8.22e+03  1.50e+00 -2.00e+00]",
     .json = "[8220.0, 1.5, -2.0]"},
    {.dtype = NDSHM_FLOAT16, .ndim = 1, .shape = {2}, .values = "0.1 65504.0",
     .want = "[1.00e-01 6.55e+04]",
     .json = "[0.1, 65500.0]"},
    {.dtype = NDSHM_FLOAT16, .ndim = 1, .shape = {3},
     .values = "nan -inf 6.1035156e-05",
     .want = "[      nan      -inf 6.104e-05]",
     .json = "[NaN, -Infinity, 6.104e-05]"},
    /* linspace(0, 1, 20) wraps */
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {20},
     .mul = 0.05263157894736842,
     .want = "[0.         0.05263158 0.10526316 0.15789474 0.21052632 0.263157"
         "89\n"
         " 0.31578947 0.36842105 0.42105263 0.47368421 0.52631579 0.578947"
         "37\n"
         " 0.63157895 0.68421053 0.73684211 0.78947368 0.84210526 0.894736"
         "84\n"
         " 0.94736842 1.        ]",
     .json = "[0.0, 0.05263157894736842, 0.10526315789473684, 0.15789473684210"
         "525, 0.21052631578947367, 0.2631578947368421, 0.3157894736842105"
         ", 0.3684210526315789, 0.42105263157894735, 0.47368421052631576, "
         "0.5263157894736842, 0.5789473684210527, 0.631578947368421, 0.684"
         "2105263157894, 0.7368421052631579, 0.7894736842105263, 0.8421052"
         "631578947, 0.894736842105263, 0.9473684210526315, 1.0]"},
    {.dtype = NDSHM_FLOAT64, .ndim = 2, .shape = {2, 2},
     .values = "1.5 nan -inf 2.0",
     .want = "[[ 1.5  nan]\n"
         " [-inf  2. ]]",
     .json = "[[1.5, NaN], [-Infinity, 2.0]]"},
    {.dtype = NDSHM_FLOAT64, .ndim = 3, .shape = {2, 3, 4}, .mul = 0.5,
     .want = "[[[ 0.   0.5  1.   1.5]\n"
         "  [ 2.   2.5  3.   3.5]\n"
         "  [ 4.   4.5  5.   5.5]]\n"
         "\n"
         " [[ 6.   6.5  7.   7.5]\n"
         "  [ 8.   8.5  9.   9.5]\n"
         "  [10.  10.5 11.  11.5]]]",
     .json = "[[[0.0, 0.5, 1.0, 1.5], [2.0, 2.5, 3.0, 3.5], [4.0, 4.5, 5.0, 5."
         "5]], [[6.0, 6.5, 7.0, 7.5], [8.0, 8.5, 9.0, 9.5], [10.0, 10.5, 1"
         "1.0, 11.5]]]"},
    {.dtype = NDSHM_FLOAT64, .ndim = 2, .shape = {3, 3},
     .values = "1.0 2.0 3.0 4.0 5.0 6.0 7.0 8.0 9.5", .view = "T",
     .want = "[[1.  4.  7. ]\n"
         " [2.  5.  8. ]\n"
         " [3.  6.  9.5]]",
     .json = "[[1.0, 4.0, 7.0], [2.0, 5.0, 8.0], [3.0, 6.0, 9.5]]"},
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {6},
     .values = "1e-08 2.0 3.0 4.0 5.0 6.0", .view = "R",
     .want = "[6.e+00 5.e+00 4.e+00 3.e+00 2.e+00 1.e-08]",
     .json = "[6.0, 5.0, 4.0, 3.0, 2.0, 1e-08]"},
    {.dtype = NDSHM_FLOAT64, .ndim = 0, .values = "1.0",
     .want = "1.0",
     .json = "1.0"},
    {.dtype = NDSHM_FLOAT64, .ndim = 0, .values = "nan",
     .want = "nan",
     .json = "NaN"},
    {.dtype = NDSHM_FLOAT64, .ndim = 0, .values = "-inf",
     .want = "-inf",
     .json = "-Infinity"},
    {.dtype = NDSHM_FLOAT64, .ndim = 0, .values = "1e-05",
     .want = "1e-05",
     .json = "1e-05"},
    {.dtype = NDSHM_FLOAT64, .ndim = 0, .values = "1e+16",
     .want = "1e+16",
     .json = "1e+16"},
    {.dtype = NDSHM_FLOAT64, .ndim = 0, .values = "9999999999999998.0",
     .want = "9999999999999998.0",
     .json = "9999999999999998.0"},
    {.dtype = NDSHM_FLOAT64, .ndim = 0, .values = "-0.0",
     .want = "-0.0",
     .json = "-0.0"},
    {.dtype = NDSHM_FLOAT64, .ndim = 0, .values = "0.1",
     .want = "0.1",
     .json = "0.1"},
    {.dtype = NDSHM_FLOAT64, .ndim = 0, .values = "123456.789",
     .want = "123456.789",
     .json = "123456.789"},
    {.dtype = NDSHM_FLOAT32, .ndim = 0, .values = "0.1",
     .want = "0.1",
     .json = "0.1"},
    {.dtype = NDSHM_FLOAT32, .ndim = 0, .values = "1e-05",
     .want = "1e-05",
     .json = "1e-05"},
    {.dtype = NDSHM_FLOAT16, .ndim = 0, .values = "8224.0",
     .want = "8220.0",
     .json = "8220.0"},
    {.dtype = NDSHM_FLOAT16, .ndim = 0, .values = "0.0001",
     .want = "0.0001",
     .json = "0.0001"},
    {.dtype = NDSHM_COMPLEX128, .ndim = 1, .shape = {2},
     .values = "1.0,2.0 3.0,-4.0",
     .want = "[1.+2.j 3.-4.j]",
     .json = "[[1.0, 2.0], [3.0, -4.0]]"},
    /* nan/inf parts */
    {.dtype = NDSHM_COMPLEX128, .ndim = 1, .shape = {3},
     .values = "nan,1.0 1.0,inf -inf,nan",
     .want = "[ nan +1.j   1.+infj -inf+nanj]",
     .json = "[[NaN, 1.0], [1.0, Infinity], [-Infinity, NaN]]"},
    {.dtype = NDSHM_COMPLEX128, .ndim = 1, .shape = {2},
     .values = "-0.0,-0.0 0.5,-0.0",
     .want = "[-0. -0.j  0.5-0.j]",
     .json = "[[-0.0, -0.0], [0.5, -0.0]]"},
    /* scientific real part */
    {.dtype = NDSHM_COMPLEX128, .ndim = 1, .shape = {2},
     .values = "10000000000.0,1.0 1.0,0.0",
     .want = "[1.e+10+1.j 1.e+00+0.j]",
     .json = "[[10000000000.0, 1.0], [1.0, 0.0]]"},
    {.dtype = NDSHM_COMPLEX128, .ndim = 1, .shape = {3},
     .values = "0.0,1.0 0.0,2.0 0.0,0.5",
     .want = "[0.+1.j  0.+2.j  0.+0.5j]",
     .json = "[[0.0, 1.0], [0.0, 2.0], [0.0, 0.5]]"},
    {.dtype = NDSHM_COMPLEX64, .ndim = 1, .shape = {2},
     .values = "0.1,0.2 3.0,1e-05",
     .want = "[0.1+2.e-01j 3. +1.e-05j]",
     .json = "[[0.1, 0.2], [3.0, 1e-05]]"},
    {.dtype = NDSHM_COMPLEX128, .ndim = 2, .shape = {2, 2},
     .values = "1.0,1.0 2.0,2.0 3.0,3.0 4.0,4.0", .view = "T",
     .want = "[[1.+1.j 3.+3.j]\n"
         " [2.+2.j 4.+4.j]]",
     .json = "[[[1.0, 1.0], [3.0, 3.0]], [[2.0, 2.0], [4.0, 4.0]]]"},
    /* complex line wrapping */
    {.dtype = NDSHM_COMPLEX128, .ndim = 1, .shape = {12}, .mul = 1.5,
     .want = "[ 0.  -1.j  1.5 +2.j  3.  +5.j  4.5 +8.j  6. +11.j  7.5+14.j  9."
         " +17.j\n"
         " 10.5+20.j 12. +23.j 13.5+26.j 15. +29.j 16.5+32.j]",
     .json = "[[0.0, -1.0], [1.5, 2.0], [3.0, 5.0], [4.5, 8.0], [6.0, 11.0], ["
         "7.5, 14.0], [9.0, 17.0], [10.5, 20.0], [12.0, 23.0], [13.5, 26.0"
         "], [15.0, 29.0], [16.5, 32.0]]"},
    {.dtype = NDSHM_COMPLEX128, .ndim = 0, .values = "1.0,2.0",
     .want = "(1+2j)",
     .json = "[1.0, 2.0]"},
    {.dtype = NDSHM_COMPLEX128, .ndim = 0, .values = "0.0,2.0",
     .want = "2j",
     .json = "[0.0, 2.0]"},
    {.dtype = NDSHM_COMPLEX128, .ndim = 0, .values = "-0.0,2.0",
     .want = "(-0+2j)",
     .json = "[-0.0, 2.0]"},
    {.dtype = NDSHM_COMPLEX128, .ndim = 0, .values = "0.0,-2.0",
     .want = "-2j",
     .json = "[0.0, -2.0]"},
    {.dtype = NDSHM_COMPLEX128, .ndim = 0, .values = "nan,nan",
     .want = "(nan+nanj)",
     .json = "[NaN, NaN]"},
    {.dtype = NDSHM_COMPLEX128, .ndim = 0, .values = "1.5,-0.0",
     .want = "(1.5-0j)",
     .json = "[1.5, -0.0]"},
    {.dtype = NDSHM_COMPLEX128, .ndim = 0, .values = "0.0,inf",
     .want = "infj",
     .json = "[0.0, Infinity]"},
    {.dtype = NDSHM_COMPLEX128, .ndim = 0, .values = "1e+20,1e-05",
     .want = "(1e+20+1e-05j)",
     .json = "[1e+20, 1e-05]"},
    {.dtype = NDSHM_COMPLEX64, .ndim = 0, .values = "0.1,-0.2",
     .want = "(0.1-0.2j)",
     .json = "[0.1, -0.2]"},
    {.dtype = NDSHM_COMPLEX128, .ndim = 0, .values = "0.0,0.0",
     .want = "0j",
     .json = "[0.0, 0.0]"},
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {0}, .values = "",
     .want = "[]",
     .json = "[]"},
    {.dtype = NDSHM_INT64, .ndim = 2, .shape = {2, 0}, .values = "",
     .want = "[]",
     .json = "[[], []]"},
    {.dtype = NDSHM_COMPLEX64, .ndim = 2, .shape = {0, 3}, .values = "",
     .want = "[]",
     .json = "[]"},
    {.dtype = NDSHM_BOOL, .ndim = 1, .shape = {0}, .values = "",
     .want = "[]",
     .json = "[]"},
    {.dtype = NDSHM_UINT8, .ndim = 3, .shape = {3, 0, 2}, .values = "",
     .want = "[]",
     .json = "[[], [], []]"},
    /* 1-d summary */
    {.dtype = NDSHM_INT64, .ndim = 1, .shape = {2000}, .mul = 1.0,
     .want = "[   0    1    2 ... 1997 1998 1999]"},
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {1001}, .mul = 0.5,
     .want = "[  0.    0.5   1.  ... 499.  499.5 500. ]"},
    /* 2-d summary */
    {.dtype = NDSHM_INT64, .ndim = 2, .shape = {40, 50}, .mul = 1.0,
     .want = "[[   0    1    2 ...   47   48   49]\n"
         " [  50   51   52 ...   97   98   99]\n"
         " [ 100  101  102 ...  147  148  149]\n"
         " ...\n"
         " [1850 1851 1852 ... 1897 1898 1899]\n"
         " [1900 1901 1902 ... 1947 1948 1949]\n"
         " [1950 1951 1952 ... 1997 1998 1999]]"},
    /* 3-d summary */
    {.dtype = NDSHM_INT64, .ndim = 3, .shape = {10, 15, 20}, .mul = 1.0,
     .want = "[[[   0    1    2 ...   17   18   19]\n"
         "  [  20   21   22 ...   37   38   39]\n"
         "  [  40   41   42 ...   57   58   59]\n"
         "  ...\n"
         "  [ 240  241  242 ...  257  258  259]\n"
         "  [ 260  261  262 ...  277  278  279]\n"
         "  [ 280  281  282 ...  297  298  299]]\n"
         "\n"
         " [[ 300  301  302 ...  317  318  319]\n"
         "  [ 320  321  322 ...  337  338  339]\n"
         "  [ 340  341  342 ...  357  358  359]\n"
         "  ...\n"
         "  [ 540  541  542 ...  557  558  559]\n"
         "  [ 560  561  562 ...  577  578  579]\n"
         "  [ 580  581  582 ...  597  598  599]]\n"
         "\n"
         " [[ 600  601  602 ...  617  618  619]\n"
         "  [ 620  621  622 ...  637  638  639]\n"
         "  [ 640  641  642 ...  657  658  659]\n"
         "  ...\n"
         "  [ 840  841  842 ...  857  858  859]\n"
         "  [ 860  861  862 ...  877  878  879]\n"
         "  [ 880  881  882 ...  897  898  899]]\n"
         "\n"
         " ...\n"
         "\n"
         " [[2100 2101 2102 ... 2117 2118 2119]\n"
         "  [2120 2121 2122 ... 2137 2138 2139]\n"
         "  [2140 2141 2142 ... 2157 2158 2159]\n"
         "  ...\n"
         "  [2340 2341 2342 ... 2357 2358 2359]\n"
         "  [2360 2361 2362 ... 2377 2378 2379]\n"
         "  [2380 2381 2382 ... 2397 2398 2399]]\n"
         "\n"
         " [[2400 2401 2402 ... 2417 2418 2419]\n"
         "  [2420 2421 2422 ... 2437 2438 2439]\n"
         "  [2440 2441 2442 ... 2457 2458 2459]\n"
         "  ...\n"
         "  [2640 2641 2642 ... 2657 2658 2659]\n"
         "  [2660 2661 2662 ... 2677 2678 2679]\n"
         "  [2680 2681 2682 ... 2697 2698 2699]]\n"
         "\n"
         " [[2700 2701 2702 ... 2717 2718 2719]\n"
         "  [2720 2721 2722 ... 2737 2738 2739]\n"
         "  [2740 2741 2742 ... 2757 2758 2759]\n"
         "  ...\n"
         "  [2940 2941 2942 ... 2957 2958 2959]\n"
         "  [2960 2961 2962 ... 2977 2978 2979]\n"
         "  [2980 2981 2982 ... 2997 2998 2999]]]"},
    /* exactly 1000: no summary */
    {.dtype = NDSHM_INT8, .ndim = 1, .shape = {1000}, .mul = 1,
     .want = "[   0    1    2    3    4    5    6    7    8    9   10   11   1"
         "2   13\n"
         "   14   15   16   17   18   19   20   21   22   23   24   25   2"
         "6   27\n"
         "   28   29   30   31   32   33   34   35   36   37   38   39   4"
         "0   41\n"
         "   42   43   44   45   46   47   48   49   50   51   52   53   5"
         "4   55\n"
         "   56   57   58   59   60   61   62   63   64   65   66   67   6"
         "8   69\n"
         "   70   71   72   73   74   75   76   77   78   79   80   81   8"
         "2   83\n"
         "   84   85   86   87   88   89   90   91   92   93   94   95   9"
         "6   97\n"
         "   98   99  100  101  102  103  104  105  106  107  108  109  11"
         "0  111\n"
         "  112  113  114  115  116  117  118  119  120  121  122  123  12"
         "4  125\n"
         "  126  127 -128 -127 -126 -125 -124 -123 -122 -121 -120 -119 -11"
         "8 -117\n"
         " -116 -115 -114 -113 -112 -111 -110 -109 -108 -107 -106 -105 -10"
         "4 -103\n"
         " -102 -101 -100  -99  -98  -97  -96  -95  -94  -93  -92  -91  -9"
         "0  -89\n"
         "  -88  -87  -86  -85  -84  -83  -82  -81  -80  -79  -78  -77  -7"
         "6  -75\n"
         "  -74  -73  -72  -71  -70  -69  -68  -67  -66  -65  -64  -63  -6"
         "2  -61\n"
         "  -60  -59  -58  -57  -56  -55  -54  -53  -52  -51  -50  -49  -4"
         "8  -47\n"
         "  -46  -45  -44  -43  -42  -41  -40  -39  -38  -37  -36  -35  -3"
         "4  -33\n"
         "  -32  -31  -30  -29  -28  -27  -26  -25  -24  -23  -22  -21  -2"
         "0  -19\n"
         "  -18  -17  -16  -15  -14  -13  -12  -11  -10   -9   -8   -7   -"
         "6   -5\n"
         "   -4   -3   -2   -1    0    1    2    3    4    5    6    7    "
         "8    9\n"
         "   10   11   12   13   14   15   16   17   18   19   20   21   2"
         "2   23\n"
         "   24   25   26   27   28   29   30   31   32   33   34   35   3"
         "6   37\n"
         "   38   39   40   41   42   43   44   45   46   47   48   49   5"
         "0   51\n"
         "   52   53   54   55   56   57   58   59   60   61   62   63   6"
         "4   65\n"
         "   66   67   68   69   70   71   72   73   74   75   76   77   7"
         "8   79\n"
         "   80   81   82   83   84   85   86   87   88   89   90   91   9"
         "2   93\n"
         "   94   95   96   97   98   99  100  101  102  103  104  105  10"
         "6  107\n"
         "  108  109  110  111  112  113  114  115  116  117  118  119  12"
         "0  121\n"
         "  122  123  124  125  126  127 -128 -127 -126 -125 -124 -123 -12"
         "2 -121\n"
         " -120 -119 -118 -117 -116 -115 -114 -113 -112 -111 -110 -109 -10"
         "8 -107\n"
         " -106 -105 -104 -103 -102 -101 -100  -99  -98  -97  -96  -95  -9"
         "4  -93\n"
         "  -92  -91  -90  -89  -88  -87  -86  -85  -84  -83  -82  -81  -8"
         "0  -79\n"
         "  -78  -77  -76  -75  -74  -73  -72  -71  -70  -69  -68  -67  -6"
         "6  -65\n"
         "  -64  -63  -62  -61  -60  -59  -58  -57  -56  -55  -54  -53  -5"
         "2  -51\n"
         "  -50  -49  -48  -47  -46  -45  -44  -43  -42  -41  -40  -39  -3"
         "8  -37\n"
         "  -36  -35  -34  -33  -32  -31  -30  -29  -28  -27  -26  -25  -2"
         "4  -23\n"
         "  -22  -21  -20  -19  -18  -17  -16  -15  -14  -13  -12  -11  -1"
         "0   -9\n"
         "   -8   -7   -6   -5   -4   -3   -2   -1    0    1    2    3    "
         "4    5\n"
         "    6    7    8    9   10   11   12   13   14   15   16   17   1"
         "8   19\n"
         "   20   21   22   23   24   25   26   27   28   29   30   31   3"
         "2   33\n"
         "   34   35   36   37   38   39   40   41   42   43   44   45   4"
         "6   47\n"
         "   48   49   50   51   52   53   54   55   56   57   58   59   6"
         "0   61\n"
         "   62   63   64   65   66   67   68   69   70   71   72   73   7"
         "4   75\n"
         "   76   77   78   79   80   81   82   83   84   85   86   87   8"
         "8   89\n"
         "   90   91   92   93   94   95   96   97   98   99  100  101  10"
         "2  103\n"
         "  104  105  106  107  108  109  110  111  112  113  114  115  11"
         "6  117\n"
         "  118  119  120  121  122  123  124  125  126  127 -128 -127 -12"
         "6 -125\n"
         " -124 -123 -122 -121 -120 -119 -118 -117 -116 -115 -114 -113 -11"
         "2 -111\n"
         " -110 -109 -108 -107 -106 -105 -104 -103 -102 -101 -100  -99  -9"
         "8  -97\n"
         "  -96  -95  -94  -93  -92  -91  -90  -89  -88  -87  -86  -85  -8"
         "4  -83\n"
         "  -82  -81  -80  -79  -78  -77  -76  -75  -74  -73  -72  -71  -7"
         "0  -69\n"
         "  -68  -67  -66  -65  -64  -63  -62  -61  -60  -59  -58  -57  -5"
         "6  -55\n"
         "  -54  -53  -52  -51  -50  -49  -48  -47  -46  -45  -44  -43  -4"
         "2  -41\n"
         "  -40  -39  -38  -37  -36  -35  -34  -33  -32  -31  -30  -29  -2"
         "8  -27\n"
         "  -26  -25  -24  -23  -22  -21  -20  -19  -18  -17  -16  -15  -1"
         "4  -13\n"
         "  -12  -11  -10   -9   -8   -7   -6   -5   -4   -3   -2   -1    "
         "0    1\n"
         "    2    3    4    5    6    7    8    9   10   11   12   13   1"
         "4   15\n"
         "   16   17   18   19   20   21   22   23   24   25   26   27   2"
         "8   29\n"
         "   30   31   32   33   34   35   36   37   38   39   40   41   4"
         "2   43\n"
         "   44   45   46   47   48   49   50   51   52   53   54   55   5"
         "6   57\n"
         "   58   59   60   61   62   63   64   65   66   67   68   69   7"
         "0   71\n"
         "   72   73   74   75   76   77   78   79   80   81   82   83   8"
         "4   85\n"
         "   86   87   88   89   90   91   92   93   94   95   96   97   9"
         "8   99\n"
         "  100  101  102  103  104  105  106  107  108  109  110  111  11"
         "2  113\n"
         "  114  115  116  117  118  119  120  121  122  123  124  125  12"
         "6  127\n"
         " -128 -127 -126 -125 -124 -123 -122 -121 -120 -119 -118 -117 -11"
         "6 -115\n"
         " -114 -113 -112 -111 -110 -109 -108 -107 -106 -105 -104 -103 -10"
         "2 -101\n"
         " -100  -99  -98  -97  -96  -95  -94  -93  -92  -91  -90  -89  -8"
         "8  -87\n"
         "  -86  -85  -84  -83  -82  -81  -80  -79  -78  -77  -76  -75  -7"
         "4  -73\n"
         "  -72  -71  -70  -69  -68  -67  -66  -65  -64  -63  -62  -61  -6"
         "0  -59\n"
         "  -58  -57  -56  -55  -54  -53  -52  -51  -50  -49  -48  -47  -4"
         "6  -45\n"
         "  -44  -43  -42  -41  -40  -39  -38  -37  -36  -35  -34  -33  -3"
         "2  -31\n"
         "  -30  -29  -28  -27  -26  -25]"},
    /* 1001 elements, both axes summarised */
    {.dtype = NDSHM_INT64, .ndim = 2, .shape = {7, 143}, .mul = 1.0,
     .want = "[[   0    1    2 ...  140  141  142]\n"
         " [ 143  144  145 ...  283  284  285]\n"
         " [ 286  287  288 ...  426  427  428]\n"
         " ...\n"
         " [ 572  573  574 ...  712  713  714]\n"
         " [ 715  716  717 ...  855  856  857]\n"
         " [ 858  859  860 ...  998  999 1000]]"},
    /* only the long axis summarised */
    {.dtype = NDSHM_INT64, .ndim = 2, .shape = {2, 501}, .mul = 1.0,
     .want = "[[   0    1    2 ...  498  499  500]\n"
         " [ 501  502  503 ...  999 1000 1001]]"},
    /* hidden elements do not set the format */
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {2000}, .mul = 1.0,
     .poke_set = true, .poke_at = 1000, .poke = 10000000000.0,
     .want = "[0.000e+00 1.000e+00 2.000e+00 ... 1.997e+03 1.998e+03 1.999e+03"
         "]"},
    /* nan among the shown elements */
    {.dtype = NDSHM_FLOAT64, .ndim = 1, .shape = {2000}, .mul = 1.0,
     .poke_set = true, .poke_at = 1998, .poke = NAN,
     .want = "[0.000e+00 1.000e+00 2.000e+00 ... 1.997e+03       nan 1.999e+03"
         "]"},
    {.dtype = NDSHM_BOOL, .ndim = 1, .shape = {1001}, .mul = 1,
     .want = "[ True False False ... False  True False]"},
    {.dtype = NDSHM_COMPLEX128, .ndim = 1, .shape = {1001}, .mul = 0.25,
     .want = "[  0.    -1.j    0.25  -0.5j   0.5   +0.j  ... 249.5 +498.j  249"
         ".75+498.5j\n"
         " 250.  +499.j ]"},
    /* summary of a reversed array */
    {.dtype = NDSHM_INT64, .ndim = 1, .shape = {2000}, .mul = 1.0,
     .view = "R",
     .want = "[1999 1998 1997 ...    2    1    0]"},
    /* summary of a strided array */
    {.dtype = NDSHM_FLOAT32, .ndim = 1, .shape = {3000}, .mul = 0.001,
     .view = "S",
     .want = "[0.000e+00 2.000e-03 4.000e-03 ... 2.994e+00 2.996e+00 2.998e+00"
         "]"},
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int kind(ndshm_dtype t)
{
    switch (t) {
    case NDSHM_BOOL: return 'b';
    case NDSHM_UINT8: case NDSHM_UINT16: case NDSHM_UINT32:
    case NDSHM_UINT64: return 'u';
    case NDSHM_INT8: case NDSHM_INT16: case NDSHM_INT32:
    case NDSHM_INT64: return 'i';
    case NDSHM_FLOAT16: case NDSHM_FLOAT32: case NDSHM_FLOAT64: return 'f';
    default: return 'c';
    }
}

/* Store element i of the row's base array into dst (of the row's dtype). */
static void put_elem(const struct fmt_row *r, int64_t i, const char **cur,
                     unsigned char *dst)
{
    ndshm_dtype t = r->dtype;
    size_t size = ndshm_dtype_size(t);
    char *end;
    if (r->values) {
        const char *p = *cur;
        if (kind(t) == 'u') {
            uint64_t u = strtoull(p, &end, 10);
            ck_assert(ndshm_convert(t, dst, NDSHM_UINT64, &u, 1) == 0);
        } else if (kind(t) == 'i' || kind(t) == 'b') {
            int64_t v = strtoll(p, &end, 10);
            ck_assert(ndshm_convert(t, dst, NDSHM_INT64, &v, 1) == 0);
        } else if (kind(t) == 'f') {
            double d = strtod(p, &end);
            ck_assert(ndshm_convert(t, dst, NDSHM_FLOAT64, &d, 1) == 0);
        } else {
            double c[2];
            c[0] = strtod(p, &end);
            ck_assert(*end == ',');
            c[1] = strtod(end + 1, &end);
            ck_assert(ndshm_convert(t, dst, NDSHM_COMPLEX128, c, 1) == 0);
        }
        ck_assert_msg(end != p, "bad values text at '%s'", p);
        *cur = end;
        return;
    }
    double d = (double)i * r->mul + r->add;
    if (r->poke_set && i == r->poke_at)
        d = r->poke;
    switch (kind(t)) {
    case 'b': *dst = i % 3 == 0; break;
    case 'i':
    case 'u': {
        /* the low bytes of the int64: two's complement wrapping */
        int64_t v = (int64_t)d;
        memcpy(dst, &v, size);
        break;
    }
    case 'f':
        ck_assert(ndshm_convert(t, dst, NDSHM_FLOAT64, &d, 1) == 0);
        break;
    default: {
        double c[2] = {d, d * 2 - 1};
        ck_assert(ndshm_convert(t, dst, NDSHM_COMPLEX128, c, 1) == 0);
        break;
    }
    }
}

/* Build the row's array; returns the malloc'd base buffer. */
static unsigned char *build(const struct fmt_row *r, int64_t *shape,
                            int64_t *strides, const void **data)
{
    size_t size = ndshm_dtype_size(r->dtype);
    int64_t n = 1;
    for (int k = 0; k < r->ndim; k++)
        n *= r->shape[k];
    unsigned char *buf = malloc(n ? (size_t)n * size : 1);
    ck_assert_ptr_nonnull(buf);
    const char *cur = r->values;
    for (int64_t i = 0; i < n; i++)
        put_elem(r, i, &cur, buf + (size_t)i * size);
    if (r->values) {
        while (*cur == ' ')
            cur++;
        ck_assert_msg(*cur == '\0', "values left over: '%s'", cur);
    }
    int64_t s = (int64_t)size;
    for (int k = r->ndim - 1; k >= 0; k--) {
        shape[k] = r->shape[k];
        strides[k] = s;
        s *= r->shape[k];
    }
    unsigned char *p = buf;
    for (const char *op = r->view ? r->view : ""; *op; op++) {
        int last = r->ndim - 1;
        if (*op == 'T') {
            for (int k = 0; k < r->ndim / 2; k++) {
                int64_t t = shape[k];
                shape[k] = shape[last - k];
                shape[last - k] = t;
                t = strides[k];
                strides[k] = strides[last - k];
                strides[last - k] = t;
            }
        } else if (*op == 'R') {
            p += (shape[0] - 1) * strides[0];
            strides[0] = -strides[0];
        } else if (*op == 'S') {
            shape[last] = (shape[last] + 1) / 2;
            strides[last] *= 2;
        }
    }
    *data = p;
    return buf;
}

/* The first line where got and want differ, for the failure message. */
static void first_difference(const char *got, const char *want, char *out,
                             size_t cap)
{
    int line = 1;
    const char *g = got, *w = want, *gl = got, *wl = want;
    while (*g && *g == *w) {
        if (*g == '\n') {
            line++;
            gl = g + 1;
            wl = w + 1;
        }
        g++;
        w++;
    }
    snprintf(out, cap, "line %d: got '%.*s', NumPy '%.*s'", line,
             (int)strcspn(gl, "\n"), gl, (int)strcspn(wl, "\n"), wl);
}

START_TEST(test_numpy_str)
{
    const struct fmt_row *r = &rows[_i];
    int64_t shape[MAXD], strides[MAXD];
    const void *data;
    unsigned char *buf = build(r, shape, strides, &data);
    struct fmt_array a = {r->dtype, r->ndim, shape, strides, data};
    char *got = fmt_numpy_str(&a);
    ck_assert_ptr_nonnull(got);
    char diff[400];
    first_difference(got, r->want, diff, sizeof diff);
    ck_assert_msg(strcmp(got, r->want) == 0,
                  "row %d (%s, ndim %d, view '%s'): %s\n--- got:\n%s\n"
                  "--- NumPy:\n%s",
                  _i, ndshm_dtype_name(r->dtype), r->ndim,
                  r->view ? r->view : "", diff, got, r->want);
    free(got);
    free(buf);
}
END_TEST

START_TEST(test_json)
{
    const struct fmt_row *r = &rows[_i];
    if (r->json == NULL)
        return;
    int64_t shape[MAXD], strides[MAXD];
    const void *data;
    unsigned char *buf = build(r, shape, strides, &data);
    struct fmt_array a = {r->dtype, r->ndim, shape, strides, data};
    char *got = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&got, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fmt_json(f, &a), 0);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_msg(strcmp(got, r->json) == 0,
                  "row %d (%s): fmt_json gave\n%s\nwant\n%s", _i,
                  ndshm_dtype_name(r->dtype), got, r->json);
    free(got);
    free(buf);
}
END_TEST

/* A large summarised array formats only what it shows: fast and small. */
START_TEST(test_summary_of_large_array)
{
    int64_t shape[1] = {10000000}, strides[1] = {0};
    double one = 1.5;
    struct fmt_array a = {NDSHM_FLOAT64, 1, shape, strides, &one};
    char *got = fmt_numpy_str(&a);
    ck_assert_ptr_nonnull(got);
    ck_assert_str_eq(got, "[1.5 1.5 1.5 ... 1.5 1.5 1.5]");
    free(got);
}
END_TEST

/* JSON of floats reads back as the same value of its own type. */
START_TEST(test_json_round_trips)
{
    static const double v[] = {0.1, 1.0 / 3, 1e-300, 5e-324, 1e16, 1e22,
                               123456789.125, -2.5e-5, 8224.0, 65504.0,
                               1.7976931348623157e308};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
        for (int t = 0; t < 3; t++) {
            ndshm_dtype dt = t == 0   ? NDSHM_FLOAT64
                             : t == 1 ? NDSHM_FLOAT32
                                      : NDSHM_FLOAT16;
            unsigned char x[8];
            double in = v[k], back;
            if (ndshm_convert(dt, x, NDSHM_FLOAT64, &in, 1) != 0)
                continue; /* out of the type's range */
            ck_assert(ndshm_convert(NDSHM_FLOAT64, &in, dt, x, 1) == 0);
            struct fmt_array a = {dt, 0, NULL, NULL, x};
            char *got = NULL;
            size_t len = 0;
            FILE *f = open_memstream(&got, &len);
            ck_assert_ptr_nonnull(f);
            ck_assert_int_eq(fmt_json(f, &a), 0);
            fclose(f);
            if (dt == NDSHM_FLOAT32)
                back = strtof(got, NULL);
            else
                back = strtod(got, NULL);
            if (dt == NDSHM_FLOAT16) {
                unsigned char h[2];
                ck_assert(ndshm_convert(NDSHM_FLOAT16, h, NDSHM_FLOAT64,
                                        &back, 1) == 0);
                ck_assert(ndshm_convert(NDSHM_FLOAT64, &back, NDSHM_FLOAT16,
                                        h, 1) == 0);
            }
            ck_assert_msg(back == in, "%s %a printed as %s reads back as %a",
                          ndshm_dtype_name(dt), in, got, back);
            free(got);
        }
    }
}
END_TEST

Suite *format_suite(void)
{
    Suite *s = suite_create("format");
    TCase *tc = tcase_create("numpy");
    tcase_add_loop_test(tc, test_numpy_str, 0, COUNT(rows));
    tcase_add_loop_test(tc, test_json, 0, COUNT(rows));
    tcase_add_test(tc, test_summary_of_large_array);
    tcase_add_test(tc, test_json_round_trips);
    suite_add_tcase(s, tc);
    return s;
}
