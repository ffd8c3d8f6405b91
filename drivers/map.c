/* map.c - `map TRANSFORM INPUT [-o OUTPUT]`: the workshop's Pool.map/starmap as a distributed, ordered transform. */
#include <errno.h>
#include <getopt.h>
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "mapio.h"
#include "par.h"
#include "records.h"
#include "report.h"

enum { MAX_THREADS = 4096 };

/// Options of `map`.
typedef struct {
    const transform *t;   ///< the transform
    const char *input;    ///< input path, or NULL for standard input (text only)
    const char *output;   ///< -o path, or NULL for standard output
    const char *tmpdir;   ///< where intermediate record files go (shared by all ranks)
    int binary;           ///< raw little-endian float64 in and out
    int dynamic;          ///< --schedule dynamic
    int64_t chunk;        ///< --chunk, 0 = default
    const char *fmt;      ///< --format
    int threads;          ///< OpenMP threads per rank
    int json;             ///< --json report (needs -o)
    int printer;          ///< 1 on the process that prints
} map_opts;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: map TRANSFORM [INPUT] [-o OUTPUT] [--binary] [--schedule cyclic|dynamic]\n"
            "           [--chunk N] [--format FMT] [--threads T] [--tmpdir DIR] [--json]\n"
            "       map --list\n"
            "\n"
            "Applies TRANSFORM to every record of INPUT (standard input if omitted or '-')\n"
            "and writes one result per record, in input order, to OUTPUT (standard output if\n"
            "omitted).  Under mpirun the records are shared out like the workshop's\n"
            "partialPi: record i goes to worker i mod W (W = ranks x threads), or with\n"
            "--schedule dynamic in chunks claimed from an MPI atomic counter.\n"
            "\n"
            "  INPUT             text: one record per line (at most 65536 bytes), columns\n"
            "                    separated by spaces or a comma, '#' comments and blank\n"
            "                    lines skipped; a malformed record stops the run with\n"
            "                    FILE:LINE: reason (exit 2)\n"
            "  -o, --output F    write F under a temporary name, renamed when complete\n"
            "      --binary      raw little-endian float64 records (arity columns) in and out\n"
            "      --schedule S  cyclic (default) or dynamic (for tasks of uneven cost)\n"
            "      --chunk N     records per rank per round (cyclic, default 262144) or per\n"
            "                    claim (dynamic, default records/(16 ranks), 1..65536)\n"
            "      --format FMT  printf format of one result (default %%.17g: exact round\n"
            "                    trip; width and precision at most 100)\n"
            "      --threads T   OpenMP threads per rank (default OMP_NUM_THREADS, else 1)\n"
            "      --tmpdir DIR  intermediate files for text input, on a file system every\n"
            "                    rank sees (default: OUTPUT's directory, else $TMPDIR or /tmp)\n"
            "      --json        one JSON object on stdout describing the run (needs -o)\n"
            "      --list        the transforms: name, arity, description\n"
            "  -h, --help        this help\n"
            "\n"
            "Numbers are read as C's strtod reads them: inf and nan are accepted and pass\n"
            "through as IEEE arithmetic does (celsius(inf) = inf); sleep refuses them.\n"
            "\n"
            "examples:\n"
            "  mpirun -np 4 map celsius temps.txt -o celsius.txt\n"
            "  map product pairs.csv\n"
            "  mpirun -np 8 map celsius --binary big.f64 -o big_c.f64\n"
            "  mpirun -np 4 map power tasks.txt --schedule dynamic\n"
            "  OMP_NUM_THREADS=8 map sleep delays.txt\n"
            "\n"
            "exit status: 0 success, 1 I/O failure, 2 usage or input error\n");
}

static int fail(const map_opts *o, const char *fmt, const char *a, const char *b)
{
    if (o->printer) {
        fputs("map: ", stderr);
        fprintf(stderr, fmt, a, b);
        fputc('\n', stderr);
    }
    return 2;
}

