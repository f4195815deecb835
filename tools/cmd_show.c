/*
 * cmd_show.c -- show: a 1-d or 2-d window drawn as a heatmap, in the
 * terminal (24-bit colour, two elements per character cell) or into a PNG
 * file, once or again at every change (--watch).  The colours come from
 * heatmap.c.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "heatmap.h"
#include "literal.h"

/* --scale's limits: 64 x 64 pixels an element is already a poster. */
#define SCALE_MAX 64
/* Cells in the colour scale line's gradient bar. */
#define BAR_CELLS 20

/* ---- reading the window, a piece of a row at a time --------------------
 *
 * A 2-d window is rows x columns; a 1-d window one row.  A row is read
 * CHUNK elements at a time (gathered, then converted to float64 by the
 * library's checked conversion), so that the memory a window takes is a
 * chunk plus the picture whatever its size: a 1-d window is one row, and
 * a row read whole would take up to 32 bytes an element (complex128, and
 * its magnitudes' buffer), gigabytes for a large array.  No lock is
 * taken, as `ndshm get` takes none: a write during the read may show half
 * done, and the next frame shows it whole.
 */
#define CHUNK 65536

struct rows {
    const unsigned char *data;
    ndshm_dtype dtype;
    size_t itemsize;
    bool complex;
    int64_t nrows, ncols;
    int64_t row_stride, col_stride;
    size_t chunk;       /* elements a read gives: min(ncols, CHUNK) */
    unsigned char *raw; /* a chunk, contiguous, in the window's dtype */
    double *val;        /* the chunk as float64 (|z| for complex) */
};

static void rows_free(struct rows *w)
{
    free(w->raw);
    free(w->val);
}

/* Returns 0, or -1 with err set. */
static int rows_init(struct rows *w, const ndshm_array *a, char *err,
                     size_t errlen)
{
    const int64_t *shape = ndshm_array_shape(a);
    const int64_t *strides = ndshm_array_strides(a);
    bool two = ndshm_array_ndim(a) == 2;
    *w = (struct rows){
        .data = ndshm_array_data(a),
        .dtype = ndshm_array_dtype(a),
        .itemsize = ndshm_dtype_size(ndshm_array_dtype(a)),
        .nrows = two ? shape[0] : 1,
        .ncols = two ? shape[1] : shape[0],
        .row_stride = two ? strides[0] : 0,
        .col_stride = two ? strides[1] : strides[0],
    };
    w->complex = w->dtype == NDSHM_COMPLEX64 || w->dtype == NDSHM_COMPLEX128;
    w->chunk = w->ncols < CHUNK ? (size_t)w->ncols : CHUNK;
    /* complex chunks convert to complex128 first: two doubles an element */
    size_t per = w->complex ? 2 * sizeof(double) : sizeof(double);
    if (w->chunk > SIZE_MAX / per || w->chunk > SIZE_MAX / w->itemsize) {
        snprintf(err, errlen, "%zu elements do not fit in memory", w->chunk);
        return -1;
    }
    w->raw = malloc(w->chunk * w->itemsize);
    w->val = malloc(w->chunk * per);
    if (w->raw == NULL || w->val == NULL) {
        rows_free(w);
        snprintf(err, errlen, "out of memory for %zu elements", w->chunk);
        return -1;
    }
    return 0;
}

/*
 * Read the elements of row r from column c0 on, as many as a chunk holds
 * (*n receives how many), into w->val.  Returns 0, or -1 with err set.
 */
