// numconv.cc - libstdc++'s std::from_chars / std::to_chars (fast_float, Ryu) behind numconv.h's C interface.
//
// Why libstdc++ (GCC 12) and not libfast-float-dev / libdragonbox-dev: the compiler's own
// library is always there with g++, is maintained with it, and has both directions (parse and
// shortest print) in one place; the two Debian packages would add two header dependencies.
#include "numconv.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

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

/// Python's layout of the shortest digits d[0..n) with decimal exponent e (value d.ddd x 10^e).
size_t repr_layout(bool neg, const char *d, int n, int e, char *buf)
{
    char *o = buf;
    if (neg)
        *o++ = '-';
    if (e < -4 || e >= 16) {                 // repr: scientific, exponent of at least 2 digits
        *o++ = d[0];
        if (n > 1) {
            *o++ = '.';
            std::memcpy(o, d + 1, (size_t)n - 1);
            o += n - 1;
        }
        o += std::snprintf(o, 8, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
    } else if (e < 0) {                      // 0.000ddd
        *o++ = '0';
        *o++ = '.';
        for (int z = 0; z < -e - 1; z++)
            *o++ = '0';
        std::memcpy(o, d, (size_t)n);
        o += n;
    } else {                                 // ddd.ddd, or ddd000.0
        for (int k = 0; k < n || k <= e; k++) {
            if (k == e + 1)
                *o++ = '.';
            *o++ = k < n ? d[k] : '0';
        }
        if (n <= e + 1) {
            *o++ = '.';
            *o++ = '0';
        }
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

/// Lay out to_chars' scientific text s[0..len) ("-d.ddde+XX": shortest digits, exponent of at
/// least 2 digits) as repr does: scientific text is already repr's when e < -4 or e >= 16.
size_t repr_from_scientific(const char *s, size_t len, char *buf)
{
    const char *epos = static_cast<const char *>(std::memchr(s, 'e', len));
    const int neg = *s == '-';
    const char *d0 = s + neg, *frac = d0 + 2;
    const int nfrac = epos > d0 + 1 ? (int)(epos - frac) : 0;
    int e = 0;
    for (const char *p = epos + 2; p < s + len; p++)
        e = 10 * e + (*p - '0');
    e = epos[1] == '-' ? -e : e;
    if (e < -4 || e >= 16) {
        std::memcpy(buf, s, len);
        return len;
    }
    char *o = buf;
    if (neg)
        *o++ = '-';
    if (e < 0) {                             // 0.000ddd
        std::memcpy(o, "0.0000", (size_t)(1 - e));
        o += 1 - e;
        *o++ = *d0;
        std::memcpy(o, frac, (size_t)nfrac);
        return (size_t)(o + nfrac - buf);
    }
    *o++ = *d0;                              // ddd.ddd, or ddd000.0
    if (nfrac > e) {
        std::memcpy(o, frac, (size_t)e);
        o += e;
        *o++ = '.';
        std::memcpy(o, frac + e, (size_t)(nfrac - e));
        return (size_t)(o + nfrac - e - buf);
    }
    std::memcpy(o, frac, (size_t)nfrac);
    o += nfrac;
    for (int z = nfrac; z < e; z++)
        *o++ = '0';
    *o++ = '.';
    *o++ = '0';
    return (size_t)(o - buf);
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
    std::from_chars_result fc;
    double v = 0.0;
    if (last - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        if (!hex_digits_follow(p + 2, last)) { // "0x" alone: strtod reads the 0
            r.end = p + 1;
            r.value = neg ? -0.0 : 0.0;
            return r;
        }
        fc = std::from_chars(p + 2, last, v, std::chars_format::hex);
    } else {
        fc = std::from_chars(p, last, v, std::chars_format::general);
    }
    if (fc.ec == std::errc::result_out_of_range) // overflow, or underflow past the subnormals:
        return numconv_parse_ref(first, fc.ptr); // strtod says which, and gives its value
    if (fc.ec != std::errc())
        return r;
    r.end = fc.ptr;
    r.value = neg ? -v : v;
    return r;
}

extern "C" size_t numconv_repr(double v, char *buf)
{
    if (!std::isfinite(v))
        return nonfinite(v, buf);
    char s[NUMCONV_REPR_MAX];
    const std::to_chars_result tc = std::to_chars(s, s + sizeof s - 1, v, std::chars_format::scientific);
    *tc.ptr = '\0';
    return repr_from_scientific(s, (size_t)(tc.ptr - s), buf);
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
