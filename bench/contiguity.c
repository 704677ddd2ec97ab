/* Reading-order quality of the extractor: for every work entry of a
 * resume-gt/v1 corpus, do its company, title and dates land in one
 * contiguous block of the extracted text?  Both the offline parser and the
 * LLM read the text in order, so a job whose dates sit under another
 * section is a job they cannot put back together.
 *
 *   contiguity [-w LINES] [-v] [--dump DIR] CORPUS_DIR...
 *
 * Each CORPUS_DIR has ground_truth/<id>.gt.json and documents/<id>.*.
 * Every document goes through the real extractor (type detection, the
 * sandboxed careeros-extract child, normalisation): the helper of this
 * build tree, or CAREEROS_EXTRACT_HELPER.
 *
 * Definitions (text compared case-folded, every run of white space, line
 * breaks included, as one space, every dash and arrow as '-'):
 *   - a job's fields are its company, its title and its printed start date
 *     (date_text up to the range separator; the end when the start is
 *     empty); fields that are null are left out, and a job with fewer than
 *     two fields is not counted;
 *   - a job is *found* when each of its fields occurs somewhere in the text;
 *   - a job is *contiguous* when one occurrence of each field can be chosen
 *     such that all of them lie within a window of at most LINES
 *     consecutive non-blank lines (default 6; blank lines between them do
 *     not count: a vertical gap is no reading-order error), and no company
 *     or title of another job of the document (one that is not part of
 *     this job's own company or title) occurs inside that window outside
 *     the chosen occurrences.  Dates are left out of that test: one job's
 *     end is often the next one's start.
 * Printed: per document, per theme (rt_<person>_<theme> ids; else the id)
 * and in total, the counted jobs, found and contiguous. */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>
#include <wchar.h>
#include <wctype.h>

#include "careeros/config.h"
#include "careeros/extract.h"
#include "careeros/log.h"

#ifndef CW_BENCH_BUILD_ROOT
#define CW_BENCH_BUILD_ROOT "."
#endif

enum { F_COMPANY, F_TITLE, F_DATE, NFIELDS };
#define MAX_JOBS 64
#define MAX_OCC 64

typedef struct {
  char *f[NFIELDS]; /* folded field text or NULL */
} job_t;

/* The folded text: one byte per folded byte, with its line number (blank
 * lines are not counted). */
typedef struct {
  char *s;
  int *line;
  size_t n;
} folded_t;

typedef struct {
  size_t a, b; /* [a, b) in the folded text */
  int la, lb;  /* first and last line */
} occ_t;

/* ---- folding ------------------------------------------------------------ */

static void put(folded_t *f, size_t *cap, char c, int line) {
  if (f->n + 1 >= *cap) {
    *cap = *cap ? *cap * 2 : 256;
    f->s = realloc(f->s, *cap);
    f->line = realloc(f->line, *cap * sizeof *f->line);
    if (!f->s || !f->line) {
      perror("realloc");
      exit(1);
    }
  }
  f->s[f->n] = c;
  f->line[f->n++] = line;
  f->s[f->n] = 0;
}

static bool is_dash(wchar_t w) {
  return w == '-' || (w >= 0x2010 && w <= 0x2015) || w == 0x2212 || w == 0x2192 || w == 0x27F6;
}

static bool is_space(wchar_t w) {
  return w == ' ' || w == '\t' || w == '\n' || w == '\r' || w == '\f' || w == 0xA0 ||
         (w >= 0x2000 && w <= 0x200A) || w == 0x202F;
}

/* Case-folds s; white space runs become one space, dashes '-'. */
static folded_t fold(const char *s) {
  folded_t f = {0};
  size_t cap = 0;
  int line = 0;
  bool sp = true, inked = false;
  mbstate_t st = {0};
  size_t len = strlen(s);
  put(&f, &cap, ' ', 0);
  f.n = 0;
  while (len) {
    wchar_t w;
    size_t k = mbrtowc(&w, s, len, &st);
    if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
      memset(&st, 0, sizeof st);
      w = 0xFFFD;
      k = 1;
    }
    if (is_space(w)) {
      if (!sp)
        put(&f, &cap, ' ', line);
      sp = true;
    } else {
      char mb[MB_LEN_MAX];
      mbstate_t o = {0};
      size_t m = wcrtomb(mb, is_dash(w) ? L'-' : (wchar_t)towlower((wint_t)w), &o);
      for (size_t i = 0; i < m && m != (size_t)-1; i++)
        put(&f, &cap, mb[i], line);
      sp = false;
    }
    /* lines are counted without the blank ones */
    if ((w == '\n' || w == '\f') && inked)
      line++;
    inked = (w == '\n' || w == '\f') ? false : inked || !is_space(w);
    s += k;
    len -= k;
  }
  while (f.n && f.s[f.n - 1] == ' ')
    f.s[--f.n] = 0;
  return f;
}

