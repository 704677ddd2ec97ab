/* The offline provider.  The work itself is synchronous and fast (a few
 * milliseconds per resume); the result is handed over from a zero-delay
 * timer per call so that callbacks never run inside parse()/enrich(). */
#include "careeros/offline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "careeros/entities.h"
#include "careeros/heuristic.h"
#include "careeros/log.h"
#include "cw_build.h"

typedef struct offline offline;

struct cw_provider_call {
  offline *p;
  uv_timer_t timer;
  cw_provider_cb cb;
  void *arg;
  cw_provider_outcome out;
  bool fired, cancelled;
  cw_provider_call *prev, *next;
};

struct offline {
  cw_provider base; /* first: cw_provider * <-> offline * */
  uv_loop_t *loop;
  cw_skills *skills;
  cw_heuristic *h;
  cw_provider_call *calls;
  bool closing;
  void (*close_cb)(void *);
  void *close_arg;
};

static uint64_t now_us(void) { return uv_hrtime() / 1000; }

static void maybe_finish(offline *p) {
  if (!p->closing || p->calls) return;
  void (*cb)(void *) = p->close_cb;
  void *arg = p->close_arg;
  cw_heuristic_free(p->h);
  cw_skills_free(p->skills);
  free(p);
  if (cb) cb(arg);
}

static void call_closed(uv_handle_t *h) {
  cw_provider_call *c = h->data;
  offline *p = c->p;
  if (c->prev) c->prev->next = c->next;
  else p->calls = c->next;
  if (c->next) c->next->prev = c->prev;
  /* Outcomes not handed over (never, in practice) are released here. */
  json_decref(c->out.result);
  json_decref(c->out.telemetry);
  free(c);
  maybe_finish(p);
}

static void fire(uv_timer_t *t) {
  cw_provider_call *c = t->data;
  uv_timer_stop(t);
  c->fired = true;
  cw_provider_outcome out = c->out;
  memset(&c->out, 0, sizeof c->out);
  if (c->cancelled) {
    json_decref(out.result);
    out.result = NULL;
    out.status = -ECANCELED;
    out.code = CW_ERR_SHUTDOWN;
    snprintf(out.message, sizeof out.message, "offline call cancelled");
  }
  c->cb(c->arg, &out);
  uv_close((uv_handle_t *)&c->timer, call_closed);
}

static int start_call(offline *p, cw_provider_cb cb, void *arg, cw_provider_outcome *out,
                      cw_provider_call **callp) {
  cw_provider_call *c = calloc(1, sizeof *c);
  if (!c) return -ENOMEM;
  c->p = p;
  c->cb = cb;
  c->arg = arg;
  c->out = *out;
  int rc = uv_timer_init(p->loop, &c->timer);
  if (rc) {
    free(c);
    return rc;
  }
  c->timer.data = c;
  c->next = p->calls;
  if (p->calls) p->calls->prev = c;
  p->calls = c;
  uv_timer_start(&c->timer, fire, 0, 0);
  if (callp) *callp = c;
  return 0;
}

static void fail_outcome(cw_provider_outcome *o, int status, const char *what) {
  o->status = status;
  o->code = CW_ERR_INTERNAL;
  snprintf(o->message, sizeof o->message, "offline %s failed: %s", what, strerror(-status));
}

static int op_parse(cw_provider *base, const cw_provider_req *req, cw_provider_cb cb, void *arg,
                    cw_provider_call **call) {
  offline *p = (offline *)base;
  if (!req || !cb || (!req->text && req->text_len)) return -EINVAL;
  if (p->closing) return -ESHUTDOWN;
  cw_provider_outcome out = {.retry_after_ms = -1};
  uint64_t t0 = now_us();
  json_t *doc = NULL;
  int rc = cw_heuristic_parse(p->h, req->text, req->text_len, &doc);
  char err[160] = "";
  if (rc == 0 && cw_entities_validate_document(doc, err, sizeof err) != 0) {
    /* A document the heuristics built but the contract rejects is our bug. */
    cw_log_err("offline.invalid_document", "job=%s reason=\"%s\"", req->job_id ? req->job_id : "-", err);
    json_decref(doc);
    doc = NULL;
    rc = -EPROTO;
  }
  uint64_t us = now_us() - t0;
  out.telemetry = json_pack("{s:s, s:I, s:I}", "provider", "offline", "parse_us", (json_int_t)us,
                            "text_chars", (json_int_t)req->text_len);
  if (rc == 0) {
    out.result = json_pack("{s:s, s:s, s:f, s:o, s:O}", "source_type", CW_HEURISTIC_SOURCE,
                           "model_version", CW_HEURISTIC_MODEL, "confidence", 0.6, "document", doc,
                           "telemetry", out.telemetry);
    if (!out.result) rc = -ENOMEM;
  }
  if (rc) fail_outcome(&out, rc, "parse");
  rc = start_call(p, cb, arg, &out, call);
  if (rc) {
    json_decref(out.result);
    json_decref(out.telemetry);
  }
  return rc;
}

