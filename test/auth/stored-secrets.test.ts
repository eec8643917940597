// What the database keeps of people's and clients' secrets: a slow salted hash of each password, a SHA-256 of each
// API key and session token, never the secret itself; so a copy of the database does not let anyone log in.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { openHaven } from '../../src/app.js';
import { testLogger } from '../helpers/logging.js';
import { forEachBackend } from '../helpers/stores.js';

test('passwords, API keys and session tokens are stored only as hashes', async (t) => {
  await forEachBackend(t, async (backend) => {
    const haven = await openHaven(backend.config, { logger: testLogger() });
    try {
      const password = 'a-long-enough-password-1';
      await haven.auth.createUser({ email: 'p@test.local', name: 'P', password, roles: ['reviewer'] }, 'test');
      await haven.auth.createUser({ email: 'q@test.local', name: 'Q', password, roles: ['reviewer'] }, 'test');
      const { key } = await haven.auth.createApiKey({ name: 'client', scopes: ['items:write'] }, 'test');
      const { token } = await haven.auth.login('p@test.local', password);

      const users = await haven.store.db.selectFrom('users').select(['email', 'password_hash']).orderBy('email').execute();
      for (const u of users) {
        assert.match(u.password_hash, /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/, 'argon2id with its parameters');
        assert.ok(!u.password_hash.includes(password));
      }
      assert.notEqual(users[0]?.password_hash, users[1]?.password_hash, 'salted: the same password hashes differently');

      const keys = await haven.store.db.selectFrom('api_keys').selectAll().execute();
      assert.equal(keys.length, 1);
      assert.equal(keys[0]?.key_hash, createHash('sha256').update(key).digest('hex'));
      assert.equal(keys[0]?.prefix, key.slice(0, 10), 'only a short prefix is kept to tell keys apart');
      const sessions = await haven.store.db.selectFrom('sessions').selectAll().execute();
      assert.equal(sessions[0]?.id, createHash('sha256').update(token).digest('hex'));

      // No column of any of these tables holds a secret in the clear.
      const everything = JSON.stringify([users, keys, sessions]);
      for (const secret of [password, key, token]) assert.ok(!everything.includes(secret));
      assert.ok((await haven.auth.fromApiKey(key)) !== null, 'and the hashes still authenticate');
      assert.equal(await haven.auth.fromApiKey(keys[0]?.key_hash ?? ''), null, 'the stored hash is not itself a key');
      assert.equal(await haven.auth.fromSession(sessions[0]?.id ?? ''), null, 'nor is the stored session id a session');
    } finally {
      await haven.close();
    }
  });
});
