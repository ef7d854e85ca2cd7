/*
 * faas-app: the application manifest's command line.
 *
 *   faas-app check APP.json
 *   faas-app build [-o DIR] [--llvm-version N] [-v] APP.json
 *   faas-app plan ... (plan_command.c)
 *   faas-app deploy ... (deploy.c)
 *
 * check reads and checks the manifest (tools/app/manifest.c) and prints
 * nothing when it is right. build builds every function of the manifest on
 * its own, unmerged, with the driver (faas-merge --entry NAME=SOURCES, its
 * cflags and link inputs), into DIR/NAME.so: the libraries faas-run --app
 * loads; beside each, DIR/NAME.callgraph.json, the function's call graph
 * (faas-merge --callgraph), so that a planner reads the calls of every
 * function without compiling anything. DIR defaults to lib/ in the
 * manifest's directory and is made (with its parents) if missing; the
 * driver runs in the manifest's directory, so that relative paths in the
 * manifest (sources, flags, link inputs) are relative to it.
 *
 * faas-app may run as root, so before it builds anything it checks every
 * output as faas-merge does: DIR must be a directory, and each DIR/NAME.so
 * and DIR/NAME.callgraph.json that exists a regular file (a symbolic link
 * to one is followed), never the manifest or an input of any function of
 * the app (by any name), and no two the same file. faas-merge then writes
 * each under a temporary name and renames it.
 *
 * Exit status: 0 done; 2 a usage error or a bad manifest; 1 any other
 * error (an output, a build). Each error is one line on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "faasfuse/function_name.h"
#include "deploy.h"
#include "faas_app.h"
#include "manifest.h"
#include "plan_command.h"

#define USAGE                                                                  \
  "usage: faas-app check APP.json\n"                                           \
  "       faas-app build [-o DIR] [--llvm-version N] [-v] APP.json\n"          \
  "       faas-app plan [--lib-dir DIR] [--profile FILE]... "                  \
  "[--weigh calls|bytes]\n"                                                    \
  "                     [LIMITS] [-o PLAN.json] APP.json\n"                    \
  "       faas-app plan --graph GRAPH.json [LIMITS] [-o PLAN.json]\n"          \
  "       faas-app deploy [-o DIR] [--lib-dir DIR] --requests ENTRY=FILE...\n" \
  "                       [--llvm-version N] [-O0..-O3] [-v] [--profile "      \
  "FILE]...\n"                                                                 \
  "                       [--weigh calls|bytes] [LIMITS] APP.json\n"           \
  "  LIMITS: [--max-functions N] [--max-code-size BYTES[k|M|G]] "              \
  "[--never NAME]...\n"                                                        \
  "          [--exact-up-to N]\n"                                              \
  "\n"                                                                         \
  "check   reads the application manifest and says its first problem, if "    \
  "any\n"                                                                      \
  "build   builds each function of it on its own (unmerged) with faas-merge\n" \
  "        into DIR/NAME.so (the libraries faas-run --app APP.json loads)\n"   \
  "        and its call graph into DIR/NAME.callgraph.json\n"                  \
  "  -o DIR            where they go (default: lib/ beside APP.json)\n"        \
  "  --llvm-version N  the LLVM faas-merge uses (default " FAASFUSE_LLVM      \
  ")\n"                                                                        \
  "  -v                faas-merge prints every command\n"                     \
  "plan    says which functions to merge into which library, as a table\n"    \
  "        (and with -o as JSON), from what build left in --lib-dir DIR\n"    \
  "        (default lib/ beside APP.json), or from a graph file\n"            \
  "  --profile FILE    weigh calls by a faas-run --profile (one per entry)\n" \
  "  --weigh calls|bytes  what a profile's edge weighs (default calls)\n"     \
  "  --max-functions N, --max-code-size BYTES  limits per library\n"          \
  "  --never NAME      never merge NAME into another function's library\n"    \
  "  --exact-up-to N   search exactly up to N parts, else greedily (default " \
  "20)\n"                                                                      \
  "deploy  plans, builds each library, writes DIR (default deploy/ beside\n"  \
  "        APP.json: the libraries, func_config.json, launch.sh, plan.json)\n" \
  "        after checking it answers every --requests file as the unmerged\n" \
  "        build does, in one process and with --ipc\n"                       \
  "The manifest's format, the plan and the deployment: README.md,\n"         \
  "\"Merging an application\".\n"                                            \
  "Exit status: 0 done, 2 usage error or bad manifest, 1 any other error.\n"

int complain(int status, const char *fmt, ...) {
  va_list ap;
  fputs("faas-app: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return status;
}

/* ------------------------------------------------------------------------ */
/* Outputs                                                                   */

