#!/usr/bin/env node
// The images' HEALTHCHECK: plain Node.js, no dependencies, exit 0 when healthy and 1 (with the reason on
// stderr) when not. scripts/docker-files.test.ts runs these exact commands against processes started
// from a checkout.
//   node docker/healthcheck.mjs http <port> <path>   a GET of http://127.0.0.1:<port><path> answers 2xx
//   node docker/healthcheck.mjs redis                the Redis at $REDIS_URL answers PING (a worker serves
//                                                    no HTTP: if its process died the container stopped;
//                                                    what it needs to work is its queue)
import { connect } from 'node:net';
import { connect as connectTls } from 'node:tls';

const TIMEOUT_MS = 4000;

function fail(reason) {
  process.stderr.write(`unhealthy: ${reason}\n`);
  process.exit(1);
}

async function checkHttp(port, path) {
  if (!/^\d+$/.test(port ?? '') || !path?.startsWith('/')) fail('usage: healthcheck.mjs http <port> <path>');
  const url = `http://127.0.0.1:${port}${path}`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!response.ok) fail(`${url} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  } catch (cause) {
    fail(`${url}: ${cause instanceof Error ? cause.message : cause}`);
  }
}

/** One Redis command in RESP, so that a password with any characters goes through intact. */
function command(...words) {
  return `*${words.length}\r\n${words.map((word) => `$${Buffer.byteLength(word)}\r\n${word}\r\n`).join('')}`;
}

function checkRedis(redisUrl) {
  if (!redisUrl || !URL.canParse(redisUrl))
    fail(`REDIS_URL must be a redis:// or rediss:// URL, not "${redisUrl ?? ''}"`);
  const url = new URL(redisUrl);
  const tls = url.protocol === 'rediss:';
  const options = { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 6379) };
  const socket = tls ? connectTls({ ...options, servername: options.host }) : connect(options);
  const password = decodeURIComponent(url.password);
  const username = decodeURIComponent(url.username);
  const auth = password === '' ? '' : username === '' ? command('AUTH', password) : command('AUTH', username, password);
  let answer = '';
  socket.setTimeout(TIMEOUT_MS, () => fail(`no answer from Redis at ${options.host}:${options.port}`));
  socket.once('error', (cause) => fail(`Redis at ${options.host}:${options.port}: ${cause.message}`));
  socket.once(tls ? 'secureConnect' : 'connect', () => socket.write(auth + command('PING')));
  socket.on('data', (chunk) => {
    answer += chunk.toString('utf8');
    const error = answer.split('\r\n').find((line) => line.startsWith('-'));
    if (error !== undefined) fail(`Redis answered ${error.slice(1)}`);
    if (answer.includes('+PONG\r\n')) {
      socket.end();
      process.exit(0);
    }
  });
}

const [kind, ...rest] = process.argv.slice(2);
if (kind === 'http') await checkHttp(rest[0], rest[1]);
else if (kind === 'redis') checkRedis(process.env.REDIS_URL);
else fail('usage: healthcheck.mjs http <port> <path> | healthcheck.mjs redis');
