#!/usr/bin/env python3
"""A client of the FX-rates sample that follows the page's retry advice exactly ("Retry with exponential backoff"):

    on 200 return the body; on 429 sleep Retry-After seconds (2 ** attempt if absent) and retry;
    on 503 sleep 2 ** attempt seconds and retry; anything else is an error; give up after max_retries attempts.

Python 3 standard library only (urllib). It prints one JSON object per line, for the test suite to check:
  {"event": "response", "request": i, "attempt": a, "status": s, "sent": t0, "received": t1,
   "retry_after": "42" | null, "error": "rate_limit_exceeded" | null, "x_ratelimit_remaining": "9" | null}
  {"event": "sleep", "request": i, "attempt": a, "seconds": n, "reason": 429 | 503}
  {"event": "done", "request": i, "ok": true | false, "detail": "..."}
Times are time.monotonic() seconds. Exit code 0 when every request got its 200, 1 otherwise.

Usage: fx_client.py --base http://127.0.0.1:5082 --key KEY --path "/v1/rates/live?pair=EURUSD" --count 8
"""

import argparse
import json
import sys
import time
import urllib.error
import urllib.request


def log(**fields):
    print(json.dumps(fields), flush=True)


def fetch(url, headers, timeout):
    """GET url: (status, headers, parsed JSON body or None). Non-2xx statuses are answers, not exceptions."""
    request = urllib.request.Request(url, headers=headers, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, parse(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, parse(error.read())


def parse(raw):
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def get_with_backoff(url, headers, request_number, max_retries=5, timeout=10):
    """The page's get_with_backoff, with a log line per response and per sleep."""
    for attempt in range(max_retries):
        sent = time.monotonic()
        status, response_headers, body = fetch(url, headers, timeout)
        log(
            event="response",
            request=request_number,
            attempt=attempt,
            status=status,
            sent=sent,
            received=time.monotonic(),
            retry_after=response_headers.get("Retry-After"),
            error=body.get("error") if isinstance(body, dict) else None,
            x_ratelimit_remaining=response_headers.get("X-RateLimit-Remaining"),
        )

        if status == 200:
            return body

        if status == 429:
            retry_after = int(response_headers.get("Retry-After", 2 ** attempt))
            log(event="sleep", request=request_number, attempt=attempt, seconds=retry_after, reason=429)
            time.sleep(retry_after)
            continue

        if status == 503:
            log(event="sleep", request=request_number, attempt=attempt, seconds=2 ** attempt, reason=503)
            time.sleep(2 ** attempt)
            continue

        raise RuntimeError(f"HTTP {status}")

    raise RuntimeError(f"Failed after {max_retries} retries")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the API's base URL, e.g. http://127.0.0.1:5082")
    parser.add_argument("--key", required=True, help="the X-API-Key to send")
    parser.add_argument("--path", required=True, help="path and query, e.g. /v1/rates/live?pair=EURUSD")
    parser.add_argument("--count", type=int, default=1, help="how many requests to make, one after another")
    parser.add_argument("--max-retries", type=int, default=5)
    options = parser.parse_args()

    url = options.base.rstrip("/") + options.path
    headers = {"X-API-Key": options.key, "Accept": "application/json"}
    all_ok = True
    for number in range(options.count):
        try:
            body = get_with_backoff(url, headers, number, options.max_retries)
            log(event="done", request=number, ok=True, detail=json.dumps(body))
        except Exception as error:  # noqa: BLE001 - report every failure as a line, keep going
            all_ok = False
            log(event="done", request=number, ok=False, detail=str(error))

    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
