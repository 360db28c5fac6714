/* C tests of the telnum C API. Plain C11; run plain, under valgrind and
 * with -fsanitize=address,undefined by tests/run. Prints
 * "c: N passed, N failed" and exits non-zero on any failure.
 *
 * - every exported function, with good and bad input;
 * - the vector files of tests/vectors (lifecycle, pool, E.164) with the
 *   same expected results as the Rust runner;
 * - the full lifecycle through a host vtable written in C, with the store
 *   kept in a C array;
 * - bad input: NULL pointers, zero lengths, invalid UTF-8, embedded NUL,
 *   truncated and huge JSON, callbacks that return errors or garbage. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "telnum.h"

static int passed = 0, failed = 0;

#define CHECK(cond) check((cond) != 0, __LINE__, #cond)
static void check(int ok, int line, const char *what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    fprintf(stderr, "test_telnum.c:%d: CHECK failed: %s\n", line, what);
  }
}

#ifndef VECTORS_DIR
#define VECTORS_DIR "tests/vectors"
#endif

/* ------------------------------------------------------------ helpers */

/* The last error of this thread, parsed (caller frees), or NULL. */
static jv *last_error(void) {
  char *s = telnum_last_error();
  if (!s) return NULL;
  jv *v = jparse(s, strlen(s));
  telnum_string_free(s);
  return v;
}

static char code_buf[64];
static const char *last_code(void) {
  jv *e = last_error();
  code_buf[0] = 0;
  if (e && jstr(jget(e, "code"))) snprintf(code_buf, sizeof code_buf, "%s", jstr(jget(e, "code")));
  jfree(e);
  return code_buf;
}

typedef TelnumStatus (*json_fn)(const char *, size_t, char **);

/* Calls a pure function with `args`; returns the parsed result or NULL. */
static jv *call_fn(json_fn f, const char *args, TelnumStatus *status) {
  char *out = NULL;
  TelnumStatus s = f(args, strlen(args), &out);
  if (status) *status = s;
  if (s != TELNUM_STATUS_OK) return NULL;
  jv *v = jparse(out, strlen(out));
  telnum_string_free(out);
  return v;
}

/* Test support: a service operation by its name in
   tests/vectors/operations.json, with a JSON object of named arguments,
   through the typed entry point of that name. */
static char *dump_of(const jv *a, const char *key) {
  jv *v = jget(a, key);
  return v && v->t != J_NULL ? jdump(v) : NULL;
}
#define S(x) (x), ((x) ? strlen(x) : 0)
static TelnumStatus svc_raw(TelnumNumbers *n, const char *op, const char *args, char **out) {
  jv *a = jparse(args, strlen(args));
  if (!a) return TELNUM_STATUS_INVALID_JSON;
  char *actor = dump_of(a, "actor"), *request = dump_of(a, "request"), *query = dump_of(a, "query");
  char *patch = dump_of(a, "patch"), *draft = dump_of(a, "draft"), *webhooks = dump_of(a, "webhooks");
  char *connection = dump_of(a, "connection"), *sub_account = dump_of(a, "sub_account");
  char *simulation = dump_of(a, "simulation"), *owned = dump_of(a, "owned");
  const char *e164 = jstr(jget(a, "e164"));
  const char *id = jstr(jget(a, "id")), *conn = jstr(jget(a, "connection_id"));
  const char *mode = jstr(jget(a, "mode")), *sub = jstr(jget(a, "sub_account")), *at = jstr(jget(a, "at"));
  const char *country = jstr(jget(a, "country")), *source = jstr(jget(a, "source"));
  jv *ev = jget(a, "expected_version"), *force = jget(a, "force"), *reveal = jget(a, "reveal_secrets");
  int64_t expected = ev && ev->t == J_NUM ? (int64_t)ev->num : -1;
  int f = force && force->t == J_BOOL && force->b, r = reveal && reveal->t == J_BOOL && reveal->b;
  TelnumStatus s = TELNUM_STATUS_INVALID_INPUT;
  if (!strcmp(op, "put_connection")) s = telnum_numbers_put_connection(n, S(connection));
  else if (!strcmp(op, "put_sub_account")) s = telnum_numbers_put_sub_account(n, S(sub_account));
  else if (!strcmp(op, "simulate")) s = telnum_numbers_simulate(n, S(simulation), out);
  else if (!strcmp(op, "simulate_owned_number")) s = telnum_numbers_simulate_owned_number(n, S(conn), S(owned));
  else if (!strcmp(op, "simulate_drop_number")) s = telnum_numbers_simulate_drop_number(n, S(conn), S(e164), out);
  else if (!strcmp(op, "list")) s = telnum_numbers_list(n, S(actor), S(query), out);
  else if (!strcmp(op, "available")) s = telnum_numbers_available(n, S(actor), S(conn), S(query), out);
  else if (!strcmp(op, "pricing")) s = telnum_numbers_pricing(n, S(actor), S(conn), S(country), out);
  else if (!strcmp(op, "countries")) s = telnum_numbers_countries(n, S(actor), S(conn), out);
  else if (!strcmp(op, "purchase")) s = telnum_numbers_purchase(n, S(actor), S(request), out);
  else if (!strcmp(op, "import_owned")) s = telnum_numbers_import_owned(n, S(actor), S(request), out);
  else if (!strcmp(op, "owned")) s = telnum_numbers_owned(n, S(actor), S(conn), out);
  else if (!strcmp(op, "add_manual")) s = telnum_numbers_add_manual(n, S(actor), S(draft), out);
  else if (!strcmp(op, "get")) s = telnum_numbers_get(n, S(actor), S(id), r, out);
  else if (!strcmp(op, "audit")) s = telnum_numbers_audit(n, S(actor), S(id), S(query), out);
  else if (!strcmp(op, "update")) s = telnum_numbers_update(n, S(actor), S(id), S(patch), expected, out);
  else if (!strcmp(op, "activate")) s = telnum_numbers_activate(n, S(actor), S(id), out);
  else if (!strcmp(op, "deactivate")) s = telnum_numbers_deactivate(n, S(actor), S(id), out);
  else if (!strcmp(op, "sync")) s = telnum_numbers_sync(n, S(actor), S(conn), out);
  else if (!strcmp(op, "sync_account")) s = telnum_numbers_sync_account(n, S(actor), out);
  else if (!strcmp(op, "resync")) s = telnum_numbers_resync(n, S(actor), S(id), out);
  else if (!strcmp(op, "configure_webhooks")) s = telnum_numbers_configure_webhooks(n, S(actor), S(id), S(webhooks), out);
  else if (!strcmp(op, "release")) s = telnum_numbers_release(n, S(actor), S(id), S(mode), out);
  else if (!strcmp(op, "assign_sub_account")) s = telnum_numbers_assign_sub_account(n, S(actor), S(id), S(sub), out);
  else if (!strcmp(op, "unassign_sub_account")) s = telnum_numbers_unassign_sub_account(n, S(actor), S(id), f, out);
  else if (!strcmp(op, "record_call")) s = telnum_numbers_record_call(n, S(actor), S(id), S(at), out);
  else if (!strcmp(op, "flag_spam")) s = telnum_numbers_flag_spam(n, S(actor), S(id), S(source), out);
  else fprintf(stderr, "svc_raw: no operation %s\n", op);
  free(actor); free(request); free(query); free(patch); free(draft); free(webhooks);
  free(connection); free(sub_account); free(simulation); free(owned);
  jfree(a);
  return s;
}

static jv *svc_call(TelnumNumbers *n, const char *op, const char *args, TelnumStatus *status) {
  char *out = NULL;
  TelnumStatus s = svc_raw(n, op, args, &out);
  if (status) *status = s;
  if (s != TELNUM_STATUS_OK) return NULL;
  jv *v = jparse(out, strlen(out));
  telnum_string_free(out);
  return v;
}

static const char *RECORD =
    "{\"id\":\"num_1\",\"tenant\":\"acme\",\"account\":\"MA_1\",\"e164\":\"+14155550100\",\"country\":\"US\","
    "\"kind\":\"local\",\"source\":\"purchased\",\"management\":\"platform_managed\",\"status\":\"inactive\","
    "\"connection_id\":\"c1\",\"provider\":{\"provider\":\"twilio\",\"sid\":\"PN1\"},"
    "\"created_at\":\"2026-05-01T09:00:00Z\",\"updated_at\":\"2026-05-01T09:00:00Z\",\"version\":1}";
static const char *CONNECTION =
    "{\"id\":\"c1\",\"tenant\":\"acme\",\"provider\":\"twilio\",\"status\":\"active\",\"account\":\"MA_1\","
    "\"supports\":{\"search_purchase\":true,\"import_owned\":true,\"webhook_config\":true,\"release\":true}}";
static const char *ADMIN = "{\"tenant\":\"acme\",\"role\":\"admin\",\"user\":\"ops\"}";

