/*
 * check_floatfmt.c -- tools/floatfmt.c: ff_format against NumPy's
 * dragon4_positional/dragon4_scientific (unique digits, fractional
 * cutoff) for float16/32/64, every trim mode, precision cutoffs that round
 * ties to even, carries (9.999 -> 10.), min_digits padding, signs and
 * padding; ff_repr against str() of NumPy scalars; ff_round_to; buffer
 * limits.  Every expected string was printed by NumPy 1.24.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floatfmt.h"
#include "ndshm.h"
#include "shortest.h"
#include "suites.h"

/* Short names for the trim modes, to keep the table rows on one line. */
#define K FF_TRIM_KEEP
#define P FF_TRIM_POINT
#define Z FF_TRIM_ONE_ZERO
#define D FF_TRIM_DPT_ZEROS

struct fmt_case {
    double v; /* exactly a value of the float type of bits */
    int bits;
    bool scientific;
    int precision, min_digits;
    enum ff_trim trim;
    int sign, pad_left, pad_right, exp_digits;
    const char *want; /* NumPy's dragon4_positional/_scientific */
};

/*
 * value, bits, scientific, precision, min_digits, trim, sign, pad_left,
 * pad_right, exp_digits, NumPy's output (unique=True, fractional=True)
 */
static const struct fmt_case fmt_cases[] = {
    /* 0.1 */
    {0x1.999999999999ap-4, 64, false, -1, -1, K, 0, -1, -1, -1, "0.1"},
    /* 0.1 */
    {0x1.99999a0000000p-4, 32, false, -1, -1, K, 0, -1, -1, -1, "0.1"},
    /* 0.1 */
    {0x1.9980000000000p-4, 16, false, -1, -1, K, 0, -1, -1, -1, "0.1"},
    /* 0.3333333333333333 */
    {0x1.5555555555555p-2, 64, false, -1, -1, K, 0, -1, -1, -1,
     "0.3333333333333333"},
    /* 0.33333334 */
    {0x1.5555560000000p-2, 32, false, -1, -1, K, 0, -1, -1, -1, "0.33333334"},
    /* 0.3333 */
    {0x1.5540000000000p-2, 16, false, -1, -1, K, 0, -1, -1, -1, "0.3333"},
    /* 3.141592653589793 */
    {0x1.921fb54442d18p+1, 64, false, -1, -1, P, 0, -1, -1, -1,
     "3.141592653589793"},
    /* 3.1415927 */
    {0x1.921fb60000000p+1, 32, false, -1, -1, P, 0, -1, -1, -1, "3.1415927"},
    /* 3.14 */
    {0x1.9200000000000p+1, 16, false, -1, -1, P, 0, -1, -1, -1, "3.14"},
    /* 6e-08 */
    {0x1.0000000000000p-24, 16, false, -1, -1, P, 0, -1, -1, -1, "0.00000006"},
    /* 65500.0 */
    {0x1.ffc0000000000p+15, 16, false, -1, -1, P, 0, -1, -1, -1, "65500."},
    /* 3.4028235e+38 */
    {0x1.fffffe0000000p+127, 32, false, -1, -1, P, 0, -1, -1, -1,
     "340282350000000000000000000000000000000."},
    /* 5e-324 */
    {0x0.0000000000001p-1022, 64, false, -1, -1, P, 0, -1, -1, -1,
     "0.00000000000000000000000000000000000000000000000000000000000000"
     "0000000000000000000000000000000000000000000000000000000000000000"
     "0000000000000000000000000000000000000000000000000000000000000000"
     "0000000000000000000000000000000000000000000000000000000000000000"
     "0000000000000000000000000000000000000000000000000000000000000000"
     "000005"},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, false, -1, -1, K, 0, -1, -1, -1, "1."},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, false, -1, -1, P, 0, -1, -1, -1, "1."},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, false, -1, -1, Z, 0, -1, -1, -1, "1.0"},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, false, -1, -1, D, 0, -1, -1, -1, "1"},
    /* 0.0 */
    {0.0, 64, false, -1, -1, Z, 0, -1, -1, -1, "0.0"},
    /* -0.0 */
    {-0.0, 64, false, -1, -1, P, 0, -1, -1, -1, "-0."},
    /* -0.0 */
    {-0.0, 64, false, -1, -1, D, 0, -1, -1, -1, "-0"},
    /* 100.0 */
    {0x1.9000000000000p+6, 64, false, -1, -1, D, 0, -1, -1, -1, "100"},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, true, -1, -1, K, 0, -1, -1, -1, "1.e+00"},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, true, -1, -1, P, 0, -1, -1, -1, "1.e+00"},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, true, -1, -1, Z, 0, -1, -1, -1, "1.0e+00"},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, true, -1, -1, D, 0, -1, -1, -1, "1e+00"},
    /* 0.0 */
    {0.0, 64, true, -1, -1, P, 0, -1, -1, -1, "0.e+00"},
    /* -0.0 */
    {-0.0, 64, true, -1, -1, D, 0, -1, -1, -1, "-0e+00"},
    /* 1e-05 */
    {0x1.4f8b588e368f1p-17, 64, true, -1, -1, D, 0, -1, -1, -1, "1e-05"},
    /* 1e+16 */
    {0x1.1c37937e08000p+53, 64, true, -1, -1, D, 0, -1, -1, -1, "1e+16"},
    /* 0.001953125 */
    {0x1.0000000000000p-9, 64, false, 8, -1, P, 0, -1, -1, -1, "0.00195312"},
    /* 0.005859375 */
    {0x1.8000000000000p-8, 64, false, 8, -1, P, 0, -1, -1, -1, "0.00585938"},
    /* 0.125 */
    {0x1.0000000000000p-3, 64, false, 2, -1, P, 0, -1, -1, -1, "0.12"},
    /* 0.375 */
    {0x1.8000000000000p-2, 64, false, 2, -1, P, 0, -1, -1, -1, "0.38"},
    /* 2.5 */
    {0x1.4000000000000p+1, 64, false, 0, -1, P, 0, -1, -1, -1, "2."},
    /* 3.5 */
    {0x1.c000000000000p+1, 64, false, 0, -1, P, 0, -1, -1, -1, "4."},
    /* 0.5 */
    {0x1.0000000000000p-1, 64, false, 0, -1, P, 0, -1, -1, -1, "0."},
    /* 1.5 */
    {0x1.8000000000000p+0, 64, false, 0, -1, P, 0, -1, -1, -1, "2."},
    /* 9.999 */
    {0x1.3ff7ced916873p+3, 64, false, 2, -1, P, 0, -1, -1, -1, "10."},
    /* 9.999 */
    {0x1.3ff7ced916873p+3, 64, false, 2, 0, P, 0, -1, -1, -1, "10."},
    /* 99.96 */
    {0x1.8fd70a3d70a3dp+6, 64, false, 1, -1, P, 0, -1, -1, -1, "100."},
    /* 0.99999999 */
    {0x1.ffffffaa19c47p-1, 64, false, 7, -1, P, 0, -1, -1, -1, "1."},
    /* 2.4996e-06 */
    {0x1.4f7d9a1e49a33p-19, 64, false, 8, -1, P, 0, -1, -1, -1, "0.0000025"},
    /* 0.3333333333333333 */
    {0x1.5555555555555p-2, 64, false, 8, -1, P, 0, -1, -1, -1, "0.33333333"},
    /* 0.6666667 */
    {0x1.5555560000000p-1, 32, false, 8, -1, P, 0, -1, -1, -1, "0.6666667"},
    /* 123456789.123 */
    {0x1.d6f34547df3b6p+26, 64, false, 8, -1, P, 0, -1, -1, -1,
     "123456789.123"},
    /* 1e-09 */
    {0x1.12e0be826d695p-30, 64, false, 8, -1, P, 0, -1, -1, -1, "0."},
    /* 1e-09 */
    {0x1.12e0be826d695p-30, 64, false, 8, 0, P, 0, -1, -1, -1, "0."},
    /* 9.999 */
    {0x1.3ff7ced916873p+3, 64, true, 2, -1, P, 0, -1, -1, -1, "1.e+01"},
    /* 0.001953125 */
    {0x1.0000000000000p-9, 64, true, 2, -1, P, 0, -1, -1, -1, "1.95e-03"},
    /* 123456.0 */
    {0x1.e240000000000p+16, 64, true, 2, -1, P, 0, -1, -1, -1, "1.23e+05"},
    /* 1e-300 */
    {0x1.56e1fc2f8f359p-997, 64, true, 8, -1, P, 0, -1, -1, -1, "1.e-300"},
    /* 1.5e+300 */
    {0x1.1eb2d66005835p+997, 64, true, 3, 3, K, 0, -1, -1, -1, "1.500e+300"},
    /* 2.5 */
    {0x1.4000000000000p+1, 64, true, 0, -1, P, 0, -1, -1, -1, "2.e+00"},
    /* 9.5 */
    {0x1.3000000000000p+3, 64, true, 0, -1, P, 0, -1, -1, -1, "1.e+01"},
    /* 1.5 */
    {0x1.8000000000000p+0, 64, false, 8, 0, P, 0, -1, -1, -1, "1.5"},
    /* 1.5 */
    {0x1.8000000000000p+0, 64, false, -1, 3, K, 0, -1, -1, -1, "1.500"},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, false, 4, 4, K, 0, -1, -1, -1, "1.0000"},
    /* 0.1 */
    {0x1.999999999999ap-4, 64, false, -1, 20, K, 0, -1, -1, -1,
     "0.10000000000000000555"},
    /* 0.1 */
    {0x1.99999a0000000p-4, 32, false, -1, 12, K, 0, -1, -1, -1,
     "0.100000001490"},
    /* 8220.0 */
    {0x1.0100000000000p+13, 16, false, -1, -1, P, 0, -1, -1, -1, "8220."},
    /* 8220.0 */
    {0x1.0100000000000p+13, 16, false, 8, 0, P, 0, -1, -1, -1, "8224."},
    /* 8220.0 */
    {0x1.0100000000000p+13, 16, false, 8, -1, P, 0, -1, -1, -1, "8220."},
    /* 2048.0 */
    {0x1.0000000000000p+11, 16, false, -1, -1, P, 0, -1, -1, -1, "2048."},
    /* 2048.0 */
    {0x1.0000000000000p+11, 16, false, 8, 0, P, 0, -1, -1, -1, "2048."},
    /* 8220.0 */
    {0x1.0100000000000p+13, 16, true, -1, -1, P, 0, -1, -1, -1, "8.22e+03"},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, true, 3, 3, K, 0, -1, -1, -1, "1.000e+00"},
    /* 1.25e-10 */
    {0x1.12e0be826d695p-33, 64, true, 4, 4, K, 0, -1, -1, -1, "1.2500e-10"},
    /* 0.1 */
    {0x1.999999999999ap-4, 64, true, -1, 20, K, 0, -1, -1, -1,
     "1.00000000000000005551e-01"},
    /* 1.5 */
    {0x1.8000000000000p+0, 64, false, 8, -1, P, 1, -1, -1, -1, "+1.5"},
    /* -1.5 */
    {-0x1.8000000000000p+0, 64, false, 8, -1, P, 1, -1, -1, -1, "-1.5"},
    /* 0.0 */
    {0.0, 64, false, 8, -1, P, 1, -1, -1, -1, "+0."},
    /* -0.0 */
    {-0.0, 64, false, 8, -1, P, 1, -1, -1, -1, "-0."},
    /* 1.5 */
    {0x1.8000000000000p+0, 64, false, 8, 0, P, 0, 5, 3, -1, "    1.5  "},
    /* -12.25 */
    {-0x1.8800000000000p+3, 64, false, 8, 0, P, 0, 5, 3, -1, "  -12.25 "},
    /* 100.0 */
    {0x1.9000000000000p+6, 64, false, 8, 0, P, 0, 4, 2, -1, " 100.  "},
    /* 1.5 */
    {0x1.8000000000000p+0, 64, true, 8, -1, P, 1, -1, -1, -1, "+1.5e+00"},
    /* -1.5 */
    {-0x1.8000000000000p+0, 64, true, 3, 3, K, 0, 3, -1, -1, " -1.500e+00"},
    /* 1.5 */
    {0x1.8000000000000p+0, 64, true, 3, 3, K, 0, 1, -1, -1, "1.500e+00"},
    /* 1e+100 */
    {0x1.249ad2594c37dp+332, 64, true, -1, -1, P, 0, -1, -1, 3, "1.e+100"},
    /* 1e-05 */
    {0x1.4f8b588e368f1p-17, 64, true, -1, -1, P, 0, -1, -1, 1, "1.e-5"},
    /* 100000.0 */
    {0x1.86a0000000000p+16, 64, true, -1, -1, P, 0, -1, -1, 4, "1.e+0005"},
    /* inf */
    {INFINITY, 64, false, -1, -1, K, 0, -1, -1, -1, "inf"},
    /* -inf */
    {-INFINITY, 64, false, -1, -1, K, 0, -1, -1, -1, "-inf"},
    /* nan */
    {NAN, 64, false, -1, -1, K, 0, -1, -1, -1, "nan"},
    /* inf */
    {INFINITY, 64, false, -1, -1, K, 1, -1, -1, -1, "+inf"},
    /* -inf */
    {-INFINITY, 32, false, 8, -1, P, 1, -1, -1, -1, "-inf"},
    /* inf */
    {INFINITY, 16, true, -1, -1, K, 0, -1, -1, -1, "inf"},
    /* nan */
    {NAN, 32, true, 8, -1, P, 0, -1, -1, -1, "nan"},
};

