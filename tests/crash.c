/*
 * crash.c -- crash safety: processes killed with SIGKILL while they
 * create, view, copy and remove names (and run fsck), and what the store
 * looks like afterwards.
 *
 *  - random_kills: a child opens the store (after fork) and runs a random
 *    stream of create / view / copy / rm (now and then fsck --repair) on a
 *    few names, telling the parent over a pipe what each operation will do
 *    before it starts and that it returned success after it did.  The
 *    parent kills it with SIGKILL after a random delay (0 to 3 ms after it
 *    opened the store, or counted from the fork, or at once).  A share of
 *    the operations is run by the tool ($NDSHM) instead, killed at random
 *    instants too.  Half of the time a "keeper" process holds the store
 *    open meanwhile, so that the next opener inherits the dead process's
 *    LMDB lock state (robust writer mutex, reader slots) instead of
 *    starting it afresh.
 *  - random_kills_growing_map: the same (a fifth as many kills) with the
 *    catalog's map starting at 32 KiB (ndshm__catalog_map_size), so that
 *    writes fill it and grow it (undo, grow, run again) while processes
 *    die.
 *  - crash_points: the child's ndshm__crash_hook raises SIGKILL at the Nth
 *    time (N = 1..4) a named point is reached by one kind of operation, for
 *    every (operation, point) pair the library passes (the test fails if
 *    it passes one not listed), so that kills land inside the catalog
 *    write transaction ("write:commit") and between a remove's commit and
 *    its unlink ("remove:committed"), each with the outcome it must have
 *    (happened or not, leftover or not).  And inside LMDB's commit, where
 *    lib/ has no point: after the meta page that makes the commit durable
 *    is written and before LMDB publishes it to other processes (pwrite is
 *    interposed for that): the change has happened, and a process that
 *    opens the store afterwards must see it at once.
 *  - reader_slots: more processes than the LMDB reader table holds die
 *    while holding a read transaction; a new process then opens the store,
 *    finds no dead slot left (they are cleared at open), reads and writes.
 *
 * After every kill the parent checks, with a store handle it opens then:
 * the store opens; every name is there or not as the acknowledged
 * operations say, with its contents (arrays and copies element by element,
 * views through their window, sharing their base's data file and naming
 * it as base); the operation in flight happened completely or not at all,
 * and the names do not change when the first write transaction comes;
 * ndshm_fsck reports nothing but leftovers a crash may leave (a data file
 * no name refers to), exactly those in data/ and only where the operation
 * in flight can leave one; NDSHM_FSCK_REPAIR removes them, after which
 * fsck finds nothing, data/ holds exactly the files the catalog names, and
 * a new array can be created, read and removed.
 *
 * Run longer:  tests/crash [KILLS [SEED]]   (random kills, default 1000;
 * CRASH_KILLS=n does the same under make check).  The seed is printed;
 * CRASH_SEED=n (or the second argument) replays the choices of a run (not
 * the kill instants, which are timing).  CK_RUN_CASE=random|points|readers
 * runs one part.  A failure prints the events that led to it.
 */
#define _GNU_SOURCE
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <lmdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "ndshm.h"
#include "store.h"
#include "testproc.h"
#include "testutil.h"

#define MAXEL         65536 /* elements of the largest array */
#define NNAMES        6
#define DEFAULT_KILLS 1000
#define GUARD_NS      (TEST_GUARD_MS * 1000000LL) /* hang guard, one child */

static long want_kills = DEFAULT_KILLS;
static uint64_t base_seed;

/* ---- small utilities ---------------------------------------------------- */

