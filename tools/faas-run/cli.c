/*
 * faas-run: the local host for Nightcore function libraries.
 *
 *   faas-run [--ipc] [--input STR | --input-file PATH | --requests PATH]
 *            [--repeat N] [--threads T] [--thread-per-run] [--bench [--json]]
 *            [--profile FILE]
 *            (--func NAME=LIB.so ... | --app APP.json [--lib-dir DIR]
 *             [--internal]) ENTRY
 *
 * Loads every LIB.so (a path: a name without a slash is the file in the
 * current directory, never a search), calls ENTRY's faas_func_call on the
 * input and writes ENTRY's output to stdout byte for byte. With --app the
 * functions are those of an application manifest (tools/app/manifest.c),
 * each loaded from DIR/NAME.so (DIR: --lib-dir, default lib/ beside the
 * manifest; faas-app build writes them there), and ENTRY must be public
 * unless --internal. A DIR that holds a func_config.json is a deployment
 * (faas-app deploy writes one): only the functions it lists are loaded, as
 * Nightcore runs only those. --requests runs every line of a file as a request, in
 * order, and writes each output followed by a newline. The only file it
 * writes is --profile's (profile.c). How functions are called is host.c's;
 * --ipc, every worker in a process of its own, is ipc.c's.
 *
 * This file is the command line, main, and what faas-run writes: ENTRY's
 * output, or with --bench the latency percentiles and calls/s of --repeat
 * runs.
 *
 * Exit status: 0 success, 2 usage or loading error, 3 the function failed or
 * runs disagreed; each error is one line on stderr. Anything a function
 * prints on stdout goes to stderr, so stdout carries ENTRY's output only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bsd/string.h>

#include "faas_run.h"
#include "faasfuse/function_name.h"
#include "func_config.h"
#include "manifest.h"

#define USAGE                                                                  \
  "usage: faas-run [--ipc] [--input STR | --input-file PATH | --requests "     \
  "PATH]\n"                                                                    \
  "                [--repeat N] [--threads T] [--thread-per-run]\n"           \
  "                [--bench [--json]] [--profile FILE]\n"                      \
  "                (--func NAME=LIB.so ... | --app APP.json [--lib-dir DIR] "  \
  "[--internal])\n"                                                            \
  "                ENTRY\n"                                                     \
  "\n"                                                                         \
  "Runs ENTRY's faas_func_call on the input; writes its output to stdout.\n"   \
  "  --func NAME=LIB.so  a Nightcore function library, called NAME "           \
  "([0-9A-Za-z]+);\n"                                                          \
  "                      LIB.so is a path: libfoo.so is ./libfoo.so\n"         \
  "  --app APP.json      every function of an application manifest, each "     \
  "from\n"                                                                     \
  "                      DIR/NAME.so (faas-app build APP.json writes them)\n"  \
  "  --lib-dir DIR       with --app: where the libraries are (default: lib/\n" \
  "                      in the manifest's directory); a DIR with a\n"        \
  "                      func_config.json is a deployment: only the\n"        \
  "                      functions it lists run\n"                             \
  "  --internal          with --app: ENTRY may be a function that is not "     \
  "public\n"                                                                   \
  "  --ipc               every worker in its own process, as in Nightcore\n"   \
  "  --input STR         the input (default: empty)\n"                         \
  "  --input-file PATH   the input, read from PATH (- for stdin)\n"            \
  "  --requests PATH     one request per line of PATH (- for stdin), in "      \
  "order;\n"                                                                   \
  "                      each output is written followed by a newline\n"      \
  "  --repeat N          run N times; all runs must give the same output\n"    \
  "  --threads T         run in T threads, each with its own workers\n"        \
  "  --thread-per-run    every run on a new thread (in one process only)\n"    \
  "  --bench             print latency percentiles and calls/s instead\n"      \
  "  --json              with --bench: as one JSON object\n"                   \
  "  --profile FILE      write, as JSON, the calls, failed calls and bytes\n"  \
  "                      of every edge caller -> callee of the runs\n"        \
  "Exit status: 0 success, 2 usage or loading error (or --profile's file\n"   \
  "cannot be written), 3 the function failed.\n"

struct options opt = {.worker = -1, .out_fd = -1};

/* ------------------------------------------------------------------------ */
/* Command line                                                              */