/*
 * Corners where ff_format and NumPy's Dragon4 are easy to tell apart:
 *  - NumPy trims after it pads: in unique mode the zeros that min_digits
 *    adds survive only with trim='k' (positional 1.0 with min_digits=1,
 *    trim='-' is "1"; scientific keeps the point: "1.e+00");
 *  - a NaN never gets a '+' (the sign option applies to inf only);
 *  - with trim='-' and pad_right, a space stands in for the dropped point.
 * The array printer never asks for these (format.c pads only with
 * trim='.', uses min_digits only with trim='k' or 0, and prints
 * non-finite values itself), but ff_format promises NumPy's output.
 */
static const struct fmt_case numpy_quirk_cases[] = {
    /* 0.5 */
    {0x1.0000000000000p-1, 64, false, -1, 3, P, 0, -1, -1, -1, "0.5"},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, false, 2, 1, D, 0, -1, -1, -1, "1"},
    /* 0.0 */
    {0.0, 16, false, 2, 1, D, 1, -1, -1, -1, "+0"},
    /* 100.0 */
    {0x1.9000000000000p+6, 64, false, -1, 2, Z, 0, -1, -1, -1, "100.0"},
    /* 0.0 */
    {0.0, 64, true, -1, 2, Z, 0, -1, -1, -1, "0.0e+00"},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, true, -1, 1, D, 0, -1, -1, -1, "1.e+00"},
    /* 0.25 */
    {0x1.0000000000000p-2, 64, true, 3, 3, P, 0, -1, -1, -1, "2.5e-01"},
    /* 0.1 */
    {0x1.999999999999ap-4, 64, false, -1, 20, P, 0, -1, -1, -1,
     "0.10000000000000000555"},
    /* 0.5 */
    {0x1.0000000000000p-1, 64, false, -1, 3, K, 0, -1, -1, -1, "0.500"},
    /* nan */
    {NAN, 64, false, 8, -1, P, 1, -1, -1, -1, "nan"},
    /* nan */
    {NAN, 32, true, 8, -1, P, 1, -1, -1, -1, "nan"},
    /* nan */
    {NAN, 16, false, -1, -1, D, 1, -1, -1, -1, "nan"},
    /* 7.0 */
    {0x1.c000000000000p+2, 64, false, -1, -1, D, 0, 3, 2, -1, "  7   "},
    /* 100.0 */
    {0x1.9000000000000p+6, 64, false, -1, -1, D, 0, -1, 0, -1, "100 "},
    /* -2.0 */
    {-0x1.0000000000000p+1, 64, false, -1, -1, D, 0, 4, 1, -1, "  -2  "},
    /* 1.5 */
    {0x1.8000000000000p+0, 64, false, -1, -1, D, 0, -1, 3, -1, "1.5  "},
};

