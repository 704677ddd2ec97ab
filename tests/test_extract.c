/* Extraction: type detection, plain text in-process, and PDF/DOCX/ODT/RTF
 * through the real careeros-extract helper in its sandbox, including the
 * hostile-files catalogue (README "Hostile files").  Every document is
 * generated at test time (tests/docgen.c).  Fake helpers (small shell
 * scripts) drive the parent's handling of hangs, crashes and floods. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "careeros/config.h"
#include "careeros/extract.h"
#include "careeros/mime.h"
#include "docgen.h"

#if defined(__SANITIZE_ADDRESS__)
#define CW_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CW_ASAN 1
#endif
#endif

static char dir[256];
static char path[512];

static void setup(void) {
  snprintf(dir, sizeof dir, "/tmp/cw-extract-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

static const char *P(const char *name) {
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return path;
}

typedef struct {
  int cpu, wall, mem;
  long long max_text, max_output, zip_unz;
  int zip_entries, max_pages;
  const char *helper;
} knobs;

typedef struct {
  int done;
  cw_extract_result r;
} out_t;

static void on_done(void *arg, cw_extract_result *r) {
  out_t *o = arg;
  o->done++;
  o->r = *r; /* takes ownership of r->text */
}

static void closed(void *arg) { (*(int *)arg)++; }

static void make_cfg(cw_config *cfg, const knobs *k) {
  memset(cfg, 0, sizeof *cfg);
  ck_assert_int_eq(cw_config_load(cfg, NULL), 0);
  free(cfg->extract.helper);
  const char *h = k && k->helper ? k->helper : getenv("CW_EXTRACT_HELPER");
  ck_assert_msg(h != NULL, "CW_EXTRACT_HELPER is not set");
  cfg->extract.helper = strdup(h);
  if (k && k->cpu) cfg->extract.cpu_seconds = k->cpu;
  if (k && k->wall) cfg->extract.wall_seconds = k->wall;
  if (k && k->mem) cfg->extract.memory_mb = k->mem;
  if (k && k->max_text) cfg->extract.max_text_bytes = k->max_text;
  if (k && k->max_output) cfg->extract.max_output_bytes = k->max_output;
  if (k && k->zip_unz) cfg->extract.zip_max_uncompressed = k->zip_unz;
  if (k && k->zip_entries) cfg->extract.zip_max_entries = k->zip_entries;
  if (k && k->max_pages) cfg->extract.max_pages = k->max_pages;
}

static out_t extract_k(const char *file, const char *declared, const knobs *k) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  cw_config cfg;
  make_cfg(&cfg, k);
  cw_extractor *x;
  ck_assert_int_eq(cw_extractor_new(&loop, &cfg, &x), 0);
  int fd = open(file, O_RDONLY | O_CLOEXEC);
  ck_assert_int_ge(fd, 0);
  out_t o = {0};
  cw_extract_req rq = {.job_id = "t", .fd = fd, .declared_mime = declared, .file_name = "f"};
  ck_assert_int_eq(cw_extract_start(x, &rq, on_done, &o, NULL), 0);
  close(fd); /* the extractor holds its own duplicate */
  ck_assert_int_eq(o.done, 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(o.done, 1);
  int c = 0;
  cw_extractor_close(x, closed, &c);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(c, 1);
  ck_assert_int_eq(uv_loop_close(&loop), 0);
  cw_config_free(&cfg);
  return o;
}

static out_t extract(const char *file, const char *declared) { return extract_k(file, declared, NULL); }

#define EXPECT_OK(o)                                                                        \
  do {                                                                                      \
    ck_assert_msg((o).r.status == 0, "expected success, got %s: %s",                        \
                  cw_error_name((o).r.code), (o).r.message);                                \
    ck_assert_ptr_nonnull((o).r.text);                                                      \
    ck_assert_uint_eq(strlen((o).r.text), (o).r.text_len);                                  \
  } while (0)