int complain(const char *fmt, ...) {
  va_list ap;
  fputs("faas-run: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return EXIT_USAGE;
}

static int parse_count(const char *opt_name, const char *s, long min, long max,
                       long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
    return complain("bad %s '%s': expected a number from %ld to %ld", opt_name,
                    s, min, max);
  *out = v;
  return 0;
}

static int add_func(const char *spec) {
  const char *eq = strchr(spec, '=');
  struct func *f = &funcs[nfuncs];

  if (eq == NULL || eq[1] == '\0')
    return complain("bad --func '%s': expected NAME=LIB.so", spec);
  size_t n = (size_t)(eq - spec);
  switch (faasfuse_judge_name(spec, n)) {
  case FAASFUSE_NAME_TOO_LONG:
    return complain("bad function name '%.32s...': longer than %d characters",
                    spec, FAASFUSE_NAME_MAX);
  case FAASFUSE_NAME_EMPTY:
  case FAASFUSE_NAME_BAD_CHAR:
    return complain("bad function name '%.*s': names must match "
                    "[0-9A-Za-z]+",
                    (int)n, spec);
  case FAASFUSE_NAME_OK:
    break;
  }
  nfuncs++;
  f->name = strndup(spec, n);
  f->path = strdup(eq + 1);
  f->spec = strdup(spec);
  if (f->name == NULL || f->path == NULL || f->spec == NULL)
    return complain("out of memory");
  return 0;
}

/* Reads the --input-file or --requests file (what) at path into b. */
static int read_file(const char *what, const char *path, struct buf *b) {
  int fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);
  char chunk[65536];
  ssize_t n = 0;

  if (fd < 0)
    return complain("cannot read %s '%s': %s", what, path, strerror(errno));
  while ((n = read(fd, chunk, sizeof chunk)) != 0 && !b->failed) {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      break;
    buf_append(b, chunk, (size_t)n);
  }
  int saved = errno;
  close(fd);
  if (n < 0)
    return complain("cannot read %s '%s': %s", what, path, strerror(saved));
  if (b->failed)
    return complain("%s '%s' is larger than 2 GiB", what, path);
  return 0;
}

/* --requests: every line of the file is a request (its newline is not part
 * of it); a last line without a newline is one too. */
static int read_requests(const char *path) {
  struct buf *b = &opt.requests_file;
  if (read_file("requests file", path, b) != 0)
    return EXIT_USAGE;
  size_t n = 0;
  for (size_t i = 0; i < b->len; i++)
    n += b->data[i] == '\n';
  n += b->len > 0 && b->data[b->len - 1] != '\n';
  if (n == 0)
    return complain("requests file '%s' has no requests (one per line)",
                    path);
  if ((opt.reqs = calloc(n, sizeof *opt.reqs)) == NULL)
    return complain("out of memory");
  for (size_t start = 0; start < b->len; opt.nreqs++) {
    const char *nl = memchr(b->data + start, '\n', b->len - start);
    size_t end = nl != NULL ? (size_t)(nl - b->data) : b->len;
    opt.reqs[opt.nreqs] = (struct request){b->data + start, end - start};
    start = end + 1;
  }
  return 0;
}

/* The function of the app called name is not deployed: --app runs a
 * deployment that does not list it. */
bool app_function_not_deployed(const char *name) {
  for (size_t i = 0; name != NULL && i < opt.nundeployed; i++)
    if (strcmp(opt.undeployed[i], name) == 0)
      return true;
  return false;
}

/* A deployment (written by faas-app deploy) is a directory that holds a
 * func_config.json: *yes says whether func_config is there. 0, or the exit
 * status of an error. */
static int is_deployment(const char *func_config, bool *yes) {
  struct stat st;
  *yes = lstat(func_config, &st) == 0;
  if (*yes || errno == ENOENT || errno == ENOTDIR)
    return 0;
  return complain("%s: %s", func_config, strerror(errno));
}