/// Parse argv before MPI starts: 0 run, -1 done (help, list), 2 usage error (said).
static int parse(int argc, char **argv, map_opts *o)
{
    static const struct option longopts[] = {
        {"output", required_argument, 0, 'o'}, {"binary", no_argument, 0, 'b'},
        {"schedule", required_argument, 0, 's'}, {"chunk", required_argument, 0, 'c'},
        {"format", required_argument, 0, 'f'}, {"threads", required_argument, 0, 'T'},
        {"tmpdir", required_argument, 0, 'd'}, {"json", no_argument, 0, 'J'},
        {"list", no_argument, 0, 'l'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *why;
    int64_t v;
    int opt, list = 0;

    o->fmt = "%.17g";
    if ((why = cli_env_threads(MAX_THREADS, &o->threads)) != NULL)
        return fail(o, "invalid OMP_NUM_THREADS '%s': %s", getenv("OMP_NUM_THREADS"), why);
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            if (o->printer)
                usage(stdout);
            return -1;
        case 'l':
            list = 1;
            break;
        case 'o':
            if (!*optarg)
                return fail(o, "invalid -o '%s': %s", optarg, "empty file name");
            o->output = optarg;
            break;
        case 'b':
            o->binary = 1;
            break;
        case 's':
            if (!strcmp(optarg, "dynamic"))
                o->dynamic = 1;
            else if (strcmp(optarg, "cyclic"))
                return fail(o, "invalid --schedule '%s': %s", optarg, "choose cyclic or dynamic");
            break;
        case 'c':
            if ((why = cli_parse_count(optarg, 1, 1 << 24, &v)) != NULL)
                return fail(o, "invalid --chunk '%s': %s (1 to 16777216)", optarg, why);
            o->chunk = v;
            break;
        case 'f':
            if ((why = records_check_format(optarg)) != NULL)
                return fail(o, "invalid --format '%s': %s", optarg, why);
            o->fmt = optarg;
            break;
        case 'T':
            if ((why = cli_parse_count(optarg, 1, MAX_THREADS, &v)) != NULL)
                return fail(o, "invalid --threads '%s': %s", optarg, why);
            o->threads = (int)v;
            break;
        case 'd':
            o->tmpdir = optarg;
            break;
        case 'J':
            o->json = 1;
            break;
        case ':':
            return fail(o, "option '%s' needs a value%s", argv[optind - 1], "");
        default:
            return fail(o, "unknown option '%s' (see map --help)%s",
                        optopt && optopt != '?' ? (char[]){'-', (char)optopt, 0} : argv[optind - 1],
                        "");
        }
    }
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

/* ---- temporary files: removed on failure and on SIGINT/SIGTERM ---------- */

static char tmp_names[3][4096]; ///< intermediate and output temporaries (rank 0)

static void remove_tmps(void)
{
    for (int i = 0; i < 3; i++)
        if (tmp_names[i][0]) {
            unlink(tmp_names[i]);
            tmp_names[i][0] = '\0';
        }
}

static void on_signal(int sig)
{
    remove_tmps();
    signal(sig, SIG_DFL);
    raise(sig);
}

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

int main(int argc, char **argv)
{
    map_opts o = {.printer = par_launch_rank() == 0};
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : par_exit_together(rc);
    if (par_init(&argc, &argv)) {
        par_finalize();
        return 1;
    }
    const int rank = par_rank(), ranks = par_size();
    int tmin, tmax;
    o.printer = rank == 0;
    par_minmax_int(o.threads, &tmin, &tmax);
    if (tmin != tmax) {
        fail(&o, "ranks disagree on the thread count%s%s: set OMP_NUM_THREADS or --threads "
                 "the same for all", "", "");
        par_barrier();
        par_finalize();
        return 2;
    }

    /* names of the temporaries, made on rank 0 and shared */
    char dir[3000], base[3100];
    if (o.tmpdir)
        snprintf(dir, sizeof dir, "%s", o.tmpdir);
    else if (o.output)
        dirname_of(o.output, dir, sizeof dir);
    else
        snprintf(dir, sizeof dir, "%s", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    snprintf(base, sizeof base, "%s/.map-%ld-%ld", dir, (long)getpid(), (long)time(NULL));
    MPI_Bcast(base, sizeof base, MPI_CHAR, 0, MPI_COMM_WORLD);
    char *recs = tmp_names[0], *res = tmp_names[1], *outtmp = tmp_names[2];
    if (!o.binary)
        snprintf(recs, sizeof tmp_names[0], "%s.records", base);
    if (!o.binary || !o.output)
        snprintf(res, sizeof tmp_names[1], "%s.results", base);
    /* the output's temporary: OUT.tmp.<pid>-<time>, unique per run */
    if (o.output && snprintf(outtmp, sizeof tmp_names[2], "%s.tmp.%s", o.output,
                             base + strlen(dir) + strlen("/.map-")) >= (int)sizeof tmp_names[2]) {
        fail(&o, "output name too long: '%s'%s", o.output, "");
        par_barrier();
        par_finalize();
        return 2;
    }
    /* directories that must be writable, checked before any work */
    int bad_dir = 0;
    char outdir[3000];
    if (rank == 0) {
        if (o.output) {
            dirname_of(o.output, outdir, sizeof outdir);
            if (access(outdir, W_OK) != 0) {
                fprintf(stderr, "map: cannot write -o '%s': directory '%s': %s\n", o.output,
                        outdir, strerror(errno));
                bad_dir = 1;
            }
        }
        if (!bad_dir && (!o.binary || !o.output) && access(dir, W_OK) != 0) {
            fprintf(stderr, "map: cannot write temporary files in '%s' (--tmpdir): %s\n", dir,
                    strerror(errno));
            bad_dir = 1;
        }
    }
    if (par_bcast_int(bad_dir)) {
        par_finalize();
        return 2;
    }
    if (rank == 0) {
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        signal(SIGHUP, on_signal);
    }

    map_job job = {.t = o.t, .threads = o.threads, .dynamic = o.dynamic, .chunk = o.chunk,
                   .fmt = o.fmt, .name = o.input ? o.input : "stdin"};
    int64_t n = 0;
    const double t0 = par_wtime();
    if (o.binary) {
        rc = mapio_binary_records(&job, o.input, &n);
        if (!rc)
            rc = mapio_engine(&job, o.input, o.output ? outtmp : res, n, 1);
        if (!rc && !o.output)
            rc = mapio_records_to_stdout(res, n);
    } else {
        rc = mapio_text_to_records(&job, o.input, recs, &n);
        if (!rc)
            rc = mapio_engine(&job, recs, res, n, 0);
        if (!rc)
            rc = mapio_records_to_text(&job, res, o.output ? outtmp : NULL, n);
    }
    const double seconds = par_wtime() - t0;

    par_barrier();                            /* every rank has closed every file */
    if (rank == 0) {
        if (!rc && o.output && rename(outtmp, o.output) != 0) {
            fprintf(stderr, "map: cannot rename to '%s': %s\n", o.output, strerror(errno));
            rc = 1;
        }
        if (!rc && o.output)
            outtmp[0] = '\0';                 /* renamed: keep */
        remove_tmps();
        if (!rc && o.output) {
            if (o.json) {
                json_out j;
                json_begin(&j, stdout);
                json_str(&j, "transform", o.t->name);
                json_int(&j, "arity", o.t->arity);
                json_int(&j, "records", n);
                json_str(&j, "format", o.binary ? "binary" : "text");
                json_str(&j, "schedule", o.dynamic ? "dynamic" : "cyclic");
                json_int(&j, "ranks", ranks);
                json_int(&j, "threads", o.threads);
                json_str(&j, "input", o.input ? o.input : "-");
                json_str(&j, "output", o.output);
                json_num(&j, "seconds", seconds);
                json_num(&j, "records_per_second", (double)n / seconds);
                json_build(&j);
                json_end(&j);
            } else {
                printf("map %s: %lld records, %d rank%s x %d thread%s, %s, %.3f s -> %s\n",
                       o.t->name, (long long)n, ranks, ranks == 1 ? "" : "s", o.threads,
                       o.threads == 1 ? "" : "s", o.dynamic ? "dynamic" : "cyclic", seconds,
                       o.output);
            }
        }
    }
    rc = par_bcast_int(rc);
    par_finalize();
    return rc;
}