static char *fmt(const char *f, const char *a, const char *b, const char *c) {
  size_t n = strlen(f) + (a ? strlen(a) : 0) + (b ? strlen(b) : 0) + (c ? strlen(c) : 0) + 1;
  char *s = malloc(n);
  if (!s) abort();
  snprintf(s, n, f, a, b, c);
  return s;
}

/* ------------------------------------------------------------ E.164 */

static TelnumStatus parse(const char *input, const char *region, char **out) {
  return telnum_parse_e164(input, strlen(input), region, region ? strlen(region) : 0, out);
}

static void test_e164(void) {
  char *out = NULL;
  CHECK(parse("(415) 555-2671", "US", &out) == TELNUM_STATUS_OK);
  CHECK(out && strstr(out, "\"e164\":\"+14155552671\""));
  CHECK(telnum_last_error() == NULL);
  telnum_string_free(out);
  out = (char *)0x1;
  CHECK(parse("12", NULL, &out) == TELNUM_STATUS_INVALID_INPUT);
  CHECK(!strcmp(last_code(), "region_required"));
  CHECK(out == (char *)0x1); /* out-params are written only on success */

  CHECK(telnum_format_e164("+442071838750", 13, "national", 8, &out) == TELNUM_STATUS_OK);
  CHECK(out && !strcmp(out, "\"020 7183 8750\""));
  telnum_string_free(out);
  CHECK(telnum_format_e164("+44 20", 6, NULL, 0, &out) == TELNUM_STATUS_INVALID_INPUT);
  CHECK(!strcmp(last_code(), "invalid_e164"));
  CHECK(telnum_last_error_code() == TELNUM_ERROR_CODE_INVALID_E164);
}

/* ------------------------------------------------------------ pure rules */

static void test_pure_functions(void) {
  TelnumStatus s;
  char *args;
  jv *v;

  args = fmt("{\"record\":%s,\"command\":{\"type\":\"activate\"},\"actor\":%s,\"now\":\"2026-05-01T10:00:00Z\",\"connection\":%s}",
             RECORD, ADMIN, CONNECTION);
  v = call_fn(telnum_apply_command, args, &s);
  CHECK(v && !strcmp(jstr(jget(jget(v, "record"), "status")), "active"));
  CHECK(v && jget(jget(v, "record"), "version")->num == 2);
  jfree(v);
  free(args);

  args = fmt("{\"record\":%s,\"command\":{\"type\":\"activate\"},\"actor\":%s,\"now\":\"2026-05-01T10:00:00Z\"}", RECORD, ADMIN, NULL);
  CHECK(call_fn(telnum_apply_command, args, &s) == NULL && s == TELNUM_STATUS_CONFLICT);
  jv *e = last_error();
  CHECK(e && !strcmp(jstr(jget(e, "code")), "number_not_bound") && !strcmp(jstr(jget(e, "reason")), "no_connection"));
  jfree(e);
  free(args);

  args = fmt("{\"record\":%s,\"country\":\"US\"}", RECORD, NULL, NULL);
  CHECK(call_fn(telnum_check_outbound, args, &s) == NULL && s == TELNUM_STATUS_FORBIDDEN);
  CHECK(!strcmp(last_code(), "country_not_allowed"));
  v = call_fn(telnum_check_inbound, args, &s);
  CHECK(v && v->t == J_NULL);
  jfree(v);
  free(args);

  args = fmt("{\"record\":%s,\"actor\":%s,\"connection\":%s}", RECORD, ADMIN, CONNECTION);
  v = call_fn(telnum_allowed_actions, args, &s);
  CHECK(v && jget(v, "actions")->n == 4 && !strcmp(jstr(jget(v, "actions")->items[0]), "activate"));
  jfree(v);
  free(args);

  args = fmt("{\"connections\":[%s],\"actor\":%s}", CONNECTION, ADMIN, NULL);
  v = call_fn(telnum_add_sources, args, &s);
  CHECK(v && jget(v, "sources")->n == 3);
  jfree(v);
  free(args);

  args = fmt("{\"draft\":{\"e164\":\"+1 415 555 1212\",\"connection_id\":\"c1\"},\"connections\":[%s],\"actor\":%s}", CONNECTION, ADMIN, NULL);
  v = call_fn(telnum_validate_manual_draft, args, &s);
  CHECK(v && !strcmp(jstr(jget(v, "e164")), "+14155551212"));
  jfree(v);
  free(args);

  args = fmt("{\"draft\":{\"numbers\":[{\"e164\":\"+14155550100\"}],\"connection_id\":\"c1\"},\"connections\":[%s],\"actor\":%s}",
             CONNECTION, ADMIN, NULL);
  CHECK(call_fn(telnum_validate_import, args, &s) == NULL && !strcmp(last_code(), "confirmation_required"));
  free(args);

  CHECK(call_fn(telnum_check_cool_off, "{\"last_call_at\":\"2026-05-01T00:00:00Z\",\"now\":\"2026-05-10T00:00:00Z\"}", &s) == NULL);
  e = last_error();
  CHECK(s == TELNUM_STATUS_CONFLICT && e && jget(e, "cool_off_remaining_seconds")->num == 518400);
  CHECK(e && !strcmp(jstr(jget(e, "cool_off_until")), "2026-05-16T00:00:00Z"));
  jfree(e);

  CHECK(call_fn(telnum_check_aging, "{\"released_by\":\"a\",\"released_at\":\"2026-05-01T00:00:00Z\",\"acquirer\":\"b\",\"now\":\"2026-05-02T00:00:00Z\"}", &s) == NULL);
  CHECK(!strcmp(last_code(), "number_aging"));

  args = fmt("{\"record\":%s,\"expected_version\":7}", RECORD, NULL, NULL);
  CHECK(call_fn(telnum_check_version, args, &s) == NULL && !strcmp(last_code(), "version_conflict"));
  free(args);

  args = fmt("{\"records\":[%s],\"owned\":[],\"now\":\"2026-05-02T00:00:00Z\"}", RECORD, NULL, NULL);
  v = call_fn(telnum_sync_diff, args, &s);
  CHECK(v && jget(v, "missing")->n == 1);
  jfree(v);
  free(args);

  CHECK(!strcmp(telnum_status_name(TELNUM_STATUS_UPSTREAM), "upstream"));
  /* Error codes without parsing JSON; names for any value. */
  CHECK(call_fn(telnum_check_cool_off, "{\"last_call_at\":\"2026-05-01T00:00:00Z\",\"now\":\"2026-05-02T00:00:00Z\"}", &s) == NULL);
  CHECK(telnum_last_error_code() == TELNUM_ERROR_CODE_DID_COOL_OFF_IN_EFFECT);
  CHECK(!strcmp(telnum_error_code_name(TELNUM_ERROR_CODE_DID_COOL_OFF_IN_EFFECT), "did_cool_off_in_effect"));
  CHECK(!strcmp(telnum_error_code_name(-7), "none") && !strcmp(telnum_error_code_name(123456), "none"));
  char *codes = NULL;
  CHECK(telnum_error_codes(&codes) == TELNUM_STATUS_OK && strstr(codes, "\"did_cool_off_in_effect\""));
  telnum_string_free(codes);
  CHECK(telnum_last_error_code() == TELNUM_ERROR_CODE_NONE);
  char version[32];
  snprintf(version, sizeof version, "%d.%d.%d", TELNUM_VERSION_MAJOR, TELNUM_VERSION_MINOR, TELNUM_VERSION_PATCH);
  CHECK(!strcmp(telnum_version(), version));
}

/* ------------------------------------------------------------ vectors */

/* A vector step's expected error (`error`, and `fields` as a subset) against
   this thread's last error; the code without JSON must agree with it. */
static int last_error_matches(const jv *expect) {
  const jv *want_error = jget(expect, "error");
  jv *e = last_error();
  int ok = e && jmatch(want_error, jget(e, "code"));
  const jv *fields = jget(expect, "fields");
  if (ok && fields) ok = jmatch(fields, e);
  if (ok) ok = !strcmp(telnum_error_code_name(telnum_last_error_code()), jstr(want_error));
  jfree(e);
  return ok;
}

/* The pure functions the vector files name, by their table names. */
static const struct { const char *name; json_fn f; } PURE[] = {
  {"apply_command", telnum_apply_command}, {"check_inbound", telnum_check_inbound},
  {"check_outbound", telnum_check_outbound}, {"allowed_actions", telnum_allowed_actions},
  {"add_sources", telnum_add_sources}, {"validate_manual_draft", telnum_validate_manual_draft},
  {"validate_import", telnum_validate_import}, {"check_cool_off", telnum_check_cool_off},
  {"check_aging", telnum_check_aging}, {"check_version", telnum_check_version},
  {"sync_diff", telnum_sync_diff}, {"snapshot_pick", telnum_snapshot_pick},
  {"snapshot_apply", telnum_snapshot_apply}, {"snapshot_record_outcome", telnum_snapshot_record_outcome},
  {"snapshot_campaign_health", telnum_snapshot_campaign_health}, {"number_changes", telnum_number_changes},
};
static json_fn pure_fn(const char *name) {
  for (size_t i = 0; i < sizeof PURE / sizeof PURE[0]; i++)
    if (!strcmp(PURE[i].name, name)) return PURE[i].f;
  fprintf(stderr, "no C function for vector operation %s\n", name);
  return NULL;
}