#define EXPECT_CODE(o, c)                                                                   \
  do {                                                                                      \
    ck_assert_msg((o).r.status < 0, "expected %s, got success", #c);                        \
    ck_assert_msg((o).r.code == CW_ERR_##c, "expected %s, got %s (%s)", #c,                 \
                  cw_error_name((o).r.code), (o).r.message);                                \
    ck_assert_ptr_null((o).r.text);                                                         \
  } while (0)

static void write_str(const char *name, const char *s) { dg_write(P(name), s, strlen(s)); }

/* ---- plain text ---- */

START_TEST(plain_text_ok) {
  write_str("cv.txt", "Jane Doe\r\n\xE2\x80\xA2 Built\xC2\xA0things at Acme \xE2\x80\x93 2020\n");
  out_t o = extract(P("cv.txt"), "text/plain");
  EXPECT_OK(o);
  ck_assert_str_eq(o.r.text, "Jane Doe\n- Built things at Acme - 2020");
  ck_assert_str_eq(o.r.extractor, "plain");
  ck_assert_str_eq(o.r.detected_mime, "text/plain");
  ck_assert_int_eq(o.r.mime_mismatch, 0);
  ck_assert_int_eq(o.r.page_count, 0);
  free(o.r.text);
  write_str("cv.md", "# Jane Doe\n\n## Experience\n\n- Acme, *Engineer*, 2019-2021\n");
  o = extract(P("cv.md"), "text/markdown");
  EXPECT_OK(o);
  ck_assert_int_eq(o.r.mime_mismatch, 0);
  free(o.r.text);
}
END_TEST

START_TEST(plain_encodings) {
  const unsigned char u16[] = {0xFF, 0xFE, 'J', 0, 'o', 0, 's', 0, 0xE9, 0, '\n', 0,
                               'D', 0, 'e', 0, 'v', 0};
  dg_write(P("u16.txt"), u16, sizeof u16);
  out_t o = extract(P("u16.txt"), "text/plain");
  EXPECT_OK(o);
  ck_assert_str_eq(o.r.text, "Jos\xC3\xA9\nDev");
  free(o.r.text);
  write_str("latin1.txt", "Jos\xE9 M\xFCller\nIngenieur f\xFCr Systeme\n");
  o = extract(P("latin1.txt"), "text/plain");
  EXPECT_OK(o);
  ck_assert_str_eq(o.r.text, "Jos\xC3\xA9 M\xC3\xBCller\nIngenieur f\xC3\xBCr Systeme");
  ck_assert(strstr(o.r.extractor_version, "windows-1252") != NULL);
  free(o.r.text);
}
END_TEST

START_TEST(hostile_nul_bytes_in_text) {
  char buf[300];
  memset(buf, 'a', sizeof buf);
  memcpy(buf, "Jane Doe\n", 9);
  buf[20] = 0;
  buf[150] = 0;
  dg_write(P("nul.txt"), buf, sizeof buf);
  out_t o = extract(P("nul.txt"), "text/plain");
  EXPECT_OK(o); /* documented: stray NUL bytes are dropped */
  ck_assert_uint_eq(strlen(o.r.text), o.r.text_len);
  ck_assert_uint_eq(o.r.text_len, sizeof buf - 2);
  free(o.r.text);
}
END_TEST

START_TEST(hostile_utf16_without_bom) {
  char buf[400];
  for (int i = 0; i < 200; i++) {
    buf[2 * i] = "Jane Doe, Engineer\n"[i % 19];
    buf[2 * i + 1] = 0;
  }
  dg_write(P("u16nobom.txt"), buf, sizeof buf);
  out_t o = extract(P("u16nobom.txt"), "text/plain");
  EXPECT_CODE(o, TEXT_ENCODING_INVALID);
}
END_TEST

START_TEST(hostile_invalid_utf8) {
  char buf[2000];
  for (int i = 0; i < 500; i++)
    memcpy(buf + 4 * i, i % 2 ? "ab\xC3\xA9" : "x\xFF\xFE\xC3", 4);
  dg_write(P("bad.txt"), buf, sizeof buf);
  out_t o = extract(P("bad.txt"), "text/plain");
  /* libmagic may call this text or data: either way a documented refusal */
  ck_assert_msg(o.r.code == CW_ERR_TEXT_ENCODING_INVALID || o.r.code == CW_ERR_FILE_TYPE_UNSUPPORTED,
                "%s", cw_error_name(o.r.code));
  ck_assert_int_lt(o.r.status, 0);
}
END_TEST

START_TEST(hostile_empty_and_tiny) {
  dg_write(P("empty.txt"), "", 0);
  EXPECT_CODE(extract(P("empty.txt"), "text/plain"), FILE_EMPTY);
  write_str("nl.txt", "\n");
  EXPECT_CODE(extract(P("nl.txt"), "text/plain"), TEXT_EMPTY);
  dg_write(P("one.bin"), "\0", 1);
  EXPECT_CODE(extract(P("one.bin"), "application/pdf"), FILE_TYPE_UNSUPPORTED);
  write_str("x.txt", "x");
  out_t o = extract(P("x.txt"), "text/plain");
  EXPECT_OK(o);
  ck_assert_str_eq(o.r.text, "x");
  free(o.r.text);
  write_str("ws.txt", " \t\n\xC2\xA0\xE2\x80\x8B\n\n  ");
  EXPECT_CODE(extract(P("ws.txt"), "text/plain"), TEXT_EMPTY);
}
END_TEST

START_TEST(hostile_one_50mb_line) {
  size_t n = 50u << 20;
  char *big = malloc(n);
  ck_assert_ptr_nonnull(big);
  memset(big, 'a', n);
  dg_write(P("line.txt"), big, n);
  free(big);
  uint64_t t0 = uv_hrtime();
  out_t o = extract(P("line.txt"), "text/plain");
  EXPECT_CODE(o, TEXT_TOO_LONG);
  /* refused from its size, without reading 50 MB */
  ck_assert_uint_lt((uv_hrtime() - t0) / 1000000, 2000);
}
END_TEST

/* A short resume with a few stray control characters (a terminal colour
 * code, a bell, a NUL, the non-character U+FFFE) is text: read, the
 * controls removed.  Random bytes of the same length are not. */
START_TEST(text_with_stray_controls_is_read_as_text) {
  static const char cv[] = "Jane Doe\nSenior Engineer \033[1mAcme\033[0m 2019-2024\a\n"
                           "Skills: C, Go\0, SQL \xef\xbf\xbe Python\nEducation: MIT 2015\n";
  dg_write(P("ctl.txt"), cv, sizeof cv - 1);
  out_t o = extract(P("ctl.txt"), "text/plain");
  EXPECT_OK(o);
  ck_assert_str_eq(o.r.text, "Jane Doe\nSenior Engineer [1mAcme[0m 2019-2024\n"
                             "Skills: C, Go, SQL Python\nEducation: MIT 2015");
  ck_assert_str_eq(o.r.detected_mime, "text/plain");
  free(o.r.text);
  unsigned char bin[sizeof cv - 1];
  unsigned x = 12345;
  for (size_t i = 0; i < sizeof bin; i++) {
    x = x * 1103515245u + 12345u;
    bin[i] = (unsigned char)(x >> 16);
  }
  dg_write(P("bin.txt"), bin, sizeof bin);
  o = extract(P("bin.txt"), "text/plain");
  EXPECT_CODE(o, FILE_TYPE_UNSUPPORTED);
}
END_TEST

START_TEST(hostile_executable_renamed_pdf) {
  char buf[65536];
  int fd = open("/proc/self/exe", O_RDONLY);
  ssize_t n = read(fd, buf, sizeof buf);
  close(fd);
  ck_assert_int_gt(n, 1000);
  dg_write(P("cv.pdf"), buf, (size_t)n);
  out_t o = extract(P("cv.pdf"), "application/pdf");
  EXPECT_CODE(o, FILE_TYPE_UNSUPPORTED);
  ck_assert_int_eq(o.r.mime_mismatch, 1);
  ck_assert(strstr(o.r.detected_mime, "application/") != NULL);
}
END_TEST

START_TEST(hostile_declared_pdf_is_text) {
  write_str("cv.pdf", "Jane Doe\nSoftware Engineer at Acme\n");
  out_t o = extract(P("cv.pdf"), "application/pdf");
  EXPECT_OK(o);
  ck_assert_int_eq(o.r.mime_mismatch, 1);
  ck_assert_str_eq(o.r.detected_mime, "text/plain");
  ck_assert_str_eq(o.r.extractor, "plain");
  free(o.r.text);
}
END_TEST

START_TEST(html_resume) {
  write_str("cv.html",
            "<!DOCTYPE html><html><head><title>CV</title><style>p{}</style>"
            "<script>document.write('x')</script></head><body><h1>Jane Doe</h1>"
            "<p>Engineer &amp; lead<br>Berlin</p><ul><li>Go</li><li>SQL</li></ul>"
            "<table><tr><td>Acme</td><td>2020</td></tr></table>"
            "<img src=\"http://127.0.0.1:9/x.png\"><iframe src=\"file:///etc/passwd\"></iframe></body></html>\n");
  out_t o = extract(P("cv.html"), "text/html");
  EXPECT_OK(o);
  ck_assert_str_eq(o.r.text, "Jane Doe\n\nEngineer & lead\nBerlin\n\n- Go\n- SQL\n\nAcme\t2020");
  ck_assert_str_eq(o.r.extractor, "html");
  free(o.r.text);
  /* XML that is not HTML stays unsupported */
  write_str("cv.xml", "<?xml version=\"1.0\"?><resume><name>Jane</name></resume>\n");
  EXPECT_CODE(extract(P("cv.xml"), "text/xml"), FILE_TYPE_UNSUPPORTED);
  /* HTML without a doctype, sent as text: still found to be HTML */
  write_str("cv.txt", "<html><body><p>Jane Doe</p><p>Berlin</p></body></html>\n");
  o = extract(P("cv.txt"), "text/plain");
  EXPECT_OK(o);
  ck_assert_str_eq(o.r.detected_mime, "text/html");
  ck_assert_str_eq(o.r.extractor, "html");
  free(o.r.text);
}
END_TEST

/* Text that libmagic's built-in tests call plain but its magic file knows
 * better: PostScript is not extracted as if it were the resume's text. */
START_TEST(postscript_is_not_plain_text) {
  write_str("cv.ps", "%!PS-Adobe-3.0\n%%Title: cv\n/Helvetica findfont 12 scalefont setfont\n"
                     "72 700 moveto (Jane Doe) show\nshowpage\n");
  EXPECT_CODE(extract(P("cv.ps"), "text/plain"), FILE_TYPE_UNSUPPORTED);
}
END_TEST

/* ---- PDF ---- */

static void simple_pdf(const char *name, const char *text) {
  char c[4096] = "";
  dg_text(c, sizeof c, 72, 700, 12, text);
  const char *cs[] = {c};
  dg_pdf(P(name), 1, cs, 1, NULL, NULL, 0);
}

START_TEST(pdf_single_page) {
  simple_pdf("cv.pdf", "Jane Doe Software Engineer");
  out_t o = extract(P("cv.pdf"), "application/pdf");
  EXPECT_OK(o);
  ck_assert_str_eq(o.r.text, "Jane Doe Software Engineer");
  ck_assert_str_eq(o.r.extractor, "poppler");
  ck_assert(strncmp(o.r.extractor_version, "poppler-", 8) == 0);
  ck_assert_str_eq(o.r.detected_mime, "application/pdf");
  ck_assert_int_eq(o.r.page_count, 1);
  ck_assert_int_eq(o.r.mime_mismatch, 0);
  free(o.r.text);
}
END_TEST

/* Two columns whose baselines line up exactly (the hard case): a left
 * sidebar and a right main column under a full-width name. */
START_TEST(pdf_two_columns_do_not_interleave) {
  char c[8192] = "";
  dg_text(c, sizeof c, 230, 750, 20, "Jane Doe");
  const char *left[] = {"SKILLS", "Python", "Go", "Kubernetes", "LANGUAGES", "English", "German"};
  const char *right[] = {"EXPERIENCE", "Senior Engineer at Acme Corp", "Built the billing platform",
                         "Led a team of five engineers", "Engineer at Globex Inc",
                         "Maintained the data pipeline", "Reduced costs by a third",
                         "EDUCATION", "BSc Computer Science"};
  for (int i = 0; i < 7; i++)
    dg_text(c, sizeof c, 50, 700 - 16.0 * i, 10, left[i]);
  for (int i = 0; i < 9; i++)
    dg_text(c, sizeof c, 220, 700 - 16.0 * i, 10, right[i]);
  const char *cs[] = {c};
  dg_pdf(P("cols.pdf"), 1, cs, 1, NULL, NULL, 0);
  out_t o = extract(P("cols.pdf"), "application/pdf");
  EXPECT_OK(o);
  const char *want =
      "Jane Doe\n\nSKILLS\nPython\nGo\nKubernetes\nLANGUAGES\nEnglish\nGerman\n\n"
      "EXPERIENCE\nSenior Engineer at Acme Corp\nBuilt the billing platform\n"
      "Led a team of five engineers\nEngineer at Globex Inc\nMaintained the data pipeline\n"
      "Reduced costs by a third\nEDUCATION\nBSc Computer Science";
  ck_assert_str_eq(o.r.text, want);
  free(o.r.text);
}
END_TEST

/* The usual sidebar: narrower left column in a smaller font with its own
 * line spacing, longer main column on the right, a full-width footer line. */
START_TEST(pdf_sidebar_with_own_spacing) {
  char c[8192] = "";
  const char *left[] = {"CONTACT", "jane@example.com", "+49 30 1234567", "Berlin", "SKILLS",
                        "Python", "PostgreSQL", "Kubernetes", "Terraform", "LANGUAGES",
                        "English (native)", "German (C1)"};
  for (int i = 0; i < 12; i++)
    dg_text(c, sizeof c, 40, 740 - 12.0 * i, 9, left[i]);
  const char *right[] = {"Jane Doe", "Senior Platform Engineer", "EXPERIENCE",
                         "Acme Corp, Staff Engineer, 2020 - Present",
                         "Designed the multi-region deployment pipeline",
                         "Cut cloud spending by a third", "Globex, Engineer, 2016 - 2020",
                         "Built the event ingestion service", "Mentored four junior engineers",
                         "EDUCATION", "TU Berlin, MSc Computer Science, 2016"};
  for (int i = 0; i < 11; i++)
    dg_text(c, sizeof c, 200, 745 - 17.0 * i, i == 0 ? 16 : 11, right[i]);
  dg_text(c, sizeof c, 40, 60, 8, "References available on request - Jane Doe - Berlin, Germany 2024");
  const char *cs[] = {c};
  dg_pdf(P("sidebar.pdf"), 1, cs, 1, NULL, NULL, 0);
  out_t o = extract(P("sidebar.pdf"), "application/pdf");
  EXPECT_OK(o);
  const char *t = o.r.text;
  /* each column is contiguous, in order */
  const char *l1 = strstr(t, "CONTACT"), *l2 = strstr(t, "German (C1)");
  const char *r1 = strstr(t, "Jane Doe"), *r2 = strstr(t, "TU Berlin, MSc Computer Science, 2016");
  ck_assert_msg(l1 && l2 && r1 && r2, "%s", t);
  ck_assert_msg(strstr(t, "CONTACT\njane@example.com\n+49 30 1234567\nBerlin\nSKILLS\nPython\n"
                          "PostgreSQL\nKubernetes\nTerraform\nLANGUAGES\nEnglish (native)\n"
                          "German (C1)") != NULL, "%s", t);
  ck_assert_msg(strstr(t, "EXPERIENCE\nAcme Corp, Staff Engineer, 2020 - Present\n"
                          "Designed the multi-region deployment pipeline\nCut cloud spending by a "
                          "third\nGlobex") != NULL, "%s", t);
  ck_assert_msg(strstr(t, "References available on request") > r2, "%s", t);
  free(o.r.text);
}
END_TEST

/* Right-aligned dates beside each entry are not a column. */
START_TEST(pdf_right_aligned_dates_stay_on_their_row) {
  char c[8192] = "";
  const char *rows[][2] = {{"Senior Engineer, Acme Corp", "Jan 2020 - Present"},
                           {"Built the billing platform for all regions", NULL},
                           {"Led a team of five engineers", NULL},
                           {"Engineer, Globex Inc", "Mar 2016 - Dec 2019"},
                           {"Maintained the data pipeline", NULL},
                           {"Intern, Initech", "2015"},
                           {"Wrote tests", NULL}};
  for (int i = 0; i < 7; i++) {
    dg_text(c, sizeof c, 50, 700 - 16.0 * i, 10, rows[i][0]);
    if (rows[i][1])
      dg_text(c, sizeof c, 560 - 5.0 * strlen(rows[i][1]), 700 - 16.0 * i, 10, rows[i][1]);
  }
  const char *cs[] = {c};
  dg_pdf(P("dates.pdf"), 1, cs, 1, NULL, NULL, 0);
  out_t o = extract(P("dates.pdf"), "application/pdf");
  EXPECT_OK(o);
  ck_assert_msg(strstr(o.r.text, "Senior Engineer, Acme Corp\tJan 2020 - Present\n") != NULL, "%s",
                o.r.text);
  ck_assert(strstr(o.r.text, "Intern, Initech\t2015\nWrote tests") != NULL);
  free(o.r.text);
  /* the hard variant: every date has the same width, so their left edges
   * line up like a column's would */
  char c2[8192] = "";
  for (int i = 0; i < 9; i++) {
    double y = 700 - 16.0 * i;
    if (i % 3 == 0) {
      dg_text(c2, sizeof c2, 50, y, 10, i == 0 ? "Staff Engineer, Acme" : i == 3 ? "Engineer, Globex" : "Intern, Initech");
      dg_text(c2, sizeof c2, 470, y, 10, i == 0 ? "01/2020 - 03/2024" : i == 3 ? "02/2016 - 12/2019" : "06/2015 - 09/2015");
    } else {
      dg_text(c2, sizeof c2, 60, y, 10, "Shipped a thing that mattered to customers");
    }
  }
  const char *cs2[] = {c2};
  dg_pdf(P("dates2.pdf"), 1, cs2, 1, NULL, NULL, 0);
  o = extract(P("dates2.pdf"), "application/pdf");
  EXPECT_OK(o);
  ck_assert_msg(strstr(o.r.text, "Engineer, Globex\t02/2016 - 12/2019\nShipped") != NULL, "%s", o.r.text);
  free(o.r.text);
}
END_TEST

START_TEST(pdf_repeated_headers_removed) {
  char p1[2048] = "", p2[2048] = "";
  dg_text(p1, sizeof p1, 72, 760, 8, "Jane Doe - Curriculum Vitae");
  dg_text(p1, sizeof p1, 72, 700, 12, "Experience at Acme");
  dg_text(p1, sizeof p1, 290, 40, 8, "Page 1 of 2");
  dg_text(p2, sizeof p2, 72, 760, 8, "Jane Doe - Curriculum Vitae");
  dg_text(p2, sizeof p2, 72, 700, 12, "Education at MIT");
  dg_text(p2, sizeof p2, 290, 40, 8, "Page 2 of 2");
  const char *cs[] = {p1, p2};
  dg_pdf(P("hdr.pdf"), 2, cs, 2, NULL, NULL, 1);
  out_t o = extract(P("hdr.pdf"), "application/pdf");
  EXPECT_OK(o);
  ck_assert_int_eq(o.r.page_count, 2);
  ck_assert_str_eq(o.r.text, "Jane Doe - Curriculum Vitae\n\nExperience at Acme\nEducation at MIT");
  free(o.r.text);
}
END_TEST

START_TEST(hostile_truncated_pdf) {
  simple_pdf("full.pdf", "Jane Doe Software Engineer");
  FILE *f = fopen(P("full.pdf"), "rb");
  char buf[4096];
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  /* cut inside the first object: no page tree left to recover */
  dg_write(P("cut.pdf"), buf, 40);
  EXPECT_CODE(extract(P("cut.pdf"), "application/pdf"), FILE_CORRUPT);
  /* cut inside the cross-reference table: no trailer left, poppler cannot
   * find the document catalog */
  dg_write(P("cut2.pdf"), buf, n - 120);
  EXPECT_CODE(extract(P("cut2.pdf"), "application/pdf"), FILE_CORRUPT);
}
END_TEST

START_TEST(hostile_encrypted_pdf) {
  char c[512] = "";
  dg_text(c, sizeof c, 72, 700, 12, "secret");
  const char *cs[] = {c};
  const char *enc =
      "/Encrypt << /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 "
      "/O <6E6F7420746865206F776E65722070617373776F7264206174207468697321> "
      "/U <7573657220686173682074686174206D6174636865732061206E6F6E2D656D> >> "
      "/ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>]";
  dg_pdf(P("enc.pdf"), 1, cs, 1, NULL, enc, 0);
  EXPECT_CODE(extract(P("enc.pdf"), "application/pdf"), PDF_ENCRYPTED);
}
END_TEST

START_TEST(hostile_deeply_nested_pdf) {
  dg_pdf_nested(P("nest.pdf"), 100000);
  out_t o = extract(P("nest.pdf"), "application/pdf");
  /* poppler stops parsing the nesting at its recursion limit; the page and
   * its text are unaffected */
  EXPECT_OK(o);
  ck_assert_str_eq(o.r.text, "Nested but readable");
  free(o.r.text);
}
END_TEST

START_TEST(hostile_5000_pages) {
  char c[512] = "";
  dg_text(c, sizeof c, 72, 700, 12, "page");
  const char *cs[] = {c};
  dg_pdf(P("many.pdf"), 5000, cs, 1, NULL, NULL, 0);
  out_t o = extract(P("many.pdf"), "application/pdf");
  EXPECT_CODE(o, PDF_TOO_MANY_PAGES);
  ck_assert_int_eq(o.r.page_count, 5000);
}
END_TEST

START_TEST(hostile_image_only_pdf) {
  dg_pdf_image_only(P("img.pdf"));
  EXPECT_CODE(extract(P("img.pdf"), "application/pdf"), PDF_NO_TEXT);
}
END_TEST

/* A scanned resume: the text exists only as pixels (rendered here with
 * pdftoppm from a text PDF).  OCR off: PDF_NO_TEXT; on, with tesseract
 * installed: the words come back. */
START_TEST(pdf_scan_ocr) {
  char c[2048] = "";
  dg_text(c, sizeof c, 72, 700, 28, "Jane Doe");
  dg_text(c, sizeof c, 72, 650, 28, "Software Engineer");
  const char *cs[] = {c};
  dg_pdf(P("text.pdf"), 1, cs, 1, NULL, NULL, 0);
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "pdftoppm -gray -r 150 -singlefile '%s/text.pdf' '%s/scan'", dir, dir);
  ck_assert_msg(system(cmd) == 0, "pdftoppm (poppler-utils) is needed for this test");
  FILE *f = fopen(P("scan.pgm"), "rb");
  ck_assert_ptr_nonnull(f);
  int w, h, maxv;
  ck_assert_int_eq(fscanf(f, "P5 %d %d %d", &w, &h, &maxv), 3);
  fgetc(f);
  unsigned char *px = malloc((size_t)w * (size_t)h);
  ck_assert_ptr_nonnull(px);
  ck_assert_uint_eq(fread(px, 1, (size_t)w * (size_t)h, f), (size_t)w * (size_t)h);
  fclose(f);
  dg_pdf_gray_image(P("scan.pdf"), px, w, h);
  free(px);
  EXPECT_CODE(extract(P("scan.pdf"), "application/pdf"), PDF_NO_TEXT);
  uv_loop_t loop;
  uv_loop_init(&loop);
  cw_config cfg;
  make_cfg(&cfg, NULL);
  cfg.extract.ocr = true;
  cw_extractor *x;
  ck_assert_int_eq(cw_extractor_new(&loop, &cfg, &x), 0);
  int fd = open(P("scan.pdf"), O_RDONLY | O_CLOEXEC);
  out_t o = {0};
  cw_extract_req rq = {.job_id = "ocr", .fd = fd};
  ck_assert_int_eq(cw_extract_start(x, &rq, on_done, &o, NULL), 0);
  close(fd);
  uv_run(&loop, UV_RUN_DEFAULT);
  int cl = 0;
  cw_extractor_close(x, closed, &cl);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(uv_loop_close(&loop), 0);
  cw_config_free(&cfg);
  if (access("/usr/bin/tesseract", X_OK) != 0 && access("/usr/local/bin/tesseract", X_OK) != 0) {
    EXPECT_CODE(o, PDF_NO_TEXT);
    ck_assert(strstr(o.r.message, "not available") != NULL);
    return;
  }
  EXPECT_OK(o);
  ck_assert_str_eq(o.r.extractor, "poppler+tesseract");
  ck_assert_msg(strstr(o.r.text, "Doe") && strstr(o.r.text, "Software Engineer"), "%s",
                o.r.text);
  free(o.r.text);
}
END_TEST

