/* outfile.c - atomic output files (temporary, fsync, rename, directory sync), lock files, and the one table of stop signals with the registry of temporaries. */
#define _GNU_SOURCE /* O_DIRECTORY */
#include "outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { CLEANUP_SLOTS = 16, MAX_LINKS = 40, NAME_TRIES = 100 };
/// The letters of a temporary's six-letter suffix (mkstemp's).
#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/// One signal that stops a run.
typedef struct {
    int sig;          ///< the signal
    const char *name; ///< its name in messages
    int asks_stop;    ///< 1: with --checkpoint it asks to save and stop (else it ends the run)
} stop_entry;

/// THE table of the signals that stop a run (README: the failure contract).
static const stop_entry stop_table[] = {
    {SIGINT, "SIGINT", 1},   {SIGTERM, "SIGTERM", 1}, {SIGUSR1, "SIGUSR1", 1},
    {SIGHUP, "SIGHUP", 0},   {SIGPIPE, "SIGPIPE", 0}, {SIGUSR2, "SIGUSR2", 0},
    {SIGALRM, "SIGALRM", 0}, {SIGXCPU, "SIGXCPU", 0},
};
enum { N_STOP = sizeof stop_table / sizeof stop_table[0] };

/// What a signal of the table does now.
enum { UNDECIDED, ENDS, ASKS };

static char cleanup_path[CLEANUP_SLOTS][OUTFILE_PATH_MAX]; ///< temporaries to remove
static volatile sig_atomic_t cleanup_used[CLEANUP_SLOTS];  ///< 1 own, 2 a peer's, 0 free
static volatile sig_atomic_t mode = ENDS;   ///< UNDECIDED from stop_install until decided
static volatile sig_atomic_t pending_stop;  ///< first asking signal while UNDECIDED
static volatile sig_atomic_t asked;         ///< the signal that asked to stop, or 0
static int installed;                       ///< 1 once the handlers are in place
static unsigned name_count;                 ///< temporaries' names chosen by this process

/// Remove the remembered temporaries (peers' only, or all); async-signal-safe (unlink only).
static void remove_temps(int peers_only)
{
    for (int i = 0; i < CLEANUP_SLOTS; i++)
        if (cleanup_used[i] == 2 || (cleanup_used[i] && !peers_only)) {
            unlink(cleanup_path[i]);
            cleanup_used[i] = 0;
        }
}

/// 1 if sig asks a checkpointed run to stop; async-signal-safe.
static int asks_stop(int sig)
{
    for (int i = 0; i < N_STOP; i++)
        if (stop_table[i].sig == sig)
            return stop_table[i].asks_stop;
    return 0;
}

/// Remove every temporary and end the process by sig with its default action.
static void end_by(int sig)
{
    remove_temps(0);
    signal(sig, SIG_DFL);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, sig);
    raise(sig);
    sigprocmask(SIG_UNBLOCK, &one, NULL);   /* in a handler too: delivered now */
    _exit(128 + sig);
}

/// The one handler of the table: remember, ask to stop, or end the run (see outfile.h).
static void on_signal(int sig)
{
    if (mode == UNDECIDED && asks_stop(sig)) {  /* options not parsed yet: stop_catch or */
        if (!pending_stop)                     /* stop_settle decides what it means */
            pending_stop = sig;
        return;
    }
    if (mode == ASKS && asks_stop(sig)) {
        asked = sig;                /* the run stops at its next safe point */
        remove_temps(1);            /* a peer's: this process may never get further */
        return;
    }
    end_by(sig);
}

/// The process ends before anything decided: a remembered signal still ends it.
static void settle_at_exit(void)
{
    stop_settle();
}

/// Install the table's handlers once, in mode m (UNDECIDED or ENDS).
static void install(int m)
{
    struct sigaction sa;
    if (installed)
        return;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;       /* a remembered or asking signal leaves MPI's calls be */
    sigfillset(&sa.sa_mask);        /* no second signal interrupts the removal */
    mode = m;
    for (int i = 0; i < N_STOP; i++)
        sigaction(stop_table[i].sig, &sa, NULL);
    installed = 1;
    atexit(settle_at_exit);
}

