/*
 * floatfmt.c -- NumPy's float printing, rebuilt on the C library.
 *
 * NumPy prints floats with Dragon4: it generates the exact decimal digits
 * of the value one at a time and stops at the first digit position where
 * the truncated value ("down") or the value rounded up ("up") reads back
 * as the same float -- unless a minimum number of digits forces it on, or
 * a precision cutoff stops it first.  Here the exact digits come from
 * printf (glibc prints exact expansions) and "reads back as the same
 * float" is checked with strtod/strtof, which round ties to even exactly
 * as NumPy's margins do.
 */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floatfmt.h"
#include "ndshm.h"
#include "shortest.h"

/* Enough digits for the exact expansion of any double (at most 767). */
#define EXACT_DIGITS 800
/* precision and min_digits are clamped here: past every double's last
 * digit (2^-1074 has 1074 after the point), so nothing is lost. */
#define MAX_DIGITS 1100
/* The most digit positions an output can span: 10^308 down to 10^-1100. */
#define SPAN (309 + MAX_DIGITS + 16)

struct ff_opts ff_defaults(bool scientific)
{
    struct ff_opts o = {scientific, -1, -1, FF_TRIM_KEEP, false, -1, -1, -1};
    return o;
}

double ff_round_to(double v, int bits)
{
    if (bits == 32)
        return (double)(float)v;
    if (bits == 16) {
        uint16_t h;
        double back;
        if (ndshm_convert(NDSHM_FLOAT16, &h, NDSHM_FLOAT64, &v, 1) != 0)
            return copysign(INFINITY, v); /* beyond the largest half */
        ndshm_convert(NDSHM_FLOAT64, &back, NDSHM_FLOAT16, &h, 1);
        return back;
    }
    return v;
}

/* Does the decimal digits * 10^exp read back as v in the float type? */
static bool reads_back(const char *digits, int exp, double v, int bits)
{
    char text[SPAN + 32];
    snprintf(text, sizeof text, "%se%d", digits, exp);
    if (bits == 32)
        return (double)strtof(text, NULL) == v;
    return ff_round_to(strtod(text, NULL), bits) == v;
}

/* The exact digits of |v| (no trailing zeros) and the first one's exponent. */
static void exact_digits(double a, char *digits, size_t cap, int *exp10)
{
    char buf[EXACT_DIGITS + 16];
    if (a == 0) {
        strcpy(digits, "0");
        *exp10 = 0;
        return;
    }
    snprintf(buf, sizeof buf, "%.*e", EXACT_DIGITS, a);
    char *e = strchr(buf, 'e');
    *exp10 = atoi(e + 1);
    size_t n = 0;
    for (const char *p = buf; p < e && n + 1 < cap; p++)
        if (*p != '.')
            digits[n++] = *p;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = '\0';
}

/*
 * The digit chosen at each position: digits[] holds the decimal digits of
 * an integer C, so the value is C * 10^last.  Returns last.
 */
/*
 * The fast path: the shortest digits (shortest.c) are Dragon4's answer
 * whenever neither the precision cutoff nor min_digits stops or extends
 * the digits before they reach the shortest ones.  Positional options
 * count positions from the decimal point, so that test needs no exponent;
 * scientific ones use the fast path only without a cutoff or minimum.
 * Returns the last digit's position, or INT_MIN when Dragon4 must run.
 */
static int generate_fast(double a, int bits, const struct ff_opts *o,
                         char *out, size_t cap)
{
    if (a == 0 || cap < 24 ||
        (o->scientific && (o->precision >= 0 || o->min_digits >= 0)))
        return INT_MIN;
    uint64_t digits;
    int p;
    shortest_digits(a, bits, &digits, &p);
    if ((o->precision >= 0 && p < -o->precision) ||
        (o->min_digits >= 0 && p > -o->min_digits))
        return INT_MIN;
    char rev[24];
    int n = 0;
    do {
        rev[n++] = (char)('0' + digits % 10);
        digits /= 10;
    } while (digits);
    for (int i = 0; i < n; i++)
        out[i] = rev[n - 1 - i];
    out[n] = '\0';
    return p;
}

