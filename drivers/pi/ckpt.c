/* ckpt.c - checkpoint and restart of long pi runs: the step loop, the stop decision, the file. */
#include "ckpt.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "par.h"
#include "report.h"

/* The file: text lines "key value", the last one a 64-bit FNV-1a hash of every byte before
 * it.  Small (under 1 KiB), read whole, written whole by rank 0 through outfile (temporary,
 * fsync, rename, directory fsync). */
enum { FILE_MAX = 4096, VAL_MAX = 80, NKEYS = 11, NID = 8 };
#define FORMAT "pi-checkpoint-1"
static const char *const keys[NKEYS] = {"format",  "method",   "n",        "seed",
                                        "generator", "kernel", "segment_length", "segments",
                                        "segments_done", "total", "fnv1a64"};

/// Aim of one step's compute time, seconds: short enough that a signal is answered within a
/// second (mpirun kills ranks 1 s after forwarding SIGTERM), long enough to hide the reduction.
static const double STEP_SECONDS = 0.2;

void ckpt_defaults(ckpt_opts *k)
{
    memset(k, 0, sizeof *k);
    k->every = 300;
}

int ckpt_option(const pi_common *c, int opt, const char *arg, ckpt_opts *k)
{
    char *end;
    switch (opt) {
    case 0x101:
        if (!*arg || strlen(arg) >= sizeof k->path)
            return pi_usage_error(c, "invalid --checkpoint '%s': %s", arg,
                                  *arg ? "name too long" : "empty file name");
        strcpy(k->path, arg);
        return 0;
    case 0x102:
        errno = 0;
        k->every = strtod(arg, &end);
        if (!*arg || *end || errno || !isfinite(k->every) || k->every < 0 || k->every > 1e9)
            return pi_usage_error(c, "invalid --checkpoint-every '%s': seconds from 0 to 1e9",
                                  arg);
        k->every_given = 1;
        return 0;
    case 0x103:
        k->keep = 1;
        return 0;
    default:
        return 1;
    }
}

int ckpt_check(const pi_common *c, const ckpt_opts *k)
{
    if (!k->path[0] && (k->every_given || k->keep))
        return pi_usage_error(c, "%s needs --checkpoint FILE",
                              k->keep ? "--keep-checkpoint" : "--checkpoint-every");
    if (k->path[0] && c->repeat > 1)
        return pi_usage_error(c, "--repeat %d cannot be combined with --checkpoint", c->repeat);
    if (k->path[0])                 /* already now: a signal while MPI starts is not lost */
        stop_catch();
    return 0;
}

void ckpt_usage(void)
{
    printf("      --checkpoint FILE\n"
           "                    save progress in FILE every --checkpoint-every seconds and\n"
           "                    on SIGTERM, SIGUSR1 or SIGINT, which then end the run with\n"
           "                    exit status 75; the same command with FILE resumes, on any\n"
           "                    ranks x threads layout, and prints exactly the result of\n"
           "                    an uninterrupted run; FILE is removed when the run is done\n"
           "                    (a symlink: its target); while a run uses FILE it holds a\n"
           "                    lock on FILE.lock and another run on FILE is refused\n"
           "      --checkpoint-every S\n"
           "                    seconds between saves (default 300; 0: after every step)\n"
           "      --keep-checkpoint\n"
           "                    leave FILE (the final state) when the run is done\n");
}

/// Segments of n >= 1 indices (no overflow near INT64_MAX).
static int64_t segments(int64_t n)
{
    return (n - 1) / CKPT_SEGMENT + 1;
}

/// 64-bit FNV-1a of len bytes (the file's checksum line), by the one hash of drivers/common.
static uint64_t fnv1a64(const char *p, size_t len)
{
    return hash_bytes(HASH_START, p, len);
}

/// The identity values (keys 0..NID-1) of this run, as its file writes them.
static void id_values(const ckpt_run_id *id, char v[NID][VAL_MAX])
{
    const int64_t nseg = segments(id->n);
    snprintf(v[0], VAL_MAX, "%s", FORMAT);
    snprintf(v[1], VAL_MAX, "%s", id->method);
    snprintf(v[2], VAL_MAX, "%" PRId64, id->n);
    snprintf(v[3], VAL_MAX, "%" PRIu64, id->seed);
    snprintf(v[4], VAL_MAX, "%s", id->generator);
    snprintf(v[5], VAL_MAX, "%s", id->kernel);
    snprintf(v[6], VAL_MAX, "%" PRId64, CKPT_SEGMENT);
    snprintf(v[7], VAL_MAX, "%" PRId64, nseg);
}

