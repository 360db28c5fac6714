/* C tests for the telnum C API: E.164 parsing, errors, ownership, bad input.
 * Plain C11. Prints "N passed, N failed" and exits non-zero on failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "telnum.h"

static int passed = 0, failed = 0;

#define CHECK(cond)                                                       \
  do {                                                                    \
    if (cond) {                                                           \
      passed++;                                                           \
    } else {                                                              \
      failed++;                                                           \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                     \
  } while (0)

/* The code of this thread's last error ("" when none); caller frees nothing. */
static const char *last_code(void) {
  static char code[64];
  code[0] = 0;
  char *json = telnum_last_error();
  if (!json) return code;
  const char *p = strstr(json, "\"code\":\"");
  if (p) {
    p += 8;
    size_t n = 0;
    while (p[n] && p[n] != '"' && n < sizeof code - 1) { code[n] = p[n]; n++; }
    code[n] = 0;
  }
  telnum_string_free(json);
  return code;
}

static TelnumStatus parse(const char *input, const char *region, char **out) {
  return telnum_e164_parse(input, strlen(input), region, region ? strlen(region) : 0, out);
}

static void test_parse_ok(void) {
  char *out = NULL;
  CHECK(parse("(415) 555-2671", "US", &out) == TELNUM_STATUS_OK);
  CHECK(out && strstr(out, "\"e164\":\"+14155552671\""));
  CHECK(out && strstr(out, "\"region\":\"US\""));
  CHECK(telnum_last_error() == NULL);
  telnum_string_free(out);

  out = NULL;
  CHECK(parse("tel:+44-20-7183-8750", NULL, &out) == TELNUM_STATUS_OK);
  CHECK(out && strstr(out, "\"national_number\":\"2071838750\""));
  telnum_string_free(out);
}

static void test_parse_errors(void) {
  char *out = (char *)0x1; /* must stay untouched on failure */
  CHECK(parse("12", NULL, &out) == TELNUM_STATUS_INVALID_INPUT);
  CHECK(strcmp(last_code(), "region_required") == 0);
  CHECK(out == (char *)0x1);
  CHECK(parse("+1 650 253 0000 ext. 7", NULL, &out) == TELNUM_STATUS_INVALID_INPUT);
  CHECK(strcmp(last_code(), "extension_not_allowed") == 0);
  CHECK(parse("4155552671", "ZZ", &out) == TELNUM_STATUS_INVALID_INPUT);
  CHECK(strcmp(last_code(), "invalid_country") == 0);
  CHECK(parse("", "US", &out) == TELNUM_STATUS_INVALID_INPUT);
  CHECK(strcmp(last_code(), "empty_input") == 0);
  CHECK(out == (char *)0x1);
}

static void test_bad_input(void) {
  char *out = (char *)0x1;
  CHECK(telnum_e164_parse(NULL, 3, NULL, 0, &out) == TELNUM_STATUS_NULL_PARAMETER);
  CHECK(strcmp(last_code(), "null_parameter") == 0);
  CHECK(telnum_e164_parse("+1", 2, NULL, 0, NULL) == TELNUM_STATUS_NULL_PARAMETER);
  CHECK(telnum_e164_parse("+1\0" "4155552671", 13, NULL, 0, &out) == TELNUM_STATUS_INTERIOR_NUL);
  CHECK(telnum_e164_parse("+1\xff\xfe", 4, NULL, 0, &out) == TELNUM_STATUS_INVALID_UTF8);
  CHECK(telnum_e164_parse("+14155552671", 12, "U\xff", 2, &out) == TELNUM_STATUS_INVALID_UTF8);
  /* Zero length is the empty string, a coded error, not a crash. */
  CHECK(telnum_e164_parse("", 0, NULL, 0, &out) == TELNUM_STATUS_INVALID_INPUT);
  CHECK(strcmp(last_code(), "empty_input") == 0);
  /* Huge input is refused before any work. */
  size_t big = 1 << 20;
  char *huge = malloc(big);
  memset(huge, '1', big);
  CHECK(telnum_e164_parse(huge, big, NULL, 0, &out) == TELNUM_STATUS_INVALID_INPUT);
  CHECK(strcmp(last_code(), "input_too_long") == 0);
  free(huge);
  CHECK(out == (char *)0x1);
  telnum_string_free(NULL); /* ignored */
}

static void test_status_names(void) {
  CHECK(strcmp(telnum_status_name(TELNUM_STATUS_OK), "ok") == 0);
  CHECK(strcmp(telnum_status_name(TELNUM_STATUS_CONFLICT), "conflict") == 0);
  CHECK(TELNUM_STATUS_OK == 0 && TELNUM_STATUS_PANIC == 11);
}

int main(void) {
  test_parse_ok();
  test_parse_errors();
  test_bad_input();
  test_status_names();
  printf("c: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