static const char *kind_of(mode_t m) {
  return S_ISBLK(m)    ? "a block device"
         : S_ISCHR(m)  ? "a character device"
         : S_ISFIFO(m) ? "a FIFO"
         : S_ISSOCK(m) ? "a socket"
         : S_ISDIR(m)  ? "a directory"
                       : "not a regular file";
}

/* A manifest path: as written when absolute, else in the manifest's
 * directory. */
void in_app_dir(char out[PATH_MAX], const struct app *app,
                       const char *p) {
  if (p[0] == '/')
    strlcpy(out, p, PATH_MAX);
  else
    snprintf(out, PATH_MAX, "%s/%s", app->dir, p);
}

int add_input(struct input **v, size_t *n, const char *path,
                     const char *what_fmt, ...) {
  struct stat st;
  va_list ap;
  if (stat(path, &st) != 0)
    return 0; /* not there: nothing to protect; faas-merge will say so */
  struct input *p = reallocarray(*v, *n + 1, sizeof **v);
  if (p == NULL)
    return -1;
  *v = p;
  p = &p[(*n)++];
  va_start(ap, what_fmt);
  vsnprintf(p->what, sizeof p->what, what_fmt, ap);
  va_end(ap);
  strlcpy(p->path, path, sizeof p->path);
  p->dev = st.st_dev;
  p->ino = st.st_ino;
  return 0;
}

/* Every file the build reads that a path in the manifest names. */
int collect_inputs(const struct app *app, struct input **v, size_t *n) {
  char p[PATH_MAX];
  if (add_input(v, n, app->path, "the manifest") != 0)
    return -1;
  for (size_t i = 0; i < app->nfuncs; i++) {
    const struct app_function *f = &app->funcs[i];
    for (size_t k = 0; k < f->sources.n; k++) {
      in_app_dir(p, app, f->sources.v[k]);
      if (add_input(v, n, p, "a source of %s", f->name) != 0)
        return -1;
    }
    for (size_t k = 0; k < f->link.n; k++) {
      if (f->link.v[k][0] == '-')
        continue;
      in_app_dir(p, app, f->link.v[k]);
      if (add_input(v, n, p, "a link input of %s", f->name) != 0)
        return -1;
    }
  }
  for (size_t k = 0; k < app->link.n; k++) {
    if (app->link.v[k][0] == '-')
      continue;
    in_app_dir(p, app, app->link.v[k]);
    if (add_input(v, n, p, "a link input of the app") != 0)
      return -1;
  }
  return 0;
}

/* DIR: a directory, or nothing yet (made later). 1 if it must be made. */
static int check_dir(const char *dir, int *make) {
  struct stat st;
  *make = 0;
  if (lstat(dir, &st) != 0) {
    if (errno != ENOENT)
      return complain(EXIT_ERROR, "%s: %s", dir, strerror(errno));
    *make = 1;
    return 0;
  }
  if (S_ISLNK(st.st_mode)) {
    if (stat(dir, &st) != 0)
      return complain(EXIT_ERROR,
                      "%s: a symbolic link to nothing, not a directory", dir);
    if (!S_ISDIR(st.st_mode))
      return complain(EXIT_ERROR, "%s: a symbolic link to %s, not a directory",
                      dir, S_ISREG(st.st_mode) ? "a regular file"
                                               : kind_of(st.st_mode));
    return 0;
  }
  if (!S_ISDIR(st.st_mode))
    return complain(EXIT_ERROR, "%s: is %s, not a directory", dir,
                    S_ISREG(st.st_mode) ? "a regular file"
                                        : kind_of(st.st_mode));
  return 0;
}

