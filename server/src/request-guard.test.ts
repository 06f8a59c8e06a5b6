import { describe, expect, it } from 'vitest';
import {
  checkRequest,
  type GuardedRequest,
  hostnameOf,
  isAllowedHost,
  isSameOrigin,
  parseAllowedHosts,
  parseAllowedOrigins,
  type RequestPolicy,
} from './request-guard.ts';

const NONE: RequestPolicy = { allowedHosts: [], allowedOrigins: [] };
const LOOM = '127.0.0.1:18700';

function request(method: string, url: string, headers: GuardedRequest['headers']): GuardedRequest {
  return { method, url, headers };
}

describe('hostnameOf', () => {
  it('takes the name out of a Host header', () => {
    expect(hostnameOf('127.0.0.1:8080')).toBe('127.0.0.1');
    expect(hostnameOf('[::1]:8080')).toBe('::1');
    expect(hostnameOf('LocalHost.:80')).toBe('localhost');
    expect(hostnameOf('evil.example')).toBe('evil.example');
  });

  it('refuses what is not a host name', () => {
    expect(hostnameOf('[::1')).toBeUndefined();
    expect(hostnameOf('[nope]:80')).toBeUndefined();
    expect(hostnameOf('a b')).toBeUndefined();
    expect(hostnameOf('')).toBeUndefined();
  });
});

describe('isAllowedHost', () => {
  it('allows loopback names and every IP address, nothing else by default', () => {
    for (const name of ['localhost', 'designer.localhost', '127.0.0.1', '::1', '10.1.2.3', 'fe80::1']) {
      expect(isAllowedHost(name, [])).toBe(true);
    }
    for (const name of ['evil.example', 'localhost.evil.example', 'mylaptop', '127.0.0.1.nip.io']) {
      expect(isAllowedHost(name, [])).toBe(false);
    }
  });

  it('allows configured names, domains with their subdomains, or any name', () => {
    expect(isAllowedHost('loom.example.com', ['loom.example.com'])).toBe(true);
    expect(isAllowedHost('other.example.com', ['loom.example.com'])).toBe(false);
    expect(isAllowedHost('corp.example', ['.corp.example'])).toBe(true);
    expect(isAllowedHost('a.b.corp.example', ['.corp.example'])).toBe(true);
    expect(isAllowedHost('evilcorp.example', ['.corp.example'])).toBe(false);
    expect(isAllowedHost('anything', ['*'])).toBe(true);
  });
});

describe('isSameOrigin', () => {
  it('compares the page origin with the Host the browser sent', () => {
    expect(isSameOrigin('http://127.0.0.1:18700', LOOM)).toBe(true);
    expect(isSameOrigin('http://localhost:5173', 'localhost:5173')).toBe(true); // the designer's dev server
    expect(isSameOrigin('http://127.0.0.1:18701', LOOM)).toBe(false);
    expect(isSameOrigin('http://localhost:18700', LOOM)).toBe(false);
    expect(isSameOrigin('http://evil.example', LOOM)).toBe(false);
  });

  it('knows the default ports, and ignores the scheme (TLS may end at a proxy)', () => {
    expect(isSameOrigin('http://loom.example.com', 'loom.example.com:80')).toBe(true);
    expect(isSameOrigin('https://loom.example.com', 'loom.example.com')).toBe(true);
    expect(isSameOrigin('https://loom.example.com', 'loom.example.com:443')).toBe(true);
    expect(isSameOrigin('https://loom.example.com', 'loom.example.com:80')).toBe(false);
  });

  it('refuses opaque and malformed origins', () => {
    expect(isSameOrigin('null', LOOM)).toBe(false);
    expect(isSameOrigin('file://', LOOM)).toBe(false);
    expect(isSameOrigin('not a url', LOOM)).toBe(false);
  });
});