static int rows_read(struct rows *w, int64_t r, int64_t c0, size_t *n,
                     char *err, size_t errlen)
{
    int64_t left = w->ncols - c0;
    *n = left < (int64_t)w->chunk ? (size_t)left : w->chunk;
    const unsigned char *p = w->data + (ptrdiff_t)(r * w->row_stride) +
                             (ptrdiff_t)(c0 * w->col_stride);
    for (size_t i = 0; i < *n; i++)
        memcpy(w->raw + i * w->itemsize,
               p + (ptrdiff_t)((int64_t)i * w->col_stride), w->itemsize);
    /* a complex number with an imaginary part does not convert to a real
     * type, by design: convert to complex128 and take the magnitude */
    ndshm_dtype to = w->complex ? NDSHM_COMPLEX128 : NDSHM_FLOAT64;
    if (ndshm_convert(to, w->val, w->dtype, w->raw, *n) != 0) {
        snprintf(err, errlen, "%s", ndshm_errmsg());
        return -1;
    }
    if (w->complex)
        for (size_t i = 0; i < *n; i++)
            w->val[i] = hypot(w->val[2 * i], w->val[2 * i + 1]);
    return 0;
}

/* ---- the terminal ------------------------------------------------------- */

/* A size from the environment ($COLUMNS, $LINES), or fallback. */
static int env_size(const char *name, int fallback)
{
    const char *s = getenv(name);
    if (s == NULL || *s == '\0')
        return fallback;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*end != '\0' || errno != 0 || v < 1)
        return fallback;
    return v > 65535 ? 65535 : (int)v; /* what TIOCGWINSZ can report */
}

/* The terminal's size: stdout's, else $COLUMNS x $LINES, else 80 x 24. */
static void terminal_size(int *cols, int *lines)
{
    struct winsize ws;
    *cols = 0;
    *lines = 0;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) {
        *cols = ws.ws_col;
        *lines = ws.ws_row;
    }
    if (*cols <= 0)
        *cols = env_size("COLUMNS", 80);
    if (*lines <= 0)
        *lines = env_size("LINES", 24);
}

static int64_t ceil_div(int64_t a, int64_t b)
{
    return a / b + (a % b != 0);
}

/* The colours a line has set so far, to send each change only once. */
enum { PEN_UNSET = -1, PEN_DEFAULT = -2 };
struct pen {
    long fg, bg; /* 0xRRGGBB, or PEN_UNSET / PEN_DEFAULT */
};

static long packed(struct heatmap_rgb c)
{
    return (long)c.r << 16 | (long)c.g << 8 | c.b;
}

static void set_colour(FILE *out, long *now, long want, int layer)
{
    if (*now == want)
        return;
    *now = want;
    if (want == PEN_DEFAULT)
        fprintf(out, "\033[%dm", layer + 1); /* 39 or 49: the default */
    else
        fprintf(out, "\033[%d;2;%ld;%ld;%ldm", layer, want >> 16,
                want >> 8 & 0xff, want & 0xff);
}

/* How the frame is laid out on the terminal. */
struct layout {
    bool watch;    /* overwrite the last frame: erase what it left */
    bool first;    /* the first frame of --watch: clear the screen */
    int64_t width; /* columns the header and the scale line may take */
    int64_t k;     /* each cell is the mean of a k x k block */
    int64_t rows;  /* cells of the picture: ceil(nrows / k) */
    int64_t cols;  /* ceil(ncols / k) */
};

/* End a line: reset the colours, and with --watch erase what an earlier,
 * wider frame left to the right. */
static void end_line(FILE *out, const struct layout *L)
{
    fputs(L->watch ? "\033[0m\033[K\n" : "\033[0m\n", out);
}

/* Columns that text takes: one a character (UTF-8 continuation bytes take
 * none), which is right for what a header holds. */
static int64_t text_width(const char *text, size_t len)
{
    int64_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)text[i] & 0xc0) != 0x80;
    return n;
}

/* text, or when it is wider than width its first width - 1 characters and
 * an ellipsis, which says that the rest was cut. */
static void put_clipped(FILE *out, const char *text, size_t len, int64_t width)
{
    if (text_width(text, len) <= width) {
        fwrite(text, 1, len, out);
        return;
    }
    if (width < 1)
        return;
    size_t end = 0;
    for (int64_t n = 0; end < len; end++)
        if (((unsigned char)text[end] & 0xc0) != 0x80 && n++ == width - 1)
            break; /* the start of the character the ellipsis replaces */
    fwrite(text, 1, end, out);
    fputs("\u2026", out);
}

