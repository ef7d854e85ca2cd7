/*
 * A deployment's func_config.json: Nightcore's list of the functions it
 * runs, a JSON array of
 *
 *   {"funcName": NAME, "funcId": 1..255, "minWorkers": N, "maxWorkers": N}
 *
 * (the last two optional). func_config_load checks it as Nightcore's
 * FuncConfig::Load does, and more strictly (an unknown key is an error), and
 * says the first problem in one line that names the entry:
 *
 *   deploy/func_config.json: [1].funcId: expected an integer from 1 to 255
 *
 * Used by faas-run --app, which runs a directory holding one as a
 * deployment (README.md, "Running it: faas-run --app").
 */
#ifndef FAASFUSE_APP_FUNC_CONFIG_H
#define FAASFUSE_APP_FUNC_CONFIG_H

#include <stddef.h>

#include "manifest.h"

struct func_config_entry {
  const char *name; /* funcName */
  long func_id;     /* 1..255 */
  long min_workers; /* -1 when not given */
  long max_workers; /* -1 when not given */
};

struct func_config {
  char *path;                        /* as given */
  struct func_config_entry *entries; /* in the file's order */
  size_t n;
  void *json; /* the parsed document; the names point into it */
};

/* "DIR/func_config.json" (malloc'd), or NULL when out of memory. */
char *func_config_path(const char *dir);

/* Reads and checks the file at path. 0, or -1 with one line in err:
 * "PATH: [I].FIELD: PROBLEM" (or "PATH:LINE:COLUMN: invalid JSON: ..."). */
int func_config_load(struct func_config *fc, const char *path, char *err,
                     size_t errlen);

/* Every entry is a function of app with the same funcId. 0, or -1 with
 * one line in err: "PATH: [I]: Log has funcId 5, app.json says 4". */
int func_config_match_app(const struct func_config *fc, const struct app *app,
                          char *err, size_t errlen);

/* The entry called name, or NULL. */
const struct func_config_entry *func_config_find(const struct func_config *fc,
                                                 const char *name);

void func_config_free(struct func_config *fc);

#endif
