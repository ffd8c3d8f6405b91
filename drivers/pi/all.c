/* all.c - `pi all`: every method at its default size, one summary table (or one JSON object). */
#include "pi.h"

#include <stdio.h>
#include <stdlib.h>

/// `pi all --help`.
static void usage(void)
{
    printf("usage: pi all [--threads T] [--repeat R] [--json]\n"
           "Runs every method at its default size and prints a summary table\n"
           "(with --json: one JSON object, the table in \"results\").\n"
           "example: mpirun -np 2 pi all\n");
}

/// `pi all` has no options of its own.
static int option(pi_common *c, int opt, const char *arg, void *state)
{
    (void)c, (void)opt, (void)arg, (void)state;
    return 2;
}

/// Parse `pi all`'s options (argv[0] = "all"): pi_method.parse.
static int parse(int argc, char **argv, pi_common *c, void *opts)
{
    static const struct option longopts[] = {PI_COMMON_LONGOPTS};
    return pi_parse_options(c, argc, argv, ":h", longopts, usage, option, opts);
}

/// The table as one JSON object, its rows in "results".
static void json_table(const pi_layout *L, const pi_summary *s, int n, int status)
{
    json_out j;
    pi_json_open(&j, "all", L);
    json_str(&j, "check", status ? "fail" : "pass");
    json_begin_array(&j, "results");
    for (int i = 0; i < n; i++) {
        json_begin_element(&j);
        json_str(&j, "method", s[i].method);
        json_int(&j, "n", s[i].n);
        json_str(&j, "unit", s[i].unit);
        json_num(&j, "pi", s[i].pi);
        json_num(&j, "abs_error", s[i].abs_error);
        json_num(&j, "error_bound", s[i].error_bound);
        json_num(&j, "seconds", s[i].seconds);
        json_num(&j, "rate", s[i].rate);
        json_str(&j, "check", s[i].pass ? "pass" : "fail");
        json_end_element(&j);
    }
    json_end_array(&j);
    json_build(&j);
    json_end(&j);
}

/// The table as text.
static void print_table(const pi_layout *L, const pi_summary *s, int n)
{
    printf("pi, every method: %d rank%s x %d thread%s on %d host%s\n\n", L->ranks,
           L->ranks == 1 ? "" : "s", L->threads, L->threads == 1 ? "" : "s", L->hosts,
           L->hosts == 1 ? "" : "s");
    printf("%-10s %14s %-8s %-19s %9s %9s %10s %11s  %s\n", "method", "n", "unit", "pi",
           "|error|", "bound", "seconds", "rate/s", "check");
    for (int i = 0; i < n; i++)
        printf("%-10s %14lld %-8s %-19.16f %9.2e %9.2e %10.4f %11.4g  %s\n", s[i].method,
               (long long)s[i].n, s[i].unit, s[i].pi, s[i].abs_error, s[i].error_bound,
               s[i].seconds, s[i].rate, s[i].pass ? "pass" : "FAIL");
}

/// Every method at its default size, quietly, then the table; 0 if every check passed.
static int run(const void *opts, const pi_common *c, const pi_layout *L, pi_summary *unused)
{
    enum { MAX_METHODS = 16 };
    pi_summary s[MAX_METHODS];
    int status = 0, n = 0;
    (void)opts, (void)unused;

    for (; pi_methods[n] && n < MAX_METHODS; n++) {
        const pi_method *m = pi_methods[n];
        void *mopts = calloc(1, m->opts_size);
        char *argv[] = {(char *)m->name, NULL};
        pi_common mc = *c;
        mc.quiet = 1;
        snprintf(mc.prog, sizeof mc.prog, "pi %s", m->name);
        if (!mopts || m->parse(1, argv, &mc, mopts) != 0) {
            free(mopts);
            return 1;
        }
        status |= m->run(mopts, &mc, L, &s[n]);
        free(mopts);
    }
    if (c->printer && c->json)
        json_table(L, s, n, status);
    else if (c->printer)
        print_table(L, s, n);
    return status;
}

const pi_method pi_all_command = {
    .name = "all",
    .summary = "run every method at its default size; summary table",
    .opts_size = 1,
    .parse = parse,
    .run = run,
};
