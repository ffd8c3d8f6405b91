/* cli.c - the option and usage engine: strict counts (1e9, 2.5e8, 1000000000), the options loop, the one usage-error line. */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* Significant digits kept exactly; 10^38 < 2^127. */
enum { MAX_DIGITS = 38 };

const char *cli_parse_count(const char *s, int64_t min, int64_t max, int64_t *out)
{
    unsigned __int128 mant = 0;
    int ndig = 0, scale = 0, any = 0; /* value = mant * 10^scale */
    long exp10 = 0;
    const char *p = s;

    if (!s || !*s)
        return "empty value";
    if (*p == '-')
        return min > 0 ? "must be positive" : "must not be negative";
    if (*p == '+')
        p++;
    for (int frac = 0;; p++) {
        if (*p == '.' && !frac) {
            frac = 1;
            continue;
        }
        if (!isdigit((unsigned char)*p))
            break;
        any = 1;
        if (mant == 0 && *p == '0') {      /* leading zero: no significance */
            scale -= frac;
            continue;
        }
        if (ndig < MAX_DIGITS) {
            mant = mant * 10 + (unsigned)(*p - '0');
            ndig++;
            scale -= frac;
        } else if (*p != '0') {
            return "too many significant digits";
        } else {
            scale += !frac;                /* a dropped zero before the point */
        }
    }
    if (!any)
        return "not a number";
    if (*p == 'e' || *p == 'E') {
        int neg = 0, edig = 0;
        p++;
        if (*p == '+' || *p == '-')
            neg = *p++ == '-';
        for (; isdigit((unsigned char)*p); p++, edig++)
            if (exp10 < 100000)
                exp10 = exp10 * 10 + (*p - '0');
        if (!edig)
            return "not a number (bad exponent)";
        if (neg)
            exp10 = -exp10;
    }
    if (*p)
        return "not a number";
    if (mant == 0) {
        if (min > 0)
            return "must be positive";
        *out = 0;
        return NULL;
    }
    exp10 += scale;
    while (exp10 < 0) {                   /* 2.5e8: drop exact trailing zeros */
        if (mant % 10)
            return "not a whole number";
        mant /= 10;
        exp10++;
    }
    for (; exp10 > 0; exp10--) {
        if (mant > (unsigned __int128)max)
            break;
        mant *= 10;
    }
    if (exp10 > 0 || mant > (unsigned __int128)max)
        return "too large";
    if ((int64_t)mant < min)
        return "too small";
    *out = (int64_t)mant;
    return NULL;
}

const char *cli_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    int base = 10;

    if (!s || !*s)
        return "empty value";
    if (*s == '-')
        return "must not be negative";
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        base = 16;
    if (!isxdigit((unsigned char)s[base == 16 ? 2 : 0]))
        return "not an integer";
    errno = 0;
    *out = strtoull(s, &end, base);
    if (*end)
        return "not an integer";
    if (errno == ERANGE)
        return "too large (above 2^64-1)";
    return NULL;
}

const char *cli_env_threads(int max, int *out)
{
    return cli_threads_value(getenv("OMP_NUM_THREADS"), max, out);
}

const char *cli_threads_value(const char *env, int max, int *out)
{
    char first[32];
    int64_t v;
    size_t len;

    *out = 1;
    if (!env || !*env)
        return NULL;
    env += strspn(env, " \t");             /* libgomp allows spaces around */
    len = strcspn(env, ",");               /* "4,2" (nested levels): take 4 */
    if (len >= sizeof first)
        return "not a number";
    memcpy(first, env, len);
    while (len && (first[len - 1] == ' ' || first[len - 1] == '\t'))
        len--;
    first[len] = '\0';
    const char *why = cli_parse_count(first, 1, max, &v);
    if (!why)
        *out = (int)v;
    return why;
}

int cli_verror(const cli_say *s, const char *fmt, va_list ap)
{
    char line[16384];              /* room for messages naming two paths of PATH_MAX */
    int n = snprintf(line, sizeof line, "%s: ", s->prog);
    if (n < 0 || (size_t)n >= sizeof line)
        n = 0;
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    if (s->msg && s->len)
        snprintf(s->msg, s->len, "%s", line);
    if (s->printer && !s->hold)
        fprintf(stderr, "%s\n", line);
    return 2;
}

int cli_error(const cli_say *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cli_verror(s, fmt, ap);
    va_end(ap);
    return 2;
}

int cli_count(const cli_say *s, const char *name, const char *arg, int64_t min, int64_t max,
              int64_t *out)
{
    const char *why = cli_parse_count(arg, min, max, out);
    if (!why)
        return 0;
    if (!strcmp(why, "too large") || !strcmp(why, "too small"))
        return cli_error(s, "invalid %s '%s': %s (allowed %lld to %lld)", name, arg, why,
                         (long long)min, (long long)max);
    return cli_error(s, "invalid %s '%s': %s", name, arg, why);
}

int cli_seconds(const cli_say *s, const char *name, const char *arg, double max, double *out)
{
    char *end;
    const double v = strtod(arg, &end);
    if (!*arg || *end || !(v >= 0 && v <= max))
        return cli_error(s, "invalid %s '%s': not a number of seconds from 0 to %g", name, arg,
                         max);
    *out = v;
    return 0;
}

/// One option getopt returned, with its value: 0 taken, 1 help or version shown, 2 error.
static int one_option(const cli_say *s, const cli_parser *p, int opt, const char *arg,
                      char **argv)
{
    int64_t v;
    switch (opt) {
    case 'h':
        if (!p->usage)
            break;
        if (s->printer)
            p->usage();
        return 1;
    case 'V':
        if (!p->version)
            break;
        if (s->printer)
            p->version(s->prog);
        return 1;
    case 'J':
        if (p->json) {
            *p->json = 1;
            return 0;
        }
        break;
    case 'T':
        if (!p->threads)
            break;
        if (cli_count(s, "--threads", arg, 1, p->threads_max, &v))
            return 2;
        *p->threads = (int)v;
        return 0;
    case ':':
        return cli_error(s, "option '%s' needs a value", argv[optind - 1]);
    case '?':
        if (optopt && optopt != '?')
            return cli_error(s, "unknown option '-%c' (see %s)", optopt, p->see);
        return cli_error(s, "unknown option '%s' (see %s)", argv[optind - 1], p->see);
    default:
        break;
    }
    return p->option(p->state, opt, arg);
}

int cli_options(const cli_say *s, const cli_parser *p, int argc, char **argv)
{
    int opt, idx, rc;
    opterr = 0;
    optind = 0;                   /* 0, not 1: glibc forgets a previous parse's state too */
    while ((idx = -1, opt = getopt_long(argc, argv, p->shortopts, p->longopts, &idx)) != -1) {
        const char *arg = optarg;
        if (p->next_word && idx >= 0 && p->longopts[idx].has_arg == optional_argument &&
            !arg && optind < argc && argv[optind][0] != '-')
            arg = argv[optind++];
        if ((rc = one_option(s, p, opt, arg, argv)) != 0)
            return rc;
    }
    if (!p->positionals && optind < argc)
        return cli_error(s, "unexpected argument '%s'", argv[optind]);
    return 0;
}

int cli_top(const cli_say *s, const char *arg, void (*usage)(FILE *f),
            void (*version)(const char *prog))
{
    if (!arg || (strcmp(arg, "-h") && strcmp(arg, "--help") && strcmp(arg, "--version")))
        return 0;
    if (s->printer && arg[2] == 'v')
        version(s->prog);
    else if (s->printer)
        usage(stdout);
    return 1;
}
