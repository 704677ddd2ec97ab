/* Admission control for LLM requests, per process: a cap on requests in
 * flight, requests-per-minute (evenly spaced, so no 60-second window ever
 * holds more than rpm starts), and a tokens-per-minute bucket charged with
 * each request's estimate and corrected by the reported usage.  The
 * provider's rate-limit headers and 429 advice pause admission for everyone
 * instead of letting every job retry on its own.  FIFO, one uv_timer. */
#include <math.h>
#include <stdlib.h>

#include "llm_int.h"

static void pump(cw__limiter *l);

static void on_timer(uv_timer_t *t) { pump(t->data); }

void cw__lim_init(cw__limiter *l, uv_loop_t *loop, int max_in_flight, int rpm, long tpm) {
  *l = (cw__limiter){.loop = loop, .max_in_flight = max_in_flight > 0 ? max_in_flight : 1, .rpm = rpm, .tpm = tpm};
  uv_timer_init(loop, &l->timer);
  l->timer.data = l;
  l->tokens = (double)tpm;
  l->tokens_at = uv_now(loop);
}

static void refill(cw__limiter *l, uint64_t now) {
  if (l->tpm <= 0)
    return;
  l->tokens += (double)(now - l->tokens_at) * (double)l->tpm / 60000.0;
  if (l->tokens > (double)l->tpm)
    l->tokens = (double)l->tpm;
  l->tokens_at = now;
}

static void pump(cw__limiter *l) {
  if (l->pumping) { /* a callback re-entered: the outer loop goes on */
    l->again = true;
    return;
  }
  l->pumping = true;
  do {
    l->again = false;
    while (l->head && l->in_flight < l->max_in_flight) {
      uv_update_time(l->loop);
      uint64_t now = uv_now(l->loop);
      double wait = 0;
      if (l->paused_until > now)
        wait = (double)(l->paused_until - now);
      else if (l->rpm > 0 && l->next_req_at > (double)now)
        wait = l->next_req_at - (double)now;
      else if (l->tpm > 0) {
        refill(l, now);
        /* an estimate above the whole bucket waits for a full bucket */
        double need = (double)(l->head->tokens < l->tpm ? l->head->tokens : l->tpm);
        if (l->tokens < need)
          wait = (need - l->tokens) * 60000.0 / (double)l->tpm;
      }
      if (wait > 0) {
        uv_timer_start(&l->timer, on_timer, (uint64_t)ceil(wait), 0);
        break;
      }
      cw__lim_waiter *w = l->head;
      l->head = w->next;
      if (l->head)
        l->head->prev = NULL;
      else
        l->tail = NULL;
      w->next = w->prev = NULL;
      w->queued = false;
      l->queued--;
      l->in_flight++;
      if (l->rpm > 0)
        l->next_req_at = fmax(l->next_req_at, (double)now) + 60000.0 / l->rpm;
      if (l->tpm > 0)
        l->tokens -= (double)w->tokens;
      if (w->tokens > l->max_seen_tokens)
        l->max_seen_tokens = w->tokens;
      w->cb(w);
    }
  } while (l->again);
  l->pumping = false;
}

void cw__lim_acquire(cw__limiter *l, cw__lim_waiter *w) {
  w->next = NULL;
  w->prev = l->tail;
  if (l->tail)
    l->tail->next = w;
  else
    l->head = w;
  l->tail = w;
  w->queued = true;
  l->queued++;
  pump(l);
}

void cw__lim_cancel(cw__limiter *l, cw__lim_waiter *w) {
  if (!w->queued)
    return;
  if (w->prev)
    w->prev->next = w->next;
  else
    l->head = w->next;
  if (w->next)
    w->next->prev = w->prev;
  else
    l->tail = w->prev;
  w->next = w->prev = NULL;
  w->queued = false;
  l->queued--;
}

void cw__lim_release(cw__limiter *l, long correction) {
  if (l->in_flight > 0)
    l->in_flight--;
  if (l->tpm > 0) {
    l->tokens -= (double)correction;
    if (l->tokens > (double)l->tpm)
      l->tokens = (double)l->tpm;
  }
  pump(l);
}

void cw__lim_pause(cw__limiter *l, long ms) {
  if (ms <= 0)
    return;
  uv_update_time(l->loop);
  uint64_t until = uv_now(l->loop) + (uint64_t)ms;
  if (until > l->paused_until)
    l->paused_until = until;
}

void cw__lim_observe(cw__limiter *l, long remaining_requests, long reset_requests_ms, long remaining_tokens,
                     long reset_tokens_ms) {
  if (remaining_requests == 0 && reset_requests_ms > 0)
    cw__lim_pause(l, reset_requests_ms);
  /* not enough tokens left for a request like the largest we send */
  if (remaining_tokens >= 0 && reset_tokens_ms > 0 && l->max_seen_tokens > 0 &&
      remaining_tokens < l->max_seen_tokens)
    cw__lim_pause(l, reset_tokens_ms);
}

double cw__lim_level(cw__limiter *l) {
  uv_update_time(l->loop);
  refill(l, uv_now(l->loop));
  return l->tokens;
}

void cw__lim_close(cw__limiter *l, uv_close_cb cb) {
  uv_timer_stop(&l->timer);
  uv_close((uv_handle_t *)&l->timer, cb);
}