/// The whole file for state (done segments, total) into buf; its length.
static size_t format_file(const ckpt_run_id *id, int64_t done, fx_u128 total, char *buf)
{
    char v[NID][VAL_MAX];
    int len = snprintf(buf, FILE_MAX, "# pi checkpoint: rerun the same command to resume\n");
    id_values(id, v);
    for (int i = 0; i < NID; i++)
        len += snprintf(buf + len, FILE_MAX - (size_t)len, "%s %s\n", keys[i], v[i]);
    len += snprintf(buf + len, FILE_MAX - (size_t)len, "%s %" PRId64 "\n%s 0x%016" PRIx64
                    "%016" PRIx64 "\n", keys[8], done, keys[9], (uint64_t)(total >> 64),
                    (uint64_t)total);
    len += snprintf(buf + len, FILE_MAX - (size_t)len, "%s %016" PRIx64 "\n", keys[10],
                    fnv1a64(buf, (size_t)len));
    return (size_t)len;
}

/// Test-only hook: PI_TEST_SAVE_DELAY seconds (at most 60) between writing a checkpoint's
/// temporary and renaming it, so that tests can kill rank 0 inside a save.
static void test_save_delay(void)
{
    const char *v = getenv("PI_TEST_SAVE_DELAY");
    double s = v ? strtod(v, NULL) : 0;
    if (!(s > 0))
        return;
    s = s < 60 ? s : 60;
    struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        continue;
}

/// Rank 0: write the checkpoint atomically through the run's temporary.  A peer stopped by a
/// signal removes that temporary (it cannot know whether rank 0 is alive): then, ENOENT, it
/// is written again.  0 or an errno (the previous file intact).
static int save_file(const ckpt_result *r, const char *buf, size_t len)
{
    int e = ENOENT;
    for (int attempt = 0; attempt < 3 && e == ENOENT; attempt++) {
        outfile of = r->file;       /* publishing consumes the temporary's name */
        if ((e = outfile_create(&of)) != 0)
            return e;
        const int fd = outfile_open(&of);
        e = fd < 0 ? errno : outfile_write_all(fd, buf, len);
        if (fd >= 0) {
            const int c = outfile_close(fd);
            e = e ? e : c;
        }
        if (!e) {
            test_save_delay();
            e = outfile_publish(&of);
        }
        outfile_discard(&of);
    }
    return e;
}

/// Split the file text into the values of keys[0..NKEYS-1]; the text must hold exactly those
/// lines in that order after the comment.  0 ok, -1 malformed.
static int split_file(char *text, char v[NKEYS][VAL_MAX])
{
    char *line = strchr(text, '\n');
    if (text[0] != '#' || !line)
        return -1;
    for (int i = 0; i < NKEYS; i++) {
        char *p = line + 1, *end = strchr(p, '\n');
        const size_t klen = strlen(keys[i]);
        if (!end || strncmp(p, keys[i], klen) || p[klen] != ' ' || end - (p + klen + 1) < 1 ||
            end - (p + klen + 1) >= VAL_MAX)
            return -1;
        memcpy(v[i], p + klen + 1, (size_t)(end - (p + klen + 1)));
        v[i][end - (p + klen + 1)] = '\0';
        line = end;
    }
    return line[1] ? -1 : 0;
}

/// A 128-bit "0x" + 32 hex digits value.  0 ok, -1 malformed.
static int parse_u128(const char *s, fx_u128 *out)
{
    if (strncmp(s, "0x", 2) || strlen(s) != 34 || strspn(s + 2, "0123456789abcdef") != 32)
        return -1;
    *out = 0;
    for (const char *p = s + 2; *p; p++)
        *out = (*out << 4) | (fx_u128)(*p <= '9' ? *p - '0' : *p - 'a' + 10);
    return 0;
}