static int run_vector_file(const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", VECTORS_DIR, name);
  size_t len;
  char *text = read_file(path, &len);
  CHECK(text != NULL);
  if (!text) return 0;
  jv *file = jparse(text, len);
  free(text);
  CHECK(file != NULL);
  if (!file) return 0;
  int steps = 0, bad = 0;
  jv *scenarios = jget(file, "scenarios");
  for (size_t si = 0; si < scenarios->n; si++) {
    jv *sc = scenarios->items[si];
    jv *state = jget(sc, "state") ? jclone(jget(sc, "state")) : jparse("{}", 2);
    jv *steps_v = jget(sc, "steps");
    for (size_t k = 0; k < steps_v->n; k++) {
      jv *step = steps_v->items[k];
      steps++;
      jv *args = jget(step, "args") ? jclone(jget(step, "args")) : jparse("{}", 2);
      jv *use = jget(step, "use");
      for (size_t u = 0; use && u < use->n; u++) {
        jv *val = jget(state, use->items[u]->str);
        if (val) jset(args, use->items[u]->str, jclone(val));
      }
      char *a = jdump(args);
      const char *op = jstr(jget(step, "op"));
      char *out = NULL;
      json_fn f = pure_fn(op);
      CHECK(f != NULL);
      TelnumStatus s = f ? f(a, strlen(a), &out) : TELNUM_STATUS_INVALID_INPUT;
      jv *expect = jget(step, "expect");
      jv *want_error = jget(expect, "error");
      int ok;
      if (s == TELNUM_STATUS_OK && !want_error) {
        jv *result = jparse(out, strlen(out));
        jv *want = jget(expect, "ok");
        static const jv null_value = { J_NULL, 0, 0, NULL, 0, NULL, NULL };
        ok = result && jmatch(want ? want : &null_value, result);
        jv *save = jget(step, "save");
        for (size_t q = 0; ok && save && q < save->n; q++) {
          jv *part = jget(result, save->items[q]->str);
          if (!part || part->t == J_NULL) jdel(state, save->keys[q]);
          else jset(state, save->keys[q], jclone(part));
        }
        jfree(result);
      } else if (s != TELNUM_STATUS_OK && want_error) {
        ok = last_error_matches(expect);
      } else {
        ok = 0;
      }
      if (!ok) {
        bad++;
        fprintf(stderr, "%s / %s / step %zu (%s): status %d, got %s\n", name, jstr(jget(sc, "name")), k, op, (int)s,
                out ? out : last_code());
      }
      telnum_string_free(out);
      free(a);
      jfree(args);
    }
    jfree(state);
  }
  jfree(file);
  CHECK(bad == 0);
  return steps;
}

static void test_e164_vectors(void) {
  char path[512];
  snprintf(path, sizeof path, "%s/e164.jsonl", VECTORS_DIR);
  size_t len;
  char *text = read_file(path, &len);
  CHECK(text != NULL);
  if (!text) return;
  int compared = 0, agreed = 0, by_design_bad = 0, unexplained = 0;
  char *line = text;
  while (line < text + len) {
    char *end = memchr(line, '\n', (size_t)(text + len - line));
    if (!end) end = text + len;
    jv *c = jparse(line, (size_t)(end - line));
    line = end + 1;
    if (!c) continue;
    const char *input = jstr(jget(c, "input"));
    const char *region = jstr(jget(c, "region"));
    char *out = NULL;
    TelnumStatus s = telnum_parse_e164(input, strlen(input), region, region ? strlen(region) : 0, &out);
    jv *got = s == TELNUM_STATUS_OK ? jparse(out, strlen(out)) : NULL;
    const char *design = jstr(jget(c, "telnum_error"));
    if (design) {
      if (s == TELNUM_STATUS_OK || strcmp(last_code(), design)) by_design_bad++;
    } else {
      jv *o = jget(c, "oracle");
      int oracle_parsed = jget(o, "parsed")->b;
      int same;
      if (oracle_parsed) {
        same = got && !strcmp(jstr(jget(got, "e164")), jstr(jget(o, "e164"))) &&
               !strcmp(jstr(jget(got, "kind")), jstr(jget(o, "kind"))) &&
               jmatch(jget(o, "region"), jget(got, "region"));
      } else {
        same = s != TELNUM_STATUS_OK;
      }
      compared++;
      if (same) agreed++;
      else if (!jget(c, "disagreement")) unexplained++;
    }
    jfree(got);
    telnum_string_free(out);
    jfree(c);
  }
  free(text);
  CHECK(compared > 4000);
  CHECK(by_design_bad == 0);
  CHECK(unexplained == 0);
  CHECK(agreed * 1000 >= compared * 999);
}

static void test_vectors(void) {
  CHECK(run_vector_file("lifecycle.json") > 50);
  CHECK(run_vector_file("pool.json") > 10);
  test_e164_vectors();
}

/* ------------------------------------------------------------ pool handle */

static void test_pool(void) {
  const char *spec =
      "{\"campaign_id\":\"camp\",\"tenant\":\"acme\",\"policy\":{\"callee_mode\":{\"mode\":\"off\"}},\"members\":["
      "{\"number_id\":\"a\",\"e164\":\"+12125550101\",\"country\":\"US\",\"weight\":2,\"added_at\":\"2026-01-01T00:00:00Z\"},"
      "{\"number_id\":\"b\",\"e164\":\"+12125550102\",\"country\":\"US\",\"weight\":1,\"added_at\":\"2026-01-01T00:00:00Z\"}]}";
  TelnumPool *pool = NULL;
  CHECK(telnum_pool_new(spec, strlen(spec), NULL, 0, &pool) == TELNUM_STATUS_OK && pool);
  const char *callee = "{\"e164\":\"+12125559999\"}";
  const char *now = "2026-06-01T14:00:00Z";
  const char *expect = "aabaab"; /* weights 2:1, ties to the earlier member */
  for (int i = 0; i < 6; i++) {
    char *out = NULL;
    CHECK(telnum_pool_pick(pool, callee, strlen(callee), now, strlen(now), &out) == TELNUM_STATUS_OK);
    jv *pick = out ? jparse(out, strlen(out)) : NULL;
    CHECK(pick && jstr(jget(pick, "number_id"))[0] == expect[i]);
    char *delta = pick ? jdump(jget(pick, "delta")) : NULL;
    CHECK(delta && telnum_pool_apply(pool, delta, strlen(delta)) == TELNUM_STATUS_OK);
    free(delta);
    jfree(pick);
    telnum_string_free(out);
  }
  const char *outcome = "{\"number_id\":\"b\",\"answered\":false,\"spam_flagged\":true,\"at\":\"2026-06-01T14:05:00Z\"}";
  char *out = NULL;
  CHECK(telnum_pool_record_outcome(pool, outcome, strlen(outcome), &out) == TELNUM_STATUS_OK && strstr(out, "removed_spam_flagged"));
  telnum_string_free(out);
  CHECK(telnum_pool_campaign_health(pool, now, strlen(now), &out) == TELNUM_STATUS_OK && strstr(out, "\"pool_status\":\"removed\""));
  telnum_string_free(out);
  CHECK(telnum_pool_usage(pool, &out) == TELNUM_STATUS_OK && strstr(out, "\"calls_today\":4"));
  /* The usage snapshot rebuilds an equivalent pool. */
  TelnumPool *copy = NULL;
  CHECK(telnum_pool_new(spec, strlen(spec), out, strlen(out), &copy) == TELNUM_STATUS_OK);
  telnum_string_free(out);
  telnum_pool_free(copy);
  /* Bad input on the handle. */
  CHECK(telnum_pool_pick(NULL, callee, strlen(callee), now, strlen(now), &out) == TELNUM_STATUS_NULL_PARAMETER);
  CHECK(telnum_pool_pick(pool, callee, strlen(callee), "yesterday", 9, &out) == TELNUM_STATUS_INVALID_INPUT);
  CHECK(telnum_pool_apply(pool, "{\"number_id\":", 13) == TELNUM_STATUS_INVALID_JSON);
  const char *too_many = "{\"campaign_id\":\"c\",\"tenant\":\"t\",\"policy\":{\"daily_cap\":0}}";
  CHECK(telnum_pool_new(too_many, strlen(too_many), NULL, 0, &copy) == TELNUM_STATUS_INVALID_INPUT);
  telnum_pool_free(pool);
  telnum_pool_free(NULL);
}

/* ------------------------------------------------------------ embedded service */