struct repr_case {
    double v;
    int bits;
    const char *want; /* str(np.float16/32/64(v)) */
};

static const struct repr_case repr_cases[] = {
    /* 0.0 */
    {0.0, 64, "0.0"},
    /* -0.0 */
    {-0.0, 64, "-0.0"},
    /* 1.0 */
    {0x1.0000000000000p+0, 64, "1.0"},
    /* 0.1 */
    {0x1.999999999999ap-4, 64, "0.1"},
    /* 0.0001 */
    {0x1.a36e2eb1c432dp-14, 64, "0.0001"},
    /* 9.999999999999999e-05 */
    {0x1.a36e2eb1c432cp-14, 64, "9.999999999999999e-05"},
    /* 1e+16 */
    {0x1.1c37937e08000p+53, 64, "1e+16"},
    /* 9999999999999998.0 */
    {0x1.1c37937e07fffp+53, 64, "9999999999999998.0"},
    /* 1.5e+16 */
    {0x1.aa535d3d0c000p+53, 64, "1.5e+16"},
    /* 1e-05 */
    {0x1.4f8b588e368f1p-17, 64, "1e-05"},
    /* 123456.789 */
    {0x1.e240c9fbe76c9p+16, 64, "123456.789"},
    /* 1e+300 */
    {0x1.7e43c8800759cp+996, 64, "1e+300"},
    /* 5e-324 */
    {0x0.0000000000001p-1022, 64, "5e-324"},
    /* inf */
    {INFINITY, 64, "inf"},
    /* -inf */
    {-INFINITY, 64, "-inf"},
    /* nan */
    {NAN, 64, "nan"},
    /* -2.5 */
    {-0x1.4000000000000p+1, 64, "-2.5"},
    /* 0.3333333333333333 */
    {0x1.5555555555555p-2, 64, "0.3333333333333333"},
    /* 0.1 */
    {0x1.99999a0000000p-4, 32, "0.1"},
    /* 0.33333334 */
    {0x1.5555560000000p-2, 32, "0.33333334"},
    /* 1e-05 */
    {0x1.4f8b580000000p-17, 32, "1e-05"},
    /* 1e+16 */
    {0x1.1c37940000000p+53, 32, "1e+16"},
    /* 3.4028235e+38 */
    {0x1.fffffe0000000p+127, 32, "3.4028235e+38"},
    /* 16777216.0 */
    {0x1.0000000000000p+24, 32, "16777216.0"},
    /* -0.0 */
    {-0.0, 32, "-0.0"},
    /* 0.1 */
    {0x1.9980000000000p-4, 16, "0.1"},
    /* 8220.0 */
    {0x1.0100000000000p+13, 16, "8220.0"},
    /* 65500.0 */
    {0x1.ffc0000000000p+15, 16, "65500.0"},
    /* 6e-08 */
    {0x1.0000000000000p-24, 16, "6e-08"},
    /* 0.0001 */
    {0x1.a380000000000p-14, 16, "0.0001"},
    /* 0.0001221 */
    {0x1.0000000000000p-13, 16, "0.0001221"},
    /* nan */
    {NAN, 16, "nan"},
    /* -inf */
    {-INFINITY, 16, "-inf"},
};

