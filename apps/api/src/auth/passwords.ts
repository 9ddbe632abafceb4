import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost: N = 2^15, r = 8, p = 1 (32 MiB per hash, about 0.1 s here; OWASP's minimum is 2^17 x 8 x 1 or this with p = 3). */
const DEFAULT = { ln: 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;

function scryptAsync(password: string, salt: Buffer, keylen: number, opts: ScryptOptions) {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

const params = (ln: number, r: number, p: number): ScryptOptions => ({
  N: 2 ** ln,
  r,
  p,
  // node's default ceiling (32 MiB) is exactly one hash's need; leave room
  maxmem: 128 * 2 ** ln * r * p + 16 * 1024 * 1024,
});

/** A password hash: `scrypt$ln=15,r=8,p=1$<salt b64>$<key b64>` (parameters kept per hash). */
export async function hashPassword(
  password: string,
  cost: { ln: number; r: number; p: number } = DEFAULT,
): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(
    password.normalize('NFKC'),
    salt,
    KEY_BYTES,
    params(cost.ln, cost.r, cost.p),
  );
  return `scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Checks a password against a stored hash in constant time; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m =
    /^scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(
      stored,
    );
  if (!m) return false;
  const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (ln < 10 || ln > 20 || r < 1 || p < 1) return false;
  const expected = Buffer.from(m[5]!, 'base64');
  const key = await scryptAsync(
    password.normalize('NFKC'),
    Buffer.from(m[4]!, 'base64'),
    expected.length,
    params(ln, r, p),
  );
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash of nothing anyone knows: checked against when the user does not exist, so a wrong user name takes as long as a wrong password. */
let decoy: Promise<string> | null = null;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
}