static void test_embedded_service(void) {
  TelnumNumbers *n = NULL;
  CHECK(telnum_numbers_new_embedded(NULL, 0, &n) == TELNUM_STATUS_OK && n);
  CHECK(telnum_numbers_put_connection(n, CONNECTION, strlen(CONNECTION)) == TELNUM_STATUS_OK);
  TelnumStatus s;
  char *args = fmt("{\"actor\":%s,\"request\":{\"connection_id\":\"c1\",\"idempotency_key\":\"k1\",\"country\":\"GB\",\"quantity\":2}}", ADMIN, NULL, NULL);
  jv *r = svc_call(n, "purchase", args, &s);
  CHECK(r && jget(r, "numbers")->n == 2);
  free(args);
  const char *owned = "{\"e164\":\"+14155550177\",\"sid\":\"\",\"country\":\"US\",\"kind\":\"local\"}";
  CHECK(telnum_numbers_simulate_owned_number(n, "c1", 2, owned, strlen(owned)) == TELNUM_STATUS_OK);
  args = fmt("{\"actor\":%s,\"connection_id\":\"c1\"}", ADMIN, NULL, NULL);
  jv *sync = svc_call(n, "sync", args, &s);
  CHECK(sync && jget(sync, "adopted")->n == 1);
  jfree(sync);
  /* Discovery: per country, the kinds in stock. */
  jv *countries = svc_call(n, "countries", args, &s);
  CHECK(countries && countries->t == J_ARR && countries->n >= 14);
  jfree(countries);
  free(args);

  /* A provider that completes the order later: pending with its order
     reference until the account-wide sync completes it. */
  const char *hold = "{\"action\":\"hold_orders\",\"hold\":true}";
  char *applied = NULL;
  CHECK(telnum_numbers_simulate(n, hold, strlen(hold), &applied) == TELNUM_STATUS_OK && !strcmp(applied, "true"));
  telnum_string_free(applied);
  args = fmt("{\"actor\":%s,\"request\":{\"connection_id\":\"c1\",\"idempotency_key\":\"k2\",\"country\":\"US\",\"quantity\":1}}", ADMIN, NULL, NULL);
  jv *held = svc_call(n, "purchase", args, &s);
  jv *held_number = held ? jget(held, "numbers")->items[0] : NULL;
  CHECK(held_number && !strcmp(jstr(jget(held_number, "status")), "pending"));
  CHECK(held_number && jstr(jget(jget(held_number, "provider"), "order_ref")) != NULL);
  free(args);
  const char *settle = "{\"action\":\"settle_orders\",\"complete\":true}";
  CHECK(telnum_numbers_simulate(n, settle, strlen(settle), &applied) == TELNUM_STATUS_OK);
  telnum_string_free(applied);
  args = fmt("{\"actor\":%s}", ADMIN, NULL, NULL);
  jv *all = svc_call(n, "sync_account", args, &s);
  CHECK(all && jget(all, "completed")->n == 1 && jget(all, "errors")->n == 0);
  jfree(all);
  free(args);
  jfree(held);

  /* A rate-limited provider: a coded 429, nothing bought, then the retry. */
  const char *limit = "{\"action\":\"rate_limit\",\"calls\":1,\"retry_after_seconds\":30}";
  CHECK(telnum_numbers_simulate(n, limit, strlen(limit), &applied) == TELNUM_STATUS_OK);
  telnum_string_free(applied);
  args = fmt("{\"actor\":%s,\"request\":{\"connection_id\":\"c1\",\"idempotency_key\":\"k3\",\"country\":\"US\",\"quantity\":1}}", ADMIN, NULL, NULL);
  CHECK(svc_call(n, "purchase", args, &s) == NULL && s == TELNUM_STATUS_UPSTREAM);
  CHECK(!strcmp(last_code(), "provider_rate_limited"));
  jv *later = svc_call(n, "purchase", args, &s);
  CHECK(later && jget(later, "numbers")->n == 1);
  jfree(later);
  free(args);
  /* A retry after the host debited its balance gets the first result. */
  args = fmt("{\"actor\":%s,\"request\":{\"connection_id\":\"c1\",\"idempotency_key\":\"debit\",\"country\":\"US\",\"quantity\":1,"
             "\"balance\":{\"amount_minor\":1000,\"currency\":\"USD\"}}}", ADMIN, NULL, NULL);
  jv *paid = svc_call(n, "purchase", args, &s);
  free(args);
  args = fmt("{\"actor\":%s,\"request\":{\"connection_id\":\"c1\",\"idempotency_key\":\"debit\",\"country\":\"US\",\"quantity\":1,"
             "\"balance\":{\"amount_minor\":785,\"currency\":\"USD\"}}}", ADMIN, NULL, NULL);
  jv *paid_again = svc_call(n, "purchase", args, &s);
  CHECK(paid && paid_again && jmatch(paid, paid_again));
  jfree(paid);
  jfree(paid_again);
  free(args);
  const char *bad = "{\"action\":\"explode\"}";
  CHECK(telnum_numbers_simulate(n, bad, strlen(bad), &applied) == TELNUM_STATUS_INVALID_INPUT);
  /* Drift: the number leaves the account (true), then is not there (false). */
  CHECK(telnum_numbers_simulate_drop_number(n, "c1", 2, "+14155550177", 12, &applied) == TELNUM_STATUS_OK && !strcmp(applied, "true"));
  telnum_string_free(applied);
  CHECK(telnum_numbers_simulate_drop_number(n, "c1", 2, "+14155550177", 12, &applied) == TELNUM_STATUS_OK && !strcmp(applied, "false"));
  telnum_string_free(applied);
  jfree(r);
  telnum_numbers_free(n);
}

/* ------------------------------------------------------------ concurrent buyers */

typedef struct {
  TelnumNumbers *n;
  int round, thread;
  TelnumStatus status;
  char e164[32], id[64], error[256];
} buyer;

static void *buy_one(void *arg) {
  buyer *b = arg;
  char args[256];
  snprintf(args, sizeof args,
           "{\"actor\":%s,\"request\":{\"connection_id\":\"c1\",\"idempotency_key\":\"r%d-%d\",\"country\":\"US\",\"quantity\":1}}",
           ADMIN, b->round, b->thread);
  char *out = NULL;
  b->status = svc_raw(b->n, "purchase", args, &out);
  if (b->status == TELNUM_STATUS_OK) {
    jv *v = jparse(out, strlen(out));
    jv *num = v ? jget(v, "numbers")->items[0] : NULL;
    snprintf(b->e164, sizeof b->e164, "%s", num ? jstr(jget(num, "e164")) : "");
    snprintf(b->id, sizeof b->id, "%s", num ? jstr(jget(num, "id")) : "");
    jfree(v);
    telnum_string_free(out);
  } else {
    char *e = telnum_last_error();
    snprintf(b->error, sizeof b->error, "%s", e ? e : "");
    telnum_string_free(e);
  }
  return NULL;
}

/* Threads buying through one service never get the same inventory number:
   a buyer whose number another took meanwhile gets the next one. */
static void test_concurrent_buyers(void) {
  TelnumNumbers *n = NULL;
  CHECK(telnum_numbers_new_embedded(NULL, 0, &n) == TELNUM_STATUS_OK && n);
  CHECK(telnum_numbers_put_connection(n, CONNECTION, strlen(CONNECTION)) == TELNUM_STATUS_OK);
  int failures = 0, duplicates = 0;
  for (int round = 0; round < 12; round++) {
    buyer b[8];
    pthread_t th[8];
    for (int t = 0; t < 8; t++) {
      memset(&b[t], 0, sizeof b[t]);
      b[t].n = n;
      b[t].round = round;
      b[t].thread = t;
      pthread_create(&th[t], NULL, buy_one, &b[t]);
    }
    for (int t = 0; t < 8; t++) pthread_join(th[t], NULL);
    for (int t = 0; t < 8; t++) {
      if (b[t].status != TELNUM_STATUS_OK) {
        if (!failures++) fprintf(stderr, "round %d: %s\n", round, b[t].error);
        continue;
      }
      for (int u = 0; u < t; u++)
        if (b[u].status == TELNUM_STATUS_OK && !strcmp(b[u].e164, b[t].e164)) duplicates++;
    }
    /* Give the numbers back so the inventory lasts every round. */
    for (int t = 0; t < 8; t++) {
      if (b[t].status != TELNUM_STATUS_OK) continue;
      char *args = fmt("{\"actor\":%s,\"id\":\"%s\",\"mode\":\"hard\"}", ADMIN, b[t].id, NULL);
      jv *r = svc_call(n, "release", args, NULL);
      if (!r) failures++;
      jfree(r);
      free(args);
    }
  }
  CHECK(failures == 0);
  CHECK(duplicates == 0);
  telnum_numbers_free(n);
}

/* ------------------------------------------------------------ a store in C */

#define MAX_ROWS 64
typedef struct {
  char *id, *e164, *tenant, *conn, *json;
  long version;
  int live;
} row;
static char *dupe(const char *s) {
  char *d = malloc(strlen(s) + 1);
  if (!d) abort();
  strcpy(d, s);
  return d;
}