void stop_install(void)
{
    install(UNDECIDED);
}

void stop_catch(void)
{
    install(ENDS);
    if (pending_stop)
        asked = pending_stop;
    mode = ASKS;
}

void stop_settle(void)
{
    install(ENDS);
    if (mode != UNDECIDED)
        return;
    mode = ENDS;
    if (pending_stop)
        end_by(pending_stop);
}

int stop_signal(void)
{
    return asked;
}

const char *stop_signal_name(int sig)
{
    for (int i = 0; i < N_STOP; i++)
        if (stop_table[i].sig == sig)
            return stop_table[i].name;
    return "signal";
}

/// Tell slurm/mpilaunch, when it runs this process (MPILAUNCH_DIR), about a temporary: one
/// absolute path a line in its "temps" file, removed by it after the launch if still there (a
/// launcher that SIGKILLs every rank at once, as Hydra does when one dies, leaves no one else).
/// Best effort: a rank on another host, where the directory is not, says nothing.
static void tell_launch(const char *path)
{
    const char *dir = getenv("MPILAUNCH_DIR");
    char line[2 * OUTFILE_PATH_MAX + 2], cwd[OUTFILE_PATH_MAX];
    int n;

    if (!dir || !*dir)
        return;
    if (path[0] == '/')
        n = snprintf(line, sizeof line, "%s\n", path);
    else if (getcwd(cwd, sizeof cwd))
        n = snprintf(line, sizeof line, "%s/%s\n", cwd, path);
    else
        return;
    char list[OUTFILE_PATH_MAX];
    if (n <= 0 || (size_t)n >= sizeof line ||
        snprintf(list, sizeof list, "%s/temps", dir) >= (int)sizeof list)
        return;
    const int fd = open(list, O_WRONLY | O_APPEND | O_CLOEXEC);  /* only if mpilaunch made it */
    if (fd < 0)
        return;
    if (write(fd, line, (size_t)n) != n) { /* a short line is ignored by mpilaunch */ }
    close(fd);
}

/// Remember path in a free slot as kind 1 (own) or 2 (a peer's).  0, or -1 if full.
static int remember(const char *path, int kind)
{
    install(ENDS);                  /* a program that never called stop_install cleans up too */
    if (strlen(path) >= OUTFILE_PATH_MAX)
        return -1;
    if (kind == 1)
        tell_launch(path);
    for (int i = 0; i < CLEANUP_SLOTS; i++)
        if (!cleanup_used[i]) {
            memcpy(cleanup_path[i], path, strlen(path) + 1);
            cleanup_used[i] = kind; /* published only once the name is complete */
            return 0;
        }
    return -1;
}

int cleanup_add(const char *path)
{
    return remember(path, 1);
}

int cleanup_add_peer(const char *path)
{
    return remember(path, 2);
}

void cleanup_forget(const char *path)
{
    for (int i = 0; i < CLEANUP_SLOTS; i++)
        if (cleanup_used[i] && !strcmp(cleanup_path[i], path))
            cleanup_used[i] = 0;
}

void cleanup_now(void)
{
    remove_temps(0);
}

int outfile_mktemp(char *templ)
{
    const mode_t mask = umask(0);
    umask(mask);
    const int fd = mkstemp(templ);
    if (fd < 0)
        return errno;
    int e = fchmod(fd, 0666 & ~mask) != 0 ? errno : 0;
    if (close(fd) != 0 && !e)
        e = errno;
    if (!e && cleanup_add(templ) != 0)
        e = ENFILE;
    if (e)
        unlink(templ);
    return e;
}

int outfile_resolve(const char *path, char *out)
{
    char cur[OUTFILE_PATH_MAX], link[OUTFILE_PATH_MAX];
    if (strlen(path) >= sizeof cur)
        return ENAMETOOLONG;
    strcpy(cur, path);
    for (int hops = 0;; hops++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
            break;
        if (hops == MAX_LINKS)
            return ELOOP;
        const ssize_t n = readlink(cur, link, sizeof link - 1);
        if (n < 0)
            return errno;
        link[n] = '\0';
        const char *slash = strrchr(cur, '/');
        if (link[0] == '/' || !slash) {
            strcpy(cur, link);
        } else {                     /* relative to the link's own directory */
            const size_t dir = (size_t)(slash - cur) + 1;
            if (dir + (size_t)n >= sizeof cur)
                return ENAMETOOLONG;
            memcpy(cur + dir, link, (size_t)n + 1);
        }
    }
    strcpy(out, cur);
    return 0;
}

