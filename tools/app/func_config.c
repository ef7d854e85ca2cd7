/*
 * A deployment's func_config.json, read with jansson (which rejects a key
 * given twice and says where JSON breaks) and checked entry by entry, in
 * the file's order: the first problem is the one reported. func_config.h
 * says what the result holds.
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

#include <bsd/string.h>
#include <jansson.h>

#include "faasfuse/function_name.h"
#include "func_config.h"
#include "json_messages.h"

/* At most 255 functions of a few dozen bytes each: 1 MiB is far more. */
#define FUNC_CONFIG_MAX ((size_t)1 << 20)

static const char *const entry_fields[] = {"funcName", "funcId", "minWorkers",
                                           "maxWorkers"};

/* One line "PATH: FIELD: PROBLEM" (or "PATH: PROBLEM") in err; -1. */
static int problem(char *err, size_t errlen, const char *path,
                   const char *field, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (field != NULL)
    snprintf(err, errlen, "%s: %s: %s", path, field, msg);
  else
    snprintf(err, errlen, "%s: %s", path, msg);
  return -1;
}

char *func_config_path(const char *dir) {
  char *p;
  size_t n = strlen(dir);
  bool slash = n > 0 && dir[n - 1] == '/';
  return asprintf(&p, "%s%sfunc_config.json", dir, slash ? "" : "/") < 0
             ? NULL
             : p;
}

/* The file's text. A regular file only: a FIFO would block, and a
 * deployment is files written by faas-app deploy. NULL with err set. */
static char *read_text(const char *path, size_t *len, char *err,
                       size_t errlen) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  struct stat st = {0};
  char *buf = NULL;
  size_t n = 0;

  if (fd < 0) {
    problem(err, errlen, path, NULL, "cannot read it: %s", strerror(errno));
    return NULL;
  }
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    problem(err, errlen, path, NULL, "%s, not a func_config.json file",
            S_ISDIR(st.st_mode) ? "a directory" : "not a regular file");
    return NULL;
  }
  if ((size_t)st.st_size > FUNC_CONFIG_MAX) {
    close(fd);
    problem(err, errlen, path, NULL, "larger than 1 MiB");
    return NULL;
  }
  if ((buf = malloc(FUNC_CONFIG_MAX + 1)) == NULL) {
    close(fd);
    problem(err, errlen, path, NULL, "out of memory");
    return NULL;
  }
  /* Read to the end, one byte past the limit to see a file that grew. */
  for (;;) {
    ssize_t r = read(fd, buf + n, FUNC_CONFIG_MAX + 1 - n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      int e = errno;
      close(fd);
      free(buf);
      problem(err, errlen, path, NULL, "cannot read it: %s", strerror(e));
      return NULL;
    }
    if (r == 0 || (n += (size_t)r) > FUNC_CONFIG_MAX)
      break;
  }
  close(fd);
  if (n > FUNC_CONFIG_MAX) {
    free(buf);
    problem(err, errlen, path, NULL, "larger than 1 MiB");
    return NULL;
  }
  *len = n;
  return buf;
}

static int integer(const char *path, const char *field, json_t *v, long min,
                   long max, long *out, char *err, size_t errlen) {
  if (!json_is_integer(v) || json_integer_value(v) < min ||
      json_integer_value(v) > max)
    return problem(err, errlen, path, field,
                   "expected an integer from %ld to %ld", min, max);
  *out = (long)json_integer_value(v);
  return 0;
}