typedef struct {
  row rows[MAX_ROWS];
  int nrows;
  char *idem_key[MAX_ROWS], *idem_json[MAX_ROWS];
  int nidem;
  char *conn_json[8];
  int nconn;
  char *stone_e164[MAX_ROWS], *stone_json[MAX_ROWS]; /* aging tombstones */
  int nstones;
  char *sub_id[8], *sub_json[8];
  int nsubs;
  int next_id;
  int events;
  char **ev_num, **ev_json; /* every event: its number id and JSON */
  int nev, cap_ev;
  int finalized;
  int bare_conflicts; /* answer version_conflict without its versions */
} c_store;

/* Keeps each event of a JSON array (for list_events). */
static void keep_events(c_store *st, const jv *events) {
  for (size_t i = 0; events && events->t == J_ARR && i < events->n; i++) {
    if (st->nev == st->cap_ev) {
      st->cap_ev = st->cap_ev ? st->cap_ev * 2 : 16;
      st->ev_num = realloc(st->ev_num, (size_t)st->cap_ev * sizeof *st->ev_num);
      st->ev_json = realloc(st->ev_json, (size_t)st->cap_ev * sizeof *st->ev_json);
      if (!st->ev_num || !st->ev_json) abort();
    }
    const char *num = jstr(jget(events->items[i], "number_id"));
    st->ev_num[st->nev] = dupe(num ? num : "");
    st->ev_json[st->nev++] = jdump(events->items[i]);
  }
  st->events += events && events->t == J_ARR ? (int)events->n : 0;
}

/* The later of two RFC 3339 times as this store writes them (whole
 * seconds, Z): plain string order. NULL when both are missing. */
static const char *later(const char *a, const char *b) {
  if (!a) return b;
  if (!b) return a;
  return strcmp(a, b) >= 0 ? a : b;
}


static TelnumStatus reply(TelnumBuffer *out, const char *json) {
  return telnum_buffer_set(out, json, strlen(json));
}

static TelnumStatus reply_error(TelnumBuffer *out, const char *json) {
  telnum_buffer_set(out, json, strlen(json));
  return TELNUM_STATUS_OTHER;
}

static void fill_row(row *r, jv *rec) {
  free(r->id); free(r->e164); free(r->tenant); free(r->conn); free(r->json);
  r->id = dupe(jstr(jget(rec, "id")));
  r->e164 = dupe(jstr(jget(rec, "e164")));
  r->tenant = dupe(jstr(jget(rec, "tenant")));
  r->conn = dupe(jstr(jget(rec, "connection_id")) ? jstr(jget(rec, "connection_id")) : "");
  r->version = (long)jget(rec, "version")->num;
  r->live = strcmp(jstr(jget(rec, "status")), "released") != 0;
  r->json = jdump(rec);
}

static row *find_row(c_store *st, const char *id) {
  for (int i = 0; i < st->nrows; i++)
    if (!strcmp(st->rows[i].id, id)) return &st->rows[i];
  return NULL;
}

/* Replies a JSON array of the rows `keep` selects. */
static TelnumStatus reply_rows(c_store *st, TelnumBuffer *out, const char *field, const char *value, int window_limit, int offset, int with_page) {
  jbuf b = { NULL, 0, 0 };
  int total = 0, shown = 0;
  jcat(&b, with_page ? "{\"items\":[" : "[", with_page ? 10 : 1);
  for (int i = 0; i < st->nrows; i++) {
    row *r = &st->rows[i];
    const char *have = !strcmp(field, "e164") ? r->e164 : !strcmp(field, "tenant") ? r->tenant : !strcmp(field, "conn") ? r->conn : NULL;
    if (value && have && strcmp(have, value)) continue;
    total++;
    if (total <= offset || (window_limit >= 0 && shown >= window_limit)) continue;
    if (shown++) jcat(&b, ",", 1);
    jcat(&b, r->json, strlen(r->json));
  }
  if (with_page) {
    char tail[96];
    snprintf(tail, sizeof tail, "],\"total\":%d,\"limit\":%d,\"offset\":%d}", total, window_limit, offset);
    jcat(&b, tail, strlen(tail));
  } else {
    jcat(&b, "]", 1);
  }
  TelnumStatus s = reply(out, b.s);
  free(b.s);
  return s;
}

