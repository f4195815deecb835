/*
 * error.c -- error codes, their names and messages, and the per-thread
 * detail message that explains the last failure (libgit2's git_error_last).
 */
#include "config.h"

#include <errno.h>
#include <lmdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

#define DETAIL_MAX 1024

static __thread char detail[DETAIL_MAX];

const char *ndshm_strerror(int code)
{
    switch (code) {
    case NDSHM_OK: return "success";
#define XX(name, num, msg)                                                    \
    case NDSHM_##name: return msg;
        NDSHM_ERRNO_MAP(XX)
#undef XX
    }
    return "unknown error";
}

const char *ndshm_errname(int code)
{
    switch (code) {
    case NDSHM_OK: return "OK";
#define XX(name, num, msg)                                                    \
    case NDSHM_##name: return #name;
        NDSHM_ERRNO_MAP(XX)
#undef XX
    }
    return "UNKNOWN";
}

const char *ndshm_errmsg(void)
{
    return detail;
}

const char *ndshm_version(void)
{
    return PACKAGE_VERSION;
}

/*
 * The detail is one line (ndshm.h), but it quotes what the caller gave:
 * a name or expression holding a newline ("a\nb") would print as two
 * lines, and a carriage return or escape sequence could hide the rest of
 * the message on a terminal.  So control characters are written escaped,
 * as C spells them ("\n", "\x1b"), and the result is cut to fit.
 * (Found by tests/bad_input.py and tests/bad_api.c.)
 */
static void escape_controls(void)
{
    const unsigned char *q = (const unsigned char *)detail;
    while (*q >= 0x20 && *q != 0x7f)
        q++;
    if (*q == '\0')
        return; /* the usual case: nothing to escape */
    char raw[DETAIL_MAX];
    memcpy(raw, detail, strlen(detail) + 1);
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)raw; *p; p++) {
        char esc[8];
        if (*p >= 0x20 && *p != 0x7f) {
            esc[0] = (char)*p;
            esc[1] = '\0';
        } else if (*p == '\n' || *p == '\t' || *p == '\r') {
            esc[0] = '\\';
            esc[1] = *p == '\n' ? 'n' : *p == '\t' ? 't' : 'r';
            esc[2] = '\0';
        } else {
            snprintf(esc, sizeof esc, "\\x%02x", *p);
        }
        size_t len = strlen(esc);
        if (n + len >= sizeof detail)
            break;
        memcpy(detail + n, esc, len);
        n += len;
    }
    detail[n] = '\0';
}

static void set_detail(const char *fmt, va_list ap)
{
    vsnprintf(detail, sizeof detail, fmt, ap);
    escape_controls();
}

/* detail = "<a>: <b>", cut to fit. */
static void set_pair(const char *a, const char *b)
{
    size_t n = 0;
    const char *parts[3] = {a, ": ", b};
    for (int i = 0; i < 3; i++)
        for (const char *p = parts[i]; *p && n + 1 < sizeof detail; p++)
            detail[n++] = *p;
    detail[n] = '\0';
    escape_controls();
}

int ndshm__err(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_detail(fmt, ap);
    va_end(ap);
    return code;
}

static int code_of_errno(int errnum)
{
    switch (errnum) {
    case ENOSPC:
    case EDQUOT:
    case EFBIG: return NDSHM_ENOSPC;
    case ENOMEM: return NDSHM_ENOMEM;
    default: return NDSHM_ESYS;
    }
}

/* strerror, but one spelling of "no space" whoever reports it. */
static const char *errno_text(int errnum)
{
    return errnum == ENOSPC ? "no space left on device" : strerror(errnum);
}

int ndshm__err_sys(int errnum, const char *fmt, ...)
{
    char what[DETAIL_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    set_pair(what, errno_text(errnum));
    return code_of_errno(errnum);
}

int ndshm__err_mdb(int rc, const char *what)
{
    int code;
    switch (rc) {
    case MDB_NOTFOUND: code = NDSHM_ENOTFOUND; break;
    case MDB_KEYEXIST: code = NDSHM_EEXIST; break;
    case MDB_MAP_FULL: code = NDSHM_ENOSPC; break;
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID: code = NDSHM_ECORRUPT; break;
    case MDB_VERSION_MISMATCH: code = NDSHM_EVERSION; break;
    default: code = rc > 0 ? code_of_errno(rc) : NDSHM_ESYS; break;
    }
    set_pair(what, rc > 0 ? errno_text(rc) : mdb_strerror(rc));
    return code;
}

int ndshm__err_prefix(int code, const char *fmt, ...)
{
    char prefix[DETAIL_MAX], old[DETAIL_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, detail, sizeof old);
    set_pair(prefix, old);
    return code;
}
