// numconv.cc - Debian's fast_float (parse) and Dragonbox (shortest digits) behind numconv.h's C interface.
//
// Why these two header libraries (libfast-float-dev, libdragonbox-dev) and not libstdc++'s
// std::from_chars / std::to_chars (GCC 12: fast_float and Ryu inside): measured here on 5e6
// temperatures in memory, the inlined fast_float parses in 0.11 s where the out-of-line
// std::from_chars takes 0.14-0.35 s, and Dragonbox's shortest digits take 0.17 s where Ryu's
// std::to_chars takes 0.27-0.31 s.  libstdc++ still reads hex floats ("0x1.8p3"), which
// fast_float does not, and writes the significand's digits (an integer).
#include "numconv.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <dragonbox/dragonbox.h>
#include <fast_float/fast_float.h>

namespace {

/// Is c a hex digit?
bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/// Does [p, last) start a hex float's digits ("1", ".8")?
bool hex_digits_follow(const char *p, const char *last)
{
    if (p < last && is_hex(*p))
        return true;
    return p + 1 < last && *p == '.' && is_hex(p[1]);
}

/// Python's layout of the shortest digits d[0..n) (no trailing zero, d[0] nonzero) with decimal
/// exponent e (value d.ddd x 10^e) into buf: repr's 'r' format, no snprintf.
size_t repr_layout(bool neg, const char *d, int n, int e, char *buf)
{
    char *o = buf;
    *o = '-';
    o += neg;
    if (e < -4 || e >= 16) {                 // repr: scientific, exponent of at least 2 digits
        *o++ = d[0];
        if (n > 1) {
            *o++ = '.';
            std::memcpy(o, d + 1, (size_t)n - 1);
            o += n - 1;
        }
        *o++ = 'e';
        *o++ = e < 0 ? '-' : '+';
        unsigned a = (unsigned)(e < 0 ? -e : e);
        if (a >= 100) {
            *o++ = (char)('0' + a / 100);
            a %= 100;
        }
        *o++ = (char)('0' + a / 10);
        *o++ = (char)('0' + a % 10);
    } else if (e < 0) {                      // 0.000ddd
        std::memcpy(o, "0.0000", (size_t)(1 - e));
        o += 1 - e;
        std::memcpy(o, d, (size_t)n);
        o += n;
    } else if (n > e + 1) {                  // ddd.ddd
        std::memcpy(o, d, (size_t)e + 1);
        o += e + 1;
        *o++ = '.';
        std::memcpy(o, d + e + 1, (size_t)(n - e - 1));
        o += n - e - 1;
    } else {                                 // ddd000.0
        std::memcpy(o, d, (size_t)n);
        o += n;
        std::memset(o, '0', (size_t)(e + 1 - n));
        o += e + 1 - n;
        *o++ = '.';
        *o++ = '0';
    }
    return (size_t)(o - buf);
}

/// Non-finite values as printf's %g writes them (today's contract): inf, -inf, nan, -nan.
size_t nonfinite(double v, char *buf)
{
    const char *s = std::isnan(v) ? (std::signbit(v) ? "-nan" : "nan") : v < 0 ? "-inf" : "inf";
    const size_t n = std::strlen(s);
    std::memcpy(buf, s, n);
    return n;
}

} // namespace

extern "C" numconv_read numconv_parse_ref(const char *first, const char *last)
{
    char small[512];
    const size_t len = (size_t)(last - first);
    char *copy = len < sizeof small ? small : static_cast<char *>(std::malloc(len + 1));
    numconv_read r = {first, 0.0, 0};
    if (!copy)                               // a field of a 64 KiB record: practically never
        return r;
    std::memcpy(copy, first, len);
    copy[len] = '\0';
    char *stop;
    errno = 0;
    r.value = std::strtod(copy, &stop);
    r.overflow = errno == ERANGE && std::isinf(r.value);
    r.end = first + (stop - copy);
    if (copy != small)
        std::free(copy);
    return r;
}