static TelnumStatus c_store_call(void *userdata, const char *op_ptr, size_t op_len, const char *args_ptr, size_t args_len, TelnumBuffer *out) {
  c_store *st = userdata;
  char op[64];
  snprintf(op, sizeof op, "%.*s", (int)op_len, op_ptr);
  jv *a = jparse(args_ptr, args_len);
  if (!a || a->t != J_ARR) { jfree(a); return reply_error(out, "{\"code\":\"store_error\",\"message\":\"bad args\"}"); }
  TelnumStatus s = TELNUM_STATUS_OK;
  char tmp[256];
  if (!strcmp(op, "next_id")) {
    snprintf(tmp, sizeof tmp, "\"cnum_%d\"", ++st->next_id);
    s = reply(out, tmp);
  } else if (!strcmp(op, "get")) {
    row *r = find_row(st, jstr(a->items[0]));
    s = reply(out, r ? r->json : "null");
  } else if (!strcmp(op, "find_by_e164")) {
    s = reply_rows(st, out, "e164", jstr(a->items[0]), -1, 0, 0);
  } else if (!strcmp(op, "insert")) {
    jv *rec = a->items[0];
    int dup = find_row(st, jstr(jget(rec, "id"))) != NULL;
    for (int i = 0; i < st->nrows && !dup; i++)
      if (st->rows[i].live && !strcmp(st->rows[i].e164, jstr(jget(rec, "e164")))) dup = 1;
    if (dup) s = reply_error(out, "{\"code\":\"already_exists\",\"message\":\"duplicate\"}");
    else if (st->nrows == MAX_ROWS) s = reply_error(out, "{\"code\":\"store_error\",\"message\":\"full\"}");
    else {
      fill_row(&st->rows[st->nrows++], rec);
      keep_events(st, a->items[1]);
    }
  } else if (!strcmp(op, "update") || !strcmp(op, "delete")) {
    int is_update = !strcmp(op, "update");
    const char *id = is_update ? jstr(jget(a->items[0], "id")) : jstr(a->items[0]);
    long expected = (long)a->items[1]->num;
    row *r = find_row(st, id);
    if (!r) s = reply_error(out, "{\"code\":\"not_found\",\"message\":\"gone\"}");
    else if (r->version != expected) {
      if (st->bare_conflicts) snprintf(tmp, sizeof tmp, "{\"code\":\"version_conflict\"}");
      else snprintf(tmp, sizeof tmp, "{\"code\":\"version_conflict\",\"expected\":%ld,\"actual\":%ld,\"message\":\"stale\"}", expected, r->version);
      s = reply_error(out, tmp);
    } else if (is_update) {
      /* A call recorded since the caller read the record is kept. */
      jv *cur = jparse(r->json, strlen(r->json));
      const char *keep = later(jstr(jget(cur, "last_call_at")), jstr(jget(a->items[0], "last_call_at")));
      if (keep) {
        jv *t = jnew(J_STR);
        t->str = dupe(keep);
        jset(a->items[0], "last_call_at", t);
      }
      jfree(cur);
      fill_row(r, a->items[0]);
      keep_events(st, a->items[2]);
    } else {
      /* delete: [id, expected, tombstone or null, events] */
      jv *stone = a->items[2];
      if (stone->t == J_OBJ && st->nstones < MAX_ROWS) {
        st->stone_e164[st->nstones] = dupe(jstr(jget(stone, "e164")));
        st->stone_json[st->nstones++] = jdump(stone);
      }
      free(r->id); free(r->e164); free(r->tenant); free(r->conn); free(r->json);
      *r = st->rows[--st->nrows];
      memset(&st->rows[st->nrows], 0, sizeof(row));
      keep_events(st, a->items[3]);
    }
  } else if (!strcmp(op, "tombstones")) {
    jbuf b = { NULL, 0, 0 };
    jcat(&b, "[", 1);
    int shown = 0;
    for (int i = 0; i < st->nstones; i++) {
      if (strcmp(st->stone_e164[i], jstr(a->items[0]))) continue;
      if (shown++) jcat(&b, ",", 1);
      jcat(&b, st->stone_json[i], strlen(st->stone_json[i]));
    }
    jcat(&b, "]", 1);
    s = reply(out, b.s);
    free(b.s);
  } else if (!strcmp(op, "put_sub_account")) {
    if (st->nsubs < 8) {
      st->sub_id[st->nsubs] = dupe(jstr(jget(a->items[0], "id")));
      st->sub_json[st->nsubs++] = jdump(a->items[0]);
    }
  } else if (!strcmp(op, "get_sub_account")) {
    const char *found = "null";
    for (int i = 0; i < st->nsubs; i++)
      if (!strcmp(st->sub_id[i], jstr(a->items[0]))) found = st->sub_json[i];
    s = reply(out, found);
  } else if (!strcmp(op, "ref_owner")) {
    /* This store keeps no registry of agents or endpoints. */
    s = reply(out, "{\"owner\":\"untracked\"}");
  } else if (!strcmp(op, "list")) {
    /* A minimal list: tenant scope and limit/offset or page/per_page. */
    jv *q = a->items[0];
    jv *lim = jget(q, "limit"), *per = jget(q, "per_page"), *page = jget(q, "page"), *off = jget(q, "offset");
    int limit = per && per->t == J_NUM ? (int)per->num : lim && lim->t == J_NUM ? (int)lim->num : 20;
    int offset = page && page->t == J_NUM ? ((int)page->num - 1) * limit : off && off->t == J_NUM ? (int)off->num : 0;
    s = reply_rows(st, out, "tenant", jstr(jget(q, "tenant")), limit, offset, 1);
  } else if (!strcmp(op, "list_by_connection")) {
    s = reply_rows(st, out, "conn", jstr(a->items[0]), -1, 0, 0);
  } else if (!strcmp(op, "append_events")) {
    keep_events(st, a->items[0]);
  } else if (!strcmp(op, "record_call")) {
    /* [id, at]: the later last_call_at, no version bump, no event. */
    row *r = find_row(st, jstr(a->items[0]));
    if (!r) s = reply_error(out, "{\"code\":\"not_found\",\"message\":\"gone\"}");
    else {
      jv *rec = jparse(r->json, strlen(r->json));
      const char *at = jstr(a->items[1]);
      if (later(jstr(jget(rec, "last_call_at")), at) == at) {
        jv *t = jnew(J_STR);
        t->str = dupe(at);
        jset(rec, "last_call_at", t);
        fill_row(r, rec);
      }
      jfree(rec);
    }
  } else if (!strcmp(op, "list_events")) {
    /* [id, {limit, offset}]: newest first. */
    const char *id = jstr(a->items[0]);
    int limit = (int)jget(a->items[1], "limit")->num, offset = (int)jget(a->items[1], "offset")->num;
    jbuf b = { NULL, 0, 0 };
    jcat(&b, "{\"items\":[", 10);
    int total = 0, shown = 0;
    for (int i = st->nev - 1; i >= 0; i--) {
      if (strcmp(st->ev_num[i], id)) continue;
      if (total++ < offset || shown >= limit) continue;
      if (shown++) jcat(&b, ",", 1);
      jcat(&b, st->ev_json[i], strlen(st->ev_json[i]));
    }
    snprintf(tmp, sizeof tmp, "],\"total\":%d,\"limit\":%d,\"offset\":%d}", total, limit, offset);
    jcat(&b, tmp, strlen(tmp));
    s = reply(out, b.s);
    free(b.s);
  } else if (!strcmp(op, "complete_idempotency")) {
    snprintf(tmp, sizeof tmp, "%s/%s", jstr(jget(a->items[0], "tenant")), jstr(jget(a->items[0], "key")));
    int found = -1;
    for (int i = 0; i < st->nidem; i++)
      if (!strcmp(st->idem_key[i], tmp)) found = i;
    if (found < 0) s = reply_error(out, "{\"code\":\"not_found\",\"message\":\"key\"}");
    else {
      free(st->idem_json[found]);
      st->idem_json[found] = jdump(a->items[0]);
    }
  } else if (!strcmp(op, "get_idempotency") || !strcmp(op, "put_idempotency")) {
    int put = !strcmp(op, "put_idempotency");
    snprintf(tmp, sizeof tmp, "%s/%s", put ? jstr(jget(a->items[0], "tenant")) : jstr(a->items[0]),
             put ? jstr(jget(a->items[0], "key")) : jstr(a->items[1]));
    int found = -1;
    for (int i = 0; i < st->nidem; i++)
      if (!strcmp(st->idem_key[i], tmp)) found = i;
    if (!put) s = reply(out, found >= 0 ? st->idem_json[found] : "null");
    else if (found >= 0) s = reply_error(out, "{\"code\":\"already_exists\",\"message\":\"key\"}");
    else if (st->nidem < MAX_ROWS) {
      st->idem_key[st->nidem] = dupe(tmp);
      st->idem_json[st->nidem++] = jdump(a->items[0]);
    }
  } else if (!strcmp(op, "put_connection")) {
    if (st->nconn < 8) st->conn_json[st->nconn++] = jdump(a->items[0]);
  } else if (!strcmp(op, "get_connection") || !strcmp(op, "list_connections")) {
    int by_id = !strcmp(op, "get_connection");
    jbuf b = { NULL, 0, 0 };
    jcat(&b, by_id ? "" : "[", by_id ? 0 : 1);
    int shown = 0;
    for (int i = 0; i < st->nconn; i++) {
      jv *c = jparse(st->conn_json[i], strlen(st->conn_json[i]));
      const char *want = jstr(a->items[0]);
      const char *have = jstr(jget(c, by_id ? "id" : "tenant"));
      if (have && !strcmp(have, want) && !(by_id && shown)) {
        if (shown++) jcat(&b, ",", 1);
        jcat(&b, st->conn_json[i], strlen(st->conn_json[i]));
      }
      jfree(c);
    }
    if (by_id && !shown) jcat(&b, "null", 4);
    if (!by_id) jcat(&b, "]", 1);
    s = reply(out, b.s);
    free(b.s);
  } else {
    s = reply_error(out, "{\"code\":\"store_error\",\"message\":\"unknown op\"}");
  }
  jfree(a);
  return s;
}

static void c_store_finalize(void *userdata) {
  c_store *st = userdata;
  st->finalized++;
}

static void c_store_clear(c_store *st) {
  for (int i = 0; i < st->nrows; i++) {
    row *r = &st->rows[i];
    free(r->id); free(r->e164); free(r->tenant); free(r->conn); free(r->json);
  }
  for (int i = 0; i < st->nidem; i++) { free(st->idem_key[i]); free(st->idem_json[i]); }
  for (int i = 0; i < st->nconn; i++) free(st->conn_json[i]);
  for (int i = 0; i < st->nstones; i++) { free(st->stone_e164[i]); free(st->stone_json[i]); }
  for (int i = 0; i < st->nsubs; i++) { free(st->sub_id[i]); free(st->sub_json[i]); }
  for (int i = 0; i < st->nev; i++) { free(st->ev_num[i]); free(st->ev_json[i]); }
  free(st->ev_num);
  free(st->ev_json);
}

static long st_row_version(c_store *st, const char *id) {
  row *r = find_row(st, id);
  return r ? r->version : -1;
}

