/* main.c - `map TRANSFORM INPUT [-o OUTPUT]`: the workshop's Pool.map/starmap as a distributed, ordered transform. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "passes.h"
#include "mpiio.h"
#include "outfile.h"
#include "par.h"
#include "records.h"
#include "report.h"

enum { MAX_THREADS = 4096 };

/// Options of `map`.
typedef struct {
    const transform *t;   ///< the transform
    const char *input;    ///< input path, or NULL for standard input (text only)
    const char *output;   ///< -o path, or NULL for standard output
    const char *tmpdir;   ///< --tmpdir: accepted, unused (no intermediate files any more)
    int binary;           ///< raw little-endian float64 in and out
    int dynamic;          ///< --schedule dynamic
    int64_t chunk;        ///< --chunk, 0 = default
    const char *fmt;      ///< --format, or NULL: Python's repr
    int threads;          ///< OpenMP threads per rank
    int json;             ///< --json report (needs -o)
    int allow_nonfinite;  ///< --allow-nonfinite: nan and inf pass through
    int printer;          ///< 1 on the process that prints
} map_opts;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: map TRANSFORM [INPUT] [-o OUTPUT] [--binary] [--schedule cyclic|dynamic]\n"
            "           [--chunk N] [--format FMT] [--threads T] [--tmpdir DIR] [--json]\n"
            "           [--allow-nonfinite]\n"
            "       map --list\n"
            "\n"
            "Applies TRANSFORM to every record of INPUT (standard input if omitted or '-')\n"
            "and writes one result per record, in input order, to OUTPUT (standard output if\n"
            "omitted).  Under mpirun the records are shared out like the workshop's\n"
            "partialPi: record i goes to worker i mod W (W = ranks x threads), or with\n"
            "--schedule dynamic in chunks claimed from an MPI atomic counter.  The plain\n"
            "arithmetic transforms (every record costs the same, and its result cannot\n"
            "depend on who computes it) run where their records are read, thread i mod T:\n"
            "no record crosses ranks only to be balanced.\n"
            "\n"
            "  INPUT             text: one record per line (at most 65536 bytes), columns\n"
            "                    separated by spaces or a comma, '#' comments and blank\n"
            "                    lines skipped; a malformed record stops the run with\n"
            "                    FILE:LINE: reason (exit 2)\n"
            "  -o, --output F    write F under a temporary name, renamed when complete\n"
            "      --binary      raw little-endian float64 records (arity columns) in and out\n"
            "      --schedule S  cyclic (default) or dynamic (for tasks of uneven cost)\n"
            "      --chunk N     a round: N binary records per rank (default 262144) or 16 x N\n"
            "                    bytes of text per rank (default 2 MiB), held in memory;\n"
            "                    dynamic: records per claim (default a round's records / (16\n"
            "                    ranks), at most 65536)\n"
            "      --format FMT  printf format of one result (width and precision at most\n"
            "                    100; %%.17g gives map's earlier output).  Default: Python's\n"
            "                    repr, the shortest text that reads back to the same double\n"
            "      --threads T   OpenMP threads per rank (default OMP_NUM_THREADS, else 1)\n"
            "      --tmpdir DIR  accepted and unused: map keeps its rounds in memory and\n"
            "                    writes no intermediate files\n"
            "      --json        one JSON object on stdout describing the run (needs -o)\n"
            "      --allow-nonfinite  accept nan and inf in the input and in the results\n"
            "      --list        the transforms: name, arity, description\n"
            "  -h, --help        this help\n"
            "      --version     the release and the build\n"
            "\n"
            "Numbers are read as C's strtod reads them (fast_float does the work) and\n"
            "written as Python's repr writes them (Dragonbox).  A value out of a\n"
            "double's range (1e400) is refused; one that underflows becomes 0 or a\n"
            "subnormal.  nan and inf, in the input or as a result (overflow), stop the run\n"
            "with FILE: record N (exit 2) unless --allow-nonfinite is given; sleep refuses\n"
            "them always.  Results go out round by round: to standard output, a bad record\n"
            "stops the run after the rounds before it.\n"
            "\n"
            "The output is written under a unique temporary name, synced to disk and renamed\n"
            "over OUTPUT only when complete: a full disk, a signal or a dead rank leaves a\n"
            "previous OUTPUT as it was and no temporary behind.  An OUTPUT that is a device\n"
            "or FIFO is written in place; a symlink is followed.\n"
            "\n"
            "examples:\n"
            "  mpirun -np 4 map celsius temps.txt -o celsius.txt\n"
            "  map product pairs.csv\n"
            "  mpirun -np 8 map celsius --binary big.f64 -o big_c.f64\n"
            "  mpirun -np 4 map power tasks.txt --schedule dynamic\n"
            "  OMP_NUM_THREADS=8 map sleep delays.txt\n"
            "\n"
            "exit status: 0 success, 1 I/O failure (map: cannot write FILE: reason), 2 usage or\n"
            "input error, killed by the signal's status after SIGINT, SIGTERM, SIGHUP, SIGPIPE,\n"
            "SIGUSR1, SIGUSR2, SIGALRM or SIGXCPU (every temporary removed first)\n");
}

/// --help on standard output (the options engine's usage).
static void usage_stdout(void)
{
    usage(stdout);
}

/// A usage error through the one engine: "map: " and fmt with a and b; 2.
static int fail(const map_opts *o, const char *fmt, const char *a, const char *b)
{
    const cli_say s = {.prog = "map", .printer = o->printer};
    return cli_error(&s, fmt, a, b);
}

/// What the options engine hands to one_option.
typedef struct {
    map_opts *o; ///< the options being filled
    int *list;   ///< --list given
} map_parse;

/// One option of map's own (the engine takes --help, --version, --json and bad options):
/// 0 taken, 2 usage error (said).
static int one_option(void *state, int opt, const char *arg)
{
    map_opts *o = ((map_parse *)state)->o;
    const char *why;
    int64_t v;
    switch (opt) {
    case 'l':
        *((map_parse *)state)->list = 1;
        break;
    case 'o':
        if (!*arg)
            return fail(o, "invalid -o '%s': %s", arg, "empty file name");
        o->output = arg;
        break;
    case 'b':
        o->binary = 1;
        break;
    case 's':
        if (!strcmp(arg, "dynamic"))
            o->dynamic = 1;
        else if (strcmp(arg, "cyclic"))
            return fail(o, "invalid --schedule '%s': %s", arg, "choose cyclic or dynamic");
        break;
    case 'c':
        if ((why = cli_parse_count(arg, 1, 1 << 24, &v)) != NULL)
            return fail(o, "invalid --chunk '%s': %s (1 to 16777216)", arg, why);
        o->chunk = v;
        break;
    case 'f':
        if ((why = records_check_format(arg)) != NULL)
            return fail(o, "invalid --format '%s': %s", arg, why);
        o->fmt = arg;
        break;
    case 'T':
        if ((why = cli_parse_count(arg, 1, MAX_THREADS, &v)) != NULL)
            return fail(o, "invalid --threads '%s': %s", arg, why);
        o->threads = (int)v;
        break;
    case 'd':
        o->tmpdir = arg;
        break;
    case 'N':
        o->allow_nonfinite = 1;
        break;
    default:
        return 2;                 /* not in the table: the engine never hands it over */
    }
    return 0;
}

