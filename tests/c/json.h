/* A small JSON reader/writer for the C tests (parse, look up, print, and
 * the vectors' subset match). Test code only: not part of the library. */
#ifndef TELNUM_TEST_JSON_H
#define TELNUM_TEST_JSON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;

typedef struct jv {
  jtype t;
  int b;
  double num;
  char *str;          /* J_STR: decoded UTF-8; J_NUM: the literal text */
  size_t n;           /* items / members */
  struct jv **items;  /* J_ARR items, J_OBJ values */
  char **keys;        /* J_OBJ keys */
} jv;

typedef struct { const char *s; size_t len, i; int err; } jp;

static void jfree(jv *v) {
  if (!v) return;
  for (size_t k = 0; k < v->n; k++) {
    jfree(v->items[k]);
    if (v->keys) free(v->keys[k]);
  }
  free(v->items);
  free(v->keys);
  free(v->str);
  free(v);
}

static jv *jnew(jtype t) {
  jv *v = calloc(1, sizeof *v);
  if (!v) abort();
  v->t = t;
  return v;
}

static void jws(jp *p) {
  while (p->i < p->len && (p->s[p->i] == ' ' || p->s[p->i] == '\n' || p->s[p->i] == '\r' || p->s[p->i] == '\t')) p->i++;
}

static void jpush(jv *v, char *key, jv *item) {
  v->items = realloc(v->items, (v->n + 1) * sizeof *v->items);
  if (!v->items) abort();
  if (v->t == J_OBJ) {
    v->keys = realloc(v->keys, (v->n + 1) * sizeof *v->keys);
    if (!v->keys) abort();
    v->keys[v->n] = key;
  }
  v->items[v->n++] = item;
}

static void jutf8(char **out, size_t *n, unsigned cp) {
  char buf[4];
  size_t k;
  if (cp < 0x80) { buf[0] = (char)cp; k = 1; }
  else if (cp < 0x800) { buf[0] = (char)(0xC0 | (cp >> 6)); buf[1] = (char)(0x80 | (cp & 0x3F)); k = 2; }
  else if (cp < 0x10000) { buf[0] = (char)(0xE0 | (cp >> 12)); buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); buf[2] = (char)(0x80 | (cp & 0x3F)); k = 3; }
  else { buf[0] = (char)(0xF0 | (cp >> 18)); buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F)); buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); buf[3] = (char)(0x80 | (cp & 0x3F)); k = 4; }
  *out = realloc(*out, *n + k + 1);
  if (!*out) abort();
  memcpy(*out + *n, buf, k);
  *n += k;
}

static unsigned jhex4(jp *p) {
  unsigned v = 0;
  for (int k = 0; k < 4; k++) {
    if (p->i >= p->len) { p->err = 1; return 0; }
    char c = p->s[p->i++];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else p->err = 1;
  }
  return v;
}

static char *jstring(jp *p) {
  char *out = malloc(1);
  size_t n = 0;
  if (!out) abort();
  p->i++; /* opening quote */
  while (p->i < p->len && p->s[p->i] != '"') {
    char c = p->s[p->i++];
    if (c == '\\' && p->i < p->len) {
      char e = p->s[p->i++];
      unsigned cp = 0;
      switch (e) {
        case 'n': cp = '\n'; break;
        case 't': cp = '\t'; break;
        case 'r': cp = '\r'; break;
        case 'b': cp = '\b'; break;
        case 'f': cp = '\f'; break;
        case 'u':
          cp = jhex4(p);
          if (cp >= 0xD800 && cp < 0xDC00 && p->i + 1 < p->len && p->s[p->i] == '\\' && p->s[p->i + 1] == 'u') {
            p->i += 2;
            unsigned lo = jhex4(p);
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          break;
        default: cp = (unsigned char)e;
      }
      jutf8(&out, &n, cp);
    } else {
      out = realloc(out, n + 2);
      if (!out) abort();
      out[n++] = c;
    }
  }
  if (p->i >= p->len) p->err = 1;
  p->i++; /* closing quote */
  out[n] = 0;
  return out;
}

static jv *jvalue(jp *p, int depth) {
  jws(p);
  if (p->i >= p->len || depth > 200) { p->err = 1; return jnew(J_NULL); }
  char c = p->s[p->i];
  if (c == '{' || c == '[') {
    jv *v = jnew(c == '{' ? J_OBJ : J_ARR);
    char close = c == '{' ? '}' : ']';
    p->i++;
    jws(p);
    if (p->i < p->len && p->s[p->i] == close) { p->i++; return v; }
    while (!p->err) {
      char *key = NULL;
      if (v->t == J_OBJ) {
        jws(p);
        if (p->i >= p->len || p->s[p->i] != '"') { p->err = 1; break; }
        key = jstring(p);
        jws(p);
        if (p->i >= p->len || p->s[p->i] != ':') { p->err = 1; free(key); break; }
        p->i++;
      }
      jpush(v, key, jvalue(p, depth + 1));
      jws(p);
      if (p->i < p->len && p->s[p->i] == ',') { p->i++; continue; }
      if (p->i < p->len && p->s[p->i] == close) { p->i++; break; }
      p->err = 1;
    }
    return v;
  }
  if (c == '"') { jv *v = jnew(J_STR); v->str = jstring(p); return v; }
  if (!strncmp(p->s + p->i, "true", 4)) { p->i += 4; jv *v = jnew(J_BOOL); v->b = 1; return v; }
  if (!strncmp(p->s + p->i, "false", 5)) { p->i += 5; return jnew(J_BOOL); }
  if (!strncmp(p->s + p->i, "null", 4)) { p->i += 4; return jnew(J_NULL); }
  size_t start = p->i;
  while (p->i < p->len && strchr("+-0123456789.eE", p->s[p->i])) p->i++;
  if (p->i == start) { p->err = 1; p->i++; return jnew(J_NULL); }
  jv *v = jnew(J_NUM);
  v->str = malloc(p->i - start + 1);
  if (!v->str) abort();
  memcpy(v->str, p->s + start, p->i - start);
  v->str[p->i - start] = 0;
  v->num = strtod(v->str, NULL);
  return v;
}

/* Parses `len` bytes; NULL on malformed JSON. */
static jv *jparse(const char *s, size_t len) {
  jp p = { s, len, 0, 0 };
  jv *v = jvalue(&p, 0);
  jws(&p);
  if (p.err || p.i != len) { jfree(v); return NULL; }
  return v;
}

static jv *jget(const jv *o, const char *key) {
  if (!o || o->t != J_OBJ) return NULL;
  for (size_t k = 0; k < o->n; k++)
    if (!strcmp(o->keys[k], key)) return o->items[k];
  return NULL;
}

static const char *jstr(const jv *v) { return v && v->t == J_STR ? v->str : NULL; }

/* A growable string for printing. */
typedef struct { char *s; size_t n, cap; } jbuf;

static void jcat(jbuf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    b->cap = (b->n + n + 1) * 2;
    b->s = realloc(b->s, b->cap);
    if (!b->s) abort();
  }
  memcpy(b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = 0;
}

static void jprint_str(jbuf *b, const char *s) {
  jcat(b, "\"", 1);
  for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
    char esc[8];
    if (*c == '"' || *c == '\\') { esc[0] = '\\'; esc[1] = (char)*c; jcat(b, esc, 2); }
    else if (*c < 0x20) { snprintf(esc, sizeof esc, "\\u%04x", *c); jcat(b, esc, 6); }
    else jcat(b, (const char *)c, 1);
  }
  jcat(b, "\"", 1);
}

