/* records.c - strict parsing of text records and validation of user output formats. */
#include "records.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

line_kind records_parse_line(const char *line, size_t len, int arity, double *out,
                             char *why, size_t whylen)
{
    char buf[512];
    const char *p, *end;
    int n = 0;

    if (len && line[len - 1] == '\r')
        len--;
    const char *hash = memchr(line, '#', len);
    if (hash)
        len = (size_t)(hash - line);
    if (len >= sizeof buf) {
        snprintf(why, whylen, "record longer than %zu characters", sizeof buf - 1);
        return LINE_BAD;
    }
    memcpy(buf, line, len);
    buf[len] = '\0';
    p = buf;
    end = buf + len;
    while (p < end && isspace((unsigned char)*p))
        p++;
    if (p == end)
        return LINE_SKIP;
    for (;;) {
        char *stop;
        if (p == end || *p == ',') {
            snprintf(why, whylen, "empty field (column %d)", n + 1);
            return LINE_BAD;
        }
        errno = 0;
        const double v = strtod(p, &stop);
        const size_t w = strcspn(p, " \t,");
        if (stop == p || (*stop && !isspace((unsigned char)*stop) && *stop != ',')) {
            snprintf(why, whylen, "not a number '%.*s' (column %d)", (int)(w > 40 ? 40 : w), p,
                     n + 1);
            return LINE_BAD;
        }
        if (errno == ERANGE && isinf(v)) {   /* underflow to 0 or a subnormal is accepted */
            snprintf(why, whylen, "out of range for a double '%.*s' (column %d)",
                     (int)(w > 40 ? 40 : w), p, n + 1);
            return LINE_BAD;
        }
        if (n < arity)
            out[n] = v;
        n++;
        p = stop;
        while (p < end && isspace((unsigned char)*p))
            p++;
        if (p == end)
            break;
        if (*p == ',') {                    /* one comma, with any spaces around it */
            p++;
            while (p < end && isspace((unsigned char)*p))
                p++;
        }
    }
    if (n != arity) {
        snprintf(why, whylen, "expected %d column%s, got %d", arity, arity == 1 ? "" : "s", n);
        return LINE_BAD;
    }
    return LINE_RECORD;
}

const char *records_check_format(const char *fmt)
{
    int conversions = 0;
    for (const char *p = fmt; *p; p++) {
        if (*p != '%')
            continue;
        if (p[1] == '%') {
            p++;
            continue;
        }
        p++;
        p += strspn(p, "-+ #0");            /* flags */
        const size_t width = strspn(p, "0123456789");
        if (width > 3 || (width && atoi(p) > 100))
            return "width at most 100";
        p += width;
        if (*p == '.') {
            p++;
            const size_t prec = strspn(p, "0123456789");
            if (prec > 3 || (prec && atoi(p) > 100))
                return "precision at most 100";
            p += prec;
        }
        if (!*p || !strchr("eEfFgGaA", *p))
            return "only one double conversion (%e %f %g %a, with flags, width, precision)";
        conversions++;
    }
    if (conversions != 1)
        return "needs exactly one double conversion, like %.17g";
    if (strchr(fmt, '\n'))
        return "must not contain a newline (one is added)";
    return NULL;
}

const char *records_check_finite(const double *rec, int arity)
{
    for (int c = 0; c < arity; c++)
        if (!isfinite(rec[c]))
            return isnan(rec[c]) ? "not a finite number (nan); --allow-nonfinite accepts it"
                                 : "not a finite number (inf); --allow-nonfinite accepts it";
    return NULL;
}