static void test_lifecycle_over_a_c_store(void) {
  static c_store st; /* zeroed */
  TelnumStoreVtable store = { &st, c_store_call, c_store_finalize };
  TelnumNumbers *n = NULL;
  const char *config = "{\"default_webhooks\":{\"voice_url\":\"https://voice.example.com/in\",\"status_callback_url\":null}}";
  CHECK(telnum_numbers_new(&store, NULL, NULL, config, strlen(config), &n) == TELNUM_STATUS_OK && n);
  CHECK(telnum_numbers_put_connection(n, CONNECTION, strlen(CONNECTION)) == TELNUM_STATUS_OK);
  CHECK(st.nconn == 1);

  TelnumStatus s;
  char *args = fmt("{\"actor\":%s,\"request\":{\"connection_id\":\"c1\",\"idempotency_key\":\"order-1\",\"country\":\"US\",\"quantity\":2,"
                   "\"balance\":{\"amount_minor\":10000,\"currency\":\"USD\"}}}", ADMIN, NULL, NULL);
  jv *bought = svc_call(n, "purchase", args, &s);
  CHECK(bought && jget(bought, "numbers")->n == 2);
  CHECK(st.nrows == 2);
  /* The same key again: the first result, no new rows. */
  jv *again = svc_call(n, "purchase", args, &s);
  CHECK(again && jmatch(bought, again));
  CHECK(st.nrows == 2);
  jfree(again);
  free(args);
  if (!bought) { telnum_numbers_free(n); return; }

  const char *id = jstr(jget(jget(bought, "numbers")->items[0], "id"));
  args = fmt("{\"actor\":%s,\"id\":\"%s\"}", ADMIN, id, NULL);
  jv *active = svc_call(n, "activate", args, &s);
  /* A command answers {number, events}. */
  CHECK(active && !strcmp(jstr(jget(jget(active, "number"), "status")), "active"));
  CHECK(active && !strcmp(jstr(jget(jget(active, "events")->items[0], "kind")), "activated"));
  free(args);

  /* A stale version is refused by the C store. */
  args = fmt("{\"actor\":%s,\"id\":\"%s\",\"patch\":{\"label\":\"x\"},\"expected_version\":1}", ADMIN, id, NULL);
  CHECK(svc_call(n, "update", args, &s) == NULL && s == TELNUM_STATUS_CONFLICT);
  CHECK(!strcmp(last_code(), "version_conflict"));
  /* A store that says only "version_conflict": the error still carries
     the version expected and the one in the store. */
  st.bare_conflicts = 1;
  CHECK(svc_call(n, "update", args, &s) == NULL && s == TELNUM_STATUS_CONFLICT);
  jv *conflict = last_error();
  CHECK(conflict && jget(conflict, "expected")->num == 1 && jget(conflict, "actual")->num == st_row_version(&st, id));
  jfree(conflict);
  st.bare_conflicts = 0;
  free(args);

  const char *sub = "{\"id\":\"SA_1\",\"master\":\"MA_1\",\"tenant\":\"acme\"}";
  CHECK(telnum_numbers_put_sub_account(n, sub, strlen(sub)) == TELNUM_STATUS_OK);
  args = fmt("{\"actor\":%s,\"id\":\"%s\",\"sub_account\":\"SA_1\"}", ADMIN, id, NULL);
  jv *assigned = svc_call(n, "assign_sub_account", args, &s);
  CHECK(assigned && !strcmp(jstr(jget(jget(assigned, "number"), "sub_account")), "SA_1"));
  long version = assigned ? (long)jget(jget(assigned, "number"), "version")->num : -1;
  jfree(assigned);
  free(args);
  args = fmt("{\"actor\":%s,\"id\":\"%s\",\"at\":\"2026-01-01T00:00:00Z\"}", ADMIN, id, NULL);
  jv *called = svc_call(n, "record_call", args, &s);
  CHECK(called != NULL);
  /* Usage is not a change: the version stays where the assignment left it. */
  CHECK(called && st_row_version(&st, id) == version);
  jfree(called);
  free(args);
  /* The audit trail, newest first, through the C store's list_events. */
  args = fmt("{\"actor\":%s,\"id\":\"%s\",\"query\":{\"limit\":1}}", ADMIN, id, NULL);
  jv *trail = svc_call(n, "audit", args, &s);
  CHECK(trail && jget(trail, "items")->n == 1 && jget(trail, "total")->num >= 3);
  CHECK(trail && !strcmp(jstr(jget(jget(trail, "items")->items[0], "kind")), "assigned_to_sub_account"));
  jfree(trail);
  free(args);
  /* The last call was long ago: the DID moves back at once. */
  args = fmt("{\"actor\":%s,\"id\":\"%s\",\"force\":false}", ADMIN, id, NULL);
  jv *moved = svc_call(n, "unassign_sub_account", args, &s);
  CHECK(moved && jget(jget(moved, "number"), "sub_account")->t == J_NULL);
  jfree(moved);
  free(args);

  args = fmt("{\"actor\":%s,\"query\":{\"per_page\":1,\"page\":2}}", ADMIN, NULL, NULL);
  jv *page = svc_call(n, "list", args, &s);
  CHECK(page && jget(page, "total")->num == 2 && jget(page, "items")->n == 1);
  jfree(page);
  free(args);

  args = fmt("{\"actor\":%s,\"id\":\"%s\",\"mode\":\"soft\"}", ADMIN, id, NULL);
  jv *released = svc_call(n, "release", args, &s);
  CHECK(released && !strcmp(jstr(jget(jget(released, "number"), "status")), "released"));
  jfree(released);
  free(args);

  /* Another tenant sees nothing. */
  args = fmt("{\"actor\":{\"tenant\":\"globex\",\"role\":\"admin\"},\"id\":\"%s\"}", id, NULL, NULL);
  CHECK(svc_call(n, "get", args, &s) == NULL && s == TELNUM_STATUS_NOT_FOUND);
  free(args);

  /* A sub-account is resolved through the store: an unknown one is refused
     whatever master the caller would claim. */
  const char *other = jstr(jget(jget(bought, "numbers")->items[1], "id"));
  args = fmt("{\"actor\":%s,\"id\":\"%s\",\"sub_account\":\"SA_globex\"}", ADMIN, other, NULL);
  CHECK(svc_call(n, "assign_sub_account", args, &s) == NULL && s == TELNUM_STATUS_INVALID_INPUT);
  CHECK(!strcmp(last_code(), "unknown_reference"));
  free(args);

  /* Purging the soft-released record leaves its aging tombstone. */
  args = fmt("{\"actor\":%s,\"id\":\"%s\",\"mode\":\"hard\"}", ADMIN, id, NULL);
  jv *purged = svc_call(n, "release", args, &s);
  CHECK(purged && jget(purged, "number")->t == J_NULL);
  jfree(purged);
  free(args);
  CHECK(st.nstones == 1 && strstr(st.stone_json[0], "\"tenant\":\"acme\"") != NULL);

  CHECK(st.events >= 6);
  jfree(active);
  jfree(bought);
  telnum_numbers_free(n);
  CHECK(st.finalized == 1);
  c_store_clear(&st);
}

/* ------------------------------------------------------------ a host clock */

static TelnumStatus fixed_clock(void *userdata, int64_t *now_ms) {
  int64_t *t = userdata;
  if (*t < 0) return TELNUM_STATUS_OTHER; /* a clock that fails */
  *now_ms = *t;
  return TELNUM_STATUS_OK;
}

static int clock_finalized;
static void clock_finalize(void *userdata) {
  (void)userdata;
  clock_finalized++;
}

/* The service reads time only through the clock it was given: a call time
   is judged against the host's clock, and a failing clock fails the
   operation instead of falling back to the system clock. */
static void test_host_clock(void) {
  static int64_t now_ms = 1767225600000; /* 2026-01-01T00:00:00Z */
  TelnumClockVtable clock = { &now_ms, fixed_clock, clock_finalize };
  TelnumNumbers *n = NULL;
  CHECK(telnum_numbers_new(NULL, NULL, &clock, NULL, 0, &n) == TELNUM_STATUS_OK && n);
  CHECK(telnum_numbers_put_connection(n, CONNECTION, strlen(CONNECTION)) == TELNUM_STATUS_OK);
  TelnumStatus s;
  char *args = fmt("{\"actor\":%s,\"request\":{\"connection_id\":\"c1\",\"idempotency_key\":\"clock\",\"country\":\"US\",\"quantity\":1}}", ADMIN, NULL, NULL);
  jv *bought = svc_call(n, "purchase", args, &s);
  free(args);
  jv *num = bought ? jget(bought, "numbers")->items[0] : NULL;
  CHECK(num && !strcmp(jstr(jget(num, "created_at")), "2026-01-01T00:00:00Z"));
  const char *id = num ? jstr(jget(num, "id")) : "none";
  /* One hour after the host's now is in the future, whatever the system says. */
  args = fmt("{\"actor\":%s,\"id\":\"%s\",\"at\":\"2026-01-01T01:00:00Z\"}", ADMIN, id, NULL);
  CHECK(svc_call(n, "record_call", args, &s) == NULL && telnum_last_error_code() == TELNUM_ERROR_CODE_CALL_IN_FUTURE);
  free(args);
  now_ms = -1;
  args = fmt("{\"actor\":%s,\"id\":\"%s\"}", ADMIN, id, NULL);
  CHECK(svc_call(n, "activate", args, &s) == NULL && s == TELNUM_STATUS_INVALID_INPUT);
  jv *e = last_error();
  CHECK(e && strstr(jstr(jget(e, "message")), "clock"));
  jfree(e);
  free(args);
  jfree(bought);
  telnum_numbers_free(n);
  CHECK(clock_finalized == 1);
  /* A clock vtable without its function is refused, and finalised. */
  TelnumClockVtable broken = { &now_ms, NULL, clock_finalize };
  CHECK(telnum_numbers_new(NULL, NULL, &broken, NULL, 0, &n) == TELNUM_STATUS_NULL_PARAMETER);
  CHECK(clock_finalized == 2);
}

/* ------------------------------------------------------------ service vectors */

