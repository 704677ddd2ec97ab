/* Text decoding and normalisation (src/normalize.c). */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "careeros/normalize.h"

static char *norm(const char *in) {
  char *out;
  size_t n;
  ck_assert_int_eq(cw_text_normalize(in, strlen(in), &out, &n), 0);
  ck_assert_uint_eq(strlen(out), n);
  ck_assert(cw_utf8_valid(out, n));
  return out;
}

#define NORM_EQ(in, want)                  \
  do {                                     \
    char *o_ = norm(in);                   \
    ck_assert_str_eq(o_, want);            \
    free(o_);                              \
  } while (0)

START_TEST(soft_hyphen) {
  NORM_EQ("de\xC2\xADvelop\xC2\xADment", "development");
  NORM_EQ("develop\xC2\xAD\nment team", "development team");
  NORM_EQ("develop\xC2\xAD  \r\n   ment", "development");
}
END_TEST

START_TEST(dashes_and_minus) {
  NORM_EQ("2019\xE2\x80\x93" "2021", "2019-2021");        /* en dash */
  NORM_EQ("Jan 2020 \xE2\x80\x94 Present", "Jan 2020 - Present"); /* em dash */
  NORM_EQ("a\xE2\x80\x90" "b\xE2\x80\x91" "c\xE2\x80\x92" "d\xE2\x80\x95" "e\xE2\x88\x92" "f",
          "a-b-c-d-e-f");
}
END_TEST

START_TEST(zero_width_and_bom) {
  NORM_EQ("\xEF\xBB\xBFJo\xE2\x80\x8Bhn\xE2\x80\x8C \xE2\x80\x8DSmith\xE2\x81\xA0", "John Smith");
  NORM_EQ("x\xEF\xBB\xBFy", "xy");
}
END_TEST

START_TEST(ligatures) {
  NORM_EQ("\xEF\xAC\x81nance \xEF\xAC\x82ow o\xEF\xAC\x80" "er o\xEF\xAC\x83" "ce ra\xEF\xAC\x84" "e",
          "finance flow offer office raffle");
}
END_TEST

START_TEST(spaces_and_tabs) {
  NORM_EQ("a\xC2\xA0\xC2\xA0" "b", "a b");
  NORM_EQ("  lead   trail  ", "lead trail");
  NORM_EQ("Engineer \t\t  2020", "Engineer\t2020");
  NORM_EQ("a\xE2\x80\xAF" "b\xE3\x80\x80" "c", "a b c");
}
END_TEST

START_TEST(bullets) {
  NORM_EQ("\xE2\x80\xA2 Built things", "- Built things");
  NORM_EQ("\xE2\x97\x8F\tShipped", "- Shipped");
  NORM_EQ("\xEF\x82\xB7 Word bullet", "- Word bullet");
  NORM_EQ("\xE2\x96\xAA  square", "- square");
  NORM_EQ("Python \xC2\xB7 Go", "Python \xE2\x80\xA2 Go");
  /* a bullet alone on its line belongs to the next line */
  NORM_EQ("\xE2\x80\xA2\nLed a team", "- Led a team");
}
END_TEST

START_TEST(controls_and_newlines) {
  char in[] = "a\0b\x01\x1f" "c\r\nd\re\x0b" "f";
  char *out;
  size_t n;
  ck_assert_int_eq(cw_text_normalize(in, sizeof in - 1, &out, &n), 0);
  ck_assert_str_eq(out, "abc\nd\ne\nf");
  free(out);
  NORM_EQ("a\n\n\n\n\nb\n\n", "a\n\nb");
  NORM_EQ("\n\n  \n a", "a");
  NORM_EQ("x\xE2\x80\xA8y", "x\ny");
  /* private-use icon glyphs vanish */
  NORM_EQ("\xEF\x80\x95 +1 555", "+1 555");
}
END_TEST

START_TEST(quotes) {
  NORM_EQ("\xE2\x80\x9CHi\xE2\x80\x9D it\xE2\x80\x99s \xE2\x80\x98" "20\xE2\x80\xA6",
          "\"Hi\" it's '20...");
}
END_TEST

START_TEST(invalid_utf8_replaced) {
  char *o = norm("ok\xC3(\xFF end");
  ck_assert_str_eq(o, "ok\xEF\xBF\xBD(\xEF\xBF\xBD end");
  free(o);
}
END_TEST

START_TEST(page_headers_and_footers) {
  const char *in =
      "Jane Doe - Resume\nExperience\nAcme\nPage 1 of 3\n\f"
      "Jane Doe - Resume\nMore work\nPage 2 of 3\n\f"
      "Jane Doe - Resume\nEducation\n3\n";
  NORM_EQ(in, "Jane Doe - Resume\nExperience\nAcme\nMore work\nEducation");
  /* a single page keeps its lines */
  NORM_EQ("Jane\nPage 1 of 1", "Jane\nPage 1 of 1");
  /* years are not page numbers */
  NORM_EQ("a\n2021\n\fb\n2019", "a\n2021\nb\n2019");
  /* a footer carrying the page number is dropped on every page */
  NORM_EQ("Jane\nwork\nJane Doe - 1/2\n\fmore\nJane Doe - 2/2", "Jane\nwork\nmore");
  /* running footers with changing numbers */
  NORM_EQ("one\nconfidential 1\n\ftwo\nconfidential 2\n", "one\ntwo");
}
END_TEST

