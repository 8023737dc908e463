import { describe, expect, it } from 'vitest';
import { readConfig } from './config';
import { containerBody } from './driver';
import { unifiedState } from './map';

describe('engine addresses', () => {
  it('reads DOCKER_HOST forms the way the docker CLI does', () => {
    expect(readConfig({ host: 'unix:///var/run/docker.sock' }).endpoint).toEqual({
      kind: 'unix',
      socketPath: '/var/run/docker.sock',
    });
    expect(readConfig({ host: '/run/user/1000/docker.sock' }).endpoint).toMatchObject({ kind: 'unix' });
    expect(readConfig({ host: 'tcp://10.0.0.5' }).endpoint).toEqual({
      kind: 'tcp',
      host: '10.0.0.5',
      port: 2375,
      tls: null,
    });
    const pem = (what: string) => `-----BEGIN ${what}-----\nAAAA\n-----END ${what}-----\n`;
    const tls = { ca: pem('CERTIFICATE'), cert: pem('CERTIFICATE'), key: pem('PRIVATE KEY') };
    expect(readConfig({ host: 'tcp://[2001:db8::5]' }, tls).endpoint).toMatchObject({
      host: '2001:db8::5',
      port: 2376,
    });
    expect(readConfig({ host: 'ssh://ops@build-1:2222' }, { privateKey: 'k' })).toMatchObject({
      endpoint: {
        kind: 'ssh',
        socketPath: '/var/run/docker.sock',
        ssh: { address: 'build-1', port: 2222, username: 'ops' },
      },
      label: 'ops@build-1:2222:/var/run/docker.sock',
    });
  });

  it('refuses what it cannot use, saying what to give instead', () => {
    expect(() => readConfig({ host: 'unix://relative.sock' })).toThrow(/not a socket path/);
    expect(() => readConfig({ host: 'https://x:2376' })).toThrow(/needs the TLS files/);
    expect(() => readConfig({ host: 'ssh://build-1' }, { privateKey: 'k' })).toThrow(/which user/);
    expect(() =>
      readConfig({ host: 'ssh://ops@build-1', socketPath: 'docker.sock' }, { privateKey: 'k' }),
    ).toThrow(/absolute socket path/);
  });
});

describe('container create body', () => {
  it('turns ports, volumes, env and restart policy into the Engine API shape', () => {
    expect(
      containerBody({
        image: 'nginx:1.27',
        name: 'web',
        command: ['nginx', '-g', 'daemon off;'],
        env: { A: '1', B: 'two words' },
        ports: ['8080:80', '127.0.0.1:5432:5432', '[::1]:53:53/udp', '9000'],
        volumes: ['data:/data', '/srv/site:/usr/share/nginx/html:ro', '/cache'],
        restartPolicy: 'always',
        labels: { team: 'web' },
      }),
    ).toEqual({
      Image: 'nginx:1.27',
      name: 'web',
      Cmd: ['nginx', '-g', 'daemon off;'],
      Env: ['A=1', 'B=two words'],
      Labels: { team: 'web' },
      ExposedPorts: { '80/tcp': {}, '5432/tcp': {}, '53/udp': {}, '9000/tcp': {} },
      Volumes: { '/cache': {} },
      HostConfig: {
        PortBindings: {
          '80/tcp': [{ HostIp: '', HostPort: '8080' }],
          '5432/tcp': [{ HostIp: '127.0.0.1', HostPort: '5432' }],
          '53/udp': [{ HostIp: '::1', HostPort: '53' }],
        },
        Binds: ['data:/data', '/srv/site:/usr/share/nginx/html:ro'],
        RestartPolicy: { Name: 'always' },
      },
    });
  });

  it('refuses malformed ports and volumes', () => {
    for (const port of ['0:80', '80:70000', 'http', '1.2.3:80:80', '80/icmp']) {
      expect(() => containerBody({ image: 'x', ports: [port] }), port).toThrow(/not a port mapping/);
    }
    for (const volume of ['data', 'data:relative', ':/x', 'a:/b:ro:extra']) {
      expect(() => containerBody({ image: 'x', volumes: [volume] }), volume).toThrow(/not a volume/);
    }
  });

  it('maps Docker states to the unified ones; a container never started is stopped, not pending', () => {
    expect(
      ['running', 'created', 'restarting', 'exited', 'paused', 'removing', 'dead', 'odd'].map(unifiedState),
    ).toEqual(['running', 'stopped', 'rebooting', 'stopped', 'stopped', 'terminated', 'error', 'unknown']);
  });
});