static uint64_t rng_next(uint64_t *s)
{
    /* splitmix64: good enough, and the same in parent and child */
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static unsigned rng_below(uint64_t *s, unsigned n)
{
    return n ? (unsigned)(rng_next(s) % n) : 0;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_ns(int64_t ns)
{
    struct timespec ts = {(time_t)(ns / 1000000000LL),
                          (long)(ns % 1000000000LL)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* A child dies with its parent (a failed assertion must not leave a child
 * creating arrays for ever). */
static void die_with_parent(pid_t parent)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(99);
}

/* The wait status of a child; one that hangs is killed and fails the
 * test. */
static int wait_child(pid_t pid)
{
    int status = test_reap(pid, TEST_GUARD_MS);
    ck_assert_msg(status != -1, "child %ld hangs", (long)pid);
    return status;
}

/* Recent events, printed when a check fails: what led there. */
#define NHIST 64
static char history[NHIST][240];
static long nhist;

static void note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(history[nhist % NHIST], sizeof history[0], fmt, ap);
    va_end(ap);
    nhist++;
}

static void dump_history(void)
{
    if (nhist == 0)
        return;
    fprintf(stderr, "--- the last events before the failure:\n");
    for (long i = nhist > NHIST ? nhist - NHIST : 0; i < nhist; i++)
        fprintf(stderr, "  %s\n", history[i % NHIST]);
    fflush(stderr);
}

/* ck_assert_msg, telling the recent events first. */
#define CHECK(cond, ...)                                                      \
    do {                                                                      \
        if (!(cond)) {                                                        \
            dump_history();                                                   \
            ck_abort_msg(__VA_ARGS__);                                        \
        }                                                                     \
    } while (0)

/* ---- expected contents -------------------------------------------------- */

/* Every array holds uint32 elements; content is what a window shows, in C
 * order. */
struct content {
    int ndim;
    int64_t shape[2];
    uint32_t v[MAXEL];
};

static int64_t nelem(int ndim, const int64_t *shape)
{
    int64_t n = 1;
    for (int i = 0; i < ndim; i++)
        n *= shape[i];
    return n;
}

static void content_copy(struct content *dst, const struct content *src)
{
    dst->ndim = src->ndim;
    memcpy(dst->shape, src->shape, sizeof dst->shape);
    memcpy(dst->v, src->v,
           (size_t)nelem(src->ndim, src->shape) * sizeof *src->v);
}

/* The shapes creates choose from: ordinary, 0-d, empty, and two large
 * enough that building the file takes a while. */
static const struct {
    int ndim;
    int64_t shape[2];
    bool big;
} shapes[] = {
    {2, {4, 6}, false},    {2, {3, 5}, false},    {1, {7, 0}, false},
    {0, {0, 0}, false},    {2, {2, 0}, false},    {2, {1, 1}, false},
    {2, {256, 256}, true}, {1, {40000, 0}, true},
};
#define NSHAPES (sizeof shapes / sizeof shapes[0])

/* One step of an expression: NumPy basic indexing of a 0- to 2-d window,
 * always with in-range parameters (no clamping to model). */
enum { EX_ROWS, EX_STEP, EX_REV, EX_T, EX_INDEX, EX_COLS, NEX };
struct step {
    uint8_t ex;
    int32_t a, b, s;
};

static bool step_ok(int ndim, const int64_t *shape, int ex)
{
    switch (ex) {
    case EX_ROWS:
    case EX_STEP:
    case EX_INDEX: return ndim >= 1 && shape[0] >= 1;
    case EX_REV: return ndim >= 1;
    case EX_T: return true;
    case EX_COLS: return ndim == 2 && shape[1] >= 1;
    }
    return false;
}

static void step_pick(uint64_t *rng, int ndim, const int64_t *shape, int ex,
                      struct step *st)
{
    memset(st, 0, sizeof *st);
    st->ex = (uint8_t)ex;
    unsigned n0 = ndim >= 1 ? (unsigned)shape[0] : 0;
    switch (ex) {
    case EX_ROWS:
        st->a = (int32_t)rng_below(rng, n0);
        st->b = (int32_t)(st->a + 1 + (int)rng_below(rng, n0 - st->a));
        break;
    case EX_STEP:
        st->a = (int32_t)rng_below(rng, n0);
        st->s = (int32_t)(2 + rng_below(rng, 2));
        break;
    case EX_INDEX:
        st->a = (int32_t)rng_below(rng, n0);
        if (rng_below(rng, 2))
            st->a = (int32_t)(st->a - (int)n0); /* counts from the end */
        break;
    case EX_COLS:
        st->a = (int32_t)rng_below(rng, (unsigned)shape[1]);
        st->s = (int32_t)(1 + rng_below(rng, 2));
        break;
    }
}

static int step_text(const struct step *st, char *buf, size_t cap)
{
    switch (st->ex) {
    case EX_ROWS: return snprintf(buf, cap, "[%d:%d]", st->a, st->b);
    case EX_STEP: return snprintf(buf, cap, "[%d::%d]", st->a, st->s);
    case EX_REV: return snprintf(buf, cap, "[::-1]");
    case EX_T: return snprintf(buf, cap, ".T");
    case EX_INDEX: return snprintf(buf, cap, "[%d]", st->a);
    case EX_COLS: return snprintf(buf, cap, "[:, %d::%d]", st->a, st->s);
    }
    return snprintf(buf, cap, "?");
}

/* The shape of a window of ndim dimensions after st. */
static void step_shape(int ndim, const int64_t *shape, const struct step *st,
                       int *ndim2, int64_t *shape2)
{
    /* shape2 may be shape */
    int64_t s0 = ndim >= 1 ? shape[0] : 0, s1 = ndim >= 2 ? shape[1] : 0;
    int nd = ndim;
    switch (st->ex) {
    case EX_ROWS: s0 = st->b - st->a; break;
    case EX_STEP: s0 = (s0 - st->a + st->s - 1) / st->s; break;
    case EX_INDEX:
        nd = ndim - 1;
        s0 = s1;
        s1 = 0;
        break;
    case EX_T:
        if (ndim == 2) {
            int64_t t = s0;
            s0 = s1;
            s1 = t;
        }
        break;
    case EX_COLS: s1 = (s1 - st->a + st->s - 1) / st->s; break;
    }
    *ndim2 = nd;
    shape2[0] = s0;
    shape2[1] = s1;
}

/* dst = src indexed by st, element by element as NumPy defines it. */
static void step_apply(const struct content *src, const struct step *st,
                       struct content *dst)
{
    static int64_t rows[MAXEL];
    int64_t nrows = 0;
    int64_t n0 = src->ndim >= 1 ? src->shape[0] : 1;
    int64_t row = src->ndim >= 1 ? nelem(src->ndim - 1, src->shape + 1) : 1;
    step_shape(src->ndim, src->shape, st, &dst->ndim, dst->shape);
    switch (st->ex) {
    case EX_ROWS:
        for (int64_t i = st->a; i < st->b; i++)
            rows[nrows++] = i;
        break;
    case EX_STEP:
        for (int64_t i = st->a; i < n0; i += st->s)
            rows[nrows++] = i;
        break;
    case EX_REV:
        for (int64_t i = n0 - 1; i >= 0; i--)
            rows[nrows++] = i;
        break;
    case EX_INDEX: rows[nrows++] = st->a < 0 ? st->a + n0 : st->a; break;
    case EX_T:
        if (src->ndim == 2) {
            int64_t r = src->shape[0], c = src->shape[1];
            for (int64_t i = 0; i < r; i++)
                for (int64_t j = 0; j < c; j++)
                    dst->v[j * r + i] = src->v[i * c + j];
        } else {
            content_copy(dst, src);
        }
        return;
    case EX_COLS: {
        int64_t r = src->shape[0], c = src->shape[1], k = dst->shape[1];
        for (int64_t i = 0; i < r; i++)
            for (int64_t j = 0; j < k; j++)
                dst->v[i * k + j] = src->v[i * c + st->a + j * st->s];
        return;
    }
    }
    for (int64_t k = 0; k < nrows; k++)
        memcpy(dst->v + k * row, src->v + rows[k] * row,
               (size_t)row * sizeof *dst->v);
}

/* ---- the model: what the store must hold -------------------------------- */

static const char *const names[NNAMES] = {"a", "b", "ns/c", "d", "e", "f"};

enum { OP_CREATE, OP_VIEW, OP_COPY, OP_RM, OP_FSCK, NKINDS };
static const char *const kind_name[NKINDS] = {"create", "view", "copy", "rm",
                                              "fsck"};

/* One operation, as it travels over the pipe. */
struct op {
    uint8_t kind;
    uint8_t name;  /* target */
    uint8_t src;   /* view, copy: the name the expression starts from */
    uint8_t how;   /* create: 1 from a buffer, 0 a fill; view: read-only */
    uint8_t shape; /* create: index into shapes[] */
    uint8_t nsteps;
    struct step steps[2];
    uint32_t gen; /* create: the contents; every op: a unique number */
};

struct entry {
    bool present;
    bool view;
    bool readonly;
    uint32_t file_gen; /* gen of the create or copy that made its file */
    struct content c;
};

struct model {
    struct entry e[NNAMES];
    uint32_t next_gen;
};

static struct model model;        /* the parent's, inherited by children */
static struct content scratch[2]; /* expression evaluation */
static struct entry want;         /* an operation's expected result */
static uint32_t readbuf[MAXEL];   /* a window read back */
static uint32_t childbuf[MAXEL];  /* a child's create buffer */

static uint32_t pattern(uint32_t gen, int64_t i)
{
    return gen * 100003u + (uint32_t)i;
}

static void op_expr(const struct op *op, char *buf, size_t cap)
{
    int n = snprintf(buf, cap, "%s", names[op->src]);
    for (int i = 0; i < op->nsteps && n >= 0 && (size_t)n < cap; i++)
        n += step_text(&op->steps[i], buf + n, cap - (size_t)n);
}

static void op_describe(const struct op *op, char *buf, size_t cap)
{
    char ex[128];
    switch (op->kind) {
    case OP_CREATE:
        snprintf(buf, cap, "create %s shape #%u %s gen %u", names[op->name],
                 op->shape, op->how ? "from buffer" : "fill", op->gen);
        break;
    case OP_VIEW:
    case OP_COPY:
        op_expr(op, ex, sizeof ex);
        snprintf(buf, cap, "%s %s = %s%s", kind_name[op->kind],
                 names[op->name], ex,
                 op->kind == OP_VIEW && op->how ? " (read-only)" : "");
        break;
    case OP_RM: snprintf(buf, cap, "rm %s", names[op->name]); break;
    default: snprintf(buf, cap, "fsck --repair");
    }
}

/* In a child, which needs only shapes to choose operations: the values
 * are not computed (that time would go to kills between operations). */
static bool shapes_only;

/* What op makes of its target, given the model before it. */
static void op_result(const struct model *m, const struct op *op,
                      struct entry *out)
{
    memset(out, 0, offsetof(struct entry, c));
    out->present = true;
    if (op->kind == OP_CREATE) {
        out->file_gen = op->gen;
        out->c.ndim = shapes[op->shape].ndim;
        memcpy(out->c.shape, shapes[op->shape].shape, sizeof out->c.shape);
        int64_t n = shapes_only ? 0 : nelem(out->c.ndim, out->c.shape);
        for (int64_t i = 0; i < n; i++)
            out->c.v[i] = op->how ? pattern(op->gen, i) : op->gen;
        return;
    }
    const struct entry *src = &m->e[op->src];
    if (shapes_only) {
        out->c.ndim = src->c.ndim;
        memcpy(out->c.shape, src->c.shape, sizeof out->c.shape);
        for (int i = 0; i < op->nsteps; i++)
            step_shape(out->c.ndim, out->c.shape, &op->steps[i], &out->c.ndim,
                       out->c.shape);
    } else {
        const struct content *cur = &src->c;
        for (int i = 0; i < op->nsteps; i++) {
            step_apply(cur, &op->steps[i], &scratch[i % 2]);
            cur = &scratch[i % 2];
        }
        content_copy(&out->c, cur);
    }
    if (op->kind == OP_VIEW) {
        out->view = true;
        out->readonly = op->how || src->readonly;
        out->file_gen = src->file_gen;
    } else {
        out->file_gen = op->gen;
    }
}

static void model_apply(struct model *m, const struct op *op)
{
    if (op->kind == OP_CREATE || op->kind == OP_VIEW || op->kind == OP_COPY) {
        op_result(m, op, &want);
        struct entry *e = &m->e[op->name];
        memcpy(e, &want, offsetof(struct entry, c));
        if (shapes_only) {
            e->c.ndim = want.c.ndim;
            memcpy(e->c.shape, want.c.shape, sizeof e->c.shape);
        } else {
            content_copy(&e->c, &want.c);
        }
    } else if (op->kind == OP_RM) {
        m->e[op->name].present = false;
    }
    if (op->gen >= m->next_gen)
        m->next_gen = op->gen + 1;
}

/*
 * Choose the next operation from weights (per kind), using only names the
 * model says are free (for creates) or present (for the rest), so that
 * every operation should succeed.  small: a tool run, whose literal values
 * must stay short.
 */
static void choose_op(const struct model *m, uint64_t *rng,
                      const unsigned weights[NKINDS], bool small,
                      struct op *op)
{
    memset(op, 0, sizeof *op);
    unsigned total = 0;
    for (int k = 0; k < NKINDS; k++)
        total += weights[k];
    unsigned r = rng_below(rng, total);
    int kind = 0;
    while (r >= weights[kind])
        r -= weights[kind++];
    int present[NNAMES], free_[NNAMES], np = 0, nf = 0;
    for (int i = 0; i < NNAMES; i++) {
        if (m->e[i].present)
            present[np++] = i;
        else
            free_[nf++] = i;
    }
    if ((kind == OP_VIEW || kind == OP_COPY) && np == 0)
        kind = OP_CREATE;
    if (kind != OP_RM && kind != OP_FSCK && nf == 0)
        kind = OP_RM;
    if (kind == OP_RM && np == 0)
        kind = OP_CREATE;
    op->kind = (uint8_t)kind;
    op->gen = m->next_gen;
    switch (kind) {
    case OP_CREATE:
        op->name = (uint8_t)free_[rng_below(rng, (unsigned)nf)];
        do
            op->shape = (uint8_t)rng_below(rng, NSHAPES);
        while (shapes[op->shape].big && (small || rng_below(rng, 3) != 0));
        op->how = (uint8_t)rng_below(rng, 2);
        if (small && op->how &&
            nelem(shapes[op->shape].ndim, shapes[op->shape].shape) == 0)
            op->how = 0; /* an empty literal has no dtype to infer */
        break;
    case OP_VIEW:
    case OP_COPY: {
        op->name = (uint8_t)free_[rng_below(rng, (unsigned)nf)];
        op->src = (uint8_t)present[rng_below(rng, (unsigned)np)];
        op->how = kind == OP_VIEW && rng_below(rng, 4) == 0;
        int ndim = m->e[op->src].c.ndim;
        int64_t shape[2] = {m->e[op->src].c.shape[0],
                            m->e[op->src].c.shape[1]};
        int want_steps = (int)rng_below(rng, 3);
        for (int i = 0; i < want_steps; i++) {
            int ex;
            do
                ex = (int)rng_below(rng, NEX);
            while (!step_ok(ndim, shape, ex));
            step_pick(rng, ndim, shape, ex, &op->steps[op->nsteps]);
            step_shape(ndim, shape, &op->steps[op->nsteps], &ndim, shape);
            op->nsteps++;
        }
        break;
    }
    case OP_RM:
        op->name = (uint8_t)present[rng_below(rng, (unsigned)np)];
        break;
    }
}

/* ---- the child: a stream of operations, told to the parent -------------- */

enum {
    MSG_READY = 'R',
    MSG_BEGIN = 'B',
    MSG_END = 'E',
    MSG_FAIL = 'F',
    MSG_POINT = 'P' /* an operation passed a crash point (the first time) */
};

/* Fixed size, below PIPE_BUF: each write arrives whole or not at all. */
struct msg {
    uint8_t type;
    int32_t rc;
    struct op op;
    char err[200];
};

/* The kill the crash hook delivers: at the nth time point is reached while
 * an operation of kind runs (any operation for KIND_ANY). */
#define KIND_ANY (-2)
struct hookcfg {
    int kind;
    const char *point;
    int n;
    bool after_meta; /* rather: right after LMDB's next meta write */
};

/*
 * LMDB commits by writing the data pages, then the meta page that makes
 * the transaction durable (a pwrite on its second, O_DSYNC descriptor),
 * and only then tells other processes the new transaction id, in the lock
 * file.  A process killed between the two leaves a commit that is on disk
 * but not yet published: no crash point of lib/ is there.  This program
 * defines pwrite, which liblmdb (a shared library) then calls instead of
 * libc's, to die exactly there once die_after_meta is set.
 */
static volatile sig_atomic_t die_after_meta;

ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset)
{
    ssize_t r = syscall(SYS_pwrite64, fd, buf, count, offset);
    if (die_after_meta) {
        int fl = fcntl(fd, F_GETFL);
        if (fl >= 0 && (fl & O_DSYNC) == O_DSYNC)
            raise(SIGKILL);
    }
    return r;
}

static struct hookcfg hook_cfg;
static int hook_hits;
static int cur_kind = -1;
static int hook_fd = -1; /* where to tell the points passed, or -1 */

/* The crash points of lib/ (catalog.h), and which kinds passed which. */
static const char *const points[] = {"create:built",     "create:linked",
                                     "write:commit",     "remove:begin",
                                     "remove:committed", "read:begun"};
#define NPOINTS (sizeof points / sizeof points[0])
static bool passed[NKINDS + 1][NPOINTS + 1]; /* [kind + 1]: -1 is none */

static void kill_hook(const char *point)
{
    size_t p = 0;
    while (p < NPOINTS && strcmp(points[p], point) != 0)
        p++;
    if (hook_fd >= 0 && !passed[cur_kind + 1][p]) {
        passed[cur_kind + 1][p] = true;
        struct msg m;
        memset(&m, 0, sizeof m);
        m.type = MSG_POINT;
        m.rc = cur_kind; /* -1: outside any operation */
        snprintf(m.err, sizeof m.err, "%s", point);
        if (write(hook_fd, &m, sizeof m) != (ssize_t)sizeof m)
            _exit(98);
    }
    if ((hook_cfg.kind == KIND_ANY || hook_cfg.kind == cur_kind) &&
        strcmp(point, hook_cfg.point) == 0 && ++hook_hits == hook_cfg.n) {
        if (!hook_cfg.after_meta)
            raise(SIGKILL);
        die_after_meta = 1;
    }
}

static void send_msg(int fd, int type, int rc, const struct op *op)
{
    struct msg m;
    memset(&m, 0, sizeof m);
    m.type = (uint8_t)type;
    m.rc = rc;
    if (op)
        m.op = *op;
    if (rc != 0)
        snprintf(m.err, sizeof m.err, "%s", ndshm_errmsg());
    if (write(fd, &m, sizeof m) != (ssize_t)sizeof m)
        _exit(98);
}

static int do_op(ndshm_store *st, const struct op *op)
{
    char ex[128];
    const char *name = names[op->name];
    switch (op->kind) {
    case OP_CREATE: {
        int ndim = shapes[op->shape].ndim;
        const int64_t *shape = shapes[op->shape].shape;
        if (!op->how)
            return ndshm_array_create(st, name, NDSHM_UINT32, ndim, shape,
                                      &op->gen, 0);
        int64_t n = nelem(ndim, shape);
        for (int64_t i = 0; i < n; i++)
            childbuf[i] = pattern(op->gen, i);
        return ndshm_array_create_from_buffer(st, name, NDSHM_UINT32, ndim,
                                              shape, childbuf, NULL, 0);
    }
    case OP_VIEW:
        op_expr(op, ex, sizeof ex);
        return ndshm_view_create(st, name, ex, op->how ? NDSHM_READONLY : 0);
    case OP_COPY:
        op_expr(op, ex, sizeof ex);
        return ndshm_copy(st, name, ex, 0);
    case OP_RM: return ndshm_remove(st, name);
    default: return ndshm_fsck(st, NDSHM_FSCK_REPAIR, NULL, NULL);
    }
}

/*
 * Open the store, say so, and run up to max_ops operations chosen with
 * weights, each announced before it starts and acknowledged after it
 * returned success.  Ends by being killed; exit 3 means the operations ran
 * out first, 1 that one failed, 2 that the store did not open.
 */
static void child_main(const char *dir, int fd, pid_t parent, uint64_t seed,
                       const unsigned weights[NKINDS],
                       const struct hookcfg *hk, int max_ops)
{
    die_with_parent(parent);
    shapes_only = true;
    ndshm_store *st;
    int rc = ndshm_store_open(&st, dir, 0);
    if (rc != 0) {
        send_msg(fd, MSG_FAIL, rc, NULL);
        _exit(2);
    }
    send_msg(fd, MSG_READY, 0, NULL);
    if (hk) {
        hook_cfg = *hk;
        hook_hits = 0;
        hook_fd = fd;
        ndshm__crash_hook = kill_hook;
    }
    uint64_t rng = seed;
    for (int i = 0; i < max_ops; i++) {
        struct op op;
        choose_op(&model, &rng, weights, false, &op);
        send_msg(fd, MSG_BEGIN, 0, &op);
        cur_kind = op.kind;
        rc = do_op(st, &op);
        cur_kind = -1;
        if (die_after_meta)
            _exit(4); /* LMDB wrote no meta page through pwrite */
        if (rc != 0) {
            send_msg(fd, MSG_FAIL, rc, &op);
            _exit(1);
        }
        send_msg(fd, MSG_END, 0, &op);
        model_apply(&model, &op);
    }
    _exit(3);
}

/* ---- the parent: run a child, kill it, learn what it acknowledged ------- */

struct stats {
    long rounds, kills, tool_kills, tool_finished, kills_before_ready;
    long leftover_kills, leftovers, idle_kills, keeper_kills;
    long acked[NKINDS], inflight[NKINDS], happened[NKINDS],
        not_happened[NKINDS];
};
static struct stats stats;

/* What one child (or tool run) did before it died. */
struct outcome {
    bool ready;         /* it had opened the store */
    bool have_inflight; /* an operation had begun and not been acked */
    struct op inflight;
    bool failed; /* an operation returned an error */
    struct msg fail;
    int status;
};

enum kill_mode {
    KILL_FROM_FORK,   /* delay counted from the fork */
    KILL_AFTER_READY, /* delay counted from "store open" */
    KILL_NEVER        /* the crash hook kills it */
};

static void take_msg(const struct msg *m, struct outcome *o, int64_t delay_ns,
                     enum kill_mode mode, int64_t *deadline)
{
    switch (m->type) {
    case MSG_READY:
        o->ready = true;
        if (mode == KILL_AFTER_READY)
            *deadline = now_ns() + delay_ns;
        break;
    case MSG_BEGIN:
        o->have_inflight = true;
        o->inflight = m->op;
        break;
    case MSG_END:
        o->have_inflight = false;
        model_apply(&model, &m->op);
        char d[200];
        op_describe(&m->op, d, sizeof d);
        note("  acknowledged: %s", d);
        stats.acked[m->op.kind]++;
        break;
    case MSG_FAIL:
        o->failed = true;
        o->fail = *m;
        break;
    case MSG_POINT: {
        size_t p = 0;
        while (p < NPOINTS && strcmp(points[p], m->err) != 0)
            p++;
        CHECK(p < NPOINTS, "the library passed an unknown crash point '%s'",
              m->err);
        CHECK(m->rc >= -1 && m->rc < NKINDS, "bad kind %d", m->rc);
        passed[m->rc + 1][p] = true;
        break;
    }
    }
}

static void run_child(const char *dir, enum kill_mode mode, int64_t delay_ns,
                      uint64_t seed, const unsigned weights[NKINDS],
                      const struct hookcfg *hk, int max_ops, struct outcome *o)
{
    memset(o, 0, sizeof *o);
    int p[2];
    ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
    pid_t parent = getpid();
    pid_t pid = test_fork();
    if (pid == 0) {
        close(p[0]);
        child_main(dir, p[1], parent, seed, weights, hk, max_ops);
    }
    close(p[1]);
    int64_t start = now_ns();
    int64_t deadline = mode == KILL_FROM_FORK ? start + delay_ns : -1;
    int64_t guard = start + GUARD_NS;
    bool killed = false;
    static char buf[sizeof(struct msg) * 32];
    size_t have = 0;
    for (;;) {
        int64_t now = now_ns();
        if (!killed && deadline >= 0 && now >= deadline) {
            kill(pid, SIGKILL);
            killed = true;
        }
        if (now >= guard) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            ck_abort_msg("child %ld hangs", (long)pid);
        }
        int64_t until = !killed && deadline >= 0 ? deadline : guard;
        if (until < now)
            until = now;
        struct timespec ts = {(time_t)((until - now) / 1000000000LL),
                              (long)((until - now) % 1000000000LL)};
        struct pollfd pf = {p[0], POLLIN, 0};
        int r = ppoll(&pf, 1, &ts, NULL);
        if (r <= 0)
            continue;
        ssize_t n = read(p[0], buf + have, sizeof buf - have);
        if (n < 0 && errno == EINTR)
            continue;
        CHECK(n >= 0, "read: %s", strerror(errno));
        if (n == 0)
            break;
        have += (size_t)n;
        size_t off = 0;
        for (; have - off >= sizeof(struct msg); off += sizeof(struct msg)) {
            struct msg m;
            memcpy(&m, buf + off, sizeof m);
            take_msg(&m, o, delay_ns, mode, &deadline);
        }
        memmove(buf, buf + off, have - off);
        have -= off;
    }
    close(p[0]);
    o->status = wait_child(pid);
}