static int parse(int argc, char **argv, map_opts *o)
{
    static const struct option longopts[] = {
        {"output", required_argument, 0, 'o'}, {"binary", no_argument, 0, 'b'},
        {"schedule", required_argument, 0, 's'}, {"chunk", required_argument, 0, 'c'},
        {"format", required_argument, 0, 'f'}, {"threads", required_argument, 0, 'T'},
        {"tmpdir", required_argument, 0, 'd'}, {"json", no_argument, 0, 'J'},
        {"list", no_argument, 0, 'l'}, {"help", no_argument, 0, 'h'},
        {"allow-nonfinite", no_argument, 0, 'N'}, {"version", no_argument, 0, 'V'},
        {0, 0, 0, 0}};
    const char *why;
    int list = 0, rc;
    map_parse state = {o, &list};
    const cli_parser p = {.shortopts = ":ho:", .longopts = longopts, .usage = usage_stdout,
                          .version = report_version, .see = "map --help", .json = &o->json,
                          .positionals = 1, .option = one_option, .state = &state};
    const cli_say s = {.prog = "map", .printer = o->printer};

    o->fmt = NULL;
    if ((why = cli_env_threads(MAX_THREADS, &o->threads)) != NULL)
        return fail(o, "invalid OMP_NUM_THREADS '%s': %s", getenv("OMP_NUM_THREADS"), why);
    if ((rc = cli_options(&s, &p, argc, argv)) != 0)
        return rc == 1 ? -1 : rc;
    if (list) {
        if (o->printer) {
            printf("%-11s %5s  %s\n", "transform", "arity", "description");
            for (const transform *t = transform_table(); t->name; t++)
                printf("%-11s %5d  %s\n", t->name, t->arity, t->description);
        }
        return -1;
    }
    if (optind >= argc) {
        if (o->printer)
            usage(stderr);
        return 2;
    }
    if (!(o->t = transform_find(argv[optind])))
        return fail(o, "unknown transform '%s' (see map --list)%s", argv[optind], "");
    if (++optind < argc) {
        o->input = strcmp(argv[optind], "-") ? argv[optind] : NULL;
        if (++optind < argc)
            return fail(o, "unexpected argument '%s'%s", argv[optind], "");
    }
    if (o->binary && !o->input)
        return fail(o, "--binary needs an INPUT file%s%s", "", "");
    if (o->json && !o->output)
        return fail(o, "--json needs -o OUTPUT (the results would share stdout)%s%s", "", "");
    {
        const uint16_t one = 1;
        if (o->binary && *(const char *)&one != 1)
            return fail(o, "--binary needs a little-endian host%s%s", "", "");
    }
    return 0;
}