struct round_case {
    double v;
    int bits;
    double want; /* float(np.float16/32/64(v)) */
};

static const struct round_case round_cases[] = {
    {0x1.5798ee2308c3ap-27, 16, 0.0},
    {0x1.ffe0000000000p+15, 16, INFINITY},
    {0x1.ffde000000000p+15, 16, 0x1.ffc0000000000p+15},
    {-0x1.01b2b29a4692bp-25, 16, -0x1.0000000000000p-24},
    {0x1.999999999999ap-4, 32, 0x1.99999a0000000p-4},
    {0x1.d6329f1c35ca5p+132, 32, INFINITY},
    {-0x1.244ce242c5561p-153, 32, -0.0},
    {0x1.999999999999ap-4, 64, 0x1.999999999999ap-4},
    {0x1.0020000000000p+11, 16, 0x1.0000000000000p+11},
    {0x1.0060000000000p+11, 16, 0x1.0080000000000p+11},
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *trim_name(enum ff_trim t)
{
    return t == K ? "k" : t == P ? "." : t == Z ? "0" : "-";
}

static void check_fmt_case(const struct fmt_case *c, int row)
{
    struct ff_opts o = ff_defaults(c->scientific);
    o.precision = c->precision;
    o.min_digits = c->min_digits;
    o.trim = c->trim;
    o.sign = c->sign != 0;
    o.pad_left = c->pad_left;
    o.pad_right = c->pad_right;
    o.exp_digits = c->exp_digits;
    char buf[1024];
    size_t n = ff_format(c->v, c->bits, &o, buf, sizeof buf);
    ck_assert_msg(strcmp(buf, c->want) == 0 && n == strlen(c->want),
                  "row %d: ff_format(%a, float%d, %s, precision=%d, "
                  "min_digits=%d, trim='%s', sign=%d, pad_left=%d, "
                  "pad_right=%d, exp_digits=%d) = '%s' (length %zu), "
                  "NumPy gives '%s'",
                  row, c->v, c->bits,
                  c->scientific ? "scientific" : "positional", c->precision,
                  c->min_digits, trim_name(c->trim), c->sign, c->pad_left,
                  c->pad_right, c->exp_digits, buf, n, c->want);
}

START_TEST(test_format_table)
{
    check_fmt_case(&fmt_cases[_i], _i);
}
END_TEST

START_TEST(test_numpy_trim_and_nan_sign)
{
    check_fmt_case(&numpy_quirk_cases[_i], _i);
}
END_TEST

START_TEST(test_repr_table)
{
    const struct repr_case *c = &repr_cases[_i];
    char buf[512];
    size_t n = ff_repr(c->v, c->bits, buf, sizeof buf);
    ck_assert_msg(strcmp(buf, c->want) == 0 && n == strlen(c->want),
                  "row %d: ff_repr(%a, float%d) = '%s', NumPy gives '%s'",
                  _i, c->v, c->bits, buf, c->want);
}
END_TEST

START_TEST(test_round_to_table)
{
    const struct round_case *c = &round_cases[_i];
    double got = ff_round_to(c->v, c->bits);
    ck_assert_msg(got == c->want && signbit(got) == signbit(c->want),
                  "row %d: ff_round_to(%a, %d) = %a, NumPy gives %a", _i,
                  c->v, c->bits, got, c->want);
}
END_TEST

START_TEST(test_round_to_keeps_nan)
{
    ck_assert(isnan(ff_round_to(NAN, 16)));
    ck_assert(isnan(ff_round_to(NAN, 32)));
    ck_assert(isnan(ff_round_to(NAN, 64)));
    ck_assert(ff_round_to(-INFINITY, 16) == -INFINITY);
}
END_TEST

START_TEST(test_defaults)
{
    /* NumPy's dragon4_positional/scientific keyword defaults */
    for (int sci = 0; sci < 2; sci++) {
        struct ff_opts o = ff_defaults(sci);
        ck_assert(o.scientific == (sci != 0));
        ck_assert_int_eq(o.precision, -1);
        ck_assert_int_eq(o.min_digits, -1);
        ck_assert_int_eq(o.trim, FF_TRIM_KEEP);
        ck_assert(!o.sign);
        ck_assert_int_eq(o.pad_left, -1);
        ck_assert_int_eq(o.pad_right, -1);
        ck_assert_int_eq(o.exp_digits, -1);
    }
}
END_TEST

START_TEST(test_buffer_limits)
{
    struct ff_opts o = ff_defaults(false);
    o.trim = FF_TRIM_ONE_ZERO;
    char buf[8];
    /* "1.5" needs 4 bytes with its NUL */
    ck_assert_uint_eq(ff_format(1.5, 64, &o, buf, 4), 3);
    ck_assert_str_eq(buf, "1.5");
    memset(buf, 'x', sizeof buf);
    ck_assert_uint_eq(ff_format(1.5, 64, &o, buf, 3), 0);
    ck_assert_msg(memchr(buf, '\0', 3) != NULL, "not terminated in cap");
    ck_assert_uint_eq(ff_format(-INFINITY, 64, &o, buf, 4), 0);
    ck_assert_uint_eq(ff_format(-INFINITY, 64, &o, buf, 5), 4);
    ck_assert_str_eq(buf, "-inf");
    ck_assert_uint_eq(ff_repr(0.1, 64, buf, 3), 0);
    ck_assert_uint_eq(ff_repr(0.1, 64, buf, 4), 3);
    ck_assert_str_eq(buf, "0.1");
}
END_TEST

START_TEST(test_longest_outputs)
{
    /* the largest double printed positionally: 309 digits and a point */
    struct ff_opts o = ff_defaults(false);
    static char buf[4096];
    ck_assert_uint_eq(ff_format(1.7976931348623157e308, 64, &o, buf,
                                sizeof buf),
                      310);
    ck_assert(strncmp(buf, "17976931348623157", 17) == 0);
    ck_assert(strspn(buf + 17, "0") == 292 && strcmp(buf + 309, ".") == 0);
}
END_TEST

START_TEST(test_exact_expansion)
{
    /*
     * Enough min_digits prints the exact binary value: the smallest
     * double has 1074 fraction digits, ending ...9718265533447265625
     * (NumPy: dragon4_positional(5e-324, min_digits=1074, trim='k')).
     */
    struct ff_opts o = ff_defaults(false);
    o.min_digits = 1074;
    static char buf[4096];
    size_t n = ff_format(0x1p-1074, 64, &o, buf, sizeof buf);
    ck_assert_uint_eq(n, 1076);
    ck_assert_str_eq(buf + 1056, "19718265533447265625");
    ck_assert_uint_eq(strspn(buf, "0."), 2 + 323);
    /* and when that does not fit, 0 */
    ck_assert_uint_eq(ff_format(0x1p-1074, 64, &o, buf, 1076), 0);
}
END_TEST

START_TEST(test_many_padding_zeros)
{
    /* NumPy: "0.5" and 849 zeros; "5." 850 zeros "e-01" */
    struct ff_opts o = ff_defaults(false);
    o.min_digits = 850;
    static char buf[4096];
    size_t n = ff_format(0.5, 64, &o, buf, sizeof buf);
    ck_assert_uint_eq(n, 852);
    ck_assert(strncmp(buf, "0.5", 3) == 0 && strspn(buf + 3, "0") == 849);
    o.scientific = true;
    n = ff_format(0.5, 64, &o, buf, sizeof buf);
    ck_assert_uint_eq(n, 856);
    ck_assert(strncmp(buf, "5.", 2) == 0 && strspn(buf + 2, "0") == 850);
    ck_assert_str_eq(buf + 852, "e-01");
}
END_TEST

/* ---- shortest_digits (tools/shortest.c) ----------------------------------
 *
 * Against two references that share no code with it: a search over
 * printf's correctly rounded p-digit decimals (glibc prints exactly, ties
 * to even) with strtod/strtof (and ndshm_convert for float16) deciding
 * what reads back; and ff_format's slow path, the Dragon4 loop over the
 * exact digits, which scientific output with min_digits = 0 forces
 * (generate_fast only runs without a cutoff or minimum there).
 */

/*
 * An assertion for hot loops: check's ck_assert_* records every assertion
 * that passes (a write to its message file), which would dominate here.
 */
#define REQUIRE(expr, ...)                                                    \
    do {                                                                      \
        if (!(expr))                                                          \
            ck_abort_msg(__VA_ARGS__);                                        \
    } while (0)

/* xorshift64*: a fixed sequence whatever the platform. */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

static double half_value(uint16_t h)
{
    double v;
    REQUIRE(ndshm_convert(NDSHM_FLOAT64, &v, NDSHM_FLOAT16, &h, 1) == 0,
            "float16 0x%04x", h);
    return v;
}

/* Does digits * 10^exp10 read back as a (a value of the float type)? */
static bool reads_back(uint64_t digits, int exp10, double a, int bits)
{
    char text[64];
    snprintf(text, sizeof text, "%" PRIu64 "e%d", digits, exp10);
    if (bits == 32)
        return (double)strtof(text, NULL) == a;
    double d = strtod(text, NULL);
    if (bits == 64)
        return d == a;
    /* A decimal of at most 6 digits never lies within a double's rounding
     * of a float16 halfway point, so going through double is exact. */
    uint16_t h;
    if (ndshm_convert(NDSHM_FLOAT16, &h, NDSHM_FLOAT64, &d, 1) != 0)
        return false; /* beyond the largest half: inf */
    return half_value(h) == a;
}

/* The nearest decimal of p significant digits: m (p digits) * 10^(x-p+1). */
static void nearest_decimal(double a, int p, uint64_t *m, int *x)
{
    char text[64];
    snprintf(text, sizeof text, "%.*e", p - 1, a);
    uint64_t v = 0;
    const char *c = text;
    for (; *c != 'e'; c++)
        if (*c != '.')
            v = v * 10 + (uint64_t)(*c - '0');
    *m = v;
    *x = atoi(c + 1);
}

/*
 * A decimal of p significant digits that reads back as a, the nearer if
 * two do.  The candidates are the p-digit decimals just below and above a:
 * printf's nearest and its neighbour on the other side.  When rounding
 * carried into the next decade (nearest 10^(e+1) for a below it), the one
 * below is p nines at a's decade e.
 */
static bool ref_try_length(double a, int bits, int p, uint64_t *digits,
                           int *exp10)
{
    uint64_t m, pow10 = 1;
    int x, e;
    for (int i = 1; i < p; i++)
        pow10 *= 10;
    nearest_decimal(a, p, &m, &x);
    e = x;
    if (m == pow10) { /* 1.00..: a's own decade may be x - 1 */
        uint64_t m25;
        nearest_decimal(a, 25, &m25, &e); /* no float is that near 10^k */
    }
    uint64_t cand[3] = {m, m + 1, m - 1};
    int cexp[3] = {x - p + 1, x - p + 1, x - p + 1}, n = 3;
    if (x != e) {
        cand[1] = pow10 * 10 - 1;
        cexp[1] = e - p + 1;
        n = 2;
    }
    for (int i = 0; i < n; i++)
        if (reads_back(cand[i], cexp[i], a, bits)) {
            *digits = cand[i];
            *exp10 = cexp[i];
            return true;
        }
    return false;
}

/*
 * The shortest digits by search.  Some p-digit decimal reads back for
 * every p from the shortest on, so the shortest length is where that
 * starts: hint is a guess of it (the length of shortest_digits' answer),
 * checked with a try at hint - 1 and one at hint; a wrong guess is
 * corrected by bisection.
 */
static void ref_shortest(double v, int bits, int hint, uint64_t *digits,
                         int *exp10)
{
    double a = fabs(v);
    int lo = 1, hi = bits == 64 ? 17 : bits == 32 ? 9 : 5;
    if (hint > lo && hint <= hi) {
        if (ref_try_length(a, bits, hint - 1, digits, exp10))
            hi = hint - 1;
        else
            lo = hint;
    }
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (ref_try_length(a, bits, mid, digits, exp10))
            hi = mid;
        else
            lo = mid + 1;
    }
    REQUIRE(ref_try_length(a, bits, lo, digits, exp10),
            "no decimal of %d digits reads back as %a (float%d)", lo, v, bits);
    while (*digits % 10 == 0) {
        *digits /= 10;
        ++*exp10;
    }
}

