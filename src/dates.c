/* Date-range parser.  Hand-written tokenizer plus a few token patterns:
 * dates in resumes are short and regular enough that a tokenizer is easier
 * to keep exact (and to fuzz) than a regular expression per style. */
#include "careeros/dates.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum tok_kind { T_OTHER, T_MONTH, T_SEASON, T_NUM, T_DASH, T_TOWORD, T_SLASH, T_DOT,
                T_COMMA, T_APOS, T_CURRENT, T_SINCE, T_EXPECTED, T_DATEWORD, T_FILL, T_YEARMARK,
                T_ONGOING };

typedef struct {
  enum tok_kind kind;
  int val;        /* month 1..12, number value */
  int ndigits;
  bool space_before;
  size_t b, e;    /* byte span */
} tok;

#define WINDOW 64
#define LOOKAHEAD 16

typedef struct {
  const char *s;
  size_t len, pos;
  tok t[WINDOW];
  int n;
} lexer;

struct word {
  const char *w;
  size_t n; /* strlen(w), so that a lookup compares lengths, not strings */
  int val;
};
#define W(s, v) {s, sizeof(s) - 1, v}

/* Month names: full names and common abbreviations (a prefix of at least
 * three letters of a full name is also accepted, which covers "Sept"). */
static const struct word months[] = {
    W("january", 1), W("february", 2), W("march", 3), W("april", 4), W("may", 5), W("june", 6),
    W("july", 7), W("august", 8), W("september", 9), W("october", 10), W("november", 11),
    W("december", 12), W("januar", 1), W("jänner", 1), W("februar", 2), W("märz", 3), W("maerz", 3),
    W("mai", 5), W("juni", 6), W("juli", 7), W("oktober", 10), W("dezember", 12), W("janvier", 1),
    W("février", 2), W("fevrier", 2), W("mars", 3), W("avril", 4), W("juin", 6), W("juillet", 7),
    W("août", 8), W("aout", 8), W("septembre", 9), W("octobre", 10), W("novembre", 11),
    W("décembre", 12), W("decembre", 12), W("enero", 1), W("febrero", 2), W("marzo", 3), W("abril", 4),
    W("mayo", 5), W("junio", 6), W("julio", 7), W("agosto", 8), W("septiembre", 9), W("setiembre", 9),
    W("octubre", 10), W("noviembre", 11), W("diciembre", 12), W("févr", 2), W("janv", 1),
    W("juil", 7), W("déc", 12), W("dic", 12), W("ene", 1), W("okt", 10), W("dez", 12), W("mär", 3),
    W("sept", 9),
    /* Italian */
    W("gennaio", 1), W("febbraio", 2), W("aprile", 4), W("maggio", 5), W("giugno", 6),
    W("luglio", 7), W("settembre", 9), W("ottobre", 10), W("dicembre", 12), W("gen", 1),
    W("mag", 5), W("giu", 6), W("lug", 7), W("ago", 8), W("set", 9), W("ott", 10),
    /* Portuguese */
    W("janeiro", 1), W("fevereiro", 2), W("março", 3), W("marco", 3), W("maio", 5), W("junho", 6),
    W("julho", 7), W("setembro", 9), W("outubro", 10), W("novembro", 11), W("dezembro", 12),
    W("fev", 2), W("abr", 4), W("out", 10),
    /* Polish: nominative, genitive ("12 stycznia 2019" is rare, "stycznia 2019"
     * common), with and without diacritics, and the three-letter forms. */
    W("styczeń", 1), W("styczen", 1), W("stycznia", 1), W("luty", 2), W("lutego", 2),
    W("marzec", 3), W("marca", 3), W("kwiecień", 4), W("kwiecien", 4), W("kwietnia", 4),
    W("maj", 5), W("maja", 5), W("czerwiec", 6), W("czerwca", 6), W("lipiec", 7), W("lipca", 7),
    W("sierpień", 8), W("sierpien", 8), W("sierpnia", 8), W("wrzesień", 9), W("wrzesien", 9),
    W("września", 9), W("wrzesnia", 9), W("październik", 10), W("pazdziernik", 10),
    W("października", 10), W("pazdziernika", 10), W("listopad", 11), W("listopada", 11),
    W("grudzień", 12), W("grudzien", 12), W("grudnia", 12), W("sty", 1), W("lut", 2), W("kwi", 4),
    W("cze", 6), W("lip", 7), W("sie", 8), W("wrz", 9), W("paź", 10), W("paz", 10), W("lis", 11),
    W("gru", 12),
    /* German, French and Spanish abbreviations and forms without accents */
    W("mrz", 3), W("maer", 3), W("fév", 2), W("fev", 2), W("avr", 4), W("févr", 2), W("fevr", 2),
    W("janv", 1), W("juil", 7), W("dec", 12), W("setiembre", 9), {NULL, 0, 0}};