/* --app: the manifest's functions become the --func list, each loaded from
 * DIR/NAME.so. When DIR is a deployment, they are the functions its
 * func_config.json lists, and no others: as in Nightcore, an invoke of a
 * function of the app it leaves out fails as one of an unknown name. entry
 * must be one of them, and public unless --internal. */
static int add_app(const char *lib_dir, bool internal, const char *entry) {
  struct app app;
  struct func_config fc = {0};
  char err[1024];
  char *def = NULL;
  bool deployment = false;
  int rc = 0;

  if (app_load(&app, opt.app_path, err, sizeof err) != 0) {
    app_free(&app);
    return complain("%s", err);
  }
  if (lib_dir == NULL && (lib_dir = def = app_default_library_dir(&app)) == NULL)
    rc = complain("out of memory");
  if (rc == 0 && (opt.func_config = func_config_path(lib_dir)) == NULL)
    rc = complain("out of memory");
  if (rc == 0)
    rc = is_deployment(opt.func_config, &deployment);
  if (!deployment) {
    free(opt.func_config); /* not an input of this run */
    opt.func_config = NULL;
  } else if (func_config_load(&fc, opt.func_config, err, sizeof err) != 0 ||
             func_config_match_app(&fc, &app, err, sizeof err) != 0) {
    rc = complain("%s", err);
  } else if ((opt.deployment = strdup(lib_dir)) == NULL ||
             (opt.undeployed = calloc(app.nfuncs, sizeof *opt.undeployed)) ==
                 NULL) {
    rc = complain("out of memory");
  }
  free(funcs); /* main frees it again */
  funcs = NULL;
  if (rc == 0 && (funcs = calloc(app.nfuncs, sizeof *funcs)) == NULL)
    rc = complain("out of memory");
  for (size_t i = 0; rc == 0 && i < app.nfuncs; i++) {
    const char *name = app.funcs[i].name;
    if (deployment && func_config_find(&fc, name) == NULL) {
      if ((opt.undeployed[opt.nundeployed++] = strdup(name)) == NULL)
        rc = complain("out of memory");
      continue;
    }
    struct func *f = &funcs[nfuncs++];
    struct stat st;
    f->name = strdup(name);
    f->path = app_library_path(lib_dir, &app.funcs[i]);
    if (f->name == NULL || f->path == NULL ||
        asprintf(&f->spec, "%s=%s", f->name, f->path) < 0) {
      f->spec = NULL;
      rc = complain("out of memory");
    } else if (stat(f->path, &st) == 0 || errno != ENOENT) {
      continue; /* there, or dlopen says why not */
    } else if (deployment) {
      rc = complain("%s: no library for %s, which %s lists", f->path,
                    f->name, opt.func_config);
    } else {
      rc = complain("%s: no library for %s (faas-app build%s%s %s builds "
                    "every function of the app)",
                    f->path, f->name, def == NULL ? " -o " : "",
                    def == NULL ? lib_dir : "", opt.app_path);
    }
  }
  const struct app_function *e = app_find(&app, entry);
  if (rc == 0 && entry != NULL && e == NULL)
    rc = complain("unknown entry function '%s' (%s has no function of that "
                  "name)",
                  entry, opt.app_path);
  else if (rc == 0 && e != NULL && app_function_not_deployed(entry))
    rc = complain("%s is not deployed in %s (it was merged into other "
                  "functions' libraries)",
                  entry, lib_dir);
  else if (rc == 0 && e != NULL && !e->is_public && !internal)
    rc = complain("%s is not public in %s (--internal calls it all the same)",
                  entry, opt.app_path);
  free(def);
  func_config_free(&fc);
  app_free(&app);
  return rc;
}