/// A fresh name "target.tmp.XXXXXX" (six letters or digits from the pid, the clock and a
/// counter) into o->tmp, not created.  0 or ENAMETOOLONG.
static int pick_name(outfile *o)
{
    static const char abc[] = ALNUM;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = ((uint64_t)getpid() << 32) ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^
                 ((uint64_t)++name_count * UINT64_C(0x9e3779b97f4a7c15));
    char suffix[7];
    for (int i = 0; i < 6; i++) {   /* splitmix64's finalizer spreads every input bit */
        x ^= x >> 31;
        x *= UINT64_C(0xbf58476d1ce4e5b9);
        x ^= x >> 27;
        suffix[i] = abc[x % 62];
    }
    suffix[6] = '\0';
    if (snprintf(o->tmp, sizeof o->tmp, "%s.tmp.%s", o->target, suffix) >= (int)sizeof o->tmp)
        return ENAMETOOLONG;
    return 0;
}

int outfile_plan(const char *path, outfile *o)
{
    struct stat st;
    memset(o, 0, sizeof *o);
    int e = outfile_resolve(path, o->target);
    if (e)
        return e;
    const int exists = stat(o->target, &st) == 0;
    if (exists && S_ISDIR(st.st_mode))
        return EISDIR;
    if (exists && !S_ISREG(st.st_mode)) {
        o->in_place = 1;             /* /dev/null, a FIFO, a terminal: never replaced */
        return 0;
    }
    o->mode = exists ? (unsigned)(st.st_mode & 07777) : 0;
    if ((e = pick_name(o)) != 0)
        o->tmp[0] = '\0';
    return e;
}

int outfile_create(outfile *o)
{
    if (o->in_place)
        return 0;
    if (cleanup_add(o->tmp) != 0)
        return ENFILE;
    const int fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    int e = fd < 0 ? errno : 0;
    if (!e && o->mode && fchmod(fd, o->mode) != 0)
        e = errno;
    if (fd >= 0 && close(fd) != 0 && !e)
        e = errno;
    if (e && fd >= 0)
        unlink(o->tmp);
    if (e)
        cleanup_forget(o->tmp);
    return e;
}

int outfile_prepare(const char *path, outfile *o)
{
    int e = outfile_plan(path, o);
    for (int i = 0; !e && !o->in_place && (e = outfile_create(o)) == EEXIST && i < NAME_TRIES;
         i++)
        e = pick_name(o);
    if (e)
        o->tmp[0] = '\0';
    return e;
}

/// Rank 0's "host H, pid P" from a lock file's text "H P\n" (or F_GETLK's pid) into holder.
static void lock_holder(int fd, char *holder, size_t len)
{
    char text[320] = "", host[260] = "";
    long pid = 0;
    const ssize_t n = pread(fd, text, sizeof text - 1, 0);
    if (n > 0)
        text[n] = '\0';
    if (sscanf(text, "%259s %ld", host, &pid) == 2) {
        snprintf(holder, len, "host %s, pid %ld", host, pid);
        return;
    }
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
        snprintf(holder, len, "pid %ld, host unknown", (long)fl.l_pid);
    else
        snprintf(holder, len, "host and pid unknown");
}

