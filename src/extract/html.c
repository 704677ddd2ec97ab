/* HTML text: libxml2's HTML parser (no network, no entity loading), then a
 * walk of the tree that keeps text, drops script/style/head/template/svg,
 * and ends a line at block elements (p, div, li, h1-h6, tr, br, ...);
 * table cells are separated by TAB and list items get a bullet. */
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "helper.h"

static bool in_list(const char *n, const char *const *list) {
  for (int i = 0; list[i]; i++)
    if (!strcasecmp(n, list[i]))
      return true;
  return false;
}

static const char *const SKIP[] = {"script", "style", "head", "template", "svg", "noscript",
                                   "iframe", "object", "canvas", "select", NULL};
static const char *const BLOCK[] = {"p", "div", "section", "article", "header", "footer",
                                    "main", "aside", "nav", "ul", "ol", "dl", "dt", "dd",
                                    "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr",
                                    "blockquote", "pre", "address", "hr", "form", "fieldset",
                                    "figure", "figcaption", "body", NULL};

static void walk(xmlNode *n, xbuf *o, int depth, xresult *r) {
  if (depth > 256) {
    xfail(r, "FILE_CORRUPT", "HTML nested too deeply");
    return;
  }
  for (; n && !r->error; n = n->next) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content)
        xbuf_adds(o, (const char *)n->content);
      continue;
    }
    if (n->type != XML_ELEMENT_NODE)
      continue;
    const char *name = (const char *)n->name;
    if (in_list(name, SKIP))
      continue;
    if (!strcasecmp(name, "br")) {
      xbuf_adds(o, "\n");
      continue;
    }
    bool block = in_list(name, BLOCK);
    if (block)
      xbuf_adds(o, "\n");
    if (!strcasecmp(name, "li"))
      xbuf_adds(o, "\n\xE2\x80\xA2 ");
    walk(n->children, o, depth + 1, r);
    if (!strcasecmp(name, "td") || !strcasecmp(name, "th"))
      xbuf_adds(o, "\t");
    if (block)
      xbuf_adds(o, "\n");
  }
}

void cw_x_html(const unsigned char *data, size_t len, const xlimits *l, xbuf *out, xresult *r) {
  (void)l;
  r->mime = "text/html";
  r->extractor = "html";
  snprintf(r->version, sizeof r->version, "libxml2-%s", LIBXML_DOTTED_VERSION);
  if (len > 0x7fffffff) {
    xfail(r, "EXTRACT_LIMIT", "HTML document too large");
    return;
  }
  htmlDocPtr doc = htmlReadMemory((const char *)data, (int)len, NULL, NULL,
                                  HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                      HTML_PARSE_NOIMPLIED | HTML_PARSE_COMPACT);
  if (!doc) {
    xfail(r, "FILE_CORRUPT", "libxml2 cannot parse the HTML");
    return;
  }
  walk(xmlDocGetRootElement(doc), out, 0, r);
  xmlFreeDoc(doc);
  if (out->overflow)
    xfail(r, "EXTRACT_LIMIT", "extracted text exceeds %zu bytes", out->max);
}
