import { isIP } from 'node:net';
import { type Command, InvalidArgumentError } from 'commander';

/** Adds `--project DIR`, which every command takes. */
export function withProjectOption(cmd: Command): Command {
  return cmd.option('--project <dir>', 'the project folder (default: the nearest folder upwards holding .dango/)');
}

/** Commander parser for an integer in [min, max]. */
export function intOption(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

/** Commander collector for a repeatable `--allow-origin`: each value must be an http(s) origin such as `https://app.example.com`. */
export function originOption(value: string, previous: string[] = []): string[] {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    /* reported below */
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.origin !== value.replace(/\/$/, '')) {
    throw new InvalidArgumentError(`expected an origin such as https://app.example.com (scheme, host and optional port, no path)`);
  }
  return [...previous, url.origin];
}

/** Commander collector for a repeatable `--allowed-host`: a host name (`data.example.com`, `.example.com` for it and its subdomains) or an IP. */
export function allowedHostOption(value: string, previous: string[] = []): string[] {
  const host = value.trim().toLowerCase();
  if (!/^\.?[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/.test(host) && isIP(host.replace(/^\[|\]$/g, '')) === 0) {
    throw new InvalidArgumentError('expected a host name such as data.example.com (.example.com for it and its subdomains) or an IP, without scheme or port');
  }
  return [...previous, host];
}

/** Commander collector for a repeatable option that also accepts space-separated values (`--select a b`). */
export function listOption(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(/\s+/).filter(Boolean)];
}