static int generate(double a, int bits, const struct ff_opts *o, char *out,
                    size_t cap)
{
    int fast = generate_fast(a, bits, o, out, cap);
    if (fast != INT_MIN)
        return fast;
    char d[EXACT_DIGITS + 8];
    int E;
    exact_digits(a, d, sizeof d, &E);
    int nd = (int)strlen(d);

    const int NONE_HI = 1 << 20, NONE_LO = -(1 << 20);
    int min_digits = o->min_digits < MAX_DIGITS ? o->min_digits : MAX_DIGITS;
    int precision = o->precision < MAX_DIGITS ? o->precision : MAX_DIGITS;
    int forced = NONE_HI; /* stopping allowed once p <= forced */
    if (min_digits >= 0)
        forced = o->scientific ? E - min_digits : -min_digits;
    int cut = NONE_LO; /* never go below this position */
    if (precision >= 0)
        cut = o->scientific ? E - precision : -precision;

    char down[SPAN + 8], up[SPAN + 8];
    int p = E > cut ? E : cut;
    for (;; p--) {
        /* down: the digits at positions E..p; positions above E are 0 */
        int keep = E - p + 1; /* may be <= 0 when the cutoff is above E */
        int k = 0;
        if (keep <= 0) {
            down[k++] = '0';
        } else {
            for (int i = 0; i < keep; i++)
                down[k++] = i < nd ? d[i] : '0';
        }
        down[k] = '\0';
        bool allowed = p <= forced || p <= cut;
        if (!allowed)
            continue;
        /* up = down + 1 at the last position */
        strcpy(up + 1, down);
        up[0] = '0';
        int i = k;
        while (up[i] == '9')
            up[i--] = '0';
        up[i]++;
        const char *upd = up[0] == '0' ? up + 1 : up;

        bool at_cut = p <= cut;
        bool low = reads_back(down, p, a, bits);
        bool high = reads_back(upd, p, a, bits);
        if (!(at_cut || low || high))
            continue;
        bool take_up;
        if (low != high) {
            take_up = high;
        } else {
            /* nearest: the rest of the digits against one half */
            int first = keep > 0 ? keep : 0;
            int cmp; /* rest - 0.5 */
            if (keep < 0) {
                cmp = -1; /* the value is below 10^(p-1) */
            } else if (first >= nd) {
                cmp = -1;
            } else if (d[first] != '5') {
                cmp = d[first] > '5' ? 1 : -1;
            } else {
                cmp = first + 1 < nd ? 1 : 0;
            }
            if (a == 0)
                cmp = -1;
            take_up = cmp > 0 || (cmp == 0 && (down[k - 1] - '0') % 2 == 1);
        }
        const char *pick = take_up ? upd : down;
        if (strlen(pick) + 1 > cap)
            pick = "0";
        strcpy(out, pick);
        if (take_up) {
            /* Dragon4 drops the zeros a carry leaves: 0.00000249|6 -> 25e-7 */
            size_t n = strlen(out);
            while (n > 1 && out[n - 1] == '0') {
                out[--n] = '\0';
                p++;
            }
        }
        return p;
    }
}

/* Append helpers over a bounded buffer. */
struct out {
    char *buf;
    size_t cap, len;
    bool overflow;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->cap)
        o->buf[o->len++] = c;
    else
        o->overflow = true;
}

static void puts_(struct out *o, const char *s)
{
    while (*s)
        put(o, *s++);
}

/* Trim trailing zeros of frac (len n) per mode; returns the new length. */
static int trim_zeros(const char *frac, int n, enum ff_trim mode)
{
    if (mode == FF_TRIM_KEEP)
        return n;
    while (n > 0 && frac[n - 1] == '0')
        n--;
    return n;
}