/* mkdir -p dir. */
int make_dirs(const char *dir) {
  char p[PATH_MAX];
  if (strlcpy(p, dir, sizeof p) >= sizeof p) {
    errno = ENAMETOOLONG;
    return -1;
  }
  for (char *s = p + 1;; s++) {
    if (*s != '/' && *s != '\0')
      continue;
    char c = *s;
    *s = '\0';
    if (mkdir(p, 0777) != 0 && errno != EEXIST)
      return -1;
    *s = c;
    if (c == '\0')
      return 0;
  }
}

/* out: nothing, a regular file, or a symbolic link to one; no input. Its
 * identity goes to *dev and *ino (0 when it does not exist). */
int check_output(const char *out, const struct input *in, size_t nin,
                        dev_t *dev, ino_t *ino) {
  struct stat st;
  *dev = 0;
  *ino = 0;
  if (lstat(out, &st) != 0)
    return errno == ENOENT ? 0 : complain(EXIT_ERROR, "%s: %s", out,
                                          strerror(errno));
  if (S_ISLNK(st.st_mode)) {
    if (stat(out, &st) != 0)
      return complain(EXIT_ERROR,
                      "%s: a symbolic link to nothing; faas-app follows a "
                      "link only to a regular file",
                      out);
    if (!S_ISREG(st.st_mode))
      return complain(EXIT_ERROR,
                      "%s: a symbolic link to %s, not a regular file; "
                      "faas-app writes only regular files",
                      out, kind_of(st.st_mode));
  } else if (!S_ISREG(st.st_mode)) {
    return complain(EXIT_ERROR,
                    "%s: is %s, not a regular file; faas-app writes only "
                    "regular files",
                    out, kind_of(st.st_mode));
  }
  for (size_t k = 0; k < nin; k++)
    if (in[k].dev == st.st_dev && in[k].ino == st.st_ino)
      return complain(EXIT_ERROR,
                      "%s: is %s (%s); faas-app never writes over its inputs",
                      out, in[k].what, in[k].path);
  *dev = st.st_dev;
  *ino = st.st_ino;
  return 0;
}

int write_file_replacing(const char *out, const char *data, size_t len) {
  char target[PATH_MAX], tmp[PATH_MAX + 16];
  struct stat st;
  /* A symbolic link (to a regular file: check_output said so) stays; the
   * file it names is replaced. */
  if (lstat(out, &st) == 0 && S_ISLNK(st.st_mode)) {
    if (realpath(out, target) == NULL)
      return complain(EXIT_ERROR, "%s: %s", out, strerror(errno));
  } else if (strlcpy(target, out, sizeof target) >= sizeof target) {
    return complain(EXIT_ERROR, "%s: %s", out, strerror(ENAMETOOLONG));
  }
  snprintf(tmp, sizeof tmp, "%s.XXXXXX", target);
  int fd = mkstemp(tmp);
  if (fd < 0)
    return complain(EXIT_ERROR, "%s: cannot write beside it: %s", out,
                    strerror(errno));
  bool ok = fchmod(fd, 0644) == 0;
  for (size_t done = 0; ok && done < len;) {
    ssize_t w = write(fd, data + done, len - done);
    if (w < 0 && errno == EINTR)
      continue;
    ok = w > 0;
    done += w > 0 ? (size_t)w : 0;
  }
  int err = errno;
  if (close(fd) != 0 && ok)
    ok = false, err = errno;
  if (ok && rename(tmp, target) != 0)
    ok = false, err = errno;
  if (!ok) {
    unlink(tmp);
    return complain(EXIT_ERROR, "%s: %s", out, strerror(err));
  }
  return 0;
}

/* What build writes for each function, in this order: its library and its
 * call graph (faas-merge's -o and --callgraph). */
enum { OUT_LIBRARY, OUT_CALLGRAPH, OUTS_PER_FUNCTION };
static const char *const out_suffix[] = {".so", ".callgraph.json"};
static const char *const out_kind[] = {"library", "call graph"};
static const char *const out_kinds[] = {"libraries", "call graphs"};

