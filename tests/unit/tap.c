/* tap.c - TAP output for the unit tests: numbered points, diagnostics, plan at the end. */
#include "tap.h"

#include <stdarg.h>
#include <stdio.h>

static int points;   ///< test points so far
static int failures; ///< failed points so far

int tap_ok(int cond, const char *fmt, ...)
{
    va_list ap;
    printf("%sok %d - ", cond ? "" : "not ", ++points);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    failures += !cond;
    fflush(stdout);
    return cond;
}

void tap_diag(const char *fmt, ...)
{
    va_list ap;
    fputs("# ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

int tap_done(void)
{
    printf("1..%d\n", points);
    return failures != 0;
}