START_TEST(hostile_pdf_with_javascript) {
  char c[512] = "";
  dg_text(c, sizeof c, 72, 700, 12, "Jane Doe");
  const char *cs[] = {c};
  dg_pdf(P("js.pdf"), 1, cs, 1,
         "/OpenAction << /S /JavaScript /JS (app.launchURL\\('http://127.0.0.1:9/x'\\);) >> "
         "/AA << /WC << /S /JavaScript /JS (this.exportDataObject\\({}\\)) >> >>",
         NULL, 0);
  out_t o = extract(P("js.pdf"), "application/pdf");
  EXPECT_OK(o); /* documented: scripts are never run, the text is extracted */
  ck_assert_str_eq(o.r.text, "Jane Doe");
  free(o.r.text);
}
END_TEST

START_TEST(hostile_child_memory_limit) {
#ifdef CW_ASAN
  return; /* under ASan the helper cannot carry an address-space limit */
#endif
  /* one 400 MB string token inflated from a few hundred KB */
  dg_pdf_bomb(P("membomb.pdf"), "BT /F1 12 Tf 72 700 Td (", "AAAAAAAA", 400u << 20, ") Tj ET\n");
  knobs k = {.mem = 200, .wall = 60, .cpu = 60};
  out_t o = extract_k(P("membomb.pdf"), "application/pdf", &k);
  EXPECT_CODE(o, EXTRACT_LIMIT);
}
END_TEST