/* DIR/NAME<suffix of output k> (malloc'd), or NULL. */
static char *output_path(const char *dir, const struct app_function *f, int k) {
  char *p;
  size_t n = strlen(dir);
  bool slash = n > 0 && dir[n - 1] == '/';
  return asprintf(&p, "%s%s%s%s", dir, slash ? "" : "/", f->name,
                  out_suffix[k]) < 0
             ? NULL
             : p;
}

/* ------------------------------------------------------------------------ */
/* Running faas-merge                                                        */

void find_tool(const char *name, char out[PATH_MAX]) {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash != NULL) {
      *slash = '\0';
      snprintf(out, PATH_MAX, "%s/%s", self, name);
      if (access(out, X_OK) == 0)
        return;
    }
  }
  snprintf(out, PATH_MAX, "%s/scripts/%s", FAASFUSE_SOURCE_DIR, name);
}


int push(struct argv *a, const char *s) {
  char **p = reallocarray(a->v, a->n + 2, sizeof *p);
  if (p == NULL)
    return -1;
  a->v = p;
  if ((p[a->n] = strdup(s)) == NULL)
    return -1;
  p[++a->n] = NULL;
  return 0;
}

int push_each(struct argv *a, const char *opt, const struct app_strings *v) {
  int rc = 0;
  for (size_t k = 0; k < v->n; k++)
    rc |= push(a, opt) | push(a, v->v[k]);
  return rc;
}

void argv_free(struct argv *a) {
  for (size_t i = 0; i < a->n; i++)
    free(a->v[i]);
  free(a->v);
}

/* Runs argv in dir with stderr collected; returns its exit status (or 128 +
 * the signal), and its stderr in *log. */
static int run_in(const char *dir, char **argv, char **log, size_t *loglen) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    return -1;
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return -1;
  }
  if (pid == 0) {
    if (dup2(fds[1], STDERR_FILENO) < 0 || chdir(dir) != 0)
      _exit(126);
    execv(argv[0], argv);
    fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  close(fds[1]);
  char *buf = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    if (len == cap) {
      char *p = realloc(buf, cap = cap ? cap * 2 : 4096);
      if (p == NULL)
        break;
      buf = p;
    }
    ssize_t r = read(fds[0], buf + len, cap - len);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    len += (size_t)r;
  }
  close(fds[0]);
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
    ;
  *log = buf;
  *loglen = buf != NULL ? len : 0;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

char *function_sources(const struct app_function *f) {
  size_t len = strlen(f->name) + 2;
  for (size_t k = 0; k < f->sources.n; k++)
    len += strlen(f->sources.v[k]) + 1;
  char *s = malloc(len);
  if (s == NULL)
    return NULL;
  strlcpy(s, f->name, len);
  strlcat(s, "=", len);
  for (size_t k = 0; k < f->sources.n; k++) {
    if (k > 0)
      strlcat(s, ",", len);
    strlcat(s, f->sources.v[k], len);
  }
  return s;
}

/* Builds function f into out, and its call graph into callgraph (absolute
 * paths), with faas-merge. */
static int build_one(const struct app *app, const struct app_function *f,
                     const char *faas_merge, const char *llvm, bool verbose,
                     const char *out, const char *callgraph) {
  struct argv a = {0};
  int rc = 0;

  char *entry = function_sources(f);
  if (entry == NULL)
    return complain(EXIT_ERROR, "out of memory");
  rc |= push(&a, faas_merge) | push(&a, "--llvm-version") | push(&a, llvm) |
        push(&a, "-o") | push(&a, out) | push(&a, "--callgraph") |
        push(&a, callgraph) | push(&a, "--entry") | push(&a, entry);
  free(entry);
  if (verbose)
    rc |= push(&a, "-v");
  rc |= push_each(&a, "--cflags", &app->cflags) |
        push_each(&a, "--cflags", &f->cflags) |
        push_each(&a, "--ldflags", &f->link) |
        push_each(&a, "--ldflags", &app->link);
  if (rc != 0) {
    argv_free(&a);
    return complain(EXIT_ERROR, "out of memory");
  }

  char what[320];
  snprintf(what, sizeof what, "building %s", f->name);
  rc = run_faas_merge(app->dir, a.v, what);
  argv_free(&a);
  return rc;
}