/// Rank 0: read FILE into text.  0 ok, -1 no file (a fresh run), or 2 after saying why.
static int read_file(const pi_common *c, const char *path, char *text)
{
    struct stat st;
    const int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
    if (fd < 0 && errno == ENOENT)
        return -1;
    int e = fd < 0 || fstat(fd, &st) != 0 ? errno : S_ISREG(st.st_mode) ? 0 : -1;
    ssize_t n = 0, got = 0;
    while (!e && ((n = read(fd, text + got, (size_t)(FILE_MAX - got))) > 0 ||
                  (n < 0 && errno == EINTR)))
        got += n > 0 ? n : 0;
    if (!e && n < 0)
        e = errno;
    if (fd >= 0)
        close(fd);
    if (e)
        return pi_usage_error(c, "cannot read checkpoint %s: %s", path,
                              e < 0 ? "not a regular file" : strerror(e));
    text[got] = '\0';
    return 0;
}

/// Why text (read from a file) is not a whole checkpoint, or NULL; its values into v.
static const char *check_text(char *text, char v[NKEYS][VAL_MAX])
{
    const size_t len = strlen(text);
    if (len >= FILE_MAX)
        return "corrupt (larger than any checkpoint)";
    if (strstr(text, "\r\n"))          /* an editor or a Windows copy rewrote it */
        return "not a checkpoint written by pi (it has CRLF line ends; pi writes LF)";
    if (len < 2 || text[len - 1] != '\n')
        return "truncated (no complete last line)";
    text[len - 1] = '\0';
    const char *nl = strrchr(text, '\n'), *hex = nl ? nl + 1 + strlen(keys[NKEYS - 1]) + 1 : NULL;
    text[len - 1] = '\n';
    if (!nl || strncmp(nl + 1, "fnv1a64 ", 8) || strspn(hex, "0123456789abcdef") != 16 ||
        hex[16] != '\n')
        return "truncated (no checksum line)";
    if (strtoull(hex, NULL, 16) != fnv1a64(text, (size_t)(nl + 1 - text)))
        return "corrupt (checksum mismatch)";
    if (split_file(text, v))
        return "corrupt (not a checkpoint's lines)";
    return NULL;
}

/// Rank 0: the state FILE holds for this run (0 and 0 without a file).  0, or 2 after saying
/// why FILE cannot be resumed from.
static int load_state(const ckpt_opts *k, const ckpt_run_id *id, const pi_common *c,
                      const char *target, int64_t *done, fx_u128 *total)
{
    char text[FILE_MAX + 1], v[NKEYS][VAL_MAX], want[NID][VAL_MAX], *end;
    const int64_t nseg = segments(id->n);
    *done = 0;
    *total = 0;
    const int rc = read_file(c, target, text);
    if (rc)
        return rc < 0 ? 0 : rc;
    const char *why = check_text(text, v);
    if (why)
        return pi_usage_error(c, "checkpoint %s is %s: remove it to start afresh", k->path, why);
    id_values(id, want);
    for (int i = 0; i < NID; i++) {
        if (!strcmp(v[i], want[i]))
            continue;
        const long long there = strtoll(v[i], &end, 10);
        if (i == 2 && id->n_option && !*end)  /* n in the user's terms: --hex-at D */
            return pi_usage_error(c, "checkpoint %s is another run's (%s %lld there, %lld "
                                  "here): give another --checkpoint FILE or remove it", k->path,
                                  id->n_option, there - (long long)id->n_offset,
                                  (long long)(id->n - id->n_offset));
        return pi_usage_error(c, "checkpoint %s is another run's (%s %s there, %s here): "
                              "give another --checkpoint FILE or remove it", k->path,
                              keys[i], v[i], want[i]);
    }
    errno = 0;
    *done = strtoll(v[8], &end, 10);
    const int64_t idx = *done < nseg ? *done * CKPT_SEGMENT : id->n;
    if (errno || *end || *done < 0 || *done > nseg || parse_u128(v[9], total) ||
        (id->mod_bits ? (*total >> id->mod_bits) != 0 : *total > (fx_u128)idx * id->max_term))
        return pi_usage_error(c, "checkpoint %s is corrupt (impossible progress %s, total %s): "
                              "remove it to start afresh", k->path, v[8], v[9]);
    return 0;
}