static char *fold_str(const char *s) {
  if (!s || !*s)
    return NULL;
  folded_t f = fold(s);
  free(f.line);
  if (!f.n) {
    free(f.s);
    return NULL;
  }
  return f.s;
}

/* The printed start date: date_text up to its range separator (" - ", or
 * a dash with a space on one side: "2019 -Present"); the end when the
 * start is empty.  A dash inside a date ("2019-03-01") is no separator. */
static char *start_date(const char *date_text) {
  char *d = fold_str(date_text);
  if (!d)
    return NULL;
  char *sep = strstr(d, " - ");
  for (char *p = d; !sep && (p = strchr(p, '-')); p++)
    if (p == d || p[-1] == ' ' || p[1] == ' ' || !p[1])
      sep = p;
  if (!sep)
    return d;
  char *end = sep + 1;
  while (*end == '-' || *end == ' ')
    end++;
  while (sep > d && sep[-1] == ' ')
    sep--;
  *sep = 0;
  if (*d)
    return d;
  char *e = *end ? strdup(end) : NULL;
  free(d);
  return e;
}

/* ---- matching ----------------------------------------------------------- */

static int occurrences(const folded_t *t, const char *needle, occ_t *o) {
  int n = 0;
  size_t nl = strlen(needle);
  for (const char *p = t->s; n < MAX_OCC && (p = strstr(p, needle)); p++) {
    size_t a = (size_t)(p - t->s);
    o[n++] = (occ_t){a, a + nl, t->line[a], t->line[a + nl - 1]};
  }
  return n;
}

static bool overlaps(const occ_t *x, const occ_t *y) { return x->a < y->b && y->a < x->b; }

/* Does another job's field occur in lines [la, lb] outside the chosen
 * occurrences? */
static bool foreign_inside(const folded_t *t, const job_t *jobs, int nj, int self, int la, int lb,
                           const occ_t *chosen, int nchosen) {
  occ_t o[MAX_OCC];
  for (int j = 0; j < nj; j++) {
    if (j == self)
      continue;
    for (int f = F_COMPANY; f <= F_TITLE; f++) {
      const char *x = jobs[j].f[f];
      if (!x)
        continue;
      bool own = false;
      for (int g = F_COMPANY; g <= F_TITLE; g++)
        own |= jobs[self].f[g] && strstr(jobs[self].f[g], x) != NULL;
      if (own)
        continue;
      int n = occurrences(t, x, o);
      for (int i = 0; i < n; i++) {
        if (o[i].lb < la || o[i].la > lb)
          continue;
        bool mine = false;
        for (int c = 0; c < nchosen; c++)
          mine |= overlaps(&o[i], &chosen[c]);
        if (!mine)
          return true;
      }
    }
  }
  return false;
}

typedef struct {
  int counted, found, contiguous;
} tally;

/* Tries every combination of occurrences (a few dozen each at most). */
static bool contiguous(const folded_t *t, const job_t *jobs, int nj, int self, occ_t occ[][MAX_OCC],
                       const int *nocc, const int *fields, int nf, int window) {
  int idx[NFIELDS] = {0};
  for (;;) {
    occ_t ch[NFIELDS];
    int la = 1 << 30, lb = -1;
    for (int k = 0; k < nf; k++) {
      ch[k] = occ[fields[k]][idx[k]];
      la = ch[k].la < la ? ch[k].la : la;
      lb = ch[k].lb > lb ? ch[k].lb : lb;
    }
    if (lb - la + 1 <= window && !foreign_inside(t, jobs, nj, self, la, lb, ch, nf))
      return true;
    int k = 0;
    while (k < nf && ++idx[k] == nocc[fields[k]])
      idx[k++] = 0;
    if (k == nf)
      return false;
  }
}

static tally score_doc(const char *text, const job_t *jobs, int nj, int window, FILE *why) {
  tally r = {0};
  folded_t t = fold(text);
  for (int j = 0; j < nj; j++) {
    int fields[NFIELDS], nf = 0;
    static occ_t occ[NFIELDS][MAX_OCC];
    int nocc[NFIELDS] = {0};
    for (int f = 0; f < NFIELDS; f++)
      if (jobs[j].f[f]) {
        fields[nf++] = f;
        nocc[f] = occurrences(&t, jobs[j].f[f], occ[f]);
      }
    if (nf < 2)
      continue;
    r.counted++;
    bool found = true;
    for (int k = 0; k < nf; k++)
      found &= nocc[fields[k]] > 0;
    bool ok = found && contiguous(&t, jobs, nj, j, occ, nocc, fields, nf, window);
    r.found += found;
    r.contiguous += ok;
    if (why && !ok)
      fprintf(why, "    %s: %s | %s | %s\n", found ? "split" : "missing",
             jobs[j].f[F_COMPANY] ? jobs[j].f[F_COMPANY] : "-",
             jobs[j].f[F_TITLE] ? jobs[j].f[F_TITLE] : "-",
             jobs[j].f[F_DATE] ? jobs[j].f[F_DATE] : "-");
  }
  free(t.s);
  free(t.line);
  return r;
}

