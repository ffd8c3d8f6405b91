/* outfile.c - atomic output files (temporary, fsync, rename, directory sync) and signal-safe cleanup. */
#define _GNU_SOURCE /* O_DIRECTORY */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { CLEANUP_SLOTS = 16, MAX_LINKS = 40 };

static char cleanup_path[CLEANUP_SLOTS][OUTFILE_PATH_MAX]; ///< temporaries to remove
static volatile sig_atomic_t cleanup_used[CLEANUP_SLOTS];  ///< 1 while a slot holds a path
static int handlers_installed;                             ///< 1 once sigaction was done
static volatile sig_atomic_t stop_catching;                ///< 1: SIGINT/TERM/USR1 only ask to stop
static volatile sig_atomic_t stop_signal;                  ///< the signal that asked, or 0

/// Remove every remembered temporary; async-signal-safe (unlink only).
static void remove_all(void)
{
    for (int i = 0; i < CLEANUP_SLOTS; i++)
        if (cleanup_used[i]) {
            unlink(cleanup_path[i]);
            cleanup_used[i] = 0;
        }
}

static void on_signal(int sig)
{
    if (stop_catching && (sig == SIGINT || sig == SIGTERM || sig == SIGUSR1)) {
        stop_signal = sig;          /* the program stops at its next safe point */
        return;
    }
    remove_all();
    signal(sig, SIG_DFL);
    raise(sig);     /* delivered when the handler returns: the default action, status by signal */
}

static void install_handlers(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGUSR1};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigfillset(&sa.sa_mask);        /* no second signal interrupts the removal */
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (sigs[i] != SIGUSR1 || stop_catching)   /* SIGUSR1 keeps its default otherwise */
            sigaction(sigs[i], &sa, NULL);
    handlers_installed = 1;
}

void cleanup_catch_stop(void)
{
    stop_catching = 1;
    install_handlers();
}

int cleanup_stop_signal(void)
{
    return stop_signal;
}

int cleanup_add(const char *path)
{
    if (!handlers_installed)
        install_handlers();
    if (strlen(path) >= OUTFILE_PATH_MAX)
        return -1;
    for (int i = 0; i < CLEANUP_SLOTS; i++)
        if (!cleanup_used[i]) {
            memcpy(cleanup_path[i], path, strlen(path) + 1);
            cleanup_used[i] = 1;    /* published only once the name is complete */
            return 0;
        }
    return -1;
}

void cleanup_forget(const char *path)
{
    for (int i = 0; i < CLEANUP_SLOTS; i++)
        if (cleanup_used[i] && !strcmp(cleanup_path[i], path))
            cleanup_used[i] = 0;
}

void cleanup_now(void)
{
    remove_all();
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

/// Follow symlinks from path to the final name into out (which need not exist).  0 or errno.
static int resolve(const char *path, char *out)
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

int outfile_prepare(const char *path, outfile *o)
{
    struct stat st;
    memset(o, 0, sizeof *o);
    int e = resolve(path, o->target);
    if (e)
        return e;
    const int exists = stat(o->target, &st) == 0;
    if (exists && S_ISDIR(st.st_mode))
        return EISDIR;
    if (exists && !S_ISREG(st.st_mode)) {
        o->in_place = 1;             /* /dev/null, a FIFO, a terminal: never replaced */
        return 0;
    }
    if (snprintf(o->tmp, sizeof o->tmp, "%s.tmp.XXXXXX", o->target) >= (int)sizeof o->tmp)
        return ENAMETOOLONG;
    if ((e = outfile_mktemp(o->tmp)) != 0) {
        o->tmp[0] = '\0';
        return e;
    }
    if (exists && chmod(o->tmp, st.st_mode & 07777) != 0) {
        e = errno;
        outfile_discard(o);
        return e;
    }
    return 0;
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