/* ---- checking the store after a kill ------------------------------------ */

/* The array in the model whose data file gen made, by name, or NULL. */
static const char *owner_of(uint32_t file_gen)
{
    for (int i = 0; i < NNAMES; i++)
        if (model.e[i].present && !model.e[i].view &&
            model.e[i].file_gen == file_gen)
            return names[i];
    return NULL;
}

/* Does name show what e says?  *why says how not; *id gets its file id. */
static bool entry_matches(ndshm_store *st, const char *name,
                          const struct entry *e, uint64_t *id, char *why,
                          size_t cap)
{
    ndshm_array *a;
    int rc = ndshm_array_open(&a, st, name, 0);
    if (rc != 0) {
        snprintf(why, cap, "'%s' does not open: %s", name, ndshm_errmsg());
        return false;
    }
    bool ok = false;
    const int64_t *shape = ndshm_array_shape(a);
    const char *base = ndshm_array_base(a);
    const char *base_want = e->view ? owner_of(e->file_gen) : NULL;
    if (ndshm_array_is_view(a) != (int)e->view)
        snprintf(why, cap, "'%s' is%s a view", name, e->view ? " not" : "");
    else if (ndshm_array_readonly(a) != (int)e->readonly)
        snprintf(why, cap, "'%s' is%s read-only", name,
                 e->readonly ? " not" : "");
    else if (ndshm_array_dtype(a) != NDSHM_UINT32)
        snprintf(why, cap, "'%s' has dtype %d", name, ndshm_array_dtype(a));
    else if (ndshm_array_ndim(a) != e->c.ndim ||
             (e->c.ndim >= 1 && shape[0] != e->c.shape[0]) ||
             (e->c.ndim >= 2 && shape[1] != e->c.shape[1]))
        snprintf(why, cap, "'%s' has the wrong shape (ndim %d)", name,
                 ndshm_array_ndim(a));
    else if ((base == NULL) != (base_want == NULL) ||
             (base && strcmp(base, base_want) != 0))
        snprintf(why, cap, "'%s' has base '%s', expected '%s'", name,
                 base ? base : "(none)", base_want ? base_want : "(none)");
    else if (ndshm_array_read(a, readbuf, NULL) != 0)
        snprintf(why, cap, "'%s' cannot be read: %s", name, ndshm_errmsg());
    else {
        int64_t n = nelem(e->c.ndim, e->c.shape), i = 0;
        while (i < n && readbuf[i] == e->c.v[i])
            i++;
        if (i < n)
            snprintf(why, cap,
                     "'%s' element %lld is %u, expected %u (of %lld)", name,
                     (long long)i, readbuf[i], e->c.v[i], (long long)n);
        else
            ok = true;
    }
    *id = ndshm_array_id(a);
    ndshm_array_close(a);
    return ok;
}

