/*
 * The application manifest: reading app.json with jansson (which rejects a
 * key given twice and says where JSON breaks) and checking it field by
 * field. The first problem found, in the manifest's order, is the one
 * reported. manifest.h says what the result holds; README.md ("Merging an
 * application") is the reference of the format.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>
#include <jansson.h>

#include "faasfuse/function_name.h"
#include "manifest.h"
#include "json_messages.h"

/* A manifest is text a person writes: 16 MiB is far more than any. */
#define MANIFEST_MAX ((size_t)16 << 20)

static const char *const function_fields[] = {
    "name",       "sources",    "cflags", "link", "funcId",
    "minWorkers", "maxWorkers", "public", "calls"};
static const char *const top_fields[] = {"functions", "cflags", "link"};

/* Checking: the manifest's path for messages, where the error goes, and the
 * path of the field being checked ("functions[2].funcId"). */
struct check {
  const char *path;
  char *err;
  size_t errlen;
};

static int problem(struct check *c, const char *field, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (field != NULL && field[0] != '\0')
    snprintf(c->err, c->errlen, "%s: %s: %s", c->path, field, msg);
  else
    snprintf(c->err, c->errlen, "%s: %s", c->path, msg);
  return -1;
}

/* Unknown keys of obj, against the known ones. */
static int known_fields(struct check *c, const char *where, json_t *obj,
                        const char *const *known, size_t nknown) {
  const char *key;
  json_t *v;
  json_object_foreach(obj, key, v) {
    size_t i = 0;
    while (i < nknown && strcmp(key, known[i]) != 0)
      i++;
    if (i < nknown)
      continue;
    char field[600], list[256] = "", q[80];
    for (i = 0; i < nknown; i++) {
      strlcat(list, i ? ", " : "", sizeof list);
      strlcat(list, known[i], sizeof list);
    }
    snprintf(field, sizeof field, "%s%s%s", where, where[0] ? "." : "",
             json_shown(q, key, strlen(key)));
    return problem(c, field, "unknown field (the fields are: %s)", list);
  }
  return 0;
}

/* A flag or a link input: one argument, not empty, no white space (the
 * driver splits its --cflags and --ldflags on white space). */
static int check_word(struct check *c, const char *field, const char *s) {
  if (s[0] == '\0')
    return problem(c, field, "expected a flag, not an empty string");
  if (strpbrk(s, " \t\n\r\v\f") != NULL)
    return problem(c, field,
                   "white space in a flag (give each flag as an element of "
                   "its own)");
  return 0;
}

enum list_kind { LIST_SOURCES, LIST_FLAGS, LIST_NAMES };

