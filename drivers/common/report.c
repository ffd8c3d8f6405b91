/* report.c - JSON writer, build provenance and small numeric helpers for run reports. */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "buildinfo.h"
#include "outfile.h"
#include "par.h"

static void key(json_out *j, const char *k)
{
    fputs(j->items++ ? ", " : "", j->f);
    fputc('"', j->f);
    fputs(k, j->f);
    fputs("\": ", j->f);
}

static void escaped(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

void json_begin(json_out *j, FILE *f)
{
    j->f = f;
    j->items = 0;
    j->depth = 0;
    fputc('{', f);
}

void json_end(json_out *j)
{
    fputs("}\n", j->f);
}

/// Enter a nested level opened with character `open`.
static void push(json_out *j, char open)
{
    fputc(open, j->f);
    if (j->depth < 8)
        j->outer[j->depth] = j->items;
    j->depth++;
    j->items = 0;
}

/// Leave a nested level, closing it with `close`.
static void pop(json_out *j, char close)
{
    fputc(close, j->f);
    j->depth--;
    j->items = j->depth < 8 ? j->outer[j->depth] : 1;
}

void json_begin_obj(json_out *j, const char *k)
{
    key(j, k);
    push(j, '{');
}

void json_end_obj(json_out *j)
{
    pop(j, '}');
}

void json_begin_array(json_out *j, const char *k)
{
    key(j, k);
    push(j, '[');
}

void json_begin_element(json_out *j)
{
    fputs(j->items++ ? ", " : "", j->f);
    push(j, '{');
}

void json_end_element(json_out *j)
{
    pop(j, '}');
}

void json_end_array(json_out *j)
{
    pop(j, ']');
}

void json_elem_int(json_out *j, int64_t val)
{
    fputs(j->items++ ? ", " : "", j->f);
    fprintf(j->f, "%lld", (long long)val);
}

/// A double as JSON: %.17g (round-trip exact), null if not finite.
static void number(FILE *f, double val)
{
    if (isfinite(val))
        fprintf(f, "%.17g", val);
    else
        fputs("null", f);
}

void json_elem_num(json_out *j, double val)
{
    fputs(j->items++ ? ", " : "", j->f);
    number(j->f, val);
}

void json_str(json_out *j, const char *k, const char *val)
{
    key(j, k);
    escaped(j->f, val);
}

void json_int(json_out *j, const char *k, int64_t val)
{
    key(j, k);
    fprintf(j->f, "%lld", (long long)val);
}

void json_u64(json_out *j, const char *k, uint64_t val)
{
    key(j, k);
    fprintf(j->f, "%llu", (unsigned long long)val);
}

void json_bool(json_out *j, const char *k, int val)
{
    key(j, k);
    fputs(val ? "true" : "false", j->f);
}

void json_num(json_out *j, const char *k, double val)
{
    key(j, k);
    number(j->f, val);
}

#if defined(__clang__)
#define COMPILER PIPORT_CC " (clang " __clang_version__ ")"
#else
#define COMPILER PIPORT_CC " (gcc " __VERSION__ ")"
#endif

void json_build(json_out *j)
{
    char mpi[256];

    par_library_version(mpi, sizeof mpi);
    json_begin_obj(j, "build");
    json_str(j, "version", PIPORT_VERSION);
    json_str(j, "compiler", COMPILER);
    json_str(j, "montecarlo_compiler", PIPORT_MC_CC);
    json_str(j, "cflags", PIPORT_CFLAGS);
    json_str(j, "mpi", mpi);
    json_str(j, "git", PIPORT_GIT);
    json_end_obj(j);
}

void report_version(const char *prog)
{
    char mpi[256];

    par_library_version(mpi, sizeof mpi);   /* MPI-3: callable before MPI_Init */
    printf("%s (pi-workshop-mpi) %s\n"
           "git                  %s\n"
           "compiler             %s\n"
           "montecarlo compiler  %s\n"
           "cflags               %s\n"
           "mpi                  %s\n",
           prog, PIPORT_VERSION, PIPORT_GIT, COMPILER, PIPORT_MC_CC, PIPORT_CFLAGS, mpi);
}

double pi_abs_error(double x)
{
    /* pi = PI_HI + PI_LO to ~107 bits; x - PI_HI is exact (Sterbenz) near pi. */
    static const double PI_HI = 3.141592653589793116, PI_LO = 1.2246467991473532e-16;
    if (x < 1.5 || x > 6.0)
        return fabs(x - PI_HI);
    return fabs((x - PI_HI) - PI_LO);
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double median_of(const double *v, int n)
{
    double s[64];
    if (n > 64)
        n = 64;
    memcpy(s, v, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

static int stdout_errno; ///< first error writing standard output outside stdio, 0 if none

int report_write_stdout(const char *text, int newline)
{
    errno = 0;
    int e = fflush(stdout) != 0 ? (errno ? errno : EIO) : 0;
    if (!e)
        e = outfile_write_all(STDOUT_FILENO, text, strlen(text));
    if (!e && newline)
        e = outfile_write_all(STDOUT_FILENO, "\n", 1);
    if (e && !stdout_errno)
        stdout_errno = e;
    return e ? -1 : 0;
}

int report_finish_stdout(const char *prog)
{
    errno = 0;
    if (fflush(stdout) != 0 && !stdout_errno)
        stdout_errno = errno ? errno : EIO;
    if (!stdout_errno && ferror(stdout))
        stdout_errno = EIO;
    if (!stdout_errno)
        return 0;
    fprintf(stderr, "%s: cannot write standard output: %s\n", prog, strerror(stdout_errno));
    return 1;
}