/* "EXPR  dtype (shape)", cut to L->width.  Returns 0, or -1 (memory). */
static int put_header(FILE *out, const char *expr, const ndshm_array *a,
                      const struct layout *L)
{
    char *text = NULL, shape[800];
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f == NULL)
        return -1;
    cli_put_escaped(f, expr);
    fprintf(f, "  %s %s", ndshm_dtype_name(ndshm_array_dtype(a)),
            shape_text(ndshm_array_ndim(a), ndshm_array_shape(a), shape,
                       sizeof shape));
    ndshm_dtype t = ndshm_array_dtype(a);
    if (t == NDSHM_COMPLEX64 || t == NDSHM_COMPLEX128)
        fputs("  magnitude |z|", f);
    if (L->k > 1)
        fprintf(f, "  shown at 1/%lld scale", (long long)L->k);
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad) {
        free(text);
        return -1;
    }
    put_clipped(out, text, len, L->width);
    free(text);
    fputs(L->watch ? "\033[K\n" : "\n", out);
    return 0;
}

/* The fewest cells the gradient bar is drawn with (BAR_CELLS the most),
 * and the NaN legend's width: two spaces, a grey cell, " nan". */
#define BAR_MIN    2
#define LEGEND_LEN 7

/* As many bar cells as fit in width beside rest columns, at most
 * BAR_CELLS; fewer than BAR_MIN when BAR_MIN do not fit. */
static int64_t bar_fit(int64_t width, int64_t rest)
{
    int64_t left = width - rest;
    return left > BAR_CELLS ? BAR_CELLS : left;
}

/*
 * "MIN [gradient] MAX", and a grey cell for NaN when there is any, in
 * L->width columns: the bar has as many of its BAR_CELLS cells as fit, at
 * least BAR_MIN; when even those do not fit, the NaN legend is left out,
 * then the bar, then MAX, then MIN.  A number is never cut: a cut one
 * would read as another number.  With no finite value the line says so,
 * and the legend goes first, then the words.
 */
static void put_scale(FILE *out, const struct heatmap_range *r,
                      const struct layout *L)
{
    static const char none[] = "no finite values";
    char lo[32], hi[32];
    bool legend = r->nan > 0, show_lo = true, show_hi = true;
    int64_t bar = 0;
    if (r->finite == 0) {
        legend = legend && (int64_t)strlen(none) + LEGEND_LEN <= L->width;
        show_lo = (int64_t)strlen(none) <= L->width;
    } else {
        snprintf(lo, sizeof lo, "%.6g", r->min);
        snprintf(hi, sizeof hi, "%.6g", r->max);
        /* "MIN " and " MAX" around the bar */
        int64_t ends = (int64_t)(strlen(lo) + strlen(hi)) + 2;
        if (legend && bar_fit(L->width, ends + LEGEND_LEN) >= BAR_MIN) {
            bar = bar_fit(L->width, ends + LEGEND_LEN);
        } else {
            legend = false;
            if (bar_fit(L->width, ends) >= BAR_MIN)
                bar = bar_fit(L->width, ends);
            else if (ends - 1 > L->width) /* "MIN MAX" */
                show_hi = false;
            show_lo = (int64_t)strlen(lo) <= L->width;
        }
    }
    if (r->finite == 0) {
        if (show_lo)
            fputs(none, out);
    } else if (show_lo) {
        fputs(lo, out);
        if (show_hi)
            putc(' ', out);
        bool flat = !(r->max > r->min);
        for (int64_t i = 0; i < bar; i++) {
            struct heatmap_rgb c =
                heatmap_colour(flat ? 0.5 : (double)i / (double)(bar - 1));
            fprintf(out, "\033[48;2;%u;%u;%um ", c.r, c.g, c.b);
        }
        if (bar > 0)
            fputs("\033[0m ", out);
        if (show_hi)
            fputs(hi, out);
    }
    if (legend)
        fprintf(out, "  \033[48;2;%u;%u;%um \033[0m nan", heatmap_nan_rgb.r,
                heatmap_nan_rgb.g, heatmap_nan_rgb.b);
    end_line(out, L);
}