static void bump_gen(const struct op *op)
{
    if (op->gen >= model.next_gen)
        model.next_gen = op->gen + 1;
}

struct name_list {
    int n;
    char v[32][NDSHM_NAME_MAX + 1];
};

static int collect_name(const char *name, void *ctx)
{
    struct name_list *l = ctx;
    if (l->n < 32)
        snprintf(l->v[l->n], sizeof l->v[0], "%s", name);
    l->n++;
    return 0;
}

/*
 * The operation in flight when the process died: it happened completely
 * (1) or not at all (0), which the store shows; the model follows.  -1 for
 * fsck, which changes no name here.
 */
static int resolve_inflight(ndshm_store *st, const struct op *op,
                            const char *what)
{
    char why[300], desc[200];
    op_describe(op, desc, sizeof desc);
    if (op->kind == OP_FSCK) {
        note("  killed in flight: %s", desc);
        bump_gen(op);
        return -1;
    }
    const char *name = names[op->name];
    /* by the catalog: a name whose data is gone must not pass for absent */
    struct name_list l = {0};
    CHECK(ndshm_list(st, collect_name, &l) == 0, "%s: list: %s", what,
          ndshm_errmsg());
    bool there = false;
    for (int k = 0; k < l.n && k < 32; k++)
        there = there || strcmp(l.v[k], name) == 0;
    note("  killed in flight: %s; '%s' is %s", desc, name,
         there ? "there" : "absent");
    if (op->kind == OP_RM) {
        if (there) { /* not removed: the full check compares its contents */
            bump_gen(op);
            return 0;
        }
        model_apply(&model, op);
        return 1;
    }
    if (!there) {
        bump_gen(op);
        return 0;
    }
    uint64_t id;
    op_result(&model, op, &want);
    CHECK(entry_matches(st, name, &want, &id, why, sizeof why),
          "%s: a kill in '%s' left the name but not the whole "
          "change: %s",
          what, desc, why);
    model_apply(&model, op);
    return 1;
}

/* Every name as the model says, with its contents; views share their
 * base's file, nothing else shares one.  Fills ids (per name index). */
