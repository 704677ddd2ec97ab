/* Runs the careeros-worker binary as a subprocess for the CLI suites, with
 * a clean environment (no CAREEROS_* leaking in from the caller) plus the
 * variables a test sets, and captures exit status, stdout and stderr. */
#ifndef CW_CLIRUN_H
#define CW_CLIRUN_H

#include <sys/types.h>

typedef struct {
  int code;  /* exit code, or 128+signal */
  char *out; /* malloc'd, NUL-terminated */
  char *err;
} cw_cli_result;

/* The binary under test: argv[1] of the suite (meson passes it), else
 * $CW_BIN, else $CW_BUILD_ROOT/src/careeros-worker. */
void cw_cli_set_binary(int argc, char **argv);
const char *cw_cli_binary(void);

/* env: NULL-terminated "NAME=value" list added to the environment;
 * args: NULL-terminated arguments after the program name. */
cw_cli_result cw_cli_run(const char *const *env, const char *const *args);

/* Starts the binary without waiting (output to the given files); returns
 * the pid.  cw_cli_wait returns the exit code. */
pid_t cw_cli_spawn(const char *const *env, const char *const *args, const char *out_file,
                   const char *err_file);
int cw_cli_wait(pid_t pid);

void cw_cli_result_free(cw_cli_result *r);

/* Whole-file helpers. */
char *cw_cli_slurp(const char *path, size_t *len);
void cw_cli_write_file(const char *path, const char *text);

#endif
