/*
 * cli.h -- what the ndshm tool's subcommands share: option parsing,
 * messages and exit codes, and the store they work on.
 */
#ifndef NDSHM_CLI_H
#define NDSHM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "literal.h"
#include "ndshm.h"

/* Exit statuses (docs/ndshm.1). */
enum { EXIT_OK = 0, EXIT_ERROR = 1, EXIT_USAGE = 2, EXIT_TIMEOUT = 3 };

struct cli {
    const char *command;   /* for messages: "ndshm COMMAND: ..." */
    const char *store_dir; /* --store, or NULL for the default */
    ndshm_store *store;    /* opened on first use */
};

/* One option a subcommand accepts. */
struct cli_opt {
    const char *name; /* long name, without "--" */
    char short_name;  /* or 0 */
    bool has_arg;
};

/*
 * Parse argv (after the command name) against opts.  values[i] receives
 * the argument of opts[i] ("" for a flag that is present), or NULL when
 * absent.  Everything else is positional, including "-5" and "-inf";
 * "--" ends the options.  --store DIR is accepted by every command.
 * Returns the number of positionals (stored in pos), or -1 after printing
 * a usage error: an unknown option, or fewer than min_pos or more than
 * max_pos positionals ("<expected>" says what was expected).
 */
int cli_parse(struct cli *cli, int argc, char **argv,
              const struct cli_opt *opts, const char **values,
              const char **pos, int min_pos, int max_pos,
              const char *expected);

/*
 * Write text to out with control characters escaped ("\n", "\x1b"), so
 * that a message quoting what the user typed (or a command line, or a
 * file name) stays one line.
 */
void cli_put_escaped(FILE *out, const char *text);

/* "ndshm COMMAND: <message>" on stderr; returns EXIT_ERROR. */
int cli_error(const struct cli *cli, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The same for a usage error, with a pointer to --help; EXIT_USAGE. */
int cli_usage_error(const struct cli *cli, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * "ndshm COMMAND: <what>: <library detail>" where what is formatted from
 * fmt ("cannot create 'x'"); returns EXIT_ERROR.
 */
int cli_lib_error(const struct cli *cli, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Parse a value literal; prints the error and returns EXIT_ERROR. */
int cli_value(struct cli *cli, const char *text, struct literal *lit);

/*
 * Convert the literal's elements to dtype, checked (nothing out of range
 * gets through); prints "<what>: <why>" and returns EXIT_ERROR on failure.
 */
int cli_convert_value(struct cli *cli, struct literal *lit, ndshm_dtype dtype,
                      const char *what);

/* Write s as a JSON string. */
void cli_json_string(FILE *out, const char *s);

/*
 * Parse --timeout SEC (a number of seconds, 0 or more) into *seconds; no
 * option (text NULL) means for ever (-1).  Prints a usage error and
 * returns -1 when text is not a number of seconds.
 */
int cli_timeout(struct cli *cli, const char *text, double *seconds);

/*
 * A size for people: "1.5 GiB", "512 bytes".  One decimal, rounded, and
 * never "1024.0 KiB": a value that rounds up to the next unit is shown in
 * it.
 */
void cli_size_text(uint64_t n, char *buf, size_t len);

/* A growable list of strings: a store's names, a directory's entries. */
struct cli_names {
    char **v;
    size_t n, cap;
};

/* What cli_names_add returns out of memory: positive, so that ndshm_list,
 * which passes its callback's value on, tells it from its own errors. */
#define CLI_NAMES_NOMEM 1

/* Append a copy of s: 0, or CLI_NAMES_NOMEM (s is then not added). */
int cli_names_add(struct cli_names *ns, const char *s);

/* An ndshm_list callback collecting the names into ctx, a cli_names. */
int cli_names_collect(const char *name, void *ctx);

/* Sort the names bytewise (strcmp). */
void cli_names_sort(struct cli_names *ns);

/* Where s is in the sorted names, or -1. */
ptrdiff_t cli_names_find(const struct cli_names *ns, const char *s);

void cli_names_free(struct cli_names *ns);

/* Open the store (once); prints the error and returns NULL on failure. */
ndshm_store *cli_store(struct cli *cli);

/* A subcommand: argv[0] is the command name. Returns the exit status. */
typedef int (*cli_command_fn)(struct cli *cli, int argc, char **argv);

int cmd_create(struct cli *cli, int argc, char **argv);
int cmd_view(struct cli *cli, int argc, char **argv);
int cmd_copy(struct cli *cli, int argc, char **argv);
int cmd_set(struct cli *cli, int argc, char **argv);
int cmd_get(struct cli *cli, int argc, char **argv);
int cmd_export(struct cli *cli, int argc, char **argv);
int cmd_info(struct cli *cli, int argc, char **argv);
int cmd_list(struct cli *cli, int argc, char **argv);
int cmd_rm(struct cli *cli, int argc, char **argv);
int cmd_fsck(struct cli *cli, int argc, char **argv);
int cmd_wait(struct cli *cli, int argc, char **argv);
int cmd_show(struct cli *cli, int argc, char **argv);
int cmd_df(struct cli *cli, int argc, char **argv);
int cmd_who(struct cli *cli, int argc, char **argv);

/* Print a subcommand's usage: to stdout for --help, else to stderr. */
void cli_print_usage(const char *command, bool to_stdout);

#endif