START_TEST(output_is_bounded_and_valid) {
  /* the worst cases for growth: U+00B7 (2 bytes -> 3) and bare CRs */
  size_t n = 3000;
  char *in = malloc(n * 2 + 1);
  for (size_t i = 0; i < n; i++) {
    in[2 * i] = (char)0xC2;
    in[2 * i + 1] = (char)0xB7;
  }
  in[2 * n] = 0;
  char *out;
  size_t on;
  ck_assert_int_eq(cw_text_normalize(in, 2 * n, &out, &on), 0);
  ck_assert_uint_le(on, 3 * (2 * n) + 16);
  ck_assert(cw_utf8_valid(out, on));
  free(out);
  free(in);
}
END_TEST

/* ---- decoding ---- */

static char *dec(const void *in, size_t len, const char *want_enc) {
  char *out;
  size_t n;
  const char *enc, *why;
  cw_errcode code;
  ck_assert_int_eq(cw_text_decode(in, len, &out, &n, &enc, &code, &why), 0);
  ck_assert_str_eq(enc, want_enc);
  ck_assert(cw_utf8_valid(out, n));
  return out;
}

static void dec_fail(const void *in, size_t len) {
  char *out;
  size_t n;
  const char *enc, *why;
  cw_errcode code;
  ck_assert_int_eq(cw_text_decode(in, len, &out, &n, &enc, &code, &why), -EILSEQ);
  ck_assert_int_eq(code, CW_ERR_TEXT_ENCODING_INVALID);
  ck_assert_ptr_nonnull(why);
  ck_assert_ptr_null(out);
}

START_TEST(decode_utf8_and_bom) {
  char *o = dec("\xEF\xBB\xBFJos\xC3\xA9", 8, "utf-8");
  ck_assert_str_eq(o, "Jos\xC3\xA9");
  free(o);
}
END_TEST

START_TEST(decode_utf16) {
  const unsigned char le[] = {0xFF, 0xFE, 'H', 0, 'i', 0, 0xE9, 0, 0x3D, 0xD8, 0x00, 0xDE};
  char *o = dec(le, sizeof le, "utf-16le");
  ck_assert_str_eq(o, "Hi\xC3\xA9\xF0\x9F\x98\x80");
  free(o);
  const unsigned char be[] = {0xFE, 0xFF, 0, 'O', 0, 'K', 0xD8, 0x00}; /* lone high surrogate */
  o = dec(be, sizeof be, "utf-16be");
  ck_assert_str_eq(o, "OK\xEF\xBF\xBD");
  free(o);
}
END_TEST

START_TEST(decode_latin1_fallback) {
  char *o = dec("Jos\xE9 M\xFCller \x96 caf\xE9 \x80", 20, "windows-1252");
  ck_assert_str_eq(o, "Jos\xC3\xA9 M\xC3\xBCller \xE2\x80\x93 caf\xC3\xA9 \xE2\x82\xAC");
  free(o);
}
END_TEST

START_TEST(decode_refusals) {
  const unsigned char u16nobom[] = {'H', 0, 'e', 0, 'l', 0, 'l', 0, 'o', 0, '\n', 0};
  dec_fail(u16nobom, sizeof u16nobom);
  const unsigned char u32[] = {0xFF, 0xFE, 0, 0, 'a', 0, 0, 0};
  dec_fail(u32, sizeof u32);
  /* mostly garbage: invalid UTF-8 mixed with valid multi-byte sequences */
  char mixed[400];
  for (int i = 0; i < 100; i++)
    memcpy(mixed + 4 * i, "\xC3\xA9\xFF\xFE", 4);
  dec_fail(mixed, sizeof mixed);
  /* Latin-1 candidate full of control bytes */
  char ctl[200];
  for (int i = 0; i < 200; i++)
    ctl[i] = (char)(i % 2 ? 0x01 : 0xE9);
  dec_fail(ctl, sizeof ctl);
}
END_TEST

START_TEST(decode_few_bad_bytes_replaced) {
  char buf[4000];
  memset(buf, 'a', sizeof buf);
  memcpy(buf + 10, "\xC3\xA9", 2);
  buf[100] = (char)0xFF;
  char *o = dec(buf, sizeof buf, "utf-8");
  ck_assert(strstr(o, "\xEF\xBF\xBD") != NULL);
  free(o);
}
END_TEST

START_TEST(decode_nul_bytes_dropped_later) {
  char buf[] = "Jane\0 Doe\nEngineer with a few stray NUL bytes in a long enough text";
  char *o = dec(buf, sizeof buf - 1, "utf-8");
  char *n2;
  size_t nn;
  ck_assert_int_eq(cw_text_normalize(o, sizeof buf - 1, &n2, &nn), 0);
  ck_assert(strncmp(n2, "Jane Doe\n", 9) == 0);
  free(n2);
  free(o);
}
END_TEST

int main(void) {
  Suite *s = suite_create("normalize");
  TCase *t = tcase_create("normalize");
  tcase_add_test(t, soft_hyphen);
  tcase_add_test(t, dashes_and_minus);
  tcase_add_test(t, zero_width_and_bom);
  tcase_add_test(t, ligatures);
  tcase_add_test(t, spaces_and_tabs);
  tcase_add_test(t, bullets);
  tcase_add_test(t, controls_and_newlines);
  tcase_add_test(t, quotes);
  tcase_add_test(t, invalid_utf8_replaced);
  tcase_add_test(t, page_headers_and_footers);
  tcase_add_test(t, output_is_bounded_and_valid);
  tcase_add_test(t, decode_utf8_and_bom);
  tcase_add_test(t, decode_utf16);
  tcase_add_test(t, decode_latin1_fallback);
  tcase_add_test(t, decode_refusals);
  tcase_add_test(t, decode_few_bad_bytes_replaced);
  tcase_add_test(t, decode_nul_bytes_dropped_later);
  suite_add_tcase(s, t);
  SRunner *r = srunner_create(s);
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? 1 : 0;
}