/* The digits of ff_format's slow path (scientific, min_digits 0), whose
 * whole output goes in text. */
static void slow_shortest(double v, int bits, uint64_t *digits, int *exp10,
                          char *text, size_t cap)
{
    struct ff_opts o = ff_defaults(true);
    o.min_digits = 0;
    REQUIRE(ff_format(v, bits, &o, text, cap) != 0, "%a", v);
    uint64_t d = 0;
    int n = 0;
    const char *c = text + (text[0] == '-');
    for (; *c != 'e'; c++)
        if (*c != '.') {
            d = d * 10 + (uint64_t)(*c - '0');
            n++;
        }
    int x = atoi(c + 1) - (n - 1);
    while (d != 0 && d % 10 == 0) {
        d /= 10;
        x++;
    }
    *digits = d;
    *exp10 = x;
}

/* shortest_digits(v) against ref_shortest, and against the slow path too
 * when slow; also the sign does not matter. */
static void check_shortest(double v, int bits, bool slow)
{
    uint64_t got, want, neg;
    int got_e, want_e, neg_e;
    shortest_digits(v, bits, &got, &got_e);
    int len = 0;
    for (uint64_t d = got; d != 0; d /= 10)
        len++;
    ref_shortest(v, bits, len, &want, &want_e);
    REQUIRE(got == want && got_e == want_e,
            "shortest_digits(%a, %d) = %" PRIu64 "e%d, want %" PRIu64 "e%d", v,
            bits, got, got_e, want, want_e);
    shortest_digits(-v, bits, &neg, &neg_e);
    REQUIRE(neg == got && neg_e == got_e,
            "shortest_digits(%a, %d) = %" PRIu64 "e%d, of %a: %" PRIu64 "e%d",
            -v, bits, neg, neg_e, v, got, got_e);
    if (slow) {
        char dragon[128], fast[128];
        slow_shortest(v, bits, &want, &want_e, dragon, sizeof dragon);
        REQUIRE(got == want && got_e == want_e,
                "shortest_digits(%a, %d) = %" PRIu64 "e%d, the slow "
                "path gives %" PRIu64 "e%d",
                v, bits, got, got_e, want, want_e);
        /* and ff_format's fast path prints what the slow one does */
        struct ff_opts o = ff_defaults(true);
        ff_format(v, bits, &o, fast, sizeof fast);
        REQUIRE(strcmp(fast, dragon) == 0,
                "%a (float%d): '%s', slow path '%s'", v, bits, fast, dragon);
    }
}

