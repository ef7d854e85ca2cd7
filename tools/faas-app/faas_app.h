/*
 * What the commands of faas-app share (faas-app.c): one-line errors, the
 * output rules (never a device, a directory or one of its inputs), and
 * running faas-merge.
 */
#ifndef FAASFUSE_FAAS_APP_H
#define FAASFUSE_FAAS_APP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "manifest.h"

enum { EXIT_ERROR = 1, EXIT_USAGE = 2 };

/* "faas-app: ..." on stderr; returns status. */
int complain(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* An input of a command: what it is (for the message), and its identity. */
struct input {
  char what[320];
  char path[PATH_MAX];
  dev_t dev;
  ino_t ino;
};

/* Adds path to the inputs when it exists. 0, or -1 out of memory. */
int add_input(struct input **v, size_t *n, const char *path,
              const char *what_fmt, ...) __attribute__((format(printf, 4, 5)));

/* Every file a build of the app reads that the manifest names. */
int collect_inputs(const struct app *app, struct input **v, size_t *n);

/* out: nothing, a regular file or a symbolic link to one; no input. Its
 * identity in *dev and *ino (0 when it does not exist). 0, or an exit
 * status (said). */
int check_output(const char *out, const struct input *in, size_t nin,
                 dev_t *dev, ino_t *ino);

/* Writes data to out (checked with check_output) under a temporary name in
 * its directory, then renames it over out (or over the file a symbolic
 * link out names). 0, or an exit status (said). */
int write_file_replacing(const char *out, const char *data, size_t len);

/* An argument that no option of command cmd took: the manifest's path, into
 * *path; an unknown option or a second path is a usage error (said). 0, or
 * EXIT_USAGE. */
int take_operand(const char *a, const char **path, const char *cmd);

/* mkdir -p dir: 0, or -1 with errno. */
int make_dirs(const char *dir);

/* A manifest path: as written when absolute, else in the manifest's
 * directory. */
void in_app_dir(char out[PATH_MAX], const struct app *app, const char *p);

/* A growing argument vector, NULL-terminated. */
struct argv {
  char **v;
  size_t n;
};
/* Appends a copy of s: 0, or -1 out of memory. */
int push(struct argv *a, const char *s);
/* Appends "OPT VALUE" for each value of v: 0, or -1 out of memory. */
int push_each(struct argv *a, const char *opt, const struct app_strings *v);
void argv_free(struct argv *a);

/* The tool called name beside this program (an installed tree, or the
 * build's bin/), else the repository's scripts/name. */
void find_tool(const char *name, char out[PATH_MAX]);

/* "NAME=SRC,SRC..." of function f, as faas-merge's --entry and --func
 * take it (malloc'd), or NULL when out of memory. */
char *function_sources(const struct app_function *f);

/* The last line of the len bytes at text, trailing newlines left out: its
 * length, and where it starts in *start (0 for an empty text). */
size_t last_line(const char *text, size_t len, size_t *start);

/* Runs faas-merge (argv) in dir. Its warnings pass through; when it fails,
 * its last line is said as "faas-app: WHAT: why". 0, or EXIT_ERROR. */
int run_faas_merge(const char *dir, char **argv, const char *what);

#endif
