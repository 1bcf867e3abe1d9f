/**
 * The deployment files say what the README says, and `npm ci --omit=dev` can run the app:
 * every package the app's code imports is a runtime dependency. (Docker Hub is unreachable
 * here, so the image is checked by reading it, not by building it.)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HEALTH_PATH } from '../../bot/web/server.ts';
import { packageOf } from '../../scripts/checks/rooms.ts';
import { ROOT } from '../helpers/app.ts';

const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');
const pkg = JSON.parse(read('package.json')) as { engines: { node: string }; dependencies: Record<string, string>; devDependencies: Record<string, string> };

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const rel = join(dir, name);
    if (statSync(join(ROOT, rel)).isDirectory()) return sources(rel);
    return /\.(ts|mjs)$/.test(name) ? [rel] : [];
  });
}

describe('npm ci --omit=dev', () => {
  // scripts/bench and scripts/dev are developer tools; the installers are looked up optionally (workers/media/tools.ts).
  const optional = new Set(['@ffmpeg-installer/ffmpeg', '@ffprobe-installer/ffprobe']);
  const app = ['surveys', 'storage', 'workers', 'bot', 'scripts'].flatMap(sources).filter((f) => !/^scripts\/(bench|dev)\//.test(f));

  it('installs every package the app imports', () => {
    const wrong: string[] = [];
    for (const file of app) {
      for (const m of read(file).matchAll(/^\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm)) {
        const spec = (m[1] ?? m[2])!;
        if (spec.startsWith('.')) continue;
        const name = packageOf(spec);
        if (name.startsWith('node:') || optional.has(name) || pkg.dependencies[name]) continue;
        wrong.push(`${relative(ROOT, join(ROOT, file))}: ${name}${pkg.devDependencies[name] ? ' is only a devDependency' : ' is not a dependency'}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(pkg.dependencies.tsx).toBeDefined();
  });
});

describe('deployment files', () => {
  it('engines name Node 22 and 24 LTS first, 20.19 still allowed', () => {
    expect(pkg.engines.node).toMatch(/^\^22\.\d+\.\d+ \|\| >=24\.0\.0 \|\| \^20\.19\.0$/);
  });

  it('Dockerfile: Node 22 LTS, ffmpeg, runtime dependencies only, non-root, health check on the health endpoint', () => {
    const docker = read('Dockerfile');
    const stages = [...docker.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(stages.every((s) => s!.startsWith('node:22-'))).toBe(true);
    expect(docker).toMatch(/apt-get install[^\n]*\bffmpeg\b/);
    expect(docker).toMatch(/npm ci --omit=dev/);
    expect(docker).toMatch(/^USER node$/m);
    // Built as root after the sources are copied in: the node user may not write /app.
    const build = docker.search(/^RUN node scripts\/build\.mjs$/m);
    expect(build).toBeGreaterThan(docker.search(/^COPY \. \.$/m));
    expect(build).toBeLessThan(docker.search(/^USER node$/m));
    const health = docker.slice(docker.search(/^HEALTHCHECK /m), docker.search(/^ENTRYPOINT /m));
    expect(health).toMatch(/\bCMD\b/);
    expect(health).toContain(`'${HEALTH_PATH}'`);
    expect(read('.dockerignore').split('\n')).toEqual(expect.arrayContaining(['node_modules', '.env', 'data']));
  });

  it('compose.yaml: bot, worker, PostgreSQL and Redis with AOF and noeviction, volumes for data and media', () => {
    const compose = parse(read('compose.yaml'), { merge: true }) as {
      services: Record<string, { command?: string[]; environment?: Record<string, string>; volumes?: string[]; healthcheck?: { disable?: boolean } }>;
      volumes: Record<string, unknown>;
    };
    const { bot, worker, postgres, redis } = compose.services;
    expect(bot!.command).toEqual(['start']);
    expect(worker!.command).toEqual(['worker']);
    expect(bot!.environment!.WORKERS_IN_PROCESS).toBe('0');
    expect(worker!.healthcheck?.disable).toBe(true);
    for (const s of [bot!, worker!]) {
      expect(s.environment!.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
      expect(s.environment!.REDIS_URL).toBe('redis://redis:6379');
      expect(s.volumes).toContain('stemmen-data:/data');
    }
    expect(redis!.command!.join(' ')).toMatch(/--appendonly yes/);
    expect(redis!.command!.join(' ')).toMatch(/--maxmemory-policy noeviction/);
    expect(postgres!.volumes).toContain('postgres-data:/var/lib/postgresql/data');
    expect(Object.keys(compose.volumes).sort()).toEqual(['postgres-data', 'redis-data', 'stemmen-data']);
  });

  it('stemmen.service: restarts on failure, reads an EnvironmentFile, runs `stemmen start` unprivileged', () => {
    const unit = read('stemmen.service');
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^EnvironmentFile=\/etc\/stemmen\/stemmen\.env$/m);
    expect(unit).toMatch(/^ExecStart=.*scripts\/stemmen\.mjs start$/m);
    expect(unit).toMatch(/^User=stemmen$/m);
    expect(unit).toMatch(/^ExecStartPre=\+.*scripts\/build\.mjs$/m);
  });

  it('the README production section uses all three', () => {
    const production = read('README.md').split('## Production layout')[1]!.split('\n## ')[0]!;
    for (const f of ['compose.yaml', 'Dockerfile', 'stemmen.service', 'docker compose up', 'systemctl enable']) expect(production).toContain(f);
  });
});