START_TEST(hostile_child_cpu_limit) {
  /* ~1.6 GB of path operators: cheap in memory, expensive in CPU */
  dg_pdf_bomb(P("cpubomb.pdf"), "", "0 0 m\n", 1600u << 20, "");
  knobs k = {.cpu = 1, .wall = 30};
  uint64_t t0 = uv_hrtime();
  out_t o = extract_k(P("cpubomb.pdf"), "application/pdf", &k);
  EXPECT_CODE(o, EXTRACT_TIMEOUT);
  ck_assert_uint_lt((uv_hrtime() - t0) / 1000000, 10000);
}
END_TEST

/* ---- DOCX / ODT / RTF ---- */

START_TEST(docx_text_tables_headers) {
  const char *body =
      "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>"
      "<w:r><w:t>Jane</w:t></w:r><w:r><w:t xml:space=\"preserve\"> Doe</w:t></w:r></w:p>"
      "<w:p><w:r><w:t>Soft</w:t><w:softHyphen/><w:t>ware</w:t><w:tab/><w:t>2020</w:t></w:r></w:p>"
      "<w:p><w:del><w:r><w:delText>deleted words</w:delText></w:r></w:del>"
      "<w:r><w:fldChar/><w:instrText>HYPERLINK x</w:instrText><w:t>link</w:t></w:r></w:p>"
      "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Acme</w:t></w:r></w:p></w:tc>"
      "<w:tc><w:p><w:r><w:t>Engineer</w:t></w:r></w:p></w:tc>"
      "<w:tc><w:p><w:r><w:t>2019</w:t></w:r></w:p></w:tc></w:tr>"
      "<w:tr><w:tc><w:p><w:r><w:t>SKILLS</w:t></w:r></w:p><w:p><w:r><w:t>Go</w:t></w:r></w:p></w:tc>"
      "<w:tc><w:p><w:r><w:t>EXPERIENCE</w:t></w:r></w:p><w:p><w:r><w:t>Globex</w:t></w:r></w:p></w:tc></w:tr>"
      "</w:tbl>"
      "<w:p><w:r><mc:AlternateContent><mc:Choice><w:t>boxed</w:t></mc:Choice>"
      "<mc:Fallback><w:t>boxed</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>";
  dg_docx(P("cv.docx"), body, "<w:p><w:r><w:t>jane@example.com</w:t></w:r></w:p>");
  out_t o = extract(P("cv.docx"),
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  EXPECT_OK(o);
  ck_assert_str_eq(o.r.text, "jane@example.com\n\nJane Doe\nSoftware\t2020\nlink\n"
                             "Acme\tEngineer\t2019\nSKILLS\nGo\n\nEXPERIENCE\nGlobex\n\nboxed");
  ck_assert_str_eq(o.r.extractor, "docx");
  ck_assert_int_eq(o.r.mime_mismatch, 0);
  ck_assert_str_eq(o.r.detected_mime,
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  free(o.r.text);
}
END_TEST

/* The enqueue command's look into ZIP files libmagic calls application/zip. */
static const char *zip_office(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  ck_assert_int_ge(fd, 0);
  const char *t = cw_mime_zip_office(fd);
  close(fd);
  return t;
}

START_TEST(zip_office_types_from_the_central_directory) {
  dg_docx(P("a.docx"), "<w:p><w:r><w:t>x</w:t></w:r></w:p>", NULL);
  ck_assert_str_eq(zip_office(P("a.docx")), CW_MIME_DOCX);
  /* Word's order or not: the directory is read, not the first entries */
  dg_entry rev[] = {{"word/document.xml", "<w:document/>", 0}, {"[Content_Types].xml", "<Types/>", 0}};
  dg_zip(P("b.docx"), rev, 2);
  ck_assert_str_eq(zip_office(P("b.docx")), CW_MIME_DOCX);
  dg_entry odt[] = {{"mimetype", CW_MIME_ODT, 0}, {"content.xml", "<x/>", 0}};
  dg_zip(P("c.odt"), odt, 2);
  ck_assert_str_eq(zip_office(P("c.odt")), CW_MIME_ODT);
  dg_entry ods[] = {{"mimetype", "application/vnd.oasis.opendocument.spreadsheet", 0},
                    {"content.xml", "<x/>", 0}};
  dg_zip(P("d.ods"), ods, 2);
  ck_assert_ptr_null(zip_office(P("d.ods")));
  dg_entry plain[] = {{"notes.txt", "hello", 0}, {"word/other.xml", "<x/>", 0}};
  dg_zip(P("e.zip"), plain, 2);
  ck_assert_ptr_null(zip_office(P("e.zip")));
  write_str("f.txt", "PK\x05\x06 not a zip at all");
  ck_assert_ptr_null(zip_office(P("f.txt")));
  /* cut short: the end record points past the end */
  struct stat st;
  ck_assert_int_eq(stat(P("a.docx"), &st), 0);
  ck_assert_int_eq(truncate(P("a.docx"), st.st_size / 2), 0);
  ck_assert_ptr_null(zip_office(P("a.docx")));
}
END_TEST

START_TEST(odt_and_rtf) {
  const char *content =
      "<?xml version=\"1.0\"?><office:document-content "
      "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
      "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "
      "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\"><office:body><office:text>"
      "<text:h>Jane Doe</text:h><text:p>Engineer<text:tab/>2020<text:s/>now</text:p>"
      "<text:p>note<text:note><text:p>footnote</text:p></text:note></text:p>"
      "</office:text></office:body></office:document-content>";
  dg_entry e[] = {{"mimetype", "application/vnd.oasis.opendocument.text", 0},
                  {"content.xml", content, 0}};
  dg_zip(P("cv.odt"), e, 2);
  out_t o = extract(P("cv.odt"), "application/vnd.oasis.opendocument.text");
  EXPECT_OK(o);
  ck_assert_str_eq(o.r.text, "Jane Doe\nEngineer\t2020 now\nnote");
  ck_assert_str_eq(o.r.extractor, "odt");
  free(o.r.text);
  write_str("cv.rtf", "{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}{\\*\\generator x;}\\f0 Jos\\'e9 "
                      "Doe\\par Caf\\u233?\\tab 2020\\par\\bullet  Built {\\b things}}");
  o = extract(P("cv.rtf"), "application/rtf");
  EXPECT_OK(o);
  ck_assert_str_eq(o.r.text, "Jos\xC3\xA9 Doe\nCaf\xC3\xA9\t2020\n- Built things");
  ck_assert_str_eq(o.r.extractor, "rtf");
  free(o.r.text);
}
END_TEST

START_TEST(hostile_docx_zip_bomb) {
  /* 8 MB of spaces in one part: ratio ~1000:1, over a 4 MB budget */
  size_t n = 8u << 20;
  char *big = malloc(n + 512);
  ck_assert_ptr_nonnull(big);
  int h = sprintf(big, "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas."
                       "openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>");
  memset(big + h, ' ', n);
  strcpy(big + h + n, "</w:t></w:r></w:p></w:body></w:document>");
  dg_entry e[] = {{"[Content_Types].xml", "<Types/>", 0}, {"word/document.xml", big, 0}};
  dg_zip(P("bomb.docx"), e, 2);
  free(big);
  knobs k = {.zip_unz = 4 << 20};
  EXPECT_CODE(extract_k(P("bomb.docx"), NULL, &k), ARCHIVE_LIMIT);
  /* with room for the size, the ratio still refuses it */
  EXPECT_CODE(extract(P("bomb.docx"), NULL), ARCHIVE_LIMIT);
  /* too many entries */
  dg_entry *many = calloc(1200, sizeof *many);
  char (*names)[32] = calloc(1200, 32);
  for (int i = 0; i < 1200; i++) {
    snprintf(names[i], 32, "word/media/x%d.xml", i);
    many[i] = (dg_entry){names[i], "x", 1};
  }
  many[0] = (dg_entry){"word/document.xml", "<x/>", 0};
  dg_zip(P("many.docx"), many, 1200);
  free(many);
  free(names);
  EXPECT_CODE(extract(P("many.docx"), NULL), ARCHIVE_LIMIT);
}
END_TEST

START_TEST(hostile_docx_external_entity) {
  char body[512];
  snprintf(body, sizeof body,
           "<?xml version=\"1.0\"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">"
           "<!ENTITY net SYSTEM \"http://127.0.0.1:9/x\">]>"
           "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
           "<w:body><w:p><w:r><w:t>&xxe;&net;Jane</w:t></w:r></w:p></w:body></w:document>");
  dg_entry e[] = {{"[Content_Types].xml", "<Types/>", 0}, {"word/document.xml", body, 0}};
  dg_zip(P("xxe.docx"), e, 2);
  out_t o = extract(P("xxe.docx"), NULL);
  EXPECT_CODE(o, DOCX_INVALID);
  ck_assert(strstr(o.r.message, "DTD") != NULL);
}
END_TEST

/* Billion laughs: nested internal entities.  Refused as a part that
 * carries a DTD, as the README says, not as malformed XML. */
START_TEST(hostile_docx_billion_laughs) {
  char body[2048];
  int n = snprintf(body, sizeof body, "<?xml version=\"1.0\"?>\n<!-- Word? -->\n<!DOCTYPE lolz [\n"
                                      "<!ENTITY lol \"lol\">\n");
  for (int i = 1; i <= 9; i++) {
    char prev[8] = "";
    if (i > 1)
      snprintf(prev, sizeof prev, "%d", i - 1);
    n += snprintf(body + n, sizeof body - (size_t)n, "<!ENTITY lol%d \"", i);
    for (int k = 0; k < 10; k++)
      n += snprintf(body + n, sizeof body - (size_t)n, "&lol%s;", prev);
    n += snprintf(body + n, sizeof body - (size_t)n, "\">\n");
  }
  snprintf(body + n, sizeof body - (size_t)n,
           "]><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
           "<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>");
  dg_entry e[] = {{"[Content_Types].xml", "<Types/>", 0}, {"word/document.xml", body, 0}};
  dg_zip(P("lol.docx"), e, 2);
  out_t o = extract(P("lol.docx"), NULL);
  EXPECT_CODE(o, DOCX_INVALID);
  ck_assert_msg(strstr(o.r.message, "word/document.xml carries a DTD") != NULL, "%s", o.r.message);
}
END_TEST

START_TEST(hostile_docx_without_document) {
  dg_entry e[] = {{"[Content_Types].xml", "<Types/>", 0}, {"word/styles.xml", "<w:styles/>", 0}};
  dg_zip(P("nodoc.docx"), e, 2);
  EXPECT_CODE(extract(P("nodoc.docx"), NULL), DOCX_INVALID);
  dg_entry bad[] = {{"[Content_Types].xml", "<Types/>", 0},
                    {"word/document.xml", "<w:document><w:body><w:p>", 0}};
  dg_zip(P("badxml.docx"), bad, 2);
  EXPECT_CODE(extract(P("badxml.docx"), NULL), DOCX_INVALID);
}
END_TEST

START_TEST(hostile_zip_not_docx) {
  dg_entry e[] = {{"notes.txt", "hello", 0}, {"img/a.png", "xxxx", 0}};
  dg_zip(P("plain.zip"), e, 2);
  out_t o = extract(P("plain.zip"),
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  EXPECT_CODE(o, FILE_TYPE_UNSUPPORTED);
  ck_assert_int_eq(o.r.mime_mismatch, 1);
  /* a broken zip */
  dg_write(P("broken.docx"), "PK\3\4garbage that is not a zip at all", 37);
  o = extract(P("broken.docx"), NULL);
  ck_assert_msg(o.r.code == CW_ERR_FILE_CORRUPT || o.r.code == CW_ERR_FILE_TYPE_UNSUPPORTED, "%s",
                cw_error_name(o.r.code));
}
END_TEST

/* ---- the child's sandbox and the parent's handling of bad children ---- */

static char scripts[8][512];
static int nscripts;

/* Returns a path that stays valid (P() reuses one buffer). */
static const char *script(const char *name, const char *body) {
  P(name);
  FILE *f = fopen(path, "w");
  fprintf(f, "#!/bin/sh\n%s\n", body);
  fclose(f);
  chmod(path, 0755);
  char *keep = scripts[nscripts++ % 8];
  snprintf(keep, 512, "%s", path);
  return keep;
}

START_TEST(child_sandbox_denies_network_and_exec) {
  const char *h = getenv("CW_EXTRACT_HELPER");
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "%s --sandbox-check --type=pdf </dev/null", h);
  FILE *p = popen(cmd, "r");
  char line[512] = "";
  ck_assert_ptr_nonnull(fgets(line, sizeof line, p));
  pclose(p);
  ck_assert_msg(strstr(line, "\"socket\":\"denied\"") != NULL, "%s", line);
  ck_assert_msg(strstr(line, "\"exec\":\"denied\"") != NULL, "%s", line);
  ck_assert_msg(strstr(line, "\"no_new_privs\":1") != NULL, "%s", line);
}
END_TEST

START_TEST(child_hang_is_killed) {
  simple_pdf("cv.pdf", "x");
  knobs k = {.helper = script("hang.sh", "exec sleep 30"), .wall = 1};
  uint64_t t0 = uv_hrtime();
  out_t o = extract_k(P("cv.pdf"), NULL, &k);
  EXPECT_CODE(o, EXTRACT_TIMEOUT);
  ck_assert_uint_lt((uv_hrtime() - t0) / 1000000, 5000);
}
END_TEST

START_TEST(child_crash_and_flood) {
  simple_pdf("cv.pdf", "x");
  knobs k = {.helper = script("crash.sh", "kill -SEGV $$")};
  EXPECT_CODE(extract_k(P("cv.pdf"), NULL, &k), EXTRACT_CRASHED);
  k.helper = script("flood.sh", "echo '{\"ok\":true}'; exec cat /dev/zero");
  k.max_output = 1 << 20;
  EXPECT_CODE(extract_k(P("cv.pdf"), NULL, &k), EXTRACT_LIMIT);
  k.helper = script("garbage.sh", "echo not json; exit 0");
  EXPECT_CODE(extract_k(P("cv.pdf"), NULL, &k), EXTRACT_CRASHED);
  k.helper = script("err.sh", "echo '{\"ok\":false,\"error\":\"NO_SUCH_CODE\"}'");
  EXPECT_CODE(extract_k(P("cv.pdf"), NULL, &k), INTERNAL);
  k.helper = "/nonexistent/careeros-extract";
  out_t o = extract_k(P("cv.pdf"), NULL, &k);
  EXPECT_CODE(o, INTERNAL); /* an installation problem: retryable */
  ck_assert(cw_error_retryable(o.r.code));
}
END_TEST

START_TEST(child_gets_a_clean_environment) {
  setenv("CW_TEST_SECRET", "topsecret", 1);
  simple_pdf("cv.pdf", "x");
  knobs k = {.helper = script("env.sh", "echo '{\"ok\":true}'; env; echo fd0:; head -c 5")};
  out_t o = extract_k(P("cv.pdf"), NULL, &k);
  EXPECT_OK(o);
  ck_assert(strstr(o.r.text, "topsecret") == NULL);
  ck_assert(strstr(o.r.text, "PATH=/usr/bin:/bin") != NULL);
  ck_assert(strstr(o.r.text, "%PDF-") != NULL); /* the document is its stdin */
  free(o.r.text);
  unsetenv("CW_TEST_SECRET");
}
END_TEST

/* A bad document next to good ones: only its own job fails. */
START_TEST(other_jobs_unaffected) {
  simple_pdf("good.pdf", "Good resume");
  write_str("good.txt", "Good text");
  dg_pdf_image_only(P("img.pdf"));
  dg_entry e[] = {{"notes.txt", "hello", 0}};
  dg_zip(P("plain.zip"), e, 1);
  uv_loop_t loop;
  uv_loop_init(&loop);
  cw_config cfg;
  make_cfg(&cfg, NULL);
  cw_extractor *x;
  ck_assert_int_eq(cw_extractor_new(&loop, &cfg, &x), 0);
  const char *files[] = {"good.pdf", "img.pdf", "good.txt", "plain.zip", "good.pdf", "good.txt"};
  out_t o[6];
  memset(o, 0, sizeof o);
  for (int i = 0; i < 6; i++) {
    int fd = open(P(files[i]), O_RDONLY | O_CLOEXEC);
    cw_extract_req rq = {.job_id = files[i], .fd = fd};
    ck_assert_int_eq(cw_extract_start(x, &rq, on_done, &o[i], NULL), 0);
    close(fd);
  }
  uv_run(&loop, UV_RUN_DEFAULT);
  for (int i = 0; i < 6; i++)
    ck_assert_int_eq(o[i].done, 1);
  EXPECT_OK(o[0]);
  EXPECT_CODE(o[1], PDF_NO_TEXT);
  EXPECT_OK(o[2]);
  EXPECT_CODE(o[3], FILE_TYPE_UNSUPPORTED);
  EXPECT_OK(o[4]);
  EXPECT_OK(o[5]);
  ck_assert_str_eq(o[0].r.text, "Good resume");
  for (int i = 0; i < 6; i++)
    free(o[i].r.text);
  /* cancel and close with a hanging child in flight */
  free(cfg.extract.helper);
  cfg.extract.helper = strdup(script("hang.sh", "exec sleep 30"));
  cw_extractor *x2;
  ck_assert_int_eq(cw_extractor_new(&loop, &cfg, &x2), 0);
  out_t h[2];
  memset(h, 0, sizeof h);
  cw_extract_job *jobs[2];
  for (int i = 0; i < 2; i++) {
    int fd = open(P("good.pdf"), O_RDONLY | O_CLOEXEC);
    cw_extract_req rq = {.job_id = "hang", .fd = fd};
    ck_assert_int_eq(cw_extract_start(x2, &rq, on_done, &h[i], &jobs[i]), 0);
    close(fd);
  }
  uv_run(&loop, UV_RUN_NOWAIT);
  uint64_t t0 = uv_hrtime();
  cw_extract_cancel(x2, jobs[0]);
  int c = 0;
  cw_extractor_close(x, closed, &c);
  cw_extractor_close(x2, closed, &c);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(c, 2);
  ck_assert_uint_lt((uv_hrtime() - t0) / 1000000, 3000);
  for (int i = 0; i < 2; i++) {
    ck_assert_int_eq(h[i].done, 1);
    ck_assert_int_eq(h[i].r.status, -ECANCELED);
  }
  ck_assert_int_eq(uv_loop_close(&loop), 0);
  cw_config_free(&cfg);
}
END_TEST

int main(void) {
  Suite *s = suite_create("extract");
  TCase *t = tcase_create("extract");
  tcase_add_checked_fixture(t, setup, teardown);
  tcase_set_timeout(t, 120);
  tcase_add_test(t, plain_text_ok);
  tcase_add_test(t, zip_office_types_from_the_central_directory);
  tcase_add_test(t, plain_encodings);
  tcase_add_test(t, hostile_nul_bytes_in_text);
  tcase_add_test(t, text_with_stray_controls_is_read_as_text);
  tcase_add_test(t, hostile_utf16_without_bom);
  tcase_add_test(t, hostile_invalid_utf8);
  tcase_add_test(t, hostile_empty_and_tiny);
  tcase_add_test(t, hostile_one_50mb_line);
  tcase_add_test(t, hostile_executable_renamed_pdf);
  tcase_add_test(t, hostile_declared_pdf_is_text);
  tcase_add_test(t, html_resume);
  tcase_add_test(t, postscript_is_not_plain_text);
  tcase_add_test(t, pdf_single_page);
  tcase_add_test(t, pdf_two_columns_do_not_interleave);
  tcase_add_test(t, pdf_sidebar_with_own_spacing);
  tcase_add_test(t, pdf_right_aligned_dates_stay_on_their_row);
  tcase_add_test(t, pdf_repeated_headers_removed);
  tcase_add_test(t, hostile_truncated_pdf);
  tcase_add_test(t, hostile_encrypted_pdf);
  tcase_add_test(t, hostile_deeply_nested_pdf);
  tcase_add_test(t, hostile_5000_pages);
  tcase_add_test(t, hostile_image_only_pdf);
  tcase_add_test(t, pdf_scan_ocr);
  tcase_add_test(t, hostile_pdf_with_javascript);
  tcase_add_test(t, hostile_child_memory_limit);
  tcase_add_test(t, hostile_child_cpu_limit);
  tcase_add_test(t, docx_text_tables_headers);
  tcase_add_test(t, odt_and_rtf);
  tcase_add_test(t, hostile_docx_zip_bomb);
  tcase_add_test(t, hostile_docx_external_entity);
  tcase_add_test(t, hostile_docx_without_document);
  tcase_add_test(t, hostile_docx_billion_laughs);
  tcase_add_test(t, hostile_zip_not_docx);
  tcase_add_test(t, child_sandbox_denies_network_and_exec);
  tcase_add_test(t, child_hang_is_killed);
  tcase_add_test(t, child_crash_and_flood);
  tcase_add_test(t, child_gets_a_clean_environment);
  tcase_add_test(t, other_jobs_unaffected);
  suite_add_tcase(s, t);
  SRunner *r = srunner_create(s);
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? 1 : 0;
}
