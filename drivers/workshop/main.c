/* main.c - `workshop LESSON [options]`: the Python workshop's process lessons in MPI + OpenMP. */
#include "workshop.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "msg.h"
#include "outfile.h"
#include "par.h"

enum { MAX_THREADS = 4096 };

static const ws_lesson *const lessons[] = {&ws_processes, &ws_join_order, &ws_queue,
                                           &ws_counter,   &ws_shared,     &ws_pingpong};
static const int nlessons = (int)(sizeof lessons / sizeof lessons[0]);

static void print_usage(FILE *f)
{
    fprintf(f, "usage: workshop LESSON [options]      (under mpirun, srun or alone)\n"
               "       workshop LESSON --help         options of one lesson\n"
               "       workshop --version             the release and the build\n"
               "\n"
               "The Python multiprocessing workshop's lessons on processes, ordering, queues,\n"
               "locks, shared values and messages, as MPI ranks and OpenMP threads.\n"
               "\n"
               "lessons:\n");
    for (int i = 0; i < nlessons; i++)
        fprintf(f, "  %-11s %s\n", lessons[i]->name, lessons[i]->summary);
    fprintf(f, "\n"
               "Every lesson takes --json (exactly one JSON object on stdout) and --help.\n"
               "\n"
               "examples:\n"
               "  mpirun -np 4 workshop processes\n"
               "  mpirun -np 1 workshop processes --task square : -np 2 workshop processes "
               "--task cube\n"
               "  mpirun -np 3 workshop join-order\n"
               "  mpirun -np 4 workshop queue --seed 7\n"
               "  workshop counter --threads 4\n"
               "  mpirun -np 2 workshop shared\n"
               "  mpirun -np 2 workshop pingpong --sizes\n"
               "\n"
               "exit status: 0 success, 1 self-check or runtime failure, 2 usage error\n");
}

int ws_usage(ws_ctx *x, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(x->msg, sizeof x->msg, "%s: ", x->prog);
    va_start(ap, fmt);
    vsnprintf(x->msg + n, sizeof x->msg - (size_t)n, fmt, ap);
    va_end(ap);
    return 2;
}

int ws_count(ws_ctx *x, const char *name, const char *arg, int64_t min, int64_t max,
             int64_t *out)
{
    const char *why = cli_parse_count(arg, min, max, out);
    if (!why)
        return 0;
    if (!strcmp(why, "too large") || !strcmp(why, "too small"))
        return ws_usage(x, "invalid %s '%s': %s (allowed %lld to %lld)", name, arg, why,
                        (long long)min, (long long)max);
    return ws_usage(x, "invalid %s '%s': %s", name, arg, why);
}

int ws_seconds(ws_ctx *x, const char *name, const char *arg, double max, double *out)
{
    char *end;
    const double v = strtod(arg, &end);
    if (!*arg || *end || !(v >= 0 && v <= max))
        return ws_usage(x, "invalid %s '%s': not a number of seconds from 0 to %g", name, arg,
                        max);
    *out = v;
    return 0;
}

int ws_refuse(const ws_ctx *x, const char *fmt, ...)
{
    va_list ap;
    if (!x->printer)
        return 2;
    fprintf(stderr, "%s: ", x->prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 2;
}

int ws_same_threads(const ws_ctx *x, const ws_opts *o)
{
    int tmin, tmax;
    par_minmax_int(o->threads, &tmin, &tmax);
    if (tmin == tmax)
        return 0;
    return ws_refuse(x, "ranks disagree on the thread count (%d to %d): set OMP_NUM_THREADS "
                        "or --threads the same for all", tmin, tmax);
}

int ws_verdict(const ws_ctx *x, int pass, const char *what)
{
    if (!pass && x->printer)
        fprintf(stderr, "%s: self-check FAILED: %s\n", x->prog, what);
    return !pass;
}

double ws_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void ws_json_begin(json_out *j, const ws_ctx *x)
{
    json_begin(j, stdout);
    json_str(j, "lesson", x->lesson);
}

void ws_json_end(json_out *j)
{
    json_build(j);
    json_end(j);
}

void ws_print_list(const int64_t *v, int64_t n, int64_t show)
{
    fputc('[', stdout);
    for (int64_t i = 0; i < n; i++) {
        if (n > show && i == show / 2) {
            fputs(", ...", stdout);
            i = n - show / 2;
        }
        printf(i ? ", %lld" : "%lld", (long long)v[i]);
    }
    fputc(']', stdout);
}

/// Handle one option getopt returned: 0 taken, 1 help shown, 2 usage error.
static int one_option(ws_ctx *x, ws_opts *o, const ws_lesson *L, int opt, const char *arg,
                      char **argv)
{
    int64_t v;
    switch (opt) {
    case 'h':
        if (x->printer)
            L->usage();
        return 1;
    case 'J':
        o->json = 1;
        return 0;
    case 'T':
        if (ws_count(x, "--threads", arg, 1, MAX_THREADS, &v))
            return 2;
        o->threads = (int)v;
        return 0;
    case ':':
        return ws_usage(x, "option '%s' needs a value", argv[optind - 1]);
    case '?':
        if (optopt && optopt != '?')
            return ws_usage(x, "unknown option '-%c' (see --help)", optopt);
        return ws_usage(x, "unknown option '%s' (see --help)", argv[optind - 1]);
    default:
        return L->option(x, o, opt, arg);
    }
}

/// Parse the lesson's options (argv[0] = lesson): 0 run, 1 help shown, 2 usage error.
static int parse_lesson(ws_ctx *x, ws_opts *o, const ws_lesson *L, int argc, char **argv)
{
    int opt, idx, rc;

    L->defaults(o);
    opterr = 0;
    optind = 1;
    while ((idx = -1, opt = getopt_long(argc, argv, ":h", L->longopts, &idx)) != -1) {
        const char *arg = optarg;
        /* an optional value may also be the next word: --sizes 1:1024 */
        if (idx >= 0 && L->longopts[idx].has_arg == optional_argument && !arg &&
            optind < argc && argv[optind][0] != '-')
            arg = argv[optind++];
        if ((rc = one_option(x, o, L, opt, arg, argv)) != 0)
            return rc;
    }
    if (optind < argc)
        return ws_usage(x, "unexpected argument '%s'", argv[optind]);
    if (L->threads_default && !o->threads) {     /* OMP_NUM_THREADS, else the lesson's */
        const char *env = getenv("OMP_NUM_THREADS");
        const char *why = cli_env_threads(MAX_THREADS, &o->threads);
        if (why)
            return ws_usage(x, "invalid OMP_NUM_THREADS '%s': %s (1 to %d)", env, why,
                            MAX_THREADS);
        if (!env || !*env)
            o->threads = L->threads_default;
    }
    return L->check ? L->check(x, o) : 0;
}

/// Parse argv before MPI starts: 0 run, 1 help shown, 2 usage error (its line in x->msg).
static int parse(ws_ctx *x, ws_opts *o, const ws_lesson **L, int argc, char **argv)
{
    char list[256] = "";

    if (argc < 2)
        return ws_usage(x, "no lesson given (see workshop --help)");
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        if (x->printer)
            print_usage(stdout);
        return 1;
    }
    if (!strcmp(argv[1], "--version")) {
        if (x->printer)
            report_version("workshop");
        return 1;
    }
    for (int i = 0; i < nlessons; i++) {
        if (!strcmp(argv[1], lessons[i]->name))
            *L = lessons[i];
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                 lessons[i]->name);
    }
    if (!*L)
        return ws_usage(x, "unknown lesson '%s' (choose %s; see workshop --help)", argv[1],
                        list);
    x->lesson = (*L)->name;
    snprintf(x->prog, sizeof x->prog, "workshop %s", (*L)->name);
    return parse_lesson(x, o, *L, argc - 1, argv + 1);
}

