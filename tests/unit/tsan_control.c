/* tsan_control.c - a deliberate data race (plain counter++ from two OpenMP threads): ThreadSanitizer must report it. */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
    uint64_t c = 0;
#pragma omp parallel for schedule(static, 1) num_threads(2)
    for (int t = 0; t < 2; t++)
        for (int i = 0; i < 100000; i++)
            c++;                       /* the race the unsafe counter avoids by using atomics */
    printf("%llu\n", (unsigned long long)c);
    return 0;
}