/* Returns -1 to go on, or the exit status (0 for --help). */
static int parse_args(int argc, char **argv) {
  const char *input = NULL, *input_file = NULL, *entry = NULL;
  const char *requests = NULL, *lib_dir = NULL;
  bool repeat_set = false, internal = false;
  int rc = 0;

  opt.repeat = 1;
  opt.threads = 1;
  funcs = calloc((size_t)argc, sizeof *funcs);
  if (funcs == NULL)
    return complain("out of memory");
  for (int i = 1; i < argc && rc == 0; i++) {
    char *a = argv[i];
    if (a[0] != '-' || a[1] == '\0') {
      if (entry != NULL)
        return complain("unexpected argument '%s' after ENTRY '%s'", a, entry);
      entry = a;
      continue;
    }
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(USAGE, stdout);
      return 0;
    }
    /* "--opt=value" or "--opt value" */
    const char *eq = strchr(a, '=');
    size_t n = eq ? (size_t)(eq - a) : strlen(a);
    const char *val = eq ? eq + 1 : NULL;
#define IS(s) (n == strlen(s) && strncmp(a, s, n) == 0)
    if (IS("--ipc") || IS("--bench") || IS("--json") ||
        IS("--thread-per-run") || IS("--internal") || IS("--profile-misses")) {
      if (val != NULL)
        return complain("option %.*s takes no value", (int)n, a);
      *(IS("--ipc")        ? &opt.ipc
        : IS("--bench")    ? &opt.bench
        : IS("--json")     ? &opt.json
        : IS("--internal") ? &internal
        : IS("--profile-misses") ? &opt.profile_misses
                           : &opt.thread_per_run) = true;
      continue;
    }
    if (!IS("--input") && !IS("--input-file") && !IS("--repeat") &&
        !IS("--threads") && !IS("--func") && !IS("--worker") &&
        !IS("--app") && !IS("--lib-dir") && !IS("--requests") &&
        !IS("--profile"))
      return complain("unknown option '%s'", a);
    if (val == NULL && (val = argv[++i]) == NULL)
      return complain("option %s needs a value", a);
    if (IS("--input"))
      input = val;
    else if (IS("--input-file"))
      input_file = val;
    else if (IS("--func"))
      rc = add_func(val);
    else if (IS("--app"))
      opt.app_path = val;
    else if (IS("--lib-dir"))
      lib_dir = val;
    else if (IS("--requests"))
      requests = val;
    else if (IS("--profile"))
      opt.profile = val;
    else if (IS("--repeat") && (rc = parse_count("--repeat", val, 1, 100000000,
                                                 &opt.repeat)) == 0)
      repeat_set = true;
    else if (IS("--threads"))
      rc = parse_count("--threads", val, 1, 256, &opt.threads);
    else if (IS("--worker"))
      rc = parse_count("--worker", val, 0, LONG_MAX, &opt.worker);
#undef IS
  }
  if (rc != 0)
    return rc;

  if (opt.app_path != NULL && nfuncs > 0)
    return complain("--app and --func exclude each other");
  if (opt.app_path == NULL && (lib_dir != NULL || internal))
    return complain("%s needs --app", lib_dir != NULL ? "--lib-dir"
                                                      : "--internal");
  if (opt.app_path != NULL && (rc = add_app(lib_dir, internal, entry)) != 0)
    return rc;
  qsort(funcs, nfuncs, sizeof *funcs, func_cmp);
  for (size_t i = 1; i < nfuncs; i++)
    if (strcmp(funcs[i - 1].name, funcs[i].name) == 0)
      return complain("duplicate function name '%s'", funcs[i].name);
  if (opt.worker >= 0)
    return (size_t)opt.worker < nfuncs ? -1 : complain("bad --worker");
  if (opt.json && !opt.bench)
    return complain("--json needs --bench");
  /* With --ipc a worker process dies with the thread that spawned it. */
  if (opt.thread_per_run && opt.ipc)
    return complain("--thread-per-run runs in one process: not with --ipc");
  if (input != NULL && input_file != NULL)
    return complain("--input and --input-file exclude each other");
  if (requests != NULL && (input != NULL || input_file != NULL))
    return complain("--requests excludes --input and --input-file");
  if (requests != NULL && opt.bench)
    return complain("--bench times one input: not with --requests");
  if (opt.profile != NULL && opt.bench)
    return complain("--profile counts the calls of the runs: not with "
                    "--bench");
  if (nfuncs == 0)
    return complain("no --func NAME=LIB.so given");
  if (entry == NULL)
    return complain("missing ENTRY, the function to call");
  opt.entry = func_find(entry);
  if (opt.entry == NULL)
    return complain("unknown entry function '%s' (no --func %s=LIB.so)", entry,
                    entry);
  if (opt.bench && !repeat_set)
    opt.repeat = 10000;
  if (input != NULL) {
    opt.input = input;
    opt.input_len = strlen(input);
  }
  if (input_file != NULL) {
    if (read_file("input file", input_file, &opt.input_file) != 0)
      return EXIT_USAGE;
    opt.input = opt.input_file.data;
    opt.input_len = opt.input_file.len;
  }
  opt.requests = requests != NULL;
  if (requests != NULL && read_requests(requests) != 0)
    return EXIT_USAGE;
  if (requests == NULL) {
    if ((opt.reqs = calloc(1, sizeof *opt.reqs)) == NULL)
      return complain("out of memory");
    opt.reqs[0] = (struct request){opt.input, opt.input_len};
    opt.nreqs = 1;
  }
  if (opt.profile != NULL &&
      profile_check_path(input_file != NULL && strcmp(input_file, "-") != 0
                             ? input_file
                             : NULL,
                         requests != NULL && strcmp(requests, "-") != 0
                             ? requests
                             : NULL) != 0)
    return EXIT_USAGE;
  return -1;
}

