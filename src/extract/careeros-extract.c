/* careeros-extract: turns one PDF, DOCX/ODT or RTF document on stdin into
 * text on stdout, for the worker (src/extract.c), in a sandbox it sets up
 * itself before reading a byte:
 *   - dies with its parent (PR_SET_PDEATHSIG);
 *   - closes every inherited descriptor above stderr;
 *   - rlimits: CPU seconds, address space (memory), no core files, file
 *     size (it writes no files), a handful of descriptors;
 *   - PR_SET_NO_NEW_PRIVS, then a seccomp filter that fails socket(),
 *     exec and the process-inspection/kernel-admin calls with EACCES/EPERM:
 *     no network and no new programs, whatever the document does to the
 *     parsers.
 * The daemon adds a wall-clock kill and an output cap.
 *
 * Usage: careeros-extract --type=pdf|zip|rtf|html [--max-pages=N]
 *          [--max-output=BYTES] [--cpu-seconds=N] [--memory-mb=N]
 *          [--zip-max-entries=N] [--zip-max-uncompressed=BYTES]
 *          [--zip-max-ratio=N] [--ocr] < document
 * Output protocol: see helper.h. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cw_build.h"
#include "helper.h"

#if defined(__SANITIZE_ADDRESS__)
#define CW_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CW_ASAN 1
#endif
#endif

static void write_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t k = write(fd, p, n);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      _exit(3);
    p += k;
    n -= (size_t)k;
  }
}

static void json_str(xbuf *b, const char *s) {
  xbuf_adds(b, "\"");
  for (; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    char esc[8];
    if (c == '"' || c == '\\') {
      esc[0] = '\\', esc[1] = (char)c;
      xbuf_add(b, esc, 2);
    } else if (c < 0x20) {
      snprintf(esc, sizeof esc, "\\u%04x", c);
      xbuf_adds(b, esc);
    } else {
      xbuf_add(b, (const char *)&c, 1);
    }
  }
  xbuf_adds(b, "\"");
}

static void emit(const xresult *r, const xbuf *text) {
  xbuf h = {.max = 8192};
  xbuf_adds(&h, r->error ? "{\"ok\":false,\"error\":" : "{\"ok\":true");
  if (r->error) {
    json_str(&h, r->error);
    xbuf_adds(&h, ",\"message\":");
    json_str(&h, r->message);
  }
  char num[32];
  snprintf(num, sizeof num, ",\"page_count\":%d", r->page_count);
  xbuf_adds(&h, num);
  if (r->mime) {
    xbuf_adds(&h, ",\"mime\":");
    json_str(&h, r->mime);
  }
  if (r->extractor) {
    xbuf_adds(&h, ",\"extractor\":");
    json_str(&h, r->extractor);
  }
  xbuf_adds(&h, ",\"version\":");
  json_str(&h, r->version);
  xbuf_adds(&h, "}\n");
  write_all(1, h.buf, h.len);
  xbuf_free(&h);
  if (!r->error && text->len)
    write_all(1, text->buf, text->len);
}

static int deny(scmp_filter_ctx ctx, int err, int nr) {
  return nr < 0 ? 0 : seccomp_rule_add(ctx, SCMP_ACT_ERRNO((uint32_t)err), nr, 0);
}

static int sandbox(int cpu, int mem_mb, int64_t max_output, bool allow_exec) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
    return -errno;
  if (getppid() == 1)
    return -ESRCH; /* the parent died before we got here */
#ifdef SYS_close_range
  syscall(SYS_close_range, 3U, ~0U, 0U);
#else
  for (int fd = 3; fd < 1024; fd++)
    close(fd);
#endif
  struct rlimit rl;
  rl = (struct rlimit){(rlim_t)cpu, (rlim_t)cpu + 1};
  if (setrlimit(RLIMIT_CPU, &rl) < 0)
    return -errno;
#ifndef CW_ASAN
  /* AddressSanitizer reserves terabytes of shadow address space; under it
   * the memory limit cannot be an address-space limit. */
  rl.rlim_cur = rl.rlim_max = (rlim_t)mem_mb * 1024 * 1024;
  if (setrlimit(RLIMIT_AS, &rl) < 0)
    return -errno;