static void jprint(jbuf *b, const jv *v) {
  switch (v->t) {
    case J_NULL: jcat(b, "null", 4); break;
    case J_BOOL: v->b ? jcat(b, "true", 4) : jcat(b, "false", 5); break;
    case J_NUM: jcat(b, v->str, strlen(v->str)); break;
    case J_STR: jprint_str(b, v->str); break;
    case J_ARR:
    case J_OBJ:
      jcat(b, v->t == J_ARR ? "[" : "{", 1);
      for (size_t k = 0; k < v->n; k++) {
        if (k) jcat(b, ",", 1);
        if (v->t == J_OBJ) { jprint_str(b, v->keys[k]); jcat(b, ":", 1); }
        jprint(b, v->items[k]);
      }
      jcat(b, v->t == J_ARR ? "]" : "}", 1);
  }
}

/* A malloc'd JSON text of `v`. */
static char *jdump(const jv *v) {
  jbuf b = { NULL, 0, 0 };
  jcat(&b, "", 0);
  jprint(&b, v);
  return b.s;
}

static jv *jclone(const jv *v) {
  char *s = jdump(v);
  jv *c = jparse(s, strlen(s));
  free(s);
  return c;
}

/* Subset match of the vectors: every key of an expected object must match
 * (a missing actual key counts as null); arrays match element by element
 * with the same length; scalars must be equal. */
static int jmatch(const jv *expected, const jv *actual) {
  static const jv null_value = { J_NULL, 0, 0, NULL, 0, NULL, NULL };
  if (!actual) actual = &null_value;
  switch (expected->t) {
    case J_OBJ:
      if (actual->t != J_OBJ) return 0;
      for (size_t k = 0; k < expected->n; k++)
        if (!jmatch(expected->items[k], jget(actual, expected->keys[k]))) return 0;
      return 1;
    case J_ARR:
      if (actual->t != J_ARR || actual->n != expected->n) return 0;
      for (size_t k = 0; k < expected->n; k++)
        if (!jmatch(expected->items[k], actual->items[k])) return 0;
      return 1;
    case J_NUM: return actual->t == J_NUM && actual->num == expected->num;
    case J_STR: return actual->t == J_STR && !strcmp(actual->str, expected->str);
    case J_BOOL: return actual->t == J_BOOL && actual->b == expected->b;
    case J_NULL: return actual->t == J_NULL;
  }
  return 0;
}

/* Sets or replaces key `key` of object `o` (takes ownership of `v`). */
static void jset(jv *o, const char *key, jv *v) {
  for (size_t k = 0; k < o->n; k++)
    if (!strcmp(o->keys[k], key)) { jfree(o->items[k]); o->items[k] = v; return; }
  char *kc = malloc(strlen(key) + 1);
  if (!kc) abort();
  strcpy(kc, key);
  jpush(o, kc, v);
}

/* Removes key `key` of object `o`. */
static void jdel(jv *o, const char *key) {
  for (size_t k = 0; k < o->n; k++)
    if (!strcmp(o->keys[k], key)) {
      jfree(o->items[k]);
      free(o->keys[k]);
      memmove(o->items + k, o->items + k + 1, (o->n - k - 1) * sizeof *o->items);
      memmove(o->keys + k, o->keys + k + 1, (o->n - k - 1) * sizeof *o->keys);
      o->n--;
      return;
    }
}

/* Reads a whole file; NULL if it cannot. */
static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  if (!s) abort();
  *len = fread(s, 1, (size_t)n, f);
  s[*len] = 0;
  fclose(f);
  return s;
}

#endif
