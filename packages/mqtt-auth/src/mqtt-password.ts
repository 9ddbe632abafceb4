import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

/**
 * PBKDF2-SHA512 iterations of the hashes we write. Mosquitto reads the count from each hash
 * (`$7$<iterations>$...`); mosquitto_passwd's own default is only 101.
 */
export const MQTT_PBKDF2_ITERATIONS = 20_000;

/** A password hash in Mosquitto 2's format: `$7$<iterations>$<salt b64>$<hash b64>`. */
export async function hashMqttPassword(
  password: string,
  iterations = MQTT_PBKDF2_ITERATIONS,
): Promise<string> {
  // Mosquitto's salt is 12 bytes and its hash 64 (SHA-512 output)
  const salt = randomBytes(12);
  const hash = await pbkdf2Async(password, salt, iterations, 64, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Checks a password against a `$7$` hash (ours or mosquitto_passwd's); false for any other. */
export async function verifyMqttPassword(password: string, stored: string): Promise<boolean> {
  const m = /^\$7\$(\d{1,7})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return false;
  const iterations = Number(m[1]);
  if (iterations < 1) return false;
  const salt = Buffer.from(m[2]!, 'base64');
  const expected = Buffer.from(m[3]!, 'base64');
  if (expected.length !== 64) return false;
  const got = await pbkdf2Async(password, salt, iterations, 64, 'sha512');
  return timingSafeEqual(got, expected);
}