/* ---- files: the output's temporary, known to every rank, removed on failure or signal ---- */

/// The files of one run; the names are the same on every rank.
typedef struct {
    outfile out;                   ///< -o: its target and temporary (made by rank 0)
    int stream;                    ///< 1: INPUT cannot be split (pipe, FIFO, /proc): rank 0 reads it
} map_files;

/// Directory part of path ("." if none) into dir.
static void dirname_of(const char *path, char *dir, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, len, ".");
    else if (slash == path)
        snprintf(dir, len, "/");
    else
        snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

/// Rank 0: can INPUT be read in parallel parts?  Sets F->stream; 0, or 2 after a message.
static int check_input(const map_opts *o, map_files *F)
{
    struct stat st;
    if (!o->input)
        return 0;
    if (stat(o->input, &st) != 0) {
        fprintf(stderr, "map: cannot read '%s': %s\n", o->input, strerror(errno));
        return 2;
    }
    if (S_ISDIR(st.st_mode)) {
        fprintf(stderr, "map: cannot read '%s': %s\n", o->input, strerror(EISDIR));
        return 2;
    }
    /* a pipe, FIFO or terminal has no size; a /proc file says 0 but has text */
    F->stream = !S_ISREG(st.st_mode) || st.st_size == 0;
    if (F->stream && o->binary && st.st_size == 0 && S_ISREG(st.st_mode))
        F->stream = 0;                /* an empty binary file: no records */
    if (F->stream && o->binary) {
        fprintf(stderr, "map: --binary INPUT must be a regular file that can be read in "
                        "parts: '%s' is not (give it as text, or copy it to a file)\n", o->input);
        return 2;
    }
    return 0;
}

/// Rank 0: check the input and the output's directory, create the output's temporary.  0, or
/// 2 after a message.
static int create_files(const map_opts *o, map_files *F)
{
    char outdir[OUTFILE_PATH_MAX];
    int e = check_input(o, F);
    if (e || !o->output)
        return e;
    dirname_of(o->output, outdir, sizeof outdir);
    if (access(outdir, W_OK) != 0) {
        fprintf(stderr, "map: cannot write -o '%s': directory '%s': %s\n", o->output, outdir,
                strerror(errno));
        return 2;
    }
    if ((e = outfile_prepare(o->output, &F->out)) != 0) {
        fprintf(stderr, "map: cannot write -o '%s': %s\n", o->output, strerror(e));
        return 2;
    }
    return 0;
}

/// Collective: rank 0 creates the output's temporary, every rank learns its name (so that any
/// rank interrupted by a signal removes it).  0, or 2 on every rank after rank 0's message.
static int plan_files(const map_opts *o, map_files *F)
{
    memset(F, 0, sizeof *F);
    int rc = par_rank() == 0 ? create_files(o, F) : 0;
    if ((rc = par_bcast_int(rc)) != 0) {
        cleanup_now();
        return rc;
    }
    F->out.in_place = par_bcast_int(F->out.in_place);
    F->stream = par_bcast_int(F->stream);
    par_bcast_text(F->out.tmp, sizeof F->out.tmp);
    if (par_rank() != 0 && F->out.tmp[0])
        cleanup_add(F->out.tmp);
    return 0;
}

/// Every pass of a run; 0, 1 (I/O failure) or 2 (bad input), the same on every rank.
static int run_passes(const map_opts *o, const map_job *job, map_files *F, int64_t *n)
{
    map_sink sink = {.name = o->output ? o->output : "standard output", .fd = -1};
    if (o->output && !F->out.in_place) {      /* the temporary, every rank writes its part */
        sink.path = F->out.tmp;
        sink.sync = 1;
    } else if (par_rank() == 0) {             /* rank 0 writes to stdout, a device, a FIFO */
        sink.fd = o->output ? outfile_open(&F->out) : STDOUT_FILENO;
        if (sink.fd < 0)
            mf_fail("write", o->output, strerror(errno));
    }
    int rc = mf_agree();
    if (!rc)
        rc = o->binary ? mapio_binary(job, o->input, &sink, n)
                       : mapio_text(job, o->input, F->stream, &sink, n);
    if (sink.fd >= 0 && sink.fd != STDOUT_FILENO) { /* -o in place: device, FIFO */
        const int e = outfile_close(sink.fd);
        if (e)
            mf_fail("write", o->output, strerror(e));
    }
    return mf_agree() ? 1 : rc;
}