static const struct word seasons[] = {
    W("spring", 0), W("summer", 0), W("fall", 0), W("autumn", 0), W("winter", 0), W("sommer", 0),
    W("frühling", 0), W("frühjahr", 0), W("herbst", 0), W("été", 0), W("hiver", 0),
    W("printemps", 0), W("automne", 0), W("verano", 0), W("invierno", 0), W("primavera", 0),
    W("otoño", 0), W("ss", 0), W("ws", 0), {NULL, 0, 0}};

static const struct word currents[] = {
    W("present", 0), W("current", 0), W("currently", 0), W("now", 0), W("ongoing", 0),
    W("today", 0), W("heute", 0), W("aktuell", 0), W("jetzt", 0), W("présent", 0), W("aujourd", 0),
    W("actualidad", 0), W("actual", 0), W("presente", 0), W("hoy", 0), W("dato", 0),
    /* "Currently Pursuing" (a degree), Italian, Portuguese, Polish */
    W("pursuing", 0), W("oggi", 0), W("attuale", 0), W("attualmente", 0), W("atual", 0),
    W("atualmente", 0), W("obecnie", 0), W("teraz", 0), W("aktualnie", 0), W("momento", 0),
    /* Spanish, French and German; "en cours", "à ce jour" after a filler */
    W("actualmente", 0), W("actuel", 0), W("actuelle", 0), W("actuellement", 0), W("cours", 0),
    W("jour", 0), W("laufend", 0), W("heutig", 0), W("gegenwart", 0), W("hoje", 0), W("ahora", 0),
    W("nadal", 0), {NULL, 0, 0}};
/* "en curso", "in corso", "em curso": ongoing only after the small word
 * ("2019 - Curso de Python" is a course). */
static const struct word ongoings[] = {W("curso", 0), W("corso", 0), {NULL, 0, 0}};
/* Small words inside a date: "marzo de 2018", "2019 - la actualidad",
 * "2019 - en cours", "2019 à ce jour". */
static const struct word fills[] = {W("de", 0), W("del", 0), W("la", 0), W("en", 0), W("ce", 0),
                                    W("in", 0), W("em", 0),
                                    {NULL, 0, 0}};

static const struct word sinces[] = {W("since", 0), W("seit", 0), W("depuis", 0), W("desde", 0),
                                     W("from", 0), W("ab", 0), W("dal", 0), W("od", 0), {NULL, 0, 0}};
static const struct word expecteds[] = {W("expected", 0), W("anticipated", 0), W("exp", 0),
                                        W("voraussichtlich", 0), W("prévu", 0), W("prevista", 0),
                                        W("graduating", 0), {NULL, 0, 0}};
static const struct word towords[] = {W("to", 0), W("until", 0), W("till", 0), W("til", 0),
                                      W("bis", 0), W("au", 0), W("à", 0), W("hasta", 0),
                                      W("thru", 0), W("through", 0), W("al", 0), W("do", 0),
                                      W("até", 0), W("ate", 0), W("a", 0), {NULL, 0, 0}};

static bool is_word_byte(unsigned char c) { return isalpha(c) || c >= 0x80; }

/* Length of a dash-like UTF-8 sequence at p (hyphen, en/em dash, minus). */
static size_t dash_len(const char *p, size_t left) {
  const unsigned char *u = (const unsigned char *)p;
  if (u[0] == '-') return 1;
  if (left >= 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] >= 0x90 && u[2] <= 0x95) return 3;
  if (left >= 3 && u[0] == 0xE2 && u[1] == 0x88 && u[2] == 0x92) return 3;
  /* "2019-03-01 → Present": arrows join the two ends of a range */
  if (left >= 3 && u[0] == 0xE2 && u[1] == 0x86 && u[2] >= 0x90 && u[2] <= 0x94) return 3;
  if (left >= 3 && u[0] == 0xE2 && u[1] == 0x9F && u[2] >= 0xB5 && u[2] <= 0xB6) return 3;
  return 0;
}