/// FNV-1a over the verdict, the lesson and its options, --task and the thread count left
/// out: what every MPMD application must agree on.
static uint64_t signature(int verdict, const ws_lesson *L, const ws_opts *o)
{
    ws_opts c;
    memcpy(&c, o, sizeof c);      /* padding too (o was zeroed): an assignment may skip it */
    uint64_t h = (14695981039346656037u ^ (unsigned)verdict) * 1099511628211u;
    const unsigned char *p = (const unsigned char *)&c;

    memset(c.task, 0, sizeof c.task);
    c.threads = 0;
    for (const char *s = L ? L->name : ""; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    for (size_t i = 0; i < sizeof c; i++)
        h = (h ^ p[i]) * 1099511628211u;
    return h;
}

int main(int argc, char **argv)
{
    ws_ctx x = {.lesson = "", .prog = "workshop", .printer = par_launch_rank() == 0};
    const ws_lesson *L = NULL;
    ws_opts o;

    stop_install();               /* first: the one table of stop signals (outfile.h) */
    memset(&o, 0, sizeof o);
    /* The report is held in one buffer and flushed at the end, where a failure to write
     * it is seen with its reason. */
    if (x.printer)
        setvbuf(stdout, NULL, _IOFBF, 1 << 20);
    const int verdict = parse(&x, &o, &L, argc, argv);
    stop_settle();
    if (verdict == 2 && x.printer)
        fprintf(stderr, "%s\n", x.msg);
    if (verdict && par_launch_size() == 1)
        return verdict == 1 ? report_finish_stdout(x.prog) : 2;
    /* Under a launcher every rank starts MPI, even to report an error: in an MPMD run the
     * applications parse different argv, so only together can they agree on the verdict. */
    /* lessons without threads ask for MPI_THREAD_SINGLE: faster messages (bench-pingpong) */
    if (L && !L->threads_default ? par_init_single(&argc, &argv) : par_init(&argc, &argv)) {
        par_finalize();
        return 1;
    }
    if (par_same_program(x.prog, verdict == 2)) {    /* an MPMD launch with pi or map too */
        par_finalize();
        return 2;
    }
    const int agreed = msg_agree(verdict, signature(verdict, L, &o), x.msg, sizeof x.msg);
    if (agreed == 3)
        snprintf(x.msg, sizeof x.msg, "%s: the MPMD applications were given different "
                 "options (only --task may differ)", x.prog);
    if (agreed >= 2 && x.printer && verdict != 2)
        fprintf(stderr, "%s\n", x.msg);
    if (agreed) {
        par_finalize();
        return agreed == 1 ? (x.printer ? report_finish_stdout(x.prog) : 0) : 2;
    }
    x.rank = par_rank();
    x.ranks = par_size();
    x.printer = x.rank == 0;
    x.hosts = par_hosts();
    int rc = L->run(&x, &o);
    if (x.printer && report_finish_stdout(x.prog))
        rc = 1;
    rc = par_bcast_int(rc);          /* also: every message is out before anyone exits */
    par_finalize();
    return rc;
}