#else
  (void)mem_mb;
#endif
  rl.rlim_cur = rl.rlim_max = 0;
  setrlimit(RLIMIT_CORE, &rl);
  /* stdout is a pipe in production; the cap matters only when someone
   * points it at a file by hand. */
  rl.rlim_cur = rl.rlim_max = (rlim_t)max_output + 65536;
  if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
    return -errno;
  rl.rlim_cur = rl.rlim_max = 32;
  if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
    return -errno;
  rl.rlim_cur = rl.rlim_max = 64;
  setrlimit(RLIMIT_NPROC, &rl); /* best effort: counts the user's processes */

  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return -errno;
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx)
    return -ENOMEM;
  int rc = 0;
  static const char *const net[] = {"socket", "socketpair", "connect", "bind", "listen",
                                    "accept", "accept4", NULL};
  for (int i = 0; net[i] && !rc; i++)
    rc = deny(ctx, EACCES, seccomp_syscall_resolve_name(net[i]));
  static const char *const admin[] = {
#ifndef CW_ASAN
      "ptrace", /* LeakSanitizer stops the world with ptrace at exit */
#endif
      "process_vm_readv", "process_vm_writev", "mount", "umount2", "unshare",
      "setns", "kexec_load", "kexec_file_load", "bpf", "perf_event_open", "keyctl", "add_key",
      "request_key", "userfaultfd", "io_uring_setup", "open_by_handle_at", "init_module",
      "finit_module", "delete_module", "chroot", "pivot_root", "swapon", "swapoff", "reboot",
      "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setgroups",
      "personality", "acct", "settimeofday", "clock_settime", "adjtimex", NULL};
  for (int i = 0; admin[i] && !rc; i++)
    rc = deny(ctx, EPERM, seccomp_syscall_resolve_name(admin[i]));
  if (!allow_exec && !rc)
    rc = deny(ctx, EACCES, SCMP_SYS(execve));
  if (!allow_exec && !rc)
    rc = deny(ctx, EACCES, SCMP_SYS(execveat));
  if (!rc)
    rc = seccomp_load(ctx);
  seccomp_release(ctx);
  return rc;
}

/* --sandbox-check: after the sandbox is up, try what it must forbid and
 * report, so an operator (and the tests) can see it works on this kernel. */
static int sandbox_check(void) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  const char *sock = s < 0 && errno == EACCES ? "denied" : "allowed";
  if (s >= 0)
    close(s);
  char *const argv[] = {"/bin/true", NULL};
  char *const envp[] = {NULL};
  execve("/bin/true", argv, envp);
  const char *ex = errno == EACCES ? "denied" : "failed";
  struct rlimit as;
  getrlimit(RLIMIT_AS, &as);
  printf("{\"ok\":true,\"socket\":\"%s\",\"exec\":\"%s\",\"no_new_privs\":%d,"
         "\"rlimit_as\":%lld}\n",
         sock, ex, prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0),
         as.rlim_cur == RLIM_INFINITY ? -1LL : (long long)as.rlim_cur);
  return 0;
}

/* Reads the whole document from fd 0 (a regular file from the daemon, or a
 * pipe when run by hand). */
static unsigned char *read_input(size_t *len, xresult *r) {
  struct stat st;
  size_t cap = 1 << 16, n = 0;
  bool regular = fstat(0, &st) == 0 && S_ISREG(st.st_mode);
  if (regular)
    cap = (size_t)st.st_size + 1;
  unsigned char *buf = malloc(cap);
  if (!buf) {
    xfail(r, "EXTRACT_LIMIT", "out of memory reading the document");
    return NULL;
  }
  for (;;) {
    if (n == cap) {
      unsigned char *nb = cap < (1u << 30) ? realloc(buf, cap * 2) : NULL;
      if (!nb) {
        free(buf);
        xfail(r, "EXTRACT_LIMIT", "document too large to read");
        return NULL;
      }
      buf = nb;
      cap *= 2;
    }
    /* pread from 0: the descriptor is shared with the daemon, whose file
     * offset we must neither depend on nor move. */
    ssize_t k = regular ? pread(0, buf + n, cap - n, (off_t)n) : read(0, buf + n, cap - n);
    if (k < 0 && errno == EINTR)
      continue;
    if (k < 0) {
      free(buf);
      xfail(r, "INTERNAL", "cannot read the document: %s", strerror(errno));
      return NULL;
    }
    if (k == 0)
      break;
    n += (size_t)k;
  }
  *len = n;
  return buf;
}

