/* The C binding's cost per call next to the native Rust cost of the same
 * work, measured side by side in this process: rounds through the C API
 * alternate with rounds of the native Rust calls (exported for this
 * benchmark only by the `bench-hooks` feature of telnum-c, declared below,
 * not in the header). A round's C/native ratio compares two runs taken
 * microseconds apart, so the noise of a shared machine hits both alike;
 * the figures printed are medians over rounds. Target: FFI overhead of at
 * most 15% on a pool pick. Same pool and callees as core/benches/pool.rs;
 * the native side reads the pick's number and tier in place, as the C
 * call returns them.
 *
 * Build: cargo build --release -p telnum-c --features bench-hooks
 *        gcc -std=c11 -O2 -I bindings-c/include tests/c/bench.c \
 *            target/release/libtelnum_c.a -lpthread -ldl -lm -o bench */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "telnum.h"

/* From the `bench-hooks` feature: ns per call of the native Rust work. */
double telnum_bench_native_pick_ns(const TelnumPool *pool, const char *const *callees, const size_t *lens, size_t n,
                                   int64_t now_unix_ms);
double telnum_bench_native_parse_ns(const char *const *inputs, const size_t *lens, const char *const *regions,
                                    size_t n);

static const char *NPAS[] = {
    "212", "646", "718", "917", "347", "201", "973", "908", "215", "267", "617", "857", "202", "305",
    "786", "404", "678", "312", "773", "214", "469", "713", "832", "303", "720", "602", "480", "415",
    "510", "408", "650", "213", "310", "323", "818", "619", "206", "425", "503", "702", "416", "647",
    "905", "514", "604", "403", "612", "313", "216", "412"};
#define NNPAS 50
#ifndef ROUNDS
#define ROUNDS 41
#endif

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof v[0], cmp);
  return v[n / 2];
}

/* The median of the per-round ratios c[i] / native[i]: each compares two
 * runs a few microseconds apart. */
static double paired_ratio(const double *c, const double *native) {
  double r[ROUNDS];
  for (int i = 0; i < ROUNDS; i++) r[i] = c[i] / native[i];
  return median(r, ROUNDS);
}

