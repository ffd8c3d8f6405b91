/* tap.h - a minimal Test Anything Protocol emitter for the C unit tests (read by prove). */
#ifndef PIPORT_TAP_H
#define PIPORT_TAP_H

/// Record one test point; prints "ok N - name" or "not ok N - name"; returns cond.
int tap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/// Print a diagnostic line ("# ...").
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/// Print the plan and return the exit status (0 if every point passed).
int tap_done(void);

#endif