/* Milliseconds since the epoch of "YYYY-MM-DDTHH:MM:SSZ". */
static int64_t rfc3339_ms(const char *t) {
  int y, mo, d, h, mi, sec;
  if (!t || sscanf(t, "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &sec) != 6) return -1;
  y -= mo <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = era * 146097 + doe - 719468;
  return ((days * 24 + h) * 60 + mi) * 60000 + sec * 1000;
}

/* tests/vectors/service.json: the same scenarios as the Rust and Node
   runners, through the typed entry points, with a host clock. */
static void test_service_vectors(void) {
  char path[512];
  snprintf(path, sizeof path, "%s/service.json", VECTORS_DIR);
  size_t len;
  char *text = read_file(path, &len);
  CHECK(text != NULL);
  if (!text) return;
  jv *file = jparse(text, len);
  free(text);
  CHECK(file != NULL);
  if (!file) return;
  int steps = 0, bad = 0;
  jv *scenarios = jget(file, "scenarios");
  for (size_t si = 0; si < scenarios->n; si++) {
    jv *sc = scenarios->items[si];
    static int64_t now_ms;
    now_ms = rfc3339_ms(jstr(jget(sc, "clock")));
    TelnumClockVtable clock = { &now_ms, fixed_clock, NULL };
    TelnumNumbers *n = NULL;
    CHECK(telnum_numbers_new(NULL, NULL, &clock, NULL, 0, &n) == TELNUM_STATUS_OK);
    jv *steps_v = jget(sc, "steps");
    for (size_t k = 0; n && k < steps_v->n; k++) {
      jv *step = steps_v->items[k];
      steps++;
      jv *adv = jget(step, "advance_seconds");
      if (adv) {
        now_ms += (int64_t)adv->num * 1000;
        continue;
      }
      const char *op = jstr(jget(step, "op"));
      char *args = jdump(jget(step, "args"));
      char *out = NULL;
      TelnumStatus s = svc_raw(n, op, args, &out);
      free(args);
      jv *expect = jget(step, "expect");
      jv *want_error = jget(expect, "error");
      int ok;
      if (s == TELNUM_STATUS_OK && !want_error) {
        jv *want = jget(expect, "ok");
        jv *result = out ? jparse(out, strlen(out)) : NULL;
        ok = !want || jmatch(want, result);
        jfree(result);
      } else if (s != TELNUM_STATUS_OK && want_error) {
        ok = last_error_matches(expect);
      } else {
        ok = 0;
      }
      if (!ok) {
        bad++;
        fprintf(stderr, "service.json / %s / step %zu (%s): status %d, got %s\n", jstr(jget(sc, "name")), k, op, s,
                out ? out : last_code());
      }
      telnum_string_free(out);
    }
    telnum_numbers_free(n);
  }
  jfree(file);
  CHECK(steps > 30);
  CHECK(bad == 0);
}

/* ------------------------------------------------------------ bad input */

static int garbage_mode;
static TelnumStatus garbage_call(void *userdata, const char *op, size_t op_len, const char *args, size_t args_len, TelnumBuffer *out) {
  (void)userdata; (void)op; (void)op_len; (void)args; (void)args_len;
  switch (garbage_mode) {
    case 0: return reply(out, "{not json");                 /* truncated JSON */
    case 1: return TELNUM_STATUS_OTHER;                     /* error, no body */
    case 2: return reply_error(out, "{\"code\":\"x\",\"message\":\"carrier down\"}");
    case 3: return telnum_buffer_set(out, "\xff\xfe", 2);  /* bad UTF-8 */
    case 5: { /* 10 MB that is not JSON, with an error status */
      size_t big = 10u << 20;
      char *junk = malloc(big);
      if (!junk) abort();
      memset(junk, 'x', big);
      TelnumStatus st = telnum_buffer_set(out, junk, big);
      free(junk);
      return st == TELNUM_STATUS_OK ? TELNUM_STATUS_OTHER : st;
    }
    default: return reply(out, "{\"unexpected\":\"shape\"}");
  }
}

static void test_bad_input(void) {
  char *out = (char *)0x1;
  /* NULL pointers, everywhere. */
  CHECK(telnum_parse_e164(NULL, 3, NULL, 0, &out) == TELNUM_STATUS_NULL_PARAMETER);
  CHECK(!strcmp(last_code(), "null_parameter"));
  CHECK(telnum_parse_e164("+1", 2, NULL, 0, NULL) == TELNUM_STATUS_NULL_PARAMETER);
  CHECK(telnum_apply_command(NULL, 0, &out) == TELNUM_STATUS_NULL_PARAMETER);
  CHECK(telnum_pool_new(NULL, 0, NULL, 0, NULL) == TELNUM_STATUS_NULL_PARAMETER);
  CHECK(telnum_pool_usage(NULL, &out) == TELNUM_STATUS_NULL_PARAMETER);
  CHECK(telnum_numbers_list(NULL, ADMIN, strlen(ADMIN), NULL, 0, &out) == TELNUM_STATUS_NULL_PARAMETER);
  CHECK(telnum_last_error_code() == TELNUM_ERROR_CODE_NULL_PARAMETER);
  CHECK(telnum_numbers_new_embedded(NULL, 0, NULL) == TELNUM_STATUS_NULL_PARAMETER);
  CHECK(telnum_buffer_set(NULL, "x", 1) == TELNUM_STATUS_NULL_PARAMETER);
  CHECK(out == (char *)0x1);
  /* Zero lengths: an empty string is a value, and a coded error. */
  CHECK(telnum_parse_e164("", 0, NULL, 0, &out) == TELNUM_STATUS_INVALID_INPUT && !strcmp(last_code(), "empty_input"));
  CHECK(telnum_check_cool_off("", 0, &out) == TELNUM_STATUS_INVALID_JSON);
  /* Invalid UTF-8 and embedded NUL. */
  CHECK(telnum_parse_e164("+1\xff\xfe", 4, NULL, 0, &out) == TELNUM_STATUS_INVALID_UTF8);
  CHECK(telnum_parse_e164("+1\0" "4155552671", 13, NULL, 0, &out) == TELNUM_STATUS_INTERIOR_NUL);
  CHECK(telnum_check_version("{\"rec\0ord\":1}", 13, &out) == TELNUM_STATUS_INTERIOR_NUL);
  /* Truncated, wrong-shape and huge JSON. */
  CHECK(telnum_check_version("{\"record\":", 10, &out) == TELNUM_STATUS_INVALID_JSON);
  CHECK(!strcmp(last_code(), "invalid_json"));
  CHECK(telnum_check_version("[1,2,3]", 7, &out) == TELNUM_STATUS_INVALID_INPUT);
  CHECK(telnum_check_version("{\"record\":{\"id\":5}}", 19, &out) == TELNUM_STATUS_INVALID_INPUT);
  size_t big = 4u << 20;
  char *huge = malloc(big + 16);
  if (!huge) abort();
  memset(huge, '[', big);
  CHECK(telnum_sync_diff(huge, big, &out) == TELNUM_STATUS_INVALID_JSON); /* deep nesting: refused, no stack overflow */
  memset(huge, '1', big);
  CHECK(telnum_parse_e164(huge, big, NULL, 0, &out) == TELNUM_STATUS_INVALID_INPUT && !strcmp(last_code(), "input_too_long"));
  free(huge);
  CHECK(out == (char *)0x1);

  /* Callbacks that return errors or garbage. */
  TelnumStoreVtable store = { NULL, garbage_call, NULL };
  TelnumProviderVtable provider = { NULL, garbage_call, NULL };
  TelnumNumbers *n = NULL;
  CHECK(telnum_numbers_new(&store, NULL, NULL, NULL, 0, &n) == TELNUM_STATUS_OK);
  const char *a = "{\"actor\":{\"tenant\":\"acme\",\"role\":\"admin\"},\"id\":\"num_1\"}";
  for (garbage_mode = 0; garbage_mode < 6; garbage_mode++) {
    CHECK(svc_raw(n, "activate", a, &out) == TELNUM_STATUS_UPSTREAM);
    CHECK(!strcmp(last_code(), "store_error"));
    /* What the callback wrote is quoted, not repeated: a 10 MB payload
       leaves a short last error. */
    char *le = telnum_last_error();
    CHECK(le && strlen(le) < 2048);
    telnum_string_free(le);
  }
  telnum_numbers_free(n);
  /* A provider that fails: provider_error, and nothing half-applied. */
  TelnumNumbers *p = NULL;
  CHECK(telnum_numbers_new(NULL, &provider, NULL, NULL, 0, &p) == TELNUM_STATUS_OK);
  CHECK(telnum_numbers_put_connection(p, CONNECTION, strlen(CONNECTION)) == TELNUM_STATUS_OK);
  garbage_mode = 2;
  const char *buy = "{\"actor\":{\"tenant\":\"acme\",\"role\":\"admin\"},\"request\":{\"connection_id\":\"c1\",\"idempotency_key\":\"k\",\"country\":\"US\",\"quantity\":1}}";
  CHECK(svc_raw(p, "purchase", buy, &out) == TELNUM_STATUS_UPSTREAM);
  jv *e = last_error();
  CHECK(e && !strcmp(jstr(jget(e, "code")), "provider_error") && strstr(jstr(jget(e, "message")), "carrier down"));
  jfree(e);
  const char *list = "{\"actor\":{\"tenant\":\"acme\",\"role\":\"admin\"}}";
  CHECK(svc_raw(p, "list", list, &out) == TELNUM_STATUS_OK && strstr(out, "\"total\":0"));
  telnum_string_free(out);
  telnum_numbers_free(p);
  /* A vtable without its call function is refused, and its finaliser runs. */
  static c_store unused;
  TelnumStoreVtable broken = { &unused, NULL, c_store_finalize };
  CHECK(telnum_numbers_new(&broken, NULL, NULL, NULL, 0, &n) == TELNUM_STATUS_NULL_PARAMETER);
  CHECK(unused.finalized == 1);
}

int main(void) {
  test_e164();
  test_pure_functions();
  test_host_clock();
  test_service_vectors();
  test_vectors();
  test_pool();
  test_embedded_service();
  test_concurrent_buyers();
  test_lifecycle_over_a_c_store();
  test_bad_input();
  printf("c: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
