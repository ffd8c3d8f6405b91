/* outfile.h - output files published atomically, owned by one run, and the one table of stop signals with the registry of temporaries (no MPI). */
#ifndef PIPORT_OUTFILE_H
#define PIPORT_OUTFILE_H

#include <stddef.h>
#include <sys/uio.h>

enum { OUTFILE_PATH_MAX = 4096 };

/// How one output path is written.
typedef struct {
    char target[OUTFILE_PATH_MAX]; ///< where the result goes (symlinks followed to their target)
    char tmp[OUTFILE_PATH_MAX];    ///< unique temporary beside target, renamed over it ("" in place)
    int in_place;                  ///< 1: target exists and is not a regular file (device,
                                   ///< FIFO): written directly, never replaced
    unsigned mode;                 ///< permission bits of the existing target, or 0 (then
                                   ///< 0666 & ~umask)
} outfile;

/// A file's advisory lock, held by one process until outfile_lock_release or its death.
typedef struct {
    char path[OUTFILE_PATH_MAX]; ///< the lock file: the locked file's name + ".lock"
    int fd;                      ///< open and locked (fcntl F_SETLK), or -1
} outfile_lock;

/// Decide how `path` is written: follow symlinks; a directory is refused (EISDIR); a device
/// or FIFO is written in place; otherwise create a unique temporary beside the target (mode
/// of the existing file, else 0666 & ~umask), registered for removal.  0 or an errno.
int outfile_prepare(const char *path, outfile *o);

/// Like outfile_prepare, but only choose the temporary's name, not yet created (so that every
/// process can register it before it exists: cleanup_add_peer); outfile_create makes it.
int outfile_plan(const char *path, outfile *o);

/// Create the planned temporary o->tmp (registered for removal here), exclusively, with the
/// target's mode; nothing to do in place.  0 or an errno (EEXIST: the name is taken).
int outfile_create(outfile *o);

/// Follow symlinks from path to the final name into out (OUTFILE_PATH_MAX bytes; it need not
/// exist), once: what is then read, written and removed.  0 or an errno.
int outfile_resolve(const char *path, char *out);

/// Lock `path` for this process: lock file path + ".lock" created if missing, locked with
/// fcntl (released by the kernel when the process dies, so a dead run's file never blocks),
/// holding "host pid".  0; EAGAIN if another process holds it (its "host H, pid P" into
/// holder, len bytes); or another errno.
int outfile_lock_take(const char *path, outfile_lock *l, char *holder, size_t len);

/// Remove the temporaries "target.tmp.XXXXXX" that writers which died before anyone could
/// clean up left beside target (call it only while holding target's lock: no live writer
/// then).  The number removed; the last one's name into last (len bytes).
int outfile_sweep(const char *target, char *last, size_t len);

/// Remove the lock file and release the lock (nothing if l->fd < 0).
void outfile_lock_release(outfile_lock *l);

/// Open the file to write: the temporary, or the target itself in place.  fd, or -1 (errno).
int outfile_open(const outfile *o);

/// Write all of buf to fd, retrying short writes and EINTR.  0 or an errno.
int outfile_write_all(int fd, const void *buf, size_t len);

/// Finish a file written through fd: fsync (regular files only) and close.  0 or an errno.
int outfile_close(int fd);

/// Rename the finished temporary over the target and sync the directory; nothing to do in
/// place.  0 or an errno (the temporary is then removed).
int outfile_publish(outfile *o);

/// The whole file at once: open, write the n pieces, sync, close, publish; on any failure the
/// temporary is removed and the target stays as it was.  0 or an errno.
int outfile_store(outfile *o, const struct iovec *piece, int n);

/// Give up: remove the temporary (if any) and forget it.
void outfile_discard(outfile *o);

/*
 * Stop signals: ONE table (outfile.c) of the signals that stop a run -- SIGINT, SIGTERM,
 * SIGUSR1 (they may ask a checkpointed run to save and stop), SIGHUP, SIGPIPE, SIGUSR2,
 * SIGALRM, SIGXCPU -- installed by stop_install as the first thing every program does, and
 * ONE registry of temporaries.  Until the program has parsed its options SIGINT, SIGTERM and
 * SIGUSR1 are only remembered; then stop_catch (a checkpointed run) or stop_settle (any
 * other) decides.  A signal of the table
 *   - ends the run: every registered temporary is removed and the signal is raised again
 *     with its default action (exit status 128 + signal);
 *   - with stop_catch, SIGINT, SIGTERM and SIGUSR1 only ask to stop at the next safe point
 *     (stop_signal); temporaries another process writes (cleanup_add_peer) are removed at
 *     once, since this process may never get further (its peer is dead, SIGKILL follows).
 */

/// Install the table's handlers, remembering SIGINT, SIGTERM and SIGUSR1 until stop_catch or
/// stop_settle decides.  Call it first in main, before MPI starts.
void stop_install(void);

/// A checkpointed run: from now on SIGINT, SIGTERM and SIGUSR1 (also one that came before)
/// ask to stop; the other signals of the table end the run (as they always do).
void stop_catch(void);

/// Any other run: every signal of the table ends it (one that came before: now).  Nothing if
/// stop_catch decided already.
void stop_settle(void);

/// The signal that asked to stop (SIGINT, SIGTERM or SIGUSR1) since stop_catch, or 0.
int stop_signal(void);

/// The name of a signal of the table ("SIGUSR1"), or "signal".
const char *stop_signal_name(int sig);

/// Remember a temporary this process writes, to remove if a signal ends the process or on
/// cleanup_now.  0, or -1 if full.
int cleanup_add(const char *path);

/// Remember a temporary another process writes (the same name on every rank), removed also
/// when a signal only asks to stop.  0, or -1 if full.
int cleanup_add_peer(const char *path);

/// Forget a temporary (it was renamed or removed).
void cleanup_forget(const char *path);

/// Remove every remembered temporary now (for error paths).
void cleanup_now(void);

/// Create a unique file from a mkstemp template ending in XXXXXX, mode 0666 & ~umask,
/// registered for removal; the name is completed in place.  0 or an errno.
int outfile_mktemp(char *templ);

#endif
