/* RTF text: a small tokenizer over groups and control words.  Enough for
 * resumes written by Word, WordPad, TextEdit and LibreOffice: \par, \line,
 * \tab, \'hh (Windows-1252), \uN with \ucN fallback skipping, and the usual
 * non-text destinations (font and colour tables, stylesheets, pictures,
 * field instructions, \*-destinations) skipped.  Code pages other than
 * 1252 are read as 1252. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helper.h"

#define MAX_GROUPS 512

typedef struct {
  bool skip;
  int uc;
} gstate;

static const unsigned short cp1252[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

static void put_cp(xbuf *o, unsigned long cp) {
  char b[4];
  size_t n;
  if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
    cp = 0xFFFD;
  if (cp < 0x80) {
    b[0] = (char)cp, n = 1;
  } else if (cp < 0x800) {
    b[0] = (char)(0xC0 | (cp >> 6)), b[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
  } else if (cp < 0x10000) {
    b[0] = (char)(0xE0 | (cp >> 12)), b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    b[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
  } else {
    b[0] = (char)(0xF0 | (cp >> 18)), b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    b[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), b[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
  }
  xbuf_add(o, b, n);
}

static void put_byte(xbuf *o, unsigned char c) {
  if (c < 0x80)
    put_cp(o, c);
  else if (c < 0xA0)
    put_cp(o, cp1252[c - 0x80] ? cp1252[c - 0x80] : 0xFFFD);
  else
    put_cp(o, c);
}

static bool skipped_destination(const char *w) {
  static const char *const d[] = {
      "fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "themedata",
      "colorschememapping", "datastore", "latentstyles", "listtable", "listoverridetable",
      "rsidtbl", "generator", "xmlnstbl", "mmathPr", "fldinst", "bkmkstart", "bkmkend",
      "filetbl", "revtbl", "pgdsctbl", "nonshppict", "shpinst", "footnote", "annotation",
      "atnid", "atnauthor", "comment", "private", "xe", "tc", "userprops", "docvar",
      NULL};
  for (int i = 0; d[i]; i++)
    if (!strcmp(w, d[i]))
      return true;
  return false;
}

void cw_x_rtf(const unsigned char *p, size_t len, const xlimits *l, xbuf *o, xresult *r) {
  (void)l;
  r->mime = "text/rtf";
  r->extractor = "rtf";
  snprintf(r->version, sizeof r->version, "careeros-rtf-1");
  if (len < 5 || memcmp(p, "{\\rtf", 5) != 0) {
    xfail(r, "FILE_CORRUPT", "not an RTF document");
    return;
  }
  gstate st[MAX_GROUPS];
  int depth = 0;
  st[0] = (gstate){false, 1};
  int pending_skip = 0; /* characters still to drop after \uN */
  size_t i = 0;
  while (i < len && !o->overflow) {
    unsigned char c = p[i];
    if (c == '{') {
      if (depth + 1 >= MAX_GROUPS) {
        xfail(r, "FILE_CORRUPT", "RTF groups nested too deeply");
        return;
      }
      st[depth + 1] = st[depth];
      depth++;
      i++;
      pending_skip = 0;
      continue;
    }
    if (c == '}') {
      if (depth > 0)
        depth--;
      i++;
      pending_skip = 0;
      continue;
    }
    if (c == '\r' || c == '\n') {
      i++;
      continue;
    }
    if (c != '\\') {
      if (pending_skip > 0)
        pending_skip--;
      else if (!st[depth].skip)
        put_byte(o, c);
      i++;
      continue;
    }
    /* control sequence */
    i++;
    if (i >= len)
      break;
    c = p[i];
    if (c == '\'') {
      unsigned v = 0;
      int k = 0;
      for (i++; k < 2 && i < len && isxdigit(p[i]); k++, i++)
        v = v * 16 + (unsigned)(isdigit(p[i]) ? p[i] - '0' : (tolower(p[i]) - 'a' + 10));
      if (pending_skip > 0)
        pending_skip--;
      else if (!st[depth].skip)
        put_byte(o, (unsigned char)v);
      continue;
    }
    if (!isalpha(c)) {
      i++;
      if (st[depth].skip)
        continue;
      if (c == '*')
        st[depth].skip = true;
      else if (c == '\\' || c == '{' || c == '}')
        put_byte(o, c);
      else if (c == '~')
        put_cp(o, 0xA0);
      else if (c == '-')
        put_cp(o, 0xAD);
      else if (c == '_')
        put_cp(o, '-');
      else if (c == '\n' || c == '\r')
        xbuf_adds(o, "\n");
      continue;
    }
    char word[32];
    size_t wn = 0;
    while (i < len && isalpha(p[i])) {
      if (wn < sizeof word - 1)
        word[wn++] = (char)p[i];
      i++;
    }
    word[wn] = '\0';
    bool has_num = false;
    long num = 0;
    int sign = 1;
    if (i < len && p[i] == '-' && i + 1 < len && isdigit(p[i + 1]))
      sign = -1, i++;
    int digits = 0;
    while (i < len && isdigit(p[i])) {
      if (digits++ < 9)
        num = num * 10 + (p[i] - '0');
      has_num = true;
      i++;
    }
    num *= sign;
    if (i < len && p[i] == ' ')
      i++;
    if (skipped_destination(word)) {
      st[depth].skip = true;
      continue;
    }
    if (!strcmp(word, "uc")) {
      st[depth].uc = has_num && num >= 0 && num < 10 ? (int)num : 1;
      continue;
    }
    if (st[depth].skip)
      continue;
    if (!strcmp(word, "u") && has_num) {
      put_cp(o, (unsigned long)(num < 0 ? num + 65536 : num));
      pending_skip = st[depth].uc;
    } else if (!strcmp(word, "par") || !strcmp(word, "line") || !strcmp(word, "row") ||
               !strcmp(word, "sect") || !strcmp(word, "page")) {
      xbuf_adds(o, "\n");
    } else if (!strcmp(word, "tab") || !strcmp(word, "cell")) {
      xbuf_adds(o, "\t");
    } else if (!strcmp(word, "emdash") || !strcmp(word, "endash")) {
      xbuf_adds(o, "-");
    } else if (!strcmp(word, "bullet")) {
      put_cp(o, 0x2022);
    } else if (!strcmp(word, "lquote") || !strcmp(word, "rquote")) {
      xbuf_adds(o, "'");
    } else if (!strcmp(word, "ldblquote") || !strcmp(word, "rdblquote")) {
      xbuf_adds(o, "\"");
    } else if (!strcmp(word, "bin") && has_num && num > 0) {
      i += (size_t)num < len - i ? (size_t)num : len - i; /* raw binary data */
    }
  }
  if (o->overflow)
    xfail(r, "EXTRACT_LIMIT", "extracted text exceeds %zu bytes", o->max);
}
