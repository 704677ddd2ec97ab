/* Text decoding and normalisation: the single place where raw bytes and
 * extractor output become the text that the parsers and the LLM see.
 *
 * Decoding (plain-text uploads), decided in this order:
 *   - UTF-8 BOM or valid UTF-8            -> UTF-8 (BOM dropped)
 *   - BOM FF FE / FE FF                   -> UTF-16LE / UTF-16BE; unpaired
 *                                            surrogates become U+FFFD
 *   - BOM FF FE 00 00 / 00 00 FE FF       -> TEXT_ENCODING_INVALID (UTF-32)
 *   - more than 1/8 of the bytes are NUL  -> TEXT_ENCODING_INVALID (UTF-16
 *                                            without BOM or binary; we do not
 *                                            guess the byte order)
 *   - invalid UTF-8 without a single valid multi-byte sequence
 *                                         -> Latin-1 read as Windows-1252,
 *                                            unless more than 1% of the bytes
 *                                            are control characters
 *                                            (TEXT_ENCODING_INVALID)
 *   - mixed valid and invalid UTF-8       -> UTF-8 with each invalid byte
 *                                            replaced by U+FFFD when at most
 *                                            max(8, len/1000) bytes are bad,
 *                                            else TEXT_ENCODING_INVALID
 *   A few NUL bytes in otherwise good text are dropped by the normaliser.
 *
 * Normalisation (all text, including the PDF/DOCX extractors' output; any
 * invalid UTF-8 is replaced by U+FFFD first):
 *   - CR LF, CR, VT, NEL, U+2028/U+2029 -> LF; FF separates pages
 *   - NUL and other C0/C1 controls, zero-width characters (U+200B..U+200D,
 *     U+2060, U+FEFF, U+180E), bidi marks, non-characters and private-use
 *     icon glyphs are removed
 *   - soft hyphen U+00AD is removed; at a line end it also joins the lines
 *     ("develop\u00AD\nment" -> "development")
 *   - dashes U+2010..U+2015 and minus U+2212 -> '-'
 *   - ligatures U+FB00..U+FB06 -> ff fi fl ffi ffl st st
 *   - NBSP and the other Unicode spaces -> ' '; a run of spaces and tabs
 *     becomes one TAB if it contained a tab, else one space; lines are
 *     trimmed
 *   - curly quotes -> ' and ", U+2026 -> "..."
 *   - bullet glyphs (U+2022, U+25CF, U+25AA, U+F0B7 ... see normalize.c)
 *     become "- " at the start of a line and U+2022 elsewhere; a bullet
 *     alone on a line is joined with the next line
 *   - page headers and footers: among the first two and the last two lines of
 *     each page, a line found on two or more pages (case-insensitive; a
 *     number equal to the page number or the page count matches any such
 *     number) is kept on its first page only, or dropped everywhere when it
 *     carries the page's own number ("Jane Doe - 2/3"); page-number lines
 *     ("3", "Page 3 of 4", "3/4",
 *     "- 3 -") there are dropped when the text has several pages
 *   - pages are joined with LF, runs of blank lines become one blank line,
 *     leading and trailing blank lines are removed.
 * The output is valid UTF-8, never longer than 3 * len + 16 bytes, and has
 * no trailing newline.  Empty output means TEXT_EMPTY to the caller. */
#ifndef CAREEROS_NORMALIZE_H
#define CAREEROS_NORMALIZE_H

#include <stddef.h>

#include "careeros/errors.h"

/* Decodes a plain-text file to UTF-8.  On success returns 0, *out is a
 * malloc'd NUL-terminated buffer and *encoding names what was found
 * ("utf-8", "utf-16le", "utf-16be", "windows-1252").  Returns -EILSEQ with
 * *code = CW_ERR_TEXT_ENCODING_INVALID and a reason in *why for text we
 * refuse, -ENOMEM when out of memory. */
int cw_text_decode(const unsigned char *in, size_t len, char **out, size_t *out_len,
                   const char **encoding, cw_errcode *code, const char **why);

/* Normalises UTF-8 text as described above.  Returns 0 or -ENOMEM; *out is
 * malloc'd and NUL-terminated. */
int cw_text_normalize(const char *in, size_t len, char **out, size_t *out_len);

/* True when s[0..len) is valid UTF-8 (no overlongs, surrogates or values
 * above U+10FFFF). */
int cw_utf8_valid(const char *s, size_t len);

#endif