static int op_enrich(cw_provider *base, const cw_provider_req *req, cw_provider_cb cb, void *arg,
                     cw_provider_call **call) {
  offline *p = (offline *)base;
  if (!req || !cb || !json_is_object(req->parsed)) return -EINVAL;
  if (p->closing) return -ESHUTDOWN;
  cw_provider_outcome out = {.retry_after_ms = -1};
  uint64_t t0 = now_us();
  json_t *r = NULL;
  int rc = cw_heuristic_enrich(req->parsed, req->document_date, p->skills, &r);
  uint64_t us = now_us() - t0;
  out.telemetry = json_pack("{s:s, s:I}", "provider", "offline", "enrich_us", (json_int_t)us);
  if (rc == 0) {
    json_object_set(r, "telemetry", out.telemetry);
    out.result = r;
  } else {
    fail_outcome(&out, rc, "enrich");
  }
  rc = start_call(p, cb, arg, &out, call);
  if (rc) {
    json_decref(out.result);
    json_decref(out.telemetry);
  }
  return rc;
}

static void op_cancel(cw_provider *base, cw_provider_call *call) {
  (void)base;
  if (call && !call->fired) call->cancelled = true;
}

static void op_close(cw_provider *base, void (*close_cb)(void *), void *arg) {
  offline *p = (offline *)base;
  p->closing = true;
  p->close_cb = close_cb;
  p->close_arg = arg;
  for (cw_provider_call *c = p->calls; c; c = c->next)
    if (!c->fired) c->cancelled = true;
  if (!p->calls) {
    /* Nothing in flight: still finish from the loop, not from here. */
    cw_provider_call *c = calloc(1, sizeof *c);
    if (!c || uv_timer_init(p->loop, &c->timer) != 0) {
      free(c);
      maybe_finish(p);
      return;
    }
    c->p = p;
    c->fired = true;
    c->timer.data = c;
    p->calls = c;
    uv_close((uv_handle_t *)&c->timer, call_closed);
  }
}

static const struct cw_provider_ops offline_ops = {
    .name = "offline",
    .parse = op_parse,
    .enrich = op_enrich,
    .cancel = op_cancel,
    .close = op_close,
};

static int load_skills(const cw_config *cfg, cw_skills **out) {
  const char *path = cfg && cfg->provider.skills_file && *cfg->provider.skills_file
                         ? cfg->provider.skills_file : NULL;
  if (path) {
    int rc = cw_skills_load(path, out);
    if (rc) cw_log_err("offline.skills_load_failed", "path=%s error=%s", path, strerror(-rc));
    return rc;
  }
  const char *def = CW_DATADIR "/skills.ini";
  struct stat st;
  if (stat(def, &st) == 0) return cw_skills_load(def, out);
  cw_log_warn("offline.skills_missing", "path=%s effect=\"no skills dictionary\"", def);
  return cw_skills_load_buffer("", 0, "empty", out);
}

int cw_offline_provider_new(uv_loop_t *loop, const cw_config *cfg, cw_provider **out) {
  if (!loop || !out) return -EINVAL;
  offline *p = calloc(1, sizeof *p);
  if (!p) return -ENOMEM;
  p->base.ops = &offline_ops;
  p->loop = loop;
  int rc = load_skills(cfg, &p->skills);
  if (rc == 0) rc = cw_heuristic_new(p->skills, &p->h);
  if (rc) {
    cw_skills_free(p->skills);
    free(p);
    return rc;
  }
  cw_log_info("offline.ready", "skills=%zu", cw_skills_count(p->skills));
  *out = &p->base;
  return 0;
}
