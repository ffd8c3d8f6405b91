/* outfile.h - output files published atomically, and temporaries removed on failure or signal (no MPI). */
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
} outfile;

/// Decide how `path` is written: follow symlinks; a directory is refused (EISDIR); a device
/// or FIFO is written in place; otherwise create a unique temporary beside the target (mode
/// of the existing file, else 0666 & ~umask), registered for removal.  0 or an errno.
int outfile_prepare(const char *path, outfile *o);

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

/// Remember a temporary to remove if the process is interrupted (SIGINT, SIGTERM, SIGHUP,
/// SIGPIPE) or calls cleanup_now; installs the handlers on first use.  0, or -1 if full.
int cleanup_add(const char *path);

/// Forget a temporary (it was renamed or removed).
void cleanup_forget(const char *path);

/// From now on SIGINT, SIGTERM and SIGUSR1 only ask the program to stop at its next safe point
/// (cleanup_stop_signal says which came; temporaries stay until it cleans up itself); SIGHUP
/// and SIGPIPE still remove every temporary and end the process.
void cleanup_catch_stop(void);

/// The signal that asked to stop since cleanup_catch_stop (SIGINT, SIGTERM or SIGUSR1), or 0.
int cleanup_stop_signal(void);

/// Remove every remembered temporary now (for error paths).
void cleanup_now(void);

/// Create a unique file from a mkstemp template ending in XXXXXX, mode 0666 & ~umask,
/// registered for removal; the name is completed in place.  0 or an errno.
int outfile_mktemp(char *templ);

#endif