/*
 * Draw one frame on out: the header, the picture (U+2580 UPPER HALF
 * BLOCK: its foreground is the upper element, its background the lower
 * one), the scale.  The picture is shrunk by block means to fit the
 * terminal, never enlarged; with --watch the header and the scale are cut
 * to fit too (put_scale: how), since a line that wraps scrolls the screen
 * and the next frame, drawn from the top left, no longer covers this one.
 * Returns 0, or -1 with err set.
 */
static int draw_frame(FILE *out, struct rows *w, const char *expr,
                      const ndshm_array *a, struct layout *L, char *err,
                      size_t errlen)
{
    int tcols, tlines;
    terminal_size(&tcols, &tlines);
    L->width = L->watch ? tcols : INT64_MAX;
    /* The header, the scale, and the line the cursor rests on after the
     * scale take three lines; the rest hold two rows of elements each. */
    int64_t room = tlines > 4 ? tlines - 3 : 1;
    int64_t k = ceil_div(w->ncols, tcols);
    int64_t kr = ceil_div(w->nrows, 2 * room);
    L->k = k > kr ? k : kr; /* one factor for both: the aspect ratio */
    L->rows = ceil_div(w->nrows, L->k);
    L->cols = ceil_div(w->ncols, L->k);
    if ((uint64_t)L->rows >
        SIZE_MAX / sizeof(struct heatmap_block) / (uint64_t)L->cols) {
        snprintf(err, errlen,
                 "a picture of %lld x %lld cells does not fit "
                 "in memory",
                 (long long)L->rows, (long long)L->cols);
        return -1;
    }
    struct heatmap_block *grid =
        calloc((size_t)(L->rows * L->cols), sizeof *grid);
    if (grid == NULL) {
        snprintf(err, errlen, "out of memory for %lld x %lld cells",
                 (long long)L->rows, (long long)L->cols);
        return -1;
    }
    /* One pass: the range of the whole window (so that a colour means the
     * same value at every scale, and in the PNG) and the block sums, each
     * block's left to right and top to bottom whatever the chunks. */
    struct heatmap_range range;
    heatmap_range_init(&range);
    for (int64_t r = 0; r < w->nrows; r++) {
        struct heatmap_block *line = grid + (r / L->k) * L->cols;
        size_t n;
        for (int64_t c0 = 0; c0 < w->ncols; c0 += (int64_t)n) {
            if (rows_read(w, r, c0, &n, err, errlen) != 0) {
                free(grid);
                return -1;
            }
            heatmap_range_add(&range, w->val, n);
            for (size_t i = 0; i < n; i++)
                heatmap_block_add(&line[(c0 + (int64_t)i) / L->k], w->val[i]);
        }
    }

    if (L->watch)
        fputs(L->first ? "\033[H\033[2J" : "\033[H", out);
    if (put_header(out, expr, a, L) != 0) {
        free(grid);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (int64_t r = 0; r < L->rows; r += 2) {
        struct pen pen = {PEN_UNSET, PEN_UNSET};
        for (int64_t c = 0; c < L->cols; c++) {
            double up = heatmap_block_mean(&grid[r * L->cols + c]);
            set_colour(out, &pen.fg, packed(heatmap_value_rgb(&range, up)),
                       38);
            if (r + 1 < L->rows) {
                double down = heatmap_block_mean(&grid[(r + 1) * L->cols + c]);
                set_colour(out, &pen.bg,
                           packed(heatmap_value_rgb(&range, down)), 48);
            } else {
                set_colour(out, &pen.bg, PEN_DEFAULT, 48);
            }
            fputs("\u2580", out);
        }
        end_line(out, L);
    }
    put_scale(out, &range, L);
    if (L->watch)
        fputs("\033[J", out); /* below: what a taller frame left */
    free(grid);
    return 0;
}

/* ---- PNG -------------------------------------------------------------- */

struct png_rows {
    struct rows *w;
    struct heatmap_range range;
};

static int png_row(void *ctx, int64_t r, unsigned char *rgb, char *err,
                   size_t errlen)
{
    struct png_rows *p = ctx;
    size_t n;
    for (int64_t c0 = 0; c0 < p->w->ncols; c0 += (int64_t)n) {
        if (rows_read(p->w, r, c0, &n, err, errlen) != 0)
            return -1;
        unsigned char *px = rgb + 3 * c0;
        for (size_t i = 0; i < n; i++) {
            struct heatmap_rgb x = heatmap_value_rgb(&p->range, p->w->val[i]);
            px[3 * i] = x.r;
            px[3 * i + 1] = x.g;
            px[3 * i + 2] = x.b;
        }
    }
    return 0;
}

/* One pixel (scale x scale) an element: a pass for the range, a pass for
 * the pixels, so memory stays a chunk and a row of pixels whatever the
 * window's size. */
static int write_png(struct rows *w, const char *path, int scale, char *err,
                     size_t errlen)
{
    struct png_rows p = {w, {0, 0, 0, 0}};
    heatmap_range_init(&p.range);
    for (int64_t r = 0; r < w->nrows; r++) {
        size_t n;
        for (int64_t c0 = 0; c0 < w->ncols; c0 += (int64_t)n) {
            if (rows_read(w, r, c0, &n, err, errlen) != 0)
                return -1;
            heatmap_range_add(&p.range, w->val, n);
        }
    }
    return heatmap_write_png(path, w->nrows, w->ncols, scale, png_row, &p, err,
                             errlen);
}

/* ---- the command -------------------------------------------------------- */

/*
 * --watch runs until SIGINT, SIGTERM, SIGHUP or SIGQUIT, then returns like
 * any command (store closed, memory freed, exit status 0).  SIGHUP (the
 * terminal closed) is a normal end; so is SIGQUIT, as a core dump of a
 * loop that only draws and waits would tell nothing.  ndshm_array_wait
 * cannot be interrupted: it waits again after EINTR.  So the handlers
 * only note the signal, and the wait is taken in slices of WATCH_SLICE
 * seconds, between which the notes are read: a change still wakes the
 * wait at once; a stop or a resized terminal is seen within a slice.
 * Ending the process from the handler instead would leave the array's
 * count of waiters raised for good (every later write would then wake no
 * one at the cost of a system call) and the store unclosed.
 */
#define WATCH_SLICE 0.2

static volatile sig_atomic_t stop_signal; /* a stop signal seen */
static volatile sig_atomic_t resized;     /* SIGWINCH seen */
static volatile sig_atomic_t on_tty;      /* the cursor is hidden */

static void on_stop(int sig)
{
    /* a second one, while a stuck write (a full pipe) holds up the
     * first, ends the process as if we had not caught it */
    if (stop_signal != 0) {
        static const char reset[] = "\033[0m\033[?25h";
        signal(sig, SIG_DFL);
        /* unblocked, one more of it ends the process even if the
         * terminal does not take the reset below (output stopped) */
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, sig);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        /* the terminal keeps the colours and the hidden cursor after we
         * are gone; a pipe keeps nothing */
        if (on_tty) {
            ssize_t rc = write(STDOUT_FILENO, reset, sizeof reset - 1);
            (void)rc; /* nothing to do about it now */
        }
        raise(sig);
    }
    stop_signal = sig;
}

