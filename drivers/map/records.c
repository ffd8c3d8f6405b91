/* records.c - strict parsing of text records (numconv: fast_float), validation of user output formats. */
#include "records.h"

#include "numconv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/// Is c a separator's white space (the C locale's isspace)?
static int is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/// Does c end a field: white space, a comma, or a comment's '#'?
static int ends_field(char c)
{
    return is_space(c) || c == ',' || c == '#';
}

/// Bytes of the field at p that an error message quotes: up to its end, at most 40.
static int field_width(const char *p, const char *end)
{
    int w = 0;
    while (p + w < end && w < 40 && !ends_field(p[w]))
        w++;
    return w;
}

line_kind records_parse_line(const char *line, size_t len, int arity, double *out,
                             char *why, size_t whylen)
{
    int n = 0;
    if (len && line[len - 1] == '\r')
        len--;
    /* '#' ends the record where a field could start or end (no number contains one) */
    const char *p = line, *end = line + len;
    while (p < end && is_space(*p))
        p++;
    if (p == end || *p == '#')
        return LINE_SKIP;
    for (;;) {                               /* in place: no copy, no limit but the record's */
        if (p == end || *p == ',' || *p == '#') {
            snprintf(why, whylen, "empty field (column %d)", n + 1);
            return LINE_BAD;
        }
        const numconv_read r = numconv_parse(p, end);
        if (r.end == p || (r.end < end && !ends_field(*r.end))) {
            snprintf(why, whylen, "not a number '%.*s' (column %d)", field_width(p, end), p,
                     n + 1);
            return LINE_BAD;
        }
        if (r.overflow) {                    /* underflow to 0 or a subnormal is accepted */
            snprintf(why, whylen, "out of range for a double '%.*s' (column %d)",
                     field_width(p, end), p, n + 1);
            return LINE_BAD;
        }
        if (n < arity)
            out[n] = r.value;
        n++;
        p = r.end;
        while (p < end && is_space(*p))
            p++;
        if (p == end || *p == '#')
            break;
        if (*p == ',') {                    /* one comma, with any spaces around it */
            p++;
            while (p < end && is_space(*p))
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