/* Invisible or blank UTF-8 sequences treated as white space. */
static size_t blank_len(const char *p, size_t left) {
  const unsigned char *u = (const unsigned char *)p;
  if (u[0] == ' ' || u[0] == '\t' || u[0] == '\n' || u[0] == '\r' || u[0] == '\f' || u[0] == '\v')
    return 1;
  if (left >= 2 && u[0] == 0xC2 && (u[1] == 0xA0 || u[1] == 0xAD)) return 2;
  if (left >= 3 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x8B || u[2] == 0xAF)) return 3;
  if (left >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) return 3;
  return 0;
}

/* The lower-case form of the two-byte UTF-8 letter at s (Latin-1 and
 * Latin Extended-A: "É", "Ü", "Ł", "Ś"), else 0; both forms are two bytes. */
static unsigned fold2(const unsigned char *s) {
  unsigned c = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;
  /* Extended-A pairs upper/lower as even/odd, but odd/even in two runs */
  if (c >= 0x100 && c <= 0x17F) {
    bool odd_upper = (c >= 0x139 && c <= 0x148) || c >= 0x179;
    if (c == 0x130 || c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17F) return c;
    return ((c & 1u) != 0) == odd_upper ? c + 1 : c;
  }
  return c;
}

/* strncasecmp that also folds accented capitals, so that "DÉVELOPPEUSE",
 * "UNIVERSITÉ" and "FÉVRIER" (headings and names set in capitals) match
 * the word lists. */
bool cw_same_folded(const char *a, const char *b, size_t n) {
  const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
  for (size_t i = 0; i < n; i++) {
    if (x[i] == y[i]) continue;
    if (x[i] < 0x80 || y[i] < 0x80) {
      if (tolower(x[i]) != tolower(y[i])) return false;
      continue;
    }
    /* the bytes differ inside a multi-byte letter: fold both whole letters */
    if (i == 0 || (x[i - 1] & 0xE0) != 0xC0 || x[i - 1] != y[i - 1] || (x[i] & 0xC0) != 0x80 ||
        (y[i] & 0xC0) != 0x80 || fold2(x + i - 1) != fold2(y + i - 1))
      return false;
  }
  return true;
}

static bool lookup(const struct word *list, const char *w, size_t n, int *val) {
  if (!n) return false;
  int c0 = tolower((unsigned char)w[0]);
  for (int i = 0; list[i].w; i++) {
    /* the lists are lower case: compare the first letter before anything costly */
    if ((unsigned char)list[i].w[0] == c0 && list[i].n == n && cw_same_folded(list[i].w, w, n)) {
      if (val) *val = list[i].val;
      return true;
    }
  }
  return false;
}

int cw_dates_month(const char *s, size_t len, size_t *used) {
  size_t n = 0;
  while (n < len && is_word_byte((unsigned char)s[n]) && !dash_len(s + n, len - n) &&
         !blank_len(s + n, len - n))
    n++;
  if (n < 3 || n > 12) return 0;
  int v = 0;
  if (!lookup(months, s, n, &v)) {
    /* English three-letter abbreviations (and longer prefixes like "Sept"). */
    static const char *const en[] = {"january", "february", "march", "april", "may", "june",
                                     "july", "august", "september", "october", "november",
                                     "december"};
    for (int m = 0; m < 12 && !v; m++)
      if (n <= strlen(en[m]) && strncasecmp(en[m], s, n) == 0) v = m + 1;
  }
  if (v && used) *used = n;
  return v;
}

