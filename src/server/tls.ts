/**
 * Transport security of `uitslag serve` (issue 9): the installation's HTTPS certificate (made on
 * the first start, kept in `<data>/tls/`), the names and addresses under which the server may be
 * reached (the Host allow-list against DNS rebinding), and the URLs printed for the typists.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTlsCertificate, generateTlsKeyPair, tlsFingerprint } from '../crypto/tlsCertificate.ts';
import type { RandomSource } from './context.ts';

export interface TlsMaterial {
  readonly key: string;
  readonly cert: string;
  /** SHA-256 fingerprint 'AB:CD:…' (as the browser's certificate viewer shows it). */
  readonly fingerprint: string;
  /** Made on this start (first start, or the previous one had expired). */
  readonly created: boolean;
  readonly certFile: string;
}

/** Validity of a new certificate; a certificate with less than RENEW_DAYS left is replaced at start. */
const LIFETIME_DAYS = 397;
const RENEW_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The machine's IP addresses (loopback included), for the certificate, the allow-list and the URLs. */
export function machineAddresses(): { lan: string[]; all: string[] } {
  const lan: string[] = [];
  const all: string[] = ['127.0.0.1', '::1'];
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) {
      const address = a.address.split('%')[0]!;
      if (!all.includes(address)) all.push(address);
      if (!a.internal && !address.toLowerCase().startsWith('fe80:') && !lan.includes(address)) lan.push(address);
    }
  }
  return { lan, all };
}

export function machineNames(): string[] {
  const host = os.hostname().toLowerCase();
  return [...new Set(['localhost', host, ...(host.includes('.') ? [] : [`${host}.local`])])].filter((n) => /^[a-z0-9.-]+$/.test(n));
}

/** Load `<data>/tls/{key,cert}.pem`, or make them (key file mode 0600). */
export function loadOrCreateTls(dataDir: string, now: Date, random: RandomSource): TlsMaterial {
  const dir = path.join(dataDir, 'tls');
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  if (existsSync(keyFile) && existsSync(certFile)) {
    const key = readFileSync(keyFile, 'utf8');
    const cert = readFileSync(certFile, 'utf8');
    const x = new X509Certificate(cert);
    if (Date.parse(x.validTo) - now.getTime() > RENEW_DAYS * DAY_MS && x.checkPrivateKey(createPrivateKey(key))) {
      return { key, cert, fingerprint: x.fingerprint256, created: false, certFile };
    }
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pair = generateTlsKeyPair();
  const serial = random.randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000 - DAY_MS);
  const cert = createTlsCertificate({
    ...pair,
    commonName: `uitslag ${os.hostname()}`.slice(0, 64),
    dnsNames: machineNames(),
    ipAddresses: machineAddresses().all,
    notBefore,
    notAfter: new Date(notBefore.getTime() + LIFETIME_DAYS * DAY_MS),
    serial,
  });
  // Written under temporary names and renamed, so a crash never leaves a key without its certificate.
  writeFileSync(`${keyFile}.new`, pair.privateKeyPem, { mode: 0o600 });
  writeFileSync(`${certFile}.new`, cert, { mode: 0o644 });
  renameSync(`${keyFile}.new`, keyFile);
  renameSync(`${certFile}.new`, certFile);
  return { key: pair.privateKeyPem, cert, fingerprint: tlsFingerprint(cert), created: true, certFile };
}

/**
 * Whether a request's Host header names this installation: localhost, the machine's host name
 * (also with `.local`), one of its IP addresses, the address it listens on, or an extra name the
 * operator allowed (`--allowed-host`). Other names are refused: a web page on another site
 * cannot reach the server through a DNS name it controls (DNS rebinding).
 */
export function hostAllowList(listenHost: string, extra: readonly string[] = []): (hostHeader: string | undefined) => boolean {
  const fixed = new Set([...machineNames(), ...extra.map((h) => h.toLowerCase()), listenHost.toLowerCase()]);
  return (hostHeader) => {
    if (!hostHeader) return false;
    const h = hostHeader.toLowerCase();
    const hostname = h.startsWith('[') ? h.slice(1, h.indexOf(']')) : h.replace(/:\d+$/, '');
    if (fixed.has(hostname)) return true;
    // Addresses can change while the server runs (DHCP): asked each time.
    return machineAddresses().all.includes(hostname);
  };
}

/** The URLs to print: one per LAN address, else the loopback address. */
export function serverUrls(scheme: 'http' | 'https', listenHost: string, port: number): string[] {
  const fmt = (h: string) => `${scheme}://${h.includes(':') ? `[${h}]` : h}:${port}`;
  if (listenHost !== '0.0.0.0' && listenHost !== '::') return [fmt(listenHost)];
  const lan = machineAddresses().lan.filter((a) => listenHost === '::' || !a.includes(':'));
  return [...lan.map(fmt), fmt('127.0.0.1')];
}