/// Rank 0: resolve FILE once, lock it for this run, read its state, choose the saves'
/// temporary.  0, or 1 or 2 after saying why (FILE unlocked again).
static int open_file(const ckpt_opts *k, const ckpt_run_id *id, const pi_common *c,
                     ckpt_result *r, int64_t *done, fx_u128 *total)
{
    char holder[320], target[OUTFILE_PATH_MAX];
    *done = 0;
    *total = 0;
    int e = outfile_resolve(k->path, target), rc = 0;
    if (!e && (e = outfile_lock_take(target, &r->lock, holder, sizeof holder)) == EAGAIN)
        return pi_usage_error(c, "checkpoint %s is in use by another run (%s): wait for it to "
                              "end or give another --checkpoint FILE", k->path, holder);
    if (e == ENOLCK || e == EOPNOTSUPP || e == ENOSYS) {  /* a file system without locks */
        fprintf(stderr, "%s: warning: cannot lock checkpoint %s (%s): another run on it "
                "would not be refused\n", c->prog, k->path, strerror(e));
        e = 0;
    }
    if (!e && outfile_sweep(target, holder, sizeof holder) > 0) /* the lock is ours: no writer */
        fprintf(stderr, "%s: note: removed %s, left by a run that died while saving\n",
                c->prog, holder);
    if (!e && !(rc = load_state(k, id, c, target, done, total)))
        e = outfile_plan(target, &r->file);
    if (!rc && !e && r->file.in_place)
        e = EINVAL;                 /* a device or FIFO could never be resumed from */
    if (e && !rc) {
        fprintf(stderr, "%s: cannot write checkpoint %s: %s\n", c->prog, k->path,
                e == EINVAL ? "not a regular file" : strerror(e));
        rc = 1;
    }
    if (rc)
        outfile_lock_release(&r->lock);
    return rc;
}

/// Collective: the state to start from, as rank 0 read it; every rank registers the saves'
/// temporary.  0, or 1 or 2 (said) on every rank.
static int load(const ckpt_opts *k, const ckpt_run_id *id, const pi_common *c, ckpt_result *r,
                int64_t *done, fx_u128 *total)
{
    struct {
        int64_t rc, done;
        uint64_t hi, lo;
    } st = {0, 0, 0, 0};
    if (par_rank() == 0) {
        fx_u128 t;
        st.rc = open_file(k, id, c, r, &st.done, &t);
        st.hi = (uint64_t)(t >> 64);
        st.lo = (uint64_t)t;
    }
    par_bcast_text((char *)&st, sizeof st);
    *done = st.done;
    *total = ((fx_u128)st.hi << 64) | st.lo;
    if (st.rc)
        return (int)st.rc;
    par_bcast_text(r->file.tmp, sizeof r->file.tmp);
    if (par_rank() != 0 && cleanup_add_peer(r->file.tmp) != 0)
        fprintf(stderr, "%s: warning: too many temporaries to remember %s\n", c->prog,
                r->file.tmp);
    return 0;
}

/// Collective: rank 0 saves (done segments, total).  0, or 1 on every rank after rank 0 said
/// why (the previous file is then intact).
static int save(const ckpt_opts *k, const ckpt_run_id *id, const pi_common *c,
                const ckpt_result *r, int64_t done, fx_u128 total)
{
    int e = 0;
    if (par_rank() == 0) {
        char buf[FILE_MAX];
        e = save_file(r, buf, format_file(id, done, total, buf));
        if (e)
            fprintf(stderr, "%s: cannot write checkpoint %s: %s\n", c->prog, k->path,
                    e == EINVAL ? "not a regular file" : strerror(e));
    }
    return par_bcast_int(e != 0);
}

/// The next step's length in segments that this rank proposes, after one of m took dt s.
static int64_t next_step(int64_t m, double dt, int64_t nseg)
{
    if (dt < STEP_SECONDS / 2 && m < nseg)
        return 2 * m;
    return dt > 2 * STEP_SECONDS && m > 1 ? m / 2 : m;
}

/// The total as saved: exact, or reduced mod 2^mod_bits.
static fx_u128 reduce(const ckpt_run_id *id, fx_u128 t)
{
    return id->mod_bits ? t & (((fx_u128)1 << id->mod_bits) - 1) : t;
}