/* Known answers: Python's repr for doubles; for float32 and float16
 * NumPy's str (an exact search in Python's fractions agrees). */
static const struct {
    double v; /* exactly a value of the float type */
    int bits;
    uint64_t digits;
    int exp10;
} shortest_cases[] = {
    {0.1, 64, 1, -1},
    {0.3, 64, 3, -1},
    {1.0, 64, 1, 0},
    {2.0, 64, 2, 0},
    {4.35, 64, 435, -2},
    {123456.0, 64, 123456, 0},
    {299792458.0, 64, 299792458, 0},
    {1e22, 64, 1, 22},
    {1e23, 64, 1, 23}, /* 0x1.52d02c7e14af6p+76 */
    {0x1.52d02c7e14af7p+76, 64, 10000000000000001, 7},
    {0x1.5555555555555p-1, 64, 6666666666666666, -16},
    {0x1.fffffffffffffp-1, 64, 9999999999999999, -16},
    {0x1p+53, 64, 9007199254740992, 0},               /* a wider gap above */
    {0x1.0000000000001p+53, 64, 9007199254740994, 0}, /* 2^53 + 2 */
    {0x1p+63, 64, 9223372036854776, 3},
    {0x1p+1023, 64, 898846567431158, 293},
    {0x1.fffffffffffffp+1023, 64, 17976931348623157, 292}, /* DBL_MAX */
    {0x1p-1021, 64, 4450147717014403, -323},
    {0x1p-1022, 64, 22250738585072014, -324},              /* DBL_MIN */
    {0x0.fffffffffffffp-1022, 64, 2225073858507201, -323}, /* subnormal */
    {0x0.0000000000003p-1022, 64, 15, -324},
    {0x0.0000000000002p-1022, 64, 1, -323},
    {0x1p-1074, 64, 5, -324}, /* 5e-324 */
    {0x1.99999ap-4, 32, 1, -1},
    {0x1.333334p-2, 32, 3, -1},
    {0x1p+0, 32, 1, 0},
    {0x1.921fb6p+1, 32, 31415927, -7},
    {0x1p+24, 32, 16777216, 0},
    {0x1.000002p+25, 32, 33554436, 0},
    {0x1.2a05f2p+33, 32, 1, 10},
    {0x1p-23, 32, 11920929, -14},         /* FLT_EPSILON */
    {0x1.5c87fap-84, 32, 7038531, -32},   /* Ryu's 7.038531e-26 */
    {0x1.fffffep+127, 32, 34028235, 31},  /* FLT_MAX */
    {0x1p-126, 32, 11754944, -45},        /* FLT_MIN */
    {0x1.fffffcp-127, 32, 11754942, -45}, /* subnormal */
    {0x1.8p-148, 32, 4, -45},
    {0x1p-148, 32, 3, -45},
    {0x1p-149, 32, 1, -45},
    {8224.0, 16, 822, 1}, /* 8220 is a tie that rounds to 8224 */
    {8232.0, 16, 823, 1},
    {8216.0, 16, 8216, 0},
    {65504.0, 16, 655, 2}, /* the largest half */
    {65472.0, 16, 6547, 1},
    {32768.0, 16, 3277, 1},
    {2048.0, 16, 2048, 0},
    {1.0, 16, 1, 0},
    {0x1.004p+0, 16, 1001, -3},
    {100.0, 16, 1, 2},
    {0x1.92p+1, 16, 314, -2},
    {0x1.998p-4, 16, 1, -1},    /* 0.1 */
    {0x1.554p-2, 16, 3333, -4}, /* 1/3 */
    {0x1p-14, 16, 6104, -8},    /* the smallest normal half */
    {0x1.ff8p-15, 16, 61, -6},  /* the largest subnormal */
    {0x1p-15, 16, 305, -7},
    {0x1.8p-23, 16, 2, -7},
    {0x1p-23, 16, 1, -7},
    {0x1p-24, 16, 6, -8}, /* the smallest subnormal */
};