static void check_names(ndshm_store *st, const char *what,
                        uint64_t ids[NNAMES])
{
    struct name_list l = {0};
    CHECK(ndshm_list(st, collect_name, &l) == 0, "%s: list: %s", what,
          ndshm_errmsg());
    int np = 0;
    for (int i = 0; i < NNAMES; i++)
        np += model.e[i].present;
    for (int k = 0; k < l.n && k < 32; k++) {
        int i = 0;
        while (i < NNAMES && strcmp(names[i], l.v[k]) != 0)
            i++;
        CHECK(i < NNAMES && model.e[i].present,
              "%s: '%s' exists, but no acknowledged operation made "
              "it (or one removed it)",
              what, l.v[k]);
    }
    CHECK(l.n == np, "%s: %d names listed, %d expected", what, l.n, np);
    char why[300];
    for (int i = 0; i < NNAMES; i++) {
        if (!model.e[i].present)
            continue;
        CHECK(
            entry_matches(st, names[i], &model.e[i], &ids[i], why, sizeof why),
            "%s: %s", what, why);
    }
    char line[240];
    int n = snprintf(line, sizeof line, "  files:");
    for (int i = 0; i < NNAMES && n < (int)sizeof line; i++)
        if (model.e[i].present)
            n += snprintf(line + n, sizeof line - (size_t)n, " %s=%" PRIu64,
                          names[i], ids[i]);
    note("%s", line);
    for (int i = 0; i < NNAMES; i++)
        for (int j = i + 1; j < NNAMES; j++)
            if (model.e[i].present && model.e[j].present)
                CHECK((model.e[i].file_gen == model.e[j].file_gen) ==
                          (ids[i] == ids[j]),
                      "%s: '%s' (file %" PRIu64 ") and '%s' (file %" PRIu64
                      ") should%s share a data file",
                      what, names[i], ids[i], names[j], ids[j],
                      model.e[i].file_gen == model.e[j].file_gen ? ""
                                                                 : " not");
}

/* What data/ holds beyond the files the catalog names. */
struct dirscan {
    int nleft, ntmp;
    char left[8][NDSHM_NAME_MAX + 1];
    int nnamed; /* files of named arrays found */
};

static void scan_data(const char *dir, const uint64_t *ids, int nids,
                      const char *what, struct dirscan *d)
{
    memset(d, 0, sizeof *d);
    char path[4200];
    snprintf(path, sizeof path, "%s/data", dir);
    DIR *dp = opendir(path);
    CHECK(dp != NULL, "%s: opendir %s: %s", what, path, strerror(errno));
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        const char *n = de->d_name;
        if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
            continue;
        uint64_t id;
        bool named = false;
        if (test_data_file_id(n, &id))
            for (int i = 0; i < nids; i++)
                named = named || ids[i] == id;
        if (named) {
            d->nnamed++;
            continue;
        }
        CHECK(test_data_file_id(n, &id) || strncmp(n, ".tmp.", 5) == 0,
              "%s: unexpected file data/%s", what, n);
        d->ntmp += n[0] == '.';
        if (d->nleft < 8)
            snprintf(d->left[d->nleft], sizeof d->left[0], "%s", n);
        d->nleft++;
    }
    closedir(dp);
}

struct fsck_log {
    int n, nrepaired;
    char msg[8][400];
};

static void log_problem(const char *problem, int repaired, void *ctx)
{
    struct fsck_log *l = ctx;
    if (l->n < 8)
        snprintf(l->msg[l->n], sizeof l->msg[0], "%s", problem);
    l->n++;
    l->nrepaired += repaired != 0;
}

/* All the problems, for a failure message. */
static const char *problems_text(const struct fsck_log *l)
{
    static char text[8 * 420];
    size_t n = 0;
    text[0] = '\0';
    for (int k = 0; k < l->n && k < 8; k++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%s[%s]",
                              k ? " " : "", l->msg[k]);
    return text;
}

/* Each problem fsck reported is one of the leftovers, and each leftover
 * was reported. */
static void problems_are_leftovers(const struct fsck_log *l,
                                   const struct dirscan *d, const char *what,
                                   const char *pass)
{
    CHECK(l->n == d->nleft,
          "%s: fsck%s reported %d problems for %d leftover files: %s", what,
          pass, l->n, d->nleft, problems_text(l));
    for (int k = 0; k < l->n && k < 8; k++) {
        bool known = false;
        for (int j = 0; j < d->nleft && j < 8; j++)
            known = known || strstr(l->msg[k], d->left[j]) != NULL;
        CHECK(known && strncmp(l->msg[k], "leftover", 8) == 0,
              "%s: fsck%s reported a problem a crash may not leave: "
              "%s",
              what, pass, l->msg[k]);
    }
    for (int j = 0; j < d->nleft && j < 8; j++) {
        bool told = false;
        for (int k = 0; k < l->n && k < 8; k++)
            told = told || strstr(l->msg[k], d->left[j]) != NULL;
        CHECK(told, "%s: fsck%s did not report data/%s", what, pass,
              d->left[j]);
    }
}

/* The store works: a new array can be made, read and removed. */
static void probe(ndshm_store *st, const char *what)
{
    int64_t shape[1] = {3};
    uint32_t seven = 7, got[3] = {0};
    ndshm_array *a;
    CHECK(ndshm_array_create(st, "zz/probe", NDSHM_UINT32, 1, shape, &seven,
                             0) == 0,
          "%s: cannot create after the kill: %s", what, ndshm_errmsg());
    CHECK(ndshm_array_open(&a, st, "zz/probe", 0) == 0,
          "%s: cannot open after the kill: %s", what, ndshm_errmsg());
    ck_assert_int_eq(ndshm_array_read(a, got, NULL), 0);
    ndshm_array_close(a);
    CHECK(got[0] == 7 && got[2] == 7, "%s: probe reads %u", what, got[0]);
    CHECK(ndshm_remove(st, "zz/probe") == 0,
          "%s: cannot remove after the kill: %s", what, ndshm_errmsg());
}

struct verdict {
    int happened; /* of the operation in flight: 1, 0, or -1 (none/fsck) */
    int leftovers;
    int tmp_leftovers;
};

/* Every name of the store, in order, with its data file's id. */
static void names_text(ndshm_store *st, char *buf, size_t cap)
{
    struct name_list l = {0};
    size_t n = 0;
    buf[0] = '\0';
    if (ndshm_list(st, collect_name, &l) != 0) {
        snprintf(buf, cap, "(list failed: %s)", ndshm_errmsg());
        return;
    }
    for (int k = 0; k < l.n && k < 32 && n < cap; k++) {
        ndshm_array *a;
        uint64_t id = 0;
        if (ndshm_array_open(&a, st, l.v[k], 0) == 0) {
            id = ndshm_array_id(a);
            ndshm_array_close(a);
        }
        n += (size_t)snprintf(buf + n, cap - n, "%s%s=%" PRIu64, k ? " " : "",
                              l.v[k], id);
    }
}

/* Everything the header promises after a kill (see the top comment). */
static void verify(const char *dir, const struct outcome *o, const char *what,
                   struct verdict *v)
{
    memset(v, 0, sizeof *v);
    ndshm_store *st;
    int rc = ndshm_store_open(&st, dir, 0);
    CHECK(rc == 0, "%s: the store does not open: %s", what, ndshm_errmsg());
    MDB_envinfo info;
    mdb_env_info(st->env->cat.env, &info);
    note("  opened: last txn %zu", info.me_last_txnid);
    v->happened =
        o->have_inflight ? resolve_inflight(st, &o->inflight, what) : -1;
    uint64_t ids[NNAMES] = {0}, named[NNAMES];
    int nids = 0;
    check_names(st, what, ids);
    for (int i = 0; i < NNAMES; i++)
        if (model.e[i].present)
            named[nids++] = ids[i];
    char before[400], after[400];
    names_text(st, before, sizeof before);

    /* fsck takes a write transaction: the first since the kill, in which
     * LMDB recovers a writer that died holding its lock.  What a process
     * opening the store saw must not change then. */
    struct fsck_log l = {0};
    rc = ndshm_fsck(st, 0, log_problem, &l);
    names_text(st, after, sizeof after);
    CHECK(strcmp(before, after) == 0,
          "%s: the names changed at the first write after the kill (a "
          "commit of the dead process became visible only then): before "
          "[%s], after [%s]",
          what, before, after);

    struct dirscan d;
    scan_data(dir, named, nids, what, &d);
    v->leftovers = d.nleft;
    v->tmp_leftovers = d.ntmp;
    if (d.nleft)
        note("  leftover: %s", d.left[0]);

    CHECK(rc == (d.nleft ? NDSHM_ECORRUPT : 0),
          "%s: fsck returned %s with %d leftover files in data/: %s", what,
          ndshm_errname(rc), d.nleft, problems_text(&l));
    CHECK(l.nrepaired == 0, "%s: fsck repaired without --repair", what);
    problems_are_leftovers(&l, &d, what, "");

    mdb_env_info(st->env->cat.env, &info);
    note("  checked: last txn %zu", info.me_last_txnid);
    memset(&l, 0, sizeof l);
    rc = ndshm_fsck(st, NDSHM_FSCK_REPAIR, log_problem, &l);
    CHECK(rc == 0, "%s: fsck --repair returned %s: %s", what,
          ndshm_errname(rc), ndshm_errmsg());
    CHECK(l.nrepaired == l.n, "%s: fsck --repair left %d of %d", what,
          l.n - l.nrepaired, l.n);
    problems_are_leftovers(&l, &d, what, " --repair");