/* An array of strings at field; empty allowed unless sources. */
static int string_list(struct check *c, const char *field, json_t *v,
                       enum list_kind kind, struct app_strings *out) {
  static const char *const what[] = {"an array of source paths",
                                     "an array of strings",
                                     "an array of function names"};
  char elem[640], q[80];
  size_t i;
  json_t *e;

  if (!json_is_array(v))
    return problem(c, field, "expected %s, not %s", what[kind], json_type_name(v));
  if (kind == LIST_SOURCES && json_array_size(v) == 0)
    return problem(c, field, "expected at least one source");
  out->v = reallocarray(NULL, json_array_size(v) + 1, sizeof *out->v);
  if (out->v == NULL)
    return problem(c, NULL, "out of memory");
  out->n = 0;
  json_array_foreach(v, i, e) {
    snprintf(elem, sizeof elem, "%s[%zu]", field, i);
    if (!json_is_string(e))
      return problem(c, elem, "expected a string, not %s", json_type_name(e));
    const char *s = json_string_value(e);
    size_t len = json_string_length(e);
    if (kind == LIST_SOURCES) {
      static const char *const exts[] = {".c", ".cc", ".cpp", ".cxx",
                                         ".C", ".rs", ".ll", ".bc"};
      size_t k = 0;
      if (len == 0)
        return problem(c, elem, "expected a path, not an empty string");
      while (k < sizeof exts / sizeof *exts &&
             (len <= strlen(exts[k]) ||
              strcmp(s + len - strlen(exts[k]), exts[k]) != 0))
        k++;
      if (k == sizeof exts / sizeof *exts)
        return problem(c, elem,
                       "'%s': unknown source kind (expected .c, .cc, .cpp, "
                       ".cxx, .C, .rs, .ll or .bc)",
                       json_shown(q, s, len));
      /* A Rust function is one crate: its root is its only .rs source. */
      if (len > 3 && strcmp(s + len - 3, ".rs") == 0)
        for (size_t j = 0; j < out->n; j++) {
          size_t lj = strlen(out->v[j]);
          if (lj > 3 && strcmp(out->v[j] + lj - 3, ".rs") == 0)
            return problem(c, elem,
                           "'%s': a function has at most one .rs source (its "
                           "crate root, also %s[%zu]; modules come in by mod)",
                           json_shown(q, s, len), field, j);
        }
      if (strchr(s, ',') != NULL)
        return problem(c, elem,
                       "'%s': a path with a comma cannot be built (the "
                       "driver separates sources with commas)",
                       json_shown(q, s, len));
    } else if (kind == LIST_FLAGS && check_word(c, elem, s) != 0) {
      return -1;
    }
    for (size_t j = 0; j < out->n; j++)
      if (strcmp(out->v[j], s) == 0)
        return problem(c, elem, "'%s' is listed twice (also %s[%zu])",
                       json_shown(q, s, len), field, j);
    out->v[out->n++] = s;
  }
  return 0;
}

static int integer(struct check *c, const char *field, json_t *v, long min,
                   long max, long *out) {
  if (!json_is_integer(v) || json_integer_value(v) < min ||
      json_integer_value(v) > max)
    return problem(c, field, "expected an integer from %ld to %ld", min, max);
  *out = (long)json_integer_value(v);
  return 0;
}

static int function_name(struct check *c, const char *field, json_t *v,
                         const char **out) {
  char q[80];
  if (!json_is_string(v))
    return problem(c, field, "expected a function name (a string), not %s",
                   json_type_name(v));
  const char *s = json_string_value(v);
  size_t len = json_string_length(v);
  switch (faasfuse_judge_name(s, len)) {
  case FAASFUSE_NAME_EMPTY:
    return problem(c, field, "empty function name (names match [0-9A-Za-z]+)");
  case FAASFUSE_NAME_TOO_LONG:
    return problem(c, field, "function name longer than %d characters",
                   FAASFUSE_NAME_MAX);
  case FAASFUSE_NAME_BAD_CHAR:
    return problem(c, field, "bad function name '%s' (names match "
                             "[0-9A-Za-z]+)",
                   json_shown(q, s, len));
  case FAASFUSE_NAME_OK:
    break;
  }
  *out = s;
  return 0;
}

/* One element of "functions": everything but "calls", which needs every
 * name (check_calls). */