size_t ff_format(double v, int bits, const struct ff_opts *o, char *buf,
                 size_t cap)
{
    struct out w = {buf, cap, 0, false};
    char sign[2] = "";
    if (signbit(v) && !isnan(v))
        sign[0] = '-';
    else if (o->sign)
        sign[0] = '+';

    if (!isfinite(v)) {
        /* Dragon4 signs inf but never nan */
        puts_(&w, isnan(v) ? "" : sign);
        puts_(&w, isnan(v) ? "nan" : "inf");
        buf[w.len] = '\0';
        return w.overflow ? 0 : w.len;
    }

    char c[SPAN + 8];
    int p = generate(fabs(v), bits, o, c, sizeof c);
    int nc = (int)strlen(c);
    int top = p + nc - 1; /* exponent of c's first digit */
    bool zero = strspn(c, "0") == (size_t)nc;
    if (zero)
        top = p;

        /* the digit at position pos (10^pos) */
#define DIGIT(pos) ((pos) <= top && (pos) >= p ? c[top - (pos)] : '0')

    char ipart[SPAN + 8], frac[SPAN + 8];
    int ni = 0, nf = 0, exp10 = 0;
    if (o->scientific) {
        exp10 = zero ? 0 : top;
        ipart[ni++] = zero ? '0' : c[0];
        for (int pos = top - 1; pos >= p && nf < SPAN; pos--)
            frac[nf++] = DIGIT(pos);
    } else {
        if (top < 0)
            ipart[ni++] = '0';
        for (int pos = top; pos >= 0 && ni < SPAN; pos--)
            ipart[ni++] = DIGIT(pos);
        for (int pos = -1; pos >= p && nf < SPAN; pos--)
            frac[nf++] = DIGIT(pos);
    }
#undef DIGIT
    /* Pad to min_digits first, then trim: NumPy's order, so a trim other
     * than 'k' takes the padding away again. */
    int min_frac = o->min_digits > 0 ? o->min_digits : 0;
    if (min_frac > MAX_DIGITS)
        min_frac = MAX_DIGITS;
    while (nf < min_frac)
        frac[nf++] = '0';
    nf = trim_zeros(frac, nf, o->trim);
    if (o->trim == FF_TRIM_ONE_ZERO && nf == 0)
        frac[nf++] = '0';
    ipart[ni] = '\0';
    frac[nf] = '\0';
    /* '-' drops a bare point, except in scientific form with min_digits
     * (NumPy: dragon4_scientific(1.0, min_digits=1, trim='-') is 1.e+00) */
    bool point = !(o->trim == FF_TRIM_DPT_ZEROS && nf == 0 &&
                   !(o->scientific && o->min_digits > 0));

    int lead = (int)strlen(sign) + ni;
    for (int i = lead; i < o->pad_left; i++)
        put(&w, ' ');
    puts_(&w, sign);
    puts_(&w, ipart);
    if (point)
        put(&w, '.');
    puts_(&w, frac);
    if (o->scientific) {
        /* NumPy pads the exponent with zeros to exp_digits (default 2) */
        char e[16];
        int width =
            o->exp_digits >= 0 && o->exp_digits < 8 ? o->exp_digits : 2;
        snprintf(e, sizeof e, "%0*d", width, abs(exp10));
        put(&w, 'e');
        put(&w, exp10 < 0 ? '-' : '+');
        puts_(&w, e);
    } else {
        /* a dropped point's place is padded too */
        for (int i = point ? nf : nf - 1; i < o->pad_right; i++)
            put(&w, ' ');
    }
    buf[w.len] = '\0';
    return w.overflow ? 0 : w.len;
}

size_t ff_repr(double v, int bits, char *buf, size_t cap)
{
    double a = fabs(v);
    bool positional = a == 0 || (a >= 1e-4 && a < 1e16) || !isfinite(v);
    struct ff_opts o = ff_defaults(!positional);
    o.trim = positional ? FF_TRIM_ONE_ZERO : FF_TRIM_DPT_ZEROS;
    return ff_format(v, bits, &o, buf, cap);
}
