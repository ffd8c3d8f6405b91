/* test_outfile.c - the stop-signal table and registry of temporaries, planned temporaries, and lock files of drivers/common/outfile.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "outfile.h"
#include "tap.h"

static char dir[] = "/tmp/test_outfile.XXXXXX"; ///< scratch directory of this test

/// The path dir/name into buf (OUTFILE_PATH_MAX bytes).
static const char *in_dir(char *buf, const char *name)
{
    snprintf(buf, OUTFILE_PATH_MAX, "%s/%s", dir, name);
    return buf;
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/// Create an empty file.
static void touch(const char *path)
{
    FILE *f = fopen(path, "w");
    if (f)
        fclose(f);
}

/// Run fn in a child process; its wait status.
static int in_child(void (*fn)(void))
{
    const pid_t pid = fork();
    if (pid == 0) {
        fn();
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

static char own[OUTFILE_PATH_MAX], peer[OUTFILE_PATH_MAX]; ///< temporaries the children register

/// SIGUSR1 before the options are parsed, then --checkpoint: it asks to stop (exit 42).
static void early_stop_asks(void)
{
    stop_install();
    raise(SIGUSR1);                 /* remembered only: the process goes on */
    stop_catch();
    _exit(stop_signal() == SIGUSR1 ? 42 : 1);
}

/// SIGTERM before the options are parsed, then no --checkpoint: it ends the process now.
static void early_term_ends(void)
{
    stop_install();
    cleanup_add(own);
    raise(SIGTERM);
    if (!exists(own))
        _exit(1);                   /* acted on too early */
    stop_settle();
    _exit(2);                       /* not reached */
}

/// With --checkpoint: SIGUSR1 removes a peer's temporary only, keeps the run (exit 43);
/// SIGHUP then ends it, own temporary removed.
static void catch_then_hup(void)
{
    stop_install();
    stop_catch();
    cleanup_add_peer(peer);
    cleanup_add(own);
    raise(SIGUSR1);
    if (stop_signal() != SIGUSR1 || exists(peer) || !exists(own))
        _exit(1);
    raise(SIGHUP);
    _exit(3);
}

/// SIGUSR2 (not a stop request) before the options, then --checkpoint: it still ends the run.
static void early_usr2_ends(void)
{
    stop_install();
    raise(SIGUSR2);
    stop_catch();
    _exit(4);
}

/// Hold the lock on dir/ck until killed; "1" on the pipe once held.
static int lock_pipe[2];
static void hold_lock(void)
{
    char ck[OUTFILE_PATH_MAX], holder[320];
    outfile_lock l;
    if (outfile_lock_take(in_dir(ck, "ck"), &l, holder, sizeof holder) != 0)
        _exit(1);
    if (write(lock_pipe[1], "1", 1) != 1)
        _exit(1);
    pause();
}

static void test_signals(void)
{
    int st = in_child(early_stop_asks);
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 42,
           "SIGUSR1 before the options are parsed is remembered: with --checkpoint a stop request");
    touch(own);
    st = in_child(early_term_ends);
    tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM && !exists(own),
           "SIGTERM before the options: without --checkpoint it ends the run, by SIGTERM, "
           "temporary removed");
    touch(own);
    touch(peer);
    st = in_child(catch_then_hup);
    tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGHUP && !exists(own) && !exists(peer),
           "with --checkpoint SIGUSR1 removes only a peer's temporary; SIGHUP then ends the run "
           "and removes its own");
    st = in_child(early_usr2_ends);
    tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR2,
           "SIGUSR2 before the options ends even a checkpointed run (it is no stop request)");
    tap_ok(!strcmp(stop_signal_name(SIGXCPU), "SIGXCPU") && !strcmp(stop_signal_name(SIGKILL),
                                                                     "signal"),
           "signal names from the one table");
}

static void test_plan(void)
{
    char target[OUTFILE_PATH_MAX], link[OUTFILE_PATH_MAX];
    outfile o;
    symlink("sub.txt", in_dir(link, "link.txt"));
    int e = outfile_plan(link, &o);
    tap_ok(!e && !strcmp(o.target, in_dir(target, "sub.txt")) &&
               !strncmp(o.tmp, target, strlen(target)) && strstr(o.tmp, ".tmp.") &&
               !exists(o.tmp),
           "outfile_plan: the link's target, a temporary's name beside it, not created (%s)",
           o.tmp);
    outfile p = o;
    e = outfile_create(&o);
    tap_ok(!e && exists(o.tmp) && outfile_create(&p) == EEXIST,
           "outfile_create makes the planned temporary, exclusively (a second time: EEXIST)");
    const struct iovec text = {"x\n", 2};
    tap_ok(outfile_store(&o, &text, 1) == 0 && !exists(p.tmp) && exists(target) &&
               exists(link),
           "stored through the temporary: the target written, the link kept, no temporary");
}

static void test_lock(void)
{
    char ck[OUTFILE_PATH_MAX], lock[OUTFILE_PATH_MAX], holder[320] = "", host[256] = "";
    char c, want[320], text[320] = "";
    outfile_lock l;
    in_dir(ck, "ck");
    if (pipe(lock_pipe) != 0)
        return;
    const pid_t pid = fork();
    if (pid == 0)
        hold_lock();
    const int held = read(lock_pipe[0], &c, 1) == 1;
    gethostname(host, sizeof host - 1);
    snprintf(want, sizeof want, "host %s, pid %ld", host, (long)pid);
    int e = outfile_lock_take(ck, &l, holder, sizeof holder);
    tap_ok(held && e == EAGAIN && !strcmp(holder, want) && l.fd < 0,
           "a second process is refused the lock: EAGAIN, holder '%s'", holder);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    tap_ok(exists(in_dir(lock, "ck.lock")), "the SIGKILLed holder leaves its lock file");
    e = outfile_lock_take(ck, &l, holder, sizeof holder);
    FILE *f = fopen(lock, "r");
    if (f && !fgets(text, sizeof text, f))
        text[0] = '\0';
    if (f)
        fclose(f);
    snprintf(want, sizeof want, "%s %ld\n", host, (long)getpid());
    tap_ok(e == 0 && l.fd >= 0 && !strcmp(text, want),
           "... which does not block: the lock is taken, the file says '%.*s'",
           (int)strcspn(text, "\n"), text);
    outfile_lock_release(&l);
    tap_ok(!exists(lock) && l.fd < 0, "released: the lock file removed");
}

int main(void)
{
    char buf[OUTFILE_PATH_MAX];
    if (!mkdtemp(dir))
        return 1;
    in_dir(own, "own.tmp.1");
    in_dir(peer, "peer.tmp.1");
    test_signals();
    test_plan();
    test_lock();
    const char *names[] = {"sub.txt", "link.txt", "own.tmp.1", "peer.tmp.1", "ck.lock"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        unlink(in_dir(buf, names[i]));
    rmdir(dir);
    return tap_done();
}