/* ---- ground truth and extraction --------------------------------------- */

static int load_jobs(const char *gt_path, job_t *jobs) {
  json_error_t err;
  json_t *root = json_load_file(gt_path, 0, &err);
  if (!root) {
    fprintf(stderr, "%s: %s\n", gt_path, err.text);
    exit(1);
  }
  int n = 0;
  size_t i;
  json_t *w;
  json_array_foreach(json_object_get(root, "work_experience"), i, w) {
    if (n == MAX_JOBS)
      break;
    jobs[n].f[F_COMPANY] = fold_str(json_string_value(json_object_get(w, "company")));
    jobs[n].f[F_TITLE] = fold_str(json_string_value(json_object_get(w, "title")));
    jobs[n].f[F_DATE] = start_date(json_string_value(json_object_get(w, "date_text")));
    n++;
  }
  json_decref(root);
  return n;
}

typedef struct {
  int done;
  char *text;
  char err[300];
} ext_out;

static void on_done(void *arg, cw_extract_result *r) {
  ext_out *o = arg;
  o->done = 1;
  if (r->status) {
    snprintf(o->err, sizeof o->err, "%s: %s", cw_error_name(r->code), r->message);
    free(r->text);
  } else {
    o->text = r->text;
  }
}

static char *extract_file(uv_loop_t *loop, cw_extractor *x, const char *path, char *err,
                          size_t errlen) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, errlen, "cannot open");
    return NULL;
  }
  ext_out o = {0};
  cw_extract_req rq = {.job_id = "bench", .fd = fd};
  if (cw_extract_start(x, &rq, on_done, &o, NULL) < 0) {
    close(fd);
    snprintf(err, errlen, "cannot start the extraction");
    return NULL;
  }
  close(fd);
  uv_run(loop, UV_RUN_DEFAULT);
  snprintf(err, errlen, "%s", o.err);
  return o.text;
}

/* documents/<id>.<ext> for an id, or NULL. */
static char *find_document(const char *corpus, const char *id) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/documents", corpus);
  DIR *d = opendir(dir);
  char *found = NULL;
  struct dirent *e;
  size_t n = strlen(id);
  while (d && !found && (e = readdir(d)))
    if (strncmp(e->d_name, id, n) == 0 && e->d_name[n] == '.' && !strchr(e->d_name + n + 1, '.'))
      if (asprintf(&found, "%s/%s", dir, e->d_name) < 0)
        found = NULL;
  if (d)
    closedir(d);
  return found;
}

/* rt_<person>_<theme>[_docx] -> theme (DOCX variants apart); else the id. */
static void group_of(const char *id, char *g, size_t cap) {
  const char *p = strncmp(id, "rt_", 3) == 0 ? strchr(id + 3, '_') : NULL;
  snprintf(g, cap, "%s", p ? p + 1 : id);
}

/* ---- main --------------------------------------------------------------- */

typedef struct {
  char name[128];
  int docs;
  tally t;
} group_t;