    memset(&l, 0, sizeof l);
    rc = ndshm_fsck(st, 0, log_problem, &l);
    CHECK(rc == 0 && l.n == 0,
          "%s: fsck after the repair returned %s, %d problems: %s", what,
          ndshm_errname(rc), l.n, problems_text(&l));

    scan_data(dir, named, nids, what, &d);
    int distinct = 0;
    for (int i = 0; i < nids; i++) {
        bool seen = false;
        for (int j = 0; j < i; j++)
            seen = seen || named[j] == named[i];
        distinct += !seen;
    }
    CHECK(d.nleft == 0 && d.nnamed == distinct,
          "%s: after the repair data/ holds %d leftovers and %d of "
          "the %d named files",
          what, d.nleft, d.nnamed, distinct);
    /* the names are still all there: the repair removed only leftovers */
    check_names(st, what, ids);
    probe(st, what);
    ndshm_store_close(st);
}

/* ---- a keeper: another process holding the store open ----------------------
 * With it, a dead process's LMDB lock state (its writer mutex, its reader
 * slot) is what the next opener finds; without it, the next opener is the
 * first and starts the lock table afresh.  Both happen in real use. */

struct keeper {
    pid_t pid;
    int fd; /* closing it ends the keeper */
};

static void keeper_start(const char *dir, struct keeper *k)
{
    int p[2], ready[2];
    ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
    ck_assert_int_eq(pipe2(ready, O_CLOEXEC), 0);
    pid_t parent = getpid();
    k->pid = test_fork();
    if (k->pid == 0) {
        die_with_parent(parent);
        close(p[1]);
        close(ready[0]);
        ndshm_store *st;
        char c = ndshm_store_open(&st, dir, 0) == 0 ? 'k' : 'x';
        if (write(ready[1], &c, 1) != 1)
            _exit(1);
        while (read(p[0], &c, 1) > 0)
            ;
        _exit(0);
    }
    close(p[0]);
    close(ready[1]);
    char c = 0;
    CHECK(read(ready[0], &c, 1) == 1 && c == 'k',
          "the keeper cannot open the store");
    close(ready[0]);
    k->fd = p[1];
}

static void keeper_stop(struct keeper *k)
{
    if (k->pid <= 0)
        return;
    close(k->fd);
    int status = wait_child(k->pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the keeper failed");
    k->pid = 0;
}

/* ---- the tool: the same operations, killed at random instants ----------- */

static void tool_literal(const struct op *op, char *buf, size_t cap)
{
    int ndim = shapes[op->shape].ndim;
    const int64_t *shape = shapes[op->shape].shape;
    int64_t rows = ndim == 2 ? shape[0] : 1,
            cols = ndim >= 1 ? shape[ndim - 1] : 1;
    size_t n = 0;
    if (ndim == 2)
        n += (size_t)snprintf(buf + n, cap - n, "[");
    for (int64_t r = 0; r < rows; r++) {
        if (ndim >= 1)
            n += (size_t)snprintf(buf + n, cap - n, "%s[", r ? ", " : "");
        for (int64_t c = 0; c < cols; c++)
            n += (size_t)snprintf(buf + n, cap - n, "%s%u", c ? ", " : "",
                                  pattern(op->gen, r * cols + c));
        if (ndim >= 1)
            n += (size_t)snprintf(buf + n, cap - n, "]");
    }
    if (ndim == 2)
        snprintf(buf + n, cap - n, "]");
}

/* One operation by the tool, killed 0 to 4 ms after it started (it takes
 * about 3 ms, so some finish: those are acknowledged). */
static void run_tool(const char *dir, const char *tool, uint64_t *rng,
                     const unsigned weights[NKINDS], struct outcome *o)
{
    memset(o, 0, sizeof *o);
    struct op op;
    choose_op(&model, rng, weights, true, &op);
    char ex[128], lit[2048], shape[64], gen[32];
    const char *argv[16];
    int n = 0;
    argv[n++] = tool;
    argv[n++] = "--store";
    argv[n++] = dir;
    op_expr(&op, ex, sizeof ex);
    switch (op.kind) {
    case OP_CREATE:
        argv[n++] = "create";
        argv[n++] = names[op.name];
        if (op.how) {
            tool_literal(&op, lit, sizeof lit);
            argv[n++] = lit;
        } else {
            const int64_t *s = shapes[op.shape].shape;
            int nd = shapes[op.shape].ndim;
            if (nd == 0)
                snprintf(shape, sizeof shape, "()");
            else if (nd == 1)
                snprintf(shape, sizeof shape, "%lld", (long long)s[0]);
            else
                snprintf(shape, sizeof shape, "%lld,%lld", (long long)s[0],
                         (long long)s[1]);
            snprintf(gen, sizeof gen, "%u", op.gen);
            argv[n++] = "--shape";
            argv[n++] = shape;
            argv[n++] = "--fill";
            argv[n++] = gen;
        }
        argv[n++] = "--dtype";
        argv[n++] = "uint32";
        break;
    case OP_VIEW:
    case OP_COPY:
        argv[n++] = kind_name[op.kind];
        argv[n++] = names[op.name];
        argv[n++] = ex;
        if (op.kind == OP_VIEW && op.how)
            argv[n++] = "--readonly";
        break;
    case OP_RM:
        argv[n++] = "rm";
        argv[n++] = names[op.name];
        break;
    default: argv[n++] = "fsck"; argv[n++] = "--repair";
    }
    argv[n] = NULL;
    int64_t delay = (int64_t)rng_below(rng, 4000) * 1000;
    pid_t parent = getpid();
    pid_t pid = test_fork();
    if (pid == 0) {
        die_with_parent(parent);
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0)
            dup2(fd, 1);
        execv(tool, (char *const *)argv);
        _exit(127);
    }
    sleep_ns(delay);
    kill(pid, SIGKILL);
    o->status = wait_child(pid);
    o->ready = true;
    char desc[200];
    op_describe(&op, desc, sizeof desc);
    if (WIFEXITED(o->status)) {
        CHECK(WEXITSTATUS(o->status) == 0, "the tool failed (exit %d) in '%s'",
              WEXITSTATUS(o->status), desc);
        model_apply(&model, &op);
        stats.acked[op.kind]++;
        note("  acknowledged: %s", desc);
    } else {
        CHECK(test_killed_by(o->status, SIGKILL),
              "the tool died of signal %d in '%s'", WTERMSIG(o->status), desc);
        o->have_inflight = true;
        o->inflight = op;
    }
}

/* ---- the tests ---------------------------------------------------------- */

static void model_reset(void)
{
    memset(&model, 0, offsetof(struct model, next_gen));
    model.next_gen = 1;
}

static void count_verdict(const struct outcome *o, const struct verdict *v)
{
    stats.leftovers += v->leftovers;
    stats.leftover_kills += v->leftovers > 0;
    if (!o->have_inflight) {
        stats.idle_kills++;
        return;
    }
    int k = o->inflight.kind;
    stats.inflight[k]++;
    if (v->happened == 1)
        stats.happened[k]++;
    else if (v->happened == 0)
        stats.not_happened[k]++;
}

static void print_stats(const char *title, double seconds)
{
    printf("%s: %ld kills (%ld of the tool, %ld before the store opened, "
           "%ld with a keeper) in %ld rounds, %.1f s; %ld kills left a "
           "leftover (%ld files); %ld with no operation in flight; %ld tool "
           "runs finished first\n",
           title, stats.kills, stats.tool_kills, stats.kills_before_ready,
           stats.keeper_kills, stats.rounds, seconds, stats.leftover_kills,
           stats.leftovers, stats.idle_kills, stats.tool_finished);
    for (int k = 0; k < NKINDS; k++)
        printf("  %-6s acknowledged %6ld; killed in flight %5ld: happened "
               "%5ld, not %5ld\n",
               kind_name[k], stats.acked[k], stats.inflight[k],
               stats.happened[k], stats.not_happened[k]);
    fflush(stdout);
}

/*
 * How many leftover files a kill may leave: one, made by the operation in
 * flight: a create or copy that did not happen (its file linked, its name
 * not committed), a remove that did (its name committed, its file not yet
 * unlinked), or an fsck between its commit and its unlinks.  None when
 * nothing was in flight, nor from a view, nor from anything that finished.
 */
static int leftovers_allowed(const struct outcome *o, const struct verdict *v)
{
    if (!o->have_inflight)
        return 0;
    switch (o->inflight.kind) {
    case OP_CREATE:
    case OP_COPY: return v->happened == 0;
    case OP_RM: return v->happened == 1;
    case OP_FSCK: return 1;
    }
    return 0;
}

/* want random kills in dir, with the catalog map starting at map_size
 * (children and the checks inherit it). */