static void classify_word(lexer *lx, tok *t, const char *w, size_t n) {
  size_t used = 0;
  int m = cw_dates_month(w, n, &used);
  if (m && used == n) {
    t->kind = T_MONTH;
    t->val = m;
    if (t->e < lx->len && lx->s[t->e] == '.') t->e++; /* "Sept." */
  } else if (lookup(seasons, w, n, NULL)) {
    t->kind = T_SEASON;
  } else if (n == 1 && (*w == 'q' || *w == 'Q') && t->e < lx->len && lx->s[t->e] >= '1' &&
             lx->s[t->e] <= '4' && (t->e + 1 >= lx->len || !isdigit((unsigned char)lx->s[t->e + 1]))) {
    t->kind = T_SEASON; /* "Q3 2019": a quarter keeps year precision */
    t->e++;
  } else if (lookup(currents, w, n, NULL)) {
    t->kind = T_CURRENT;
    /* "aujourd'hui", "aujourd’hui": the word goes on after its apostrophe */
    if (n == 7 && strncasecmp(w, "aujourd", 7) == 0) {
      const char *r = lx->s + t->e;
      size_t left = lx->len - t->e;
      size_t ap = left >= 1 && r[0] == '\'' ? 1 : left >= 3 && memcmp(r, "\xe2\x80\x99", 3) == 0 ? 3 : 0;
      if (ap && left >= ap + 3 && strncasecmp(r + ap, "hui", 3) == 0 &&
          (left == ap + 3 || !is_word_byte((unsigned char)r[ap + 3])))
        t->e += ap + 3;
    }
  } else if (lookup(sinces, w, n, NULL)) {
    t->kind = T_SINCE;
  } else if (lookup(expecteds, w, n, NULL)) {
    t->kind = T_EXPECTED;
    if (t->e < lx->len && (lx->s[t->e] == '.' || lx->s[t->e] == ':')) t->e++;
  } else if (lookup(towords, w, n, NULL)) {
    t->kind = T_TOWORD;
  } else if (lookup(fills, w, n, NULL)) {
    t->kind = T_FILL;
  } else if (lookup(ongoings, w, n, NULL)) {
    t->kind = T_ONGOING;
  } else if (n == 4 && strncasecmp(w, "date", 4) == 0) {
    t->kind = T_DATEWORD;
  } else if (n == 1 && (*w == 'r' || *w == 'R') && t->e < lx->len && lx->s[t->e] == '.') {
    t->kind = T_YEARMARK; /* Polish "2018 r." (roku: of the year) */
    t->e++;
  } else {
    t->kind = T_OTHER;
  }
}

/* Reads one token at lx->pos; false at end of input. */
static bool next_token(lexer *lx, tok *t) {
  const char *s = lx->s;
  size_t len = lx->len, p = lx->pos, bl;
  bool sp = false;
  while (p < len && (bl = blank_len(s + p, len - p)) > 0) {
    p += bl;
    sp = true;
  }
  if (p >= len) {
    lx->pos = p;
    return false;
  }
  memset(t, 0, sizeof *t);
  t->space_before = sp || p == 0;
  t->b = p;
  unsigned char c = (unsigned char)s[p];
  size_t dl = dash_len(s + p, len - p);
  if (dl) {
    t->kind = T_DASH;
    p += dl;
    while (p < len && (dl = dash_len(s + p, len - p)) > 0) p += dl; /* "--" */
  } else if (isdigit(c)) {
    size_t q = p;
    long v = 0;
    while (q < len && isdigit((unsigned char)s[q])) {
      if (q - p < 9) v = v * 10 + (s[q] - '0');
      q++;
    }
    bool glued = (p > 0 && isalpha((unsigned char)s[p - 1])) ||
                 (q < len && isalpha((unsigned char)s[q]));
    t->kind = glued ? T_OTHER : T_NUM;
    t->val = (int)v;
    t->ndigits = (int)(q - p);
    p = q;
  } else if (is_word_byte(c) && !(c == 0xE2 && p + 2 < len && (unsigned char)s[p + 1] == 0x80 &&
                                   (unsigned char)s[p + 2] == 0x99)) {
    size_t q = p;
    while (q < len && is_word_byte((unsigned char)s[q]) && !dash_len(s + q, len - q) &&
           !blank_len(s + q, len - q) &&
           !((unsigned char)s[q] == 0xE2 && q + 2 < len && (unsigned char)s[q + 1] == 0x80 &&
             (unsigned char)s[q + 2] == 0x99))
      q++;
    if (q == p) q = p + 1;
    t->e = q;
    lx->pos = q;
    classify_word(lx, t, s + p, q - p);
    lx->pos = t->e;
    return true;
  } else {
    t->kind = c == '/' ? T_SLASH : c == '.' ? T_DOT : c == ',' ? T_COMMA
            : c == '\'' ? T_APOS : T_OTHER;
    p += (c == 0xE2 && p + 2 < len) ? 3 : 1; /* ’ is an apostrophe too */
    if (c == 0xE2) t->kind = T_APOS;
  }
  t->e = p;
  lx->pos = p;
  return true;
}

/* Keeps at least LOOKAHEAD tokens after index i buffered; returns the new
 * index of the token that was at i. */
static int refill(lexer *lx, int i) {
  if (lx->n - i >= LOOKAHEAD) return i;
  if (i > 0) {
    memmove(lx->t, lx->t + i, (size_t)(lx->n - i) * sizeof(tok));
    lx->n -= i;
    i = 0;
  }
  while (lx->n < WINDOW && next_token(lx, &lx->t[lx->n])) lx->n++;
  return i;
}