START_TEST(test_shortest_table)
{
    double v = shortest_cases[_i].v;
    int bits = shortest_cases[_i].bits;
    for (int neg = 0; neg < 2; neg++) {
        uint64_t digits;
        int exp10;
        shortest_digits(neg ? -v : v, bits, &digits, &exp10);
        ck_assert_msg(digits == shortest_cases[_i].digits &&
                          exp10 == shortest_cases[_i].exp10,
                      "shortest_digits(%a, %d) = %" PRIu64 "e%d, want %" PRIu64
                      "e%d",
                      neg ? -v : v, bits, digits, exp10,
                      shortest_cases[_i].digits, shortest_cases[_i].exp10);
    }
    /* the references agree with the table, too */
    check_shortest(v, bits, true);
}
END_TEST

/* Every finite nonzero float16. */
START_TEST(test_shortest_every_half)
{
    for (uint32_t h = 1; h < 0x7c00; h++)
        check_shortest(half_value((uint16_t)h), 16, true);
}
END_TEST

/* Random bit patterns of float32 (_i 0) and float64 (_i 1): every one
 * against the printf search, one in 8 (float32) or 16 (float64) against
 * the slow path too (whose exact expansions take most of the time). */
START_TEST(test_shortest_random)
{
    int bits = _i == 0 ? 32 : 64;
    uint64_t rng = UINT64_C(0x5851f42d4c957f2d) + (uint64_t)_i;
    int checked = 0;
    while (checked < 200000) {
        uint64_t b = rng_next(&rng);
        double v;
        if (bits == 32) {
            uint32_t b32 = (uint32_t)(b >> 32);
            float f;
            memcpy(&f, &b32, sizeof f);
            v = f;
        } else {
            memcpy(&v, &b, sizeof v);
        }
        if (!isfinite(v) || v == 0)
            continue;
        check_shortest(v, bits, checked % (bits == 32 ? 8 : 16) == 0);
        checked++;
    }
}
END_TEST