static int check_function(struct check *c, size_t i, json_t *obj,
                          struct app_function *f) {
  char where[32], field[64];
  json_t *v;

  snprintf(where, sizeof where, "functions[%zu]", i);
  if (!json_is_object(obj))
    return problem(c, where, "expected an object, not %s", json_type_name(obj));
  if (known_fields(c, where, obj, function_fields,
                   sizeof function_fields / sizeof *function_fields) != 0)
    return -1;
  static const char *const required[] = {"name", "sources", "funcId"};
  for (size_t k = 0; k < 3; k++)
    if (json_object_get(obj, required[k]) == NULL) {
      snprintf(field, sizeof field, "%s.%s", where, required[k]);
      return problem(c, field, "missing (every function needs one)");
    }
#define FIELD(key) (snprintf(field, sizeof field, "%s.%s", where, key), field)
  if (function_name(c, FIELD("name"), json_object_get(obj, "name"),
                    &f->name) != 0 ||
      string_list(c, FIELD("sources"), json_object_get(obj, "sources"),
                  LIST_SOURCES, &f->sources) != 0 ||
      integer(c, FIELD("funcId"), json_object_get(obj, "funcId"), 1, 255,
              &f->func_id) != 0)
    return -1;
  f->min_workers = f->max_workers = -1;
  if ((v = json_object_get(obj, "cflags")) != NULL &&
      string_list(c, FIELD("cflags"), v, LIST_FLAGS, &f->cflags) != 0)
    return -1;
  if ((v = json_object_get(obj, "link")) != NULL &&
      string_list(c, FIELD("link"), v, LIST_FLAGS, &f->link) != 0)
    return -1;
  if ((v = json_object_get(obj, "minWorkers")) != NULL &&
      integer(c, FIELD("minWorkers"), v, 0, INT32_MAX, &f->min_workers) != 0)
    return -1;
  if ((v = json_object_get(obj, "maxWorkers")) != NULL &&
      integer(c, FIELD("maxWorkers"), v, 1, INT32_MAX, &f->max_workers) != 0)
    return -1;
  if (f->max_workers >= 0 && f->min_workers > f->max_workers)
    return problem(c, FIELD("maxWorkers"), "%ld is less than minWorkers %ld",
                   f->max_workers, f->min_workers);
  if ((v = json_object_get(obj, "public")) != NULL) {
    if (!json_is_boolean(v))
      return problem(c, FIELD("public"), "expected true or false, not %s",
                     json_type_name(v));
    f->is_public = json_is_true(v);
  }
#undef FIELD
  return 0;
}

/* "calls": names of functions of this app. */
static int check_calls(struct check *c, const struct app *app, size_t i,
                       json_t *obj, struct app_function *f) {
  char field[64], elem[96], q[80];
  json_t *v = json_object_get(obj, "calls");
  if (v == NULL)
    return 0;
  snprintf(field, sizeof field, "functions[%zu].calls", i);
  if (string_list(c, field, v, LIST_NAMES, &f->calls) != 0)
    return -1;
  for (size_t k = 0; k < f->calls.n; k++)
    if (app_find(app, f->calls.v[k]) == NULL) {
      snprintf(elem, sizeof elem, "%s[%zu]", field, k);
      return problem(c, elem, "'%s' is not a function of this app",
                     json_shown(q, f->calls.v[k], strlen(f->calls.v[k])));
    }
  return 0;
}

static int check_app(struct check *c, json_t *root, struct app *app) {
  json_t *fns, *v;
  size_t i;

  if (!json_is_object(root))
    return problem(c, NULL, "expected an object at the top level, not %s "
                            "(README.md, \"Merging an application\")",
                   json_type_name(root));
  if (known_fields(c, "", root, top_fields,
                   sizeof top_fields / sizeof *top_fields) != 0)
    return -1;
  if ((fns = json_object_get(root, "functions")) == NULL)
    return problem(c, "functions", "missing (the app's functions)");
  if (!json_is_array(fns))
    return problem(c, "functions", "expected an array of functions, not %s",
                   json_type_name(fns));
  if (json_array_size(fns) == 0)
    return problem(c, "functions", "expected at least one function");
  if ((v = json_object_get(root, "cflags")) != NULL &&
      string_list(c, "cflags", v, LIST_FLAGS, &app->cflags) != 0)
    return -1;
  if ((v = json_object_get(root, "link")) != NULL &&
      string_list(c, "link", v, LIST_FLAGS, &app->link) != 0)
    return -1;
  app->funcs = calloc(json_array_size(fns), sizeof *app->funcs);
  if (app->funcs == NULL)
    return problem(c, NULL, "out of memory");
  app->funcs_cap = json_array_size(fns);
  json_array_foreach(fns, i, v) {
    struct app_function *f = &app->funcs[i];
    char field[64];
    if (check_function(c, i, v, f) != 0)
      return -1;
    for (size_t j = 0; j < i; j++) {
      if (strcmp(app->funcs[j].name, f->name) == 0) {
        snprintf(field, sizeof field, "functions[%zu].name", i);
        return problem(c, field, "'%s' is also the name of functions[%zu]",
                       f->name, j);
      }
      if (app->funcs[j].func_id == f->func_id) {
        snprintf(field, sizeof field, "functions[%zu].funcId", i);
        return problem(c, field, "%ld is also the funcId of functions[%zu] "
                                 "(%s)",
                       f->func_id, j, app->funcs[j].name);
      }
    }
    app->nfuncs++;
  }
  json_array_foreach(fns, i, v) {
    if (check_calls(c, app, i, v, &app->funcs[i]) != 0)
      return -1;
  }
  for (i = 0; i < app->nfuncs && !app->funcs[i].is_public; i++)
    ;
  if (i == app->nfuncs)
    return problem(c, "functions", "no function is public (mark the ones "
                                   "called from outside \"public\": true)");
  return 0;
}

