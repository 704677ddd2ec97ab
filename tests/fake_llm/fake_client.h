/* Test-side helpers for the fake LLM server: start it on a free port, stop
 * it, and read /stats and /last with a blocking request (outside the loop
 * under test).  Header-only: included by the suites and the benchmark. */
#ifndef FAKE_CLIENT_H
#define FAKE_CLIENT_H

#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
  pid_t pid;
  int port;
  char base[64]; /* http://127.0.0.1:PORT */
} fake_llm;

/* argv: extra flags, NULL-terminated.  Aborts when the server cannot start. */
static inline void fake_llm_start(fake_llm *f, const char *const *extra) {
  const char *bin = getenv("CW_FAKE_LLM");
  if (!bin) {
    fprintf(stderr, "CW_FAKE_LLM is not set (run through meson test)\n");
    abort();
  }
  const char *argv[64];
  int n = 0;
  argv[n++] = bin;
  argv[n++] = "--port";
  argv[n++] = "0";
  for (int i = 0; extra && extra[i] && n < 62; i++)
    argv[n++] = extra[i];
  argv[n] = NULL;
  int pfd[2];
  if (pipe(pfd) < 0)
    abort();
  pid_t pid = fork();
  if (pid < 0)
    abort();
  if (pid == 0) {
    dup2(pfd[1], 1);
    close(pfd[0]);
    close(pfd[1]);
    execv(bin, (char *const *)argv);
    _exit(127);
  }
  close(pfd[1]);
  char buf[32] = {0};
  ssize_t r = read(pfd[0], buf, sizeof buf - 1);
  close(pfd[0]);
  if (r <= 0) {
    fprintf(stderr, "fake-llm did not start\n");
    abort();
  }
  f->pid = pid;
  f->port = atoi(buf);
  snprintf(f->base, sizeof f->base, "http://127.0.0.1:%d", f->port);
}

static inline void fake_llm_stop(fake_llm *f) {
  if (f->pid > 0) {
    kill(f->pid, SIGTERM);
    waitpid(f->pid, NULL, 0);
    f->pid = 0;
  }
}

static size_t fake__collect(char *d, size_t s, size_t n, void *u) {
  FILE *f = u;
  return fwrite(d, s, n, f);
}

/* GET base+path; returns the parsed JSON body (NULL on failure). */
static inline json_t *fake_llm_get(const fake_llm *f, const char *path) {
  char url[256];
  snprintf(url, sizeof url, "%s%s", f->base, path);
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&buf, &len);
  CURL *c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fake__collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, mem);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  CURLcode rc = curl_easy_perform(c);
  curl_easy_cleanup(c);
  fclose(mem);
  json_t *j = rc == CURLE_OK ? json_loadb(buf, len, 0, NULL) : NULL;
  free(buf);
  return j;
}

static inline long fake_llm_stat(const fake_llm *f, const char *key, long window_ms) {
  char path[64];
  snprintf(path, sizeof path, "/stats?window_ms=%ld", window_ms);
  json_t *s = fake_llm_get(f, path);
  long v = s ? (long)json_integer_value(json_object_get(s, key)) : -1;
  json_decref(s);
  return v;
}

#endif
