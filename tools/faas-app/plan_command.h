/*
 * faas-app plan's options and steps, which faas-app deploy shares: it plans
 * the same way before it builds.
 */
#ifndef FAASFUSE_PLAN_COMMAND_H
#define FAASFUSE_PLAN_COMMAND_H

#include "faas_app.h"
#include "plan.h"
#include "plan_inputs.h"
#include "plan_report.h"

/* An exact search takes 2^N steps at worst: 20 cycles is well under a
 * second, 40 is the most it may be asked to take. */
#define PLAN_EXACT_DEFAULT 20
#define PLAN_EXACT_MAX 40

struct plan_options {
  const char *lib_dir; /* the unmerged build (default: lib/ beside APP.json) */
  const char **profiles;
  size_t nprofiles;
  const char **never;
  size_t nnever;
  enum plan_weigh weigh;
  struct plan_limits lim;
  const char *graph; /* --graph FILE instead of an app */
};

void plan_options_init(struct plan_options *o);
void plan_options_free(struct plan_options *o);

/* argv[*i] as a plan option (taking its value): 1 taken, 0 not a plan
 * option, -1 a usage error (said). */
int plan_options_parse(struct plan_options *o, int argc, char **argv, int *i);

/* Adds what planning reads to the inputs an output must not be. */
int plan_inputs_protect(const struct plan_options *o, const struct app *app,
                        const char *lib_dir, struct input **in, size_t *nin);

/* Reads the inputs and plans; 0, or an exit status (said). */
int plan_compute(const struct plan_options *o, const struct app *app,
                 const char *lib_dir, struct plan_input *pin,
                 struct plan *plan);

/* Writes the plan's JSON to out (checked before with check_output). */
int plan_write_json(const char *out, const struct plan_input *pin,
                    const struct plan *plan,
                    const struct plan_report_context *ctx);

/* faas-app plan ARGS (argv[1] is "plan"). */
int plan_command(int argc, char **argv);

#endif
