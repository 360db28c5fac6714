/* The C binding's cost per call, next to the Rust native figures recorded
 * by `cargo bench -p telnum --bench e164` and `--bench pool`
 * (target/telnum-bench/NAME.json). Target: FFI overhead of at most 15% on a
 * pool pick. Builds the same pool and callees as core/benches/pool.rs. */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "telnum.h"

static const char *NPAS[] = {
    "212", "646", "718", "917", "347", "201", "973", "908", "215", "267", "617", "857", "202", "305",
    "786", "404", "678", "312", "773", "214", "469", "713", "832", "303", "720", "602", "480", "415",
    "510", "408", "650", "213", "310", "323", "818", "619", "206", "425", "503", "702", "416", "647",
    "905", "514", "604", "403", "612", "313", "216", "412"};
#define NNPAS 50

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static double native(const char *file, const char *key) {
  char path[256];
  snprintf(path, sizeof path, "target/telnum-bench/%s.json", file);
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  char buf[512] = {0};
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\":", key);
  char *p = strstr(buf, pat);
  return p ? strtod(p + strlen(pat), NULL) : 0;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(void) {
  /* E.164 parse. */
  const char *inputs[] = {"+1 415 555 2671", "020 7183 8750", "tel:+44-20-7183-8750", "+91 98765 43210", "(212) 555-0100"};
  const char *regions[] = {NULL, "GB", NULL, NULL, "US"};
  char *out = NULL;
  for (int i = 0; i < 100; i++) {
    telnum_e164_parse(inputs[i % 5], strlen(inputs[i % 5]), regions[i % 5], regions[i % 5] ? 2 : 0, &out);
    telnum_string_free(out);
  }
  int reps = 20000;
  double t0 = now_ns();
  for (int i = 0; i < reps; i++) {
    const char *in = inputs[i % 5], *r = regions[i % 5];
    if (telnum_e164_parse(in, strlen(in), r, r ? 2 : 0, &out) == TELNUM_STATUS_OK) telnum_string_free(out);
  }
  double parse_ns = (now_ns() - t0) / reps;

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
  TelnumPickResult r;
  long long now_ms = 1780315200000LL; /* 2026-06-01T12:00:00Z */
  for (int i = 0; i < 1000; i++) telnum_pool_pick_e164(pool, callees[i], strlen(callees[i]), now_ms, false, &r);
  double samples[31];
  for (int s = 0; s < 31; s++) {
    double a = now_ns();
    for (int i = 0; i < 1000; i++) telnum_pool_pick_e164(pool, callees[i], strlen(callees[i]), now_ms, false, &r);
    samples[s] = (now_ns() - a) / 1000;
  }
  qsort(samples, 31, sizeof samples[0], cmp);
  double pick_ns = samples[15];
  telnum_pool_free(pool);

  printf("== C binding\n");
  printf("telnum_e164_parse:       %8.1f ns/call\n", parse_ns);
  printf("telnum_pool_pick_e164:   %8.1f ns/call (1,000 members, geomatch on)\n", pick_ns);
  double np = native("e164", "parse_ns"), nk = native("pool", "pick_ns_1000_plain");
  if (np > 0) printf("ratio parse C/native: %.2f (native %.1f ns on the mixed corpus)\n", parse_ns / np, np);
  else printf("ratio parse C/native: run `cargo bench -p telnum --bench e164` first\n");
  if (nk > 0) {
    double overhead = pick_ns / nk - 1;
    printf("ratio pick C/native: %.2f, FFI overhead %.0f%% (target <= 15%%: %s)\n", pick_ns / nk, overhead * 100,
           overhead <= 0.15 ? "met" : "MISSED");
  } else {
    printf("ratio pick C/native: run `cargo bench -p telnum --bench pool` first\n");
  }
  return 0;
}