/* The manifest's text: a file (or a pipe) of at most MANIFEST_MAX bytes. */
static char *read_manifest(struct check *c, size_t *len) {
  int fd = open(c->path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  char *buf = NULL;
  size_t n = 0, cap = 0;

  if (fd < 0) {
    problem(c, NULL, "cannot read the manifest: %s", strerror(errno));
    return NULL;
  }
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    close(fd);
    problem(c, NULL, "is a directory, not a manifest");
    return NULL;
  }
  for (;;) {
    if (n == cap) {
      char *p = cap < MANIFEST_MAX + 1 ? realloc(buf, cap = cap ? cap * 2 : 4096)
                                       : NULL;
      if (p == NULL) {
        close(fd);
        free(buf);
        problem(c, NULL, cap > MANIFEST_MAX ? "larger than 16 MiB"
                                            : "out of memory");
        return NULL;
      }
      buf = p;
    }
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      int e = errno;
      close(fd);
      free(buf);
      problem(c, NULL, "cannot read the manifest: %s", strerror(e));
      return NULL;
    }
    if (r == 0)
      break;
    n += (size_t)r;
  }
  close(fd);
  *len = n;
  return buf;
}

int app_load(struct app *app, const char *path, char *err, size_t errlen) {
  struct check c = {.path = path, .err = err, .errlen = errlen};
  json_error_t jerr;
  size_t len;
  char *text;

  memset(app, 0, sizeof *app);
  app->path = strdup(path);
  const char *slash = strrchr(path, '/');
  app->dir = slash == NULL   ? strdup(".")
             : slash == path ? strdup("/")
                             : strndup(path, (size_t)(slash - path));
  if (app->path == NULL || app->dir == NULL)
    return problem(&c, NULL, "out of memory");
  if ((text = read_manifest(&c, &len)) == NULL)
    return -1;
  app->json = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
  free(text);
  if (app->json == NULL) {
    char q[80];
    snprintf(err, errlen, "%s:%d:%d: invalid JSON: %s", path, jerr.line,
             jerr.column, json_shown(q, jerr.text, strlen(jerr.text)));
    return -1;
  }
  return check_app(&c, app->json, app);
}

void app_free(struct app *app) {
  for (size_t i = 0; i < app->funcs_cap; i++) {
    free(app->funcs[i].sources.v);
    free(app->funcs[i].cflags.v);
    free(app->funcs[i].link.v);
    free(app->funcs[i].calls.v);
  }
  free(app->funcs);
  free(app->cflags.v);
  free(app->link.v);
  if (app->json != NULL)
    json_decref(app->json);
  free(app->path);
  free(app->dir);
  memset(app, 0, sizeof *app);
}

const struct app_function *app_find(const struct app *app, const char *name) {
  for (size_t i = 0; name != NULL && i < app->nfuncs; i++)
    if (strcmp(app->funcs[i].name, name) == 0)
      return &app->funcs[i];
  return NULL;
}

char *app_library_path(const char *dir, const struct app_function *f) {
  char *p;
  size_t n = strlen(dir);
  bool slash = n > 0 && dir[n - 1] == '/';
  return asprintf(&p, "%s%s%s.so", dir, slash ? "" : "/", f->name) < 0 ? NULL
                                                                       : p;
}

char *app_default_library_dir(const struct app *app) {
  char *p;
  return asprintf(&p, "%s/lib", app->dir) < 0 ? NULL : p;
}
