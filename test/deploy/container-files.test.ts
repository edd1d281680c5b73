// biome-ignore-all lint/suspicious/noExplicitAny: the test walks compose.yaml as untyped data, as docker compose reads it
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { serverCommand } from '../../packages/cli/src/commands/server.js';
import { workerCommand } from '../../packages/cli/src/commands/worker.js';
import { repo } from '../cli/cli-helpers.js';
import { CONTRACT_FLAGS, parseWithCommand } from './fixtures.js';

// No Docker engine or registry is reachable where the tests run, so the image is not built here:
// the Dockerfile is linted and its layout checked against the repository (docs/deploy.md).
const dockerfile = readFileSync(join(repo, 'deploy/Dockerfile'), 'utf8');
const pnpm = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).packageManager as string;

describe('deploy/Dockerfile', () => {
  const parsed = DockerfileParser.parse(dockerfile);
  const stages = parsed.getFROMs().map((f) => f.getBuildStage());
  const runtimeStart = parsed.getFROMs()[1].getRange().start.line;
  const inRuntime = <T extends { getRange(): { start: { line: number } } }>(xs: T[]) =>
    xs.filter((x) => x.getRange().start.line > runtimeStart);

  it('passes the dockerfile-utils linter, which flags a broken copy', () => {
    expect(validate(dockerfile)).toEqual([]);
    const broken = dockerfile.replace('USER 10001:10001', 'USER');
    expect(validate(broken).length).toBeGreaterThan(0);
  });

  it('builds in a stage with the addon toolchain and runs as a non-root user in a second one', () => {
    expect(stages).toEqual(['build', 'runtime']);
    const runs = parsed
      .getInstructions()
      .filter((i) => i.getKeyword() === 'RUN')
      .map((i) => i.getArgumentsContent() ?? '');
    expect(runs.find((r) => r.includes('apt-get install'))).toMatch(/python3 make g\+\+/);
    // pnpm exactly as the README installs it, from the committed lockfile.
    expect(runs.some((r) => r.includes(`npx -y ${pnpm} install --frozen-lockfile`))).toBe(true);
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toContain(`npx -y ${pnpm} install`);
    const users = inRuntime(parsed.getInstructions().filter((i) => i.getKeyword() === 'USER'));
    expect(users.map((u) => u.getArgumentsContent())).toEqual(['10001:10001']);
  });

  it("has the CLI as ENTRYPOINT, at a path the image's layout maps to the repository's bin", () => {
    const entry = parsed.getENTRYPOINTs();
    expect(entry).toHaveLength(1);
    const argv = entry[0].getJSONStrings().map((s) => s.getJSONValue());
    expect(argv[0]).toBe('node');
    // The runtime stage copies the build stage's /app/packages (WORKDIR /app, COPY packages ./packages) to /app/packages.
    const copies = inRuntime(parsed.getCOPYs()).map((c) => `${c.getFromFlag()?.getValue()} ${c.getArgumentsContent()}`);
    expect(copies).toContain('build /app/packages ./packages');
    expect(argv[1]).toMatch(/^\/app\/packages\//);
    const bin = join(repo, argv[1].slice('/app/'.length));
    expect(existsSync(bin)).toBe(true);
    expect(JSON.parse(readFileSync(join(repo, 'packages/cli/package.json'), 'utf8')).bin.starling).toBe(
      './bin/starling.js',
    );
  });

  it('copies only files that exist and that .dockerignore lets through; keys never enter the context', () => {
    const ignore = readFileSync(join(repo, '.dockerignore'), 'utf8').split('\n');
    for (const c of parsed.getCOPYs().filter((x) => !x.getFromFlag())) {
      const args = (c.getArgumentsContent() ?? '').split(/\s+/);
      for (const src of args.slice(0, -1)) {
        expect(existsSync(join(repo, src)), src).toBe(true);
        expect(ignore, src).not.toContain(src);
      }
    }
    for (const pattern of ['keys', '**/*.key_secret', '**/node_modules', 'runs']) expect(ignore).toContain(pattern);
  });
});

/** `${VAR:-default}` as compose reads it with VAR unset. */
function defaults(s: string): string {
  return s.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
}

describe('deploy/compose.yaml', () => {
  const compose = parse(readFileSync(join(repo, 'deploy/compose.yaml'), 'utf8')) as Record<string, any>;
  const workers = Object.keys(compose.services).filter((s) => s.startsWith('worker-'));
  const fromDeploy = (file: string) => join(repo, 'deploy', defaults(file));

  it('runs `starling server` with the flags it parses, --hosts = its workers, each worker key allowed', async () => {
    const server = compose.services.server;
    const { args } = await parseWithCommand(serverCommand, server.command, CONTRACT_FLAGS.server);
    expect(args.hosts).toBe(workers.length);
    const config = server.configs.find((c: any) => c.target === args.config);
    expect(existsSync(fromDeploy(compose.configs[config.source].file))).toBe(true);
    const allowed = server.configs.filter((c: any) => c.target.startsWith(`${args.allow}/`));
    expect(allowed.map((c: any) => c.target).sort()).toEqual(workers.map((w) => `${args.allow}/${w}.key`).sort());
    for (const c of allowed)
      expect(defaults(compose.configs[c.source].file)).toBe(`../keys/${c.target.split('/').pop()}`);
    const key = server.secrets.find((s: any) => `/run/secrets/${s.target}` === args.key);
    expect(compose.secrets[key.source].file).toBe('../keys/server.key_secret');
    expect(server.volumes).toContain('../runs:/var/lib/starling/runs');
  });

  it.each(['worker-0', 'worker-1'])(
    'runs %s with its own key and the server key, connecting to the server',
    async (w) => {
      const svc = compose.services[w];
      expect(svc.image).toBe(compose.services.server.image);
      const { args } = await parseWithCommand(workerCommand, svc.command, CONTRACT_FLAGS.worker);
      const port = /:(\d+)$/.exec(
        compose.services.server.command[compose.services.server.command.indexOf('--bind') + 1],
      );
      expect(args.connect).toBe(`tcp://server:${port?.[1]}`);
      const key = svc.secrets.find((s: any) => `/run/secrets/${s.target}` === args.key);
      expect(compose.secrets[key.source].file).toBe(`../keys/${w}.key_secret`);
      const serverKey = svc.configs.find((c: any) => c.target === args.serverKey);
      expect(compose.configs[serverKey.source].file).toBe('../keys/server.key');
    },
  );
});
