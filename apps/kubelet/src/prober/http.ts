// HTTP GET probes as pkg/probe/http does them: scheme (default http), host (default the pod IP),
// port by number or container port name, path, the spec's headers with a default User-Agent
// "kube-probe/<major>.<minor>" and Accept "*/*" (an empty Accept removes it). Status 200–399 is
// success; a redirect is followed while it stays on the same host name (at most 10), a redirect
// to another host ends the exchange and counts as success with a warning. At most 10 KiB of
// the body is read. Transport errors and timeouts are failures, never errors.
import type { Container, HTTPGetAction } from 'kubernetes-types/core/v1';
import type { HttpGetter, HttpTarget, ProbeOutcome } from './types.ts';
import { joinHostPort, resolveContainerPort } from './spec.ts';

export const MAX_HTTP_BODY_BYTES = 10 * 1024;
export const PROBE_USER_AGENT = 'kube-probe/1.32';
const MAX_REDIRECTS = 10;
const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

/** Go's CanonicalMIMEHeaderKey for the usual token names: "x-custom-header" → "X-Custom-Header". */
export function canonicalHeader(name: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
}

/** The request headers a probe sends (NewRequestForHTTPGetAction's rules). */
export function probeHeaders(action: HTTPGetAction): Array<[string, string]> {
  const headers: Array<[string, string]> = (action.httpHeaders ?? []).map((h) => [canonicalHeader(h.name), h.value]);
  const has = (n: string) => headers.some(([k]) => k === n);
  if (!has('User-Agent')) headers.push(['User-Agent', PROBE_USER_AGENT]);
  if (!has('Accept')) headers.push(['Accept', '*/*']);
  else if ((headers.find(([k]) => k === 'Accept')?.[1] ?? '') === '') return headers.filter(([k]) => k !== 'Accept');
  return headers;
}

/** The URL as Go prints it in errors. */
export function targetUrl(t: HttpTarget): string {
  return `${t.scheme}://${joinHostPort(t.host, t.port)}${t.path}`;
}

export function httpTarget(action: HTTPGetAction, container: Container, podIP: string): HttpTarget | { error: string } {
  const resolved = resolveContainerPort(action.port, container);
  if ('error' in resolved) return resolved;
  const scheme = (action.scheme ?? 'http').toLowerCase() === 'https' ? 'https' : 'http';
  const raw = action.path ?? '';
  const path = raw === '' || raw.startsWith('/') ? raw || '/' : `/${raw}`;
  return { scheme, host: action.host || podIP, port: resolved.port, path };
}

/** Where a Location header leads from `from`, or undefined when it cannot be parsed. */
function follow(from: HttpTarget, location: string): HttpTarget | undefined {
  let u: URL;
  try {
    u = new URL(location, `${from.scheme}://${joinHostPort(from.host, from.port)}${from.path}`);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  const scheme = u.protocol === 'https:' ? 'https' : 'http';
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = u.port ? Number(u.port) : scheme === 'https' ? 443 : 80;
  return { scheme, host, port, path: `${u.pathname}${u.search}` };
}

const isAbsolute = (location: string) => /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(location) || location.startsWith('//');

/** Runs the exchange; `signal` ends it (the caller turns that into the timeout text). */
export async function httpProbe(first: HttpTarget, headers: Array<[string, string]>, get: HttpGetter, signal: AbortSignal): Promise<ProbeOutcome> {
  let target = first;
  let sendHeaders = headers;
  for (let hops = 0; ; hops++) {
    let res;
    try {
      res = await get({ ...target, headers: sendHeaders, maxBodyBytes: MAX_HTTP_BODY_BYTES, signal });
    } catch (err) {
      if (signal.aborted) throw err;
      return { result: 'Failure', output: `Get ${JSON.stringify(targetUrl(target))}: ${(err as Error).message}` };
    }
    const next = REDIRECT_CODES.has(res.statusCode) && res.location ? follow(target, res.location) : undefined;
    if (next && next.host === first.host) {
      if (hops >= MAX_REDIRECTS) {
        return { result: 'Failure', output: `Get ${JSON.stringify(targetUrl(next))}: stopped after ${MAX_REDIRECTS} redirects` };
      }
      // A Host header given by the spec survives only a relative redirect (Go's client rule).
      if (!isAbsolute(res.location!)) sendHeaders = headers;
      else sendHeaders = headers.filter(([k]) => k !== 'Host');
      target = next;
      continue;
    }
    const body = res.body.toString('utf8');
    if (res.statusCode >= 200 && res.statusCode < 400) {
      if (res.statusCode >= 300) return { result: 'Success', warning: true, output: `Probe terminated redirects, Response body: ${body}` };
      return { result: 'Success', output: body };
    }
    return { result: 'Failure', output: `HTTP probe failed with statuscode: ${res.statusCode}` };
  }
}
