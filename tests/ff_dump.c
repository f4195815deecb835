/*
 * ff_dump.c -- prints ff_format()'s output for the cases on stdin, one line
 * out per line in, so that tests/floatfmt_numpy.py can compare them with
 * NumPy's dragon4_positional/dragon4_scientific.
 *
 * Each input line:  BITS HEXFLOAT MODE PRECISION MIN_DIGITS TRIM SIGN
 *                   [PAD_LEFT PAD_RIGHT EXP_DIGITS]
 *   BITS        16, 32 or 64: the float type the value belongs to
 *   HEXFLOAT    the value, exactly, as C99 "%a" or Python float.hex() writes
 *               it ("inf", "-inf" and "nan" too)
 *   MODE        p (positional), s (scientific) or r (ff_repr; the options
 *               after MODE are then ignored but must be present)
 *   TRIM        k . 0 -  (NumPy's trim letters)
 *   SIGN        0 or 1
 *   PAD_LEFT, PAD_RIGHT, EXP_DIGITS   -1 (the default) for none
 * A malformed line prints "ERROR: ..." and makes the exit status 1.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floatfmt.h"

static int parse_trim(char c, enum ff_trim *out)
{
    switch (c) {
    case 'k': *out = FF_TRIM_KEEP; return 0;
    case '.': *out = FF_TRIM_POINT; return 0;
    case '0': *out = FF_TRIM_ONE_ZERO; return 0;
    case '-': *out = FF_TRIM_DPT_ZEROS; return 0;
    default: return -1;
    }
}

int main(void)
{
    static char line[4096], out[8192];
    int status = EXIT_SUCCESS;
    while (fgets(line, sizeof line, stdin)) {
        int bits, prec, mind, sign, pad_left = -1, pad_right = -1,
                                    exp_digits = -1;
        char hex[128], mode[4], trim[4];
        int n = sscanf(line, "%d %127s %3s %d %d %3s %d %d %d %d", &bits,
                       hex, mode, &prec, &mind, trim, &sign, &pad_left,
                       &pad_right, &exp_digits);
        char *end;
        double v = n >= 2 ? strtod(hex, &end) : 0;
        struct ff_opts o = ff_defaults(mode[0] == 's');
        if ((n != 7 && n != 10) || *end != '\0' ||
            (bits != 16 && bits != 32 && bits != 64) ||
            strchr("psr", mode[0]) == NULL || mode[1] != '\0' ||
            trim[1] != '\0' || parse_trim(trim[0], &o.trim) != 0) {
            printf("ERROR: bad input line: %s", line);
            status = EXIT_FAILURE;
            continue;
        }
        o.precision = prec;
        o.min_digits = mind;
        o.sign = sign != 0;
        o.pad_left = pad_left;
        o.pad_right = pad_right;
        o.exp_digits = exp_digits;
        size_t len = mode[0] == 'r' ? ff_repr(v, bits, out, sizeof out)
                                    : ff_format(v, bits, &o, out, sizeof out);
        if (len == 0) {
            printf("ERROR: output did not fit\n");
            status = EXIT_FAILURE;
            continue;
        }
        puts(out);
    }
    return status;
}