/// Rank 0: publish the output (rename over -o), or remove its temporary; rc after it.
static int publish(const map_opts *o, map_files *F, int rc)
{
    if (!rc && o->output) {
        const int e = outfile_publish(&F->out);
        if (e) {
            fprintf(stderr, "map: cannot write %s: %s\n", o->output, strerror(e));
            rc = 1;
        }
    }
    if (rc)
        outfile_discard(&F->out);
    return rc;
}

/// Rank 0: the summary line or JSON object on standard output; 0, or 1 if it cannot be written.
static int report(const map_opts *o, int64_t n, int ranks, double seconds)
{
    if (o->json) {
        json_out j;
        json_begin(&j, stdout);
        json_str(&j, "transform", o->t->name);
        json_int(&j, "arity", o->t->arity);
        json_int(&j, "records", n);
        json_str(&j, "format", o->binary ? "binary" : "text");
        json_str(&j, "schedule", o->dynamic ? "dynamic" : "cyclic");
        json_int(&j, "ranks", ranks);
        json_int(&j, "threads", o->threads);
        json_str(&j, "input", o->input ? o->input : "-");
        json_str(&j, "output", o->output);
        json_num(&j, "seconds", seconds);
        json_num(&j, "records_per_second", (double)n / seconds);
        json_build(&j);
        json_end(&j);
    } else {
        printf("map %s: %lld records, %d rank%s x %d thread%s, %s, %.3f s -> %s\n", o->t->name,
               (long long)n, ranks, ranks == 1 ? "" : "s", o->threads, o->threads == 1 ? "" : "s",
               o->dynamic ? "dynamic" : "cyclic", seconds, o->output);
    }
    return report_finish_stdout("map");
}

/// Collective: the ranks must agree on the thread count; 0, or 2 after a message.
static int agree_threads(const map_opts *o)
{
    int tmin, tmax;
    par_minmax_int(o->threads, &tmin, &tmax);
    if (tmin == tmax)
        return 0;
    return fail(o, "ranks disagree on the thread count%s%s: set OMP_NUM_THREADS or --threads "
                   "the same for all", "", "");
}

int main(int argc, char **argv)
{
    stop_install();                           /* first: signals while MPI starts clean up */
    map_opts o = {.printer = par_launch_rank() == 0};
    int rc = parse(argc, argv, &o);
    stop_settle();
    /* --help or --list shown: an MPMD launch's other programs hear of it in the start-up
     * agreement (else they wait in MPI start-up for ever) */
    if (rc < 0 && par_launch_size() > 1 &&
        par_start(&argc, &argv, par_hash_args(argc, argv), 1, "map") != 1)
        return 2;
    if (rc < 0 && o.printer && report_finish_stdout("map"))
        return 1;                             /* --help or --list lost */
    if (rc < 0)
        return 0;
    if ((rc = par_start(&argc, &argv, par_hash_args(argc, argv), rc, "map")) != 0)
        return rc;
    const int rank = par_rank(), ranks = par_size();
    o.printer = rank == 0;
    map_files F;
    if ((rc = agree_threads(&o)) != 0 || (rc = plan_files(&o, &F)) != 0) {
        par_barrier();
        par_finalize();
        return rc;
    }
    const map_job job = {.t = o.t, .threads = o.threads, .dynamic = o.dynamic, .chunk = o.chunk,
                         .fmt = o.fmt, .name = o.input ? o.input : "stdin",
                         .allow_nonfinite = o.allow_nonfinite};
    int64_t n = 0;
    const double t0 = par_wtime();
    rc = run_passes(&o, &job, &F, &n);
    const double seconds = par_wtime() - t0;

    par_barrier();                            /* every rank has closed every file */
    if (rank == 0) {
        rc = publish(&o, &F, rc);
        if (!rc && o.output)
            rc = report(&o, n, ranks, seconds);
    }
    rc = par_bcast_int(rc);
    if (rc)
        cleanup_now();                        /* whatever is left: rank 0's are gone already */
    cleanup_forget(F.out.tmp);
    par_finalize();
    return rc;
}
