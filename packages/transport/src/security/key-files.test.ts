import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateIdentity } from './identity.js';
import { loadAllowList, loadIdentity, loadPublicKey, writeIdentity } from './key-files.js';

const temp = () => mkdtempSync(join(tmpdir(), 'starling-keys-'));
const mode = (p: string) => statSync(p).mode & 0o777;

describe('key files', () => {
  it('writes NAME.key (0644) and NAME.key_secret (0600) that load back to the same identity', () => {
    const dir = join(temp(), 'keys');
    const id = generateIdentity('host-1');
    const { publicPath, secretPath } = writeIdentity(dir, id);
    expect(publicPath).toBe(join(dir, 'host-1.key'));
    expect(mode(secretPath)).toBe(0o600);
    expect(mode(publicPath)).toBe(0o644);
    expect(JSON.parse(readFileSync(publicPath, 'utf8'))).toEqual({
      starling: 'curve-key',
      name: 'host-1',
      public: id.publicKey,
    });
    expect(loadIdentity(secretPath)).toEqual(id);
    expect(loadPublicKey(publicPath)).toEqual({ name: 'host-1', publicKey: id.publicKey });
    expect(loadPublicKey(secretPath)).toEqual({ name: 'host-1', publicKey: id.publicKey });
    expect(loadAllowList(publicPath)).toEqual(new Map([['host-1', id.publicKey]]));
  });

  it('refuses to overwrite without force, and with force leaves the secret at 0600', () => {
    const dir = temp();
    writeIdentity(dir, generateIdentity('a'));
    const second = generateIdentity('a');
    expect(() => writeIdentity(dir, second)).toThrow(/a\.key exists; pass --force/);
    writeFileSync(join(dir, 'b.key_secret'), '{}', { mode: 0o644 });
    expect(() => writeIdentity(dir, generateIdentity('b'))).toThrow(/b\.key_secret exists/);
    const { secretPath } = writeIdentity(dir, generateIdentity('b'), true);
    expect(mode(secretPath)).toBe(0o600);
    writeIdentity(dir, second, true);
    expect(loadIdentity(join(dir, 'a.key_secret'))).toEqual(second);
  });

  it('loads every *.key of a directory (sorted by name), ignoring other files', () => {
    const dir = temp();
    const ids = ['w2', 'w1', 'server'].map(generateIdentity);
    for (const id of ids) writeIdentity(dir, id);
    const allow = join(dir, 'allow');
    mkdirSync(allow);
    for (const id of ids) writeFileSync(join(allow, `${id.name}.key`), readFileSync(join(dir, `${id.name}.key`)));
    writeFileSync(join(allow, 'README.txt'), 'not a key');
    const list = loadAllowList(allow);
    expect([...list.keys()]).toEqual(['server', 'w1', 'w2']);
    expect(list.get('w1')).toBe(ids[1]!.publicKey);
    // the full key folder holds secrets: refused as an allow-list
    expect(() => loadAllowList(dir)).toThrow(/server\.key_secret: a secret key file in an allow-list directory/);
  });

  describe('errors name the file', () => {
    const id = generateIdentity('w1');
    const good = { starling: 'curve-key', name: 'w1', public: id.publicKey };
    const cases: [string, string, RegExp][] = [
      ['malformed JSON', '{"starling": "curve-key",', /malformed JSON/],
      ['not an object', '[1, 2]', /expected a JSON object/],
      ['wrong starling field', JSON.stringify({ ...good, starling: 'ssh-key' }), /"starling" must be "curve-key"/],
      ['bad z85', JSON.stringify({ ...good, public: `${id.publicKey.slice(0, 39)}~` }), /"public" must be a 40-char/],
      ['short key', JSON.stringify({ ...good, public: 'HelloWorld' }), /"public" must be a 40-char/],
      ['bad name', JSON.stringify({ ...good, name: 'w1~x' }), /"name" must match/],
      ['secret in an allow-list file', JSON.stringify({ ...good, secret: id.secretKey }), /secrets do not belong/],
    ];
    it.each(cases)('%s', (_what, text, message) => {
      const file = join(temp(), 'w1.key');
      writeFileSync(file, text);
      expect(() => loadAllowList(file)).toThrow(message);
      expect(() => loadAllowList(file)).toThrow(file);
      try {
        loadAllowList(file);
      } catch (e) {
        expect((e as { code?: string }).code).toBe('data');
      }
    });

    it('a missing file or folder', () => {
      const path = join(temp(), 'nope');
      expect(() => loadAllowList(path)).toThrow(`${path}: cannot read allow-list`);
      expect(() => loadIdentity(path)).toThrow(`${path}: cannot read key file`);
    });

    it('two files with one name', () => {
      const dir = temp();
      writeFileSync(join(dir, 'a.key'), JSON.stringify(good));
      writeFileSync(join(dir, 'b.key'), JSON.stringify({ ...good, public: generateIdentity('x').publicKey }));
      expect(() => loadAllowList(dir)).toThrow(
        `${join(dir, 'b.key')}: name "w1" is already given by ${join(dir, 'a.key')}`,
      );
    });

    it('an identity without a secret, or with a public key that is not its own', () => {
      const dir = temp();
      const { publicPath, secretPath } = writeIdentity(dir, id);
      expect(() => loadIdentity(publicPath)).toThrow(`${publicPath}: not a Starling key file: no "secret" field`);
      const other = generateIdentity('w1');
      writeFileSync(secretPath, JSON.stringify({ ...good, secret: other.secretKey }));
      expect(() => loadIdentity(secretPath)).toThrow(/"public" does not belong to "secret"/);
    });
  });

  it('generateIdentity refuses a name outside ID_PATTERN', () => {
    expect(() => generateIdentity('a~b')).toThrow(/keys.name must be a name matching/);
    expect(() => generateIdentity('')).toThrow(/keys.name must be a name matching/);
  });
});
