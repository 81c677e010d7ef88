/**
 * RSA key pairs (domain.md §7): RSA 4096 bits, public exponent 65537, one pair per installation
 * and election. The private key never leaves the data directory and is written with mode 0600.
 */
import { generateKeyPair } from 'node:crypto';
import { open } from 'node:fs/promises';
import { fail, ok, type Result } from '../domain/result.ts';

export const RSA_BITS = 4096;
export const RSA_PUBLIC_EXPONENT = 65537;

export interface RsaKeyPair {
  /** PKCS#8 PEM ('-----BEGIN PRIVATE KEY-----'). */
  readonly privateKeyPem: string;
  /** SPKI PEM ('-----BEGIN PUBLIC KEY-----'). */
  readonly publicKeyPem: string;
}

/** Generate an RSA-4096 key pair off the main thread (takes about 1-3 s). */
export function generateRsaKeyPair(bits: number = RSA_BITS): Promise<RsaKeyPair> {
  return new Promise((resolve, reject) => {
    generateKeyPair(
      'rsa',
      {
        modulusLength: bits,
        publicExponent: RSA_PUBLIC_EXPONENT,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      },
      (err, publicKeyPem, privateKeyPem) => {
        if (err) reject(err);
        else resolve({ privateKeyPem, publicKeyPem });
      },
    );
  });
}

export type WriteKeyError = 'key.exists' | 'key.write';

/**
 * Write a private key to `path`, created with mode 0600 from the start (O_CREAT|O_EXCL: an
 * existing file is never overwritten, and there is no window in which the key is world-readable).
 */
export async function writePrivateKey(path: string, pem: string): Promise<Result<true, WriteKeyError>> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EEXIST') {
      return fail('key.exists', `Er bestaat al een sleutelbestand (${path}); het wordt niet overschreven.`, err.message);
    }
    return fail('key.write', `Het sleutelbestand kon niet worden geschreven (${path}).`, err.message);
  }
  try {
    // The umask cannot widen 0600, but make the mode explicit in case the file system ignores it.
    await handle.chmod(0o600);
    await handle.writeFile(pem, 'utf8');
    await handle.sync();
    return ok(true);
  } catch (e) {
    return fail('key.write', `Het sleutelbestand kon niet worden geschreven (${path}).`, (e as Error).message);
  } finally {
    await handle.close();
  }
}