/*
 * Values that random bits almost never give: powers of two (a narrower gap
 * below) and their neighbours at every exponent, the subnormals at each
 * end, integers, and decimals of few digits (whose exact scaled values end
 * in zeros: the trailing-zero bookkeeping).
 */
START_TEST(test_shortest_special)
{
    static const int bits_of[] = {16, 32, 64};
    int bits = bits_of[_i];
    int mant = bits == 64 ? 52 : bits == 32 ? 23 : 10;
    int emin = bits == 64 ? -1022 : bits == 32 ? -126 : -14;
    int emax = bits == 64 ? 1023 : bits == 32 ? 127 : 15;
    for (int e = emin; e <= emax; e++)
        for (int k = -2; k <= 2; k++) {
            double v = ldexp(1.0 + ldexp(k, -mant), e);
            if (k < 0)
                v = ldexp(1.0, e) - ldexp(-k, e - mant - (e > emin));
            if (v > 0 && isfinite(v) && ff_round_to(v, bits) == v)
                check_shortest(v, bits, true);
        }
    /* the smallest and largest subnormals */
    for (int k = 1; k <= 64; k++) {
        check_shortest(ldexp(k, emin - mant), bits, true);
        check_shortest(
            ldexp((double)((UINT64_C(1) << mant) - (uint64_t)k), emin - mant),
            bits, true);
    }
    /* integers */
    for (int n = 1; n <= 70000; n += bits == 16 ? 1 : 7) {
        double v = ff_round_to(n, bits);
        if (isfinite(v))
            check_shortest(v, bits, n % 64 == 1);
    }
    /* short decimals at every decimal exponent of the type */
    uint64_t rng = UINT64_C(0x9e3779b97f4a7c15) + (uint64_t)bits;
    int emax10 = bits == 64 ? 308 : bits == 32 ? 38 : 4;
    int emin10 = bits == 64 ? -324 : bits == 32 ? -45 : -8;
    for (int e10 = emin10; e10 <= emax10; e10++)
        for (int t = 0; t < 40; t++) {
            int ndig = 1 + (int)(rng_next(&rng) % (bits == 64   ? 17
                                                   : bits == 32 ? 9
                                                                : 5));
            uint64_t d = rng_next(&rng) % 100000000000000000u;
            for (int i = ndig; i < 17; i++)
                d /= 10;
            char text[48];
            snprintf(text, sizeof text, "%" PRIu64 "e%d", d, e10);
            double v = bits == 32 ? (double)strtof(text, NULL)
                                  : ff_round_to(strtod(text, NULL), bits);
            if (v > 0 && isfinite(v))
                check_shortest(v, bits, t % 4 == 0);
        }
}
END_TEST

Suite *floatfmt_suite(void)
{
    Suite *s = suite_create("floatfmt");
    TCase *tc = tcase_create("numpy");
    tcase_add_loop_test(tc, test_format_table, 0, COUNT(fmt_cases));
    tcase_add_loop_test(tc, test_numpy_trim_and_nan_sign, 0,
                        COUNT(numpy_quirk_cases));
    tcase_add_loop_test(tc, test_repr_table, 0, COUNT(repr_cases));
    tcase_add_loop_test(tc, test_round_to_table, 0, COUNT(round_cases));
    suite_add_tcase(s, tc);
    tc = tcase_create("api");
    tcase_add_test(tc, test_round_to_keeps_nan);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_buffer_limits);
    tcase_add_test(tc, test_longest_outputs);
    tcase_add_test(tc, test_exact_expansion);
    tcase_add_test(tc, test_many_padding_zeros);
    suite_add_tcase(s, tc);
    tc = tcase_create("shortest");
    tcase_add_loop_test(tc, test_shortest_table, 0, COUNT(shortest_cases));
    tcase_add_test(tc, test_shortest_every_half);
    tcase_add_loop_test(tc, test_shortest_random, 0, 2);
    tcase_add_loop_test(tc, test_shortest_special, 0, 3);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