typedef struct {
  int year, month; /* month 0: year precision */
} ymd;

static bool is_year(const tok *t) {
  return t->kind == T_NUM && t->ndigits == 4 && t->val >= 1900 && t->val <= 2099;
}
static bool is_month_num(const tok *t) {
  return t->kind == T_NUM && t->ndigits <= 2 && t->val >= 1 && t->val <= 12;
}
static bool glued(const tok *t) { return !t->space_before; }

static bool is_day(const tok *t) { return t->kind == T_NUM && t->ndigits <= 2 && t->val >= 1 && t->val <= 31; }

/* "Jan 2020", "March, 2015", "Aug '19", "Summer 2022", "Q3 2019",
 * "Mar-2019", "March/2019", "March 15, 2019" (the day goes). */
static int named_date(const tok *t, int i, int k, ymd *d) {
  const tok *a = &t[i];
  int j = 1;
  if (j < k && t[i + j].kind == T_COMMA) j++;
  else if (j + 1 < k && a->kind == T_MONTH && t[i + j].kind == T_FILL && is_year(&t[i + j + 1])) j++;
  else if (j + 1 < k && a->kind == T_MONTH && (t[i + j].kind == T_DASH || t[i + j].kind == T_SLASH) &&
           glued(&t[i + j]) && glued(&t[i + j + 1]) && is_year(&t[i + j + 1]))
    j++;
  else if (j + 1 < k && a->kind == T_MONTH && is_day(&t[i + j])) {
    int c = t[i + j + 1].kind == T_COMMA ? 1 : 0;
    if (j + 1 + c < k && is_year(&t[i + j + 1 + c])) j += 1 + c;
  }
  int month = a->kind == T_MONTH ? a->val : 0; /* seasons keep year precision */
  if (j < k && is_year(&t[i + j])) {
    *d = (ymd){t[i + j].val, month};
    return j + 1;
  }
  if (a->kind == T_MONTH && j + 1 < k && t[i + j].kind == T_APOS && t[i + j + 1].kind == T_NUM &&
      t[i + j + 1].ndigits == 2) {
    int y = t[i + j + 1].val;
    *d = (ymd){y < 50 ? 2000 + y : 1900 + y, month};
    return j + 2;
  }
  return 0;
}

static bool date_sep(const tok *t) {
  return (t->kind == T_SLASH || t->kind == T_DOT || t->kind == T_DASH) && glued(t);
}

/* D.M.YYYY or M/D/YYYY (month precision is all we keep), MM/YYYY,
 * MM.YYYY, MM-YYYY. */
static int month_first(const tok *t, int i, int k, int order, ymd *d) {
  const tok *a = &t[i];
  if (k >= 5 && a->ndigits <= 2 && (t[i + 1].kind == T_DOT || t[i + 1].kind == T_SLASH) &&
      t[i + 2].kind == T_NUM && t[i + 2].ndigits <= 2 && t[i + 3].kind == t[i + 1].kind &&
      is_year(&t[i + 4]) && glued(&t[i + 1]) && glued(&t[i + 2]) && glued(&t[i + 4])) {
    int x = a->val, y = t[i + 2].val;
    bool day_first = order == CW_DATES_ORDER_DMY ||
                     (order == CW_DATES_ORDER_AUTO && t[i + 1].kind == T_DOT);
    int mon = x > 12 ? y : y > 12 ? x : day_first ? y : x;
    if (mon < 1 || mon > 12 || x < 1 || y < 1 || x > 31 || y > 31) return 0;
    *d = (ymd){t[i + 4].val, mon};
    return 5;
  }
  if (k >= 3 && is_month_num(a) && date_sep(&t[i + 1]) && glued(&t[i + 2]) && is_year(&t[i + 2])) {
    *d = (ymd){t[i + 2].val, a->val};
    return 3;
  }
  return 0;
}

/* YYYY-MM(-DD), YYYY/MM, YYYY.MM, or the year alone. */
static int year_first(const tok *t, int i, int k, ymd *d) {
  const tok *a = &t[i];
  if (k >= 3 && date_sep(&t[i + 1]) && glued(&t[i + 2]) && t[i + 2].kind == T_NUM &&
      t[i + 2].ndigits == 2 && is_month_num(&t[i + 2])) {
    *d = (ymd){a->val, t[i + 2].val};
    if (k >= 5 && t[i + 3].kind == t[i + 1].kind && glued(&t[i + 3]) && t[i + 4].kind == T_NUM &&
        t[i + 4].ndigits <= 2 && glued(&t[i + 4]))
      return 5;
    return 3;
  }
  *d = (ymd){a->val, 0};
  return 1;
}