static void random_run(const char *title, long kills, size_t map_size)
{
    size_t saved_map_size = ndshm__catalog_map_size;
    ndshm__catalog_map_size = map_size;
    char *dir = test_scratch_dir();
    model_reset();
    memset(&stats, 0, sizeof stats);
    uint64_t rng = base_seed;
    const char *tool = getenv("NDSHM");
    bool use_tool = tool && *tool && access(tool, X_OK) == 0;
    if (!use_tool)
        printf("%s: $NDSHM is not set: no tool runs\n", title);
    static const unsigned weights[NKINDS] = {4, 3, 3, 3, 1};
    struct keeper keeper = {0, -1};
    int64_t t0 = now_ns();
    while (stats.kills < kills) {
        stats.rounds++;
        /* 50 rounds without a keeper, 50 with, ... */
        if (stats.rounds % 50 == 0) {
            if (keeper.pid > 0)
                keeper_stop(&keeper);
            else
                keeper_start(dir, &keeper);
        }
        struct outcome o;
        bool by_tool = use_tool && rng_below(&rng, 5) == 0;
        note("round %ld%s", stats.rounds, by_tool ? " (tool)" : "");
        if (by_tool) {
            run_tool(dir, tool, &rng, weights, &o);
        } else {
            unsigned m = rng_below(&rng, 16);
            int64_t delay = (int64_t)rng_below(&rng, 3000) * 1000;
            if (m == 0 || m == 1)
                delay = 0; /* at once: before, or just after, the open */
            run_child(dir, m <= 3 ? KILL_FROM_FORK : KILL_AFTER_READY, delay,
                      rng_next(&rng), weights, NULL, 1 << 30, &o);
            char desc[200] = "";
            if (o.failed)
                op_describe(&o.fail.op, desc, sizeof desc);
            CHECK(!o.failed, "round %ld: '%s' failed: %s (%s)", stats.rounds,
                  desc, ndshm_errname(o.fail.rc), o.fail.err);
            CHECK(test_killed_by(o.status, SIGKILL),
                  "round %ld: the child ended with status 0x%x", stats.rounds,
                  o.status);
        }
        bool killed = test_killed_by(o.status, SIGKILL);
        char what[300], desc[200] = "no operation";
        if (o.have_inflight)
            op_describe(&o.inflight, desc, sizeof desc);
        snprintf(what, sizeof what,
                 "round %ld (seed %" PRIu64 ", %s%s, "
                 "in flight: %s)",
                 stats.rounds, base_seed, by_tool ? "tool" : "library",
                 keeper.pid > 0 ? ", keeper" : "", desc);
        struct verdict v;
        verify(dir, &o, what, &v);
        if (killed) {
            stats.kills++;
            stats.tool_kills += by_tool;
            stats.kills_before_ready += !o.ready;
            stats.keeper_kills += keeper.pid > 0;
            count_verdict(&o, &v);
        } else {
            stats.tool_finished++;
        }
        CHECK(v.leftovers <= leftovers_allowed(&o, &v),
              "%s: %d leftover files, but the operation in flight (if any) "
              "can leave at most %d",
              what, v.leftovers, leftovers_allowed(&o, &v));
    }
    keeper_stop(&keeper);
    print_stats(title, (double)(now_ns() - t0) / 1e9);
    if (map_size != saved_map_size) {
        /* the catalog outgrew the map it started with: it was grown */
        char path[4200];
        struct stat sb;
        snprintf(path, sizeof path, "%s/catalog.mdb", dir);
        CHECK(stat(path, &sb) == 0, "%s: %s", path, strerror(errno));
        printf("%s: the catalog grew to %lld KiB from a %zu KiB map\n", title,
               (long long)sb.st_size / 1024, map_size / 1024);
        CHECK((size_t)sb.st_size > map_size, "the catalog never grew");
    }
    /* A run where the kills never hit an operation proves nothing. */
    for (int k = 0; k < OP_FSCK; k++)
        CHECK(stats.inflight[k] > 0 || kills < 100, "no kill hit a %s",
              kind_name[k]);
    test_store_remove(dir);
    ndshm__catalog_map_size = saved_map_size;
}

START_TEST(random_kills)
{
    random_run("random_kills", want_kills, ndshm__catalog_map_size);
}
END_TEST

/*
 * The same with a catalog map that starts small (32 KiB), so that writes
 * fill it and grow it (ndshm__catalog_write: undo, grow, run again) while
 * processes are killed, and processes meet maps grown by others.
 */
START_TEST(random_kills_growing_map)
{
    random_run("random_kills_growing_map", want_kills / 5 + 1,
               (size_t)1 << 15);
}
END_TEST

/*
 * In a child: the store at dir (exit 2 if it does not open), with the
 * crash hook set to kill the process the first time it reaches point.
 */
static ndshm_store *store_dying_at(const char *dir, pid_t parent,
                                   const char *point)
{
    die_with_parent(parent);
    ndshm_store *st;
    if (ndshm_store_open(&st, dir, 0) != 0)
        _exit(2);
    hook_cfg = (struct hookcfg){KIND_ANY, point, 1, false};
    ndshm__crash_hook = kill_hook;
    return st;
}

/* A leftover the real way: a create killed after linking its file. */
static void plant_leftover(const char *dir)
{
    pid_t parent = getpid();
    pid_t pid = test_fork();
    if (pid == 0) {
        ndshm_store *st = store_dying_at(dir, parent, "create:linked");
        int64_t shape[1] = {5};
        ndshm_array_create(st, "zz/planted", NDSHM_UINT32, 1, shape, NULL, 0);
        _exit(3);
    }
    ck_assert(test_killed_by(wait_child(pid), SIGKILL));
}

/* What a kill at each point must leave: whether the operation happened
 * (-1: fsck, which changes no name), and how many leftover files. */
static const struct point_case {
    int kind;
    const char *point;
    bool after_meta; /* killed after LMDB's meta write that follows */
    int happened;
    int leftovers; /* -1: as leftovers_allowed(); fsck: at most the
                      planted one */
} point_cases[] = {
    {OP_CREATE, "read:begun", false, 0, 0},
    {OP_CREATE, "create:built", false, 0, 0},
    {OP_CREATE, "create:linked", false, 0, 1},
    {OP_CREATE, "write:commit", false, 0, 1},
    {OP_CREATE, "write:commit", true, 1, 0},
    {OP_COPY, "read:begun", false, 0, 0},
    {OP_COPY, "create:built", false, 0, 0},
    {OP_COPY, "create:linked", false, 0, 1},
    {OP_COPY, "write:commit", false, 0, 1},
    {OP_COPY, "write:commit", true, 1, 0},
    {OP_VIEW, "write:commit", false, 0, 0},
    {OP_VIEW, "write:commit", true, 1, 0},
    {OP_RM, "remove:begin", false, 0, 0},
    {OP_RM, "write:commit", false, 0, 0},
    {OP_RM, "write:commit", true, 1, -1},
    {OP_RM, "remove:committed", false, 1, 1},
    {OP_FSCK, "write:commit", false, -1, -1},
    /* (fsck after the meta write: its transaction writes nothing here, so
     * LMDB writes no meta page) */
};
#define NCASES  (sizeof point_cases / sizeof point_cases[0])
#define NTH_MAX 4

