/*
 * cli.c -- option parsing, messages and the store, shared by every
 * subcommand of the ndshm tool.
 */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

/*
 * Write text to stderr with its control characters escaped as C spells
 * them ("\n", "\x1b"): a message quotes names, expressions and values as
 * the user typed them, and one holding a newline must not turn an error
 * into two lines (docs/ndshm.1: one line on standard error).  Found by
 * tests/bad_input.py.
 */
void cli_put_escaped(FILE *out, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p >= 0x20 && *p != 0x7f)
            fputc(*p, out);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\t')
            fputs("\\t", out);
        else if (*p == '\r')
            fputs("\\r", out);
        else
            fprintf(out, "\\x%02x", *p);
    }
}

/* "ndshm COMMAND: <message><suffix>" and a newline, as one line. */
static void vmessage_line(const struct cli *cli, const char *suffix,
                          const char *fmt, va_list ap)
{
    char buf[4096];
    vsnprintf(buf, sizeof buf, fmt, ap);
    fprintf(stderr, "ndshm %s: ", cli->command);
    cli_put_escaped(stderr, buf);
    fputs(suffix, stderr);
    fputc('\n', stderr);
}

static void vmessage(const struct cli *cli, const char *fmt, va_list ap)
{
    vmessage_line(cli, "", fmt, ap);
}

int cli_error(const struct cli *cli, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(cli, fmt, ap);
    va_end(ap);
    return EXIT_ERROR;
}

int cli_usage_error(const struct cli *cli, const char *fmt, ...)
{
    char suffix[64];
    snprintf(suffix, sizeof suffix, " (see 'ndshm %s --help')", cli->command);
    va_list ap;
    va_start(ap, fmt);
    vmessage_line(cli, suffix, fmt, ap);
    va_end(ap);
    return EXIT_USAGE;
}

int cli_lib_error(const struct cli *cli, const char *fmt, ...)
{
    char what[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return cli_error(cli, "%s: %s", what, ndshm_errmsg());
}

int cli_value(struct cli *cli, const char *text, struct literal *lit)
{
    char err[256];
    if (literal_parse(text, lit, err, sizeof err) != 0)
        return cli_error(cli, "invalid value '%s': %s", text, err);
    return EXIT_OK;
}

int cli_convert_value(struct cli *cli, struct literal *lit, ndshm_dtype dtype,
                      const char *what)
{
    char err[512];
    if (lit->dtype != dtype && literal_convert(lit, dtype, err, sizeof err))
        return cli_error(cli, "%s: %s", what, err);
    return EXIT_OK;
}

int cli_timeout(struct cli *cli, const char *text, double *seconds)
{
    *seconds = -1;
    if (text == NULL)
        return 0;
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || !(v >= 0) || v > 1e9) {
        cli_usage_error(cli, "invalid timeout '%s': give seconds, e.g. 2.5",
                        text);
        return -1;
    }
    *seconds = v;
    return 0;
}

void cli_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

ndshm_store *cli_store(struct cli *cli)
{
    if (cli->store)
        return cli->store;
    if (ndshm_store_open(&cli->store, cli->store_dir, 0) != 0) {
        cli_lib_error(cli, "cannot open store");
        return NULL;
    }
    return cli->store;
}

static const struct cli_opt store_opt = {"store", 0, true};

/*
 * The option opts[i] that arg names; -1 for a positional (or --store, then
 * *is_store); -2 for an unknown option.  *inline_arg for --name=value.
 */
static int find_opt(const char *arg, const struct cli_opt *opts,
                    const char **inline_arg, bool *is_store)
{
    *inline_arg = NULL;
    *is_store = false;
    if (arg[0] == '-' && arg[1] == '-') {
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        if (eq)
            *inline_arg = eq + 1;
        if (strlen(store_opt.name) == len &&
            strncmp(name, store_opt.name, len) == 0) {
            *is_store = true;
            return -1;
        }
        for (int i = 0; opts && opts[i].name; i++)
            if (strlen(opts[i].name) == len &&
                strncmp(name, opts[i].name, len) == 0)
                return i;
        return -2;
    }
    for (int i = 0; opts && opts[i].name; i++)
        if (opts[i].short_name && arg[0] == '-' &&
            arg[1] == opts[i].short_name && arg[2] == '\0')
            return i;
    /* "-5", "-.5", "-inf", "-nan", "-Infinity", "-2j" are values */
    if (arg[0] == '-' && isalpha((unsigned char)arg[1]) &&
        strncasecmp(arg + 1, "inf", 3) != 0 &&
        strncasecmp(arg + 1, "nan", 3) != 0)
        return -2;
    return -1;
}