/* "15 March 2019", "15. März 2019": tokens of the day before a month
 * name and its year, one space from the month (not a number a cell
 * away: "Lyon 1   sept. 2011"); 0 if none. */
static int day_prefix(const tok *t, int i, int n) {
  if (i + 2 >= n || !is_day(&t[i])) return 0;
  int m = i + 1 + (t[i + 1].kind == T_DOT && glued(&t[i + 1]));
  if (m + 1 >= n || t[m].kind != T_MONTH || !is_year(&t[m + 1]) || t[m].b - t[m - 1].e > 1) return 0;
  return m - i;
}

/* One date at t[i..n): returns tokens consumed (0: none). */
static int one_date_at(const tok *t, int i, int n, int order, ymd *d);

/* One date at t[i..n) with the mark of a year after it ("2018 r.",
 * "maj 2018 r."): returns tokens consumed (0: none). */
static int one_date(const tok *t, int i, int n, int order, ymd *d) {
  int used = one_date_at(t, i, n, order, d);
  if (used && i + used < n && t[i + used].kind == T_YEARMARK) used++;
  return used;
}

static int one_date_at(const tok *t, int i, int n, int order, ymd *d) {
  const tok *a = &t[i];
  int k = n - i;
  if (a->kind == T_MONTH || a->kind == T_SEASON) return named_date(t, i, k, d);
  if (a->kind != T_NUM) return 0;
  int dp = day_prefix(t, i, n); /* the day goes, the month stays */
  if (dp) {
    int used = named_date(t, i + dp, n - i - dp, d);
    if (used) return dp + used;
  }
  int used = month_first(t, i, k, order, d);
  if (used) return used;
  return is_year(a) ? year_first(t, i, k, d) : 0;
}

static void fmt_ymd(char out[8], ymd d) {
  unsigned y = (unsigned)d.year % 10000u, m = (unsigned)d.month % 13u;
  out[0] = (char)('0' + y / 1000);
  out[1] = (char)('0' + y / 100 % 10);
  out[2] = (char)('0' + y / 10 % 10);
  out[3] = (char)('0' + y % 10);
  out[4] = 0;
  if (m) {
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = 0;
  }
}

static int cmp_ymd(ymd a, ymd b) {
  if (a.year != b.year) return a.year < b.year ? -1 : 1;
  if (!a.month || !b.month) return 0;
  return a.month < b.month ? -1 : a.month > b.month;
}

/* Skips a separator ("-", "–", "to", "until", "bis", "/" between years). */
static int separator(const tok *t, int i, int n) {
  int j = i;
  if (j < n && t[j].kind == T_DASH) j++;
  if (j < n && t[j].kind == T_TOWORD) j++;
  return j;
}

/* The end side of a range at t[i..]: date, current word, or short year. */
static int range_end(const tok *t, int i, int n, int order, ymd start, ymd *end, bool *current) {
  int k = n - i;
  if (k <= 0) return 0;
  /* "2019 - la actualidad", "2019 - en cours" */
  if (t[i].kind == T_FILL && i + 1 < n && (t[i + 1].kind == T_CURRENT || t[i + 1].kind == T_ONGOING)) {
    *current = true;
    return 2;
  }
  if (t[i].kind == T_CURRENT) {
    *current = true;
    return i + 1 < n && t[i + 1].kind == T_CURRENT ? 2 : 1; /* "Currently Pursuing" */
  }
  if (t[i].kind == T_DATEWORD && i > 0 && t[i - 1].kind == T_TOWORD) { /* "to date" */
    *current = true;
    return 1;
  }
  int used = one_date(t, i, n, order, end);
  /* An end before the start is a range as printed when both ends name a
   * month ("Mar 2023 - Dec 2005", a slip the resume made); "2021 - 2019"
   * is two years, not a range. */
  if (used) return cmp_ymd(*end, start) >= 0 || (end->month && start.month) ? used : 0;
  /* "2018–20": two-digit end year. */
  if (t[i].kind == T_NUM && t[i].ndigits == 2 && start.month == 0) {
    int y = start.year / 100 * 100 + t[i].val;
    if (y < start.year) y += 100;
    if (y - start.year > 50) return 0;
    *end = (ymd){y, 0};
    return 1;
  }
  return 0;
}