size_t last_line(const char *text, size_t len, size_t *start) {
  while (len > 0 && text[len - 1] == '\n')
    len--;
  *start = len;
  while (*start > 0 && text[*start - 1] != '\n')
    (*start)--;
  return len - *start;
}

int run_faas_merge(const char *dir, char **argv, const char *what) {
  char *log = NULL;
  size_t len = 0;
  int st = run_in(dir, argv, &log, &len);
  if (st == 0) {
    fwrite(log, 1, len, stderr);
    free(log);
    return 0;
  }
  /* faas-merge's last line says why; what came before it (warnings, -v's
   * commands) stays as it was. */
  size_t start, wlen = last_line(log, len, &start);
  fwrite(log, 1, start, stderr);
  const char *why = log != NULL ? log + start : "";
  if (wlen >= 12 && strncmp(why, "faas-merge: ", 12) == 0)
    why += 12, wlen -= 12;
  if (st < 0)
    complain(EXIT_ERROR, "%s: cannot run %s: %s", what, argv[0],
             strerror(errno));
  else if (st > 128 && wlen == 0)
    complain(EXIT_ERROR, "%s: faas-merge died (%s)", what,
             strsignal(st - 128));
  else if (wlen == 0)
    complain(EXIT_ERROR, "%s: faas-merge exited with %d", what, st);
  else
    complain(EXIT_ERROR, "%s: %.*s", what, (int)wlen, why);
  free(log);
  return EXIT_ERROR;
}

static int build(const struct app *app, const char *dir, const char *llvm,
                 bool verbose) {
  struct input *in = NULL;
  size_t nin = 0, nouts = app->nfuncs * OUTS_PER_FUNCTION;
  /* Output o is output o % OUTS_PER_FUNCTION of function o /
   * OUTS_PER_FUNCTION. */
  char **outs = calloc(nouts, sizeof *outs);
  dev_t *devs = calloc(nouts, sizeof *devs);
  ino_t *inos = calloc(nouts, sizeof *inos);
  char faas_merge[PATH_MAX], real[PATH_MAX];
  int make_dir = 0, rc = 0;

  if (outs == NULL || devs == NULL || inos == NULL ||
      collect_inputs(app, &in, &nin) != 0) {
    rc = complain(EXIT_ERROR, "out of memory");
    goto out;
  }
  if ((rc = check_dir(dir, &make_dir)) != 0)
    goto out;
  /* The longest suffix bounds the name: every file of a function fits. */
  const size_t longest = strlen(out_suffix[OUT_CALLGRAPH]);
  for (size_t o = 0; o < nouts && rc == 0; o++) {
    size_t i = o / OUTS_PER_FUNCTION;
    int k = (int)(o % OUTS_PER_FUNCTION);
    const struct app_function *f = &app->funcs[i];
    if (k == 0 && strlen(f->name) + longest > NAME_MAX) {
      rc = complain(EXIT_ERROR,
                    "%s: functions[%zu].name: too long for its file names "
                    "(NAME.callgraph.json: a name of at most %zu characters)",
                    app->path, i, NAME_MAX - longest);
      break;
    }
    if ((outs[o] = output_path(dir, f, k)) == NULL) {
      rc = complain(EXIT_ERROR, "out of memory");
      break;
    }
    if (make_dir)
      continue;
    if ((rc = check_output(outs[o], in, nin, &devs[o], &inos[o])) != 0)
      break;
    for (size_t p = 0; p < o && inos[o] != 0; p++) {
      if (devs[p] != devs[o] || inos[p] != inos[o])
        continue;
      int kp = (int)(p % OUTS_PER_FUNCTION);
      const char *other = app->funcs[p / OUTS_PER_FUNCTION].name;
      if (kp == k)
        rc = complain(EXIT_ERROR,
                      "%s and %s: the same file (the %s of %s and %s); give "
                      "each its own",
                      outs[p], outs[o], out_kinds[k], other, f->name);
      else
        rc = complain(EXIT_ERROR,
                      "%s and %s: the same file (the %s of %s and the %s of "
                      "%s); give each its own",
                      outs[p], outs[o], out_kind[kp], other, out_kind[k],
                      f->name);
      break;
    }
  }
  if (rc != 0)
    goto out;
  if (make_dir && make_dirs(dir) != 0) {
    rc = complain(EXIT_ERROR, "%s: cannot make the directory: %s", dir,
                  strerror(errno));
    goto out;
  }
  if (realpath(dir, real) == NULL) {
    rc = complain(EXIT_ERROR, "%s: %s", dir, strerror(errno));
    goto out;
  }
  find_tool("faas-merge", faas_merge);
  for (size_t i = 0; i < app->nfuncs && rc == 0; i++) {
    char abs_out[OUTS_PER_FUNCTION][PATH_MAX + NAME_MAX + 2];
    for (int k = 0; k < OUTS_PER_FUNCTION; k++)
      snprintf(abs_out[k], sizeof abs_out[k], "%s/%s%s", real,
               app->funcs[i].name, out_suffix[k]);
    rc = build_one(app, &app->funcs[i], faas_merge, llvm, verbose,
                   abs_out[OUT_LIBRARY], abs_out[OUT_CALLGRAPH]);
  }
out:
  for (size_t o = 0; outs != NULL && o < nouts; o++)
    free(outs[o]);
  free(outs);
  free(devs);
  free(inos);
  free(in);
  return rc;
}

