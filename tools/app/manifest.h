/*
 * The application manifest (app.json): the functions of a Nightcore
 * application, each with its sources, flags, link inputs, Nightcore worker
 * settings and whether it is public. README.md, "Merging an application",
 * is the reference of the format; app_load checks all of it and says the
 * first problem in one line that names the field:
 *
 *   app.json: functions[2].funcId: expected an integer from 1 to 255
 *
 * Used by faas-run --app (which loads DIR/NAME.so for each function) and
 * faas-app (check, build). Paths in the manifest are relative to its
 * directory (app->dir), and are kept as written.
 */
#ifndef FAASFUSE_APP_MANIFEST_H
#define FAASFUSE_APP_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

struct app_strings {
  const char **v;
  size_t n;
};

struct app_function {
  const char *name;
  struct app_strings sources; /* at least one: .c .cc .cpp .cxx .C .ll .bc */
  struct app_strings cflags;  /* compile flags, one per element */
  struct app_strings link;    /* link inputs: -lx, -Ldir, -Wl,..., paths */
  struct app_strings calls;   /* names it may invoke at run time (a hint) */
  long func_id;               /* 1..255 */
  long min_workers;           /* -1 when not given */
  long max_workers;           /* -1 when not given */
  bool is_public;             /* called from outside (through the gateway) */
};

struct app {
  char *path; /* as given */
  char *dir;  /* its directory, "." for a bare file name */
  struct app_strings cflags; /* for every function, before its own */
  struct app_strings link;   /* for every function, after its own */
  struct app_function *funcs; /* in the manifest's order */
  size_t nfuncs;
  size_t funcs_cap; /* entries allocated (app_free's) */
  void *json; /* the parsed document; every string above points into it */
};

/* Reads and checks the manifest at path. 0, or -1 with one line in err:
 * "PATH: FIELD: PROBLEM" (or "PATH:LINE:COLUMN: invalid JSON: ..."). */
int app_load(struct app *app, const char *path, char *err, size_t errlen);
void app_free(struct app *app);

/* The function called name, or NULL. */
const struct app_function *app_find(const struct app *app, const char *name);

/* The library of function f in directory dir: "DIR/NAME.so" (malloc'd), or
 * NULL when out of memory. */
char *app_library_path(const char *dir, const struct app_function *f);

/* The default library directory, "<the manifest's directory>/lib". */
char *app_default_library_dir(const struct app *app);

#endif