static void dump_text(const char *dir, const char *id, const char *text) {
  char p[4096];
  snprintf(p, sizeof p, "%s/%s.txt", dir, id);
  FILE *f = fopen(p, "w");
  if (f) {
    fputs(text, f);
    fclose(f);
  }
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static group_t groups[512];
static int ngroups;

static void add_to_group(const char *id, tally t) {
  char g[128];
  group_of(id, g, sizeof g);
  int i = 0;
  while (i < ngroups && strcmp(groups[i].name, g) != 0)
    i++;
  if (i == ngroups) {
    if (ngroups == 512)
      return;
    snprintf(groups[ngroups++].name, sizeof groups[0].name, "%s", g);
  }
  groups[i].docs++;
  groups[i].t.counted += t.counted;
  groups[i].t.found += t.found;
  groups[i].t.contiguous += t.contiguous;
}

static void pct_line(const char *name, int docs, tally t) {
  printf("%-44.44s %5d %6d %6d %6d %7.1f%%\n", name, docs, t.counted, t.found, t.contiguous,
         t.counted ? 100.0 * t.contiguous / t.counted : 0.0);
}

static tally run_corpus(uv_loop_t *loop, cw_extractor *x, const char *corpus, int window,
                        bool verbose, const char *dump, int *ndocs) {
  char gtdir[4096];
  snprintf(gtdir, sizeof gtdir, "%s/ground_truth", corpus);
  DIR *d = opendir(gtdir);
  if (!d) {
    perror(gtdir);
    exit(1);
  }
  char *ids[4096];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 4096) {
    size_t l = strlen(e->d_name);
    if (l > 8 && strcmp(e->d_name + l - 8, ".gt.json") == 0)
      ids[n++] = strndup(e->d_name, l - 8);
  }
  closedir(d);
  qsort(ids, (size_t)n, sizeof *ids, cmp_str);
  tally total = {0};
  for (int i = 0; i < n; i++) {
    char gt[8192], err[300] = "";
    snprintf(gt, sizeof gt, "%s/%s.gt.json", gtdir, ids[i]);
    job_t jobs[MAX_JOBS] = {0};
    int nj = load_jobs(gt, jobs);
    char *doc = find_document(corpus, ids[i]);
    char *text = doc ? extract_file(loop, x, doc, err, sizeof err) : NULL;
    if (!text) {
      printf("%-44.44s  not extracted: %s\n", ids[i], doc ? err : "no document");
    } else {
      if (dump)
        dump_text(dump, ids[i], text);
      char *why = NULL;
      size_t whylen = 0;
      FILE *wf = verbose ? open_memstream(&why, &whylen) : NULL;
      tally t = score_doc(text, jobs, nj, window, wf);
      if (wf)
        fclose(wf);
      pct_line(ids[i], 1, t);
      if (why)
        fputs(why, stdout);
      free(why);
      add_to_group(ids[i], t);
      total.counted += t.counted;
      total.found += t.found;
      total.contiguous += t.contiguous;
      (*ndocs)++;
    }
    for (int j = 0; j < nj; j++)
      for (int f = 0; f < NFIELDS; f++)
        free(jobs[j].f[f]);
    free(text);
    free(doc);
    free(ids[i]);
  }
  return total;
}

static void usage(void) {
  fprintf(stderr, "usage: contiguity [-w LINES] [-v] [--dump DIR] CORPUS_DIR...\n");
  exit(2);
}

static void closed(void *arg) { (void)arg; }

int main(int argc, char **argv) {
  int window = 6;
  bool verbose = false;
  const char *dump = NULL;
  static const struct option lo[] = {{"dump", required_argument, NULL, 'd'}, {0}};
  int c;
  while ((c = getopt_long(argc, argv, "w:v", lo, NULL)) != -1) {
    if (c == 'w')
      window = atoi(optarg);
    else if (c == 'v')
      verbose = true;
    else if (c == 'd')
      dump = optarg;
    else
      usage();
  }
  if (optind >= argc || window < 1)
    usage();
  if (!setlocale(LC_CTYPE, "C.UTF-8"))
    setlocale(LC_CTYPE, "");
  cw_log_set_level(CW_LOG_WARNING);
  cw_config cfg;
  memset(&cfg, 0, sizeof cfg);
  if (cw_config_load(&cfg, NULL) < 0)
    return 1;
  if (!getenv("CAREEROS_EXTRACT_HELPER")) {
    free(cfg.extract.helper);
    cfg.extract.helper = strdup(CW_BENCH_BUILD_ROOT "/src/extract/careeros-extract");
  }
  uv_loop_t loop;
  uv_loop_init(&loop);
  cw_extractor *x;
  if (cw_extractor_new(&loop, &cfg, &x) < 0)
    return 1;
  if (dump)
    mkdir(dump, 0755);
  printf("helper: %s  window: %d lines\n", cfg.extract.helper, window);
  printf("%-44s %5s %6s %6s %6s %8s\n", "document", "docs", "jobs", "found", "contig", "contig%");
  tally total = {0};
  int ndocs = 0;
  for (int i = optind; i < argc; i++) {
    tally t = run_corpus(&loop, x, argv[i], window, verbose, dump, &ndocs);
    total.counted += t.counted;
    total.found += t.found;
    total.contiguous += t.contiguous;
  }
  printf("\nper theme (rt_<person>_<theme>) or document\n");
  for (int i = 0; i < ngroups; i++)
    pct_line(groups[i].name, groups[i].docs, groups[i].t);
  printf("\n");
  pct_line("TOTAL", ndocs, total);
  printf("command:");
  for (int i = 0; i < argc; i++)
    printf(" %s", argv[i]);
  printf("\n");
  cw_extractor_close(x, closed, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  cw_config_free(&cfg);
  return 0;
}