describe('checkRequest', () => {
  it('refuses a bodiless cross-origin POST, the simple request a page sends without asking', () => {
    const verdict = checkRequest(
      request('POST', '/api/pipelines/abc/runs', { host: LOOM, origin: 'http://evil.example' }),
      NONE,
    );
    expect(verdict).toEqual({
      ok: false,
      status: 403,
      error: 'origin-not-allowed',
      message: expect.stringContaining(
        'refused a request from the page at http://evil.example to POST /api/pipelines/abc/runs',
      ),
    });
  });

  it('refuses a request for a host that is not this server (DNS rebinding), naming the host and the setting', () => {
    const verdict = checkRequest(request('GET', '/api/pipelines', { host: 'evil.example:18700' }), NONE);
    expect(verdict).toMatchObject({ ok: false, status: 403, error: 'host-not-allowed' });
    expect(!verdict.ok && verdict.message).toContain('"evil.example"');
    expect(!verdict.ok && verdict.message).toContain('LOOM_ALLOWED_HOSTS');
  });

  it('lets a health check name any host', () => {
    expect(checkRequest(request('GET', '/healthz', { host: 'loom-server:8080' }), NONE)).toEqual({ ok: true });
    expect(checkRequest(request('GET', '/healthz?x=1', { host: 'loom-server:8080' }), NONE)).toEqual({ ok: true });
    expect(checkRequest(request('GET', '/api/runs', { host: 'loom-server:8080' }), NONE).ok).toBe(false);
  });

  it('lets the designer (same origin) and the CLI (no Origin) through', () => {
    const json = { 'content-type': 'application/json' };
    expect(
      checkRequest(request('POST', '/api/runs/1/cancel', { host: LOOM, origin: `http://${LOOM}`, ...json }), NONE),
    ).toEqual({ ok: true });
    expect(checkRequest(request('POST', '/api/runs/1/cancel', { host: LOOM, ...json }), NONE)).toEqual({ ok: true });
    expect(
      checkRequest(request('GET', '/api/runs/1/events', { host: LOOM, 'sec-fetch-site': 'same-origin' }), NONE),
    ).toEqual({
      ok: true,
    });
  });

  it('refuses the event streams to other pages too', () => {
    const verdict = checkRequest(
      request('GET', '/api/runs/1/events', { host: LOOM, origin: 'http://evil.example' }),
      NONE,
    );
    expect(verdict).toMatchObject({ ok: false, status: 403, error: 'origin-not-allowed' });
  });

  it('refuses cross-site requests without an Origin, except following a link', () => {
    const image = { host: LOOM, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' };
    expect(checkRequest(request('GET', '/api/artifacts/x', image), NONE)).toMatchObject({ ok: false, status: 403 });
    const otherPort = { host: LOOM, 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'no-cors' };
    expect(checkRequest(request('GET', '/api/pipelines', otherPort), NONE)).toMatchObject({ ok: false, status: 403 });
    const link = { host: LOOM, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' };
    expect(checkRequest(request('GET', '/', link), NONE)).toEqual({ ok: true });
    expect(checkRequest(request('POST', '/api/x', { ...link, 'content-type': 'application/json' }), NONE).ok).toBe(
      false,
    );
  });

  it('refuses an opaque origin (a sandboxed frame, a file:// page)', () => {
    expect(checkRequest(request('GET', '/api/pipelines', { host: LOOM, origin: 'null' }), NONE)).toMatchObject({
      ok: false,
      error: 'origin-not-allowed',
    });
  });

  it('lets configured origins through', () => {
    const policy = { allowedHosts: [], allowedOrigins: ['https://dashboard.example.com'] };
    const headers = { host: LOOM, origin: 'https://dashboard.example.com', 'content-type': 'application/json' };
    expect(checkRequest(request('POST', '/api/compile', headers), policy)).toEqual({ ok: true });
  });

  it.each([
    ['no content type', undefined, 'no content type'],
    ['a form', 'application/x-www-form-urlencoded', '"application/x-www-form-urlencoded"'],
    ['text', 'text/plain;charset=UTF-8', '"text/plain"'],
    ['multipart', 'multipart/form-data; boundary=x', '"multipart/form-data"'],
  ])('refuses a POST with %s (415), naming what it sent', (_, type, named) => {
    const headers = type === undefined ? { host: LOOM } : { host: LOOM, 'content-type': type };
    const verdict = checkRequest(request('POST', '/api/pipelines', headers), NONE);
    expect(verdict).toMatchObject({ ok: false, status: 415, error: 'unsupported-media-type' });
    expect(!verdict.ok && verdict.message).toContain(`this request sent ${named}`);
  });

  it('takes JSON with parameters, and asks nothing of GET or DELETE', () => {
    const json = { host: LOOM, 'content-type': 'Application/JSON; charset=utf-8' };
    expect(checkRequest(request('PUT', '/api/pipelines/x', json), NONE)).toEqual({ ok: true });
    expect(checkRequest(request('DELETE', '/api/pipelines/x', { host: LOOM }), NONE)).toEqual({ ok: true });
    expect(checkRequest(request('GET', '/api/pipelines', { host: LOOM }), NONE)).toEqual({ ok: true });
  });
});

describe('configuration', () => {
  it('normalises origins and refuses what is not one', () => {
    expect(parseAllowedOrigins(['https://Dashboard.example.com:443', 'http://localhost:3000/'])).toEqual([
      'https://dashboard.example.com',
      'http://localhost:3000',
    ]);
    for (const bad of ['dashboard.example.com', 'https://x.example/app', 'ftp://x.example', 'https://x.example?a=1']) {
      expect(() => parseAllowedOrigins([bad])).toThrow(`allowed origin ${JSON.stringify(bad)} is not an origin`);
    }
  });

  it('normalises host names and refuses ports and junk', () => {
    expect(parseAllowedHosts(['Loom.Example.com', '.corp.example', '*'])).toEqual([
      'loom.example.com',
      '.corp.example',
      '*',
    ]);
    for (const bad of ['loom.example.com:8080', 'http://loom', 'a b']) {
      expect(() => parseAllowedHosts([bad])).toThrow(`allowed host ${JSON.stringify(bad)} is not a host name`);
    }
  });
});