/* Element i of the array. */
static int check_entry(const char *path, size_t i, json_t *obj,
                       struct func_config_entry *e, char *err, size_t errlen) {
  char where[32], field[64], q[80];
  const char *key;
  json_t *v;

  snprintf(where, sizeof where, "[%zu]", i);
  if (!json_is_object(obj))
    return problem(err, errlen, path, where, "expected an object, not %s",
                   json_type_name(obj));
  json_object_foreach(obj, key, v) {
    size_t k = 0;
    while (k < 4 && strcmp(key, entry_fields[k]) != 0)
      k++;
    if (k == 4) {
      snprintf(field, sizeof field, "%s.%s", where,
               json_shown(q, key, strlen(key)));
      return problem(err, errlen, path, field,
                     "unknown field (the fields are: funcName, funcId, "
                     "minWorkers, maxWorkers)");
    }
  }
#define FIELD(key) (snprintf(field, sizeof field, "%s.%s", where, key), field)
  for (size_t k = 0; k < 2; k++)
    if (json_object_get(obj, entry_fields[k]) == NULL)
      return problem(err, errlen, path, FIELD(entry_fields[k]),
                     "missing (every function needs one)");
  v = json_object_get(obj, "funcName");
  if (!json_is_string(v))
    return problem(err, errlen, path, FIELD("funcName"),
                   "expected a function name (a string), not %s",
                   json_type_name(v));
  const char *s = json_string_value(v);
  size_t len = json_string_length(v);
  switch (faasfuse_judge_name(s, len)) {
  case FAASFUSE_NAME_EMPTY:
    return problem(err, errlen, path, FIELD("funcName"),
                   "empty function name (names match [0-9A-Za-z]+)");
  case FAASFUSE_NAME_TOO_LONG:
    return problem(err, errlen, path, FIELD("funcName"),
                   "function name longer than %d characters",
                   FAASFUSE_NAME_MAX);
  case FAASFUSE_NAME_BAD_CHAR:
    return problem(err, errlen, path, FIELD("funcName"),
                   "bad function name '%s' (names match [0-9A-Za-z]+)",
                   json_shown(q, s, len));
  case FAASFUSE_NAME_OK:
    break;
  }
  e->name = s;
  e->min_workers = e->max_workers = -1;
  if (integer(path, FIELD("funcId"), json_object_get(obj, "funcId"), 1, 255,
              &e->func_id, err, errlen) != 0)
    return -1;
  if ((v = json_object_get(obj, "minWorkers")) != NULL &&
      integer(path, FIELD("minWorkers"), v, 0, INT32_MAX, &e->min_workers,
              err, errlen) != 0)
    return -1;
  if ((v = json_object_get(obj, "maxWorkers")) != NULL &&
      integer(path, FIELD("maxWorkers"), v, 1, INT32_MAX, &e->max_workers,
              err, errlen) != 0)
    return -1;
  if (e->max_workers >= 0 && e->min_workers > e->max_workers)
    return problem(err, errlen, path, FIELD("maxWorkers"),
                   "%ld is less than minWorkers %ld", e->max_workers,
                   e->min_workers);
#undef FIELD
  return 0;
}

int func_config_load(struct func_config *fc, const char *path, char *err,
                     size_t errlen) {
  json_error_t jerr;
  json_t *root, *v;
  size_t len, i;
  char *text;

  memset(fc, 0, sizeof *fc);
  if ((fc->path = strdup(path)) == NULL)
    return problem(err, errlen, path, NULL, "out of memory");
  if ((text = read_text(path, &len, err, errlen)) == NULL)
    return -1;
  root = fc->json = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
  free(text);
  if (root == NULL) {
    char q[80];
    snprintf(err, errlen, "%s:%d:%d: invalid JSON: %s", path, jerr.line,
             jerr.column, json_shown(q, jerr.text, strlen(jerr.text)));
    return -1;
  }
  if (!json_is_array(root))
    return problem(err, errlen, path, NULL,
                   "expected an array of functions ({\"funcName\": ..., "
                   "\"funcId\": ...}) at the top level, not %s",
                   json_type_name(root));
  fc->entries = calloc(json_array_size(root) + 1, sizeof *fc->entries);
  if (fc->entries == NULL)
    return problem(err, errlen, path, NULL, "out of memory");
  json_array_foreach(root, i, v) {
    struct func_config_entry *e = &fc->entries[i];
    char field[64];
    if (check_entry(path, i, v, e, err, errlen) != 0)
      return -1;
    for (size_t j = 0; j < i; j++) {
      if (strcmp(fc->entries[j].name, e->name) == 0) {
        snprintf(field, sizeof field, "[%zu].funcName", i);
        return problem(err, errlen, path, field,
                       "'%s' is also the funcName of [%zu]", e->name, j);
      }
      if (fc->entries[j].func_id == e->func_id) {
        snprintf(field, sizeof field, "[%zu].funcId", i);
        return problem(err, errlen, path, field,
                       "%ld is also the funcId of [%zu] (%s)", e->func_id, j,
                       fc->entries[j].name);
      }
    }
    fc->n++;
  }
  return 0;
}

int func_config_match_app(const struct func_config *fc, const struct app *app,
                          char *err, size_t errlen) {
  for (size_t i = 0; i < fc->n; i++) {
    const struct func_config_entry *e = &fc->entries[i];
    const struct app_function *f = app_find(app, e->name);
    char where[32];
    snprintf(where, sizeof where, "[%zu]", i);
    if (f == NULL)
      return problem(err, errlen, fc->path, where,
                     "%s is not a function of %s", e->name, app->path);
    if (f->func_id != e->func_id)
      return problem(err, errlen, fc->path, where,
                     "%s has funcId %ld, %s says %ld", e->name, e->func_id,
                     app->path, f->func_id);
  }
  return 0;
}

const struct func_config_entry *func_config_find(const struct func_config *fc,
                                                 const char *name) {
  for (size_t i = 0; name != NULL && i < fc->n; i++)
    if (strcmp(fc->entries[i].name, name) == 0)
      return &fc->entries[i];
  return NULL;
}

void func_config_free(struct func_config *fc) {
  free(fc->entries);
  if (fc->json != NULL)
    json_decref(fc->json);
  free(fc->path);
  memset(fc, 0, sizeof *fc);
}
