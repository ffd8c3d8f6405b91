/* bailey_bbp.c - baseline: Bailey's double-precision BBP digit program (piqpr8 style), for side-by-side timing.
 *
 * This follows D. H. Bailey's published piqpr8.c: the modular powers 16^p mod
 * (8k+j) and the series are evaluated in IEEE doubles, which is exact only
 * while the products stay below 2^53 (positions below about 1.2e7) and keeps
 * about 9-10 correct hex digits.  It is here to be compared with, not used.
 * Usage: bailey_bbp POSITION   (position 1 = first hex digit after the point)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { NTP = 25 };

/// 16^p mod ak by left-to-right binary exponentiation in doubles (Bailey's expm).
static double expm(double p, double ak)
{
    static double tp[NTP];
    static int tp1 = 0;
    double p1, pt, r;
    int i, j;

    if (!tp1) {
        tp1 = 1;
        tp[0] = 1.;
        for (i = 1; i < NTP; i++)
            tp[i] = 2. * tp[i - 1];
    }
    if (ak == 1.)
        return 0.;
    for (i = 0; i < NTP; i++)
        if (tp[i] > p)
            break;
    pt = tp[i - 1];
    p1 = p;
    r = 1.;
    for (j = 1; j <= i; j++) {
        if (p1 >= pt) {
            r = 16. * r;
            r = r - (int)(r / ak) * ak;
            p1 = p1 - pt;
        }
        pt = 0.5 * pt;
        if (pt >= 1.) {
            r = r * r;
            r = r - (int)(r / ak) * ak;
        }
    }
    return r;
}

/// frac(sum_k 16^(id-k) / (8k+m)) (Bailey's series).
static double series(int m, long id)
{
    const double eps = 1e-17;
    double ak, p, s = 0., t;
    long k;

    for (k = 0; k < id; k++) {
        ak = 8 * k + m;
        p = (double)(id - k);
        t = expm(p, ak);
        s = s + t / ak;
        s = s - (int)s;
    }
    for (k = id; k <= id + 100; k++) {
        ak = 8 * k + m;
        t = pow(16., (double)(id - k)) / ak;
        if (t < eps)
            break;
        s = s + t;
        s = s - (int)s;
    }
    return s;
}

int main(int argc, char **argv)
{
    const long id = argc > 1 ? (long)atof(argv[1]) - 1 : 1000000 - 1;
    double pid = 4. * series(1, id) - 2. * series(4, id) - series(5, id) - series(6, id);
    char hx[17];

    pid = pid - (int)pid + 1.;
    double y = fabs(pid);
    for (int i = 0; i < 14; i++) {
        y = 16. * (y - floor(y));
        hx[i] = "0123456789ABCDEF"[(int)y];
    }
    hx[14] = '\0';
    printf("%s\n", hx);
    return 0;
}