/* ------------------------------------------------------------------------ */

int take_operand(const char *a, const char **path, const char *cmd) {
  if (a[0] == '-' && a[1] != '\0')
    return complain(EXIT_USAGE, "unknown option '%s' for %s", a, cmd);
  if (*path != NULL)
    return complain(EXIT_USAGE, "unexpected argument '%s' after %s", a,
                    *path);
  *path = a;
  return 0;
}

int main(int argc, char **argv) {
  const char *cmd = argc > 1 ? argv[1] : NULL;
  const char *dir = NULL, *path = NULL, *llvm = FAASFUSE_LLVM;
  bool verbose = false;
  struct app app;
  char err[1024];
  int rc;

  if (cmd != NULL && (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0)) {
    fputs(USAGE, stdout);
    return 0;
  }
  if (cmd == NULL)
    return complain(EXIT_USAGE, "missing command: check, build, plan or "
                                "deploy (faas-app --help says more)");
  if (strcmp(cmd, "plan") == 0)
    return plan_command(argc, argv);
  if (strcmp(cmd, "deploy") == 0)
    return deploy_command(argc, argv, FAASFUSE_LLVM);
  if (strcmp(cmd, "check") != 0 && strcmp(cmd, "build") != 0)
    return complain(EXIT_USAGE,
                    "unknown command '%s' (check, build, plan or deploy)",
                    cmd);
  bool is_build = strcmp(cmd, "build") == 0;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (is_build && (strcmp(a, "-o") == 0 || strcmp(a, "--llvm-version") == 0)) {
      if (i + 1 == argc)
        return complain(EXIT_USAGE, "option %s needs a value", a);
      *(a[1] == 'o' ? &dir : &llvm) = argv[++i];
    } else if (is_build && strcmp(a, "-v") == 0) {
      verbose = true;
    } else if (take_operand(a, &path, cmd) != 0) {
      return EXIT_USAGE;
    }
  }
  if (path == NULL)
    return complain(EXIT_USAGE, "missing APP.json, the manifest");
  if (dir != NULL && dir[0] == '\0')
    return complain(EXIT_USAGE, "-o needs a directory");
  if (strspn(llvm, "0123456789") != strlen(llvm) || llvm[0] == '\0')
    return complain(EXIT_USAGE, "bad --llvm-version '%s' (a major version "
                                "such as 14, 19 or 22)",
                    llvm);
  if (app_load(&app, path, err, sizeof err) != 0) {
    app_free(&app);
    return complain(EXIT_USAGE, "%s", err);
  }
  rc = 0;
  if (is_build) {
    char *def = dir == NULL ? app_default_library_dir(&app) : NULL;
    if (dir == NULL && def == NULL)
      rc = complain(EXIT_ERROR, "out of memory");
    else
      rc = build(&app, dir != NULL ? dir : def, llvm, verbose);
    free(def);
  }
  app_free(&app);
  return rc;
}