START_TEST(crash_points)
{
    char *dir = test_scratch_dir();
    model_reset();
    memset(&stats, 0, sizeof stats);
    uint64_t rng = base_seed ^ 0x5eed;
    memset(passed, 0, sizeof passed);
    struct keeper keeper = {0, -1};
    int64_t t0 = now_ns();
    for (size_t c = 0; c < NCASES; c++) {
        const struct point_case *pc = &point_cases[c];
        for (int nth = 1; nth <= NTH_MAX; nth++) {
            stats.rounds++;
            /* every pair both with and without another process holding
             * the store open */
            if ((nth % 2 == 0) != (keeper.pid > 0)) {
                if (keeper.pid > 0)
                    keeper_stop(&keeper);
                else
                    keeper_start(dir, &keeper);
            }
            if (pc->kind == OP_FSCK)
                plant_leftover(dir);
            unsigned weights[NKINDS] = {3, 2, 2, 3, 0};
            weights[pc->kind] += 6;
            struct hookcfg hk = {pc->kind, pc->point, nth, pc->after_meta};
            note("round %ld: kill %s at '%s'%s, time %d", stats.rounds,
                 kind_name[pc->kind], pc->point,
                 pc->after_meta ? " (after LMDB's meta write)" : "", nth);
            struct outcome o;
            run_child(dir, KILL_NEVER, 0, rng_next(&rng), weights, &hk, 400,
                      &o);
            char what[300], desc[200] = "";
            if (o.have_inflight || o.failed)
                op_describe(o.failed ? &o.fail.op : &o.inflight, desc,
                            sizeof desc);
            snprintf(what, sizeof what,
                     "%s at '%s'%s (time %d%s, in flight: "
                     "%s)",
                     kind_name[pc->kind], pc->point,
                     pc->after_meta ? " then LMDB's meta write" : "", nth,
                     keeper.pid > 0 ? ", keeper" : "", desc);
            CHECK(!o.failed, "%s: the operation failed: %s (%s)", what,
                  ndshm_errname(o.fail.rc), o.fail.err);
            CHECK(!(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 3),
                  "%s: 400 operations never reached the point", what);
            if (WIFEXITED(o.status) && WEXITSTATUS(o.status) == 4) {
                /* another LMDB: the case cannot be made here */
                printf("crash_points: %s: LMDB wrote no meta page through "
                       "pwrite on an O_DSYNC descriptor; case skipped\n",
                       what);
                model_apply(&model, &o.inflight);
                struct verdict v;
                verify(dir, &(struct outcome){0}, what, &v);
                continue;
            }
            CHECK(test_killed_by(o.status, SIGKILL),
                  "%s: the child ended with status 0x%x", what, o.status);
            CHECK(o.have_inflight && o.inflight.kind == pc->kind,
                  "%s: killed outside the operation", what);
            struct verdict v;
            verify(dir, &o, what, &v);
            stats.kills++;
            stats.keeper_kills += keeper.pid > 0;
            count_verdict(&o, &v);
            CHECK(v.happened == pc->happened, "%s: the operation %s", what,
                  v.happened ? "happened" : "did not happen");
            int left = pc->leftovers;
            /* without O_TMPFILE, a create killed while building leaves
             * its named temporary */
            if (strcmp(pc->point, "create:built") == 0)
                left = v.tmp_leftovers;
            /* a killed fsck may or may not have deleted the planted
             * leftover (it needs no commit to go); nothing else is left */
            if (pc->leftovers < 0 && pc->kind == OP_FSCK)
                left = v.leftovers <= 1 ? v.leftovers : 1;
            /* a remove leaves its file if it was the last name of it */
            else if (pc->leftovers < 0)
                left = v.leftovers <= leftovers_allowed(&o, &v)
                           ? v.leftovers
                           : leftovers_allowed(&o, &v);
            CHECK(v.leftovers == left, "%s: %d leftover files, expected %d",
                  what, v.leftovers, left);
        }
    }
    keeper_stop(&keeper);
    /* Every point an operation passed was a point it was killed at: the
     * list of cases is complete (a new point in lib/ fails here). */
    for (int k = -1; k < NKINDS; k++)
        for (size_t p = 0; p < NPOINTS; p++) {
            bool listed = false;
            for (size_t c = 0; c < NCASES; c++)
                listed =
                    listed || (point_cases[c].kind == k &&
                               strcmp(point_cases[c].point, points[p]) == 0);
            CHECK(!passed[k + 1][p] || listed,
                  "%s passes crash point '%s', which no case kills it at",
                  k < 0 ? "no operation" : kind_name[k], points[p]);
            CHECK(passed[k + 1][p] || !listed, "%s never passed '%s'",
                  kind_name[k], points[p]);
        }
    print_stats("crash_points", (double)(now_ns() - t0) / 1e9);
    test_store_remove(dir);
}
END_TEST

/* A child that opens the store and dies holding a read transaction. */
static void die_reading(const char *dir, int how, pid_t parent)
{
    ndshm_store *st = store_dying_at(dir, parent, "read:begun");
    ndshm_array *a;
    int64_t shape[1] = {2};
    switch (how) {
    case 0: ndshm_array_open(&a, st, "r", 0); break;
    case 1: ndshm_list(st, collect_name, &(struct name_list){0}); break;
    case 2:
        ndshm_array_create(st, "never", NDSHM_UINT32, 1, shape, NULL, 0);
        break;
    default: ndshm_copy(st, "never", "r[1:]", 0);
    }
    _exit(3); /* no read transaction was begun */
}

/* In a new process: no dead reader left once the store is open; reads and
 * writes work.  Exit status: 0, or which step failed. */
static void fresh_process_check(const char *dir, pid_t parent)
{
    die_with_parent(parent);
    ndshm_store *st;
    if (ndshm_store_open(&st, dir, 0) != 0)
        _exit(10);
    int dead = -1;
    if (mdb_reader_check(st->env->cat.env, &dead) != 0)
        _exit(11);
    if (dead != 0)
        _exit(12); /* stale slots survived the open */
    int64_t shape[1] = {4};
    uint32_t v = 42, got[4];
    ndshm_array *a;
    if (ndshm_array_create(st, "after", NDSHM_UINT32, 1, shape, &v, 0) != 0)
        _exit(13);
    if (ndshm_array_open(&a, st, "r", 0) != 0 ||
        ndshm_array_read(a, got, NULL) != 0 || got[0] != 9)
        _exit(14);
    ndshm_array_close(a);
    if (ndshm_array_open(&a, st, "after", 0) != 0 ||
        ndshm_array_read(a, got, NULL) != 0 || got[3] != 42)
        _exit(15);
    ndshm_array_close(a);
    if (ndshm_remove(st, "after") != 0)
        _exit(16);
    ndshm_store_close(st);
    _exit(0);
}

START_TEST(reader_slots)
{
    char *dir = test_scratch_dir();
    /* The parent holds the store open throughout: otherwise each child,
     * the only opener, would start LMDB's lock table afresh. */
    ndshm_store *st;
    ck_assert_int_eq(ndshm_store_open(&st, dir, 0), 0);
    int64_t shape[1] = {4};
    uint32_t nine = 9;
    ck_assert_int_eq(
        ndshm_array_create(st, "r", NDSHM_UINT32, 1, shape, &nine, 0), 0);
    MDB_envinfo info;
    ck_assert_int_eq(mdb_env_info(st->env->cat.env, &info), 0);
    /* LMDB rounds the table up to fill its pages: kill more than it has */
    long n = (long)info.me_maxreaders + 64;
    if (n < 1100)
        n = 1100;
    int64_t t0 = now_ns();
    pid_t parent = getpid();
    for (long i = 0; i < n; i++) {
        pid_t pid = test_fork();
        if (pid == 0)
            die_reading(dir, (int)(i % 4), parent);
        int status = wait_child(pid);
        CHECK(test_killed_by(status, SIGKILL),
              "process %ld of %ld did not die holding a read "
              "transaction (status 0x%x: 2 no open, 3 no read)",
              i + 1, n, status);
    }
    pid_t pid = test_fork();
    if (pid == 0)
        fresh_process_check(dir, parent);
    int status = wait_child(pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "after %ld dead readers a new process fails (status 0x%x: "
          "10 open, 12 dead slots left after open, 13+ read/write)",
          n, status);
    /* and this process, open all along, still reads and writes */
    ndshm_array *a;
    ck_assert_int_eq(ndshm_array_open(&a, st, "r", 0), 0);
    ndshm_array_close(a);
    ck_assert_int_eq(ndshm_view_create(st, "rv", "r[::2]", 0), 0);
    ck_assert_int_eq(ndshm_remove(st, "rv"), 0);
    ck_assert_int_eq(ndshm_fsck(st, 0, NULL, NULL), 0);
    printf("reader_slots: %ld processes killed holding a read transaction "
           "(reader table: %u slots), %.1f s\n",
           n, info.me_maxreaders, (double)(now_ns() - t0) / 1e9);
    fflush(stdout);
    ndshm_store_close(st);
    test_store_remove(dir);
}
END_TEST

static Suite *crash_suite(void)
{
    Suite *s = suite_create("crash");
    TCase *tc = test_dir_tcase("random", 300 + (double)want_kills * 0.5);
    tcase_add_test(tc, random_kills);
    tcase_add_test(tc, random_kills_growing_map);
    suite_add_tcase(s, tc);
    tc = test_dir_tcase("points", 300);
    tcase_add_test(tc, crash_points);
    suite_add_tcase(s, tc);
    tc = test_dir_tcase("readers", 300);
    tcase_add_test(tc, reader_slots);
    suite_add_tcase(s, tc);
    return s;
}

int main(int argc, char **argv)
{
    const char *kills = argc > 1 ? argv[1] : getenv("CRASH_KILLS");
    const char *seed = argc > 2 ? argv[2] : getenv("CRASH_SEED");
    if (kills && *kills) {
        char *end;
        want_kills = strtol(kills, &end, 10);
        if (*end != '\0' || want_kills < 1) {
            fprintf(stderr, "usage: %s [KILLS [SEED]]\n", argv[0]);
            return EXIT_FAILURE;
        }
    }
    base_seed = seed && *seed
                    ? strtoull(seed, NULL, 10)
                    : (uint64_t)time(NULL) ^ (uint64_t)getpid() << 20;
    printf("crash: seed %" PRIu64 ", %ld random kills\n", base_seed,
           want_kills);
    fflush(stdout);
    return test_run_suite(crash_suite(), CK_NORMAL);
}