int cli_parse(struct cli *cli, int argc, char **argv,
              const struct cli_opt *opts, const char **values,
              const char **pos, int min_pos, int max_pos, const char *expected)
{
    int npos = 0;
    for (int i = 0; opts && opts[i].name; i++)
        values[i] = NULL;
    bool options_done = false;
    for (int k = 1; k < argc; k++) {
        const char *arg = argv[k];
        int which = -1;
        const char *inline_arg = NULL;
        bool is_store = false;
        if (!options_done && strcmp(arg, "--") == 0) {
            options_done = true;
            continue;
        }
        if (!options_done && arg[0] == '-' && arg[1] != '\0')
            which = find_opt(arg, opts, &inline_arg, &is_store);
        if (which == -2) {
            cli_usage_error(cli, "unknown option '%s'", arg);
            return -1;
        }
        if (which >= 0 || is_store) {
            bool has_arg = is_store || opts[which].has_arg;
            const char *value = "";
            if (has_arg) {
                if (inline_arg)
                    value = inline_arg;
                else if (k + 1 < argc)
                    value = argv[++k];
                else {
                    cli_usage_error(cli, "option '%s' needs an argument", arg);
                    return -1;
                }
            } else if (inline_arg) {
                cli_usage_error(cli, "option '%s' takes no argument", arg);
                return -1;
            }
            if (is_store)
                cli->store_dir = value;
            else
                values[which] = value;
            continue;
        }
        if (npos == max_pos) {
            cli_usage_error(cli, "unexpected argument '%s'", arg);
            return -1;
        }
        pos[npos++] = arg;
    }
    if (npos < min_pos) {
        cli_usage_error(cli, "%s", expected);
        return -1;
    }
    return npos;
}

void cli_size_text(uint64_t n, char *buf, size_t len)
{
    static const char *const units[] = {"KiB", "MiB", "GiB",
                                        "TiB", "PiB", "EiB"};
    if (n < 1024) {
        snprintf(buf, len, "%" PRIu64 " byte%s", n, n == 1 ? "" : "s");
        return;
    }
    double v = (double)n / 1024;
    size_t u = 0;
    while (u + 1 < sizeof units / sizeof units[0] && v >= 1023.95) {
        v /= 1024;
        u++;
    }
    snprintf(buf, len, "%.1f %s", v, units[u]);
}

int cli_names_add(struct cli_names *ns, const char *s)
{
    if (ns->n == ns->cap) {
        size_t cap = ns->cap ? 2 * ns->cap : 16;
        char **p = NULL;
        if (cap <= SIZE_MAX / sizeof *p)
            p = realloc(ns->v, cap * sizeof *p);
        if (p == NULL)
            return CLI_NAMES_NOMEM;
        ns->v = p;
        ns->cap = cap;
    }
    if ((ns->v[ns->n] = strdup(s)) == NULL)
        return CLI_NAMES_NOMEM;
    ns->n++;
    return 0;
}

int cli_names_collect(const char *name, void *ctx)
{
    return cli_names_add(ctx, name);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void cli_names_sort(struct cli_names *ns)
{
    if (ns->n > 1)
        qsort(ns->v, ns->n, sizeof *ns->v, compare_names);
}

ptrdiff_t cli_names_find(const struct cli_names *ns, const char *s)
{
    if (ns->n == 0)
        return -1;
    char **hit = bsearch(&s, ns->v, ns->n, sizeof *ns->v, compare_names);
    return hit ? hit - ns->v : -1;
}

void cli_names_free(struct cli_names *ns)
{
    for (size_t i = 0; i < ns->n; i++)
        free(ns->v[i]);
    free(ns->v);
    *ns = (struct cli_names){NULL, 0, 0};
}