int main(void) {
  /* E.164 parse: the C call (parse, then the answer as JSON) and the
   * native parse with the same information (E164::parse, then info()). */
  const char *inputs[] = {"+1 415 555 2671", "020 7183 8750", "tel:+44-20-7183-8750", "+91 98765 43210", "(212) 555-0100"};
  const char *regions[] = {NULL, "GB", NULL, NULL, "US"};
  size_t input_lens[5];
  for (int i = 0; i < 5; i++) input_lens[i] = strlen(inputs[i]);
  char *out = NULL;
  double c_parse[ROUNDS], rust_parse[ROUNDS];
  for (int s = -1; s < ROUNDS; s++) { /* round -1 warms up */
    double a = now_ns();
    for (int i = 0; i < 200; i++) {
      const char *r = regions[i % 5];
      if (telnum_parse_e164(inputs[i % 5], input_lens[i % 5], r, r ? 2 : 0, &out) != TELNUM_STATUS_OK) return 1;
      telnum_string_free(out);
    }
    double c = (now_ns() - a) / 200, native = 0;
    for (int k = 0; k < 40; k++) native += telnum_bench_native_parse_ns(inputs, input_lens, regions, 5) / 40;
    if (native < 0) return 1;
    if (s >= 0) {
      c_parse[s] = c;
      rust_parse[s] = native;
    }
  }
  double parse_ratio = paired_ratio(c_parse, rust_parse);
  double parse_ns = median(c_parse, ROUNDS), parse_native = median(rust_parse, ROUNDS);

  /* The pool of core/benches/pool.rs at 1,000 members. */
  size_t cap = 1 << 20, len = 0;
  char *spec = malloc(cap);
  if (!spec) return 1;
  len += (size_t)snprintf(spec + len, cap - len,
                          "{\"campaign_id\":\"bench\",\"tenant\":\"t\",\"policy\":{\"callee_mode\":{\"mode\":\"rotate\",\"last_calls\":3,\"within_seconds\":86400}},\"members\":[");
  for (int i = 0; i < 1000; i++) {
    char e164[32], country[3] = "US";
    if (i % 10 == 9) {
      snprintf(e164, sizeof e164, "+4420%08d", i);
      strcpy(country, "GB");
    } else {
      snprintf(e164, sizeof e164, "+1%s%07d", NPAS[i % NNPAS], 2000000 + i);
      const char *ca[] = {"416", "647", "905", "514", "604", "403"};
      for (int k = 0; k < 6; k++)
        if (!strcmp(NPAS[i % NNPAS], ca[k])) strcpy(country, "CA");
    }
    len += (size_t)snprintf(spec + len, cap - len,
                            "%s{\"number_id\":\"n%d\",\"e164\":\"%s\",\"country\":\"%s\",\"weight\":%d,\"added_at\":\"2026-05-02T00:00:00Z\"}",
                            i ? "," : "", i, e164, country, 1 + i % 5);
  }
  len += (size_t)snprintf(spec + len, cap - len, "]}");
  TelnumPool *pool = NULL;
  if (telnum_pool_new(spec, len, NULL, 0, &pool) != TELNUM_STATUS_OK) {
    char *e = telnum_last_error();
    fprintf(stderr, "pool: %s\n", e);
    telnum_string_free(e);
    return 1;
  }
  free(spec);
  char callees[1000][24];
  const char *gap[] = {"718", "929", "332", "628", "669"};
  for (int i = 0; i < 1000; i++) {
    if (i % 8 == 7) snprintf(callees[i], 24, "+4420%08d", 70000000 + i);
    else if (i % 8 == 6) snprintf(callees[i], 24, "+1%s555%04d", gap[i % 5], i);
    else snprintf(callees[i], 24, "+1%s555%04d", NPAS[(i * 7) % NNPAS], i);
  }
  const char *callee_ptrs[1000];
  size_t callee_lens[1000];
  for (int i = 0; i < 1000; i++) {
    callee_ptrs[i] = callees[i];
    callee_lens[i] = strlen(callees[i]);
  }
  TelnumPickResult r;
  long long now_ms = 1780315200000LL; /* 2026-06-01T12:00:00Z */
  double c_pick[ROUNDS], rust_pick[ROUNDS];
  for (int s = -1; s < ROUNDS; s++) { /* round -1 warms up */
    double a = now_ns();
    for (int i = 0; i < 1000; i++)
      if (telnum_pool_pick_e164(pool, callee_ptrs[i], callee_lens[i], now_ms, false, &r) != TELNUM_STATUS_OK) return 1;
    double c = (now_ns() - a) / 1000;
    double native = telnum_bench_native_pick_ns(pool, callee_ptrs, callee_lens, 1000, now_ms);
    if (native < 0) return 1;
    if (s >= 0) {
      c_pick[s] = c;
      rust_pick[s] = native;
    }
  }
  double pick_ratio = paired_ratio(c_pick, rust_pick);
  double pick_ns = median(c_pick, ROUNDS), pick_native = median(rust_pick, ROUNDS);
  telnum_pool_free(pool);

  double overhead = pick_ratio - 1;
  printf("== C binding vs native Rust, same process, %d alternating rounds (medians)\n", ROUNDS);
  printf("telnum_parse_e164:     %8.1f ns/call   native %8.1f ns   ratio %.2f (parse, then the answer as JSON)\n",
         parse_ns, parse_native, parse_ratio);
  printf("telnum_pool_pick_e164: %8.1f ns/call   native %8.1f ns   ratio %.2f (1,000 members, geomatch on)\n",
         pick_ns, pick_native, pick_ratio);
  printf("pick FFI overhead %.0f%% (target <= 15%%: %s)\n", overhead * 100, overhead <= 0.15 ? "met" : "MISSED");
  /* The native figures of this run, for the WASM bench's ratios
     (bindings-wasm/bench.mjs reads the file when given its path). */
  const char *native_out = getenv("TELNUM_NATIVE_BENCH_OUT");
  if (native_out) {
    FILE *f = fopen(native_out, "w");
    if (!f) return 1;
    fprintf(f, "{\"parse_ns\":%.1f,\"pick_ns_1000\":%.1f}\n", parse_native, pick_native);
    fclose(f);
  }
  return 0;
}
