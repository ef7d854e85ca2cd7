/*
 * faas-app deploy (deploy.c): plan, build every library, write a
 * directory Nightcore runs unchanged, check it on recorded requests.
 */
#ifndef FAASFUSE_DEPLOY_H
#define FAASFUSE_DEPLOY_H

/* faas-app deploy ARGS (argv[1] is "deploy"); default_llvm: faas-merge's
 * LLVM unless --llvm-version. */
int deploy_command(int argc, char **argv, const char *default_llvm);

#endif