static void on_resize(int sig)
{
    (void)sig;
    resized = 1;
}

struct show {
    struct cli *cli;
    const char *expr;
    ndshm_array *a;
    struct rows w;
    const char *png; /* --png FILE, or NULL */
    int scale;
};

/* Write len bytes of buf to stdout, past short writes and EINTR.  Returns
 * 0, or an errno value. */
static int write_out(const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(STDOUT_FILENO, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? errno : EIO;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/*
 * Write buf for --watch; returns the exit status.  After SIGHUP a failed
 * write is no error: the terminal is gone (EIO), and with it whoever
 * would read the message.
 */
static int output(struct show *s, const char *buf, size_t len)
{
    int e = write_out(buf, len);
    if (e == 0 || stop_signal == SIGHUP)
        return EXIT_OK;
    return cli_error(s->cli, "cannot write output: %s", strerror(e));
}

/*
 * One --watch frame on the terminal.  It is made in memory and written
 * at once: through stdio's buffer, a frame larger than the buffer (200 x
 * 48 cells in 24-bit colour are some 380 KB) would reach the terminal in
 * pieces, and the terminal would show each as it came, a torn frame.
 */
static int watch_frame(struct show *s, struct layout *L)
{
    char err[1024], *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (out == NULL)
        return cli_error(s->cli, "cannot draw '%s': %s", s->expr,
                         strerror(errno));
    int rc = draw_frame(out, &s->w, s->expr, s->a, L, err, sizeof err);
    bool bad = ferror(out) != 0;
    if (fclose(out) != 0)
        bad = true;
    int status;
    if (rc != 0)
        status = cli_error(s->cli, "cannot draw '%s': %s", s->expr, err);
    else if (bad)
        status = cli_error(s->cli, "cannot draw '%s': out of memory", s->expr);
    else
        status = output(s, buf, len);
    free(buf);
    return status;
}

/* One frame: the terminal or the PNG.  Returns the exit status. */
static int frame(struct show *s, struct layout *L)
{
    char err[1024];
    if (s->png) {
        if (write_png(&s->w, s->png, s->scale, err, sizeof err) != 0)
            return cli_error(s->cli, "cannot write '%s': %s", s->png, err);
        return EXIT_OK;
    }
    if (L->watch)
        return watch_frame(s, L);
    if (draw_frame(stdout, &s->w, s->expr, s->a, L, err, sizeof err) != 0)
        return cli_error(s->cli, "cannot draw '%s': %s", s->expr, err);
    if (fflush(stdout) != 0)
        return cli_error(s->cli, "cannot write output: %s", strerror(errno));
    return EXIT_OK;
}

/* Catch sig with fn unless it is ignored: a shell that started us with
 * SIGINT ignored (cmd &) meant it, and nohup SIGHUP.  *was receives the
 * old action. */
static void catch_signal(int sig, void (*fn)(int), struct sigaction *was)
{
    struct sigaction sa = {.sa_handler = fn, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    sigaction(sig, NULL, was);
    if (was->sa_handler != SIG_IGN)
        sigaction(sig, &sa, NULL);
}

static int watch(struct show *s)
{
    static const int sigs[5] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH};
    void (*const fns[5])(int) = {on_stop, on_stop, on_stop, on_stop,
                                 on_resize};
    struct sigaction was[5];
    int nsigs = s->png ? 4 : 5; /* a PNG does not care for the terminal */
    for (int i = 0; i < nsigs; i++)
        catch_signal(sigs[i], fns[i], &was[i]);
    bool tty = s->png == NULL && isatty(STDOUT_FILENO);
    int status = EXIT_OK;
    if (tty) {
        static const char hide[] = "\033[?25l"; /* the cursor */
        on_tty = 1;
        status = output(s, hide, sizeof hide - 1);
    }
    struct layout L = {.watch = true, .first = true};
    uint64_t seen = ndshm_array_version(s->a);
    while (status == EXIT_OK && stop_signal == 0) {
        /* seen is read before the frame: a change during it is drawn by
         * the next one */
        if ((status = frame(s, &L)) != EXIT_OK)
            break;
        L.first = false;
        resized = 0;
        uint64_t now = seen;
        int rc;
        do
            rc = ndshm_array_wait(s->a, seen, WATCH_SLICE, &now);
        while (rc == NDSHM_ETIMEDOUT && stop_signal == 0 && !resized);
        if (rc != 0 && rc != NDSHM_ETIMEDOUT) {
            status = cli_lib_error(s->cli, "cannot wait on '%s'", s->expr);
            break;
        }
        seen = now;
    }
    if (s->png == NULL) {
        const char *end = tty ? "\033[0m\033[?25h" : "\033[0m";
        int e = write_out(end, strlen(end));
        if (e != 0 && status == EXIT_OK && stop_signal != SIGHUP)
            status = cli_error(s->cli, "cannot write output: %s", strerror(e));
        on_tty = 0;
    }
    for (int i = 0; i < nsigs; i++)
        sigaction(sigs[i], &was[i], NULL);
    return status;
}

/* EXIT_OK when the window can be drawn; else says why. */
static int check_drawable(struct show *s)
{
    int ndim = ndshm_array_ndim(s->a);
    if (ndim == 0)
        return cli_error(s->cli,
                         "cannot draw '%s': it is 0-d (one value); show "
                         "draws 1-d and 2-d windows (print it with 'ndshm "
                         "get')",
                         s->expr);
    if (ndim > 2) {
        /* enough leading zeros to leave two dimensions: 'x[0, 0]' */
        char index[4 * NDSHM_MAXDIMS] = "[0";
        for (int i = 3; i < ndim; i++)
            strcat(index, ", 0");
        strcat(index, "]");
        return cli_error(s->cli,
                         "cannot draw '%s': it is %d-d; show draws 1-d and "
                         "2-d windows (index it, e.g. '%s%s')",
                         s->expr, ndim, s->expr, index);
    }
    if (ndshm_array_size(s->a) == 0) {
        char shape[800];
        return cli_error(
            s->cli, "cannot draw '%s': it is empty (shape %s)", s->expr,
            shape_text(ndim, ndshm_array_shape(s->a), shape, sizeof shape));
    }
    return EXIT_OK;
}

int cmd_show(struct cli *cli, int argc, char **argv)
{
    enum { PNG, SCALE, WATCH };
    static const struct cli_opt opts[] = {{"png", 0, true},
                                          {"scale", 0, true},
                                          {"watch", 'w', false},
                                          {NULL, 0, false}};
    const char *v[3], *pos[1];
    if (cli_parse(cli, argc, argv, opts, v, pos, 1, 1, "expected EXPR") < 0)
        return EXIT_USAGE;
    struct show s = {.cli = cli, .expr = pos[0], .png = v[PNG], .scale = 1};
    if (v[SCALE]) {
        char *end;
        errno = 0;
        long n = strtol(v[SCALE], &end, 10);
        if (end == v[SCALE] || *end != '\0' || errno != 0 || n < 1 ||
            n > SCALE_MAX)
            return cli_usage_error(cli,
                                   "invalid scale '%s': give an integer "
                                   "from 1 to %d",
                                   v[SCALE], SCALE_MAX);
        if (s.png == NULL)
            return cli_usage_error(cli, "--scale applies only with --png");
        s.scale = (int)n;
    }
    if (s.png && *s.png == '\0')
        return cli_usage_error(cli, "--png needs a file name");
    if (s.png && !heatmap_png_supported())
        return cli_error(cli,
                         "cannot write '%s': this ndshm was built without "
                         "libpng",
                         s.png);
    ndshm_store *st = cli_store(cli);
    if (st == NULL)
        return EXIT_ERROR;
    if (ndshm_array_open(&s.a, st, s.expr, NDSHM_READONLY) != 0)
        return cli_lib_error(cli, "cannot open '%s'", s.expr);
    char err[512];
    int status = check_drawable(&s);
    if (status != EXIT_OK)
        goto out;
    if (rows_init(&s.w, s.a, err, sizeof err) != 0) {
        status = cli_error(cli, "cannot draw '%s': %s", s.expr, err);
        goto out;
    }
    /* before reading a single row, and before --watch waits */
    if (s.png && heatmap_png_fits(s.w.nrows, s.w.ncols, s.scale, err,
                                  sizeof err) != 0) {
        status = cli_error(cli, "cannot write '%s': %s", s.png, err);
        rows_free(&s.w);
        goto out;
    }
    if (v[WATCH]) {
        status = watch(&s);
    } else {
        struct layout L = {.watch = false};
        status = frame(&s, &L);
    }
    rows_free(&s.w);
out:
    ndshm_array_close(s.a);
    return status;
}
