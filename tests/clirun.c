#include "clirun.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char binary[4096];

void cw_cli_set_binary(int argc, char **argv) {
  const char *b = argc > 1 ? argv[1] : getenv("CW_BIN");
  if (b && *b)
    snprintf(binary, sizeof binary, "%s", b);
  else
    snprintf(binary, sizeof binary, "%s/src/careeros-worker",
             getenv("CW_BUILD_ROOT") ? getenv("CW_BUILD_ROOT") : ".");
  if (access(binary, X_OK) != 0) {
    fprintf(stderr, "clirun: %s is not executable: %s\n", binary, strerror(errno));
    abort();
  }
}

const char *cw_cli_binary(void) { return binary; }

/* Child side: drop every CAREEROS_* variable so that the caller's
 * environment cannot change what the test asserts, then add the test's. */
static void child_env(const char *const *env) {
  for (;;) {
    char **e = environ;
    while (*e && strncmp(*e, "CAREEROS_", 9) != 0 && strncmp(*e, "CREDENTIALS_DIRECTORY=", 22) != 0)
      e++;
    if (!*e)
      break;
    char name[256];
    size_t n = strcspn(*e, "=");
    snprintf(name, sizeof name, "%.*s", (int)n, *e);
    unsetenv(name);
  }
  for (; env && *env; env++)
    putenv((char *)*env);
}

pid_t cw_cli_spawn(const char *const *env, const char *const *args, const char *out_file,
                   const char *err_file) {
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    abort();
  }
  if (pid == 0) {
    int o = open(out_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int e = open(err_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (o < 0 || e < 0)
      _exit(126);
    dup2(o, 1);
    dup2(e, 2);
    close(o);
    close(e);
    child_env(env);
    const char *argv[64];
    int n = 0;
    argv[n++] = binary;
    for (; args && *args && n < 63; args++)
      argv[n++] = *args;
    argv[n] = NULL;
    execv(binary, (char *const *)argv);
    _exit(127);
  }
  return pid;
}

int cw_cli_wait(pid_t pid) {
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR)
      abort();
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

char *cw_cli_slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *buf = NULL;
  size_t n = 0, cap = 0;
  char chunk[8192];
  size_t got;
  while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (n + got + 1 > cap) {
      cap = (n + got + 1) * 2;
      buf = realloc(buf, cap);
    }
    memcpy(buf + n, chunk, got);
    n += got;
  }
  fclose(f);
  if (!buf)
    buf = calloc(1, 1);
  buf[n] = 0;
  if (len)
    *len = n;
  return buf;
}

void cw_cli_write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
    fprintf(stderr, "clirun: cannot write %s\n", path);
    abort();
  }
}

cw_cli_result cw_cli_run(const char *const *env, const char *const *args) {
  char out[] = "/tmp/cwcli-out-XXXXXX", err[] = "/tmp/cwcli-err-XXXXXX";
  int fo = mkstemp(out), fe = mkstemp(err);
  if (fo < 0 || fe < 0)
    abort();
  close(fo);
  close(fe);
  cw_cli_result r;
  r.code = cw_cli_wait(cw_cli_spawn(env, args, out, err));
  r.out = cw_cli_slurp(out, NULL);
  r.err = cw_cli_slurp(err, NULL);
  unlink(out);
  unlink(err);
  return r;
}

void cw_cli_result_free(cw_cli_result *r) {
  free(r->out);
  free(r->err);
  r->out = r->err = NULL;
}