/* ------------------------------------------------------------------------ */
/* Output                                                                    */

static int write_all(int fd, const char *data, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, data, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return complain("cannot write the output: %s", strerror(errno));
    data += n;
    len -= (size_t)n;
  }
  return 0;
}

static int u64_cmp(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Latency percentiles (nearest rank) over every timed call of every thread,
 * and the calls per second of all threads together. */
static int print_bench(struct session *ss, uint64_t *lat) {
  size_t n = (size_t)opt.repeat * (size_t)opt.threads;
  uint64_t t0 = ss[0].t0, t1 = ss[0].t1;
  uint64_t p[3];
  static const unsigned q[3] = {50, 90, 99};
  const char *mode = opt.ipc ? "ipc" : "in-process";
  char line[512];
  int len;

  for (long i = 1; i < opt.threads; i++) {
    t0 = ss[i].t0 < t0 ? ss[i].t0 : t0;
    t1 = ss[i].t1 > t1 ? ss[i].t1 : t1;
  }
  qsort(lat, n, sizeof *lat, u64_cmp);
  for (int i = 0; i < 3; i++)
    p[i] = lat[(n * q[i] + 99) / 100 - 1];
  double per_s = t1 > t0 ? (double)n * 1e9 / (double)(t1 - t0) : 0;
  long warm = warmup_calls();
  if (opt.json)
    len = snprintf(line, sizeof line,
                   "{\"entry\":\"%s\",\"mode\":\"%s\",\"threads\":%ld,"
                   "\"calls\":%zu,\"warmup\":%ld,\"p50_ns\":%" PRIu64
                   ",\"p90_ns\":%" PRIu64 ",\"p99_ns\":%" PRIu64
                   ",\"calls_per_s\":%.0f}\n",
                   opt.entry->name, mode, opt.threads, n, warm, p[0], p[1],
                   p[2], per_s);
  else
    len = snprintf(
        line, sizeof line,
        "%s, %s, %ld thread%s: %zu calls after %ld warm-up calls "
        "per thread\n"
        "latency p50 %" PRIu64 " ns, p90 %" PRIu64 " ns, p99 %" PRIu64 " ns\n"
        "throughput %.0f calls/s\n",
        opt.entry->name, mode, opt.threads, opt.threads == 1 ? "" : "s", n,
        warm, p[0], p[1], p[2], per_s);
  return write_all(opt.out_fd, line, (size_t)len);
}

/* Runs the sessions, one per thread, and reports as the exit status says. */
static int run_all(void) {
  struct session *ss = calloc((size_t)opt.threads, sizeof *ss);
  uint64_t *lat = NULL;
  int rc = 0;

  if (ss == NULL)
    return complain("out of memory");
  if (opt.bench && (lat = calloc((size_t)opt.repeat * (size_t)opt.threads,
                                 sizeof *lat)) == NULL) {
    free(ss);
    return complain("out of memory");
  }
  for (long i = 0; i < opt.threads; i++)
    ss[i].lat = lat ? lat + i * opt.repeat : NULL;
  if (opt.threads == 1) {
    session_run(&ss[0]);
  } else {
    long started = 0;
    for (; started < opt.threads; started++)
      if (pthread_create(&ss[started].thread, NULL, session_run,
                         &ss[started]) != 0)
        break;
    for (long i = 0; i < started; i++)
      pthread_join(ss[i].thread, NULL);
    if (started < opt.threads)
      fail(&ss[0], EXIT_USAGE, "cannot start thread %ld", started + 1);
  }

  /* A loading error first, then a failed call, then a disagreement. */
  for (int want = EXIT_USAGE; want <= EXIT_FAILED && rc == 0; want++)
    for (long i = 0; i < opt.threads && rc == 0; i++)
      if (ss[i].status == want) {
        complain("%s", ss[i].err);
        rc = want;
      }
  for (long i = 1; i < opt.threads && rc == 0; i++)
    if (ss[i].result.len != ss[0].result.len ||
        (ss[0].result.len > 0 &&
         memcmp(ss[i].result.data, ss[0].result.data, ss[0].result.len))) {
      complain("threads disagree on the output of %s: thread %ld differs "
               "from thread 1",
               opt.entry->name, i + 1);
      rc = EXIT_FAILED;
    }
  if (rc == 0)
    rc = opt.bench ? print_bench(ss, lat)
                   : write_all(opt.out_fd, ss[0].result.data, ss[0].result.len);
  /* The profile of what ran, also when a request failed (exit 3); not when
   * nothing could run. */
  bool loaded = true;
  uint64_t requests = 0;
  for (long i = 0; i < opt.threads; i++) {
    loaded &= ss[i].status != EXIT_USAGE;
    requests += ss[i].requests;
  }
  if (opt.profile != NULL && loaded && rc != EXIT_USAGE) {
    int prc = profile_write(ss, opt.threads, requests);
    rc = rc == 0 ? prc : rc;
  }
  for (long i = 0; i < opt.threads; i++) {
    buf_free(&ss[i].result);
    profile_free(&ss[i]);
  }
  free(ss);
  free(lat);
  return rc;
}

int main(int argc, char **argv) {
  int rc = parse_args(argc, argv);

  if (rc < 0 && opt.worker >= 0) {
    rc = worker_process_main(argc, argv);
  } else if (rc < 0) {
    ssize_t n = readlink("/proc/self/exe", opt.exe, sizeof opt.exe - 1);
    if (n > 0 && (size_t)n < sizeof opt.exe - 1)
      opt.exe[n] = '\0';
    else
      strlcpy(opt.exe, "/proc/self/exe", sizeof opt.exe);
    /* Every worker process holds three descriptors in the host. */
    struct rlimit rl;
    if (opt.ipc && getrlimit(RLIMIT_NOFILE, &rl) == 0) {
      rl.rlim_cur = rl.rlim_max;
      setrlimit(RLIMIT_NOFILE, &rl);
    }
    /* A dead worker process must fail a call, not kill the host. */
    signal(SIGPIPE, SIG_IGN);
    /* Keep stdout for ENTRY's output; what functions print goes to stderr. */
    opt.out_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    if (opt.out_fd >= 0)
      dup2(STDERR_FILENO, STDOUT_FILENO);
    rc = load_all();
    if (rc == 0)
      rc = run_all();
  }

  /* The libraries stay loaded until the process ends: a library may have
   * left code of its own to run at exit with something that outlives it
   * (on_exit, or boost.log's core holding its sinks, in a library that is
   * never unloaded), and unloading it first would make that code jump into
   * unmapped memory. They go with the process (valgrind counts what they
   * hold as still reachable, not as leaked). */
  for (size_t i = 0; i < nfuncs; i++) {
    free(funcs[i].name);
    free(funcs[i].path);
    free(funcs[i].spec);
  }
  free(funcs);
  for (size_t i = 0; i < opt.nundeployed; i++)
    free(opt.undeployed[i]);
  free(opt.undeployed);
  free(opt.deployment);
  free(opt.func_config);
  free(opt.reqs);
  buf_free(&opt.input_file);
  buf_free(&opt.requests_file);
  if (opt.out_fd >= 0)
    close(opt.out_fd);
  return rc;
}