typedef struct {
  ymd start, end;
  bool has_start, has_end, current, range, expected;
  int b, e;  /* token indexes [b, e) */
  int end_b; /* where the end of a range begins */
} match;

static void set_range(match *m, ymd start, ymd end, bool has_end, bool current, int e) {
  m->start = start;
  m->end = end;
  m->has_start = m->range = true;
  m->has_end = has_end;
  m->current = current;
  m->e = e;
}

/* "Jan – Mar 2020": a bare month takes the year of the end date. */
static bool bare_month_range(const tok *t, int j, int n, int order, match *m) {
  if (t[j].kind != T_MONTH || j + 2 >= n || is_year(&t[j + 1])) return false;
  int s2 = separator(t, j + 1, n);
  ymd end;
  int used = s2 > j + 1 ? one_date(t, s2, n, order, &end) : 0;
  if (!used || !end.month || t[j].val > end.month) return false;
  set_range(m, (ymd){end.year, t[j].val}, end, true, false, s2 + used);
  return true;
}

/* Academic years: "2015/16", "2015/2016", "Winter 2020/21". */
static bool academic_year(const tok *t, int k, int n, ymd d, match *m) {
  if (d.month || k + 1 >= n || t[k].kind != T_SLASH || !glued(&t[k]) || !glued(&t[k + 1]) ||
      t[k + 1].kind != T_NUM)
    return false;
  if (!((t[k + 1].ndigits == 2 && t[k + 1].val == (d.year + 1) % 100) ||
        (t[k + 1].ndigits == 4 && t[k + 1].val == d.year + 1)))
    return false;
  set_range(m, d, (ymd){d.year + 1, 0}, true, false, k + 2);
  return true;
}

/* "d1 – d2", "d1 – Present", "2018–20", or "2019 –" at the very end. */
static bool dash_range(const tok *t, int k, int n, int order, ymd d, match *m) {
  int s = separator(t, k, n);
  if (s == k) return false;
  ymd end = {0, 0};
  bool cur = false;
  int u2 = range_end(t, s, n, order, d, &end, &cur);
  if (u2) {
    set_range(m, d, end, !cur, cur, s + u2);
    m->end_b = s;
    return true;
  }
  if (s == n && t[k].kind == T_DASH) { /* open range: the lexer is at the end of input */
    set_range(m, d, end, false, true, s);
    return true;
  }
  return false;
}

/* "MM/YY" at t[i] (two-digit year, glued to its slash, no third number
 * after it: "06/19/2020" is a day). */
static int month_short_year(const tok *t, int i, int n, ymd *d) {
  if (i + 2 >= n || !is_month_num(&t[i]) || t[i + 1].kind != T_SLASH || !glued(&t[i + 1]) ||
      t[i + 2].kind != T_NUM || t[i + 2].ndigits != 2 || !glued(&t[i + 2]))
    return 0;
  if (i + 3 < n && glued(&t[i + 3]) && (t[i + 3].kind == T_SLASH || t[i + 3].kind == T_NUM)) return 0;
  int y = t[i + 2].val;
  *d = (ymd){y < 50 ? 2000 + y : 1900 + y, t[i].val};
  return 3;
}

/* "06/19 - 08/21", "06/19 - Present": month and two-digit year, only as
 * both ends of a range (alone, "06/19" could be a day and a month). */
static bool short_year_range(const tok *t, int j, int n, match *m) {
  ymd start, end = {0, 0};
  int u = month_short_year(t, j, n, &start);
  if (!u) return false;
  int s = separator(t, j + u, n);
  if (s == j + u || s >= n) return false;
  if (t[s].kind == T_CURRENT) {
    set_range(m, start, end, false, true, s + 1);
    return true;
  }
  int u2 = month_short_year(t, s, n, &end);
  if (!u2 || cmp_ymd(end, start) < 0) return false;
  set_range(m, start, end, true, false, s + u2);
  return true;
}