int outfile_lock_take(const char *path, outfile_lock *l, char *holder, size_t len)
{
    l->fd = -1;
    if (snprintf(l->path, sizeof l->path, "%s.lock", path) >= (int)sizeof l->path)
        return ENAMETOOLONG;
    for (int tries = 0; tries < NAME_TRIES; tries++) {
        struct stat a, b;
        const int fd = open(l->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0666);
        if (fd < 0)
            return errno;
        struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
        if (fcntl(fd, F_SETLK, &fl) != 0) {
            const int e = errno == EACCES ? EAGAIN : errno;
            if (e == EAGAIN)
                lock_holder(fd, holder, len);
            else if (fstat(fd, &a) == 0 && a.st_size == 0)
                unlink(l->path);    /* no locks here: leave no empty lock file behind */
            close(fd);
            return e;
        }
        /* the holder before us removes its lock file before releasing: locked the one named? */
        if (fstat(fd, &a) != 0 || stat(l->path, &b) != 0 || a.st_ino != b.st_ino ||
            a.st_dev != b.st_dev) {
            close(fd);
            continue;
        }
        char host[256] = "unknown", text[320];
        gethostname(host, sizeof host - 1);
        const int n = snprintf(text, sizeof text, "%s %ld\n", host, (long)getpid());
        int e = ftruncate(fd, 0) != 0 ? errno : outfile_write_all(fd, text, (size_t)n);
        if (e) {
            unlink(l->path);
            close(fd);
            return e;
        }
        l->fd = fd;
        return 0;
    }
    snprintf(holder, len, "host and pid unknown");
    return EAGAIN;
}

int outfile_sweep(const char *target, char *last, size_t len)
{
    char dir[OUTFILE_PATH_MAX], path[OUTFILE_PATH_MAX];
    const char *slash = strrchr(target, '/'), *base = slash ? slash + 1 : target;
    const size_t blen = strlen(base);
    int n = 0;
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - target) + 1 : 1, slash ? target : ".");
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        const char *name = e->d_name;
        if (strlen(name) != blen + 11 || strncmp(name, base, blen) ||
            strncmp(name + blen, ".tmp.", 5) || strspn(name + blen + 5, ALNUM) != 6)
            continue;               /* only names pick_name makes: target.tmp.XXXXXX */
        if (snprintf(path, sizeof path, "%s%s", slash ? dir : "", name) >= (int)sizeof path)
            continue;
        if (unlink(path) == 0 && ++n)
            snprintf(last, len, "%s", path);
    }
    closedir(d);
    return n;
}

void outfile_lock_release(outfile_lock *l)
{
    if (l->fd < 0)
        return;
    unlink(l->path);                /* while still locked: see outfile_lock_take */
    close(l->fd);
    l->fd = -1;
}

int outfile_open(const outfile *o)
{
    if (o->in_place)
        return open(o->target, O_WRONLY | O_TRUNC | O_NOCTTY);
    return open(o->tmp, O_WRONLY | O_TRUNC);
}

int outfile_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        const ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        if (n == 0)
            return EIO;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int outfile_close(int fd)
{
    struct stat st;
    int e = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && !e)
        e = errno;
    return e;
}

/// fsync the directory holding path, so the rename itself is durable.  0 or errno.
static int sync_dir(const char *path)
{
    char dir[OUTFILE_PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash)
        strcpy(dir, ".");
    else if (slash == path)
        strcpy(dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    const int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return errno;
    int e = fsync(fd) != 0 && errno != EINVAL ? errno : 0; /* EINVAL: cannot be synced */
    close(fd);
    return e;
}

int outfile_publish(outfile *o)
{
    if (o->in_place)
        return 0;
    if (rename(o->tmp, o->target) != 0) {
        const int e = errno;
        outfile_discard(o);
        return e;
    }
    cleanup_forget(o->tmp);
    o->tmp[0] = '\0';
    return sync_dir(o->target);
}

int outfile_store(outfile *o, const struct iovec *piece, int n)
{
    const int fd = outfile_open(o);
    int e = fd < 0 ? errno : 0;
    for (int i = 0; i < n && !e; i++)
        e = outfile_write_all(fd, piece[i].iov_base, piece[i].iov_len);
    if (fd >= 0) {
        const int c = outfile_close(fd);
        e = e ? e : c;
    }
    if (!e)
        e = outfile_publish(o);
    outfile_discard(o);
    return e;
}

void outfile_discard(outfile *o)
{
    if (o->tmp[0]) {
        unlink(o->tmp);
        cleanup_forget(o->tmp);
        o->tmp[0] = '\0';
    }
}