/// Collective: walk the segments from seg (total so far base) to the end or a stop; the
/// status of ckpt_run.
static int walk(const ckpt_opts *k, const ckpt_run_id *id, const pi_common *c, ckpt_span_fn fn,
                const void *ctx, ckpt_result *r, int64_t seg, fx_u128 base)
{
    const int64_t n = id->n, nseg = segments(n);
    int64_t m = 1;
    fx_u128 local = 0;

    r->resumed_from = seg < nseg ? seg * CKPT_SEGMENT : n;
    if (seg == 0) {                 /* a fresh start: FILE must be writable before any work */
        if (save(k, id, c, r, 0, 0))
            return 1;
        r->saves++;
    }
    par_barrier();
    const double t0 = par_wtime();
    double last_save = t0;
    while (seg < nseg) {
        const int64_t next = nseg - seg <= m ? nseg : seg + m;
        const double s0 = par_wtime();
        local += fn(ctx, seg * CKPT_SEGMENT, next == nseg ? n : next * CKPT_SEGMENT);
        const double dt = par_wtime() - s0;
        seg = next;
        if (seg == nseg)
            break;
        /* one reduction decides for all: a signal anywhere, rank 0's save clock, the step */
        int64_t f[3] = {stop_signal(), par_rank() == 0 && par_wtime() - last_save >= k->every,
                        -next_step(m, dt, nseg)};
        par_max_i64_array(f, 3);
        m = -f[2];
        if (!f[0] && !f[1])
            continue;
        if (save(k, id, c, r, seg, reduce(id, base + par_sum_u128(local))))
            return 1;
        r->saves++;
        last_save = par_wtime();
        if (f[0]) {
            if (c->printer)
                fprintf(stderr, "%s: stopped by %s: checkpoint saved in %s at %.1f%% (%" PRId64
                        " of %" PRId64 " done); run the same command again to resume\n",
                        c->prog, stop_signal_name((int)f[0]), k->path,
                        100.0 * (double)(seg * CKPT_SEGMENT) / (double)n, seg * CKPT_SEGMENT, n);
            return CKPT_EXIT_STOPPED;
        }
    }
    r->seconds = par_max_double(par_wtime() - t0);
    r->computed = n - r->resumed_from;
    r->total = reduce(id, base + par_sum_u128(local));
    if (k->keep && r->computed > 0) {
        if (save(k, id, c, r, nseg, r->total))
            return 1;
        r->saves++;
    }
    return 0;
}

int ckpt_run(const ckpt_opts *k, const ckpt_run_id *id, const pi_common *c, ckpt_span_fn fn,
             const void *ctx, ckpt_result *r)
{
    int64_t seg;
    fx_u128 base;

    stop_catch();                   /* SIGINT, SIGTERM, SIGUSR1 only ask to stop */
    memset(r, 0, sizeof *r);
    r->lock.fd = -1;
    int rc = load(k, id, c, r, &seg, &base);
    if (!rc)
        rc = walk(k, id, c, fn, ctx, r, seg, base);
    if (par_rank() != 0)
        cleanup_forget(r->file.tmp); /* rank 0 renamed or removed it by now */
    else if (rc)
        outfile_lock_release(&r->lock);
    return rc;
}

/// 1 if FILE (as given) is a symlink, so that what is written and removed is its target.
static int is_link(const ckpt_opts *k, const ckpt_result *r)
{
    return r->file.target[0] && strcmp(r->file.target, k->path) != 0;
}

void ckpt_finish(const ckpt_opts *k, ckpt_result *r, const pi_common *c)
{
    if (!k->path[0] || !r->file.target[0])
        return;
    /* the result is out (written, not only buffered) before the checkpoint goes */
    if (!k->keep && report_write_stdout("", 0) == 0 && unlink(r->file.target) != 0 &&
        errno != ENOENT)
        fprintf(stderr, "%s: warning: cannot remove the finished run's checkpoint %s: %s\n",
                c->prog, r->file.target, strerror(errno));
    outfile_lock_release(&r->lock);
}

void ckpt_print(const ckpt_opts *k, const ckpt_result *r, int64_t n)
{
    printf("checkpoint     %s: ", k->path);
    if (r->resumed_from)
        printf("resumed at %.1f%%", 100.0 * (double)r->resumed_from / (double)n);
    else
        printf("fresh start");
    printf(", %d save%s, %s", r->saves, r->saves == 1 ? "" : "s", k->keep ? "kept" : "removed");
    if (is_link(k, r))
        printf(" %s (the file the link points to; the link stays)", r->file.target);
    printf("\n");
}

void ckpt_json(json_out *j, const ckpt_opts *k, const ckpt_result *r)
{
    json_begin_obj(j, "checkpoint");
    json_str(j, "file", k->path);
    json_str(j, "target", r->file.target);
    json_int(j, "resumed_from", r->resumed_from);
    json_int(j, "computed", r->computed);
    json_int(j, "saves", r->saves);
    json_bool(j, "kept", k->keep);
    json_end_obj(j);
}
