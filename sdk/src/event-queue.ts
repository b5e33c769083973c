import type { UpshotEvent } from './types.ts';

/** The API takes at most 100 events per request. */
export const BATCH_EVENTS = 100;
/** Request bodies stay under the API's 64 KiB and the browser's 64 KiB keepalive budget. */
export const BATCH_BYTES = 60_000;
/** A flush follows the first queued event after this many milliseconds… */
export const FLUSH_DELAY = 100;
/** …or comes at once when this many events wait. */
export const FLUSH_EVENTS = 20;
/** Retries back off exponentially from about 1 s up to this, with jitter. */
export const MAX_BACKOFF = 60_000;

export interface EventQueue {
  /** Queues an event (in storage once started) and schedules a flush. */
  push(event: UpshotEvent): void;
  /** Sends the oldest batch now with fetch; acknowledged events leave the queue, failures back off. */
  flush(): void;
  /** The page is being hidden or left: hands what was not handed over yet to `sendBeacon` (fetch keepalive when it refuses). */
  exit(): void;
  /** Starts persisting to `storage` (a queue stored by earlier pages is sent first) and sending: consent is given. */
  start(storage?: Pick<Storage, 'getItem' | 'setItem'>): void;
}

/**
 * The delivery queue, for `POST url` (the events endpoint with the SDK key), kept in storage under
 * `key`. Events stay in storage until the API acknowledges them (accepted, duplicate or rejected: a
 * rejection is final), so a page closed mid-request, an offline spell or a 5xx only delays them:
 * they are sent again, by this page with backoff or by the next page load, and their ids make every
 * resend a duplicate on the server, never a second count.
 *
 * While the page is alive, batches go with `fetch` (text/plain, so no CORS preflight; keepalive, so
 * a navigation does not cancel them), whose response tells what was acknowledged. A beacon's
 * response is invisible, so `navigator.sendBeacon` is used when the page is hidden or left — the
 * moment only it survives — and what it carried stays queued until a later fetch has it acknowledged.
 *
 * Every read goes back to storage, so the tabs of a site share one queue; two tabs sending the same
 * event at once only make a duplicate. Uses the globals `fetch`, `navigator`, `Blob` and timers.
 */
export function createEventQueue(url: string, key: string, warn: (message: string, detail?: unknown) => void): EventQueue {
  let storage: Pick<Storage, 'getItem' | 'setItem'> | undefined;
  let started: boolean | undefined;
  let memory: UpshotEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined | 0;
  let busy: boolean | undefined;
  let attempt = 0;
  /** Handed to beacons since the last flush: `visibilitychange` and `pagehide` both fire on exit, one beacon is enough. */
  let beaconed: boolean | undefined;

  const read = (): UpshotEvent[] => {
    try {
      return JSON.parse(storage!.getItem(key)!) || memory;
    } catch {
      // No storage, nothing stored yet, or garbage: the in-memory copy is the queue.
    }
    return memory;
  };

  const write = (events: UpshotEvent[]): void => {
    memory = events;
    try {
      if (storage) storage.setItem(key, JSON.stringify(events));
    } catch {
      // Quota or privacy mode: the queue lives in memory for the rest of the page rather than be lost.
      storage = undefined;
    }
  };

  const schedule = (delay: number): void => {
    timer = timer || setTimeout(flush, delay);
  };

  /** Sends the oldest events that fit one request, by beacon when `exit` and the browser takes it, else by fetch. */
  const send = (events: UpshotEvent[], exit?: boolean): [UpshotEvent[], Promise<Response | void>] => {
    let size = 12;
    let count = 0;
    while (count < events.length && count < BATCH_EVENTS && (size += new Blob([JSON.stringify(events[count])]).size + 1) <= BATCH_BYTES) count++;
    const batch = events.slice(0, count || 1);
    const body = JSON.stringify({ events: batch });
    return [
      batch,
      // The executor turns a synchronous throw (no sendBeacon, no fetch) into a rejection.
      new Promise((resolve) =>
        resolve(exit && navigator.sendBeacon && navigator.sendBeacon(url, body) ? undefined : fetch(url, { method: 'POST', body, keepalive: true, credentials: 'omit' })),
      ),
    ];
  };

  function flush(): void {
    clearTimeout(timer!);
    timer = 0;
    beaconed = false;
    const events = read();
    if (!started || busy || !events.length) return;
    busy = true;
    const [batch, sent] = send(events);
    sent
      .then((response) => {
        busy = false;
        const status = response!.status;
        if (status == 408 || status == 429 || status > 499) throw status;
        attempt = 0;
        write(read().filter((event) => !batch.some((sent) => sent.id == event.id)));
        if (memory.length) schedule(0);
        // 200: every event is accounted for, and a rejection is final. Another 4xx: the batch is
        // malformed or the key or origin is wrong, and sending it again cannot help; it is dropped.
        response!.json().then((result: { rejected?: unknown[] }) => {
          if (status > 299 || (result.rejected || [])[0]) warn('response', result);
        }, warn);
      })
      .then(undefined, (error) => {
        // Offline, a network error, 5xx or 429: everything stays queued; try again later.
        busy = false;
        warn('retry', error);
        clearTimeout(timer!);
        timer = setTimeout(flush, Math.min(MAX_BACKOFF, 1000 * 2 ** attempt++) * (Math.random() + 0.5));
      });
  }

  return {
    push(event) {
      const events = read();
      events.push(event);
      write(events);
      if (started) events.length < FLUSH_EVENTS || attempt ? schedule(FLUSH_DELAY) : flush();
    },
    flush,
    exit() {
      let events = started && !beaconed ? read() : [];
      beaconed = true;
      while (events.length) {
        const [batch, sent] = send(events, true);
        sent.then(undefined, warn);
        events = events.slice(batch.length);
      }
    },
    start(store) {
      storage = store;
      started = true;
      schedule(FLUSH_DELAY);
    },
  };
}