/* Tries every pattern starting at token i. */
static bool match_at(const tok *t, int i, int n, int order, match *m) {
  memset(m, 0, sizeof *m);
  m->b = i;
  int j = i;
  bool since = t[j].kind == T_SINCE, expected = t[j].kind == T_EXPECTED;
  if (since || expected) j++;
  if (j >= n) return false;
  if (bare_month_range(t, j, n, order, m)) return true;
  ymd d;
  int used = one_date(t, j, n, order, &d);
  if (!used) return !since && !expected && short_year_range(t, j, n, m);
  m->e = j + used;
  if (academic_year(t, j + used, n, d, m)) return true;
  if (dash_range(t, j + used, n, order, d, m)) {
    /* "1 sept. 2011 - juin 2013": a number before the start only is a
     * day when the end has one too; else the range starts at the month */
    return !(day_prefix(t, j, n) && m->has_end && !day_prefix(t, m->end_b, n));
  }
  if (since) {
    set_range(m, d, (ymd){0, 0}, false, true, j + used);
  } else if (expected) {
    m->end = d;
    m->has_end = m->expected = true;
  } else {
    m->start = d;
    m->has_start = true;
  }
  return true;
}

static void to_range(const lexer *lx, const match *m, cw_date_range *out) {
  memset(out, 0, sizeof *out);
  if (m->has_start) fmt_ymd(out->start, m->start);
  if (m->has_end) fmt_ymd(out->end, m->end);
  out->is_current = m->current;
  out->is_range = m->range;
  out->expected = m->expected;
  out->begin = lx->t[m->b].b;
  out->end_off = lx->t[m->e - 1].e;
}

int cw_dates_find(const char *s, size_t len, cw_date_range *out) {
  return cw_dates_find_in(s, len, CW_DATES_ORDER_AUTO, out);
}

int cw_dates_find_in(const char *s, size_t len, int order, cw_date_range *out) {
  if (!s || !out) return -EINVAL;
  lexer lx = {.s = s, .len = len};
  cw_date_range single;
  bool have_single = false;
  int i = refill(&lx, 0);
  while (i < lx.n) {
    match m;
    if (match_at(lx.t, i, lx.n, order, &m)) {
      if (m.range || m.expected) {
        to_range(&lx, &m, out);
        return 0;
      }
      if (!have_single) {
        to_range(&lx, &m, &single);
        have_single = true;
      }
      i = m.e;
    } else {
      i++;
    }
    i = refill(&lx, i);
  }
  if (!have_single) return -ENOENT;
  *out = single;
  return 0;
}

static bool only_filler(const char *s, size_t b, size_t e) {
  for (size_t p = b; p < e; p++) {
    unsigned char c = (unsigned char)s[p];
    if (isspace(c) || strchr("()[]{}|,;:.", c)) continue;
    size_t bl = blank_len(s + p, e - p);
    if (bl) {
      p += bl - 1;
      continue;
    }
    return false;
  }
  return true;
}

int cw_dates_parse(const char *s, size_t len, cw_date_range *out) {
  return cw_dates_parse_in(s, len, CW_DATES_ORDER_AUTO, out);
}

int cw_dates_parse_in(const char *s, size_t len, int order, cw_date_range *out) {
  cw_date_range r;
  if (cw_dates_find_in(s, len, order, &r) != 0) return -ENOENT;
  if (!only_filler(s, 0, r.begin) || !only_filler(s, r.end_off, len)) return -ENOENT;
  *out = r;
  return 0;
}

/* Votes of the unambiguous numeric dates: "25/03/2019" can only be day
 * first, "03/25/2019" only month first. */
int cw_dates_order_of(const char *s, size_t len) {
  if (!s) return CW_DATES_ORDER_AUTO;
  lexer lx = {.s = s, .len = len};
  int dmy = 0, mdy = 0;
  int i = refill(&lx, 0);
  while (i < lx.n) {
    const tok *t = lx.t + i;
    if (lx.n - i >= 5 && t[0].kind == T_NUM && t[0].ndigits <= 2 &&
        (t[1].kind == T_SLASH || t[1].kind == T_DOT || t[1].kind == T_DASH) && glued(&t[1]) &&
        t[2].kind == T_NUM && t[2].ndigits <= 2 && glued(&t[2]) && t[3].kind == t[1].kind &&
        glued(&t[3]) && is_year(&t[4]) && glued(&t[4]) && t[0].val >= 1 && t[2].val >= 1) {
      if (t[0].val > 12 && t[0].val <= 31 && t[2].val <= 12) dmy++;
      if (t[2].val > 12 && t[2].val <= 31 && t[0].val <= 12) mdy++;
      i += 5;
    } else {
      i++;
    }
    i = refill(&lx, i);
  }
  return dmy > mdy ? CW_DATES_ORDER_DMY : mdy > dmy ? CW_DATES_ORDER_MDY : CW_DATES_ORDER_AUTO;
}