extern "C" numconv_read numconv_parse(const char *first, const char *last)
{
    numconv_read r = {first, 0.0, 0};
    const char *p = first;
    const bool neg = p < last && *p == '-';
    if (p < last && (*p == '-' || *p == '+'))
        p++;                                 // from_chars takes no '+'; one sign, as strtod
    if (p == last || *p == '-' || *p == '+')
        return r;
    double v = 0.0;
    if (last - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        if (!hex_digits_follow(p + 2, last)) { // "0x" alone: strtod reads the 0
            r.end = p + 1;
            r.value = neg ? -0.0 : 0.0;
            return r;
        }
        const std::from_chars_result fc = std::from_chars(p + 2, last, v, std::chars_format::hex);
        if (fc.ec == std::errc::result_out_of_range) // overflow, or underflow past the subnormals:
            return numconv_parse_ref(first, fc.ptr); // strtod says which, and gives its value
        if (fc.ec != std::errc())
            return r;
        r.end = fc.ptr;
    } else {
        const fast_float::from_chars_result fc = fast_float::from_chars(p, last, v);
        if (fc.ec != std::errc())
            return r;
        if (std::isinf(v) && (*p == '.' || (*p >= '0' && *p <= '9'))) // digits past DBL_MAX
            return numconv_parse_ref(first, fc.ptr);  // strtod: HUGE_VAL and ERANGE
        r.end = fc.ptr;
    }
    r.value = neg ? -v : v;
    return r;
}

extern "C" size_t numconv_repr(double v, char *buf)
{
    if (!std::isfinite(v))
        return nonfinite(v, buf);
    if (v == 0) {                            // Dragonbox takes nonzero values only
        std::memcpy(buf, std::signbit(v) ? "-0.0" : "0.0", 4);
        return std::signbit(v) ? 4 : 3;
    }
    const auto dec = jkj::dragonbox::to_decimal(v); // shortest, closest, no trailing zeros
    char d[24];
    const int n = (int)(std::to_chars(d, d + sizeof d, dec.significand).ptr - d);
    return repr_layout(dec.is_negative, d, n, dec.exponent + n - 1, buf);
}

namespace {

/// Add step (+1 or -1) to the last of the n decimal digits d (d[0] nonzero), moving *e when
/// the digit count would change (9.99 + 1 -> 1.00 e+1, 1.00 - 1 -> 9.99 e-1).
void step_digits(char *d, int n, int *e, int step)
{
    int k = n - 1;
    while (k >= 0 && d[k] == (step > 0 ? '9' : '0'))
        d[k--] = step > 0 ? '0' : '9';
    if (k >= 0)
        d[k] = (char)(d[k] + step);
    if (step > 0 && k < 0) {                 // 999 -> 1000: one more power of ten
        d[0] = '1';
        *e += 1;
    } else if (step < 0 && d[0] == '0') {    // 1000 -> 0999: one power of ten less
        std::memmove(d, d + 1, (size_t)n - 1);
        d[n - 1] = '9';
        *e -= 1;
    }
}

/// Does the decimal d[0..n) x 10^(e - n + 1) read back (strtod) as v?
bool reads_back(const char *d, int n, int e, bool neg, double v)
{
    char s[NUMCONV_REPR_MAX + 8];
    std::snprintf(s, sizeof s, "%s%c.%.*se%d", neg ? "-" : "", d[0], n - 1, d + 1, e);
    return std::strtod(s, nullptr) == v;
}

} // namespace

extern "C" size_t numconv_repr_ref(double v, char *buf)
{
    if (!std::isfinite(v))
        return nonfinite(v, buf);
    const bool neg = std::signbit(v);
    char s[NUMCONV_REPR_MAX], d[NUMCONV_REPR_MAX];
    int n = 1, e = 0;
    for (int prec = 0; prec <= 16; prec++) {
        /* the correctly rounded prec+1 digits, else a neighbour of them (beside a power of
         * two the interval that reads back to v is lopsided) */
        std::snprintf(s, sizeof s, "%.*e", prec, std::fabs(v));
        n = 0;
        for (const char *p = s; *p != 'e'; p++)
            if (*p != '.')
                d[n++] = *p;
        e = std::atoi(std::strchr(s, 'e') + 1);
        if (v == 0 || reads_back(d, n, e, neg, v))
            break;
        int e2 = e;
        char up[NUMCONV_REPR_MAX];
        std::memcpy(up, d, (size_t)n);
        step_digits(up, n, &e2, +1);
        if (reads_back(up, n, e2, neg, v)) {
            std::memcpy(d, up, (size_t)n), e = e2;
            break;
        }
        e2 = e;
        step_digits(d, n, &e2, -1);
        if (reads_back(d, n, e2, neg, v)) {
            e = e2;
            break;
        }
    }
    while (n > 1 && d[n - 1] == '0')         // 1.50 -> 1.5: shortest has no trailing zeros
        n--;
    return repr_layout(neg, d, n, e, buf);
}
