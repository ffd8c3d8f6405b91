/* test_cli.c - strict count parsing (exact scientific notation accepted, everything else refused) and the one option engine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tap.h"

/// What the test parser's own options record.
typedef struct {
    int64_t size;      ///< --size N
    const char *sizes; ///< --sizes [RANGE]
    int seen;          ///< own options taken
    char *msg;         ///< where a usage error's line goes
    size_t len;        ///< bytes of msg
} own_opts;

/// The test parser's own options: --size N (a count), --sizes [RANGE].
static int own_option(void *state, int opt, const char *arg)
{
    own_opts *o = state;
    const cli_say s = {.prog = "prog", .hold = 1, .msg = o->msg, .len = o->len};
    o->seen++;
    if (opt == 's')
        return cli_count(&s, "--size", arg, 1, 1000, &o->size);
    o->sizes = arg ? arg : "default";
    return 0;
}

static int help_shown;

static void test_usage(void)
{
    help_shown++;
}

/// Run the engine on a command line (words separated by spaces); the line said into msg.
static int engine(const char *line, int positionals, int *json, int *threads, own_opts *o,
                  char *msg, size_t len)
{
    static const struct option longopts[] = {
        {"size", required_argument, 0, 's'}, {"sizes", optional_argument, 0, 'S'},
        {"threads", required_argument, 0, 'T'}, {"json", no_argument, 0, 'J'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    char buf[256], *argv[32];
    int argc = 0;
    snprintf(buf, sizeof buf, "prog %s", line);
    for (char *w = strtok(buf, " "); w && argc < 31; w = strtok(NULL, " "))
        argv[argc++] = w;
    argv[argc] = NULL;
    const cli_parser p = {.shortopts = ":hs:", .longopts = longopts, .usage = test_usage,
                          .see = "--help", .json = json, .threads = threads, .threads_max = 64,
                          .positionals = positionals, .next_word = 1, .option = own_option,
                          .state = o};
    const cli_say s = {.prog = "prog", .printer = 1, .hold = 1, .msg = msg, .len = len};
    msg[0] = '\0';
    *json = *threads = 0;
    memset(o, 0, sizeof *o);
    o->msg = msg;
    o->len = len;
    help_shown = 0;
    return cli_options(&s, &p, argc, argv);
}

/// The option engine: common options, the caller's own, and every usage error's one line.
static void test_engine(void)
{
    own_opts o;
    char msg[256];
    int json, threads;

    tap_ok(engine("--json --threads 1e1 --size 2.5e2", 0, &json, &threads, &o, msg,
                  sizeof msg) == 0 && json == 1 && threads == 10 && o.size == 250 && !msg[0],
           "engine: --json, --threads 1e1 and the caller's --size 2.5e2 taken exactly");
    tap_ok(engine("--sizes 1:8", 0, &json, &threads, &o, msg, sizeof msg) == 0 &&
               o.sizes && !strcmp(o.sizes, "1:8"),
           "engine: an optional value may be the next word (--sizes 1:8)");
    tap_ok(engine("--sizes", 0, &json, &threads, &o, msg, sizeof msg) == 0 && o.sizes &&
               !strcmp(o.sizes, "default"),
           "engine: an optional value may be left out");
    tap_ok(engine("--json --help --size 0", 0, &json, &threads, &o, msg, sizeof msg) == 1 &&
               help_shown == 1 && !msg[0],
           "engine: --help shown once by the printer and 1, before later options");
    static const struct {
        const char *line, *said;
    } refused[] = {
        {"--bogus", "prog: unknown option '--bogus' (see --help)"},
        {"-x", "prog: unknown option '-x' (see --help)"},
        {"--size", "prog: option '--size' needs a value"},
        {"-s", "prog: option '-s' needs a value"},
        {"--threads 65", "prog: invalid --threads '65': too large (allowed 1 to 64)"},
        {"--threads two", "prog: invalid --threads 'two': not a number"},
        {"--size 1.5", "prog: invalid --size '1.5': not a whole number"},
        {"--json stray", "prog: unexpected argument 'stray'"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        const int rc = engine(refused[i].line, 0, &json, &threads, &o, msg, sizeof msg);
        tap_ok(rc == 2 && !strcmp(msg, refused[i].said), "engine: '%s' -> 2, \"%s\" (got %d, \"%s\")",
               refused[i].line, refused[i].said, rc, msg);
    }
    tap_ok(engine("--json INPUT", 1, &json, &threads, &o, msg, sizeof msg) == 0 && json &&
               optind == 2,
           "engine: with positionals the first word is the caller's (optind 2)");
    const cli_say s = {.prog = "pi", .hold = 1, .msg = msg, .len = sizeof msg};
    double sec;
    tap_ok(cli_seconds(&s, "--scale", "0.25", 10, &sec) == 0 && sec == 0.25 &&
               cli_seconds(&s, "--scale", "11", 10, &sec) == 2 &&
               !strcmp(msg, "pi: invalid --scale '11': not a number of seconds from 0 to 10"),
           "cli_seconds: 0.25 taken, 11 refused with its line (%s)", msg);
    static char big[5001], line[8192];
    memset(big, '1', 5000);
    const cli_say b = {.prog = "p", .hold = 1, .msg = line, .len = sizeof line};
    int64_t n;
    const int rc = cli_count(&b, "-n", big, 1, 10, &n);
    tap_ok(rc == 2 && strlen(line) == strlen("p: invalid -n '': too many significant digits") + 5000 &&
               strstr(line, "': too many significant digits"),
           "a usage line naming a 5000-byte value is kept whole (%zu bytes)", strlen(line));
}

int main(void)
{
    static const struct {
        const char *text;
        int64_t value;
    } good[] = {
        {"1", 1},
        {"1000000000", 1000000000},
        {"1e9", 1000000000},
        {"1E9", 1000000000},
        {"2.5e8", 250000000},
        {"+7", 7},
        {"0007", 7},
        {"1.0", 1},
        {"12.50e1", 125},
        {"0.5e1", 5},
        {"100e-2", 1},
        {"4503599627370496", INT64_C(4503599627370496)},
        {"9223372036854775807", INT64_MAX},
        {"9.223372036854775807e18", INT64_MAX},
        {"1e18", INT64_C(1000000000000000000)},
    };
    static const struct {
        const char *text;
        const char *why;
    } bad[] = {
        {"", "empty value"},
        {"0", "must be positive"},
        {"0e5", "must be positive"},
        {"-5", "must be positive"},
        {"abc", "not a number"},
        {"1.5", "not a whole number"},
        {"1e-1", "not a whole number"},
        {"1e30", "too large"},
        {"9223372036854775808", "too large"},
        {"2^64", "not a number"},
        {"1e", "not a number (bad exponent)"},
        {"1e+", "not a number (bad exponent)"},
        {"12x", "not a number"},
        {" 12", "not a number"},
        {"0x10", "not a number"},
        {".", "not a number"},
        {"1e99999999999999999999", "too large"},
        {"1e-99999999999999999999", "not a whole number"},
    };
    int64_t v;

    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        v = -1;
        const char *why = cli_parse_count(good[i].text, 1, INT64_MAX, &v);
        tap_ok(!why && v == good[i].value, "'%s' -> %lld (got %lld%s%s)", good[i].text,
               (long long)good[i].value, (long long)v, why ? ", " : "", why ? why : "");
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = 12345;
        const char *why = cli_parse_count(bad[i].text, 1, INT64_MAX, &v);
        tap_ok(why && !strcmp(why, bad[i].why) && v == 12345, "'%s' refused: %s (got %s)",
               bad[i].text, bad[i].why, why ? why : "accepted");
    }
    tap_ok(cli_parse_count("4503599627370497", 1, INT64_C(1) << 52, &v) != NULL,
           "max is enforced (2^52 + 1 refused)");
    tap_ok(cli_parse_count("65", 1, 64, &v) && !strcmp(cli_parse_count("65", 1, 64, &v),
                                                        "too large"),
           "range max 64: 65 is too large");

    uint64_t u;
    tap_ok(!cli_parse_u64("18446744073709551615", &u) && u == UINT64_MAX, "u64 max accepted");
    tap_ok(!cli_parse_u64("0x2a", &u) && u == 42, "u64 hex accepted");
    tap_ok(cli_parse_u64("18446744073709551616", &u) != NULL, "2^64 refused");
    tap_ok(cli_parse_u64("-1", &u) != NULL && cli_parse_u64("4.2", &u) != NULL &&
               cli_parse_u64("", &u) != NULL && cli_parse_u64("x", &u) != NULL,
           "negative, fraction, empty, junk refused");

    int t;
    unsetenv("OMP_NUM_THREADS");
    tap_ok(!cli_env_threads(64, &t) && t == 1, "OMP_NUM_THREADS unset: 1 thread");
    setenv("OMP_NUM_THREADS", "3", 1);
    tap_ok(!cli_env_threads(64, &t) && t == 3, "OMP_NUM_THREADS=3");
    setenv("OMP_NUM_THREADS", "4,2", 1);
    tap_ok(!cli_env_threads(64, &t) && t == 4, "OMP_NUM_THREADS=4,2 (nested): 4");
    setenv("OMP_NUM_THREADS", "zero", 1);
    tap_ok(cli_env_threads(64, &t) != NULL, "OMP_NUM_THREADS=zero refused");
    setenv("OMP_NUM_THREADS", "0", 1);
    tap_ok(cli_env_threads(64, &t) != NULL, "OMP_NUM_THREADS=0 refused");
    test_engine();
    return tap_done();
}