int main(int argc, char **argv) {
  const char *type = NULL;
  xlimits l = {.max_pages = 50, .max_output = 4 << 20, .zip_max_entries = 1000,
               .zip_max_uncompressed = 50 << 20, .zip_max_ratio = 100};
  int cpu = 20, mem = 512;
  bool check = false;
  enum { O_TYPE = 1, O_PAGES, O_OUT, O_CPU, O_MEM, O_ENT, O_UNZ, O_RATIO, O_OCR, O_VERSION, O_CHECK };
  static const struct option opts[] = {
      {"type", required_argument, NULL, O_TYPE},
      {"max-pages", required_argument, NULL, O_PAGES},
      {"max-output", required_argument, NULL, O_OUT},
      {"cpu-seconds", required_argument, NULL, O_CPU},
      {"memory-mb", required_argument, NULL, O_MEM},
      {"zip-max-entries", required_argument, NULL, O_ENT},
      {"zip-max-uncompressed", required_argument, NULL, O_UNZ},
      {"zip-max-ratio", required_argument, NULL, O_RATIO},
      {"ocr", no_argument, NULL, O_OCR},
      {"version", no_argument, NULL, O_VERSION},
      {"sandbox-check", no_argument, NULL, O_CHECK},
      {NULL, 0, NULL, 0},
  };
  int c;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case O_TYPE: type = optarg; break;
    case O_PAGES: l.max_pages = atoi(optarg); break;
    case O_OUT: l.max_output = atoll(optarg); break;
    case O_CPU: cpu = atoi(optarg); break;
    case O_MEM: mem = atoi(optarg); break;
    case O_ENT: l.zip_max_entries = atoi(optarg); break;
    case O_UNZ: l.zip_max_uncompressed = atoll(optarg); break;
    case O_RATIO: l.zip_max_ratio = atoi(optarg); break;
    case O_OCR: l.ocr = true; break;
    case O_VERSION: printf("careeros-extract %s\n", CW_VERSION); return 0;
    case O_CHECK: check = true; break;
    default:
      fprintf(stderr, "usage: careeros-extract --type=pdf|zip|rtf|html [limits] < document\n");
      return 2;
    }
  }
  if (!type ||
      (strcmp(type, "pdf") && strcmp(type, "zip") && strcmp(type, "rtf") && strcmp(type, "html")) ||
      l.max_pages < 1 || l.max_output < 1 || cpu < 1 || mem < 16) {
    fprintf(stderr, "usage: careeros-extract --type=pdf|zip|rtf|html [limits] < document\n");
    return 2;
  }
  xresult r = {0};
  xbuf text = {.max = (size_t)l.max_output};
  /* exec stays possible only for tesseract, and only when OCR is on */
  int rc = sandbox(cpu, mem, l.max_output, l.ocr);
  if (rc < 0) {
    xfail(&r, "INTERNAL", "sandbox setup failed: %s", strerror(-rc));
    emit(&r, &text);
    return 0;
  }
  if (check)
    return sandbox_check();
  size_t len = 0;
  unsigned char *doc = read_input(&len, &r);
  if (doc) {
    if (len == 0)
      xfail(&r, "FILE_EMPTY", "the document is empty");
    else if (!strcmp(type, "pdf"))
      cw_x_pdf(doc, len, &l, &text, &r);
    else if (!strcmp(type, "zip"))
      cw_x_zip(doc, len, &l, &text, &r);
    else if (!strcmp(type, "html"))
      cw_x_html(doc, len, &l, &text, &r);
    else
      cw_x_rtf(doc, len, &l, &text, &r);
  }
  emit(&r, &text);
  free(doc);
  xbuf_free(&text);
  return 0;
}
